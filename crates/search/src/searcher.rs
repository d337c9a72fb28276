//! Running searches against an index.

use std::ops::Bound;
use std::path::Path;
use std::time::Instant;

use chrono::{DateTime as ChronoDateTime, NaiveDate};
use sagasu_analyzer::{Analyzer, normalize_key};
use sagasu_indexer::schema::Fields;
use sagasu_indexer::{Provenance, SagasuIndex, to_tantivy_date};
use serde::Serialize;
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DateTime, DocAddress, IndexReader, Order, TantivyDocument, Term};

use crate::Result;
use crate::facets::{FACET_LIMIT, FacetCollector};
use crate::query::{self, Atom, ParsedQuery};
use crate::request::{SearchRequest, Sort};
use crate::response::{FacetCount, Hit, SearchResponse};
use crate::snippet::Highlighter;

/// Weight of a match in each text field. A title match counts most, then a
/// tag or category name; a bigram (substring) match counts less than a word
/// match.
const TITLE_TERMS_BOOST: f32 = 3.0;
const BODY_TERMS_BOOST: f32 = 1.0;
const LABEL_TERMS_BOOST: f32 = 2.0;
const TITLE_BIGRAMS_BOOST: f32 = 0.6;
const BODY_BIGRAMS_BOOST: f32 = 0.3;

/// An open index, ready for searches. Share it between threads: searches
/// take `&self`, and the reader follows new commits on its own.
pub struct Searcher {
    store: SagasuIndex,
    reader: IndexReader,
    analyzer: Analyzer,
}

impl std::fmt::Debug for Searcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Searcher")
            .field("path", &self.store.path)
            .finish_non_exhaustive()
    }
}

/// Overview of an index.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// Number of posts.
    pub posts: u64,
    /// Day of the oldest post.
    pub first_date: Option<String>,
    /// Day of the newest post.
    pub last_date: Option<String>,
    /// Most used tags.
    pub top_tags: Vec<FacetCount>,
    /// Most used categories.
    pub top_categories: Vec<FacetCount>,
    /// Posts per year, newest first.
    pub years: Vec<FacetCount>,
    /// Bytes on disk.
    pub index_bytes: u64,
    /// What built the index.
    pub built_with: Option<Provenance>,
}

impl Searcher {
    /// Opens the index at `path` (which must have been written by this
    /// version of sagasu).
    pub fn open(path: &Path) -> Result<Self> {
        let store = SagasuIndex::open(path)?;
        let reader = store.index.reader()?;
        let analyzer = Analyzer::new()?;
        Ok(Self {
            store,
            reader,
            analyzer,
        })
    }

