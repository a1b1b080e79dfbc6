//! `cargo xtask lint`: the checks progenitor does not make. Every finding names the file, the
//! line and the JSON pointer of what is wrong.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use plivo_mpc_spec::catalogue::{self, Operation};
use plivo_mpc_spec::document::{escape_pointer_token, SpecDocument};
use serde_json::Value;

use plivo_mpc_spec::json_schema;

/// One problem in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// JSON pointer of the offending value.
    pub pointer: String,
    pub message: String,
}

/// The findings for one document, printable as `file:line: pointer: message` lines.
#[derive(Debug, Clone)]
pub struct Report {
    pub findings: Vec<Finding>,
    rendered: Vec<String>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.rendered {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

/// Runs every check on `doc`.
pub fn lint(doc: &SpecDocument) -> Report {
    let mut findings = Vec::new();
    check_refs(doc, doc.root(), "", &mut findings);
    let refs_ok = findings.is_empty();
    match catalogue::operations(doc) {
        Ok(operations) => {
            check_operation_ids(&operations, &mut findings);
            for op in &operations {
                check_path_parameters(op, &mut findings);
            }
            check_every_response_has_an_example(doc, &operations, &mut findings);
        }
        Err(e) => findings.push(from_catalogue_error(e)),
    }
    // With broken references the examples cannot be matched to their schemas; those findings
    // are already reported.
    if refs_ok {
        check_examples(doc, &mut findings);
        check_every_component_is_used(doc, &mut findings);
    }
    let path = doc.path().display();
    let rendered = findings
        .iter()
        .map(|f| match doc.line_of(&f.pointer) {
            Some(line) => format!("{path}:{line}: {}: {}", f.pointer, f.message),
            None => format!("{path}: {}: {}", f.pointer, f.message),
        })
        .collect();
    Report { findings, rendered }
}

fn finding(pointer: impl Into<String>, message: impl Into<String>) -> Finding {
    Finding {
        pointer: pointer.into(),
        message: message.into(),
    }
}

fn from_catalogue_error(e: catalogue::CatalogueError) -> Finding {
    match e {
        catalogue::CatalogueError::Ref(r) => {
            finding(r.at, format!("$ref {} {}", r.reference, r.reason))
        }
        catalogue::CatalogueError::Shape { pointer, message } => finding(pointer, message),
    }
}

/// Every component is reachable by `$ref` from outside `components`, counting references made
/// from `x-` extensions (the asynchronous variant, `x-plivo-async`, names `AsyncCallback` and
/// `AsyncAccepted` there because OpenAPI 3.0 cannot give an operation a second success body).
/// Redocly's and openapi-generator's unused-component checks do not follow extensions; this one
/// replaces them (redocly.yaml, .ci/validate-spec).
fn check_every_component_is_used(doc: &SpecDocument, out: &mut Vec<Finding>) {
    // Reachability from everything outside `components`, then through what that reaches.
    let mut reached = BTreeSet::new();
    let collect = |value: &Value, at: &str, reached: &mut BTreeSet<String>| {
        for_each_ref(value, at, &mut |_, _, reference| {
            if let Some(reference) = reference.as_str() {
                reached.insert(reference.trim_start_matches('#').to_owned());
            }
        });
    };
    for (key, value) in doc
        .root()
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| *k != "components")
    {
        collect(
            value,
            &format!("/{}", escape_pointer_token(key)),
            &mut reached,
        );
    }
    let mut frontier: Vec<String> = reached.iter().cloned().collect();
    while let Some(pointer) = frontier.pop() {
        let mut more = BTreeSet::new();
        if let Some(target) = doc.at(&pointer) {
            collect(target, &pointer, &mut more);
        }
        for r in more {
            if reached.insert(r.clone()) {
                frontier.push(r);
            }
        }
    }
    let Some(components) = doc.at("/components").and_then(Value::as_object) else {
        return;
    };
    for (kind, entries) in components {
        if kind == "securitySchemes" {
            continue; // named in `security`, not by $ref
        }
        for name in entries.as_object().into_iter().flat_map(|m| m.keys()) {
            let pointer = format!("/components/{kind}/{}", escape_pointer_token(name));
            if !reached.contains(&pointer) {
                out.push(finding(&pointer, "no $ref reaches this component"));
            }
        }
    }
}

fn check_refs(doc: &SpecDocument, value: &Value, pointer: &str, out: &mut Vec<Finding>) {
    for_each_ref(value, pointer, &mut |holder, at, reference| {
        if let Err(e) = doc.resolve(holder, at) {
            out.push(finding(
                e.at,
                format!("$ref {reference} does not resolve: {}", e.reason),
            ));
        }
    });
}

/// Calls `found(object, its pointer, the $ref)` for every object with a `$ref` at or below
/// `value` (found at `pointer`). Example values are data: a "$ref" key inside one is not a
/// reference.
fn for_each_ref(value: &Value, pointer: &str, found: &mut impl FnMut(&Value, &str, &Value)) {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref") {
                found(value, pointer, reference);
            }
            for (key, child) in map {
                if key == "value" && pointer.contains("/examples/") || key == "example" {
                    continue;
                }
                let child_pointer = format!("{pointer}/{}", escape_pointer_token(key));
                for_each_ref(child, &child_pointer, found);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                for_each_ref(child, &format!("{pointer}/{i}"), found);
            }
        }
        _ => {}
    }
}

