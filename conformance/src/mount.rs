//! Serving the spec's documented responses on wiremock, matched as strictly as Plivo would
//! route them: exact method, the path segment by segment (so a name that needs encoding must
//! arrive as one encoded segment), and HTTP Basic auth.

use percent_encoding::percent_decode_str;
use serde_json::Value;
use wiremock::matchers::{basic_auth, method};
use wiremock::{Match, Mock, Request, ResponseTemplate};

use plivo_mpc_spec::catalogue::{Operation, ResponseExample};

/// A path template (`/v1/Account/{auth_id}/MultiPartyCall/name_{mpc_name}/Participant/`) cut
/// into segments, each a literal text or a `prefix{name}suffix` with one parameter. Both the
/// test mocks (which fill it) and the standalone mock (which captures from it) use it, so they
/// cannot disagree on what a path means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    template: String,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Parameter {
        prefix: String,
        name: String,
        suffix: String,
    },
}

impl PathTemplate {
    pub fn parse(template: &str) -> Result<Self, String> {
        let segments = template
            .split('/')
            .map(|segment| match segment.find('{') {
                None => Ok(Segment::Literal(segment.to_owned())),
                Some(open) => {
                    let close = segment
                        .find('}')
                        .filter(|close| *close > open)
                        .ok_or_else(|| format!("unclosed {{ in path template {template}"))?;
                    let suffix = &segment[close + 1..];
                    if suffix.contains('{') {
                        return Err(format!(
                            "two parameters in one segment of {template} cannot be told apart"
                        ));
                    }
                    Ok(Segment::Parameter {
                        prefix: segment[..open].to_owned(),
                        name: segment[open + 1..close].to_owned(),
                        suffix: suffix.to_owned(),
                    })
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            template: template.to_owned(),
            segments,
        })
    }

    /// The decoded segments with each parameter replaced by its raw value. `/a/name_{x}/b/`
    /// with x = `p/q` gives `["", "a", "name_p/q", "b", ""]`: the trailing slash is the last,
    /// empty segment, and the `/` inside the value stays inside its segment.
    pub fn fill(&self, value_of: impl Fn(&str) -> Option<String>) -> Result<Vec<String>, String> {
        self.segments
            .iter()
            .map(|segment| match segment {
                Segment::Literal(text) => Ok(text.clone()),
                Segment::Parameter {
                    prefix,
                    name,
                    suffix,
                } => {
                    let value = value_of(name)
                        .ok_or_else(|| format!("no value for path parameter {name}"))?;
                    Ok(format!("{prefix}{value}{suffix}"))
                }
            })
            .collect()
    }

    /// The parameter values of a raw (percent-encoded) request path, if it has this shape.
    /// Every parameter must be non-empty.
    pub fn capture(&self, raw_path: &str) -> Option<Vec<(String, String)>> {
        let received = received_segments(raw_path);
        if received.len() != self.segments.len() {
            return None;
        }
        let mut values = Vec::new();
        for (segment, got) in self.segments.iter().zip(received) {
            match segment {
                Segment::Literal(text) if *text == got => {}
                Segment::Literal(_) => return None,
                Segment::Parameter {
                    prefix,
                    name,
                    suffix,
                } => {
                    let value = got
                        .strip_prefix(prefix.as_str())?
                        .strip_suffix(suffix.as_str())?;
                    if value.is_empty() {
                        return None;
                    }
                    values.push((name.clone(), value.to_owned()));
                }
            }
        }
        Some(values)
    }

    pub fn as_str(&self) -> &str {
        &self.template
    }
}

/// [`PathTemplate::fill`] for a template given as text.
pub fn expected_segments(
    template: &str,
    value_of: impl Fn(&str) -> Option<String>,
) -> Result<Vec<String>, String> {
    PathTemplate::parse(template)?.fill(value_of)
}

/// Everything but RFC 3986's unreserved characters: the most cautious encoding of a segment.
/// The mock compares decoded segments, so it accepts any correct encoding (the client's own
/// escapes less); this one is for the paths the harness builds itself.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A request path from decoded segments, each percent-encoded on its own.
pub fn encode_segments(segments: &[String]) -> String {
    segments
        .iter()
        .map(|s| percent_encoding::utf8_percent_encode(s, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// The path of `operation` with the spec's example values, encoded: what to put after the host.
pub fn example_path(operation: &Operation) -> Result<String, String> {
    let segments = expected_segments(&operation.path_template, |name| {
        example_path_value(operation, name)
    })?;
    Ok(encode_segments(&segments))
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
    Mock::given(method(operation.method.as_str()))
        .and(PathSegments(segments))
        .and(basic_auth(auth.user, auth.password))
        .respond_with(example_response(example))
        .named(format!(
            "{} {} answering {} ({})",
            operation.method,
            operation.path_template,
            example.case_name(),
            example.pointer
        ))
}

/// The documented response: the example's status, its body, its media type.
pub fn example_response(example: &ResponseExample) -> ResponseTemplate {
    json_response(example.status, &example.value, &example.media_type)
}

pub(crate) fn json_response(status: u16, body: &Value, media_type: &str) -> ResponseTemplate {
    let body = serde_json::to_vec(body).expect("a JSON value always serializes");
    ResponseTemplate::new(status).set_body_raw(body, media_type)
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
