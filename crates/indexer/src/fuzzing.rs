//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz with
//! libFuzzer). Each runs one parser on arbitrary input as indexing runs it,
//! and panics when its output breaks a promise the rest of the indexer
//! relies on; a crash, a hang or a runaway allocation is a finding.
//!
//! Not part of the API: hidden from the docs, and it changes with the
//! parsers. The server and search crates have their own `fuzzing` module.

use chrono::Datelike;

use crate::date;
use crate::format::{self, Entry, Site, SiteKind, SourceFile};
use crate::front_matter::{self, Separator};
use crate::post::Names;
use crate::text::{Markup, body_text};

/// Splits `text` at its front matter and parses the block, then takes the
/// values every format takes (title, date, tags, categories) and turns the
/// rest into the post's JSON `extra`.
pub fn front_matter(text: &str) {
    let Ok(split) = front_matter::split(text) else {
        return;
    };
    assert!(text.ends_with(split.body), "the body is the text's end");
    let Ok(mut block) = front_matter::parse(&split) else {
        return;
    };
    for key in ["title", "date"] {
        if let Some(value) = block.take(key) {
            let _ = front_matter::scalar_text(value);
        }
    }
    for (key, separator) in [
        ("tags", Separator::SpaceOrComma),
        ("categories", Separator::Comma),
    ] {
        if let Some(value) = block.take_ci(key) {
            let mut names = Names::default();
            if front_matter::extend_names(&mut names, value, separator).is_ok() {
                let names = names.into_vec();
                let unique: std::collections::HashSet<&String> = names.iter().collect();
                assert_eq!(unique.len(), names.len(), "names are de-duplicated");
            }
        }
    }
    // The API returns the extra fields as JSON text. (Read back by
    // serde_json, a float may differ in its last digit: its default parser
    // is not exact, which the fuzzer found; clients parse with their own.)
    let extra = serde_json::Value::Object(block.into_extra());
    let text = extra.to_string();
    assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_ok(),
        "{text}"
    );
}

/// Parses `text` as every date form sources write: front matter and export
/// dates, the `YYYY-MM-DD-` file-name prefix and Movable Type's
/// `MM/DD/YYYY hh:mm:ss AM`. A date read is placed in a site's zone (one
/// without daylight saving time and one with), and written back in its own
/// form it reads as the same date.
pub fn dates(text: &str) {
    for zone in [chrono_tz::Asia::Tokyo, chrono_tz::America::New_York] {
        dates_in(text, &Site::fixture(SiteKind::Plain, zone));
    }
}

fn dates_in(text: &str, site: &Site) {
    if let Some(written) = date::parse_front_matter_date(text) {
        let placed = written.in_site(site);
        crate::to_tantivy_date(placed.naive_local());
        let _ = placed.to_rfc3339();
        let rewritten = match written.offset {
            Some(offset) => format!(
                "{} {}",
                written.local.format("%Y-%m-%dT%H:%M:%S%.f"),
                offset
            ),
            None => written.local.format("%Y-%m-%dT%H:%M:%S%.f").to_string(),
        };
        if (0..=9999).contains(&written.local.year()) {
            assert_eq!(
                date::parse_front_matter_date(&rewritten),
                Some(written),
                "{text:?} read as {rewritten:?}"
            );
        }
    }
    let (day, slug) = date::split_file_name_date(text);
    assert!(text.ends_with(slug), "the slug is the stem's end");
    if let Some(day) = day {
        date::in_zone(day.and_time(chrono::NaiveTime::MIN), site);
    }
    if let Some(local) = format::movable_type::parse_date(text) {
        date::in_zone(local, site);
        let rewritten = local.format("%m/%d/%Y %I:%M:%S %p").to_string();
        assert_eq!(
            format::movable_type::parse_date(&rewritten),
            Some(local),
            "{text:?} read as {rewritten:?}"
        );
    }
}

/// The plain text of `body` read as Markdown and as HTML: never a leading
/// line break or trailing whitespace, and a final `\n` unless empty.
pub fn body(body: &str) {
    for markup in [Markup::Markdown, Markup::Html] {
        let Ok(text) = body_text(body, markup) else {
            continue;
        };
        if text.is_empty() {
            continue;
        }
        assert!(!text.starts_with('\n'), "{markup:?}: {text:?}");
        let line = text.strip_suffix('\n');
        assert!(
            line.is_some_and(|line| !line.ends_with(char::is_whitespace)),
            "{markup:?}: {text:?}"
        );
    }
}

/// Reads `bytes` as the file `id` of a site of `kind` in Asia/Tokyo, as an
/// indexing run does: decoded, claimed by the format table, read into
/// entries. Every post read has a title, an id within its file and no
/// repeated names. (A URL that is not http(s) or relative is dropped later,
/// as the post is indexed.)
pub fn file(kind: SiteKind, id: &str, bytes: &[u8]) {
    let site = &Site::fixture(kind, chrono_tz::Asia::Tokyo);
    let Ok(decoded) = crate::encoding::decode(bytes) else {
        return;
    };
    let Some(format) = format::detect(site, id, &decoded.text) else {
        return;
    };
    let source = SourceFile {
        id,
        text: &decoded.text,
        site,
    };
    let Ok(entries) = format::read(format, &source) else {
        return;
    };
    for entry in entries {
        let Entry::Post(post) = entry else {
            continue;
        };
        assert!(!post.title.trim().is_empty(), "a post has a title");
        assert_eq!(post.file, id);
        assert!(post.id.starts_with(id), "{} in {id}", post.id);
        for names in [&post.tags, &post.categories] {
            let unique: std::collections::HashSet<&String> = names.iter().collect();
            assert_eq!(unique.len(), names.len(), "{names:?} are de-duplicated");
        }
        if let Some(date) = post.date {
            crate::to_tantivy_date(date.naive_local());
            let _ = date.to_rfc3339();
        }
        let _ = post.check();
    }
}