    /// The analyzer the index was built with.
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse> {
        let started = Instant::now();
        request.validate()?;
        let parsed = query::parse(&request.query);
        let fields = &self.store.fields;
        let (query, has_text) = self.build_query(&parsed, request)?;

        let searcher = self.reader.searcher();
        // Tantivy buffers `offset + limit` hits, so a page far past the end
        // must not become a huge allocation: no page starts beyond the index.
        let num_docs = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
        let offset = (request.page - 1)
            .saturating_mul(request.per_page)
            .min(num_docs);
        let top = TopDocs::with_limit(request.per_page).and_offset(offset);
        let date = || SortByStaticFastValue::<DateTime>::for_field("date");
        let (addresses, total, facets): (Vec<(f32, DocAddress)>, usize, _) = match request.sort {
            Sort::Relevance if has_text => {
                let collector = (
                    top.order_by(((SortBySimilarityScore, Order::Desc), (date(), Order::Desc))),
                    Count,
                    FacetCollector,
                );
                let (top, total, facets) = searcher.search(&query, &collector)?;
                let hits = top
                    .into_iter()
                    .map(|((score, _), doc)| (score, doc))
                    .collect();
                (hits, total, facets)
            }
            Sort::Relevance | Sort::Newest | Sort::Oldest => {
                let order = if request.sort == Sort::Oldest {
                    Order::Asc
                } else {
                    Order::Desc
                };
                let collector = (top.order_by((date(), order)), Count, FacetCollector);
                let (top, total, facets) = searcher.search(&query, &collector)?;
                let hits = top.into_iter().map(|(_, doc)| (0.0, doc)).collect();
                (hits, total, facets)
            }
        };

        let highlighter = Highlighter::new(&self.analyzer, parsed.positive_texts());
        let mut hits = Vec::with_capacity(addresses.len());
        for (score, address) in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            hits.push(self.hit(fields, &doc, score, &highlighter));
        }
        Ok(SearchResponse {
            total,
            page: request.page,
            per_page: request.per_page,
            took_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            hits,
            facets: facets.finish(FACET_LIMIT),
        })
    }

    /// Counts and ranges over the whole index.
    pub fn stats(&self) -> Result<Stats> {
        let searcher = self.reader.searcher();
        let raw = searcher.search(&AllQuery, &FacetCollector)?;
        let (first, last) = raw.date_range();
        let facets = raw.finish(10);
        let index_bytes = std::fs::read_dir(&self.store.path)
            .map(|entries| {
                entries
                    .filter_map(std::result::Result::ok)
                    .filter_map(|entry| entry.metadata().ok())
                    .filter(std::fs::Metadata::is_file)
                    .map(|metadata| metadata.len())
                    .sum()
            })
            .unwrap_or(0);
        Ok(Stats {
            posts: searcher.num_docs(),
            first_date: first.map(format_day),
            last_date: last.map(format_day),
            top_tags: facets.tags,
            top_categories: facets.categories,
            years: facets.years,
            index_bytes,
            built_with: self.store.provenance()?,
        })
    }

    /// The Tantivy query for a parsed query plus the request's filters, and
    /// whether it has words to score by.
    fn build_query(
        &self,
        parsed: &ParsedQuery,
        request: &SearchRequest,
    ) -> Result<(Box<dyn Query>, bool)> {
        let fields = &self.store.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut has_text = false;
        let mut searchable_text = false;
        for alternatives in &parsed.must {
            let mut options = Vec::new();
            for atom in alternatives {
                let is_text = matches!(atom, Atom::Word(_) | Atom::Phrase(_));
                has_text |= is_text;
                if let Some(query) = self.atom_query(atom)? {
                    searchable_text |= is_text;
                    options.push(query);
                }
            }
            match options.len() {
                0 => {}
                1 => clauses.extend(options.into_iter().map(|q| (Occur::Must, q))),
                _ => {
                    let any = options.into_iter().map(|q| (Occur::Should, q)).collect();
                    clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
                }
            }
        }
        for atom in &parsed.must_not {
            if let Some(query) = self.atom_query(atom)? {
                clauses.push((Occur::MustNot, query));
            }
        }
        for tag in &request.tags {
            clauses.push((Occur::Must, filter(key_query(fields.tag, tag))));
        }
        for category in &request.categories {
            clauses.push((Occur::Must, filter(key_query(fields.category, category))));
        }
        if request.from.is_some() || request.to.is_some() {
            let bound = |day: NaiveDate| {
                Term::from_field_date_for_search(
                    fields.date,
                    to_tantivy_date(day.and_time(chrono::NaiveTime::MIN)),
                )
            };
            let lower = request.from.map_or(Bound::Unbounded, |from| {
                Bound::Included(bound(from.first_day()))
            });
            let upper = request.to.map_or(Bound::Unbounded, |to| {
                Bound::Excluded(bound(to.day_after()))
            });
            clauses.push((Occur::Must, filter(Box::new(RangeQuery::new(lower, upper)))));
        }
        // Words were typed but none has anything to search for (only
        // punctuation, say): nothing matches, rather than everything.
        if has_text && !searchable_text {
            return Ok((Box::new(EmptyQuery), false));
        }
        if !clauses.iter().any(|(occur, _)| *occur == Occur::Must) {
            clauses.push((Occur::Must, filter(Box::new(AllQuery))));
        }
        Ok((Box::new(BooleanQuery::new(clauses)), has_text))
    }

    /// The query for one atom; `None` when it has nothing searchable (only
    /// punctuation, say).
    fn atom_query(&self, atom: &Atom) -> Result<Option<Box<dyn Query>>> {
        let fields = &self.store.fields;
        let text = match atom {
            Atom::Tag(name) => return Ok(Some(filter(key_query(fields.tag, name)))),
            Atom::Category(name) => return Ok(Some(filter(key_query(fields.category, name)))),
            Atom::Word(text) | Atom::Phrase(text) => text,
        };
        let analysis = self.analyzer.analyze(text)?;
        let terms = analysis.query_terms();
        let bigrams: Vec<(usize, &str)> = analysis
            .bigrams
            .iter()
            .map(|token| (token.position, token.text.as_str()))
            .collect();
        let mut options: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, boost, terms) in [
            (fields.title_terms, TITLE_TERMS_BOOST, &terms),
            (fields.body_terms, BODY_TERMS_BOOST, &terms),
            (fields.label_terms, LABEL_TERMS_BOOST, &terms),
            (fields.title_bigrams, TITLE_BIGRAMS_BOOST, &bigrams),
            (fields.body_bigrams, BODY_BIGRAMS_BOOST, &bigrams),
        ] {
            if let Some(query) = sequence_query(field, terms) {
                options.push((Occur::Should, Box::new(BoostQuery::new(query, boost))));
            }
        }
        Ok((!options.is_empty()).then(|| Box::new(BooleanQuery::new(options)) as Box<dyn Query>))
    }

    fn hit(
        &self,
        fields: &Fields,
        doc: &TantivyDocument,
        score: f32,
        highlighter: &Highlighter,
    ) -> Hit {
        let text = |field: Field| first_text(doc, field).unwrap_or_default().to_owned();
        let texts = |field: Field| -> Vec<String> {
            doc.get_all(field)
                .filter_map(|value| value.as_str().map(str::to_owned))
                .collect()
        };
        let path = text(fields.path);
        let date = doc
            .get_first(fields.date)
            .and_then(|value| value.as_datetime())
            .map(format_day);
        let body = first_text(doc, fields.body).unwrap_or_default();
        Hit {
            id: path.clone(),
            path,
            title: text(fields.title),
            url: text(fields.url),
            date,
            tags: texts(fields.tags),
            categories: texts(fields.categories),
            author: first_text(doc, fields.author).map(str::to_owned),
            snippet: highlighter.snippet(&self.analyzer, body),
            score,
        }
    }
}

