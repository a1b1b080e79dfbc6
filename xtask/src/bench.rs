//! `cargo xtask bench`: the benchmarks, side by side in one run.
//!
//! This drives every binary; the peers in other languages and the report are Python (standard
//! library only, like the polyglot runner):
//!
//! - one cargo build of the harness (crate `plivo-mpc-bench`: `bench-server`, `bench-load`,
//!   `bench-page`, `bench-count`) and the criterion decode bench (`generated/benches/decode.rs`), each run from
//!   where cargo says it put it, so `CARGO_TARGET_DIR` and profiles are honoured;
//! - `conformance/bench/peers.py` readies the other languages' clients (installing them on a full
//!   run) and says how to run them; every client then runs from here against one `bench-server`,
//!   in interleaved rounds;
//! - the results go to `<target dir>/bench/results.json` (quick: `bench/quick/`) and
//!   `conformance/bench/report.py` renders them to Markdown beside it. Only a full run of every
//!   section (no `--only`, no `--no-write`) copies both to `conformance/bench/BENCHMARKS.{json,md}`,
//!   with the chart `bench-chart` draws from the JSON (`BENCHMARKS.svg`).
//!
//! `--quick` checks that the harness runs (debug builds, a fraction of a second per figure, no
//! installs), writes under the target dir only, and checks that the committed Markdown is what
//! the committed JSON renders to (`--render` re-renders it). It also counts plivo-mpc's
//! instructions per decode and per call (a release build of `bench-count` under callgrind, see
//! `callgrind.rs`) and fails when one is above the committed baseline
//! (`conformance/bench/baseline.json`) by more than its margin; `--refresh-baseline` writes the
//! counts just measured as the new baseline instead.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Instant;

use anyhow::{bail, ensure, Context as _};
use plivo_mpc_spec::{default_spec_path, workspace_root};
use serde_json::{json, Value};

use crate::binaries::{cargo, executables};
use crate::callgrind;

/// The committed results, relative to the workspace root.
pub const RESULTS_JSON: &str = "conformance/bench/BENCHMARKS.json";
pub const RESULTS_MD: &str = "conformance/bench/BENCHMARKS.md";
pub const RESULTS_SVG: &str = "conformance/bench/BENCHMARKS.svg";
const REPORT: &str = "conformance/bench/report.py";
const PEERS: &str = "conformance/bench/peers.py";
const SECTIONS: [&str; 5] = ["decode", "instructions", "e2e", "paging", "codegen"];

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Check that the harness runs (seconds): debug builds, short runs, results in the target dir.
    #[arg(long)]
    pub quick: bool,
    /// Only these sections (comma-separated: decode,instructions,e2e,paging,codegen); results in
    /// the target dir.
    #[arg(long, value_name = "LIST")]
    pub only: Option<String>,
    /// Measure, but write the results in the target dir only.
    #[arg(long)]
    pub no_write: bool,
    /// Write plivo-mpc's instruction counts from this run as the committed baseline
    /// (conformance/bench/baseline.json) instead of checking them against it.
    #[arg(long)]
    pub refresh_baseline: bool,
    /// Measure nothing: render conformance/bench/BENCHMARKS.md from BENCHMARKS.json.
    #[arg(long, conflicts_with_all = ["quick", "only", "no_write", "refresh_baseline"])]
    pub render: bool,
}

