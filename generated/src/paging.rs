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

use crate::call::{Call, Operation};
use crate::error::MpcError;
use crate::generated::types::PageMeta;
use crate::generated::Client;
use crate::path::PathValues;

/// A list body: `meta` and the items of one page. Implemented by the rendered glue for every
/// body with `meta: PageMeta` and `objects: [...]`.
pub trait Page {
    type Item;
    fn meta(&self) -> &PageMeta;
    fn into_items(self) -> Vec<Self::Item>;
}

/// A list operation: it takes `limit` and `offset`, and answers a [`Page`]. Implemented by the
/// rendered glue; not meant to be implemented elsewhere.
pub trait Paged: Operation {
    /// This builder's parameters without its client (rendered beside progenitor's builder).
    #[doc(hidden)]
    type Detached: Detached<Success = Self::Success>;
    #[doc(hidden)]
    fn at_offset(self, offset: u64) -> Self;
    /// The client (cloned: a few reference counts and the base URL) and the parameters.
    #[doc(hidden)]
    fn detach(self) -> (Client, Self::Detached);
}

/// A list builder's parameters without the client it borrows: what lets the stream own what it
/// needs. Implemented by the rendered glue; not meant to be implemented elsewhere.
#[doc(hidden)]
pub trait Detached: Clone + Send + Sync + 'static {
    type Success: Page + Send + 'static;
    type Builder<'c>: Paged<Success = Self::Success> + Send;
    fn attach(self, client: &Client) -> Self::Builder<'_>;
}

/// The item of the pages of detached parameters `D`.
type ItemOf<D> = <<D as Detached>::Success as Page>::Item;

struct Pager<D: Detached> {
    operation: &'static str,
    client: Client,
    parameters: D,
    path_values: PathValues,
    refused: Option<String>,
    next: Next,
    buffer: VecDeque<ItemOf<D>>,
    /// The offset, first and last items of the page before: see `take`.
    previous_page: Option<(u64, Edges<ItemOf<D>>)>,
}

/// Which page to ask for next.
/// A page's first and last items.
type Edges<T> = (Option<T>, Option<T>);

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
    ItemOf<B::Detached>: Clone + PartialEq + Send + 'static,
{
    /// Every item from this call's `offset` (default 0) on, fetched a page of `limit` (default:
    /// Plivo's) at a time. The stream ends after the last page and never asks for a page twice.
    ///
    /// It owns what it needs (a clone of the client, which shares its connection pool, and the
    /// call's parameters): it is `'static` and `Send`, so it can be returned, kept in a struct or
    /// spawned, and `Unpin` (boxed once), so `try_next()` works on it as it is.
    pub fn stream(
        self,
    ) -> impl Stream<Item = Result<ItemOf<B::Detached>, MpcError>> + Send + Unpin + 'static {
        let (builder, path_values, refused) = self.into_parts();
        let (client, parameters) = builder.detach();
        let pager = Pager {
            operation: B::ID,
            client,
            parameters,
            path_values,
            refused,
            next: Next::First,
            buffer: VecDeque::new(),
            previous_page: None,
        };
        Box::pin(futures::stream::try_unfold(pager, |mut pager| async move {
            loop {
                if let Some(item) = pager.buffer.pop_front() {
                    return Ok(Some((item, pager)));
                }
                let builder = pager.parameters.clone().attach(&pager.client);
                let (builder, asked) = match pager.next {
                    Next::Done => return Ok(None),
                    Next::First => (builder, None),
                    Next::At(offset) => (builder.at_offset(offset), Some(offset)),
                };
                let call =
                    Call::from_parts(builder, pager.path_values.clone(), pager.refused.clone());
                let page = call.send().await?.into_inner();
                pager.take(page, asked)?;
            }
        }))
    }
}

impl<D> Pager<D>
where
    D: Detached,
    ItemOf<D>: Clone + PartialEq,
{
    /// Checks `page` (asked for at `asked`, or the first page as set up) and queues its items.
    fn take(&mut self, page: D::Success, asked: Option<u64>) -> Result<(), MpcError> {
        let operation = self.operation;
        let fail = |why: String| Err(MpcError::paging(operation, why));
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
        // A page is identified by its first and last items: a page that begins and ends with
        // the items its predecessor began and ended with is that page again (the server ignored
        // the offset), or holds the same item at two offsets a page apart. Two items kept, not
        // the whole page written out as JSON, which was a third of the stream's instructions
        // (callgrind on `bench-page`: 30,400 a participant then, about 19,800 now against the
        // floor's 17,800; conformance/bench/NOTES.md). (Only a page that held items is ever
        // followed, so an empty page never matches its predecessor.)
        let edges = (items.first().cloned(), items.last().cloned());
        if let Some((previous_offset, previous)) = &self.previous_page {
            if *previous == edges {
                return fail(format!(
                    "the pages at offsets {previous_offset} and {offset} begin and end with the \
                     same items; following them would loop"
                ));
            }
        }
        // An empty page that claims more was refused above, so `next` alone decides.
        self.next = if more_by_next {
            Next::At(end)
        } else {
            Next::Done
        };
        self.previous_page = Some((offset, edges));
        self.buffer.extend(items);
        Ok(())
    }
}
