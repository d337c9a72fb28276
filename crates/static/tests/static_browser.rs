//! The static bundle in a real browser: headless Chromium over WebDriver
//! (the server crate's harness), loading the files `sagasu static` wrote
//! from a plain file server, as GitHub Pages would serve them.
//!
//! - the parity test runs every query of the relevance suite
//!   (tests/relevance/sample.txt) through `sagasu.js` and through the
//!   server's searcher, which `sagasu search --json` prints: the hit sets,
//!   the first hits and the words a run was searched by (`split`) must be
//!   equal;
//! - the widget tests drive `widget.js` in static mode: typing, IME,
//!   filters, paging, URL state, the notice for a run searched by its
//!   words, an HTML-injection title, a missing chunk, and the snippet of a
//!   long post with tens of thousands of matches.
//!
//! Without chromedriver each test is skipped with a loud message unless
//! `SAGASU_REQUIRE_BROWSER` is set.

// Shared with the server's widget tests, which use all of it.
#[allow(dead_code)]
#[path = "../../server/tests/browser/mod.rs"]
mod browser;
#[path = "../../server/tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use browser::Browser;
use common::{Fixture, Server, TestResult, copy_dir, fail, index_into, sample_archive};
use sagasu_search::{MatchMode, SearchRequest, Searcher};
use serde_json::{Value, json};

/// One browser at a time: two cores, and Chromium is heavy.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A blog page with the static widget, as a blogger would paste it.
const BLOG: &str = r#"<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>静的なブログ</title>
<link rel="icon" href="data:,"><script src="/search/widget.js" data-sagasu-static defer></script></head>
<body><h1>静的なブログ</h1><div data-sagasu PER_PAGE></div></body></html>"#;

const ROOT: &str = "const root = document.querySelector('[data-sagasu]').shadowRoot;";

/// The sample archive's index and bundle, served with a blog page, and the
/// bundle files the browser fetched.
struct Site {
    fixture: Fixture,
    bundle: PathBuf,
    server: Server,
    fetched: Arc<Mutex<Vec<String>>>,
    browser: Browser,
    _one: tokio::sync::MutexGuard<'static, ()>,
}

impl Site {
    async fn start(name: &str) -> TestResult<Option<Self>> {
        Self::start_with(name, &[]).await
    }

    /// The same, with `posts` (file name, text) added to the sample
    /// archive's `_posts/`.
    async fn start_with(name: &str, posts: &[(&str, &str)]) -> TestResult<Option<Self>> {
        let one = ONE_BROWSER.lock().await;
        let Some(browser) = Browser::start(name).await? else {
            return Ok(None);
        };
        let fixture = Fixture::empty()?;
        let archive = fixture.dir.path().join("posts");
        copy_dir(&sample_archive(), &archive)?;
        for (file, text) in posts {
            std::fs::write(archive.join("_posts").join(file), text)?;
        }
        index_into(&fixture.index, &[archive])?;
        let bundle = fixture.dir.path().join("site/search");
        let options = sagasu_static::ExportOptions {
            user_dictionary: None,
            assets: vec![
                ("widget.js".to_owned(), sagasu_server::WIDGET_SCRIPT.into()),
                ("widget.css".to_owned(), sagasu_server::WIDGET_STYLE.into()),
            ],
        };
        sagasu_static::export(&fixture.index, &bundle, &options)?;
        let fetched = Arc::new(Mutex::new(Vec::new()));
        let (root, record) = (bundle.clone(), Arc::clone(&fetched));
        let router = Router::new().fallback(move |request: Request| {
            let (root, record) = (root.clone(), Arc::clone(&record));
            async move { serve_file(&root, &request, &record) }
        });
        let server = Server::serve(router).await?;
        Ok(Some(Self {
            fixture,
            bundle,
            server,
            fetched,
            browser,
            _one: one,
        }))
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.addr)
    }

    async fn widget(&self, body: &str) -> TestResult<Value> {
        self.browser.js(&format!("{ROOT} {body}"), &[]).await
    }

    async fn wait(&self, what: &str, body: &str) -> TestResult<Value> {
        self.browser.wait_for(what, &format!("{ROOT} {body}")).await
    }

    async fn open(&self, path: &str) -> TestResult {
        self.browser.goto(&self.url(path)).await?;
        self.wait(
            "the styled widget",
            "return root && !root.querySelector('.sagasu').hidden && root.querySelector('input');",
        )
        .await
        .map(drop)
    }

    /// What the server's searcher answers.
    fn expected(&self, query: &str) -> TestResult<Value> {
        let searcher = Searcher::open(&self.fixture.index)?;
        let response = searcher.search(&SearchRequest::new(query))?;
        Ok(serde_json::to_value(
            sagasu_server::json::SearchResponse::from(&response),
        )?)
    }

    /// Waits until the widget lists `total` results; returns their titles.
    async fn shown(&self, total: u64) -> TestResult<Vec<String>> {
        self.wait(
            &format!("the widget showing {total} results"),
            &browser::showing(total),
        )
        .await?;
        let titles = self
            .widget("return [...root.querySelectorAll('[role=option] .title')].map(a => a.textContent);")
            .await?;
        Ok(serde_json::from_value(titles)?)
    }

    async fn type_query(&self, query: &str) -> TestResult {
        let input = self.widget("return root.querySelector('input');").await?;
        self.browser.type_into(&input, query).await
    }

    async fn click(&self, body: &str) -> TestResult {
        let element = self.widget(body).await?;
        self.browser.click(&element).await
    }

    fn fetched(&self) -> TestResult<Vec<String>> {
        Ok(self.fetched.lock().map_err(|_| fail("poisoned"))?.clone())
    }

    async fn finish(self) -> TestResult {
        self.browser.quit().await?;
        self.server.stop().await
    }
}

