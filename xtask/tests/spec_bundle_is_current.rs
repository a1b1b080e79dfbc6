//! `cargo test` alone catches a stale `openapi/plivo-mpc.json`: the committed file must be exactly
//! what the committed spec renders to (the same comparison as `cargo xtask generate --check`).

use plivo_mpc_spec::{default_spec_path, SpecDocument};
use xtask::{bundle, generate};

#[test]
fn spec_bundle_is_current() {
    let spec = default_spec_path();
    let doc = SpecDocument::load(&spec).unwrap_or_else(|e| panic!("{e}"));
    let rendered = bundle::render(&doc).unwrap_or_else(|e| panic!("{e:#}"));
    let path = bundle::path_beside(&spec);
    let freshness = generate::compare(&rendered, &path).unwrap();
    if let Some(message) = generate::stale_message(&path, &freshness) {
        panic!("{message}");
    }
}
