//! What happens around every request the generated client sends, through progenitor's hooks
//! (never by editing generated code): retries with backoff, a bound on the body size, and a note
//! of the last response for error messages.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{HeaderMap, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use reqwest::StatusCode;

use crate::generated::Client;

/// When and how often a request is tried again.
///
/// The list call is idempotent, so it is retried on a 5xx (as Plivo's SDKs do, twice), on 429
/// (waiting as long as `Retry-After` says, when that fits the budget), and on a connection that
/// failed or broke mid-body. Never on another 4xx, and never on a timeout (the time is spent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included. 1 switches retrying off.
    pub max_attempts: u32,
    /// Backoff ceiling before the first retry; it doubles each retry, up to `max_backoff`. The
    /// actual wait is drawn uniformly below the ceiling ("full jitter") so that many clients
    /// retrying together spread out.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// No retry starts once this much time has passed since the first attempt, and no wait
    /// (including a `Retry-After`) may end past it.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts (Plivo's SDKs: the first and two retries), 250 ms doubling to 4 s, 30 s in all.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(4),
            max_elapsed: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// One attempt only.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)))
            .min(self.max_backoff);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// The largest body read unless [`crate::MpcClientBuilder::max_body_bytes`] says otherwise. A
/// full page of 20 participants is about 12 KiB; 4 MiB leaves room for growth and still stops a
/// runaway response from filling memory.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 4 * 1024 * 1024;

/// The generated client's inner state: the settings its hooks read.
#[derive(Debug, Clone)]
pub struct ClientState {
    pub(crate) retry: RetryPolicy,
    pub(crate) max_body_bytes: u64,
}

/// Notes shared between one call ([`crate::ListParticipants::send`]) and the hooks it runs: the
/// MPC name or uuid to put in the path (see [`PATH_PLACEHOLDER`]) and what the last response
/// looked like, for the error message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CallNotes {
    pub path_value: Option<String>,
    pub status: Option<StatusCode>,
    pub content_type: Option<String>,
    pub attempts: u32,
    pub body_too_large: Option<BodyTooLarge>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BodyTooLarge {
    pub limit: u64,
    /// The Content-Length, when the server announced one.
    pub announced: Option<u64>,
}

/// Stands in for an MPC name or uuid that progenitor 0.15.1 cannot encode (one containing `\`):
/// its `encode_path` leaves `\` as it is, and the URL parser then reads it as `/`, splitting the
/// segment. The generated code builds the URL around this placeholder (letters and digits, which
/// nothing changes), and [`ClientHooks::pre`] puts the value in, encoded by [`encode_path_segment`].
pub(crate) const PATH_PLACEHOLDER: &str = "plivompcpathvalue0placeholder";

/// Characters escaped in one path segment (RFC 3986 `segment`, and `\`, which URL parsers
/// read as a separator).
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// `value` percent-encoded as one path segment: every character that could end the segment,
/// start a query or fragment, or be read as a separator is escaped.
pub fn encode_path_segment(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, SEGMENT).to_string()
}

tokio::task_local! {
    /// Set by [`crate::ListParticipants::send`] around one call, so the hooks can read its notes
    /// and leave theirs. Outside such a call (the generated builders used directly) there are
    /// none and nothing is noted.
    pub(crate) static CALL_NOTES: RefCell<CallNotes>;
}

