//! The standalone mock (`cargo xtask mock`) answers like Plivo, driven over real HTTP.

mod support;

use plivo_mpc_conformance::mount;
use plivo_mpc_conformance::{mock_server, Operation, SpecDocument};
use serde_json::Value;

struct Running {
    server: plivo_mpc_conformance::http_server::Serving,
    http: reqwest::Client,
    doc: SpecDocument,
}

async fn start() -> Running {
    let doc = support::spec();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let server = mock_server::start(&doc, listener, false).await.unwrap();
    Running {
        server,
        http: reqwest::Client::new(),
        doc,
    }
}

impl Running {
    /// What the mock hands back from `GET /__mock/requests` (and then forgets).
    async fn recorded(&self) -> Value {
        let url = format!("{}{}", self.server.uri(), mock_server::REQUESTS_PATH);
        let response = self.http.get(url).send().await.unwrap();
        response.json().await.unwrap()
    }

    fn operations(&self) -> Vec<Operation> {
        support::operations(&self.doc)
    }

    fn url(&self, op: &Operation, query: &str) -> String {
        format!(
            "{}{}{query}",
            self.server.uri(),
            mount::example_path(op).unwrap()
        )
    }

    /// A request as the seed page's curl sends it (`--user AUTH_ID:AUTH_TOKEN`), with the
    /// operation's method and its request body example, if it takes a body.
    fn get(&self, op: &Operation, query: &str) -> reqwest::RequestBuilder {
        self.unauthenticated(op, &self.url(op, query))
            .basic_auth(support::auth_id(op), Some(support::TEST_TOKEN))
    }

    /// `url` with the operation's method and body example, and no credentials.
    fn unauthenticated(&self, op: &Operation, url: &str) -> reqwest::RequestBuilder {
        let method = reqwest::Method::from_bytes(op.method.as_bytes()).unwrap();
        let request = self.http.request(method, url);
        match op.request_body_example() {
            Some(body) => request.json(body),
            None => request,
        }
    }
}

/// The first example of `op` named `name`: the one a request naming only the example gets.
fn first_named<'a>(
    examples: &'a [plivo_mpc_conformance::ResponseExample],
    op: &Operation,
    name: &str,
) -> &'a plivo_mpc_conformance::ResponseExample {
    examples
        .iter()
        .find(|e| e.operation_id == op.operation_id && e.name == name)
        .unwrap()
}

/// The operations that take `limit` and `offset` (the list calls).
fn list_operations(ops: Vec<Operation>) -> Vec<Operation> {
    ops.into_iter()
        .filter(|op| {
            ["limit", "offset"]
                .iter()
                .all(|name| op.query_parameters.iter().any(|p| p.name == *name))
        })
        .collect()
}

async fn status_and_json(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    if status == 204 {
        assert!(
            response.bytes().await.unwrap().is_empty(),
            "a 204 has no body"
        );
        return (status, Value::Null);
    }
    assert_eq!(
        response.headers()["content-type"],
        "application/json",
        "every answer is JSON"
    );
    (status, response.json().await.unwrap())
}

fn find_example(
    doc: &SpecDocument,
    op: &Operation,
    status: u16,
    name: Option<&str>,
) -> Option<Value> {
    plivo_mpc_conformance::response_examples(doc)
        .unwrap()
        .into_iter()
        .find(|e| {
            e.operation_id == op.operation_id
                && e.status == status
                && name.is_none_or(|n| e.name == n)
        })
        .map(|e| e.value)
}

fn example(doc: &SpecDocument, op: &Operation, status: u16, name: Option<&str>) -> Value {
    find_example(doc, op, status, name)
        .unwrap_or_else(|| panic!("no {status} example for {}", op.operation_id))
}

