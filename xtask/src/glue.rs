//! The thin per-operation layer, rendered from progenitor's own output and the spec, so that
//! adding an operation to the spec costs no hand-written Rust.
//!
//! For every operation progenitor generated (`Client::op(&self) -> builder::Op<'_>`), this emits:
//! - `MpcClient::op(&self, <path parameters but auth_id>) -> Call<builder::Op<'_>>`, with the
//!   auth id filled in and every path value routed through `Call::path_value` (the encoding
//!   progenitor cannot do, see generated/src/call.rs);
//! - a forwarding setter on `Call<builder::Op>` for every other builder setter (query
//!   parameters, `body`, `body_map`), its signature copied from progenitor's;
//! - `impl Operation for builder::Op` (the spec's operationId and the success type), through
//!   which `Call::send` runs every operation the same way;
//! - `impl Paged for builder::Op` when the operation is a list (a `limit` and an `offset` setter,
//!   a success body with `meta: PageMeta` and `objects: [...]`), and `impl Page` for its body;
//! - the spec's numeric bounds of every query parameter, which the `pre` hook enforces before a
//!   request leaves (progenitor's types enforce only some of them).
//!
//! Everything else (retries, errors, paging, encoding) is generic, hand-written code in the
//! crate; this file only connects it to each operation.

use std::collections::BTreeSet;

use anyhow::{anyhow, bail, Context as _};
use plivo_mpc_spec::{Operation, SpecDocument};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

/// One setter of a progenitor builder: `pub fn name<V>(mut self, value: V) -> Self where ...`.
struct Setter {
    name: Ident,
    generics: syn::Generics,
    argument: syn::Type,
}

/// What progenitor generated for one operation.
struct Builder {
    /// `list_participants_by_name`: the `Client` method and `OperationInfo::operation_id`.
    method: Ident,
    /// `ListParticipantsByName`, in `builder::`.
    name: Ident,
    setters: Vec<Setter>,
    /// `T` of `Result<ResponseValue<T>, Error<E>>`.
    success: syn::Type,
    /// `E` of the same.
    failure: syn::Type,
}

