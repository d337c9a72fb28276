//! The router: endpoints, and the layers every response goes through.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, RawQuery, Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderValue, Method, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use percent_encoding::percent_decode_str;
use serde_json::json;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::client::client_address;
use crate::cors::{OriginCheck, warn_refused};
use crate::{AppState, Error, MAX_HEADER_BYTES, MAX_HEADERS, MAX_URI_BYTES, json, params};

/// The OpenAPI 3.1 description of this API, served at `/openapi.json`.
pub(crate) const OPENAPI: &str = include_str!("../openapi.json");

/// Results may be cached briefly: new commits show up within seconds, and a
/// burst of identical requests (a post going viral) can be served by a cache.
const API_CACHE: &str = "public, max-age=5";

/// Builds the router for `state`.
pub fn app(state: AppState) -> Router {
    let config = state.config().clone();
    let observed = state.clone();
    let api = Router::new()
        .route("/api/search", get(search))
        .route("/api/tags", get(tags))
        .route("/api/categories", get(categories))
        .route("/api/archive", get(archive))
        .route("/api/posts/{*id}", get(post_or_related))
        .layer(SetResponseHeaderLayer::if_not_present(
            CACHE_CONTROL,
            HeaderValue::from_static(API_CACHE),
        ));
    let probes = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    let cors = CorsLayer::new()
        .allow_methods([Method::GET, Method::HEAD])
        .allow_origin(if config.cors_origins.is_empty() {
            AllowOrigin::any()
        } else {
            AllowOrigin::list(
                config
                    .cors_origins
                    .iter()
                    .filter_map(|origin| HeaderValue::from_str(origin).ok()),
            )
        });
    Router::new()
        .merge(api)
        .merge(probes)
        .route("/openapi.json", get(openapi))
        // The widget and the demo page: not part of the API (nor of openapi.json).
        .merge(crate::widget::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        // Inside CORS, so that these errors carry its headers too.
        .layer(middleware::from_fn_with_state(
            config.max_body_bytes,
            within_limits,
        ))
        .layer(cors)
        // Outside CORS, which answers refused preflights by itself.
        .layer(middleware::from_fn_with_state(
            OriginCheck::new(config.cors_origins.clone()),
            warn_refused,
        ))
        // Outside CORS, so that preflight answers carry it too.
        .layer(SetResponseHeaderLayer::overriding(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(observed, log_request))
}

/// Refuses, in JSON, requests past the size limits: the target
/// ([`MAX_URI_BYTES`]), the headers ([`MAX_HEADERS`], [`MAX_HEADER_BYTES`])
/// and the body (`max_body`, by its declared length: no endpoint reads a
/// body, so one sent without a length is never read).
async fn within_limits(
    State(max_body): State<usize>,
    request: Request,
    next: Next,
) -> Result<Response, Error> {
    let uri = request.uri();
    let target = uri
        .path_and_query()
        .map_or(uri.path().len(), |target| target.as_str().len());
    if target > MAX_URI_BYTES {
        return Err(Error::UriTooLong);
    }
    let headers = request.headers();
    let header_bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if headers.len() > MAX_HEADERS || header_bytes > MAX_HEADER_BYTES {
        return Err(Error::HeadersTooLarge);
    }
    let body = headers
        .get(CONTENT_LENGTH)
        .and_then(|length| length.to_str().ok()?.parse::<u64>().ok());
    if body.is_some_and(|length| length > max_body as u64) {
        return Err(Error::BodyTooLarge(max_body));
    }
    Ok(next.run(request).await)
}

/// One log line per request (method, path, status, latency, and the
/// client's address: see [`crate::TrustedProxy`]), and the request's metrics.
async fn log_request(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    // Known when served by `serve` (not in `oneshot` tests).
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| {
            client_address(
                peer.ip(),
                request.headers(),
                &state.config().trusted_proxies,
            )
        });
    let response = next.run(request).await;
    let took = started.elapsed();
    let status = response.status().as_u16();
    state.metrics().request(&path, status, took);
    tracing::info!(
        %method,
        %path,
        status,
        latency_ms = took.as_secs_f64() * 1000.0,
        client = %client.map_or_else(|| "-".to_owned(), |client| client.to_string()),
        "request"
    );
    response
}

async fn search(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, Error> {
    let started = Instant::now();
    let request = params::search_request(query.as_deref())?;
    let answer = state.search(request).await?;
    // An answer from the cache, or shared with an identical request, took
    // this request less time than its search did.
    let took_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let mut response = json::SearchResponse::from(answer.as_ref());
    response.took_ms = took_ms;
    Ok(Json(response).into_response())
}

async fn tags(State(state): State<AppState>) -> Result<Response, Error> {
    let tags = state.run(|searcher| Ok(searcher.tags()?)).await?;
    Ok(Json(json::facet_counts(&tags)).into_response())
}

async fn categories(State(state): State<AppState>) -> Result<Response, Error> {
    let categories = state.run(|searcher| Ok(searcher.categories()?)).await?;
    Ok(Json(json::facet_counts(&categories)).into_response())
}

async fn archive(State(state): State<AppState>) -> Result<Response, Error> {
    let archive = state.run(|searcher| Ok(searcher.archive()?)).await?;
    Ok(Json(archive).into_response())
}

/// `/api/posts/{id}` and `/api/posts/{id}/related`. Ids are paths with
/// slashes (`_posts/2009-07-11-hbstudy-1.md`); a client should
/// percent-encode the id, but an id sent as is is found too.
async fn post_or_related(
    State(state): State<AppState>,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Result<Response, Error> {
    let raw = uri.path().strip_prefix("/api/posts/").unwrap_or_default();
    let (raw_id, related) = match raw.strip_suffix("/related") {
        Some(id) => (id, true),
        None => (raw, false),
    };
    let mut candidates = vec![percent_decode_str(raw_id).decode_utf8_lossy().into_owned()];
    if candidates[0] != raw_id {
        candidates.push(raw_id.to_owned());
    }
    let not_found = || Error::NotFound(format!("no post with id {:?}", candidates[0]));
    if related {
        let limit = params::related_limit(query.as_deref())?;
        let ids = candidates.clone();
        let found = state
            .run(move |searcher| {
                for id in &ids {
                    if let Some(related) = searcher.related(id, limit)? {
                        return Ok(Some(related));
                    }
                }
                Ok(None)
            })
            .await?;
        return found
            .map(|related| Json(json::Related::from(&related)).into_response())
            .ok_or_else(not_found);
    }
    let ids = candidates.clone();
    let found = state
        .run(move |searcher| {
            for id in &ids {
                if let Some(post) = searcher.post(id)? {
                    return Ok(Some(post));
                }
            }
            Ok(None)
        })
        .await?;
    found
        .map(|post| Json(json::Post::from(&post)).into_response())
        .ok_or_else(not_found)
}

async fn openapi() -> Response {
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static("application/json")),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        OPENAPI,
    )
        .into_response()
}

async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

async fn readyz(State(state): State<AppState>) -> Result<Json<serde_json::Value>, Error> {
    if state.is_ready() {
        Ok(Json(json!({"status": "ready"})))
    } else {
        Err(Error::NotReady)
    }
}

pub(crate) async fn not_found(uri: Uri) -> Error {
    Error::NotFound(format!("no endpoint at {}", uri.path()))
}

pub(crate) async fn method_not_allowed(method: Method) -> Error {
    Error::MethodNotAllowed(method.to_string())
}
