//! The harness behind `cargo xtask bench` (run by `xtask/src/bench.rs`):
//!
//! - `bench-server`: one fast loopback HTTP/1.1 server with keep-alive that answers every `GET`
//!   with the spec's `documented` example, or (`--paging TOTAL`) with the page that the
//!   request's `offset` and `limit` ask for, and every `POST` with the write call's answer
//!   ([`write_example`]);
//! - `bench-load`: requests/s and latency percentiles of the list call or the write call
//!   (`--work list|add`) for the generated client, the floor (bare reqwest + serde_json into
//!   [`floor::FloorList`] / [`floor::FloorAdded`]) and raw sockets (the server's ceiling, list
//!   only);
//! - `bench-page`: streams every participant with the list call's `stream()` (or the floor's
//!   offset loop) and reports its own peak RSS;
//! - `bench-count`: a fixed number of decodes or loopback calls, run under callgrind by the bench
//!   to count the instructions each costs.

use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use plivo_mpc::{Credentials, MpcClient, RetryPolicy};
use serde_json::{json, Value};

use floor::{FloorAdded, FloorList};

pub mod floor;

/// The auth id and MPC name every benchmark request uses (the spec's example values).
pub const AUTH_ID: &str = "MANWVLYTK4ZWU1YTY4QA";
pub const AUTH_TOKEN: &str = "bench-token";
pub const MPC_NAME: &str = "test_mpc_1";

/// The path of the list call for [`AUTH_ID`] and [`MPC_NAME`].
pub fn list_path() -> String {
    format!("/v1/Account/{AUTH_ID}/MultiPartyCall/name_{MPC_NAME}/Participant/")
}

/// The generated client as every benchmark uses it: `base` (no trailing slash), retries off.
pub fn generated_client(base: &str) -> anyhow::Result<MpcClient> {
    Ok(MpcClient::builder(Credentials::new(AUTH_ID, AUTH_TOKEN)?)
        .base_url(base)
        .retry(RetryPolicy::disabled())
        .build()?)
}

/// One list call with the generated client; the number of participants decoded.
pub async fn list_generated(client: &MpcClient) -> anyhow::Result<usize> {
    let page = client
        .list_participants_by_name(MPC_NAME)
        .send()
        .await?
        .into_inner();
    Ok(page.objects.len())
}

/// One list call the floor's way (bare reqwest, Basic auth, the body read whole and decoded
/// with `serde_json::from_slice` into [`FloorList`]) on `url`, the list call's full URL.
pub async fn list_floor(http: &reqwest::Client, url: &str) -> anyhow::Result<usize> {
    let response = http
        .get(url)
        .basic_auth(AUTH_ID, Some(AUTH_TOKEN))
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await?
        .error_for_status()?;
    let bytes = response.bytes().await?;
    let page: FloorList = serde_json::from_slice(&bytes)?;
    Ok(page.objects.len())
}

/// The write call every benchmark makes: add a participant to [`MPC_NAME`] (a `POST` to
/// [`list_path`]).
pub const WRITE_OPERATION: &str = "addParticipantByName";

/// The write call's request body and answer, from the spec: the operation's first request
/// example, and its first example of its success status.
#[derive(Debug, Clone)]
pub struct WriteExample {
    pub request: Value,
    pub status: u16,
    pub response: Value,
}

/// [`WRITE_OPERATION`]'s examples in the spec at `spec`.
pub fn write_example(spec: &Path) -> anyhow::Result<WriteExample> {
    let doc = plivo_mpc_conformance::SpecDocument::load(spec)?;
    let operation = plivo_mpc_conformance::operations(&doc)?
        .into_iter()
        .find(|o| o.operation_id == WRITE_OPERATION)
        .with_context(|| format!("the spec has no operation {WRITE_OPERATION}"))?;
    let request = operation
        .request_body_example()
        .cloned()
        .with_context(|| format!("{WRITE_OPERATION} has no request body example"))?;
    let status = operation
        .success_status
        .with_context(|| format!("{WRITE_OPERATION} declares no success status"))?;
    let response = plivo_mpc_conformance::response_examples(&doc)?
        .into_iter()
        .find(|e| e.operation_id == WRITE_OPERATION && e.status == status)
        .map(|e| e.value)
        .with_context(|| format!("{WRITE_OPERATION} has no example of its {status} answer"))?;
    Ok(WriteExample {
        request,
        status,
        response,
    })
}