/// What the mock answers by default: the `documented` example, else the first success example,
/// else the operation's success status with no body.
fn default_answer(doc: &SpecDocument, op: &Operation) -> (u16, Value) {
    let examples = plivo_mpc_conformance::response_examples(doc).unwrap();
    let mine: Vec<_> = examples
        .iter()
        .filter(|e| e.operation_id == op.operation_id)
        .collect();
    let chosen = mine
        .iter()
        .find(|e| e.name == mock_server::DEFAULT_EXAMPLE)
        .or_else(|| mine.iter().find(|e| e.is_success()));
    match chosen {
        Some(e) => (e.status, e.value.clone()),
        None => (
            op.success_status
                .unwrap_or_else(|| panic!("{} declares no success", op.operation_id)),
            Value::Null,
        ),
    }
}

#[tokio::test]
async fn the_seed_curl_command_gets_the_default_answer_of_every_operation() {
    let mock = start().await;
    for op in mock.operations() {
        assert_eq!(
            status_and_json(mock.get(&op, "")).await,
            default_answer(&mock.doc, &op),
            "{}",
            op.operation_id
        );
    }
}

#[tokio::test]
async fn basic_auth_is_required_and_must_name_the_paths_account() {
    let mock = start().await;
    for op in mock.operations() {
        let Some(unauthorized) = find_example(&mock.doc, &op, 401, None) else {
            continue;
        };
        let url = mock.url(&op, "");
        let no_auth = mock.unauthenticated(&op, &url);
        let other_account = mock
            .unauthenticated(&op, &url)
            .basic_auth("MAOTHERACCOUNT000000", Some("token"));
        let empty_token = mock
            .unauthenticated(&op, &url)
            .basic_auth(support::auth_id(&op), Some(""));
        let bearer = mock.unauthenticated(&op, &url).bearer_auth("token");
        for request in [no_auth, other_account, empty_token, bearer] {
            assert_eq!(status_and_json(request).await, (401, unauthorized.clone()));
        }
    }
}

#[tokio::test]
async fn query_parameters_are_checked_against_the_spec() {
    let mock = start().await;
    let lists = list_operations(mock.operations());
    assert!(!lists.is_empty(), "the spec has list operations");
    for op in lists {
        for (query, parameter) in [
            ("?limit=0", "limit"),
            ("?limit=21", "limit"),
            ("?limit=ten", "limit"),
            ("?offset=-1", "offset"),
            ("?offset=1.5", "offset"),
            ("?offset=abc", "offset"),
            ("?limit=5&limit=6", "limit"),
            ("?limt=5", "\"limt\""),
        ] {
            let (status, body) = status_and_json(mock.get(&op, query)).await;
            assert_eq!(status, 400, "{query}");
            let message = body["error"].as_str().unwrap();
            assert!(message.starts_with(parameter), "{query}: {message}");
        }
        for query in [
            "?limit=1",
            "?limit=20&offset=0",
            "?offset=40",
            "?offset=2497804609067506578971688960",
            // Past the largest float (309 digits and more): once a worker's panic.
            &format!("?offset={}", "9".repeat(400)),
        ] {
            assert_eq!(
                status_and_json(mock.get(&op, query)).await.0,
                default_answer(&mock.doc, &op).0,
                "{query}"
            );
        }
    }
}

#[tokio::test]
async fn unknown_paths_are_404_and_other_methods_405_with_error_bodies() {
    let mock = start().await;
    let op = &mock.operations()[0];
    let base = mock.server.uri();
    for path in [
        "/",
        "/v1/Account/MANWVLYTK4ZWU1YTY4QA/MultiPartyCall/name_x/Participant",
        "/v1/Account/MANWVLYTK4ZWU1YTY4QA/MultiPartyCall/x/Participant/",
        "/v1/Account/MANWVLYTK4ZWU1YTY4QA/MultiPartyCall/name_/Participant/",
        "/v1/Account/MANWVLYTK4ZWU1YTY4QA/MultiPartyCall/name_a/b/Participant/",
    ] {
        let request = mock
            .http
            .get(format!("{base}{path}"))
            .basic_auth("MA", Some("t"));
        let (status, body) = status_and_json(request).await;
        assert_eq!(status, 404, "{path}");
        assert!(body["error"].is_string(), "{path}: {body}");
        // The spec's own 404 example, unchanged.
        assert_eq!(body, any_example(&mock.doc, 404), "{path}");
    }
    for method in [
        reqwest::Method::POST,
        reqwest::Method::DELETE,
        reqwest::Method::PUT,
    ] {
        let response = mock
            .http
            .request(method.clone(), mock.url(op, ""))
            .basic_auth(support::auth_id(op), Some(support::TEST_TOKEN))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 405, "{method}");
        assert_eq!(response.headers()["allow"], "GET");
        let body: Value = response.json().await.unwrap();
        assert!(body["error"].is_string(), "{method}: {body}");
        assert_eq!(body, any_example(&mock.doc, 405), "{method}");
    }
}

