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
//! see [`sagasu_analyzer::Analyzer::content_words`]; nouns and names, and
//! verbs joined to them: the verbs of a sentence are left to the `any`
//! fallback, but `立てmode` is `立て` and `mode`) and whose run is in no
//! post that passes the query's other conditions (filters and exclusions)
//! is replaced by its content words (neighbours that some post has written
//! together stay together: IPADIC cuts `ハートビート` into `ハート` and
//! `ビート`). Those must all occur, each as a word or
//! a substring, like the words of a spaced query, and rank as such: more of
//! them as words first, then close together and in order. The response
//! names the words so searched ([`crate::SearchResponse::split`]).
//!
//! Quoted phrases (`"インフラ勉強会"`), `OR` groups, synonyms' entries and
//! excluded words are never split.

use sagasu_analyzer::ContentWord;
use tantivy::collector::Count;

use crate::Result;
use crate::Synonyms;
use crate::plan::Planner;
use crate::query::{Atom, ParsedQuery};
use crate::request::{MatchMode, SearchRequest};
use crate::response::SplitWord;

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
        let content = searched_words(planner.analyzer.content_words(text)?);
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
        let content = regroup(planner, searcher, synonyms, parsed, request, text, &content)?;
        words.push(SplitWord {
            text: text.clone(),
            words: content.clone(),
        });
        query
            .must
            .extend(content.into_iter().map(|word| vec![Atom::Word(word)]));
    }
    Ok((!words.is_empty()).then_some(Split { query, words }))
}

/// The content words of a run to search it by: its nouns and names, and
/// the verbs and adjectives joined to another content word with nothing
/// between (`立て` of `立てmode`). The verbs and adjectives of a sentence
/// typed as one run, after their particles (`起き` of
/// `スプリットブレインが起きたら`), are left to the `any` fallback.
fn searched_words(content: Vec<ContentWord>) -> Vec<ContentWord> {
    let joined = |index: usize| {
        let word = &content[index];
        let before = index
            .checked_sub(1)
            .is_some_and(|previous| content[previous].offset_to == word.offset_from);
        let after = content
            .get(index + 1)
            .is_some_and(|next| next.offset_from == word.offset_to);
        before || after
    };
    let keep: Vec<bool> = (0..content.len())
        .map(|index| matches!(content[index].part_of_speech, "名詞" | "未知語") || joined(index))
        .collect();
    content
        .into_iter()
        .zip(keep)
        .filter_map(|(word, keep)| keep.then_some(word))
        .collect()
}

