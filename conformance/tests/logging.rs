//! What the client logs: a span per call naming the operation, an event per attempt and per
//! retry, and never a credential. A binary of its own with one test (tracing caches per call
//! site whether anyone listens, which other tests in a binary would decide first).

mod support;

use plivo_mpc::RetryPolicy;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const AUTH_ID: &str = "MANWVLYTK4ZWU1YTY4QA";

/// What the client logs (a span per call, an event per attempt and retry) names the operation
/// and never the token, in any form.
#[tokio::test]
async fn the_log_shows_attempts_and_retries_and_no_secret() {
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(503).set_body_json(serde_json::json!({"error": "busy"})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(support::documented().value))
        .mount(&server)
        .await;
    let client = support::builder_for(&server.uri(), AUTH_ID)
        .retry(RetryPolicy::default().initial_backoff(std::time::Duration::from_millis(1)))
        .build()
        .unwrap();
    client
        .list_participants_by_name("test_mpc_1")
        .send()
        .await
        .unwrap();
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("listParticipantsByName"), "{log}");
    assert!(log.contains("retrying"), "{log}");
    assert!(
        log.contains("status=503") && log.contains("status=200"),
        "{log}"
    );
    let basic = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("MANWVLYTK4ZWU1YTY4QA:{}", support::TEST_TOKEN),
    );
    assert!(
        !log.contains(support::TEST_TOKEN) && !log.contains(&basic),
        "{log}"
    );
}
