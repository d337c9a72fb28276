//! Reading one post file: front matter, dates, and the body as plain text.
//!
//! A post is a text file (`.md`, `.markdown`, `.mdown` or `.html`) that
//! starts with a YAML front matter block between `---` lines, as Jekyll
//! writes them; [`parse_post`] turns its bytes into a [`Post`].
//!
//! # The day rule
//!
//! Jekyll takes a post's day from its file name (`2009-07-11-hbstudy-1.md`).
//! WordPress exports write the front matter `date` in UTC: a post written at
//! midnight on 12 July in Japan says `Sat, 11 Jul 2009 15:00:00 +0000`, and
//! only the file name's day agrees with its permalink (`/2009/07/11/…`) and
//! with what the site showed. So:
//!
//! - If the file name starts with `YYYY-MM-DD-`, that is the post's **day**.
//!   The **time of day** is the front matter date's wall-clock time as
//!   written in its own offset (never converted to any zone), or 00:00 when
//!   the front matter has no date or one that cannot be parsed.
//! - Without a file-name date, the post's date and time are the front matter
//!   date's own wall-clock date and time, as written. A front matter date
//!   that cannot be parsed is then an error ([`Error::Field`] for `date`).
//! - With neither, the post has no date.
//!
//! So `_posts/2009-07-11-hbstudy-1.md` with `date: Sat, 11 Jul 2009 15:00:00
//! +0000` is dated 2009-07-11 15:00:00, and the same file with `date:
//! 2009-07-12 00:00:00 +0900` is dated 2009-07-11 00:00:00.
//!
//! Accepted front matter dates: RFC 2822 (`Sat, 11 Jul 2009 15:00:00
//! +0000`), `YYYY-MM-DD`, and `YYYY-MM-DD HH:MM[:SS[.fff]]` or
//! `YYYY-MM-DDTHH:MM[:SS[.fff]]` (one-digit hours allowed) optionally
//! followed by `Z`, `UTC`, `+0900` or `+09:00`.
//!
//! # Bodies
//!
//! `.html` bodies are HTML; every other extension is Markdown, rendered with
//! CommonMark (tables, strikethrough, footnotes) and then read as HTML, so
//! inline HTML is handled once. Block-level HTML elements in Markdown files
//! whose blank lines would turn indented markup into code blocks (WordPress
//! exports) are passed through as raw HTML, as Jekyll's kramdown does; see
//! `body.rs`.

mod body;
mod date;
mod front_matter;

use std::path::{Component, Path};

use chrono::{NaiveDateTime, NaiveTime};
use serde_yaml::Value;

use crate::{Error, Result};
use body::Markup;

