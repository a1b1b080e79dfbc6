//! The generated types against the spec's component schemas: the same fields, the same required
//! fields, the same nullability, the same base types. A progenitor or typify upgrade that maps a
//! schema differently fails here by field name.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// The schemars schema of the Rust type of each component schema (rendered from the spec).
fn generated_schema(component: &str) -> Value {
    plivo_mpc::generated::operations::component_schema(component).unwrap_or_else(|| {
        panic!("component schema {component} has no Rust type in the generated client")
    })
}

/// A property as both sides describe it.
#[derive(Debug, PartialEq, Eq)]
struct Shape {
    /// `string`, `integer`, `boolean`, `array of <shape>`, `object` or `ref <Name>`.
    base: String,
    nullable: bool,
    pattern: Option<String>,
}

fn spec_shape(schema: &Value, doc: &Value) -> Shape {
    // `allOf: [$ref]` (a reference with a description of its own) is the reference.
    if let Some([only]) = schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        return spec_shape(only, doc);
    }
    let (nullable, target) = support::nullable_and_target(schema);
    if let Some(r) = target.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap();
        let resolved = doc.pointer(&r[1..]).unwrap();
        return Shape {
            base: base_of_named(name, resolved),
            nullable,
            pattern: pattern(resolved),
        };
    }
    let base = match target.get("type").and_then(Value::as_str) {
        Some("array") => format!("array of {:?}", spec_shape(&target["items"], doc)),
        Some(t) => t.to_owned(),
        None => "any".to_owned(),
    };
    Shape {
        base,
        nullable,
        pattern: pattern(target),
    }
}

fn base_of_named(name: &str, resolved: &Value) -> String {
    match resolved.get("type").and_then(Value::as_str) {
        Some("object") => format!("object {name}"),
        Some(t) => t.to_owned(),
        None => "any".to_owned(),
    }
}

fn pattern(schema: &Value) -> Option<String> {
    schema
        .get("pattern")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn rust_shape(schema: &Value, defs: &Value) -> Shape {
    // schemars writes Option<T> as `type: [t, "null"]` or `anyOf: [T, {type: null}]`.
    if let Some(any_of) = schema.get("anyOf").and_then(Value::as_array) {
        let non_null: Vec<&Value> = any_of
            .iter()
            .filter(|s| s.get("type").and_then(Value::as_str) != Some("null"))
            .collect();
        if non_null.len() == 1 && any_of.len() == 2 {
            return Shape {
                nullable: true,
                ..rust_shape(non_null[0], defs)
            };
        }
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap();
        let resolved = &defs[name];
        let inner = rust_shape(resolved, defs);
        let base = if inner.base == "object" {
            format!("object {name}")
        } else {
            inner.base
        };
        return Shape {
            base,
            nullable: inner.nullable,
            pattern: inner.pattern,
        };
    }
    let (types, nullable): (Vec<&str>, bool) = match schema.get("type") {
        Some(Value::String(t)) => (vec![t.as_str()], false),
        Some(Value::Array(ts)) => {
            let ts: Vec<&str> = ts.iter().filter_map(Value::as_str).collect();
            let nullable = ts.contains(&"null");
            (ts.into_iter().filter(|t| *t != "null").collect(), nullable)
        }
        _ => (vec!["any"], false),
    };
    let base = match types.as_slice() {
        ["array"] => format!("array of {:?}", rust_shape(&schema["items"], defs)),
        [t] => t.to_string(),
        other => format!("{other:?}"),
    };
    Shape {
        base,
        nullable,
        pattern: pattern(schema),
    }
}

fn names(list: Option<&Value>) -> BTreeSet<String> {
    list.and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn generated_types_have_the_spec_schemas() {
    let doc = support::spec();
    let components = doc.at("/components/schemas").unwrap().as_object().unwrap();
    let mut problems = Vec::new();
    for (name, spec_schema) in components {
        let rust = generated_schema(name);
        let defs = rust.get("$defs").cloned().unwrap_or(Value::Null);
        if spec_schema.get("type").and_then(Value::as_str) != Some("object") {
            let (want, mut got) = (
                spec_shape(spec_schema, doc.root()),
                rust_shape(&rust, &defs),
            );
            // As for fields below: a newtype's pattern is checked by decoding, not in schemars.
            if got.pattern.is_none() {
                got.pattern = want.pattern.clone();
            }
            if want != got {
                problems.push(format!("{name}: spec {want:?}, Rust {got:?}"));
            }
            continue;
        }
        let spec_props = spec_schema["properties"].as_object().unwrap();
        let rust_props = rust["properties"].as_object().cloned().unwrap_or_default();
        let spec_fields: BTreeSet<_> = spec_props.keys().cloned().collect();
        let rust_fields: BTreeSet<_> = rust_props.keys().cloned().collect();
        if spec_fields != rust_fields {
            problems.push(format!(
                "{name}: fields only in the spec {:?}, only in Rust {:?}",
                spec_fields.difference(&rust_fields).collect::<Vec<_>>(),
                rust_fields.difference(&spec_fields).collect::<Vec<_>>()
            ));
        }
        let spec_required = names(spec_schema.get("required"));
        // schemars counts every Option<T> field as optional, including the required-but-nullable
        // ones (progenitor makes those fail on a missing key; tests/decoding_rules.rs proves it).
        // So: what schemars calls required must be required in the spec, and what the spec
        // requires must be required in schemars unless it is nullable.
        let rust_required = names(rust.get("required"));
        for field in rust_required.difference(&spec_required) {
            problems.push(format!(
                "{name}.{field}: required in Rust, optional in the spec"
            ));
        }
        let shapes: BTreeMap<_, _> = spec_props
            .iter()
            .filter_map(|(field, s)| rust_props.get(field).map(|r| (field, (s, r))))
            .collect();
        for (field, (spec_prop, rust_prop)) in shapes {
            let want = spec_shape(spec_prop, doc.root());
            let mut got = rust_shape(rust_prop, &defs);
            let required = spec_required.contains(field);
            if required && !want.nullable && !rust_required.contains(field) {
                problems.push(format!(
                    "{name}.{field}: required in the spec, optional in Rust"
                ));
            }
            if !required && !want.nullable {
                // An optional field that is not nullable is Option<T>, absent as None; schemars
                // writes it nullable, which it is not on the wire.
                got.nullable = false;
            }
            // An optional nullable field is `Nullable<T>` (absent, null or a value), which
            // schemars writes as nullable: the shapes compare as they are.
            // typify's newtypes enforce a pattern when decoding but do not put it in their
            // schemars schema; tests/decoding_rules.rs checks the pattern by decoding.
            if got.pattern.is_none() {
                got.pattern = want.pattern.clone();
            }
            // An inline object becomes a named struct (`UpdateParticipantResponseMessage`).
            if want.base == "object" && got.base.starts_with("object ") {
                got.base = "object".to_owned();
            }
            if want != got {
                problems.push(format!("{name}.{field}: spec {want:?}, Rust {got:?}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "generated types differ from the spec:\n{}",
        problems.join("\n")
    );
}
