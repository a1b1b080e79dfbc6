//! The standalone mock as a server people leave running: flat memory over many requests (large
//! headers too), and still serving after it ran out of file descriptors. Linux only (it reads
//! the mock's RSS from /proc).
//!
//! The short form runs in `cargo test`; the long form measures what the README states:
//! `MOCK_SOAK_REQUESTS=100000 cargo test -p plivo-mpc-conformance --test mock_soak -- --nocapture`.
#![cfg(target_os = "linux")]

mod support;

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Mock {
    child: Child,
    url: String,
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The mock binary, started through `sh` so that `limits` (e.g. `ulimit -n 64`) apply to it.
fn start(limits: &str) -> Mock {
    start_with_args(limits, "")
}

fn start_with_args(limits: &str, args: &str) -> Mock {
    let binary = env!("CARGO_BIN_EXE_plivo-mpc-mock");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("{limits} exec \"$0\" --port 0 {args}"))
        .arg(binary)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {first:?}"))
        .to_owned();
    // The request log is drained so that the mock never blocks writing it.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    Mock { child, url }
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/PID/status")
}

fn requests() -> usize {
    std::env::var("MOCK_SOAK_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_flat_over_many_requests_with_large_headers() {
    let mock = start("");
    let doc = support::spec();
    let op = &support::operations(&doc)[0];
    let url = format!(
        "{}{}",
        mock.url,
        plivo_mpc_conformance::mount::example_path(op).unwrap()
    );
    let http = reqwest::Client::new();
    let big = "x".repeat(60 * 1024);
    let send = |i: usize| {
        let request = http
            .get(&url)
            .basic_auth(support::auth_id(op), Some("t"))
            .header(
                "x-large",
                if i.is_multiple_of(2) {
                    big.as_str()
                } else {
                    "small"
                },
            );
        async move { request.send().await.unwrap().bytes().await.unwrap() }
    };
    // Warm up: allocator arenas, the record filling to its bound.
    let warm_up = plivo_mpc_conformance::mock_server::RECORDED_REQUESTS * 2;
    for i in 0..warm_up {
        send(i).await;
    }
    let before = rss_kib(mock.child.id());
    let total = requests();
    for i in 0..total {
        send(i).await;
    }
    let after = rss_kib(mock.child.id());
    let growth = after.saturating_sub(before);
    println!(
        "mock RSS: {before} KiB after {warm_up} requests, {after} KiB after {total} more \
         (half with a 60 KiB header): +{growth} KiB"
    );
    // Keeping each request (as wiremock did) costs about 60 KiB per large one: thousands of
    // them would add hundreds of MiB. A few MiB is allocator noise.
    assert!(
        growth < 16 * 1024,
        "the mock grew by {growth} KiB over {total} requests"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn it_keeps_serving_after_running_out_of_file_descriptors() {
    let mock = start("ulimit -n 64;");
    let address = mock.url.trim_start_matches("http://").to_owned();
    // More connections than descriptors: the accept loop hits EMFILE.
    let mut held = Vec::new();
    for _ in 0..80 {
        if let Ok(stream) = tokio::net::TcpStream::connect(&address).await {
            held.push(stream);
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(held);
    let http = reqwest::Client::new();
    let mut status = None;
    for _ in 0..50 {
        if let Ok(response) = http.get(format!("{}/unknown/", mock.url)).send().await {
            status = Some(response.status().as_u16());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, Some(404), "the mock stopped serving after EMFILE");
}

/// A client that trickles its request head (a header line every few seconds) is cut off after
/// the header-read timeout instead of holding its connection for ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickled_request_head_is_cut_off() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mock = start_with_args("", "--header-read-timeout 1");
    let address = mock.url.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    stream
        .write_all(b"GET /v1/ HTTP/1.1\r\nhost: x\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut buffer = [0u8; 1024];
    // Keep trickling until the server gives up on us.
    let closed = loop {
        if started.elapsed() > Duration::from_secs(8) {
            break false;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        if stream.write_all(b"x-slow: 1\r\n").await.is_err() {
            break true;
        }
        match tokio::time::timeout(Duration::from_millis(10), stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break true,
            Ok(Ok(_)) => break true, // it answered (a 408) and will close
            Err(_) => {}
        }
    };
    assert!(closed, "the trickling connection was still open after 8 s");
}
