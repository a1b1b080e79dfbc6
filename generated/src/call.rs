//! One call of any operation: the generated builder, with the auth id and path values filled in
//! by the client, sent with the same retries, encoding and errors whatever the operation.
//!
//! `MpcClient::<operation>(..)` (rendered per operation by `cargo xtask generate`) returns a
//! [`Call`]; its setters (also rendered) forward to progenitor's builder, and [`Call::send`] is
//! the one generic way to run it.

use std::cell::RefCell;
use std::future::Future;

use serde::de::DeserializeOwned;

use crate::error::MpcError;
use crate::generated::types::ErrorResponse;
use crate::generated::{Error, ResponseValue};
use crate::hooks::{CallNotes, CALL_NOTES};
use crate::path::{DotSegment, PathValues};

/// An operation of the spec, as progenitor generated it. Implemented (by the rendered glue) for
/// every builder in [`crate::generated::builder`]; not meant to be implemented elsewhere.
pub trait Operation: Sized {
    /// The body of a success answer.
    type Success: DeserializeOwned + Send + 'static;
    /// The spec's operationId, which errors name.
    const ID: &'static str;
    /// progenitor's own `send`.
    #[doc(hidden)]
    fn send_generated(
        self,
    ) -> impl Future<Output = Result<ResponseValue<Self::Success>, Error<ErrorResponse>>> + Send;
}

/// A request for one operation, ready to [`send`](Self::send). Build it from
/// [`crate::MpcClient`]'s method for the operation and set its optional parameters with the
/// setters of the same names as the spec's.
#[derive(Debug, Clone)]
pub struct Call<B> {
    builder: B,
    path_values: PathValues,
    /// A path value no request can carry, refused by `send`.
    refused: Option<String>,
}

impl<B> Call<B> {
    pub(crate) fn new(builder: B) -> Self {
        Self {
            builder,
            path_values: PathValues::default(),
            refused: None,
        }
    }

    /// The builder, the path values and the refusal, for the paging stream to keep apart.
    pub(crate) fn into_parts(self) -> (B, PathValues, Option<String>) {
        (self.builder, self.path_values, self.refused)
    }

    pub(crate) fn from_parts(builder: B, path_values: PathValues, refused: Option<String>) -> Self {
        Self {
            builder,
            path_values,
            refused,
        }
    }

    /// Applies a setter of the generated builder.
    pub(crate) fn map(self, set: impl FnOnce(B) -> B) -> Self {
        Self {
            builder: set(self.builder),
            path_values: self.path_values,
            refused: self.refused,
        }
    }

    /// The text to hand progenitor for a path value: the value itself, or a placeholder that the
    /// `pre` hook replaces with the value encoded (see [`PathValues`]). A value that no URL can
    /// carry is noted, and `send` refuses the call.
    pub(crate) fn path_value(mut self, value: String, whole_segment: bool) -> (Self, String) {
        match self.path_values.hand_over(value, whole_segment) {
            Ok(text) => (self, text),
            Err(DotSegment(value)) => {
                self.refused.get_or_insert(format!(
                    "the path value {value:?} is a dot-segment, which a URL resolves away \
                     (the request would address another resource)"
                ));
                (self, "refused".to_owned())
            }
        }
    }
}

impl<B: Operation> Call<B> {
    /// The spec's operationId of this call.
    pub fn operation(&self) -> &'static str {
        B::ID
    }

    /// Sends the request (retried as the client's [`crate::RetryPolicy`] says) and decodes the
    /// answer. Every failure is an [`MpcError`] naming the operation, with the status and the
    /// number of attempts.
    pub async fn send(self) -> Result<ResponseValue<B::Success>, MpcError> {
        if let Some(why) = self.refused {
            return Err(MpcError::invalid_request(B::ID, why));
        }
        let notes = CallNotes {
            path_values: self.path_values,
            ..CallNotes::default()
        };
        let call = async {
            let result = self.builder.send_generated().await;
            // The notes are read only for an error: taken, not cloned, and only then.
            let notes = match &result {
                Ok(_) => CallNotes::default(),
                Err(_) => CALL_NOTES.with(|notes| notes.take()),
            };
            (result, notes)
        };
        // One span per call: its events (each attempt, each retry) name the operation. Nothing
        // in them carries a credential: no headers, no URL (which holds only the auth id).
        let span = tracing::debug_span!("plivo_mpc::call", operation = B::ID);
        let (result, notes) =
            tracing::Instrument::instrument(CALL_NOTES.scope(RefCell::new(notes), call), span)
                .await;
        match result {
            Ok(value) => Ok(value),
            Err(error) => Err(MpcError::from_generated::<B::Success>(B::ID, error, notes).await),
        }
    }
}
