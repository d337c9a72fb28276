//! The sagasu query server: the read side of an index over HTTP, for the
//! search widget on a blog's pages and for anything else that speaks JSON.
//!
//! | endpoint | answers |
//! |---|---|
//! | `GET /api/search` | a page of results with snippets and facets ([`json::SearchResponse`]) |
//! | `GET /api/tags`, `GET /api/categories` | `[{value, count}]` over the whole archive |
//! | `GET /api/archive` | post counts per year and month |
//! | `GET /api/posts/{id}` | one post's stored fields |
//! | `GET /api/posts/{id}/related` | the posts most like it |
//! | `GET /openapi.json` | the OpenAPI 3.1 description of all of the above |
//! | `GET /healthz`, `GET /readyz` | liveness; readiness (200 once the index is open) |
//! | `GET /widget.js`, `GET /widget.css` | the embeddable search widget, also under content-hashed names |
//! | `GET /` | a demo blog page with the widget, searching this index |
//!
//! [`metrics_app`] serves `GET /metrics` for Prometheus (requests, latency,
//! the search queue, the cache, the index's commit), for an address of its
//! own: it is not part of the public API.
//!
//! The [`json`] module turns the search library's plain-text answers into
//! these documents, escaped for HTML. Errors are `{"error": {"code",
//! "message"}}` ([`Error`]). Searches run on
//! blocking threads, at most [`ServerConfig::max_concurrent`] at once (one
//! per core by default: more would only share the cores); the next
//! [`ServerConfig::max_queued`] wait their turn in arrival order, and past
//! those the server answers `503` with `Retry-After` at once, so a traffic
//! spike cannot exhaust memory. A request that times out while waiting
//! leaves the queue without costing a search.
//!
//! ```no_run
//! use sagasu_server::{AppState, ServerConfig, app, serve};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let state = AppState::new(ServerConfig::new("index".into()));
//! state.open_index()?;
//! let connections = state.config().connections.clone();
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! serve(listener, app(state), connections, std::future::pending()).await?;
//! # Ok(())
//! # }
//! ```

mod cache;
mod client;
mod connections;
mod cors;
mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod json;
mod metrics;
mod params;
mod routes;
mod watch;
mod widget;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sagasu_search::{Deadline, SearchOptions, SearchRequest, SearchResponse, Searcher};
use tokio::sync::Semaphore;
use tokio::time::Instant;

use crate::cache::ResultCache;
use crate::metrics::Metrics;

pub use client::TrustedProxy;
pub use connections::{Connections, serve};
pub use cors::normalize_origin;
pub use error::{Error, RETRY_AFTER_SECONDS};
pub use metrics::{METRICS_CONTENT_TYPE, metrics_app};
pub use routes::app;
pub use watch::{Watcher, watch};
pub use widget::{SCRIPT as WIDGET_SCRIPT, STYLE as WIDGET_STYLE};

/// The longest request target (path and query) accepted, in bytes: a
/// query at its length limit, percent-encoded, fits with room to spare.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// The most request header bytes (names and values) accepted.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// The most request headers accepted.
pub const MAX_HEADERS: usize = 100;

/// Server settings, as values: the CLI turns flags into these.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The index to serve.
    pub index: PathBuf,
    /// Origins allowed to call the API from a browser, as browsers send
    /// them ([`normalize_origin`]); empty allows any.
    pub cors_origins: Vec<String>,
    /// Searches that may run at once (at least 1).
    pub max_concurrent: usize,
    /// Searches that may wait for one of those, first come first served;
    /// more get `503` immediately.
    pub max_queued: usize,
    /// Longest time a request may take before it is answered with `503`;
    /// its search is stopped then.
    pub request_timeout: Duration,
    /// Largest request body accepted (the API takes none).
    pub max_body_bytes: usize,
    /// Search results kept for repeated identical requests, until the next
    /// index commit (0 disables the cache).
    pub cache_entries: usize,
    /// Proxies whose `Forwarded` / `X-Forwarded-For` headers give the
    /// client's address in the log; empty believes none (the peer's address
    /// is logged).
    pub trusted_proxies: Vec<TrustedProxy>,
    /// Synonyms and the user dictionary the index was built with.
    pub search: SearchOptions,
    /// Limits of the connections [`serve`] accepts.
    pub connections: Connections,
}

