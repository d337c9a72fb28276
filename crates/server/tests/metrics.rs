//! `GET /metrics` through the router (`tower::ServiceExt::oneshot`): what
//! the requests before it counted, the index's gauges, and that it is its
//! own router, off the public API and its CORS headers.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Fixture, SAMPLE_POSTS, TestResult, fail, index_into, poll, sample_archive};
use sagasu_server::{AppState, METRICS_CONTENT_TYPE, app, metrics_app};
use tower::ServiceExt;

/// `GET uri` with `headers`: the status, and the response headers and body.
async fn get(
    router: &Router,
    uri: &str,
    headers: &[(&str, &str)],
) -> TestResult<(StatusCode, header::HeaderMap, String)> {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router.clone().oneshot(request.body(Body::empty())?).await?;
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await?;
    Ok((
        parts.status,
        parts.headers,
        String::from_utf8(body.to_vec())?,
    ))
}

/// The samples of a scrape: `name{labels}` → value.
fn samples(text: &str) -> TestResult<HashMap<String, f64>> {
    let mut samples = HashMap::new();
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let (series, value) = line
            .rsplit_once(' ')
            .ok_or_else(|| fail(format!("not a sample: {line:?}")))?;
        samples.insert(series.to_owned(), value.parse()?);
    }
    Ok(samples)
}

/// A scrape of `state`'s metrics, checked for its type and end.
async fn scrape(state: &AppState) -> TestResult<HashMap<String, f64>> {
    let (status, headers, text) = get(&metrics_app(state.clone()), "/metrics", &[]).await?;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(
        headers.get(header::CONTENT_TYPE).map(|v| v.as_bytes()),
        Some(METRICS_CONTENT_TYPE.as_bytes())
    );
    assert!(text.ends_with("# EOF\n"), "{text}");
    samples(&text)
}

fn value(samples: &HashMap<String, f64>, series: &str) -> TestResult<f64> {
    samples
        .get(series)
        .copied()
        .ok_or_else(|| fail(format!("no {series} in {samples:#?}")))
}

#[tokio::test]
async fn metrics_count_requests_latency_cache_and_describe_the_index() -> TestResult {
    let fixture = Fixture::sample()?;
    let state = fixture.state()?;
    let api = app(state.clone());
    for uri in [
        "/api/search?q=%E5%8B%89%E5%BC%B7%E4%BC%9A",
        "/api/search?q=%E5%8B%89%E5%BC%B7%E4%BC%9A",
        "/api/search?q=KVM",
        "/api/tags",
        "/api/posts/_posts%2Fnone.md",
        "/wp-login.php",
        "/api/search?page=0",
    ] {
        get(&api, uri, &[]).await?;
    }

    let samples = scrape(&state).await?;
    for (series, expected) in [
        (
            r#"sagasu_http_requests_total{route="/api/search",status="200"}"#,
            3.0,
        ),
        (
            r#"sagasu_http_requests_total{route="/api/search",status="400"}"#,
            1.0,
        ),
        (
            r#"sagasu_http_requests_total{route="/api/tags",status="200"}"#,
            1.0,
        ),
        (
            r#"sagasu_http_requests_total{route="/api/posts/{id}",status="404"}"#,
            1.0,
        ),
        (
            r#"sagasu_http_requests_total{route="other",status="404"}"#,
            1.0,
        ),
        (
            r#"sagasu_http_request_duration_seconds_count{route="/api/search"}"#,
            4.0,
        ),
        (
            r#"sagasu_http_request_duration_seconds_bucket{le="+Inf",route="/api/search"}"#,
            4.0,
        ),
        // The repeated search came from the cache.
        ("sagasu_cache_hits_total", 1.0),
        ("sagasu_cache_misses_total", 2.0),
        ("sagasu_searches_shed_total", 0.0),
        ("sagasu_searches_running", 0.0),
        ("sagasu_searches_queued", 0.0),
        ("sagasu_index_ready", 1.0),
        ("sagasu_index_posts", SAMPLE_POSTS as f64),
        ("sagasu_index_reload_failures_total", 0.0),
    ] {
        assert_eq!(value(&samples, series)?, expected, "{series}");
    }
    assert!(value(&samples, "sagasu_index_commit")? > 0.0);
    let reloaded = value(&samples, "sagasu_index_last_reload_timestamp_seconds")?;
    assert!(reloaded > 1.7e9, "a Unix time: {reloaded}");
    assert!(
        !samples
            .keys()
            .any(|series| series.contains("reload_error_info")),
        "no reload error: {samples:#?}"
    );
    Ok(())
}

#[tokio::test]
async fn metrics_follow_a_new_commit() -> TestResult {
    let fixture = Fixture::empty()?;
    let posts = fixture.dir.path().join("posts");
    common::copy_dir(&sample_archive().join("_posts/2019"), &posts)?;
    index_into(&fixture.index, std::slice::from_ref(&posts))?;
    let state = fixture.state()?;
    let before = scrape(&state).await?;
    let posts_before = value(&before, "sagasu_index_posts")?;

    std::fs::write(
        posts.join("2025-01-04-new.md"),
        "---\ntitle: 新しい記事\n---\n本文。\n",
    )?;
    index_into(&fixture.index, &[posts])?;
    let after = poll(Duration::from_secs(20), "the new commit", || async {
        let after = scrape(&state).await?;
        Ok((value(&after, "sagasu_index_posts")? == posts_before + 1.0).then_some(after))
    })
    .await?;
    assert!(
        value(&after, "sagasu_index_commit")? > value(&before, "sagasu_index_commit")?,
        "the commit gauge grows"
    );
    assert!(
        value(&after, "sagasu_index_last_reload_timestamp_seconds")?
            >= value(&before, "sagasu_index_last_reload_timestamp_seconds")?
    );
    Ok(())
}

#[tokio::test]
async fn metrics_are_off_the_public_api_and_say_when_the_index_is_not_open() -> TestResult {
    let fixture = Fixture::sample()?;
    // Never opened.
    let state = AppState::new(fixture.config());
    let (status, _, body) = get(&app(state.clone()), "/metrics", &[]).await?;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    let (status, headers, text) = get(
        &metrics_app(state.clone()),
        "/metrics",
        &[("origin", "https://blog.example.jp")],
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(
        headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none(),
        "no CORS on /metrics"
    );
    assert_eq!(
        headers.get(header::CACHE_CONTROL).map(|v| v.as_bytes()),
        Some(&b"no-store"[..])
    );
    let samples = samples(&text)?;
    assert_eq!(value(&samples, "sagasu_index_ready")?, 0.0);
    assert!(!samples.contains_key("sagasu_index_posts"), "{text}");

    let (status, _, body) = get(&metrics_app(state), "/api/search", &[]).await?;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    Ok(())
}
