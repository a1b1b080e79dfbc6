//! `Call::stream` on the participant list: every participant across pages, each page asked for once, and a
//! clear error instead of a loop when the server's pages contradict themselves.

mod support;

use futures::{StreamExt as _, TryStreamExt as _};
use plivo_mpc::{ErrorKind, MpcError};
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// How the page server misbehaves, if it does.
#[derive(Clone, Copy, PartialEq)]
enum Fault {
    None,
    /// Always sends the first page, labelled with the offset asked for.
    RepeatsFirstPage,
    /// Reports twice the real count but ends the list (next null) where it really ends.
    InflatedCount,
    /// Claims a next page but sends an empty one.
    EmptyPageWithNext,
    /// Labels every page offset 0.
    WrongOffset,
    /// Begins every page after the first with the first page's first participant (the rest as
    /// asked for): a page that repeats one item of its predecessor, not the page.
    RepeatsFirstItem,
}

/// Serves `total` participants by `offset` and `limit`, as Plivo's list calls do.
struct PageServer {
    participants: Vec<Value>,
    fault: Fault,
}

impl PageServer {
    fn new(total: usize, fault: Fault) -> Self {
        // Every participant is the spec's first documented participant with its own ids.
        let template = support::documented().value["objects"][0].clone();
        let participants = (0..total)
            .map(|i| {
                let mut p = template.clone();
                p["member_id"] = json!((1000 + i).to_string());
                p["call_uuid"] = json!(format!("call-{i}"));
                p
            })
            .collect();
        Self {
            participants,
            fault,
        }
    }
}

fn query(request: &Request, name: &str) -> Option<usize> {
    request
        .url
        .query_pairs()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.parse().unwrap())
}

impl Respond for PageServer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let limit = query(request, "limit").unwrap_or_else(|| spec_default("limit"));
        let offset = query(request, "offset").unwrap_or_else(|| spec_default("offset"));
        let total = self.participants.len();
        let served_from = if self.fault == Fault::RepeatsFirstPage {
            0
        } else {
            offset
        };
        let mut objects: Vec<Value> = self
            .participants
            .iter()
            .skip(served_from)
            .take(limit)
            .cloned()
            .collect();
        let end = offset + objects.len();
        let mut next = (end < total).then(|| {
            format!("/v1/Account/x/MultiPartyCall/name_x/Participant/?limit={limit}&offset={end}")
        });
        let mut count = total;
        match self.fault {
            Fault::InflatedCount => count = total * 2,
            Fault::EmptyPageWithNext if offset > 0 => {
                objects.clear();
                next = Some("/next".into());
            }
            Fault::RepeatsFirstItem if offset > 0 && !objects.is_empty() => {
                objects[0] = self.participants[0].clone();
            }
            _ => {}
        }
        let reported_offset = if self.fault == Fault::WrongOffset {
            0
        } else {
            offset
        };
        ResponseTemplate::new(200).set_body_json(json!({
            "api_id": "paging-test",
            "meta": {"count": count, "limit": limit, "offset": reported_offset, "next": next, "previous": null},
            "objects": objects,
        }))
    }
}

struct Run {
    ids: Result<Vec<String>, MpcError>,
    /// `(offset, limit)` of each request, in order.
    requested: Vec<(usize, usize)>,
}

async fn stream_all(total: usize, fault: Fault, limit: Option<u64>) -> Run {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(PageServer::new(total, fault))
        .mount(&server)
        .await;
    let client = support::client_for(&server, "MANWVLYTK4ZWU1YTY4QA");
    let mut request = client.list_participants_by_name("test_mpc_1");
    if let Some(limit) = limit {
        request = request.limit(limit);
    }
    let ids = request
        .stream()
        .map_ok(|p| p.member_id.to_string())
        .try_collect()
        .await;
    let requested = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        // The first request is the call as set up: without `offset`/`limit` it asks for the
        // spec's defaults.
        .map(|r| {
            (
                query(r, "offset").unwrap_or_else(|| spec_default("offset")),
                query(r, "limit").unwrap_or_else(|| spec_default("limit")),
            )
        })
        .collect();
    Run { ids, requested }
}

/// The spec's `default` for a query parameter of the participant list.
fn spec_default(name: &str) -> usize {
    support::list_query_schema(name)["default"]
        .as_u64()
        .unwrap() as usize
}

fn expected_ids(total: usize) -> Vec<String> {
    (0..total).map(|i| (1000 + i).to_string()).collect()
}

#[tokio::test]
async fn streams_every_participant_asking_for_each_page_once() {
    for (total, limit, pages) in [
        (0, None, vec![(0, 20)]),
        (1, None, vec![(0, 20)]),
        (20, None, vec![(0, 20)]),
        // Exactly 20 on the last page: the count and next say it is the last, so no empty
        // page after it is asked for.
        (40, None, vec![(0, 20), (20, 20)]),
        (45, None, vec![(0, 20), (20, 20), (40, 20)]),
        (15, Some(7), vec![(0, 7), (7, 7), (14, 7)]),
    ] {
        let run = stream_all(total, Fault::None, limit).await;
        assert_eq!(
            run.ids.unwrap(),
            expected_ids(total),
            "{total} participants"
        );
        assert_eq!(
            run.requested, pages,
            "{total} participants, limit {limit:?}"
        );
    }
}

