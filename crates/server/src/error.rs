use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Everything a request can fail with, and the one place errors become
/// HTTP responses: `{"error": {"code", "message"}}` with a stable,
/// machine-readable `code` and a message for people.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A parameter is invalid (400).
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// No such post or path (404).
    #[error("{0}")]
    NotFound(String),
    /// The path exists, but not for this method (405): the API is read-only.
    #[error("{0} is not allowed here; the API answers GET (and HEAD)")]
    MethodNotAllowed(String),
    /// The request has a body larger than the limit (413); the API takes none.
    #[error("the request body is too large: at most {0} bytes")]
    BodyTooLarge(usize),
    /// The request target is longer than [`crate::MAX_URI_BYTES`] (414).
    #[error("the URL is too long: at most {max} bytes", max = crate::MAX_URI_BYTES)]
    UriTooLong,
    /// The request's headers are larger than [`crate::MAX_HEADER_BYTES`] or
    /// more than [`crate::MAX_HEADERS`] (431).
    #[error(
        "the request headers are too large: at most {count} headers and {bytes} bytes",
        count = crate::MAX_HEADERS,
        bytes = crate::MAX_HEADER_BYTES
    )]
    HeadersTooLarge,
    /// The request was not answered within [`crate::ServerConfig::request_timeout`]
    /// (503 with `Retry-After`); its search was stopped.
    #[error("the request took too long; please retry in a moment")]
    Timeout,
    /// The index is not open yet (503).
    #[error("the index is not ready yet")]
    NotReady,
    /// Too many searches at once (503 with `Retry-After`).
    #[error("too many searches right now; please retry in a moment")]
    Overloaded,
    /// The search failed inside the index (500).
    #[error("search failed: {0}")]
    Search(sagasu_search::Error),
    /// A search task died (500).
    #[error("the search task failed")]
    Task,
    /// A setting cannot be a browser origin ([`crate::normalize_origin`];
    /// never an HTTP response).
    #[error("`{value}` is not an origin: {reason}")]
    InvalidOrigin { value: String, reason: String },
    /// A setting cannot be a proxy address ([`crate::TrustedProxy`]; never
    /// an HTTP response).
    #[error(
        "`{0}` is not a proxy address: give an IP address (127.0.0.1) or a network (10.0.0.0/8)"
    )]
    InvalidProxy(String),
}

/// Seconds a client should wait before retrying an overloaded server.
pub const RETRY_AFTER_SECONDS: u64 = 1;

impl From<sagasu_search::Error> for Error {
    fn from(err: sagasu_search::Error) -> Self {
        use sagasu_search::Error as Search;
        match err {
            Search::InvalidDate(_)
            | Search::InvalidSort(_)
            | Search::InvalidMatch(_)
            | Search::InvalidPage(_)
            | Search::InvalidPerPage(_)
            | Search::QueryTooLong(_)
            | Search::TooManyWords(_)
            | Search::TooManyTags(_)
            | Search::TooManyCategories(_) => Self::BadRequest {
                code: err.code(),
                message: err.to_string(),
            },
            Search::DeadlineExceeded => Self::Timeout,
            other => Self::Search(other),
        }
    }
}

impl Error {
    fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::BodyTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UriTooLong => StatusCode::URI_TOO_LONG,
            Self::HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::NotReady | Self::Overloaded | Self::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            Self::Search(_) | Self::Task | Self::InvalidOrigin { .. } | Self::InvalidProxy(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// The stable code in the JSON body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. } => code,
            Self::NotFound(_) => "not_found",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::BodyTooLarge(_) => "body_too_large",
            Self::UriTooLong => "uri_too_long",
            Self::HeadersTooLarge => "headers_too_large",
            Self::Timeout => "timeout",
            Self::NotReady => "not_ready",
            Self::Overloaded => "overloaded",
            Self::Search(err) => err.code(),
            Self::Task | Self::InvalidOrigin { .. } | Self::InvalidProxy(_) => "internal",
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry = matches!(self, Self::Overloaded | Self::NotReady | Self::Timeout);
        if status.is_server_error() && !retry {
            tracing::error!(error = %self, "request failed");
        }
        let body = json!({"error": {"code": self.code(), "message": self.to_string()}});
        let mut response = (status, axum::Json(body)).into_response();
        // An error is about this moment (overload, a missing post that may
        // be indexed next): never cache it.
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if retry {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
        }
        response
    }
}
