//! The bundle's files, and writing only those that changed.
//!
//! | file | holds | fetched |
//! |---|---|---|
//! | `index.json.gz` | the manifest: counts, field lengths, dates, tags and categories of every post | on the first search |
//! | `t/<bucket>.bin.gz` | the postings of the terms (and characters) whose hash falls in the bucket, every field | per query term and character |
//! | `w/<bucket>.json.gz` | the lexicon entries whose first character hashes to the bucket | per query character |
//! | `p/<post>.bin` | one post's display data and text for snippets | per hit shown |
//! | `p/dictionary.bin` | the start of every post's deflate stream | with the first hit shown |
//! | `sagasu.js`, `widget.js`, `widget.css` | the engine and the widget | once |
//!
//! Buckets are chosen by a stable hash of the term (FNV-1a of its UTF-8),
//! so one new post changes the buckets of its own terms and no others.
//!
//! The manifest and the chunk files of `t/` and `w/` are compressed with
//! gzip on disk, as a static host may send a file as it is, without
//! compressing it on the fly (`python3 -m http.server` does); the engine
//! inflates them with the browser's `DecompressionStream`, or reads them as
//! they are when a server already did (`Content-Encoding: gzip`). The gzip
//! header carries no time or name, so the same content gives the same bytes
//! and an unchanged chunk is not rewritten. Before format 3 the manifest
//! was `index.json`, which a write into an older bundle removes.
//!
//! A post (`p/`) is JSON compressed with raw deflate after a dictionary: the
//! first 32 KiB of the posts' JSON, oldest first (so a new post changes it
//! not). `p/dictionary.bin` is the deflate stream of the dictionary up to a
//! sync flush, and `p/<post>.bin` the rest of the stream that goes on with
//! the post, which refers back into the dictionary; the engine inflates the
//! two one after the other (`deflate-raw`) and drops the dictionary's bytes
//! (`dictionary` in the manifest). Alone, each post's gzip was a quarter
//! larger, the posts of a blog sharing their markup, names and words.
//!
//! `w/` is JSON inside the gzip. A term bucket (`t/`) is binary:
//! the header's length in bytes (4 bytes, little-endian), the header (JSON,
//! `[[term, field, bytes, field, bytes…]…]`: each term, the fields it
//! occurs in and the byte length of each posting list), then the posting
//! lists in the header's order. A posting list is LEB128 varints (7 bits a
//! byte, low bits first, the high bit set on every byte but the last): the
//! number of posts; per post, its number minus the previous post's; per
//! post, the term's frequency; and, in the fields with positions, per post,
//! each position minus the previous one (the first: minus 0).
//!
//! The bigram fields (`tb`, `bb`) hold no bigrams. An ASCII token is a term
//! as in the index; every other character has one posting list, whose
//! positions are `position << 2 | variant`: the position of the bigram the
//! character starts (for the last character of a run, the position after
//! the run's last bigram, which the index leaves empty), and the variant
//! 1 when the character starts its run of letters, plus 2 when it ends it
//! (3: a run of one character, which the index holds as that character).
//! The browser derives a bigram `ab` at `p` from `a` at `p`, not ending its
//! run, and `b` at `p + 1`; and, for a query whose run has a character
//! alone at one end, the bigrams starting with it at `p` (it at `p`, not
//! ending a run) and those ending with it at `p` (it at `p + 1`, not
//! starting a run), a run of one character counting as both, as the server
//! matches `c.?` and `.?c`. The characters take a third of the bytes the
//! bigrams took, with the lists of those start and end keys beside them.
//!
//! Format 3 introduced gzip (and `index.json.gz`), the binary term
//! buckets, the bigram fields as characters and the posts' dictionary;
//! format 2 stored bigrams and character keys, the manifest and each post
//! as plain JSON, the posting lists as arrays of numbers.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;
use serde_json::{Value, json};

use crate::lexicon::Lexicon;
use crate::read::{Corpus, FIELDS, FieldTerms, Posting};
use crate::{Error, Result};

/// Version of the bundle format, which `sagasu.js` checks.
pub(crate) const FORMAT: u32 = 3;

/// The manifest's name, whose presence marks a directory as a bundle.
pub(crate) const MANIFEST: &str = "index.json.gz";

