//! What the generated types accept and refuse, field by field, derived from the spec: a required
//! key that is missing fails, a nullable field takes null, a pattern is enforced, and what Plivo
//! may add later (fields, values of an extensible enum) still decodes.
//!
//! The starting points are real instances: every object found in the spec's own response
//! examples, matched to its component schema by walking example and schema together.

mod support;

use std::collections::BTreeMap;

use plivo_mpc_conformance::SpecDocument;
use serde_json::{json, Value};

/// Decodes `value` as the Rust type of `component` (rendered from the spec by the generator).
fn decode_as(component: &str, value: Value) -> Result<(), String> {
    plivo_mpc::generated::operations::decode_component(component, value).unwrap_or_else(|| {
        panic!("component schema {component} has no Rust type in the generated client")
    })
}

/// Every value in the response examples, grouped by the component schema it is an instance of.
fn instances(doc: &SpecDocument) -> BTreeMap<String, Vec<Value>> {
    fn walk(
        value: &Value,
        schema: &Value,
        doc: &SpecDocument,
        out: &mut BTreeMap<String, Vec<Value>>,
    ) {
        if value.is_null() {
            return; // a nullable field's null is no instance of the referenced component
        }
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let name = r.rsplit('/').next().unwrap().to_owned();
            out.entry(name).or_default().push(value.clone());
            return walk(value, doc.at(&r[1..]).unwrap(), doc, out);
        }
        for list in ["allOf", "anyOf", "oneOf"] {
            for s in schema
                .get(list)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                walk(value, s, doc, out);
            }
        }
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    if let Some(s) = schema.pointer(&format!("/properties/{k}")) {
                        walk(v, s, doc, out);
                    }
                }
            }
            Value::Array(items) => {
                if let Some(s) = schema.get("items") {
                    for v in items {
                        walk(v, s, doc, out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    for example in plivo_mpc_conformance::response_examples(doc).unwrap() {
        let schema = doc
            .at(&format!("{}/schema", example.media_pointer))
            .unwrap();
        walk(&example.value, schema, doc, &mut out);
    }
    // Responses that only extensions name (`AsyncAccepted` in `x-plivo-async`), and schemas'
    // own `example`s, are instances too.
    for (name, response) in doc
        .at("/components/responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let Some(media) = response.pointer("/content/application~1json") else {
            continue;
        };
        let examples = media.get("examples").and_then(Value::as_object);
        for example in examples.into_iter().flat_map(|m| m.values()) {
            let pointer = format!("/components/responses/{name}");
            let (example, _) = doc.resolve(example, &pointer).unwrap();
            walk(&example["value"], &media["schema"], doc, &mut out);
        }
    }
    for (name, schema) in object_components(doc) {
        if let Some(example) = schema.get("example") {
            out.entry(name).or_default().push(example.clone());
        }
    }
    // Request bodies are instances too: every example of every operation's JSON body.
    for op in plivo_mpc_conformance::operations(doc).unwrap() {
        let Some(body) = doc.at(&format!("{}/requestBody", op.pointer)) else {
            continue;
        };
        let (body, _) = doc.resolve(body, &op.pointer).unwrap();
        let Some(media) = body.pointer("/content/application~1json") else {
            continue;
        };
        let examples = media.get("examples").and_then(Value::as_object);
        for example in examples.into_iter().flat_map(|m| m.values()) {
            let (example, _) = doc.resolve(example, &op.pointer).unwrap();
            walk(&example["value"], &media["schema"], doc, &mut out);
        }
    }
    out
}

fn object_components(doc: &SpecDocument) -> Vec<(String, Value)> {
    doc.at("/components/schemas")
        .unwrap()
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("object"))
        .map(|(n, s)| (n.clone(), s.clone()))
        .collect()
}

#[test]
fn every_example_instance_decodes_as_its_type() {
    let doc = support::spec();
    let found = instances(&doc);
    for (name, _) in object_components(&doc) {
        assert!(found.contains_key(&name), "no example contains a {name}");
    }
    for (component, values) in &found {
        for value in values {
            decode_as(component, value.clone())
                .unwrap_or_else(|e| panic!("{component} {value}: {e}"));
        }
    }
}

/// One property of an object component, with a real instance of that component to vary.
struct Field {
    component: String,
    name: String,
    property: Value,
    required: bool,
    instance: Value,
}

impl Field {
    /// The instance with this field replaced (`Some`) or removed (`None`), decoded.
    fn decode_with(&self, value: Option<Value>) -> Result<(), String> {
        let mut instance = self.instance.clone();
        match value {
            Some(v) => instance[self.name.as_str()] = v,
            None => {
                instance.as_object_mut().unwrap().remove(&self.name);
            }
        }
        decode_as(&self.component, instance)
    }

    fn label(&self) -> String {
        format!("{}.{}", self.component, self.name)
    }
}

/// Every property of every object component, each with the first example instance found.
fn fields(doc: &SpecDocument) -> Vec<Field> {
    let found = instances(doc);
    let mut out = Vec::new();
    for (component, schema) in object_components(doc) {
        let required = support::required(&schema);
        for (name, property) in schema["properties"].as_object().unwrap() {
            out.push(Field {
                component: component.clone(),
                name: name.clone(),
                property: property.clone(),
                required: required.contains(name),
                instance: found[&component][0].clone(),
            });
        }
    }
    out
}

#[test]
fn a_missing_required_key_fails_and_a_missing_optional_key_does_not() {
    let mut problems = Vec::new();
    for field in fields(&support::spec()) {
        let label = field.label();
        match (field.required, field.decode_with(None)) {
            (true, Ok(())) => problems.push(format!("{label}: required, but decodes without it")),
            (true, Err(e)) if !e.contains(field.name.as_str()) => {
                problems.push(format!("{label}: the error does not name the field: {e}"))
            }
            (false, Err(e)) => problems.push(format!("{label}: optional, but: {e}")),
            _ => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn null_is_accepted_exactly_where_the_spec_says_nullable() {
    let mut problems = Vec::new();
    // An optional field decodes null as absent (Option<T>); only required ones tell.
    for field in fields(&support::spec()).into_iter().filter(|f| f.required) {
        let label = field.label();
        let (nullable, _) = support::nullable_and_target(&field.property);
        match (nullable, field.decode_with(Some(Value::Null))) {
            (true, Err(e)) => problems.push(format!("{label}: nullable, but null fails: {e}")),
            (false, Ok(())) => problems.push(format!("{label}: not nullable, but null decodes")),
            _ => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn patterns_are_enforced_when_decoding() {
    let doc = support::spec();
    let mut checked = 0;
    for field in fields(&doc) {
        let (_, target) = support::nullable_and_target(&field.property);
        let target = match target.get("$ref").and_then(Value::as_str) {
            Some(r) => doc.at(&r[1..]).unwrap().clone(),
            None => target.clone(),
        };
        if target.get("pattern").is_none() {
            continue;
        }
        let err = field
            .decode_with(Some(json!("not matching the pattern")))
            .expect_err(&format!("{}: pattern not enforced", field.label()));
        assert!(!err.is_empty());
        checked += 1;
    }
    // join_time, exit_time (Timestamp) and member_id; a loop that checks nothing must fail.
    assert!(
        checked >= 3,
        "expected the patterned fields of Participant, found {checked}"
    );
}

/// Plivo adds fields and values over time; a client that refuses them breaks on the day they
/// ship.
#[test]
fn unknown_fields_and_new_enum_values_still_decode() {
    let doc = support::spec();
    let found = instances(&doc);
    for (name, _) in object_components(&doc) {
        let mut value = found[&name][0].clone();
        value["a_field_plivo_adds_later"] = json!({"nested": [1, "two", null]});
        decode_as(&name, value).unwrap_or_else(|e| panic!("{name} with an unknown field: {e}"));
    }
    for field in fields(&doc) {
        if field.property.get("x-extensible-enum").is_some() {
            field
                .decode_with(Some(json!("a value Plivo adds later")))
                .unwrap_or_else(|e| panic!("{} with a new value: {e}", field.label()));
        }
    }
}

/// The spec's string components with a `pattern` (`Timestamp`, `MemberId`) map to hand-written
/// types (`REPLACEMENTS` in xtask/src/generate.rs) that check their text in code, not with the
/// pattern: each must refuse every text the spec's schema refuses and, unless the component
/// states a rule beyond its pattern, accept every text the schema accepts. Texts: ones the
/// pattern generates, and near misses from an alphabet of digits, separators, a newline and a
/// non-ASCII digit.
#[test]
fn hand_written_string_types_accept_what_the_spec_accepts() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    /// Components whose description adds a rule the pattern cannot state; they may refuse a text
    /// the pattern matches, never accept one it does not. `Timestamp`: a real date and time
    /// (2021-02-30 matches the pattern).
    const FURTHER_RULES: &[&str] = &["Timestamp"];

    let doc = support::spec();
    let schemas = doc
        .at("/components/schemas")
        .and_then(Value::as_object)
        .unwrap();
    let mut checked = Vec::new();
    for (name, schema) in schemas {
        let Some(pattern) = schema.get("pattern").and_then(Value::as_str) else {
            continue;
        };
        if schema.get("type") != Some(&json!("string")) {
            continue;
        }
        let validator = plivo_mpc_conformance::json_schema::validator(schema, doc.root()).unwrap();
        // proptest generates from the pattern without its anchors (the whole text is generated).
        let body = pattern.trim_start_matches('^').trim_end_matches('$');
        let texts = prop_oneof![
            proptest::string::string_regex(body).unwrap(),
            proptest::string::string_regex("[0-9 :+\\-a\n\u{0663}]{0,30}").unwrap(),
        ];
        let mut runner = TestRunner::new(Config {
            cases: 2_000,
            failure_persistence: None,
            ..Config::default()
        });
        let further = FURTHER_RULES.contains(&name.as_str());
        runner
            .run(&texts, |text| {
                let spec_accepts = validator.is_valid(&json!(text));
                let decoded = decode_as(name, json!(text)).is_ok();
                prop_assert!(
                    !decoded || spec_accepts,
                    "{name}: the Rust type accepts {text:?}, which the spec's schema refuses"
                );
                prop_assert!(
                    further || !spec_accepts || decoded,
                    "{name}: the Rust type refuses {text:?}, which the spec's schema accepts"
                );
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        checked.push(name.clone());
    }
    // A loop that checks nothing must fail: both patterned string components are reached.
    assert!(
        checked.iter().any(|n| n == "MemberId") && checked.iter().any(|n| n == "Timestamp"),
        "checked {checked:?}"
    );
}
