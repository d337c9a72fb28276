//! A small cache of search results for bursts of identical requests (a
//! post linked from a news site's front page brings thousands of the same
//! search). Entries are tied to the index generation they were computed on,
//! so a new commit makes them unreachable at once, and the first lookup on a
//! new generation drops them all.
//!
//! Each entry is a cell that the first request for it fills: requests that
//! arrive while it runs wait for its result instead of running the same
//! search again (single flight). Every commit empties the cache, which is
//! exactly when a new post brings a burst; without this, each request of
//! the burst would run its own search. A search that fails fills nothing,
//! and the next waiter runs it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use sagasu_search::{SearchRequest, SearchResponse};
use tokio::sync::OnceCell;

/// The result of one request on one generation, once it is known.
pub(crate) type Slot = Arc<OnceCell<Arc<SearchResponse>>>;

/// Results for recent requests on the current generation.
#[derive(Debug)]
pub(crate) struct ResultCache {
    capacity: usize,
    inner: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    generation: u64,
    results: HashMap<SearchRequest, Slot>,
}

impl ResultCache {
    /// A cache of at most `capacity` results (0 disables it).
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::new(Entries::default()),
        }
    }

    /// The slot of `request` on `generation`: filled when the result is
    /// known, being filled when a search for it is running, empty when the
    /// caller is to run it. When full, the cache starts over: bursts repeat
    /// a few requests, which come back at once, and memory stays bounded.
    pub(crate) fn slot(&self, generation: u64, request: &SearchRequest) -> Slot {
        if self.capacity == 0 {
            return Slot::default();
        }
        let mut entries = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.generation != generation {
            entries.generation = generation;
            entries.results.clear();
        }
        if let Some(slot) = entries.results.get(request) {
            return Arc::clone(slot);
        }
        if entries.results.len() >= self.capacity {
            entries.results.clear();
        }
        let slot = Slot::default();
        entries.results.insert(request.clone(), Arc::clone(&slot));
        slot
    }
}