/// The manifest's name before format 3, which marks a bundle to update too.
const OLD_MANIFEST: &str = "index.json";

/// Folders of chunk files, which a rebuild owns entirely.
const CHUNK_DIRS: [&str; 3] = ["t", "w", "p"];

/// Variant bits of a character's position in a bigram field: the
/// character starts its run, ends it (both for a run of one character).
/// Bigrams, and the bigrams that start or end with a character, are derived
/// from them in the browser.
const RUN_FIRST: u32 = 1;
const RUN_LAST: u32 = 2;

/// Average bytes before gzip of a term bucket (terms and varints) and of a
/// lexicon bucket (entries as JSON) that bucket counts aim at: about 6 KB
/// and 2 KB gzipped.
const TERM_BUCKET_BYTES: usize = 12 * 1024;
const WORD_BUCKET_BYTES: usize = 8 * 1024;

/// Bytes of the posts' dictionary: deflate looks back 32 KiB.
const DICTIONARY_BYTES: usize = 32 * 1024;

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

/// One term's posting lists: field key and varint bytes, per field it has.
type TermLists<'a> = Vec<(&'a str, Vec<u8>)>;

/// Lays out `corpus` and `lexicon` as files.
pub(crate) fn files(corpus: &Corpus, lexicon: &Lexicon) -> Result<Files> {
    let mut files = Files::new();
    let mut terms = corpus.terms.clone();
    for field in ["tb", "bb"] {
        if let Some(index) = FIELDS.iter().position(|(key, _, _)| *key == field) {
            terms[index] = characters(&terms[index], corpus.posts.len());
        }
    }
    // Every term's postings, as the varint lists `sagasu.js` decodes.
    let mut by_term: BTreeMap<&str, TermLists<'_>> = BTreeMap::new();
    let mut bytes = 0;
    for (index, field) in terms.iter().enumerate() {
        let (key, _, with_positions) = FIELDS[index];
        for (term, list) in field {
            let encoded = varints(&encode(list, with_positions));
            bytes += term.len() + encoded.len();
            by_term.entry(term).or_default().push((key, encoded));
        }
    }
    let term_buckets = bucket_count(bytes, TERM_BUCKET_BYTES);
    let mut buckets: BTreeMap<u32, Vec<(&str, TermLists<'_>)>> = BTreeMap::new();
    for (term, fields) in by_term {
        buckets
            .entry(fnv1a(term) % term_buckets)
            .or_default()
            .push((term, fields));
    }
    for (bucket, entries) in buckets {
        files.insert(
            format!("t/{bucket:x}.bin.gz"),
            gzip(&term_bucket(&entries)?)?,
        );
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
        files.insert(
            format!("w/{bucket:x}.json.gz"),
            gzip(&to_json(&json!(map))?)?,
        );
    }

    let mut posts = Vec::with_capacity(corpus.posts.len());
    for post in &corpus.posts {
        posts.push(to_json(&json!({
            "id": post.id,
            "path": post.path,
            "title": post.title,
            "url": post.url,
            "author": post.author,
            "tags": post.tags,
            "categories": post.categories,
            "body": post.body,
        }))?);
    }
    // The oldest posts, which a new post does not change.
    let mut dictionary = posts.concat();
    dictionary.truncate(DICTIONARY_BYTES);
    let (prefix, streams) = deflate_after(&dictionary, &posts)?;
    files.insert("p/dictionary.bin".to_owned(), prefix);
    for (number, stream) in streams.into_iter().enumerate() {
        files.insert(format!("p/{number}.bin"), stream);
    }

    files.insert(
        MANIFEST.to_owned(),
        gzip(&to_json(&manifest(
            corpus,
            lexicon,
            term_buckets,
            word_buckets,
            dictionary.len(),
        ))?)?,
    );
    Ok(files)
}

/// Distinct `(key, spelling)` names of one kind, and each one's index.
type Labels = (Vec<(String, String)>, FxHashMap<(String, String), usize>);

/// The manifest: what every search needs before it fetches terms.
fn manifest(
    corpus: &Corpus,
    lexicon: &Lexicon,
    term_buckets: u32,
    word_buckets: u32,
    dictionary: usize,
) -> Value {
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
        "dictionary": dictionary,
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

/// A bigram field's tokens as the characters they are made of (see
/// [`RUN_FIRST`]): each ASCII token stays a term, and each character of a
/// run of other characters gets a posting under its own name, whose
/// positions are `position << 2 | variant`.
fn characters(terms: &FieldTerms, posts: usize) -> FieldTerms {
    let is_ascii = |term: &str| term.bytes().all(|b| b.is_ascii_alphanumeric());
    // Per post, the positions that hold a token, sorted.
    let mut taken: Vec<Vec<u32>> = vec![Vec::new(); posts];
    for list in terms.values() {
        for posting in list {
            taken[posting.post as usize].extend(&posting.positions);
        }
    }
    for positions in &mut taken {
        positions.sort_unstable();
    }
    let mut out = FieldTerms::default();
    let mut chars: FxHashMap<char, BTreeMap<u32, Vec<u32>>> = FxHashMap::default();
    for (term, list) in terms {
        if is_ascii(term) {
            out.insert(term.clone(), list.clone());
            continue;
        }
        let mut letters = term.chars();
        let (Some(first), second) = (letters.next(), letters.next()) else {
            continue;
        };
        for posting in list {
            let here = &taken[posting.post as usize];
            let holds = |position: u32| here.binary_search(&position).is_ok();
            let mut occurs = |c: char, position: u32, variant: u32| {
                chars
                    .entry(c)
                    .or_default()
                    .entry(posting.post)
                    .or_default()
                    .push(position << 2 | variant);
            };
            for &position in &posting.positions {
                let Some(second) = second else {
                    occurs(first, position, RUN_FIRST | RUN_LAST);
                    continue;
                };
                let starts = position == 0 || !holds(position - 1);
                occurs(first, position, if starts { RUN_FIRST } else { 0 });
                if !holds(position + 1) {
                    occurs(second, position + 1, RUN_LAST);
                }
            }
        }
    }
    for (c, posts) in chars {
        let list = posts
            .into_iter()
            .map(|(post, mut positions)| {
                positions.sort_unstable();
                Posting {
                    post,
                    frequency: u32::try_from(positions.len()).unwrap_or(u32::MAX),
                    positions,
                }
            })
            .collect();
        out.insert(c.to_string(), list);
    }
    out
}

/// The number of posts, each post's number minus the previous one's, each
/// post's frequency, then (with positions) each post's position deltas:
/// numbers of one kind side by side, which gzip compresses better.
fn encode(list: &[Posting], with_positions: bool) -> Vec<u32> {
    let mut out = vec![u32::try_from(list.len()).unwrap_or(u32::MAX)];
    let mut previous = 0;
    for posting in list {
        out.push(posting.post - previous);
        previous = posting.post;
    }
    out.extend(list.iter().map(|posting| posting.frequency));
    if with_positions {
        for posting in list {
            let mut at = 0;
            for &position in &posting.positions {
                out.push(position - at);
                at = position;
            }
        }
    }
    out
}

/// Each number as a LEB128 varint: 7 bits a byte, low bits first, the high
/// bit set on every byte but the last.
fn varints(numbers: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(numbers.len());
    for &number in numbers {
        let mut rest = number;
        while rest >= 0x80 {
            out.push((rest & 0x7f) as u8 | 0x80);
            rest >>= 7;
        }
        out.push(rest as u8);
    }
    out
}

/// A term bucket: the length of the header (4 bytes, little-endian), the
/// header (JSON: `[[term, field, bytes, field, bytes…]…]`), then the lists
/// in the header's order, each the bytes it gives.
fn term_bucket(entries: &[(&str, TermLists<'_>)]) -> Result<Vec<u8>> {
    let header: Vec<Value> = entries
        .iter()
        .map(|(term, fields)| {
            let mut row = vec![Value::from(*term)];
            for (key, list) in fields {
                row.extend([Value::from(*key), Value::from(list.len())]);
            }
            Value::Array(row)
        })
        .collect();
    let header = to_json(&Value::Array(header))?;
    let length = u32::try_from(header.len())
        .map_err(|_| Error::Read(std::io::Error::other("term bucket header over 4 GiB")))?;
    let mut out = length.to_le_bytes().to_vec();
    out.extend(header);
    for (_, fields) in entries {
        for (_, list) in fields {
            out.extend(list);
        }
    }
    Ok(out)
}

/// A power of two giving buckets of about `target` bytes, at least 1.
fn bucket_count(bytes: usize, target: usize) -> u32 {
    let wanted = (bytes / target).max(1).next_power_of_two();
    u32::try_from(wanted).unwrap_or(1 << 16).min(1 << 16)
}

fn to_json(value: &Value) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|source| Error::Read(source.into()))
}

/// `bytes` compressed with gzip at its best level, with no time in the
/// header, so the same bytes always give the same file.
fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write as _;
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .map_err(Error::Read)
}

/// Each of `texts` compressed with raw deflate after `dictionary`: the
/// stream of the dictionary up to a sync flush, which is the same for every
/// text, then each text's own rest of the stream, which refers back into
/// the dictionary. The compressor's state after the dictionary is cloned
/// for each text rather than made again.
fn deflate_after(dictionary: &[u8], texts: &[Vec<u8>]) -> Result<(Vec<u8>, Vec<Vec<u8>>)> {
    use miniz_oxide::deflate::core::{
        CompressorOxide, TDEFLFlush, create_comp_flags_from_zip_params,
    };
    // Level 9, no zlib header (negative window bits), default strategy.
    let mut start = CompressorOxide::new(create_comp_flags_from_zip_params(9, -15, 0));
    let prefix = deflate(&mut start, dictionary, TDEFLFlush::Sync)?;
    let mut streams = Vec::with_capacity(texts.len());
    for text in texts {
        streams.push(deflate(&mut start.clone(), text, TDEFLFlush::Finish)?);
    }
    Ok((prefix, streams))
}

/// The deflate output of `input` and of `flush` after it.
fn deflate(
    compressor: &mut miniz_oxide::deflate::core::CompressorOxide,
    mut input: &[u8],
    flush: miniz_oxide::deflate::core::TDEFLFlush,
) -> Result<Vec<u8>> {
    use miniz_oxide::deflate::core::{TDEFLStatus, compress};
    let mut out = Vec::new();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let (status, read, written) = compress(compressor, input, &mut buffer, flush);
        input = &input[read..];
        out.extend_from_slice(&buffer[..written]);
        match status {
            TDEFLStatus::Done => return Ok(out),
            TDEFLStatus::Okay if input.is_empty() && written < buffer.len() => return Ok(out),
            TDEFLStatus::Okay => {}
            _ => return Err(Error::Read(std::io::Error::other("deflate failed"))),
        }
    }
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
    let old_manifest = out.join(OLD_MANIFEST);
    if out.is_dir() && !out.join(MANIFEST).is_file() && !old_manifest.is_file() {
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
    if old_manifest.is_file() {
        std::fs::remove_file(&old_manifest).map_err(write_error(old_manifest.clone()))?;
        written.removed += 1;
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
        assert_eq!(encode(&list, true), [2, 3, 4, 2, 1, 4, 5, 2]);
        assert_eq!(encode(&list, false), [2, 3, 4, 2, 1]);
    }

    #[test]
    fn bigram_fields_are_stored_as_characters() {
        // `東京都 aws あ`: bigrams 東京 and 京都, a gap, `aws`, then `あ` alone.
        let posting = |positions: &[u32]| Posting {
            post: 0,
            frequency: u32::try_from(positions.len()).unwrap_or(u32::MAX),
            positions: positions.to_vec(),
        };
        let mut terms = FieldTerms::default();
        for (term, position) in [("東京", 0), ("京都", 1), ("aws", 3), ("あ", 5)] {
            terms.insert(term.to_owned(), vec![posting(&[position])]);
        }
        let chars = characters(&terms, 1);
        let coded = |c: &str| chars.get(c).map(|list| list[0].positions.clone());
        assert_eq!(coded("東"), Some(vec![RUN_FIRST]));
        assert_eq!(coded("京"), Some(vec![1 << 2]));
        assert_eq!(coded("都"), Some(vec![2 << 2 | RUN_LAST]));
        assert_eq!(coded("aws"), Some(vec![3]));
        assert_eq!(coded("あ"), Some(vec![5 << 2 | RUN_FIRST | RUN_LAST]));
        assert_eq!(chars.len(), 5);
    }

    #[test]
    fn varints_take_seven_bits_a_byte() {
        assert_eq!(varints(&[0, 127, 128, 300]), [0, 127, 0x80, 1, 0xac, 2]);
    }
}
