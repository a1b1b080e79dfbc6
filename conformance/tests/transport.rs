//! What the client does with redirects, a platform's own HTTP client, extra headers and logging.
//! Plivo's API does not redirect, so a 3xx is an error and is never followed. (Proxies from the
//! environment are tested in transport_proxy.rs, a binary of its own: it sets process-wide
//! environment variables.)

mod support;

use plivo_mpc::ErrorKind;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const AUTH_ID: &str = "MANWVLYTK4ZWU1YTY4QA";

#[tokio::test]
async fn redirects_are_reported_and_never_followed() {
    let elsewhere = support::documented_server().await;
    for (status, location) in [
        (302, format!("{}/v1/elsewhere/", elsewhere.uri())),
        (307, format!("{}/v1/elsewhere/", elsewhere.uri())),
        (301, "http://203.0.113.1/v1/".to_owned()),
    ] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(status).insert_header("location", location.as_str()),
            )
            .mount(&server)
            .await;
        let error = support::builder_for(&server.uri(), AUTH_ID)
            .build()
            .unwrap()
            .list_participants_by_name("test_mpc_1")
            .send()
            .await
            .expect_err("a redirect is not an answer");
        assert!(
            matches!(error.kind(), ErrorKind::UnexpectedStatus),
            "{status}: {error}"
        );
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    }
    assert!(
        elsewhere.received_requests().await.unwrap().is_empty(),
        "nothing (no auth id, no MPC name, no Referer) reached the redirect's target"
    );
}

/// A platform's own `reqwest::Client` carries the calls, with Basic auth and the caller's extra
/// headers added to each.
#[tokio::test]
async fn a_platform_client_and_extra_headers_carry_every_call() {
    let server = support::documented_server().await;
    let platform = reqwest::Client::builder()
        .user_agent("platform-stack/1")
        .build()
        .unwrap();
    let client = support::builder_for(&server.uri(), AUTH_ID)
        .http_client(platform)
        .header(
            reqwest::header::HeaderName::from_static("traceparent"),
            reqwest::header::HeaderValue::from_static(
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            ),
        )
        .build()
        .unwrap();
    client
        .list_participants_by_name("test_mpc_1")
        .send()
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    let headers = &received[0].headers;
    assert!(headers["authorization"]
        .to_str()
        .unwrap()
        .starts_with("Basic "));
    assert_eq!(
        headers["traceparent"],
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    );
}
