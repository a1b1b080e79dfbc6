//! The standalone mock's HTTP server: hyper, one task per connection, nothing kept per request.
//!
//! wiremock (which the replay suite uses for its strict, per-test mocks) keeps every request a
//! mock matched for later verification, so a long-running `cargo xtask mock` on wiremock grew
//! with every request. This server answers from [`SpecMock`] and keeps nothing but the bounded
//! record `GET /__mock/requests` reads. Its accept loop survives errors (out of file descriptors,
//! say): it waits a moment and accepts again.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::task::JoinHandle;

use crate::mock_server::{Answer, SpecMock};

/// The largest request body read; a larger one is answered 413 without being held.
pub const MAX_REQUEST_BODY_BYTES: usize = 1024 * 1024;

/// How long a connection may take to send its request head; a slower one is closed (a client
/// trickling a header line every few seconds would otherwise hold its connection for ever).
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A running server; it stops when dropped.
#[derive(Debug)]
pub struct Serving {
    address: SocketAddr,
    task: JoinHandle<()>,
}

impl Serving {
    /// `http://127.0.0.1:PORT`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves `mock` on `listener` until the returned [`Serving`] is dropped.
pub fn serve(mock: SpecMock, listener: std::net::TcpListener) -> std::io::Result<Serving> {
    serve_with(mock, listener, DEFAULT_HEADER_READ_TIMEOUT)
}

/// [`serve`] with another header-read timeout.
pub fn serve_with(
    mock: SpecMock,
    listener: std::net::TcpListener,
    header_read_timeout: Duration,
) -> std::io::Result<Serving> {
    listener.set_nonblocking(true)?;
    let address = listener.local_addr()?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let mock = Arc::new(mock);
    let task = tokio::spawn(async move {
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // EMFILE and its kind: connections still open will close and free
                    // descriptors; keep listening instead of ending the loop.
                    eprintln!("mock: cannot accept a connection ({e}); trying again");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let mock = Arc::clone(&mock);
            tokio::spawn(async move {
                let service = service_fn(move |request| {
                    let mock = Arc::clone(&mock);
                    async move { Ok::<_, std::convert::Infallible>(respond(&mock, request).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(header_read_timeout)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(Serving { address, task })
}

async fn respond(
    mock: &SpecMock,
    request: hyper::Request<Incoming>,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_REQUEST_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => {
            let message = format!("the request body is over {MAX_REQUEST_BODY_BYTES} bytes");
            return render(&mock.refusal(413, &message, "request body too large"));
        }
    };
    let host = parts
        .headers
        .get(hyper::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let Ok(url) = wiremock::http::Url::parse(&format!("http://{host}{}", parts.uri)) else {
        return render(&mock.refusal(400, "the request target is not a URL", "bad target"));
    };
    let request = wiremock::Request {
        url,
        method: parts.method,
        headers: parts.headers,
        body,
    };
    let answer = mock.answer(&request);
    mock.log(&request, &answer);
    render(&answer)
}

fn render(answer: &Answer) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::builder().status(answer.status);
    if let Some(allow) = &answer.allow {
        response = response.header(hyper::header::ALLOW, allow.as_str());
    }
    let body = if answer.body.is_null() {
        Bytes::new()
    } else {
        response = response.header(hyper::header::CONTENT_TYPE, "application/json");
        Bytes::from(serde_json::to_vec(&answer.body).expect("a JSON value serializes"))
    };
    response.body(Full::new(body)).unwrap_or_else(|_| {
        hyper::Response::builder()
            .status(500)
            .body(Full::new(Bytes::from_static(
                b"{\"error\": \"mock: unrenderable answer\"}",
            )))
            .expect("a fixed response")
    })
}