impl ServerConfig {
    /// The default of [`ServerConfig::max_queued`].
    pub const DEFAULT_MAX_QUEUED: usize = 1024;

    /// Defaults for the index at `index`.
    pub fn new(index: PathBuf) -> Self {
        Self {
            index,
            cors_origins: Vec::new(),
            max_concurrent: std::thread::available_parallelism().map_or(1, usize::from),
            max_queued: Self::DEFAULT_MAX_QUEUED,
            request_timeout: Duration::from_secs(10),
            max_body_bytes: 16 * 1024,
            cache_entries: 256,
            trusted_proxies: Vec::new(),
            search: SearchOptions::default(),
            connections: Connections::default(),
        }
    }
}

/// Shared server state: the settings, the searcher once the index is open,
/// and the search permits and queue places. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: ServerConfig,
    searcher: OnceLock<Arc<Searcher>>,
    /// One per search allowed to run.
    running: Arc<Semaphore>,
    /// One per search allowed to run or wait.
    admitted: Arc<Semaphore>,
    /// The permits of `running` and `admitted`.
    permits: (usize, usize),
    cache: ResultCache,
    metrics: Metrics,
}

impl AppState {
    /// State for `config`; the index is not open yet (`/readyz` says 503).
    pub fn new(config: ServerConfig) -> Self {
        let running = config.max_concurrent.max(1);
        let admitted = running.saturating_add(config.max_queued);
        let cache = ResultCache::new(config.cache_entries);
        Self {
            inner: Arc::new(Inner {
                config,
                searcher: OnceLock::new(),
                running: Arc::new(Semaphore::new(running)),
                admitted: Arc::new(Semaphore::new(admitted)),
                permits: (running, admitted),
                cache,
                metrics: Metrics::new(),
            }),
        }
    }

    /// Opens the configured index (blocking). From then on the server is
    /// ready, and it follows the index's new commits by itself.
    pub fn open_index(&self) -> Result<(), sagasu_search::Error> {
        if self.inner.searcher.get().is_none() {
            let config = &self.inner.config;
            let searcher = Searcher::open_with(&config.index, config.search.clone())?;
            // A concurrent open may have won; either searcher is the same index.
            let _ = self.inner.searcher.set(Arc::new(searcher));
        }
        Ok(())
    }

    /// Whether the index is open.
    pub fn is_ready(&self) -> bool {
        self.inner.searcher.get().is_some()
    }

    /// The settings.
    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    /// The searcher, once the index is open.
    pub(crate) fn searcher(&self) -> Option<&Arc<Searcher>> {
        self.inner.searcher.get()
    }

    pub(crate) fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Searches running now, and searches waiting for a permit.
    pub(crate) fn search_load(&self) -> (i64, i64) {
        let (running, admitted) = self.inner.permits;
        let running = running.saturating_sub(self.inner.running.available_permits());
        let admitted = admitted.saturating_sub(self.inner.admitted.available_permits());
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        (count(running), count(admitted.saturating_sub(running)))
    }

