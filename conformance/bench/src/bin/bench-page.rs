//! Streams every participant of an MPC with `list_participants_by_name(..).limit(20).stream()`
//! from a paging server (`bench-server --paging TOTAL`) and prints one JSON line: participants,
//! seconds and this process's peak RSS (the kernel's high-water mark, as `/usr/bin/time -v`
//! reports it).
//!
//! `bench-page --url http://127.0.0.1:PORT --expect TOTAL [--client generated|floor]`
//!
//! `--client floor`: the loop a user of bare reqwest writes instead (a list call per page of 20
//! at the next offset, each decoded into `FloorList`, until `meta.next` is null).

use std::time::Instant;

use anyhow::Context as _;
use futures::TryStreamExt as _;
use plivo_mpc::{Credentials, MpcClient, RetryPolicy};
use plivo_mpc_bench::floor::FloorList;
use plivo_mpc_bench::{AUTH_ID, AUTH_TOKEN, MPC_NAME};

/// Every participant, page after page, the floor's way; how many.
async fn floor_pages(url: &str) -> anyhow::Result<u64> {
    let http = reqwest::Client::builder().build()?;
    let list = format!(
        "{}{}",
        url.trim_end_matches('/'),
        plivo_mpc_bench::list_path()
    );
    let (mut count, mut offset) = (0u64, 0u64);
    loop {
        let bytes = http
            .get(&list)
            .query(&[("limit", 20), ("offset", offset)])
            .basic_auth(AUTH_ID, Some(AUTH_TOKEN))
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        let page: FloorList = serde_json::from_slice(&bytes)?;
        let held = page.objects.len() as u64;
        for p in &page.objects {
            std::hint::black_box(p);
        }
        count += held;
        offset += held;
        if held == 0 || page.meta.next.is_none() {
            return Ok(count);
        }
    }
}

fn main() -> anyhow::Result<()> {
    let mut url = None;
    let mut expect = None;
    let mut client = String::from("generated");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--url" => url = Some(value()?),
            "--expect" => expect = Some(value()?.parse::<u64>()?),
            "--client" => client = value()?,
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    let url = url.context("--url is required")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (count, seconds) = runtime.block_on(async {
        if client == "floor" {
            let started = Instant::now();
            let count = floor_pages(&url).await?;
            return anyhow::Ok((count, started.elapsed().as_secs_f64()));
        }
        anyhow::ensure!(
            client == "generated",
            "unknown client {client} (generated or floor)"
        );
        let client = MpcClient::builder(Credentials::new(AUTH_ID, AUTH_TOKEN)?)
            .base_url(&url)
            .retry(RetryPolicy::disabled())
            .build()?;
        let started = Instant::now();
        let count = client
            .list_participants_by_name(MPC_NAME)
            .limit(20)
            .stream()
            .try_fold(0u64, |n, p| {
                std::hint::black_box(&p);
                async move { Ok(n + 1) }
            })
            .await?;
        anyhow::Ok((count, started.elapsed().as_secs_f64()))
    })?;
    if let Some(expect) = expect {
        anyhow::ensure!(
            count == expect,
            "streamed {count} participants, expected {expect}"
        );
    }
    println!(
        "{}",
        serde_json::json!({
            "participants": count,
            "pages": count.div_ceil(20),
            "seconds": seconds,
            "peak_rss_kib": plivo_mpc_bench::peak_rss_kib(),
        })
    );
    Ok(())
}
