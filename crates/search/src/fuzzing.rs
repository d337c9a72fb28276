//! Entry point for the query fuzz target in `fuzz/` (cargo-fuzz with
//! libFuzzer): the query language, parsed and planned as a search plans it.
//! A panic, or a query that cannot be planned (a `500` in the server), is a
//! finding.
//!
//! Not part of the API: hidden from the docs, and it changes with the
//! planner.

use sagasu_analyzer::Analyzer;
use sagasu_indexer::schema::{self, Fields};

use crate::plan::Planner;
use crate::query::{self, Atom};
use crate::request::{MatchMode, SearchRequest};

/// An analyzer and the index fields, loaded once for many queries.
#[derive(Debug)]
pub struct QueryPlanner {
    analyzer: Analyzer,
    fields: Fields,
}

impl QueryPlanner {
    /// Loads the dictionary.
    pub fn new() -> crate::Result<Self> {
        Ok(Self {
            analyzer: Analyzer::new()?,
            fields: schema::build().1,
        })
    }

    /// Parses `text` and plans it with `match=all` and `match=any`.
    pub fn run(&self, text: &str) {
        let parsed = query::parse(text);
        for atom in parsed.must.iter().flatten().chain(&parsed.must_not) {
            let (Atom::Word(atom) | Atom::Phrase(atom) | Atom::Tag(atom) | Atom::Category(atom)) =
                atom;
            assert!(!atom.is_empty(), "no empty atom in {parsed:?}");
        }
        let planner = Planner {
            fields: &self.fields,
            analyzer: &self.analyzer,
            index: None,
        };
        let request = SearchRequest::new(text);
        for mode in [MatchMode::All, MatchMode::Any] {
            if let Err(error) = planner.plan(&parsed, &request, mode) {
                panic!("{text:?} ({mode:?}) cannot be planned: {error}");
            }
        }
    }
}
