//! The query that scores a search's text clauses by the ranking's tiers
//! (rules 1 to 3 of [`crate::ranking`]) in one pass.
//!
//! Each clause has its matches as words and its other matches (substring,
//! reading, name), and a post's score is
//!
//! - a cover tier per clause it covers (`match=any` only),
//! - plus a word tier per clause it matches as words,
//! - plus its relevance: the BM25 of every match and boost, capped below
//!   one word tier.
//!
//! Tantivy's boolean queries can express this only by running each clause
//! up to three times (for the cover, the word tier and the relevance), and
//! have no cap; this query runs each once and reads all three from it.

use std::fmt;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

use crate::request::MatchMode;

/// One text clause of a search.
#[derive(Debug)]
pub(crate) struct TieredClause {
    /// Where it occurs as words.
    pub words: Option<Box<dyn Query>>,
    /// Where it matches otherwise.
    pub other: Option<Box<dyn Query>>,
    /// Whether only its matches as words cover it (a word of one
    /// character, see `Planner::clause_query`).
    pub covered_as_words_only: bool,
}

impl Clone for TieredClause {
    fn clone(&self) -> Self {
        Self {
            words: self.words.as_ref().map(|query| query.box_clone()),
            other: self.other.as_ref().map(|query| query.box_clone()),
            covered_as_words_only: self.covered_as_words_only,
        }
    }
}

/// How [`TieredQuery`] scores and which posts it matches.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tiers {
    /// `All`: a post matches every clause; `Any`: at least one, and covers
    /// at least `least`.
    pub mode: MatchMode,
    pub least: usize,
    /// What a covered clause adds (`Any` only).
    pub cover: Score,
    /// What a clause matched as words adds.
    pub word: Score,
    /// The most the relevance adds.
    pub cap: Score,
}

/// Matches and scores posts by `clauses`, with `boosts` (which match no
/// post by themselves) added to the relevance.
pub(crate) struct TieredQuery {
    clauses: Vec<TieredClause>,
    boosts: Vec<Box<dyn Query>>,
    tiers: Tiers,
}

impl Clone for TieredQuery {
    fn clone(&self) -> Self {
        Self {
            clauses: self.clauses.clone(),
            boosts: self.boosts.iter().map(|query| query.box_clone()).collect(),
            tiers: self.tiers,
        }
    }
}

impl TieredQuery {
    pub(crate) fn new(
        clauses: Vec<TieredClause>,
        boosts: Vec<Box<dyn Query>>,
        tiers: Tiers,
    ) -> Self {
        Self {
            clauses,
            boosts,
            tiers,
        }
    }
}

impl fmt::Debug for TieredQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tiered")
            .field("clauses", &self.clauses)
            .field("boosts", &self.boosts)
            .field("tiers", &self.tiers)
            .finish()
    }
}

impl Query for TieredQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weight = |query: &Option<Box<dyn Query>>| {
            query
                .as_ref()
                .map(|query| query.weight(enable_scoring))
                .transpose()
        };
        let clauses = self
            .clauses
            .iter()
            .map(|clause| {
                Ok(ClauseWeight {
                    words: weight(&clause.words)?,
                    other: weight(&clause.other)?,
                    covered_as_words_only: clause.covered_as_words_only,
                })
            })
            .collect::<tantivy::Result<_>>()?;
        let boosts = if enable_scoring.is_scoring_enabled() {
            self.boosts
                .iter()
                .map(|query| query.weight(enable_scoring))
                .collect::<tantivy::Result<_>>()?
        } else {
            Vec::new()
        };
        Ok(Box::new(TieredWeight {
            clauses,
            boosts,
            tiers: self.tiers,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for clause in &self.clauses {
            for query in clause.words.iter().chain(&clause.other) {
                query.query_terms(visitor);
            }
        }
        for query in &self.boosts {
            query.query_terms(visitor);
        }
    }
}

struct ClauseWeight {
    words: Option<Box<dyn Weight>>,
    other: Option<Box<dyn Weight>>,
    covered_as_words_only: bool,
}

struct TieredWeight {
    clauses: Vec<ClauseWeight>,
    boosts: Vec<Box<dyn Weight>>,
    tiers: Tiers,
}

impl TieredWeight {
    fn tiered_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<TieredScorer> {
        let scorer = |weight: &Option<Box<dyn Weight>>| {
            weight
                .as_ref()
                .map(|weight| weight.scorer(reader, boost))
                .transpose()
        };
        let clauses = self
            .clauses
            .iter()
            .map(|clause| {
                Ok(ClauseScorer::new(
                    scorer(&clause.words)?,
                    scorer(&clause.other)?,
                    clause.covered_as_words_only,
                ))
            })
            .collect::<tantivy::Result<_>>()?;
        let boosts = self
            .boosts
            .iter()
            .map(|weight| weight.scorer(reader, boost))
            .collect::<tantivy::Result<_>>()?;
        let mut scorer = TieredScorer {
            clauses,
            boosts,
            tiers: self.tiers,
            doc: 0,
        };
        let first = scorer.first();
        scorer.doc = scorer.settle(first);
        Ok(scorer)
    }
}

impl Weight for TieredWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.tiered_scorer(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.tiered_scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document #{doc} does not match"
            )));
        }
        let (covers, words, relevance) = scorer.parts();
        let mut explanation = Explanation::new("tiers", covers + words + relevance);
        explanation.add_const("clauses covered", covers);
        explanation.add_const("clauses matched as words", words);
        explanation.add_const("relevance (capped)", relevance);
        Ok(explanation)
    }
}

