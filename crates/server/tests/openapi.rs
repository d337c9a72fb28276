//! The API matches its OpenAPI document (`crates/server/openapi.json`).
//!
//! A real index of the bundled sample archive is served by the real router;
//! every response of a set of requests covering every endpoint, success and
//! every reachable error code is checked against what the document declares
//! for that path, method and status: the status must be documented, the
//! declared headers present and well-formed, and the JSON body valid against
//! the declared schema (JSON Schema 2020-12, formats checked). The response
//! objects forbid unknown properties and require every property, so a field
//! gained, lost, renamed or retyped fails here.
//!
//! Unknown paths and other methods are checked against the responses the
//! document keeps for them (`#/components/responses/NotFound`,
//! `MethodNotAllowed`), `HEAD` against its `GET`.
//!
//! The document itself is checked too: the routes in `src/routes.rs` are the
//! paths it describes, every operation and every documented non-500 status is
//! exercised, every validated query parameter's schema admits exactly the
//! values the server accepts, its examples are valid, every property is
//! described, and `/openapi.json` serves exactly the file. `.ci/schema-check`
//! adds property-based testing of the running binary (schemathesis).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use sagasu_indexer::IndexOptions;
use sagasu_server::{AppState, ServerConfig, app};
use serde_json::{Value, json};
use tower::ServiceExt;

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// The document, as served.
const DOCUMENT: &str = include_str!("../openapi.json");

/// The router's source: its routes must be the document's paths.
const ROUTES_SOURCE: &str = include_str!("../src/routes.rs");

/// Every route `src/routes.rs` registers (all `GET`, which also answers
/// `HEAD`), with the documented paths it serves. `/api/posts/{*id}` is one
/// wildcard route serving both post endpoints.
const ROUTES: &[(&str, &[&str])] = &[
    ("/api/search", &["/api/search"]),
    ("/api/tags", &["/api/tags"]),
    ("/api/categories", &["/api/categories"]),
    ("/api/archive", &["/api/archive"]),
    (
        "/api/posts/{*id}",
        &["/api/posts/{id}", "/api/posts/{id}/related"],
    ),
    ("/healthz", &["/healthz"]),
    ("/readyz", &["/readyz"]),
    ("/openapi.json", &["/openapi.json"]),
];

/// The post most requests look at.
const INFRA_STUDY: &str = "_posts/2009-07-19-infra-study-1.md";
/// A post whose file name is percent-encoded on disk (`%` is part of its id).
const KYOTO: &str =
    "_posts/2005-09-23-%e4%ba%ac%e9%83%bd%e3%81%a7%e5%af%ba%e3%82%81%e3%81%90%e3%82%8a.md";
/// A post in a year directory.
const TEXTLINT: &str = "_posts/2019/2019-01-12-textlint-blog.md";

fn document() -> TestResult<Value> {
    Ok(serde_json::from_str(DOCUMENT)?)
}

/// Follows a local `$ref` (`#/components/...`) in the document.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> TestResult<&'a Value> {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference
                .strip_prefix('#')
                .ok_or_else(|| format!("non-local $ref {reference}"))?;
            let target = doc
                .pointer(pointer)
                .ok_or_else(|| format!("dangling $ref {reference}"))?;
            resolve(doc, target)
        }
        None => Ok(value),
    }
}

/// A validator for `schema`, a schema of the document (it may `$ref` any
/// component): the document's components travel along as the root, so the
/// document's own `#/components/schemas/...` references resolve.
fn validator(doc: &Value, schema: &Value) -> TestResult<jsonschema::Validator> {
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": doc["components"],
        "allOf": [schema],
    });
    Ok(jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&root)
        .map_err(|err| format!("schema {schema} does not compile: {err}"))?)
}

/// The errors of `instance` against `schema`, one line each.
fn violations(doc: &Value, schema: &Value, instance: &Value) -> TestResult<Vec<String>> {
    let validator = validator(doc, schema)?;
    Ok(validator
        .iter_errors(instance)
        .map(|err| format!("at {}: {err}", err.instance_path()))
        .collect())
}

/// A property of a response body, checked beyond its schema.
type Check = fn(&Value) -> bool;

