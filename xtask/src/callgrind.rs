//! Instructions per decode and per call, counted with callgrind (`cargo xtask bench`'s
//! `instructions` section), and the check of plivo-mpc's counts against the committed baseline.
//!
//! Why instructions: on this shared 2-core machine wall-clock ratios move with the other
//! developers' load; callgrind counts the instructions the client process executes, which that
//! load does not change.
//!
//! Method: each client's count harness (`bench-count`, or a peer's own) does a fixed amount of
//! work N times, and is run under callgrind twice, with N and 2N; the instructions per unit are
//! (I(2N) - I(N)) / N. Everything done once per process (loading, the tokio runtime, the client
//! and its TLS set-up, the connection, the warm-up calls, reading the spec) is the same in both
//! runs and cancels, with no reliance on symbol names (`--toggle-collect` would need each
//! client's async function names, which differ per client and per compiler version).
//!
//! Loopback calls: the server (`bench-server`) is a separate process that is not run under
//! callgrind, so only the client's instructions count: building the request, hyper's
//! connection work (on the same thread: the harnesses use a current-thread runtime), reading
//! and decoding the response, and the system calls' user-space side (not the kernel's).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, ensure, Context as _};
use serde_json::{json, Value};

/// The committed baseline of plivo-mpc's counts, relative to the workspace root.
pub const BASELINE: &str = "conformance/bench/baseline.json";

/// What is counted, in report order, with the N of each (2N is run too).
pub const WORKS: [(&str, u64); 4] = [
    ("decode-documented", 500),
    ("decode-full", 200),
    ("call", 200),
    // The write call: add a participant (the spec's request example as its body).
    ("add", 200),
];

/// The instructions callgrind collected in one run of `command` (its summary line on stderr);
/// callgrind's profile goes to `out` (read it with `callgrind_annotate`).
fn collected(command: &[String], out: &Path) -> anyhow::Result<u64> {
    let mut valgrind = Command::new("valgrind");
    valgrind
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .args(command)
        .current_dir(plivo_mpc_spec::workspace_root());
    let output = match valgrind.output() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!("valgrind is not installed (Debian package `valgrind`)")
        }
        output => output.with_context(|| format!("cannot run {valgrind:?}"))?,
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    ensure!(
        output.status.success(),
        "{valgrind:?} failed ({}):\n{}",
        output.status,
        stderr
            .chars()
            .rev()
            .take(2000)
            .collect::<String>()
            .chars()
            .rev()
            .collect::<String>()
    );
    stderr
        .lines()
        .find_map(|l| {
            l.split_once("Collected :")
                .map(|(_, n)| n.trim().parse().ok())
        })
        .flatten()
        .with_context(|| format!("callgrind printed no `Collected :` line for {command:?}"))
}

/// Instructions per unit of `argv`'s work (its `{n}` filled with N, then 2N): a JSON row with
/// the per-unit figure and both totals.
pub fn per_unit(argv: &[String], n: u64, profiles: &Path, label: &str) -> anyhow::Result<Value> {
    std::fs::create_dir_all(profiles)?;
    let mut totals = [0u64; 2];
    for (total, times) in totals.iter_mut().zip([1, 2]) {
        let filled: Vec<String> = argv
            .iter()
            .map(|a| a.replace("{n}", &(n * times).to_string()))
            .collect();
        let out = profiles.join(format!("{label}-{}.callgrind", n * times));
        *total = collected(&filled, &out)?;
    }
    let extra = totals[1].checked_sub(totals[0]).with_context(|| {
        format!("{label}: 2N runs counted fewer instructions than N ({totals:?})")
    })?;
    Ok(
        json!({ "per_unit": extra as f64 / n as f64, "n": n, "total_n": totals[0],
               "total_2n": totals[1] }),
    )
}

/// The committed baseline: the margin, and plivo-mpc's instructions per unit by work.
pub struct Baseline {
    pub margin: f64,
    pub counts: serde_json::Map<String, Value>,
}

