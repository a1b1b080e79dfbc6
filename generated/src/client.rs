//! The client people use: credentials in, Basic auth on every request, the auth id filled in.

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, USER_AGENT};

use crate::body_limit::DEFAULT_MAX_BODY_BYTES;
use crate::credentials::{Credentials, CredentialsError};
use crate::generated::Client;
use crate::hooks::ClientState;
use crate::retry::RetryPolicy;

/// Plivo's API host. Every official SDK uses it for voice calls, MPC included.
pub const DEFAULT_BASE_URL: &str = "https://api.plivo.com";

/// Connect timeout unless [`MpcClientBuilder::connect_timeout`] says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Whole-request timeout unless [`MpcClientBuilder::timeout`] says otherwise. A page is at most
/// 20 participants; 30 s leaves room for a slow Plivo without hanging a caller for long.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A client for Plivo's Multi-Party Call API.
///
/// It sends HTTP Basic auth on every request and fills in the `{auth_id}` path parameter. Each
/// operation of the spec is a method (rendered into `generated.rs` by `cargo xtask generate`)
/// that takes the operation's other path values and returns a [`crate::Call`], on which the
/// optional parameters can be set before it is sent, or streamed across pages for a list.
#[derive(Clone)]
pub struct MpcClient {
    inner: Client,
    auth_id: String,
}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    #[error("base URL {url:?} is not usable: {reason}")]
    BaseUrl { url: String, reason: String },
    #[error("the HTTP client could not be built: {0}")]
    Http(#[source] reqwest::Error),
}

impl MpcClient {
    /// A client for `https://api.plivo.com` with default timeouts.
    pub fn new(credentials: Credentials) -> Result<Self, BuildError> {
        Self::builder(credentials).build()
    }

    /// A client from `PLIVO_AUTH_ID` and `PLIVO_AUTH_TOKEN`, for `https://api.plivo.com`.
    pub fn from_env() -> Result<Self, BuildError> {
        Self::new(Credentials::from_env()?)
    }

    /// Starts a client with non-default settings.
    pub fn builder(credentials: Credentials) -> MpcClientBuilder {
        MpcClientBuilder {
            credentials,
            headers: HeaderMap::new(),
            http_client: None,
            proxy: ProxySetting::FromEnvironment,
            base_url: DEFAULT_BASE_URL.to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// The account's AUTH_ID, which fills the `{auth_id}` of every path.
    pub fn auth_id(&self) -> &str {
        &self.auth_id
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        progenitor_client::ClientInfo::baseurl(&self.inner)
    }

    /// The generated client underneath, for calls that need the auth id spelled out. Its calls
    /// are retried too, but their errors are progenitor's, without the notes of
    /// [`crate::MpcError`], and path values with a `\` are not encoded as one segment.
    pub fn generated(&self) -> &Client {
        &self.inner
    }
}

impl fmt::Debug for MpcClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MpcClient")
            .field("base_url", &self.base_url())
            .field("auth_id", &self.auth_id)
            .finish_non_exhaustive()
    }
}

/// Settings for an [`MpcClient`].
#[derive(Debug)]
pub struct MpcClientBuilder {
    credentials: Credentials,
    headers: HeaderMap,
    http_client: Option<reqwest::Client>,
    proxy: ProxySetting,
    base_url: String,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    max_body_bytes: u64,
}

impl MpcClientBuilder {
    /// Where to send requests instead of `https://api.plivo.com`, such as a mock server.
    /// `http://` is accepted only here, when the caller chooses it.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Bound on a whole request, from connecting to the last byte of the body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends every request through `proxy` instead of what the environment says.
    pub fn proxy(mut self, proxy: reqwest::Proxy) -> Self {
        self.proxy = ProxySetting::This(Box::new(proxy));
        self
    }

    /// Ignores `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and the system's proxy settings: every
    /// request goes straight to the base URL. (By default they are honoured, as by `reqwest`.)
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxySetting::None;
        self
    }

    /// When to retry; [`RetryPolicy::disabled`] sends each request once.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The largest response body read; a larger one is an [`crate::ErrorKind::BodyTooLarge`]
    /// error and is never held in memory whole.
    pub fn max_body_bytes(mut self, limit: u64) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Adds `name: value` to every request (a request id, `traceparent`, ...). Basic auth is
    /// set by the client and cannot be replaced this way.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Sends through `client` (a platform's own: its proxies, CAs, pools, middleware) instead of
    /// one built here. Auth and the headers above are still added to every request; the
    /// timeouts, proxy and redirect settings of this builder then do not apply (they are the
    /// client's own; Plivo's API does not redirect, so `reqwest::redirect::Policy::none()` is
    /// the right setting there too).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    pub fn build(self) -> Result<MpcClient, BuildError> {
        let base_url = normalise_base_url(&self.base_url)?;
        let mut headers = self.headers;
        headers.insert(AUTHORIZATION, self.credentials.authorization_header());
        headers
            .entry(USER_AGENT)
            .or_insert(HeaderValue::from_static(concat!(
                "plivo-mpc-rust/",
                env!("CARGO_PKG_VERSION")
            )));
        let state = ClientState {
            retry: self.retry,
            max_body_bytes: self.max_body_bytes,
            headers,
        };
        if let Some(http) = self.http_client {
            return Ok(MpcClient {
                inner: Client::new_with_client(&base_url, http, state),
                auth_id: self.credentials.auth_id().to_owned(),
            });
        }
        // Plivo's API does not redirect: a 3xx is reported as a status the spec does not list,
        // never followed (following would send the auth id and path to wherever it points).
        let mut http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout);
        http = match self.proxy {
            ProxySetting::FromEnvironment => http,
            ProxySetting::None => http.no_proxy(),
            ProxySetting::This(proxy) => http.no_proxy().proxy(*proxy),
        };
        let http = http.build().map_err(BuildError::Http)?;
        Ok(MpcClient {
            inner: Client::new_with_client(&base_url, http, state),
            auth_id: self.credentials.auth_id().to_owned(),
        })
    }
}