/// The part of the document that describes a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Documented {
    /// The `get` operation of this path (`HEAD` answers like `GET`).
    Operation(&'static str),
    /// This entry of `#/components/responses`, which no operation uses
    /// (unknown paths, other methods).
    Response(&'static str),
}

/// One request and what it must answer.
struct Case {
    documented: Documented,
    /// Whether the index is open.
    ready: bool,
    method: Method,
    uri: String,
    status: u16,
    /// The error code, for an error.
    code: Option<&'static str>,
    /// What else the body must show.
    check: Option<(&'static str, Check)>,
}

impl Case {
    fn ok(path: &'static str, uri: impl Into<String>) -> Self {
        Self {
            documented: Documented::Operation(path),
            ready: true,
            method: Method::GET,
            uri: uri.into(),
            status: 200,
            code: None,
            check: None,
        }
    }

    fn error(path: &'static str, uri: impl Into<String>, status: u16, code: &'static str) -> Self {
        Self {
            status,
            code: Some(code),
            ..Self::ok(path, uri)
        }
    }

    /// A request answered by `#/components/responses/{response}`.
    fn other(
        response: &'static str,
        method: Method,
        uri: &str,
        status: u16,
        code: &'static str,
    ) -> Self {
        Self {
            documented: Documented::Response(response),
            method,
            ..Self::error("", uri, status, code)
        }
    }

    fn head(mut self) -> Self {
        self.method = Method::HEAD;
        self
    }

    fn not_ready(mut self) -> Self {
        self.ready = false;
        self
    }

    fn check(mut self, what: &'static str, check: Check) -> Self {
        self.check = Some((what, check));
        self
    }
}

/// `/api/search` with these parameters, form-encoded.
fn search(pairs: &[(&str, &str)]) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("/api/search?{query}")
}

/// `/api/posts/{id}` with the id percent-encoded as one segment, and `rest` after it.
fn post(id: &str, rest: &str) -> String {
    format!(
        "/api/posts/{}{rest}",
        utf8_percent_encode(id, NON_ALPHANUMERIC)
    )
}

fn hits(body: &Value) -> Vec<&str> {
    body["hits"]
        .as_array()
        .map(|hits| hits.iter().filter_map(|hit| hit["id"].as_str()).collect())
        .unwrap_or_default()
}

fn total(body: &Value) -> u64 {
    body["total"].as_u64().unwrap_or(u64::MAX)
}

fn cases() -> Vec<Case> {
    use Case as C;
    let s = "/api/search";
    let p = "/api/posts/{id}";
    let r = "/api/posts/{id}/related";
    vec![
        // Search: Japanese words, filters, paging, match, relaxed fallback.
        C::ok(s, search(&[("q", "インフラ勉強会")])).check(
            "the first report comes first, matches marked",
            |b| {
                hits(b).first() == Some(&INFRA_STUDY)
                    && b["hits"][0]["snippet"]
                        .as_str()
                        .is_some_and(|s| s.contains("<mark>"))
                    && b["relaxed"] == false
                    && b["split"] == json!([])
            },
        ),
        C::ok(s, "/api/search").check("no query lists every post, 10 a page", |b| {
            total(b) > 10 && hits(b).len() == 10 && b["page"] == 1 && b["per_page"] == 10
        }),
        C::ok(
            s,
            search(&[("q", "勉強会"), ("tag", "infra"), ("tag", "REPORT")]),
        )
        .check("every tag must match", |b| hits(b) == [INFRA_STUDY]),
        C::ok(s, search(&[("category", "JavaScript"), ("sort", "oldest")]))
            .check("the oldest JavaScript post first", |b| {
                total(b) == 3 && hits(b).first() == Some(&TEXTLINT)
            }),
        C::ok(
            s,
            search(&[("from", "2009"), ("to", "2009-09"), ("sort", "newest")]),
        )
        .check("the 2009 range, newest first, with facets", |b| {
            total(b) >= 2
                && hits(b).first() == Some(&"_posts/2009-09-27-infra-study-2.md")
                && b["facets"]["years"][0]["value"] == "2009"
        }),
        C::ok(s, search(&[("from", "2009-07-19"), ("to", "2009-07-19")]))
            .check("one day, inclusive", |b| hits(b) == [INFRA_STUDY]),
        C::ok(
            s,
            search(&[("q", "ＡＷＳ"), ("per_page", "1"), ("page", "2")]),
        )
        .check("page 2 of one hit each", |b| {
            b["page"] == 2 && b["per_page"] == 1 && hits(b).len() == 1 && total(b) > 1
        }),
        C::ok(s, search(&[("q", "金木犀 とうもろこし")]))
            .check("no post has both words: relaxed to any", |b| {
                b["relaxed"] == true && total(b) > 0
            }),
        C::ok(s, search(&[("q", "金木犀 とうもろこし"), ("match", "any")]))
            .check("match=any is not relaxed", |b| {
                b["relaxed"] == false && total(b) > 0
            }),
        C::ok(s, search(&[("q", "北海道富良野")])).check(
            "a run in no post: searched by its content words",
            |b| {
                b["split"] == json!([{"text": "北海道富良野", "words": ["北海道", "富良野"]}])
                    && b["relaxed"] == false
                    && hits(b) == ["_posts/2011-08-20-hokkaido-furano.md"]
            },
        ),
        C::ok(s, search(&[("q", "\"インフラ勉強会\" -KVM OR tag:infra")])),
        C::ok(s, search(&[("q", "XSS")])).check("titles come escaped", |b| {
            b["hits"][0]["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("&lt;script&gt;"))
        }),
        C::ok(s, search(&[("q", "zzzzqqqq xxxxyyyy")]))
            .check("nothing found", |b| total(b) == 0 && hits(b).is_empty()),
        C::ok(s, search(&[("page", "999999"), ("per_page", "100")]))
            .check("a page past the end is empty", |b| {
                hits(b).is_empty() && total(b) > 0
            }),
        C::ok(
            s,
            "/api/search?q=%FF%FE&tag=&category=&from=&to=&sort=&page=&per_page=%205%20&match=&x=1",
        )
        .check(
            "invalid UTF-8, empty values and unknown parameters pass; values are trimmed",
            |b| b["per_page"] == 5 && b["page"] == 1,
        ),
        C::error(s, search(&[("from", "2009/07")]), 400, "invalid_date"),
        C::error(s, search(&[("to", "2009-13")]), 400, "invalid_date"),
        C::error(s, search(&[("from", "2009-02-30")]), 400, "invalid_date"),
        C::error(s, search(&[("sort", "best")]), 400, "invalid_sort"),
        C::error(s, search(&[("match", "some")]), 400, "invalid_match"),
        C::error(s, search(&[("page", "0")]), 400, "invalid_page"),
        C::error(s, search(&[("page", "-1")]), 400, "invalid_page"),
        C::error(
            s,
            search(&[("page", "99999999999999999999999")]),
            400,
            "invalid_page",
        ),
        C::error(s, search(&[("per_page", "101")]), 400, "invalid_per_page"),
        C::error(s, search(&[("per_page", "abc")]), 400, "invalid_per_page"),
        // Browsing.
        C::ok("/api/tags", "/api/tags").check("tags, most used first", |b| {
            b.as_array().is_some_and(|tags| {
                tags.len() > 10
                    && tags
                        .windows(2)
                        .all(|w| w[0]["count"].as_u64() >= w[1]["count"].as_u64())
            })
        }),
        C::ok("/api/categories", "/api/categories")
            .check("categories", |b| b.as_array().is_some_and(|c| c.len() > 1)),
        C::ok("/api/archive", "/api/archive").check("years, newest first", |b| {
            b["years"].as_array().is_some_and(|years| {
                years.len() > 10
                    && years
                        .windows(2)
                        .all(|w| w[0]["year"].as_i64() > w[1]["year"].as_i64())
            })
        }),
        // Posts: encoded, bare, `%` in the file name, year directory, unknown.
        C::ok(p, post(INFRA_STUDY, "")).check("the post", |b| {
            b["id"] == INFRA_STUDY && b["metadata"]["layout"] == "post"
        }),
        C::ok(p, format!("/api/posts/{INFRA_STUDY}"))
            .check("a bare id is found too", |b| b["id"] == INFRA_STUDY),
        C::ok(p, post(KYOTO, "")).check("the `%` of the file name is part of the id", |b| {
            b["id"] == KYOTO && b["title"] == "京都で寺めぐり"
        }),
        C::ok(p, post(TEXTLINT, "")).check("a post in a year directory", |b| b["id"] == TEXTLINT),
        C::error(p, post("_posts/nothing.md", ""), 404, "not_found"),
        C::ok(r, post(INFRA_STUDY, "/related")).check("five others by default", |b| {
            b["id"] == INFRA_STUDY && hits(b).len() == 5 && !hits(b).contains(&INFRA_STUDY)
        }),
        C::ok(r, post(INFRA_STUDY, "/related?limit=2")).check("limit", |b| hits(b).len() == 2),
        C::ok(r, format!("/api/posts/{INFRA_STUDY}/related?limit="))
            .check("a bare id; an empty limit is the default", |b| {
                hits(b).len() == 5
            }),
        C::error(
            r,
            post(INFRA_STUDY, "/related?limit=0"),
            400,
            "invalid_limit",
        ),
        C::error(
            r,
            post(INFRA_STUDY, "/related?limit=101"),
            400,
            "invalid_limit",
        ),
        C::error(
            r,
            post(INFRA_STUDY, "/related?limit=abc"),
            400,
            "invalid_limit",
        ),
        C::error(r, post("_posts/nothing.md", "/related"), 404, "not_found"),
        // Probes and the document.
        C::ok("/healthz", "/healthz"),
        C::ok("/readyz", "/readyz"),
        C::ok("/openapi.json", "/openapi.json"),
        // Dates far from today are fine, however the index stores dates.
        C::ok(s, search(&[("from", "1000")])).check("every dated post", |b| total(b) > 10),
        C::ok(s, search(&[("from", "0000-01-01"), ("to", "9999")]))
            .check("every dated post", |b| total(b) > 10),
        C::ok(s, search(&[("from", "9999-12-31")])).check("no post", |b| total(b) == 0),
        C::ok(s, search(&[("to", "1600")])).check("no post", |b| total(b) == 0),
        // HEAD answers like GET, without a body.
        C::ok("/api/tags", "/api/tags").head(),
        C::ok("/healthz", "/healthz").head(),
        // Paths the API does not have, and methods it does not answer.
        C::other("NotFound", Method::GET, "/api/nothing", 404, "not_found"),
        C::other("NotFound", Method::POST, "/nothing", 404, "not_found"),
        C::other("NotFound", Method::GET, "/api/posts/", 404, "not_found"),
        C::other(
            "MethodNotAllowed",
            Method::POST,
            "/api/search?q=x",
            405,
            "method_not_allowed",
        ),
        C::other(
            "MethodNotAllowed",
            Method::DELETE,
            &post(INFRA_STUDY, ""),
            405,
            "method_not_allowed",
        ),
        C::other(
            "MethodNotAllowed",
            Method::PUT,
            "/healthz",
            405,
            "method_not_allowed",
        ),
        C::other(
            "MethodNotAllowed",
            Method::PATCH,
            "/openapi.json",
            405,
            "method_not_allowed",
        ),
        // The index is not open yet: everything that needs it says so.
        C::error("/readyz", "/readyz", 503, "not_ready").not_ready(),
        C::error(s, search(&[("q", "勉強会")]), 503, "not_ready").not_ready(),
        C::error(s, search(&[("page", "0")]), 400, "invalid_page").not_ready(),
        C::error("/api/tags", "/api/tags", 503, "not_ready").not_ready(),
        C::error("/api/categories", "/api/categories", 503, "not_ready").not_ready(),
        C::error("/api/archive", "/api/archive", 503, "not_ready").not_ready(),
        C::error(p, post(INFRA_STUDY, ""), 503, "not_ready").not_ready(),
        C::error(r, post(INFRA_STUDY, "/related"), 503, "not_ready").not_ready(),
        C::ok("/healthz", "/healthz").not_ready(),
    ]
}

/// Indexes the sample archive into `dir` and returns the index path.
fn sample_index(dir: &Path) -> TestResult<PathBuf> {
    let archive = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/sample-archive");
    let index = dir.join("index");
    let report = sagasu_indexer::index(&index, &[archive], &IndexOptions::default(), &|_| {})?;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    Ok(index)
}

/// Checks a response's headers against the ones its documented response declares.
fn check_headers(doc: &Value, declared: &Value, headers: &HeaderMap) -> TestResult<Vec<String>> {
    let mut problems = Vec::new();
    let Some(declared) = declared.get("headers").and_then(Value::as_object) else {
        return Ok(problems);
    };
    for (name, header) in declared {
        let header = resolve(doc, header)?;
        let required = header["required"] == true;
        let Some(value) = headers.get(name.as_str()) else {
            if required {
                problems.push(format!("required header {name} is missing"));
            }
            continue;
        };
        let value = value.to_str()?;
        let schema = resolve(doc, &header["schema"])?;
        let instance = if schema["type"] == "integer" {
            value
                .parse::<i64>()
                .map_or_else(|_| Value::from(value), Value::from)
        } else {
            Value::from(value)
        };
        for violation in violations(doc, schema, &instance)? {
            problems.push(format!("header {name}: {value:?} {violation}"));
        }
    }
    Ok(problems)
}

async fn send(
    router: &Router,
    method: Method,
    uri: &str,
) -> TestResult<(StatusCode, HeaderMap, Vec<u8>)> {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::empty())?;
    let response = router.clone().oneshot(request).await?;
    let (parts, body) = response.into_parts();
    let body = to_bytes(body, 16 << 20).await?;
    Ok((parts.status, parts.headers, body.to_vec()))
}

#[tokio::test]
async fn every_response_matches_the_document() -> TestResult {
    let doc = document()?;
    let dir = tempfile::tempdir()?;
    let index = sample_index(dir.path())?;
    let ready = AppState::new(ServerConfig::new(index.clone()));
    ready.open_index()?;
    let ready = app(ready);
    let not_ready = app(AppState::new(ServerConfig::new(index)));

    let cases = cases();
    assert!(cases.len() >= 25);
    let mut failures = Vec::new();
    let mut exercised: BTreeSet<(String, String)> = BTreeSet::new();
    for case in &cases {
        let router = if case.ready { &ready } else { &not_ready };
        let (status, headers, body) = send(router, case.method.clone(), &case.uri).await?;
        let mut problems = Vec::new();
        if status.as_u16() != case.status {
            problems.push(format!("status {status}, expected {}", case.status));
        }
        let declared = match case.documented {
            Documented::Operation(path) => {
                let operation = &doc["paths"][path]["get"];
                let declared = operation["responses"]
                    .get(status.as_str())
                    .ok_or_else(|| format!("{path}: status {status} is not documented"))?;
                if case.method == Method::GET {
                    exercised.insert((path.to_owned(), status.as_str().to_owned()));
                }
                resolve(&doc, declared)?
            }
            Documented::Response(name) => doc["components"]["responses"]
                .get(name)
                .ok_or_else(|| format!("no components/responses/{name}"))?,
        };
        problems.extend(check_headers(&doc, declared, &headers)?);
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .map(|value| value.to_str().unwrap_or_default())
            .unwrap_or_default();
        let media = declared["content"].get(content_type);
        let parsed: Option<Value> = serde_json::from_slice(&body).ok();
        match (media, &parsed) {
            _ if case.method == Method::HEAD => {
                if !body.is_empty() {
                    problems.push("HEAD answered with a body".to_owned());
                }
            }
            (None, _) => problems.push(format!("Content-Type {content_type:?} is not documented")),
            (Some(_), None) => problems.push("the body is not JSON".to_owned()),
            (Some(media), Some(body)) => {
                problems.extend(violations(&doc, &media["schema"], body)?);
                let code = body.pointer("/error/code").and_then(Value::as_str);
                if code != case.code {
                    problems.push(format!("error code {code:?}, expected {:?}", case.code));
                }
                if let Some((what, check)) = case.check
                    && !check(body)
                {
                    problems.push(format!("expected: {what}"));
                }
            }
        }
        if case.documented == Documented::Operation("/openapi.json") && body != DOCUMENT.as_bytes()
        {
            problems.push("/openapi.json does not serve crates/server/openapi.json".to_owned());
        }
        if !problems.is_empty() {
            let body = String::from_utf8_lossy(&body);
            let body: String = body.chars().take(600).collect();
            failures.push(format!(
                "{} {} (ready: {}):\n  - {}\n  body: {body}",
                case.method,
                case.uri,
                case.ready,
                problems.join("\n  - ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} responses do not match openapi.json:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );

    // Every operation, and every status it documents that a request can
    // produce here (not the 500s), was exercised.
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().ok_or("no paths")? {
        for (method, operation) in item.as_object().ok_or("path item")? {
            assert_eq!(method, "get", "{path}: only GET is served");
            for status in operation["responses"]
                .as_object()
                .ok_or("responses")?
                .keys()
            {
                if status != "500" && !exercised.contains(&(path.clone(), status.clone())) {
                    missing.push(format!("{method} {path} {status}"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "never exercised: {missing:?}");
    Ok(())
}

/// What the server makes of each value of each validated query parameter
/// must be what the document's parameter schema says: a value the schema
/// admits is accepted, any other is a `400`. (The index is not open, so an
/// accepted value answers `503 not_ready`: parameters are checked first.)
#[tokio::test]
async fn parameter_schemas_accept_what_the_server_accepts() -> TestResult {
    let doc = document()?;
    let dir = tempfile::tempdir()?;
    let router = app(AppState::new(ServerConfig::new(dir.path().join("index"))));
    let dates = [
        "2009",
        "2009-07",
        "2009-07-19",
        "0000",
        "9999-12-31",
        "2008-02-29",
        " 2009 ",
        "",
        "09",
        "2009-7",
        "2009-13",
        "2009-00",
        "2009-02-29",
        "2009-04-31",
        "2009/07",
        "20090719",
        "2009-07-19T00:00",
        "yesterday",
        "２００９",
    ];
    let numbers = [
        "1",
        "5",
        "100",
        "101",
        "0",
        "-1",
        "+1",
        "1.5",
        "1e2",
        "abc",
        "",
        " 7 ",
        "18446744073709551615",
        "99999999999999999999999",
    ];
    let table: &[(&str, &str, &[&str])] = &[
        ("/api/search", "from", &dates),
        ("/api/search", "to", &dates),
        ("/api/search", "page", &numbers),
        ("/api/search", "per_page", &numbers),
        (
            "/api/search",
            "sort",
            &[
                "relevance",
                "newest",
                "oldest",
                "",
                "best",
                "Newest",
                "random",
            ],
        ),
        (
            "/api/search",
            "match",
            &["all", "any", "", "some", "ALL", "none"],
        ),
        ("/api/posts/{id}/related", "limit", &numbers),
    ];
    let mut problems = Vec::new();
    for (path, name, values) in table {
        let operation = &doc["paths"][*path]["get"];
        let mut parameter = None;
        for candidate in operation["parameters"].as_array().ok_or("parameters")? {
            let candidate = resolve(&doc, candidate)?;
            if candidate["name"] == *name {
                parameter = Some(candidate);
            }
        }
        let parameter = parameter.ok_or_else(|| format!("{path}: no parameter {name}"))?;
        let schema = resolve(&doc, &parameter["schema"])?;
        let validator = validator(&doc, schema)?;
        for value in *values {
            // Values are trimmed; an integer parameter's value is the number
            // its decimal digits spell, anything else a string.
            let trimmed = value.trim();
            let instance = match schema["type"].as_str() {
                Some("integer") => trimmed
                    .parse::<i64>()
                    .map(Value::from)
                    .or_else(|_| trimmed.parse::<u64>().map(Value::from))
                    .unwrap_or_else(|_| Value::from(trimmed)),
                _ => Value::from(trimmed),
            };
            let documented = (trimmed.is_empty() && parameter["allowEmptyValue"] == true)
                || validator.is_valid(&instance);
            let query = form_urlencoded::Serializer::new(String::new())
                .append_pair(name, value)
                .finish();
            let uri = match *path {
                "/api/posts/{id}/related" => post(INFRA_STUDY, &format!("/related?{query}")),
                _ => format!("{path}?{query}"),
            };
            let (status, _, _) = send(&router, Method::GET, &uri).await?;
            let accepted = status == StatusCode::SERVICE_UNAVAILABLE;
            if accepted != documented || !(accepted || status == StatusCode::BAD_REQUEST) {
                problems.push(format!(
                    "{name}={value:?}: the document {} it, the server answers {status}",
                    if documented { "admits" } else { "rejects" },
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(())
}

#[test]
fn the_routes_are_the_documented_paths() -> TestResult {
    let doc = document()?;
    // The routes registered in src/routes.rs are the ones listed here.
    let registered: BTreeSet<&str> = ROUTES_SOURCE
        .split(".route(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let listed: BTreeSet<&str> = ROUTES.iter().map(|(route, _)| *route).collect();
    assert_eq!(
        registered, listed,
        "src/routes.rs changed: update ROUTES and openapi.json"
    );
    // ... and serve exactly the documented paths, each with GET only.
    let served: BTreeSet<&str> = ROUTES
        .iter()
        .flat_map(|(_, paths)| paths.iter().copied())
        .collect();
    let paths = doc["paths"].as_object().ok_or("no paths")?;
    let documented: BTreeSet<&str> = paths.keys().map(String::as_str).collect();
    assert_eq!(served, documented);
    for (path, item) in paths {
        let methods: Vec<&String> = item.as_object().ok_or("path item")?.keys().collect();
        assert_eq!(methods, ["get"], "{path}");
    }
    Ok(())
}

#[test]
fn the_document_is_openapi_3_1_and_consistent() -> TestResult {
    let doc = document()?;
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        doc["jsonSchemaDialect"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let schemas = doc["components"]["schemas"]
        .as_object()
        .ok_or("no components/schemas")?;

    // Every schema compiles as 2020-12, every property is described, and
    // response objects are closed and require every property.
    let open_objects = ["OpenApiDocument"];
    let mut problems = Vec::new();
    for (name, schema) in schemas {
        validator(&doc, schema)?;
        if schema.get("description").is_none() {
            problems.push(format!("{name}: no description"));
        }
        check_object(
            name,
            schema,
            !open_objects.contains(&name.as_str()),
            &mut problems,
        );
    }

    // Every operation has an id; every parameter and response is described.
    let mut ids = BTreeSet::new();
    let mut examples: BTreeMap<String, (Value, Value)> = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().ok_or("no paths")? {
        for (method, operation) in item.as_object().ok_or("path item")? {
            let here = format!("{method} {path}");
            let id = operation["operationId"]
                .as_str()
                .ok_or_else(|| format!("{here}: no operationId"))?;
            assert!(ids.insert(id.to_owned()), "{here}: operationId {id} twice");
            for key in ["summary", "description"] {
                if operation.get(key).is_none() {
                    problems.push(format!("{here}: no {key}"));
                }
            }
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let parameter = resolve(&doc, parameter)?;
                let name = format!("{here} parameter {}", parameter["name"]);
                if parameter.get("description").is_none() {
                    problems.push(format!("{name}: no description"));
                }
                collect_examples(&name, parameter, &mut examples);
            }
            for (status, response) in operation["responses"].as_object().ok_or("responses")? {
                let response = resolve(&doc, response)?;
                let name = format!("{here} {status}");
                if response.get("description").is_none() {
                    problems.push(format!("{name}: no description"));
                }
                let content = response["content"]
                    .as_object()
                    .ok_or_else(|| format!("{name}: no content"))?;
                assert_eq!(
                    content.keys().collect::<Vec<_>>(),
                    ["application/json"],
                    "{name}"
                );
                for (media_type, media) in content {
                    collect_examples(&format!("{name} {media_type}"), media, &mut examples);
                }
            }
        }
    }
    for (name, schema) in schemas {
        for (i, example) in schema["examples"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            examples.insert(
                format!("schema {name} example {i}"),
                (schema.clone(), example.clone()),
            );
        }
    }

    // Every example is valid.
    assert!(examples.len() > 20, "{}", examples.len());
    for (name, (schema, example)) in &examples {
        for violation in violations(&doc, schema, example)? {
            problems.push(format!("{name}: {violation}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(())
}

/// Checks an object schema (and the objects nested in it): every property
/// described, and, when `closed`, no other property allowed and every one required.
fn check_object(name: &str, schema: &Value, closed: bool, problems: &mut Vec<String>) {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    if schema["type"] != "object" {
        // A refinement of another schema (`allOf`), not an object of its own.
        return;
    }
    if closed {
        if schema["additionalProperties"] != false {
            problems.push(format!("{name}: additionalProperties is not false"));
        }
        let required: BTreeSet<&str> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let all: BTreeSet<&str> = properties.keys().map(String::as_str).collect();
        if required != all {
            problems.push(format!("{name}: required {required:?}, properties {all:?}"));
        }
    }
    for (property, schema) in properties {
        let here = format!("{name}.{property}");
        if schema.get("description").is_none() {
            problems.push(format!("{here}: no description"));
        }
        check_object(&here, schema, closed, problems);
        if let Some(items) = schema.get("items") {
            check_object(&format!("{here}[]"), items, closed, problems);
        }
    }
}

/// Collects the `example` / `examples` of a parameter or media type, with its schema.
fn collect_examples(name: &str, object: &Value, into: &mut BTreeMap<String, (Value, Value)>) {
    let schema = object["schema"].clone();
    if let Some(example) = object.get("example") {
        into.insert(format!("{name} example"), (schema.clone(), example.clone()));
    }
    for (key, example) in object["examples"].as_object().into_iter().flatten() {
        into.insert(
            format!("{name} examples.{key}"),
            (schema.clone(), example["value"].clone()),
        );
    }
}
