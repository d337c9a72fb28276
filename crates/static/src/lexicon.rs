//! The site's own word list, which the browser segments queries with.
//!
//! The browser has no Lindera dictionary, and a segmenter of its own would
//! split a query differently from the posts (Pagefind's failure). Instead,
//! every word Lindera found in the posts is listed with what a query
//! searches for it, so the browser can cut a query into the words the index
//! knows, and tell its content words as the analyzer does
//! ([`sagasu_analyzer::Analyzer::content_words`]). Each entry is keyed by
//! the word's normalized surface:
//!
//! - `q`: the term a query searches ([`sagasu_analyzer::Analysis::query_terms`]:
//!   the base form, else the surface, katakana stemmed);
//! - `flags`, bits:
//!   - [`STOP`]: a particle, auxiliary or symbol, which takes a position but
//!     is not searched;
//!   - [`INFORMATIVE`]: a word that `match=any` searches and that content
//!     words are made of ([`sagasu_analyzer::is_informative`]);
//!   - [`VERB`], [`NOUN`]: its part of speech, when it is a verb (whose
//!     potential form is searched too) or a noun (`名詞`);
//!   - [`NAME`]: a word IPADIC does not know (its unknown-word handling made
//!     it, or its part of speech is `未知語`), as in most of its occurrences.
//!     The word tier requires only nouns and names, and an unknown katakana
//!     word runs to the end of its katakana (`スケーラブルサーバ` is one
//!     word, `サーバ` being known and `スケーラブル` not);
//!   - [`SUFFIX_AFTER_NOUN`], [`SUFFIX_AFTER_NUMBER`], [`SUFFIX_AFTER_OTHER`],
//!     [`SUFFIX_FIRST`]: where it is an informative suffix (`名詞,接尾`: `会`
//!     of `勉強会`), which ends the word before it. IPADIC reads one surface
//!     as a suffix after some words and not after others (`本` is a counter
//!     after `20` and a noun after `AWS`; `日` ends `記念日` but not
//!     `書く日`; `会` alone is `名詞,一般`; `作り` is a suffix after
//!     `仕組み`, a verb elsewhere). So each flag says how the surface is read
//!     in one place: right after a noun or a name, a number ([`is_number`])
//!     or any other word (a verb, an adjective, an adnominal), or first (at
//!     the start of a text or after a particle or symbol); it is set when
//!     most of the surface's occurrences there are informative suffixes.
//!     The browser reads a word as a suffix, a noun searched as written,
//!     where it has the flag of the place (a suffix that is not informative,
//!     like `さん`, ends a content word as any uninformative word does);
//! - `width`: the positions it takes (a compound's parts take one each);
//! - `count`: how often it occurs. The browser cuts a query into the words
//!   the posts use most: a word costs a cut `ln(word_total / count)`
//!   (`word_total`, in the manifest, is the sum of the counts), so
//!   `1つの` is `1`, `つ`, `の` and not `1` and a rare `つの`.
//!
//! An entry is written as `[q, flags, width, count]`. A surface analysed
//! differently in different places keeps its most frequent analysis. The
//! stop words of the analyzer ([`sagasu_analyzer::STOP_WORDS`]) are listed
//! even when no post has them (with count 0), so that a question word is
//! never taken for an unknown name.
//!
//! Bundle format 2 (`FORMAT` in the `write` module) added [`NOUN`],
//! [`NAME`], the suffix flags, the stop words and `word_total`, which the
//! word tier and content words need; format 1 had [`STOP`], [`INFORMATIVE`]
//! and [`VERB`] only. Format 3 left the entries as they were and stores
//! the `w/` buckets gzip-compressed (see the `write` module). `sagasu.js`
//! refuses a bundle of another format than its own.

use rustc_hash::FxHashMap;
use sagasu_analyzer::{Analyzer, Normalized, STOP_WORDS, TermKind};

use crate::Result;
use crate::read::Post;

pub(crate) const STOP: u16 = 1;
pub(crate) const INFORMATIVE: u16 = 2;
pub(crate) const VERB: u16 = 4;
pub(crate) const NOUN: u16 = 8;
pub(crate) const NAME: u16 = 16;
pub(crate) const SUFFIX_AFTER_NOUN: u16 = 32;
pub(crate) const SUFFIX_AFTER_NUMBER: u16 = 64;
pub(crate) const SUFFIX_AFTER_OTHER: u16 = 128;
pub(crate) const SUFFIX_FIRST: u16 = 256;

/// Where a word is, as a suffix may be there or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    AfterNoun,
    AfterNumber,
    AfterOther,
    /// At the start of a text, or after a particle or symbol.
    First,
}

impl Place {
    const ALL: [Self; 4] = [
        Self::AfterNoun,
        Self::AfterNumber,
        Self::AfterOther,
        Self::First,
    ];

