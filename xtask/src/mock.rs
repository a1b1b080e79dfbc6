//! `cargo xtask mock`: runs the mock binary of the conformance crate (which links the generated
//! client, so xtask itself does not), passing its arguments through.

use anyhow::Context as _;

use crate::binaries::{cargo, MOCK};

/// Runs `cargo run` for the mock with `args`; on Unix the process is replaced, so Ctrl-C and the
/// exit status are the mock's own.
pub fn run(args: &[String]) -> anyhow::Result<()> {
    let mut command = cargo();
    command
        .args(["run", "--package", MOCK.0, "--bin", MOCK.1, "--"])
        .args(args);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        let error = command.exec();
        Err(error).context("cannot run cargo for the mock")
    }
    #[cfg(not(unix))]
    {
        let status = command.status().context("cannot run cargo for the mock")?;
        anyhow::ensure!(status.success(), "the mock failed ({status})");
        Ok(())
    }
}
