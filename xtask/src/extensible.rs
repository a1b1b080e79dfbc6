//! Typed views of the spec's open string sets (`x-extensible-enum`), rendered into the client's
//! `values` module.
//!
//! A property such as `role` is a plain string in the spec and in the generated struct: Plivo
//! documents a few values but sends others (`ai-agent`), so a closed enum would refuse real
//! answers. The spec lists the documented values in `x-extensible-enum`; for each such property
//! this renders an enum of those values with an `Other(String)` fallback (and
//! `#[non_exhaustive]`, so a value added to the spec later is not a breaking change), and a
//! `typed_<property>()` method on the generated struct. The struct's field stays the string as
//! sent, so nothing is lost and a body is written back exactly.
//!
//! Naming: the enum is the property's name in PascalCase (`Role`, `ExitCause`) when every schema
//! with that property lists the same values; otherwise each is `<Schema><Property>`.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail};
use plivo_mpc_spec::SpecDocument;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// One property with `x-extensible-enum`.
struct OpenSet {
    schema: String,
    property: String,
    values: Vec<String>,
}

/// The `values` module and the `typed_*` methods, for progenitor's output `file` of `doc`.
pub fn render(file: &syn::File, doc: &SpecDocument) -> anyhow::Result<TokenStream> {
    let sets = open_sets(doc)?;
    let mut by_property: BTreeMap<&str, Vec<&OpenSet>> = BTreeMap::new();
    for set in &sets {
        by_property.entry(&set.property).or_default().push(set);
    }
    let mut enums = BTreeMap::new();
    let mut methods = Vec::new();
    let mut arms = Vec::new();
    for (property, sets) in by_property {
        let shared = sets.iter().all(|s| s.values == sets[0].values);
        let all_schemas: Vec<&str> = sets.iter().map(|s| s.schema.as_str()).collect();
        for set in &sets {
            let name = if shared {
                pascal_case(property)
            } else {
                format!("{}{}", set.schema, pascal_case(property))
            };
            let ident = syn::parse_str::<syn::Ident>(&name).map_err(|_| {
                anyhow!(
                    "/components/schemas/{}/properties/{property}: no Rust type name can be made \
                     from the property's name ({name:?})",
                    set.schema
                )
            })?;
            if !enums.contains_key(&name) {
                let schemas = if shared {
                    all_schemas.join("`, `")
                } else {
                    set.schema.clone()
                };
                enums.insert(name.clone(), value_enum(&ident, set, &schemas)?);
            }
            methods.push(typed_method(file, set, &ident)?);
            let (schema, property) = (&set.schema, &set.property);
            arms.push(quote! {
                (#schema, #property) => {
                    let view = #ident::from(value);
                    Some((!matches!(view, #ident::Other(_)), view.as_str().to_owned()))
                }
            });
        }
    }
    let enums = enums.values();
    Ok(quote! {
        /// Typed views of the strings whose documented values the spec lists
        /// (`x-extensible-enum`): each enum has those values and `Other` for any value the spec
        /// does not list, and each model with such a string has a `typed_<field>()` method.
        /// Rendered by `cargo xtask generate` (xtask/src/extensible.rs).
        pub mod values {
            #(#enums)*

            #[allow(unused_imports)]
            use super::types;
            #(#methods)*

            /// `value` read through the view of `schema`'s `property`: whether it is one of the
            /// listed values, and the view's text. `None` when the property has no view. For the
            /// conformance suite, which holds every view to the spec's list.
            #[cfg(feature = "conformance")]
            pub fn view(
                schema: &str,
                property: &str,
                value: &str,
            ) -> ::std::option::Option<(bool, ::std::string::String)> {
                match (schema, property) {
                    #(#arms)*
                    _ => None,
                }
            }
        }
    })
}

/// Every component schema property with `x-extensible-enum`, in the spec's order.
fn open_sets(doc: &SpecDocument) -> anyhow::Result<Vec<OpenSet>> {
    let mut sets = Vec::new();
    let schemas = doc
        .at("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten();
    for (schema, body) in schemas {
        let properties = body
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten();
        for (property, definition) in properties {
            let Some(list) = definition.get("x-extensible-enum") else {
                continue;
            };
            let at =
                format!("/components/schemas/{schema}/properties/{property}/x-extensible-enum");
            let values = list
                .as_array()
                .filter(|items| !items.is_empty())
                .ok_or_else(|| anyhow!("{at}: must be a non-empty list of strings"))?
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| anyhow!("{at}: {v} is not a string"))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            sets.push(OpenSet {
                schema: schema.clone(),
                property: property.clone(),
                values,
            });
        }
    }
    Ok(sets)
}

/// `pub enum Role { Agent, .., Other(String) }` with `as_str`, `From<&str>` and `Display`.
/// `schemas` names the schemas (joined by "`, `") whose property it views.
fn value_enum(ident: &syn::Ident, set: &OpenSet, schemas: &str) -> anyhow::Result<TokenStream> {
    let mut variants = Vec::new();
    for value in &set.values {
        let variant = pascal_case(value);
        let variant = syn::parse_str::<syn::Ident>(&variant)
            .ok()
            .filter(|v| v != "Other" && !variants.iter().any(|(known, _)| known == v))
            .ok_or_else(|| {
                anyhow!(
                    "/components/schemas/{}/properties/{}/x-extensible-enum: the value {value:?} \
                     gives no variant name of its own ({variant:?})",
                    set.schema,
                    set.property
                )
            })?;
        variants.push((variant, value.as_str()));
    }
    let doc = format!(
        "`{}` of `{}`: the values the spec lists (`x-extensible-enum`), matched exactly, and \
         [`{ident}::Other`] for any other.",
        set.property, schemas
    );
    let declared = variants.iter().map(|(variant, value)| {
        let doc = format!("`{value}`");
        quote!(#[doc = #doc] #variant,)
    });
    let to_str = variants
        .iter()
        .map(|(variant, value)| quote!(Self::#variant => #value,));
    let from_str = variants
        .iter()
        .map(|(variant, value)| quote!(#value => Self::#variant,));
    Ok(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ident {
            #(#declared)*
            /// A value the spec does not list, as sent.
            Other(::std::string::String),
        }

        impl #ident {
            /// The value as Plivo sends it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Other(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    })
}

/// `impl types::Participant { pub fn typed_role(&self) -> Role }`, by the field's Rust type: a
/// string gives the view, an `Option` or a `Nullable` gives `Option` of it.
fn typed_method(file: &syn::File, set: &OpenSet, view: &syn::Ident) -> anyhow::Result<TokenStream> {
    let at = format!(
        "/components/schemas/{}/properties/{}",
        set.schema, set.property
    );
    let field = crate::glue::types_items(file)
        .iter()
        .find_map(|item| match item {
            syn::Item::Struct(s) if s.ident == set.schema => Some(s),
            _ => None,
        })
        .ok_or_else(|| anyhow!("{at}: progenitor generated no struct {}", set.schema))?
        .fields
        .iter()
        .find(|f| is_field_for(f, &set.property))
        .ok_or_else(|| anyhow!("{at}: the struct {} has no field for it", set.schema))?;
    let name = field.ident.as_ref().expect("a named field");
    let method = format_ident!("typed_{name}");
    let schema = format_ident!("{}", set.schema);
    let doc = format!("`{}` as a [`{view}`].", set.property);
    let outer = crate::glue::last_segment(&field.ty).map(|i| i.to_string());
    let (returns, body) = match outer.as_deref() {
        Some("String") => (quote!(#view), quote!(#view::from(self.#name.as_str()))),
        Some("Option") => (
            quote!(::std::option::Option<#view>),
            quote!(self.#name.as_deref().map(#view::from)),
        ),
        Some("Nullable") => (
            quote!(::std::option::Option<#view>),
            quote!(self.#name.as_option().map(|v| #view::from(v.as_str()))),
        ),
        _ => {
            let ty = &field.ty;
            bail!(
                "{at}: x-extensible-enum on a property whose Rust type is {}, not a string",
                quote!(#ty)
            )
        }
    };
    Ok(quote! {
        impl types::#schema {
            #[doc = #doc]
            pub fn #method(&self) -> #returns {
                #body
            }
        }
    })
}

/// Whether `field` holds JSON property `property` (its own name, or a serde rename).
fn is_field_for(field: &syn::Field, property: &str) -> bool {
    if field.ident.as_ref().is_some_and(|i| i == property) {
        return true;
    }
    let rename = format!("rename = {property:?}");
    field
        .attrs
        .iter()
        .any(|a| a.path().is_ident("serde") && quote!(#a).to_string().contains(&rename))
}

/// `ai-agent` -> `AiAgent`, `Kicked Out of Multiparty Call` -> `KickedOutOfMultipartyCall`.
fn pascal_case(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first.into_iter().chain(chars).collect::<String>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::pascal_case;

    #[test]
    fn pascal_case_joins_words_of_any_separator() {
        assert_eq!(pascal_case("ai-agent"), "AiAgent");
        assert_eq!(pascal_case("exit_cause"), "ExitCause");
        assert_eq!(
            pascal_case("Kicked Out of Multiparty Call"),
            "KickedOutOfMultipartyCall"
        );
        assert_eq!(pascal_case("-- --"), "");
    }
}
