//! Movable Type / TypePad export (the "Import/Export format"), as Movable
//! Type, TypePad, Hatena Blog (`example.hatenablog.com.export.txt`),
//! livedoor Blog, FC2, Seesaa and JUGEM write it. One file holds many
//! entries; each is one post ([`Post::id`] is `FILE#KEY`, see *Ids*).
//!
//! # Layout
//!
//! Entries end with a `--------` line (8 dashes; the last entry may lack
//! it); an entry's sections end with a `-----` line (5 dashes). Trailing
//! spaces and `\r` on these lines are ignored. As Movable Type's importer
//! reads it:
//!
//! - The first section holds `KEY: value` lines (the key is split off at
//!   the first `:`). Read: `TITLE`, `AUTHOR`, `BASENAME`, `STATUS`, `DATE`,
//!   `PRIMARY CATEGORY`, `CATEGORY` and `TAGS` (both repeatable: every line
//!   counts), `CONVERT BREAKS`, `NO ENTRY`. `ALLOW COMMENTS` and `ALLOW
//!   PINGS` are settings, not content, and are dropped. `BASENAME`,
//!   `CONVERT BREAKS`, `IMAGE` (Hatena's eye-catch image) and every other
//!   key not listed here are kept in `extra` when not empty, lowercased
//!   with spaces as `_` (`basename`, `convert_breaks`, `image`). Other
//!   repeated keys keep their last value.
//! - Every other section starts with its name on a line of its own: `BODY:`,
//!   `EXTENDED BODY:`, `EXCERPT:`, `KEYWORDS:`, `COMMENT:`, `PING:`. The body
//!   is `BODY` followed by `EXTENDED BODY`. `EXCERPT` and `KEYWORDS` go to
//!   `extra` (`excerpt`, `keywords`) when not blank. `COMMENT` and `PING`
//!   sections (readers' comments and TrackBacks) are not the author's post
//!   and are dropped, as are sections with other names.
//! - A chunk between `--------` lines that holds nothing but blank lines is
//!   not an entry. An entry with no known key and no `BODY` fails on its
//!   own; a file with no entry at all fails as malformed.
//!
//! # Fields
//!
//! - `STATUS: Publish` (any case), or no `STATUS`, is published. `Future` is
//!   skipped as scheduled; `Draft`, `Review`, `Junk` and any other value as
//!   a draft. An entry with a `NO ENTRY` line only carries comments for an
//!   entry imported before, and is skipped as not a post.
//! - `DATE: MM/DD/YYYY hh:mm:ss AM|PM`, or the same in 24-hour time without
//!   `AM`/`PM` (Hatena); month, day and hour may have one digit, seconds may
//!   be missing, a two-digit year is 19YY (as Movable Type reads it). It has
//!   no zone: it is in the site's zone (Asia/Tokyo by default). A date that
//!   cannot be read fails the entry (`invalid DATE`).
//! - Categories: `PRIMARY CATEGORY` first, then the `CATEGORY` lines in
//!   order, de-duplicated.
//! - `TAGS`: separated by commas (Movable Type writes `"Movable
//!   Type",blog`), or, when there is no comma outside quotes, by whitespace
//!   (`"Movable Type" blog`); `"…"` quotes a tag holding separators.
//! - Title: `TITLE`; when it is missing or blank, the first line of the
//!   body's text, cut at 40 characters and `…` (Movable Type's importer takes
//!   the body's first words); with no body text either, `(無題)`.
//! - Body, by `CONVERT BREAKS` (Movable Type's text filter):
//!   - `0` (none) and `richtext` (the rich text editor): HTML.
//!   - `markdown`, `markdown_with_smartypants`: Markdown.
//!   - `1`, `__default__` and `convert_breaks` (all three are Movable Type's
//!     "Convert Line Breaks" filter, which is the default), `textile_2`,
//!     any other value, and no value: plain text whose blank-line-separated
//!     paragraphs become paragraphs and whose other newlines become line
//!     breaks; HTML tags in it are kept as HTML, and a paragraph starting
//!     with a block tag (`<p>`, `<div>`, `<ul>` …) is left as it is, as the
//!     filter does. Textile markup is not interpreted: its marks
//!     (`h2.`, `*strong*`) stay in the text.
//!
//! # Ids
//!
//! An entry's KEY, from the first rule that applies:
//!
//! 1. its `BASENAME`, when no other entry of the file has the same one;
//! 2. `BASENAME@DATE` when the basename repeats, `@DATE` when there is no
//!    basename; DATE is the wall-clock `DATE` as written, in ISO form
//!    (`hbstudy-1@2009-07-11T15:00:00`), so a change of the site's zone
//!    does not change ids;
//! 3. `entry-N` (N the entry's 1-based position in the file) when neither
//!    is there or the date cannot be read.
//!
//! Should two keys still be equal, the later entries get `~2`, `~3` … in
//! file order. Ids depend only on the file's text, so a re-run gives the
//! same ids; editing one entry changes no other entry's id unless it makes
//! a basename unique or repeated.
//!
//! # URLs
//!
//! The format has no URL field, so the URL is built from `BASENAME`:
//!
//! - Hatena Blog (the file is named `HOST.export.txt` with HOST under
//!   hatenablog.com, hatenablog.jp, hateblo.jp, hatenadiary.com or
//!   hatenadiary.jp, or the basename holds a `/`, like Hatena's
//!   `2019/01/05/123456`): `/entry/BASENAME`, under the site's `base_url`,
//!   or else under `https://HOST` when the file name gives the host.
//! - Otherwise Movable Type's default archive mapping:
//!   `/YYYY/MM/BASENAME.html` (`/BASENAME.html` without a date), under
//!   `base_url`. Other platforms map entries to URLs their own way: set
//!   `base_url` and check, or ignore the links.
//! - No `BASENAME`: no URL.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime};
use serde_json::Value;

