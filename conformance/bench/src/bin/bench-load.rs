//! The Rust side of the end-to-end benchmark: `concurrency` tasks each send one call after
//! another over a kept-alive connection for `--seconds` (after `--warmup`), and the run prints
//! one JSON line (requests, rps, p50/p99 in microseconds).
//!
//! `bench-load --client generated|floor|raw --url http://127.0.0.1:PORT [--work list|add]
//! [--spec openapi/plivo-mpc.yaml] [--concurrency 1] [--seconds 3] [--warmup 0.5]`
//!
//! The work: `list` (default) lists the participants; `add` adds one (the write call, with the
//! spec's request example as its body, `plivo_mpc_bench::write_example`).
//!
//! - `generated`: `MpcClient` with `RetryPolicy::disabled()`, `.send()` decoding into the
//!   generated `ParticipantList` / `AddParticipantResponse`;
//! - `floor`: one `reqwest::Client` with Basic auth, the body read whole and decoded with
//!   `serde_json::from_slice` into the hand-written `FloorList` / `FloorAdded`;
//! - `raw` (list only): a raw socket per task writing the request bytes and reading the response
//!   to its Content-Length (no decode): the server's ceiling.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use plivo_mpc::types::AddParticipantRequest;
use plivo_mpc::MpcClient;
use plivo_mpc_bench::Latencies;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Generated,
    Floor,
    Raw,
}

#[derive(Clone)]
enum Caller {
    Generated(MpcClient),
    Floor(reqwest::Client, String),
    Raw(String, Vec<u8>),
    GeneratedAdd(MpcClient, Arc<AddParticipantRequest>),
    FloorAdd(reqwest::Client, String, Arc<Value>),
}

/// One call; returns the number of participants decoded (or bytes read, for `raw`).
async fn call(caller: &Caller, raw: &mut Option<RawConn>) -> anyhow::Result<usize> {
    match caller {
        Caller::Generated(client) => plivo_mpc_bench::list_generated(client).await,
        Caller::Floor(http, url) => plivo_mpc_bench::list_floor(http, url).await,
        Caller::GeneratedAdd(client, body) => plivo_mpc_bench::add_generated(client, body).await,
        Caller::FloorAdd(http, url, body) => plivo_mpc_bench::add_floor(http, url, body).await,
        Caller::Raw(addr, request) => {
            if raw.is_none() {
                *raw = Some(RawConn::connect(addr).await?);
            }
            raw.as_mut().expect("connected").round_trip(request).await
        }
    }
}

struct RawConn {
    socket: TcpStream,
    buf: Vec<u8>,
}

impl RawConn {
    async fn connect(addr: &str) -> anyhow::Result<Self> {
        let socket = TcpStream::connect(addr).await?;
        socket.set_nodelay(true)?;
        Ok(Self {
            socket,
            buf: Vec::with_capacity(16 * 1024),
        })
    }

    async fn round_trip(&mut self, request: &[u8]) -> anyhow::Result<usize> {
        self.socket.write_all(request).await?;
        self.buf.clear();
        loop {
            if let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = std::str::from_utf8(&self.buf[..end])?;
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        let (n, v) = l.split_once(':')?;
                        n.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse().ok())?
                    })
                    .context("no content-length")?;
                while self.buf.len() < end + 4 + length {
                    if self.socket.read_buf(&mut self.buf).await? == 0 {
                        anyhow::bail!("connection closed mid-body");
                    }
                }
                return Ok(length);
            }
            if self.socket.read_buf(&mut self.buf).await? == 0 {
                anyhow::bail!("connection closed");
            }
        }
    }
}

