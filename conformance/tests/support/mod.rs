//! What the conformance tests share: the spec, test credentials, and calling any operation by
//! its operationId (through the client's rendered `call_by_operation_id`, so a new operation in
//! the spec needs no Rust here).
#![allow(dead_code)] // each test binary uses a different part

use plivo_mpc::conformance::Answer;
use plivo_mpc::{Credentials, ErrorKind, MpcClient, MpcClientBuilder, MpcError, RetryPolicy};
use plivo_mpc_conformance::catalogue::Operation;
use plivo_mpc_conformance::mount::{self, BasicAuth};
use plivo_mpc_conformance::{default_spec_path, ResponseExample, SpecDocument};
use serde_json::Value;
use wiremock::MockServer;

/// A token that exists only in these tests; snapshots and messages must never show it.
pub const TEST_TOKEN: &str = "conformance-t0ken-never-shown";

pub fn spec() -> SpecDocument {
    SpecDocument::load(default_spec_path()).unwrap_or_else(|e| panic!("{e}"))
}

/// The spec's 200 example `documented`: Plivo's published response.
pub fn documented() -> ResponseExample {
    plivo_mpc_conformance::documented_example(&spec()).unwrap_or_else(|e| panic!("{e}"))
}

pub fn operations(doc: &SpecDocument) -> Vec<Operation> {
    plivo_mpc_conformance::operations(doc).unwrap_or_else(|e| panic!("{e}"))
}

/// The auth id is the spec's own example for the `auth_id` path parameter.
pub fn auth_id(op: &Operation) -> String {
    mount::example_path_value(op, "auth_id")
        .expect("the auth_id path parameter has an example in the spec")
}

pub fn basic_auth(auth_id: &str) -> BasicAuth<'_> {
    BasicAuth {
        user: auth_id,
        password: TEST_TOKEN,
    }
}

/// A client for `server` that sends each request once, so that every request a test sees is
/// one it caused (the retry tests build their own).
pub fn client_for(server: &MockServer, auth_id: &str) -> MpcClient {
    builder_for(&server.uri(), auth_id)
        .build()
        .expect("a client for the mock server")
}

/// The settings of [`client_for`], for a test that adds its own.
pub fn builder_for(base_url: &str, auth_id: &str) -> MpcClientBuilder {
    MpcClient::builder(Credentials::new(auth_id, TEST_TOKEN).expect("test credentials are valid"))
        .base_url(base_url)
        .retry(RetryPolicy::disabled())
}

/// A server that answers the documented participant list to any request.
pub async fn documented_server() -> MockServer {
    let server = MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(documented().value))
        .mount(&server)
        .await;
    server
}

/// The path parameters of `op` that a caller gives (every one but `auth_id`, which the client
/// fills in): `mpc_name`, `mpc_uuid`, `member_id`.
pub fn caller_path_parameters(op: &Operation) -> Vec<&str> {
    op.path_parameters
        .iter()
        .map(|p| p.name.as_str())
        .filter(|name| *name != "auth_id")
        .collect()
}

/// The spec's example value of every caller path parameter of `op`, with `overrides` in their
/// place.
pub fn path_values(op: &Operation, overrides: &[(&str, &str)]) -> Vec<(String, String)> {
    caller_path_parameters(op)
        .into_iter()
        .map(|name| {
            let value = match overrides.iter().find(|(n, _)| *n == name) {
                Some((_, value)) => (*value).to_owned(),
                None => mount::example_path_value(op, name).unwrap_or_else(|| {
                    panic!(
                        "path parameter {name} of {} has no example",
                        op.operation_id
                    )
                }),
            };
            (name.to_owned(), value)
        })
        .collect()
}

/// The segments a request for `op` must arrive as, with `overrides` for path values.
pub fn expected_segments(op: &Operation, overrides: &[(&str, &str)]) -> Vec<String> {
    mount::expected_segments(&op.path_template, |name| {
        match overrides.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => Some((*value).to_owned()),
            None => mount::example_path_value(op, name),
        }
    })
    .unwrap_or_else(|e| panic!("{}: {e}", op.operation_id))
}