/// The words to search `text` by: its content words `content`, with
/// neighbours written together joined where some post has them together,
/// longest first. IPADIC splits some compounds (`ハートビート` is `ハート`
/// and `ビート`, `確定申告` is `確定` and `申告`): the archive says which.
fn regroup(
    planner: &Planner<'_>,
    searcher: &tantivy::Searcher,
    synonyms: &Synonyms,
    parsed: &ParsedQuery,
    request: &SearchRequest,
    text: &str,
    content: &[ContentWord],
) -> Result<Vec<String>> {
    let span = |first: &ContentWord, last: &ContentWord| {
        text.get(first.offset_from..last.offset_to)
            .unwrap_or_default()
            .to_owned()
    };
    let mut words = Vec::new();
    let mut start = 0;
    while let Some(first) = content.get(start) {
        // The words that follow with nothing between them.
        let mut touching = start;
        while content
            .get(touching + 1)
            .is_some_and(|next| next.offset_from == content[touching].offset_to)
        {
            touching += 1;
        }
        let mut end = start;
        for last in (start + 1..=touching).rev() {
            let joined = vec![Atom::Word(span(first, &content[last]))];
            if occurs(planner, searcher, synonyms, parsed, &joined, request)? {
                end = last;
                break;
            }
        }
        words.push(span(first, &content[end]));
        start = end + 1;
    }
    Ok(words)
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

#[cfg(test)]
mod tests {
    use crate::searcher::tests::{TestResult, ids, index_posts};
    use crate::snippet::tests::marked;
    use crate::{MatchMode, SearchRequest, Searcher};

    fn posts(dir: &std::path::Path) -> Result<Searcher, Box<dyn std::error::Error>> {
        let filler = "今日は天気の話をします。".repeat(10);
        // The close post is the longer one: BM25 alone would put it last.
        let near = format!("{filler}インフラエンジニア勉強会に参加した。{filler}");
        let far = format!("インフラの話。{filler}勉強会の話。");
        index_posts(
            dir,
            &[
                ("2010-01-01-near.md", "title: 記録", near.as_str()),
                ("2012-01-01-far.md", "title: 記録", far.as_str()),
                ("2013-01-01-one.md", "title: 記録", "インフラを整えた。"),
                (
                    "2014-01-01-exact.md",
                    "title: 本",
                    "ラオス経済の本を読んだ。",
                ),
                (
                    "2015-01-01-apart.md",
                    "title: 旅",
                    "ラオスに行った。経済の話をした。",
                ),
                (
                    "2016-01-01-heartbeat.md",
                    "title: 冗長化",
                    "ハートビートの設定を見直した。",
                ),
            ],
        )
    }

    #[test]
    fn a_run_in_no_post_finds_the_posts_with_all_its_words_close_ones_first() -> TestResult {
        let dir = tempfile::tempdir()?;
        let searcher = posts(dir.path())?;
        let response = searcher.search(&SearchRequest::new("インフラ勉強会"))?;
        assert!(!response.relaxed);
        assert_eq!(response.split.len(), 1);
        assert_eq!(response.split[0].text, "インフラ勉強会");
        assert_eq!(response.split[0].words, ["インフラ", "勉強会"]);
        assert_eq!(ids(&response), ["2010-01-01-near.md", "2012-01-01-far.md"]);
        // Both words are highlighted.
        let snippet = marked(&response.hits[0].snippet);
        assert!(
            snippet.contains("<mark>インフラ</mark>エンジニア<mark>勉強会</mark>"),
            "{snippet}"
        );
        Ok(())
    }

    #[test]
    fn words_some_post_has_together_stay_together() -> TestResult {
        let dir = tempfile::tempdir()?;
        let searcher = posts(dir.path())?;
        // IPADIC reads ハートビート as ハート and ビート.
        let response = searcher.search(&SearchRequest::new("ハートビート設定"))?;
        assert_eq!(response.split[0].words, ["ハートビート", "設定"]);
        assert_eq!(ids(&response), ["2016-01-01-heartbeat.md"]);
        Ok(())
    }

    #[test]
    fn a_run_some_post_has_finds_only_the_posts_with_it() -> TestResult {
        let dir = tempfile::tempdir()?;
        let searcher = posts(dir.path())?;
        for query in ["ラオス経済", "ラオス経済とは？"] {
            let response = searcher.search(&SearchRequest::new(query))?;
            assert!(response.split.is_empty(), "{query}");
            assert_eq!(ids(&response), ["2014-01-01-exact.md"], "{query}");
        }
        // Filtered to the posts without the run, it is split.
        let response = searcher.search(&SearchRequest::new("ラオス経済とは？ -本"))?;
        assert_eq!(response.split[0].words, ["ラオス", "経済"]);
        assert_eq!(ids(&response), ["2015-01-01-apart.md"]);
        Ok(())
    }

    #[test]
    fn a_verb_joined_to_a_word_is_searched_too() -> TestResult {
        let dir = tempfile::tempdir()?;
        let searcher = index_posts(
            dir.path(),
            &[
                (
                    "2010-01-01-both.md",
                    "title: 設定",
                    "計画を立てて mode を選んだ。",
                ),
                ("2011-01-01-mode.md", "title: 設定", "mode の話。"),
            ],
        )?;
        let response = searcher.search(&SearchRequest::new("立てmode"))?;
        assert_eq!(response.split[0].words, ["立て", "mode"]);
        assert_eq!(ids(&response), ["2010-01-01-both.md"]);
        Ok(())
    }

    #[test]
    fn a_quoted_phrase_is_never_split() -> TestResult {
        let dir = tempfile::tempdir()?;
        let searcher = posts(dir.path())?;
        let response = searcher.search(&SearchRequest::new("\"インフラ勉強会\""))?;
        assert_eq!(response.total, 0);
        assert!(response.split.is_empty() && !response.relaxed);
        Ok(())
    }

    #[test]
    fn match_any_counts_a_runs_words_one_by_one() -> TestResult {
        let dir = tempfile::tempdir()?;
        let searcher = posts(dir.path())?;
        let mut request = SearchRequest::new("インフラ勉強会とは？");
        request.match_mode = MatchMode::Any;
        let response = searcher.search(&request)?;
        assert!(response.split.is_empty() && !response.relaxed);
        let found = ids(&response);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[2], "2013-01-01-one.md", "{found:?}");
        Ok(())
    }
}
