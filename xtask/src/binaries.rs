//! The workspace binaries that xtask runs but does not link (the mock, which depends on the
//! generated client): built with cargo, found where cargo says it put them, so that
//! `CARGO_TARGET_DIR` and profiles are honoured.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use anyhow::{bail, Context as _};
use plivo_mpc_spec::workspace_root;

/// The package and binary of the standalone mock.
pub const MOCK: (&str, &str) = ("plivo-mpc-conformance", "plivo-mpc-mock");

/// The cargo that runs xtask (`$CARGO`), else `cargo` from the PATH.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(workspace_root());
    command
}

/// Runs `build` (a `cargo build ...` command; progress shown on stderr) and returns every
/// executable it produced, by target name, where cargo says it put them (so `CARGO_TARGET_DIR`
/// and profiles are honoured).
pub fn executables(build: &mut Command) -> anyhow::Result<BTreeMap<String, PathBuf>> {
    let output = build
        .arg("--message-format=json-render-diagnostics")
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot run {build:?}"))?;
    if !output.status.success() {
        bail!("{build:?} failed ({})", output.status);
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .filter_map(|message| {
            let executable = PathBuf::from(message["executable"].as_str()?);
            Some((message["target"]["name"].as_str()?.to_owned(), executable))
        })
        .collect())
}

/// Builds `bin` of `package` and returns the executable's path.
pub fn build(package: &str, bin: &str) -> anyhow::Result<PathBuf> {
    executables(cargo().args(["build", "--package", package, "--bin", bin]))?
        .remove(bin)
        .with_context(|| format!("cargo built {bin} but named no executable"))
}

/// A mock started on a free port of 127.0.0.1; stopped when dropped.
pub struct RunningMock {
    child: Child,
    pub url: String,
}

impl RunningMock {
    /// Builds and starts the mock for `spec`, waiting until it listens.
    pub fn start(spec: &std::path::Path) -> anyhow::Result<Self> {
        let executable = build(MOCK.0, MOCK.1)?;
        let mut child = Command::new(&executable)
            .arg("--port")
            .arg("0")
            .arg("--spec")
            .arg(spec)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot start {}", executable.display()))?;
        let stdout = child.stdout.take().context("the mock's stdout")?;
        let mut stdout = BufReader::new(stdout);
        let mut first = String::new();
        stdout
            .read_line(&mut first)
            .context("reading the mock's first line")?;
        // The mock logs a line per request; its pipe is drained so that it never blocks or
        // fails writing to a reader that went away.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let url = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .map(str::to_owned);
        let mut mock = Self {
            child,
            url: String::new(),
        };
        match url {
            Some(url) => mock.url = url,
            None => bail!("the mock did not say where it listens (it printed {first:?})"),
        }
        Ok(mock)
    }
}

impl Drop for RunningMock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
