//! Answers no spec documents: broken bodies, wrong types, strange statuses, bodies too large,
//! connections that break. Each must end in a typed error that carries the status (when there
//! was one) and says what happened, with no panic and no hang. Each outcome is snapshotted.

mod support;

use std::time::Duration;

use plivo_mpc::conformance::answer;
use plivo_mpc::{Credentials, ErrorKind, MpcClient, RetryPolicy};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The body limit the fault tests use: far above a real page, far below the oversized bodies.
const LIMIT: u64 = 64 * 1024;

fn documented() -> Value {
    support::documented().value
}

fn client(base_url: &str) -> MpcClient {
    MpcClient::builder(Credentials::new("MANWVLYTK4ZWU1YTY4QA", support::TEST_TOKEN).unwrap())
        .base_url(base_url)
        .retry(RetryPolicy::disabled())
        .max_body_bytes(LIMIT)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// Calls the client against `response` served by wiremock and returns the rendered outcome.
async fn outcome_of(response: ResponseTemplate) -> (support::Outcome, String) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    let outcome = client(&server.uri())
        .list_participants_by_name("test_mpc_1")
        .send()
        .await
        .map(|value| answer(&value));
    let rendered = support::render(&outcome);
    (outcome, rendered)
}

/// The outcome of a call answered with `raw` bytes (see [`support::serve_raw_once`]).
async fn outcome_of_raw(raw: Vec<u8>) -> (support::Outcome, String) {
    let (base_url, server) = support::serve_raw_once(raw).await;
    let outcome = client(&base_url)
        .list_participants_by_name("test_mpc_1")
        .send()
        .await
        .map(|value| answer(&value));
    server.abort();
    let rendered = support::render(&outcome);
    (outcome, rendered)
}

fn json_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

fn assert_error(outcome: &support::Outcome, status: Option<u16>, kind: fn(&ErrorKind) -> bool) {
    let error = outcome.as_ref().expect_err("an error");
    assert_eq!(error.status().map(|s| s.as_u16()), status, "{error}");
    assert!(kind(error.kind()), "{:?}", error.kind());
    assert!(!error.to_string().contains(support::TEST_TOKEN));
}

macro_rules! snapshot {
    ($name:expr, $rendered:expr) => {
        insta::with_settings!({ omit_expression => true }, {
            insta::assert_snapshot!($name, $rendered);
        })
    };
}

#[tokio::test]
async fn truncated_json() {
    let body = json_bytes(&documented());
    let (outcome, rendered) = outcome_of(
        ResponseTemplate::new(200)
            .set_body_raw(body[..body.len() / 2].to_vec(), "application/json"),
    )
    .await;
    assert_error(&outcome, Some(200), |k| {
        matches!(k, ErrorKind::UndecodableBody)
    });
    snapshot!("truncated_json", rendered);
}

#[tokio::test]
async fn a_field_of_the_wrong_type() {
    let mut body = documented();
    body["objects"][1]["member_id"] = 228.into();
    let (outcome, rendered) = outcome_of(ResponseTemplate::new(200).set_body_json(body)).await;
    assert_error(&outcome, Some(200), |k| {
        matches!(k, ErrorKind::UndecodableBody)
    });
    assert!(
        rendered.contains("member_id") || rendered.contains("expected a string"),
        "{rendered}"
    );
    snapshot!("wrong_type", rendered);
}

#[tokio::test]
async fn a_required_key_missing() {
    let mut body = documented();
    body.as_object_mut().unwrap().remove("objects");
    let (outcome, rendered) = outcome_of(ResponseTemplate::new(200).set_body_json(body)).await;
    assert_error(&outcome, Some(200), |k| {
        matches!(k, ErrorKind::UndecodableBody)
    });
    assert!(rendered.contains("missing field `objects`"), "{rendered}");
    snapshot!("missing_required_key", rendered);
}

#[tokio::test]
async fn an_html_502_page() {
    // The spec declares 5XX with Plivo's error body, so a proxy's HTML page is a documented
    // status whose body does not fit.
    let page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
    let (outcome, rendered) =
        outcome_of(ResponseTemplate::new(502).set_body_raw(page, "text/html")).await;
    assert_error(&outcome, Some(502), |k| {
        matches!(k, ErrorKind::UndecodableBody)
    });
    assert!(
        rendered.contains("502 Bad Gateway</title>"),
        "the page is quoted: {rendered}"
    );
    snapshot!("html_502", rendered);
}

