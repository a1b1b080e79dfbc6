//! `cargo xtask bench`: the benchmarks, side by side in one run.
//!
//! Orchestration and the Rust measurements live here; the peers in other languages and the report
//! are Python (standard library only, like the polyglot runner):
//!
//! - build: the harness (`conformance/bench/`, crate `plivo-mpc-bench`: the fixed-body loopback
//!   `bench-server`, the `bench-load` load generator, the `bench-page` paging client) and the
//!   criterion decode benchmark (`generated/benches/decode.rs`), each found where cargo says it
//!   put it (`--message-format=json`), so `CARGO_TARGET_DIR` and profiles are honoured;
//! - peers: `conformance/bench/peers.py` installs (full run only) and builds the clients in other
//!   languages and says how to run them; every client, Rust or not, is then run from here against
//!   one `bench-server`, in interleaved rounds;
//! - results: `<target dir>/bench/results.json` (quick: `<target dir>/bench/quick/`), rendered to
//!   Markdown beside it by `conformance/bench/report.py`. Only a full run of every section, not
//!   `--no-write`, also copies them to `conformance/bench/BENCHMARKS.{json,md}`.
//!
//! `--quick` checks that the harness runs (debug builds, a fraction of a second per figure, no
//! installs), writes under the target dir only, and checks that the committed `BENCHMARKS.md` is
//! what `report.py` renders from the committed `BENCHMARKS.json` (`--render` re-renders it).

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context as _};
use plivo_mpc_spec::{default_spec_path, workspace_root};
use serde_json::{json, Value};

use crate::binaries::cargo;

/// The committed results, relative to the workspace root.
pub const RESULTS_JSON: &str = "conformance/bench/BENCHMARKS.json";
pub const RESULTS_MD: &str = "conformance/bench/BENCHMARKS.md";
const REPORT: &str = "conformance/bench/report.py";
const PEERS: &str = "conformance/bench/peers.py";
const SECTIONS: [&str; 4] = ["decode", "e2e", "paging", "codegen"];

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Check that the harness runs (seconds): debug builds, short runs, results under the target dir.
    #[arg(long)]
    pub quick: bool,
    /// Only these sections (comma-separated: decode,e2e,paging,codegen); results under the target dir.
    #[arg(long, value_name = "LIST")]
    pub only: Option<String>,
    /// Measure, but write the results under the target dir only.
    #[arg(long)]
    pub no_write: bool,
    /// Measure nothing: render conformance/bench/BENCHMARKS.md from BENCHMARKS.json.
    #[arg(long, conflicts_with_all = ["quick", "only", "no_write"])]
    pub render: bool,
}