/// One clause's matches: as words, otherwise, or both.
struct ClauseScorer {
    words: Option<Box<dyn Scorer>>,
    other: Option<Box<dyn Scorer>>,
    covered_as_words_only: bool,
    /// The first document either is on.
    doc: DocId,
}

impl ClauseScorer {
    fn new(
        words: Option<Box<dyn Scorer>>,
        other: Option<Box<dyn Scorer>>,
        covered_as_words_only: bool,
    ) -> Self {
        let mut scorer = Self {
            words,
            other,
            covered_as_words_only,
            doc: TERMINATED,
        };
        scorer.doc = scorer.first();
        scorer
    }

    fn first(&self) -> DocId {
        let at = |scorer: &Option<Box<dyn Scorer>>| scorer.as_ref().map_or(TERMINATED, |s| s.doc());
        at(&self.words).min(at(&self.other))
    }

    /// Moves on to the first document after the current one.
    fn advance(&mut self) -> DocId {
        let doc = self.doc;
        for scorer in [&mut self.words, &mut self.other].into_iter().flatten() {
            if scorer.doc() == doc {
                scorer.advance();
            }
        }
        self.doc = self.first();
        self.doc
    }

    /// Moves on to the first document at or after `target`.
    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc < target {
            for scorer in [&mut self.words, &mut self.other].into_iter().flatten() {
                if scorer.doc() < target {
                    scorer.seek(target);
                }
            }
            self.doc = self.first();
        }
        self.doc
    }

    /// Whether its words are on the current document.
    fn as_words(&self) -> bool {
        self.words.as_ref().is_some_and(|s| s.doc() == self.doc)
    }

    fn covered(&self) -> bool {
        !self.covered_as_words_only || self.as_words()
    }

    /// The BM25 of its matches on the current document.
    fn score(&mut self) -> Score {
        let doc = self.doc;
        [&mut self.words, &mut self.other]
            .into_iter()
            .flatten()
            .filter(|scorer| scorer.doc() == doc)
            .map(|scorer| scorer.score())
            .sum()
    }

    /// At most how many documents it is on: those of either.
    fn size_hint(&self) -> u32 {
        [&self.words, &self.other]
            .into_iter()
            .flatten()
            .map(|scorer| scorer.size_hint())
            .fold(0, u32::saturating_add)
    }

    fn cost(&self) -> u64 {
        [&self.words, &self.other]
            .into_iter()
            .flatten()
            .map(|scorer| scorer.cost())
            .sum()
    }
}

struct TieredScorer {
    clauses: Vec<ClauseScorer>,
    boosts: Vec<Box<dyn Scorer>>,
    tiers: Tiers,
    doc: DocId,
}