/// A term for one position, a phrase for several; `None` for none.
fn sequence_query(field: Field, terms: &[(usize, &str)]) -> Option<Box<dyn Query>> {
    let first = terms.first()?.0;
    if let [(_, text)] = terms {
        let term = Term::from_field_text(field, text);
        return Some(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)));
    }
    let with_offsets = terms
        .iter()
        .map(|(position, text)| (position - first, Term::from_field_text(field, text)))
        .collect();
    Some(Box::new(PhraseQuery::new_with_offset(with_offsets)))
}

/// Exact match on a normalized tag or category key.
fn key_query(field: Field, name: &str) -> Box<dyn Query> {
    let term = Term::from_field_text(field, &normalize_key(name));
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

/// A query that selects without changing scores.
fn filter(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

fn first_text(doc: &TantivyDocument, field: Field) -> Option<&str> {
    doc.get_first(field).and_then(|value| value.as_str())
}

fn format_day(date: DateTime) -> String {
    ChronoDateTime::from_timestamp(date.into_timestamp_secs(), 0)
        .map(|date| date.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use sagasu_indexer::IndexOptions;

    use super::*;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    /// Writes `posts` (file name, front matter lines, body) and indexes them.
    fn index_posts(
        dir: &Path,
        posts: &[(&str, &str, &str)],
    ) -> std::result::Result<Searcher, Box<dyn std::error::Error>> {
        let archive = dir.join("posts");
        std::fs::create_dir_all(&archive)?;
        for (name, front, body) in posts {
            std::fs::write(archive.join(name), format!("---\n{front}\n---\n{body}\n"))?;
        }
        let index = dir.join("index");
        let options = IndexOptions {
            threads: 1,
            ..IndexOptions::default()
        };
        let report = sagasu_indexer::index(&index, &[archive], &options, &|_| {})?;
        assert!(report.failed.is_empty(), "{:?}", report.failed);
        Ok(Searcher::open(&index)?)
    }

    fn ids(response: &SearchResponse) -> Vec<&str> {
        response.hits.iter().map(|hit| hit.id.as_str()).collect()
    }

    #[test]
    fn word_matches_outrank_substring_matches_and_ties_go_to_newer_posts() -> TestResult {
        let dir = tempfile::tempdir()?;
        let searcher = index_posts(
            dir.path(),
            &[
                ("2010-01-01-old.md", "title: 古い記事", "サーバを移行した。"),
                (
                    "2012-01-01-new.md",
                    "title: 新しい記事",
                    "サーバを移行した。",
                ),
                (
                    "2011-01-01-part.md",
                    "title: 部分一致",
                    "サーバント設計の話。",
                ),
            ],
        )?;
        let response = searcher.search(&SearchRequest::new("サーバ"))?;
        assert_eq!(
            ids(&response),
            [
                "2012-01-01-new.md",
                "2010-01-01-old.md",
                "2011-01-01-part.md"
            ]
        );
        Ok(())
    }

    #[test]
    fn filters_combine_and_facets_count_the_whole_result_set() -> TestResult {
        let dir = tempfile::tempdir()?;
        let searcher = index_posts(
            dir.path(),
            &[
                (
                    "2009-07-11-a.md",
                    "tags: [hbstudy, Report]\ncategories: [Tech]",
                    "勉強会の記録。",
                ),
                (
                    "2009-08-01-b.md",
                    "tags: [hbstudy, report]\ncategories: [Life]",
                    "勉強会の感想。",
                ),
                (
                    "2010-01-05-c.md",
                    "tags: [HBSTUDY]\ncategories: [Tech]",
                    "勉強会のまとめ。",
                ),
            ],
        )?;
        let mut request = SearchRequest::new("勉強会");
        request.tags = vec!["ＨＢＳＴＵＤＹ".to_owned()];
        request.from = Some("2009".parse()?);
        request.to = Some("2009-07".parse()?);
        let response = searcher.search(&request)?;
        assert_eq!(ids(&response), ["2009-07-11-a.md"]);

        let mut request = SearchRequest::new("");
        request.per_page = 1;
        let response = searcher.search(&request)?;
        assert_eq!(
            (response.total, ids(&response)),
            (3, vec!["2010-01-05-c.md"])
        );
        let tags: Vec<(&str, u64)> = response
            .facets
            .tags
            .iter()
            .map(|f| (f.value.as_str(), f.count))
            .collect();
        assert_eq!(tags, [("hbstudy", 3), ("Report", 2)]);
        let years: Vec<(&str, u64)> = response
            .facets
            .years
            .iter()
            .map(|f| (f.value.as_str(), f.count))
            .collect();
        assert_eq!(years, [("2010", 1), ("2009", 2)]);
        Ok(())
    }
}