use super::{Entry, Skip, SkipKind, SourceFile};
use crate::date;
use crate::error::PostError;
use crate::post::{Names, Post, check_size, clean_text};
use crate::text::{self, Markup};

/// The format's name in errors.
const FORMAT: &str = "a Movable Type export";

/// Keys a sniff accepts in the first section.
const KNOWN_KEYS: &[&str] = &[
    "AUTHOR",
    "TITLE",
    "BASENAME",
    "STATUS",
    "ALLOW COMMENTS",
    "ALLOW PINGS",
    "CONVERT BREAKS",
    "DATE",
    "PRIMARY CATEGORY",
    "CATEGORY",
    "TAGS",
    "IMAGE",
    "NO ENTRY",
];

/// Longest title taken from the body.
const TITLE_FROM_BODY: usize = 40;

/// Whether a file starts like a Movable Type export: its first non-blank
/// lines are `KEY: value` lines, at least one with a known key, up to a
/// `-----` line.
pub(super) fn sniff(head: &str) -> bool {
    let mut known = false;
    for line in head.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line == "-----" {
            return known;
        }
        let Some((key, _)) = line.split_once(':') else {
            return false;
        };
        let key = key.trim_end();
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_uppercase() || b == b' ') {
            return false;
        }
        known |= KNOWN_KEYS.contains(&key);
    }
    false
}

/// Reads every entry of an export.
pub(crate) fn read(file: &SourceFile<'_>) -> Result<Vec<Entry>, PostError> {
    let raws = split_entries(file.text);
    if raws.is_empty() {
        return Err(PostError::Malformed {
            format: FORMAT,
            message: "it holds no entry (no text between its `--------` lines)".to_owned(),
        });
    }
    let keys = entry_keys(&raws);
    let host = hatena_host(file.id);
    Ok(raws
        .into_iter()
        .zip(keys)
        .map(|(raw, key)| {
            let id = format!("{}#{key}", file.id);
            match entry(file, host, &id, raw) {
                Ok(Ok(post)) => Entry::Post(Box::new(post)),
                Ok(Err(reason)) => Entry::Skipped { id, reason },
                Err(error) => Entry::Failed { id, error },
            }
        })
        .collect())
}

