//! The queries of a clause's matches: as words, as a substring, by
//! reading; and the proximity and name boosts over all clauses.

use std::collections::HashSet;

use sagasu_analyzer::normalize_key;
use tantivy::Term;
use tantivy::collector::Count;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query,
    RegexPhraseQuery, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::Planner;
use super::clauses::Clause;
use super::readings::reading_query;
use crate::Result;
use crate::query::ParsedQuery;
use crate::ranking::{
    BODY_BIGRAMS_BOOST, BODY_TERMS_BOOST, LABEL_TERMS_BOOST, NAME_BOOST, NEAR_BOOST, NEAR_SLOP,
    TITLE_BIGRAMS_BOOST, TITLE_TERMS_BOOST,
};
use crate::tiered::TieredClause;
use crate::words::Unit;

impl Planner<'_> {
    /// The queries of one clause; `None` when it has nothing searchable.
    ///
    /// A post covers the clause (for ranking and the floor of `any`) where
    /// it matches it in any way, except that a word of one character
    /// (`本`) covers it only as a word: inside other words (`日本`, `本番`)
    /// it is mostly something else.
    ///
    /// A word all in hiragana or in romaji also finds words by their
    /// reading, but only when no post has it as typed (as words or as a
    /// substring): a reading stands in for the word the reader did not
    /// type, so `Sanpo`, which a post has, does not also find `散歩` (read
    /// サンポ), while `sanpo` in an archive without it does.
    pub(super) fn clause_query(&self, clause: &Clause) -> Result<Option<TieredClause>> {
        let mut words: Vec<Box<dyn Query>> = Vec::new();
        let mut other: Vec<Box<dyn Query>> = Vec::new();
        let one_character = clause
            .units
            .iter()
            .any(|unit| unit.text.chars().count() == 1);
        for unit in &clause.units {
            let word = self.word_query(unit);
            let substring = self.substring_query(unit);
            if let Some(reading) = reading_query(self.fields, self.analyzer, &unit.text) {
                let typed: Vec<Box<dyn Query>> = word
                    .iter()
                    .chain(&substring)
                    .map(|query| query.box_clone())
                    .collect();
                let found = match self.index {
                    Some(index) if !typed.is_empty() => {
                        index.search(should(typed).as_ref(), &Count)? > 0
                    }
                    _ => false,
                };
                if !found {
                    other.push(reading);
                }
            }
            words.extend(word);
            other.extend(substring);
        }
        other.extend(clause.names.iter().map(|name| name.box_clone()));
        if words.is_empty() && other.is_empty() {
            return Ok(None);
        }
        let some = |queries: Vec<Box<dyn Query>>| (!queries.is_empty()).then(|| should(queries));
        Ok(Some(TieredClause {
            words: some(words),
            other: some(other),
            covered_as_words_only: one_character,
        }))
    }

    /// Where `unit` occurs as words: its terms as a phrase in the title,
    /// body or names, BM25 weighted by field.
    fn word_query(&self, unit: &Unit) -> Option<Box<dyn Query>> {
        let fields = self.fields;
        let options: Vec<Box<dyn Query>> = [
            (fields.title_terms, TITLE_TERMS_BOOST),
            (fields.body_terms, BODY_TERMS_BOOST),
            (fields.label_terms, LABEL_TERMS_BOOST),
        ]
        .into_iter()
        .filter_map(|(field, boost)| {
            let mut query = sequence_query(field, &unit.terms)?;
            if let Some(potential) = &unit.potential {
                let term = Term::from_field_text(field, potential);
                let also = TermQuery::new(term, IndexRecordOption::WithFreqs);
                query = should(vec![query, Box::new(also) as Box<dyn Query>]);
            }
            Some(Box::new(BoostQuery::new(query, boost)) as Box<dyn Query>)
        })
        .collect();
        (!options.is_empty()).then(|| should(options))
    }

    /// Where `unit`'s characters occur in sequence: its bigrams as a phrase
    /// in the title or body, weighted below word matches.
    fn substring_query(&self, unit: &Unit) -> Option<Box<dyn Query>> {
        let fields = self.fields;
        let options: Vec<Box<dyn Query>> = [
            (fields.title_bigrams, TITLE_BIGRAMS_BOOST),
            (fields.body_bigrams, BODY_BIGRAMS_BOOST),
        ]
        .into_iter()
        .filter_map(|(field, boost)| {
            let query = bigram_query(field, &unit.bigrams)?;
            Some(Box::new(BoostQuery::new(query, boost)) as Box<dyn Query>)
        })
        .collect();
        (!options.is_empty()).then(|| should(options))
    }

    /// The proximity boost: the terms of every single-unit clause, in query
    /// order, as a sloppy phrase in the title and body. `None` for fewer
    /// than two such units.
    pub(super) fn near(&self, clauses: &[Clause]) -> Option<Box<dyn Query>> {
        let mut terms: Vec<(usize, &str)> = Vec::new();
        let mut units = 0;
        let mut next = 0;
        for clause in clauses {
            let ([unit], []) = (clause.units.as_slice(), clause.names.as_slice()) else {
                continue;
            };
            let Some(first) = unit.terms.first().map(|(position, _)| *position) else {
                continue;
            };
            for (position, text) in &unit.terms {
                terms.push((next + position - first, text.as_str()));
            }
            next = terms.last().map_or(next, |(position, _)| position + 2);
            units += 1;
        }
        if units < 2 {
            return None;
        }
        let options = [self.fields.title_terms, self.fields.body_terms]
            .into_iter()
            .map(|field| {
                let with_offsets = terms
                    .iter()
                    .map(|(position, text)| (*position, Term::from_field_text(field, text)))
                    .collect();
                let phrase = PhraseQuery::new_with_offset_and_slop(with_offsets, NEAR_SLOP);
                Box::new(phrase) as Box<dyn Query>
            })
            .collect();
        Some(Box::new(BoostQuery::new(should(options), NEAR_BOOST)))
    }

    /// Boosts for posts carrying a tag or category named exactly like the
    /// whole query or one of its units.
    pub(super) fn name_boosts(
        &self,
        parsed: &ParsedQuery,
        clauses: &[Clause],
    ) -> Option<Box<dyn Query>> {
        let whole: Vec<&str> = parsed.positive_texts().collect();
        let whole = whole.join(" ");
        let mut keys: Vec<String> = Vec::new();
        let texts = std::iter::once(whole.as_str()).chain(
            clauses
                .iter()
                .flat_map(|c| c.units.iter().map(|u| u.text.as_str())),
        );
        let mut seen = HashSet::new();
        for text in texts {
            let key = normalize_key(text);
            if !key.is_empty() && seen.insert(key.clone()) {
                keys.push(key);
            }
        }
        let boosts: Vec<Box<dyn Query>> = keys
            .iter()
            .flat_map(|key| [(self.fields.tag, key), (self.fields.category, key)])
            .map(|(field, key)| {
                let term =
                    TermQuery::new(Term::from_field_text(field, key), IndexRecordOption::Basic);
                Box::new(ConstScoreQuery::new(Box::new(term), NAME_BOOST)) as Box<dyn Query>
            })
            .collect();
        (!boosts.is_empty()).then(|| should(boosts))
    }
}

