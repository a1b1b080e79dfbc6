//! The design's two promises, checked on copies of the whole workspace in a temporary folder
//! (the committed tree is never touched):
//!
//! 1. the generator stands alone: with a `generated.rs` that does not compile, `cargo xtask
//!    generate --check` and `cargo xtask generate` still build and run, and the latter repairs it;
//! 2. an operation added to the spec costs no Rust: after `cargo xtask generate`, the mock serves
//!    it, the replay suite replays its examples and the client calls it through the same path.
//!
//! Both build a copy of the workspace, so they take minutes; they are `#[ignore]`d in the plain
//! `cargo test` and run by `.ci/run` (`cargo test -p xtask --test workspace_copies -- --ignored`).
//! The copies share this build's target directory, so only the workspace's own crates rebuild.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use plivo_mpc_spec::workspace_root;

/// The copies share one target directory, where each builds its own `xtask` binary at the same
/// path (a binary reads the spec of the workspace it was built in): one copy at a time.
static ONE_COPY_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A copy of every file git tracks (plus uncommitted edits of them) in a temporary folder.
fn copy_workspace() -> tempfile::TempDir {
    let root = workspace_root();
    let listed = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(&root)
        .output()
        .expect("git lists the workspace's files");
    assert!(listed.status.success(), "git ls-files failed");
    let copy = tempfile::tempdir().unwrap();
    for name in listed.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name = std::str::from_utf8(name).unwrap();
        let from = root.join(name);
        if !from.is_file() {
            continue; // deleted in the working tree
        }
        let to = copy.path().join(name);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to).unwrap();
    }
    copy
}

/// This build's target directory, shared with the copies.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| {
            if p.is_absolute() {
                p
            } else {
                workspace_root().join(p)
            }
        })
        .unwrap_or_else(|| workspace_root().join("target"))
}

fn cargo(dir: &Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir().join("workspace-copies"))
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .expect("cargo runs");
    eprintln!(
        "cargo {}: {}\n{}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stderr)
            .lines()
            .rev()
            .take(30)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n")
    );
    output
}

#[test]
#[ignore = "builds a copy of the workspace (minutes); .ci/run runs it"]
fn the_generator_builds_and_repairs_a_broken_client() {
    let _one = ONE_COPY_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let copy = copy_workspace();
    let generated = copy.path().join("generated/src/generated.rs");
    let committed = std::fs::read_to_string(&generated).unwrap();
    std::fs::write(
        &generated,
        format!("<<<<<<< HEAD\nthis is not Rust\n=======\n{committed}"),
    )
    .unwrap();

    let check = cargo(
        copy.path(),
        &["run", "-p", "xtask", "--", "generate", "--check"],
    );
    assert!(
        !check.status.success(),
        "--check must fail on a broken file"
    );
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(
        stderr.contains("out of date") && stderr.contains("cargo xtask generate"),
        "--check must say the file is stale and what to run, not fail to build:\n{stderr}"
    );

    let repair = cargo(copy.path(), &["run", "-p", "xtask", "--", "generate"]);
    assert!(repair.status.success(), "cargo xtask generate must run");
    assert!(
        std::fs::read_to_string(&generated).unwrap() == committed,
        "cargo xtask generate did not restore the committed generated.rs"
    );
}

/// A new operation in the spec's own style: a path, a query parameter with bounds, a 200
/// example and an error example.
const NEW_PATH: &str = r#"
  /v1/Account/{auth_id}/MultiPartyCall/name_{mpc_name}/Widget/:
    parameters:
      - $ref: '#/components/parameters/AuthId'
      - $ref: '#/components/parameters/MpcName'
    get:
      operationId: getWidgetByName
      summary: A widget of a Multi-Party Call (an operation added by a test)
      parameters:
        - name: size
          in: query
          required: false
          schema:
            type: integer
            minimum: 1
            maximum: 5
          example: 3
      responses:
        '200':
          description: The widget.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Widget'
              examples:
                documented:
                  x-evidence:
                    source: constructed
                    basis: none
                    note: A body made up for the test that adds an operation.
                  value:
                    api_id: widget-api-id
                    colour: teal
                    size: 3
        '404':
          $ref: '#/components/responses/NotFound'
"#;

const NEW_SCHEMA: &str = r#"
    Widget:
      type: object
      required: [api_id, colour, size]
      properties:
        api_id:
          type: string
        colour:
          type: string
        size:
          type: integer
"#;

#[test]
#[ignore = "builds a copy of the workspace (minutes); .ci/run runs it"]
fn an_operation_added_to_the_spec_needs_no_rust() {
    let _one = ONE_COPY_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let copy = copy_workspace();
    let spec_path = copy.path().join("openapi/plivo-mpc.yaml");
    let spec = std::fs::read_to_string(&spec_path).unwrap();
    let spec = spec
        .replacen("\npaths:\n", &format!("\npaths:{NEW_PATH}"), 1)
        .replacen("\n  schemas:\n", &format!("\n  schemas:{NEW_SCHEMA}"), 1);
    std::fs::write(&spec_path, spec).unwrap();

    let generate = cargo(copy.path(), &["run", "-p", "xtask", "--", "generate"]);
    assert!(generate.status.success(), "cargo xtask generate");
    let generated =
        std::fs::read_to_string(copy.path().join("generated/src/generated.rs")).unwrap();
    assert!(generated.contains("pub fn get_widget_by_name("));

    // The replay suite (new snapshots written, as a person would before reviewing them), the
    // request snapshots, the mock, and the stale-client check, on the copy.
    let test = Command::new(env!("CARGO"))
        .args([
            "test",
            "-p",
            "plivo-mpc-conformance",
            "--test",
            "replay",
            "--test",
            "requests",
            "--test",
            "mock_server",
            "--",
            // The snapshot-inventory test lists what the replay test is writing.
            "--test-threads=1",
        ])
        .current_dir(copy.path())
        .env("CARGO_TARGET_DIR", target_dir().join("workspace-copies"))
        .env("INSTA_UPDATE", "always")
        .env_remove("CI")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&test.stdout);
    assert!(
        test.status.success(),
        "the conformance suite fails on the new operation:\n{stdout}\n{}",
        String::from_utf8_lossy(&test.stderr)
    );
    let snapshots = copy.path().join("conformance/tests/snapshots");
    let replayed =
        std::fs::read_to_string(snapshots.join("replay__getWidgetByName-200-documented.snap"))
            .expect("the new operation's 200 example was replayed");
    assert!(
        replayed.contains("colour: \"teal\""),
        "the typed value: {replayed}"
    );
    // The 404 is the shared `NotFound` response: held to its one snapshot, which the new
    // operation's replay must leave exactly as it was (INSTA_UPDATE=always would rewrite it).
    let shared = "replay__NotFound-404-not_found.snap";
    let original = std::fs::read_to_string(
        workspace_root()
            .join("conformance/tests/snapshots")
            .join(shared),
    )
    .unwrap();
    let replayed = std::fs::read_to_string(snapshots.join(shared)).unwrap();
    assert!(
        replayed == original,
        "the new operation's 404 does not render as every other operation's:\n{replayed}"
    );
}
