//! A small cache of search results for bursts of identical requests (a
//! post linked from a news site's front page brings thousands of the same
//! search). Entries are tied to the index generation they were computed on,
//! so a new commit makes them unreachable at once, and the first lookup on a
//! new generation drops them all.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use sagasu_search::{SearchRequest, SearchResponse};

/// Results for recent requests on the current generation.
#[derive(Debug)]
pub(crate) struct ResultCache {
    capacity: usize,
    inner: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    generation: u64,
    results: HashMap<SearchRequest, Arc<SearchResponse>>,
}

impl ResultCache {
    /// A cache of at most `capacity` results (0 disables it).
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::new(Entries::default()),
        }
    }

    /// The cached result of `request` on `generation`.
    pub(crate) fn get(
        &self,
        generation: u64,
        request: &SearchRequest,
    ) -> Option<Arc<SearchResponse>> {
        let mut entries = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.generation != generation {
            entries.generation = generation;
            entries.results.clear();
            return None;
        }
        entries.results.get(request).cloned()
    }

    /// Remembers the result of `request` computed on `generation`. When full,
    /// the cache starts over: bursts repeat a few requests, which come back
    /// at once, and memory stays bounded.
    pub(crate) fn put(
        &self,
        generation: u64,
        request: SearchRequest,
        response: Arc<SearchResponse>,
    ) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.generation != generation {
            return;
        }
        if entries.results.len() >= self.capacity {
            entries.results.clear();
        }
        entries.results.insert(request, response);
    }
}