/// A static file server: `/blog/` is the blog page, `/search/…` the bundle.
fn serve_file(root: &Path, request: &Request, record: &Mutex<Vec<String>>) -> Response {
    let path = request.uri().path();
    if path == "/blog/" || path == "/blog/few/" {
        let per_page = if path == "/blog/few/" {
            r#"data-per-page="2""#
        } else {
            ""
        };
        let page = BLOG.replace("PER_PAGE", per_page);
        return ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response();
    }
    let Some(name) = path.strip_prefix("/search/") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if let Ok(mut fetched) = record.lock() {
        fetched.push(name.to_owned());
    }
    let kind = match Path::new(name).extension().and_then(|e| e.to_str()) {
        Some("js") => "text/javascript",
        Some("css") => "text/css",
        _ => "application/json",
    };
    match std::fs::read(root.join(name)) {
        Ok(bytes) if !name.contains("..") => {
            ([(header::CONTENT_TYPE, kind)], bytes).into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The relevance suite's queries, with their match mode and the post the
/// suite names first, if any.
fn suite() -> TestResult<Vec<(String, MatchMode, Option<String>)>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/relevance/sample.txt");
    let mut queries: Vec<(String, MatchMode, Option<String>)> = Vec::new();
    for line in std::fs::read_to_string(path)?.lines().map(str::trim) {
        if let Some(query) = line.strip_prefix("query ") {
            queries.push((query.to_owned(), MatchMode::All, None));
        } else if let (Some(mode), Some(last)) = (line.strip_prefix("match "), queries.last_mut()) {
            last.1 = mode.parse()?;
        } else if let (Some(first), Some(last)) = (line.strip_prefix("first "), queries.last_mut())
        {
            last.2 = Some(first.to_owned());
        }
    }
    Ok(queries)
}

fn ids(response: &Value) -> Vec<String> {
    response["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|hit| hit["id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_suite_query_finds_what_the_server_finds() -> TestResult {
    let Some(site) = Site::start("static parity").await? else {
        return Ok(());
    };
    site.open("/blog/").await?;
    let searcher = Searcher::open(&site.fixture.index)?;
    let queries = suite()?;
    assert!(queries.len() > 60, "{} queries", queries.len());
    let mut differences = Vec::new();
    for (query, mode, first) in &queries {
        let mut request = SearchRequest::new(query);
        request.match_mode = *mode;
        request.per_page = 100;
        let response = searcher.search(&request)?;
        let server = serde_json::to_value(sagasu_server::json::SearchResponse::from(&response))?;
        let mode = if *mode == MatchMode::Any {
            "any"
        } else {
            "all"
        };
        let page = site
            .browser
            .js(
                "return import('/search/sagasu.js').then(m => m.search(arguments[0]));",
                &[json!({"q": query, "match": mode, "per_page": 100})],
            )
            .await?;
        let (mut expected, mut got) = (ids(&server), ids(&page));
        let firsts = (expected.first().cloned(), got.first().cloned());
        if let Some(first) = first {
            let named = |id: &Option<String>| {
                id.as_deref().is_some_and(|id| {
                    first
                        .strip_suffix('*')
                        .map_or(id == first, |prefix| id.starts_with(prefix))
                })
            };
            if named(&firsts.0) != named(&firsts.1) {
                differences.push(format!("{query}: first {firsts:?}"));
            }
        }
        expected.sort();
        got.sort();
        if expected != got
            || server["total"] != page["total"]
            || server["relaxed"] != page["relaxed"]
        {
            differences.push(format!("{query}: server {expected:?}, static {got:?}"));
        }
        if server["split"] != page["split"] {
            differences.push(format!(
                "{query}: split server {}, static {}",
                server["split"], page["split"]
            ));
        }
    }
    assert!(differences.is_empty(), "{differences:#?}");
    site.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_static_widget_searches_as_you_type_and_keeps_the_url() -> TestResult {
    let Some(site) = Site::start("static typing").await? else {
        return Ok(());
    };
    site.open("/blog/").await?;
    site.type_query("ｲﾝﾌﾗ").await?;
    let expected = site.expected("ｲﾝﾌﾗ")?;
    let total = expected["total"].as_u64().ok_or("total")?;
    let titles = site.shown(total).await?;
    let first = expected["hits"][0]["title"].as_str().unwrap_or_default();
    assert_eq!(titles.first().map(String::as_str), Some(first));
    let marks = site
        .widget("return [...root.querySelectorAll('[role=option] mark')].map(m => m.textContent);")
        .await?;
    assert!(marks.as_array().is_some_and(|m| !m.is_empty()), "{marks}");
    let url = site.browser.url().await?;
    assert!(
        url.contains(&format!("q={}", common::encode("ｲﾝﾌﾗ"))),
        "{url}"
    );

    // The URL alone restores the search.
    site.browser.goto(&url).await?;
    assert_eq!(site.shown(total).await?, titles);
    // Only what the query needs was fetched: no post beyond the page (and
    // the posts' dictionary).
    let posts = site
        .fetched()?
        .iter()
        .filter(|f| f.starts_with("p/") && *f != "p/dictionary.bin")
        .count();
    assert!(posts <= 20, "{posts} posts fetched");
    site.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_and_paging_work_without_a_server() -> TestResult {
    let Some(site) = Site::start("static filters").await? else {
        return Ok(());
    };
    site.open("/blog/few/").await?;
    site.type_query("インフラ").await?;
    let all = site.expected("インフラ")?;
    let total = all["total"].as_u64().ok_or("total")?;
    assert_eq!(site.shown(total).await?.len(), 2, "two per page");
    site.click("return root.querySelector('.more');").await?;
    site.wait(
        "the second page",
        "return root.querySelectorAll('[role=option]').length === 4;",
    )
    .await?;

    site.click("return root.querySelector('.toggle');").await?;
    let chip =
        "[...root.querySelectorAll('.chip')].find(c => c.firstChild.textContent === '勉強会')";
    let count = site
        .wait(
            "the tag's chip",
            &format!("return {chip}?.querySelector('.n').textContent;"),
        )
        .await?;
    site.click(&format!("return {chip};")).await?;
    let narrowed = site.expected("インフラ tag:勉強会")?;
    let narrowed_total = narrowed["total"].as_u64().ok_or("total")?;
    assert_eq!(count, json!(narrowed_total.to_string()));
    site.shown(narrowed_total).await?;
    let url = site.browser.url().await?;
    assert!(
        url.contains(&format!("tag={}", common::encode("勉強会"))),
        "{url}"
    );
    site.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ime_composition_fetches_nothing_until_it_ends() -> TestResult {
    let Some(site) = Site::start("static IME").await? else {
        return Ok(());
    };
    site.open("/blog/").await?;
    site.widget("root.querySelector('input').focus();").await?;
    // Focus may warm the engine up (its manifest): that is not a search.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let before = site.fetched()?.len();
    for step in ["べ", "べん", "べんきょ", "べんきょうかい"] {
        let end = step.chars().count();
        site.browser
            .cdp(
                "Input.imeSetComposition",
                json!({"text": step, "selectionStart": end, "selectionEnd": end}),
            )
            .await?;
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    let fetched = site.fetched()?;
    assert_eq!(
        fetched.len(),
        before,
        "fetched while composing: {fetched:?}"
    );
    site.browser
        .cdp("Input.insertText", json!({"text": "べんきょうかい"}))
        .await?;
    let expected = site.expected("べんきょうかい")?;
    site.shown(expected["total"].as_u64().ok_or("total")?)
        .await?;
    site.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_no_post_has_gets_the_notice_of_the_words_searched() -> TestResult {
    let Some(site) = Site::start("static split").await? else {
        return Ok(());
    };
    site.open("/blog/").await?;
    site.type_query("北海道富良野").await?;
    let expected = site.expected("北海道富良野")?;
    assert_eq!(expected["split"][0]["words"], json!(["北海道", "富良野"]));
    site.shown(expected["total"].as_u64().ok_or("total")?)
        .await?;
    let status = site
        .widget("return root.querySelector('.status').textContent;")
        .await?;
    assert_eq!(
        status,
        "「北海道富良野」の検索結果: 1 件「北海道富良野」を含む記事はありません。「北海道」「富良野」を含む記事を表示しています。"
    );
    site.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_html_injection_title_stays_text() -> TestResult {
    let Some(site) = Site::start("static injection").await? else {
        return Ok(());
    };
    site.open("/blog/").await?;
    site.type_query("XSS").await?;
    let titles = site.shown(1).await?;
    assert!(titles[0].starts_with("<script>"), "{titles:?}");
    let injected = site
        .widget("return root.querySelectorAll('[role=option] script').length + document.querySelectorAll('body script').length;")
        .await?;
    assert_eq!(injected, json!(0));
    site.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_chunk_gets_a_clear_message() -> TestResult {
    let Some(site) = Site::start("static missing chunk").await? else {
        return Ok(());
    };
    // Every term bucket is gone, as after a half-uploaded deploy.
    std::fs::remove_dir_all(site.bundle.join("t"))?;
    site.open("/blog/").await?;
    site.type_query("インフラ").await?;
    let shown = site
        .wait(
            "the sorry message",
            "const sorry = root.querySelector('.sorry'); \
             return !sorry.hidden && !root.querySelector('.panel').hidden && sorry.textContent;",
        )
        .await?;
    assert!(
        shown
            .as_str()
            .is_some_and(|text| text.contains("検索データの一部を読み込めませんでした")),
        "{shown}"
    );
    let state = site
        .widget("return [root.querySelectorAll('[role=option]').length, root.querySelector('input').disabled];")
        .await?;
    assert_eq!(state, json!([0, false]));
    site.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_post_with_many_matches_gets_its_snippet() -> TestResult {
    // 80,000 sentences and as many matches: the snippet code compared every
    // match with every other and every sentence with every match, and the
    // page hung; it is linear now, as the server's.
    let post = format!(
        "---\ntitle: ハシビロコウの観察\ndate: 2024-05-01\n---\n{}",
        "ハシビロコウが動いた。".repeat(80_000)
    );
    let Some(site) =
        Site::start_with("static long post", &[("2024-05-01-shoebill.md", &post)]).await?
    else {
        return Ok(());
    };
    site.open("/blog/").await?;
    site.type_query("ハシビロコウ").await?;
    assert_eq!(site.shown(1).await?, ["ハシビロコウの観察"]);
    let snippet = site
        .widget("return root.querySelector('[role=option] .snippet').innerHTML;")
        .await?;
    assert!(
        snippet
            .as_str()
            .is_some_and(|html| html.starts_with("<mark>ハシビロコウ</mark>が動いた。")),
        "{snippet}"
    );
    site.finish().await
}
