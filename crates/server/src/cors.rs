//! Which browser pages may call the API: the `--cors-origin`s, written the
//! way browsers send them, and a warning, once per origin, when a page
//! that is not among them calls.
//!
//! A browser names a page's site by its *origin*: scheme, host and port,
//! lowercase, with no path and no default port (`https://blog.example.jp`,
//! `http://127.0.0.1:4000`). An origin copied from the address bar often
//! carries a trailing slash or capitals, and would then never match;
//! [`normalize_origin`] turns it into the browser's form, and refuses what
//! cannot be an origin, saying what to write instead.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Request, State};
use axum::http::header::ORIGIN;
use axum::middleware::Next;
use axum::response::Response;

use crate::Error;

/// How many refused origins are remembered (and so warned about once
/// each); past that, refusals are no longer logged, so that a client
/// sending made-up origins cannot fill the log or the memory.
const REFUSED_ORIGINS_LOGGED: usize = 64;

/// `value` as the origin a browser sends: the scheme and host lowercased,
/// a default port (`:443` for https, `:80` for http) and a trailing slash
/// dropped. Refuses a value without a scheme, with a path, query or user
/// name, or with a host that is not ASCII, saying what to write instead.
///
/// ```
/// use sagasu_server::normalize_origin;
///
/// assert_eq!(normalize_origin("HTTPS://Blog.Example.JP/").unwrap(), "https://blog.example.jp");
/// assert_eq!(normalize_origin("http://127.0.0.1:4000").unwrap(), "http://127.0.0.1:4000");
/// assert!(normalize_origin("blog.example.jp").is_err());
/// ```
pub fn normalize_origin(value: &str) -> Result<String, Error> {
    let invalid = |reason: String| Error::InvalidOrigin {
        value: value.to_owned(),
        reason,
    };
    let trimmed = value.trim();
    let Some((scheme, rest)) = trimmed.split_once("://") else {
        let host = trimmed.trim_end_matches('/');
        return Err(invalid(format!(
            "it has no scheme; write the origin as the browser's address bar shows it, \
             such as `https://{host}` (or `http://127.0.0.1:4000` for a local preview)",
            host = if host.is_empty() {
                "blog.example.jp"
            } else {
                host
            }
        )));
    };
    let scheme = scheme.to_ascii_lowercase();
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return Err(invalid(format!(
            "`{scheme}` is not a scheme; an origin starts with `https://` or `http://`"
        )));
    }
    // One trailing slash is what the address bar adds; anything after the
    // host beyond that is a path, which an origin never has.
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if let Some(at) = authority.find(['/', '?', '#']) {
        return Err(invalid(format!(
            "an origin has no path, query or fragment (`{}`); use `{scheme}://{}`",
            &authority[at..],
            &authority[..at]
        )));
    }
    if authority.contains('@') {
        return Err(invalid(
            "an origin has no user name; use the scheme, host and port only".to_owned(),
        ));
    }
    if !authority.is_ascii() {
        return Err(invalid(
            "write the host in its ASCII form (`xn--…` for an internationalised name), \
             as browsers send it"
                .to_owned(),
        ));
    }
    let authority = authority.to_ascii_lowercase();
    // The port is what follows the last colon outside IPv6 brackets.
    let (host, port) = match authority.rfind(':') {
        Some(colon) if !authority[colon..].contains(']') => {
            (&authority[..colon], Some(&authority[colon + 1..]))
        }
        _ => (authority.as_str(), None),
    };
    if host.is_empty() {
        return Err(invalid(format!(
            "it has no host; such as `{scheme}://blog.example.jp`"
        )));
    }
    let port = match port {
        None => None,
        Some(port) => match port.parse::<u16>() {
            Ok(port) => Some(port),
            Err(_) => {
                return Err(invalid(format!("`{port}` is not a port number")));
            }
        },
    };
    let default_port = match scheme.as_str() {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    };
    Ok(match port {
        Some(port) if Some(port) != default_port => format!("{scheme}://{host}:{port}"),
        _ => format!("{scheme}://{host}"),
    })
}

/// The allowed origins, and the refused ones already warned about.
#[derive(Debug)]
pub(crate) struct OriginCheck {
    allowed: Vec<String>,
    warned: Mutex<HashSet<String>>,
}

