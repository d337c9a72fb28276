//! The bundle's files, and writing only those that changed.
//!
//! | file | holds | fetched |
//! |---|---|---|
//! | `index.json` | the manifest: counts, field lengths, dates, tags and categories of every post | on the first search |
//! | `t/<bucket>.json` | the postings of the terms whose hash falls in the bucket, every field | per query term |
//! | `w/<bucket>.json` | the lexicon entries whose first character hashes to the bucket | per query character |
//! | `p/<post>.json` | one post's display data and text for snippets | per hit shown |
//! | `sagasu.js`, `widget.js`, `widget.css` | the engine and the widget | once |
//!
//! Buckets are chosen by a stable hash of the term (FNV-1a of its UTF-8),
//! so one new post changes the buckets of its own terms and no others.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;
use serde_json::{Value, json};

use crate::lexicon::Lexicon;
use crate::read::{Corpus, FIELDS, FieldTerms, Posting};
use crate::{Error, Result};

/// Version of the bundle format, which `sagasu.js` checks.
pub(crate) const FORMAT: u32 = 2;

/// The manifest's name, whose presence marks a directory as a bundle.
pub(crate) const MANIFEST: &str = "index.json";

/// Folders of chunk files, which a rebuild owns entirely.
const CHUNK_DIRS: [&str; 3] = ["t", "w", "p"];

/// Prefix of the character keys of the bigram fields: `\u{1}^c` lists the
/// bigrams starting with `c`, `\u{1}$c` those ending with it, for a query
/// whose run has a character alone at one end.
const STARTS: &str = "\u{1}^";
const ENDS: &str = "\u{1}$";

/// Average bytes of a term bucket and of a lexicon bucket that bucket
/// counts aim at.
const TERM_BUCKET_BYTES: usize = 24 * 1024;
const WORD_BUCKET_BYTES: usize = 8 * 1024;

/// FNV-1a over UTF-8, as `sagasu.js` computes it.
pub(crate) fn fnv1a(text: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in text.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// The files of a bundle, by path relative to its root.
pub(crate) type Files = BTreeMap<String, Vec<u8>>;

/// Lays out `corpus` and `lexicon` as files.
pub(crate) fn files(corpus: &Corpus, lexicon: &Lexicon) -> Result<Files> {
    let mut files = Files::new();
    let mut terms = corpus.terms.clone();
    for field in ["tb", "bb"] {
        if let Some(index) = FIELDS.iter().position(|(key, _, _)| *key == field) {
            let keys = character_keys(&terms[index]);
            terms[index].extend(keys);
        }
    }
    // Every term's postings, as the flat arrays `sagasu.js` decodes.
    let mut by_term: BTreeMap<&str, serde_json::Map<String, Value>> = BTreeMap::new();
    let mut bytes = 0;
    for (index, field) in terms.iter().enumerate() {
        let (key, _, with_positions) = FIELDS[index];
        for (term, list) in field {
            let encoded = encode(list, with_positions);
            bytes += term.len() + encoded.len() * 3;
            by_term
                .entry(term)
                .or_default()
                .insert(key.to_owned(), Value::from(encoded));
        }
    }
    let term_buckets = bucket_count(bytes, TERM_BUCKET_BYTES);
    let mut buckets: BTreeMap<u32, serde_json::Map<String, Value>> = BTreeMap::new();
    for (term, fields) in by_term {
        buckets
            .entry(fnv1a(term) % term_buckets)
            .or_default()
            .insert(term.to_owned(), Value::Object(fields));
    }
    for (bucket, map) in buckets {
        files.insert(format!("t/{bucket:x}.json"), to_json(&Value::Object(map))?);
    }

    let bytes = lexicon.keys().map(|surface| surface.len() + 16).sum();
    let word_buckets = bucket_count(bytes, WORD_BUCKET_BYTES);
    let mut buckets: BTreeMap<u32, BTreeMap<&str, Value>> = BTreeMap::new();
    for (surface, (entry, count)) in lexicon {
        let Some(first) = surface.chars().next() else {
            continue;
        };
        let value = json!([entry.query, entry.flags, entry.width, count]);
        buckets
            .entry(fnv1a(first.encode_utf8(&mut [0; 4])) % word_buckets)
            .or_default()
            .insert(surface, value);
    }
    for (bucket, map) in buckets {
        files.insert(format!("w/{bucket:x}.json"), to_json(&json!(map))?);
    }

    for (number, post) in corpus.posts.iter().enumerate() {
        let value = json!({
            "id": post.id,
            "path": post.path,
            "title": post.title,
            "url": post.url,
            "author": post.author,
            "tags": post.tags,
            "categories": post.categories,
            "body": post.body,
        });
        files.insert(format!("p/{number}.json"), to_json(&value)?);
    }

    files.insert(
        MANIFEST.to_owned(),
        to_json(&manifest(corpus, lexicon, term_buckets, word_buckets))?,
    );
    Ok(files)
}

/// Distinct `(key, spelling)` names of one kind, and each one's index.
type Labels = (Vec<(String, String)>, FxHashMap<(String, String), usize>);

/// The manifest: what every search needs before it fetches terms.
fn manifest(corpus: &Corpus, lexicon: &Lexicon, term_buckets: u32, word_buckets: u32) -> Value {
    let posts = corpus.posts.len().max(1) as f64;
    let average: Vec<f64> = corpus
        .totals
        .iter()
        .map(|&total| total as f64 / posts)
        .collect();
    let mut labels: BTreeMap<&str, Labels> = BTreeMap::new();
    let mut of_post = |kind: &'static str, names: &[String]| -> Vec<usize> {
        let (list, index) = labels.entry(kind).or_default();
        names
            .iter()
            .map(|name| {
                let pair = (sagasu_analyzer::normalize_key(name), name.clone());
                *index.entry(pair.clone()).or_insert_with(|| {
                    list.push(pair);
                    list.len() - 1
                })
            })
            .collect()
    };
    let post_tags: Vec<Vec<usize>> = corpus
        .posts
        .iter()
        .map(|p| of_post("tags", &p.tags))
        .collect();
    let post_categories: Vec<Vec<usize>> = corpus
        .posts
        .iter()
        .map(|p| of_post("categories", &p.categories))
        .collect();
    let names = |kind: &str| -> Vec<(String, String)> {
        labels
            .get(kind)
            .map(|(list, _)| list.clone())
            .unwrap_or_default()
    };
    json!({
        "format": FORMAT,
        "posts": corpus.posts.len(),
        "fields": FIELDS.iter().map(|(key, _, _)| *key).collect::<Vec<_>>(),
        "term_buckets": term_buckets,
        "word_buckets": word_buckets,
        // Occurrences of the lexicon's words, which weigh their counts.
        "word_total": lexicon.values().map(|(_, count)| count).sum::<u64>(),
        "average": average,
        "dates": corpus.posts.iter().map(|post| post.date).collect::<Vec<_>>(),
        "norms": corpus.norms,
        "tags": names("tags"),
        "categories": names("categories"),
        "post_tags": post_tags,
        "post_categories": post_categories,
        "romaji": sagasu_analyzer::ROMAJI,
    })
}

