//! Every documented response of every operation, served by wiremock exactly where Plivo would
//! serve it, decoded by the generated client, and held to a reviewed snapshot. Success bodies
//! must also serialize back to the example with no key dropped and no value changed.

mod support;

use std::collections::BTreeSet;

use plivo_mpc_conformance::mount;
use plivo_mpc_conformance::ResponseExample;
use serde_json::Value;

#[tokio::test]
async fn every_documented_response_replays_to_its_snapshot() {
    let doc = support::spec();
    let operations = support::operations(&doc);
    let examples = plivo_mpc_conformance::response_examples(&doc).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !examples.is_empty(),
        "the spec documents no response examples"
    );

    for example in &examples {
        let op = operations
            .iter()
            .find(|o| o.operation_id == example.operation_id)
            .expect("every example belongs to an operation");
        let auth_id = support::auth_id(op);
        let segments = support::expected_segments(op, &[]);

        let server = support::server_with_catch_all().await;
        server
            .register(
                mount::example_mock(op, example, segments, support::basic_auth(&auth_id)).expect(1),
            )
            .await;
        let client = support::client_for(&server, &auth_id);
        let outcome = support::call(&client, op, &[], &[]).await;

        let context = format!("{} answering {}", op.operation_id, example.case_name());
        let round_trip = match &outcome {
            Ok(answer) => Some(answer.json.clone()),
            Err(error) => error
                .api_error()
                .map(|body| serde_json::to_value(body).expect("serializes")),
        };
        // A response shared by several operations is held to one snapshot: the operation's
        // name is the only thing allowed to differ.
        let rendered = support::render(&outcome).replace(&op.operation_id, "<operation>");
        assert!(
            !rendered.contains(support::TEST_TOKEN),
            "{context}: token in output"
        );
        insta::with_settings!({
            description => example.summary.clone().unwrap_or_default(),
            info => &example.pointer,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(snapshot_name(example), rendered);
        });
        assert_round_trip(example, round_trip, &context);
        server.verify().await;
    }
}

/// One snapshot per response and example: `ParticipantList-200-documented` for a response in
/// `components/responses` (shared by the operations that use it), else
/// `getWidgetByName-200-documented`.
fn snapshot_name(example: &ResponseExample) -> String {
    let owner = example
        .pointer
        .strip_prefix("/components/responses/")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or(&example.operation_id);
    format!("{owner}-{}", example.case_name())
}

/// The typed value, serialized again, is the example: every key kept, every value unchanged.
fn assert_round_trip(example: &ResponseExample, round_trip: Option<Value>, context: &str) {
    let Some(value) = round_trip else {
        panic!("{context}: the client did not decode the documented body into its type");
    };
    if value != example.value {
        let want = serde_json::to_string_pretty(&example.value).unwrap();
        let got = serde_json::to_string_pretty(&value).unwrap();
        let diff = similar::TextDiff::from_lines(&want, &got)
            .unified_diff()
            .header("example in the spec", "decoded and serialized again")
            .to_string();
        panic!(
            "{context}: the round trip changed the body ({}):\n{diff}",
            example.pointer
        );
    }
}

#[test]
fn every_example_has_a_snapshot_and_every_snapshot_an_example() {
    let doc = support::spec();
    let expected: BTreeSet<String> = plivo_mpc_conformance::response_examples(&doc)
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|e| format!("replay__{}.snap", snapshot_name(e)))
        .collect();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let present: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("replay__") && name.ends_with(".snap"))
        .collect();
    let missing: Vec<_> = expected.difference(&present).collect();
    let orphaned: Vec<_> = present.difference(&expected).collect();
    assert!(
        missing.is_empty() && orphaned.is_empty(),
        "snapshots out of step with the spec's examples in {}:\n  \
         examples without a snapshot: {missing:?} (run `cargo insta test -p plivo-mpc-conformance` \
         and review with `cargo insta review`)\n  \
         snapshots without an example: {orphaned:?} (delete them)",
        dir.display()
    );
}

#[tokio::test]
#[should_panic(expected = "catch-all for requests that no documented response matched")]
async fn an_unexpected_request_fails_loudly() {
    let doc = support::spec();
    let op = &support::operations(&doc)
        .into_iter()
        .find(|op| !support::caller_path_parameters(op).is_empty())
        .expect("an operation with a path value");
    let server = support::server_with_catch_all().await;
    let client = support::client_for(&server, &support::auth_id(op));
    let parameter = support::caller_path_parameters(op)[0];
    let outcome = support::call(&client, op, &[(parameter, "nobody-mounted-this")], &[]).await;
    assert_eq!(
        outcome.unwrap_err().status().map(|s| s.as_u16()),
        Some(mount::UNEXPECTED_REQUEST_STATUS)
    );
    server.verify().await;
}

/// An operation whose success has no body (`204`) documents no example to replay; its bare
/// success must still come back `Ok` with that status, through the same path.
#[tokio::test]
async fn every_bodiless_success_is_ok() {
    let doc = support::spec();
    let examples = plivo_mpc_conformance::response_examples(&doc).unwrap();
    let mut checked = 0;
    for op in support::operations(&doc) {
        if examples
            .iter()
            .any(|e| e.operation_id == op.operation_id && e.is_success())
        {
            continue;
        }
        let status = op.success_status.expect("a declared success status");
        let auth_id = support::auth_id(&op);
        let server = support::server_with_catch_all().await;
        server
            .register(
                support::success_mock(
                    &op,
                    support::expected_segments(&op, &[]),
                    support::basic_auth(&auth_id),
                )
                .expect(1),
            )
            .await;
        let client = support::client_for(&server, &auth_id);
        let answer = support::call(&client, &op, &[], &[])
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", op.operation_id));
        assert_eq!(answer.status.as_u16(), status, "{}", op.operation_id);
        server.verify().await;
        checked += 1;
    }
    assert!(
        checked > 0,
        "the spec has operations that answer without a body"
    );
}