    /// The place right after a word of part of speech `part_of_speech` and
    /// normalized surface `surface`.
    fn after(part_of_speech: &str, surface: &str) -> Self {
        if is_number(surface) {
            Self::AfterNumber
        } else if matches!(part_of_speech, "名詞" | "未知語") {
            Self::AfterNoun
        } else {
            Self::AfterOther
        }
    }

    /// The flag of a word that is an informative suffix here.
    fn flag(self) -> u16 {
        match self {
            Self::AfterNoun => SUFFIX_AFTER_NOUN,
            Self::AfterNumber => SUFFIX_AFTER_NUMBER,
            Self::AfterOther => SUFFIX_AFTER_OTHER,
            Self::First => SUFFIX_FIRST,
        }
    }
}

/// What a query searches for one surface.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Entry {
    pub query: String,
    pub flags: u16,
    pub width: usize,
}

/// Surface → its most frequent entry and how often the surface occurs.
pub(crate) type Lexicon = FxHashMap<String, (Entry, u64)>;

/// How one surface was read in the texts.
#[derive(Default)]
struct Seen {
    /// Its entries (without the suffix flags), with how often each was
    /// read.
    entries: FxHashMap<Entry, u64>,
    /// Its occurrences in each place (by [`Place`]), and how many of them
    /// were informative suffixes.
    places: [(u64, u64); 4],
    /// Its occurrences as a token, and how many of them the dictionary did
    /// not know.
    unknown: (u64, u64),
}

/// Whether a word (normalized) is a number: digits, or kanji numerals.
pub(crate) fn is_number(surface: &str) -> bool {
    !surface.is_empty()
        && surface
            .chars()
            .all(|c| c.is_ascii_digit() || "〇一二三四五六七八九十百千万億兆".contains(c))
}

/// The lexicon of the posts' titles, bodies and tag and category names,
/// and of the analyzer's stop words.
pub(crate) fn lexicon(analyzer: &Analyzer, posts: &[Post]) -> Result<Lexicon> {
    let mut seen: FxHashMap<String, Seen> = FxHashMap::default();
    for post in posts {
        let labels = post.tags.iter().chain(&post.categories).map(String::as_str);
        let labels = labels.collect::<Vec<_>>().join("\n");
        for text in [post.title.as_str(), post.body.as_str(), labels.as_str()] {
            add_text(analyzer, text, &mut seen)?;
        }
    }
    let mut lexicon = finish(seen);
    // Stop words no post has: known, so not unknown names, but never seen.
    let mut stop_words = FxHashMap::default();
    for word in STOP_WORDS {
        add_text(analyzer, word, &mut stop_words)?;
    }
    for (surface, (entry, _)) in finish(stop_words) {
        lexicon.entry(surface).or_insert((entry, 0));
    }
    Ok(lexicon)
}

/// Each surface's most frequent entry, with the suffix flag of each place
/// where most of its occurrences are suffixes and [`NAME`] when most are
/// unknown words, and its count.
fn finish(seen: FxHashMap<String, Seen>) -> Lexicon {
    seen.into_iter()
        .filter_map(|(surface, seen)| {
            let total = seen.entries.values().sum();
            let (mut best, _) = seen
                .entries
                .into_iter()
                .max_by(|(a, x), (b, y)| x.cmp(y).then_with(|| b.query.cmp(&a.query)))?;
            let majorities = Place::ALL.map(Place::flag).into_iter().zip(seen.places);
            for (flag, (occurrences, some)) in majorities.chain([(NAME, seen.unknown)]) {
                if some * 2 > occurrences {
                    best.flags |= flag;
                }
            }
            Some((surface, (best, total)))
        })
        .collect()
}

/// One word of an analysis: its span, positions and query entry.
struct Word {
    from: usize,
    to: usize,
    position: usize,
    part_of_speech: &'static str,
    suffix: bool,
    entry: Entry,
}

/// The flags of a word's part of speech.
fn part_of_speech_flags(part_of_speech: &str) -> u16 {
    match part_of_speech {
        "動詞" => VERB,
        "名詞" => NOUN,
        "未知語" => NAME,
        _ => 0,
    }
}

