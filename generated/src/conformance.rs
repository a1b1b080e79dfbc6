//! What the conformance suite needs to call any operation by its operationId with JSON values
//! (`call_by_operation_id`, rendered per operation): only with `--features conformance`, never
//! part of the client's API.

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::ResponseValue;

/// A success answer, as the suite compares and reviews it.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: reqwest::StatusCode,
    /// The typed value, pretty-printed with `{:#?}`: what a snapshot shows.
    pub debug: String,
    /// The typed value written back as JSON.
    pub json: serde_json::Value,
}

/// A success answer as the suite reviews it.
pub fn answer<T: Debug + Serialize>(value: &ResponseValue<T>) -> Answer {
    Answer {
        status: value.status(),
        debug: format!("{:#?}", &**value),
        json: serde_json::to_value(&**value)
            .unwrap_or_else(|e| serde_json::Value::String(format!("<does not serialize: {e}>"))),
    }
}

pub(crate) fn from_json<T: DeserializeOwned>(
    name: &str,
    value: &serde_json::Value,
) -> Result<T, String> {
    serde_json::from_value(value.clone()).map_err(|e| format!("{name}={value}: {e}"))
}

pub(crate) fn path_value(path: &[(&str, String)], name: &str) -> Result<String, String> {
    path.iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.clone())
        .ok_or_else(|| format!("no value for path parameter {name}"))
}
