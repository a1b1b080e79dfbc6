//! Every item of any list operation across pages, one page in memory at a time.
//!
//! Pages are requested by `offset`, the offset advancing by what each page held; the page size
//! is the caller's `limit`, or Plivo's default when it is not set, and each page's `meta.limit`
//! says what was applied. `meta.next` is read as a yes/no (it is a relative URL whose form varies
//! across Plivo's APIs, and following a server-given URL could lead anywhere). Pages that
//! contradict themselves or each other stop the stream with an
//! [`ErrorKind::Paging`](crate::ErrorKind::Paging) error instead of looping or skipping items.

use std::collections::VecDeque;

use futures::Stream;
use serde::Serialize;

use crate::call::{Call, Operation};
use crate::error::MpcError;
use crate::generated::types::PageMeta;

/// A list body: `meta` and the items of one page. Implemented by the rendered glue for every
/// body with `meta: PageMeta` and `objects: [...]`.
pub trait Page {
    type Item;
    fn meta(&self) -> &PageMeta;
    fn into_items(self) -> Vec<Self::Item>;
}

/// A list operation: it takes `limit` and `offset`, and answers a [`Page`]. Implemented by the
/// rendered glue; not meant to be implemented elsewhere.
pub trait Paged: Operation + Clone {
    #[doc(hidden)]
    fn at_offset(self, offset: u64) -> Self;
}

struct Pager<B: Paged>
where
    B::Success: Page,
{
    call: Call<B>,
    next: Next,
    buffer: VecDeque<<B::Success as Page>::Item>,
    previous_page: Option<(u64, Vec<u8>)>,
}

/// Which page to ask for next.
#[derive(Debug, Clone, Copy)]
enum Next {
    /// The call as the caller set it up (its own `offset`, or none): the page says where it is.
    First,
    At(u64),
    Done,
}

impl<B> Call<B>
where
    B: Paged,
    B::Success: Page,
    <B::Success as Page>::Item: Serialize,
{
    /// Every item from this call's `offset` (default 0) on, fetched a page of `limit` (default:
    /// Plivo's) at a time. The stream ends after the last page and never asks for a page twice.
    /// It is `Unpin` (boxed once), so `try_next()` works on it as it is.
    pub fn stream(
        self,
    ) -> impl Stream<Item = Result<<B::Success as Page>::Item, MpcError>> + Unpin {
        let pager = Pager {
            call: self,
            next: Next::First,
            buffer: VecDeque::new(),
            previous_page: None,
        };
        Box::pin(futures::stream::try_unfold(pager, |mut pager| async move {
            loop {
                if let Some(item) = pager.buffer.pop_front() {
                    return Ok(Some((item, pager)));
                }
                let (call, asked) = match pager.next {
                    Next::Done => return Ok(None),
                    Next::First => (pager.call.clone(), None),
                    Next::At(offset) => (
                        pager.call.clone().map(|b| b.at_offset(offset)),
                        Some(offset),
                    ),
                };
                let page = call.send().await?.into_inner();
                pager.take(page, asked)?;
            }
        }))
    }
}

impl<B> Pager<B>
where
    B: Paged,
    B::Success: Page,
    <B::Success as Page>::Item: Serialize,
{
    /// Checks `page` (asked for at `asked`, or the first page as set up) and queues its items.
    fn take(&mut self, page: B::Success, asked: Option<u64>) -> Result<(), MpcError> {
        let fail = |why: String| Err(MpcError::paging(B::ID, why));
        let meta = page.meta().clone();
        let offset = meta.offset;
        if let Some(asked) = asked.filter(|asked| *asked != offset) {
            return fail(format!(
                "asked for the page at offset {asked}, got one that says offset {offset}"
            ));
        }
        let items = page.into_items();
        let held = u64::try_from(items.len()).unwrap_or(u64::MAX);
        if held > meta.limit {
            return fail(format!(
                "the page at offset {offset} holds {held} items, more than its limit of {}",
                meta.limit
            ));
        }
        let Some(end) = offset.checked_add(held) else {
            return fail(format!(
                "the page at offset {offset} holds {held} items, past the largest offset"
            ));
        };
        let count = meta.count.or(meta.total_count);
        let more_by_next = meta.next.is_some();
        if let Some(count) = count {
            if end > count {
                return fail(format!(
                    "the page at offset {offset} holds {held} items, beyond the count of {count}"
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
                "the page at offset {offset} is empty but claims more items follow; following \
                 it would loop"
            ));
        }
        // A page is identified by what it holds, written as JSON: two pages that hold the same
        // items in the same order mean the server ignored the offset.
        let fingerprint = serde_json::to_vec(&items).unwrap_or_default();
        if let Some((previous_offset, previous)) = &self.previous_page {
            if held > 0 && *previous == fingerprint {
                return fail(format!(
                    "the pages at offsets {previous_offset} and {offset} hold the same items; \
                     following them would loop"
                ));
            }
        }
        self.next = if held > 0 && more_by_next {
            Next::At(end)
        } else {
            Next::Done
        };
        self.previous_page = Some((offset, fingerprint));
        self.buffer.extend(items);
        Ok(())
    }
}
