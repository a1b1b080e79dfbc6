//! AUTH_ID and AUTH_TOKEN: checked before any request, and the token never printed.

use std::fmt;

use base64::Engine as _;
use reqwest::header::HeaderValue;

/// The environment variables Plivo's own SDKs read.
pub const AUTH_ID_VAR: &str = "PLIVO_AUTH_ID";
pub const AUTH_TOKEN_VAR: &str = "PLIVO_AUTH_TOKEN";

/// A Plivo account's AUTH_ID and AUTH_TOKEN.
///
/// `Debug` shows the auth id and hides the token:
///
/// ```
/// let creds = plivo_mpc::Credentials::new("MANWVLYTK4ZWU1YTY4QA", "s3cret-token").unwrap();
/// let shown = format!("{creds:?}");
/// assert!(shown.contains("MANWVLYTK4ZWU1YTY4QA"));
/// assert!(!shown.contains("s3cret-token"));
/// ```
#[derive(Clone)]
pub struct Credentials {
    auth_id: String,
    auth_token: String,
}

/// Why credentials were refused. Never contains the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    #[error("the {0} is empty")]
    Empty(Part),
    #[error(
        "the {part} contains {found}, which cannot be sent in an HTTP header \
         (only visible ASCII is allowed)"
    )]
    NotVisibleAscii { part: Part, found: &'static str },
    #[error(
        "the auth id may hold only ASCII letters and digits (Plivo's are MA or SA and 18 more); \
         it is also a path segment, where {found} would change the path"
    )]
    AuthIdNotAlphanumeric { found: &'static str },
    #[error("environment variable {0} is not set (Plivo's SDKs read {AUTH_ID_VAR} and {AUTH_TOKEN_VAR})")]
    MissingVariable(&'static str),
    #[error("environment variable {0} is not valid Unicode")]
    NotUnicode(&'static str),
}

/// Which half of the credentials a [`CredentialsError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    AuthId,
    AuthToken,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::AuthId => "auth id",
            Part::AuthToken => "auth token",
        })
    }
}

impl Credentials {
    /// Checks both parts and keeps them. A value that could not travel in an HTTP header (a
    /// control character such as CR or LF, or non-ASCII text) is refused here, before any request.
    pub fn new(
        auth_id: impl Into<String>,
        auth_token: impl Into<String>,
    ) -> Result<Self, CredentialsError> {
        let auth_id = auth_id.into();
        let auth_token = auth_token.into();
        check(&auth_id, Part::AuthId)?;
        check(&auth_token, Part::AuthToken)?;
        if let Some(c) = auth_id.chars().find(|c| !c.is_ascii_alphanumeric()) {
            let found = match c {
                ':' => "':' (it would also split the Basic auth user from the password)",
                '/' | '\\' => "a slash",
                '.' => "a dot",
                _ => "a punctuation character",
            };
            return Err(CredentialsError::AuthIdNotAlphanumeric { found });
        }
        Ok(Self {
            auth_id,
            auth_token,
        })
    }

    /// Reads `PLIVO_AUTH_ID` and `PLIVO_AUTH_TOKEN`, as Plivo's SDKs do.
    pub fn from_env() -> Result<Self, CredentialsError> {
        let read = |name: &'static str| match std::env::var(name) {
            Ok(value) => Ok(value),
            Err(std::env::VarError::NotPresent) => Err(CredentialsError::MissingVariable(name)),
            Err(std::env::VarError::NotUnicode(_)) => Err(CredentialsError::NotUnicode(name)),
        };
        Self::new(read(AUTH_ID_VAR)?, read(AUTH_TOKEN_VAR)?)
    }

    /// The AUTH_ID: the Basic auth user and the `{auth_id}` of every path.
    pub fn auth_id(&self) -> &str {
        &self.auth_id
    }

    /// The `Authorization` header value, marked sensitive so that `http`'s `Debug` hides it.
    pub(crate) fn authorization_header(&self) -> HeaderValue {
        let encoded = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.auth_id, self.auth_token));
        let mut value = HeaderValue::try_from(format!("Basic {encoded}"))
            .expect("base64 text is always a valid header value");
        value.set_sensitive(true);
        value
    }
}