/// The glue for `file` (progenitor's output) and `doc` (the spec it came from).
pub fn render(file: &syn::File, doc: &SpecDocument) -> anyhow::Result<TokenStream> {
    let operations = plivo_mpc_spec::operations(doc)?;
    let builders = builders(file)?;
    let list_bodies = list_bodies(file);
    let mut items = Vec::new();
    let mut pages = BTreeSet::new();
    let mut bounds = Vec::new();
    let mut dispatch = Vec::new();
    let struct_names: BTreeSet<String> = types_items(file)
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut object_successes = Vec::new();
    for builder in &builders {
        let operation = operations
            .iter()
            .find(|op| same_name(&op.operation_id, &builder.method.to_string()))
            .ok_or_else(|| {
                anyhow!(
                    "progenitor generated {} but the spec has no such operationId",
                    builder.method
                )
            })?;
        items.push(operation_glue(builder, operation)?);
        dispatch.push(dispatch_arm(builder, operation));
        if struct_names.contains(&type_name(&builder.success)) {
            object_successes.push(builder.method.to_string());
        }
        if is_list(builder, &list_bodies) {
            items.push(paged_glue(builder));
            pages.insert(type_name(&builder.success));
        }
        bounds.push(query_bounds(builder, operation));
    }
    for (body, item) in list_bodies.iter().filter(|(body, _)| pages.contains(body)) {
        let body = format_ident!("{body}");
        let item = format_ident!("{item}");
        items.push(quote! {
            impl crate::paging::Page for types::#body {
                type Item = types::#item;
                fn meta(&self) -> &types::PageMeta {
                    &self.meta
                }
                fn into_items(self) -> ::std::vec::Vec<types::#item> {
                    self.objects
                }
            }
        });
    }
    let response_types: Vec<&syn::Type> = {
        let mut seen = BTreeSet::new();
        builders
            .iter()
            .flat_map(|b| [&b.success, &b.failure])
            .filter(|t| seen.insert(quote!(#t).to_string()))
            .collect()
    };
    let components = component_types(file, doc);
    // One match arm per component for each function below: `"Name" => Some(f::<Type>(args)),`.
    let arms = |call: TokenStream, arguments: TokenStream| -> Vec<TokenStream> {
        components
            .iter()
            .map(|(name, rust)| quote!(#name => Some(#call::<#rust>(#arguments)),))
            .collect()
    };
    let decodes = arms(quote!(decode), quote!(value));
    let schemas = arms(quote!(schema), quote!());
    let round_trips = arms(quote!(round_trip), quote!(value));
    Ok(quote! {
        /// The per-operation layer: rendered by `cargo xtask generate` from the builders above and
        /// the spec (see xtask/src/glue.rs); every call goes through [`crate::Call`].
        pub mod operations {
            #[allow(unused_imports)]
            use super::{builder, types, Error, ResponseValue};

            #(#items)*

            /// The spec's `minimum` and `maximum` of every numeric query parameter, by
            /// progenitor's operation id or the spec's operationId; checked by the `pre` hook
            /// before a request is sent, and named when progenitor's own types refuse a value.
            pub(crate) fn query_bounds(
                operation_id: &str,
            ) -> &'static [(&'static str, ::std::option::Option<f64>, ::std::option::Option<f64>)] {
                match operation_id {
                    #(#bounds)*
                    _ => &[],
                }
            }

            /// Any operation called by its operationId with JSON values, for the conformance suite
            /// (`--features conformance`): it replays every example of every operation without a
            /// line of Rust per operation.
            #[cfg(feature = "conformance")]
            pub async fn call_by_operation_id(
                client: &crate::MpcClient,
                operation_id: &str,
                path: &[(&str, ::std::string::String)],
                query: &[(&str, ::serde_json::Value)],
                body: ::std::option::Option<::serde_json::Value>,
            ) -> ::std::result::Result<
                ::std::result::Result<crate::conformance::Answer, crate::MpcError>,
                ::std::string::String,
            > {
                use crate::conformance::{answer, from_json, path_value};
                match operation_id {
                    #(#dispatch)*
                    other => Err(format!("the spec has no operation {other}")),
                }
            }

            /// Decodes `value` as the Rust type of the spec's component schema `name`, for the
            /// conformance suite; `None` for a name the spec does not have.
            #[cfg(feature = "conformance")]
            pub fn decode_component(
                name: &str,
                value: ::serde_json::Value,
            ) -> ::std::option::Option<::std::result::Result<(), ::std::string::String>> {
                fn decode<T: ::serde::de::DeserializeOwned>(
                    value: ::serde_json::Value,
                ) -> ::std::result::Result<(), ::std::string::String> {
                    ::serde_json::from_value::<T>(value).map(drop).map_err(|e| e.to_string())
                }
                match name {
                    #(#decodes)*
                    _ => None,
                }
            }

            /// `value` decoded as the Rust type of component `name` and written back, for the
            /// conformance suite; `None` for an unknown name.
            #[cfg(feature = "conformance")]
            pub fn round_trip_component(
                name: &str,
                value: ::serde_json::Value,
            ) -> ::std::option::Option<::std::result::Result<::serde_json::Value, ::std::string::String>> {
                fn round_trip<T: ::serde::de::DeserializeOwned + ::serde::Serialize>(
                    value: ::serde_json::Value,
                ) -> ::std::result::Result<::serde_json::Value, ::std::string::String> {
                    let typed: T = ::serde_json::from_value(value).map_err(|e| e.to_string())?;
                    ::serde_json::to_value(&typed).map_err(|e| e.to_string())
                }
                match name {
                    #(#round_trips)*
                    _ => None,
                }
            }

            /// The schemars schema of the Rust type of the spec's component schema `name`, for
            /// the conformance suite's comparison with the spec; `None` for an unknown name.
            #[cfg(feature = "conformance")]
            pub fn component_schema(name: &str) -> ::std::option::Option<::serde_json::Value> {
                fn schema<T: ::schemars::JsonSchema>() -> ::serde_json::Value {
                    ::serde_json::to_value(::schemars::schema_for!(T))
                        .expect("a schema is JSON")
                }
                match name {
                    #(#schemas)*
                    _ => None,
                }
            }

            /// Whether the success body of progenitor's operation `operation_id` is a JSON object
            /// (serde would also read a struct from an array, which Plivo never sends).
            pub(crate) fn success_is_object(operation_id: &str) -> bool {
                matches!(operation_id, #(#object_successes)|*)
            }

            /// Every body type a response can decode into, for the fuzz target.
            #[cfg(feature = "fuzzing")]
            pub(crate) fn decode_every_response_type(bytes: &[u8]) {
                #( crate::fuzzing::round_trip::<#response_types>(bytes); )*
            }
        }
    })
}

fn operation_glue(builder: &Builder, operation: &Operation) -> anyhow::Result<TokenStream> {
    let Builder {
        method,
        name,
        success,
        failure,
        ..
    } = builder;
    let id = &operation.operation_id;
    if type_name(failure) != "ErrorResponse" {
        bail!(
            "{}: every error response must use #/components/schemas/ErrorResponse (Plivo's one \
             error body), so that MpcError can carry it; this operation's errors decode as {}",
            operation.pointer,
            quote!(#failure)
        );
    }
    let path_names: Vec<&str> = operation
        .path_parameters
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    if !path_names.contains(&"auth_id") {
        bail!(
            "{}: every operation is under /v1/Account/{{auth_id}}/; this one has no auth_id",
            operation.pointer
        );
    }
    let arguments: Vec<Ident> = path_names
        .iter()
        .filter(|n| **n != "auth_id")
        .map(|n| Ident::new(n, Span::call_site()))
        .collect();
    for argument in &arguments {
        if !builder.setters.iter().any(|s| s.name == *argument) {
            bail!(
                "{}: progenitor's builder has no setter for path parameter {argument}",
                operation.pointer
            );
        }
    }
    // Whether each path value is a whole segment (`{member_id}`) rather than part of one
    // (`name_{mpc_name}`): a whole segment may not be `.` or `..`.
    let whole: Vec<bool> = arguments
        .iter()
        .map(|a| {
            operation
                .path_template
                .split('/')
                .any(|segment| segment == format!("{{{a}}}"))
        })
        .collect();
    let forwarded = builder
        .setters
        .iter()
        .filter(|s| s.name != "auth_id" && !arguments.contains(&s.name))
        .map(
            |Setter {
                 name,
                 generics,
                 argument,
             }| {
                let where_clause = &generics.where_clause;
                quote! {
                    pub fn #name #generics(self, value: #argument) -> Self #where_clause {
                        self.map(|b| b.#name(value))
                    }
                }
            },
        );
    let summary = operation_doc(operation);
    let path_doc = format!(
        "`{} {}`. Path values are sent percent-encoded, each as one segment.",
        operation.method, operation.path_template
    );
    Ok(quote! {
        impl crate::MpcClient {
            #[doc = #summary]
            ///
            #[doc = #path_doc]
            pub fn #method(
                &self,
                #( #arguments: impl ::std::convert::Into<::std::string::String>, )*
            ) -> crate::Call<builder::#name<'_>> {
                let call = crate::Call::new(
                    self.generated().#method().auth_id(self.auth_id().to_owned()),
                );
                #(
                    let (call, #arguments) = call.path_value(#arguments.into(), #whole);
                    let call = call.map(|b| b.#arguments(#arguments));
                )*
                call
            }
        }

        impl<'a> crate::Call<builder::#name<'a>> {
            #(#forwarded)*
        }

        impl<'a> crate::call::Operation for builder::#name<'a> {
            type Success = #success;
            const ID: &'static str = #id;
            fn send_generated(
                self,
            ) -> impl ::std::future::Future<
                Output = ::std::result::Result<ResponseValue<#success>, Error<#failure>>,
            > + Send {
                builder::#name::send(self)
            }
        }
    })
}

/// One arm of `call_by_operation_id`: path values by name, query values and the body converted
/// from JSON to the types progenitor's setters take.
fn dispatch_arm(builder: &Builder, operation: &Operation) -> TokenStream {
    let method = &builder.method;
    let id = &operation.operation_id;
    let path_names: Vec<&str> = operation
        .path_parameters
        .iter()
        .map(|p| p.name.as_str())
        .filter(|n| *n != "auth_id")
        .collect();
    let setters: Vec<(&Ident, syn::Type)> = builder
        .setters
        .iter()
        .filter(|s| s.name != "auth_id" && !path_names.contains(&s.name.to_string().as_str()))
        .filter_map(|s| try_into_target(&s.generics).map(|t| (&s.name, t)))
        .collect();
    // Keyed by the spec's name (`end_time__gt`), which progenitor's setter may spell otherwise
    // (`end_time_gt`).
    let query = setters
        .iter()
        .filter(|(name, _)| *name != "body")
        .map(|(name, ty)| {
            let text = operation
                .query_parameters
                .iter()
                .find(|p| same_name(&p.name, &name.to_string()))
                .map_or_else(|| name.to_string(), |p| p.name.clone());
            quote!(#text => call.#name(from_json::<#ty>(name, value)?),)
        });
    let body = match setters.iter().find(|(name, _)| *name == "body") {
        Some((_, ty)) => quote! {
            if let ::std::option::Option::Some(body) = body {
                call = call.body(from_json::<#ty>("body", &body)?);
            }
        },
        None => quote! {
            if body.is_some() {
                return Err(format!("{} takes no request body", #id));
            }
        },
    };
    quote! {
        #id => {
            #[allow(unused_mut)]
            let mut call = client.#method(#(path_value(path, #path_names)?),*);
            for (name, value) in query {
                call = match *name {
                    #(#query)*
                    other => return Err(format!("{} has no query parameter {other}", #id)),
                };
            }
            #body
            Ok(call.send().await.map(|value| answer(&value)))
        }
    }
}

/// `T` of a setter bounded `V: TryInto<T>`.
fn try_into_target(generics: &syn::Generics) -> Option<syn::Type> {
    generics
        .where_clause
        .as_ref()?
        .predicates
        .iter()
        .find_map(|predicate| {
            let syn::WherePredicate::Type(predicate) = predicate else {
                return None;
            };
            predicate.bounds.iter().find_map(|bound| {
                let syn::TypeParamBound::Trait(bound) = bound else {
                    return None;
                };
                let last = bound.path.segments.last()?;
                if last.ident != "TryInto" {
                    return None;
                }
                let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
                    return None;
                };
                arguments.args.iter().find_map(|a| match a {
                    syn::GenericArgument::Type(t) => Some(t.clone()),
                    _ => None,
                })
            })
        })
}

/// Every component schema with its Rust type: the generated one in `types`, or the
/// hand-written type that replaces it.
fn component_types(file: &syn::File, doc: &SpecDocument) -> Vec<(String, syn::Type)> {
    let generated: BTreeSet<String> = types_items(file)
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    let names = doc
        .at("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    names
        .into_iter()
        .filter_map(|name| {
            let rust: syn::Type = match crate::generate::REPLACEMENTS.iter().find(|r| r.0 == name) {
                Some((_, path, _)) => syn::parse_str(path).ok()?,
                None if generated.contains(&name) => {
                    let ident = format_ident!("{name}");
                    syn::parse_quote!(types::#ident)
                }
                None => return None,
            };
            Some((name, rust))
        })
        .collect()
}

/// Whether `builder` is a list operation: `limit` and `offset` setters, and a list body.
fn is_list(builder: &Builder, list_bodies: &[(String, String)]) -> bool {
    let success = type_name(&builder.success);
    ["limit", "offset"]
        .iter()
        .all(|s| builder.setters.iter().any(|setter| setter.name == s))
        && list_bodies.iter().any(|(body, _)| *body == success)
}

/// The names of the builders of list operations (`ListParticipantsByName`), whose parameters
/// [`crate::detached`] copies into lifetime-free types for the paging stream.
pub fn list_builder_names(file: &syn::File) -> anyhow::Result<Vec<Ident>> {
    let list_bodies = list_bodies(file);
    Ok(builders(file)?
        .into_iter()
        .filter(|b| is_list(b, &list_bodies))
        .map(|b| b.name)
        .collect())
}

/// `Paged` for a list builder, and `Detached` for its copy without the client (rendered into
/// `mod builder` by [`crate::detached`]).
fn paged_glue(builder: &Builder) -> TokenStream {
    let name = &builder.name;
    let detached = crate::detached::detached_name(name);
    let success = &builder.success;
    quote! {
        impl<'a> crate::paging::Paged for builder::#name<'a> {
            type Detached = builder::#detached;
            fn at_offset(self, offset: u64) -> Self {
                self.offset(offset)
            }
            fn detach(self) -> (super::Client, builder::#detached) {
                let (client, detached) = builder::#detached::detach(self);
                (client.clone(), detached)
            }
        }

        impl crate::paging::Detached for builder::#detached {
            type Success = #success;
            type Builder<'c> = builder::#name<'c>;
            fn attach(self, client: &super::Client) -> builder::#name<'_> {
                builder::#detached::attach(self, client)
            }
        }
    }
}

fn query_bounds(builder: &Builder, operation: &Operation) -> TokenStream {
    let method = builder.method.to_string();
    let id = &operation.operation_id;
    let entries = operation.query_parameters.iter().filter_map(|p| {
        let bound = |key: &str| p.schema.get(key).and_then(Value::as_f64);
        let (minimum, maximum) = (bound("minimum"), bound("maximum"));
        if minimum.is_none() && maximum.is_none() {
            return None;
        }
        let name = &p.name;
        let minimum = option_f64(minimum);
        let maximum = option_f64(maximum);
        Some(quote!((#name, #minimum, #maximum)))
    });
    quote!(#method | #id => &[#(#entries),*],)
}

fn option_f64(value: Option<f64>) -> TokenStream {
    match value {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    }
}

/// The spec's summary as the method's documentation (the description is on the generated
/// `Client` method, one link away).
fn operation_doc(operation: &Operation) -> String {
    operation
        .summary
        .clone()
        .unwrap_or_else(|| operation.operation_id.clone())
}

/// `listParticipantsByName` and `list_participants_by_name` name the same operation.
fn same_name(operation_id: &str, method: &str) -> bool {
    let squash = |s: &str| {
        s.chars()
            .filter(|c| *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    squash(operation_id) == squash(method)
}

/// Every operation's builder, read from `impl Client { pub fn op(&self) -> builder::Op<'_> }`
/// and `mod builder { impl<'a> Op<'a> { ... } }`.
fn builders(file: &syn::File) -> anyhow::Result<Vec<Builder>> {
    let builder_mod = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|c| &c.1),
            _ => None,
        })
        .context("progenitor's output has no `mod builder`")?;
    let mut out = Vec::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if block.trait_.is_some() || !is_path(&block.self_ty, "Client") {
            continue;
        }
        for item in &block.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            let syn::ReturnType::Type(_, returned) = &f.sig.output else {
                continue;
            };
            let Some(name) = last_segment(returned).filter(|_| path_starts(returned, "builder"))
            else {
                continue;
            };
            let (setters, success, failure) = builder_impl(builder_mod, &name)
                .with_context(|| format!("progenitor's builder::{name}"))?;
            out.push(Builder {
                method: f.sig.ident.clone(),
                name,
                setters,
                success,
                failure,
            });
        }
    }
    if out.is_empty() {
        bail!("progenitor generated no operations");
    }
    Ok(out)
}

type BuilderParts = (Vec<Setter>, syn::Type, syn::Type);

fn builder_impl(items: &[syn::Item], name: &Ident) -> anyhow::Result<BuilderParts> {
    let mut setters = Vec::new();
    let mut send = None;
    for item in items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if block.trait_.is_some() || last_segment(&block.self_ty).as_ref() != Some(name) {
            continue;
        }
        for item in &block.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            let sig = &f.sig;
            if sig.ident == "send" {
                send = Some(send_types(&sig.output)?);
                continue;
            }
            let mut inputs = sig.inputs.iter();
            let (Some(syn::FnArg::Receiver(_)), Some(syn::FnArg::Typed(argument)), None) =
                (inputs.next(), inputs.next(), inputs.next())
            else {
                continue; // `new(client)` and anything that is not a one-value setter
            };
            setters.push(Setter {
                name: sig.ident.clone(),
                generics: sig.generics.clone(),
                argument: (*argument.ty).clone(),
            });
        }
    }
    let (success, failure) = send.context("no `send` method")?;
    Ok((setters, success, failure))
}

/// `T` and `E` of `-> Result<ResponseValue<T>, Error<E>>`.
fn send_types(output: &syn::ReturnType) -> anyhow::Result<(syn::Type, syn::Type)> {
    let syn::ReturnType::Type(_, ty) = output else {
        bail!("`send` returns nothing");
    };
    let arguments = generic_arguments(ty).context("`send` does not return a Result<_, _>")?;
    let [ok, err] = arguments.as_slice() else {
        bail!("`send` does not return a Result<_, _>");
    };
    let success = generic_arguments(ok)
        .and_then(|a| a.into_iter().next())
        .context("`send` does not return a ResponseValue<T>")?;
    let failure = generic_arguments(err)
        .and_then(|a| a.into_iter().next())
        .context("`send` does not fail with an Error<E>")?;
    Ok((success, failure))
}

fn generic_arguments(ty: &syn::Type) -> Option<Vec<syn::Type>> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(arguments) = &path.path.segments.last()?.arguments
    else {
        return None;
    };
    Some(
        arguments
            .args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
    )
}

/// The items of progenitor's `mod types` (none if it has no such module).
pub(crate) fn types_items(file: &syn::File) -> &[syn::Item] {
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|c| c.1.as_slice()),
            _ => None,
        })
        .unwrap_or_default()
}

/// List bodies by their generated type: (`ParticipantList`, `Participant`) for a struct with
/// `meta: PageMeta` and `objects: Vec<Participant>`.
fn list_bodies(file: &syn::File) -> Vec<(String, String)> {
    let types = types_items(file);
    let mut out = Vec::new();
    for item in types {
        let syn::Item::Struct(s) = item else { continue };
        let field = |name: &str| {
            s.fields
                .iter()
                .find(|f| f.ident.as_ref().is_some_and(|i| i == name))
                .map(|f| &f.ty)
        };
        let (Some(meta), Some(objects)) = (field("meta"), field("objects")) else {
            continue;
        };
        if type_name(meta) != "PageMeta" {
            continue;
        }
        let Some(item) = generic_arguments(objects).and_then(|a| a.first().map(type_name)) else {
            continue;
        };
        out.push((s.ident.to_string(), item));
    }
    out
}

fn type_name(ty: &syn::Type) -> String {
    last_segment(ty).map(|i| i.to_string()).unwrap_or_default()
}

pub(crate) fn last_segment(ty: &syn::Type) -> Option<Ident> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.clone()),
        _ => None,
    }
}

fn path_starts(ty: &syn::Type, first: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.first().is_some_and(|s| s.ident == first))
}

fn is_path(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident(name))
}
