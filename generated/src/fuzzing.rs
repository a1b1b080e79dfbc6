//! The decoding the fuzz target (`generated/fuzz`) exercises, here so that the corpus replay
//! test (`conformance/tests/fuzz_corpus.rs`) runs exactly the same code on stable Rust. Hidden
//! from the documentation: it is a test entry point, not part of the client.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::Timestamp;

/// Decodes `bytes` as every body type the client reads (the list is rendered from the spec).
/// Whatever decodes must serialize, and decode again to the same value: a panic here is a
/// finding.
pub fn decode_every_response_type(bytes: &[u8]) {
    crate::generated::operations::decode_every_response_type(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        if let Ok(timestamp) = text.parse::<Timestamp>() {
            assert_eq!(
                timestamp.to_string(),
                text,
                "a timestamp must write back its own text"
            );
        }
    }
}

pub(crate) fn round_trip<T: DeserializeOwned + Serialize>(bytes: &[u8]) {
    let Ok(first) = serde_json::from_slice::<T>(bytes) else {
        return;
    };
    let written = serde_json::to_value(&first).expect("a decoded value serializes");
    let second: T = serde_json::from_value(written.clone()).expect("what was written decodes");
    let rewritten = serde_json::to_value(&second).expect("a decoded value serializes");
    assert_eq!(
        written, rewritten,
        "decode -> serialize -> decode changed the value"
    );
}