#[tokio::test]
async fn an_empty_200_body() {
    let (outcome, rendered) =
        outcome_of(ResponseTemplate::new(200).set_body_raw(Vec::new(), "application/json")).await;
    assert_error(&outcome, Some(200), |k| {
        matches!(k, ErrorKind::UndecodableBody)
    });
    assert!(rendered.contains("the body is empty"), "{rendered}");
    snapshot!("empty_200", rendered);
}

#[tokio::test]
async fn a_body_that_is_not_utf8() {
    let (outcome, rendered) = outcome_of(
        ResponseTemplate::new(200)
            .set_body_raw(vec![b'{', b'"', 0xff, 0xfe, b'"', b'}'], "application/json"),
    )
    .await;
    assert_error(&outcome, Some(200), |k| {
        matches!(k, ErrorKind::UndecodableBody)
    });
    snapshot!("not_utf8", rendered);
}

#[tokio::test]
async fn a_2xx_without_a_content_type_still_decodes() {
    // Plivo always says application/json; a body that is the documented JSON is accepted
    // without the header (as progenitor and Plivo's SDKs do) rather than refused over it.
    let (outcome, rendered) =
        outcome_of(ResponseTemplate::new(200).set_body_bytes(json_bytes(&documented()))).await;
    assert_eq!(
        outcome.unwrap().json["objects"].as_array().unwrap().len(),
        3
    );
    snapshot!("no_content_type", rendered);
}

#[tokio::test]
async fn a_body_far_larger_than_any_page_with_content_length() {
    let huge = vec![b' '; 8 * 1024 * 1024];
    let (outcome, rendered) =
        outcome_of(ResponseTemplate::new(200).set_body_raw(huge, "application/json")).await;
    assert_error(&outcome, Some(200), |k| {
        matches!(k, ErrorKind::BodyTooLarge)
    });
    assert!(rendered.contains("Content-Length 8388608"), "{rendered}");
    snapshot!("too_large_announced", rendered);
}