fn say(message: impl std::fmt::Display) {
    println!("bench: {message}");
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let root = workspace_root();
    if args.render {
        let chart = crate::binaries::build("plivo-mpc-bench", "bench-chart")?;
        render(&root.join(RESULTS_JSON), &root.join(RESULTS_MD), &chart)?;
        say(format!(
            "rendered {RESULTS_MD} and {RESULTS_SVG} from {RESULTS_JSON}"
        ));
        return Ok(());
    }
    let only: Vec<&str> = match &args.only {
        Some(list) => list.split(',').map(str::trim).collect(),
        None => SECTIONS.to_vec(),
    };
    if let Some(bad) = only.iter().find(|s| !SECTIONS.contains(s)) {
        bail!("unknown section {bad:?} (there are {})", SECTIONS.join(","));
    }
    let started = Instant::now();
    let load_start = load();
    let mut run = Run {
        quick: args.quick,
        work: target_dir()?.join("bench"),
        skipped: Vec::new(),
        build_s: 0.0,
    };
    let out = if args.quick {
        run.work.join("quick")
    } else {
        run.work.clone()
    };
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let bins = run.build()?;
    let bin = |name: &str| bins.get(name).context(format!("cargo built no {name}"));
    let mut peers = json!({ "clients": [], "versions": [], "skipped": [], "codegen": {} });
    if ["e2e", "codegen", "instructions", "paging"]
        .iter()
        .any(|s| only.contains(s))
    {
        peers = run.peers()?;
    }
    let mut results = json!({ "quick": args.quick });
    // The write call's request body, in a file for the harnesses of both sections that make it.
    let request = if only.contains(&"instructions") || only.contains(&"e2e") {
        write_request_body(bin("bench-count")?, &run.work.join("bodies"))?
    } else {
        String::new()
    };
    if only.contains(&"decode") {
        results["decode"] = run.decode(bin("decode")?)?;
    }
    let mut baseline_check = Ok(());
    if only.contains(&"instructions") {
        let (count, server) = (bin("bench-count")?, bin("bench-server")?);
        let (counted, check) =
            run.instructions(count, server, &peers["clients"], &request, args)?;
        results["instructions"] = counted;
        baseline_check = check;
    } else if args.refresh_baseline {
        bail!("--refresh-baseline needs the instructions section");
    }
    if only.contains(&"e2e") {
        let (load, server) = (bin("bench-load")?, bin("bench-server")?);
        results["e2e"] = run.e2e(load, server, &peers["clients"], &request)?;
    }
    if only.contains(&"paging") {
        results["paging"] =
            run.paging(bin("bench-page")?, bin("bench-server")?, &peers["clients"])?;
    }
    if only.contains(&"codegen") {
        // The quick build holds the workspace's xtask (and replaced this one's file with it).
        let xtask = match bins.get("xtask") {
            Some(xtask) => xtask.clone(),
            None => std::env::current_exe().context("the xtask binary")?,
        };
        results["codegen"] = run.codegen(&xtask, &peers["codegen"])?;
    }
    let strings = |v: &Value| v.as_array().cloned().unwrap_or_default();
    let mut versions = rust_versions(&root);
    versions.extend(strings(&peers["versions"]));
    let mut skipped: Vec<Value> = run.skipped.iter().map(|s| json!(s)).collect();
    skipped.extend(strings(&peers["skipped"]));
    let mut command = String::from("cargo xtask bench");
    if args.quick {
        command += " --quick";
    }
    if let Some(list) = &args.only {
        command += &format!(" --only {list}");
    }
    results["command"] = json!(command);
    results["seconds"] = json!(started.elapsed().as_secs_f64());
    results["machine"] = machine(load_start);
    results["versions"] = json!(versions);
    results["skipped"] = json!(skipped);

    let (json_path, md_path) = (out.join("results.json"), out.join("BENCHMARKS.md"));
    std::fs::write(&json_path, serde_json::to_string_pretty(&results)? + "\n")?;
    let chart = bin("bench-chart")?;
    render(&json_path, &md_path, chart)?;
    if args.quick {
        let committed = out.join("BENCHMARKS-committed.md");
        ensure!(
            root.join(RESULTS_JSON).exists(),
            "{RESULTS_JSON} is missing: a full `cargo xtask bench` writes it"
        );
        render(&root.join(RESULTS_JSON), &committed, chart)?;
        for (mine, theirs) in [
            (RESULTS_MD, &committed),
            (RESULTS_SVG, &committed.with_extension("svg")),
        ] {
            ensure!(
                std::fs::read(theirs)? == std::fs::read(root.join(mine))?,
                "{mine} is not what {RESULTS_JSON} renders to ({}): run `cargo xtask bench \
                 --render` (or a full `cargo xtask bench`)",
                theirs.display()
            );
        }
    } else if args.only.is_none() && !args.no_write {
        std::fs::copy(&json_path, root.join(RESULTS_JSON))?;
        std::fs::copy(&md_path, root.join(RESULTS_MD))?;
        std::fs::copy(md_path.with_extension("svg"), root.join(RESULTS_SVG))?;
        say(format!(
            "wrote {RESULTS_JSON}, {RESULTS_MD} and {RESULTS_SVG}"
        ));
    } else {
        say(format!(
            "{RESULTS_MD} left alone (a full run of every section writes it)"
        ));
    }
    let total = started.elapsed().as_secs_f64();
    baseline_check?;
    say(format!(
        "results in {} and {}",
        json_path.display(),
        md_path.display()
    ));
    say(format!(
        "{total:.0} s in all: {:.0} s building (cargo, peers), {:.0} s the rest",
        run.build_s,
        total - run.build_s
    ));
    Ok(())
}