/// Which proxy requests go through. Its `Debug` names the choice only: a proxy URL may carry
/// credentials.
enum ProxySetting {
    /// `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY` and the system's settings.
    FromEnvironment,
    None,
    This(Box<reqwest::Proxy>),
}

impl fmt::Debug for ProxySetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::FromEnvironment => "FromEnvironment",
            Self::None => "None",
            Self::This(_) => "This(..)",
        })
    }
}

// The generated client appends `/v1/...` to the base URL as text, so a trailing slash would
// double it; a query or fragment would end up in the middle of the URL.
fn normalise_base_url(url: &str) -> Result<String, BuildError> {
    let refuse = |reason: &str| BuildError::BaseUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| refuse(&e.to_string()))?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err(refuse(
            "the scheme must be https (or http for a local server)",
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(refuse("a base URL cannot carry a query or a fragment"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(refuse("credentials belong in Credentials, not in the URL"));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials::new("MANWVLYTK4ZWU1YTY4QA", "s3cret-token").unwrap()
    }

    #[test]
    fn defaults_to_plivo_over_https() {
        let client = MpcClient::new(creds()).unwrap();
        assert_eq!(client.base_url(), "https://api.plivo.com");
    }

    #[test]
    fn trailing_slashes_do_not_double() {
        let client = MpcClient::builder(creds())
            .base_url("http://127.0.0.1:4010/")
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:4010");
    }

    #[test]
    fn refuses_unusable_base_urls_by_name() {
        for url in [
            "api.plivo.com",
            "ftp://api.plivo.com",
            "https://api.plivo.com/?x=1",
            "https://user:pw@api.plivo.com",
            // Each of these alone is refused (cargo-mutants: `||` read as `&&` went unnoticed
            // while every refused URL had both).
            "https://user@api.plivo.com",
            "https://:pw@api.plivo.com",
            "https://api.plivo.com#top",
        ] {
            let err = MpcClient::builder(creds())
                .base_url(url)
                .build()
                .unwrap_err();
            assert!(err.to_string().contains(url), "{err}");
        }
    }

    /// `Debug` says which client and which proxy setting, never what a proxy URL holds
    /// (cargo-mutants: `Debug` of the client or of the proxy setting printing nothing hid the
    /// token too, and went unnoticed).
    #[test]
    fn debug_shows_the_base_url_the_auth_id_and_the_proxy_choice() {
        let client = MpcClient::new(creds()).unwrap();
        assert_eq!(
            format!("{client:?}"),
            r#"MpcClient { base_url: "https://api.plivo.com", auth_id: "MANWVLYTK4ZWU1YTY4QA", .. }"#
        );
        let proxy = reqwest::Proxy::all("http://someone:pr0xy-secret@127.0.0.1:3128").unwrap();
        for (builder, shown) in [
            (MpcClient::builder(creds()), "proxy: FromEnvironment,"),
            (MpcClient::builder(creds()).no_proxy(), "proxy: None,"),
            (MpcClient::builder(creds()).proxy(proxy), "proxy: This(..),"),
        ] {
            let debug = format!("{builder:?}");
            assert!(debug.contains(shown), "{debug}");
            assert!(!debug.contains("pr0xy-secret"), "{debug}");
        }
    }

    #[test]
    fn debug_never_shows_the_token() {
        let client = MpcClient::new(creds()).unwrap();
        let builder = MpcClient::builder(creds());
        let request = client.list_participants_by_name("x").limit(3);
        for shown in [
            format!("{client:?}"),
            format!("{builder:?}"),
            format!("{:?}", client.generated()),
            format!("{request:?}"),
        ] {
            assert!(!shown.contains("s3cret-token"), "{shown}");
            // base64 of "MANWVLYTK4ZWU1YTY4QA:s3cret-token" starts like this
            assert!(!shown.contains("TUFOV1ZMWVRLNFpXVTFZVFk0UUE6"), "{shown}");
        }
    }
}
