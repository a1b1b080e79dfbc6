//! `cargo xtask polyglot`: the cross-language conformance matrix.
//!
//! A thin wrapper: it serves the spec on 127.0.0.1 (the mock binary of `cargo xtask mock`, on a
//! free port) and runs `conformance/polyglot/run.py` against it. The mock is the only
//! implementation of example selection (`<mock>/__example/NAME` is each harness's base URL) and
//! of request recording (the runner reads `GET /__mock/requests`); there is no proxy in
//! between. The runner generates clients in other languages with openapi-generator, runs
//! Plivo's official SDKs, compares every parse with the Rust client's, keeps the results as JSON
//! under the cargo target dir (`CARGO_TARGET_DIR` honoured: it asks cargo) and renders
//! `conformance/polyglot/MATRIX.md` from them.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context as _;
use plivo_mpc_spec::workspace_root;

use crate::binaries::RunningMock;

/// The runner, relative to the workspace root.
pub const RUNNER: &str = "conformance/polyglot/run.py";

/// The Python that runs the runner: `$PYTHON`, else `python3` (the runner needs only the
/// standard library; it builds its own virtualenv for the rest).
pub fn python() -> PathBuf {
    std::env::var_os("PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("python3"))
}

/// Serves `spec` and runs the runner with `args`; fails when the runner fails.
pub fn run(spec: &Path, args: &[String]) -> anyhow::Result<()> {
    let mock = RunningMock::start(spec)?;
    let root = workspace_root();
    let status = Command::new(python())
        .current_dir(&root)
        .arg(root.join(RUNNER))
        .arg("--mock-url")
        .arg(&mock.url)
        .arg("--spec")
        .arg(spec)
        .args(args)
        .status()
        .with_context(|| format!("cannot run {} {RUNNER}", python().display()))?;
    drop(mock);
    anyhow::ensure!(status.success(), "{RUNNER} failed ({status})");
    Ok(())
}