/// The spec's example for `status`, of whichever operation has one first.
fn any_example(doc: &SpecDocument, status: u16) -> Value {
    plivo_mpc_conformance::response_examples(doc)
        .unwrap()
        .into_iter()
        .find(|e| e.status == status)
        .unwrap_or_else(|| panic!("no {status} example in the spec"))
        .value
}

#[tokio::test]
async fn prefer_selects_any_example_in_the_spec() {
    let mock = start().await;
    let examples = plivo_mpc_conformance::response_examples(&mock.doc).unwrap();
    for op in mock.operations() {
        for e in examples
            .iter()
            .filter(|e| e.operation_id == op.operation_id)
        {
            // A name shared by two statuses (one response for 200 and 201) picks the first.
            let first = first_named(&examples, &op, &e.name);
            let by_name = mock
                .get(&op, "")
                .header("prefer", format!("example={}", e.name));
            assert_eq!(
                status_and_json(by_name).await,
                (first.status, first.value.clone()),
                "{}",
                e.name
            );
            let both = mock
                .get(&op, "")
                .header("prefer", format!("code={}, example={}", e.status, e.name));
            assert_eq!(status_and_json(both).await.0, e.status);
        }
        let by_code = mock.get(&op, "").header("prefer", "code=404");
        assert_eq!(
            status_and_json(by_code).await,
            (404, example(&mock.doc, &op, 404, None))
        );
    }
}

#[tokio::test]
async fn an_unknown_example_name_gets_a_400_listing_the_names() {
    let mock = start().await;
    let examples = plivo_mpc_conformance::response_examples(&mock.doc).unwrap();
    for op in mock.operations() {
        let (status, body) = status_and_json(
            mock.get(&op, "")
                .header("prefer", "example=no_such_example"),
        )
        .await;
        assert_eq!(status, 400, "{}", op.operation_id);
        let message = body["error"].as_str().unwrap();
        assert!(message.contains("no_such_example"), "{message}");
        for e in examples
            .iter()
            .filter(|e| e.operation_id == op.operation_id)
        {
            assert!(
                message.contains(&e.case_name()),
                "{message} lacks {}",
                e.case_name()
            );
        }
    }
}

#[tokio::test]
async fn awkward_names_arrive_as_one_segment() {
    let mock = start().await;
    // A GET with a path value besides the auth id (the first operation, `listMpcs`, has none).
    let op = &mock
        .operations()
        .into_iter()
        .find(|op| op.method == "GET" && !support::caller_path_parameters(op).is_empty())
        .expect("a GET operation addressed by a path value");
    let auth_id = support::auth_id(op);
    let path = mount::encode_segments(
        &mount::expected_segments(&op.path_template, |n| {
            Some(if n == "auth_id" {
                auth_id.clone()
            } else {
                "my conf/1?#%".to_owned()
            })
        })
        .unwrap(),
    );
    let request = mock
        .http
        .get(format!("{}{path}", mock.server.uri()))
        .basic_auth(&auth_id, Some("t"));
    assert_eq!(status_and_json(request).await.0, 200, "{path}");
}

