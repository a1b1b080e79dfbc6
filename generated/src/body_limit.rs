//! A bound on the size of a response body, for every operation: the body is read by the `exec`
//! hook up to the limit and handed on whole, or dropped and marked too large.

/// The largest body read unless [`crate::MpcClientBuilder::max_body_bytes`] says otherwise. A
/// full page of 20 participants is about 12 KiB; 4 MiB leaves room for growth and still stops a
/// runaway response from filling memory.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 4 * 1024 * 1024;

/// Put in the extensions of a response whose body is a JSON array (its first byte that is not
/// white space is `[`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ArrayBody;

/// Put in the extensions of a response whose body was over the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BodyTooLarge {
    pub limit: u64,
    /// The Content-Length, when the server announced one.
    pub announced: Option<u64>,
}

/// Reads the whole body, but no more than `limit` bytes, and hands it on as a response the
/// generated code can decode. Past the limit the body is dropped and the response is marked
/// with [`BodyTooLarge`], so that the `post` hook turns it into an error; memory stays bounded
/// either way.
pub(crate) async fn read_bounded(
    mut response: reqwest::Response,
    limit: u64,
) -> reqwest::Result<reqwest::Response> {
    let announced = response
        .headers()
        .get(reqwest::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // A body that arrives in one chunk (a page usually does) is kept as it came, uncopied.
    let mut first: Option<bytes::Bytes> = None;
    let mut body = Vec::new();
    let mut read = 0u64;
    let mut too_large = announced.is_some_and(|n| n > limit);
    while !too_large {
        let Some(chunk) = response.chunk().await? else {
            break;
        };
        read = read.saturating_add(u64::try_from(chunk.len()).unwrap_or(u64::MAX));
        if read > limit {
            too_large = true;
        } else if let Some(earlier) = first.take() {
            body.extend_from_slice(&earlier);
            body.extend_from_slice(&chunk);
        } else if body.is_empty() {
            first = Some(chunk);
        } else {
            body.extend_from_slice(&chunk);
        }
    }
    let body = match (too_large, first) {
        (true, _) => bytes::Bytes::new(),
        (false, Some(only)) => only,
        (false, None) => bytes::Bytes::from(body),
    };
    // Built with the response's own URL: `reqwest::Response::from` would otherwise parse a
    // placeholder URL (with IDNA processing) for every response.
    use reqwest::ResponseBuilderExt as _;
    let mut rebuilt = http::Response::builder()
        .status(response.status())
        .version(response.version())
        .url(response.url().clone())
        .body(body)
        .expect("status and version come from a valid response");
    *rebuilt.headers_mut() = std::mem::take(response.headers_mut());
    if too_large {
        rebuilt
            .extensions_mut()
            .insert(BodyTooLarge { limit, announced });
    }
    if rebuilt
        .body()
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'[')
    {
        rebuilt.extensions_mut().insert(ArrayBody);
    }
    Ok(reqwest::Response::from(rebuilt))
}
