//! What happens around every request the generated client sends, for every operation, through
//! progenitor's hooks (never by editing generated code): path values put in place and query
//! bounds checked (`pre`), retries and the body limit (`exec`), notes for the error (`post`).

use std::cell::RefCell;
use std::time::Instant;

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;

use crate::body_limit::{read_bounded, ArrayBody, BodyTooLarge};
use crate::generated::{operations, Client};
use crate::path::PathValues;
use crate::retry::{retry_after, Outcome, RetryPolicy};

/// The generated client's inner state: the settings its hooks read.
#[derive(Debug, Clone)]
#[doc(hidden)]
pub struct ClientState {
    pub(crate) retry: RetryPolicy,
    pub(crate) max_body_bytes: u64,
    /// Basic auth (marked sensitive: `Debug` hides it), the user agent and the caller's extra
    /// headers, added by `pre` to every request whatever `reqwest::Client` sends it.
    pub(crate) headers: reqwest::header::HeaderMap,
}

/// Notes shared between one call ([`crate::Call::send`]) and the hooks it runs: the path values
/// to put in place, and what the last response looked like, for the error message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CallNotes {
    pub path_values: PathValues,
    pub status: Option<StatusCode>,
    pub content_type: Option<String>,
    pub attempts: u32,
    pub body_too_large: Option<BodyTooLarge>,
    /// A success answered with a JSON array where the spec has an object.
    pub array_for_object: bool,
}

tokio::task_local! {
    /// Set by [`crate::Call::send`] around one call, so the hooks can read its notes and leave
    /// theirs. Outside such a call (the generated builders used directly) there are none and
    /// nothing is noted.
    pub(crate) static CALL_NOTES: RefCell<CallNotes>;
}

fn note(update: impl FnOnce(&mut CallNotes)) {
    let _ = CALL_NOTES.try_with(|notes| update(&mut notes.borrow_mut()));
}

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        for (name, value) in &self.inner().headers {
            request.headers_mut().insert(name, value.clone());
        }
        let filled = CALL_NOTES
            .try_with(|notes| {
                let notes = notes.borrow();
                (!notes.path_values.is_empty())
                    .then(|| notes.path_values.fill(request.url().path()))
            })
            .ok()
            .flatten();
        if let Some(filled) = filled {
            request.url_mut().set_path(&filled.map_err(Error::Custom)?);
        }
        check_query_bounds(request.url(), info.operation_id).map_err(Error::InvalidRequest)
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let policy = &self.inner().retry;
        let limit = self.inner().max_body_bytes;
        let started = Instant::now();
        let mut attempt: u32 = 1;
        let mut request = Some(request);
        loop {
            // The last attempt the policy allows sends the request itself, uncloned; a request
            // whose body cannot be cloned (a stream) is sent once. (cargo-mutants: `<` read as
            // `<=` cannot matter: the last attempt then sends a clone instead, and
            // `wait_before_retry` stops there all the same, since `attempt >= max_attempts`;
            // the same requests go out. The comparison only saves that clone.)
            let Some(original) = request.as_ref() else {
                unreachable!("the last attempt returns")
            };
            let copy = (attempt < policy.max_attempts)
                .then(|| original.try_clone())
                .flatten();
            let this_try = match copy {
                Some(copy) => copy,
                None => {
                    let last = request.take().expect("present until the last attempt");
                    note(|notes| notes.attempts = attempt);
                    return self.attempt(last, limit).await;
                }
            };
            let result = self.attempt(this_try, limit).await;
            note(|notes| notes.attempts = attempt);
            let outcome = match &result {
                Ok(r) => Outcome::Answered {
                    status: r.status(),
                    retry_after: retry_after(r.headers()),
                },
                Err(e) if e.is_connect() || e.is_body() => Outcome::ConnectionFailed,
                Err(_) => Outcome::OtherFailure,
            };
            let wait = policy.wait_before_retry(outcome, attempt, started.elapsed());
            match &result {
                Ok(r) => tracing::debug!(attempt, status = r.status().as_u16(), "answered"),
                Err(e) => tracing::debug!(attempt, timeout = e.is_timeout(), "no answer"),
            }
            match wait {
                Some(wait) => {
                    tracing::info!(
                        attempt,
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "retrying"
                    );
                    tokio::time::sleep(wait).await;
                    attempt = attempt.saturating_add(1);
                }
                None => return result,
            }
        }
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        let Ok(response) = result else { return Ok(()) };
        note(|notes| {
            notes.content_type = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
        });
        if response.status().is_success()
            && response.extensions().get::<ArrayBody>().is_some()
            && operations::success_is_object(info.operation_id)
        {
            note(|notes| notes.array_for_object = true);
            return Err(Error::Custom(
                "a JSON array where the spec has an object".to_owned(),
            ));
        }
        match response.extensions().get::<BodyTooLarge>() {
            Some(too_large) => {
                note(|notes| notes.body_too_large = Some(*too_large));
                Err(Error::Custom(format!(
                    "the response body is larger than the {} byte limit",
                    too_large.limit
                )))
            }
            None => Ok(()),
        }
    }
}

impl Client {
    /// One request: sent, its status noted before the body is read (so a body that breaks still
    /// has a status), the body read up to `limit`.
    async fn attempt(
        &self,
        request: reqwest::Request,
        limit: u64,
    ) -> reqwest::Result<reqwest::Response> {
        match self.client().execute(request).await {
            Ok(response) => {
                note(|notes| notes.status = Some(response.status()));
                read_bounded(response, limit).await
            }
            Err(e) => {
                note(|notes| notes.status = None);
                Err(e)
            }
        }
    }
}

/// Refuses a query value outside the spec's `minimum`/`maximum` for it (rendered into
/// [`operations::query_bounds`]), naming the parameter and the bounds.
fn check_query_bounds(url: &reqwest::Url, operation_id: &str) -> Result<(), String> {
    let bounds = operations::query_bounds(operation_id);
    if bounds.is_empty() {
        return Ok(());
    }
    for (name, value) in url.query_pairs() {
        let Some((_, minimum, maximum)) = bounds.iter().find(|(n, ..)| *n == name) else {
            continue;
        };
        let Ok(number) = value.parse::<f64>() else {
            continue;
        };
        let below = minimum.is_some_and(|m| number < m);
        let above = maximum.is_some_and(|m| number > m);
        if below || above {
            return Err(format!(
                "{name} must be {}, not {value}",
                range(*minimum, *maximum)
            ));
        }
    }
    Ok(())
}

/// The spec's bounds of query parameter `name` of `operation_id`, in words (`between 1 and 20`).
pub(crate) fn query_range(operation_id: &str, name: &str) -> Option<String> {
    operations::query_bounds(operation_id)
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|(_, minimum, maximum)| range(*minimum, *maximum))
}

fn range(minimum: Option<f64>, maximum: Option<f64>) -> String {
    match (minimum, maximum) {
        (Some(lo), Some(hi)) => format!("between {lo} and {hi}"),
        (Some(lo), None) => format!("at least {lo}"),
        (None, Some(hi)) => format!("at most {hi}"),
        (None, None) => "any number".to_owned(),
    }
}
