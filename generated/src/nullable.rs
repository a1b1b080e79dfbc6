//! A property that may be absent, null or a value, kept apart: `cargo xtask generate` gives this
//! type to every property the spec makes both optional and nullable (xtask/src/nullable.rs), so
//! that a body is written back exactly as it was read.

/// Absent, null, or a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Nullable<T> {
    /// The key was not in the body.
    #[default]
    Absent,
    /// The key was there with `null`.
    Null,
    Value(T),
}

impl<T> Nullable<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// The value, if there is one (absent and null both give `None`).
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }

    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// `Some(v)` is a value and `None` is null (the builders take an `Option` as before).
impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Self::Value)
    }
}

impl<T: serde::Serialize> serde::Serialize for Nullable<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(v) => serializer.serialize_some(v),
            // `Absent` is skipped by the field's `skip_serializing_if`; on its own it is null.
            Self::Null | Self::Absent => serializer.serialize_none(),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Nullable<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Only called when the key is present (an absent key takes the field's `default`).
        Ok(Option::<T>::deserialize(deserializer)?.into())
    }
}

/// `T` or null; whether the key may be absent is the containing object's business.
#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Nullable<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Nullable_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let value = generator.subschema_for::<T>();
        schemars::json_schema!({ "anyOf": [value, { "type": "null" }] })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Holder {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        x: Nullable<String>,
    }

    #[test]
    fn absent_null_and_a_value_each_write_back_as_read() {
        for (body, expected) in [
            ("{}", Nullable::Absent),
            (r#"{"x":null}"#, Nullable::Null),
            (r#"{"x":"a"}"#, Nullable::Value("a".to_owned())),
        ] {
            let holder: Holder = serde_json::from_str(body).unwrap();
            assert_eq!(holder.x, expected, "{body}");
            assert_eq!(serde_json::to_string(&holder).unwrap(), body);
        }
    }

    /// The JSON Schema says `T` or null (cargo-mutants: an empty schema went unnoticed by the
    /// tests that decode bodies).
    #[cfg(feature = "schemars")]
    #[test]
    fn the_json_schema_is_the_value_or_null() {
        let schema = serde_json::to_value(schemars::schema_for!(Nullable<String>)).unwrap();
        assert_eq!(
            schema["anyOf"],
            serde_json::json!([{"type": "string"}, {"type": "null"}])
        );
    }

    /// The value, and only a value, comes out as `Some` (cargo-mutants: `as_option` and
    /// `into_option` always `None` went unnoticed).
    #[test]
    fn only_a_value_is_some() {
        let value = Nullable::Value("a".to_owned());
        assert_eq!(value.as_option().map(String::as_str), Some("a"));
        assert_eq!(value.into_option().as_deref(), Some("a"));
        for nothing in [Nullable::<String>::Absent, Nullable::Null] {
            assert_eq!(nothing.as_option(), None, "{nothing:?}");
            assert_eq!(nothing.clone().into_option(), None, "{nothing:?}");
        }
        assert!(Nullable::<String>::Absent.is_absent());
        assert!(!Nullable::<String>::Null.is_absent());
        assert!(!Nullable::Value(1).is_absent());
    }
}
