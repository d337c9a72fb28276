//! The documents the read side returns, as plain text.
//!
//! Display strings (titles, URLs, names, bodies, metadata) are the post's
//! text as it is, and highlighted strings (snippets, title highlights) are
//! [`Highlighted`]: the text and the ranges of it to mark. Each edge renders
//! them for its medium, once: the HTTP API (and `sagasu search --json`)
//! HTML-escapes them and wraps the marks in `<mark>` (`sagasu_server`'s
//! `json` module), the terminal styles the marks.
//! Ids (`id`, `path`) are identifiers: URL-encode one to look a post up.

use std::ops::Range;

use serde::Serialize;

/// One page of results.
#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitWord {
    /// The word as typed.
    pub text: String,
    /// Its content words, all of which the posts found have.
    pub words: Vec<String>,
}

/// What every post in a response says about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct PostSummary {
    /// The post's id: its file's path relative to the site root, with
    /// `#KEY` for one post of an export file (`wordpress.xml#42`).
    pub id: String,
    /// The file it was read from, relative to the site root.
    pub path: String,
    /// Title.
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
}

/// One matching post.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The post.
    pub post: PostSummary,
    /// The title on one line, with the query's matches marked (none for
    /// related posts).
    pub title_highlight: Highlighted,
    /// The best passage, on one line, with the query's matches marked (see
    /// the `snippet` module).
    pub snippet: Highlighted,
    /// Relevance score (0 when no query words were given).
    pub score: f32,
}

/// Text with the ranges to mark in it: the matches of a query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Highlighted {
    /// The text.
    pub text: String,
    /// Byte ranges of `text` to mark, in order and non-overlapping, each on
    /// character boundaries.
    pub marks: Vec<Range<usize>>,
}

impl Highlighted {
    /// The text cut at the marks, in order: each piece, and whether it is
    /// marked. Every mark is a piece; unmarked pieces may be empty.
    pub fn pieces(&self) -> impl Iterator<Item = (&str, bool)> {
        let starts = std::iter::once(0).chain(self.marks.iter().map(|mark| mark.end));
        let rest = self.marks.last().map_or(0, |mark| mark.end);
        starts
            .zip(&self.marks)
            .flat_map(|(from, mark)| {
                [
                    (&self.text[from..mark.start], false),
                    (&self.text[mark.clone()], true),
                ]
            })
            .chain(std::iter::once((&self.text[rest..], false)))
    }
}

/// Facet counts over the whole result set.
#[derive(Debug, Clone, Default, PartialEq)]
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
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    /// The post.
    pub post: PostSummary,
    /// The body as plain text.
    pub body: String,
    /// Other front matter keys.
    pub metadata: serde_json::Map<String, serde_json::Value>,
}

/// Posts like one post.
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    /// The post they are like.
    pub id: String,
    /// Most alike first; `snippet` is the opening of each post.
    pub hits: Vec<Hit>,
}
