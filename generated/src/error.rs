//! One error type for every way a call can fail, carrying the HTTP status when there was one and
//! a message a person can act on. Never the token: requests are not kept, only what came back.

use std::fmt;

use reqwest::StatusCode;

use crate::generated::types::ErrorResponse;
use crate::hooks::CallNotes;

/// What went wrong, by what the caller can do about it.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Plivo answered a documented error status with its error body.
    Api(ErrorResponse),
    /// A documented status whose body does not decode as the spec says (truncated or non-JSON
    /// text, a field of the wrong type, a required key missing, an empty body).
    UndecodableBody,
    /// A status the spec does not list.
    UnexpectedStatus,
    /// The body was larger than the configured limit.
    BodyTooLarge,
    /// No complete answer within the request timeout.
    Timeout,
    /// The connection could not be made or broke before the answer was complete.
    Connection,
    /// The request was refused before it was sent (a parameter out of range).
    InvalidRequest,
    /// Pages that contradict each other; following them could loop or skip items.
    Paging,
}

/// A failed call.
#[derive(Debug)]
pub struct MpcError {
    kind: ErrorKind,
    operation: &'static str,
    status: Option<StatusCode>,
    attempts: u32,
    message: String,
    /// The underlying error (reqwest's, without its URL; serde_json's), for `source()`.
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

/// How much of an unreadable body an error quotes.
const BODY_EXCERPT_CHARS: usize = 200;

impl MpcError {
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The HTTP status of the (last) response, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// Plivo's error body, for a documented error status.
    pub fn api_error(&self) -> Option<&ErrorResponse> {
        match &self.kind {
            ErrorKind::Api(body) => Some(body),
            _ => None,
        }
    }

    /// How many requests were sent for this call (more than one when it was retried).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The operationId of the call that failed.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    pub(crate) fn invalid_request(operation: &'static str, message: String) -> Self {
        Self {
            kind: ErrorKind::InvalidRequest,
            operation,
            status: None,
            attempts: 0,
            message,
            source: None,
        }
    }

    pub(crate) fn paging(operation: &'static str, message: String) -> Self {
        Self {
            kind: ErrorKind::Paging,
            operation,
            status: None,
            attempts: 0,
            message,
            source: None,
        }
    }

