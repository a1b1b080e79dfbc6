//! Bad spec input: each case runs the real `xtask` binary on a broken copy of the spec and
//! expects a non-zero exit, a message that names the file and the place, and the output file
//! left exactly as it was.

use std::path::{Path, PathBuf};
use std::process::Command;

use plivo_mpc_spec::default_spec_path;
use serde_json::Value;

struct Outcome {
    success: bool,
    stderr: String,
    spec_path: PathBuf,
}

fn spec_text() -> String {
    std::fs::read_to_string(default_spec_path()).unwrap()
}

fn spec_value() -> Value {
    serde_yaml_ng::from_str(&spec_text()).unwrap()
}

/// Runs `xtask <command> --spec <bad spec>` (and `--output` for generate) in a scratch folder
/// holding a copy of the committed generated module, and checks that copy is untouched.
fn run(command: &str, spec: &str) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let spec_path = dir.path().join("bad.yaml");
    std::fs::write(&spec_path, spec).unwrap();
    let output_path = dir.path().join("generated.rs");
    let committed = std::fs::read(xtask::generate::default_output_path()).unwrap();
    std::fs::write(&output_path, &committed).unwrap();

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.arg(command).arg("--spec").arg(&spec_path);
    if command == "generate" {
        cmd.arg("--output").arg(&output_path);
    }
    let out = cmd.output().unwrap();
    assert_eq!(
        std::fs::read(&output_path).unwrap(),
        committed,
        "{command} changed the output file although the spec was bad"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "bad.yaml" && n != "generated.rs")
        .collect();
    assert!(
        leftovers.is_empty(),
        "{command} left files behind: {leftovers:?}"
    );
    Outcome {
        success: out.status.success(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        spec_path,
    }
}

/// Both commands refuse the spec with a message containing every one of `expected`.
fn refused_by_both(spec: &str, expected: &[&str]) {
    for command in ["generate", "lint"] {
        let outcome = run(command, spec);
        assert!(!outcome.success, "{command} accepted a bad spec");
        assert!(
            outcome
                .stderr
                .contains(&*outcome.spec_path.to_string_lossy()),
            "{command}: the message does not name the file:\n{}",
            outcome.stderr
        );
        for part in expected {
            assert!(
                outcome.stderr.contains(part),
                "{command}: expected {part:?} in:\n{}",
                outcome.stderr
            );
        }
        assert!(!outcome.stderr.contains("panicked"), "{}", outcome.stderr);
    }
}

