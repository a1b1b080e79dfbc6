//! Keeps "absent" and "null" apart for properties that are both optional and nullable.
//!
//! typify gives such a property the type `Option<T>`, which reads both an absent key and `null`
//! as `None` and writes `None` as an absent key, so a body that said `null` is written back
//! without the key. No typify setting reaches a field's serde attributes, so the generator
//! rewrites exactly those fields (and their builder's field and setter) to `crate::Nullable<T>`
//! (absent, null or a value; generated/src/nullable.rs) with `#[serde(default, skip_serializing_if
//! = "crate::Nullable::is_absent")]`. The rewrite is driven by the spec and fails loudly when
//! progenitor's output no longer has the expected shape.

use anyhow::{bail, Context as _};
use plivo_mpc_spec::SpecDocument;
use quote::ToTokens as _;
use serde_json::Value;

/// `(schema name, property name)` of every property that is optional and nullable.
pub fn optional_nullable_properties(doc: &SpecDocument) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(schemas) = doc.at("/components/schemas").and_then(Value::as_object) else {
        return out;
    };
    for (name, schema) in schemas {
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            continue;
        };
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (property, value) in properties {
            if !required.contains(&property.as_str()) && is_nullable(value) {
                out.push((name.clone(), property.clone()));
            }
        }
    }
    out
}

fn is_nullable(schema: &Value) -> bool {
    schema.get("nullable").and_then(Value::as_bool) == Some(true)
        || schema
            .get("anyOf")
            .and_then(Value::as_array)
            .is_some_and(|list| {
                list.iter()
                    .any(|s| s.get("enum") == Some(&serde_json::json!([null])))
            })
}

/// Rewrites the fields of `file` (progenitor's output) named by the spec.
pub fn rewrite(file: &mut syn::File, doc: &SpecDocument) -> anyhow::Result<()> {
    for (schema, property) in optional_nullable_properties(doc) {
        rewrite_one(file, &schema, &property)
            .with_context(|| format!("optional nullable property {schema}.{property}"))?;
    }
    Ok(())
}

fn rewrite_one(file: &mut syn::File, schema: &str, property: &str) -> anyhow::Result<()> {
    let types = module(&mut file.items, "types").context("no `mod types`")?;
    // The model: `pub exit_cause: Option<T>` becomes `pub exit_cause: crate::Nullable<T>`.
    let field = struct_field(types, schema, property)?;
    let inner = option_inner(&field.ty).context("the field is not an Option<T>")?;
    let (option, nullable) = (
        field.ty.to_token_stream().to_string(),
        format!("crate :: Nullable < {} >", inner.to_token_stream()),
    );
    field.ty = syn::parse_str(&nullable)?;
    field.attrs.retain(|a| !a.path().is_ident("serde"));
    field.attrs.push(syn::parse_quote!(
        #[serde(default, skip_serializing_if = "crate::Nullable::is_absent")]
    ));
    // Its builder: the field's type and the setter's bound name the same Option<T>.
    let builder = module(types, "builder").context("no `mod types::builder`")?;
    let field = struct_field(builder, schema, property)?;
    field.ty = replace(&field.ty, &option, &nullable)?;
    let setter = builder
        .iter_mut()
        .filter_map(|item| match item {
            syn::Item::Impl(block) if block.trait_.is_none() && self_is(&block.self_ty, schema) => {
                Some(block)
            }
            _ => None,
        })
        .flat_map(|block| block.items.iter_mut())
        .find_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == property => Some(f),
            _ => None,
        })
        .context("no builder setter")?;
    if let Some(where_clause) = setter.sig.generics.where_clause.as_mut() {
        *where_clause = replace(where_clause, &option, &nullable)?;
    }
    Ok(())
}

fn module<'a>(items: &'a mut [syn::Item], name: &str) -> Option<&'a mut Vec<syn::Item>> {
    items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|c| &mut c.1),
        _ => None,
    })
}

fn struct_field<'a>(
    items: &'a mut [syn::Item],
    name: &str,
    field: &str,
) -> anyhow::Result<&'a mut syn::Field> {
    let Some(found) = items.iter_mut().find_map(|item| match item {
        syn::Item::Struct(s) if s.ident == name => Some(s),
        _ => None,
    }) else {
        bail!("no struct {name}");
    };
    found
        .fields
        .iter_mut()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == field))
        .with_context(|| format!("struct {name} has no field {field}"))
}

fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    match arguments.args.first()? {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

fn self_is(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name))
}

/// `node` with the tokens `from` replaced by `to`, parsed again.
fn replace<T: quote::ToTokens + syn::parse::Parse>(
    node: &T,
    from: &str,
    to: &str,
) -> anyhow::Result<T> {
    let text = node.to_token_stream().to_string();
    if !text.contains(from) {
        bail!("`{from}` is not in `{text}`");
    }
    Ok(syn::parse_str(&text.replace(from, to))?)
}