fn say(message: &str) {
    println!("bench: {message}");
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let root = workspace_root();
    if args.render {
        render(&root.join(RESULTS_JSON), &root.join(RESULTS_MD))?;
        say(&format!("rendered {RESULTS_MD} from {RESULTS_JSON}"));
        return Ok(());
    }
    let sections: Vec<&str> = match &args.only {
        None => SECTIONS.to_vec(),
        Some(list) => list.split(',').map(str::trim).collect(),
    };
    if let Some(bad) = sections.iter().find(|s| !SECTIONS.contains(s)) {
        bail!(
            "unknown section {bad:?} (the sections: {})",
            SECTIONS.join(",")
        );
    }
    let started = Instant::now();
    let load_start = load();
    let work = target_dir()?.join("bench");
    let out = if args.quick {
        work.join("quick")
    } else {
        work.clone()
    };
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut run = Run {
        quick: args.quick,
        work,
        skipped: Vec::new(),
        build_s: 0.0,
    };
    let mut results = json!({ "quick": args.quick });
    let bins = run.build()?;
    let bin = |name: &str| {
        bins.get(name)
            .cloned()
            .context(format!("cargo built no {name}"))
    };
    let mut peers = json!({ "clients": [], "versions": [], "skipped": [], "codegen": {} });
    if sections.contains(&"e2e") || sections.contains(&"codegen") {
        peers = run.peers()?;
    }
    if sections.contains(&"decode") {
        results["decode"] = run.decode(&bin("decode")?)?;
    }
    if sections.contains(&"e2e") {
        results["e2e"] = run.e2e(
            &bin("bench-load")?,
            &bin("bench-server")?,
            &peers["clients"],
        )?;
    }
    if sections.contains(&"paging") {
        results["paging"] = run.paging(&bin("bench-page")?, &bin("bench-server")?)?;
    }
    if sections.contains(&"codegen") {
        results["codegen"] = run.codegen(&peers["codegen"])?;
    }
    let mut command = String::from("cargo xtask bench");
    if args.quick {
        command += " --quick";
    }
    if let Some(only) = &args.only {
        command += &format!(" --only {only}");
    }
    run.skipped.extend(
        peers["skipped"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str())
            .map(str::to_owned),
    );
    let mut versions = rust_versions(&root);
    versions.extend(peers["versions"].as_array().into_iter().flatten().cloned());
    results["command"] = json!(command);
    results["seconds"] = json!(started.elapsed().as_secs_f64());
    results["machine"] = machine(load_start);
    results["versions"] = json!(versions);
    results["skipped"] = json!(run.skipped);
    let json_path = out.join("results.json");
    std::fs::write(&json_path, serde_json::to_string_pretty(&results)? + "\n")?;
    let md_path = out.join("BENCHMARKS.md");
    render(&json_path, &md_path)?;
    say(&format!(
        "results: {} and {}",
        json_path.display(),
        md_path.display()
    ));
    if args.quick {
        // The committed report must be what the committed results render to.
        let committed = out.join("BENCHMARKS-committed.md");
        render(&root.join(RESULTS_JSON), &committed)?;
        let same = std::fs::read(&committed)? == std::fs::read(root.join(RESULTS_MD))?;
        anyhow::ensure!(
            same,
            "{RESULTS_MD} is not what {REPORT} renders from {RESULTS_JSON} (see {}): run \
             `cargo xtask bench --render`, or a full `cargo xtask bench`",
            committed.display()
        );
    } else if args.only.is_none() && !args.no_write {
        std::fs::copy(&json_path, root.join(RESULTS_JSON))?;
        std::fs::copy(&md_path, root.join(RESULTS_MD))?;
        say(&format!("wrote {RESULTS_JSON} and {RESULTS_MD}"));
    } else {
        say(&format!(
            "{RESULTS_MD} not written (only a full run of every section writes it)"
        ));
    }
    let total = started.elapsed().as_secs_f64();
    say(&format!(
        "{total:.0} s in all: {:.0} s building (cargo, peers), {:.0} s measuring",
        run.build_s,
        total - run.build_s
    ));
    Ok(())
}

/// Renders `results` (JSON) to `markdown` with the report script.
fn render(results: &Path, markdown: &Path) -> anyhow::Result<()> {
    let root = workspace_root();
    let mut command = Command::new(crate::polyglot::python());
    command
        .arg(root.join(REPORT))
        .arg(results)
        .arg("-o")
        .arg(markdown);
    output(&mut command)?;
    Ok(())
}

/// The target dir cargo uses here (`CARGO_TARGET_DIR`, `build.target-dir` or `target/`).
fn target_dir() -> anyhow::Result<PathBuf> {
    let mut command = cargo();
    command.args(["metadata", "--format-version", "1", "--no-deps"]);
    let metadata: Value = serde_json::from_slice(&output(&mut command)?.stdout)?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .context("cargo metadata named no target_directory")
}

/// Runs `command`, capturing its output; fails with the end of it when the command fails.
fn output(command: &mut Command) -> anyhow::Result<std::process::Output> {
    let shown = format!("{command:?}");
    let out = command
        .output()
        .with_context(|| format!("cannot run {shown}"))?;
    if !out.status.success() {
        let text = String::from_utf8_lossy(&out.stderr) + String::from_utf8_lossy(&out.stdout);
        let tail: String = text
            .chars()
            .rev()
            .take(2000)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        bail!("{shown} failed ({}):\n{tail}", out.status);
    }
    Ok(out)
}

/// The last JSON object a harness printed on stdout.
fn json_line(command: &mut Command) -> anyhow::Result<Value> {
    let out = output(command)?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().rev().find(|l| l.starts_with('{'));
    let line = line.with_context(|| format!("{command:?} printed no JSON line: {stdout}"))?;
    Ok(serde_json::from_str(line)?)
}

fn seconds(f: impl FnOnce() -> anyhow::Result<()>) -> anyhow::Result<f64> {
    let started = Instant::now();
    f()?;
    Ok(started.elapsed().as_secs_f64())
}

struct Run {
    quick: bool,
    /// `<target dir>/bench`: the scratch folder.
    work: PathBuf,
    skipped: Vec<String>,
    build_s: f64,
}

