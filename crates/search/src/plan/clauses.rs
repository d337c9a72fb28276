//! The logical stage of planning: a parsed query resolved into clauses of
//! units, the things to look for, and the filters of its `tag:` and
//! `category:` clauses.

use tantivy::query::{Occur, Query};

use super::Planner;
use super::text::should;
use crate::Result;
use crate::query::{Atom, ParsedQuery};
use crate::request::MatchMode;
use crate::words::{Unit, content_words};

/// One clause of the query: units that are alternatives (`a OR b`), and
/// any `tag:`/`category:` alternatives among them.
#[derive(Default)]
pub(crate) struct Clause {
    pub units: Vec<Unit>,
    pub names: Vec<Box<dyn Query>>,
}

/// A parsed query, resolved.
pub(crate) struct Clauses {
    /// The clauses with words, in query order.
    pub clauses: Vec<Clause>,
    /// The clauses of only `tag:` and `category:` atoms, as filters.
    pub filters: Vec<(Occur, Box<dyn Query>)>,
    /// Whether words were typed.
    pub has_text: bool,
    /// Whether a word was cut into content words that differ from it
    /// (`match=any` only).
    pub chunked: bool,
}

impl Planner<'_> {
    /// The clauses of `parsed`. With `MatchMode::Any`, a word is cut into
    /// its content words, each a clause.
    pub(super) fn clauses(&self, parsed: &ParsedQuery, mode: MatchMode) -> Result<Clauses> {
        let mut filters: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut clauses: Vec<Clause> = Vec::new();
        let mut has_text = false;
        let mut chunked = false;
        // With `any`, words are searched by their content words, one by
        // one, and a word with none (`どうやって`, `で`) is left out, unless
        // no word has any: then the words are searched as they are.
        let mut chunks_of: Vec<Option<Vec<Unit>>> = Vec::with_capacity(parsed.must.len());
        for alternatives in &parsed.must {
            chunks_of.push(match (mode, alternatives.as_slice()) {
                (MatchMode::Any, [Atom::Word(text)]) => Some(content_words(self.analyzer, text)?),
                _ => None,
            });
        }
        let skip_uninformative = chunks_of.iter().flatten().any(|chunks| !chunks.is_empty());
        for (alternatives, chunks) in parsed.must.iter().zip(chunks_of) {
            let is_text = alternatives
                .iter()
                .any(|atom| matches!(atom, Atom::Word(_) | Atom::Phrase(_)));
            has_text |= is_text;
            if !is_text {
                let names = alternatives
                    .iter()
                    .filter_map(|atom| self.name_filter(atom))
                    .collect();
                filters.push((Occur::Must, should(names)));
                continue;
            }
            if let (Some(chunks), [Atom::Word(text)]) = (chunks, alternatives.as_slice())
                && (!chunks.is_empty() || skip_uninformative)
            {
                chunked |= match chunks.as_slice() {
                    [only] => only.terms != Unit::of(self.analyzer, text)?.terms,
                    _ => true,
                };
                clauses.extend(chunks.into_iter().map(|unit| Clause {
                    units: vec![unit],
                    names: Vec::new(),
                }));
                continue;
            }
            let mut clause = Clause::default();
            for atom in alternatives {
                match atom {
                    Atom::Word(text) | Atom::Phrase(text) => {
                        clause.units.push(Unit::of(self.analyzer, text)?)
                    }
                    Atom::Tag(_) | Atom::Category(_) => {
                        clause.names.extend(self.name_filter(atom));
                    }
                }
            }
            clauses.push(clause);
        }
        Ok(Clauses {
            clauses,
            filters,
            has_text,
            chunked,
        })
    }
}