/// A peer's name and its command line under `key` (`argv`, `count_argv` or `page_argv`, with
/// their placeholders), as `peers.py` describes it; none when the peer has no such harness.
fn peer_argv(peer: &Value, key: &str) -> Option<(String, Vec<String>)> {
    let argv = peer[key].as_array().filter(|argv| !argv.is_empty())?;
    let argv = argv
        .iter()
        .map(|a| a.as_str().unwrap_or_default().to_owned());
    Some((
        peer["name"].as_str().unwrap_or("?").to_owned(),
        argv.collect(),
    ))
}

/// What the end-to-end section measures: the list call, and the write call (add a participant).
const E2E_WORKS: [&str; 2] = ["list", "add"];

/// Writes the write call's request body (the spec's example, through `bench-count`, which reads
/// it from the spec) into `dir`; the file's path, for the harnesses' `{body}` placeholder.
fn write_request_body(count: &Path, dir: &Path) -> anyhow::Result<String> {
    std::fs::create_dir_all(dir)?;
    let file = dir.join("request.json");
    let mut write = Command::new(count);
    write
        .args(["--spec", &default_spec_path().display().to_string()])
        .args(["--write-body", "request", "--out"])
        .arg(&file);
    output(write.current_dir(workspace_root()))?;
    Ok(file.display().to_string())
}

/// Renders `results` (JSON) to `markdown` with the report script, and draws the chart beside it
/// (the same name, `.svg`) with `chart` (`bench-chart`).
fn render(results: &Path, markdown: &Path, chart: &Path) -> anyhow::Result<()> {
    output(
        Command::new(chart)
            .arg(results)
            .arg(markdown.with_extension("svg")),
    )?;
    let mut python = Command::new(crate::polyglot::python());
    output(
        python
            .arg(workspace_root().join(REPORT))
            .arg(results)
            .arg("-o")
            .arg(markdown),
    )?;
    Ok(())
}

/// The target dir cargo uses here (`CARGO_TARGET_DIR`, `build.target-dir`, else `target/`).
fn target_dir() -> anyhow::Result<PathBuf> {
    let out = output(cargo().args(["metadata", "--format-version", "1", "--no-deps"]))?;
    let metadata: Value = serde_json::from_slice(&out.stdout)?;
    let dir = metadata["target_directory"].as_str();
    Ok(PathBuf::from(
        dir.context("cargo metadata named no target_directory")?,
    ))
}

/// Runs `command` with its output captured; fails with the end of it when the command fails.
fn output(command: &mut Command) -> anyhow::Result<Output> {
    let out = command
        .output()
        .with_context(|| format!("cannot run {command:?}"))?;
    if !out.status.success() {
        let text = String::from_utf8_lossy(&out.stderr) + String::from_utf8_lossy(&out.stdout);
        let skip = text.chars().count().saturating_sub(2000);
        let tail: String = text.chars().skip(skip).collect();
        bail!("{command:?} failed ({}):\n{tail}", out.status);
    }
    Ok(out)
}

/// The last JSON object a harness printed (the output, for what else it wrote).
fn json_line(command: &mut Command) -> anyhow::Result<(Value, Output)> {
    let out = output(command)?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().rev().find(|l| l.starts_with('{'));
    let line = line.with_context(|| format!("{command:?} printed no JSON line: {stdout}"))?;
    Ok((serde_json::from_str(line)?, out))
}

fn time(command: &mut Command) -> anyhow::Result<f64> {
    let started = Instant::now();
    output(command)?;
    Ok(started.elapsed().as_secs_f64())
}

struct Run {
    quick: bool,
    /// `<target dir>/bench`: everything the bench writes goes here, unless a full run copies it.
    work: PathBuf,
    skipped: Vec<String>,
    build_s: f64,
}

impl Run {
    /// Records what was not measured and why (cut to 300 characters: a failed command's
    /// message can hold its whole output).
    fn skip(&mut self, what: &str, why: &str) {
        let why: String = why.chars().take(300).collect();
        say(format!("skipped {what}: {why}"));
        self.skipped.push(format!("{what}: {why}"));
    }