impl Run {
    fn skip(&mut self, what: &str, why: &str) {
        say(&format!("skipped {what}: {why}"));
        self.skipped.push(format!("{what}: {why}"));
    }

    /// The harness binaries and the decode bench, built by one cargo command (debug when quick,
    /// else release): target name -> the executable cargo names.
    fn build(&mut self) -> anyhow::Result<BTreeMap<String, PathBuf>> {
        let started = Instant::now();
        let mut command = cargo();
        command.args(["build", "--bins", "--bench", "decode"]);
        if self.quick {
            // The whole workspace, as `cargo test --workspace` resolves its features: after the
            // tests (CI runs them first) only the decode bench is left to compile.
            command.arg("--workspace");
        } else {
            command.args(["--release", "-p", "plivo-mpc-bench", "-p", "plivo-mpc"]);
        }
        let out = command
            .arg("--message-format=json-render-diagnostics")
            .stderr(Stdio::inherit())
            .output()
            .context("cannot run cargo build")?;
        anyhow::ensure!(out.status.success(), "{command:?} failed ({})", out.status);
        self.build_s += started.elapsed().as_secs_f64();
        Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|m| m["reason"] == "compiler-artifact")
            .filter_map(|m| {
                let exe = m["executable"].as_str()?;
                Some((m["target"]["name"].as_str()?.to_owned(), PathBuf::from(exe)))
            })
            .collect())
    }

    /// The peers' manifest from `peers.py` (installing them on a full run).
    fn peers(&mut self) -> anyhow::Result<Value> {
        let started = Instant::now();
        let mut command = Command::new(crate::polyglot::python());
        command
            .arg(workspace_root().join(PEERS))
            .arg("--work")
            .arg(&self.work);
        command.arg(if self.quick { "--quick" } else { "--install" });
        let peers = json_line(command.stderr(Stdio::inherit()))?;
        self.build_s += started.elapsed().as_secs_f64();
        Ok(peers)
    }

    /// Criterion: every row once in test mode (quick), else the lowest median of two rounds.
    fn decode(&mut self, exe: &Path) -> anyhow::Result<Value> {
        let home = self.work.join("criterion");
        let mut command = Command::new(exe);
        command
            .env("CRITERION_HOME", &home)
            .current_dir(workspace_root());
        if self.quick {
            let t = seconds(|| output(&mut command).map(drop))?;
            say(&format!(
                "decode: every row ran once in test mode ({t:.1} s)"
            ));
            return Ok(json!({ "quick": true }));
        }
        let (rounds, warm_up_s, measurement_s) = (2, 0.5, 2);
        command.args([
            "--bench",
            "--noplot",
            "--warm-up-time",
            "0.5",
            "--measurement-time",
            "2",
        ]);
        // (page, row) -> (the lowest median's estimates, every round's median)
        let mut best: BTreeMap<(String, String), (Value, Vec<f64>)> = BTreeMap::new();
        for round in 1..=rounds {
            if home.exists() {
                std::fs::remove_dir_all(&home)?;
            }
            output(&mut command)?;
            for (key, median) in read_criterion(&home)? {
                let entry = best.entry(key).or_insert((median.clone(), Vec::new()));
                let m = median["median_ns"].as_f64().unwrap_or(f64::MAX);
                if m < entry.0["median_ns"].as_f64().unwrap_or(f64::MAX) {
                    entry.0 = median;
                }
                entry.1.push(m);
            }
            say(&format!(
                "decode: round {round}/{rounds}, {} rows",
                best.len()
            ));
        }
        let mut pages: Vec<Value> = Vec::new();
        for ((page, row), (mut estimate, all)) in best {
            estimate["name"] = json!(row);
            estimate["rounds_ns"] = json!(all);
            match pages.iter_mut().find(|p| p["page"] == page.as_str()) {
                Some(p) => p["rows"].as_array_mut().expect("rows").push(estimate),
                None => pages.push(json!({ "page": page, "rows": [estimate] })),
            }
        }
        Ok(
            json!({ "rounds": rounds, "warm_up_s": warm_up_s, "measurement_s": measurement_s,
                   "pages": pages }),
        )
    }

    /// Every client against one bench-server: concurrency 1 and 16, interleaved rounds.
    fn e2e(&mut self, load: &Path, server: &Path, peers: &Value) -> anyhow::Result<Value> {
        let (secs, warmup, rounds) = if self.quick {
            (0.3, 0.1, 1)
        } else {
            (2.0, 0.3, 2)
        };
        let rust = |kind: &str| {
            let load = load.display().to_string();
            let args = [
                "--client",
                kind,
                "--url",
                "{url}",
                "--concurrency",
                "{concurrency}",
            ];
            let tail = ["--seconds", "{seconds}", "--warmup", "{warmup}"];
            let argv = [&[load.as_str()][..], &args[..], &tail[..]].concat();
            json!({ "name": kind, "argv": argv, "env": {}, "rust": true })
        };
        let mut clients = vec![rust("raw"), rust("floor"), rust("generated")];
        clients.extend(peers.as_array().into_iter().flatten().cloned());
        let server = Server::start(server, None)?;
        let mut results: Vec<Value> = Vec::new();
        let mut wrk = true;
        for round in 1..=rounds {
            for conc in [1u32, 16] {
                let fill = |arg: &Value| {
                    let arg = arg.as_str().unwrap_or_default();
                    arg.replace("{url}", &server.url)
                        .replace("{concurrency}", &conc.to_string())
                        .replace("{seconds}", &secs.to_string())
                        .replace("{warmup}", &warmup.to_string())
                };
                let mut measured: Vec<(String, anyhow::Result<Value>)> = Vec::new();
                for client in &clients {
                    let name = client["name"].as_str().unwrap_or("?").to_owned();
                    let argv: Vec<String> = client["argv"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(fill)
                        .collect();
                    let mut command = Command::new(&argv[0]);
                    command.args(&argv[1..]).current_dir(workspace_root());
                    for (k, v) in client["env"].as_object().into_iter().flatten() {
                        command.env(k, v.as_str().unwrap_or_default());
                    }
                    let r = json_line(&mut command);
                    if client["rust"] == true {
                        let r = r.as_ref().map_err(|e| anyhow::anyhow!("{e:#}"))?;
                        anyhow::ensure!(r["requests"].as_u64() > Some(0), "{name}: no requests");
                    }
                    measured.push((name.clone(), r));
                    if name == "raw" && wrk {
                        match run_wrk(&server.url, conc, secs) {
                            Ok(r) => measured.push(("wrk".into(), Ok(r))),
                            Err(e) => {
                                wrk = false;
                                self.skip(
                                    "wrk ceiling",
                                    &format!(
                                        "{e:#}; the raw-socket client still measures the ceiling"
                                    ),
                                );
                            }
                        }
                    }
                }
                for (name, r) in measured {
                    let mut r = match r {
                        Ok(r) => r,
                        Err(e) => {
                            let why = format!(
                                "run failed: {}",
                                format!("{e:#}").chars().take(300).collect::<String>()
                            );
                            self.skip(&format!("{name} at concurrency {conc}"), &why);
                            continue;
                        }
                    };
                    say(&format!(
                        "e2e round {round}/{rounds} c={conc} {name}: {:.0} req/s p50 {} us p99 {} us, {} errors",
                        r["rps"].as_f64().unwrap_or(0.0), r["p50_us"], r["p99_us"], r["errors"]
                    ));
                    r["client"] = json!(name);
                    r["concurrency"] = json!(conc);
                    let found = results
                        .iter_mut()
                        .find(|x| x["client"] == r["client"] && x["concurrency"] == conc);
                    match found {
                        None => {
                            r["rounds"] = json!([r["rps"]]);
                            results.push(r);
                        }
                        Some(kept) => {
                            let mut all = kept["rounds"].as_array().cloned().unwrap_or_default();
                            all.push(r["rps"].clone());
                            if r["rps"].as_f64() > kept["rps"].as_f64() {
                                *kept = r;
                            }
                            kept["rounds"] = json!(all);
                        }
                    }
                }
            }
        }
        Ok(json!({ "seconds": secs, "warmup": warmup, "rounds": rounds, "results": results }))
    }

    /// Streams 1,000 (quick) or 1,000 / 10,000 / 100,000 participants, 20 a page.
    fn paging(&mut self, page: &Path, server: &Path) -> anyhow::Result<Value> {
        let totals: &[u64] = if self.quick {
            &[1000]
        } else {
            &[1000, 10_000, 100_000]
        };
        let time_v = Path::new("/usr/bin/time");
        if !time_v.exists() {
            self.skip(
                "/usr/bin/time -v",
                "not installed; peak RSS is the process's own VmHWM",
            );
        }
        let mut rows = Vec::new();
        for &total in totals {
            let server = Server::start(server, Some(total))?;
            let mut command = Command::new(if time_v.exists() { time_v } else { page });
            if time_v.exists() {
                command.arg("-v").arg(page);
            }
            command.args(["--url", &server.url, "--expect", &total.to_string()]);
            let out = output(&mut command)?;
            let stdout = String::from_utf8_lossy(&out.stdout);
            let line = stdout
                .lines()
                .rev()
                .find(|l| l.starts_with('{'))
                .context("bench-page printed no JSON")?;
            let mut r: Value = serde_json::from_str(line)?;
            let stderr = String::from_utf8_lossy(&out.stderr);
            let max_rss = stderr
                .lines()
                .find_map(|l| {
                    l.trim()
                        .strip_prefix("Maximum resident set size (kbytes): ")
                })
                .and_then(|v| v.trim().parse::<u64>().ok());
            r["time_v_max_rss_kib"] = json!(max_rss);
            say(&format!(
                "paging {total}: {:.2} s, peak RSS {} KiB",
                r["seconds"].as_f64().unwrap_or(0.0),
                r["peak_rss_kib"]
            ));
            rows.push(r);
        }
        Ok(json!({ "rows": rows }))
    }

    /// `xtask generate` into a scratch file (through cargo, and the binary alone), the peers'
    /// openapi-generator time, and a cold build of the client (full run only).
    fn codegen(&mut self, peers: &Value) -> anyhow::Result<Value> {
        let n = if self.quick { 1 } else { 3 };
        let scratch = self.work.join("codegen").join("generated.rs");
        std::fs::create_dir_all(scratch.parent().expect("a parent"))?;
        let xtask = std::env::current_exe().context("the xtask binary")?;
        let mut via_cargo = f64::MAX;
        let mut alone = f64::MAX;
        for _ in 0..n {
            let mut command = cargo();
            command
                .args(["xtask", "generate", "--output"])
                .arg(&scratch);
            via_cargo = via_cargo.min(seconds(|| output(&mut command).map(drop))?);
            let mut command = Command::new(&xtask);
            command.args(["generate", "--output"]).arg(&scratch);
            alone = alone.min(seconds(|| output(&mut command).map(drop))?);
        }
        let mut out = json!({ "xtask_generate_s": via_cargo, "xtask_binary_s": alone });
        if let Some(s) = peers.get("openapi_rust_s") {
            out["openapi_rust_s"] = s.clone();
        }
        if self.quick {
            self.skip("cold build of plivo-mpc", "quick mode (it takes minutes)");
        } else {
            let cold = self.work.join("cold-build");
            if cold.exists() {
                std::fs::remove_dir_all(&cold)?;
            }
            let mut command = cargo();
            command
                .args(["build", "-q", "-p", "plivo-mpc"])
                .env("CARGO_TARGET_DIR", &cold);
            out["cold_build_s"] = json!(seconds(|| output(&mut command).map(drop))?);
            std::fs::remove_dir_all(&cold)?;
        }
        say(&format!("codegen: {out}"));
        Ok(out)
    }
}

