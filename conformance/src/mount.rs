//! Serving the spec's documented responses on wiremock, matched as strictly as Plivo would
//! route them: exact method, the path segment by segment (so a name that needs encoding must
//! arrive as one encoded segment), and HTTP Basic auth.

use percent_encoding::percent_decode_str;
use serde_json::Value;
use wiremock::matchers::{basic_auth, method};
use wiremock::{Match, Mock, Request, ResponseTemplate};

use crate::catalogue::{Operation, ResponseExample};

/// The decoded segments of `template` with each `{name}` replaced by its raw value.
/// `/a/name_{x}/b/` with x = `p/q` gives `["", "a", "name_p/q", "b", ""]`: the trailing slash is
/// the last, empty segment.
pub fn expected_segments(
    template: &str,
    value_of: impl Fn(&str) -> Option<String>,
) -> Result<Vec<String>, String> {
    template
        .split('/')
        .map(|segment| {
            let mut out = String::new();
            let mut rest = segment;
            while let Some(open) = rest.find('{') {
                let close = rest[open..]
                    .find('}')
                    .ok_or_else(|| format!("unclosed {{ in path template {template}"))?;
                let name = &rest[open + 1..open + close];
                out.push_str(&rest[..open]);
                out.push_str(
                    &value_of(name).ok_or_else(|| format!("no value for path parameter {name}"))?,
                );
                rest = &rest[open + close + 1..];
            }
            out.push_str(rest);
            Ok(out)
        })
        .collect()
}

/// The decoded segments of a request path as it arrived.
pub fn received_segments(raw_path: &str) -> Vec<String> {
    raw_path
        .split('/')
        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect()
}

/// Matches a request whose path, split at `/` and percent-decoded segment by segment, equals
/// the expected segments. An unencoded `/` inside a value adds a segment and fails the match.
#[derive(Debug, Clone)]
pub struct PathSegments(pub Vec<String>);

impl Match for PathSegments {
    fn matches(&self, request: &Request) -> bool {
        received_segments(request.url.path()) == self.0
    }
}

/// The Basic auth pair the mock requires.
#[derive(Clone, Copy)]
pub struct BasicAuth<'a> {
    pub user: &'a str,
    pub password: &'a str,
}

/// A mock that answers `example` for `operation` at the given path values, once per request
/// that matches method, path and credentials.
pub fn example_mock(
    operation: &Operation,
    example: &ResponseExample,
    segments: Vec<String>,
    auth: BasicAuth<'_>,
) -> Mock {
    let body = serde_json::to_vec(&example.value).expect("a JSON value always serializes");
    Mock::given(method(operation.method.as_str()))
        .and(PathSegments(segments))
        .and(basic_auth(auth.user, auth.password))
        .respond_with(
            ResponseTemplate::new(example.status).set_body_raw(body, example.media_type.as_str()),
        )
        .named(format!(
            "{} {} answering {} ({})",
            operation.method,
            operation.path_template,
            example.case_name(),
            example.pointer
        ))
}

/// The status the catch-all answers with: not one the spec documents, so the client reports it
/// as unexpected and the test can say which request nobody expected.
pub const UNEXPECTED_REQUEST_STATUS: u16 = 418;

/// Mounted last (lowest priority): any request no other mock matched gets a 418 whose body
/// says so, and the mock's `expect(0)` fails verification with the request listed.
pub fn catch_all() -> Mock {
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(UNEXPECTED_REQUEST_STATUS).set_body_string(
                "conformance: no mock matched this request (method, path segments or Basic auth differ)",
            ),
        )
        .with_priority(u8::MAX)
        .named("catch-all for requests that no documented response matched")
        .expect(0)
}

/// A readable line for a request, for failure messages: method, path and query as received.
pub fn describe(request: &Request) -> String {
    let mut line = format!("{} {}", request.method, request.url.path());
    if let Some(q) = request.url.query() {
        line.push('?');
        line.push_str(q);
    }
    line
}

/// Example values for the path parameters of `operation`, from the spec's own `example`s.
pub fn example_path_value(operation: &Operation, name: &str) -> Option<String> {
    operation
        .path_parameters
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.example.as_ref())
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
}