    /// One cargo build (debug when quick, else release) of the harness and the decode bench:
    /// target name -> the executable cargo names.
    fn build(&mut self) -> anyhow::Result<BTreeMap<String, PathBuf>> {
        let started = Instant::now();
        let mut command = cargo();
        command.args(["build", "--bins", "--bench", "decode"]);
        if self.quick {
            // Features resolved as for `cargo test --workspace`: after the tests (CI runs them
            // first) only the decode bench is left to compile.
            command.arg("--workspace");
        } else {
            command.args(["--release", "-p", "plivo-mpc-bench", "-p", "plivo-mpc"]);
        }
        let mut artifacts = executables(&mut command)?;
        if self.quick {
            // Instruction counts are compared with a baseline of release counts (a debug build
            // runs several times the instructions), so the counting harness is a release build
            // even here.
            let mut release = cargo();
            release.args([
                "build",
                "--release",
                "-p",
                "plivo-mpc-bench",
                "--bin",
                "bench-count",
            ]);
            artifacts.extend(executables(&mut release)?);
        }
        self.build_s += started.elapsed().as_secs_f64();
        Ok(artifacts)
    }

    /// The peers' manifest from peers.py (see there).
    fn peers(&mut self) -> anyhow::Result<Value> {
        let started = Instant::now();
        let mut python = Command::new(crate::polyglot::python());
        python
            .arg(workspace_root().join(PEERS))
            .arg("--work")
            .arg(&self.work);
        python.arg(if self.quick { "--quick" } else { "--install" });
        let (peers, _) = json_line(python.stderr(Stdio::inherit()))?;
        self.build_s += started.elapsed().as_secs_f64();
        Ok(peers)
    }

    /// Criterion: every row once in test mode (quick), else each row's lowest median of 2 rounds.
    fn decode(&mut self, exe: &Path) -> anyhow::Result<Value> {
        let home = self.work.join("criterion");
        let mut bench = Command::new(exe);
        bench
            .env("CRITERION_HOME", &home)
            .current_dir(workspace_root());
        if self.quick {
            say(format!(
                "decode: every row ran once in test mode ({:.1} s)",
                time(&mut bench)?
            ));
            return Ok(json!({ "quick": true }));
        }
        let (rounds, warm_up_s, measurement_s) = (2, 0.5, 2.0);
        bench.args([
            "--bench",
            "--noplot",
            "--warm-up-time",
            &warm_up_s.to_string(),
        ]);
        bench.args(["--measurement-time", &measurement_s.to_string()]);
        // (page, row) -> (the lowest median's estimate, every round's median)
        let mut best = BTreeMap::<(String, String), (Value, Vec<f64>)>::new();
        for round in 1..=rounds {
            if home.exists() {
                std::fs::remove_dir_all(&home)?;
            }
            output(&mut bench)?;
            for (key, estimate) in read_criterion(&home)? {
                let median = estimate["median_ns"].as_f64().context("a median")?;
                let kept = best.entry(key).or_insert((estimate.clone(), Vec::new()));
                if median < kept.0["median_ns"].as_f64().unwrap_or(f64::MAX) {
                    kept.0 = estimate;
                }
                kept.1.push(median);
            }
            say(format!(
                "decode: round {round}/{rounds}, {} rows",
                best.len()
            ));
        }
        let mut pages = BTreeMap::<String, Vec<Value>>::new();
        for ((page, row), (mut estimate, medians)) in best {
            estimate["name"] = json!(row);
            estimate["rounds_ns"] = json!(medians);
            pages.entry(page).or_default().push(estimate);
        }
        let pages: Vec<Value> = pages
            .into_iter()
            .map(|(page, rows)| json!({ "page": page, "rows": rows }))
            .collect();
        Ok(
            json!({ "rounds": rounds, "warm_up_s": warm_up_s, "measurement_s": measurement_s,
                   "pages": pages }),
        )
    }