/// A parsed blog post, ready to be indexed.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    /// Path relative to the indexed directory, with `/` separators, exactly
    /// as on disk (still percent-encoded if the file name is). Also the
    /// post's id.
    pub path: String,
    /// `title` (HTML entities decoded, whitespace collapsed), or when
    /// missing/empty the slug from the file name (percent-decoded, e.g.
    /// `期が終わった後の…`).
    pub title: String,
    /// The post's local date and time; see the day rule in the
    /// [module docs](self). `None` when neither front matter nor file name
    /// has a date.
    pub date: Option<NaiveDateTime>,
    /// `author`: a name, a list of names (joined with `, `), or a mapping
    /// with a `name`. `None` when missing or empty.
    pub author: Option<String>,
    /// `categories` or singular `category` (both, if both are present),
    /// de-duplicated keeping first-seen order and spelling. A string value is
    /// split at commas; entries are trimmed and entity-decoded.
    pub categories: Vec<String>,
    /// `tags` (also singular `tag`), de-duplicated likewise.
    pub tags: Vec<String>,
    /// `permalink` if present, else derived: `/YYYY/MM/DD/slug/` when dated,
    /// else `/slug/` (the slug as in the file name, percent-encoding kept).
    pub url: String,
    /// Plain text of the body (HTML and Markdown rendered to text). Block
    /// elements (p, div, li, h1-6, br, tr, blockquote, pre …) end with "\n";
    /// whitespace inside a block collapsed to single spaces (`pre` keeps its
    /// lines and indentation); no leading/trailing blank lines; entities
    /// decoded; script/style/template/noscript content dropped; comments
    /// dropped; image alt text kept.
    pub body: String,
    /// Every other front matter key (e.g. `layout`, `tumblr_*`,
    /// `original_post_id`), as JSON, with repeated list values de-duplicated
    /// too (top-level lists only).
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Parses one post file. `rel_path` is the path relative to the indexed
/// directory (used for `path`, the slug and the file-name date); `bytes` the
/// raw file content.
///
/// Checks, in order: empty or whitespace-only → [`Error::Empty`]; invalid
/// UTF-8 containing a NUL byte → [`Error::Binary`], other invalid UTF-8 →
/// [`Error::NotUtf8`] (a UTF-8 BOM is allowed and stripped; a stray NUL in
/// valid UTF-8 is text); first line not `---` → [`Error::NoFrontMatter`];
/// unterminated front matter, invalid YAML or YAML that is not a mapping →
/// [`Error::FrontMatter`]; a known field with an unusable value →
/// [`Error::Field`].
///
/// # Errors
///
/// As above; every error carries `rel_path`.
pub fn parse_post(rel_path: &Path, bytes: &[u8]) -> Result<Post> {
    let text = decode_text(rel_path, bytes)?;
    let split = front_matter::split(text).map_err(|e| match e {
        front_matter::SplitError::Missing => Error::NoFrontMatter {
            path: rel_path.to_path_buf(),
        },
        front_matter::SplitError::Unterminated => Error::FrontMatter {
            path: rel_path.to_path_buf(),
            message: "the opening `---` line has no closing `---` or `...` line".to_owned(),
        },
    })?;
    let mapping =
        front_matter::parse_mapping(split.yaml).map_err(|message| Error::FrontMatter {
            path: rel_path.to_path_buf(),
            message,
        })?;
    let field_error = |field: &'static str, message: String| Error::Field {
        path: rel_path.to_path_buf(),
        field,
        message,
    };

    let file = FileName::of(rel_path);
    let mut title = None;
    let mut date_value = None;
    let mut author = None;
    let mut permalink = None;
    let mut categories = Vec::new();
    let mut singular_categories = Vec::new();
    let mut tags = Vec::new();
    let mut singular_tags = Vec::new();
    let mut extra = serde_json::Map::new();
    for (key, value) in mapping {
        let key = front_matter::key_text(key);
        match key.as_str() {
            "title" => {
                title = front_matter::scalar_text(value)
                    .map_err(|found| field_error("title", format!("expected text, found {found}")))?
                    .as_deref()
                    .and_then(front_matter::clean_text);
            }
            // A list or mapping is treated like unparseable text: fine with a
            // file-name date, an error without one.
            "date" => date_value = Some(front_matter::scalar_text(value)),
            "author" => author = author_name(value).map_err(|m| field_error("author", m))?,
            "permalink" => {
                permalink = front_matter::scalar_text(value)
                    .map_err(|found| {
                        field_error("permalink", format!("expected a URL path, found {found}"))
                    })?
                    .map(|p| p.trim().to_owned())
                    .filter(|p| !p.is_empty());
            }
            "categories" => front_matter::extend_string_list(&mut categories, value)
                .map_err(|m| field_error("categories", m))?,
            "category" => front_matter::extend_string_list(&mut singular_categories, value)
                .map_err(|m| field_error("category", m))?,
            "tags" => front_matter::extend_string_list(&mut tags, value)
                .map_err(|m| field_error("tags", m))?,
            "tag" => front_matter::extend_string_list(&mut singular_tags, value)
                .map_err(|m| field_error("tag", m))?,
            "published" if value == Value::Bool(false) => {
                return Err(Error::Unpublished {
                    path: rel_path.to_path_buf(),
                });
            }
            _ => {
                extra.insert(key, front_matter::dedup_list(front_matter::to_json(value)));
            }
        }
    }
    merge_unique(&mut categories, singular_categories);
    merge_unique(&mut tags, singular_tags);

    let front_matter_date = match date_value {
        None | Some(Ok(None)) => None,
        Some(Ok(Some(text))) if text.trim().is_empty() => None,
        Some(Ok(Some(text))) => Some(
            date::parse_front_matter_date(&text)
                .ok_or_else(|| format!("cannot read `{}` as a date", text.trim())),
        ),
        Some(Err(found)) => Some(Err(format!("expected a date, found {found}"))),
    };
    let date = match (file.date, front_matter_date) {
        (Some(day), Some(Ok(written))) => Some(day.and_time(written.time())),
        (Some(day), _) => Some(day.and_time(NaiveTime::MIN)),
        (None, Some(Ok(written))) => Some(written),
        (None, Some(Err(problem))) => {
            return Err(field_error(
                "date",
                format!(
                    "{problem}, and the file name does not start with `YYYY-MM-DD-`; \
                     accepted forms: {}",
                    date::ACCEPTED_FORMS
                ),
            ));
        }
        (None, None) => None,
    };

    let url = permalink.unwrap_or_else(|| match date {
        Some(date) => format!("/{}/{}/", date.format("%Y/%m/%d"), file.slug),
        None => format!("/{}/", file.slug),
    });
    let title = title.unwrap_or_else(|| file.fallback_title());
    let markup = if file.is_html {
        Markup::Html
    } else {
        Markup::Markdown
    };

    Ok(Post {
        path: file.path,
        title,
        date,
        author,
        categories,
        tags,
        url,
        body: body::body_text(split.body, markup),
        extra,
    })
}

