//! The site's own word list, which the browser segments queries with.
//!
//! The browser has no Lindera dictionary, and a segmenter of its own would
//! split a query differently from the posts (Pagefind's failure). Instead,
//! every word Lindera found in the posts is listed with what a query
//! searches for it, so the browser can cut a query into the words the index
//! knows. Each entry is keyed by the word's normalized surface:
//!
//! - `q`: the term a query searches ([`sagasu_analyzer::Analysis::query_terms`]:
//!   the base form, else the surface, katakana stemmed);
//! - `flags`: [`STOP`] for a particle, auxiliary or symbol, which takes a
//!   position but is not searched, [`INFORMATIVE`] for a word that
//!   `match=any` searches ([`sagasu_analyzer::is_informative`]), [`VERB`] for a
//!   verb (whose potential form is searched too);
//! - `width`: the positions it takes (a compound's parts take one each);
//! - `count`: how often it occurs, which breaks ties between cuts.
//!
//! A surface analysed differently in different places keeps its most
//! frequent analysis.

use rustc_hash::FxHashMap;
use sagasu_analyzer::{Analyzer, Normalized, TermKind};

use crate::Result;
use crate::read::Post;

pub(crate) const STOP: u8 = 1;
pub(crate) const INFORMATIVE: u8 = 2;
pub(crate) const VERB: u8 = 4;

/// What a query searches for one surface.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Entry {
    pub query: String,
    pub flags: u8,
    pub width: usize,
}

/// Surface → its most frequent entry and how often the surface occurs.
pub(crate) type Lexicon = FxHashMap<String, (Entry, u64)>;

/// The lexicon of the posts' titles, bodies and tag and category names.
pub(crate) fn lexicon(analyzer: &Analyzer, posts: &[Post]) -> Result<Lexicon> {
    let mut counts: FxHashMap<String, FxHashMap<Entry, u64>> = FxHashMap::default();
    for post in posts {
        let labels = post.tags.iter().chain(&post.categories).map(String::as_str);
        let labels = labels.collect::<Vec<_>>().join("\n");
        for text in [post.title.as_str(), post.body.as_str(), labels.as_str()] {
            add_text(analyzer, text, &mut counts)?;
        }
    }
    Ok(counts
        .into_iter()
        .filter_map(|(surface, entries)| {
            let total = entries.values().sum();
            let best = entries
                .into_iter()
                .max_by(|(a, x), (b, y)| x.cmp(y).then_with(|| b.query.cmp(&a.query)))?;
            Some((surface, (best.0, total)))
        })
        .collect())
}

/// One word of an analysis: its span, positions and query entry.
struct Word {
    from: usize,
    to: usize,
    position: usize,
    part_of_speech: &'static str,
    entry: Entry,
}

fn add_text(
    analyzer: &Analyzer,
    text: &str,
    counts: &mut FxHashMap<String, FxHashMap<Entry, u64>>,
) -> Result<()> {
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
                entry: Entry {
                    query: term.text.clone(),
                    flags: if term.part_of_speech == "動詞" {
                        VERB
                    } else {
                        0
                    },
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
    for word in words {
        let surface = Normalized::new(&text[word.from..word.to]);
        *counts
            .entry(surface.as_str().to_owned())
            .or_default()
            .entry(word.entry)
            .or_default() += 1;
    }
    // Particles, auxiliaries and symbols: one position each, not searched.
    for segment in analyzer.segments(text)? {
        if segment.stop {
            let stop = Entry {
                query: String::new(),
                flags: STOP,
                width: 1,
            };
            *counts
                .entry(segment.text)
                .or_default()
                .entry(stop)
                .or_default() += 1;
        }
    }
    Ok(())
}