    /// Instructions per decode and per loopback call (see `callgrind.rs`): plivo-mpc, and on a
    /// full run the floor and the peers that have a count harness; plivo-mpc's checked against
    /// the committed baseline (the check's result is returned beside the figures, so that a
    /// failing run still writes them).
    fn instructions(
        &mut self,
        count: &Path,
        server: &Path,
        peers: &Value,
        request: &str,
        args: &Args,
    ) -> anyhow::Result<(Value, anyhow::Result<()>)> {
        let root = workspace_root();
        let profiles = callgrind::profiles_dir(&self.work);
        let spec = default_spec_path().display().to_string();
        let exe = count.display().to_string();
        // (name, argv with {work}, {target} (the URL, or the page's bytes in a file), {n} and
        // {body} (the write call's request example in a file))
        let mut clients: Vec<(String, Vec<String>)> = Vec::new();
        let ours = if self.quick {
            &["generated"][..]
        } else {
            &["floor", "generated"][..]
        };
        for kind in ours {
            let args = [
                "--client", kind, "--work", "{work}", "--n", "{n}", "--url", "{target}",
            ];
            let argv = [exe.as_str(), "--spec", &spec].into_iter().chain(args);
            clients.push((kind.to_string(), argv.map(str::to_owned).collect()));
        }
        for peer in peers.as_array().into_iter().flatten() {
            if let Some(client) = peer_argv(peer, "count_argv") {
                clients.push(client);
            }
        }
        let bodies = self.work.join("bodies");
        std::fs::create_dir_all(&bodies)?;
        let server = Server::start(server, None)?;
        let mut rows = Vec::new();
        let mut measured = Vec::new();
        for (work, n) in callgrind::WORKS {
            let target = match work.strip_prefix("decode-") {
                None => server.url.clone(),
                Some(page) => {
                    let file = bodies.join(format!("{page}.json"));
                    let mut write = Command::new(count);
                    write
                        .args(["--spec", &spec, "--write-body", page, "--out"])
                        .arg(&file);
                    output(write.current_dir(&root))?;
                    file.display().to_string()
                }
            };
            for (name, argv) in &clients {
                let fill = |a: &String| {
                    a.replace("{work}", work)
                        .replace("{target}", &target)
                        .replace("{body}", request)
                };
                let argv: Vec<String> = argv.iter().map(fill).collect();
                let label = format!("{name}-{work}");
                let mut row = match callgrind::per_unit(&argv, n, &profiles, &label) {
                    Ok(row) => row,
                    Err(e) if name != "generated" && name != "floor" => {
                        self.skip(
                            &format!("instructions of {name} for {work}"),
                            &format!("{e:#}"),
                        );
                        continue;
                    }
                    Err(e) => return Err(e),
                };
                say(format!(
                    "instructions {name} {work}: {:.0} per unit",
                    row["per_unit"]
                ));
                if name == "generated" {
                    measured.push((work.to_owned(), row["per_unit"].as_f64().unwrap_or(0.0)));
                }
                row["client"] = json!(name);
                row["work"] = json!(work);
                rows.push(row);
            }
        }
        let path = root.join(callgrind::BASELINE);
        let mut out = json!({ "method": "callgrind, (I(2N) - I(N)) / N", "rows": rows });
        if args.refresh_baseline {
            let margin = callgrind::Baseline::read(&path).map_or(0.10, |b| b.margin);
            let rustc = rust_versions(&root)[0][1]
                .as_str()
                .unwrap_or("?")
                .to_owned();
            callgrind::Baseline::write(&path, margin, &measured, &rustc)?;
            say(format!("wrote {} from this run", callgrind::BASELINE));
            return Ok((out, Ok(())));
        }
        let (check, result) = callgrind::Baseline::read(&path)?.check(&measured);
        say(format!(
            "instructions against {}: {check}",
            callgrind::BASELINE
        ));
        out["baseline"] = check;
        Ok((out, result))
    }