/// A `bench-server` on a free port of 127.0.0.1; stopped when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(exe: &Path, paging: Option<u64>) -> anyhow::Result<Self> {
        let mut command = Command::new(exe);
        command.arg("--spec").arg(default_spec_path());
        if let Some(total) = paging {
            command.arg("--paging").arg(total.to_string());
        }
        let mut child = command.stdout(Stdio::piped()).spawn()?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().context("stdout")?).read_line(&mut line)?;
        let mut server = Server {
            child,
            url: String::new(),
        };
        match line.trim().strip_prefix("listening on ") {
            Some(url) => server.url = url.to_owned(),
            None => bail!("bench-server did not start (it printed {line:?})"),
        }
        Ok(server)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// wrk's figures in bench-load's shape (its latency percentiles to microseconds).
fn run_wrk(url: &str, conc: u32, secs: f64) -> anyhow::Result<Value> {
    let target = format!(
        "{url}/v1/Account/MANWVLYTK4ZWU1YTY4QA/MultiPartyCall/name_test_mpc_1/Participant/"
    );
    let threads = if conc == 1 { "1" } else { "2" };
    let duration = format!("{}s", secs.round().max(1.0));
    let mut command = Command::new("wrk");
    command.args([
        "-t",
        threads,
        "-c",
        &conc.to_string(),
        "-d",
        &duration,
        "--latency",
        &target,
    ]);
    let out = match command.output() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!("wrk not installed (Debian package `wrk`)")
        }
        other => other?,
    };
    anyhow::ensure!(out.status.success(), "wrk failed ({})", out.status);
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |prefix: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim().to_owned()))
    };
    let micros = |label: &str| -> u64 {
        let Some(v) = field(label) else { return 0 };
        let (number, scale) = [("us", 1.0), ("ms", 1e3), ("s", 1e6)]
            .iter()
            .find_map(|(unit, scale)| Some((v.strip_suffix(unit)?.parse::<f64>().ok()?, *scale)))
            .unwrap_or((0.0, 0.0));
        (number * scale) as u64
    };
    let rps: f64 = field("Requests/sec:")
        .context("wrk printed no Requests/sec")?
        .parse()?;
    Ok(json!({ "rps": rps, "p50_us": micros("50%"), "p99_us": micros("99%"), "errors": 0 }))
}

