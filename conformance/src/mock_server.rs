//! A mock of Plivo built from the spec: `cargo xtask mock` serves it standalone, and its own
//! tests drive it over HTTP.
//!
//! It is the same machinery the replay suite mounts: the operations and examples come from
//! [`crate::catalogue`], paths are read with [`PathTemplate`], and bodies are built by
//! [`crate::mount::example_response`]. The replay suite mounts one strict mock per example
//! (so a wrong request fails the test); this serves every example behind one router that
//! answers the way Plivo does:
//!
//! - an unknown path is 404 and a known path with another method is 405, with Plivo's error body;
//! - Basic auth is required, with the user equal to the path's `auth_id`, else 401;
//! - query parameters are checked against their schemas, and unknown ones refused, else 400
//!   naming the parameter;
//! - a request body is checked against the operation's `requestBody` schema, else 400 naming
//!   the field;
//! - the `documented` example is the default answer (else the success example that comes first
//!   by status, then by name: the spec's own order is not kept by the JSON reading);
//!   `Prefer: code=404` or `Prefer: example=NAME` (Prism's convention) picks another, and an
//!   unknown name is a 400 listing the names there are. A client that cannot send a header
//!   can put `/__example/NAME` before the path instead;
//! - `GET /__mock/requests` hands back the requests it saw since the last such call (method,
//!   path, query, the headers that matter, body) and forgets them; it keeps at most
//!   [`RECORDED_REQUESTS`] of them, so memory stays flat however long it runs.

use std::collections::VecDeque;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use serde_json::{json, Value};
use wiremock::Request;

use crate::http_server::{self, Serving};

use crate::mount::{self, PathTemplate};
use plivo_mpc_spec::catalogue::{self, CatalogueError, Operation, ResponseExample};
use plivo_mpc_spec::document::SpecDocument;
use plivo_mpc_spec::json_schema;

/// The example served when the request does not ask for one.
pub const DEFAULT_EXAMPLE: &str = plivo_mpc_spec::catalogue::DOCUMENTED;

/// The most requests the mock remembers for `GET /__mock/requests`; older ones are dropped.
pub const RECORDED_REQUESTS: usize = 1000;

/// The most bytes of a request body it remembers.
const RECORDED_BODY_BYTES: usize = 64 * 1024;

/// The path that hands back the recorded requests.
pub const REQUESTS_PATH: &str = "/__mock/requests";

/// The path prefix that selects an example: `/__example/NAME/v1/...`.
pub const EXAMPLE_PREFIX: &str = "/__example/";

/// What the mock answered, and why (for the request log and for tests).
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    /// The example served (`documented`), or the rule that answered (`unknown path`).
    pub reason: String,
    pub allow: Option<String>,
}

/// The router: every operation of the spec with its path template, and every example.
#[derive(Debug, Clone)]
pub struct SpecMock {
    routes: Vec<(Operation, PathTemplate)>,
    examples: Vec<ResponseExample>,
    document: Value,
    log_requests: bool,
    recorded: Arc<Mutex<Recorded>>,
}

#[derive(Debug, Default)]
struct Recorded {
    requests: VecDeque<Value>,
    dropped: u64,
}

impl SpecMock {
    pub fn from_document(doc: &SpecDocument) -> Result<Self, CatalogueError> {
        let routes = catalogue::operations(doc)?
            .into_iter()
            .map(|op| {
                let template = PathTemplate::parse(&op.path_template).map_err(|message| {
                    CatalogueError::Shape {
                        pointer: op.pointer.clone(),
                        message,
                    }
                })?;
                Ok((op, template))
            })
            .collect::<Result<_, CatalogueError>>()?;
        Ok(Self {
            routes,
            examples: catalogue::response_examples(doc)?,
            document: doc.root().clone(),
            log_requests: false,
            recorded: Arc::default(),
        })
    }

    /// Print one line per request on stdout: method, path, status and the example served.
    pub fn log_requests(mut self, on: bool) -> Self {
        self.log_requests = on;
        self
    }

    /// The answer to `request`, as Plivo would give it (or the recorded requests, for
    /// [`REQUESTS_PATH`]).
    pub fn answer(&self, request: &Request) -> Answer {
        if request.url.path() == REQUESTS_PATH {
            return self.hand_back_recorded();
        }
        let (example, raw_path) = match request.url.path().strip_prefix(EXAMPLE_PREFIX) {
            Some(rest) => match rest.split_once('/') {
                Some((name, path)) => (Some(name.to_owned()), format!("/{path}")),
                None => (Some(rest.to_owned()), "/".to_owned()),
            },
            None => (None, request.url.path().to_owned()),
        };
        self.record(request, &raw_path, example.as_deref());
        self.answer_at(request, &raw_path, example)
    }