    /// Every client against one bench-server at concurrency 1 and 16, in interleaved rounds;
    /// each figure is the round with the most req/s (every round's req/s kept beside it).
    fn e2e(
        &mut self,
        load: &Path,
        server: &Path,
        peers: &Value,
        request: &str,
    ) -> anyhow::Result<Value> {
        let (secs, warmup, rounds) = if self.quick {
            (0.3, 0.1, 1)
        } else {
            (2.0, 0.3, 2)
        };
        let spec = default_spec_path().display().to_string();
        // (name, argv with placeholders, environment, ours: a failure fails the run)
        let mut clients: Vec<(String, Vec<String>, Value, bool)> = ["raw", "floor", "generated"]
            .iter()
            .map(|kind| {
                let args = format!(
                    "--client {kind} --url {{url}} --concurrency {{concurrency}} --work {{work}} \
                     --spec {spec}"
                );
                let argv = std::iter::once(load.display().to_string())
                    .chain(args.split_whitespace().map(str::to_owned))
                    .chain(["--seconds", "{seconds}", "--warmup", "{warmup}"].map(str::to_owned))
                    .collect();
                (kind.to_string(), argv, json!({}), true)
            })
            .collect();
        for peer in peers.as_array().into_iter().flatten() {
            if let Some((name, argv)) = peer_argv(peer, "argv") {
                clients.push((name, argv, peer["env"].clone(), false));
            }
        }
        let server = Server::start(server, None)?;
        let mut results: Vec<Value> = Vec::new();
        let mut wrk = true;
        // The list call, then the write call; raw sockets and wrk (the server's ceiling) only
        // for the list call.
        for work in E2E_WORKS {
            for round in 1..=rounds {
                for conc in [1u32, 16] {
                    let mut keep = |name: &str, mut r: Value| {
                        say(format!(
                            "e2e {work} round {round}/{rounds} c={conc} {name}: {:.0} req/s, \
                         p50 {} us, p99 {} us, {} errors",
                            r["rps"].as_f64().unwrap_or(0.0),
                            r["p50_us"],
                            r["p99_us"],
                            r["errors"]
                        ));
                        r["client"] = json!(name);
                        r["concurrency"] = json!(conc);
                        r["work"] = json!(work);
                        let same = |x: &&mut Value| {
                            x["client"] == name && x["concurrency"] == conc && x["work"] == work
                        };
                        let Some(kept) = results.iter_mut().find(same) else {
                            r["rounds"] = json!([r["rps"]]);
                            return results.push(r);
                        };
                        let mut all = kept["rounds"].take();
                        all.as_array_mut().expect("rounds").push(r["rps"].clone());
                        if r["rps"].as_f64() > kept["rps"].as_f64() {
                            *kept = r;
                        }
                        kept["rounds"] = all;
                    };
                    for (name, argv, env, ours) in &clients {
                        if name == "raw" && work != "list" {
                            continue;
                        }
                        let fill = |a: &String| {
                            a.replace("{url}", &server.url)
                                .replace("{concurrency}", &conc.to_string())
                                .replace("{seconds}", &secs.to_string())
                                .replace("{warmup}", &warmup.to_string())
                                .replace("{work}", work)
                                .replace("{body}", request)
                        };
                        let argv: Vec<String> = argv.iter().map(fill).collect();
                        let mut client = Command::new(&argv[0]);
                        client.args(&argv[1..]).current_dir(workspace_root());
                        for (k, v) in env.as_object().into_iter().flatten() {
                            client.env(k, v.as_str().unwrap_or_default());
                        }
                        match json_line(&mut client) {
                            Ok((r, _)) if *ours && r["requests"].as_u64() < Some(1) => {
                                bail!("{name} at concurrency {conc} made no request: {r}")
                            }
                            Ok((r, out)) if r["requests"].as_u64() < Some(1) => {
                                let stderr = String::from_utf8_lossy(&out.stderr);
                                let why = format!(
                                    "no call succeeded ({} errors): {}",
                                    r["errors"],
                                    stderr.trim()
                                );
                                self.skip(&format!("{name} {work} at concurrency {conc}"), &why);
                            }
                            Ok((r, _)) => keep(name, r),
                            Err(e) if *ours => return Err(e),
                            Err(e) => {
                                let why = format!("{e:#}");
                                self.skip(&format!("{name} {work} at concurrency {conc}"), &why);
                            }
                        }
                        if name == "raw" && wrk {
                            match run_wrk(&server.url, conc, secs) {
                                Ok(r) => keep("wrk", r),
                                Err(e) => {
                                    wrk = false;
                                    let why = format!("{e:#}; the raw-socket client measures it");
                                    self.skip("wrk ceiling", &why);
                                }
                            }
                        }
                    }
                }
            }
        }
        Ok(json!({ "seconds": secs, "warmup": warmup, "rounds": rounds, "results": results }))
    }

