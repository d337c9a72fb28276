//! A post as every source format hands it to the indexer, and the pieces of
//! it that formats share: name lists, authors, URLs, the size limit.

use std::collections::HashSet;

use chrono::{DateTime, FixedOffset};

use crate::error::PostError;

/// Most text one post may hold: 4 MiB, about 1.4 million Japanese
/// characters. Parsing and analysing a post costs tens of times its size in
/// memory, so a larger one fails on its own ([`PostError::TooLarge`])
/// instead of taking the run's memory. The limit is checked twice: on the
/// body as written, before it is parsed (so a 100 MB body costs no more
/// than reading it), and on the title plus the body's text.
pub const MAX_POST_TEXT: usize = 4 << 20;

/// Fails with [`PostError::TooLarge`] when `size` bytes are past
/// [`MAX_POST_TEXT`].
pub(crate) fn check_size(size: usize) -> Result<(), PostError> {
    if size > MAX_POST_TEXT {
        return Err(PostError::TooLarge {
            size,
            limit: MAX_POST_TEXT,
        });
    }
    Ok(())
}

/// A published post, read from a source file and ready to be indexed.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    /// The post's id: its file's id (see [`crate::archive`]), followed by
    /// `#KEY` when the file holds many posts (a WordPress or Movable Type
    /// export); KEY is stable across runs.
    pub id: String,
    /// The id of the file it was read from.
    pub file: String,
    /// The title, HTML entities decoded and whitespace collapsed; never
    /// empty (formats fall back to a name derived from the file or entry).
    pub title: String,
    /// When it was published, in the zone it was written in (or the site's
    /// zone for dates written without one). `None` when the source has no
    /// date.
    pub date: Option<DateTime<FixedOffset>>,
    /// Author name(s), joined with `, `.
    pub author: Option<String>,
    /// Category names, de-duplicated, first spelling kept.
    pub categories: Vec<String>,
    /// Tag names, de-duplicated, first spelling kept.
    pub tags: Vec<String>,
    /// Where the post is published: an absolute `http(s)` URL or a path
    /// (`/2009/07/11/hbstudy-1/`). A source URL with another scheme
    /// (`javascript:`) is dropped and reported; the post then has none.
    pub url: String,
    /// Plain text of the body. Block elements (p, div, li, h1-6, br, tr,
    /// blockquote, pre …) end with "\n"; whitespace inside a block collapsed
    /// to single spaces (`pre` keeps its lines and indentation); no
    /// leading/trailing blank lines; entities decoded; script/style/template/
    /// noscript content and comments dropped; image alt text kept.
    pub body: String,
    /// Every other front matter key or export field worth keeping, as JSON.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Post {
    /// A post with only its identity and title; formats fill in the rest.
    pub(crate) fn new(id: String, file: &str, title: String) -> Self {
        Post {
            id,
            file: file.to_owned(),
            title,
            date: None,
            author: None,
            categories: Vec::new(),
            tags: Vec::new(),
            url: String::new(),
            body: String::new(),
            extra: serde_json::Map::new(),
        }
    }

    /// Checks the limits every post shares, whatever its format: its text
    /// fits [`MAX_POST_TEXT`].
    pub(crate) fn check(&self) -> Result<(), PostError> {
        check_size(self.title.len() + self.body.len())
    }
}

/// Whether `url` may be returned as a link: a relative URL or path, or an
/// absolute `http:`/`https:` URL. `javascript:`, `data:` and every other
/// scheme may not.
pub fn is_safe_url(url: &str) -> bool {
    let url = url.trim_start();
    let scheme_end = url.find([':', '/', '?', '#']);
    match scheme_end {
        Some(end) if url[end..].starts_with(':') => {
            let scheme = &url[..end];
            scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
        }
        _ => true,
    }
}

/// A list of names (tags or categories) being collected: first spelling
/// kept, exact repeats dropped, in linear time however long the list.
#[derive(Debug, Default)]
pub(crate) struct Names {
    list: Vec<String>,
    seen: HashSet<String>,
}

impl Names {
    /// Adds a name, trimmed, entity-decoded and with inner whitespace
    /// collapsed; empty names and repeats are dropped.
    pub(crate) fn push(&mut self, raw: &str) {
        if let Some(name) = clean_text(raw)
            && self.seen.insert(name.clone())
        {
            self.list.push(name);
        }
    }

    pub(crate) fn into_vec(self) -> Vec<String> {
        self.list
    }
}

/// Trims, decodes HTML entities and collapses inner runs of whitespace and
/// control characters to one space (so no name holds the facet separator,
/// U+001F). Returns `None` when nothing is left.
pub(crate) fn clean_text(text: &str) -> Option<String> {
    let decoded = crate::text::decode_entities(text.trim());
    let mut out = String::with_capacity(decoded.len());
    for word in decoded
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_urls_are_relative_or_http() {
        for safe in [
            "/2009/07/11/a/",
            "a/b.html",
            "https://example.com/x",
            "HTTP://example.com",
            "?p=1",
            "#top",
            "/x:y",
            "",
        ] {
            assert!(is_safe_url(safe), "{safe}");
        }
        for unsafe_url in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "ftp://example.com",
        ] {
            assert!(!is_safe_url(unsafe_url), "{unsafe_url}");
        }
    }

    #[test]
    fn names_keep_the_first_spelling_in_linear_time() {
        let mut names = Names::default();
        for name in [" 日記 ", "日記", "Q&amp;A", "Q&A", "", "a  b"] {
            names.push(name);
        }
        assert_eq!(names.into_vec(), ["日記", "Q&A", "a b"]);
        let mut many = Names::default();
        for i in 0..200_000 {
            many.push(&(i % 1000).to_string());
        }
        assert_eq!(many.into_vec().len(), 1000);
    }
}