/// A query matching any of `queries`, scoring the sum of those that match.
pub(super) fn should(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if queries.len() == 1 {
        return queries
            .into_iter()
            .next()
            .unwrap_or_else(|| Box::new(EmptyQuery));
    }
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

/// A term for one position, a phrase (at the terms' positions) for
/// several; `None` for none.
pub(super) fn sequence_query<T: AsRef<str>>(
    field: Field,
    terms: &[(usize, T)],
) -> Option<Box<dyn Query>> {
    let first = terms.first()?.0;
    if let [(_, text)] = terms {
        let term = Term::from_field_text(field, text.as_ref());
        return Some(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)));
    }
    let with_offsets = terms
        .iter()
        .map(|(position, text)| {
            (
                position - first,
                Term::from_field_text(field, text.as_ref()),
            )
        })
        .collect();
    Some(Box::new(PhraseQuery::new_with_offset(with_offsets)))
}

/// The bigram sequence of a unit. A one-character token at either end is a
/// run of one character in the query, which in a post may continue the
/// run: at the start it matches a bigram ending with it, at the end one
/// starting with it, and alone any bigram holding it.
fn bigram_query(field: Field, bigrams: &[(usize, String)]) -> Option<Box<dyn Query>> {
    let (first, last) = (bigrams.first()?, bigrams.last()?);
    let open = |text: &str| text.chars().count() == 1 && !text.is_ascii();
    let (open_start, open_end) = (open(&first.1), open(&last.1));
    if !open_start && !open_end {
        return sequence_query(field, bigrams);
    }
    if let [(_, text)] = bigrams {
        let pattern = format!(".?{}.?", escape_regex(text));
        return RegexQuery::from_pattern(&pattern, field)
            .ok()
            .map(|query| Box::new(query) as Box<dyn Query>);
    }
    let end = bigrams.len() - 1;
    let patterns = bigrams
        .iter()
        .enumerate()
        .map(|(index, (position, text))| {
            let text = escape_regex(text);
            let pattern = match index {
                0 if open_start => format!(".?{text}"),
                _ if index == end && open_end => format!("{text}.?"),
                _ => text,
            };
            (position - first.0, pattern)
        })
        .collect();
    Some(Box::new(RegexPhraseQuery::new_with_offset(field, patterns)))
}

/// `text` as a regular expression matching itself.
fn escape_regex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
