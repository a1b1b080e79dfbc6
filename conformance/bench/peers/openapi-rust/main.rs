//! Load harness for openapi-generator's Rust client (`-g rust`, `supportAsync=true`), built by
//! `conformance/bench/peers.py` in `<target dir>/bench/openapi-rust-load/` against the client it
//! generates into `<target dir>/bench/openapi-rust/` (never committed). Same loop and the same JSON
//! line as `bench-load`: one shared `Configuration` (one reqwest pool), `concurrency` tasks,
//! each making its call back to back for `seconds` after `warmup`.
//!
//! `openapi-rust-load URL CONCURRENCY SECONDS WARMUP list|add BODY_FILE`: the work is
//! `list_participants_by_name`, or `add_participant_by_name` with the request body in BODY_FILE
//! (the spec's example, written by `bench-count --write-body request`).
//!
//! `openapi-rust-load count decode-documented|decode-full|call|add FILE|URL N [BODY_FILE]`: the
//! count harness, as `bench-count` for the Rust clients (run under callgrind by `cargo xtask
//! bench` with N and 2N): N decodes of the page's bytes in FILE into the client's
//! `ParticipantList` model, or 20 warm-up calls and N list or write calls on one thread (a
//! current-thread runtime).
//!
//! `openapi-rust-load page URL TOTAL`: every participant of the MPC, page after page of 20 (the
//! loop a user of this client writes: it has no paging helper), as `bench-page` reports it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use plivo_mpc_openapi::apis::{configuration::Configuration, participants_api};
use plivo_mpc_openapi::models::AddParticipantRequest;

const AUTH_ID: &str = "MANWVLYTK4ZWU1YTY4QA";
const NAME: &str = "test_mpc_1";

/// One call of the work; the number of participants decoded, or of calls Plivo reports placed.
async fn call(cfg: &Configuration, body: Option<&AddParticipantRequest>) -> Result<usize, String> {
    match body {
        None => participants_api::list_participants_by_name(cfg, AUTH_ID, NAME, None, None, None)
            .await
            .map(|page| page.objects.len())
            .map_err(|e| e.to_string()),
        Some(body) => participants_api::add_participant_by_name(cfg, AUTH_ID, NAME, body.clone())
            .await
            .map(|added| added.calls.len())
            .map_err(|e| e.to_string()),
    }
}

async fn worker(
    cfg: Arc<Configuration>,
    body: Option<Arc<AddParticipantRequest>>,
    warm: Instant,
    stop: Instant,
) -> (Vec<u32>, u64) {
    let mut micros = Vec::new();
    let mut errors = 0;
    loop {
        let started = Instant::now();
        if started >= stop {
            return (micros, errors);
        }
        match call(&cfg, body.as_deref()).await {
            Ok(n) if started >= warm => {
                std::hint::black_box(n);
                micros.push(started.elapsed().as_micros() as u32);
            }
            Ok(_) => {}
            Err(e) => {
                if errors == 0 {
                    eprintln!("openapi-rust-load: {e}");
                }
                errors += 1;
            }
        }
    }
}

fn configuration(url: &str) -> Configuration {
    Configuration {
        base_path: url.trim_end_matches('/').to_owned(),
        basic_auth: Some((AUTH_ID.to_owned(), Some("bench-token".to_owned()))),
        ..Configuration::default()
    }
}

