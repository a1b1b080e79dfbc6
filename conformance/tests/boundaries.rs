//! The edges of the client's limits, each stated exactly (cargo-mutants found `>` and `>=`
//! interchangeable where no test stood on the edge, see conformance/mutants/README.md): a body
//! of exactly the limit is read and one byte more is refused, announced or chunked, at the
//! default limit too; a page of exactly its limit, ending exactly at its count, or empty exactly
//! at the end of the list is fine, and one item more or a claim of more is a paging error; a
//! query value exactly at the spec's minimum or maximum is sent.

mod support;

use futures::TryStreamExt as _;
use plivo_mpc::{ErrorKind, MpcClient, DEFAULT_MAX_BODY_BYTES};
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const AUTH_ID: &str = "MANWVLYTK4ZWU1YTY4QA";

/// The documented page as JSON, padded with spaces to exactly `size` bytes.
fn documented_page_of_size(size: u64) -> Vec<u8> {
    let mut body = serde_json::to_vec(&support::documented().value).unwrap();
    let size = usize::try_from(size).unwrap();
    assert!(
        body.len() <= size,
        "the documented page is {} bytes",
        body.len()
    );
    body.resize(size, b' ');
    body
}

async fn list_with_content_length(
    client: &MpcClient,
    server: &MockServer,
    body: Vec<u8>,
) -> ErrorOr {
    server.reset().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(server)
        .await;
    outcome(client).await
}

/// `Ok(())` when the page decoded, else the error.
type ErrorOr = Result<(), plivo_mpc::MpcError>;

async fn outcome(client: &MpcClient) -> ErrorOr {
    client
        .list_participants_by_name("test_mpc_1")
        .send()
        .await
        .map(drop)
}

/// Serves `body` chunked (no Content-Length, so only the bytes read count), in two chunks, to
/// one request on a bare socket.
async fn list_chunked(limit: u64, body: Vec<u8>) -> ErrorOr {
    let mut raw = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                    transfer-encoding: chunked\r\n\r\n"
        .to_vec();
    let (first, second) = body.split_at(body.len() / 2);
    for chunk in [first, second] {
        raw.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        raw.extend_from_slice(chunk);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    let (base_url, server) = support::serve_raw_once(raw).await;
    let client = support::builder_for(&base_url, AUTH_ID)
        .max_body_bytes(limit)
        .build()
        .unwrap();
    let result = outcome(&client).await;
    server.abort();
    result
}

fn is_too_large(result: &ErrorOr) -> bool {
    matches!(result, Err(e) if matches!(e.kind(), ErrorKind::BodyTooLarge))
}

#[tokio::test]
async fn an_announced_body_of_exactly_the_limit_is_read_and_one_byte_more_is_not() {
    const LIMIT: u64 = 16 * 1024;
    let server = MockServer::start().await;
    let client = support::builder_for(&server.uri(), AUTH_ID)
        .max_body_bytes(LIMIT)
        .build()
        .unwrap();
    let at = list_with_content_length(&client, &server, documented_page_of_size(LIMIT)).await;
    at.expect("a body of exactly the limit");
    let over = list_with_content_length(&client, &server, documented_page_of_size(LIMIT + 1)).await;
    assert!(is_too_large(&over), "one byte over the limit: {over:?}");
}

#[tokio::test]
async fn a_chunked_body_of_exactly_the_limit_is_read_and_one_byte_more_is_not() {
    const LIMIT: u64 = 16 * 1024;
    let at = list_chunked(LIMIT, documented_page_of_size(LIMIT)).await;
    at.expect("a chunked body of exactly the limit");
    let over = list_chunked(LIMIT, documented_page_of_size(LIMIT + 1)).await;
    assert!(is_too_large(&over), "one byte over the limit: {over:?}");
}

/// The default is the 4 MiB the README and the constant's documentation promise.
#[tokio::test]
async fn the_default_limit_is_four_mebibytes() {
    assert_eq!(DEFAULT_MAX_BODY_BYTES, 4 * 1024 * 1024);
    let server = MockServer::start().await;
    // No `max_body_bytes`: the client's default applies.
    let client = support::client_for(&server, AUTH_ID);
    let at = list_with_content_length(
        &client,
        &server,
        documented_page_of_size(DEFAULT_MAX_BODY_BYTES),
    )
    .await;
    at.expect("a body of exactly 4 MiB");
    let over = list_with_content_length(
        &client,
        &server,
        documented_page_of_size(DEFAULT_MAX_BODY_BYTES + 1),
    )
    .await;
    assert!(is_too_large(&over), "one byte over 4 MiB: {over:?}");
}

/// Streams a list whose every answer is `page` (meta as given, `held` copies of the first
/// documented participant with their own ids), from the call's own offset (none: 0).
async fn stream_one_page(meta: Value, held: usize) -> Result<usize, plivo_mpc::MpcError> {
    let template = support::documented().value["objects"][0].clone();
    let objects: Vec<Value> = (0..held)
        .map(|i| {
            let mut p = template.clone();
            p["member_id"] = json!((1000 + i).to_string());
            p
        })
        .collect();
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "api_id": "boundaries",
            "meta": meta,
            "objects": objects,
        })))
        .mount(&server)
        .await;
    let client = support::client_for(&server, AUTH_ID);
    let items: Vec<_> = client
        .list_participants_by_name("test_mpc_1")
        .stream()
        .try_collect()
        .await?;
    Ok(items.len())
}