    fn answer_at(&self, request: &Request, raw_path: &str, example: Option<String>) -> Answer {
        let matching: Vec<_> = self
            .routes
            .iter()
            .filter_map(|(op, template)| template.capture(raw_path).map(|values| (op, values)))
            .collect();
        if matching.is_empty() {
            return self.error(404, None, "not found", "unknown path");
        }
        let Some((op, values)) = matching
            .iter()
            .find(|(op, _)| op.method == request.method.as_str())
        else {
            let op = matching[0].0;
            let mut answer = self.error(405, Some(op), "method not allowed", "wrong method");
            let mut methods: Vec<&str> =
                matching.iter().map(|(op, _)| op.method.as_str()).collect();
            methods.dedup();
            answer.allow = Some(methods.join(", "));
            return answer;
        };
        let auth_id = values
            .iter()
            .find(|(name, _)| name == "auth_id")
            .map(|(_, v)| v.as_str());
        if let Err(reason) = check_basic_auth(request, auth_id) {
            return self.error(
                401,
                Some(op),
                "authentication credentials were not provided",
                reason,
            );
        }
        if let Err(message) = self.check_query(op, request) {
            return self.error(400, Some(op), &message, "invalid query parameter");
        }
        if let Err(message) = self.check_body(op, request) {
            return self.error(400, Some(op), &message, "invalid request body");
        }
        self.select_example(op, request, example)
    }

    /// The body against the operation's `requestBody`: present when required, JSON, and
    /// valid against the schema (the first violation is named with its field).
    fn check_body(&self, op: &Operation, request: &Request) -> Result<(), String> {
        let Some(body) = &op.request_body else {
            return Ok(());
        };
        if request.body.is_empty() {
            return if body.required {
                Err("this call needs a request body".to_owned())
            } else {
                Ok(())
            };
        }
        let value: Value = serde_json::from_slice(&request.body)
            .map_err(|e| format!("the request body is not JSON: {e}"))?;
        let violations = json_schema::violations(&body.schema, &self.document, &value)
            .map_err(|e| format!("request body: {e}"))?;
        match violations.first() {
            Some((at, message)) => Err(format!("request body at {at}: {message}")),
            None => Ok(()),
        }
    }