/// One entry as written: its `KEY: value` lines and its sections.
#[derive(Debug, Default)]
struct RawEntry<'a> {
    /// The first section's lines, in order, keys as written.
    fields: Vec<(&'a str, &'a str)>,
    body: Option<String>,
    extended: Option<String>,
    excerpt: Option<String>,
    keywords: Option<String>,
}

impl<'a> RawEntry<'a> {
    /// The last value of a key.
    fn get(&self, key: &str) -> Option<&'a str> {
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }

    /// The `DATE` as written, if it can be read.
    fn date(&self) -> Option<Result<NaiveDateTime, String>> {
        let value = self.get("DATE").filter(|v| !v.is_empty())?;
        Some(
            parse_date(value)
                .ok_or_else(|| format!("cannot read `{value}` as `MM/DD/YYYY hh:mm:ss [AM|PM]`")),
        )
    }

    fn basename(&self) -> Option<&'a str> {
        self.get("BASENAME").filter(|b| !b.is_empty())
    }
}

/// The entries of a file, in order.
fn split_entries(text: &str) -> Vec<RawEntry<'_>> {
    let mut entries = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim_end() == "--------" {
            entries.extend(parse_entry(&lines));
            lines.clear();
        } else {
            lines.push(line);
        }
    }
    entries.extend(parse_entry(&lines));
    entries
}

/// One entry from its lines; `None` when they are all blank.
fn parse_entry<'a>(lines: &[&'a str]) -> Option<RawEntry<'a>> {
    if lines.iter().all(|line| line.trim().is_empty()) {
        return None;
    }
    let mut sections = lines.split(|line| line.trim_end() == "-----");
    let mut entry = RawEntry::default();
    for line in sections.next().unwrap_or_default() {
        let line = line.trim();
        if let Some((key, value)) = line.split_once(':') {
            entry.fields.push((key.trim_end(), value.trim_start()));
        }
    }
    for section in sections {
        let mut rest = section
            .iter()
            .skip_while(|line| line.trim().is_empty())
            .copied();
        let Some(name) = rest.next() else {
            continue;
        };
        let slot = match name.trim_end() {
            "BODY:" => &mut entry.body,
            "EXTENDED BODY:" => &mut entry.extended,
            "EXCERPT:" => &mut entry.excerpt,
            "KEYWORDS:" => &mut entry.keywords,
            // COMMENT, PING and unknown sections are not the post.
            _ => continue,
        };
        let text = rest.collect::<Vec<_>>().join("\n");
        *slot = Some(text.trim().to_owned());
    }
    Some(entry)
}