fn as_json(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn invalid_yaml_is_reported_with_its_line() {
    let text = spec_text();
    let needle = "operationId: listParticipantsByUuid";
    let line = line_of(&text, needle);
    let broken = text.replace(needle, "operationId: listParticipantsByUuid: nested");
    refused_by_both(&broken, &["invalid YAML", &format!(":{line}:")]);
}

#[test]
fn an_unresolved_ref_is_reported_with_its_pointer() {
    let mut spec = spec_value();
    spec["components"]["schemas"]["ParticipantList"]["properties"]["meta"]["$ref"] =
        Value::String("#/components/schemas/PageMetaTypo".into());
    refused_by_both(
        &as_json(&spec),
        &[
            "/components/schemas/ParticipantList/properties/meta/$ref",
            "#/components/schemas/PageMetaTypo",
            "does not resolve",
        ],
    );
}

#[test]
fn an_openapi_3_1_document_is_refused() {
    let mut spec = spec_value();
    spec["openapi"] = Value::String("3.1.0".into());
    refused_by_both(&as_json(&spec), &["/openapi is \"3.1.0\"", "3.0.x"]);
}

#[test]
fn a_duplicate_operation_id_is_reported_at_the_second_one() {
    let text = spec_text().replace(
        "operationId: listParticipantsByUuid",
        "operationId: listParticipantsByName",
    );
    refused_by_both(
        &text,
        &[
            "duplicate operationId \"listParticipantsByName\"",
            "/paths/~1v1~1Account~1{auth_id}~1MultiPartyCall~1uuid_{mpc_uuid}~1Participant~1/get/operationId",
        ],
    );
}

#[test]
fn an_example_that_contradicts_its_schema_is_reported_with_its_pointer_and_line() {
    let text = spec_text();
    let needle = "\"member_id\": \"229\",";
    let line = line_of(&text, needle);
    let broken = text.replace(needle, "\"member_id\": 229,");
    refused_by_both(
        &broken,
        &[
            &format!(":{line}: /components/responses/ParticipantList/content/application~1json/examples/documented/value/objects/0/member_id"),
            "example does not match its schema",
        ],
    );
}

#[test]
fn a_nullable_field_set_to_null_in_an_example_is_fine_but_a_non_nullable_one_is_not() {
    let mut spec = spec_value();
    let objects = "/components/responses/ParticipantList/content/application~1json/examples/documented/value/objects/0";
    *spec.pointer_mut(&format!("{objects}/exit_time")).unwrap() = Value::Null;
    *spec.pointer_mut(&format!("{objects}/join_time")).unwrap() = Value::Null;
    refused_by_both(&as_json(&spec), &[&format!("{objects}/join_time")]);
}

#[test]
fn an_undeclared_path_parameter_is_reported() {
    let mut spec = spec_value();
    let item = spec["paths"]
        .as_object_mut()
        .unwrap()
        .iter_mut()
        .find(|(template, _)| template.contains("{mpc_name}"))
        .map(|(_, item)| item)
        .unwrap();
    let parameters = item["parameters"].as_array_mut().unwrap();
    parameters.retain(|p| p["$ref"] != "#/components/parameters/MpcName");
    refused_by_both(
        &as_json(&spec),
        &["names {mpc_name} but no `in: path` parameter declares it"],
    );
}

#[test]
fn a_status_without_an_example_is_reported() {
    let mut spec = spec_value();
    spec["components"]["responses"]["NotFound"]["content"]["application/json"]
        .as_object_mut()
        .unwrap()
        .remove("examples");
    refused_by_both(&as_json(&spec), &["status 404", "has no example"]);
}

#[test]
fn a_missing_spec_file_is_named() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["lint", "--spec"])
        .arg(Path::new("/nonexistent/spec.yaml"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/spec.yaml"));
}

#[test]
fn a_key_given_twice_is_reported_with_its_line() {
    // YAML parsers merge a repeated key (the last wins); other OpenAPI tools refuse the file.
    let text = spec_text().replacen(
        "\n  schemas:\n",
        "\n  schemas:\n    Timestamp:\n      type: string\n",
        1,
    );
    refused_by_both(&text, &["\"Timestamp\" appears twice", "invalid YAML"]);
}

#[test]
fn a_component_nothing_references_is_reported() {
    let mut spec = spec_value();
    spec["components"]["schemas"]["Orphan"] = serde_json::json!({"type": "string"});
    refused_by_both(
        &as_json(&spec),
        &[
            "/components/schemas/Orphan",
            "no $ref reaches this component",
        ],
    );
}

#[test]
fn extensible_values_that_give_one_rust_name_are_refused_by_generate() {
    let mut spec = spec_value();
    spec["components"]["schemas"]["Participant"]["properties"]["role"]["x-extensible-enum"] =
        serde_json::json!(["agent", "ai-agent", "ai agent"]);
    let outcome = run("generate", &as_json(&spec));
    assert!(
        !outcome.success,
        "generate accepted two values with one variant name"
    );
    for part in [
        &*outcome.spec_path.to_string_lossy(),
        "/components/schemas/Participant/properties/role/x-extensible-enum",
        "\"ai agent\"",
        "no variant name of its own",
    ] {
        assert!(
            outcome.stderr.contains(part),
            "expected {part:?} in:\n{}",
            outcome.stderr
        );
    }
    assert!(!outcome.stderr.contains("panicked"), "{}", outcome.stderr);
}
