//! Security: the token never leaves the Authorization header, any name stays one path segment,
//! and TLS is what an https base URL gets.

mod support;

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use plivo_mpc::{Credentials, ErrorKind, MpcClient, RetryPolicy};
use plivo_mpc_conformance::mount;
use proptest::prelude::*;
use serde_json::json;
use wiremock::matchers;
use wiremock::{Mock, MockServer, ResponseTemplate};

const AUTH_ID: &str = "MANWVLYTK4ZWU1YTY4QA";

fn client(base_url: &str) -> MpcClient {
    MpcClient::builder(Credentials::new(AUTH_ID, support::TEST_TOKEN).unwrap())
        .base_url(base_url)
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(2)),
        )
        .timeout(Duration::from_millis(500))
        .max_body_bytes(1024)
        .build()
        .unwrap()
}

/// Everything a person could see of a failed call: each error's Display and Debug, the client's
/// and the request's Debug, and the panic message of `unwrap()` on the result.
#[tokio::test]
async fn the_token_is_in_no_error_debug_output_or_panic() {
    let server = MockServer::start().await;
    let scenarios = [
        ResponseTemplate::new(401)
            .set_body_json(json!({"error": "authentication credentials were not provided"})),
        ResponseTemplate::new(500).set_body_json(json!({"api_id": "x", "error": "boom"})),
        ResponseTemplate::new(200).set_body_string("not json"),
        ResponseTemplate::new(200).set_body_string("x".repeat(4096)),
        ResponseTemplate::new(418).set_body_string("teapot"),
        ResponseTemplate::new(200).set_delay(Duration::from_secs(5)),
    ];
    let refused = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let mut seen = Vec::new();
    let panics = Arc::new(Mutex::new(Vec::new()));
    let captured = panics.clone();
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        captured.lock().unwrap().push(info.to_string())
    }));

    for (i, response) in scenarios.into_iter().map(Some).chain([None]).enumerate() {
        let base = match response {
            Some(response) => {
                server.reset().await;
                Mock::given(matchers::any())
                    .respond_with(response)
                    .mount(&server)
                    .await;
                server.uri()
            }
            None => refused.clone(),
        };
        let client = client(&base);
        let request = client.list_participants_by_name("test_mpc_1");
        seen.push(format!("{client:?}"));
        seen.push(format!("{request:?}"));
        seen.push(format!("{:?}", client.generated()));
        let result = request.send().await;
        let error = result.as_ref().expect_err("every scenario fails");
        seen.push(format!("{error}"));
        seen.push(format!("{error:?}"));
        seen.push(format!("{error:#?}"));
        let unwrapped = panic::catch_unwind(AssertUnwindSafe(|| result.unwrap()));
        assert!(unwrapped.is_err(), "scenario {i} did not panic on unwrap");
    }
    panic::set_hook(default_hook);
    seen.extend(panics.lock().unwrap().iter().cloned());

    let basic = base64::engine::general_purpose::STANDARD;
    let forbidden = [
        support::TEST_TOKEN.to_owned(),
        basic.encode(format!("{AUTH_ID}:{}", support::TEST_TOKEN)),
        basic.encode(support::TEST_TOKEN),
    ];
    assert!(seen.len() > 40, "the scenarios produced output to search");
    for text in &seen {
        for secret in &forbidden {
            assert!(
                !text.contains(secret.as_str()),
                "secret {secret:?} in:\n{text}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Any string as an MPC name or uuid becomes exactly one encoded path segment.
    #[test]
    fn any_name_or_uuid_is_exactly_one_segment(
        value in prop_oneof![
            any::<String>(),
            "[/.%2Fa-z?#\r\n \\\\]{0,12}",
            Just("..".to_owned()),
            Just("%2F".to_owned()),
            Just("a/../b".to_owned()),
            Just("x\r\nHost: evil".to_owned()),
            Just("a\\b".to_owned()),
            Just("\\..\\..\\x".to_owned()),
        ]
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let doc = support::spec();
            let server = MockServer::start().await;
            Mock::given(matchers::any())
                .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": "not found"})))
                .mount(&server)
                .await;
            let client = support::client_for(&server, AUTH_ID);
            for op in support::operations(&doc) {
                // Every path value the caller gives is the generated one.
                let parameters = support::caller_path_parameters(&op);
                let expected = mount::expected_segments(&op.path_template, |name| {
                    Some(if parameters.contains(&name) { value.clone() } else { AUTH_ID.to_owned() })
                })
                .unwrap();
                let overrides: Vec<(&str, &str)> =
                    parameters.iter().map(|p| (*p, value.as_str())).collect();
                let before = server.received_requests().await.unwrap().len();
                let outcome = support::call(&client, &op, &overrides, &[]).await;
                if expected.iter().any(|s| s == "." || s == "..") {
                    // A whole-segment `.`/`..` is refused before sending (tests/path_safety.rs).
                    prop_assert!(outcome.is_err());
                    prop_assert_eq!(server.received_requests().await.unwrap().len(), before);
                    continue;
                }
                let received = server.received_requests().await.unwrap();
                let last = received.last().expect("the request was sent");
                prop_assert_eq!(mount::received_segments(last.url.path()), expected);
                prop_assert!(last.url.query().is_none());
                prop_assert_eq!(last.headers.get_all("host").iter().count(), 1);
            }
            Ok(())
        })?;
    }
}

#[tokio::test]
async fn an_https_base_url_gets_tls() {
    // A plain-HTTP server behind an https:// URL: the client must try a TLS handshake (and
    // fail), not send the request in clear text.
    let server = MockServer::start().await;
    let address = server.address();
    let error = client(&format!("https://{address}"))
        .list_participants_by_name("x")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Connection), "{error:?}");
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "the request went out unencrypted"
    );
}

#[test]
fn https_is_the_default_and_http_is_only_what_the_caller_chooses() {
    let creds = || Credentials::new(AUTH_ID, support::TEST_TOKEN).unwrap();
    assert_eq!(
        MpcClient::new(creds()).unwrap().base_url(),
        "https://api.plivo.com"
    );
    let local = MpcClient::builder(creds())
        .base_url("http://127.0.0.1:4010")
        .build()
        .unwrap();
    assert_eq!(local.base_url(), "http://127.0.0.1:4010");
}

#[test]
fn credentials_that_would_inject_a_header_are_refused_before_any_request() {
    for (id, token) in [
        ("MA\r\nX-Injected: 1", "t"),
        ("MA", "t\r\nX-Injected: 1"),
        ("MA\n", "t"),
        ("MA", "t\r"),
    ] {
        assert!(Credentials::new(id, token).is_err(), "{id:?} / {token:?}");
    }
}
