//! `cargo xtask generate`: the spec rendered into the client crate's generated module.
//!
//! Rendering happens in memory; the result is either compared with the committed file
//! (`--check`, and the `generated_client_is_current` test) or written atomically, so a failure
//! never leaves a half-written file behind.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context as _};
use plivo_mpc_spec::document::{workspace_root, SpecDocument, SPEC_RELATIVE_PATH};
use progenitor::{
    GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl, TypePatch,
};
use sha2::{Digest as _, Sha256};

use crate::lint;

/// Where the generated module lives, relative to the workspace root.
pub const GENERATED_RELATIVE_PATH: &str = "generated/src/generated.rs";

/// The command that regenerates the module, named in its header and in every stale-file error.
pub const REGENERATE_COMMAND: &str = "cargo xtask generate";

/// `generated/src/generated.rs` in this workspace.
pub fn default_output_path() -> PathBuf {
    workspace_root().join(GENERATED_RELATIVE_PATH)
}

/// The spec's component schemas that map to hand-written types instead of generated ones, with
/// the traits those types implement: read by the settings below and by the glue (which lists
/// every component's Rust type for the conformance suite).
pub const REPLACEMENTS: [(&str, &str, &[TypeImpl]); 3] = [
    // Plivo's timestamps keep their offset and their exact text; see generated/src/timestamp.rs.
    (
        "Timestamp",
        "crate::Timestamp",
        &[TypeImpl::FromStr, TypeImpl::Display],
    ),
    // Money comes as a string or a number, and is written back in the form it came in; see
    // generated/src/amount.rs.
    ("Amount", "crate::Amount", &[TypeImpl::Display]),
    // A digits-only check instead of the generated newtype's regular expression and second copy
    // (the largest cost of a list call above the floor in the bench's profile); see
    // generated/src/member_id.rs.
    (
        "MemberId",
        "crate::MemberId",
        &[TypeImpl::FromStr, TypeImpl::Display],
    ),
];

/// Attributes every generated type gets, through a typify patch per type name (typify has no
/// setting for all types): the `JsonSchema` derive only with the crate's `schemars` feature (the
/// conformance suite compares each type's schema with the spec's; users who do not ask for it
/// do not compile schemars).
const EVERY_TYPE_ATTRIBUTES: &[&str] =
    &[r#"#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]"#];

/// Attributes of generated structs with named fields and of enums: Plivo may add a field to an
/// answer or a value to a list, and `#[non_exhaustive]` makes that a compatible release (callers
/// build such types through `types::builder`, and match with a wildcard arm). Newtypes around one
/// value are not marked: they have nothing to grow.
const GROWABLE_TYPE_ATTRIBUTES: &[&str] = &["#[non_exhaustive]"];

/// The progenitor settings of this project, with `patches` (type name, patch) applied. Each
/// departure from the defaults is a decision:
fn settings(patches: &[(String, TypePatch)]) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        // Builders let optional query parameters grow without breaking callers.
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // Users compare what they read (and tests compare decoded values).
        .with_derive("PartialEq")
        // Retries, timeouts and the body-size limit live in hand-written hooks
        // (generated/src/hooks.rs) with their settings in the client's inner state; Expected
        // makes a missing hook implementation a compile error instead of a silent default.
        .with_inner_type(
            "crate::hooks::ClientState"
                .parse()
                .expect("a Rust path is a token stream"),
        )
        .with_hooks(HooksMode::Expected);
    for (schema, rust, impls) in REPLACEMENTS {
        settings.with_replacement(schema, rust, impls.iter().cloned());
    }
    for (name, patch) in patches {
        settings.with_patch(name, patch);
    }
    settings
}

/// The patch of every type progenitor defines in `file` (a rendering without patches: typify
/// names types as it meets them, so the names are known only after a first pass).
fn type_patches(file: &syn::File) -> Vec<(String, TypePatch)> {
    let mut patches = Vec::new();
    for item in crate::glue::types_items(file) {
        let (name, growable) = match item {
            syn::Item::Struct(s) => (&s.ident, matches!(s.fields, syn::Fields::Named(_))),
            syn::Item::Enum(e) => (&e.ident, true),
            _ => continue,
        };
        let mut patch = TypePatch::default();
        for attribute in EVERY_TYPE_ATTRIBUTES {
            patch.with_attr(attribute);
        }
        if growable {
            for attribute in GROWABLE_TYPE_ATTRIBUTES {
                patch.with_attr(attribute);
            }
        }
        patches.push((name.to_string(), patch));
    }
    patches
}

/// progenitor's rendering of `spec` with `settings`, parsed. progenitor asserts on some shapes it
/// cannot generate (for example two success bodies); such a panic becomes an error that names the
/// spec instead of a backtrace.
fn progenitor_output(
    doc: &SpecDocument,
    spec: &openapiv3::OpenAPI,
    settings: &GenerationSettings,
) -> anyhow::Result<syn::File> {
    let tokens = std::panic::catch_unwind(|| Generator::new(settings).generate_tokens(spec))
        .map_err(|panic| {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            anyhow!(
                "{}: progenitor cannot generate a client from this document: {message}",
                doc.path().display()
            )
        })?
        .with_context(|| format!("{}: progenitor refused the document", doc.path().display()))?;
    syn::parse2(tokens).context("progenitor produced code that does not parse")
}

