//! A query whose score never exceeds a cap.
//!
//! Ranking puts every post that matches more of the query's words as words
//! above every post that matches fewer (see [`crate::plan`]): each word
//! matched as a word adds a fixed tier, and everything else the score says
//! (BM25, boosts, substring matches) is capped below one tier. Tantivy has no
//! such query, so this wraps one and clamps its scores.

use std::fmt;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

/// Matches what `query` matches, scoring `min(score, cap)`.
pub(crate) struct CappedQuery {
    query: Box<dyn Query>,
    cap: Score,
}

impl CappedQuery {
    pub(crate) fn new(query: Box<dyn Query>, cap: Score) -> Self {
        Self { query, cap }
    }
}

impl Clone for CappedQuery {
    fn clone(&self) -> Self {
        Self {
            query: self.query.box_clone(),
            cap: self.cap,
        }
    }
}

impl fmt::Debug for CappedQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Capped(query={:?}, cap={})", self.query, self.cap)
    }
}

impl Query for CappedQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weight = self.query.weight(enable_scoring)?;
        if !enable_scoring.is_scoring_enabled() {
            return Ok(weight);
        }
        Ok(Box::new(CappedWeight {
            weight,
            cap: self.cap,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

struct CappedWeight {
    weight: Box<dyn Weight>,
    cap: Score,
}

impl Weight for CappedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(CappedScorer {
            scorer: self.weight.scorer(reader, boost)?,
            cap: self.cap,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let inner = self.weight.explain(reader, doc)?;
        let mut explanation = Explanation::new_with_string(
            format!("min(…, {})", self.cap),
            inner.value().min(self.cap),
        );
        explanation.add_detail(inner);
        Ok(explanation)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.weight.count(reader)
    }
}

struct CappedScorer {
    scorer: Box<dyn Scorer>,
    cap: Score,
}

impl DocSet for CappedScorer {
    fn advance(&mut self) -> DocId {
        self.scorer.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.scorer.seek(target)
    }

    fn doc(&self) -> DocId {
        self.scorer.doc()
    }

    fn size_hint(&self) -> u32 {
        self.scorer.size_hint()
    }

    fn cost(&self) -> u64 {
        self.scorer.cost()
    }
}

impl Scorer for CappedScorer {
    fn score(&mut self) -> Score {
        self.scorer.score().min(self.cap)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BoostQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, STRING, Schema};
    use tantivy::{Index, TantivyDocument};

    use super::*;

    #[test]
    fn scores_are_clamped_and_matches_kept() -> tantivy::Result<()> {
        let mut builder = Schema::builder();
        let field = builder.add_text_field("word", STRING);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
        for word in ["a", "b", "a"] {
            let mut doc = TantivyDocument::new();
            doc.add_text(field, word);
            writer.add_document(doc)?;
        }
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        let term = TermQuery::new(Term::from_field_text(field, "a"), IndexRecordOption::Basic);
        let boosted = BoostQuery::new(Box::new(term), 100.0);
        let capped = CappedQuery::new(Box::new(boosted), 2.5);
        let top = searcher.search(&capped, &TopDocs::with_limit(10).order_by_score())?;
        let scores: Vec<Score> = top.iter().map(|(score, _)| *score).collect();
        assert_eq!(scores, [2.5, 2.5]);
        Ok(())
    }
}
