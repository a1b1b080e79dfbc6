//! `cargo xtask verify` against servers whose answers are known: the project's own mock (which
//! answers as the spec says, so nothing may differ), and a wiremock server that answers from
//! the spec's examples except for the deviations each test puts in (which must be reported by
//! operation, field, expected and got). Neither server writes anything: the wiremock one
//! refuses every call but a GET unless the test asks for writes.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use plivo_mpc_spec::catalogue::{self, Operation};
use plivo_mpc_spec::document::{default_spec_path, SpecDocument};
use serde_json::{json, Value};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};
use xtask::binaries::RunningMock;
use xtask::verify::credentials::{Credentials, AUTH_ID_VARIABLE, AUTH_TOKEN_VARIABLE};
use xtask::verify::report::{Difference, Outcome, Report};
use xtask::verify::{verify, Settings, READ_METHOD};

/// Twenty characters starting `MA`, as Plivo's account ids are; the mock wants the Basic user to
/// be the path's `auth_id`.
const AUTH_ID: &str = "MAVERIFYTESTACCOUNT1";
const AUTH_TOKEN: &str = "tok-3xYz-never-shown";

fn spec() -> SpecDocument {
    SpecDocument::load(default_spec_path()).expect("the spec loads")
}

fn credentials() -> Credentials {
    Credentials::new(AUTH_ID.into(), AUTH_TOKEN.into()).unwrap()
}

fn settings(base_url: &str, writes: &[&str]) -> Settings {
    Settings {
        base_url: base_url.to_owned(),
        writes: writes.iter().map(|w| (*w).to_owned()).collect(),
        path_values: BTreeMap::new(),
        timeout: Duration::from_secs(30),
    }
}

fn reads(doc: &SpecDocument) -> Vec<Operation> {
    catalogue::operations(doc)
        .unwrap()
        .into_iter()
        .filter(|op| op.method == READ_METHOD)
        .collect()
}

#[test]
fn the_project_mock_answers_every_read_as_the_spec_says() {
    let doc = spec();
    let mock = RunningMock::start(doc.path()).expect("the mock starts");
    let report = verify(&doc, &settings(&mock.url, &[]), &credentials()).unwrap();
    print!("{report}");
    assert!(report.passed(), "{report}");
    assert_eq!(report.differences, Vec::<Difference>::new());
    let read_ids: Vec<String> = reads(&doc).into_iter().map(|op| op.operation_id).collect();
    assert_eq!(report.operations.len(), read_ids.len(), "{report}");
    for result in &report.operations {
        assert!(read_ids.contains(&result.operation_id), "{report}");
        // Every path value was found in the mock's lists, so nothing is skipped.
        assert!(
            matches!(result.outcome, Outcome::Checked { differences: 0, status } if status < 300),
            "{}: {:?}",
            result.operation_id,
            result.outcome
        );
    }
    // The mock recorded exactly the reads, each with the account's Basic credentials.
    let recorded: Value = reqwest::blocking::get(format!("{}/__mock/requests", mock.url))
        .and_then(|r| r.json())
        .expect("the mock hands back its requests");
    let requests = recorded["requests"].as_array().unwrap();
    assert_eq!(requests.len(), read_ids.len(), "{recorded:#}");
    for request in requests {
        assert_eq!(request["method"], READ_METHOD, "{request}");
    }
}

/// With every write named, each is called once, after the reads, with the spec's request body
/// example, and the mock (which checks bodies against the spec) answers each with a success.
#[test]
fn the_project_mock_accepts_every_write_named_with_its_example() {
    let doc = spec();
    let mock = RunningMock::start(doc.path()).expect("the mock starts");
    let writes: Vec<String> = catalogue::operations(&doc)
        .unwrap()
        .into_iter()
        .filter(|op| op.method != READ_METHOD)
        .map(|op| op.operation_id)
        .collect();
    let names: Vec<&str> = writes.iter().map(String::as_str).collect();
    let report = verify(&doc, &settings(&mock.url, &names), &credentials()).unwrap();
    assert!(report.passed(), "{report}");
    assert!(report.writes_not_run.is_empty(), "{report}");
    let called: Vec<&str> = report
        .operations
        .iter()
        .skip(reads(&doc).len())
        .map(|o| o.operation_id.as_str())
        .collect();
    assert_eq!(
        called, names,
        "the writes run after the reads, in the order named"
    );
    for result in &report.operations {
        assert!(
            matches!(result.outcome, Outcome::Checked { differences: 0, status } if (200..300).contains(&status)),
            "{}: {:?}",
            result.operation_id,
            result.outcome
        );
    }
}

