//! What the spec documents: its operations and every response example, read from the document
//! itself so that a new example or status is replayed without touching the tests.

use serde_json::Value;

use crate::document::{escape_pointer_token, RefError, SpecDocument};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub operation_id: String,
    /// The operation's `summary`, if it has one.
    pub summary: Option<String>,
    /// Upper case, as on the wire (`GET`).
    pub method: String,
    /// The path template as written in the spec, trailing slash included.
    pub path_template: String,
    /// JSON pointer of the operation object.
    pub pointer: String,
    /// Path parameters (path-level and operation-level), each with its `example` if it has one.
    pub path_parameters: Vec<Parameter>,
    /// Query parameters, each with its `example` if it has one.
    pub query_parameters: Vec<Parameter>,
    /// The operation's JSON request body, when it takes one.
    pub request_body: Option<RequestBody>,
    /// The lowest success status the operation declares (`2XX` counts as 200).
    pub success_status: Option<u16>,
}

/// A JSON request body: whether it is required, its schema (`$ref`s resolved at the top) and its
/// first example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestBody {
    pub required: bool,
    pub schema: Value,
    pub example: Option<Value>,
}

impl Operation {
    /// The request body's first example, when the operation takes a body and has one.
    pub fn request_body_example(&self) -> Option<&Value> {
        self.request_body.as_ref()?.example.as_ref()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter {
    pub name: String,
    pub required: bool,
    pub example: Option<Value>,
    /// The parameter's schema, `$ref`s resolved at the top level.
    pub schema: Value,
}

/// One named example of one documented response of one operation.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseExample {
    pub operation_id: String,
    pub status: u16,
    /// The example's key under `examples` (or `example` for a lone example).
    pub name: String,
    pub summary: Option<String>,
    pub media_type: String,
    pub value: Value,
    /// JSON pointer of the example value (inside `components` when the response is shared).
    pub pointer: String,
    /// JSON pointer of the media type object that holds the example and its schema.
    pub media_pointer: String,
}

impl ResponseExample {
    /// `200-documented`: unique within an operation, and equal across operations that share a
    /// response, so that both addressings are held to one snapshot.
    pub fn case_name(&self) -> String {
        format!("{}-{}", self.status, self.name)
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error(transparent)]
    Ref(#[from] RefError),
    #[error("{pointer}: {message}")]
    Shape { pointer: String, message: String },
}

fn shape(pointer: impl Into<String>, message: impl Into<String>) -> CatalogueError {
    CatalogueError::Shape {
        pointer: pointer.into(),
        message: message.into(),
    }
}

/// Every operation, in document order of paths and methods.
pub fn operations(doc: &SpecDocument) -> Result<Vec<Operation>, CatalogueError> {
    let paths = doc
        .at("/paths")
        .and_then(Value::as_object)
        .ok_or_else(|| shape("/paths", "the document has no paths object"))?;
    let mut out = Vec::new();
    for (template, item) in paths {
        let item_pointer = format!("/paths/{}", escape_pointer_token(template));
        let (item, item_pointer) = doc.resolve(item, &item_pointer)?;
        let shared = parameters(doc, item.get("parameters"), &item_pointer)?;
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let pointer = format!("{item_pointer}/{method}");
            let operation_id = op
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or_else(|| shape(&pointer, "operation has no operationId"))?
                .to_owned();
            // Operation-level parameters override path-level ones with the same name and `in`.
            let mut all = shared.clone();
            for p in parameters(doc, op.get("parameters"), &pointer)? {
                all.retain(|(q, loc)| !(q.name == p.0.name && *loc == p.1));
                all.push(p);
            }
            let by = |location: &str| {
                all.iter()
                    .filter(|(_, l)| l == location)
                    .map(|(p, _)| p.clone())
                    .collect::<Vec<_>>()
            };
            let request_body = request_body(doc, op, &pointer)?;
            let success_status = op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter_map(|(status, _)| status_code(status))
                .filter(|status| (200..300).contains(status))
                .min();
            out.push(Operation {
                operation_id,
                summary: op.get("summary").and_then(Value::as_str).map(str::to_owned),
                method: method.to_ascii_uppercase(),
                path_template: template.clone(),
                pointer,
                path_parameters: by("path"),
                query_parameters: by("query"),
                request_body,
                success_status,
            });
        }
    }
    Ok(out)
}

/// A response key as a status: `404`, or a range (`5XX`) as its first status (500); `default`
/// has none.
pub fn status_code(key: &str) -> Option<u16> {
    match key.as_bytes() {
        [digit @ b'1'..=b'5', b'X', b'X'] => Some(u16::from(digit - b'0') * 100),
        _ => key.parse().ok(),
    }
}

/// The operation's JSON request body: required or not, its schema and its first example
/// (`example`, else the first of `examples`).
fn request_body(
    doc: &SpecDocument,
    op: &Value,
    pointer: &str,
) -> Result<Option<RequestBody>, CatalogueError> {
    let Some(body) = op.get("requestBody") else {
        return Ok(None);
    };
    let (body, body_pointer) = doc.resolve(body, &format!("{pointer}/requestBody"))?;
    let media_pointer = format!("{body_pointer}/content/application~1json");
    let Some(media) = body.pointer("/content/application~1json") else {
        return Err(shape(
            format!("{body_pointer}/content"),
            "only application/json request bodies are supported",
        ));
    };
    let Some(schema) = media.get("schema") else {
        return Err(shape(&media_pointer, "a request body needs a schema"));
    };
    let example = match (
        media.get("example"),
        media.get("examples").and_then(Value::as_object),
    ) {
        (Some(example), _) => Some(example.clone()),
        (None, Some(examples)) => match examples.iter().next() {
            Some((name, example)) => {
                let example_pointer =
                    format!("{media_pointer}/examples/{}", escape_pointer_token(name));
                doc.resolve(example, &example_pointer)?
                    .0
                    .get("value")
                    .cloned()
            }
            None => None,
        },
        (None, None) => None,
    };
    Ok(Some(RequestBody {
        required: body
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        schema: doc
            .resolve(schema, &format!("{media_pointer}/schema"))?
            .0
            .clone(),
        example,
    }))
}

fn parameters(
    doc: &SpecDocument,
    list: Option<&Value>,
    owner: &str,
) -> Result<Vec<(Parameter, String)>, CatalogueError> {
    let Some(list) = list else {
        return Ok(Vec::new());
    };
    let list = list
        .as_array()
        .ok_or_else(|| shape(format!("{owner}/parameters"), "parameters must be a list"))?;
    let mut out = Vec::new();
    for (i, p) in list.iter().enumerate() {
        let (p, pointer) = doc.resolve(p, &format!("{owner}/parameters/{i}"))?;
        let field = |key: &str| {
            p.get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| shape(&pointer, format!("parameter has no {key}")))
        };
        let schema = match p.get("schema") {
            Some(s) => doc.resolve(s, &format!("{pointer}/schema"))?.0.clone(),
            None => Value::Null,
        };
        out.push((
            Parameter {
                name: field("name")?,
                required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                example: p.get("example").cloned(),
                schema,
            },
            field("in")?,
        ));
    }
    Ok(out)
}

