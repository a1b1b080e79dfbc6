use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use plivo_mpc_spec::document::{default_spec_path, workspace_root, SpecDocument};
use xtask::generate::{self, Freshness, WriteOutcome};
use xtask::lint;

/// Repository automation for plivo-mpc.
#[derive(Parser)]
#[command(name = "cargo xtask", arg_required_else_help = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate generated/src/generated.rs from the spec with progenitor, and the spec's JSON
    /// form beside it (openapi/plivo-mpc.json).
    Generate {
        /// Render in memory and fail with a diff if the committed file differs; write nothing.
        #[arg(long)]
        check: bool,
        /// The OpenAPI document to read.
        #[arg(long, value_name = "PATH", default_value_os_t = default_spec_path())]
        spec: PathBuf,
        /// Where the generated module goes.
        #[arg(long, value_name = "PATH", default_value_os_t = generate::default_output_path())]
        output: PathBuf,
    },
    /// Serve the spec's examples on 127.0.0.1 the way Plivo answers, until Ctrl-C
    /// (`--port`, default 4010; `--spec`). Runs the conformance crate's mock binary.
    Mock {
        /// Arguments for the mock (`cargo xtask mock --help` lists them).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Run the cross-language conformance matrix (conformance/polyglot/run.py) against the mock.
    Polyglot {
        /// Arguments for the runner (`python3 conformance/polyglot/run.py --help` lists them).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Benchmark the client against the floor and its peers; writes conformance/bench/BENCHMARKS.md.
    Bench(xtask::bench::Args),
    /// Render the spec into one offline HTML page (Redocly build-docs): target/docs/plivo-mpc.html.
    Docs,
    /// Call every read-only operation of a live account (PLIVO_AUTH_ID, PLIVO_AUTH_TOKEN) and
    /// check each answer against the spec; writes only with `--write OPERATION_ID`.
    Verify(xtask::verify::Args),
    /// Check what progenitor does not: references, operationIds, path parameters, examples.
    Lint {
        /// The OpenAPI document to read.
        #[arg(long, value_name = "PATH", default_value_os_t = default_spec_path())]
        spec: PathBuf,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Generate {
            check,
            spec,
            output,
        } => {
            let started = Instant::now();
            let doc = SpecDocument::load(&spec)?;
            // The client, and the spec's own JSON form beside the YAML (xtask/src/bundle.rs).
            let outputs = [
                (generate::render(&doc)?, output),
                (
                    xtask::bundle::render(&doc)?,
                    xtask::bundle::path_beside(&spec),
                ),
            ];
            for (rendered, output) in outputs {
                let shown = display_path(&output);
                if check {
                    let freshness = generate::compare(&rendered, &output)?;
                    if let Some(message) = generate::stale_message(&shown, &freshness) {
                        anyhow::bail!(message);
                    }
                    debug_assert!(matches!(freshness, Freshness::Current));
                    println!(
                        "{} is current with {} ({:.2?})",
                        shown.display(),
                        display_path(&spec).display(),
                        started.elapsed()
                    );
                    continue;
                }
                match generate::write(&rendered, &output)? {
                    WriteOutcome::Unchanged => println!(
                        "{} already current ({:.2?})",
                        shown.display(),
                        started.elapsed()
                    ),
                    WriteOutcome::Written { lines } => println!(
                        "wrote {} ({lines} lines) from {} in {:.2?}",
                        shown.display(),
                        display_path(&spec).display(),
                        started.elapsed()
                    ),
                }
            }
            Ok(())
        }
        Command::Mock { args } => xtask::mock::run(&args),
        Command::Polyglot { args } => xtask::polyglot::run(&default_spec_path(), &args),
        Command::Bench(args) => xtask::bench::run(&args),
        Command::Verify(args) => xtask::verify::run(&args),
        Command::Docs => {
            // The pinned Redocly install and the page's options live with CI's scripts; one
            // way to build the page, whoever asks for it.
            let script = workspace_root().join(".ci/build-docs");
            let status = std::process::Command::new(&script).status().map_err(|e| {
                anyhow::anyhow!("cannot run {}: {e}", display_path(&script).display())
            })?;
            anyhow::ensure!(
                status.success(),
                "{} failed ({status})",
                display_path(&script).display()
            );
            Ok(())
        }
        Command::Lint { spec } => {
            let doc = SpecDocument::load(&spec)?;
            let report = lint::lint(&doc);
            if report.is_clean() {
                println!("{}: no problems", display_path(&spec).display());
                Ok(())
            } else {
                eprint!("{report}");
                anyhow::bail!("{} problem(s) in the spec", report.findings.len())
            }
        }
    }
}

// Paths inside the workspace are shown relative to it, as a person would type them.
fn display_path(path: &std::path::Path) -> PathBuf {
    path.strip_prefix(workspace_root())
        .map(PathBuf::from)
        .unwrap_or_else(|_| path.to_path_buf())
}