fn check(value: &str, part: Part) -> Result<(), CredentialsError> {
    if value.is_empty() {
        return Err(CredentialsError::Empty(part));
    }
    if let Some(c) = value.chars().find(|c| !c.is_ascii_graphic()) {
        let found = match c {
            '\r' => "a carriage return (CR)",
            '\n' => "a line feed (LF)",
            ' ' => "a space",
            c if c.is_control() => "a control character",
            _ => "non-ASCII text",
        };
        return Err(CredentialsError::NotVisibleAscii { part, found });
    }
    Ok(())
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("auth_id", &self.auth_id)
            .field("auth_token", &"<redacted>")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_header_injection_before_any_request() {
        for (id, token) in [
            ("MA\r\nX-Evil: 1", "s3cr3t"),
            ("MA", "s3cr\n3t"),
            ("MA", "s3cr\r3t"),
            ("MA", "s3cr\x003t"),
        ] {
            let err = Credentials::new(id, token).unwrap_err();
            assert!(
                matches!(err, CredentialsError::NotVisibleAscii { .. }),
                "{err:?}"
            );
            assert!(
                !err.to_string().contains("s3cr"),
                "token leaked into: {err}"
            );
        }
    }

    #[test]
    fn refuses_empty_parts_and_an_id_that_is_not_alphanumeric() {
        assert_eq!(
            Credentials::new("", "t").unwrap_err(),
            CredentialsError::Empty(Part::AuthId)
        );
        assert_eq!(
            Credentials::new("MA", "").unwrap_err(),
            CredentialsError::Empty(Part::AuthToken)
        );
        for id in ["MA:x", "..", "MA/x", "MA\\x", "MA-x"] {
            assert!(
                matches!(
                    Credentials::new(id, "t").unwrap_err(),
                    CredentialsError::AuthIdNotAlphanumeric { .. }
                ),
                "{id}"
            );
        }
    }

    /// A refusal says what it found, and in which part (cargo-mutants: the CR, LF and space
    /// arms, the control-character guard and `Part`'s names could all go, since only the kind
    /// of refusal was asserted). DEL and a tab are control characters, `é` is neither control
    /// nor ASCII.
    #[test]
    fn a_refusal_names_what_it_found_and_in_which_part() {
        for (token, found) in [
            ("a\rb", "a carriage return (CR)"),
            ("a\nb", "a line feed (LF)"),
            ("a b", "a space"),
            ("a\tb", "a control character"),
            ("a\x7fb", "a control character"),
            ("a\u{e9}b", "non-ASCII text"),
        ] {
            assert_eq!(
                Credentials::new("MA", token).unwrap_err(),
                CredentialsError::NotVisibleAscii {
                    part: Part::AuthToken,
                    found
                },
                "{token:?}"
            );
        }
        assert_eq!(
            Credentials::new("", "t").unwrap_err().to_string(),
            "the auth id is empty"
        );
        assert_eq!(
            Credentials::new("MA", "").unwrap_err().to_string(),
            "the auth token is empty"
        );
    }

    /// `Debug` shows the auth id and a placeholder for the token (cargo-mutants: a `Debug` that
    /// printed nothing hid the token too, and went unnoticed).
    #[test]
    fn debug_shows_the_auth_id_and_redacts_the_token() {
        let creds = Credentials::new("MANWVLYTK4ZWU1YTY4QA", "s3cret").unwrap();
        assert_eq!(
            format!("{creds:?}"),
            r#"Credentials { auth_id: "MANWVLYTK4ZWU1YTY4QA", auth_token: "<redacted>" }"#
        );
    }

    #[test]
    fn builds_the_basic_auth_header_and_hides_it() {
        let creds = Credentials::new("MANWVLYTK4ZWU1YTY4QA", "s3cret").unwrap();
        let header = creds.authorization_header();
        assert!(header.is_sensitive());
        // RFC 7617: base64 of "user:password".
        assert_eq!(
            header.to_str().unwrap(),
            "Basic TUFOV1ZMWVRLNFpXVTFZVFk0UUE6czNjcmV0"
        );
        assert!(!format!("{header:?}").contains("TUFO"));
        assert!(!format!("{creds:?}").contains("s3cret"));
    }
}