/// The name of the example that is Plivo's published response (the default a mock serves).
pub const DOCUMENTED: &str = "documented";

/// The first success example named [`DOCUMENTED`]: Plivo's published participant list, the body
/// tests, the mock and the benchmarks start from.
pub fn documented_example(doc: &SpecDocument) -> Result<ResponseExample, CatalogueError> {
    response_examples(doc)?
        .into_iter()
        .find(|e| e.is_success() && e.name == DOCUMENTED)
        .ok_or_else(|| {
            shape(
                "/paths",
                format!("no success example is named {DOCUMENTED}"),
            )
        })
}

/// Every example of every response of every operation. A response without any example is not
/// an error here (the lint reports it); it simply yields nothing.
pub fn response_examples(doc: &SpecDocument) -> Result<Vec<ResponseExample>, CatalogueError> {
    let mut out = Vec::new();
    for op in operations(doc)? {
        let responses_pointer = format!("{}/responses", op.pointer);
        let Some(responses) = doc.at(&responses_pointer).and_then(Value::as_object) else {
            return Err(shape(responses_pointer, "operation has no responses"));
        };
        for (status, response) in responses {
            let response_pointer = format!("{responses_pointer}/{}", escape_pointer_token(status));
            let Some(status) = status_code(status) else {
                continue;
            };
            let (response, response_pointer) = doc.resolve(response, &response_pointer)?;
            let Some(content) = response.get("content").and_then(Value::as_object) else {
                continue;
            };
            for (media_type, media) in content {
                let media_pointer = format!(
                    "{response_pointer}/content/{}",
                    escape_pointer_token(media_type)
                );
                let mut push = |name: String, summary: Option<String>, value: Value, pointer| {
                    out.push(ResponseExample {
                        operation_id: op.operation_id.clone(),
                        status,
                        name,
                        summary,
                        media_type: media_type.clone(),
                        value,
                        pointer,
                        media_pointer: media_pointer.clone(),
                    })
                };
                if let Some(value) = media.get("example") {
                    push(
                        "example".to_owned(),
                        None,
                        value.clone(),
                        format!("{media_pointer}/example"),
                    );
                }
                let Some(examples) = media.get("examples").and_then(Value::as_object) else {
                    continue;
                };
                for (name, example) in examples {
                    let example_pointer =
                        format!("{media_pointer}/examples/{}", escape_pointer_token(name));
                    let (example, example_pointer) = doc.resolve(example, &example_pointer)?;
                    let value = example.get("value").cloned().ok_or_else(|| {
                        shape(
                            &example_pointer,
                            "example has no inline value (externalValue is not supported)",
                        )
                    })?;
                    let summary = example
                        .get("summary")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    push(
                        name.clone(),
                        summary,
                        value,
                        format!("{example_pointer}/value"),
                    );
                }
            }
        }
    }
    Ok(out)
}