impl TieredScorer {
    /// The first document a clause is on (`Any`), or that every clause
    /// reaches (`All`).
    fn first(&mut self) -> DocId {
        match self.tiers.mode {
            MatchMode::Any => self
                .clauses
                .iter()
                .map(|c| c.doc)
                .min()
                .unwrap_or(TERMINATED),
            MatchMode::All => {
                let mut target = self
                    .clauses
                    .iter()
                    .map(|c| c.doc)
                    .max()
                    .unwrap_or(TERMINATED);
                while target != TERMINATED {
                    let reached = self.clauses.iter_mut().map(|c| c.seek(target)).max();
                    match reached {
                        Some(doc) if doc == target => break,
                        Some(doc) => target = doc,
                        None => target = TERMINATED,
                    }
                }
                target
            }
        }
    }

    /// `doc`, or the first document after it that covers enough clauses.
    fn settle(&mut self, mut doc: DocId) -> DocId {
        while doc != TERMINATED && !self.enough(doc) {
            doc = self.step(doc);
        }
        doc
    }

    /// Whether `doc` covers at least `least` clauses (`Any`).
    fn enough(&self, doc: DocId) -> bool {
        let least = self.tiers.least;
        least == 0
            || self
                .clauses
                .iter()
                .filter(|c| c.doc == doc && c.covered())
                .count()
                >= least
    }

    /// The next candidate after `doc`.
    fn step(&mut self, doc: DocId) -> DocId {
        match self.tiers.mode {
            MatchMode::Any => {
                for clause in &mut self.clauses {
                    if clause.doc == doc {
                        clause.advance();
                    }
                }
            }
            MatchMode::All => {
                for clause in &mut self.clauses {
                    clause.advance();
                }
            }
        }
        self.first()
    }

    /// The current document's cover tiers, word tiers and relevance.
    fn parts(&mut self) -> (Score, Score, Score) {
        let doc = self.doc;
        let tiers = self.tiers;
        let (mut covers, mut words, mut relevance) = (0.0, 0.0, 0.0);
        for clause in self.clauses.iter_mut().filter(|c| c.doc == doc) {
            if tiers.mode == MatchMode::Any && clause.covered() {
                covers += tiers.cover;
            }
            if clause.as_words() {
                words += tiers.word;
            }
            relevance += clause.score();
        }
        for boost in &mut self.boosts {
            if boost.doc() < doc {
                boost.seek(doc);
            }
            if boost.doc() == doc {
                relevance += boost.score();
            }
        }
        (covers, words, relevance.min(tiers.cap))
    }
}

impl DocSet for TieredScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            let next = self.step(self.doc);
            self.doc = self.settle(next);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc < target {
            for clause in &mut self.clauses {
                clause.seek(target);
            }
            let first = self.first();
            self.doc = self.settle(first);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        let hints = self.clauses.iter().map(ClauseScorer::size_hint);
        match self.tiers.mode {
            MatchMode::Any => hints.fold(0, u32::saturating_add),
            MatchMode::All => hints.min().unwrap_or(0),
        }
    }

    fn cost(&self) -> u64 {
        self.clauses.iter().map(ClauseScorer::cost).sum()
    }
}

impl Scorer for TieredScorer {
    fn score(&mut self) -> Score {
        let (covers, words, relevance) = self.parts();
        covers + words + relevance
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, TermQuery};
    use tantivy::schema::{Field, IndexRecordOption, STRING, Schema};
    use tantivy::{Index, TantivyDocument};

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    const TIERS: Tiers = Tiers {
        mode: MatchMode::Any,
        least: 0,
        cover: 10_000.0,
        word: 1000.0,
        cap: 999.0,
    };

    /// An index of one document per entry, each with the words `words`
    /// (as words) and `chars` (as another kind of match).
    fn index(docs: &[(&str, &str)]) -> tantivy::Result<(Index, Field, Field)> {
        let mut builder = Schema::builder();
        let words = builder.add_text_field("words", STRING);
        let chars = builder.add_text_field("chars", STRING);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
        for (in_words, in_chars) in docs {
            let mut doc = TantivyDocument::new();
            for word in in_words.split_whitespace() {
                doc.add_text(words, word);
            }
            for word in in_chars.split_whitespace() {
                doc.add_text(chars, word);
            }
            writer.add_document(doc)?;
        }
        writer.commit()?;
        Ok((index, words, chars))
    }

