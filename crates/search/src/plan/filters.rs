//! Filters: `tag:` and `category:` atoms, exclusions (`-word`), and the
//! request's tag, category and date filters. They select without scoring.

use std::ops::Bound;

use chrono::{Datelike, NaiveDate, NaiveTime};
use sagasu_analyzer::normalize_key;
use sagasu_indexer::to_tantivy_date;
use tantivy::query::{ConstScoreQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DateTime, Term};

use super::Planner;
use super::clauses::Clause;
use super::text::should;
use crate::Result;
use crate::query::{Atom, ParsedQuery};
use crate::request::SearchRequest;
use crate::words::Unit;

impl Planner<'_> {
    /// The exclusions of `parsed` (`-word`, `-"phrase"`, `-tag:x`).
    pub(super) fn exclusions(&self, parsed: &ParsedQuery) -> Result<Vec<(Occur, Box<dyn Query>)>> {
        let mut out = Vec::new();
        for atom in &parsed.must_not {
            let excluded = match atom {
                Atom::Word(text) | Atom::Phrase(text) => {
                    let clause = Clause {
                        units: vec![Unit::of(self.analyzer, text)?],
                        names: Vec::new(),
                    };
                    self.clause_query(&clause)?.map(|clause| {
                        should(clause.words.into_iter().chain(clause.other).collect())
                    })
                }
                Atom::Tag(_) | Atom::Category(_) => self.name_filter(atom),
            };
            out.extend(excluded.map(|query| (Occur::MustNot, query)));
        }
        Ok(out)
    }

    /// The filter for a `tag:` or `category:` atom; `None` for words.
    pub(super) fn name_filter(&self, atom: &Atom) -> Option<Box<dyn Query>> {
        match atom {
            Atom::Tag(name) => Some(filter(key_query(self.fields.tag, name))),
            Atom::Category(name) => Some(filter(key_query(self.fields.category, name))),
            Atom::Word(_) | Atom::Phrase(_) => None,
        }
    }

    /// The request's tag, category and date filters.
    pub(super) fn request_filters(&self, request: &SearchRequest) -> Vec<(Occur, Box<dyn Query>)> {
        let fields = self.fields;
        let mut out = Vec::new();
        for tag in &request.tags {
            out.push((Occur::Must, filter(key_query(fields.tag, tag))));
        }
        for category in &request.categories {
            out.push((Occur::Must, filter(key_query(fields.category, category))));
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
            out.push((Occur::Must, filter(Box::new(RangeQuery::new(lower, upper)))));
        }
        out
    }
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