#[tokio::test]
async fn an_example_prefix_selects_an_example_without_a_header() {
    let mock = start().await;
    let examples = plivo_mpc_conformance::response_examples(&mock.doc).unwrap();
    for op in mock.operations() {
        for e in examples
            .iter()
            .filter(|e| e.operation_id == op.operation_id)
        {
            let url = format!(
                "{}{}{}{}",
                mock.server.uri(),
                mock_server::EXAMPLE_PREFIX,
                e.name,
                mount::example_path(&op).unwrap()
            );
            let request = mock
                .unauthenticated(&op, &url)
                .basic_auth(support::auth_id(&op), Some(support::TEST_TOKEN));
            let first = first_named(&examples, &op, &e.name);
            assert_eq!(
                status_and_json(request).await,
                (first.status, first.value.clone()),
                "{} {}",
                op.operation_id,
                e.name
            );
        }
    }
}

#[tokio::test]
async fn the_mock_hands_back_what_it_saw_and_forgets_it() {
    let mock = start().await;
    let op = &mock.operations()[0];
    mock.recorded().await;
    status_and_json(mock.get(op, "?limit=3").header("user-agent", "harness/1")).await;
    let seen = mock.recorded().await;
    let seen = seen["requests"].as_array().unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["method"], "GET");
    assert_eq!(seen[0]["path"], mount::example_path(op).unwrap());
    assert_eq!(seen[0]["query"], "limit=3");
    assert_eq!(seen[0]["user_agent"], "harness/1");
    assert!(seen[0]["authorization"]
        .as_str()
        .unwrap()
        .starts_with("Basic "));
    let again = mock.recorded().await;
    assert_eq!(again["requests"], serde_json::json!([]), "handed back once");
}

#[tokio::test]
async fn the_record_stays_bounded() {
    let mock = start().await;
    let op = &mock.operations()[0];
    let extra = 5;
    for _ in 0..mock_server::RECORDED_REQUESTS + extra {
        mock.get(op, "").send().await.unwrap();
    }
    let seen = mock.recorded().await;
    assert_eq!(
        seen["requests"].as_array().unwrap().len(),
        mock_server::RECORDED_REQUESTS
    );
    assert_eq!(seen["dropped"], extra as u64);
}

#[tokio::test]
async fn the_small_things_a_long_running_mock_meets() {
    let mock = start().await;
    let op = &mock.operations()[0];
    let url = mock.url(op, "");
    // The auth scheme is case-insensitive.
    let lowercase = mock.unauthenticated(op, &url).header(
        "authorization",
        format!(
            "basic {}",
            base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                format!("{}:t", support::auth_id(op))
            )
        ),
    );
    assert_eq!(
        status_and_json(lowercase).await.0,
        default_answer(&mock.doc, op).0
    );
    // A code that is no HTTP status is a 400 naming it, not ignored.
    let (status, body) =
        status_and_json(mock.get(op, "").header("prefer", "code=99999999999")).await;
    assert_eq!(status, 400);
    assert!(
        body["error"].as_str().unwrap().contains("code=99999999999"),
        "{body}"
    );
    // A 50 KB example name is not echoed back whole.
    let long = "x".repeat(50 * 1024);
    let (status, body) =
        status_and_json(mock.get(op, "").header("prefer", format!("example={long}"))).await;
    assert_eq!(status, 400);
    assert!(
        body.to_string().len() < 4096,
        "{} bytes",
        body.to_string().len()
    );
}

/// A call that takes a request body gets a 400 naming it when the body is missing (where the
/// spec requires one), is not JSON, or does not fit the schema (cargo-mutants: `check_body`
/// accepting everything went unnoticed, as every test sent the spec's own example).
#[tokio::test]
async fn a_request_body_is_checked_against_the_spec() {
    let mock = start().await;
    let with_body: Vec<Operation> = mock
        .operations()
        .into_iter()
        .filter(|op| op.request_body.as_ref().is_some_and(|b| b.required))
        .collect();
    assert!(!with_body.is_empty(), "the spec has calls that need a body");
    for op in &with_body {
        let method = reqwest::Method::from_bytes(op.method.as_bytes()).unwrap();
        let request = || {
            mock.http
                .request(method.clone(), mock.url(op, ""))
                .basic_auth(support::auth_id(op), Some(support::TEST_TOKEN))
        };
        for (request, says) in [
            (request(), "needs a request body"),
            (
                request()
                    .header("content-type", "application/json")
                    .body("{not json"),
                "not JSON",
            ),
            // Every request body of the spec is an object.
            (request().json(&serde_json::json!([])), "request body at"),
        ] {
            let (status, body) = status_and_json(request).await;
            assert_eq!(status, 400, "{}: {body}", op.operation_id);
            let message = body["error"].as_str().unwrap();
            assert!(message.contains(says), "{}: {message}", op.operation_id);
        }
    }
}