/// `<home>/decode_<page>/<row>/new/estimates.json`: (page, row) -> median and its interval.
fn read_criterion(home: &Path) -> anyhow::Result<Vec<((String, String), Value)>> {
    let mut rows = Vec::new();
    for group in std::fs::read_dir(home)?.flatten() {
        let name = group.file_name().to_string_lossy().into_owned();
        let Some(page) = name.strip_prefix("decode_") else {
            continue;
        };
        for row in std::fs::read_dir(group.path())?.flatten() {
            let Ok(text) = std::fs::read_to_string(row.path().join("new/estimates.json")) else {
                continue;
            };
            let median = &serde_json::from_str::<Value>(&text)?["median"];
            rows.push((
                (
                    page.to_owned(),
                    row.file_name().to_string_lossy().into_owned(),
                ),
                json!({
                    "median_ns": median["point_estimate"],
                    "lo_ns": median["confidence_interval"]["lower_bound"],
                    "hi_ns": median["confidence_interval"]["upper_bound"],
                }),
            ));
        }
    }
    anyhow::ensure!(
        !rows.is_empty(),
        "criterion wrote no estimates under {}",
        home.display()
    );
    Ok(rows)
}

fn load() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let fields: Vec<&str> = text.split_whitespace().take(3).collect();
    format!("load average: {}", fields.join(", "))
}

