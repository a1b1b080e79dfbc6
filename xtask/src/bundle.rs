//! `cargo xtask generate` also writes the spec as one JSON file beside the YAML
//! (`openapi/plivo-mpc.json`), for tools and people who take JSON only.
//!
//! It is the YAML document itself, parsed and written as JSON: its `$ref`s stay as they are.
//! Every one of them is already internal (`#/components/...`; `cargo xtask lint` checks that
//! each resolves inside the document), so the file is self-contained as it is, and keeping them
//! keeps the component names that generators turn into type names (`Participant`, `Timestamp`)
//! and that `x-plivo-async` points at; inlining them would give each use its own anonymous copy.
//! Keys are sorted at every level and the text is pretty-printed with a final newline, so the
//! file is the same whatever key order serde_json was built with (features unify differently in
//! `cargo xtask` and `cargo test --workspace`), and a change of the spec shows as a small diff.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use plivo_mpc_spec::SpecDocument;

/// The JSON file written for the spec at `spec`: the same name with the extension `.json`.
pub fn path_beside(spec: &Path) -> PathBuf {
    spec.with_extension("json")
}

/// The full text of the JSON form of `doc`.
pub fn render(doc: &SpecDocument) -> anyhow::Result<String> {
    let mut root = doc.root().clone();
    root.sort_all_objects();
    let mut text = serde_json::to_string_pretty(&root)
        .with_context(|| format!("{}: cannot write as JSON", doc.path().display()))?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sorted_and_refs_kept() {
        let doc = SpecDocument::parse(
            "inline.yaml",
            "openapi: 3.0.3\ninfo: {version: '1.0.0', title: t}\npaths: {}\n\
             components:\n  schemas:\n    B: {type: string}\n    A: {$ref: '#/components/schemas/B'}\n",
        )
        .unwrap();
        let text = render(&doc).unwrap();
        assert!(text.ends_with("}\n"), "{text}");
        let at = |needle: &str| {
            text.find(needle)
                .unwrap_or_else(|| panic!("{needle} in {text}"))
        };
        assert!(at("\"components\"") < at("\"info\"") && at("\"info\"") < at("\"openapi\""));
        assert!(at("\"title\"") < at("\"version\""));
        assert!(at("\"A\"") < at("\"B\""));
        assert!(
            text.contains(r##""$ref": "#/components/schemas/B""##),
            "{text}"
        );
    }

    #[test]
    fn the_file_goes_beside_the_yaml() {
        assert_eq!(
            path_beside(Path::new("some/dir/plivo-mpc.yaml")),
            Path::new("some/dir/plivo-mpc.json")
        );
    }
}
