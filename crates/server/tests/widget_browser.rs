//! The search widget in a real browser: headless Chromium over WebDriver
//! (see `browser/mod.rs`), against the server on the sample archive, over
//! TCP. The server records every search it receives, so "no request" is
//! observed where it matters, on the server.
//!
//! Needs Debian's `chromium` and `chromium-driver`; without chromedriver
//! each test is skipped with a loud message unless `SAGASU_REQUIRE_BROWSER`
//! is set. `SAGASU_UPDATE_SCREENSHOT=1` rewrites `docs/widget.png`.

mod browser;
mod common;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Html;
use axum::routing::get;
use browser::{Browser, keys};
use common::{Fixture, Server, TestResult, fail, search_uri};
use sagasu_server::{AppState, app};
use serde_json::{Value, json};

/// One browser at a time: two cores, and Chromium is heavy.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A blog page with the widget, as a blogger would paste it.
const BLOG: &str = r#"<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>テストのブログ</title>
<link rel="icon" href="data:,"><script src="/widget.js" defer></script></head>
<body><h1>テストのブログ</h1><div data-sagasu LANG></div><p>本文です。</p></body></html>"#;

/// The start of every script: `root` is the widget's shadow root.
const ROOT: &str =
    "const root = document.querySelector('[data-sagasu], sagasu-search').shadowRoot;";

/// The server, with a blog page at `/blog/` (`/blog/en/` in English), and
/// the query strings of the searches it received from the browser.
struct Site {
    server: Server,
    searches: Arc<Mutex<Vec<String>>>,
}

