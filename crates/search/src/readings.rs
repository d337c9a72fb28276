//! The reading clause of a query word: a word typed all in hiragana
//! (`べんきょうかい`), or in romaji (`benkyoukai`), also searches the
//! readings of the posts' words and runs of words, so it finds `勉強会`, and
//! its katakana as words, so it finds `インフラ` for `いんふら` (see
//! [`sagasu_analyzer::query_reading`]; readings that only spell the text in
//! katakana are not indexed).

use sagasu_analyzer::{Analyzer, query_reading};
use sagasu_indexer::schema::Fields;
use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

/// Weight of a reading match in the title and the body: below a word match
/// in the same field, since words read alike can differ (`会` and `回`).
const TITLE_READINGS_BOOST: f32 = 1.0;
const BODY_READINGS_BOOST: f32 = 0.5;

/// The query for the readings of `text`; `None` unless `text` is a reading
/// (all hiragana, or romaji).
pub(crate) fn reading_query(
    fields: &Fields,
    analyzer: &Analyzer,
    text: &str,
) -> Option<Box<dyn Query>> {
    let reading = query_reading(text)?;
    // The katakana as words; should it fail to analyse (it does not in
    // practice), the readings are still searched.
    let analysis = analyzer.analyze(&reading).ok();
    let spelled = analysis
        .as_ref()
        .map(|a| a.query_terms())
        .unwrap_or_default();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (readings, terms, boost) in [
        (
            fields.title_readings,
            fields.title_terms,
            TITLE_READINGS_BOOST,
        ),
        (fields.body_readings, fields.body_terms, BODY_READINGS_BOOST),
    ] {
        let term = TermQuery::new(
            Term::from_field_text(readings, &reading),
            IndexRecordOption::WithFreqs,
        );
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(term), boost)),
        ));
        if let Some(words) = words_query(terms, &spelled) {
            clauses.push((Occur::Should, Box::new(BoostQuery::new(words, boost))));
        }
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// A term for one word, a phrase for several; `None` for none.
fn words_query(field: Field, words: &[(usize, &str)]) -> Option<Box<dyn Query>> {
    let first = words.first()?.0;
    if let [(_, word)] = words {
        let term = Term::from_field_text(field, word);
        return Some(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)));
    }
    let terms = words
        .iter()
        .map(|(position, word)| (position - first, Term::from_field_text(field, word)))
        .collect();
    Some(Box::new(PhraseQuery::new_with_offset(terms)))
}
