//! Every participant across pages, one page in memory at a time.
//!
//! Pages are requested by `offset` and `limit`, the offset advancing by what each page held.
//! `meta.next` is read as a yes/no (it is a relative URL whose form varies across Plivo's APIs,
//! and following a server-given URL could lead anywhere). Pages that contradict themselves or
//! each other stop the stream with an [`ErrorKind::Paging`](crate::ErrorKind::Paging) error
//! instead of looping or skipping participants.

use std::collections::VecDeque;

use futures::Stream;

use crate::error::MpcError;
use crate::generated::types::{Participant, ParticipantList};
use crate::request::{ListParticipants, MAX_LIMIT};

struct Pager<'a> {
    request: ListParticipants<'a>,
    page_size: u64,
    next_offset: Option<u64>,
    buffer: VecDeque<Participant>,
    previous_page: Option<(u64, Vec<String>)>,
}

impl<'a> ListParticipants<'a> {
    /// Every participant from this request's offset (default 0) on, fetched a page of `limit`
    /// (default 20) at a time. The stream ends after the last page and never asks for a page
    /// twice.
    pub fn stream(self) -> impl Stream<Item = Result<Participant, MpcError>> + 'a {
        let pager = Pager {
            page_size: self.limit.unwrap_or(MAX_LIMIT),
            next_offset: Some(self.offset.unwrap_or(0)),
            request: self,
            buffer: VecDeque::new(),
            previous_page: None,
        };
        futures::stream::try_unfold(pager, |mut pager| async move {
            loop {
                if let Some(participant) = pager.buffer.pop_front() {
                    return Ok(Some((participant, pager)));
                }
                let Some(offset) = pager.next_offset else {
                    return Ok(None);
                };
                let page = pager
                    .request
                    .clone()
                    .limit(pager.page_size)
                    .offset(offset)
                    .send()
                    .await?
                    .into_inner();
                pager.take(page, offset)?;
            }
        })
    }
}

impl Pager<'_> {
    fn take(&mut self, page: ParticipantList, offset: u64) -> Result<(), MpcError> {
        let operation = self.request.operation();
        let fail = |why: String| Err(MpcError::paging(operation, why));
        let meta = &page.meta;
        let held = page.objects.len() as u64;
        let end = offset + held;
        if meta.offset != offset {
            return fail(format!(
                "asked for the page at offset {offset}, got one that says offset {}",
                meta.offset
            ));
        }
        if held > self.page_size {
            return fail(format!(
                "asked for at most {} participants, the page at offset {offset} holds {held}",
                self.page_size
            ));
        }
        let ids: Vec<String> = page
            .objects
            .iter()
            .map(|p| p.member_id.to_string())
            .collect();
        if let Some((previous_offset, previous_ids)) = &self.previous_page {
            if held > 0 && *previous_ids == ids {
                return fail(format!(
                    "the pages at offsets {previous_offset} and {offset} hold the same \
                     participants; following them would loop"
                ));
            }
        }
        let count = meta.count.or(meta.total_count);
        let more_by_next = meta.next.is_some();
        if let Some(count) = count {
            if end > count {
                return fail(format!(
                    "the page at offset {offset} holds {held} participants, beyond the count of {count}"
                ));
            }
            let more_by_count = end < count;
            if more_by_count != more_by_next && held > 0 {
                return fail(format!(
                    "the page at offset {offset} says next is {} but the count of {count} says \
                     {} remain",
                    if more_by_next { "set" } else { "null" },
                    count - end
                ));
            }
        }
        if held == 0 && (more_by_next || count.is_some_and(|c| c > offset)) {
            return fail(format!(
                "the page at offset {offset} is empty but claims more participants follow; \
                 following it would loop"
            ));
        }
        self.next_offset = (held > 0 && more_by_next).then_some(end);
        self.previous_page = Some((offset, ids));
        self.buffer.extend(page.objects);
        Ok(())
    }
}
