//! Every documented response of every operation, generated at random from the spec's own
//! schemas with every field pushed to its edges (null, absent optional keys, any unicode, the
//! largest integers, offsets other than UTC), served over HTTP with its status to the operation
//! called by its operationId: a success decodes and serializes back unchanged, an error status
//! becomes `ErrorKind::Api` holding the body, unchanged too. Nothing panics.

mod support;

use plivo_mpc::ErrorKind;
use plivo_mpc_conformance::SpecDocument;
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use serde_json::{Map, Value};
use wiremock::matchers;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A strategy for values of `schema`, read from the spec. Only the keywords this spec uses are
/// understood; anything else fails loudly so a new keyword is not silently ignored.
fn values_of(schema: &Value, doc: &SpecDocument) -> BoxedStrategy<Value> {
    let (nullable, schema) = support::nullable_and_target(schema);
    let inner = if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        match reference {
            // Not every text matching the pattern is a date (month 13, day 31 in February):
            // timestamps are built from their parts.
            "#/components/schemas/Timestamp" => timestamps(),
            _ => values_of(doc.at(&reference[1..]).unwrap(), doc),
        }
    } else if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        // Any one of the branches (Amount: a decimal string or a number).
        let choices: Vec<BoxedStrategy<Value>> =
            branches.iter().map(|b| values_of(b, doc)).collect();
        proptest::strategy::Union::new(choices).boxed()
    } else {
        match schema.get("type").and_then(Value::as_str) {
            Some("object") => objects(schema, doc),
            Some("array") => proptest::collection::vec(values_of(&schema["items"], doc), 0..6)
                .prop_map(Value::Array)
                .boxed(),
            Some("string") => strings(schema),
            Some("integer") => integers(schema),
            Some("boolean") => any::<bool>().prop_map(Value::Bool).boxed(),
            Some("number") => {
                let minimum = schema
                    .get("minimum")
                    .and_then(Value::as_f64)
                    .unwrap_or(f64::MIN);
                prop_oneof![
                    (0u64..1_000_000).prop_map(Value::from),
                    any::<f64>()
                        .prop_filter("finite, within the minimum", move |f| f.is_finite()
                            && *f >= minimum)
                        .prop_map(Value::from),
                ]
                .boxed()
            }
            other => panic!("no generator for schema type {other:?} in {schema}"),
        }
    };
    if nullable {
        prop_oneof![1 => Just(Value::Null), 3 => inner].boxed()
    } else {
        inner
    }
}

fn objects(schema: &Value, doc: &SpecDocument) -> BoxedStrategy<Value> {
    let required = support::required(schema);
    let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = schema["properties"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, property)| {
            let name = name.clone();
            let value = values_of(property, doc);
            if required.contains(&name) {
                value.prop_map(move |v| Some((name.clone(), v))).boxed()
            } else {
                proptest::option::of(value.prop_map(move |v| (name.clone(), v))).boxed()
            }
        })
        .collect();
    fields
        .prop_map(|fields| Value::Object(fields.into_iter().flatten().collect::<Map<_, _>>()))
        .boxed()
}

fn strings(schema: &Value) -> BoxedStrategy<Value> {
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        let pattern = pattern.trim_start_matches('^').trim_end_matches('$');
        return proptest::string::string_regex(pattern)
            .unwrap_or_else(|e| panic!("pattern {pattern}: {e}"))
            .prop_map(Value::String)
            .boxed();
    }
    let known: Vec<Value> = schema
        .get("x-extensible-enum")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let free = prop_oneof![
        any::<String>(),
        "\\PC*",
        Just(String::new()),
        Just("quote \" backslash \\ nul \u{0} bell \u{7} emoji 🎧 rtl \u{202e}".to_owned()),
    ]
    .prop_map(Value::String);
    if known.is_empty() {
        free.boxed()
    } else {
        prop_oneof![proptest::sample::select(known), free].boxed()
    }
}

