//! The search result document: what `sagasu search --json` prints and what
//! the HTTP API returns.

use serde::Serialize;

/// One page of results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResponse {
    /// Posts matching the query and filters, over all pages.
    pub total: usize,
    /// This page's number, from 1.
    pub page: usize,
    /// Hits per page.
    pub per_page: usize,
    /// Time taken by the search, in milliseconds.
    pub took_ms: u64,
    /// This page's posts.
    pub hits: Vec<Hit>,
    /// Counts over all matching posts.
    pub facets: Facets,
}

/// One matching post.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// The post's id: its path relative to the indexed directory.
    pub id: String,
    /// Same as `id`.
    pub path: String,
    /// Title as written.
    pub title: String,
    /// Permalink.
    pub url: String,
    /// Day of the post, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Tags as written.
    pub tags: Vec<String>,
    /// Categories as written.
    pub categories: Vec<String>,
    /// Author, when the post names one.
    pub author: Option<String>,
    /// The best passage, HTML-escaped, with matches in `<mark>`.
    pub snippet: String,
    /// Relevance score (0 when no query words were given).
    pub score: f32,
}

/// Facet counts over the whole result set.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Facets {
    /// Tags, most frequent first.
    pub tags: Vec<FacetCount>,
    /// Categories, most frequent first.
    pub categories: Vec<FacetCount>,
    /// Years, newest first.
    pub years: Vec<FacetCount>,
}

/// A facet value and the number of matching posts that have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// The value, as most posts write it.
    pub value: String,
    /// Matching posts with this value.
    pub count: u64,
}
