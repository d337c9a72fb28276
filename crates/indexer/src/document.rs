//! A parsed post, analysed, as a Tantivy document.

use std::collections::BTreeMap;

use chrono::{DateTime as ChronoDateTime, FixedOffset, NaiveDateTime};
use sagasu_analyzer::{Analysis, Analyzer, normalize_key};
use tantivy::schema::{Field, OwnedValue};
use tantivy::{DateTime, TantivyDocument};

use crate::error::PostError;
use crate::format::Format;
use crate::post::Post;
use crate::schema::{FACET_SEPARATOR, Fields};
use crate::tokens;

/// What identifies the version of a post file that a document was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileStamp {
    /// xxh3 of the content.
    pub hash: u64,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, in nanoseconds since 1970.
    pub mtime: i64,
}

/// Builds the document for `post`, read by `format` from the file version
/// `stamp`; `post_hash` is its [`fingerprint`].
pub(crate) fn build(
    analyzer: &Analyzer,
    fields: &Fields,
    post: Post,
    format: Format,
    stamp: FileStamp,
    post_hash: u64,
) -> Result<TantivyDocument, PostError> {
    let analysis_error = PostError::Analysis;
    let title = analyzer
        .analyze_with_readings(&post.title)
        .map_err(analysis_error)?;
    let body = analyzer
        .analyze_with_readings(&post.body)
        .map_err(analysis_error)?;
    // Tag and category names are searchable words too; a line break keeps
    // one name's words from forming a phrase with the next name's.
    let labels = post.tags.iter().chain(&post.categories).map(String::as_str);
    let labels = analyzer
        .analyze(&labels.collect::<Vec<_>>().join("\n"))
        .map_err(analysis_error)?;

    let mut doc = TantivyDocument::new();
    doc.add_text(fields.id, &post.id);
    doc.add_text(fields.file, &post.file);
    doc.add_text(fields.format, format.key());
    doc.add_u64(fields.hash, stamp.hash);
    doc.add_u64(fields.post_hash, post_hash);
    doc.add_u64(fields.size, stamp.size);
    doc.add_i64(fields.mtime, stamp.mtime);
    add_analysed(&mut doc, fields.title_terms, fields.title_bigrams, &title);
    add_analysed(&mut doc, fields.body_terms, fields.body_bigrams, &body);
    doc.add_text(fields.title_readings, encoded_tokens(&title.readings));
    doc.add_text(fields.body_readings, encoded_tokens(&body.readings));
    doc.add_text(fields.label_terms, encoded_terms(&labels));
    doc.add_text(fields.title, &post.title);
    doc.add_text(fields.body, &post.body);
    doc.add_text(fields.url, &post.url);
    if let Some(author) = &post.author {
        doc.add_text(fields.author, author);
    }
    if let Some(date) = post.date {
        let stored = to_tantivy_date(date.naive_local())
            .ok_or_else(|| PostError::DateOutOfRange(date.to_rfc3339()))?;
        doc.add_date(fields.date, stored);
    }
    add_names(
        &mut doc,
        fields.tag,
        fields.tag_facet,
        fields.tags,
        &post.tags,
    );
    add_names(
        &mut doc,
        fields.category,
        fields.category_facet,
        fields.categories,
        &post.categories,
    );
    if !post.extra.is_empty() {
        let extra: BTreeMap<String, OwnedValue> = post
            .extra
            .into_iter()
            .map(|(key, value)| (key, OwnedValue::from(value)))
            .collect();
        doc.add_object(fields.extra, extra);
    }
    Ok(doc)
}

/// What identifies a post's content: a hash of every field it is indexed
/// with.
pub(crate) fn fingerprint(post: &Post) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let date = post
        .date
        .map(|d: ChronoDateTime<FixedOffset>| d.to_rfc3339());
    for part in [
        post.id.as_str(),
        post.title.as_str(),
        date.as_deref().unwrap_or_default(),
        post.author.as_deref().unwrap_or_default(),
        post.url.as_str(),
        post.body.as_str(),
    ]
    .into_iter()
    .chain(post.tags.iter().map(String::as_str))
    .chain(["\u{0}categories"])
    .chain(post.categories.iter().map(String::as_str))
    {
        hasher.update(part.as_bytes());
        hasher.update(b"\0");
    }
    hasher.update(
        serde_json::Value::Object(post.extra.clone())
            .to_string()
            .as_bytes(),
    );
    hasher.digest()
}

/// A post's local wall-clock time, stored as if it were UTC: days and
/// ordering are what matter, and they stay as the blogger wrote them.
///
/// `None` outside what Tantivy can store (nanoseconds in an `i64`:
/// 1677-09-21 to 2262-04-11).
pub fn to_tantivy_date(date: NaiveDateTime) -> Option<DateTime> {
    let seconds = date.and_utc().timestamp();
    seconds
        .checked_mul(1_000_000_000)
        .map(DateTime::from_timestamp_nanos)
}

/// Adds the terms and the bigrams of `analysis`, encoded for the fields'
/// tokenizer. The original text lives in the stored `title`/`body` fields.
fn add_analysed(doc: &mut TantivyDocument, terms: Field, bigrams: Field, analysis: &Analysis) {
    doc.add_text(terms, encoded_terms(analysis));
    doc.add_text(bigrams, encoded_tokens(&analysis.bigrams));
}

fn encoded_tokens(list: &[sagasu_analyzer::Token]) -> String {
    let mut encoded = String::with_capacity(list.len() * 10);
    for token in list {
        tokens::encode(&mut encoded, token.position, &token.text);
    }
    encoded
}

fn encoded_terms(analysis: &Analysis) -> String {
    let mut encoded = String::with_capacity(analysis.terms.len() * 12);
    for term in &analysis.terms {
        tokens::encode(&mut encoded, term.position, &term.text);
    }
    encoded
}

fn add_names(
    doc: &mut TantivyDocument,
    key_field: Field,
    facet_field: Field,
    display_field: Field,
    names: &[String],
) {
    let mut keys = Vec::with_capacity(names.len());
    for name in names {
        let key = normalize_key(name);
        if key.is_empty() {
            continue;
        }
        doc.add_text(display_field, name);
        // Two spellings of one name (`aws`, `ＡＷＳ`) are one filter and
        // facet value: the post counts once, under its first spelling.
        if !keys.contains(&key) {
            doc.add_text(key_field, &key);
            doc.add_text(facet_field, format!("{key}{FACET_SEPARATOR}{name}"));
            keys.push(key);
        }
    }
}