    fn record(&self, request: &Request, path: &str, example: Option<&str>) {
        let header = |name: &str| {
            request
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let body = &request.body[..request.body.len().min(RECORDED_BODY_BYTES)];
        let entry = json!({
            "method": request.method.as_str(),
            "path": path,
            "query": request.url.query(),
            "example": example,
            "authorization": header("authorization"),
            "content_type": header("content-type"),
            "prefer": header("prefer"),
            "user_agent": header("user-agent"),
            "body": String::from_utf8_lossy(body),
        });
        let mut recorded = self.recorded.lock().unwrap_or_else(|e| e.into_inner());
        if recorded.requests.len() == RECORDED_REQUESTS {
            recorded.requests.pop_front();
            recorded.dropped = recorded.dropped.saturating_add(1);
        }
        recorded.requests.push_back(entry);
    }

    fn hand_back_recorded(&self) -> Answer {
        let mut recorded = self.recorded.lock().unwrap_or_else(|e| e.into_inner());
        let requests: Vec<Value> = recorded.requests.drain(..).collect();
        let dropped = std::mem::take(&mut recorded.dropped);
        Answer {
            status: 200,
            body: json!({ "requests": requests, "dropped": dropped }),
            reason: "recorded requests".to_owned(),
            allow: None,
        }
    }

    fn check_query(&self, op: &Operation, request: &Request) -> Result<(), String> {
        let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        // Stricter than Plivo may be (its docs do not say what it does with unknown
        // parameters): a mock that ignored a misspelt `limt` would hide the client's bug.
        if let Some((unknown, _)) = pairs
            .iter()
            .find(|(name, _)| !op.query_parameters.iter().any(|p| p.name == *name))
        {
            let known: Vec<&str> = op
                .query_parameters
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            return Err(format!(
                "{unknown:?} is not a query parameter of this call (it takes {})",
                known.join(", ")
            ));
        }
        for parameter in &op.query_parameters {
            let given: Vec<&String> = pairs
                .iter()
                .filter(|(n, _)| *n == parameter.name)
                .map(|(_, v)| v)
                .collect();
            // (cargo-mutants: the guard read as `false` cannot matter with this spec, which
            // has no required query parameter; it is kept for one that is added.)
            let text = match given.as_slice() {
                [] if parameter.required => return Err(format!("{} is required", parameter.name)),
                [] => continue,
                [one] => one.as_str(),
                _ => return Err(format!("{} is given more than once", parameter.name)),
            };
            let value = typed_query_value(&parameter.schema, text)
                .map_err(|expected| format!("{}={text:?}: expected {expected}", parameter.name))?;
            let violations = json_schema::violations(&parameter.schema, &self.document, &value)
                .map_err(|e| format!("{}: {e}", parameter.name))?;
            if let Some((_, message)) = violations.first() {
                return Err(format!("{}={text:?}: {message}", parameter.name));
            }
        }
        Ok(())
    }

    fn select_example(&self, op: &Operation, request: &Request, example: Option<String>) -> Answer {
        let mut prefer = match parse_prefer(request) {
            Ok(prefer) => prefer,
            Err(message) => return self.error(400, Some(op), &message, "invalid Prefer"),
        };
        if example.is_some() {
            prefer.example = example;
        }
        let candidates: Vec<&ResponseExample> = self
            .examples
            .iter()
            .filter(|e| e.operation_id == op.operation_id)
            .collect();
        let chosen = match (&prefer.example, prefer.code) {
            (Some(name), code) => candidates
                .iter()
                .find(|e| e.name == *name && code.is_none_or(|c| c == e.status)),
            (None, Some(code)) => candidates.iter().find(|e| e.status == code),
            (None, None) => candidates
                .iter()
                .find(|e| e.name == DEFAULT_EXAMPLE)
                .or_else(|| candidates.iter().find(|e| e.is_success())),
        };
        let no_content = (prefer.example.is_none()
            && prefer.code.is_none_or(|c| Some(c) == op.success_status))
        .then_some(op.success_status)
        .flatten()
        .filter(|_| candidates.iter().all(|e| !e.is_success()));
        if let (None, Some(status)) = (chosen, no_content) {
            // A success without a body (`204`): nothing to pick.
            return Answer {
                status,
                body: Value::Null,
                reason: format!("{status} without a body"),
                allow: None,
            };
        }
        match chosen {
            Some(example) => Answer {
                status: example.status,
                body: example.value.clone(),
                reason: format!("example {}", example.case_name()),
                allow: None,
            },
            None => {
                let names: Vec<String> = candidates.iter().map(|e| e.case_name()).collect();
                let message = format!(
                    "Prefer: no example {}{} for {}; there are: {}",
                    prefer
                        .example
                        .as_deref()
                        .map(|n| format!("named {:?}", shortened(n)))
                        .unwrap_or_default(),
                    prefer
                        .code
                        .map(|c| format!(" with status {c}"))
                        .unwrap_or_default(),
                    op.operation_id,
                    names.join(", ")
                );
                self.error(400, Some(op), message.trim(), "unknown example")
            }
        }
    }

    /// Plivo's error body for `status`: the spec's own example for that status, with the
    /// message replaced when the mock has something more precise to say.
    fn error(&self, status: u16, op: Option<&Operation>, message: &str, reason: &str) -> Answer {
        // The operation's own example first. (cargo-mutants: another operation's, `==` read as
        // `!=`, cannot matter with this spec: each error status has one example, the same for
        // every operation.)
        let documented = self
            .examples
            .iter()
            .filter(|e| op.is_none_or(|op| e.operation_id == op.operation_id))
            .find(|e| e.status == status);
        // (cargo-mutants: the guard read as `false`, the message put into every example,
        // cannot matter with this spec: the mock's message for a 401, 404 or 405 is the error
        // text of the spec's own example, and a 413 has no example.)
        let body = match documented {
            Some(example) if status != 400 => example.value.clone(),
            Some(example) => {
                let mut body = example.value.clone();
                body["error"] = json!(message);
                body
            }
            None => json!({ "error": message }),
        };
        Answer {
            status,
            body,
            reason: reason.to_owned(),
            allow: None,
        }
    }
}

impl SpecMock {
    /// Prints one line for `request` and its answer, when logging is on.
    pub fn log(&self, request: &Request, answer: &Answer) {
        if self.log_requests {
            println!(
                "{} -> {} ({})",
                mount::describe(request),
                answer.status,
                answer.reason
            );
        }
    }

