//! One answer against the spec: its status must be one the operation documents, a JSON answer
//! must say so in `Content-Type`, and its body must fit that response's schema (validated with the JSON Schema that `plivo-mpc-spec` makes
//! of it, as the conformance suite validates examples). Fields the schema does not declare are
//! collected as notes.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::ValidationError;
use plivo_mpc_spec::catalogue::{status_code, Operation};
use plivo_mpc_spec::document::{escape_pointer_token, SpecDocument};
use plivo_mpc_spec::json_schema;
use serde_json::Value;

use super::report::{Difference, Note};

/// The only media type the spec's answers have.
const JSON: &str = "application/json";

/// The most characters of a value quoted in a report line.
const QUOTED_CHARACTERS: usize = 120;

/// An answer as received.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    /// The `Content-Type` header, when there is one that is text.
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// What one answer showed.
#[derive(Debug, Default)]
pub struct Findings {
    pub differences: Vec<Difference>,
    pub notes: Vec<Note>,
    /// The body, when it was JSON (for finding path values in it).
    pub body: Option<Value>,
}

/// Checks `answer` to `op`. An error here is the spec's fault (a schema that does not compile),
/// not the answer's.
pub fn check(doc: &SpecDocument, op: &Operation, answer: &Answer) -> anyhow::Result<Findings> {
    let mut found = Findings::default();
    let difference = |field: &str, expected: String, got: String| Difference {
        operation_id: op.operation_id.clone(),
        field: field.to_owned(),
        expected,
        got,
    };
    let responses_pointer = format!("{}/responses", op.pointer);
    let responses = doc
        .at(&responses_pointer)
        .and_then(Value::as_object)
        .ok_or_else(|| anyhow::anyhow!("{responses_pointer}: the operation has no responses"))?;
    let Some((key, response)) = documented_response(responses, answer.status) else {
        let documented: Vec<&str> = responses.keys().map(String::as_str).collect();
        found.differences.push(difference(
            "status",
            format!("one of {}", documented.join(", ")),
            answer.status.to_string(),
        ));
        return Ok(found);
    };
    let response_pointer = format!("{responses_pointer}/{}", escape_pointer_token(key));
    let (response, response_pointer) = doc.resolve(response, &response_pointer)?;
    let Some(media) = response.pointer("/content/application~1json") else {
        if !answer.body.iter().all(u8::is_ascii_whitespace) {
            found.differences.push(difference(
                "body",
                format!("no body (the spec documents none for {key})"),
                quoted_bytes(&answer.body),
            ));
        }
        return Ok(found);
    };
    // `application/json; charset=utf-8` is JSON too: only the media type itself is compared.
    let media_type = answer
        .content_type
        .as_deref()
        .map(|header| header.split(';').next().unwrap_or_default().trim());
    if !media_type.is_some_and(|m| m.eq_ignore_ascii_case(JSON)) {
        found.differences.push(difference(
            "Content-Type",
            JSON.to_owned(),
            answer
                .content_type
                .clone()
                .unwrap_or_else(|| "absent".to_owned()),
        ));
    }
    let body: Value = match serde_json::from_slice(&answer.body) {
        Ok(body) => body,
        Err(error) => {
            found.differences.push(difference(
                "body",
                "a JSON body (application/json)".to_owned(),
                format!("not JSON ({error}): {}", quoted_bytes(&answer.body)),
            ));
            return Ok(found);
        }
    };
    let schema = media.get("schema").ok_or_else(|| {
        anyhow::anyhow!("{response_pointer}/content/application~1json has no schema")
    })?;
    let validator = json_schema::validator(schema, doc.root())
        .map_err(|e| anyhow::anyhow!("{response_pointer}: {e}"))?;
    for error in validator.iter_errors(&body) {
        let (field, got) = match error.kind() {
            ValidationErrorKind::Required { property } => (
                format!(
                    "{}/{}",
                    error.instance_path(),
                    escape_pointer_token(property.as_str().unwrap_or_default())
                ),
                "absent".to_owned(),
            ),
            _ => (error.instance_path().to_string(), quoted(error.instance())),
        };
        found
            .differences
            .push(difference(&field, expected(&error, 0), got));
    }
    let mut undeclared = Vec::new();
    undeclared_fields(doc, schema, &body, String::new(), &mut undeclared);
    for (field, value) in undeclared {
        if !found.notes.iter().any(|n| n.field == field) {
            found.notes.push(Note {
                operation_id: op.operation_id.clone(),
                field,
                got: quoted(&value),
            });
        }
    }
    found.body = Some(body);
    Ok(found)
}