async fn worker(caller: Caller, warm_until: Instant, stop_at: Instant) -> Latencies {
    let mut raw = None;
    let mut out = Latencies::default();
    while Instant::now() < warm_until {
        if call(&caller, &mut raw).await.is_err() {
            out.errors += 1;
            raw = None;
        }
    }
    out.errors = 0;
    loop {
        let started = Instant::now();
        if started >= stop_at {
            return out;
        }
        match call(&caller, &mut raw).await {
            Ok(n) => {
                black_box(n);
                out.micros
                    .push(started.elapsed().as_micros().min(u32::MAX as u128) as u32);
            }
            Err(e) => {
                if out.errors == 0 {
                    eprintln!("bench-load: {e:#}");
                }
                out.errors += 1;
                raw = None;
            }
        }
    }
}

fn main() -> anyhow::Result<()> {
    let mut kind = None;
    let mut url = None;
    let mut concurrency = 1usize;
    let mut seconds = 3.0f64;
    let mut warmup = 0.5f64;
    let mut work = String::from("list");
    let mut spec = PathBuf::from("openapi/plivo-mpc.yaml");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--client" => {
                kind = Some(match value()?.as_str() {
                    "generated" => Kind::Generated,
                    "floor" => Kind::Floor,
                    "raw" => Kind::Raw,
                    other => anyhow::bail!("unknown client {other}"),
                })
            }
            "--url" => url = Some(value()?),
            "--concurrency" => concurrency = value()?.parse()?,
            "--seconds" => seconds = value()?.parse()?,
            "--warmup" => warmup = value()?.parse()?,
            "--work" => work = value()?,
            "--spec" => spec = value()?.into(),
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    let kind = kind.context("--client is required")?;
    let url = url.context("--url is required")?;
    let base = url.trim_end_matches('/').to_owned();
    let list_url = format!("{base}{}", plivo_mpc_bench::list_path());
    let caller = match (kind, work.as_str()) {
        (Kind::Generated, "list") => Caller::Generated(plivo_mpc_bench::generated_client(&base)?),
        (Kind::Floor, "list") => Caller::Floor(reqwest::Client::builder().build()?, list_url),
        (Kind::Generated, "add") => {
            let example = plivo_mpc_bench::write_example(&spec)?;
            Caller::GeneratedAdd(
                plivo_mpc_bench::generated_client(&base)?,
                Arc::new(plivo_mpc_bench::generated_write_body(&example)?),
            )
        }
        (Kind::Floor, "add") => {
            let example = plivo_mpc_bench::write_example(&spec)?;
            Caller::FloorAdd(
                reqwest::Client::builder().build()?,
                list_url,
                Arc::new(example.request),
            )
        }
        (Kind::Raw, "list") => {
            let addr = base
                .strip_prefix("http://")
                .context("raw needs an http:// URL")?
                .to_owned();
            let request = format!(
                "GET {} HTTP/1.1\r\nhost: {addr}\r\naccept: application/json\r\n\r\n",
                plivo_mpc_bench::list_path()
            );
            Caller::Raw(addr, request.into_bytes())
        }
        (_, other) => anyhow::bail!(
            "unknown work {other} for this client (list, or add for generated and floor)"
        ),
    };
    // One worker thread for one connection (no cross-thread wakeups); two (the machine's cores)
    // for more.
    let threads = if concurrency == 1 { 1 } else { 2 };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()?;
    let label = match kind {
        Kind::Generated => "generated",
        Kind::Floor => "floor",
        Kind::Raw => "raw",
    };
    let report = runtime.block_on(async move {
        let warm_until = Instant::now() + Duration::from_secs_f64(warmup);
        let stop_at = warm_until + Duration::from_secs_f64(seconds);
        let tasks: Vec<_> = (0..concurrency)
            .map(|_| tokio::spawn(worker(caller.clone(), warm_until, stop_at)))
            .collect();
        let mut all = Latencies::default();
        for task in tasks {
            all.merge(task.await?);
        }
        let elapsed = Instant::now().saturating_duration_since(warm_until);
        let mut report = all.report(label, concurrency, elapsed);
        report["work"] = work.into();
        anyhow::Ok(report)
    })?;
    println!("{report}");
    Ok(())
}