fn add_text(analyzer: &Analyzer, text: &str, seen: &mut FxHashMap<String, Seen>) -> Result<()> {
    let analysis = analyzer.analyze(text)?;
    let mut words: Vec<Word> = Vec::new();
    for term in &analysis.terms {
        match (term.kind, words.last_mut()) {
            (TermKind::BaseForm, Some(word)) => word.entry.query.clone_from(&term.text),
            (TermKind::Part, Some(word)) => {
                word.entry.width = word.entry.width.max(term.position + 1 - word.position);
            }
            _ => words.push(Word {
                from: term.offset_from,
                to: term.offset_to,
                position: term.position,
                part_of_speech: term.part_of_speech,
                suffix: term.suffix,
                entry: Entry {
                    query: term.text.clone(),
                    flags: part_of_speech_flags(term.part_of_speech),
                    width: 1,
                },
            }),
        }
    }
    // Informative by the query form, as the planner decides (`行っ` is
    // searched as `行く`).
    for word in &mut words {
        if sagasu_analyzer::is_informative(word.part_of_speech, &word.entry.query) {
            word.entry.flags |= INFORMATIVE;
        }
    }
    // Where the word before ends, and the place it makes for a word there.
    let mut last: Option<(usize, Place)> = None;
    for word in words {
        let surface = Normalized::new(&text[word.from..word.to]);
        let entry = seen.entry(surface.as_str().to_owned()).or_default();
        let here = match last {
            Some((end, place)) if end == word.position => place,
            _ => Place::First,
        };
        let counts = &mut entry.places[here as usize];
        counts.0 += 1;
        counts.1 += u64::from(word.suffix && word.entry.flags & INFORMATIVE != 0);
        last = Some((
            word.position + word.entry.width,
            Place::after(word.part_of_speech, surface.as_str()),
        ));
        *entry.entries.entry(word.entry).or_default() += 1;
    }
    for segment in analyzer.segments(text)? {
        let seen = seen.entry(segment.text).or_default();
        if segment.stop {
            // Particles, auxiliaries and symbols: one position each, not
            // searched.
            let stop = Entry {
                query: String::new(),
                flags: STOP,
                width: 1,
            };
            *seen.entries.entry(stop).or_default() += 1;
        } else {
            seen.unknown.0 += 1;
            seen.unknown.1 += u64::from(segment.unknown);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(body: &str) -> Post {
        Post {
            id: "a.md".to_owned(),
            path: "a.md".to_owned(),
            title: String::new(),
            url: "/a/".to_owned(),
            author: None,
            body: body.to_owned(),
            date: None,
            tags: Vec::new(),
            categories: Vec::new(),
        }
    }

    /// A query word the posts do not have is respelled by `sagasu.js`
    /// itself, with the analyzer's table.
    #[test]
    fn the_engine_respells_words_with_the_analyzers_table() {
        let table = crate::ENGINE
            .split_once("const KANA_SPELLINGS = new Map([")
            .and_then(|(_, rest)| rest.split_once("]);"))
            .map(|(table, _)| table)
            .unwrap_or_default();
        let entries: Vec<String> = sagasu_analyzer::KANA_SPELLINGS
            .iter()
            .map(|(kanji, kana)| format!("[\"{kanji}\", \"{kana}\"]"))
            .collect();
        assert_eq!(
            table.matches("[\"").count(),
            entries.len(),
            "sagasu.js: {table}"
        );
        for entry in entries {
            assert!(table.contains(&entry), "sagasu.js lacks {entry}");
        }
    }

    #[test]
    fn entries_say_how_a_query_reads_each_word()
    -> std::result::Result<(), Box<dyn std::error::Error>> {
        let analyzer = Analyzer::new()?;
        let posts = [
            post("勉強会に行った。懇親会にも出た。研究会の案内。"),
            post("木を20本植えた。3本の線を引いた。AWS本を読んだ。"),
            post("スケーラブルな設計にした。"),
        ];
        let lexicon = lexicon(&analyzer, &posts)?;
        let entry = |surface: &str| {
            lexicon
                .get(surface)
                .cloned()
                .ok_or_else(|| format!("no {surface}"))
        };
        let (studying, count) = entry("勉強")?;
        assert_eq!((studying.flags, count), (NOUN | INFORMATIVE, 1));
        let (went, _) = entry("行っ")?;
        assert_eq!((went.query.as_str(), went.flags & VERB), ("行く", VERB));
        assert_eq!(entry("に")?.0.flags, STOP);
        // `会` ends the noun before it, and is no suffix alone.
        let (meeting, _) = entry("会")?;
        assert_ne!(meeting.flags & SUFFIX_AFTER_NOUN, 0);
        assert_eq!(meeting.flags & SUFFIX_FIRST, 0);
        // `本` is a counter after a number, not after `AWS`.
        let (book, _) = entry("本")?;
        assert_ne!(book.flags & SUFFIX_AFTER_NUMBER, 0);
        assert_eq!(book.flags & SUFFIX_AFTER_NOUN, 0);
        // IPADIC does not know `スケーラブル`.
        assert_ne!(entry("スケーラブル")?.0.flags & NAME, 0);
        assert_eq!(entry("設計")?.0.flags & NAME, 0);
        // A question word no post has is known, and not informative.
        let (which, count) = entry("どちら")?;
        assert_eq!((which.flags & INFORMATIVE, count), (0, 0));
        Ok(())
    }
}