impl OriginCheck {
    pub(crate) fn new(allowed: Vec<String>) -> Arc<Self> {
        Arc::new(Self {
            allowed,
            warned: Mutex::new(HashSet::new()),
        })
    }

    /// Whether `origin` is refused and not warned about yet (it is from now on).
    fn first_refusal(&self, origin: &str) -> bool {
        if self.allowed.is_empty() || self.allowed.iter().any(|allowed| allowed == origin) {
            return false;
        }
        let mut warned = self.warned.lock().unwrap_or_else(PoisonError::into_inner);
        if warned.len() >= REFUSED_ORIGINS_LOGGED || warned.contains(origin) {
            return false;
        }
        warned.insert(origin.to_owned())
    }
}

/// Warns, once per origin, about a browser request from an origin the CORS
/// layer will refuse (the browser then hides the answer from the page, and
/// the widget can only apologise): says which origins are allowed and the
/// flag that would allow this one.
pub(crate) async fn warn_refused(
    State(check): State<Arc<OriginCheck>>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(origin) = request.headers().get(ORIGIN) {
        let origin = String::from_utf8_lossy(origin.as_bytes());
        if check.first_refusal(&origin) {
            tracing::warn!(
                %origin,
                allowed = %check.allowed.join(" "),
                "refused a browser request from {origin}: it is not one of the --cors-origin \
                 values, so the browser hides the answer from the page; if that page should \
                 search, add `--cors-origin {origin}` (warned once per origin)"
            );
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_written_as_browsers_send_them() {
        for (given, expected) in [
            ("https://blog.example.jp", "https://blog.example.jp"),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
            ("HTTPS://Blog.Example.JP/", "https://blog.example.jp"),
            ("https://blog.example.jp:443", "https://blog.example.jp"),
            ("http://blog.example.jp:80/", "http://blog.example.jp"),
            ("http://blog.example.jp:443", "http://blog.example.jp:443"),
            ("  http://localhost:4000  ", "http://localhost:4000"),
            ("http://[::1]:4000/", "http://[::1]:4000"),
            ("http://[::1]", "http://[::1]"),
            ("chrome-extension://abcdef", "chrome-extension://abcdef"),
        ] {
            assert_eq!(
                normalize_origin(given).ok().as_deref(),
                Some(expected),
                "{given}"
            );
        }
    }

    #[test]
    fn what_cannot_be_an_origin_is_refused_with_what_to_write() {
        for (given, hint) in [
            ("blog.example.jp", "`https://blog.example.jp`"),
            ("blog.example.jp/", "`https://blog.example.jp`"),
            ("localhost:4000", "https://localhost:4000"),
            (
                "https://blog.example.jp/search/",
                "use `https://blog.example.jp`",
            ),
            (
                "https://blog.example.jp?q=1",
                "use `https://blog.example.jp`",
            ),
            ("https://", "no host"),
            ("https://me@blog.example.jp", "user name"),
            ("https://ブログ.jp", "ASCII"),
            ("https://blog.example.jp:port", "not a port"),
            ("1http://blog.example.jp", "not a scheme"),
        ] {
            let message = normalize_origin(given)
                .err()
                .map(|err| err.to_string())
                .unwrap_or_default();
            assert!(message.contains(hint), "{given}: {message}");
            assert!(message.contains(given.trim()), "{given}: {message}");
        }
    }

    #[test]
    fn a_refused_origin_is_warned_about_once() {
        let check = OriginCheck::new(vec!["https://blog.example.jp".to_owned()]);
        assert!(!check.first_refusal("https://blog.example.jp"));
        assert!(check.first_refusal("https://other.example"));
        assert!(!check.first_refusal("https://other.example"));
        for n in 0..2 * REFUSED_ORIGINS_LOGGED {
            check.first_refusal(&format!("https://{n}.example"));
        }
        let warned = check.warned.lock().map(|set| set.len()).unwrap_or_default();
        assert_eq!(warned, REFUSED_ORIGINS_LOGGED);
        // Any origin is allowed when none is listed.
        assert!(!OriginCheck::new(Vec::new()).first_refusal("https://other.example"));
    }
}
