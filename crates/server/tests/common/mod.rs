//! Shared harness for the server's integration tests: indexes built in temp
//! dirs, a server on an ephemeral port, ordinary requests through the shared
//! client (`sagasu_test_support::http`), and a minimal async HTTP/1.1 client
//! over a raw socket for requests that may be malformed on purpose. What the
//! tests of every crate share comes from `sagasu-test-support`.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code, unused_imports)]

use std::error::Error;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::Router;
use sagasu_indexer::{IndexOptions, Report};
use sagasu_server::{AppState, Connections, ServerConfig, app};
pub use sagasu_test_support::http::Response;
pub use sagasu_test_support::{SAMPLE_POSTS, copy_dir, encode, post_id, sample_archive};
use serde_json::Value;
use tempfile::TempDir;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// What every test returns. `Send + Sync` so that results cross tasks.
pub type TestResult<T = ()> = Result<T, Box<dyn Error + Send + Sync>>;

/// A test failure with `message`.
pub fn fail(message: impl Into<String>) -> Box<dyn Error + Send + Sync> {
    message.into().into()
}

/// Indexing settings for tests: few threads, since tests run in parallel.
pub fn index_options() -> IndexOptions {
    IndexOptions {
        threads: 2,
        ..IndexOptions::default()
    }
}

/// Indexes `roots` into `index` (creating it or updating it in place).
pub fn index_into(index: &Path, roots: &[PathBuf]) -> TestResult<Report> {
    let report = sagasu_indexer::index(index, roots, &index_options(), &|_| {})?;
    if !report.failed.is_empty() {
        return Err(fail(format!("indexing failed for some files: {report:?}")));
    }
    Ok(report)
}

/// A temp dir holding an index at `<dir>/idx`.
#[derive(Debug)]
pub struct Fixture {
    pub dir: TempDir,
    pub index: PathBuf,
}

impl Fixture {
    /// An empty temp dir; nothing indexed yet.
    pub fn empty() -> TestResult<Self> {
        let dir = tempfile::Builder::new()
            .prefix("sagasu-server-test-")
            .tempdir()?;
        let index = dir.path().join("idx");
        Ok(Self { dir, index })
    }

    /// The sample archive, indexed.
    pub fn sample() -> TestResult<Self> {
        let fixture = Self::empty()?;
        index_into(&fixture.index, &[sample_archive()])?;
        Ok(fixture)
    }

    /// Default settings for this index.
    pub fn config(&self) -> ServerConfig {
        ServerConfig::new(self.index.clone())
    }

    /// A state for `config` with the index open.
    pub fn ready(config: ServerConfig) -> TestResult<AppState> {
        let state = AppState::new(config);
        state.open_index()?;
        Ok(state)
    }

    /// A state with default settings and the index open.
    pub fn state(&self) -> TestResult<AppState> {
        Self::ready(self.config())
    }
}

/// A search URI for the query string pairs, encoded as a browser would.
pub fn search_uri(pairs: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        query.append_pair(key, value);
    }
    format!("/api/search?{}", query.finish())
}

