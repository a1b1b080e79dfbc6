//! Proxies come from the environment (`HTTP_PROXY`, ...) unless the builder says otherwise. A
//! binary of its own with one test: it sets process-wide environment variables.

mod support;

use plivo_mpc::{Credentials, MpcClient, RetryPolicy};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn builder(base_url: &str) -> plivo_mpc::MpcClientBuilder {
    MpcClient::builder(Credentials::new("MANWVLYTK4ZWU1YTY4QA", support::TEST_TOKEN).unwrap())
        .base_url(base_url)
        .retry(RetryPolicy::disabled())
}

/// A server that answers the documented participant list to anything, counting what it gets.
async fn documented_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(support::documented().value))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn proxies_come_from_the_environment_unless_the_builder_says_otherwise() {
    let target = documented_server().await;
    let from_environment = documented_server().await;
    let chosen = documented_server().await;
    // SAFETY of the test: this binary has no other test reading the environment.
    std::env::set_var("HTTP_PROXY", from_environment.uri());
    std::env::set_var("http_proxy", from_environment.uri());
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");

    let calls = |client: MpcClient| async move {
        client
            .list_participants_by_name("test_mpc_1")
            .send()
            .await
            .unwrap();
    };
    calls(builder(&target.uri()).build().unwrap()).await;
    calls(builder(&target.uri()).no_proxy().build().unwrap()).await;
    let proxy = reqwest::Proxy::all(chosen.uri()).unwrap();
    calls(builder(&target.uri()).proxy(proxy).build().unwrap()).await;

    assert_eq!(
        received(&from_environment).await,
        1,
        "the default honours HTTP_PROXY"
    );
    assert_eq!(
        received(&target).await,
        1,
        "no_proxy() goes straight to the base URL"
    );
    assert_eq!(
        received(&chosen).await,
        1,
        "proxy() goes through the proxy given"
    );
    std::env::remove_var("HTTP_PROXY");
    std::env::remove_var("http_proxy");
}

async fn received(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}