/// The write call's body as the generated client takes it.
pub fn generated_write_body(
    example: &WriteExample,
) -> anyhow::Result<plivo_mpc::types::AddParticipantRequest> {
    serde_json::from_value(example.request.clone())
        .context("the spec's request example is an AddParticipantRequest")
}

/// One write call with the generated client; the number of calls Plivo reports placed.
pub async fn add_generated(
    client: &MpcClient,
    body: &plivo_mpc::types::AddParticipantRequest,
) -> anyhow::Result<usize> {
    let added = client
        .add_participant_by_name(MPC_NAME)
        .body(body.clone())
        .send()
        .await?
        .into_inner();
    Ok(added.calls.len())
}

/// One write call the floor's way: bare reqwest, Basic auth, the body serialized from the
/// example as a `serde_json::Value` (a hand-written struct of its keys would serialize the same
/// bytes), the answer read whole and decoded into [`FloorAdded`].
pub async fn add_floor(http: &reqwest::Client, url: &str, body: &Value) -> anyhow::Result<usize> {
    let response = http
        .post(url)
        .basic_auth(AUTH_ID, Some(AUTH_TOKEN))
        .header(reqwest::header::ACCEPT, "application/json")
        .json(body)
        .send()
        .await?
        .error_for_status()?;
    let bytes = response.bytes().await?;
    let added: FloorAdded = serde_json::from_slice(&bytes)?;
    Ok(added.calls.len())
}

/// The `documented` 200 example of the spec, as a JSON value.
pub fn documented_example(spec: &Path) -> anyhow::Result<Value> {
    let doc = plivo_mpc_conformance::SpecDocument::load(spec)?;
    plivo_mpc_conformance::response_examples(&doc)?
        .into_iter()
        .find(|e| e.status == 200 && e.name == "documented")
        .map(|e| e.value)
        .context("the spec has no 200 example named `documented`")
}

/// A page of `held` participants at `offset` of `total`, built from the documented example's
/// participants (cycled, each with its own member id).
pub fn page(documented: &Value, offset: u64, held: u64, limit: u64, total: u64) -> Value {
    let templates = documented["objects"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let objects: Vec<Value> = (0..held)
        .map(|i| {
            let mut p = templates[(i as usize) % templates.len()].clone();
            let id = (1000 + offset + i).to_string();
            p["resource_uri"] = json!(format!("{}{id}/", list_path()));
            p["member_id"] = json!(id);
            p
        })
        .collect();
    let end = offset + held;
    let link = |o: u64| format!("{}?limit={limit}&offset={o}", list_path());
    let mut body = documented.clone();
    body["meta"] = json!({
        "count": total,
        "limit": limit,
        "next": (end < total).then(|| link(end)),
        "offset": offset,
        "previous": (offset > 0).then(|| link(offset.saturating_sub(limit))),
    });
    body["objects"] = Value::Array(objects);
    body
}

/// Request latencies of one run, and what they add up to.
#[derive(Debug, Default)]
pub struct Latencies {
    pub micros: Vec<u32>,
    pub errors: u64,
}

impl Latencies {
    pub fn merge(&mut self, other: Latencies) {
        self.micros.extend(other.micros);
        self.errors += other.errors;
    }

    /// One JSON line: requests, seconds, rps, p50/p99 in microseconds.
    pub fn report(mut self, label: &str, concurrency: usize, elapsed: Duration) -> Value {
        self.micros.sort_unstable();
        let pct = |p: f64| -> u32 {
            if self.micros.is_empty() {
                return 0;
            }
            let i = ((self.micros.len() as f64 * p).ceil() as usize).clamp(1, self.micros.len());
            self.micros[i - 1]
        };
        json!({
            "client": label,
            "concurrency": concurrency,
            "requests": self.micros.len(),
            "errors": self.errors,
            "seconds": elapsed.as_secs_f64(),
            "rps": self.micros.len() as f64 / elapsed.as_secs_f64(),
            "p50_us": pct(0.50),
            "p99_us": pct(0.99),
        })
    }
}

/// Peak resident set size of this process (the kernel's high-water mark), in KiB.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