/// The KEY of each entry's id; see the module docs.
fn entry_keys(entries: &[RawEntry<'_>]) -> Vec<String> {
    let mut basenames: HashMap<&str, usize> = HashMap::new();
    for basename in entries.iter().filter_map(RawEntry::basename) {
        *basenames.entry(basename).or_default() += 1;
    }
    let mut taken = HashSet::new();
    entries
        .iter()
        .enumerate()
        .map(|(at, entry)| {
            let basename = entry.basename();
            let date = entry.date().and_then(Result::ok);
            let key = match (basename, date) {
                (Some(basename), _) if basenames.get(basename) == Some(&1) => basename.to_owned(),
                (basename, Some(date)) => format!(
                    "{}@{}",
                    basename.unwrap_or_default(),
                    date.format("%Y-%m-%dT%H:%M:%S")
                ),
                _ => format!("entry-{}", at + 1),
            };
            let mut unique = key.clone();
            let mut n = 1;
            while !taken.insert(unique.clone()) {
                n += 1;
                unique = format!("{key}~{n}");
            }
            unique
        })
        .collect()
}

/// The post, or why the entry is not published.
fn entry(
    file: &SourceFile<'_>,
    host: Option<&str>,
    id: &str,
    raw: RawEntry<'_>,
) -> Result<Result<Post, Skip>, PostError> {
    let known = raw.fields.iter().any(|(key, _)| KNOWN_KEYS.contains(key));
    if !known && raw.body.is_none() {
        return Err(PostError::Malformed {
            format: FORMAT,
            message: "this entry has no known `KEY: value` line and no `BODY:` section".to_owned(),
        });
    }
    if raw.get("NO ENTRY").is_some() {
        return Ok(Err(Skip::new(
            SkipKind::NotAPost,
            "`NO ENTRY`: comments for an entry imported before",
        )));
    }
    if let Some(status) = raw.get("STATUS").filter(|s| !s.is_empty())
        && !status.eq_ignore_ascii_case("publish")
    {
        let kind = if status.eq_ignore_ascii_case("future") {
            SkipKind::Scheduled
        } else {
            SkipKind::Draft
        };
        return Ok(Err(Skip::new(kind, format!("`STATUS: {status}`"))));
    }
    let date = match raw.date() {
        Some(Ok(local)) => Some(date::in_zone(local, file.site)),
        Some(Err(message)) => {
            return Err(PostError::Field {
                field: "DATE",
                message,
            });
        }
        None => None,
    };

    let convert_breaks = raw.get("CONVERT BREAKS").unwrap_or_default();
    let source = match (&raw.body, &raw.extended) {
        (Some(body), Some(more)) if !more.is_empty() => format!("{body}\n\n{more}"),
        (Some(body), _) => body.clone(),
        (None, Some(more)) => more.clone(),
        (None, None) => String::new(),
    };
    check_size(source.len())?;
    let body = match convert_breaks {
        "0" | "richtext" => text::body_text(&source, Markup::Html),
        "markdown" | "markdown_with_smartypants" => text::body_text(&source, Markup::Markdown),
        _ => text::body_text(&text::line_breaks_to_html(&source), Markup::Html),
    }?;

    let title = raw
        .get("TITLE")
        .and_then(clean_text)
        .or_else(|| title_from_body(&body))
        .unwrap_or_else(|| "(無題)".to_owned());
    let mut post = Post::new(id.to_owned(), file.id, title);
    post.date = date;
    post.author = raw.get("AUTHOR").and_then(clean_text);

    let mut categories = Names::default();
    if let Some(primary) = raw.get("PRIMARY CATEGORY") {
        categories.push(primary);
    }
    let mut tags = Names::default();
    let mut extra = serde_json::Map::new();
    for &(key, value) in &raw.fields {
        match key {
            "CATEGORY" => categories.push(value),
            "TAGS" => split_tags(value).iter().for_each(|tag| tags.push(tag)),
            "TITLE" | "AUTHOR" | "STATUS" | "DATE" | "PRIMARY CATEGORY" | "ALLOW COMMENTS"
            | "ALLOW PINGS" | "NO ENTRY" => {}
            _ if value.is_empty() => {}
            _ => {
                let name = key.to_ascii_lowercase().replace(' ', "_");
                extra.insert(name, Value::String(value.to_owned()));
            }
        }
    }
    for (name, text) in [("excerpt", &raw.excerpt), ("keywords", &raw.keywords)] {
        if let Some(text) = text.as_deref().filter(|t| !t.is_empty()) {
            extra.insert(name.to_owned(), Value::String(text.to_owned()));
        }
    }
    post.categories = categories.into_vec();
    post.tags = tags.into_vec();
    post.url = raw
        .basename()
        .map(|basename| url(&file.site.base_url, host, basename, date))
        .unwrap_or_default();
    post.body = body;
    post.extra = extra;
    Ok(Ok(post))
}

/// `M/D/YYYY h:mm[:ss] [AM|PM]`, as Movable Type's importer reads it (it
/// also takes a two-digit year as 19YY).
pub(crate) fn parse_date(value: &str) -> Option<NaiveDateTime> {
    let mut words = value.split_whitespace();
    let (day, time, meridiem) = (words.next()?, words.next()?, words.next());
    if words.next().is_some() {
        return None;
    }
    let number = |s: &str, max_len: usize| -> Option<u32> {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let mut parts = day.split('/');
    let month = number(parts.next()?, 2)?;
    let mday = number(parts.next()?, 2)?;
    let year_text = parts.next()?;
    let year = match year_text.len() {
        2 => 1900 + number(year_text, 2)?,
        4 => number(year_text, 4)?,
        _ => return None,
    };
    let mut parts = time.split(':');
    let mut hour = number(parts.next()?, 2)?;
    let minute = number(parts.next()?, 2)?;
    let second = parts.next().map_or(Some(0), |s| number(s, 2))?;
    if parts.next().is_some() {
        return None;
    }
    match meridiem {
        None => {}
        Some(m) if m.eq_ignore_ascii_case("AM") && (1..=12).contains(&hour) => hour %= 12,
        Some(m) if m.eq_ignore_ascii_case("PM") && (1..=12).contains(&hour) => {
            hour = hour % 12 + 12;
        }
        Some(_) => return None,
    }
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, mday)?
        .and_hms_opt(hour, minute, second)
}

/// The tags of a `TAGS` value; see the module docs.
fn split_tags(value: &str) -> Vec<String> {
    let mut in_quotes = false;
    let has_comma = value.chars().any(|c| {
        if c == '"' {
            in_quotes = !in_quotes;
        }
        c == ',' && !in_quotes
    });
    let mut tags = Vec::new();
    let mut tag = String::new();
    in_quotes = false;
    for c in value.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => tags.push(std::mem::take(&mut tag)),
            c if c.is_whitespace() && !in_quotes && !has_comma => {
                tags.push(std::mem::take(&mut tag));
            }
            c => tag.push(c),
        }
    }
    tags.push(tag);
    tags
}