    /// Translates the generated client's error, using what the hooks noted about the response.
    pub(crate) async fn from_generated<T: serde::de::DeserializeOwned>(
        operation: &'static str,
        error: progenitor_client::Error<ErrorResponse>,
        last: CallNotes,
    ) -> Self {
        use progenitor_client::Error as E;
        let status = error.status().or(last.status);
        let mut source: Option<Box<dyn std::error::Error + Send + Sync + 'static>> = None;
        let said = |status: Option<StatusCode>| match status {
            Some(s) => format!("Plivo answered {s}"),
            None => "Plivo's answer".to_owned(),
        };
        let (kind, message) = match error {
            E::ErrorResponse(value) => {
                let body = value.into_inner();
                let message = match &body.api_id {
                    Some(id) => format!("{}: {} (api_id {id})", said(status), body.error),
                    None => format!("{}: {}", said(status), body.error),
                };
                (ErrorKind::Api(body), message)
            }
            E::InvalidResponsePayload(bytes, e) => {
                let success = status.is_some_and(|s| s.is_success());
                let what = if success { "a body" } else { "an error body" };
                // serde_json says where in the text; the field path says where in the data.
                let described = match if success {
                    field_path::<T>(&bytes)
                } else {
                    field_path::<ErrorResponse>(&bytes)
                } {
                    Some(path) => format!("at {path}: {e}"),
                    None => e.to_string(),
                };
                source = Some(Box::new(e));
                let e = described;
                let content_type = last
                    .content_type
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_else(|| " (no content type)".to_owned());
                (
                    ErrorKind::UndecodableBody,
                    format!(
                        "{} with {what}{content_type} that does not fit the spec: {e}; {}",
                        said(status),
                        excerpt(&bytes)
                    ),
                )
            }
            E::UnexpectedResponse(response) => {
                let status = response.status();
                let bytes = response.bytes().await.unwrap_or_default();
                (
                    ErrorKind::UnexpectedStatus,
                    format!(
                        "{}, a status the spec does not list for this call; {}",
                        said(Some(status)),
                        excerpt(&bytes)
                    ),
                )
            }
            E::Custom(_) if last.array_for_object => (
                ErrorKind::UndecodableBody,
                format!(
                    "{} with a JSON array where the spec has an object (serde would read the \
                     array's items as the fields, in order)",
                    said(status)
                ),
            ),
            // Besides the two notes, only the `pre` hook's "path value missing" is a Custom error
            // (a URL not built as expected), reported as an invalid request. (cargo-mutants: a
            // guard `last.body_too_large.is_some()` read as `true` here went unnoticed, as no
            // test can make that URL; matching the note itself leaves nothing to mutate.)
            E::Custom(message) => match last.body_too_large {
                Some(limit) => {
                    let announced = limit
                        .announced
                        .map(|n| format!(" (Content-Length {n})"))
                        .unwrap_or_default();
                    (
                        ErrorKind::BodyTooLarge,
                        format!(
                            "{} with a body over the {} byte limit{announced}; raise \
                             MpcClientBuilder::max_body_bytes if such pages are expected",
                            said(status),
                            limit.limit
                        ),
                    )
                }
                None => (ErrorKind::InvalidRequest, message),
            },
            E::CommunicationError(e) | E::ResponseBodyError(e) | E::InvalidUpgrade(e) => {
                // The URL would repeat what the caller asked for, and may carry values the
                // caller keeps out of logs.
                let e = e.without_url();
                let described = chain(&e);
                let timeout = e.is_timeout();
                source = Some(Box::new(e));
                if timeout {
                    (
                        ErrorKind::Timeout,
                        format!(
                            "no complete answer within the timeout; the call is safe to repeat, \
                             or raise MpcClientBuilder::timeout ({described})"
                        ),
                    )
                } else {
                    (
                        ErrorKind::Connection,
                        format!(
                            "the connection failed or broke before the answer was complete: \
                             {described}"
                        ),
                    )
                }
            }
            E::InvalidRequest(message) => (ErrorKind::InvalidRequest, refused(operation, message)),
        };
        Self {
            kind,
            operation,
            status,
            attempts: last.attempts,
            message,
            source,
        }
    }
}

/// progenitor's "conversion to `NonZeroU64` for limit failed", in the spec's terms where it has
/// bounds for that parameter ("limit must be between 1 and 20").
fn refused(operation: &str, message: String) -> String {
    let parameter = message
        .strip_prefix("conversion to ")
        .and_then(|rest| rest.strip_suffix(" failed"))
        .and_then(|rest| rest.rsplit_once(" for "))
        .map(|(_, name)| name);
    match parameter.and_then(|name| Some((name, crate::hooks::query_range(operation, name)?))) {
        Some((name, range)) => format!("{name} must be {range}"),
        None => message,
    }
}

/// The path of the field where decoding fails (`objects[1].member_id`), if it is inside the body.
fn field_path<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Option<String> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => None,
        Err(e) => Some(e.path().to_string()).filter(|p| p != "."),
    }
}

/// An error's message followed by its sources' (`a: b: c`).
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn excerpt(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "the body is empty".to_owned();
    }
    let text = String::from_utf8_lossy(bytes);
    let cut: String = text.chars().take(BODY_EXCERPT_CHARS).collect();
    let more = if cut.len() < text.len() { "..." } else { "" };
    format!("{} byte body begins {cut:?}{more}", bytes.len())
}

impl fmt::Display for MpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.operation, self.message)?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for MpcError {
    /// reqwest's error (without its URL) for a connection or timeout, serde_json's for a body
    /// that does not decode.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
