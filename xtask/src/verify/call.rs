//! Calling the service: one blocking request per operation, with Basic auth, no redirects (a
//! redirect is an answer the spec does not document, so it is reported, and the credentials are
//! never sent on to another host), a timeout, and a cap on the body read.

use std::io::Read as _;
use std::time::Duration;

use anyhow::Context as _;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::blocking::Client;
use serde_json::Value;

use super::check::Answer;
use super::credentials::Credentials;

/// The most bytes of an answer read: Plivo's pages hold at most 20 objects, so a body past this
/// is not an answer to check.
pub const MAX_BODY_BYTES: u64 = 8 * 1024 * 1024;

/// What a path value may contain unencoded: RFC 3986's unreserved characters. Everything else,
/// `/` included, is percent-encoded so that a value stays one path segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub struct Caller {
    http: Client,
    base_url: String,
    credentials: Credentials,
}

impl Caller {
    /// `base_url` must be an http(s) URL; a path in it (the mock's `/__example/NAME`) is kept.
    pub fn new(
        base_url: &str,
        credentials: Credentials,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        let parsed = reqwest::Url::parse(base_url)
            .with_context(|| format!("--base-url {base_url:?} is not a URL"))?;
        anyhow::ensure!(
            matches!(parsed.scheme(), "http" | "https"),
            "--base-url {base_url:?}: only http and https URLs can be called"
        );
        let http = Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!(
                "plivo-mpc-xtask-verify/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .context("cannot build the HTTP client")?;
        Ok(Self {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            credentials,
        })
    }

    /// Sends `method` to `path` (already filled in, see [`fill_path`]) with `body` as JSON.
    pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> anyhow::Result<Answer> {
        let method = reqwest::Method::from_bytes(method.as_bytes())
            .with_context(|| format!("{method:?} is not an HTTP method"))?;
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base_url))
            .basic_auth(
                self.credentials.auth_id(),
                Some(self.credentials.auth_token()),
            );
        if let Some(body) = body {
            request = request.json(body);
        }
        // `without_url`: the URL holds the AUTH_ID; the report is redacted as well, but an
        // error should not need it.
        let response = request.send().map_err(|e| e.without_url())?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut body = Vec::new();
        response
            .take(MAX_BODY_BYTES + 1)
            .read_to_end(&mut body)
            .context("reading the answer")?;
        anyhow::ensure!(
            body.len() as u64 <= MAX_BODY_BYTES,
            "the answer ({status}) is longer than {MAX_BODY_BYTES} bytes; not read further"
        );
        Ok(Answer {
            status,
            content_type,
            body,
        })
    }
}

/// `template` with each `{name}` replaced by its value, percent-encoded as one path segment;
/// `Err(name)` for the first parameter without a value.
pub fn fill_path<'a>(
    template: &str,
    value_of: impl Fn(&str) -> Option<&'a str>,
) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        let value = value_of(name).ok_or_else(|| name.to_owned())?;
        out.push_str(&rest[..open]);
        out.extend(utf8_percent_encode(value, PATH_SEGMENT));
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_one_encoded_segment_each() {
        let filled = fill_path("/a/{x}/name_{y}/", |name| match name {
            "x" => Some("MA1"),
            "y" => Some("a b/c?ü"),
            _ => None,
        });
        assert_eq!(filled.unwrap(), "/a/MA1/name_a%20b%2Fc%3F%C3%BC/");
    }

    #[test]
    fn a_missing_value_is_named() {
        assert_eq!(
            fill_path("/a/{x}/{y}", |n| (n == "x").then_some("1")),
            Err("y".into())
        );
    }

    #[test]
    fn only_http_urls_are_called() {
        let credentials = Credentials::new("MA".into(), "t".into()).unwrap();
        let error = Caller::new("ftp://127.0.0.1/", credentials, Duration::from_secs(1))
            .err()
            .unwrap();
        assert!(error.to_string().contains("--base-url"), "{error}");
    }
}