/// A server answering each read with the spec's success example for it (the `documented` one
/// where there is one), changed by `deviate`; anything but a GET fails the test when the server
/// is dropped unless `writes_allowed`.
struct Deviating {
    runtime: tokio::runtime::Runtime,
    server: Option<MockServer>,
}

type Deviation = fn(operation_id: &str, request: &Request, status: &mut u16, body: &mut Value);

impl Deviating {
    fn start(doc: &SpecDocument, deviate: Deviation, writes_allowed: bool) -> Self {
        let examples = catalogue::response_examples(doc).unwrap();
        let answers: Vec<(Operation, u16, Value)> = catalogue::operations(doc)
            .unwrap()
            .into_iter()
            .map(|op| {
                let successes: Vec<_> = examples
                    .iter()
                    .filter(|e| e.operation_id == op.operation_id && e.is_success())
                    .collect();
                let chosen = successes
                    .iter()
                    .find(|e| e.name == catalogue::DOCUMENTED)
                    .or(successes.first());
                let (status, body) = match chosen {
                    Some(e) => (e.status, e.value.clone()),
                    None => (op.success_status.unwrap_or(204), Value::Null),
                };
                (op, status, body)
            })
            .collect();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let server = runtime.block_on(async {
            let server = MockServer::start().await;
            if !writes_allowed {
                Mock::given(|request: &Request| request.method.as_str() != READ_METHOD)
                    .respond_with(ResponseTemplate::new(500).set_body_string("a write was called"))
                    .with_priority(1)
                    .named("no call but a GET")
                    .expect(0)
                    .mount(&server)
                    .await;
            }
            Mock::given(|_: &Request| true)
                .respond_with(move |request: &Request| {
                    let Some((op, status, body)) = answers.iter().find(|(op, _, _)| {
                        op.method == request.method.as_str()
                            && template_matches(&op.path_template, request.url.path())
                    }) else {
                        return ResponseTemplate::new(404)
                            .set_body_json(json!({"error": "not found"}));
                    };
                    let (mut status, mut body) = (*status, body.clone());
                    deviate(&op.operation_id, request, &mut status, &mut body);
                    match body {
                        Value::Null => ResponseTemplate::new(status),
                        body => ResponseTemplate::new(status).set_body_json(body),
                    }
                })
                .with_priority(2)
                .mount(&server)
                .await;
            server
        });
        Self {
            runtime,
            server: Some(server),
        }
    }

    fn url(&self) -> String {
        self.server.as_ref().unwrap().uri()
    }

    /// (method, path) of every request received.
    fn received(&self) -> Vec<(String, String)> {
        let server = self.server.as_ref().unwrap();
        self.runtime
            .block_on(server.received_requests())
            .unwrap_or_default()
            .iter()
            .map(|r| (r.method.to_string(), r.url.path().to_owned()))
            .collect()
    }

    /// (method, path) of every request received that was not a GET.
    fn writes_received(&self) -> Vec<(String, String)> {
        self.received()
            .into_iter()
            .filter(|(method, _)| method != READ_METHOD)
            .collect()
    }
}

/// The one difference reported for `operation_id`.
fn difference_of<'a>(report: &'a Report, operation_id: &str) -> &'a Difference {
    let mut found = report
        .differences
        .iter()
        .filter(|d| d.operation_id == operation_id);
    match (found.next(), found.next()) {
        (Some(difference), None) => difference,
        _ => panic!("not exactly one difference for {operation_id}:\n{report}"),
    }
}

impl Drop for Deviating {
    fn drop(&mut self) {
        // wiremock checks `expect(0)` when the server is dropped, inside the runtime.
        let server = self.server.take();
        self.runtime.block_on(async move { drop(server) });
    }
}

/// Whether `path` is an instance of the spec's `template` (a `{name}` stands for a non-empty
/// part of one segment).
fn template_matches(template: &str, path: &str) -> bool {
    let template: Vec<&str> = template.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    template.len() == path.len()
        && template
            .iter()
            .zip(&path)
            .all(|(t, p)| match t.split_once('{') {
                None => t == p,
                Some((before, rest)) => {
                    let after = rest.split_once('}').map_or("", |(_, after)| after);
                    p.len() > before.len() + after.len()
                        && p.starts_with(before)
                        && p.ends_with(after)
                }
            })
}