/// The character keys of a bigram field (see [`STARTS`]).
fn character_keys(terms: &FieldTerms) -> FieldTerms {
    let mut keys: FxHashMap<String, BTreeMap<u32, Vec<u32>>> = FxHashMap::default();
    for (term, list) in terms {
        let mut chars = term.chars();
        let (Some(first), last) = (chars.next(), chars.next_back()) else {
            continue;
        };
        if chars.next().is_some() || term.bytes().all(|b| b.is_ascii_alphanumeric()) {
            continue;
        }
        let last = last.unwrap_or(first);
        for key in [format!("{STARTS}{first}"), format!("{ENDS}{last}")] {
            let merged = keys.entry(key).or_default();
            for posting in list {
                merged
                    .entry(posting.post)
                    .or_default()
                    .extend(&posting.positions);
            }
        }
    }
    keys.into_iter()
        .map(|(key, posts)| {
            let list = posts
                .into_iter()
                .map(|(post, mut positions)| {
                    positions.sort_unstable();
                    positions.dedup();
                    Posting {
                        post,
                        frequency: u32::try_from(positions.len()).unwrap_or(u32::MAX),
                        positions,
                    }
                })
                .collect();
            (key, list)
        })
        .collect()
}

/// `post delta, frequency[, position deltas…]` per posting.
fn encode(list: &[Posting], with_positions: bool) -> Vec<u32> {
    let mut out = Vec::new();
    let mut previous = 0;
    for posting in list {
        out.push(posting.post - previous);
        previous = posting.post;
        out.push(posting.frequency);
        if with_positions {
            let mut at = 0;
            for &position in &posting.positions {
                out.push(position - at);
                at = position;
            }
        }
    }
    out
}

/// A power of two giving buckets of about `target` bytes, at least 1.
fn bucket_count(bytes: usize, target: usize) -> u32 {
    let wanted = (bytes / target).max(1).next_power_of_two();
    u32::try_from(wanted).unwrap_or(1 << 16).min(1 << 16)
}

fn to_json(value: &Value) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|source| Error::Read(source.into()))
}

/// What a write changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Written {
    /// Files written because they are new or changed.
    pub written: usize,
    /// Files left alone: their content was already there.
    pub unchanged: usize,
    /// Files of an earlier bundle that no longer belong.
    pub removed: usize,
    /// Bytes of the whole bundle.
    pub bytes: u64,
}

/// Writes `files` under `out`, leaving files with the same content
/// untouched and removing chunk files that no longer belong.
pub(crate) fn write(out: &Path, files: &Files) -> Result<Written> {
    let write_error = |path: PathBuf| move |source| Error::Write { path, source };
    if out.is_dir() && !out.join(MANIFEST).is_file() {
        let mut entries = std::fs::read_dir(out).map_err(write_error(out.to_path_buf()))?;
        if entries.next().is_some() {
            return Err(Error::NotABundle {
                path: out.to_path_buf(),
            });
        }
    }
    let mut written = Written::default();
    for (name, bytes) in files {
        let path = out.join(name);
        written.bytes += bytes.len() as u64;
        if std::fs::read(&path).is_ok_and(|old| old == *bytes) {
            written.unchanged += 1;
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(write_error(parent.to_path_buf()))?;
        }
        std::fs::write(&path, bytes).map_err(write_error(path.clone()))?;
        written.written += 1;
    }
    for dir in CHUNK_DIRS {
        let Ok(entries) = std::fs::read_dir(out.join(dir)) else {
            continue;
        };
        for entry in entries.filter_map(std::result::Result::ok) {
            let name = format!("{dir}/{}", entry.file_name().to_string_lossy());
            if !files.contains_key(&name) {
                let path = entry.path();
                std::fs::remove_file(&path).map_err(write_error(path.clone()))?;
                written.removed += 1;
            }
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
        assert_eq!(fnv1a("foobar"), 0xbf9c_f968);
    }

    #[test]
    fn postings_are_delta_encoded() {
        let list = [
            Posting {
                post: 3,
                frequency: 2,
                positions: vec![4, 9],
            },
            Posting {
                post: 7,
                frequency: 1,
                positions: vec![2],
            },
        ];
        assert_eq!(encode(&list, true), [3, 2, 4, 5, 4, 1, 2]);
        assert_eq!(encode(&list, false), [3, 2, 4, 1]);
    }
}
