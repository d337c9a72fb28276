//! The documents the read side returns: what `sagasu search --json` prints
//! and what the HTTP API serves.
//!
//! Every display string (titles, URLs, names, snippets, metadata) is
//! HTML-escaped, so a page can insert it as markup and a post titled
//! `<script>…</script>` stays inert. Snippets and title highlights add
//! `<mark>` around matches.
//! Ids (`id`, `path`) are identifiers and come back as they are: URL-encode
//! one to look a post up, and escape it to display it.

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
    /// Whether every word had to match (`all`) but nothing did, so the
    /// results are partial matches: posts with at least half of the words,
    /// those with the most first.
    pub relaxed: bool,
    /// The words typed without spaces that no post has as typed, and that
    /// were searched by their content words instead (`インフラ勉強会` by
    /// `インフラ` and `勉強会`); empty when every word was searched as
    /// typed.
    pub split: Vec<SplitWord>,
    /// This page's posts.
    pub hits: Vec<Hit>,
    /// Counts over all matching posts.
    pub facets: Facets,
}

/// A word typed without spaces, searched by its content words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitWord {
    /// The word as typed, escaped.
    pub text: String,
    /// Its content words, all of which the posts found have, escaped.
    pub words: Vec<String>,
}

/// What every post in a response says about itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostSummary {
    /// The post's id: its file's path relative to the site root, with
    /// `#KEY` for one post of an export file (`wordpress.xml#42`).
    pub id: String,
    /// The file it was read from, relative to the site root.
    pub path: String,
    /// Title, escaped.
    pub title: String,
    /// Permalink, escaped.
    pub url: String,
    /// Day of the post, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Tags as written, escaped.
    pub tags: Vec<String>,
    /// Categories as written, escaped.
    pub categories: Vec<String>,
    /// Author, when the post names one, escaped.
    pub author: Option<String>,
}

/// One matching post.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// The post.
    #[serde(flatten)]
    pub post: PostSummary,
    /// The title, HTML-escaped like `title`, with the query's matches in
    /// `<mark>` (none for related posts).
    pub title_highlight: String,
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

/// Post counts per year and month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Archive {
    /// Years, newest first.
    pub years: Vec<YearCount>,
}

/// Posts in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearCount {
    pub year: i32,
    pub count: u64,
    /// Months with posts, newest first.
    pub months: Vec<MonthCount>,
}

/// Posts in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthCount {
    /// 1 to 12.
    pub month: u32,
    pub count: u64,
}

/// One post's stored fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Post {
    /// The post.
    #[serde(flatten)]
    pub post: PostSummary,
    /// The body as plain text, escaped.
    pub body: String,
    /// Other front matter keys, with strings escaped.
    pub metadata: serde_json::Map<String, serde_json::Value>,
}

/// Posts like one post.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Related {
    /// The post they are like.
    pub id: String,
    /// Most alike first; `snippet` is the opening of each post.
    pub hits: Vec<Hit>,
}