fn note(update: impl FnOnce(&mut CallNotes)) {
    let _ = CALL_NOTES.try_with(|last| update(&mut last.borrow_mut()));
}

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        let value = CALL_NOTES
            .try_with(|notes| notes.borrow().path_value.clone())
            .ok()
            .flatten();
        if let Some(value) = value {
            let path = request.url().path();
            if !path.contains(PATH_PLACEHOLDER) {
                return Err(Error::Custom(
                    "internal: the path placeholder is missing from the URL".to_owned(),
                ));
            }
            let path = path.replacen(PATH_PLACEHOLDER, &encode_path_segment(&value), 1);
            request.url_mut().set_path(&path);
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let policy = &self.inner().retry;
        let limit = self.inner().max_body_bytes;
        let started = Instant::now();
        let mut attempt = 1;
        let mut request = Some(request);
        loop {
            // A GET has no body, so it can always be cloned; anything that cannot is sent once.
            // The last attempt the policy allows sends the request itself, uncloned.
            let Some(original) = request.as_ref() else {
                unreachable!("the last attempt returns")
            };
            let this_try = if attempt >= policy.max_attempts {
                request.take().expect("present until the last attempt")
            } else {
                match original.try_clone() {
                    Some(copy) => copy,
                    None => {
                        let original = request.take().expect("present");
                        return self.client().execute(original).await;
                    }
                }
            };
            let outcome = match self.client().execute(this_try).await {
                Ok(response) => {
                    // Noted before the body is read, so a body that breaks still has a status.
                    note(|last| last.status = Some(response.status()));
                    read_bounded(response, limit).await
                }
                Err(e) => {
                    note(|last| last.status = None);
                    Err(e)
                }
            };
            note(|last| last.attempts = attempt);
            let wait = match &outcome {
                Ok(r) if r.status() == StatusCode::TOO_MANY_REQUESTS => {
                    Some(retry_after(r.headers()).unwrap_or_else(|| policy.backoff(attempt)))
                }
                Ok(r) if r.status().is_server_error() => Some(policy.backoff(attempt)),
                Err(e) if e.is_connect() || e.is_body() => Some(policy.backoff(attempt)),
                _ => None,
            };
            match wait {
                Some(wait)
                    if attempt < policy.max_attempts
                        && started.elapsed() + wait <= policy.max_elapsed =>
                {
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                _ => return outcome,
            }
        }
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        let Ok(response) = result else { return Ok(()) };
        note(|last| {
            last.content_type = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
        });
        match response.extensions().get::<BodyTooLarge>() {
            Some(too_large) => {
                note(|last| last.body_too_large = Some(*too_large));
                Err(Error::Custom(format!(
                    "the response body is larger than the {} byte limit",
                    too_large.limit
                )))
            }
            None => Ok(()),
        }
    }
}

/// `Retry-After` as delay-seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

/// Reads the whole body, but no more than `limit` bytes, and hands it on as a response the
/// generated code can decode. Past the limit the body is dropped and the response is marked, so
/// that [`ClientHooks::post`] turns it into an error; memory stays bounded either way.
async fn read_bounded(
    mut response: reqwest::Response,
    limit: u64,
) -> reqwest::Result<reqwest::Response> {
    let announced = response
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // A body that arrives in one chunk (a page usually does) is kept as it came, uncopied.
    let mut first: Option<bytes::Bytes> = None;
    let mut body = Vec::new();
    let mut read = 0u64;
    let mut too_large = announced.is_some_and(|n| n > limit);
    while !too_large {
        let Some(chunk) = response.chunk().await? else {
            break;
        };
        read += chunk.len() as u64;
        if read > limit {
            too_large = true;
        } else if let Some(earlier) = first.take() {
            body.extend_from_slice(&earlier);
            body.extend_from_slice(&chunk);
        } else if body.is_empty() {
            first = Some(chunk);
        } else {
            body.extend_from_slice(&chunk);
        }
    }
    let body = match (too_large, first) {
        (true, _) => bytes::Bytes::new(),
        (false, Some(only)) => only,
        (false, None) => bytes::Bytes::from(body),
    };
    // Built with the response's own URL: `reqwest::Response::from` would otherwise parse a
    // placeholder URL (with IDNA processing) for every response.
    use reqwest::ResponseBuilderExt as _;
    let mut rebuilt = http::Response::builder()
        .status(response.status())
        .version(response.version())
        .url(response.url().clone())
        .body(body)
        .expect("status and version come from a valid response");
    *rebuilt.headers_mut() = std::mem::take(response.headers_mut());
    if too_large {
        rebuilt
            .extensions_mut()
            .insert(BodyTooLarge { limit, announced });
    }
    Ok(reqwest::Response::from(rebuilt))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_below_a_doubling_ceiling() {
        let policy = RetryPolicy::default();
        for _ in 0..200 {
            assert!(policy.backoff(1) <= Duration::from_millis(250));
            assert!(policy.backoff(2) <= Duration::from_millis(500));
            assert!(policy.backoff(10) <= Duration::from_secs(4));
        }
    }

    #[test]
    fn backoff_has_jitter() {
        let policy = RetryPolicy::default();
        let draws: std::collections::BTreeSet<_> = (0..20).map(|_| policy.backoff(3)).collect();
        assert!(draws.len() > 10, "{draws:?}");
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        let soon = std::time::SystemTime::now() + Duration::from_secs(120);
        headers.insert(RETRY_AFTER, httpdate::fmt_http_date(soon).parse().unwrap());
        let wait = retry_after(&headers).unwrap();
        assert!(
            wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }
}