fn first_line(program: &str, arg: &str) -> String {
    match Command::new(program).arg(arg).output() {
        Ok(out) => String::from_utf8_lossy(if out.stdout.is_empty() {
            &out.stderr
        } else {
            &out.stdout
        })
        .lines()
        .next()
        .unwrap_or("?")
        .to_owned(),
        Err(_) => "not installed".to_owned(),
    }
}

fn machine(load_start: String) -> Value {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let cpu = cpuinfo.lines().find_map(|l| {
        l.strip_prefix("model name")?
            .split_once(':')
            .map(|(_, v)| v.trim().to_owned())
    });
    let meminfo = read("/proc/meminfo");
    let mem_kib = meminfo.lines().find_map(|l| {
        l.strip_prefix("MemTotal:")?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse::<f64>()
            .ok()
    });
    json!({
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "cpu": cpu.unwrap_or_else(|| "?".into()),
        "mem": mem_kib.map_or("?".into(), |k| format!("{:.0} GiB", k / 1024.0 / 1024.0)),
        "os": format!(
            "{} {}",
            read("/proc/sys/kernel/ostype").trim(),
            read("/proc/sys/kernel/osrelease").trim()
        ),
        "load_start": load_start,
        "load_end": load(),
    })
}

fn rust_versions(root: &Path) -> Vec<Value> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default();
    let version = |name: &str| {
        let needle = format!("name = \"{name}\"\nversion = \"");
        lock.split_once(&needle)
            .and_then(|(_, rest)| rest.split_once('"'))
            .map_or("?", |(v, _)| v)
            .to_owned()
    };
    let deps = [
        "progenitor-client",
        "reqwest",
        "hyper",
        "serde_json",
        "tokio",
        "criterion",
    ]
    .map(|n| format!("{n} {}", version(n)))
    .join(", ");
    vec![
        json!(["rustc", first_line("rustc", "--version")]),
        json!(["plivo-mpc deps", deps]),
        json!(["wrk", first_line("wrk", "-v")]),
    ]
}
