//! Proxies come from the environment (`HTTP_PROXY`, ...) unless the builder says otherwise. A
//! binary of its own with one test: it sets process-wide environment variables.

mod support;

use plivo_mpc::MpcClient;
use wiremock::MockServer;

const AUTH_ID: &str = "MANWVLYTK4ZWU1YTY4QA";

#[tokio::test]
async fn proxies_come_from_the_environment_unless_the_builder_says_otherwise() {
    let target = support::documented_server().await;
    let from_environment = support::documented_server().await;
    let chosen = support::documented_server().await;
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
    calls(
        support::builder_for(&target.uri(), AUTH_ID)
            .build()
            .unwrap(),
    )
    .await;
    calls(
        support::builder_for(&target.uri(), AUTH_ID)
            .no_proxy()
            .build()
            .unwrap(),
    )
    .await;
    let proxy = reqwest::Proxy::all(chosen.uri()).unwrap();
    calls(
        support::builder_for(&target.uri(), AUTH_ID)
            .proxy(proxy)
            .build()
            .unwrap(),
    )
    .await;

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