impl Baseline {
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the baseline {}", path.display()))?;
        let value: Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        let margin = value["margin"].as_f64().filter(|m| *m > 0.0);
        let margin = margin.with_context(|| format!("{}: no positive `margin`", path.display()))?;
        let counts = value["instructions"].as_object().cloned();
        let counts =
            counts.with_context(|| format!("{}: no `instructions` object", path.display()))?;
        Ok(Self { margin, counts })
    }

    /// Writes `measured` (work -> plivo-mpc's instructions per unit) as the new baseline,
    /// keeping the margin.
    pub fn write(
        path: &Path,
        margin: f64,
        measured: &[(String, f64)],
        rustc: &str,
    ) -> anyhow::Result<()> {
        let counts: serde_json::Map<String, Value> = measured
            .iter()
            .map(|(work, n)| (work.clone(), json!(n.round() as u64)))
            .collect();
        let value = json!({
            "about": "plivo-mpc's instructions per unit (callgrind, release build of bench-count), \
                      checked by `cargo xtask bench --quick`: a count above baseline * (1 + margin) \
                      fails. Refresh with `cargo xtask bench --quick --refresh-baseline` after a \
                      change that is meant to cost more, or a toolchain update.",
            "margin": margin,
            "rustc": rustc,
            "instructions": counts,
        });
        std::fs::write(path, serde_json::to_string_pretty(&value)? + "\n")
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Each work's baseline, measured figure and their ratio; an error naming every work whose
    /// count is above its baseline by more than the margin.
    pub fn check(&self, measured: &[(String, f64)]) -> (Value, anyhow::Result<()>) {
        let mut rows = Vec::new();
        let mut over = Vec::new();
        for (work, count) in measured {
            let Some(base) = self.counts.get(work).and_then(Value::as_f64) else {
                over.push(format!("{work}: not in the baseline"));
                continue;
            };
            let ratio = count / base;
            if ratio > 1.0 + self.margin {
                over.push(format!(
                    "{work}: {count:.0} instructions, {ratio:.3}x the baseline's {base:.0}"
                ));
            }
            rows.push(json!({ "work": work, "baseline": base, "measured": count, "ratio": ratio }));
        }
        let result = if over.is_empty() {
            Ok(())
        } else {
            Err(anyhow::anyhow!(
                "plivo-mpc's instructions per unit regressed by more than {:.0}% against {BASELINE}: \
                 {}. Find the cost (the callgrind profiles are under <target>/bench/callgrind/, \
                 read with callgrind_annotate); if it is meant, refresh the baseline with \
                 `cargo xtask bench --quick --refresh-baseline`",
                self.margin * 100.0,
                over.join("; ")
            ))
        };
        (json!({ "margin": self.margin, "rows": rows }), result)
    }
}

/// Where a run keeps its callgrind profiles.
pub fn profiles_dir(work: &Path) -> PathBuf {
    work.join("callgrind")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baseline() -> Baseline {
        let counts = json!({ "call": 100_000, "decode-full": 300_000 });
        Baseline {
            margin: 0.10,
            counts: counts.as_object().cloned().expect("an object"),
        }
    }

    fn measured(call: f64) -> Vec<(String, f64)> {
        vec![("call".into(), call), ("decode-full".into(), 300_000.0)]
    }

    #[test]
    fn a_count_within_the_margin_passes() {
        let (rows, result) = baseline().check(&measured(109_999.0));
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(rows["rows"][0]["work"], "call");
        assert!((rows["rows"][0]["ratio"].as_f64().unwrap() - 1.09999).abs() < 1e-9);
    }

    #[test]
    fn a_count_over_the_margin_fails_naming_the_work_and_the_ratio() {
        let (_, result) = baseline().check(&measured(110_001.0));
        let message = result.expect_err("over the margin").to_string();
        assert!(
            message.contains("call: 110001 instructions, 1.100x"),
            "{message}"
        );
        assert!(!message.contains("decode-full:"), "{message}");
        assert!(message.contains("--refresh-baseline"), "{message}");
    }

    #[test]
    fn a_work_missing_from_the_baseline_fails() {
        let mut counted = measured(100_000.0);
        counted.push(("decode-documented".into(), 1.0));
        let (_, result) = baseline().check(&counted);
        let message = result.expect_err("missing").to_string();
        assert!(
            message.contains("decode-documented: not in the baseline"),
            "{message}"
        );
    }

    #[test]
    fn the_baseline_written_is_the_baseline_read() {
        let dir = tempfile::tempdir().expect("a temporary dir");
        let path = dir.path().join("baseline.json");
        Baseline::write(&path, 0.07, &measured(123_456.4), "rustc 1").expect("written");
        let read = Baseline::read(&path).expect("read back");
        assert_eq!(read.margin, 0.07);
        assert_eq!(read.counts["call"], 123_456);
        assert_eq!(read.counts["decode-full"], 300_000);
    }
}
