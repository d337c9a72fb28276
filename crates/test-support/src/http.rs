//! HTTP for tests: one [`Response`] type, whoever read the response (ureq
//! here, curl through a proxy, a raw socket in the malformed-request
//! tests), and a blocking client for ordinary requests.
//!
//! The client sends what a plain client would and nothing the server could
//! act on: no `Accept-Encoding` (ureq is built without gzip), no
//! `User-Agent` or `Accept`, `Connection: close`, no redirects followed, and
//! every status returned as a response, not an error.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;
use ureq::config::AutoHeaderValue;

/// How long one exchange may take, connecting included.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// A response.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Names lowercased, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked and not decompressed.
    pub body: Vec<u8>,
}

impl Response {
    /// A response from its head (`HTTP/1.1 200 OK`, then `Name: value`
    /// lines, as curl's `-D` writes it or a socket delivers it) and its
    /// body.
    pub fn from_head(head: &str, body: Vec<u8>) -> io::Result<Self> {
        let mut lines = head.lines();
        let status_line = lines.next().unwrap_or_default();
        let bad_status = || invalid(format!("bad status line {status_line:?}"));
        let mut parts = status_line.split_whitespace();
        if !parts
            .next()
            .is_some_and(|version| version.starts_with("HTTP/"))
        {
            return Err(bad_status());
        }
        let status = parts
            .next()
            .and_then(|code| code.parse().ok())
            .ok_or_else(bad_status)?;
        let mut headers = Vec::new();
        for line in lines.filter(|line| !line.is_empty()) {
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| invalid(format!("bad header line {line:?}")))?;
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
        Ok(Self {
            status,
            headers,
            body,
        })
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> io::Result<Value> {
        serde_json::from_slice(&self.body)
            .map_err(|err| invalid(format!("body is not JSON ({err}): {self}")))
    }

    /// The body as (lossy) text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The status, the headers and the first 500 characters of the body.
impl std::fmt::Display for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {:?} ", self.status, self.headers)?;
        let text = self.text();
        match text.char_indices().nth(500) {
            Some((cut, _)) => write!(f, "{}…", &text[..cut]),
            None => f.write_str(&text),
        }
    }
}

/// `GET target` on `addr`.
pub fn get(addr: SocketAddr, target: &str) -> io::Result<Response> {
    request(addr, "GET", target, &[], &[])
}

/// `method target` on `addr` with `headers` and `body` (and its
/// `Content-Length`, when not empty), within [`TIMEOUT`].
pub fn request(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> io::Result<Response> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(AutoHeaderValue::None)
        .accept(AutoHeaderValue::None)
        .timeout_global(Some(TIMEOUT))
        .build()
        .into();
    let mut request = ureq::http::Request::builder()
        .method(method)
        .uri(format!("http://{addr}{target}"))
        .header("connection", "close");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let exchange = |err: ureq::Error| {
        io::Error::other(format!("{method} {target} on {addr}: {}", err.into_io()))
    };
    // No body, no `Content-Length`.
    let sent = if body.is_empty() {
        agent.run(request.body(()).map_err(invalid)?)
    } else {
        agent.run(request.body(body).map_err(invalid)?)
    };
    let mut response = sent.map_err(exchange)?;
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(u64::MAX)
        .read_to_vec()
        .map_err(exchange)?;
    Ok(Response {
        status: response.status().as_u16(),
        headers,
        body,
    })
}

fn invalid(err: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_head_as_curl_writes_it() -> io::Result<()> {
        let head = "HTTP/2 304 \r\nETag: \"abc\"\r\nvary: accept-encoding\r\n\r\n";
        let response = Response::from_head(head, Vec::new())?;
        assert_eq!(response.status, 304);
        assert_eq!(response.header("etag"), Some("\"abc\""));
        assert_eq!(response.header("Vary"), Some("accept-encoding"));
        assert!(Response::from_head("hello", Vec::new()).is_err());
        Ok(())
    }
}
