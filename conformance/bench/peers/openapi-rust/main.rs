//! Load harness for openapi-generator's Rust client (`-g rust`, `supportAsync=true`), built by
//! `conformance/bench/peers.py` in `<target dir>/bench/openapi-rust-load/` against the client it
//! generates into `<target dir>/bench/openapi-rust/` (never committed). Same loop and the same JSON
//! line as `bench-load`: one shared `Configuration` (one reqwest pool), `concurrency` tasks,
//! each calling `list_participants_by_name` back to back for `seconds` after `warmup`.
//!
//! `openapi-rust-load URL CONCURRENCY SECONDS WARMUP`
//!
//! `openapi-rust-load count decode-documented|decode-full|call FILE|URL N`: the count harness,
//! as `bench-count` for the Rust clients (run under callgrind by `cargo xtask bench` with N and
//! 2N): N decodes of the page's bytes in FILE into the client's `ParticipantList` model, or 20
//! warm-up calls and N list calls on one thread (a current-thread runtime).

use std::time::{Duration, Instant};

use plivo_mpc_openapi::apis::{configuration::Configuration, participants_api};

const AUTH_ID: &str = "MANWVLYTK4ZWU1YTY4QA";

async fn worker(cfg: std::sync::Arc<Configuration>, warm: Instant, stop: Instant) -> (Vec<u32>, u64) {
    let mut micros = Vec::new();
    let mut errors = 0;
    loop {
        let started = Instant::now();
        if started >= stop {
            return (micros, errors);
        }
        let result =
            participants_api::list_participants_by_name(&cfg, AUTH_ID, "test_mpc_1", None, None, None)
                .await;
        match result {
            Ok(page) if started >= warm => {
                std::hint::black_box(page.objects.len());
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

fn count(work: &str, target: &str, n: usize) {
    if let Some(_page) = work.strip_prefix("decode-") {
        let bytes = std::fs::read(target).expect("the page's bytes");
        for _ in 0..n {
            let page: plivo_mpc_openapi::models::ParticipantList =
                serde_json::from_slice(std::hint::black_box(&bytes)).expect("the page decodes");
            std::hint::black_box(page.objects.len());
        }
        return;
    }
    assert_eq!(work, "call", "unknown work {work}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let cfg = configuration(target);
        for _ in 0..20 + n {
            let page =
                participants_api::list_participants_by_name(&cfg, AUTH_ID, "test_mpc_1", None, None, None)
                    .await
                    .expect("the call succeeds");
            std::hint::black_box(page.objects.len());
        }
    });
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args[1] == "count" {
        return count(&args[2], &args[3], args[4].parse().unwrap());
    }
    let url = args[1].clone();
    let concurrency: usize = args[2].parse().unwrap();
    let seconds: f64 = args[3].parse().unwrap();
    let warmup: f64 = args[4].parse().unwrap();
    let threads = if concurrency == 1 { 1 } else { 2 };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let cfg = std::sync::Arc::new(configuration(&url));
        let warm = Instant::now() + Duration::from_secs_f64(warmup);
        let stop = warm + Duration::from_secs_f64(seconds);
        let tasks: Vec<_> = (0..concurrency)
            .map(|_| tokio::spawn(worker(cfg.clone(), warm, stop)))
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
            "{{\"client\":\"openapi-rust\",\"concurrency\":{concurrency},\"requests\":{},\"errors\":{errors},\"seconds\":{elapsed},\"rps\":{},\"p50_us\":{},\"p99_us\":{}}}",
            all.len(),
            all.len() as f64 / elapsed,
            pct(0.5),
            pct(0.99)
        );
    });
}