    /// Answers a search, from the result cache when the same request was
    /// answered on the current index generation, or with the result of the
    /// same search already running.
    pub(crate) async fn search(
        &self,
        request: SearchRequest,
    ) -> Result<Arc<SearchResponse>, Error> {
        let searcher = self.inner.searcher.get().ok_or(Error::NotReady)?;
        let slot = self.inner.cache.slot(searcher.generation(), &request);
        let deadline = self.deadline();
        let mut ran = false;
        let answer = slot.get_or_try_init(|| {
            ran = true;
            self.run_until(deadline, move |searcher, deadline| {
                Ok(Arc::new(searcher.search_within(&request, deadline)?))
            })
        });
        // Waiting for another request's search counts against this one's time.
        let response = tokio::time::timeout_at(deadline, answer)
            .await
            .map_err(|_| Error::Timeout)??;
        self.inner.metrics.cache(!ran);
        Ok(Arc::clone(response))
    }

    /// Runs `work` on a blocking thread once a search permit is free,
    /// waiting in line for it; fails at once when the line is full, and
    /// with [`Error::Timeout`] at the request timeout, waiting or running.
    pub(crate) async fn run<T, F>(&self, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&Searcher) -> Result<T, Error> + Send + 'static,
    {
        self.run_until(self.deadline(), |searcher, _| work(searcher))
            .await
    }

    /// When a request that starts now must be answered.
    fn deadline(&self) -> Instant {
        let now = Instant::now();
        now.checked_add(self.inner.config.request_timeout)
            .unwrap_or(now)
    }