/// The deviations the report must name: a field of the wrong type, an undocumented status, and
/// (a note, not a difference) a field the spec does not declare, whose value echoes the request
/// path and the token so that the report must scrub both credentials.
fn three_deviations(operation_id: &str, request: &Request, status: &mut u16, body: &mut Value) {
    match operation_id {
        "getMpcByUuid" => body["friendly_name"] = json!(42),
        "getParticipantByName" => *status = 418,
        "listMpcs" => {
            body["surprise"] = json!({"path": request.url.path(), "token": AUTH_TOKEN});
        }
        _ => {}
    }
}

fn no_deviation(_: &str, _: &Request, _: &mut u16, _: &mut Value) {}

#[test]
fn a_deviating_server_is_reported_by_operation_field_expected_and_got() {
    let doc = spec();
    let server = Deviating::start(&doc, three_deviations, false);
    let report = verify(&doc, &settings(&server.url(), &[]), &credentials()).unwrap();
    print!("{report}");
    assert!(!report.passed());

    let wrong_type = difference_of(&report, "getMpcByUuid");
    assert_eq!(wrong_type.field, "/friendly_name");
    assert_eq!(wrong_type.expected, "type string");
    assert_eq!(wrong_type.got, "42");

    let status = difference_of(&report, "getParticipantByName");
    assert_eq!(status.field, "status");
    assert_eq!(status.got, "418");
    assert!(
        status.expected.contains("200") && status.expected.contains("5XX"),
        "{status:?}"
    );
    // Nothing else differs: the other reads answered the spec's own examples.
    assert_eq!(report.differences.len(), 2, "{report}");

    let note = report
        .notes
        .iter()
        .find(|n| n.operation_id == "listMpcs" && n.field == "/surprise")
        .unwrap_or_else(|| panic!("the undeclared field is not noted:\n{report}"));
    assert!(note.got.contains("{auth_id}"), "{note:?}");
    assert!(note.got.contains("{auth_token}"), "{note:?}");
    assert_eq!(report.notes.len(), 1, "{report}");

    let calls = server.received();
    assert!(
        calls.iter().all(|(method, _)| method == READ_METHOD),
        "{calls:?}"
    );
    assert_eq!(calls.len(), reads(&doc).len(), "{calls:?}");
}

#[test]
fn writes_are_called_only_when_named() {
    let doc = spec();
    let server = Deviating::start(&doc, no_deviation, true);
    let without = verify(&doc, &settings(&server.url(), &[]), &credentials()).unwrap();
    assert!(without.passed(), "{without}");
    assert_eq!(
        server.writes_received(),
        Vec::new(),
        "a write was called without --write"
    );

    let with = verify(
        &doc,
        &settings(&server.url(), &["stopSpeakByUuid"]),
        &credentials(),
    )
    .unwrap();
    assert!(with.passed(), "{with}");
    let writes = server.writes_received();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0].0, "DELETE");
    assert!(
        writes[0]
            .1
            .starts_with(&format!("/v1/Account/{AUTH_ID}/MultiPartyCall/uuid_"))
            && writes[0].1.ends_with("/Speak/"),
        "{writes:?}"
    );
    assert!(!with.writes_not_run.contains(&"stopSpeakByUuid".to_owned()));
}

#[test]
fn the_command_fails_on_a_difference_and_shows_no_credential() {
    let doc = spec();
    let server = Deviating::start(&doc, three_deviations, false);
    let directory = tempfile::tempdir().unwrap();
    let json_path = directory.path().join("report.json");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["verify", "--base-url", &server.url(), "--json"])
        .arg(&json_path)
        .env(AUTH_ID_VARIABLE, AUTH_ID)
        .env(AUTH_TOKEN_VARIABLE, AUTH_TOKEN)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("getMpcByUuid /friendly_name"), "{stdout}");
    assert!(stderr.contains("2 difference(s)"), "{stderr}");
    let json_text = std::fs::read_to_string(&json_path).unwrap();
    let written: Value = serde_json::from_str(&json_text).unwrap();
    assert_eq!(written["differences"].as_array().map(Vec::len), Some(2));
    assert_eq!(written["differences"][0]["field"], "/friendly_name");
    for (name, text) in [
        ("stdout", &*stdout),
        ("stderr", &*stderr),
        ("json", &json_text),
    ] {
        assert!(
            !text.contains(AUTH_TOKEN),
            "{name} shows the token:\n{text}"
        );
        assert!(!text.contains(AUTH_ID), "{name} shows the auth id:\n{text}");
    }
}