/// Integers at their edges: counts (`minimum: 0`) across all of u64, anything else across i64
/// (no other minimum or any maximum occurs in this spec's responses).
fn integers(schema: &Value) -> BoxedStrategy<Value> {
    assert!(
        schema.get("maximum").is_none(),
        "no maximum on response integers: {schema}"
    );
    match schema.get("minimum").map(|m| m.as_u64()) {
        Some(Some(0)) => prop_oneof![
            Just(0u64),
            Just(1u64),
            Just(u64::from(u32::MAX)),
            Just(i64::MAX as u64),
            Just(u64::MAX),
            any::<u64>(),
        ]
        .prop_map(Value::from)
        .boxed(),
        None => prop_oneof![
            Just(i64::MIN),
            Just(-1i64),
            Just(0i64),
            Just(1000i64),
            Just(i64::MAX),
            any::<i64>(),
        ]
        .prop_map(Value::from)
        .boxed(),
        Some(_) => panic!("no generator for this minimum: {schema}"),
    }
}

fn timestamps() -> BoxedStrategy<Value> {
    (
        1970u32..=2099,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u32..60,
        -12i32..=14,
        prop_oneof![Just(0u32), Just(15), Just(30), Just(45)],
    )
        .prop_map(|(y, mo, d, h, mi, s, offset_h, offset_m)| {
            // `-00:00` is not how Plivo writes UTC.
            let sign = if offset_h < 0 { '-' } else { '+' };
            Value::String(format!(
                "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}{sign}{:02}:{offset_m:02}",
                offset_h.unsigned_abs()
            ))
        })
        .boxed()
}

/// One documented response: the operation, its status and the schema of its JSON body.
struct Case {
    operation: plivo_mpc_conformance::catalogue::Operation,
    status: u16,
    schema: Value,
}

/// Every (operation, status) the spec documents with a JSON body, each once.
fn cases(doc: &SpecDocument) -> Vec<Case> {
    let operations = support::operations(doc);
    let mut seen = std::collections::BTreeSet::new();
    let mut cases = Vec::new();
    for example in plivo_mpc_conformance::response_examples(doc).unwrap() {
        if !seen.insert((example.operation_id.clone(), example.status)) {
            continue;
        }
        let schema = doc
            .at(&format!("{}/schema", example.media_pointer))
            .unwrap_or_else(|| panic!("{}: no schema", example.media_pointer))
            .clone();
        let operation = operations
            .iter()
            .find(|op| op.operation_id == example.operation_id)
            .unwrap()
            .clone();
        cases.push(Case {
            operation,
            status: example.status,
            schema,
        });
    }
    cases
}

/// Cases per documented response: 41 operations answer about 120 of them.
const CASES_PER_RESPONSE: u32 = 12;

#[test]
fn generated_responses_of_every_operation_decode_and_serialize_back_unchanged() {
    let doc = support::spec();
    let cases = cases(&doc);
    let operations: std::collections::BTreeSet<&str> = cases
        .iter()
        .map(|c| c.operation.operation_id.as_str())
        .collect();
    assert_eq!(
        operations.len(),
        support::operations(&doc).len(),
        "every operation has a documented JSON response"
    );
    assert!(
        cases.iter().any(|c| c.status >= 400),
        "error statuses are covered"
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(MockServer::start());
    let client = support::client_for(&server, "MANWVLYTK4ZWU1YTY4QA");
    for case in &cases {
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: CASES_PER_RESPONSE,
            failure_persistence: None,
            ..ProptestConfig::default()
        });
        let strategy = values_of(&case.schema, &doc);
        let result = runner.run(&strategy, |body| {
            let outcome = runtime.block_on(async {
                server.reset().await;
                Mock::given(matchers::any())
                    .respond_with(ResponseTemplate::new(case.status).set_body_json(&body))
                    .mount(&server)
                    .await;
                support::call(&client, &case.operation, &[], &[]).await
            });
            let again = match (&outcome, case.status < 400) {
                (Ok(answer), true) => answer.json.clone(),
                (Err(error), false) => match error.kind() {
                    ErrorKind::Api(body) => serde_json::to_value(body).unwrap(),
                    other => {
                        return Err(TestCaseError::fail(format!(
                            "status {}: expected the error body, got {other:?}: {error}",
                            case.status
                        )))
                    }
                },
                _ => {
                    return Err(TestCaseError::fail(format!(
                        "status {}: unexpected outcome {}",
                        case.status,
                        support::render(&outcome)
                    )))
                }
            };
            prop_assert_eq!(again, body);
            Ok(())
        });
        if let Err(failure) = result {
            panic!(
                "{} answering {}: {failure}",
                case.operation.operation_id, case.status
            );
        }
    }
}
