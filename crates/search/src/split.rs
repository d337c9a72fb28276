//! The word tier: words typed without spaces, searched by their content
//! words when the run as typed is in no post.
//!
//! Japanese is typed without spaces: `インフラ勉強会` for what a spaced
//! query writes `インフラ 勉強会`. With `match=all`, every word is first
//! searched as typed (its terms as a phrase, or its characters in
//! sequence): the posts with the run itself are what was asked for, and
//! when there are any, they are all the results. When the query finds
//! nothing that way, each of its words that holds other content words than
//! itself (`インフラ` and `勉強会`, `ラオス` and `経済` of `ラオス経済とは？`;
//! see [`sagasu_analyzer::Analyzer::content_words`]) and whose run is in no
//! post that passes the query's other conditions (filters and exclusions)
//! is replaced by its content words. Those must all occur, each as a word or
//! a substring, like the words of a spaced query, and rank as such: more of
//! them as words first, then close together and in order. The response
//! names the words so searched ([`crate::SearchResponse::split`]).
//!
//! Quoted phrases (`"インフラ勉強会"`), `OR` groups, synonyms' entries and
//! excluded words are never split.

use tantivy::collector::Count;

use crate::Result;
use crate::Synonyms;
use crate::plan::Planner;
use crate::query::{Atom, ParsedQuery};
use crate::request::{MatchMode, SearchRequest};
use crate::response::SplitWord;
use crate::snippet::escape;

/// A query with its unspaced words replaced by their content words.
pub(crate) struct Split {
    /// The query to search instead.
    pub query: ParsedQuery,
    /// The words replaced, for the response.
    pub words: Vec<SplitWord>,
}

/// `parsed` with every word whose run is in no post replaced by its content
/// words; `None` when no word is.
pub(crate) fn split(
    planner: &Planner<'_>,
    searcher: &tantivy::Searcher,
    synonyms: &Synonyms,
    parsed: &ParsedQuery,
    request: &SearchRequest,
) -> Result<Option<Split>> {
    let mut query = ParsedQuery {
        must: Vec::with_capacity(parsed.must.len()),
        must_not: parsed.must_not.clone(),
    };
    let mut words = Vec::new();
    for clause in &parsed.must {
        let [Atom::Word(text)] = clause.as_slice() else {
            query.must.push(clause.clone());
            continue;
        };
        let content = planner.analyzer.content_words(text)?;
        let divides = match content.as_slice() {
            [] => false,
            // `Zabbixとは何` is `Zabbix`, which is not the run's terms.
            [only] => {
                let whole = planner.analyzer.analyze(text)?;
                let terms = only.terms.iter().map(|(at, term)| (*at, term.as_str()));
                terms.ne(whole.query_terms())
            }
            _ => true,
        };
        if !divides || occurs(planner, searcher, synonyms, parsed, clause, request)? {
            query.must.push(clause.clone());
            continue;
        }
        words.push(SplitWord {
            text: escape(text),
            words: content.iter().map(|word| escape(&word.text)).collect(),
        });
        query.must.extend(
            content
                .into_iter()
                .map(|word| vec![Atom::Word(word.text)]),
        );
    }
    Ok((!words.is_empty()).then_some(Split { query, words }))
}

/// Whether some post has `clause` as typed and passes the rest of
/// `parsed`'s conditions other than its words: its `tag:`/`category:`
/// atoms, exclusions and the request's filters.
fn occurs(
    planner: &Planner<'_>,
    searcher: &tantivy::Searcher,
    synonyms: &Synonyms,
    parsed: &ParsedQuery,
    clause: &[Atom],
    request: &SearchRequest,
) -> Result<bool> {
    let names = parsed.must.iter().filter(|alternatives| {
        alternatives
            .iter()
            .all(|atom| matches!(atom, Atom::Tag(_) | Atom::Category(_)))
    });
    let alone = ParsedQuery {
        must: std::iter::once(clause.to_vec())
            .chain(names.cloned())
            .collect(),
        must_not: parsed.must_not.clone(),
    };
    let plan = planner.plan(&synonyms.expand(alone), request, MatchMode::All)?;
    Ok(searcher.search(plan.query.as_ref(), &Count)? > 0)
}
