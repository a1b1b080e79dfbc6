//! Plivo's money: a decimal that some bodies write as a JSON string (`"0.00500"`) and others as
//! a JSON number (`0.00500`); see `Amount` in the spec. Both decode, and each is written back in
//! the form it came in: a string keeps its exact text, a number its value.

use std::fmt;

/// An amount of money as Plivo wrote it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Amount(Form);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Form {
    /// A JSON string: its text, exactly.
    Text(String),
    /// A JSON number.
    Number(serde_json::Number),
}

impl Amount {
    /// The decimal as text: a string's own text (`"0.00500"`), or a number as JSON writes it.
    pub fn as_decimal_text(&self) -> std::borrow::Cow<'_, str> {
        match &self.0 {
            Form::Text(text) => text.as_str().into(),
            Form::Number(number) => number.to_string().into(),
        }
    }

    /// Whether the body had a JSON number here rather than a string.
    pub fn was_number(&self) -> bool {
        matches!(self.0, Form::Number(_))
    }

    /// The value as a float, when the text is a number (for display; not for accounting).
    pub fn to_f64(&self) -> Option<f64> {
        match &self.0 {
            Form::Text(text) => text.parse().ok(),
            Form::Number(number) => number.as_f64(),
        }
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_decimal_text())
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Form::Text(text) => write!(f, "Amount({text:?})"),
            Form::Number(number) => write!(f, "Amount({number})"),
        }
    }
}

impl From<&str> for Amount {
    fn from(text: &str) -> Self {
        Self(Form::Text(text.to_owned()))
    }
}

impl serde::Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Form::Text(text) => serializer.serialize_str(text),
            Form::Number(number) => number.serialize(serializer),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount: a decimal in a string, or a number")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Amount, E> {
                // The spec's pattern for the string form: `^[0-9]+(\.[0-9]+)?$`.
                let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
                let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
                if digits(whole) && digits(fraction) {
                    Ok(Amount(Form::Text(text.to_owned())))
                } else {
                    Err(E::custom(format!(
                        "an amount must be a decimal, not {text:?}"
                    )))
                }
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Amount, E> {
                Ok(Amount(Form::Number(n.into())))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Amount, E> {
                Ok(Amount(Form::Number(n.into())))
            }
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Amount, E> {
                serde_json::Number::from_f64(n)
                    .map(|n| Amount(Form::Number(n)))
                    .ok_or_else(|| E::custom("an amount must be a finite number"))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Amount {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Amount".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [
                {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$"},
                {"type": "number", "minimum": 0}
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form_writes_back_as_it_came() {
        for body in [r#""0.00500""#, "0.005", "3", r#""12""#] {
            let amount: Amount = serde_json::from_str(body).unwrap();
            assert_eq!(serde_json::to_string(&amount).unwrap(), body);
        }
        let text: Amount = serde_json::from_str(r#""0.00500""#).unwrap();
        assert_eq!(text.as_decimal_text(), "0.00500");
        assert!(!text.was_number());
        assert_eq!(text.to_f64(), Some(0.005));
        let number: Amount = serde_json::from_str("0.00500").unwrap();
        assert!(number.was_number());
        assert_eq!(number.to_f64(), Some(0.005));
    }

    /// The JSON Schema of `Amount` is the spec's component of that name, both forms
    /// (cargo-mutants: an empty schema went unnoticed by the tests that decode amounts).
    #[cfg(feature = "schemars")]
    #[test]
    fn the_json_schema_is_the_specs() {
        let doc =
            plivo_mpc_conformance::SpecDocument::load(plivo_mpc_conformance::default_spec_path())
                .unwrap();
        let name = <Amount as schemars::JsonSchema>::schema_name();
        let spec = doc
            .at(&format!("/components/schemas/{name}/anyOf"))
            .unwrap_or_else(|| panic!("the spec has no component {name:?} with anyOf"));
        let ours = serde_json::to_value(schemars::schema_for!(Amount)).unwrap();
        assert_eq!(&ours["anyOf"], spec);
    }

    /// `Display` writes the decimal text, a string's exactly (cargo-mutants: a `Display` that
    /// wrote nothing went unnoticed).
    #[test]
    fn display_writes_the_decimal_text() {
        let text: Amount = serde_json::from_str(r#""0.00500""#).unwrap();
        assert_eq!(text.to_string(), "0.00500");
        let number: Amount = serde_json::from_str("0.00500").unwrap();
        assert_eq!(number.to_string(), "0.005");
    }

    #[test]
    fn anything_else_is_refused_by_name() {
        for body in [
            "true", "null", "[]", "{}", r#""""#, r#""1.""#, r#""-1""#, r#""1e3""#,
        ] {
            let error = serde_json::from_str::<Amount>(body).unwrap_err();
            assert!(error.to_string().contains("an amount"), "{body}: {error}");
            assert!(!error.to_string().is_empty());
        }
    }
}