    /// Streams 1,000 (quick) or 1,000, 10,000 and 100,000 participants, 20 a page: plivo-mpc's
    /// `stream()`, and (full run) the page loop a user of the floor or of a peer with a
    /// `page_argv` writes (none of them has a paging helper).
    fn paging(&mut self, page: &Path, server: &Path, peers: &Value) -> anyhow::Result<Value> {
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
        // (name, argv with {url} and {total}, ours: a failure fails the run)
        let exe = page.display().to_string();
        let ours = |client: &str| {
            let argv = [
                &exe, "--url", "{url}", "--expect", "{total}", "--client", client,
            ];
            (client.to_owned(), argv.map(str::to_owned).to_vec(), true)
        };
        let mut clients = vec![ours("generated")];
        if !self.quick {
            clients.push(ours("floor"));
            for peer in peers.as_array().into_iter().flatten() {
                if let Some((name, argv)) = peer_argv(peer, "page_argv") {
                    clients.push((name, argv, false));
                }
            }
        }
        let mut rows = Vec::new();
        for &total in totals {
            let server = Server::start(server, Some(total))?;
            for (name, argv, ours) in &clients {
                let fill = |a: &String| {
                    a.replace("{url}", &server.url)
                        .replace("{total}", &total.to_string())
                };
                let argv: Vec<String> = argv.iter().map(fill).collect();
                let mut command = Command::new(if time_v.exists() {
                    time_v
                } else {
                    Path::new(&argv[0])
                });
                if time_v.exists() {
                    command.arg("-v").arg(&argv[0]);
                }
                command.args(&argv[1..]);
                let (mut r, out) = match json_line(&mut command) {
                    Ok(done) => done,
                    Err(e) if !ours => {
                        self.skip(&format!("paging {total} with {name}"), &format!("{e:#}"));
                        continue;
                    }
                    Err(e) => return Err(e),
                };
                let stderr = String::from_utf8_lossy(&out.stderr);
                let max_rss = stderr
                    .lines()
                    .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
                    .and_then(|v| v.trim().parse::<u64>().ok());
                r["time_v_max_rss_kib"] = json!(max_rss);
                r["client"] = json!(name);
                say(format!(
                    "paging {total} {name}: {} s, peak RSS {} KiB",
                    r["seconds"], r["peak_rss_kib"]
                ));
                rows.push(r);
            }
        }
        Ok(json!({ "rows": rows }))
    }

