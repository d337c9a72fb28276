//! Running searches and lookups against an index.

use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use chrono::DateTime as ChronoDateTime;
use sagasu_analyzer::Analyzer;
use sagasu_indexer::post::is_safe_url;
use sagasu_indexer::{Provenance, SagasuIndex, schema};
use serde::Serialize;
use tantivy::collector::sort_key::SortByStaticFastValue;
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::{Directory, WatchCallback, WatchHandle};
use tantivy::query::{AllQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, OwnedValue, Value};
use tantivy::{DateTime, DocAddress, IndexReader, Order, ReloadPolicy, TantivyDocument, Term};

use crate::deadline::{Deadline, DeadlineQuery};
use crate::facets::{FACET_LIMIT, FacetCollector, FacetTables, RawFacets};
use crate::follow::{Follow, Reloads};
use crate::plan::{Plan, Planner};
use crate::query;
use crate::ranking;
use crate::request::{MatchMode, SearchRequest, Sort};
use crate::response::{Archive, FacetCount, Hit, Post, PostSummary, Related, SearchResponse};
use crate::snippet::Highlighter;
use crate::{Result, SearchOptions, Synonyms};

/// An open index, ready for searches. Share it between threads: searches
/// take `&self`, and the reader follows new commits on its own.
pub struct Searcher {
    store: SagasuIndex,
    reader: IndexReader,
    analyzer: Analyzer,
    synonyms: Synonyms,
    follow: Arc<Follow>,
    /// The facet tables of the last commit searched (see [`FacetTables`]).
    facet_tables: Mutex<Arc<FacetTables>>,
    /// Keeps [`Follow::reload`] registered for each change of the commit file.
    _watch: WatchHandle,
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
    /// version of sagasu, without a user dictionary), with no synonyms.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_with(path, SearchOptions::default())
    }

    /// Opens the index at `path` with `options`. The index must have been
    /// written by this version of sagasu with the options' user dictionary.
    pub fn open_with(path: &Path, options: SearchOptions) -> Result<Self> {
        let analyzer = Analyzer::with_user_dictionary(options.user_dictionary.as_ref())?;
        let store = SagasuIndex::open(path, &Provenance::of(&analyzer))?;
        // Tantivy's `OnCommitWithDelay`, with the outcome of each reload
        // kept, and a failed one retried.
        let reader = store
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let commit = store.index.load_metas()?.opstamp;
        let follow = Follow::new(reader.clone(), store.index.clone(), commit);
        let on_commit = Arc::clone(&follow);
        let watch = store
            .index
            .directory()
            .watch(WatchCallback::new(move || on_commit.reload()))?;
        Ok(Self {
            store,
            reader,
            analyzer,
            synonyms: options.synonyms,
            follow,
            facet_tables: Mutex::default(),
            _watch: watch,
        })
    }

    /// How the reader has followed the index's commits so far.
    pub fn reloads(&self) -> Reloads {
        self.follow.reloads()
    }

    /// The number of posts searches see.
    pub fn num_posts(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Identifies the index commit searches currently see: its segments and
    /// their deletes. It changes when the reader picks up a new commit, and
    /// only then (the reader's own generation also changes when it reloads
    /// the commit it already had). Results cached under one generation are
    /// stale under another.
    pub fn generation(&self) -> u64 {
        let mut hasher = std::hash::DefaultHasher::new();
        self.reader
            .searcher()
            .generation()
            .segments()
            .hash(&mut hasher);
        hasher.finish()
    }

    /// Counts facets over the documents of `searcher`'s commit, with the
    /// tables of its segments: those of the last commit searched when it is
    /// the same, else built anew, reading only the segments that are new.
    fn facets(&self, searcher: &tantivy::Searcher) -> Result<FacetCollector> {
        let mut cached = self
            .facet_tables
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if !cached.covers(searcher) {
            *cached = Arc::new(FacetTables::build(searcher, Some(&cached))?);
        }
        Ok(FacetCollector::new(Arc::clone(&cached)))
    }

    /// Runs a search. With [`MatchMode::All`], a search that finds nothing
    /// is retried with its words typed without spaces searched by their
    /// content words (see the `split` module; the response lists them in
    /// `split`), then, if several words (or a question's several content
    /// words) still find nothing, with [`MatchMode::Any`], and the response
    /// says so (`relaxed`).
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse> {
        self.search_within(request, Deadline::none())
    }

    /// [`Searcher::search`], stopped with [`crate::Error::DeadlineExceeded`]
    /// soon after `deadline` passes (see [`Deadline`]): a search nobody
    /// waits for any more frees its core.
    pub fn search_within(
        &self,
        request: &SearchRequest,
        deadline: Deadline,
    ) -> Result<SearchResponse> {
        let started = Instant::now();
        request.validate()?;
        let typed = query::parse(&request.query);
        let mut parsed = self.synonyms.expand(typed.clone());
        let searcher = self.reader.searcher();
        let planner = Planner {
            fields: &self.store.fields,
            analyzer: &self.analyzer,
            index: Some(&searcher),
        };
        let plan = planner.plan(&parsed, request, request.match_mode)?;
        let mut page = self.run(&searcher, &plan, request, deadline)?;
        let mut relaxed = false;
        let mut split = Vec::new();
        if page.total == 0 && request.match_mode == MatchMode::All && plan.has_text {
            let tier = crate::split::split(&planner, &searcher, &self.synonyms, &typed, request)?;
            if let Some(tier) = tier {
                let words = self.synonyms.expand(tier.query);
                let plan = planner.plan(&words, request, MatchMode::All)?;
                let found = self.run(&searcher, &plan, request, deadline)?;
                if found.total > 0 {
                    (page, parsed, split) = (found, words, tier.words);
                }
            }
        }
        if page.total == 0 && request.match_mode == MatchMode::All && plan.has_text {
            let any = planner.plan_relaxed(&parsed, request)?;
            if any.relaxes() {
                page = self.run(&searcher, &any, request, deadline)?;
                relaxed = true;
            }
        }

        let informative = relaxed || request.match_mode == MatchMode::Any;
        let highlighter =
            Highlighter::new(&self.analyzer, parsed.positive_texts(), informative).within(deadline);
        let mut hits = Vec::with_capacity(page.hits.len());
        for (score, address) in page.hits {
            let doc: TantivyDocument = searcher.doc(address)?;
            hits.push(self.hit(&doc, score, &highlighter));
            // A snippet stops early at the deadline: then the page is not whole.
            deadline.check()?;
        }
        let facets = page.facets.finish(FACET_LIMIT);
        Ok(SearchResponse {
            total: page.total,
            page: request.page,
            per_page: request.per_page,
            took_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            relaxed,
            split,
            hits,
            facets,
        })
    }

    /// One page of a plan's results, with its total and facets; fails once
    /// `deadline` passes, as collecting stops then.
    fn run(
        &self,
        searcher: &tantivy::Searcher,
        plan: &Plan,
        request: &SearchRequest,
        deadline: Deadline,
    ) -> Result<Page> {
        deadline.check()?;
        // Tantivy buffers `offset + limit` hits, so a page far past the end
        // must not become a huge allocation: no page starts beyond the index.
        let num_docs = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
        let offset = (request.page - 1)
            .saturating_mul(request.per_page)
            .min(num_docs);
        let top = TopDocs::with_limit(request.per_page).and_offset(offset);
        let date = || SortByStaticFastValue::<DateTime>::for_field(schema::DATE);
        let query = &DeadlineQuery::new(plan.query.box_clone(), deadline);
        let page = match request.sort {
            Sort::Relevance if plan.has_text => {
                let collector = (
                    top.order_by(ranking::by_relevance()),
                    Count,
                    self.facets(searcher)?,
                );
                let (top, total, facets) = searcher.search(query, &collector)?;
                let hits = top
                    .into_iter()
                    .map(|((score, _), doc)| (score, doc))
                    .collect();
                Page {
                    hits,
                    total,
                    facets,
                }
            }
            Sort::Relevance | Sort::Newest | Sort::Oldest => {
                let order = if request.sort == Sort::Oldest {
                    Order::Asc
                } else {
                    Order::Desc
                };
                let collector = (top.order_by((date(), order)), Count, self.facets(searcher)?);
                let (top, total, facets) = searcher.search(query, &collector)?;
                let hits = top.into_iter().map(|(_, doc)| (0.0, doc)).collect();
                Page {
                    hits,
                    total,
                    facets,
                }
            }
        };
        deadline.check()?;
        Ok(page)
    }

    /// Counts and ranges over the whole index.
    pub fn stats(&self) -> Result<Stats> {
        let searcher = self.reader.searcher();
        let raw = searcher.search(&AllQuery, &self.facets(&searcher)?)?;
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

    /// Every tag with its post count, most used first.
    pub fn tags(&self) -> Result<Vec<FacetCount>> {
        Ok(self.all_facets()?.all_tags())
    }

    /// Every category with its post count, most used first.
    pub fn categories(&self) -> Result<Vec<FacetCount>> {
        Ok(self.all_facets()?.all_categories())
    }

    /// Post counts per year and month.
    pub fn archive(&self) -> Result<Archive> {
        Ok(self.all_facets()?.archive())
    }

    fn all_facets(&self) -> Result<RawFacets> {
        let searcher = self.reader.searcher();
        Ok(searcher.search(&AllQuery, &self.facets(&searcher)?)?)
    }

    /// The post with id `id`, if there is one.
    pub fn post(&self, id: &str) -> Result<Option<Post>> {
        let searcher = self.reader.searcher();
        let Some(address) = self.address_of(&searcher, id)? else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher.doc(address)?;
        let fields = &self.store.fields;
        let extra = doc
            .get_first(fields.extra)
            .and_then(|value| serde_json::to_value(OwnedValue::from(value)).ok());
        let metadata = match extra {
            Some(serde_json::Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        };
        Ok(Some(Post {
            post: self.summary(&doc),
            body: first_text(&doc, fields.body).unwrap_or_default().to_owned(),
            metadata,
        }))
    }

    /// Up to `limit` posts most like the post `id` (`None` if there is no
    /// such post): sharing its most distinctive words (by TF-IDF over the
    /// same analysis as search), its tags and its categories.
    pub fn related(&self, id: &str, limit: usize) -> Result<Option<Related>> {
        let searcher = self.reader.searcher();
        let Some(address) = self.address_of(&searcher, id)? else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher.doc(address)?;
        let planner = Planner {
            fields: &self.store.fields,
            analyzer: &self.analyzer,
            index: Some(&searcher),
        };
        let Some(query) = planner.related(&searcher, id, &doc)? else {
            return Ok(Some(Related {
                id: id.to_owned(),
                hits: Vec::new(),
            }));
        };
        let top = TopDocs::with_limit(limit.max(1)).order_by(ranking::by_relevance());
        let mut hits = Vec::new();
        for ((score, _), address) in searcher.search(query.as_ref(), &top)? {
            let doc: TantivyDocument = searcher.doc(address)?;
            hits.push(self.hit(&doc, score, &Highlighter::default()));
        }
        Ok(Some(Related {
            id: id.to_owned(),
            hits,
        }))
    }

    fn address_of(&self, searcher: &tantivy::Searcher, id: &str) -> Result<Option<DocAddress>> {
        let term = Term::from_field_text(self.store.fields.id, id);
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        Ok(top.first().map(|(_, address)| *address))
    }

    fn hit(&self, doc: &TantivyDocument, score: f32, highlighter: &Highlighter) -> Hit {
        let title = first_text(doc, self.store.fields.title).unwrap_or_default();
        let body = first_text(doc, self.store.fields.body).unwrap_or_default();
        Hit {
            post: self.summary(doc),
            title_highlight: highlighter.whole(&self.analyzer, title),
            snippet: highlighter.snippet(&self.analyzer, body),
            score,
        }
    }

    /// The stored fields every response shows.
    fn summary(&self, doc: &TantivyDocument) -> PostSummary {
        let fields = &self.store.fields;
        let text = |field: Field| first_text(doc, field).unwrap_or_default().to_owned();
        let texts = |field: Field| -> Vec<String> {
            doc.get_all(field)
                .filter_map(|value| value.as_str().map(str::to_owned))
                .collect()
        };
        PostSummary {
            id: first_text(doc, fields.id).unwrap_or_default().to_owned(),
            path: first_text(doc, fields.file).unwrap_or_default().to_owned(),
            title: text(fields.title),
            // Only links a client may follow: no `javascript:` permalink
            // from an index built before such posts were reported.
            url: first_text(doc, fields.url)
                .filter(|url| is_safe_url(url))
                .map(str::to_owned)
                .unwrap_or_default(),
            date: doc
                .get_first(fields.date)
                .and_then(|value| value.as_datetime())
                .map(format_day),
            tags: texts(fields.tags),
            categories: texts(fields.categories),
            author: first_text(doc, fields.author).map(str::to_owned),
        }
    }
}

/// A page of results before the documents are loaded.
struct Page {
    hits: Vec<(f32, DocAddress)>,
    total: usize,
    facets: RawFacets,
}

pub(crate) fn first_text(doc: &TantivyDocument, field: Field) -> Option<&str> {
    doc.get_first(field).and_then(|value| value.as_str())
}

fn format_day(date: DateTime) -> String {
    ChronoDateTime::from_timestamp(date.into_timestamp_secs(), 0)
        .map(|date| date.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::Path;
    use std::time::Duration;

    use sagasu_indexer::IndexOptions;

    use super::*;
    use crate::snippet::tests::marked;

    pub(crate) type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    /// Writes `posts` (file name, front matter lines, body) and indexes them.
    pub(crate) fn index_posts(
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

    pub(crate) fn ids(response: &SearchResponse) -> Vec<&str> {
        response
            .hits
            .iter()
            .map(|hit| hit.post.id.as_str())
            .collect()
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

    #[test]
    fn all_relaxes_to_any_when_nothing_has_every_word() -> TestResult {
        let dir = tempfile::tempdir()?;
        let searcher = index_posts(
            dir.path(),
            &[
                ("2010-01-01-a.md", "title: 猫", "猫と暮らす。"),
                ("2011-01-01-b.md", "title: 犬", "犬と暮らす。"),
            ],
        )?;
        let response = searcher.search(&SearchRequest::new("猫 犬"))?;
        assert!(response.relaxed);
        assert_eq!(response.total, 2);
        let mut request = SearchRequest::new("猫 暮らす");
        assert!(!searcher.search(&request)?.relaxed);
        request.match_mode = MatchMode::Any;
        assert_eq!(searcher.search(&request)?.total, 2);
        Ok(())
    }

    #[test]
    fn readings_stand_in_only_for_words_no_post_has() -> TestResult {
        let dir = tempfile::tempdir()?;
        let searcher = index_posts(
            dir.path(),
            &[
                (
                    "2010-01-01-app.md",
                    "title: アプリ",
                    "Wakame というアプリを使う。",
                ),
                ("2011-01-01-soup.md", "title: 味噌汁", "若布の味噌汁。"),
            ],
        )?;
        let found = |query: &str| -> std::result::Result<Vec<String>, Box<dyn std::error::Error>> {
            let response = searcher.search(&SearchRequest::new(query))?;
            Ok(ids(&response).into_iter().map(str::to_owned).collect())
        };
        // A post has `Wakame`: its reading (ワカメ, as 若布 reads) adds nothing.
        assert_eq!(found("Wakame")?, ["2010-01-01-app.md"]);
        // No post has `わかめ`: its reading finds 若布.
        assert_eq!(found("わかめ")?, ["2011-01-01-soup.md"]);
        Ok(())
    }

    #[test]
    fn lookups_count_the_whole_archive_and_give_the_text_as_written() -> TestResult {
        let dir = tempfile::tempdir()?;
        let searcher = index_posts(
            dir.path(),
            &[
                (
                    "2009-07-11-a.md",
                    "title: \"<script>alert(1)</script>\"\ntags: [AWS, \"R&D\"]\ncategories: [Tech]\nlayout: post",
                    "EC2 と S3 の移行メモ。",
                ),
                (
                    "2009-08-01-b.md",
                    "tags: [aws]\ncategories: [Tech]",
                    "EC2 の移行と S3 の費用。",
                ),
                (
                    "2010-01-05-c.md",
                    "tags: [料理]\ncategories: [Life]",
                    "カレーを煮込んだ。",
                ),
            ],
        )?;
        let tags: Vec<(String, u64)> = searcher
            .tags()?
            .into_iter()
            .map(|f| (f.value, f.count))
            .collect();
        assert_eq!(
            tags,
            [
                ("AWS".to_owned(), 2),
                ("R&D".to_owned(), 1),
                ("料理".to_owned(), 1)
            ]
        );
        assert_eq!(searcher.categories()?.len(), 2);
        let archive = searcher.archive()?;
        let years: Vec<(i32, u64, Vec<u32>)> = archive
            .years
            .iter()
            .map(|y| (y.year, y.count, y.months.iter().map(|m| m.month).collect()))
            .collect();
        assert_eq!(years, [(2010, 1, vec![1]), (2009, 2, vec![8, 7])]);

        let post = searcher.post("2009-07-11-a.md")?.ok_or("post not found")?;
        assert_eq!(post.post.title, "<script>alert(1)</script>");
        assert_eq!(
            post.metadata.get("layout"),
            Some(&serde_json::json!("post"))
        );
        assert!(searcher.post("nothing.md")?.is_none());

        let related = searcher
            .related("2009-07-11-a.md", 5)?
            .ok_or("post not found")?;
        let ids: Vec<&str> = related
            .hits
            .iter()
            .map(|hit| hit.post.id.as_str())
            .collect();
        assert_eq!(ids.first(), Some(&"2009-08-01-b.md"));
        assert!(!ids.contains(&"2009-07-11-a.md"));
        assert!(searcher.related("nothing.md", 5)?.is_none());
        Ok(())
    }

    #[test]
    fn one_character_queries_find_every_post_with_the_character() -> TestResult {
        let dir = tempfile::tempdir()?;
        let searcher = index_posts(
            dir.path(),
            &[
                ("2010-01-01-a.md", "title: 子猫", "子猫を拾った。"),
                ("2011-01-01-b.md", "title: 猫", "猫"),
                ("2012-01-01-c.md", "title: 犬派", "うちは犬派の家族だ。"),
                ("2013-01-01-d.md", "title: 寿司", "今日は🍣を食べた🍺"),
                (
                    "2014-01-01-e.md",
                    "title: 評価",
                    "★★★☆☆くらい。Y!砲を受けた",
                ),
                (
                    "2015-01-01-f.md",
                    "title: 砲台",
                    "砲台の跡を見た。Y!という字",
                ),
            ],
        )?;
        for (query, expected) in [
            ("猫", vec!["2011-01-01-b.md", "2010-01-01-a.md"]),
            ("族", vec!["2012-01-01-c.md"]),
            ("🍣", vec!["2013-01-01-d.md"]),
            ("🍺", vec!["2013-01-01-d.md"]),
            ("★", vec!["2014-01-01-e.md"]),
            ("Y!砲", vec!["2014-01-01-e.md"]),
            ("ぬ", vec![]),
        ] {
            let response = searcher.search(&SearchRequest::new(query))?;
            let mut found = ids(&response);
            found.sort_unstable();
            let mut expected = expected;
            expected.sort_unstable();
            assert_eq!(found, expected, "{query}");
        }
        Ok(())
    }

    #[test]
    fn questions_rank_by_their_informative_words() -> TestResult {
        let dir = tempfile::tempdir()?;
        let searcher = index_posts(
            dir.path(),
            &[
                (
                    "2010-01-01-answer.md",
                    "title: ディスク監視",
                    "Zabbix でディスクの空きを監視する設定を書いた。",
                ),
                ("2011-01-01-zabbix.md", "title: 導入", "Zabbix を入れた。"),
                (
                    "2012-01-01-chatter.md",
                    "title: 雑記",
                    "どうやってやるのか、何をする方法なのか、いいのかどうか分からない。",
                ),
            ],
        )?;
        // No post has the question as typed: the posts with all its
        // content words.
        let question = "Zabbixでディスクを監視するにはどうすればいいですか？";
        let response = searcher.search(&SearchRequest::new(question))?;
        assert!(!response.relaxed);
        assert_eq!(response.split[0].words, ["Zabbix", "ディスク", "監視"]);
        assert_eq!(ids(&response), ["2010-01-01-answer.md"]);
        // None has them all: the posts with at least two of the three
        // (the relaxed search's floor), not the one with only `Zabbix`.
        let question = "Zabbixでメモリを監視するにはどうすればいいですか？";
        let response = searcher.search(&SearchRequest::new(question))?;
        assert!(response.relaxed && response.split.is_empty());
        assert_eq!(ids(&response), ["2010-01-01-answer.md"]);
        let mut request = SearchRequest::new("どうやって Zabbix で 監視 する 方法");
        request.match_mode = MatchMode::Any;
        let response = searcher.search(&request)?;
        assert_eq!(
            ids(&response),
            ["2010-01-01-answer.md", "2011-01-01-zabbix.md"]
        );
        // Only what was searched is highlighted.
        assert_eq!(
            marked(&response.hits[0].snippet),
            "<mark>Zabbix</mark> でディスクの空きを<mark>監視</mark>する設定を書いた。"
        );
        Ok(())
    }

    #[test]
    fn titles_come_highlighted() -> TestResult {
        let dir = tempfile::tempdir()?;
        let searcher = index_posts(
            dir.path(),
            &[(
                "2010-01-01-a.md",
                "title: \"<b>インフラ</b>勉強会に行った\"",
                "インフラの話。",
            )],
        )?;
        let response = searcher.search(&SearchRequest::new("ｲﾝﾌﾗ 行く"))?;
        let hit = &response.hits[0];
        assert_eq!(hit.post.title, "<b>インフラ</b>勉強会に行った");
        assert_eq!(
            marked(&hit.title_highlight),
            "<b><mark>インフラ</mark></b>勉強会に<mark>行っ</mark>た"
        );
        Ok(())
    }

    #[test]
    fn a_post_at_the_size_limit_matching_everywhere_is_searched_within_a_deadline() -> TestResult {
        // Every sentence of the largest post the indexer takes holds the
        // query: the snippet compared every sentence with every match (7 to
        // 17 s in a release build, minutes in this one) and passed the
        // minute this test allows.
        let sentence = "今日も勉強会に行った。\n";
        let body = sentence.repeat(sagasu_indexer::post::MAX_POST_TEXT / sentence.len() - 16);
        let dir = tempfile::tempdir()?;
        let searcher = index_posts(
            dir.path(),
            &[("2020-01-01-huge.md", "title: 大きい", &body)],
        )?;
        let deadline = Deadline::after(Duration::from_secs(60));
        let response = searcher.search_within(&SearchRequest::new("勉強会"), deadline)?;
        assert_eq!(response.total, 1);
        let snippet = marked(&response.hits[0].snippet);
        assert!(
            snippet.starts_with("今日も<mark>勉強会</mark>に行った。"),
            "{snippet}"
        );
        Ok(())
    }

    #[test]
    fn a_search_past_its_deadline_is_stopped() -> TestResult {
        let dir = tempfile::tempdir()?;
        let searcher = index_posts(dir.path(), &[("2020-01-01-a.md", "title: a", "勉強会。")])?;
        let passed = Deadline::at(Instant::now());
        let stopped = searcher.search_within(&SearchRequest::new("勉強会"), passed);
        assert!(
            matches!(stopped, Err(crate::Error::DeadlineExceeded)),
            "{stopped:?}"
        );
        Ok(())
    }

    #[test]
    fn urls_are_given_only_when_http_or_relative() -> TestResult {
        // The indexer drops such URLs now; an index built before it did
        // may still hold one.
        let dir = tempfile::tempdir()?;
        let searcher = index_posts(dir.path(), &[("2020-01-01-a.md", "title: a", "本文。")])?;
        let url_of = |url: &str| {
            let mut doc = TantivyDocument::new();
            doc.add_text(searcher.store.fields.url, url);
            searcher.summary(&doc).url
        };
        assert_eq!(url_of("javascript:alert(1)"), "");
        assert_eq!(url_of(" JavaScript:alert(1)"), "");
        assert_eq!(url_of("data:text/html,<b>"), "");
        assert_eq!(
            url_of("https://example.com/?a=1&b=2"),
            "https://example.com/?a=1&b=2"
        );
        assert_eq!(url_of("/2020/01/01/a/"), "/2020/01/01/a/");
        Ok(())
    }
}
