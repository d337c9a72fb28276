//! The widget's files over HTTP: types, content-hashed URLs and caching,
//! revalidation, CORS, the demo page, the size budget, and the rule that
//! server text never reaches an HTML parser.

mod common;

use std::io::Write as _;

use common::{Fixture, Server, TestResult, fail, http};
use flate2::Compression;
use flate2::write::GzEncoder;

/// The budget for the script and its stylesheet, gzipped.
const BUDGET: usize = 15 * 1024;

const STABLE: &str = "public, max-age=300";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The 16-hex-digit hash that `body` names between `prefix` and `suffix`.
fn hash_between<'a>(body: &'a str, prefix: &str, suffix: &str) -> TestResult<&'a str> {
    body.match_indices(prefix)
        .filter_map(|(at, _)| body.get(at + prefix.len()..at + prefix.len() + 16))
        .find(|hash| {
            hash.bytes().all(|b| b.is_ascii_hexdigit())
                && body.contains(&format!("{prefix}{hash}{suffix}"))
        })
        .ok_or_else(|| fail(format!("no hash between {prefix} and {suffix}")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assets_have_their_types_hashed_urls_and_caching() -> TestResult {
    let fixture = Fixture::sample()?;
    let server = Server::start(fixture.state()?).await?;

    let script = server.get("/widget.js").await?;
    assert_eq!(script.status, 200, "{script}");
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(script.header("cache-control"), Some(STABLE));
    assert_eq!(script.header("x-content-type-options"), Some("nosniff"));
    let script_text = script.text();
    let style_hash = hash_between(&script_text, "\"widget.", ".css\"")?;

    let style = server.get(&format!("/widget.{style_hash}.css")).await?;
    assert_eq!(style.status, 200, "{style}");
    assert_eq!(
        style.header("content-type"),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(style.header("cache-control"), Some(IMMUTABLE));
    let stable_style = server.get("/widget.css").await?;
    assert_eq!(stable_style.header("cache-control"), Some(STABLE));
    assert_eq!(stable_style.body, style.body);

    // The demo page loads the hashed script, which is the stable one.
    let page = server.get("/").await?;
    assert_eq!(page.status, 200, "{page}");
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("cache-control"), Some("no-cache"));
    let page_text = page.text();
    assert!(page_text.contains("<sagasu-search>"), "{page}");
    let script_hash = hash_between(&page_text, "<script src=\"widget.", ".js\"")?;
    let pinned = server.get(&format!("/widget.{script_hash}.js")).await?;
    assert_eq!(pinned.status, 200, "{pinned}");
    assert_eq!(pinned.header("cache-control"), Some(IMMUTABLE));
    assert_eq!(pinned.body, script.body);

    // Revalidation: the ETag answers 304 without a body.
    let etag = script
        .header("etag")
        .ok_or_else(|| fail(format!("no ETag: {script}")))?
        .to_owned();
    let again = http(
        server.addr,
        "GET",
        "/widget.js",
        &[("If-None-Match", &etag)],
    )
    .await?;
    assert_eq!(again.status, 304, "{again}");
    assert!(again.body.is_empty());
    let changed = http(
        server.addr,
        "GET",
        "/widget.js",
        &[("If-None-Match", "W/\"0000000000000000\"")],
    )
    .await?;
    assert_eq!(changed.status, 200, "{changed}");

    // Loadable from a blog on another origin, and compressed for it.
    let cross = http(
        server.addr,
        "GET",
        "/widget.js",
        &[
            ("Origin", "https://blog.example.jp"),
            ("Accept-Encoding", "gzip"),
        ],
    )
    .await?;
    assert_eq!(cross.header("access-control-allow-origin"), Some("*"));
    assert_eq!(cross.header("content-encoding"), Some("gzip"));

    // A hash that is not the current one is an unknown path, in JSON.
    let stale = server.get("/widget.0123456789abcdef.js").await?;
    assert_eq!(stale.status, 404, "{stale}");
    assert_eq!(stale.json()?["error"]["code"], "not_found");
    server.stop().await
}

#[tokio::test]
async fn the_widget_fits_the_size_budget() -> TestResult {
    let fixture = Fixture::empty()?;
    let server = Server::start(sagasu_server::AppState::new(fixture.config())).await?;
    let mut total = 0;
    for path in ["/widget.js", "/widget.css"] {
        let response = server.get(path).await?;
        assert_eq!(response.status, 200, "{response}");
        let mut gzip = GzEncoder::new(Vec::new(), Compression::best());
        gzip.write_all(&response.body)?;
        let size = gzip.finish()?.len();
        eprintln!("{path}: {} bytes, {size} gzipped", response.body.len());
        total += size;
    }
    eprintln!("widget total: {total} bytes gzipped (budget {BUDGET})");
    assert!(total <= BUDGET, "{total} bytes gzipped, over {BUDGET}");
    server.stop().await
}

/// Display strings arrive HTML-escaped and are decoded to text: nothing in
/// the widget hands a string to the HTML parser.
#[test]
fn the_widget_never_parses_strings_as_html() {
    let source = include_str!("../widget/widget.js");
    for sink in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "DOMParser",
        "createContextualFragment",
        "eval(",
        "Function(",
    ] {
        assert!(!source.contains(sink), "widget.js uses {sink}");
    }
}