/// The first line of the body's text, cut at [`TITLE_FROM_BODY`] characters.
fn title_from_body(body: &str) -> Option<String> {
    let line = body.lines().find_map(clean_text)?;
    if line.chars().count() <= TITLE_FROM_BODY {
        return Some(line);
    }
    let mut cut: String = line.chars().take(TITLE_FROM_BODY).collect();
    cut.push('…');
    Some(cut)
}

/// Hatena Blog's domains; an export named `HOST.export.txt` under one of
/// them is that blog's.
const HATENA_DOMAINS: &[&str] = &[
    "hatenablog.com",
    "hatenablog.jp",
    "hateblo.jp",
    "hatenadiary.com",
    "hatenadiary.jp",
];

/// The blog host of a Hatena export, from its file name.
fn hatena_host(id: &str) -> Option<&str> {
    let name = id.rsplit('/').next().unwrap_or(id);
    let host = name.strip_suffix(".export.txt")?;
    HATENA_DOMAINS
        .iter()
        .any(|domain| {
            host.strip_suffix(domain)
                .is_some_and(|sub| sub.ends_with('.') && sub.len() > 1)
        })
        .then_some(host)
}

/// The URL of an entry; see the module docs.
fn url(
    base_url: &str,
    host: Option<&str>,
    basename: &str,
    date: Option<DateTime<FixedOffset>>,
) -> String {
    if host.is_some() || basename.contains('/') {
        let base = match host {
            Some(host) if base_url.is_empty() => format!("https://{host}"),
            _ => base_url.to_owned(),
        };
        return format!("{base}/entry/{}", basename.trim_start_matches('/'));
    }
    match date {
        Some(date) => format!(
            "{base_url}/{:04}/{:02}/{basename}.html",
            date.year(),
            date.month()
        ),
        None => format!("{base_url}/{basename}.html"),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};

    use super::*;
    use crate::format::testing::{golden, outline, posts, read_with, site};
    use crate::format::{Site, SiteKind};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    const HATENA: &str = include_str!(
        "../../../../tests/fixtures/formats/movable-type/example.hatenablog.com.export.txt"
    );
    const LIVEDOOR_SJIS: &[u8] =
        include_bytes!("../../../../tests/fixtures/formats/movable-type-sjis/livedoor.export.txt");
    const FC2_EUCJP: &[u8] =
        include_bytes!("../../../../tests/fixtures/formats/movable-type-eucjp/fc2.export.txt");

    fn read_text(id: &str, text: &str) -> Result<Vec<Entry>, PostError> {
        read_with(read, &site(SiteKind::Plain), id, text)
    }

    fn ids(entries: &[Entry]) -> Vec<&str> {
        entries
            .iter()
            .filter_map(|entry| match entry {
                Entry::Post(post) => Some(post.id.as_str()),
                Entry::Skipped { id, .. } | Entry::Failed { id, .. } => Some(id.as_str()),
                Entry::Truncated { .. } => None,
            })
            .collect()
    }

    #[test]
    fn movable_type_hatena_export_golden() -> TestResult {
        let entries = read_text("example.hatenablog.com.export.txt", HATENA)?;
        insta::assert_snapshot!(golden(&entries));
        Ok(())
    }

    #[test]
    fn movable_type_livedoor_shift_jis_golden() -> TestResult {
        let decoded = crate::encoding::decode(LIVEDOOR_SJIS)?;
        assert_eq!(decoded.encoding, Some("Shift_JIS"));
        let entries = read_text("livedoor.export.txt", &decoded.text)?;
        insta::assert_snapshot!(golden(&entries));
        Ok(())
    }

    #[test]
    fn movable_type_fc2_euc_jp_golden() -> TestResult {
        let decoded = crate::encoding::decode(FC2_EUCJP)?;
        assert_eq!(decoded.encoding, Some("EUC-JP"));
        let entries = read_text("fc2.export.txt", &decoded.text)?;
        insta::assert_snapshot!(golden(&entries));
        Ok(())
    }

    #[test]
    fn movable_type_sniff_claims_exports_only() {
        assert!(sniff(HATENA));
        let site = site(SiteKind::Plain);
        assert_eq!(
            crate::format::detect(&site, "example.hatenablog.com.export.txt", HATENA),
            Some(crate::format::Format::MovableType)
        );
        assert_eq!(
            crate::format::detect(&site, "notes.txt", "買い物: 牛乳\n"),
            None
        );
        assert!(sniff(
            "\n\nTITLE: x\r\nDATE: 01/02/2009 10:00:00\r\n-----\r\nBODY:\r\n"
        ));
        // No known key, prose before the keys, or no `-----` line.
        assert!(!sniff("FOO: bar\n-----\n"));
        assert!(!sniff("今日は TITLE: x\n-----\n"));
        assert!(!sniff("Title: x\n-----\n"));
        assert!(!sniff("TITLE: x\nDATE: 01/02/2009 10:00:00\n"));
        assert!(!sniff("---\ntitle: x\n---\n"));
    }

    #[test]
    fn movable_type_last_entry_without_terminator_is_read() -> TestResult {
        let text = "TITLE: 一つ目\nBASENAME: one\n-----\nBODY:\n<p>一</p>\n-----\n--------\n\
                    TITLE: 二つ目\nBASENAME: two\n-----\nBODY:\n<p>二</p>\n-----\n";
        let entries = read_text("blog.txt", text)?;
        assert_eq!(ids(&entries), ["blog.txt#one", "blog.txt#two"]);
        let two = posts(&entries)[1];
        assert_eq!(two.title, "二つ目");
        assert_eq!(two.body, "二\n");
        // Without even the last `-----`, the body still ends at the file's end.
        let entries = read_text("blog.txt", "TITLE: 最後\n-----\nBODY:\n<p>終わり</p>")?;
        assert_eq!(posts(&entries)[0].body, "終わり\n");
        // Trailing blank lines after the last `--------` are no entry.
        assert_eq!(
            read_text("blog.txt", &format!("{text}--------\n\n\n"))?.len(),
            2
        );
        Ok(())
    }

    #[test]
    fn movable_type_same_basename_twice_gets_distinct_stable_ids() -> TestResult {
        let first = read_text("example.hatenablog.com.export.txt", HATENA)?;
        let again = read_text("example.hatenablog.com.export.txt", HATENA)?;
        assert_eq!(ids(&first), ids(&again));
        let same: Vec<&str> = ids(&first)
            .into_iter()
            .filter(|id| id.contains("same-name"))
            .collect();
        assert_eq!(
            same,
            [
                "example.hatenablog.com.export.txt#same-name@2019-04-01T09:00:00",
                "example.hatenablog.com.export.txt#same-name@2019-04-02T18:45:00",
            ]
        );
        // Unique basenames stay plain; no basename uses the date; neither
        // uses the position; equal keys get `~N` in file order.
        let text = "TITLE: a\nBASENAME: x\nDATE: 01/01/2020 10:00:00\n-----\n--------\n\
                    TITLE: b\nDATE: 01/01/2020 10:00:00\n-----\n--------\n\
                    TITLE: c\nDATE: 01/01/2020 10:00:00\n-----\n--------\n\
                    TITLE: d\n-----\n";
        assert_eq!(
            ids(&read_text("f.txt", text)?),
            [
                "f.txt#x",
                "f.txt#@2020-01-01T10:00:00",
                "f.txt#@2020-01-01T10:00:00~2",
                "f.txt#entry-4",
            ]
        );
        Ok(())
    }

    #[test]
    fn movable_type_comments_and_pings_are_not_the_post() -> TestResult {
        let entries = read_text("example.hatenablog.com.export.txt", HATENA)?;
        let post = posts(&entries)[0];
        assert!(post.body.contains("懇親会"), "{}", post.body);
        for word in [
            "カピバラ",
            "アルマジロ",
            "通りすがり",
            "visitor@example.com",
            "勉強会の参加記録",
        ] {
            assert!(!post.body.contains(word), "{word} in {}", post.body);
        }
        assert_eq!(
            post.extra.get("excerpt"),
            Some(&Value::from("勉強会の参加記録。"))
        );
        Ok(())
    }

    #[test]
    fn movable_type_dates_without_zone_are_in_the_site_zone() -> TestResult {
        let text = "TITLE: t\nBASENAME: b\nDATE: 07/11/2009 11:59:00 PM\n-----\nBODY:\nx\n-----\n";
        let entries = read_text("blog.txt", text)?;
        let date = posts(&entries)[0].date.map(|d| d.to_rfc3339());
        assert_eq!(date.as_deref(), Some("2009-07-11T23:59:00+09:00"));

        let new_york = Site::fixture(SiteKind::Plain, chrono_tz::America::New_York);
        let entries = read_with(read, &new_york, "blog.txt", text)?;
        let date = posts(&entries)[0].date.map(|d| d.to_rfc3339());
        assert_eq!(date.as_deref(), Some("2009-07-11T23:59:00-04:00"));
        // The id does not depend on the zone.
        assert_eq!(ids(&entries), ["blog.txt#b"]);
        Ok(())
    }

    #[test]
    fn movable_type_date_forms() {
        let at = |y, m, d, h, mi, s| {
            NaiveDate::from_ymd_opt(y, m, d).and_then(|d| d.and_hms_opt(h, mi, s))
        };
        assert_eq!(
            parse_date("01/31/2002 03:31:05 PM"),
            at(2002, 1, 31, 15, 31, 5)
        );
        assert_eq!(
            parse_date("01/31/2002 12:00:00 AM"),
            at(2002, 1, 31, 0, 0, 0)
        );
        assert_eq!(
            parse_date("01/31/2002 12:00:00 pm"),
            at(2002, 1, 31, 12, 0, 0)
        );
        assert_eq!(parse_date("1/5/2019 9:05"), at(2019, 1, 5, 9, 5, 0));
        assert_eq!(
            parse_date("01/05/2019 21:34:56"),
            at(2019, 1, 5, 21, 34, 56)
        );
        assert_eq!(parse_date("01/05/99 10:00:00"), at(1999, 1, 5, 10, 0, 0));
        for bad in [
            "2019-01-05 10:00:00",
            "13/01/2019 10:00:00",
            "01/05/2019 13:00:00 PM",
            "01/05/2019",
            "01/05/2019 10:00:00 XM",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        let entries = read_text("b.txt", "TITLE: t\nDATE: yesterday\n-----\n");
        assert!(matches!(
            entries.as_deref(),
            Ok([Entry::Failed {
                error: PostError::Field { field: "DATE", .. },
                ..
            }])
        ));
    }

    #[test]
    fn movable_type_tags_quotes_and_separators() {
        assert_eq!(
            split_tags("\"Movable Type\" 日記  blog"),
            ["Movable Type", "日記", "", "blog"]
        );
        assert_eq!(
            split_tags("\"Movable Type\",\"a, b\",c d"),
            ["Movable Type", "a, b", "c d"]
        );
    }

    #[test]
    fn movable_type_convert_breaks_modes() -> TestResult {
        let body = |mode: &str, source: &str| -> Result<String, PostError> {
            let text = format!("TITLE: t\nCONVERT BREAKS: {mode}\n-----\nBODY:\n{source}\n-----\n");
            Ok(posts(&read_text("b.txt", &text)?)[0].body.clone())
        };
        let plain = "一行目\n二行目\n\n<div>ブロック</div>\n\n*星*";
        assert_eq!(body("1", plain)?, "一行目\n二行目\nブロック\n*星*\n");
        assert_eq!(body("__default__", plain)?, body("1", plain)?);
        assert_eq!(body("0", plain)?, "一行目 二行目\nブロック\n*星*\n");
        assert_eq!(body("markdown", plain)?, "一行目 二行目\nブロック\n星\n");
        Ok(())
    }

    #[test]
    fn movable_type_status_and_title_fallback() -> TestResult {
        let text = "TITLE: a\nSTATUS: Review\n-----\n--------\n\
                    NO ENTRY: 1\nDATE: 01/01/2020 10:00:00\n-----\nCOMMENT:\nx\n-----\n--------\n\
                    TITLE:\nSTATUS: publish\n-----\nBODY:\n<p>本文の最初の行がタイトルになる</p><p>次</p>\n-----\n--------\n\
                    TITLE:\n-----\n--------\n\
                    just prose\n-----\n";
        let entries = read_text("b.txt", text)?;
        assert_eq!(
            outline(&entries),
            [
                "skipped b.txt#entry-1: draft: `STATUS: Review`",
                "skipped b.txt#@2020-01-01T10:00:00: not a post: `NO ENTRY`: comments for an entry imported before",
                "post b.txt#entry-3",
                "post b.txt#entry-4",
                "failed b.txt#entry-5: looks like a Movable Type export, but this entry has no known `KEY: value` line and no `BODY:` section",
            ]
        );
        let read = posts(&entries);
        assert_eq!(read[0].title, "本文の最初の行がタイトルになる");
        assert_eq!(read[1].title, "(無題)");
        assert!(matches!(
            read_text("b.txt", "--------\n\n--------\n"),
            Err(PostError::Malformed { .. })
        ));
        Ok(())
    }

    #[test]
    fn movable_type_urls() {
        let d = chrono_tz::Asia::Tokyo
            .with_ymd_and_hms(2019, 1, 5, 12, 0, 0)
            .single()
            .map(|d| d.fixed_offset());
        let host = hatena_host("exports/example.hatenablog.com.export.txt");
        assert_eq!(host, Some("example.hatenablog.com"));
        assert_eq!(hatena_host("hatenablog.com.export.txt"), None);
        assert_eq!(hatena_host("example.com.export.txt"), None);
        assert_eq!(
            url("", host, "2019/01/05/123456", d),
            "https://example.hatenablog.com/entry/2019/01/05/123456"
        );
        assert_eq!(
            url("https://blog.example.jp", host, "custom-path", d),
            "https://blog.example.jp/entry/custom-path"
        );
        assert_eq!(
            url("", None, "2019/01/05/123456", d),
            "/entry/2019/01/05/123456"
        );
        assert_eq!(
            url("https://example.com/blog", None, "hello", d),
            "https://example.com/blog/2019/01/hello.html"
        );
        assert_eq!(url("", None, "hello", None), "/hello.html");
    }
}
