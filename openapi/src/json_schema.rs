//! OpenAPI 3.0 schema objects as JSON Schema (draft 4, the dialect 3.0 extends), so that a
//! maintained validator can check examples.
//!
//! What differs and is mapped here:
//! - `nullable: true` next to `type` adds `"null"` to the type (and to `enum` if there is one);
//!   next to `allOf`/`anyOf`/`oneOf` the whole schema becomes `anyOf: [schema, {type: null}]`,
//!   which is how progenitor reads it too (Option<T>). Next to a bare `$ref` it is ignored, as
//!   the 3.0 Reference Object rules (and progenitor) ignore every sibling of `$ref`.
//! - `#/components/schemas/X` becomes `#/definitions/X`, and the validated root carries those
//!   definitions.
//! - OpenAPI-only keywords (`example`, `discriminator`, `xml`, `externalDocs`, `deprecated`,
//!   `readOnly`, `writeOnly`) and `x-` extensions are dropped.

use serde_json::{json, Map, Value};

const COMPONENT_SCHEMAS: &str = "#/components/schemas/";
const DEFINITIONS: &str = "#/definitions/";

const OPENAPI_ONLY: [&str; 8] = [
    "nullable",
    "example",
    "discriminator",
    "xml",
    "externalDocs",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// One OpenAPI schema object as a JSON Schema.
pub fn convert(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        if OPENAPI_ONLY.contains(&key.as_str()) || key.starts_with("x-") {
            continue;
        }
        let converted = match key.as_str() {
            "$ref" => match value.as_str() {
                Some(r) => match r.strip_prefix(COMPONENT_SCHEMAS) {
                    Some(name) => Value::String(format!("{DEFINITIONS}{name}")),
                    None => value.clone(),
                },
                None => value.clone(),
            },
            "properties" => Value::Object(
                value
                    .as_object()
                    .map(|props| props.iter().map(|(k, v)| (k.clone(), convert(v))).collect())
                    .unwrap_or_default(),
            ),
            "items" | "not" => convert(value),
            "additionalProperties" if value.is_object() => convert(value),
            "allOf" | "anyOf" | "oneOf" => Value::Array(
                value
                    .as_array()
                    .map(|list| list.iter().map(convert).collect())
                    .unwrap_or_default(),
            ),
            // Everything else is data (type, enum, required, pattern, bounds, default, ...).
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    let nullable = map.get("nullable").and_then(Value::as_bool) == Some(true);
    if !nullable || map.contains_key("$ref") {
        return Value::Object(out);
    }
    match out.get_mut("type") {
        Some(Value::String(t)) => {
            let t = std::mem::take(t);
            out.insert("type".into(), json!([t, "null"]));
            if let Some(Value::Array(values)) = out.get_mut("enum") {
                if !values.contains(&Value::Null) {
                    values.push(Value::Null);
                }
            }
            Value::Object(out)
        }
        _ => json!({ "anyOf": [Value::Object(out), { "type": "null" }] }),
    }
}

/// A validatable root for `schema`: the schema converted, with every component schema of the
/// document converted under `definitions` so that references resolve.
pub fn root_for(schema: &Value, document: &Value) -> Value {
    let definitions: Map<String, Value> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .iter()
                .map(|(k, v)| (k.clone(), convert(v)))
                .collect()
        })
        .unwrap_or_default();
    let mut root = match convert(schema) {
        Value::Object(map) => map,
        // `true`/`false` schemas are not OpenAPI 3.0; wrap anything else so it is still a schema.
        other => Map::from_iter([("allOf".to_owned(), json!([other]))]),
    };
    root.insert("definitions".into(), Value::Object(definitions));
    Value::Object(root)
}

/// A validator for `schema` (an OpenAPI schema object of `document`), for callers that need more
/// of each violation than [`violations`] gives (its keyword and the value found).
pub fn validator(schema: &Value, document: &Value) -> Result<jsonschema::Validator, String> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&root_for(schema, document))
        .map_err(|e| format!("the schema itself is not valid JSON Schema: {e}"))
}

/// Why `instance` does not fit `schema`: one `(JSON pointer inside the instance, message)` per
/// violation; empty when it fits.
pub fn violations(
    schema: &Value,
    document: &Value,
    instance: &Value,
) -> Result<Vec<(String, String)>, String> {
    Ok(validator(schema, document)?
        .iter_errors(instance)
        .map(|e| (e.instance_path().to_string(), e.to_string()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_type_admits_null() {
        let s = convert(&json!({"type": "string", "nullable": true, "example": "x"}));
        assert_eq!(s, json!({"type": ["string", "null"]}));
    }

    #[test]
    fn nullable_enum_admits_null() {
        let s = convert(&json!({"type": "string", "enum": ["a"], "nullable": true}));
        assert_eq!(s, json!({"type": ["string", "null"], "enum": ["a", null]}));
    }

    #[test]
    fn nullable_all_of_becomes_any_of_null() {
        let s = convert(&json!({
            "nullable": true,
            "allOf": [{"$ref": "#/components/schemas/T"}],
            "description": "d"
        }));
        assert_eq!(
            s,
            json!({"anyOf": [
                {"allOf": [{"$ref": "#/definitions/T"}], "description": "d"},
                {"type": "null"}
            ]})
        );
    }

    #[test]
    fn nullable_beside_a_bare_ref_is_ignored_as_in_openapi_3_0() {
        let s = convert(&json!({"$ref": "#/components/schemas/T", "nullable": true}));
        assert_eq!(s, json!({"$ref": "#/definitions/T"}));
    }

    #[test]
    fn data_keywords_are_not_rewritten() {
        let s = convert(&json!({"enum": [{"nullable": true}], "default": {"x-a": 1}}));
        assert_eq!(
            s,
            json!({"enum": [{"nullable": true}], "default": {"x-a": 1}})
        );
    }

    #[test]
    fn violations_name_the_instance_pointer() {
        let doc = json!({"components": {"schemas": {"T": {"type": "object",
            "properties": {"n": {"type": "string"}}}}}});
        let found = violations(
            &json!({"$ref": "#/components/schemas/T"}),
            &doc,
            &json!({"n": 1}),
        )
        .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "/n");
        assert!(found[0].1.contains("string"), "{}", found[0].1);
    }
}