/// The write call's body from BODY_FILE, for the work `add` (none for `list`), and the keys of
/// the example this client's model cannot read, left out of what it sends (its `oneOf` models,
/// such as `delay_dial`'s integer-or-string, refuse every value).
fn body_for(work: &str, file: Option<&String>) -> (Option<AddParticipantRequest>, Vec<String>) {
    match work {
        "list" | "call" => (None, Vec::new()),
        "add" => {
            let bytes = std::fs::read(file.expect("add needs BODY_FILE")).expect("BODY_FILE");
            let example: serde_json::Map<String, serde_json::Value> =
                serde_json::from_slice(&bytes).expect("the request example is an object");
            let readable = |key: &str, value: &serde_json::Value| {
                let mut probe = serde_json::Map::new();
                probe.insert("role".to_owned(), example["role"].clone());
                probe.insert(key.to_owned(), value.clone());
                serde_json::from_value::<AddParticipantRequest>(probe.into()).is_ok()
            };
            let (kept, dropped): (Vec<_>, Vec<_>) =
                example.iter().partition(|(key, value)| readable(key, value));
            let kept: serde_json::Map<_, _> =
                kept.into_iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            let model = serde_json::from_value(kept.into()).expect("the readable keys decode");
            (Some(model), dropped.into_iter().map(|(k, _)| k.clone()).collect())
        }
        other => panic!("unknown work {other}"),
    }
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn count(work: &str, target: &str, n: usize, body_file: Option<&String>) {
    if let Some(_page) = work.strip_prefix("decode-") {
        let bytes = std::fs::read(target).expect("the page's bytes");
        for _ in 0..n {
            let page: plivo_mpc_openapi::models::ParticipantList =
                serde_json::from_slice(std::hint::black_box(&bytes)).expect("the page decodes");
            std::hint::black_box(page.objects.len());
        }
        return;
    }
    let (body, _) = body_for(work, body_file);
    current_thread().block_on(async move {
        let cfg = configuration(target);
        for _ in 0..20 + n {
            let n = call(&cfg, body.as_ref()).await.expect("the call succeeds");
            std::hint::black_box(n);
        }
    });
}

fn page(url: &str, total: u64) {
    let (count, seconds) = current_thread().block_on(async {
        let cfg = configuration(url);
        let started = Instant::now();
        let (mut count, mut offset) = (0u64, 0i32);
        loop {
            let page = participants_api::list_participants_by_name(
                &cfg,
                AUTH_ID,
                NAME,
                None,
                Some(20),
                Some(offset),
            )
            .await
            .expect("the page arrives");
            let held = page.objects.len();
            for p in &page.objects {
                std::hint::black_box(p);
            }
            count += held as u64;
            offset += held as i32;
            // A page shorter than the limit is the last (the client's models of `meta.next`
            // are not used: what a user of any client can rely on is the count).
            if held < 20 {
                break;
            }
        }
        (count, started.elapsed().as_secs_f64())
    });
    assert_eq!(count, total, "streamed {count} participants, expected {total}");
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
    println!(
        "{{\"participants\":{count},\"pages\":{},\"seconds\":{seconds},\"peak_rss_kib\":{}}}",
        count.div_ceil(20),
        peak.map_or("null".to_owned(), |p| p.to_string())
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args[1] == "count" {
        return count(&args[2], &args[3], args[4].parse().unwrap(), args.get(5));
    }
    if args[1] == "page" {
        return page(&args[2], args[3].parse().unwrap());
    }
    let url = args[1].clone();
    let concurrency: usize = args[2].parse().unwrap();
    let seconds: f64 = args[3].parse().unwrap();
    let warmup: f64 = args[4].parse().unwrap();
    let work = args.get(5).map_or("list", String::as_str).to_owned();
    let (body, dropped) = body_for(&work, args.get(6));
    let body = body.map(Arc::new);
    let threads = if concurrency == 1 { 1 } else { 2 };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let cfg = Arc::new(configuration(&url));
        let warm = Instant::now() + Duration::from_secs_f64(warmup);
        let stop = warm + Duration::from_secs_f64(seconds);
        let tasks: Vec<_> = (0..concurrency)
            .map(|_| tokio::spawn(worker(cfg.clone(), body.clone(), warm, stop)))
            .collect();
        let mut all = Vec::new();
        let mut errors = 0;
        for t in tasks {
            let (m, e) = t.await.unwrap();
            all.extend(m);
            errors += e;
        }
        let elapsed = Instant::now().saturating_duration_since(warm).as_secs_f64();
        all.sort_unstable();
        let pct = |p: f64| {
            if all.is_empty() {
                0
            } else {
                all[((all.len() as f64 * p).ceil() as usize).clamp(1, all.len()) - 1]
            }
        };
        println!(
            "{{\"client\":\"openapi-rust\",\"work\":\"{work}\",\"body_keys_dropped\":{},\"concurrency\":{concurrency},\"requests\":{},\"errors\":{errors},\"seconds\":{elapsed},\"rps\":{},\"p50_us\":{},\"p99_us\":{}}}",
            serde_json::to_string(&dropped).unwrap(),
            all.len(),
            all.len() as f64 / elapsed,
            pct(0.5),
            pct(0.99)
        );
    });
}
