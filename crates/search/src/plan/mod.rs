//! From a parsed query and a request's filters to a Tantivy query.
//!
//! **Units.** The query's words are searched as units. With `match=all`,
//! every word, quoted phrase or `a OR b` group is a clause that must match.
//! With `match=any` (and when `all` finds nothing and is relaxed to `any`),
//! a word is cut into its content words, each a unit, so that a question
//! typed as one run of Japanese (`インフラ勉強会に参加する方法は`) searches
//! `インフラ`, `勉強会` and `参加`: particles, question words and light
//! words (see [`sagasu_analyzer::is_informative`]) are not searched; at
//! least one unit must match. With `match=all`, a word whose run as a whole
//! is in no post is searched by its content words too, all of them
//! required (see the `split` module).
//!
//! **Matching.** A unit matches a post in two ways, three for a reading:
//! - as **words**: its morphological terms occur as a phrase in the title,
//!   the body or the tag and category names (`*_terms` fields);
//! - as a **substring**: its characters occur in sequence in the title or
//!   body (`*_bigrams` fields). A character alone at either end of the unit
//!   (`猫`, `Y!砲`) matches any bigram with it on that side, so a
//!   one-character query finds every post that has the character;
//! - by **reading**, for a unit all in hiragana or in romaji
//!   (`べんきょうかい`, `benkyoukai`): a word or run of words of the title or
//!   body reads like it (`*_readings` fields), or its katakana occurs as
//!   words (see the `readings` module). It scores like a substring match.
//!   Only a unit that no post has as words or as a substring is searched
//!   by its reading.
//!
//! **Score.** The rules that order the matches, and their weights, are in
//! [`crate::ranking`]: the queries here match, the ranking scores them.
//!
//! **Stages.** [`clauses`] resolves the parsed query into clauses of units
//! (the words and their rules are in [`crate::words`]); [`text`] turns each
//! clause into the queries of its matches ([`readings`] for a reading);
//! [`filters`] builds the filters and exclusions; [`Planner::plan`] puts
//! them together with the ranking. [`related`] plans the related-posts
//! query.
//!
//! Filters (`tag:`, `category:`, dates) select without scoring.

mod clauses;
mod filters;
mod readings;
mod related;
mod text;

use sagasu_analyzer::Analyzer;
use sagasu_indexer::schema::Fields;
use tantivy::query::{AllQuery, BooleanQuery, EmptyQuery, Occur, Query};

use crate::Result;
use crate::query::ParsedQuery;
use crate::ranking::{self, RELAXED_FLOOR};
use crate::request::{MatchMode, SearchRequest};

use filters::filter;

/// A query ready to run.
pub(crate) struct Plan {
    pub query: Box<dyn Query>,
    /// Whether there are words to rank by.
    pub has_text: bool,
    /// How many word clauses there are.
    pub text_clauses: usize,
    /// Whether a word was cut into content words that differ from it
    /// (`match=any` only).
    pub chunked: bool,
}

impl Plan {
    /// Whether this `any` plan searches something else than the `all` plan
    /// of the same query, so that `all` → `any` can find more: several
    /// clauses, or a word cut into its content words.
    pub(crate) fn relaxes(&self) -> bool {
        self.text_clauses > 1 || self.chunked
    }
}

/// Builds queries for one index's fields with its analyzer.
pub(crate) struct Planner<'a> {
    pub fields: &'a Fields,
    pub analyzer: &'a Analyzer,
    /// The index searched, to tell whether a kana or romaji word is found
    /// as typed (then its readings are not searched; see
    /// [`Planner::clause_query`]). Without it, readings are always searched.
    pub index: Option<&'a tantivy::Searcher>,
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
        self.plan_with_floor(parsed, request, mode, 0.0)
    }

    /// The `any` plan of a search relaxed from `all` (see
    /// [`crate::SearchResponse::relaxed`]): a post must cover at least
    /// [`RELAXED_FLOOR`] of the query's content words.
    pub(crate) fn plan_relaxed(
        &self,
        parsed: &ParsedQuery,
        request: &SearchRequest,
    ) -> Result<Plan> {
        self.plan_with_floor(parsed, request, MatchMode::Any, RELAXED_FLOOR)
    }

    /// [`Planner::plan`], where with `MatchMode::Any` a post must cover at
    /// least `floor` of the clauses (a share, rounded up; `0.0` for no
    /// floor).
    fn plan_with_floor(
        &self,
        parsed: &ParsedQuery,
        request: &SearchRequest,
        mode: MatchMode,
        floor: f64,
    ) -> Result<Plan> {
        let resolved = self.clauses(parsed, mode)?;
        let mut text = Vec::with_capacity(resolved.clauses.len());
        for clause in &resolved.clauses {
            text.extend(self.clause_query(clause)?);
        }
        // Words were typed but none has anything to search for (only
        // punctuation, say): nothing matches, rather than everything.
        if resolved.has_text && text.is_empty() {
            return Ok(Plan {
                query: Box::new(EmptyQuery),
                has_text: false,
                text_clauses: 0,
                chunked: resolved.chunked,
            });
        }
        let mut top = resolved.filters;
        top.extend(self.exclusions(parsed)?);
        top.extend(self.request_filters(request));
        let text_clauses = text.len();
        if !text.is_empty() {
            let boosts = self
                .near(&resolved.clauses)
                .into_iter()
                .chain(self.name_boosts(parsed, &resolved.clauses));
            let ranked = ranking::rank(text, boosts, mode, floor);
            top.push((Occur::Must, Box::new(ranked)));
        }
        if !top.iter().any(|(occur, _)| *occur == Occur::Must) {
            top.push((Occur::Must, filter(Box::new(AllQuery))));
        }
        Ok(Plan {
            query: Box::new(BooleanQuery::new(top)),
            has_text: resolved.has_text,
            text_clauses,
            chunked: resolved.chunked,
        })
    }
}
