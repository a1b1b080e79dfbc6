//! `openapi/plivo-mpc.json` is the spec itself in JSON: parsed, it is the same document as the
//! YAML parsed (`cargo xtask generate` writes it; its own test checks the bytes are current).
//! This checks the meaning independently of that writer. Its `$ref`s are the YAML's, which
//! `cargo xtask lint` checks all resolve inside the document: the file is self-contained.

use plivo_mpc_spec::{default_spec_path, SpecDocument};
use serde_json::Value;

fn json_form() -> Value {
    let path = default_spec_path().with_extension("json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run `cargo xtask generate`", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_json_file_is_the_yaml_document() {
    let yaml = SpecDocument::load(default_spec_path()).unwrap_or_else(|e| panic!("{e}"));
    let json = json_form();
    assert!(
        &json == yaml.root(),
        "openapi/plivo-mpc.json differs from openapi/plivo-mpc.yaml; run `cargo xtask generate`"
    );
}
