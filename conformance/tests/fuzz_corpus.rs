//! The fuzz target's corpus (`generated/fuzz/corpus/decode_responses`), replayed on stable Rust
//! through the same function the fuzz target calls, with every response example of the spec.
//! To fuzz for longer: see "Fuzzing" in the README.

mod support;

use plivo_mpc::fuzzing::decode_every_response_type;

const CORPUS: &str = "generated/fuzz/corpus/decode_responses";

#[test]
fn the_fuzz_corpus_replays_without_a_finding() {
    let dir = plivo_mpc_conformance::workspace_root().join(CORPUS);
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| decode_every_response_type(&bytes));
        assert!(outcome.is_ok(), "finding: {}", path.display());
        replayed += 1;
    }
    assert!(
        replayed >= 10,
        "the corpus in {CORPUS} has only {replayed} inputs"
    );
}

#[test]
fn every_response_example_passes_the_fuzz_oracle() {
    let doc = support::spec();
    for example in plivo_mpc_conformance::response_examples(&doc).unwrap() {
        decode_every_response_type(&serde_json::to_vec(&example.value).unwrap());
    }
}
