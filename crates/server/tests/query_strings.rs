//! Any query string is answered with a `200` or a JSON `400` (proptest):
//! parameters known and unknown, repeated, empty, with values well formed,
//! out of range or arbitrary text, and with broken percent-escapes, through
//! the router in process (`tower::ServiceExt::oneshot`).

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Fixture, TestResult, encode, fail, post_id};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};
use sagasu_server::app;
use serde_json::Value;
use tower::ServiceExt;

const KEYS: &[&str] = &[
    "q", "tag", "category", "from", "to", "sort", "match", "page", "per_page", "limit", "x", "Q",
];

/// Values a parameter may hold: well formed, near the edges, or anything.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            "1",
            "0",
            "-1",
            "100",
            "101",
            "99999999999999999999",
            "2009",
            "2009-07",
            "2009-07-11",
            "2009-13",
            "2009-02-30",
            "newest",
            "oldest",
            "relevance",
            "all",
            "any",
            "勉強会",
            "tag:hbstudy",
            "\"インフラ",
            "OR",
            "-",
        ])
        .prop_map(str::to_owned)
        .prop_map(|value| encode(&value)),
        // Any text, escaped as a browser would.
        any::<String>().prop_map(|value| encode(&value)),
        // Raw: `+`, stray and broken escapes, invalid UTF-8 (`%FF`).
        "[a-z0-9+%=.~_-]{0,12}",
        "(%[0-9A-Fa-fzZ]{0,2}){1,6}",
    ]
}

fn query_string() -> impl Strategy<Value = String> {
    let pair =
        (prop::sample::select(KEYS), prop::option::of(value())).prop_map(
            |(key, value)| match value {
                Some(value) => format!("{key}={value}"),
                None => key.to_owned(),
            },
        );
    (prop::collection::vec(pair, 0..6), prop::bool::ANY)
        .prop_map(|(pairs, semicolons)| pairs.join(if semicolons { ";" } else { "&" }))
}

/// `GET uri`: the status and, for a 200 or a 400, the JSON body.
async fn status_and_json(router: &Router, uri: &str) -> TestResult<(StatusCode, Value)> {
    let response = router
        .clone()
        .oneshot(Request::get(uri).body(Body::empty())?)
        .await?;
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
    let json = serde_json::from_slice(&body).map_err(|err| {
        fail(format!(
            "{uri}: {status} whose body is not JSON ({err}): {}",
            String::from_utf8_lossy(&body)
        ))
    })?;
    Ok((status, json))
}

#[test]
fn any_query_string_is_a_200_or_a_json_400() -> TestResult {
    let fixture = Fixture::sample()?;
    let router = app(fixture.state()?);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let related = format!(
        "/api/posts/{}/related",
        encode(&post_id("2004-02-11-apache-maxclients.md"))
    );
    let mut runner = TestRunner::new(Config {
        cases: 512,
        // Beside this file: an integration test has no lib.rs to put it by.
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..Config::default()
    });
    runner.run(&query_string(), |query| {
        for path in ["/api/search", related.as_str()] {
            let uri = format!("{path}?{query}");
            let (status, body) = runtime
                .block_on(status_and_json(&router, &uri))
                .map_err(|err| TestCaseError::fail(err.to_string()))?;
            match status {
                StatusCode::OK => prop_assert!(body["hits"].is_array(), "{uri}: {body}"),
                StatusCode::BAD_REQUEST => {
                    let error = &body["error"];
                    prop_assert!(
                        error["code"].as_str().is_some_and(|code| !code.is_empty())
                            && error["message"].as_str().is_some_and(|m| !m.is_empty()),
                        "{uri}: {body}"
                    );
                }
                other => prop_assert!(false, "{uri}: {other} {body}"),
            }
        }
        Ok(())
    })?;
    Ok(())
}
