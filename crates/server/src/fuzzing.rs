//! Entry point for the query-string fuzz target in `fuzz/` (cargo-fuzz
//! with libFuzzer): the parameters of `/api/search` and `/related`. Any
//! query string is a request or a `400`; a panic or another error is a
//! finding.
//!
//! Not part of the API: hidden from the docs, and it changes with the
//! parameters.

use crate::{Error, params};

/// Parses `query` as the query string of a search and of related posts.
pub fn query_string(query: &str) {
    match params::search_request(Some(query)) {
        Ok(request) => {
            if let Err(error) = request.validate() {
                panic!("{query:?} was accepted, but is invalid: {error}");
            }
        }
        Err(Error::BadRequest { code, message }) => {
            assert!(!code.is_empty() && !message.is_empty(), "{query:?}");
        }
        Err(other) => panic!("{query:?} fails with a {}: {other}", other.code()),
    }
    match params::related_limit(Some(query)) {
        Ok(_) | Err(Error::BadRequest { .. }) => {}
        Err(other) => panic!("{query:?} fails with a {}: {other}", other.code()),
    }
}
