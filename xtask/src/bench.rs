//! `cargo xtask bench`: the benchmarks, side by side in one run.
//!
//! A thin wrapper around `conformance/bench/run.py` (standard library only, like the polyglot
//! runner): it builds the load generator, the fixed-body loopback server and the paging client
//! (`conformance/bench/`, crate `plivo-mpc-bench`), runs the criterion decode benchmark
//! (`generated/benches/decode.rs`), drives every peer that is installed against one server, and
//! writes `conformance/bench/BENCHMARKS.md`. `--quick` only checks that the harness still runs
//! (debug builds, a fraction of a second per figure) and writes `target/bench/BENCHMARKS-quick.md`.

use std::process::Command;

use anyhow::Context as _;
use plivo_mpc_spec::workspace_root;

/// The runner, relative to the workspace root.
pub const RUNNER: &str = "conformance/bench/run.py";

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Check that the harness runs (seconds): debug builds, short runs, results under target/.
    #[arg(long)]
    pub quick: bool,
    /// Only these sections (comma-separated: decode,e2e,paging,codegen).
    #[arg(long, value_name = "LIST")]
    pub only: Option<String>,
    /// Print the results; do not write the results file.
    #[arg(long)]
    pub no_write: bool,
}

/// Runs the runner; fails when it fails.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let root = workspace_root();
    let python = crate::polyglot::python();
    let mut command = Command::new(&python);
    command.current_dir(&root).arg(root.join(RUNNER));
    if args.quick {
        command.arg("--quick");
    }
    if let Some(only) = &args.only {
        command.arg("--only").arg(only);
    }
    if args.no_write {
        command.arg("--no-write");
    }
    let status = command
        .status()
        .with_context(|| format!("cannot run {} {RUNNER}", python.display()))?;
    anyhow::ensure!(status.success(), "{RUNNER} failed ({status})");
    Ok(())
}