    /// Plivo's error body for a request the server refuses before the mock sees it.
    pub fn refusal(&self, status: u16, message: &str, reason: &str) -> Answer {
        self.error(status, None, message, reason)
    }
}

/// Serves the spec on `listener` until the returned server is dropped (see
/// [`crate::http_server`]: memory stays flat however long it runs).
pub async fn start(
    doc: &SpecDocument,
    listener: TcpListener,
    log_requests: bool,
) -> Result<Serving, CatalogueError> {
    start_with(
        doc,
        listener,
        log_requests,
        http_server::DEFAULT_HEADER_READ_TIMEOUT,
    )
    .await
}

/// [`start`] with another header-read timeout (`plivo-mpc-mock --header-read-timeout`).
pub async fn start_with(
    doc: &SpecDocument,
    listener: TcpListener,
    log_requests: bool,
    header_read_timeout: std::time::Duration,
) -> Result<Serving, CatalogueError> {
    let mock = SpecMock::from_document(doc)?.log_requests(log_requests);
    http_server::serve_with(mock, listener, header_read_timeout).map_err(|e| {
        CatalogueError::Shape {
            pointer: "/".to_owned(),
            message: format!("cannot serve: {e}"),
        }
    })
}

fn check_basic_auth(request: &Request, auth_id: Option<&str>) -> Result<(), &'static str> {
    let header = request
        .headers
        .get("authorization")
        .ok_or("no Authorization header")?;
    // The scheme is case-insensitive (RFC 9110 section 11.1): `basic` is Basic.
    let encoded = header
        .to_str()
        .ok()
        .and_then(|h| h.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .map(|(_, rest)| rest)
        .ok_or("Authorization is not Basic")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or("Basic credentials are not base64 of user:password")?;
    let (user, password) = decoded
        .split_once(':')
        .ok_or("Basic credentials lack a ':'")?;
    if password.is_empty() {
        return Err("empty auth token");
    }
    match auth_id {
        Some(id) if id == user => Ok(()),
        Some(_) => Err("Basic auth user is not the path's auth_id"),
        None => Ok(()),
    }
}

/// A query value read as its schema's type: `"20"` is the integer 20 for `type: integer`.
fn typed_query_value(schema: &Value, text: &str) -> Result<Value, &'static str> {
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => {
            let digits = text.strip_prefix('-').unwrap_or(text);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err("an integer");
            }
            // The spec sets no upper bound on `offset`; an integer past 64 bits is still an
            // integer, compared with the bounds as a float, and one past the largest float
            // (309 digits or more) as the largest float of its sign.
            Ok(text
                .parse::<i64>()
                .map(Value::from)
                .or_else(|_| text.parse::<u64>().map(Value::from))
                .unwrap_or_else(|_| {
                    let approx = text.parse::<f64>().unwrap_or(f64::INFINITY);
                    let finite = if approx.is_finite() {
                        approx
                    } else if text.starts_with('-') {
                        f64::MIN
                    } else {
                        f64::MAX
                    };
                    Value::from(finite)
                }))
        }
        Some("number") => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or("a number"),
        Some("boolean") => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err("true or false"),
        },
        _ => Ok(Value::String(text.to_owned())),
    }
}

#[derive(Debug, Default)]
struct Prefer {
    code: Option<u16>,
    example: Option<String>,
}

/// `Prefer: code=404, example=not_found` (Prism's convention; `;` works as a separator too). A
/// code that is not an HTTP status is an error naming it, not silently ignored.
fn parse_prefer(request: &Request) -> Result<Prefer, String> {
    let mut prefer = Prefer::default();
    for header in request.headers.get_all("prefer") {
        let Ok(text) = header.to_str() else { continue };
        for part in text.split([',', ';']) {
            match part.trim().split_once('=') {
                Some(("code", v)) => {
                    let v = v.trim();
                    prefer.code = Some(
                        v.parse::<u16>()
                            .ok()
                            .filter(|c| (100..=599).contains(c))
                            .ok_or_else(|| {
                                format!("Prefer: code={} is not an HTTP status", shortened(v))
                            })?,
                    );
                }
                Some(("example", v)) => {
                    prefer.example = Some(v.trim().trim_matches('"').to_owned())
                }
                _ => {}
            }
        }
    }
    Ok(prefer)
}

/// At most 64 characters of a value a client sent, for a message (a 50 KB name is not echoed).
fn shortened(value: &str) -> String {
    const SHOWN: usize = 64;
    match value.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}...", &value[..cut]),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A query value is typed as its schema says before the bounds are checked: numbers and
    /// booleans too, although this spec's query parameters are only integers and strings
    /// (cargo-mutants: deleting the `number` or the `boolean` arm went unnoticed, as no request
    /// could reach them).
    #[test]
    fn query_values_are_typed_by_their_schema() {
        let number = json!({"type": "number"});
        assert_eq!(typed_query_value(&number, "2.5"), Ok(json!(2.5)));
        assert_eq!(typed_query_value(&number, "two"), Err("a number"));
        let boolean = json!({"type": "boolean"});
        assert_eq!(typed_query_value(&boolean, "true"), Ok(json!(true)));
        assert_eq!(typed_query_value(&boolean, "false"), Ok(json!(false)));
        assert_eq!(typed_query_value(&boolean, "yes"), Err("true or false"));
        let string = json!({"type": "string"});
        assert_eq!(typed_query_value(&string, "true"), Ok(json!("true")));
    }
}
