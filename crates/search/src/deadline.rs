//! A time by which a search must be answered, and the query that stops
//! collecting once it has passed.
//!
//! A search past its deadline is not worth finishing: the server has
//! already answered `503`. So the deadline is checked where a search spends
//! its time, and the search ends with [`Error::DeadlineExceeded`] soon after
//! it passes: while documents are collected ([`DeadlineQuery`] ends the
//! match iteration, every [`CHECK_EVERY`] documents), between the hits whose
//! snippets are made, and between the sentences a snippet analyses.

use std::fmt;
use std::time::{Duration, Instant};

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

use crate::{Error, Result};

/// Documents matched between two looks at the clock while collecting.
const CHECK_EVERY: u32 = 1024;

/// When a search must be done by, if ever.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Deadline(Option<Instant>);

impl Deadline {
    /// No deadline: the search runs to its end.
    pub fn none() -> Self {
        Self(None)
    }

    /// `timeout` from now.
    pub fn after(timeout: Duration) -> Self {
        Self(Instant::now().checked_add(timeout))
    }

    /// At `instant`.
    pub fn at(instant: Instant) -> Self {
        Self(Some(instant))
    }

    /// Whether the deadline has passed.
    pub fn passed(self) -> bool {
        self.0.is_some_and(|at| Instant::now() >= at)
    }

    /// Fails with [`Error::DeadlineExceeded`] once the deadline has passed.
    pub fn check(self) -> Result<()> {
        if self.passed() {
            return Err(Error::DeadlineExceeded);
        }
        Ok(())
    }
}

/// Matches what `query` matches, until the deadline passes; then it matches
/// nothing more, so that any collector stops. A search that used it must
/// [`Deadline::check`] afterwards: its results may be partial.
pub(crate) struct DeadlineQuery {
    query: Box<dyn Query>,
    deadline: Deadline,
}

impl DeadlineQuery {
    pub(crate) fn new(query: Box<dyn Query>, deadline: Deadline) -> Self {
        Self { query, deadline }
    }
}

impl Clone for DeadlineQuery {
    fn clone(&self) -> Self {
        Self {
            query: self.query.box_clone(),
            deadline: self.deadline,
        }
    }
}

impl fmt::Debug for DeadlineQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Deadline(query={:?})", self.query)
    }
}

impl Query for DeadlineQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(DeadlineWeight {
            weight: self.query.weight(enable_scoring)?,
            deadline: self.deadline,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

struct DeadlineWeight {
    weight: Box<dyn Weight>,
    deadline: Deadline,
}

impl Weight for DeadlineWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(DeadlineScorer {
            scorer: self.weight.scorer(reader, boost)?,
            deadline: self.deadline,
            // The first step looks, so a search that starts late stops at once.
            until_check: 1,
            passed: false,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.weight.explain(reader, doc)
    }
}

struct DeadlineScorer {
    scorer: Box<dyn Scorer>,
    deadline: Deadline,
    until_check: u32,
    passed: bool,
}

impl DeadlineScorer {
    /// Whether to stop: the deadline had passed at the last look, or it has
    /// at this one.
    fn stop(&mut self) -> bool {
        if !self.passed {
            self.until_check -= 1;
            if self.until_check == 0 {
                self.until_check = CHECK_EVERY;
                self.passed = self.deadline.passed();
            }
        }
        self.passed
    }
}

impl DocSet for DeadlineScorer {
    fn advance(&mut self) -> DocId {
        if self.stop() {
            return TERMINATED;
        }
        self.scorer.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.stop() {
            return TERMINATED;
        }
        self.scorer.seek(target)
    }

    fn doc(&self) -> DocId {
        if self.passed {
            return TERMINATED;
        }
        self.scorer.doc()
    }

    fn size_hint(&self) -> u32 {
        self.scorer.size_hint()
    }

    fn cost(&self) -> u64 {
        self.scorer.cost()
    }
}

impl Scorer for DeadlineScorer {
    fn score(&mut self) -> Score {
        self.scorer.score()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::Count;
    use tantivy::query::AllQuery;
    use tantivy::schema::{STRING, Schema};
    use tantivy::{Index, TantivyDocument};

    use super::*;

    #[test]
    fn a_passed_deadline_stops_collecting_and_fails_the_check() -> tantivy::Result<()> {
        let mut builder = Schema::builder();
        let field = builder.add_text_field("word", STRING);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
        let docs = 3 * CHECK_EVERY;
        for _ in 0..docs {
            let mut doc = TantivyDocument::new();
            doc.add_text(field, "a");
            writer.add_document(doc)?;
        }
        writer.commit()?;
        let searcher = index.reader()?.searcher();

        let open = DeadlineQuery::new(Box::new(AllQuery), Deadline::none());
        assert_eq!(searcher.search(&open, &Count)?, docs as usize);
        assert!(Deadline::none().check().is_ok());

        let passed = Deadline::at(Instant::now());
        let stopped = DeadlineQuery::new(Box::new(AllQuery), passed);
        let counted = searcher.search(&stopped, &Count)?;
        assert!(
            counted < CHECK_EVERY as usize,
            "{counted} documents collected"
        );
        assert!(matches!(passed.check(), Err(Error::DeadlineExceeded)));
        Ok(())
    }
}
