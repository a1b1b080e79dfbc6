//! What the client puts on the wire for each operation: method, path, query and headers,
//! snapshotted with the host and the credentials redacted (the credentials are checked, not shown).

mod support;

use base64::Engine as _;
use plivo_mpc_conformance::catalogue::Operation;
use plivo_mpc_conformance::mount;
use serde_json::Value;
use wiremock::Request;

/// The query of the fullest request: every query parameter the spec gives an example for.
fn every_query_example(op: &Operation) -> Vec<(&str, Value)> {
    op.query_parameters
        .iter()
        .map(|p| {
            let example = p.example.clone().unwrap_or_else(|| {
                panic!(
                    "query parameter {} of {} has no example in the spec",
                    p.name, op.operation_id
                )
            });
            (p.name.as_str(), example)
        })
        .collect()
}

async fn captured_request(op: &Operation, query: support::Query<'_>) -> Request {
    let server = wiremock::MockServer::start().await;
    // Accept anything: this test looks at what arrives, the replay suite at matching.
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(
            wiremock::ResponseTemplate::new(404)
                .set_body_json(serde_json::json!({"error": "not found"})),
        )
        .mount(&server)
        .await;
    let auth_id = support::auth_id(op);
    let client = support::client_for(&server, &auth_id);
    let _ = support::call(&client, op, &[], query).await;
    let mut received = server.received_requests().await.unwrap();
    assert_eq!(
        received.len(),
        1,
        "{}: one call, one request",
        op.operation_id
    );
    received.remove(0)
}

/// The request as a reviewable text. `host` carries the random port; `authorization` is checked
/// to be Basic auth with the test credentials and then redacted.
fn describe(op: &Operation, request: &Request) -> String {
    let mut out = mount::describe(request);
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap().to_owned()))
        .collect();
    headers.sort();
    for (name, value) in headers {
        let shown = match name.as_str() {
            "host" => "[redacted: mock server address]".to_owned(),
            "authorization" => {
                let encoded = value.strip_prefix("Basic ").expect("Basic auth");
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .unwrap();
                assert_eq!(
                    String::from_utf8(decoded).unwrap(),
                    format!("{}:{}", support::auth_id(op), support::TEST_TOKEN),
                    "{}: Basic auth must be AUTH_ID:AUTH_TOKEN",
                    op.operation_id
                );
                "Basic [redacted: AUTH_ID:AUTH_TOKEN, checked]".to_owned()
            }
            _ => value,
        };
        out.push_str(&format!("\n{name}: {shown}"));
    }
    if !request.body.is_empty() {
        let body: Value = serde_json::from_slice(&request.body).expect("a JSON body");
        out.push_str("\n\n");
        out.push_str(&serde_json::to_string_pretty(&body).unwrap());
    }
    assert!(!out.contains(support::TEST_TOKEN));
    out
}

#[tokio::test]
async fn requests_match_their_snapshots() {
    let doc = support::spec();
    for op in support::operations(&doc) {
        let query = every_query_example(&op);
        let scenarios = [
            ("path-only", &[][..]),
            ("every-query-parameter", &query[..]),
        ];
        // An operation without query parameters has one request to show.
        let shown = if query.is_empty() { 1 } else { 2 };
        for (scenario, query) in &scenarios[..shown] {
            let request = captured_request(&op, query).await;
            assert_eq!(request.method.as_str(), op.method);
            insta::with_settings!({ omit_expression => true, info => &op.pointer }, {
                insta::assert_snapshot!(
                    format!("{}-{scenario}", op.operation_id),
                    describe(&op, &request)
                );
            });
        }
    }
}

/// The body a call sends is the spec's request body example, every key and value as given, with
/// `Content-Type: application/json`.
#[tokio::test]
async fn the_request_body_is_the_example_as_json() {
    let doc = support::spec();
    let mut with_body = 0;
    for op in support::operations(&doc) {
        let request = captured_request(&op, &[]).await;
        let Some(example) = op.request_body_example() else {
            assert!(
                request.body.is_empty(),
                "{}: a body nobody asked for",
                op.operation_id
            );
            continue;
        };
        with_body += 1;
        let sent: Value = serde_json::from_slice(&request.body)
            .unwrap_or_else(|e| panic!("{}: the body is not JSON: {e}", op.operation_id));
        assert_eq!(&sent, example, "{}", op.operation_id);
        assert_eq!(
            request.headers["content-type"], "application/json",
            "{}",
            op.operation_id
        );
    }
    assert!(with_body > 0, "the spec has operations with a request body");
}

#[tokio::test]
async fn each_query_parameter_is_sent_once_with_its_value() {
    let doc = support::spec();
    for op in support::operations(&doc) {
        let query = every_query_example(&op);
        let request = captured_request(&op, &query).await;
        let sent: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        for (name, value) in &query {
            let want = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let matching: Vec<_> = sent.iter().filter(|(n, _)| n == name).collect();
            assert_eq!(matching.len(), 1, "{}: {name} in {sent:?}", op.operation_id);
            assert_eq!(matching[0].1, want, "{}: {name}", op.operation_id);
        }
        assert_eq!(
            sent.len(),
            query.len(),
            "{}: nothing else in {sent:?}",
            op.operation_id
        );
    }
}
