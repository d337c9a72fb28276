//! The router in process (`tower::ServiceExt::oneshot`): every endpoint's
//! answers on the sample archive, every error code, the headers every
//! response must carry (nosniff, Cache-Control, CORS, compression), HTML
//! escaping, and a battery of hostile requests that must never be a 5xx.

mod common;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use common::{Fixture, SAMPLE_POSTS, TestResult, encode, fail, hit_ids, post_id, search_uri};
use sagasu_server::{AppState, RETRY_AFTER_SECONDS, app};
use serde_json::Value;
use tower::ServiceExt;

/// A response, read whole.
#[derive(Debug)]
struct Reply {
    request: String,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .map(|value| value.to_str().unwrap_or("<not ASCII>"))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> TestResult<Value> {
        serde_json::from_slice(&self.body).map_err(|err| {
            fail(format!(
                "{}: body is not JSON ({err}): {self}",
                self.request
            ))
        })
    }

    /// Requires `status`, then parses the body.
    fn expect_json(&self, status: StatusCode) -> TestResult<Value> {
        if self.status != status {
            return Err(fail(format!(
                "{}: expected {status}, got {self}",
                self.request
            )));
        }
        self.json()
    }

    /// Requires an error response: `status`, `{"error": {"code", "message"}}`
    /// with `code`, and the headers every error carries.
    fn expect_error(&self, status: StatusCode, code: &str) -> TestResult {
        let body = self.expect_json(status)?;
        let context = || format!("{}: {self}", self.request);
        if body["error"]["code"] != code {
            return Err(fail(format!("expected code {code:?}: {}", context())));
        }
        if body["error"]["message"].as_str().is_none_or(str::is_empty) {
            return Err(fail(format!("no error message: {}", context())));
        }
        if self.header("cache-control") != Some("no-store") {
            return Err(fail(format!("an error must be no-store: {}", context())));
        }
        if self.header("x-content-type-options") != Some("nosniff") {
            return Err(fail(format!("no nosniff: {}", context())));
        }
        if !self
            .header("content-type")
            .is_some_and(|value| value.starts_with("application/json"))
        {
            return Err(fail(format!("an error must be JSON: {}", context())));
        }
        Ok(())
    }
}

impl std::fmt::Display for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.text();
        let shown: String = text.chars().take(400).collect();
        write!(f, "{} {:?} {shown}", self.status, self.headers)
    }
}

async fn send(app: &Router, request: Request<Body>) -> TestResult<Reply> {
    let described = format!("{} {}", request.method(), request.uri());
    let response = app.clone().oneshot(request).await?;
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await?;
    Ok(Reply {
        request: described,
        status: parts.status,
        headers: parts.headers,
        body,
    })
}

async fn get(app: &Router, uri: &str) -> TestResult<Reply> {
    send(app, Request::get(uri).body(Body::empty())?).await
}

async fn get_with(app: &Router, uri: &str, headers: &[(&str, &str)]) -> TestResult<Reply> {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(app, request.body(Body::empty())?).await
}

/// `GET uri`, requiring 200 and JSON.
async fn get_json(app: &Router, uri: &str) -> TestResult<Value> {
    get(app, uri).await?.expect_json(StatusCode::OK)
}

/// The router over the indexed sample archive (the fixture keeps the temp
/// dir alive).
fn sample_app() -> TestResult<(Fixture, Router)> {
    let fixture = Fixture::sample()?;
    let router = app(fixture.state()?);
    Ok((fixture, router))
}

fn total(response: &Value) -> u64 {
    response["total"].as_u64().unwrap_or(u64::MAX)
}

