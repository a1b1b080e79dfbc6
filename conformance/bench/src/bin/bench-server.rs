//! A fixed-body loopback HTTP/1.1 server: every `GET` gets the spec's `documented` example
//! (or, with `--paging TOTAL`, the page its `offset` and `limit` ask for), every `POST` the
//! write call's answer (`plivo_mpc_bench::write_example`, with its status), with keep-alive and
//! pipelining, and nothing else (no routing by path, no auth check: it is the thing being
//! measured against, so it must cost as little as possible).
//!
//! `bench-server --spec openapi/plivo-mpc.yaml [--port 0] [--paging TOTAL]`
//! prints `listening on http://127.0.0.1:PORT` and serves until killed.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

struct App {
    /// The whole fixed response, head and body.
    fixed: Vec<u8>,
    /// The whole answer to a `POST` (the write call).
    written: Vec<u8>,
    documented: serde_json::Value,
    paging: Option<u64>,
}

fn response(status: u16, body: &[u8]) -> Vec<u8> {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

impl App {
    fn answer(&self, method: &str, target: &str, out: &mut Vec<u8>) {
        if method == "POST" {
            out.extend_from_slice(&self.written);
            return;
        }
        let Some(total) = self.paging else {
            out.extend_from_slice(&self.fixed);
            return;
        };
        let query = target.split_once('?').map(|(_, q)| q).unwrap_or("");
        let param = |name: &str| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
                .and_then(|v| v.parse::<u64>().ok())
        };
        let limit = param("limit").unwrap_or(20).clamp(1, 20);
        let offset = param("offset").unwrap_or(0);
        let held = total.saturating_sub(offset).min(limit);
        let page = plivo_mpc_bench::page(&self.documented, offset, held, limit, total);
        out.extend_from_slice(&response(
            200,
            &serde_json::to_vec(&page).expect("a page serialises"),
        ));
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

async fn serve(mut socket: TcpStream, app: Arc<App>) -> std::io::Result<()> {
    socket.set_nodelay(true)?;
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut out: Vec<u8> = Vec::with_capacity(16 * 1024);
    loop {
        let mut close = false;
        // Answer every complete request in the buffer (pipelined ones in one write).
        while let Some(end) = find(&buf, b"\r\n\r\n") {
            let head = std::str::from_utf8(&buf[..end]).unwrap_or("");
            let mut lines = head.split("\r\n");
            let request_line = lines.next().unwrap_or("");
            let method = request_line.split(' ').next().unwrap_or("GET");
            let target = request_line.split(' ').nth(1).unwrap_or("/");
            let mut body_len = 0usize;
            for line in lines {
                let Some((name, value)) = line.split_once(':') else {
                    continue;
                };
                let value = value.trim();
                if name.eq_ignore_ascii_case("content-length") {
                    body_len = value.parse().unwrap_or(0);
                } else if name.eq_ignore_ascii_case("connection")
                    && value.eq_ignore_ascii_case("close")
                {
                    close = true;
                }
            }
            if request_line.ends_with("HTTP/1.0") {
                close = true;
            }
            if buf.len() < end + 4 + body_len {
                break;
            }
            app.answer(method, target, &mut out);
            buf.drain(..end + 4 + body_len);
            if close {
                break;
            }
        }
        if !out.is_empty() {
            socket.write_all(&out).await?;
            out.clear();
        }
        if close {
            return socket.shutdown().await;
        }
        if socket.read_buf(&mut buf).await? == 0 {
            return Ok(());
        }
    }
}

fn main() -> anyhow::Result<()> {
    let mut spec = PathBuf::from("openapi/plivo-mpc.yaml");
    let mut port = 0u16;
    let mut paging = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--spec" => spec = value()?.into(),
            "--port" => port = value()?.parse()?,
            "--paging" => paging = Some(value()?.parse()?),
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    let documented = plivo_mpc_bench::documented_example(&spec)?;
    let write = plivo_mpc_bench::write_example(&spec)?;
    let app = Arc::new(App {
        fixed: response(200, &serde_json::to_vec(&documented)?),
        written: response(write.status, &serde_json::to_vec(&write.response)?),
        documented,
        paging,
    });
    // One worker thread: the server costs as little CPU as it can beside the clients.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        println!("listening on http://{}", listener.local_addr()?);
        loop {
            let (socket, _) = listener.accept().await?;
            let app = app.clone();
            tokio::spawn(async move {
                let _ = serve(socket, app).await;
            });
        }
    })
}