/// The full text of the generated module for `doc`.
pub fn render(doc: &SpecDocument) -> anyhow::Result<String> {
    let report = lint::lint(doc);
    if !report.is_clean() {
        bail!(
            "the spec has {} problem(s); nothing was generated:\n{report}",
            report.findings.len()
        );
    }
    let spec: openapiv3::OpenAPI = serde_path_to_error::deserialize(doc.root()).map_err(|e| {
        anyhow!(
            "{}: {}: not a valid OpenAPI 3.0 document: {}",
            doc.path().display(),
            json_pointer(e.path()),
            e.inner()
        )
    })?;
    let first = progenitor_output(doc, &spec, &settings(&[]))?;
    let mut file = progenitor_output(doc, &spec, &settings(&type_patches(&first)))?;
    crate::nullable::rewrite(&mut file, doc).with_context(|| {
        format!(
            "{}: cannot keep absent and null apart",
            doc.path().display()
        )
    })?;
    let glue = crate::glue::render(&file, doc)
        .with_context(|| format!("{}: cannot connect the operations", doc.path().display()))?;
    let list_builders = crate::glue::list_builder_names(&file)?;
    crate::detached::add(&mut file, &list_builders)
        .with_context(|| format!("{}: cannot detach the list builders", doc.path().display()))?;
    file.items
        .push(syn::parse2(glue).context("the operations glue does not parse")?);
    let values = crate::extensible::render(&file, doc)
        .with_context(|| format!("{}: cannot render the typed values", doc.path().display()))?;
    file.items
        .push(syn::parse2(values).context("the typed values do not parse")?);
    Ok(format!("{}{}", header(doc), prettyplease::unparse(&file)))
}

fn header(doc: &SpecDocument) -> String {
    let hash = Sha256::digest(doc.text().as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "// @generated by `{REGENERATE_COMMAND}` from {SPEC_RELATIVE_PATH}. Do not edit by hand:\n\
         // change the spec and regenerate. Spec SHA-256: {hex}\n\n"
    )
}

fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        out.push('/');
        match segment {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } => {
                out.push_str(&plivo_mpc_spec::document::escape_pointer_token(key))
            }
            Segment::Enum { variant } => out.push_str(variant),
            Segment::Unknown => out.push('?'),
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// Whether the committed file matches what the spec renders to.
#[derive(Debug)]
pub enum Freshness {
    Current,
    /// A unified diff from the committed file to the rendered one.
    Stale {
        diff: String,
    },
    Missing,
}

/// Compares `rendered` with the file at `path` (line endings normalised).
pub fn compare(rendered: &str, path: &Path) -> anyhow::Result<Freshness> {
    let committed = match std::fs::read_to_string(path) {
        Ok(text) => text.replace("\r\n", "\n"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Freshness::Missing),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    if committed == rendered {
        return Ok(Freshness::Current);
    }
    let diff = similar::TextDiff::from_lines(committed.as_str(), rendered)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("{} (committed)", path.display()),
            &format!("{} (rendered from the spec)", path.display()),
        )
        .to_string();
    Ok(Freshness::Stale { diff })
}

/// The message for a stale or missing file: what differs and what to run.
pub fn stale_message(path: &Path, freshness: &Freshness) -> Option<String> {
    match freshness {
        Freshness::Current => None,
        Freshness::Missing => Some(format!(
            "{} does not exist; run `{REGENERATE_COMMAND}` and commit it",
            path.display()
        )),
        Freshness::Stale { diff } => Some(format!(
            "{diff}\n{} is out of date with {SPEC_RELATIVE_PATH} (the spec changed, or the file was \
             edited by hand); run `{REGENERATE_COMMAND}` and commit the result",
            path.display()
        )),
    }
}

/// What [`write`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum WriteOutcome {
    Unchanged,
    Written { lines: usize },
}

/// Writes `contents` to `path` through a temporary file in the same directory, renamed into
/// place, so readers see the old file or the new one and never a part. An identical file is left
/// alone (its timestamp too, so cargo does not rebuild).
pub fn write(contents: &str, path: &Path) -> anyhow::Result<WriteOutcome> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(WriteOutcome::Unchanged);
    }
    let dir = path
        .parent()
        .ok_or_else(|| anyhow!("{} has no parent directory", path.display()))?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    temp.write_all(contents.as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("cannot write a temporary file in {}", dir.display()))?;
    temp.persist(path)
        .with_context(|| format!("cannot move the new file into place at {}", path.display()))?;
    Ok(WriteOutcome::Written {
        lines: contents.lines().count(),
    })
}
