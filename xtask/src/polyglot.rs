//! `cargo xtask polyglot`: the cross-language conformance matrix.
//!
//! A thin wrapper: it serves the spec on 127.0.0.1 (the same mock as `cargo xtask mock`, in
//! this process, on a free port) and runs `conformance/polyglot/run.py` against it. The runner
//! generates clients in other languages with openapi-generator, runs Plivo's official SDKs,
//! compares every parse with the Rust client's and writes `conformance/polyglot/MATRIX.md`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context as _;
use plivo_mpc_conformance::document::{workspace_root, SpecDocument};
use plivo_mpc_conformance::mock_server;

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
    let doc = SpecDocument::load(spec)?;
    let listener =
        TcpListener::bind(("127.0.0.1", 0)).context("cannot listen on 127.0.0.1 for the mock")?;
    let mock_url = format!("http://{}", listener.local_addr()?);
    let root = workspace_root();
    let mut command = Command::new(python());
    command
        .current_dir(&root)
        .arg(root.join(RUNNER))
        .arg("--mock-url")
        .arg(&mock_url)
        .arg("--spec")
        .arg(spec)
        .args(args);
    let runtime = tokio::runtime::Runtime::new()?;
    let status = runtime.block_on(async {
        let server = mock_server::start(&doc, listener, false).await?;
        let status = tokio::task::spawn_blocking(move || command.status()).await?;
        drop(server);
        anyhow::Ok(status)
    })?;
    let status = status.with_context(|| format!("cannot run {} {RUNNER}", python().display()))?;
    if status.success() {
        Ok(())
    } else {
        anyhow::bail!("{RUNNER} failed ({status})")
    }
}