/// A call whose success has no example (a 204) answers a `Prefer: code=` of that very status
/// with it, without a body (cargo-mutants: `==` read as `!=` there turned it into a 400).
#[tokio::test]
async fn prefer_naming_the_success_status_of_a_call_without_a_success_example_gets_it() {
    let mock = start().await;
    let mut checked = 0;
    for op in mock.operations() {
        let (status, body) = default_answer(&mock.doc, &op);
        if !body.is_null() {
            continue;
        }
        let request = mock.get(&op, "").header("prefer", format!("code={status}"));
        assert_eq!(
            status_and_json(request).await,
            (status, Value::Null),
            "{}",
            op.operation_id
        );
        checked += 1;
    }
    assert!(checked > 0, "the spec has calls whose success has no body");
}

/// The first operation whose request takes no body in the spec.
fn operation_without_body(mock: &Running) -> Operation {
    mock.operations()
        .into_iter()
        .find(|op| op.request_body.is_none())
        .expect("the spec has calls without a request body")
}

/// The mock reads a request body of up to 1 MiB (its `MAX_REQUEST_BODY_BYTES`) and answers one
/// byte more with a 413 (cargo-mutants: the limit read as 1024 + 1024 bytes went unnoticed).
#[tokio::test]
async fn a_request_body_of_one_mebibyte_is_read_and_one_byte_more_is_refused() {
    let mock = start().await;
    // A call without a request body in the spec: the body is read, then not looked at.
    let op = operation_without_body(&mock);
    let (expected, _) = default_answer(&mock.doc, &op);
    let mebibyte = 1024 * 1024;
    let (status, _) = status_and_json(mock.get(&op, "").body(vec![b'x'; mebibyte])).await;
    assert_eq!(status, expected, "a body of exactly 1 MiB");
    let (status, body) = status_and_json(mock.get(&op, "").body(vec![b'x'; mebibyte + 1])).await;
    assert_eq!(status, 413, "{body}");
}

/// `GET /__mock/requests` keeps the first 64 KiB of a request body: a body of exactly that size
/// whole, a larger one cut there (cargo-mutants: 64 + 1024 or 64 / 1024 bytes went unnoticed,
/// no recorded body was that long).
#[tokio::test]
async fn a_recorded_body_is_cut_at_64_kib() {
    let mock = start().await;
    let op = operation_without_body(&mock);
    let kept = 64 * 1024;
    for sent in [kept, kept + 1] {
        mock.recorded().await;
        mock.get(&op, "")
            .body(vec![b'x'; sent])
            .send()
            .await
            .unwrap();
        let seen = mock.recorded().await;
        let body = seen["requests"][0]["body"].as_str().unwrap();
        assert_eq!(body.len(), kept, "a body of {sent} bytes");
    }
}

/// Dropping the server stops it: its port refuses connections (cargo-mutants: a `Drop` that did
/// nothing went unnoticed). The accept loop ends when it next runs, so the port is polled, for
/// at most 10 s.
#[tokio::test]
async fn dropping_the_server_stops_it() {
    let mock = start().await;
    let address = mock.server.address();
    tokio::net::TcpStream::connect(address).await.unwrap();
    drop(mock.server);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while tokio::net::TcpStream::connect(address).await.is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "{address} still accepts connections 10 s after the server was dropped"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}
