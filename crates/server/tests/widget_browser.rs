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
use sagasu_server::{AppState, ServerConfig, app};
use serde_json::{Value, json};

/// One browser at a time: two cores, and Chromium is heavy.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A blog page with the widget, as a blogger would paste it.
const BLOG: &str = r#"<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>テストのブログ</title>
<link rel="icon" href="data:,"><script src="/widget.js" defer></script></head>
<body><h1>テストのブログ</h1><div data-sagasu LANG></div><p>本文です。</p></body></html>"#;

/// A blog page whose widget calls the API on another origin: the page is
/// opened as `http://localhost:PORT`, the API is `http://127.0.0.1:PORT`.
/// The console's warnings are kept in `window.warnings`.
const CROSS_ORIGIN_BLOG: &str = r#"<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>別のオリジンのブログ</title>
<link rel="icon" href="data:,">
<script>
window.warnings = [];
const warn = console.warn.bind(console);
console.warn = (...args) => { window.warnings.push(args.join(" ")); warn(...args); };
</script>
<script src="/widget.js" defer></script></head>
<body><div data-sagasu></div>
<script>document.querySelector("[data-sagasu]").dataset.api = `http://127.0.0.1:${location.port}/`;</script>
</body></html>"#;

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
            .route("/blog/cross/", get(|| async { Html(CROSS_ORIGIN_BLOG) }))
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

/// One browser test: the sample archive served (or, unless `ready`, its
/// index never opened), a browser, and the lock that keeps browsers one at
/// a time.
struct Test {
    _fixture: Fixture,
    site: Site,
    browser: Browser,
    _one: tokio::sync::MutexGuard<'static, ()>,
}

impl Test {
    /// `None` when the browser tests are skipped.
    async fn start(name: &str, ready: bool) -> TestResult<Option<Self>> {
        Self::start_with(name, ready, |_| {}).await
    }

    /// [`Test::start`] with the server's settings changed by `configure`.
    async fn start_with(
        name: &str,
        ready: bool,
        configure: impl FnOnce(&mut ServerConfig),
    ) -> TestResult<Option<Self>> {
        let one = ONE_BROWSER.lock().await;
        let Some(browser) = Browser::start(name).await? else {
            return Ok(None);
        };
        let fixture = Fixture::sample()?;
        let mut config = fixture.config();
        configure(&mut config);
        let state = if ready {
            Fixture::ready(config)?
        } else {
            // Never opened: every API request is answered 503.
            AppState::new(config)
        };
        let site = Site::start(state).await?;
        Ok(Some(Self {
            _fixture: fixture,
            site,
            browser,
            _one: one,
        }))
    }

    /// Runs `body` in the page, with `root` the widget's shadow root.
    async fn widget(&self, body: &str) -> TestResult<Value> {
        self.browser.js(&format!("{ROOT} {body}"), &[]).await
    }

    /// Polls `body` (as in [`Test::widget`]) until it returns something truthy.
    async fn wait(&self, what: &str, body: &str) -> TestResult<Value> {
        self.browser.wait_for(what, &format!("{ROOT} {body}")).await
    }

    /// Opens `path` and waits for the widget, styled; returns its box.
    async fn open(&self, path: &str) -> TestResult<Value> {
        self.browser.goto(&self.site.url(path)).await?;
        self.wait(
            "the styled widget",
            "return root && !root.querySelector('.sagasu').hidden && root.querySelector('input');",
        )
        .await
    }

    /// Types `query` into the box and waits for the API's answer to it to
    /// be shown; returns that answer.
    async fn search(&self, query: &str) -> TestResult<Value> {
        let input = self.widget("return root.querySelector('input');").await?;
        self.browser.type_into(&input, query).await?;
        self.shown(&[("q", query)]).await
    }

    /// Waits until the widget shows the API's answer to `pairs`; returns it.
    async fn shown(&self, pairs: &[(&str, &str)]) -> TestResult<Value> {
        let expected = self.site.api(pairs).await?;
        let total = expected["total"].as_u64().ok_or("total")?;
        self.wait(
            &format!("the widget showing {total} results"),
            &browser::showing(total),
        )
        .await?;
        assert_eq!(self.shown_paths().await?, api_paths(&expected), "{pairs:?}");
        Ok(expected)
    }

    /// The result links' paths, in order.
    async fn shown_paths(&self) -> TestResult<Vec<String>> {
        let paths = self
            .widget("return [...root.querySelectorAll('[role=option] a.title')].map(a => new URL(a.href).pathname);")
            .await?;
        Ok(serde_json::from_value(paths)?)
    }

