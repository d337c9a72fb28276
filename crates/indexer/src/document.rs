//! A parsed post, analysed, as a Tantivy document.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use sagasu_analyzer::{Analysis, Analyzer, normalize_key};
use tantivy::schema::{Field, OwnedValue};
use tantivy::{DateTime, TantivyDocument};

use crate::post::Post;
use crate::schema::{FACET_SEPARATOR, Fields};
use crate::{Error, Result, tokens};

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

/// Builds the document for `post`, read from the file version `stamp`.
pub(crate) fn build(
    analyzer: &Analyzer,
    fields: &Fields,
    post: Post,
    stamp: FileStamp,
) -> Result<TantivyDocument> {
    let analysis_error = |source| Error::Analysis {
        path: post.path.clone().into(),
        source,
    };
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
    doc.add_text(fields.path, &post.path);
    doc.add_u64(fields.hash, stamp.hash);
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
        let stored = to_tantivy_date(date).ok_or_else(|| Error::Field {
            path: post.path.clone().into(),
            field: "date",
            message: format!("{date} is outside the dates sagasu can store (1678 to 2261)"),
        })?;
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
