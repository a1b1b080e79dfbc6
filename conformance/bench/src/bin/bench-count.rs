//! A fixed amount of work for one client, for `cargo xtask bench` to run under callgrind and
//! count the instructions it costs: `--n` decodes of one page, or `--n` list calls (`call`) or
//! write calls (`add`: add a participant, the spec's request example as its body) on loopback
//! one after another (after a fixed warm-up of the same calls). The bench runs it with N and 2N
//! and divides the difference by N, so start-up (the runtime, the client, the connection, the
//! spec read for the page) cancels out and what is left is the cost of one decode or one call.
//!
//! `bench-count --client generated|floor --work decode-documented|decode-full|call|add --n N
//! [--url http://127.0.0.1:PORT] [--spec openapi/plivo-mpc.yaml]`
//!
//! `bench-count --write-body documented|full|request --out FILE [--spec ...]` writes the page's
//! bytes (or the write call's request example) instead, for the peers' own harnesses
//! (openapi-generator's Rust client) to decode or send.
//!
//! Everything runs on one thread (a current-thread tokio runtime), so the hyper connection's
//! work for a call is counted with the call and no thread is left spinning between calls.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use plivo_mpc::types::ParticipantList;
use plivo_mpc_bench::floor::FloorList;
use serde_json::Value;

/// Calls made before the counted ones, the same in every run, so that the connection pool and
/// the allocator are warm when the N calls start.
const WARM_UP_CALLS: usize = 20;

/// Participants on the full page (the list call's largest `limit` the bench uses).
const FULL_PAGE: u64 = 20;

/// The page's bytes as the server sends them (compact JSON).
fn body(spec: &Path, which: &str) -> anyhow::Result<Vec<u8>> {
    let documented = plivo_mpc_bench::documented_example(spec)?;
    let page: Value = match which {
        "documented" => documented,
        "full" => plivo_mpc_bench::page(&documented, 0, FULL_PAGE, FULL_PAGE, FULL_PAGE),
        "request" => plivo_mpc_bench::write_example(spec)?.request,
        other => bail!("unknown body {other} (documented, full or request)"),
    };
    Ok(serde_json::to_vec(&page)?)
}

fn decode(client: &str, bytes: &[u8], n: usize) -> anyhow::Result<()> {
    for _ in 0..n {
        let held = match client {
            "generated" => serde_json::from_slice::<ParticipantList>(black_box(bytes))?
                .objects
                .len(),
            "floor" => serde_json::from_slice::<FloorList>(black_box(bytes))?
                .objects
                .len(),
            other => bail!("unknown client {other} (generated or floor)"),
        };
        black_box(held);
    }
    Ok(())
}

/// `n` loopback calls of `work` (`call`: the list call, `add`: the write call with the spec's
/// request example) after the warm-up ones, one after another on one thread.
fn calls(client: &str, work: &str, url: &str, spec: &Path, n: usize) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let base = url.trim_end_matches('/');
    let example = match work {
        "add" => Some(plivo_mpc_bench::write_example(spec)?),
        _ => None,
    };
    runtime.block_on(async {
        let floor = || -> anyhow::Result<_> {
            let http = reqwest::Client::builder().build()?;
            Ok((http, format!("{base}{}", plivo_mpc_bench::list_path())))
        };
        match (client, &example) {
            ("generated", None) => {
                let client = plivo_mpc_bench::generated_client(base)?;
                for _ in 0..WARM_UP_CALLS + n {
                    black_box(plivo_mpc_bench::list_generated(&client).await?);
                }
            }
            ("floor", None) => {
                let (http, url) = floor()?;
                for _ in 0..WARM_UP_CALLS + n {
                    black_box(plivo_mpc_bench::list_floor(&http, &url).await?);
                }
            }
            ("generated", Some(example)) => {
                let client = plivo_mpc_bench::generated_client(base)?;
                let body = plivo_mpc_bench::generated_write_body(example)?;
                for _ in 0..WARM_UP_CALLS + n {
                    black_box(plivo_mpc_bench::add_generated(&client, &body).await?);
                }
            }
            ("floor", Some(example)) => {
                let (http, url) = floor()?;
                for _ in 0..WARM_UP_CALLS + n {
                    black_box(plivo_mpc_bench::add_floor(&http, &url, &example.request).await?);
                }
            }
            (other, _) => bail!("unknown client {other} (generated or floor)"),
        }
        Ok(())
    })
}

fn main() -> anyhow::Result<()> {
    let (mut client, mut work, mut n, mut url, mut write_body, mut out) =
        (None, None, None, None, None, None);
    let mut spec = PathBuf::from("openapi/plivo-mpc.yaml");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--client" => client = Some(value()?),
            "--work" => work = Some(value()?),
            "--n" => n = Some(value()?.parse::<usize>().context("--n: a count")?),
            "--url" => url = Some(value()?),
            "--spec" => spec = value()?.into(),
            "--write-body" => write_body = Some(value()?),
            "--out" => out = Some(PathBuf::from(value()?)),
            other => bail!("unknown argument {other}"),
        }
    }
    if let Some(which) = write_body {
        let out = out.context("--write-body needs --out FILE")?;
        let bytes = body(&spec, &which)?;
        return std::fs::write(&out, bytes)
            .with_context(|| format!("cannot write {}", out.display()));
    }
    let client = client.context("--client is required")?;
    let work = work.context("--work is required")?;
    let n = n.context("--n is required")?;
    match work.as_str() {
        "call" | "add" => {
            let url = url.with_context(|| format!("--work {work} needs --url"))?;
            calls(&client, &work, &url, &spec, n)?
        }
        decode_page => {
            let page = decode_page.strip_prefix("decode-").with_context(|| {
                format!("unknown work {work} (decode-documented, decode-full, call or add)")
            })?;
            decode(&client, &body(&spec, page)?, n)?;
        }
    }
    println!(
        "{}",
        serde_json::json!({ "client": client, "work": work, "n": n })
    );
    Ok(())
}
