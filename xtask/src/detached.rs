//! Lifetime-free copies of the list builders' parameters, so that the paging stream can own what
//! it needs (`'static`: it can be returned, stored in a struct, spawned).
//!
//! progenitor's builders borrow the client (`builder::Op<'a>` holds `&'a Client`), so a stream
//! that keeps one borrows the client too. For every list builder this adds, inside progenitor's
//! `mod builder` (the only place that can read a builder's private fields), a struct with the
//! same fields but the client, and the two moves between them: `detach` (builder into client
//! reference and parameters) and `attach` (parameters and a client into a builder). The stream
//! keeps a clone of the client and the parameters, and attaches them for each page. Nothing of
//! progenitor's output is changed; these items are added beside it, as the glue is.

use anyhow::{anyhow, Context as _};
use proc_macro2::Ident;
use quote::{format_ident, quote};

/// `ListParticipantsByName` -> `ListParticipantsByNameDetached`.
pub fn detached_name(builder: &Ident) -> Ident {
    format_ident!("{builder}Detached")
}

/// Adds the detached copy of each builder in `names` to `file`'s `mod builder`.
pub fn add(file: &mut syn::File, names: &[Ident]) -> anyhow::Result<()> {
    let items = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|c| &mut c.1),
            _ => None,
        })
        .context("progenitor's output has no `mod builder`")?;
    let mut added = Vec::new();
    for name in names {
        let fields = items
            .iter()
            .find_map(|item| match item {
                syn::Item::Struct(s) if s.ident == *name => Some(&s.fields),
                _ => None,
            })
            .ok_or_else(|| anyhow!("progenitor's mod builder has no struct {name}"))?;
        let (mut names, mut types) = (Vec::new(), Vec::new());
        for field in fields {
            let ident = field
                .ident
                .clone()
                .ok_or_else(|| anyhow!("builder::{name} has an unnamed field"))?;
            if ident != "client" {
                names.push(ident);
                types.push(field.ty.clone());
            }
        }
        let detached = detached_name(name);
        let doc = format!(
            "[`{name}`] without its client: what the paging stream keeps between pages \
             (rendered by `cargo xtask generate`, xtask/src/detached.rs)."
        );
        let tokens = quote! {
            #[doc = #doc]
            #[doc(hidden)]
            #[derive(Debug, Clone)]
            pub struct #detached {
                #( #names: #types, )*
            }

            impl #detached {
                pub(crate) fn detach(builder: #name<'_>) -> (&super::Client, Self) {
                    let #name { client, #( #names, )* } = builder;
                    (client, Self { #( #names, )* })
                }

                pub(crate) fn attach(self, client: &super::Client) -> #name<'_> {
                    #name { client, #( #names: self.#names, )* }
                }
            }
        };
        let file: syn::File =
            syn::parse2(tokens).with_context(|| format!("the detached copy of {name}"))?;
        added.extend(file.items);
    }
    items.extend(added);
    Ok(())
}