/// The `id`s of a search (or related) response's hits, in order.
pub fn hit_ids(response: &Value) -> Vec<String> {
    response["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .filter_map(|hit| hit["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A server on `127.0.0.1:<ephemeral>`, running in a task of the current
/// runtime until [`Server::stop`].
#[derive(Debug)]
pub struct Server {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Serves `app(state)` with the state's connection limits, and graceful
    /// shutdown wired to [`Server::stop`].
    pub async fn start(state: AppState) -> TestResult<Self> {
        let connections = state.config().connections.clone();
        Self::serve_with(app(state), connections).await
    }

    /// Serves `router` (the app, maybe with test layers or routes added).
    pub async fn serve(router: Router) -> TestResult<Self> {
        Self::serve_with(router, Connections::default()).await
    }

    /// Serves `router` within `connections`, as `sagasu serve` does.
    pub async fn serve_with(router: Router, connections: Connections) -> TestResult<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let serve = sagasu_server::serve(listener, router, connections, async move {
            // A dropped sender stops the server too.
            let _ = stopped.await;
        });
        let task = tokio::spawn(serve);
        Ok(Self {
            addr,
            stop: Some(stop),
            task,
        })
    }

    /// Signals shutdown and waits (at most 10 s) for the server task to
    /// end; fails if it does not, or if it ends with an error.
    pub async fn stop(mut self) -> TestResult {
        if let Some(stop) = self.stop.take() {
            stop.send(())
                .map_err(|()| fail("the server task ended before it was asked to stop"))?;
        }
        tokio::time::timeout(Duration::from_secs(10), &mut self.task)
            .await
            .map_err(|_| fail("the server did not shut down within 10 s"))???;
        Ok(())
    }

    /// `GET target`.
    pub async fn get(&self, target: &str) -> TestResult<Response> {
        http(self.addr, "GET", target, &[]).await
    }

    /// `GET target`, requiring 200 and a JSON body.
    pub async fn get_json(&self, target: &str) -> TestResult<Value> {
        let response = self.get(target).await?;
        if response.status != 200 {
            return Err(fail(format!("GET {target}: expected 200, got {response}")));
        }
        Ok(response.json()?)
    }
}

/// Sends one request (`Connection: close`, no body, no `Accept-Encoding`
/// unless given in `headers`) through the shared client, on a blocking
/// thread.
pub async fn http(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
) -> TestResult<Response> {
    http_with_body(addr, method, target, headers, &[]).await
}

/// [`http`] with a request body (and its `Content-Length`, when not empty).
pub async fn http_with_body(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> TestResult<Response> {
    let (method, target, body) = (method.to_owned(), target.to_owned(), body.to_vec());
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    let response = tokio::task::spawn_blocking(move || {
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        sagasu_test_support::http::request(addr, &method, &target, &headers, &body)
    })
    .await??;
    Ok(response)
}

/// One request written by hand on a socket (`Connection: close`; a
/// `Content-Length` only when `body` is not empty) and its response read to
/// EOF, within 30 s: for what an ordinary client will not send (a raw UTF-8
/// target, oversized headers, a length it does not keep to), and for the
/// soak's hundreds of concurrent clients, which stay tasks of the runtime
/// instead of as many threads.
pub async fn raw_request(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> TestResult<Response> {
    let exchange = async {
        let stream = TcpStream::connect(addr).await?;
        let mut request =
            format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        if !body.is_empty() {
            request.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        request.push_str("\r\n");
        let mut bytes = request.into_bytes();
        bytes.extend_from_slice(body);
        write_all(&stream, &bytes).await?;
        let raw = read_response(&stream, method == "HEAD").await?;
        parse_response(&raw, method == "HEAD")
    };
    tokio::time::timeout(Duration::from_secs(30), exchange)
        .await
        .map_err(|_| {
            fail(format!(
                "{method} {target}: no complete response within 30 s"
            ))
        })?
}

// Tokio's `io-util` feature is off: readiness and `try_*` calls instead.
pub async fn write_all(stream: &TcpStream, mut bytes: &[u8]) -> std::io::Result<()> {
    while !bytes.is_empty() {
        stream.writable().await?;
        match stream.try_write(bytes) {
            Ok(written) => bytes = &bytes[written..],
            Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

/// Reads to the end of the stream, or, for a response with a
/// `Content-Length` to a request other than `HEAD`, to the end of that body
/// (some servers, like chromedriver, keep the connection open).
pub async fn read_response(stream: &TcpStream, head: bool) -> std::io::Result<Vec<u8>> {
    let mut raw = Vec::new();
    let mut chunk = vec![0; 64 * 1024];
    loop {
        stream.readable().await?;
        match stream.try_read(&mut chunk) {
            Ok(0) => return Ok(raw),
            Ok(read) => {
                raw.extend_from_slice(&chunk[..read]);
                if !head && complete_by_length(&raw) {
                    return Ok(raw);
                }
            }
            Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(err) => return Err(err),
        }
    }
}

/// Parses a whole HTTP/1.1 response: status line, headers, and a body
/// delimited by `Content-Length`, chunked encoding, or the end of the
/// stream.
pub fn parse_response(raw: &[u8], head: bool) -> TestResult<Response> {
    let end = find(raw, b"\r\n\r\n").ok_or_else(|| {
        fail(format!(
            "no end of headers in {:?}",
            String::from_utf8_lossy(raw)
        ))
    })?;
    let mut response = Response::from_head(std::str::from_utf8(&raw[..end])?, Vec::new())?;
    let rest = &raw[end + 4..];
    if head {
        if !rest.is_empty() {
            return Err(fail(format!("HEAD response has a body: {response}")));
        }
        return Ok(response);
    }
    let chunked = response
        .header("transfer-encoding")
        .is_some_and(|value| value.eq_ignore_ascii_case("chunked"));
    response.body = if chunked {
        dechunk(rest)?
    } else if let Some(length) = response.header("content-length") {
        let length: usize = length.parse()?;
        if rest.len() != length {
            return Err(fail(format!(
                "content-length {length} but {} body bytes",
                rest.len()
            )));
        }
        rest.to_vec()
    } else {
        rest.to_vec()
    };
    Ok(response)
}

/// Whether `raw` holds the headers and a `Content-Length` body, whole.
fn complete_by_length(raw: &[u8]) -> bool {
    let Some(end) = find(raw, b"\r\n\r\n") else {
        return false;
    };
    let length = String::from_utf8_lossy(&raw[..end])
        .split("\r\n")
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok());
    length.is_some_and(|length| raw.len() >= end + 4 + length)
}

fn dechunk(mut rest: &[u8]) -> TestResult<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = find(rest, b"\r\n").ok_or_else(|| fail("truncated chunk size line"))?;
        let size_text = std::str::from_utf8(&rest[..line_end])?;
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| fail(format!("bad chunk size {size_text:?}")))?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        if rest.len() < size + 2 || &rest[size..size + 2] != b"\r\n" {
            return Err(fail("truncated chunk"));
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Polls `probe` every 100 ms until it returns `Some`, for at most
/// `limit`; the last error or `None` becomes the failure.
pub async fn poll<T, F, Fut>(limit: Duration, what: &str, mut probe: F) -> TestResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = TestResult<Option<T>>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let last = match probe().await {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => "not yet".to_owned(),
            Err(err) => err.to_string(),
        };
        if tokio::time::Instant::now() >= deadline {
            return Err(fail(format!("{what}: not within {limit:?} (last: {last})")));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
