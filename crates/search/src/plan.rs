//! From a parsed query and a request's filters to a Tantivy query.
//!
//! Each word or phrase searches five fields, as a term (one word) or a
//! phrase (several, at the analyzer's positions): the morphological terms of
//! the title, body and tag/category names, and the bigrams of the title and
//! body. A post matches the word when any field does; the fields' boosts
//! decide how much each match counts. Filters (`tag:`, `category:`, dates)
//! select without scoring.

use std::ops::Bound;

use chrono::{Datelike, NaiveDate, NaiveTime};
use sagasu_analyzer::{Analyzer, normalize_key};
use sagasu_indexer::schema::Fields;
use sagasu_indexer::to_tantivy_date;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DateTime, Term};

use crate::Result;
use crate::query::{Atom, ParsedQuery};
use crate::request::{MatchMode, SearchRequest};

/// Weight of a match in each text field. A title match counts most, then a
/// tag or category name; a bigram (substring) match counts less than a word
/// match.
const TITLE_TERMS_BOOST: f32 = 3.0;
const BODY_TERMS_BOOST: f32 = 1.0;
const LABEL_TERMS_BOOST: f32 = 2.0;
const TITLE_BIGRAMS_BOOST: f32 = 0.6;
const BODY_BIGRAMS_BOOST: f32 = 0.3;

/// A query ready to run.
pub(crate) struct Plan {
    pub query: Box<dyn Query>,
    /// Whether there are words to rank by.
    pub has_text: bool,
    /// How many AND-ed word clauses there are: `all` → `any` relaxes only
    /// when there are at least two.
    pub text_clauses: usize,
}

/// Builds queries for one index's fields with its analyzer.
pub(crate) struct Planner<'a> {
    pub fields: &'a Fields,
    pub analyzer: &'a Analyzer,
}

impl Planner<'_> {
    /// The query for `parsed` and the filters of `request`, where the word
    /// clauses must all match (`MatchMode::All`) or at least one
    /// (`MatchMode::Any`).
    pub(crate) fn plan(
        &self,
        parsed: &ParsedQuery,
        request: &SearchRequest,
        mode: MatchMode,
    ) -> Result<Plan> {
        let fields = self.fields;
        let mut filters: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut text: Vec<Box<dyn Query>> = Vec::new();
        let mut has_text = false;
        for alternatives in &parsed.must {
            let is_text = alternatives
                .iter()
                .any(|atom| matches!(atom, Atom::Word(_) | Atom::Phrase(_)));
            has_text |= is_text;
            let mut options = Vec::new();
            for atom in alternatives {
                if let Some(query) = self.atom_query(atom)? {
                    options.push(query);
                }
            }
            let clause = match options.len() {
                0 => continue,
                1 => options.remove(0),
                _ => Box::new(BooleanQuery::new(
                    options.into_iter().map(|q| (Occur::Should, q)).collect(),
                )),
            };
            if is_text {
                text.push(clause);
            } else {
                filters.push((Occur::Must, clause));
            }
        }
        // Words were typed but none has anything to search for (only
        // punctuation, say): nothing matches, rather than everything.
        if has_text && text.is_empty() {
            return Ok(Plan {
                query: Box::new(EmptyQuery),
                has_text: false,
                text_clauses: 0,
            });
        }
        for atom in &parsed.must_not {
            if let Some(query) = self.atom_query(atom)? {
                filters.push((Occur::MustNot, query));
            }
        }
        for tag in &request.tags {
            filters.push((Occur::Must, filter(key_query(fields.tag, tag))));
        }
        for category in &request.categories {
            filters.push((Occur::Must, filter(key_query(fields.category, category))));
        }
        if request.from.is_some() || request.to.is_some() {
            // Bounds beyond what the index can hold are clamped to its ends:
            // `--from 1000` is every post, `--from 9999` none.
            let bound = |day: NaiveDate| {
                let date =
                    to_tantivy_date(day.and_time(NaiveTime::MIN)).unwrap_or(if day.year() < 1970 {
                        DateTime::MIN
                    } else {
                        DateTime::MAX
                    });
                Term::from_field_date_for_search(fields.date, date)
            };
            let lower = request.from.map_or(Bound::Unbounded, |from| {
                Bound::Included(bound(from.first_day()))
            });
            let upper = request.to.map_or(Bound::Unbounded, |to| {
                Bound::Excluded(bound(to.day_after()))
            });
            filters.push((Occur::Must, filter(Box::new(RangeQuery::new(lower, upper)))));
        }

        let text_clauses = text.len();
        let mut clauses = filters;
        match mode {
            MatchMode::All => clauses.extend(text.into_iter().map(|q| (Occur::Must, q))),
            MatchMode::Any if !text.is_empty() => {
                let any = text.into_iter().map(|q| (Occur::Should, q)).collect();
                clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
            }
            MatchMode::Any => {}
        }
        if !clauses.iter().any(|(occur, _)| *occur == Occur::Must) {
            clauses.push((Occur::Must, filter(Box::new(AllQuery))));
        }
        Ok(Plan {
            query: Box::new(BooleanQuery::new(clauses)),
            has_text,
            text_clauses,
        })
    }

    /// The query for one atom; `None` when it has nothing searchable (only
    /// punctuation, say).
    fn atom_query(&self, atom: &Atom) -> Result<Option<Box<dyn Query>>> {
        let fields = self.fields;
        let text = match atom {
            Atom::Tag(name) => return Ok(Some(filter(key_query(fields.tag, name)))),
            Atom::Category(name) => return Ok(Some(filter(key_query(fields.category, name)))),
            Atom::Word(text) | Atom::Phrase(text) => text,
        };
        let analysis = self.analyzer.analyze(text)?;
        let terms = analysis.query_terms();
        let bigrams: Vec<(usize, &str)> = analysis
            .bigrams
            .iter()
            .map(|token| (token.position, token.text.as_str()))
            .collect();
        let mut options: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, boost, terms) in [
            (fields.title_terms, TITLE_TERMS_BOOST, &terms),
            (fields.body_terms, BODY_TERMS_BOOST, &terms),
            (fields.label_terms, LABEL_TERMS_BOOST, &terms),
            (fields.title_bigrams, TITLE_BIGRAMS_BOOST, &bigrams),
            (fields.body_bigrams, BODY_BIGRAMS_BOOST, &bigrams),
        ] {
            if let Some(query) = sequence_query(field, terms) {
                options.push((Occur::Should, Box::new(BoostQuery::new(query, boost))));
            }
        }
        Ok((!options.is_empty()).then(|| Box::new(BooleanQuery::new(options)) as Box<dyn Query>))
    }
}

/// A term for one position, a phrase for several; `None` for none.
fn sequence_query(field: Field, terms: &[(usize, &str)]) -> Option<Box<dyn Query>> {
    let first = terms.first()?.0;
    if let [(_, text)] = terms {
        let term = Term::from_field_text(field, text);
        return Some(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)));
    }
    let with_offsets = terms
        .iter()
        .map(|(position, text)| (position - first, Term::from_field_text(field, text)))
        .collect();
    Some(Box::new(PhraseQuery::new_with_offset(with_offsets)))
}

/// Exact match on a normalized tag or category key.
pub(crate) fn key_query(field: Field, name: &str) -> Box<dyn Query> {
    let term = Term::from_field_text(field, &normalize_key(name));
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

/// A query that selects without changing scores.
pub(crate) fn filter(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}