/// Whether a path has a post extension: `md`, `markdown`, `mdown`, `html`
/// (case-insensitive).
pub fn is_post_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|ext| {
            ["md", "markdown", "mdown", "html"]
                .iter()
                .any(|known| ext.eq_ignore_ascii_case(known))
        })
}

/// The byte checks, in order: empty, binary, UTF-8; strips a BOM.
fn decode_text<'a>(rel_path: &Path, bytes: &'a [u8]) -> Result<&'a str> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let content = bytes.strip_prefix(BOM).unwrap_or(bytes);
    if content.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Empty {
            path: rel_path.to_path_buf(),
        });
    }
    std::str::from_utf8(content).map_err(|e| {
        if content.contains(&0) {
            Error::Binary {
                path: rel_path.to_path_buf(),
            }
        } else {
            Error::NotUtf8 {
                path: rel_path.to_path_buf(),
                offset: (bytes.len() - content.len()) + e.valid_up_to(),
            }
        }
    })
}

/// What the file name tells about a post.
struct FileName {
    /// `rel_path` with `/` separators.
    path: String,
    /// The `YYYY-MM-DD-` prefix of the file name.
    date: Option<chrono::NaiveDate>,
    /// The file stem without its date prefix, as on disk.
    slug: String,
    /// The whole file stem, as on disk.
    stem: String,
    /// `.html` (HTML body) rather than Markdown.
    is_html: bool,
}

impl FileName {
    fn of(rel_path: &Path) -> Self {
        let mut path = String::new();
        for component in rel_path.components() {
            let part = match component {
                Component::Normal(part) => part.to_string_lossy(),
                Component::ParentDir => "..".into(),
                Component::CurDir | Component::RootDir | Component::Prefix(_) => continue,
            };
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(&part);
        }
        let stem = rel_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (date, slug) = date::split_file_name_date(&stem);
        let slug = slug.to_owned();
        let is_html = rel_path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
        FileName {
            path,
            date,
            slug,
            stem,
            is_html,
        }
    }

    /// The percent-decoded slug (the whole stem if the slug is empty).
    fn fallback_title(&self) -> String {
        let raw = if self.slug.trim().is_empty() {
            &self.stem
        } else {
            &self.slug
        };
        percent_encoding::percent_decode_str(raw)
            .decode_utf8_lossy()
            .into_owned()
    }
}

/// `author` as one name: a scalar, a list of names joined with `, `, or a
/// mapping's `name`.
fn author_name(value: Value) -> std::result::Result<Option<String>, String> {
    match value {
        Value::Sequence(_) => {
            let mut names = Vec::new();
            front_matter::extend_string_list(&mut names, value)?;
            Ok(Some(names.join(", ")).filter(|n| !n.is_empty()))
        }
        Value::Mapping(mut mapping) => match mapping.remove("name") {
            Some(name) => author_name(name),
            None => Err("expected a name, found a mapping without a `name` key".to_owned()),
        },
        Value::Tagged(tagged) => author_name(tagged.value),
        scalar => Ok(front_matter::scalar_text(scalar)
            .map_err(|found| format!("expected a name, found {found}"))?
            .as_deref()
            .and_then(front_matter::clean_text)),
    }
}

/// Appends the entries of `more` that `list` does not have yet.
fn merge_unique(list: &mut Vec<String>, more: Vec<String>) {
    for entry in more {
        if !list.contains(&entry) {
            list.push(entry);
        }
    }
}

#[cfg(test)]
mod tests;