fn meta(count: u64, limit: u64, offset: u64, next: Option<&str>) -> Value {
    json!({"count": count, "limit": limit, "offset": offset, "next": next, "previous": null})
}

fn paging_error_says(result: Result<usize, plivo_mpc::MpcError>, words: &str) {
    let error = result.expect_err("a paging error");
    assert!(matches!(error.kind(), ErrorKind::Paging), "{error:?}");
    assert!(error.to_string().contains(words), "{error}");
}

#[tokio::test]
async fn a_page_of_exactly_its_limit_is_fine_and_one_item_more_is_not() {
    assert_eq!(stream_one_page(meta(3, 3, 0, None), 3).await.unwrap(), 3);
    paging_error_says(
        stream_one_page(meta(4, 3, 0, None), 4).await,
        "more than its limit of 3",
    );
}

#[tokio::test]
async fn a_page_ending_exactly_at_the_count_is_fine_and_one_past_it_is_not() {
    assert_eq!(stream_one_page(meta(2, 20, 0, None), 2).await.unwrap(), 2);
    paging_error_says(
        stream_one_page(meta(2, 20, 0, None), 3).await,
        "beyond the count of 2",
    );
}

#[tokio::test]
async fn an_empty_page_exactly_at_the_end_is_fine_but_one_that_claims_more_is_not() {
    // Asked from offset 5 of 5: nothing left, and nothing claimed.
    let ended = {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "api_id": "boundaries",
                "meta": meta(5, 20, 5, None),
                "objects": [],
            })))
            .mount(&server)
            .await;
        let client = support::client_for(&server, AUTH_ID);
        client
            .list_participants_by_name("test_mpc_1")
            .offset(5)
            .stream()
            .try_collect::<Vec<_>>()
            .await
    };
    assert_eq!(ended.expect("an empty page at the end").len(), 0);
    // Each of the two claims on its own makes an empty page an error: a count beyond the
    // offset with next null, and next set with no count at all.
    paging_error_says(
        stream_one_page(meta(5, 20, 0, None), 0).await,
        "is empty but claims more",
    );
    paging_error_says(
        stream_one_page(
            json!({"limit": 20, "offset": 0, "next": "/next", "previous": null}),
            0,
        )
        .await,
        "is empty but claims more",
    );
}

#[tokio::test]
async fn next_and_count_must_agree_on_whether_more_follow() {
    // Count says more remain, next says none.
    paging_error_says(
        stream_one_page(meta(5, 3, 0, None), 3).await,
        "says next is null but the count of 5 says 2 remain",
    );
}

/// A query value exactly at the spec's minimum or maximum goes out as it is (cargo-mutants:
/// `number < minimum` read as `<=` or `==` in the `pre` hook's bounds check refused `offset(0)`
/// and `limit(1)`, which no test sent; one past each bound is refused, see
/// `faults::a_limit_outside_the_spec_is_refused_before_sending`).
#[tokio::test]
async fn query_values_exactly_at_the_spec_bounds_are_sent() {
    let (Some(limit_min), Some(limit_max)) = support::list_query_bounds("limit") else {
        panic!("the spec bounds limit on both sides")
    };
    let (Some(offset_min), _) = support::list_query_bounds("offset") else {
        panic!("the spec bounds offset below")
    };
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(plivo_mpc_conformance::mount::example_response(
            &support::documented(),
        ))
        .mount(&server)
        .await;
    let client = support::client_for(&server, AUTH_ID);
    let sent = [(limit_min, offset_min), (limit_max, offset_min)];
    for (limit, offset) in sent {
        client
            .list_participants_by_name("test_mpc_1")
            .limit(limit)
            .offset(offset)
            .send()
            .await
            .unwrap_or_else(|e| panic!("limit {limit}, offset {offset}: {e}"));
    }
    let received: Vec<(String, String)> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|request| {
            let value = |name: &str| {
                request
                    .url
                    .query_pairs()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_else(|| panic!("no {name} in {}", request.url))
            };
            (value("limit"), value("offset"))
        })
        .collect();
    let expected: Vec<(String, String)> = sent
        .iter()
        .map(|(limit, offset)| (limit.to_string(), offset.to_string()))
        .collect();
    assert_eq!(received, expected);
}
