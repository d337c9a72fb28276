//! What the server has done, for Prometheus: `GET /metrics` in the text
//! format (OpenMetrics 1.0, which Prometheus scrapes natively), written by
//! [`prometheus_client`].
//!
//! | metric | type | what |
//! |---|---|---|
//! | `sagasu_http_requests_total{route, status}` | counter | requests answered, by route and status |
//! | `sagasu_http_request_duration_seconds{route}` | histogram | time to answer, by route |
//! | `sagasu_searches_running` | gauge | searches running now (at most `--max-concurrent`) |
//! | `sagasu_searches_queued` | gauge | searches waiting for one of those (at most `--max-queued`) |
//! | `sagasu_searches_shed_total` | counter | searches turned away with `503 overloaded` |
//! | `sagasu_cache_hits_total`, `sagasu_cache_misses_total` | counter | searches answered from the result cache (or by an identical search in flight), and run |
//! | `sagasu_index_ready` | gauge | 1 once the index is open |
//! | `sagasu_index_commit` | gauge | the opstamp of the commit searched: the same on every replica serving one published index |
//! | `sagasu_index_posts` | gauge | posts searched |
//! | `sagasu_index_last_reload_timestamp_seconds` | gauge | when the commit file was last loaded (Unix time) |
//! | `sagasu_index_reload_failures_total` | counter | commits that could not be loaded (their files not all there yet) |
//! | `sagasu_index_reload_error_info{error}` | gauge | 1, with the reason, while the last load failed; absent otherwise |
//!
//! Routes are the API's paths with `{id}` for a post (`/api/posts/{id}`),
//! `/widget` for the widget's files and `other` for the rest, so the number
//! of series stays fixed whatever clients ask for.

use std::time::{Duration, UNIX_EPOCH};

use axum::Router;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::{encode_eof, encode_registry};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::routes::{method_not_allowed, not_found};
use crate::{AppState, Error};

/// The `Content-Type` of `/metrics`.
pub const METRICS_CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Latency buckets, in seconds: a cached answer takes well under a
/// millisecond, the request time limit is 10 s.
const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Longest reload error given as a label.
const ERROR_LABEL_CHARS: usize = 200;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: &'static str,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ErrorLabels {
    error: String,
}

/// The counters the server keeps; gauges are read at each scrape.
#[derive(Debug)]
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    shed: Counter,
    cache_hits: Counter,
    cache_misses: Counter,
}

impl Metrics {
    pub(crate) fn new() -> Self {
        let mut registry = Registry::with_prefix("sagasu");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "Requests answered, by route and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(
            (|| Histogram::new(LATENCY_BUCKETS)) as fn() -> Histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by route",
            latency.clone(),
        );
        let shed = Counter::default();
        registry.register(
            "searches_shed",
            "Searches turned away at once with 503 because the queue was full",
            shed.clone(),
        );
        let cache_hits = Counter::default();
        registry.register(
            "cache_hits",
            "Searches answered from the result cache or by an identical search in flight",
            cache_hits.clone(),
        );
        let cache_misses = Counter::default();
        registry.register(
            "cache_misses",
            "Searches run because no answer was cached",
            cache_misses.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            shed,
            cache_hits,
            cache_misses,
        }
    }

    /// One request answered with `status` after `took`.
    pub(crate) fn request(&self, path: &str, status: u16, took: Duration) {
        let route = route(path);
        self.requests
            .get_or_create(&RequestLabels { route, status })
            .inc();
        self.latency
            .get_or_create(&RouteLabels { route })
            .observe(took.as_secs_f64());
    }

    pub(crate) fn shed(&self) {
        self.shed.inc();
    }

    pub(crate) fn cache(&self, hit: bool) {
        if hit {
            self.cache_hits.inc();
        } else {
            self.cache_misses.inc();
        }
    }
}

