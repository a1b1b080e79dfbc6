//! Response headers: the spec describes none, because no source shows one (no official SDK reads
//! `Retry-After` or a rate-limit header, and Plivo's docs name none), and its 429 answer says so.
//! A header added to an answer must come with its evidence, and this test changed with it.

use plivo_mpc_spec::{default_spec_path, SpecDocument};
use serde_json::Value;

fn answers(doc: &SpecDocument) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    if let Some(responses) = doc.at("/components/responses").and_then(Value::as_object) {
        for (name, response) in responses {
            out.push((format!("#/components/responses/{name}"), response));
        }
    }
    let paths = doc.at("/paths").and_then(Value::as_object).expect("/paths");
    for (path, item) in paths {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let statuses = operation.get("responses").and_then(Value::as_object);
            for (status, response) in statuses.into_iter().flatten() {
                out.push((format!("{path} {method} {status}"), response));
            }
        }
    }
    out
}

#[test]
fn no_answer_describes_a_header() {
    let doc = SpecDocument::load(default_spec_path()).unwrap_or_else(|e| panic!("{e}"));
    let answers = answers(&doc);
    assert!(answers.len() > 41, "only {} answers found", answers.len());
    for (where_, response) in answers {
        assert!(
            response.get("headers").is_none(),
            "{where_} describes headers; say which source shows them, and update this test"
        );
    }
}

#[test]
fn the_rate_limited_answer_says_why_it_has_no_retry_after() {
    let doc = SpecDocument::load(default_spec_path()).unwrap_or_else(|e| panic!("{e}"));
    let description = doc
        .at("/components/responses/TooManyRequests/description")
        .and_then(Value::as_str)
        .expect("a 429 answer with a description");
    for needed in ["Retry-After", "no source shows one"] {
        assert!(
            description.contains(needed),
            "the 429 description should say {needed:?}: {description}"
        );
    }
}