    /// [`AppState::run`] until `deadline`, which `work` is given to stop at.
    async fn run_until<T, F>(&self, deadline: Instant, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&Searcher, Deadline) -> Result<T, Error> + Send + 'static,
    {
        let searcher = Arc::clone(self.inner.searcher.get().ok_or(Error::NotReady)?);
        let admission = Arc::clone(&self.inner.admitted)
            .try_acquire_owned()
            .map_err(|_| {
                self.inner.metrics.shed();
                Error::Overloaded
            })?;
        let running = async {
            // Tokio's semaphore is fair: waiting searches run in arrival
            // order. It is never closed, so waiting cannot fail.
            let permit = Arc::clone(&self.inner.running)
                .acquire_owned()
                .await
                .map_err(|_| Error::Task)?;
            let stop = Deadline::at(deadline.into_std());
            tokio::task::spawn_blocking(move || {
                let result = work(&searcher, stop);
                drop((permit, admission));
                result
            })
            .await
            .map_err(|_| Error::Task)?
        };
        tokio::time::timeout_at(deadline, running)
            .await
            .map_err(|_| Error::Timeout)?
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use axum::body::Body;
    use axum::http::{Request, StatusCode, header};
    use tower::ServiceExt;

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[tokio::test]
    async fn searches_wait_their_turn_and_past_the_queue_get_503_at_once() -> TestResult {
        let dir = tempfile::tempdir()?;
        let archive = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/sample-archive");
        sagasu_indexer::index(
            dir.path(),
            &[archive],
            &sagasu_indexer::IndexOptions::default(),
            &|_| {},
        )?;
        let mut config = ServerConfig::new(dir.path().to_path_buf());
        config.max_concurrent = 1;
        config.max_queued = 1;
        let state = AppState::new(config);
        state.open_index()?;
        let request =
            || Request::get("/api/search?q=%E5%8B%89%E5%BC%B7%E4%BC%9A").body(Body::empty());

        // The one permit taken, as by a search in flight: the next search
        // waits in the queue's one place.
        let in_flight = (
            Arc::clone(&state.inner.admitted).acquire_owned().await?,
            Arc::clone(&state.inner.running).acquire_owned().await?,
        );
        let queued = tokio::spawn(app(state.clone()).oneshot(request()?));
        while state.inner.admitted.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        assert!(!queued.is_finished(), "a queued search waits for a permit");
        let metrics = metrics::render(&state)?;
        for sample in ["sagasu_searches_running 1\n", "sagasu_searches_queued 1\n"] {
            assert!(metrics.contains(sample), "{sample} in {metrics}");
        }

        // With the queue full, the next search is turned away at once (the
        // same search would wait for the queued one's answer instead).
        let other = Request::get("/api/search?q=%E3%82%B5%E3%83%BC%E3%83%90").body(Body::empty())?;
        let response = app(state.clone()).oneshot(other).await?;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        let header_text = |name| response.headers().get(name).and_then(|v| v.to_str().ok());
        assert_eq!(
            header_text(header::RETRY_AFTER),
            Some(RETRY_AFTER_SECONDS.to_string().as_str())
        );
        assert_eq!(header_text(header::CACHE_CONTROL), Some("no-store"));
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
        let body: serde_json::Value = serde_json::from_slice(&body)?;
        assert_eq!(body["error"]["code"], "overloaded");
        let metrics = metrics::render(&state)?;
        assert!(
            metrics.contains("sagasu_searches_shed_total 1\n"),
            "{metrics}"
        );

        // The search in flight ends: the queued one runs, then new ones.
        drop(in_flight);
        assert_eq!(queued.await??.status(), StatusCode::OK);
        let response = app(state).oneshot(request()?).await?;
        assert_eq!(response.status(), StatusCode::OK);
        Ok(())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn identical_searches_in_flight_run_once() -> TestResult {
        const REQUESTS: usize = 32;
        let dir = tempfile::tempdir()?;
        let archive = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/sample-archive");
        let options = sagasu_indexer::IndexOptions::default();
        sagasu_indexer::index(dir.path(), &[archive], &options, &|_| {})?;
        let mut config = ServerConfig::new(dir.path().to_path_buf());
        // Room for one search to run and none to wait: each search run
        // past the first would be turned away with 503.
        config.max_concurrent = 1;
        config.max_queued = 0;
        let state = AppState::new(config);
        state.open_index()?;

        // The permit taken, as by a search in flight, so that the requests
        // all arrive while theirs waits for it.
        let running = Arc::clone(&state.inner.running).acquire_owned().await?;
        let requests: Vec<_> = (0..REQUESTS)
            .map(|_| {
                let state = state.clone();
                tokio::spawn(async move { state.search(SearchRequest::new("勉強会")).await })
            })
            .collect();
        while state.inner.admitted.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        drop(running);
        let mut answers = Vec::new();
        for request in requests {
            answers.push(request.await??);
        }
        assert!(
            answers
                .iter()
                .all(|answer| Arc::ptr_eq(answer, &answers[0])),
            "every request got the one search's answer"
        );
        Ok(())
    }

    #[tokio::test]
    async fn repeated_searches_come_from_the_cache_until_the_next_commit() -> TestResult {
        let dir = tempfile::tempdir()?;
        let (archive, index) = (dir.path().join("posts"), dir.path().join("index"));
        std::fs::create_dir_all(&archive)?;
        let post = |name: &str, body: &str| {
            std::fs::write(
                archive.join(name),
                format!("---\ntitle: {name}\n---\n{body}\n"),
            )
        };
        post("2020-01-01-a.md", "勉強会に行った。")?;
        let options = sagasu_indexer::IndexOptions::default();
        sagasu_indexer::index(&index, std::slice::from_ref(&archive), &options, &|_| {})?;
        let state = AppState::new(ServerConfig::new(index.clone()));
        state.open_index()?;
        let request = SearchRequest::new("勉強会");

        let first = state.search(request.clone()).await?;
        let second = state.search(request.clone()).await?;
        assert!(
            Arc::ptr_eq(&first, &second),
            "the second answer is the cached one"
        );
        assert_eq!(first.total, 1);

        post("2020-01-02-b.md", "勉強会を開いた。")?;
        sagasu_indexer::index(&index, &[archive], &options, &|_| {})?;
        // The reader picks the commit up by itself (bounded wait).
        let mut fresh = state.search(request.clone()).await?;
        for _ in 0..100 {
            if fresh.total == 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            fresh = state.search(request.clone()).await?;
        }
        assert_eq!(fresh.total, 2, "a new commit is not served from the cache");
        Ok(())
    }
}