/// The route label of a request to `path`: one of a fixed few.
fn route(path: &str) -> &'static str {
    match path {
        "/api/search" => "/api/search",
        "/api/tags" => "/api/tags",
        "/api/categories" => "/api/categories",
        "/api/archive" => "/api/archive",
        "/openapi.json" => "/openapi.json",
        "/healthz" => "/healthz",
        "/readyz" => "/readyz",
        "/" => "/",
        "/metrics" => "/metrics",
        _ if path.starts_with("/api/posts/") && path.ends_with("/related") => {
            "/api/posts/{id}/related"
        }
        _ if path.starts_with("/api/posts/") => "/api/posts/{id}",
        _ if path.starts_with("/widget.") => "/widget",
        _ => "other",
    }
}

/// The router of `GET /metrics` (Prometheus text), for an address of its own
/// (`--metrics-addr`): not part of the public API, with no CORS headers.
pub fn metrics_app(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(CompressionLayer::new())
}

async fn metrics(State(state): State<AppState>) -> Response {
    match render(&state) {
        Ok(text) => (
            [(CONTENT_TYPE, HeaderValue::from_static(METRICS_CONTENT_TYPE))],
            text,
        )
            .into_response(),
        Err(_) => Error::Task.into_response(),
    }
}

/// The metrics text: the counters, then the gauges read from `state` now.
pub(crate) fn render(state: &AppState) -> Result<String, std::fmt::Error> {
    let mut live = Registry::with_prefix("sagasu");
    let (running, queued) = state.search_load();
    live.register(
        "searches_running",
        "Searches running now",
        ConstGauge::new(running),
    );
    live.register(
        "searches_queued",
        "Searches waiting for a free search slot",
        ConstGauge::new(queued),
    );
    let searcher = state.searcher();
    live.register(
        "index_ready",
        "1 once the index is open",
        ConstGauge::new(i64::from(searcher.is_some())),
    );
    if let Some(searcher) = searcher {
        let reloads = searcher.reloads();
        live.register(
            "index_commit",
            "Opstamp of the index commit searched (the same on every copy of one commit)",
            ConstGauge::new(i64::try_from(reloads.commit).unwrap_or(i64::MAX)),
        );
        live.register(
            "index_posts",
            "Posts searched",
            ConstGauge::new(i64::try_from(searcher.num_posts()).unwrap_or(i64::MAX)),
        );
        let loaded = reloads
            .last_loaded
            .and_then(|at| at.duration_since(UNIX_EPOCH).ok())
            .unwrap_or_default();
        live.register(
            "index_last_reload_timestamp_seconds",
            "When the index's commit file was last loaded (Unix time)",
            ConstGauge::new(loaded.as_secs_f64()),
        );
        live.register(
            "index_reload_failures",
            "Commits that could not be loaded (their files not all there yet); the one before kept serving",
            ConstCounter::new(reloads.failed),
        );
        if let Some(error) = reloads.last_error {
            let errors = Family::<ErrorLabels, prometheus_client::metrics::gauge::Gauge>::default();
            errors
                .get_or_create(&ErrorLabels {
                    error: error.chars().take(ERROR_LABEL_CHARS).collect(),
                })
                .set(1);
            live.register(
                "index_reload_error_info",
                "1, with the reason, while the last load of a commit failed",
                errors,
            );
        }
    }
    let mut text = String::new();
    encode_registry(&mut text, &state.metrics().registry)?;
    encode_registry(&mut text, &live)?;
    encode_eof(&mut text)?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_a_fixed_few() {
        for (path, expected) in [
            ("/api/search", "/api/search"),
            ("/api/posts/_posts%2Fa.md", "/api/posts/{id}"),
            ("/api/posts/_posts/a.md/related", "/api/posts/{id}/related"),
            ("/widget.0123abcd.js", "/widget"),
            ("/widget.css", "/widget"),
            ("/wp-login.php", "other"),
            ("/api/search/", "other"),
        ] {
            assert_eq!(route(path), expected, "{path}");
        }
    }
}