/// A facet list (`[{value, count}]`) as pairs.
fn counts(facets: &Value) -> Vec<(String, u64)> {
    facets
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| {
                    (
                        item["value"].as_str().unwrap_or_default().to_owned(),
                        item["count"].as_u64().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn count_of(facets: &Value, value: &str) -> Option<u64> {
    counts(facets)
        .into_iter()
        .find(|(name, _)| name == value)
        .map(|(_, count)| count)
}

const INFRA_1: &str = "2009-07-19-infra-study-1.md";
const INFRA_2: &str = "2009-09-27-infra-study-2.md";
const INFRA_3: &str = "2010-02-14-infra-study-3.md";
const XSS: &str = "2012-11-17-prevent-xss.md";
/// 株式会社を設立しました: the file name itself is percent-encoded.
const COMPANY: &str = "2010-04-01-%e6%a0%aa%e5%bc%8f%e4%bc%9a%e7%a4%be%e3%82%92%e8%a8%ad%e7%ab%8b%e3%81%97%e3%81%be%e3%81%97%e3%81%9f.md";

#[tokio::test]
async fn search_ranks_the_titled_post_first_with_snippets_and_facets() -> TestResult {
    let (_fixture, app) = sample_app()?;
    let reply = get(&app, &search_uri(&[("q", "インフラ勉強会")])).await?;
    let body = reply.expect_json(StatusCode::OK)?;
    assert_eq!(reply.header("cache-control"), Some("public, max-age=5"));
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    assert!(
        reply
            .header("content-type")
            .is_some_and(|value| value.starts_with("application/json")),
        "{reply}"
    );

    let ids = hit_ids(&body);
    assert_eq!(ids.first(), Some(&post_id(INFRA_1)), "{body}");
    for series in [INFRA_2, INFRA_3] {
        assert!(
            ids[..3].contains(&post_id(series)),
            "{series} not in the top 3: {ids:?}"
        );
    }
    assert_eq!(body["relaxed"], false);
    assert_eq!(
        (body["page"].as_u64(), body["per_page"].as_u64()),
        (Some(1), Some(10))
    );
    assert_eq!(
        total(&body),
        ids.len() as u64,
        "one page holds them all: {body}"
    );
    let first = &body["hits"][0];
    assert_eq!(first["title"], "インフラ勉強会 #1 参加レポート");
    assert_eq!(first["path"], first["id"]);
    assert_eq!(first["date"], "2009-07-19");
    assert_eq!(first["url"], "/2009/07/19/infra-study-1/");
    assert!(
        first["snippet"]
            .as_str()
            .is_some_and(|snippet| snippet.contains("<mark>インフラ勉強会</mark>")),
        "{first}"
    );
    assert!(
        first["score"].as_f64().is_some_and(|score| score > 0.0),
        "{first}"
    );
    // Facets count over the whole result set.
    assert_eq!(
        count_of(&body["facets"]["tags"], "勉強会"),
        Some(4),
        "{body}"
    );
    assert_eq!(
        count_of(&body["facets"]["tags"], "infra"),
        Some(3),
        "{body}"
    );
    assert_eq!(
        count_of(&body["facets"]["categories"], "Event"),
        Some(5),
        "{body}"
    );
    let years: u64 = counts(&body["facets"]["years"])
        .iter()
        .map(|(_, c)| c)
        .sum();
    assert_eq!(years, total(&body), "{body}");
    Ok(())
}

#[tokio::test]
async fn tag_and_category_filters_ignore_case_and_width_and_combine() -> TestResult {
    let (_fixture, app) = sample_app()?;
    let infra = get_json(&app, &search_uri(&[("tag", "infra")])).await?;
    assert_eq!(total(&infra), 4, "{infra}");
    for spelling in ["INFRA", "Infra"] {
        let other = get_json(&app, &search_uri(&[("tag", spelling)])).await?;
        assert_eq!(hit_ids(&other), hit_ids(&infra), "tag={spelling}");
    }
    // Written AWS, aws and ＡＷＳ in the posts: one tag.
    let aws = get_json(&app, &search_uri(&[("tag", "aws")])).await?;
    assert_eq!(total(&aws), 3, "{aws}");
    for spelling in ["AWS", "ＡＷＳ"] {
        let other = get_json(&app, &search_uri(&[("tag", spelling)])).await?;
        assert_eq!(hit_ids(&other), hit_ids(&aws), "tag={spelling}");
    }
    // Repeated tags must all match.
    let both = get_json(&app, &search_uri(&[("tag", "勉強会"), ("tag", "INFRA")])).await?;
    let mut ids = hit_ids(&both);
    ids.sort();
    assert_eq!(ids, [INFRA_1, INFRA_2, INFRA_3].map(post_id), "{both}");

    let tech = get_json(
        &app,
        &search_uri(&[("category", "tech"), ("per_page", "100")]),
    )
    .await?;
    assert_eq!(total(&tech), 14, "{tech}");
    assert!(
        tech["hits"]
            .as_array()
            .is_some_and(|hits| hits.iter().all(|hit| hit["categories"]
                .as_array()
                .is_some_and(|c| c.contains(&"Tech".into())))),
        "{tech}"
    );
    let books = get_json(&app, &search_uri(&[("category", "BOOKS")])).await?;
    let mut ids = hit_ids(&books);
    ids.sort();
    assert_eq!(
        ids,
        ["2007-01-08-reading-list-2006.md", "2017-10-09-book-sre.md"].map(post_id)
    );
    // A filter with a query.
    let filtered = get_json(
        &app,
        &search_uri(&[("q", "インフラ勉強会"), ("category", "Tech")]),
    )
    .await?;
    assert!(
        !hit_ids(&filtered).contains(&post_id(INFRA_1)),
        "{filtered}"
    );
    Ok(())
}

#[tokio::test]
async fn sorting_paging_and_dates() -> TestResult {
    let (_fixture, app) = sample_app()?;
    let newest = get_json(&app, &search_uri(&[("sort", "newest")])).await?;
    assert_eq!(total(&newest), SAMPLE_POSTS);
    assert_eq!(
        hit_ids(&newest).first(),
        Some(&post_id("2024/2024-12-29-blog-20-years.md"))
    );

    let mut seen = Vec::new();
    for page in 1..=5 {
        let page_text = page.to_string();
        let body = get_json(
            &app,
            &search_uri(&[("sort", "oldest"), ("per_page", "10"), ("page", &page_text)]),
        )
        .await?;
        assert_eq!(total(&body), SAMPLE_POSTS);
        assert_eq!(body["page"].as_u64(), Some(page));
        let ids = hit_ids(&body);
        assert_eq!(
            ids.len(),
            if page == 5 { 6 } else { 10 },
            "page {page}: {body}"
        );
        if page == 1 {
            assert_eq!(
                ids.first(),
                Some(&post_id("2003-04-20-bgp4-route-filter.md"))
            );
        }
        seen.extend(ids);
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 46, "pages overlap: {seen:?}");
    let past = get_json(&app, &search_uri(&[("page", "6"), ("per_page", "10")])).await?;
    assert_eq!(
        (total(&past), hit_ids(&past).len()),
        (SAMPLE_POSTS, 0),
        "{past}"
    );

    let year = get_json(&app, &search_uri(&[("from", "2019"), ("to", "2019")])).await?;
    assert_eq!(total(&year), 5, "{year}");
    assert!(
        year["hits"].as_array().is_some_and(|hits| hits
            .iter()
            .all(|hit| hit["date"].as_str().is_some_and(|d| d.starts_with("2019-")))),
        "{year}"
    );
    let months = get_json(&app, &search_uri(&[("from", "2019-03"), ("to", "2019-06")])).await?;
    let mut ids = hit_ids(&months);
    ids.sort();
    assert_eq!(
        ids,
        [
            "2019/2019-03-09-vscode-settings.md",
            "2019/2019-06-22-typescript-migration.md"
        ]
        .map(post_id)
    );
    let day = get_json(
        &app,
        &search_uri(&[("from", "2009-07-19"), ("to", "2009-07-19")]),
    )
    .await?;
    assert_eq!(hit_ids(&day), [post_id(INFRA_1)], "{day}");
    Ok(())
}

#[tokio::test]
async fn match_any_and_the_relaxed_fallback() -> TestResult {
    let (_fixture, app) = sample_app()?;
    // No post has both words.
    let curry_furano = [
        "2011-08-20-hokkaido-furano.md",
        "2015-05-05-chicken-curry.mdown",
    ]
    .map(post_id);
    let any = get_json(
        &app,
        &search_uri(&[("q", "カレー 富良野"), ("match", "any")]),
    )
    .await?;
    let mut ids = hit_ids(&any);
    ids.sort();
    assert_eq!(ids, curry_furano, "{any}");
    assert_eq!(any["relaxed"], false, "match=any is not a fallback: {any}");
    let all = get_json(
        &app,
        &search_uri(&[("q", "カレー 富良野"), ("match", "all")]),
    )
    .await?;
    let mut ids = hit_ids(&all);
    ids.sort();
    assert_eq!(ids, curry_furano, "{all}");
    assert_eq!(all["relaxed"], true, "{all}");

    // Relaxed, a post must have at least half of the content words:
    // `存在`, `語` and `インフラ` are three, and no post has two of them.
    let floor = get_json(&app, &search_uri(&[("q", "存在しない語 インフラ")])).await?;
    assert_eq!(floor["relaxed"], true, "{floor}");
    assert_eq!(floor["total"], 0, "{floor}");
    let relaxed = get_json(&app, &search_uri(&[("q", "qqqqzzzz インフラ")])).await?;
    assert_eq!(relaxed["relaxed"], true, "{relaxed}");
    assert_eq!(
        hit_ids(&relaxed).first(),
        Some(&post_id(INFRA_1)),
        "{relaxed}"
    );

    // Both words in one post: no fallback needed.
    let strict = get_json(&app, &search_uri(&[("q", "株式会社 設立")])).await?;
    assert_eq!(strict["relaxed"], false, "{strict}");
    assert_eq!(
        hit_ids(&strict).first(),
        Some(&post_id(COMPANY)),
        "{strict}"
    );
    Ok(())
}

#[tokio::test]
async fn tags_categories_and_archive_cover_the_whole_archive() -> TestResult {
    let (_fixture, app) = sample_app()?;
    let reply = get(&app, "/api/tags").await?;
    let tags = reply.expect_json(StatusCode::OK)?;
    assert_eq!(reply.header("cache-control"), Some("public, max-age=5"));
    let tag_counts = counts(&tags);
    assert!(tag_counts.len() > 30, "{tags}");
    assert!(
        tag_counts.windows(2).all(|pair| pair[0].1 >= pair[1].1),
        "most used first: {tags}"
    );
    for (tag, count) in [("勉強会", 5), ("Business", 4), ("AWS", 3), ("XSS", 1)] {
        assert_eq!(count_of(&tags, tag), Some(count), "{tag}: {tags}");
    }
    // One entry per tag key, whatever the spelling.
    assert_eq!(count_of(&tags, "aws"), None, "{tags}");
    assert_eq!(count_of(&tags, "business"), None, "{tags}");

    let categories = get_json(&app, "/api/categories").await?;
    assert_eq!(
        counts(&categories),
        [
            ("Tech", 14),
            ("Life", 12),
            ("Event", 9),
            ("Business", 6),
            ("JavaScript", 3),
            ("Books", 2)
        ]
        .map(|(name, count)| (name.to_owned(), count))
    );

    let archive = get_json(&app, "/api/archive").await?;
    let years = archive["years"]
        .as_array()
        .ok_or_else(|| fail(format!("no years: {archive}")))?;
    let mut sum = 0;
    let mut previous = i64::MAX;
    for year in years {
        let (number, count) = (
            year["year"].as_i64().unwrap_or(0),
            year["count"].as_u64().unwrap_or(0),
        );
        assert!(number < previous, "newest year first: {archive}");
        previous = number;
        let months: u64 = year["months"]
            .as_array()
            .map(|months| months.iter().filter_map(|m| m["count"].as_u64()).sum())
            .unwrap_or(0);
        assert_eq!(months, count, "months add up to the year: {year}");
        sum += count;
    }
    assert_eq!(sum, SAMPLE_POSTS, "{archive}");
    assert_eq!(years.first().map(|y| &y["year"]), Some(&2024.into()));
    let y2019 = years
        .iter()
        .find(|y| y["year"] == 2019)
        .ok_or_else(|| fail(format!("no 2019: {archive}")))?;
    let months: Vec<u64> = y2019["months"]
        .as_array()
        .map(|months| months.iter().filter_map(|m| m["month"].as_u64()).collect())
        .unwrap_or_default();
    assert_eq!(months, [12, 9, 6, 3, 1], "{y2019}");
    Ok(())
}

#[tokio::test]
async fn posts_are_found_by_encoded_and_raw_ids() -> TestResult {
    let (_fixture, app) = sample_app()?;
    let id = post_id(INFRA_1);
    let encoded = get_json(&app, &format!("/api/posts/{}", encode(&id))).await?;
    let raw = get_json(&app, &format!("/api/posts/{id}")).await?;
    assert_eq!(encoded, raw);
    assert_eq!(encoded["id"], id.as_str());
    assert_eq!(encoded["path"], id.as_str());
    assert_eq!(encoded["title"], "インフラ勉強会 #1 参加レポート");
    assert_eq!(encoded["date"], "2009-07-19");
    assert_eq!(encoded["author"], "山田ゆうき");
    assert!(
        encoded["body"]
            .as_str()
            .is_some_and(|body| body.contains("五反田")),
        "{encoded}"
    );
    assert!(encoded["metadata"].is_object(), "{encoded}");
    assert!(
        encoded["tags"]
            .as_array()
            .is_some_and(|t| t.contains(&"infra".into()))
    );

    // In a subdirectory.
    let nested = post_id("2019/2019-01-12-textlint-blog.md");
    for uri in [
        format!("/api/posts/{}", encode(&nested)),
        format!("/api/posts/{nested}"),
    ] {
        let post = get_json(&app, &uri).await?;
        assert_eq!(post["id"], nested.as_str(), "{uri}");
    }

    // An id that is itself percent-encoded: encoded once more, or as is.
    let company = post_id(COMPANY);
    for uri in [
        format!("/api/posts/{}", encode(&company)),
        format!("/api/posts/{company}"),
    ] {
        let post = get_json(&app, &uri).await?;
        assert_eq!(post["id"], company.as_str(), "{uri}");
        assert_eq!(post["title"], "株式会社を設立しました", "{uri}");
    }
    Ok(())
}

#[tokio::test]
async fn related_posts() -> TestResult {
    let (_fixture, app) = sample_app()?;
    let id = post_id(INFRA_2);
    let encoded = get_json(&app, &format!("/api/posts/{}/related", encode(&id))).await?;
    let raw = get_json(&app, &format!("/api/posts/{id}/related")).await?;
    assert_eq!(hit_ids(&encoded), hit_ids(&raw));
    assert_eq!(encoded["id"], id.as_str());
    let ids = hit_ids(&encoded);
    assert_eq!(ids.len(), 5, "5 by default: {encoded}");
    assert!(
        !ids.contains(&id),
        "a post is not related to itself: {ids:?}"
    );
    assert!(ids.contains(&post_id(INFRA_3)), "{ids:?}");

    let three = get_json(&app, &format!("/api/posts/{}/related?limit=3", encode(&id))).await?;
    assert_eq!(hit_ids(&three), ids[..3], "{three}");
    let many = get_json(
        &app,
        &format!("/api/posts/{}/related?limit=100", encode(&id)),
    )
    .await?;
    let many_ids = hit_ids(&many);
    assert!(many_ids.len() > 5, "{many}");
    assert!(!many_ids.contains(&id));
    Ok(())
}

#[tokio::test]
async fn related_posts_of_a_series_include_the_series() -> TestResult {
    let (_fixture, app) = sample_app()?;
    let related = get_json(
        &app,
        &format!("/api/posts/{}/related", encode(&post_id(INFRA_1))),
    )
    .await?;
    let ids = hit_ids(&related);
    assert!(
        ids.contains(&post_id(INFRA_2)) || ids.contains(&post_id(INFRA_3)),
        "neither インフラ勉強会 #2 nor #3 among {ids:?}"
    );
    Ok(())
}

#[tokio::test]
async fn every_error_has_its_code_status_and_headers() -> TestResult {
    let (_fixture, app) = sample_app()?;
    let related = format!("/api/posts/{}/related", encode(&post_id(INFRA_1)));
    let cases: Vec<(String, StatusCode, &str)> = vec![
        (
            "/api/search?from=2009/07".into(),
            StatusCode::BAD_REQUEST,
            "invalid_date",
        ),
        (
            "/api/search?to=2009-13".into(),
            StatusCode::BAD_REQUEST,
            "invalid_date",
        ),
        (
            "/api/search?from=2009-02-30".into(),
            StatusCode::BAD_REQUEST,
            "invalid_date",
        ),
        (
            "/api/search?from=yesterday".into(),
            StatusCode::BAD_REQUEST,
            "invalid_date",
        ),
        (
            "/api/search?sort=best".into(),
            StatusCode::BAD_REQUEST,
            "invalid_sort",
        ),
        (
            "/api/search?sort=NEWEST".into(),
            StatusCode::BAD_REQUEST,
            "invalid_sort",
        ),
        (
            "/api/search?match=some".into(),
            StatusCode::BAD_REQUEST,
            "invalid_match",
        ),
        (
            "/api/search?page=0".into(),
            StatusCode::BAD_REQUEST,
            "invalid_page",
        ),
        (
            "/api/search?page=-1".into(),
            StatusCode::BAD_REQUEST,
            "invalid_page",
        ),
        (
            "/api/search?page=two".into(),
            StatusCode::BAD_REQUEST,
            "invalid_page",
        ),
        (
            "/api/search?page=99999999999999999999999".into(),
            StatusCode::BAD_REQUEST,
            "invalid_page",
        ),
        (
            "/api/search?per_page=0".into(),
            StatusCode::BAD_REQUEST,
            "invalid_per_page",
        ),
        (
            "/api/search?per_page=101".into(),
            StatusCode::BAD_REQUEST,
            "invalid_per_page",
        ),
        (
            "/api/search?per_page=1e9".into(),
            StatusCode::BAD_REQUEST,
            "invalid_per_page",
        ),
        (
            format!("{related}?limit=0"),
            StatusCode::BAD_REQUEST,
            "invalid_limit",
        ),
        (
            format!("{related}?limit=101"),
            StatusCode::BAD_REQUEST,
            "invalid_limit",
        ),
        (
            format!("{related}?limit=x"),
            StatusCode::BAD_REQUEST,
            "invalid_limit",
        ),
        ("/nothing/here".into(), StatusCode::NOT_FOUND, "not_found"),
        ("/api".into(), StatusCode::NOT_FOUND, "not_found"),
        (
            "/api/search/more".into(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        ("/api/posts/".into(), StatusCode::NOT_FOUND, "not_found"),
        (
            "/api/posts/no-such-post.md".into(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            format!("/api/posts/{}", encode("_posts/no-such-post.md")),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "/api/posts/no-such-post.md/related".into(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "/api/posts/..%2F..%2Fetc%2Fpasswd".into(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ];
    let mut problems = Vec::new();
    for (uri, status, code) in &cases {
        let reply = get(&app, uri).await?;
        if let Err(err) = reply.expect_error(*status, code) {
            problems.push(err.to_string());
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(())
}

#[tokio::test]
async fn an_unopened_index_is_not_ready_but_alive() -> TestResult {
    let fixture = Fixture::sample()?;
    let state = AppState::new(fixture.config());
    let app = app(state.clone());

    let ready = get(&app, "/readyz").await?;
    ready.expect_error(StatusCode::SERVICE_UNAVAILABLE, "not_ready")?;
    assert_eq!(
        ready.header("retry-after"),
        Some(RETRY_AFTER_SECONDS.to_string().as_str())
    );
    for uri in [
        "/api/search?q=KVM",
        "/api/tags",
        "/api/categories",
        "/api/archive",
        "/api/posts/_posts%2F2009-07-19-infra-study-1.md",
        "/api/posts/_posts%2F2009-07-19-infra-study-1.md/related",
    ] {
        get(&app, uri)
            .await?
            .expect_error(StatusCode::SERVICE_UNAVAILABLE, "not_ready")?;
    }
    // Parameters are checked before readiness, or readiness before them:
    // either way, never a 5xx other than not_ready.
    let bad = get(&app, "/api/search?page=0").await?;
    assert!(
        bad.status == StatusCode::BAD_REQUEST || bad.status == StatusCode::SERVICE_UNAVAILABLE,
        "{bad}"
    );
    let health = get(&app, "/healthz").await?;
    assert_eq!(
        health.expect_json(StatusCode::OK)?,
        serde_json::json!({"status": "ok"})
    );
    assert_eq!(health.header("cache-control"), Some("no-store"));
    assert_eq!(health.header("x-content-type-options"), Some("nosniff"));
    get(&app, "/openapi.json")
        .await?
        .expect_json(StatusCode::OK)?;
    get(&app, "/nothing")
        .await?
        .expect_error(StatusCode::NOT_FOUND, "not_found")?;

    state.open_index()?;
    let ready = get(&app, "/readyz").await?;
    assert_eq!(
        ready.expect_json(StatusCode::OK)?,
        serde_json::json!({"status": "ready"})
    );
    assert_eq!(ready.header("cache-control"), Some("no-store"));
    assert_eq!(ready.header("x-content-type-options"), Some("nosniff"));
    let found = get_json(&app, "/api/search?q=KVM").await?;
    assert_eq!(hit_ids(&found).first(), Some(&post_id(INFRA_1)));
    Ok(())
}

/// Every `<…>` in `text` is `<mark>` or `</mark>`.
fn only_mark_tags(text: &str) -> bool {
    !text
        .replace("<mark>", "")
        .replace("</mark>", "")
        .contains('<')
}

#[tokio::test]
async fn display_strings_are_html_escaped() -> TestResult {
    let (_fixture, app) = sample_app()?;
    let escaped_title = "&lt;script&gt;alert(1)&lt;/script&gt; を防ぐ話";
    let id = post_id(XSS);
    let uris = [
        search_uri(&[("q", "XSS")]),
        search_uri(&[("q", "script alert")]),
        search_uri(&[("tag", "XSS")]),
        format!("/api/posts/{}", encode(&id)),
        format!("/api/posts/{}/related?limit=100", encode(&post_id(INFRA_1))),
        // Has <script> and <style> in its HTML body.
        format!(
            "/api/posts/{}",
            encode(&post_id("2011-06-12-y-hou-server-down.md"))
        ),
        search_uri(&[("per_page", "100")]),
        search_uri(&[("per_page", "100"), ("page", "1"), ("sort", "oldest")]),
        "/api/tags".to_owned(),
    ];
    for uri in &uris {
        let reply = get(&app, uri).await?;
        let body = reply.expect_json(StatusCode::OK)?;
        let lower = reply.text().to_lowercase();
        assert!(!lower.contains("<script"), "{uri}: raw <script in {reply}");
        assert!(!lower.contains("<style"), "{uri}: raw <style in {reply}");
        for hit in body["hits"].as_array().into_iter().flatten() {
            let snippet = hit["snippet"].as_str().unwrap_or_default();
            assert!(
                only_mark_tags(snippet),
                "{uri}: markup in snippet {snippet:?}"
            );
            let title = hit["title"].as_str().unwrap_or_default();
            assert!(!title.contains('<'), "{uri}: markup in title {title:?}");
            if hit["id"] == id.as_str() {
                assert_eq!(hit["title"], escaped_title, "{uri}");
            }
        }
    }
    let found = get_json(&app, &search_uri(&[("q", "XSS")])).await?;
    assert_eq!(hit_ids(&found), std::slice::from_ref(&id), "{found}");
    assert_eq!(found["hits"][0]["title"], escaped_title);
    let post = get_json(&app, &format!("/api/posts/{}", encode(&id))).await?;
    assert_eq!(post["title"], escaped_title);
    Ok(())
}

#[tokio::test]
async fn cors_allows_any_origin_by_default() -> TestResult {
    let (_fixture, app) = sample_app()?;
    let preflight = send(
        &app,
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/api/search?q=KVM")
            .header("origin", "https://blog.example.jp")
            .header("access-control-request-method", "GET")
            .body(Body::empty())?,
    )
    .await?;
    assert!(preflight.status.is_success(), "{preflight}");
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some("*"),
        "{preflight}"
    );
    assert!(
        preflight
            .header("access-control-allow-methods")
            .is_some_and(|methods| methods.split(',').any(|m| m.trim() == "GET")),
        "{preflight}"
    );
    let simple = get_with(&app, "/api/tags", &[("origin", "https://anywhere.example")]).await?;
    simple.expect_json(StatusCode::OK)?;
    assert_eq!(
        simple.header("access-control-allow-origin"),
        Some("*"),
        "{simple}"
    );
    // Errors are readable cross-origin too (a widget shows the message).
    let error = get_with(
        &app,
        "/api/search?page=0",
        &[("origin", "https://a.example")],
    )
    .await?;
    assert_eq!(
        error.header("access-control-allow-origin"),
        Some("*"),
        "{error}"
    );
    Ok(())
}

#[tokio::test]
async fn cors_restricted_to_listed_origins() -> TestResult {
    let fixture = Fixture::sample()?;
    let mut config = fixture.config();
    config.cors_origins = vec![
        "https://blog.example.jp".to_owned(),
        "http://localhost:4000".to_owned(),
    ];
    let app = app(Fixture::ready(config)?);
    let preflight = |origin: &str| {
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/api/search")
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .body(Body::empty())
    };
    for origin in ["https://blog.example.jp", "http://localhost:4000"] {
        let allowed = send(&app, preflight(origin)?).await?;
        assert!(allowed.status.is_success(), "{allowed}");
        assert_eq!(
            allowed.header("access-control-allow-origin"),
            Some(origin),
            "{allowed}"
        );
        let simple = get_with(&app, "/api/tags", &[("origin", origin)]).await?;
        assert_eq!(
            simple.header("access-control-allow-origin"),
            Some(origin),
            "{simple}"
        );
    }
    for origin in [
        "https://evil.example",
        "https://blog.example.jp.evil.example",
        "null",
    ] {
        let denied = send(&app, preflight(origin)?).await?;
        assert!(!denied.status.is_server_error(), "{denied}");
        assert_eq!(
            denied.header("access-control-allow-origin"),
            None,
            "{origin}: {denied}"
        );
        let simple = get_with(&app, "/api/tags", &[("origin", origin)]).await?;
        assert_eq!(
            simple.header("access-control-allow-origin"),
            None,
            "{origin}: {simple}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn nosniff_and_cache_control_everywhere() -> TestResult {
    let (_fixture, app) = sample_app()?;
    let infra = encode(&post_id(INFRA_1));
    let cases: Vec<(String, StatusCode, &str)> = vec![
        (
            search_uri(&[("q", "KVM")]),
            StatusCode::OK,
            "public, max-age=5",
        ),
        ("/api/search".into(), StatusCode::OK, "public, max-age=5"),
        ("/api/tags".into(), StatusCode::OK, "public, max-age=5"),
        (
            "/api/categories".into(),
            StatusCode::OK,
            "public, max-age=5",
        ),
        ("/api/archive".into(), StatusCode::OK, "public, max-age=5"),
        (
            format!("/api/posts/{infra}"),
            StatusCode::OK,
            "public, max-age=5",
        ),
        (
            format!("/api/posts/{infra}/related"),
            StatusCode::OK,
            "public, max-age=5",
        ),
        (
            "/api/search?sort=x".into(),
            StatusCode::BAD_REQUEST,
            "no-store",
        ),
        (
            format!("/api/posts/{infra}/related?limit=0"),
            StatusCode::BAD_REQUEST,
            "no-store",
        ),
        ("/api/posts/nope".into(), StatusCode::NOT_FOUND, "no-store"),
        ("/nope".into(), StatusCode::NOT_FOUND, "no-store"),
        ("/healthz".into(), StatusCode::OK, "no-store"),
        ("/readyz".into(), StatusCode::OK, "no-store"),
    ];
    for (uri, status, cache) in &cases {
        let reply = get(&app, uri).await?;
        assert_eq!(reply.status, *status, "{uri}: {reply}");
        assert_eq!(
            reply.header("cache-control"),
            Some(*cache),
            "{uri}: {reply}"
        );
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{uri}: {reply}"
        );
        reply.json()?;
    }
    let openapi = get(&app, "/openapi.json").await?;
    let spec = openapi.expect_json(StatusCode::OK)?;
    assert!(
        spec["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{openapi}"
    );
    assert_eq!(openapi.header("x-content-type-options"), Some("nosniff"));
    assert!(
        openapi
            .header("content-type")
            .is_some_and(|v| v.starts_with("application/json"))
    );
    Ok(())
}

#[tokio::test]
async fn preflight_responses_carry_nosniff() -> TestResult {
    let (_fixture, app) = sample_app()?;
    let preflight = send(
        &app,
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/api/search")
            .header("origin", "https://blog.example.jp")
            .header("access-control-request-method", "GET")
            .body(Body::empty())?,
    )
    .await?;
    assert_eq!(
        preflight.header("x-content-type-options"),
        Some("nosniff"),
        "{preflight}"
    );
    Ok(())
}

#[tokio::test]
async fn compression_when_accepted() -> TestResult {
    let (_fixture, app) = sample_app()?;
    let uri = search_uri(&[("per_page", "50")]);
    let plain = get(&app, &uri).await?;
    plain.expect_json(StatusCode::OK)?;
    assert_eq!(plain.header("content-encoding"), None, "{plain}");

    let gzip = get_with(&app, &uri, &[("accept-encoding", "gzip")]).await?;
    assert_eq!(gzip.status, StatusCode::OK);
    assert_eq!(gzip.header("content-encoding"), Some("gzip"), "{gzip}");
    assert!(gzip.body.starts_with(&[0x1f, 0x8b]), "not a gzip stream");
    assert!(gzip.body.len() < plain.body.len(), "gzip is not smaller");
    assert!(
        gzip.header("vary")
            .is_some_and(|v| v.to_lowercase().contains("accept-encoding")),
        "{gzip}"
    );
    assert_eq!(gzip.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(gzip.header("cache-control"), Some("public, max-age=5"));

    let br = get_with(&app, &uri, &[("accept-encoding", "br")]).await?;
    assert_eq!(br.header("content-encoding"), Some("br"), "{br}");
    assert!(br.body.len() < plain.body.len(), "br is not smaller");

    let identity = get_with(&app, &uri, &[("accept-encoding", "identity")]).await?;
    assert_eq!(identity.header("content-encoding"), None);
    assert_eq!(identity.json()?["hits"], plain.json()?["hits"]);

    // Errors too.
    let error = get_with(&app, "/nothing/at/all/here", &[("accept-encoding", "gzip")]).await?;
    assert_eq!(error.status, StatusCode::NOT_FOUND);
    assert_eq!(error.header("content-encoding"), Some("gzip"), "{error}");
    Ok(())
}

#[tokio::test]
async fn other_methods_are_never_server_errors() -> TestResult {
    let (_fixture, app) = sample_app()?;
    let infra = encode(&post_id(INFRA_1));
    let uris = [
        search_uri(&[("q", "KVM")]),
        "/api/tags".to_owned(),
        "/api/categories".to_owned(),
        "/api/archive".to_owned(),
        format!("/api/posts/{infra}"),
        format!("/api/posts/{infra}/related"),
        "/healthz".to_owned(),
        "/readyz".to_owned(),
        "/openapi.json".to_owned(),
        "/nope".to_owned(),
        "/api/search?page=0".to_owned(),
    ];
    for uri in &uris {
        let get_reply = get(&app, uri).await?;
        let head = send(&app, Request::head(uri.as_str()).body(Body::empty())?).await?;
        assert_eq!(head.status, get_reply.status, "HEAD {uri}: {head}");
        assert!(head.body.is_empty(), "HEAD {uri} has a body: {head}");
        assert_eq!(
            head.header("x-content-type-options"),
            Some("nosniff"),
            "HEAD {uri}"
        );
        for method in [Method::POST, Method::PUT, Method::DELETE, Method::PATCH] {
            let reply = send(
                &app,
                Request::builder()
                    .method(method.clone())
                    .uri(uri.as_str())
                    .header("content-type", "application/json")
                    .body(Body::from(r#"{"q":"KVM"}"#))?,
            )
            .await?;
            assert!(
                reply.status.is_client_error(),
                "{method} {uri}: expected a 4xx, got {reply}"
            );
        }
    }
    // A body over the limit.
    let big = send(
        &app,
        Request::post("/api/search")
            .header("content-length", "1048576")
            .body(Body::from(vec![b'x'; 1 << 20]))?,
    )
    .await?;
    assert!(big.status.is_client_error(), "{big}");
    let get_with_body = send(
        &app,
        Request::get("/api/search?q=KVM").body(Body::from(vec![b'x'; 1 << 20]))?,
    )
    .await?;
    assert!(!get_with_body.status.is_server_error(), "{get_with_body}");
    Ok(())
}

#[tokio::test]
async fn method_not_allowed_is_an_uncached_json_error() -> TestResult {
    let (_fixture, app) = sample_app()?;
    for uri in [
        "/api/search",
        "/api/tags",
        "/api/posts/_posts%2F2009-07-19-infra-study-1.md",
    ] {
        let reply = send(&app, Request::post(uri).body(Body::empty())?).await?;
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{reply}");
        assert_eq!(
            reply.header("cache-control"),
            Some("no-store"),
            "POST {uri}: {reply}"
        );
        let body = reply.json()?;
        assert!(body["error"]["code"].is_string(), "POST {uri}: {reply}");
    }
    Ok(())
}

#[tokio::test]
async fn hostile_requests_are_never_server_errors() -> TestResult {
    let (_fixture, app) = sample_app()?;
    let long_words = "インフラ 勉強会 ".repeat(300);
    let long_letters = "a".repeat(5000);
    let long_kanji = "漢".repeat(5000);
    let mut uris: Vec<String> = [
        "page=18446744073709551615",
        "page=18446744073709551615&per_page=100",
        "page=9223372036854775807&per_page=100&q=%E3%82%A4%E3%83%B3%E3%83%95%E3%83%A9",
        "page=99999999999999999999999999999999",
        "page=-1",
        "page=1.5",
        "page=%20",
        "per_page=1e9",
        "per_page=-5",
        "per_page=100&page=1",
        "q=%FF%FE",
        "q=%FF%FE&tag=%FF&category=%C0%80",
        "q=%E3%82",
        "q=%",
        "q=%%25%",
        "q=%zz",
        "q=%00",
        "q=a%00b",
        "tag=%00",
        "category=%00",
        "q=%F0%9F%98%80",
        "q=%F0%9F%98%80%F0%9F%8D%A3&tag=%F0%9F%8D%A3",
        "q=%22unbalanced",
        "q=%22unbalanced%20quote%20%22%22%22",
        "q=%22%22",
        "q=-%22%22",
        "q=tag:",
        "q=tag:%22",
        "q=category:%22%22",
        "q=-",
        "q=--",
        "q=OR",
        "q=a%20OR",
        "q=OR%20OR%20OR",
        "q=((",
        "q=*",
        "q=title:foo",
        "q=a~2",
        "q=%5B1%20TO%205%5D",
        "q=%5C",
        "q=%0D%0A%0D%0A",
        "q=%E2%80%AE%E2%80%8B",
        "tag=",
        "tag=&tag=&category=&from=&to=&sort=&match=&page=&per_page=",
        "q=a&q=b&q=c",
        "page=1&page=2&page=0",
        "per_page=5&per_page=500",
        "sort=newest&sort=oldest",
        "tag=a&tag=b&tag=c&tag=d&tag=e&tag=f&tag=g&tag=h&tag=i&tag=j",
        "from=2025&to=2003",
        "from=2009-07-19&to=2009-07-18",
        "from=%00",
        "to=2009-07-19T00:00:00",
        "from=%EF%BC%92%EF%BC%90%EF%BC%90%EF%BC%99",
        "&&&&",
        "=",
        "==q==",
        "q",
        "q&tag&page",
        "%00=%00",
        "q=+++",
        "q=%2B%2B%2B",
        "x=1&y=2",
    ]
    .iter()
    .map(|query| format!("/api/search?{query}"))
    .collect();
    for query in [&long_words, &long_letters, &long_kanji] {
        uris.push(search_uri(&[
            ("q", query),
            ("match", "any"),
            ("per_page", "100"),
        ]));
        uris.push(search_uri(&[("q", query)]));
        uris.push(search_uri(&[("tag", query)]));
    }
    let tag_list: Vec<(&str, &str)> = (0..200).map(|_| ("tag", "infra")).collect();
    uris.push(search_uri(&tag_list));
    let related = format!("/api/posts/{}/related", encode(&post_id(INFRA_1)));
    for limit in [
        "-1",
        "1e9",
        "99999999999999999999999",
        "%FF",
        "",
        "1&limit=2",
        "%00",
    ] {
        uris.push(format!("{related}?limit={limit}"));
    }
    for id in [
        "%FF%FE",
        "%00",
        "%2F",
        "%2F%2F%2F",
        "..%2F..%2F..%2Fetc%2Fpasswd",
        "_posts%2F..%2F_posts%2F2009-07-19-infra-study-1.md",
        "%F0%9F%98%80",
        "related",
        "related/related",
        "%2Frelated",
        "_posts/2009-07-19-infra-study-1.md/related/related",
        "a%",
        "%%",
    ] {
        uris.push(format!("/api/posts/{id}"));
        uris.push(format!("/api/posts/{id}/related"));
    }
    uris.push(format!("/api/posts/{}", "x".repeat(5000)));
    uris.push(format!("/api/posts/{}", encode(&long_kanji)));

    let mut problems = Vec::new();
    for uri in &uris {
        let reply = match get(&app, uri).await {
            Ok(reply) => reply,
            Err(err) => {
                problems.push(format!("GET {uri}: {err}"));
                continue;
            }
        };
        let body = reply.json();
        let ok = match reply.status {
            StatusCode::OK => {
                body.is_ok_and(|body| body["hits"].is_array() || body["id"].is_string())
            }
            // 400, 404, and 414 for the longest: JSON errors all.
            status if status.is_client_error() => {
                body.is_ok_and(|body| body["error"]["code"].is_string())
            }
            _ => false,
        };
        if !ok {
            let shown: String = uri.chars().take(120).collect();
            problems.push(format!("GET {shown}: {reply}"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} bad answer(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    Ok(())
}

#[tokio::test]
async fn dates_outside_the_nanosecond_range_are_not_server_errors() -> TestResult {
    let (_fixture, app) = sample_app()?;
    let mut problems = Vec::new();
    // (query, total if answered 200): all posts are in 2003..2024.
    for (query, expected) in [
        ("from=1000", SAMPLE_POSTS),
        ("from=0000", SAMPLE_POSTS),
        ("from=1677-09-20", SAMPLE_POSTS),
        ("to=9999", SAMPLE_POSTS),
        ("to=9999-12-31", SAMPLE_POSTS),
        ("to=2262-04-11", SAMPLE_POSTS),
        ("from=9999", 0),
        ("to=1000", 0),
        ("from=0001&to=9999", SAMPLE_POSTS),
    ] {
        let reply = get(&app, &format!("/api/search?{query}")).await?;
        let fine = match reply.status {
            StatusCode::OK => reply.json().is_ok_and(|body| total(&body) == expected),
            StatusCode::BAD_REQUEST => reply
                .json()
                .is_ok_and(|body| body["error"]["code"] == "invalid_date"),
            _ => false,
        };
        if !fine {
            problems.push(format!(
                "{query}: expected 200 with total {expected} or 400 invalid_date, got {reply}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(())
}
