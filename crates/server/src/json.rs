//! The JSON documents the API serves, and `sagasu search --json` prints:
//! the search library's answers, whose text is plain, made safe to insert
//! into a page. This is the one place where that happens.
//!
//! Every display string (titles, URLs, tag, category and author names,
//! bodies, the words of `split`, facet values, metadata keys and string
//! values) is HTML-escaped (`& < > " '`), so a post titled
//! `<script>…</script>` stays inert; highlighted strings (`title_highlight`,
//! `snippet`) are escaped the same way, with each mark wrapped in
//! `<mark>…</mark>`. Ids (`id`, `path`) are identifiers and go out as they
//! are. [`sagasu_search::Archive`] holds only numbers and is served as it
//! is. `openapi.json` describes these documents field by field.

use sagasu_search::Highlighted;
use serde::Serialize;

/// One page of results ([`sagasu_search::SearchResponse`]).
#[derive(Debug, Serialize)]
pub struct SearchResponse {
    total: usize,
    page: usize,
    per_page: usize,
    /// Set by the server to the time the request took.
    pub(crate) took_ms: u64,
    relaxed: bool,
    split: Vec<SplitWord>,
    hits: Vec<Hit>,
    facets: Facets,
}

impl From<&sagasu_search::SearchResponse> for SearchResponse {
    fn from(response: &sagasu_search::SearchResponse) -> Self {
        let facets = &response.facets;
        Self {
            total: response.total,
            page: response.page,
            per_page: response.per_page,
            took_ms: response.took_ms,
            relaxed: response.relaxed,
            split: response
                .split
                .iter()
                .map(|split| SplitWord {
                    text: escape(&split.text),
                    words: escape_all(&split.words),
                })
                .collect(),
            hits: response.hits.iter().map(Hit::from).collect(),
            facets: Facets {
                tags: facet_counts(&facets.tags),
                categories: facet_counts(&facets.categories),
                years: facet_counts(&facets.years),
            },
        }
    }
}

/// A word searched by its content words ([`sagasu_search::SplitWord`]).
#[derive(Debug, Serialize)]
struct SplitWord {
    text: String,
    words: Vec<String>,
}

/// What every post says about itself ([`sagasu_search::PostSummary`]).
#[derive(Debug, Serialize)]
struct PostSummary {
    id: String,
    path: String,
    title: String,
    url: String,
    date: Option<String>,
    tags: Vec<String>,
    categories: Vec<String>,
    author: Option<String>,
}

impl From<&sagasu_search::PostSummary> for PostSummary {
    fn from(post: &sagasu_search::PostSummary) -> Self {
        Self {
            id: post.id.clone(),
            path: post.path.clone(),
            title: escape(&post.title),
            url: escape(&post.url),
            date: post.date.clone(),
            tags: escape_all(&post.tags),
            categories: escape_all(&post.categories),
            author: post.author.as_deref().map(escape),
        }
    }
}

/// One matching post ([`sagasu_search::Hit`]).
#[derive(Debug, Serialize)]
struct Hit {
    #[serde(flatten)]
    post: PostSummary,
    title_highlight: String,
    snippet: String,
    score: f32,
}

impl From<&sagasu_search::Hit> for Hit {
    fn from(hit: &sagasu_search::Hit) -> Self {
        Self {
            post: PostSummary::from(&hit.post),
            title_highlight: marked(&hit.title_highlight),
            snippet: marked(&hit.snippet),
            score: hit.score,
        }
    }
}

/// Facet counts over the whole result set ([`sagasu_search::Facets`]).
#[derive(Debug, Serialize)]
struct Facets {
    tags: Vec<FacetCount>,
    categories: Vec<FacetCount>,
    years: Vec<FacetCount>,
}

/// A value and its count ([`sagasu_search::FacetCount`]).
#[derive(Debug, Serialize)]
pub struct FacetCount {
    value: String,
    count: u64,
}

/// `counts` (tags, categories, years), escaped.
pub fn facet_counts(counts: &[sagasu_search::FacetCount]) -> Vec<FacetCount> {
    counts
        .iter()
        .map(|count| FacetCount {
            value: escape(&count.value),
            count: count.count,
        })
        .collect()
}

/// One post's stored fields ([`sagasu_search::Post`]).
#[derive(Debug, Serialize)]
pub struct Post {
    #[serde(flatten)]
    post: PostSummary,
    body: String,
    metadata: serde_json::Value,
}

impl From<&sagasu_search::Post> for Post {
    fn from(post: &sagasu_search::Post) -> Self {
        Self {
            post: PostSummary::from(&post.post),
            body: escape(&post.body),
            metadata: serde_json::Value::Object(escape_map(&post.metadata)),
        }
    }
}

/// Posts like one post ([`sagasu_search::Related`]).
#[derive(Debug, Serialize)]
pub struct Related {
    id: String,
    hits: Vec<Hit>,
}

impl From<&sagasu_search::Related> for Related {
    fn from(related: &sagasu_search::Related) -> Self {
        Self {
            id: related.id.clone(),
            hits: related.hits.iter().map(Hit::from).collect(),
        }
    }
}

/// `highlighted`, escaped, with every mark in `<mark>`.
fn marked(highlighted: &Highlighted) -> String {
    let mut out = String::with_capacity(highlighted.text.len());
    for (piece, mark) in highlighted.pieces() {
        if mark {
            out.push_str("<mark>");
            escape_into(&mut out, piece);
            out.push_str("</mark>");
        } else {
            escape_into(&mut out, piece);
        }
    }
    out
}

/// Escapes every string in a JSON value, keys included.
fn escape_json(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value as Json;
    match value {
        Json::String(text) => Json::String(escape(text)),
        Json::Array(items) => Json::Array(items.iter().map(escape_json).collect()),
        Json::Object(map) => Json::Object(escape_map(map)),
        other => other.clone(),
    }
}

/// Escapes every key and string value of a JSON object.
fn escape_map(
    map: &serde_json::Map<String, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    map.iter()
        .map(|(key, value)| (escape(key), escape_json(value)))
        .collect()
}

fn escape_all(texts: &[String]) -> Vec<String> {
    texts.iter().map(|text| escape(text)).collect()
}

/// HTML-escapes `text` (`& < > " '`), so it is safe as element content and
/// in a quoted attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_are_escaped_around_and_inside_their_marks() {
        let text = "<b>ＡＷＳ</b> & \"R&D\" 'x'";
        let highlighted = Highlighted {
            text: text.to_owned(),
            marks: vec![3..12, 20..23],
        };
        assert_eq!(
            marked(&highlighted),
            "&lt;b&gt;<mark>ＡＷＳ</mark>&lt;/b&gt; &amp; &quot;<mark>R&amp;D</mark>&quot; &#39;x&#39;"
        );
        let plain = Highlighted {
            text: text.to_owned(),
            marks: Vec::new(),
        };
        assert_eq!(marked(&plain), escape(text));
    }

    #[test]
    fn metadata_keys_and_strings_are_escaped_and_the_rest_kept() {
        let metadata = serde_json::json!({"<k>": ["a&b", 1, true, null, {"'": "\""}]});
        assert_eq!(
            escape_json(&metadata),
            serde_json::json!({"&lt;k&gt;": ["a&amp;b", 1, true, null, {"&#39;": "&quot;"}]})
        );
    }
}
