//! The reading clause of a query word: a word typed all in hiragana
//! (`べんきょうかい`), or in romaji (`benkyoukai`), also searches
//! - the readings of the posts' words and runs of words, so it finds
//!   `勉強会` (see [`sagasu_analyzer::query_reading`]);
//! - its katakana, as the katakana query would: as words, and, from three
//!   characters on, as a substring, so `いんふら` finds `インフラ` wherever
//!   `インフラ` does (readings that only spell the text in katakana are not
//!   indexed, so this is how they are found).
//!
//! The planner adds this clause only when no post has the word as typed
//! (see `Planner::clause_query`): a reading stands in for a word the reader
//! did not type, so `Sanpo`, which a post has, does not also find `散歩`.

use sagasu_analyzer::{Analyzer, query_reading};
use sagasu_indexer::schema::Fields;
use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use super::text::sequence_query;
use crate::ranking::{
    BODY_KATAKANA_SUBSTRING_BOOST, BODY_READINGS_BOOST, TITLE_KATAKANA_SUBSTRING_BOOST,
    TITLE_READINGS_BOOST,
};
/// Shortest katakana searched as a substring: two kana (`カイ`) occur inside
/// too many unrelated words.
const SUBSTRING_MIN_CHARS: usize = 3;

/// The query for the readings of `text`; `None` unless `text` is a reading
/// (all hiragana, or romaji).
pub(crate) fn reading_query(
    fields: &Fields,
    analyzer: &Analyzer,
    text: &str,
) -> Option<Box<dyn Query>> {
    let reading = query_reading(text)?;
    // Should the katakana fail to analyse (it does not in practice), the
    // readings are still searched.
    let analysis = analyzer.analyze(&reading).ok().unwrap_or_default();
    let spelled = analysis.query_terms();
    let bigrams: Vec<(usize, &str)> = if reading.chars().count() >= SUBSTRING_MIN_CHARS {
        analysis
            .bigrams
            .iter()
            .map(|token| (token.position, token.text.as_str()))
            .collect()
    } else {
        Vec::new()
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut add = |query: Option<Box<dyn Query>>, boost: f32| {
        if let Some(query) = query {
            clauses.push((Occur::Should, Box::new(BoostQuery::new(query, boost))));
        }
    };
    let reading_term = |field: Field| -> Option<Box<dyn Query>> {
        let term = Term::from_field_text(field, &reading);
        Some(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)))
    };
    add(reading_term(fields.title_readings), TITLE_READINGS_BOOST);
    add(reading_term(fields.body_readings), BODY_READINGS_BOOST);
    add(
        sequence_query(fields.title_terms, &spelled),
        TITLE_READINGS_BOOST,
    );
    add(
        sequence_query(fields.body_terms, &spelled),
        BODY_READINGS_BOOST,
    );
    add(
        sequence_query(fields.title_bigrams, &bigrams),
        TITLE_KATAKANA_SUBSTRING_BOOST,
    );
    add(
        sequence_query(fields.body_bigrams, &bigrams),
        BODY_KATAKANA_SUBSTRING_BOOST,
    );
    Some(Box::new(BooleanQuery::new(clauses)))
}