    fn term(field: Field, text: &str, boost: Score) -> Box<dyn Query> {
        let term = TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::Basic);
        Box::new(BoostQuery::new(Box::new(term), boost))
    }

    /// Clause `text`: as words in `words`, otherwise in `chars`.
    fn clause(fields: (Field, Field), text: &str, words_only: bool) -> TieredClause {
        TieredClause {
            words: Some(term(fields.0, text, 1.0)),
            other: Some(term(fields.1, text, 1.0)),
            covered_as_words_only: words_only,
        }
    }

    /// Each matching document's number and score, by document.
    fn scores(index: &Index, query: &dyn Query) -> tantivy::Result<Vec<(u32, Score)>> {
        let searcher = index.reader()?.searcher();
        let top = searcher.search(query, &TopDocs::with_limit(10).order_by_score())?;
        let mut found: Vec<(u32, Score)> = top
            .into_iter()
            .map(|(score, address)| (address.doc_id, score))
            .collect();
        found.sort_by_key(|(doc, _)| *doc);
        Ok(found)
    }

    #[test]
    fn any_adds_a_cover_and_a_word_tier_per_clause_and_caps_the_relevance() -> TestResult {
        let (index, words, chars) = index(&[("a", ""), ("", "a"), ("a b", ""), ("c", "")])?;
        let fields = (words, chars);
        let boosts = vec![term(words, "b", 5000.0)];
        let query = TieredQuery::new(
            vec![clause(fields, "a", false), clause(fields, "b", false)],
            boosts,
            TIERS,
        );
        let found = scores(&index, &query)?;
        let docs: Vec<u32> = found.iter().map(|(doc, _)| *doc).collect();
        assert_eq!(docs, [0, 1, 2]);
        let score = |doc: u32| found.iter().find(|(d, _)| *d == doc).map(|(_, s)| *s);
        // Covered once, as words once, and a little relevance.
        let one = score(0).unwrap_or_default();
        assert!(11_000.0 < one && one < 11_999.0, "{one}");
        // Covered once, not as words.
        let other = score(1).unwrap_or_default();
        assert!(10_000.0 < other && other < 10_999.0, "{other}");
        // Covered twice, as words twice, and the boost's 5000 capped.
        assert_eq!(score(2), Some(20_000.0 + 2000.0 + 999.0));
        Ok(())
    }

    #[test]
    fn any_keeps_posts_covering_the_least_clauses() -> TestResult {
        let (index, words, chars) =
            index(&[("a", ""), ("a b", ""), ("a", "b"), ("b", ""), ("", "a b")])?;
        let fields = (words, chars);
        let tiers = Tiers { least: 2, ..TIERS };
        // `b` covers only as words: the third and fifth posts have it
        // otherwise.
        let query = TieredQuery::new(
            vec![clause(fields, "a", false), clause(fields, "b", true)],
            Vec::new(),
            tiers,
        );
        let docs: Vec<u32> = scores(&index, &query)?.iter().map(|(d, _)| *d).collect();
        assert_eq!(docs, [1]);
        Ok(())
    }

    #[test]
    fn all_matches_posts_with_every_clause_and_seeks_under_a_filter() -> TestResult {
        let (index, words, chars) = index(&[
            ("a b", ""),
            ("a", ""),
            ("a", "b"),
            ("b", "x"),
            ("a b", "x"),
            ("a", "b x"),
        ])?;
        let fields = (words, chars);
        let tiers = Tiers {
            mode: MatchMode::All,
            ..TIERS
        };
        let tiered = TieredQuery::new(
            vec![clause(fields, "a", false), clause(fields, "b", false)],
            Vec::new(),
            tiers,
        );
        let docs: Vec<u32> = scores(&index, &tiered)?.iter().map(|(d, _)| *d).collect();
        assert_eq!(docs, [0, 2, 4, 5]);
        let filtered = BooleanQuery::new(vec![
            (Occur::Must, term(chars, "x", 0.0)),
            (Occur::Must, Box::new(tiered)),
        ]);
        let found = scores(&index, &filtered)?;
        let docs: Vec<u32> = found.iter().map(|(d, _)| *d).collect();
        assert_eq!(docs, [4, 5]);
        // No cover tier with `All`; two word tiers, or one.
        assert!(found[0].1 > 2000.0 && found[1].1 < 2000.0, "{found:?}");
        Ok(())
    }
}