#[tokio::test]
async fn ten_thousand_participants_over_five_hundred_pages() {
    let run = stream_all(10_000, Fault::None, None).await;
    assert_eq!(run.ids.unwrap(), expected_ids(10_000));
    assert_eq!(run.requested.len(), 500);
    let mut offsets: Vec<usize> = run.requested.iter().map(|(o, _)| *o).collect();
    offsets.dedup();
    assert_eq!(offsets.len(), 500, "a page was asked for twice");
}

async fn paging_error(fault: Fault) -> (MpcError, Vec<(usize, usize)>) {
    let run = stream_all(45, fault, None).await;
    let error = run
        .ids
        .expect_err("a contradicting server must end the stream with an error");
    assert!(matches!(error.kind(), ErrorKind::Paging), "{error:?}");
    (error, run.requested)
}

#[tokio::test]
async fn a_repeated_page_stops_the_stream_instead_of_looping() {
    let (error, requested) = paging_error(Fault::RepeatsFirstPage).await;
    assert!(
        error
            .to_string()
            .contains("begin and end with the same items"),
        "{error}"
    );
    assert_eq!(requested, vec![(0, 20), (20, 20)]);
}

/// The repeated-page check compares a page's first and last items with its predecessor's:
/// one item seen again (here the first, a page apart) is not a repeated page, and the stream
/// goes on, yielding what the server sent.
#[tokio::test]
async fn a_page_that_repeats_only_its_first_item_is_not_a_repeated_page() {
    let run = stream_all(45, Fault::RepeatsFirstItem, None).await;
    let mut expected = expected_ids(45);
    expected[20] = expected[0].clone();
    expected[40] = expected[0].clone();
    assert_eq!(run.ids.unwrap(), expected);
    assert_eq!(run.requested, vec![(0, 20), (20, 20), (40, 20)]);
}

#[tokio::test]
async fn a_count_that_contradicts_next_stops_the_stream() {
    let (error, _) = paging_error(Fault::InflatedCount).await;
    assert!(error.to_string().contains("count of 90"), "{error}");
}

#[tokio::test]
async fn an_empty_page_that_claims_more_stops_the_stream() {
    let (error, requested) = paging_error(Fault::EmptyPageWithNext).await;
    assert!(
        error.to_string().contains("is empty but claims more"),
        "{error}"
    );
    assert_eq!(requested.len(), 2);
}

#[tokio::test]
async fn a_page_labelled_with_another_offset_stops_the_stream() {
    let (error, _) = paging_error(Fault::WrongOffset).await;
    assert!(
        error
            .to_string()
            .contains("asked for the page at offset 20"),
        "{error}"
    );
}

#[tokio::test]
async fn the_stream_yields_what_it_has_before_an_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(PageServer::new(45, Fault::RepeatsFirstPage))
        .mount(&server)
        .await;
    let client = support::client_for(&server, "MANWVLYTK4ZWU1YTY4QA");
    let items: Vec<_> = client
        .list_participants_by_name("x")
        .stream()
        .collect()
        .await;
    assert_eq!(items.len(), 21, "20 participants, then the error");
    assert!(items[..20].iter().all(Result::is_ok));
    assert!(items[20].is_err());
}

/// A page near the largest offset: the end of the page cannot be computed, so the stream stops
/// with a paging error (it panicked in a debug build before).
#[tokio::test]
async fn a_page_at_the_largest_offsets_is_an_error_not_a_panic() {
    let server = MockServer::start().await;
    let documented = support::documented().value;
    let mut page = documented.clone();
    page["meta"]["offset"] = json!(u64::MAX - 1);
    page["meta"]["count"] = json!(u64::MAX);
    page["meta"]["next"] = json!("/next");
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .mount(&server)
        .await;
    let client = support::client_for(&server, "MANWVLYTK4ZWU1YTY4QA");
    let error = client
        .list_participants_by_name("test_mpc_1")
        .offset(u64::MAX - 1)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .expect_err("the page cannot end past the largest offset");
    assert!(matches!(error.kind(), ErrorKind::Paging), "{error}");
    assert!(
        error.to_string().contains("past the largest offset"),
        "{error}"
    );
}

/// The stream owns what it needs: made in a block whose client is dropped at its end, and run
/// on another task, it still reads every page (it keeps a clone of the client and the call's
/// parameters, not a borrow).
#[tokio::test]
async fn the_stream_outlives_its_client_and_runs_on_another_task() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(PageServer::new(45, Fault::None))
        .mount(&server)
        .await;
    let stream = {
        let client = support::client_for(&server, "MANWVLYTK4ZWU1YTY4QA");
        client
            .list_participants_by_name("test_mpc_1")
            .limit(20)
            .stream()
    };
    let ids = tokio::spawn(async move {
        stream
            .map_ok(|p| p.member_id.to_string())
            .try_collect::<Vec<_>>()
            .await
    })
    .await
    .expect("the task runs")
    .expect("every page decodes");
    assert_eq!(ids, expected_ids(45));
    let requested: Vec<(usize, usize)> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| (query(r, "offset").unwrap_or(0), query(r, "limit").unwrap()))
        .collect();
    assert_eq!(requested, vec![(0, 20), (20, 20), (40, 20)]);
}