#[tokio::test]
async fn a_chunked_body_that_grows_past_the_limit() {
    let mut raw =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
            .to_vec();
    let chunk = vec![b' '; 16 * 1024];
    for _ in 0..64 {
        raw.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        raw.extend_from_slice(&chunk);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    let (outcome, rendered) = outcome_of_raw(raw).await;
    assert_error(&outcome, Some(200), |k| {
        matches!(k, ErrorKind::BodyTooLarge)
    });
    snapshot!("too_large_chunked", rendered);
}

#[tokio::test]
async fn a_connection_closed_mid_body() {
    let body = json_bytes(&documented());
    let mut raw = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(&body[..100]);
    let (outcome, rendered) = outcome_of_raw(raw).await;
    assert_error(&outcome, Some(200), |k| matches!(k, ErrorKind::Connection));
    snapshot!("closed_mid_body", rendered);
}

#[tokio::test]
async fn an_error_body_without_api_id() {
    let (outcome, rendered) = outcome_of(ResponseTemplate::new(401).set_body_json(
        serde_json::json!({"error": "authentication credentials were not provided"}),
    ))
    .await;
    assert_error(
        &outcome,
        Some(401),
        |k| matches!(k, ErrorKind::Api(body) if body.api_id.is_none()),
    );
    snapshot!("error_without_api_id", rendered);
}

#[tokio::test]
async fn an_error_body_whose_error_is_an_object() {
    let body = serde_json::json!({"api_id": "x", "error": {"error": "nested message"}});
    let (outcome, rendered) = outcome_of(ResponseTemplate::new(404).set_body_json(body)).await;
    assert_error(&outcome, Some(404), |k| {
        matches!(k, ErrorKind::UndecodableBody)
    });
    assert!(
        rendered.contains("nested message"),
        "the body is quoted: {rendered}"
    );
    snapshot!("error_is_object", rendered);
}

/// serde reads a struct from an array of its fields in order; Plivo never answers an array
/// where the spec has an object, so the client refuses it instead of guessing.
#[tokio::test]
async fn an_array_where_the_spec_has_an_object() {
    let documented = support::documented().value;
    let fields: Vec<Value> = ["api_id", "meta", "objects"]
        .iter()
        .map(|k| documented[*k].clone())
        .collect();
    let (outcome, rendered) = outcome_of(ResponseTemplate::new(200).set_body_json(fields)).await;
    assert_error(&outcome, Some(200), |k| {
        matches!(k, ErrorKind::UndecodableBody)
    });
    assert!(
        rendered.contains("a JSON array where the spec has an object"),
        "{rendered}"
    );
}

#[tokio::test]
async fn a_status_the_spec_does_not_list() {
    let body = serde_json::json!({"api_id": "x", "error": "conflict"});
    let (outcome, rendered) = outcome_of(ResponseTemplate::new(409).set_body_json(body)).await;
    assert_error(&outcome, Some(409), |k| {
        matches!(k, ErrorKind::UnexpectedStatus)
    });
    snapshot!("unlisted_status", rendered);
}

#[tokio::test]
async fn a_limit_outside_the_spec_is_refused_before_sending() {
    let (Some(min), Some(max)) = support::list_query_bounds("limit") else {
        panic!("the spec bounds limit on both sides")
    };
    let server = MockServer::start().await;
    let below = min
        .checked_sub(1)
        .expect("limit's minimum leaves room below it");
    for limit in [below, max + 1] {
        let error = client(&server.uri())
            .list_participants_by_name("x")
            .limit(limit)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::InvalidRequest),
            "{error:?}"
        );
        let bounds = format!("between {min} and {max}");
        assert!(error.to_string().contains(&bounds), "{error}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// A call, and the error it ends in, name the operation by its operationId in the spec: the
/// operation whose method and path template the request went out with (cargo-mutants:
/// `Call::operation` returning "" or any other text went unnoticed, no test asked for it).
#[tokio::test]
async fn a_call_and_its_error_name_the_operation_the_request_was_for() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(409))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let call = client.list_participants_by_name("test_mpc_1");
    let named = call.operation();
    let error = call.send().await.unwrap_err();
    assert_eq!(error.operation(), named);
    assert!(
        error.to_string().starts_with(&format!("{named}: ")),
        "{error}"
    );

    let doc = support::spec();
    let op = support::operations(&doc)
        .into_iter()
        .find(|op| op.operation_id == named)
        .unwrap_or_else(|| panic!("{named:?} is no operationId of the spec"));
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].method.as_str(), op.method);
    let template: Vec<&str> = op.path_template.trim_matches('/').split('/').collect();
    let path: Vec<&str> = received[0]
        .url
        .path()
        .trim_matches('/')
        .split('/')
        .collect();
    assert_eq!(
        template.len(),
        path.len(),
        "{} for {template:?}",
        received[0].url
    );
    for (expected, sent) in template.iter().zip(&path) {
        if !expected.contains('{') {
            assert_eq!(expected, sent, "{} for {template:?}", received[0].url);
        }
    }
}

/// An error keeps its cause as `source()`: serde_json's error for a body that does not decode,
/// reqwest's (without the URL) for a refused connection (cargo-mutants: `source` returning
/// `None` went unnoticed).
#[tokio::test]
async fn an_error_keeps_its_cause_as_its_source() {
    use std::error::Error as _;
    let (outcome, _) =
        outcome_of(ResponseTemplate::new(200).set_body_raw("not json", "application/json")).await;
    let Err(error) = outcome else {
        panic!("a body that does not decode must fail")
    };
    assert!(
        matches!(error.kind(), ErrorKind::UndecodableBody),
        "{error:?}"
    );
    let source = error.source().expect("the decoding error");
    assert!(source.is::<serde_json::Error>(), "{source:?}");

    let (base_url, held) = support::refusing_base_url();
    let error = client(&base_url)
        .list_participants_by_name("test_mpc_1")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Connection), "{error:?}");
    let source = error.source().expect("the connection error");
    let reqwest_error = source
        .downcast_ref::<reqwest::Error>()
        .unwrap_or_else(|| panic!("{source:?}"));
    assert!(reqwest_error.is_connect(), "{reqwest_error:?}");
    assert_eq!(reqwest_error.url(), None);
    drop(held);
}
