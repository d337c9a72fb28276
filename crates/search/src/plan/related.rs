//! The related-posts query: the posts most like one post, by its most
//! distinctive words, its tags and its categories (weighed as
//! [`crate::ranking`] says).

use std::collections::HashMap;

use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{TantivyDocument, Term};

use super::Planner;
use super::filters::key_query;
use crate::Result;
use crate::ranking::{
    RELATED_CATEGORY_WEIGHT, RELATED_TAG_WEIGHT, RELATED_TERMS, related_term_weight,
};
use crate::searcher::first_text;
use crate::words::is_descriptive;

impl Planner<'_> {
    /// The query for the posts like `doc`, the post `id` in `searcher`,
    /// other than itself: sharing its most distinctive words (by TF-IDF
    /// over the same analysis as search), its tags and its categories.
    /// `None` when it has nothing to share.
    pub(crate) fn related(
        &self,
        searcher: &tantivy::Searcher,
        id: &str,
        doc: &TantivyDocument,
    ) -> Result<Option<Box<dyn Query>>> {
        let fields = self.fields;
        let text = format!(
            "{}\n{}",
            first_text(doc, fields.title).unwrap_or_default(),
            first_text(doc, fields.body).unwrap_or_default()
        );
        let mut frequencies: HashMap<String, u32> = HashMap::new();
        for term in self.analyzer.analyze(&text)?.terms {
            if is_descriptive(&term) {
                *frequencies.entry(term.text).or_default() += 1;
            }
        }
        let docs = searcher.num_docs().max(1);
        let mut weighted = Vec::with_capacity(frequencies.len());
        for (text, frequency) in frequencies {
            let term = Term::from_field_text(fields.body_terms, &text);
            let doc_freq = searcher.doc_freq(&term)?;
            if let Some(weight) = related_term_weight(frequency, doc_freq, docs) {
                weighted.push((weight, text));
            }
        }
        weighted.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        weighted.truncate(RELATED_TERMS);

        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (weight, text) in &weighted {
            for field in [fields.title_terms, fields.body_terms] {
                let term = TermQuery::new(
                    Term::from_field_text(field, text),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(term), *weight)),
                ));
            }
        }
        let strongest = weighted.first().map_or(1.0, |(weight, _)| *weight);
        for (field, names, boost) in [
            (fields.tag, fields.tags, RELATED_TAG_WEIGHT * strongest),
            (
                fields.category,
                fields.categories,
                RELATED_CATEGORY_WEIGHT * strongest,
            ),
        ] {
            for name in doc.get_all(names).filter_map(|value| value.as_str()) {
                let name_query = ConstScoreQuery::new(key_query(field, name), boost);
                clauses.push((Occur::Should, Box::new(name_query)));
            }
        }
        if clauses.is_empty() {
            return Ok(None);
        }
        let path = Term::from_field_text(fields.id, id);
        clauses.push((
            Occur::MustNot,
            Box::new(TermQuery::new(path, IndexRecordOption::Basic)),
        ));
        Ok(Some(Box::new(BooleanQuery::new(clauses))))
    }
}