impl Site {
    async fn start(state: AppState) -> TestResult<Self> {
        let searches = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&searches);
        let router = app(state)
            .route("/blog/", get(|| async { Html(BLOG.replace(" LANG", "")) }))
            .route(
                "/blog/en/",
                get(|| async { Html(BLOG.replace(" LANG", r#" lang="en""#)) }),
            )
            .layer(middleware::from_fn(move |request: Request, next: Next| {
                let record = Arc::clone(&record);
                async move {
                    // The browser's searches: the test's own have no User-Agent.
                    let browser = request.headers().contains_key("user-agent");
                    if browser && request.uri().path() == "/api/search" {
                        let query = request.uri().query().unwrap_or_default().to_owned();
                        record
                            .lock()
                            .map_err(|_| ())
                            .map(|mut v| v.push(query))
                            .ok();
                    }
                    next.run(request).await
                }
            }));
        Ok(Self {
            server: Server::serve(router).await?,
            searches,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.addr)
    }

    /// The browser's searches so far, as `q` values.
    fn queries(&self) -> TestResult<Vec<String>> {
        let searches = self.searches.lock().map_err(|_| fail("poisoned"))?;
        Ok(searches
            .iter()
            .map(|query| {
                form_urlencoded::parse(query.as_bytes())
                    .find(|(key, _)| key == "q")
                    .map(|(_, value)| value.into_owned())
                    .unwrap_or_default()
            })
            .collect())
    }

    /// The API's answer, for comparison with what the widget shows.
    async fn api(&self, pairs: &[(&str, &str)]) -> TestResult<Value> {
        self.server.get_json(&search_uri(pairs)).await
    }
}

/// The sample archive served (or, unless `ready`, its index never
/// opened), a browser, and the lock that keeps browsers
/// one at a time; `None` when the browser tests are skipped.
async fn setup(
    test: &str,
    ready: bool,
) -> TestResult<Option<(Fixture, Site, Browser, tokio::sync::MutexGuard<'static, ()>)>> {
    let guard = ONE_BROWSER.lock().await;
    let Some(browser) = Browser::start(test).await? else {
        return Ok(None);
    };
    let fixture = Fixture::sample()?;
    let state = if ready {
        fixture.state()?
    } else {
        // Never opened: every API request is answered 503.
        AppState::new(fixture.config())
    };
    let site = Site::start(state).await?;
    Ok(Some((fixture, site, browser, guard)))
}

/// The result links' paths, in order.
async fn shown_paths(browser: &Browser) -> TestResult<Vec<String>> {
    let paths = browser
        .js(
            &format!(
                "{ROOT} return [...root.querySelectorAll('[role=option] a.title')].map(a => new URL(a.href).pathname);"
            ),
            &[],
        )
        .await?;
    Ok(serde_json::from_value(paths)?)
}

/// The hits' `url`s of an API answer.
fn api_paths(response: &Value) -> Vec<String> {
    response["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|hit| hit["url"].as_str().map(str::to_owned))
        .collect()
}

/// Waits until the widget says it found `total` posts.
async fn wait_for_total(browser: &Browser, total: u64) -> TestResult {
    browser
        .wait_for(
            &format!("the widget showing {total} results"),
            &format!(
                "{ROOT} const s = root.querySelector('.status'); \
                 return !root.querySelector('.panel').hidden && s.textContent.includes(' {total} 件') \
                 && root.querySelectorAll('[role=option]').length > 0;"
            ),
        )
        .await
        .map(drop)
}

/// The search box.
async fn search_box(browser: &Browser) -> TestResult<Value> {
    browser
        .wait_for(
            "the styled widget",
            &format!("{ROOT} return root && !root.querySelector('.sagasu').hidden && root.querySelector('input');"),
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_a_japanese_query_shows_the_right_results() -> TestResult {
    let Some((_fixture, site, browser, _one)) = setup("typing", true).await? else {
        return Ok(());
    };
    browser.goto(&site.url("/blog/")).await?;
    let input = search_box(&browser).await?;
    browser.type_into(&input, "インフラ勉強会").await?;

    let expected = site.api(&[("q", "インフラ勉強会")]).await?;
    let total = expected["total"].as_u64().ok_or("total")?;
    wait_for_total(&browser, total).await?;
    assert_eq!(shown_paths(&browser).await?, api_paths(&expected));
    let texts = browser
        .js(
            &format!(
                "{ROOT} return ['.status', '.toggle', 'input'].map(s => root.querySelector(s)).map(e => e.textContent || e.placeholder);"
            ),
            &[],
        )
        .await?;
    assert_eq!(
        texts,
        json!([
            format!("「インフラ勉強会」の検索結果: {total} 件"),
            "絞り込み",
            "ブログ内を検索"
        ])
    );
    let first = browser
        .js(
            &format!(
                "{ROOT} const hit = root.querySelector('[role=option]'); return {{
                   title: hit.querySelector('.title').textContent,
                   date: hit.querySelector('time').getAttribute('datetime'),
                   meta: hit.querySelector('.meta').textContent,
                   marks: [...hit.querySelectorAll('.snippet mark')].map(m => m.textContent),
                 }};"
            ),
            &[],
        )
        .await?;
    assert_eq!(first["title"], "インフラ勉強会 #1 参加レポート", "{first}");
    assert_eq!(first["date"], expected["hits"][0]["date"], "{first}");
    let meta = first["meta"].as_str().unwrap_or_default();
    for tag in expected["hits"][0]["tags"].as_array().into_iter().flatten() {
        let tag = tag.as_str().unwrap_or_default();
        assert!(meta.contains(&format!("#{tag}")), "{tag} in {meta}");
    }
    let marks: Vec<String> = serde_json::from_value(first["marks"].clone())?;
    assert!(
        !marks.is_empty() && marks.iter().all(|m| "インフラ勉強会".contains(m.as_str())),
        "highlights {marks:?}"
    );

    // The URL carries the query, and the server saw it.
    let url = browser.url().await?;
    assert!(
        url.contains(&format!("q={}", common::encode("インフラ勉強会"))),
        "{url}"
    );
    assert_eq!(
        site.queries()?.last().map(String::as_str),
        Some("インフラ勉強会")
    );
    browser.quit().await?;
    site.server.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ime_composition_sends_nothing_until_it_ends() -> TestResult {
    let Some((_fixture, site, browser, _one)) = setup("IME", true).await? else {
        return Ok(());
    };
    let page = site.url("/blog/");
    browser.goto(&page).await?;
    let input = search_box(&browser).await?;

    // A first search, and its first result selected: an Enter that
    // reached the widget now would open it.
    browser.type_into(&input, "XSS").await?;
    let xss = site.api(&[("q", "XSS")]).await?;
    wait_for_total(&browser, xss["total"].as_u64().ok_or("total")?).await?;
    browser.press(None, &[keys::ARROW_DOWN]).await?;
    browser
        .wait_for(
            "the first result selected",
            &format!(
                "{ROOT} return root.querySelector('input').getAttribute('aria-activedescendant');"
            ),
        )
        .await?;
    let before = site.queries()?;
    let url_before = browser.url().await?;

    // Kana typed and converted, replacing the text, then Enter pressed to
    // confirm the conversion, as an IME does it.
    browser
        .js(
            &format!("{ROOT} root.querySelector('input').select();"),
            &[],
        )
        .await?;
    for step in ["い", "いん", "いんふ", "いんふら", "インフラ"] {
        browser
            .cdp(
                "Input.imeSetComposition",
                json!({"text": step, "selectionStart": step.chars().count(), "selectionEnd": step.chars().count()}),
            )
            .await?;
    }
    let composing = browser
        .js(
            &format!("{ROOT} return root.querySelector('input').value;"),
            &[],
        )
        .await?;
    assert_eq!(composing, "インフラ", "the composition is in the box");
    browser
        .cdp(
            "Input.dispatchKeyEvent",
            json!({"type": "rawKeyDown", "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 229, "nativeVirtualKeyCode": 229}),
        )
        .await?;
    browser
        .cdp(
            "Input.dispatchKeyEvent",
            json!({"type": "keyUp", "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}),
        )
        .await?;
    // Longer than the debounce: a search sent during the composition would
    // have reached the server by now.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(site.queries()?, before, "searches sent while composing");
    assert_eq!(
        browser.url().await?,
        url_before,
        "Enter during the composition navigated"
    );

    // The conversion is committed: now, and only now, the search runs.
    browser
        .cdp("Input.insertText", json!({"text": "インフラ"}))
        .await?;
    let expected = site.api(&[("q", "インフラ")]).await?;
    wait_for_total(&browser, expected["total"].as_u64().ok_or("total")?).await?;
    let after = site.queries()?;
    assert_eq!(&after[..before.len()], &before[..]);
    assert_eq!(after[before.len()..], ["インフラ"], "after the composition");
    assert!(browser.url().await?.starts_with(&page));
    browser.quit().await?;
    site.server.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tag_chip_narrows_the_results_and_the_url_follows() -> TestResult {
    let Some((_fixture, site, browser, _one)) = setup("tag chip", true).await? else {
        return Ok(());
    };
    browser.goto(&site.url("/blog/")).await?;
    let input = search_box(&browser).await?;
    browser.type_into(&input, "勉強会").await?;
    let all = site.api(&[("q", "勉強会")]).await?;
    let total = all["total"].as_u64().ok_or("total")?;
    wait_for_total(&browser, total).await?;

    // A tag that some, not all, of the results have.
    let tag = all["facets"]["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|facet| facet["count"].as_u64().is_some_and(|n| n > 1 && n < total))
        .and_then(|facet| facet["value"].as_str())
        .ok_or_else(|| fail(format!("no narrowing tag in {all}")))?
        .to_owned();
    let narrowed = site.api(&[("q", "勉強会"), ("tag", &tag)]).await?;
    let narrowed_total = narrowed["total"].as_u64().ok_or("total")?;

    let toggle = browser
        .js(
            &format!("{ROOT} return root.querySelector('.toggle');"),
            &[],
        )
        .await?;
    browser.click(&toggle).await?;
    let chip = browser
        .wait_for(
            "the tag's chip",
            &format!(
                "{ROOT} return [...root.querySelectorAll('.chip')].find(c => c.firstChild.textContent === {});",
                json!(tag)
            ),
        )
        .await?;
    let count = browser
        .js(
            "return arguments[0].querySelector('.n').textContent;",
            std::slice::from_ref(&chip),
        )
        .await?;
    assert_eq!(
        count.as_str().and_then(|n| n.parse::<u64>().ok()),
        all["facets"]["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|facet| facet["value"] == tag.as_str())
            .and_then(|facet| facet["count"].as_u64()),
        "the chip's count is the result facet's"
    );
    browser.click(&chip).await?;
    wait_for_total(&browser, narrowed_total).await?;
    assert_eq!(shown_paths(&browser).await?, api_paths(&narrowed));
    // The chips are redrawn: the pressed one is found again by its name.
    let pressed = browser
        .js(
            &format!(
                "{ROOT} return [...root.querySelectorAll('.chip')].find(c => c.firstChild.textContent === {}).getAttribute('aria-pressed');",
                json!(tag)
            ),
            &[],
        )
        .await?;
    assert_eq!(pressed, "true");
    let toggle_text = browser
        .js(
            &format!("{ROOT} return root.querySelector('.toggle').textContent;"),
            &[],
        )
        .await?;
    assert_eq!(toggle_text, "絞り込み1", "the filter count");
    let url = browser.url().await?;
    assert!(
        url.contains(&format!("tag={}", common::encode(&tag))),
        "{url}"
    );
    assert!(
        url.contains(&format!("q={}", common::encode("勉強会"))),
        "{url}"
    );

    // Back: the URL and the results are the search before the chip.
    browser.js("history.back();", &[]).await?;
    wait_for_total(&browser, total).await?;
    let url = browser.url().await?;
    assert!(!url.contains("tag="), "{url}");
    assert_eq!(shown_paths(&browser).await?, api_paths(&all));

    // The period, from the archive's years and months, narrows too.
    let in_2009 = site
        .api(&[("q", "勉強会"), ("from", "2009"), ("to", "2009-09")])
        .await?;
    browser
        .js(
            &format!(
                "{ROOT} for (const [i, value] of ['2009', '2009-09'].entries()) {{
                   const select = root.querySelectorAll('.period select')[i];
                   select.value = value;
                   select.dispatchEvent(new Event('change'));
                 }}"
            ),
            &[],
        )
        .await?;
    wait_for_total(&browser, in_2009["total"].as_u64().ok_or("total")?).await?;
    assert_eq!(shown_paths(&browser).await?, api_paths(&in_2009));
    let url = browser.url().await?;
    assert!(url.contains("from=2009&to=2009-09"), "{url}");
    browser.quit().await?;
    site.server.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keyboard_reaches_and_opens_a_result() -> TestResult {
    let Some((_fixture, site, browser, _one)) = setup("keyboard", true).await? else {
        return Ok(());
    };
    browser.goto(&site.url("/blog/")).await?;
    search_box(&browser).await?;
    let focused = format!(
        "{ROOT} return document.activeElement === root.host && root.activeElement === root.querySelector('input');"
    );

    // `/` from the page focuses the box, with a visible ring.
    browser.press(None, &["/"]).await?;
    assert_eq!(browser.js(&focused, &[]).await?, true, "/ focuses the box");
    let ring = browser
        .js(
            &format!("{ROOT} return getComputedStyle(root.querySelector('.bar')).boxShadow;"),
            &[],
        )
        .await?;
    assert_ne!(ring, "none", "focus ring");
    browser.press(None, &["サ", "ー", "バ"]).await?;
    let expected = site.api(&[("q", "サーバ")]).await?;
    let total = expected["total"].as_u64().ok_or("total")?;
    wait_for_total(&browser, total).await?;

    // Esc clears the box and the results.
    browser.press(None, &[keys::ESCAPE]).await?;
    browser
        .wait_for(
            "Esc clearing",
            &format!("{ROOT} return root.querySelector('input').value === '' && root.querySelector('.panel').hidden;"),
        )
        .await?;
    assert!(!browser.url().await?.contains("q="));

    // Ctrl+K from elsewhere focuses it again.
    browser
        .js(&format!("{ROOT} root.querySelector('input').blur();"), &[])
        .await?;
    assert_eq!(browser.js(&focused, &[]).await?, false);
    browser.press(Some(keys::CONTROL), &["k"]).await?;
    assert_eq!(
        browser.js(&focused, &[]).await?,
        true,
        "Ctrl+K focuses the box"
    );
    browser.press(None, &["サ", "ー", "バ"]).await?;
    wait_for_total(&browser, total).await?;

    // Down, down, up: the second result, then the first, is the active option.
    let active = format!(
        "{ROOT} const input = root.querySelector('input'); \
         const options = [...root.querySelectorAll('[role=option]')]; \
         return [input.getAttribute('aria-activedescendant'), \
                 options.findIndex(o => o.getAttribute('aria-selected') === 'true'), \
                 options.findIndex(o => o.id === input.getAttribute('aria-activedescendant'))];"
    );
    browser
        .press(None, &[keys::ARROW_DOWN, keys::ARROW_DOWN])
        .await?;
    let state = browser.js(&active, &[]).await?;
    assert_eq!(
        (state[1].clone(), state[2].clone()),
        (json!(1), json!(1)),
        "{state}"
    );
    browser.press(None, &[keys::ARROW_UP]).await?;
    let state = browser.js(&active, &[]).await?;
    assert_eq!(
        (state[1].clone(), state[2].clone()),
        (json!(0), json!(0)),
        "{state}"
    );
    assert_eq!(
        browser
            .js(
                &format!(
                    "{ROOT} return root.querySelector('input').getAttribute('aria-expanded');"
                ),
                &[]
            )
            .await?,
        "true"
    );

    // Enter opens it.
    let target = api_paths(&expected).first().cloned().ok_or("no results")?;
    browser.press(None, &[keys::ENTER]).await?;
    browser
        .wait_for(
            "the result's page",
            &format!("return location.pathname === {};", json!(target)),
        )
        .await?;
    browser.quit().await?;
    site.server.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_html_injection_title_renders_as_text() -> TestResult {
    let Some((_fixture, site, browser, _one)) = setup("injection", true).await? else {
        return Ok(());
    };
    browser.goto(&site.url("/blog/")).await?;
    let input = search_box(&browser).await?;
    browser.type_into(&input, "XSS").await?;
    wait_for_total(&browser, 1).await?;
    let shown = browser
        .js(
            &format!(
                "{ROOT} const title = root.querySelector('[role=option] .title'); return {{
                   text: title.textContent,
                   children: title.children.length,
                   scripts: root.querySelectorAll('script').length + document.querySelectorAll('script').length,
                   marks: [...root.querySelectorAll('.snippet')].map(s => [...s.children].every(c => c.tagName === 'MARK')),
                 }};"
            ),
            &[],
        )
        .await?;
    assert_eq!(
        shown["text"], "<script>alert(1)</script> を防ぐ話",
        "{shown}"
    );
    assert_eq!(shown["children"], 0, "{shown}");
    assert_eq!(shown["scripts"], 1, "only the widget's own script: {shown}");
    assert_eq!(shown["marks"], json!([true]), "{shown}");
    browser.quit().await?;
    site.server.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_answers_503_gets_a_sorry_message() -> TestResult {
    let Some((_fixture, site, browser, _one)) = setup("503", false).await? else {
        return Ok(());
    };
    let placeholders = std::collections::HashMap::from([
        ("/blog/", "ブログ内を検索"),
        ("/blog/en/", "Search this blog"),
    ]);
    for (path, query, sorry) in [
        ("/blog/", "インフラ", "申し訳ありません"),
        ("/blog/en/", "server", "Sorry"),
    ] {
        browser.goto(&site.url(path)).await?;
        let input = search_box(&browser).await?;
        browser.type_into(&input, query).await?;
        let shown = browser
            .wait_for(
                "the sorry message",
                &format!(
                    "{ROOT} const sorry = root.querySelector('.sorry'); \
                     return !sorry.hidden && !root.querySelector('.panel').hidden && sorry.textContent;"
                ),
            )
            .await?;
        assert!(
            shown.as_str().is_some_and(|text| text.contains(sorry)),
            "{shown}"
        );
        let placeholder = browser
            .js(
                &format!("{ROOT} return root.querySelector('input').placeholder;"),
                &[],
            )
            .await?;
        assert_eq!(placeholder, placeholders[path], "{path}");
        let rest = browser
            .js(
                &format!(
                    "{ROOT} return [root.querySelectorAll('[role=option]').length, root.querySelector('.more').hidden, \
                     root.querySelector('input').getAttribute('aria-expanded')];"
                ),
                &[],
            )
            .await?;
        assert_eq!(rest, json!([0, true, "false"]), "{path}");
    }
    assert!(
        site.queries()?.iter().any(|q| q == "インフラ"),
        "the widget asked the server"
    );
    browser.quit().await?;
    site.server.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_page_searches_and_shows_a_post() -> TestResult {
    let Some((_fixture, site, browser, _one)) = setup("demo page", true).await? else {
        return Ok(());
    };
    browser.goto(&site.url("/")).await?;
    let input = search_box(&browser).await?;
    browser.type_into(&input, "インフラ").await?;
    let expected = site.api(&[("q", "インフラ")]).await?;
    wait_for_total(&browser, expected["total"].as_u64().ok_or("total")?).await?;
    let toggle = browser
        .js(
            &format!("{ROOT} return root.querySelector('.toggle');"),
            &[],
        )
        .await?;
    browser.click(&toggle).await?;
    browser
        .wait_for(
            "the filters",
            &format!("{ROOT} return root.querySelectorAll('.chip').length > 0 && root.querySelector('select');"),
        )
        .await?;
    browser
        .js(&format!("{ROOT} root.querySelector('input').focus();"), &[])
        .await?;
    browser.press(None, &[keys::ARROW_DOWN]).await?;

    let png = browser.screenshot().await?;
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let path = if std::env::var_os("SAGASU_UPDATE_SCREENSHOT").is_some() {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/widget.png")
    } else {
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("widget.png")
    };
    std::fs::write(&path, &png)?;
    eprintln!("screenshot: {}", path.display());

    // Opening a result on the demo page shows the post there.
    let title = browser
        .js(
            &format!("{ROOT} return root.querySelector('[role=option] .title').textContent;"),
            &[],
        )
        .await?;
    browser.press(None, &[keys::ENTER]).await?;
    let shown = browser
        .wait_for(
            "the post",
            "const post = document.getElementById('post'); return !post.hidden && document.getElementById('post-title').textContent;",
        )
        .await?;
    assert_eq!(shown, title);
    assert!(browser.url().await?.starts_with(&site.url("/")));
    browser.quit().await?;
    site.server.stop().await
}