/// The response the spec documents for `status`: the exact code, else its range (`5XX`), else
/// `default`.
fn documented_response(
    responses: &serde_json::Map<String, Value>,
    status: u16,
) -> Option<(&String, &Value)> {
    let exact = status.to_string();
    responses
        .iter()
        .find(|(key, _)| **key == exact)
        .or_else(|| {
            responses.iter().find(|(key, _)| {
                key.ends_with("XX")
                    && status_code(key).is_some_and(|first| first == status / 100 * 100)
            })
        })
        .or_else(|| responses.iter().find(|(key, _)| *key == "default"))
}

/// What the schema asked for, in words; the validator's own message (without the value, which
/// the report shows as `got`) where no shorter form is known.
fn expected(error: &ValidationError<'_>, depth: usize) -> String {
    match error.kind() {
        ValidationErrorKind::Type { kind } => match kind {
            TypeKind::Single(t) => format!("type {t}"),
            TypeKind::Multiple(set) => format!(
                "type {}",
                set.iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        },
        ValidationErrorKind::Required { .. } => "present (required)".to_owned(),
        ValidationErrorKind::Enum { options } => format!("one of {options}"),
        ValidationErrorKind::Pattern { pattern } => format!("a string matching {pattern}"),
        ValidationErrorKind::Format { format } => format!("format {format}"),
        ValidationErrorKind::Minimum { limit } => format!("at least {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("at most {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => format!("more than {limit}"),
        ValidationErrorKind::ExclusiveMaximum { limit } => format!("less than {limit}"),
        ValidationErrorKind::MinLength { limit } => format!("at least {limit} characters"),
        ValidationErrorKind::MaxLength { limit } => format!("at most {limit} characters"),
        ValidationErrorKind::MinItems { limit } => format!("at least {limit} items"),
        ValidationErrorKind::MaxItems { limit } => format!("at most {limit} items"),
        // Nullable fields are `anyOf: [T, null]`: say what each alternative wanted. Nested
        // alternatives are cut short (the spec nests at most two deep).
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context }
            if depth < 3 =>
        {
            let alternatives: Vec<String> = context
                .iter()
                .map(|errors| {
                    errors
                        .iter()
                        .map(|e| expected(e, depth + 1))
                        .collect::<Vec<_>>()
                        .join(" and ")
                })
                .collect();
            format!("any of: {}", alternatives.join(" | "))
        }
        _ => error.masked_with("the value").to_string(),
    }
}

/// Every field of `instance` that `schema` (an OpenAPI schema of `doc`) does not declare, as
/// (pointer with array indices as `*`, value).
fn undeclared_fields(
    doc: &SpecDocument,
    schema: &Value,
    instance: &Value,
    pointer: String,
    out: &mut Vec<(String, Value)>,
) {
    let mut branches = Vec::new();
    branches_of(doc, schema, &mut branches, 0);
    match instance {
        Value::Object(fields) => {
            // Only branches that describe an object have a say: `anyOf: [Amount, {enum:
            // [null]}]` declares no field, and an object there already failed validation.
            let objects: Vec<&Value> = branches
                .iter()
                .copied()
                .filter(|b| {
                    b.get("properties").is_some() || b.get("type") == Some(&"object".into())
                })
                .collect();
            if objects.is_empty() {
                return;
            }
            for (key, value) in fields {
                let at = format!("{pointer}/{}", escape_pointer_token(key));
                let declared = objects
                    .iter()
                    .find_map(|b| b.get("properties").and_then(|p| p.get(key)));
                let map_values = objects
                    .iter()
                    .find_map(|b| b.get("additionalProperties").filter(|a| a.is_object()));
                match declared.or(map_values) {
                    Some(field_schema) => undeclared_fields(doc, field_schema, value, at, out),
                    None => out.push((at, value.clone())),
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = branches.iter().find_map(|b| b.get("items")) {
                for item in items {
                    undeclared_fields(doc, item_schema, item, format!("{pointer}/*"), out);
                }
            }
        }
        _ => {}
    }
}

/// `schema` with its `$ref`s followed, and every `allOf`/`anyOf`/`oneOf` member likewise; the
/// depth bound stops a schema that contains itself.
fn branches_of<'a>(doc: &'a SpecDocument, schema: &'a Value, out: &mut Vec<&'a Value>, depth: u8) {
    if depth > 16 {
        return;
    }
    let Ok((schema, _)) = doc.resolve(schema, "") else {
        return;
    };
    out.push(schema);
    for combinator in ["allOf", "anyOf", "oneOf"] {
        for member in schema
            .get(combinator)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            branches_of(doc, member, out, depth + 1);
        }
    }
}

/// A value as compact JSON, cut to [`QUOTED_CHARACTERS`].
fn quoted(value: &Value) -> String {
    shortened(&value.to_string())
}

fn quoted_bytes(bytes: &[u8]) -> String {
    shortened(&format!("{:?}", String::from_utf8_lossy(bytes)))
}

fn shortened(text: &str) -> String {
    match text.char_indices().nth(QUOTED_CHARACTERS) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plivo_mpc_spec::catalogue::operations;

    /// One GET with a 200 (an object with a nullable field, a required one and a list), a 204
    /// for another status, and a `5XX` range.
    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things/:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Page'}
        '204': {description: nothing}
        '5XX':
          description: failed
          content:
            application/json:
              schema: {type: object, properties: {error: {type: string}}}
components:
  schemas:
    Page:
      type: object
      required: [id]
      properties:
        id: {type: string}
        amount: {type: number, nullable: true}
        cost:
          anyOf:
            - {type: string, pattern: '^[0-9]+$'}
            - enum: [null]
        items:
          type: array
          items: {$ref: '#/components/schemas/Thing'}
    Thing:
      type: object
      properties:
        name: {type: string}
"##;

    fn checked(status: u16, body: &str) -> Findings {
        checked_as(status, Some("application/json; charset=utf-8"), body)
    }

    fn checked_as(status: u16, content_type: Option<&str>, body: &str) -> Findings {
        let doc = SpecDocument::parse("inline.yaml", SPEC).unwrap();
        let op = operations(&doc).unwrap().remove(0);
        let answer = Answer {
            status,
            content_type: content_type.map(str::to_owned),
            body: body.as_bytes().to_vec(),
        };
        check(&doc, &op, &answer).unwrap()
    }

    fn fields(found: &Findings) -> Vec<(&str, &str, &str)> {
        found
            .differences
            .iter()
            .map(|d| (d.field.as_str(), d.expected.as_str(), d.got.as_str()))
            .collect()
    }

    #[test]
    fn a_fitting_answer_has_no_difference() {
        let found = checked(
            200,
            r#"{"id": "a", "amount": null, "items": [{"name": "x"}]}"#,
        );
        assert_eq!(fields(&found), vec![]);
        assert!(found.notes.is_empty());
        assert!(found.body.is_some());
    }

    #[test]
    fn a_json_answer_must_say_it_is_json() {
        let body = r#"{"id": "a"}"#;
        assert_eq!(
            fields(&checked_as(200, Some("Application/JSON"), body)),
            vec![]
        );
        assert_eq!(
            fields(&checked_as(200, Some("text/html"), body)),
            vec![("Content-Type", "application/json", "text/html")]
        );
        assert_eq!(
            fields(&checked_as(200, None, body)),
            vec![("Content-Type", "application/json", "absent")]
        );
    }

    #[test]
    fn a_missing_required_field_is_named_as_absent() {
        let found = checked(200, "{}");
        assert_eq!(
            fields(&found),
            vec![("/id", "present (required)", "absent")]
        );
    }

    #[test]
    fn a_nullable_field_expects_its_type_or_null() {
        let found = checked(200, r#"{"id": "a", "amount": "3.6"}"#);
        assert_eq!(
            fields(&found),
            vec![("/amount", "type null or number", "\"3.6\"")]
        );
    }

    #[test]
    fn alternatives_say_what_each_wanted() {
        let found = checked(200, r#"{"id": "a", "cost": "x"}"#);
        assert_eq!(
            fields(&found),
            vec![(
                "/cost",
                "any of: a string matching ^[0-9]+$ | one of [null]",
                "\"x\""
            )]
        );
    }

    #[test]
    fn undeclared_fields_are_notes_once_per_field_of_a_list() {
        let found = checked(
            200,
            r#"{"id": "a", "extra": 1, "items": [{"name": "x", "new": 1}, {"new": 2}]}"#,
        );
        assert_eq!(fields(&found), vec![]);
        let notes: Vec<(&str, &str)> = found
            .notes
            .iter()
            .map(|n| (n.field.as_str(), n.got.as_str()))
            .collect();
        assert_eq!(notes, vec![("/extra", "1"), ("/items/*/new", "1")]);
    }

    #[test]
    fn a_status_in_a_documented_range_is_checked_against_that_response() {
        assert_eq!(fields(&checked(503, r#"{"error": "busy"}"#)), vec![]);
        assert_eq!(
            fields(&checked(503, r#"{"error": 1}"#)),
            vec![("/error", "type string", "1")]
        );
    }

    #[test]
    fn an_undocumented_status_names_the_documented_ones() {
        assert_eq!(
            fields(&checked(302, "")),
            vec![("status", "one of 200, 204, 5XX", "302")]
        );
    }

    #[test]
    fn a_body_that_is_not_json_or_not_documented_is_a_difference() {
        let not_json = checked(200, "<html>");
        assert_eq!(not_json.differences.len(), 1);
        assert_eq!(not_json.differences[0].field, "body");
        assert!(not_json.differences[0].got.contains("<html>"));
        let unexpected = checked(204, "{}");
        assert_eq!(
            fields(&unexpected),
            vec![(
                "body",
                "no body (the spec documents none for 204)",
                "\"{}\""
            )]
        );
        assert_eq!(fields(&checked(204, "")), vec![]);
    }
}
