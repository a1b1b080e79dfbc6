//! Participant lists generated at random from the spec's own schemas, every field pushed to its
//! edges (null, absent optional keys, any unicode, the largest integers, offsets other than
//! UTC), served over HTTP, decoded by the client and serialized back: nothing may change.

mod support;

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

fn integers(schema: &Value) -> BoxedStrategy<Value> {
    let minimum = schema.get("minimum").and_then(Value::as_u64);
    assert_eq!(
        minimum,
        Some(0),
        "integers in this spec are counts: {schema}"
    );
    prop_oneof![
        Just(0u64),
        Just(1u64),
        Just(u64::from(u32::MAX)),
        Just(i64::MAX as u64),
        Just(u64::MAX),
        any::<u64>(),
    ]
    .prop_map(Value::from)
    .boxed()
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

fn participant_lists() -> BoxedStrategy<Value> {
    let doc = support::spec();
    let schema = doc
        .at("/components/schemas/ParticipantList")
        .unwrap()
        .clone();
    values_of(&schema, &doc)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generated_lists_decode_and_serialize_back_unchanged(list in participant_lists()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let decoded = runtime.block_on(async {
            let server = MockServer::start().await;
            Mock::given(matchers::any())
                .respond_with(ResponseTemplate::new(200).set_body_json(&list))
                .mount(&server)
                .await;
            let client = support::client_for(&server, "MANWVLYTK4ZWU1YTY4QA");
            client.list_participants_by_name("test_mpc_1").send().await
        });
        let decoded = decoded.map_err(|e| TestCaseError::fail(format!("{e}\n{list:#}")))?;
        let again = serde_json::to_value(&*decoded).unwrap();
        prop_assert_eq!(again, list);
    }
}