    /// Clicks what `body` returns.
    async fn click(&self, body: &str) -> TestResult {
        let element = self.widget(body).await?;
        self.browser.click(&element).await
    }

    async fn finish(self) -> TestResult {
        self.browser.quit().await?;
        self.site.server.stop().await
    }
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

/// `value` as a JavaScript string literal.
fn js_string(value: &str) -> String {
    json!(value).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_a_japanese_query_shows_the_right_results() -> TestResult {
    let Some(test) = Test::start("typing", true).await? else {
        return Ok(());
    };
    test.open("/blog/").await?;
    let expected = test.search("インフラ勉強会").await?;
    let total = expected["total"].as_u64().ok_or("total")?;
    let texts = test
        .widget("return ['.status', '.toggle', 'input'].map(s => root.querySelector(s)).map(e => e.textContent || e.placeholder);")
        .await?;
    assert_eq!(
        texts,
        json!([
            format!("「インフラ勉強会」の検索結果: {total} 件"),
            "絞り込み",
            "ブログ内を検索"
        ])
    );
    let first = test
        .widget(
            "const hit = root.querySelector('[role=option]'); return {
               title: hit.querySelector('.title').textContent,
               date: hit.querySelector('time').getAttribute('datetime'),
               meta: hit.querySelector('.meta').textContent,
               marks: [...hit.querySelectorAll('.snippet mark')].map(m => m.textContent),
             };",
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
    let url = test.browser.url().await?;
    assert!(
        url.contains(&format!("q={}", common::encode("インフラ勉強会"))),
        "{url}"
    );
    assert_eq!(
        test.site.queries()?.last().map(String::as_str),
        Some("インフラ勉強会")
    );

    // A run typed without spaces that no post has: the status says which
    // words were searched instead.
    test.widget("const input = root.querySelector('input'); input.value = ''; input.focus();")
        .await?;
    let split = test.search("北海道富良野").await?;
    assert_eq!(split["split"][0]["words"], json!(["北海道", "富良野"]));
    let status = test
        .widget("return root.querySelector('.status').textContent;")
        .await?;
    assert_eq!(
        status,
        "「北海道富良野」の検索結果: 1 件「北海道富良野」を含む記事はありません。「北海道」「富良野」を含む記事を表示しています。"
    );

    // Words that no post has together: the status says, apart from the
    // count, that these are partial matches.
    test.widget("const input = root.querySelector('input'); input.value = ''; input.focus();")
        .await?;
    let relaxed = test.search("富良野 nginx").await?;
    assert_eq!(relaxed["relaxed"], true, "{relaxed}");
    let partial = test
        .widget("const p = root.querySelector('.status .partial'); return p && [p.getAttribute('role'), p.querySelector('strong').textContent, p.textContent];")
        .await?;
    assert_eq!(
        partial,
        json!([
            "note",
            "部分一致",
            "部分一致 すべての語を含む記事はありません。語の一部だけを含む記事を、多く含む順に表示しています。"
        ])
    );

    // A reader whose system is dark gets the dark theme.
    let light = test
        .widget("return getComputedStyle(root.querySelector('.panel')).backgroundColor;")
        .await?;
    test.browser
        .cdp(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": "dark"}]}),
        )
        .await?;
    let dark = test
        .wait(
            "the dark theme",
            "const frame = root.querySelector('.sagasu'); \
             return frame.classList.contains('dark') && getComputedStyle(root.querySelector('.panel')).backgroundColor;",
        )
        .await?;
    assert_ne!(light, dark, "the panel's background");
    test.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ime_composition_sends_nothing_until_it_ends() -> TestResult {
    let Some(test) = Test::start("IME", true).await? else {
        return Ok(());
    };
    let page = test.site.url("/blog/");
    test.open("/blog/").await?;

    // A first search, and its first result selected: an Enter that
    // reached the widget now would open it.
    test.search("XSS").await?;
    test.browser.press(None, &[keys::ARROW_DOWN]).await?;
    test.wait(
        "the first result selected",
        "return root.querySelector('input').getAttribute('aria-activedescendant');",
    )
    .await?;
    let before = test.site.queries()?;
    let url_before = test.browser.url().await?;

    // Kana typed and converted, replacing the text, then Enter pressed to
    // confirm the conversion, as an IME does it.
    test.widget("root.querySelector('input').select();").await?;
    for step in ["い", "いん", "いんふ", "いんふら", "インフラ"] {
        let end = step.chars().count();
        test.browser
            .cdp(
                "Input.imeSetComposition",
                json!({"text": step, "selectionStart": end, "selectionEnd": end}),
            )
            .await?;
    }
    let composing = test
        .widget("return root.querySelector('input').value;")
        .await?;
    assert_eq!(composing, "インフラ", "the composition is in the box");
    test.browser
        .cdp(
            "Input.dispatchKeyEvent",
            json!({"type": "rawKeyDown", "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 229, "nativeVirtualKeyCode": 229}),
        )
        .await?;
    test.browser
        .cdp(
            "Input.dispatchKeyEvent",
            json!({"type": "keyUp", "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}),
        )
        .await?;
    // Longer than the debounce: a search sent during the composition would
    // have reached the server by now (and one arriving later still shows
    // up below, as an extra search).
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        test.site.queries()?,
        before,
        "searches sent while composing"
    );
    assert_eq!(
        test.browser.url().await?,
        url_before,
        "Enter during the composition navigated"
    );

    // The conversion is committed: now, and only now, the search runs.
    test.browser
        .cdp("Input.insertText", json!({"text": "インフラ"}))
        .await?;
    test.shown(&[("q", "インフラ")]).await?;
    let after = test.site.queries()?;
    assert_eq!(&after[..before.len()], &before[..]);
    assert_eq!(after[before.len()..], ["インフラ"], "after the composition");
    assert!(test.browser.url().await?.starts_with(&page));
    test.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tag_chip_narrows_the_results_and_the_url_follows() -> TestResult {
    let Some(test) = Test::start("tag chip", true).await? else {
        return Ok(());
    };
    test.open("/blog/").await?;
    let all = test.search("勉強会").await?;
    let total = all["total"].as_u64().ok_or("total")?;

    // A tag that some, not all, of the results have.
    let (tag, count) = all["facets"]["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|facet| Some((facet["value"].as_str()?, facet["count"].as_u64()?)))
        .find(|(_, count)| *count > 1 && *count < total)
        .ok_or_else(|| fail(format!("no narrowing tag in {all}")))?;
    // The chip, found by its name (the chips are redrawn on every change).
    let chip = format!(
        "[...root.querySelectorAll('.chip')].find(c => c.firstChild.textContent === {})",
        js_string(tag)
    );

    test.click("return root.querySelector('.toggle');").await?;
    let shown_count = test
        .wait(
            "the tag's chip",
            &format!("return {chip}?.querySelector('.n').textContent;"),
        )
        .await?;
    assert_eq!(
        shown_count,
        count.to_string(),
        "the chip's count is the result facet's"
    );
    test.click(&format!("return {chip};")).await?;
    test.shown(&[("q", "勉強会"), ("tag", tag)]).await?;
    let pressed = test
        .widget(&format!(
            "return [{chip}.getAttribute('aria-pressed'), root.querySelector('.toggle').textContent];"
        ))
        .await?;
    assert_eq!(
        pressed,
        json!(["true", "絞り込み1"]),
        "pressed, and counted"
    );
    let url = test.browser.url().await?;
    assert!(
        url.contains(&format!("tag={}", common::encode(tag))),
        "{url}"
    );
    assert!(
        url.contains(&format!("q={}", common::encode("勉強会"))),
        "{url}"
    );

    // Back: the URL and the results are the search before the chip.
    test.browser.js("history.back();", &[]).await?;
    test.shown(&[("q", "勉強会")]).await?;
    let url = test.browser.url().await?;
    assert!(!url.contains("tag="), "{url}");

    // The period, from the archive's years and months, narrows too.
    test.widget(
        "for (const [i, value] of ['2009', '2009-09'].entries()) {
           const select = root.querySelectorAll('.period select')[i];
           select.value = value;
           select.dispatchEvent(new Event('change'));
         }",
    )
    .await?;
    test.shown(&[("q", "勉強会"), ("from", "2009"), ("to", "2009-09")])
        .await?;
    let url = test.browser.url().await?;
    assert!(url.contains("from=2009&to=2009-09"), "{url}");
    test.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keyboard_reaches_and_opens_a_result() -> TestResult {
    let Some(test) = Test::start("keyboard", true).await? else {
        return Ok(());
    };
    test.open("/blog/").await?;
    let focused = "return document.activeElement === root.host && root.activeElement === root.querySelector('input');";

    // `/` from the page focuses the box, with a visible ring.
    test.browser.press(None, &["/"]).await?;
    assert_eq!(test.widget(focused).await?, true, "/ focuses the box");
    let ring = test
        .widget("return getComputedStyle(root.querySelector('.bar')).boxShadow;")
        .await?;
    assert_ne!(ring, "none", "focus ring");
    test.browser.press(None, &["サ", "ー", "バ"]).await?;
    let expected = test.shown(&[("q", "サーバ")]).await?;

    // Esc clears the box and the results.
    test.browser.press(None, &[keys::ESCAPE]).await?;
    test.wait(
        "Esc clearing",
        "return root.querySelector('input').value === '' && root.querySelector('.panel').hidden;",
    )
    .await?;
    assert!(!test.browser.url().await?.contains("q="));

    // Ctrl+K from elsewhere focuses it again.
    test.widget("root.querySelector('input').blur();").await?;
    assert_eq!(test.widget(focused).await?, false);
    test.browser.press(Some(keys::CONTROL), &["k"]).await?;
    assert_eq!(test.widget(focused).await?, true, "Ctrl+K focuses the box");
    test.browser.press(None, &["サ", "ー", "バ"]).await?;
    test.shown(&[("q", "サーバ")]).await?;

    // Down, down, up: the second result, then the first, is the active
    // option, and the box points at it.
    let active = "const input = root.querySelector('input'); \
                  const options = [...root.querySelectorAll('[role=option]')]; \
                  return [options.findIndex(o => o.getAttribute('aria-selected') === 'true'), \
                          options.findIndex(o => o.id === input.getAttribute('aria-activedescendant')), \
                          input.getAttribute('aria-expanded')];";
    test.browser
        .press(None, &[keys::ARROW_DOWN, keys::ARROW_DOWN])
        .await?;
    assert_eq!(test.widget(active).await?, json!([1, 1, "true"]));
    test.browser.press(None, &[keys::ARROW_UP]).await?;
    assert_eq!(test.widget(active).await?, json!([0, 0, "true"]));

    // Enter opens it.
    let target = api_paths(&expected).first().cloned().ok_or("no results")?;
    test.browser.press(None, &[keys::ENTER]).await?;
    test.browser
        .wait_for(
            "the result's page",
            &format!("return location.pathname === {};", js_string(&target)),
        )
        .await?;
    test.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_html_injection_title_renders_as_text() -> TestResult {
    let Some(test) = Test::start("injection", true).await? else {
        return Ok(());
    };
    test.open("/blog/").await?;
    let expected = test.search("XSS").await?;
    assert_eq!(expected["hits"][0]["url"], "/2012/11/17/prevent-xss/");
    let shown = test
        .widget(
            "const title = root.querySelector('[role=option] .title'); return {
               text: title.textContent,
               children: title.children.length,
               scripts: root.querySelectorAll('script').length + document.querySelectorAll('script').length,
               marks: [...root.querySelectorAll('.snippet')].map(s => [...s.children].every(c => c.tagName === 'MARK')),
             };",
        )
        .await?;
    assert_eq!(
        shown["text"], "<script>alert(1)</script> を防ぐ話",
        "{shown}"
    );
    assert_eq!(shown["children"], 0, "{shown}");

    // Nothing found: said so, with what to try.
    test.widget("const input = root.querySelector('input'); input.value = ''; input.focus();")
        .await?;
    test.browser
        .press(None, &["q", "z", "x", "q", "z", "x"])
        .await?;
    let empty = test
        .wait(
            "the empty state",
            "return !root.querySelector('.panel').hidden && root.querySelector('.status').textContent.includes('qzxqzx') \
             && root.querySelector('.status').textContent;",
        )
        .await?;
    assert_eq!(
        empty,
        "「qzxqzx」に一致する記事は見つかりませんでした。言葉を減らすか、絞り込みを外してみてください。"
    );
    assert_eq!(shown["scripts"], 1, "only the widget's own script: {shown}");
    assert!(
        shown["marks"]
            .as_array()
            .is_some_and(|all| !all.is_empty() && all.iter().all(|ok| ok == true)),
        "{shown}"
    );
    test.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_answers_503_gets_a_sorry_message() -> TestResult {
    let Some(test) = Test::start("503", false).await? else {
        return Ok(());
    };
    for (path, placeholder, query, sorry) in [
        ("/blog/", "ブログ内を検索", "インフラ", "申し訳ありません"),
        ("/blog/en/", "Search this blog", "server", "Sorry"),
    ] {
        let input = test.open(path).await?;
        test.browser.type_into(&input, query).await?;
        let shown = test
            .wait(
                "the sorry message",
                "const sorry = root.querySelector('.sorry'); \
                 return !sorry.hidden && !root.querySelector('.panel').hidden && sorry.textContent;",
            )
            .await?;
        assert!(
            shown.as_str().is_some_and(|text| text.contains(sorry)),
            "{shown}"
        );
        let rest = test
            .widget(
                "return [root.querySelector('input').placeholder, root.querySelectorAll('[role=option]').length, \
                 root.querySelector('.more').hidden, root.querySelector('input').getAttribute('aria-expanded')];",
            )
            .await?;
        assert_eq!(rest, json!([placeholder, 0, true, "false"]), "{path}");
    }
    assert!(
        test.site.queries()?.iter().any(|q| q == "インフラ"),
        "the widget asked the server"
    );
    test.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_origin_gets_the_sorry_message_and_a_console_hint() -> TestResult {
    let Some(test) = Test::start_with("cors-hint", true, |config| {
        config.cors_origins = vec!["https://blog.example.jp".to_owned()];
    })
    .await?
    else {
        return Ok(());
    };
    let page = format!("http://localhost:{}", test.site.server.addr.port());
    test.browser.goto(&format!("{page}/blog/cross/")).await?;
    let input = test
        .wait(
            "the styled widget",
            "return root && !root.querySelector('.sagasu').hidden && root.querySelector('input');",
        )
        .await?;
    test.browser.type_into(&input, "インフラ").await?;
    test.wait(
        "the sorry message",
        "return !root.querySelector('.sorry').hidden;",
    )
    .await?;
    let warnings = test.browser.js("return window.warnings;", &[]).await?;
    let warnings: Vec<String> = serde_json::from_value(warnings)?;
    let hint = format!("--cors-origin {page}");
    assert!(
        warnings.iter().any(|warning| warning.contains(&hint)),
        "no console hint naming `{hint}`: {warnings:?}"
    );
    assert_eq!(
        warnings.iter().filter(|w| w.starts_with("sagasu:")).count(),
        1,
        "one hint, however many requests failed: {warnings:?}"
    );
    // The server did answer: it was the browser that refused the answer.
    assert!(
        test.site.queries()?.iter().any(|q| q == "インフラ"),
        "the widget asked the server"
    );
    test.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_page_searches_and_shows_a_post() -> TestResult {
    let Some(test) = Test::start("demo page", true).await? else {
        return Ok(());
    };
    test.open("/").await?;
    let expected = test.search("インフラ").await?;
    test.click("return root.querySelector('.toggle');").await?;
    test.wait(
        "the filters",
        "return root.querySelectorAll('.chip').length > 0 && root.querySelector('select');",
    )
    .await?;
    test.widget("root.querySelector('input').focus();").await?;
    test.browser.press(None, &[keys::ARROW_DOWN]).await?;

    let png = test.browser.screenshot().await?;
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let path = if std::env::var_os("SAGASU_UPDATE_SCREENSHOT").is_some() {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/widget.png")
    } else {
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("widget.png")
    };
    std::fs::write(&path, &png)?;
    eprintln!("screenshot: {}", path.display());

    // "More" brings the next page, and the keyboard goes on from its first.
    let total = expected["total"].as_u64().ok_or("total")?;
    assert!(total > 10, "{expected}");
    test.click("return root.querySelector('.more');").await?;
    let more = test
        .wait(
            "the second page",
            &format!(
                "const options = [...root.querySelectorAll('[role=option]')]; \
                 return options.length === {total} && [root.querySelector('.more').hidden, \
                 options.findIndex(o => o.getAttribute('aria-selected') === 'true')];"
            ),
        )
        .await?;
    assert_eq!(more, json!([true, 10]));

    // Opening a result on the demo page shows the post there.
    let title = test
        .widget(
            "return root.querySelector('[role=option][aria-selected=true] .title').textContent;",
        )
        .await?;
    test.browser.press(None, &[keys::ENTER]).await?;
    let shown = test
        .browser
        .wait_for(
            "the post",
            "const post = document.getElementById('post'); return !post.hidden && document.getElementById('post-title').textContent;",
        )
        .await?;
    assert_eq!(shown, title);
    assert!(test.browser.url().await?.starts_with(&test.site.url("/")));
    test.finish().await
}
