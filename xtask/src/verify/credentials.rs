//! The account's credentials, read from the environment and kept out of every output: their
//! `Debug` shows neither value, and [`Credentials::redact`] scrubs both from any text the
//! report would show (Plivo's answers carry the AUTH_ID in `resource_uri`, `meta.next`, ...).

use std::fmt;

/// The variable holding the account's AUTH_ID (the Basic auth user and the `auth_id` path value),
/// as Plivo's SDKs name it.
pub const AUTH_ID_VARIABLE: &str = "PLIVO_AUTH_ID";
/// The variable holding the account's AUTH_TOKEN (the Basic auth password).
pub const AUTH_TOKEN_VARIABLE: &str = "PLIVO_AUTH_TOKEN";

/// What the report shows in place of the AUTH_ID: the spec's own name for the path value.
pub const AUTH_ID_SHOWN: &str = "{auth_id}";
/// What the report shows in place of the AUTH_TOKEN.
pub const AUTH_TOKEN_SHOWN: &str = "{auth_token}";

#[derive(Clone)]
pub struct Credentials {
    auth_id: String,
    auth_token: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("auth_id", &AUTH_ID_SHOWN)
            .field("auth_token", &AUTH_TOKEN_SHOWN)
            .finish()
    }
}

impl Credentials {
    /// Both values must be present and non-empty; the error names the variable, never a value.
    pub fn new(auth_id: String, auth_token: String) -> anyhow::Result<Self> {
        anyhow::ensure!(!auth_id.is_empty(), "{AUTH_ID_VARIABLE} is empty");
        anyhow::ensure!(!auth_token.is_empty(), "{AUTH_TOKEN_VARIABLE} is empty");
        Ok(Self {
            auth_id,
            auth_token,
        })
    }

    /// From the environment (`lookup` is `std::env::var` in the command; tests pass their own).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let read = |name: &str| {
            lookup(name).ok_or_else(|| {
                anyhow::anyhow!(
                    "{name} is not set: `cargo xtask verify` calls the account with \
                     {AUTH_ID_VARIABLE} and {AUTH_TOKEN_VARIABLE}"
                )
            })
        };
        Self::new(read(AUTH_ID_VARIABLE)?, read(AUTH_TOKEN_VARIABLE)?)
    }

    pub fn auth_id(&self) -> &str {
        &self.auth_id
    }

    pub(super) fn auth_token(&self) -> &str {
        &self.auth_token
    }

    /// `text` with every occurrence of either value replaced by its placeholder. The token is
    /// replaced first, so that a token containing the id is not left half-shown.
    pub fn redact(&self, text: &str) -> String {
        text.replace(&self.auth_token, AUTH_TOKEN_SHOWN)
            .replace(&self.auth_id, AUTH_ID_SHOWN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Credentials {
        Credentials::new("MAAAAAAAAAAAAAAAAAAA".into(), "s3cr3t-token".into()).unwrap()
    }

    #[test]
    fn debug_shows_neither_value() {
        let shown = format!("{:?}", example());
        assert!(!shown.contains("MAAAAAAAAAAAAAAAAAAA"), "{shown}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }

    #[test]
    fn redact_replaces_both_values_everywhere() {
        let text = "/v1/Account/MAAAAAAAAAAAAAAAAAAA/x s3cr3t-token MAAAAAAAAAAAAAAAAAAA";
        assert_eq!(
            example().redact(text),
            "/v1/Account/{auth_id}/x {auth_token} {auth_id}"
        );
    }

    #[test]
    fn a_missing_variable_is_named_without_values() {
        let error = Credentials::from_lookup(|name| {
            (name == AUTH_ID_VARIABLE).then(|| "MAAAAAAAAAAAAAAAAAAA".to_owned())
        })
        .unwrap_err()
        .to_string();
        assert!(error.contains(AUTH_TOKEN_VARIABLE), "{error}");
        assert!(!error.contains("MAAAAAAAAAAAAAAAAAAA"), "{error}");
    }

    #[test]
    fn empty_values_are_refused() {
        let error = Credentials::new("MA".into(), String::new()).unwrap_err();
        assert!(error.to_string().contains(AUTH_TOKEN_VARIABLE), "{error}");
    }
}
