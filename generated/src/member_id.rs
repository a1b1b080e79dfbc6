//! A participant's member id: the spec's `MemberId` component, a string of ASCII digits.
//!
//! Hand-written instead of generated (`REPLACEMENTS` in xtask/src/generate.rs) because the
//! generated newtype checks its `pattern` with a regular-expression engine and copies the text
//! twice; that was a third of the instructions a list call spends above a bare reqwest client
//! (conformance/bench/NOTES.md). This type accepts exactly the texts the spec's pattern
//! `^[0-9]+$` matches: the conformance suite compares its schema with the spec's and its
//! verdicts with a JSON Schema validator's on the spec's own pattern
//! (conformance/tests/member_id.rs).

use std::fmt;
use std::str::FromStr;

/// A participant's member id within its MPC, as Plivo writes it: one or more ASCII digits
/// (`"229"`). Kept as text: nothing says it fits a machine integer.
///
/// ```
/// use plivo_mpc::MemberId;
///
/// let id: MemberId = "229".parse().unwrap();
/// assert_eq!(id.as_str(), "229");
/// assert!("22a".parse::<MemberId>().is_err());
/// ```
#[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
pub struct MemberId(String);

impl MemberId {
    /// The digits, as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A text that is not a member id (one or more ASCII digits). Names the first byte that is
/// not a digit, not the text, which can be of any size.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MemberIdError {
    #[error("a member id is one or more ASCII digits (pattern ^[0-9]+$); got an empty string")]
    Empty,
    #[error(
        "a member id is one or more ASCII digits (pattern ^[0-9]+$); got {found:?} at byte {at}"
    )]
    NotADigit { at: usize, found: char },
}

fn check(text: &str) -> Result<(), MemberIdError> {
    if text.is_empty() {
        return Err(MemberIdError::Empty);
    }
    match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, found)) => Err(MemberIdError::NotADigit { at, found }),
        None => Ok(()),
    }
}

impl FromStr for MemberId {
    type Err = MemberIdError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        check(text)?;
        Ok(Self(text.to_owned()))
    }
}

impl TryFrom<&str> for MemberId {
    type Error = MemberIdError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl TryFrom<String> for MemberId {
    type Error = MemberIdError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        check(&text)?;
        Ok(Self(text))
    }
}

/// Derefs to the `String`, as the generated newtypes do (`*participant.member_id` is the
/// text).
impl std::ops::Deref for MemberId {
    type Target = String;

    fn deref(&self) -> &String {
        &self.0
    }
}

impl AsRef<str> for MemberId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<MemberId> for String {
    fn from(value: MemberId) -> Self {
        value.0
    }
}

impl fmt::Display for MemberId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for MemberId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for MemberId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Checked where the deserializer holds the text, then copied once (or, for an owned
        // string, not copied at all).
        deserializer.deserialize_string(MemberIdVisitor)
    }
}

struct MemberIdVisitor;

impl serde::de::Visitor<'_> for MemberIdVisitor {
    type Value = MemberId;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        // What serde's own string visitor says, so a wrong type reads as it did before.
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<MemberId, E> {
        text.parse().map_err(E::custom)
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<MemberId, E> {
        MemberId::try_from(text).map_err(E::custom)
    }
}

/// The schema of the spec's `MemberId` component, so that the conformance suite can compare it.
#[cfg(feature = "schemars")]
impl schemars::JsonSchema for MemberId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "MemberId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]+$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_a_member_id_and_anything_else_is_refused_with_where() {
        for text in ["0", "229", "00", "18446744073709551616123"] {
            let id: MemberId = text.parse().unwrap();
            assert_eq!(id.as_str(), text);
            assert_eq!(id.to_string(), text);
            assert_eq!(MemberId::try_from(text.to_owned()).unwrap(), id);
        }
        assert_eq!("".parse::<MemberId>(), Err(MemberIdError::Empty));
        for (text, at, found) in [
            ("22a", 2, 'a'),
            (" 1", 0, ' '),
            ("1\n", 1, '\n'),
            ("-1", 0, '-'),
            ("1\u{0663}", 1, '\u{0663}'), // ARABIC-INDIC DIGIT THREE: a digit, not ASCII
        ] {
            assert_eq!(
                text.parse::<MemberId>(),
                Err(MemberIdError::NotADigit { at, found }),
                "{text:?}"
            );
        }
    }

    /// Every way out gives the digits as sent (cargo-mutants: `Deref`, `AsRef` and
    /// `From<MemberId> for String` returning other text went unnoticed).
    #[test]
    fn every_view_of_the_text_is_the_digits_as_sent() {
        let id: MemberId = "229".parse().unwrap();
        assert_eq!(*id, "229");
        assert_eq!(AsRef::<str>::as_ref(&id), "229");
        assert_eq!(String::from(id), "229");
    }

    #[test]
    fn decodes_from_borrowed_and_owned_text_and_writes_back_the_same() {
        let id: MemberId = serde_json::from_str(r#""209""#).unwrap();
        assert_eq!(id.as_str(), "209");
        // An escape makes serde_json hand over an owned string.
        let id: MemberId = serde_json::from_str(r#""2\u0030""#).unwrap();
        assert_eq!(id.as_str(), "20");
        assert_eq!(serde_json::to_string(&id).unwrap(), r#""20""#);
        let error = serde_json::from_str::<MemberId>(r#""2 9""#).unwrap_err();
        assert!(error.to_string().contains("got ' ' at byte 1"), "{error}");
        let error = serde_json::from_str::<MemberId>("209").unwrap_err();
        assert!(error.to_string().contains("expected a string"), "{error}");
    }
}