    /// `xtask generate` into a scratch file (through cargo, and the binary alone), the peers'
    /// openapi-generator time, and (full run) a cold build of the client.
    fn codegen(&mut self, xtask: &Path, peers: &Value) -> anyhow::Result<Value> {
        let scratch = self.work.join("codegen").join("generated.rs");
        std::fs::create_dir_all(scratch.parent().expect("a folder"))?;
        let (mut via_cargo, mut alone) = (f64::MAX, f64::MAX);
        for _ in 0..if self.quick { 1 } else { 3 } {
            let mut command = cargo();
            command
                .args(["xtask", "generate", "--output"])
                .arg(&scratch);
            via_cargo = via_cargo.min(time(&mut command)?);
            let mut command = Command::new(xtask);
            command.args(["generate", "--output"]).arg(&scratch);
            alone = alone.min(time(&mut command)?);
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
            out["cold_build_s"] = json!(time(&mut command)?);
            std::fs::remove_dir_all(&cold)?;
        }
        say(format!("codegen: {out}"));
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
        let url = line.trim().strip_prefix("listening on ").map(str::to_owned);
        let server = Server {
            child,
            url: url.unwrap_or_default(),
        };
        ensure!(
            !server.url.is_empty(),
            "bench-server did not start: {line:?}"
        );
        Ok(server)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// wrk against the server (a second ceiling), in bench-load's shape.
fn run_wrk(url: &str, conc: u32, secs: f64) -> anyhow::Result<Value> {
    let path = "/v1/Account/MANWVLYTK4ZWU1YTY4QA/MultiPartyCall/name_test_mpc_1/Participant/";
    let threads = if conc == 1 { "1" } else { "2" };
    let duration = format!("{}s", secs.round().max(1.0));
    let mut wrk = Command::new("wrk");
    wrk.args([
        "-t",
        threads,
        "-c",
        &conc.to_string(),
        "-d",
        &duration,
        "--latency",
    ]);
    let out = match output(wrk.arg(format!("{url}{path}"))) {
        Err(_) if which_not("wrk") => bail!("wrk not installed (Debian package `wrk`)"),
        out => out?,
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| {
        let line = text.lines().find_map(|l| l.trim().strip_prefix(name))?;
        Some(line.trim().to_owned())
    };
    // "50%   35.00us" and the like, to microseconds.
    let micros = |name: &str| -> Option<u64> {
        let value = field(name)?;
        let split = value.find(|c: char| c.is_ascii_alphabetic())?;
        let scale = match &value[split..] {
            "us" => 1.0,
            "ms" => 1e3,
            "s" => 1e6,
            _ => return None,
        };
        Some((value[..split].parse::<f64>().ok()? * scale) as u64)
    };
    let rps: f64 = field("Requests/sec:")
        .context("no Requests/sec from wrk")?
        .parse()?;
    let (p50, p99) = (micros("50%").unwrap_or(0), micros("99%").unwrap_or(0));
    Ok(json!({ "rps": rps, "p50_us": p50, "p99_us": p99, "errors": 0 }))
}

fn which_not(program: &str) -> bool {
    let found = Command::new(program).arg("--version").output();
    matches!(found, Err(e) if e.kind() == std::io::ErrorKind::NotFound)
}

/// `<home>/decode_<page>/<row>/new/estimates.json`: (page, row) -> median and its interval.
fn read_criterion(home: &Path) -> anyhow::Result<Vec<((String, String), Value)>> {
    let mut rows = Vec::new();
    for group in std::fs::read_dir(home)?.flatten() {
        let group_name = group.file_name().to_string_lossy().into_owned();
        let Some(page) = group_name.strip_prefix("decode_") else {
            continue;
        };
        for row in std::fs::read_dir(group.path())?.flatten() {
            let path = row.path().join("new/estimates.json");
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let median = serde_json::from_str::<Value>(&text)?["median"].take();
            let name = row.file_name().to_string_lossy().into_owned();
            let estimate = json!({
                "median_ns": median["point_estimate"],
                "lo_ns": median["confidence_interval"]["lower_bound"],
                "hi_ns": median["confidence_interval"]["upper_bound"],
            });
            rows.push(((page.to_owned(), name), estimate));
        }
    }
    ensure!(
        !rows.is_empty(),
        "criterion wrote no estimates in {}",
        home.display()
    );
    Ok(rows)
}

fn load() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let fields: Vec<&str> = text.split_whitespace().take(3).collect();
    format!("load average: {}", fields.join(", "))
}

fn machine(load_start: String) -> Value {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let field = |text: &str, name: &str| {
        let line = text.lines().find(|l| l.starts_with(name))?;
        Some(line.split_once(':')?.1.trim().to_owned())
    };
    let cpu = field(&read("/proc/cpuinfo"), "model name").unwrap_or_else(|| "?".into());
    let mem_kib = field(&read("/proc/meminfo"), "MemTotal")
        .and_then(|v| v.trim_end_matches("kB").trim().parse::<f64>().ok());
    let os = [
        read("/proc/sys/kernel/ostype"),
        read("/proc/sys/kernel/osrelease"),
    ];
    json!({
        "cores": std::thread::available_parallelism().map_or(0, |n| n.get()),
        "cpu": cpu,
        "mem": mem_kib.map_or("?".into(), |k| format!("{:.0} GiB", k / 1024.0 / 1024.0)),
        "os": format!("{} {}", os[0].trim(), os[1].trim()),
        "load_start": load_start,
        "load_end": load(),
    })
}

fn rust_versions(root: &Path) -> Vec<Value> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default();
    let deps = [
        "progenitor-client",
        "reqwest",
        "hyper",
        "serde_json",
        "tokio",
        "criterion",
    ]
    .map(|name| {
        let needle = format!("name = \"{name}\"\nversion = \"");
        let version = lock
            .split_once(&needle)
            .and_then(|(_, rest)| rest.split_once('"'));
        format!("{name} {}", version.map_or("?", |(v, _)| v))
    });
    let first_line = |program: &str, arg: &str| match Command::new(program).arg(arg).output() {
        Ok(out) => {
            let text = if out.stdout.is_empty() {
                out.stderr
            } else {
                out.stdout
            };
            String::from_utf8_lossy(&text)
                .lines()
                .next()
                .unwrap_or("?")
                .to_owned()
        }
        Err(_) => "not installed".to_owned(),
    };
    vec![
        json!(["rustc", first_line("rustc", "--version")]),
        json!(["plivo-mpc deps", deps.join(", ")]),
        json!(["wrk", first_line("wrk", "-v")]),
    ]
}