/// Query parameters to send, by name, as JSON values.
pub type Query<'a> = &'a [(&'a str, Value)];

pub type Outcome = Result<Answer, MpcError>;

/// Calls `op` by its operationId with the spec's example path values (`overrides` in their
/// place), the given query and the spec's request body example, if the operation takes one.
pub async fn call(
    client: &MpcClient,
    op: &Operation,
    overrides: &[(&str, &str)],
    query: Query<'_>,
) -> Outcome {
    let path = path_values(op, overrides);
    let path: Vec<(&str, String)> = path.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
    plivo_mpc::generated::operations::call_by_operation_id(
        client,
        &op.operation_id,
        &path,
        query,
        op.request_body_example().cloned(),
    )
    .await
    .unwrap_or_else(|e| panic!("{}: {e}", op.operation_id))
}

/// A strict mock for `op` at `segments`: its first success example, or its success status with
/// no body when it documents none (a `204`).
pub fn success_mock(op: &Operation, segments: Vec<String>, auth: BasicAuth<'_>) -> wiremock::Mock {
    let examples = plivo_mpc_conformance::response_examples(&spec()).unwrap();
    match examples
        .iter()
        .find(|e| e.operation_id == op.operation_id && e.is_success())
    {
        Some(example) => mount::example_mock(op, example, segments, auth),
        None => wiremock::Mock::given(wiremock::matchers::method(op.method.as_str()))
            .and(mount::PathSegments(segments))
            .and(wiremock::matchers::basic_auth(auth.user, auth.password))
            .respond_with(wiremock::ResponseTemplate::new(
                op.success_status.expect("a success status"),
            )),
    }
}

/// What a call produced, as a person reviews it in a snapshot: the status and the typed value
/// or the typed error.
pub fn render(outcome: &Outcome) -> String {
    match outcome {
        Ok(answer) => format!("Ok, status {}\n{}", answer.status, answer.debug),
        Err(error) => {
            let status = error
                .status()
                .map_or_else(|| "none".to_owned(), |s| s.to_string());
            let kind = match error.kind() {
                ErrorKind::Api(body) => format!("Api({body:#?})"),
                other => format!("{other:?}"),
            };
            format!("Err, status {status}, {kind}\n{error}")
        }
    }
}

/// Mounts nothing but the catch-all, so any request is reported.
pub async fn server_with_catch_all() -> MockServer {
    let server = MockServer::start().await;
    server.register(mount::catch_all()).await;
    server
}

/// Whether a property schema admits null, and the schema of its non-null values. The spec
/// writes a nullable reference the OpenAPI 3.0.3 way, `anyOf: [{$ref}, {enum: [null]}]`, and
/// a nullable plain type with `nullable: true`.
pub fn nullable_and_target(schema: &Value) -> (bool, &Value) {
    if let Some(list) = schema.get("anyOf").and_then(Value::as_array) {
        let is_null = |s: &Value| s.get("enum") == Some(&serde_json::json!([null]));
        let rest: Vec<&Value> = list.iter().filter(|s| !is_null(s)).collect();
        if rest.len() == 1 && list.len() == 2 {
            return (true, rest[0]);
        }
    }
    let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
    (nullable, schema)
}

/// The `required` list of an object schema.
pub fn required(schema: &Value) -> Vec<String> {
    schema["required"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Serves `raw` bytes as the whole HTTP response to one request on a bare socket, then closes
/// it: for answers wiremock will not produce (a body cut short, a chunked body). Returns the
/// base URL and the server task (abort it when done).
pub async fn serve_raw_once(raw: Vec<u8>) -> (String, tokio::task::JoinHandle<()>) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buffer = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buffer).await.unwrap();
            request.extend_from_slice(&buffer[..n]);
        }
        // The peer may hang up first once it has seen enough; that is the point of some cases.
        let _ = socket.write_all(&raw).await;
        let _ = socket.shutdown().await;
    });
    (format!("http://{address}"), server)
}

/// A base URL whose connections are refused: its port is held by a socket bound but not
/// listening, so no other test's server can take the port while the socket lives (a port
/// closed again could be, under load). Keep the socket until the test is done.
pub fn refusing_base_url() -> (String, tokio::net::TcpSocket) {
    let held = tokio::net::TcpSocket::new_v4().unwrap();
    held.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = held.local_addr().unwrap().port();
    (format!("http://127.0.0.1:{port}"), held)
}

/// The schema of query parameter `name` of the participant list (`listParticipantsByName`), as
/// the spec gives it: its bounds and default, read where the tests need them.
pub fn list_query_schema(name: &str) -> Value {
    let doc = spec();
    let op = operations(&doc)
        .into_iter()
        .find(|op| op.operation_id == "listParticipantsByName")
        .expect("the spec has the participant list");
    op.query_parameters
        .into_iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("the participant list has no query parameter {name}"))
        .schema
}

/// The spec's `minimum` and `maximum` of query parameter `name` of the participant list.
pub fn list_query_bounds(name: &str) -> (Option<u64>, Option<u64>) {
    let schema = list_query_schema(name);
    let bound = |key: &str| schema.get(key).map(|b| b.as_u64().unwrap());
    (bound("minimum"), bound("maximum"))
}
