//! One call to list participants, addressed by name or by uuid, with its optional query
//! parameters. It wraps the generated builders so that every call goes through the same checks
//! and ends in an [`MpcError`] that knows the status.

use std::cell::RefCell;

use crate::error::MpcError;
use crate::generated::{builder, types::ParticipantList, ResponseValue};
use crate::hooks::{CallNotes, CALL_NOTES, PATH_PLACEHOLDER};

/// The spec's bounds for `limit` (Plivo's list calls: 1 to 20).
pub const MAX_LIMIT: u64 = 20;

#[derive(Debug, Clone)]
enum Addressed<'a> {
    ByName(builder::ListParticipantsByName<'a>),
    ByUuid(builder::ListParticipantsByUuid<'a>),
}

/// A request for one page of participants. Build it with
/// [`crate::MpcClient::list_participants_by_name`] or
/// [`crate::MpcClient::list_participants_by_uuid`], then [`send`](Self::send) it or
/// [`stream`](Self::stream) every participant across pages.
#[derive(Debug, Clone)]
pub struct ListParticipants<'a> {
    addressed: Addressed<'a>,
    /// The name or uuid, when it stands behind [`PATH_PLACEHOLDER`] in the generated builder.
    path_value: Option<String>,
    call_uuid: Option<String>,
    pub(crate) limit: Option<u64>,
    pub(crate) offset: Option<u64>,
}

impl<'a> ListParticipants<'a> {
    pub(crate) fn by_name(builder: builder::ListParticipantsByName<'a>, name: String) -> Self {
        let (value, path_value) = path_value(name);
        Self::new(Addressed::ByName(builder.mpc_name(value)), path_value)
    }

    pub(crate) fn by_uuid(builder: builder::ListParticipantsByUuid<'a>, uuid: String) -> Self {
        let (value, path_value) = path_value(uuid);
        Self::new(Addressed::ByUuid(builder.mpc_uuid(value)), path_value)
    }

    fn new(addressed: Addressed<'a>, path_value: Option<String>) -> Self {
        Self {
            addressed,
            path_value,
            call_uuid: None,
            limit: None,
            offset: None,
        }
    }

    /// Only the participant on this call.
    pub fn call_uuid(mut self, call_uuid: impl Into<String>) -> Self {
        self.call_uuid = Some(call_uuid.into());
        self
    }

    /// Page size, 1 to 20 (Plivo's default is 20). Anything else is refused by `send`.
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// How many participants to skip.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    /// The spec's operationId for this addressing.
    pub fn operation(&self) -> &'static str {
        match self.addressed {
            Addressed::ByName(_) => "listParticipantsByName",
            Addressed::ByUuid(_) => "listParticipantsByUuid",
        }
    }

    /// Sends the request (retried as the client's [`crate::RetryPolicy`] says) and decodes the
    /// page.
    pub async fn send(self) -> Result<ResponseValue<ParticipantList>, MpcError> {
        let operation = self.operation();
        if let Some(limit) = self.limit {
            if !(1..=MAX_LIMIT).contains(&limit) {
                return Err(MpcError::invalid_request(
                    operation,
                    format!("limit must be between 1 and {MAX_LIMIT}, not {limit}"),
                ));
            }
        }
        let call = async {
            macro_rules! send_with_query {
                ($builder:expr) => {{
                    let mut builder = $builder;
                    if let Some(v) = self.call_uuid {
                        builder = builder.call_uuid(v);
                    }
                    if let Some(v) = self.limit {
                        builder = builder.limit(v);
                    }
                    if let Some(v) = self.offset {
                        builder = builder.offset(v);
                    }
                    builder.send().await
                }};
            }
            let result = match self.addressed {
                Addressed::ByName(b) => send_with_query!(b),
                Addressed::ByUuid(b) => send_with_query!(b),
            };
            let last = CALL_NOTES.with(|last| last.borrow().clone());
            (result, last)
        };
        let notes = CallNotes {
            path_value: self.path_value,
            ..CallNotes::default()
        };
        let (result, last) = CALL_NOTES.scope(RefCell::new(notes), call).await;
        match result {
            Ok(value) => Ok(value),
            Err(error) => Err(MpcError::from_generated(operation, error, last).await),
        }
    }
}

/// The value to give the generated builder, and the one the `pre` hook must put in its place.
/// Only a value progenitor cannot encode goes the long way (see [`PATH_PLACEHOLDER`]).
fn path_value(value: String) -> (String, Option<String>) {
    if value.contains('\\') {
        (PATH_PLACEHOLDER.to_owned(), Some(value))
    } else {
        (value, None)
    }
}