fn check_operation_ids(operations: &[Operation], out: &mut Vec<Finding>) {
    let mut first: BTreeMap<&str, &str> = BTreeMap::new();
    for op in operations {
        if let Some(earlier) = first.insert(&op.operation_id, &op.pointer) {
            out.push(finding(
                format!("{}/operationId", op.pointer),
                format!(
                    "duplicate operationId {:?} (also at {earlier}); generated method names must be unique",
                    op.operation_id
                ),
            ));
            first.insert(&op.operation_id, earlier);
        }
    }
}

fn template_names(template: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        names.insert(rest[open + 1..open + close].to_owned());
        rest = &rest[open + close + 1..];
    }
    names
}

fn check_path_parameters(op: &Operation, out: &mut Vec<Finding>) {
    let in_template = template_names(&op.path_template);
    let declared: BTreeSet<String> = op.path_parameters.iter().map(|p| p.name.clone()).collect();
    for missing in in_template.difference(&declared) {
        out.push(finding(
            &op.pointer,
            format!(
                "path template {} names {{{missing}}} but no `in: path` parameter declares it",
                op.path_template
            ),
        ));
    }
    for extra in declared.difference(&in_template) {
        out.push(finding(
            &op.pointer,
            format!(
                "path parameter {extra:?} is declared but the template {} does not contain {{{extra}}}",
                op.path_template
            ),
        ));
    }
    for p in op.path_parameters.iter().filter(|p| !p.required) {
        out.push(finding(
            &op.pointer,
            format!("path parameter {:?} must be `required: true`", p.name),
        ));
    }
}

fn check_every_response_has_an_example(
    doc: &SpecDocument,
    operations: &[Operation],
    out: &mut Vec<Finding>,
) {
    for op in operations {
        let responses_pointer = format!("{}/responses", op.pointer);
        let Some(responses) = doc.at(&responses_pointer).and_then(Value::as_object) else {
            out.push(finding(&op.pointer, "operation documents no responses"));
            continue;
        };
        for (status, response) in responses {
            let pointer = format!("{responses_pointer}/{}", escape_pointer_token(status));
            let Ok((response, pointer)) = doc.resolve(response, &pointer) else {
                continue; // reported by check_refs
            };
            let Some(content) = response.get("content").and_then(Value::as_object) else {
                continue; // no body, nothing to exemplify
            };
            for (media_type, media) in content {
                let has_example = media.get("example").is_some()
                    || media
                        .get("examples")
                        .and_then(Value::as_object)
                        .is_some_and(|e| !e.is_empty());
                if !has_example {
                    out.push(finding(
                        format!("{pointer}/content/{}", escape_pointer_token(media_type)),
                        format!(
                            "status {status} of {} ({media_type}) has no example; every documented status needs one",
                            op.operation_id
                        ),
                    ));
                }
            }
        }
    }
}

fn check_examples(doc: &SpecDocument, out: &mut Vec<Finding>) {
    let root = doc.root();
    let mut unreadable = Vec::new();
    let mut check = |schema: &Value, instance: &Value, pointer: &str| {
        out.extend(example_findings(schema, root, instance, pointer));
    };

    // Response examples, against the schema of their media type.
    let mut seen = BTreeSet::new();
    match catalogue::response_examples(doc) {
        Ok(examples) => {
            for example in examples {
                // Shared responses are reached from every operation; check each example once.
                if !seen.insert(example.pointer.clone()) {
                    continue;
                }
                let Some(schema) = doc.at(&format!("{}/schema", example.media_pointer)) else {
                    check(&Value::Null, &Value::Null, &example.media_pointer);
                    continue;
                };
                check(schema, &example.value, &example.pointer);
            }
        }
        Err(e) => unreadable.push(from_catalogue_error(e)),
    }

    // Parameter examples, against the parameter's schema.
    if let Some(parameters) = doc.at("/components/parameters").and_then(Value::as_object) {
        for (name, p) in parameters {
            let pointer = format!("/components/parameters/{}", escape_pointer_token(name));
            if let (Some(example), Some(schema)) = (p.get("example"), p.get("schema")) {
                check(schema, example, &format!("{pointer}/example"));
            }
        }
    }

    // `example` keywords inside component schemas, against the schema they sit in.
    if let Some(schemas) = doc.at("/components/schemas").and_then(Value::as_object) {
        for (name, schema) in schemas {
            let pointer = format!("/components/schemas/{}", escape_pointer_token(name));
            walk_schema_examples(schema, &pointer, &mut check);
        }
    }
    out.extend(unreadable);
}

fn example_findings(schema: &Value, root: &Value, instance: &Value, pointer: &str) -> Vec<Finding> {
    if schema.is_null() {
        return vec![finding(pointer, "media type has examples but no schema")];
    }
    match json_schema::violations(schema, root, instance) {
        Ok(violations) => violations
            .into_iter()
            .map(|(inner, message)| {
                finding(
                    format!("{pointer}{inner}"),
                    format!("example does not match its schema: {message}"),
                )
            })
            .collect(),
        Err(message) => vec![finding(pointer, message)],
    }
}

fn walk_schema_examples(
    schema: &Value,
    pointer: &str,
    check: &mut impl FnMut(&Value, &Value, &str),
) {
    let Value::Object(map) = schema else { return };
    if let Some(example) = map.get("example") {
        check(schema, example, &format!("{pointer}/example"));
    }
    if let Some(Value::Object(props)) = map.get("properties") {
        for (k, v) in props {
            walk_schema_examples(
                v,
                &format!("{pointer}/properties/{}", escape_pointer_token(k)),
                check,
            );
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get(key) {
            walk_schema_examples(child, &format!("{pointer}/{key}"), check);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(list)) = map.get(key) {
            for (i, child) in list.iter().enumerate() {
                walk_schema_examples(child, &format!("{pointer}/{key}/{i}"), check);
            }
        }
    }
}
