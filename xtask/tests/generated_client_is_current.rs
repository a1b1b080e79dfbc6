//! `cargo test` alone catches a stale client: the committed generated module must be exactly
//! what the committed spec renders to (the same comparison as `cargo xtask generate --check`).

use plivo_mpc_spec::{default_spec_path, SpecDocument};
use xtask::generate;

#[test]
fn generated_client_is_current() {
    let doc = SpecDocument::load(default_spec_path()).unwrap_or_else(|e| panic!("{e}"));
    let rendered = generate::render(&doc).unwrap_or_else(|e| panic!("{e:#}"));
    let path = generate::default_output_path();
    let freshness = generate::compare(&rendered, &path).unwrap();
    if let Some(message) = generate::stale_message(&path, &freshness) {
        panic!("{message}");
    }
}

#[test]
fn rendering_is_deterministic() {
    let doc = SpecDocument::load(default_spec_path()).unwrap();
    let first = generate::render(&doc).unwrap();
    for _ in 0..2 {
        assert!(
            first == generate::render(&doc).unwrap(),
            "two renders differ"
        );
    }
}

#[test]
fn the_spec_lints_clean() {
    let doc = SpecDocument::load(default_spec_path()).unwrap();
    let report = xtask::lint::lint(&doc);
    assert!(report.is_clean(), "{report}");
}
