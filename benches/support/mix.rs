//! A deterministic query mix drawn from the benchmark archive itself, and
//! one timed pass of it through the library. Shared by `benches/queries.rs`
//! and `benches/querymix.rs` through `#[path]`; not a bench target of its own.
//!
//! Every query is built from real posts of the archive: words are the
//! nouns the analyzer finds in titles and bodies (as written in the post, the
//! way a reader would type them), tags and categories are the index's own
//! (`Searcher::tags`, `Searcher::categories`) and years its archive's
//! (`Searcher::archive`). Posts are drawn with a seeded LCG, so the same
//! archive always gives the same mix.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sagasu_analyzer::{Analyzer, TermKind, normalize_key};
use sagasu_indexer::post::Post;
use sagasu_search::{DateBound, MatchMode, SearchRequest, Searcher, Sort};

/// Distinct queries per class: 9 classes × 64 = 576 queries.
pub const PER_CLASS: usize = 64;

/// The seed of the LCG that draws posts and words.
const SEED: u64 = 20_091_107;

/// Posts whose titles and bodies are counted to find frequent words.
const FREQUENCY_SAMPLE: usize = 256;

/// What a query exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// One word: `q=w`.
    Word,
    /// Two words of one post, ANDed: `q=w1 w2`.
    And,
    /// Two adjacent words of a title as a phrase: `q="w1w2"`.
    Phrase,
    /// A word and a tag of one post: `q=w&tag=t`.
    Tag,
    /// A word and a category of one post: `q=w&category=c`.
    Category,
    /// A word within a range of years or one month: `q=w&from=…&to=…`.
    DateRange,
    /// A word, newest first: `q=w&sort=newest`.
    Newest,
    /// One of the most frequent words, page 20: `q=w&page=20`.
    DeepPage,
    /// Two or three words of different posts, any of them: `match=any`.
    Any,
}

impl Class {
    /// Every class, in report order.
    pub const ALL: [Self; 9] = [
        Self::Word,
        Self::And,
        Self::Phrase,
        Self::Tag,
        Self::Category,
        Self::DateRange,
        Self::Newest,
        Self::DeepPage,
        Self::Any,
    ];

    /// The class's name in reports and in the mix file.
    pub fn name(self) -> &'static str {
        match self {
            Self::Word => "word",
            Self::And => "and",
            Self::Phrase => "phrase",
            Self::Tag => "tag",
            Self::Category => "category",
            Self::DateRange => "date_range",
            Self::Newest => "newest",
            Self::DeepPage => "deep_page",
            Self::Any => "any",
        }
    }
}

/// One query of the mix.
#[derive(Debug, Clone)]
pub struct Query {
    pub class: Class,
    pub request: SearchRequest,
}

impl Query {
    /// The request as `sagasu serve` takes it: path and query string.
    pub fn sagasu_path(&self) -> String {
        let r = &self.request;
        let mut params = vec![("q", r.query.clone())];
        params.extend(r.tags.iter().map(|t| ("tag", t.clone())));
        params.extend(r.categories.iter().map(|c| ("category", c.clone())));
        if let Some(from) = r.from {
            params.push(("from", bound_text(from)));
        }
        if let Some(to) = r.to {
            params.push(("to", bound_text(to)));
        }
        if r.sort == Sort::Newest {
            params.push(("sort", "newest".to_owned()));
        }
        if r.page != 1 {
            params.push(("page", r.page.to_string()));
        }
        if r.match_mode == MatchMode::Any {
            params.push(("match", "any".to_owned()));
        }
        format!("/api/search?{}", query_string(&params))
    }
}

/// A bound as the API takes it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn bound_text(bound: DateBound) -> String {
    match bound {
        DateBound::Year(year) => format!("{year:04}"),
        DateBound::Month(year, month) => format!("{year:04}-{month:02}"),
        DateBound::Day(day) => day.to_string(),
    }
}

/// `key=value&…`, every byte but the unreserved ones percent-encoded.
pub fn query_string(params: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (key, value) in params {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(key);
        out.push('=');
        for byte in value.bytes() {
            if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
                out.push(char::from(byte));
            } else {
                write!(out, "%{byte:02X}").expect("writing to a String succeeds");
            }
        }
    }
    out
}

/// A 64-bit linear congruential generator (Knuth's MMIX constants): enough
/// to draw posts evenly, and the same sequence on every machine.
#[derive(Debug)]
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next()).expect("31 bits fit in usize") % n
    }
}

/// Whether a word (as written) makes a query both engines read as one plain
/// word that a reader might search for: letters and digits only, at least
/// two characters, not only digits, not only hiragana (pronouns and the
/// like: `これ`, `こと`), and no query operator.
fn is_query_word(word: &str) -> bool {
    word.chars().count() >= 2
        && word.chars().all(char::is_alphanumeric)
        && !word.chars().all(|c| c.is_ascii_digit())
        && !word.chars().all(|c| ('\u{3041}'..='\u{309f}').contains(&c))
        && !matches!(word.to_lowercase().as_str(), "or" | "and" | "not")
}

/// The nouns of `text`, as written there, in order.
fn nouns(analyzer: &Analyzer, text: &str) -> Vec<String> {
    let analysis = analyzer.analyze(text).expect("analysis succeeds");
    analysis
        .terms
        .iter()
        .filter(|t| t.kind == TermKind::Surface && t.part_of_speech == "名詞")
        .map(|t| &text[t.offset_from..t.offset_to])
        .filter(|word| is_query_word(word))
        .map(str::to_owned)
        .collect()
}

/// Pieces of `text` made of two adjacent words written together: phrases.
fn phrases(analyzer: &Analyzer, text: &str) -> Vec<String> {
    let analysis = analyzer.analyze(text).expect("analysis succeeds");
    let surfaces: Vec<_> = analysis
        .terms
        .iter()
        .filter(|t| t.kind == TermKind::Surface)
        .collect();
    surfaces
        .windows(2)
        .filter(|pair| {
            pair[1].position == pair[0].position + 1 && pair[0].offset_to == pair[1].offset_from
        })
        .map(|pair| &text[pair[0].offset_from..pair[1].offset_to])
        .filter(|phrase| phrase.chars().count() >= 3 && is_query_word(phrase))
        .map(str::to_owned)
        .collect()
}

/// The archive's posts.
struct Posts {
    list: Vec<Post>,
}

impl Posts {
    /// Post `i`.
    fn get(&self, i: usize) -> Option<Post> {
        self.list.get(i).cloned()
    }
}

/// Collects up to [`PER_CLASS`] distinct queries of one class from `draw`,
/// which is called until it has given that many or had many tries.
fn collect(class: Class, mut draw: impl FnMut() -> Option<SearchRequest>) -> Vec<Query> {
    let mut seen = HashSet::new();
    let mut queries = Vec::new();
    for _ in 0..PER_CLASS * 50 {
        if queries.len() == PER_CLASS {
            break;
        }
        if let Some(request) = draw() {
            let query = Query { class, request };
            if seen.insert(query.sagasu_path()) {
                queries.push(query);
            }
        }
    }
    queries
}

/// The query mix for the archive at `root`, indexed in `searcher`: up to
/// [`PER_CLASS`] distinct queries of each class, grouped by class in
/// [`Class::ALL`] order.
pub fn generate(root: &Path, searcher: &Searcher) -> Vec<Query> {
    let posts = Posts {
        list: crate::archive::posts(root),
    };
    assert!(!posts.list.is_empty(), "no posts under {}", root.display());
    // The analyzer `open_searcher`'s index was built with: no user dictionary.
    let analyzer = Analyzer::new().expect("the dictionary loads");
    let lcg = &mut Lcg(SEED);
    let n = posts.list.len();

    let by_key = |values: Vec<sagasu_search::FacetCount>| -> HashMap<String, String> {
        values
            .into_iter()
            .map(|v| (normalize_key(&v.value), v.value))
            .collect()
    };
    let tags = by_key(searcher.tags().expect("tags can be listed"));
    let categories = by_key(searcher.categories().expect("categories can be listed"));
    let years: Vec<i32> = searcher
        .archive()
        .expect("the archive can be listed")
        .years
        .iter()
        .map(|y| y.year)
        .collect();
    let first_year = years.iter().copied().min().unwrap_or(0);

    // A word of a post: one of its title's nouns, or a body noun when asked.
    let word_of = |post: &Post, lcg: &mut Lcg, body: bool| -> Option<String> {
        let words = nouns(&analyzer, if body { &post.body } else { &post.title });
        (!words.is_empty()).then(|| words[lcg.below(words.len())].clone())
    };

    let mut mix = Vec::new();
    mix.extend(collect(Class::Word, || {
        let post = posts.get(lcg.below(n))?;
        let body = lcg.below(3) == 0;
        Some(SearchRequest::new(word_of(&post, lcg, body)?))
    }));
    mix.extend(collect(Class::And, || {
        let post = posts.get(lcg.below(n))?;
        let first = word_of(&post, lcg, false)?;
        let second = word_of(&post, lcg, true)?;
        (normalize_key(&first) != normalize_key(&second))
            .then(|| SearchRequest::new(format!("{first} {second}")))
    }));
    mix.extend(collect(Class::Phrase, || {
        let post = posts.get(lcg.below(n))?;
        let found = phrases(&analyzer, &post.title);
        (!found.is_empty())
            .then(|| SearchRequest::new(format!("\"{}\"", found[lcg.below(found.len())])))
    }));
    mix.extend(collect(Class::Tag, || {
        let post = posts.get(lcg.below(n))?;
        let tag = tags.get(&normalize_key(
            post.tags.get(lcg.below(post.tags.len().max(1)))?,
        ))?;
        let mut request = SearchRequest::new(word_of(&post, lcg, false)?);
        request.tags.push(tag.clone());
        Some(request)
    }));
    mix.extend(collect(Class::Category, || {
        let post = posts.get(lcg.below(n))?;
        let category = post
            .categories
            .get(lcg.below(post.categories.len().max(1)))?;
        let category = categories.get(&normalize_key(category))?;
        let mut request = SearchRequest::new(word_of(&post, lcg, false)?);
        request.categories.push(category.clone());
        Some(request)
    }));
    mix.extend(collect(Class::DateRange, || {
        let post = posts.get(lcg.below(n))?;
        let date = post.date?.to_string();
        let year: i32 = date.get(..4)?.parse().ok()?;
        let month: u32 = date.get(5..7)?.parse().ok()?;
        if !years.contains(&year) {
            return None;
        }
        let body = lcg.below(3) == 0;
        let mut request = SearchRequest::new(word_of(&post, lcg, body)?);
        if lcg.below(2) == 0 {
            let back = i32::try_from(lcg.below(3)).expect("small");
            request.from = Some(DateBound::Year((year - back).max(first_year)));
            request.to = Some(DateBound::Year(year));
        } else {
            request.from = Some(DateBound::Month(year, month));
            request.to = Some(DateBound::Month(year, month));
        }
        Some(request)
    }));
    mix.extend(collect(Class::Newest, || {
        let post = posts.get(lcg.below(n))?;
        let mut request = SearchRequest::new(word_of(&post, lcg, false)?);
        request.sort = Sort::Newest;
        Some(request)
    }));

    // The most frequent nouns of a sample of posts: searches with hits to
    // page through.
    let mut frequency: HashMap<String, (usize, String)> = HashMap::new();
    for _ in 0..FREQUENCY_SAMPLE.min(n) {
        let Some(post) = posts.get(lcg.below(n)) else {
            continue;
        };
        let mut words = nouns(&analyzer, &post.title);
        words.extend(nouns(&analyzer, &post.body));
        let distinct: HashMap<String, String> =
            words.into_iter().map(|w| (normalize_key(&w), w)).collect();
        for (key, word) in distinct {
            frequency.entry(key).or_insert((0, word)).0 += 1;
        }
    }
    let mut frequent: Vec<(usize, String)> = frequency.into_values().collect();
    frequent.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut frequent = frequent.into_iter().map(|(_, word)| word);
    mix.extend(collect(Class::DeepPage, || {
        let mut request = SearchRequest::new(frequent.next()?);
        request.page = 20;
        Some(request)
    }));

    mix.extend(collect(Class::Any, || {
        let count = 2 + lcg.below(2);
        let mut words = Vec::with_capacity(count);
        for _ in 0..count {
            let post = posts.get(lcg.below(n))?;
            words.push(word_of(&post, lcg, false)?);
        }
        let mut request = SearchRequest::new(words.join(" "));
        request.match_mode = MatchMode::Any;
        Some(request)
    }));
    mix
}

/// What the query benches run on: a searcher and the mix drawn for it.
pub struct Bench {
    pub searcher: Searcher,
    pub queries: Vec<Query>,
    /// The temporary index, when there is one; dropped with the bench.
    _index_dir: Option<tempfile::TempDir>,
}

/// Opens the searcher for the archive at `SAGASU_BENCH_ARCHIVE` (see
/// [`open_searcher`]), draws the mix and says what it drew from.
pub fn load() -> Bench {
    let root = crate::archive::archive_root();
    let (searcher, index, index_dir) = open_searcher(&root);
    let queries = generate(&root, &searcher);
    println!(
        "{} queries drawn from {} (index {})",
        queries.len(),
        root.display(),
        index.display()
    );
    Bench {
        searcher,
        queries,
        _index_dir: index_dir,
    }
}

/// The searcher the benches query: the index at `SAGASU_BENCH_INDEX` when
/// set (it must hold the archive at `root`), else `root` indexed into a
/// temporary directory, which lives as long as the returned guard.
fn open_searcher(root: &Path) -> (Searcher, PathBuf, Option<tempfile::TempDir>) {
    if let Some(index) = std::env::var_os("SAGASU_BENCH_INDEX") {
        let index = PathBuf::from(index);
        let searcher = Searcher::open(&index).expect("SAGASU_BENCH_INDEX is a sagasu index");
        return (searcher, index, None);
    }
    let dir = tempfile::tempdir().expect("a temporary directory can be made");
    let index = dir.path().join("index");
    let started = Instant::now();
    let report = sagasu_indexer::index(
        &index,
        &[root.to_path_buf()],
        &sagasu_indexer::IndexOptions::default(),
        &|_| {},
    )
    .expect("the archive can be indexed");
    eprintln!(
        "indexed {} posts of {} in {:.1} s",
        report.added,
        root.display(),
        started.elapsed().as_secs_f64()
    );
    let searcher = Searcher::open(&index).expect("the new index opens");
    (searcher, index, Some(dir))
}

/// The `p`-th percentile (0–100) of sorted `values`, nearest rank.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Runs the whole mix once to warm up, then once more timing each search
/// with [`Instant`], and prints p50, p99 and max per class and over all.
pub fn print_percentiles(searcher: &Searcher, mix: &[Query]) {
    for query in mix {
        std::hint::black_box(searcher.search(&query.request).expect("search succeeds"));
    }
    let mut by_class: HashMap<Class, (Vec<f64>, usize)> = HashMap::new();
    let mut all = Vec::with_capacity(mix.len());
    for query in mix {
        let started = Instant::now();
        let response = searcher.search(&query.request).expect("search succeeds");
        let ms = started.elapsed().as_secs_f64() * 1e3;
        let entry = by_class.entry(query.class).or_default();
        entry.0.push(ms);
        entry.1 += usize::from(response.hits.is_empty());
        all.push(ms);
    }
    println!(
        "library latency, one pass of {} queries after a warm-up pass (ms; \"no hits\": queries whose page is empty)",
        mix.len()
    );
    println!(
        "{:<11} {:>7} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "class", "queries", "no hits", "mean", "p50", "p99", "max"
    );
    let row = |name: &str, times: &mut Vec<f64>, empty: Option<usize>| {
        times.sort_by(f64::total_cmp);
        let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
        let empty = empty.map_or_else(|| "-".to_owned(), |e| e.to_string());
        println!(
            "{name:<11} {:>7} {empty:>8} {mean:>8.2} {:>8.2} {:>8.2} {:>8.2}",
            times.len(),
            percentile(times, 50.0),
            percentile(times, 99.0),
            times.last().copied().unwrap_or(f64::NAN),
        );
    };
    for class in Class::ALL {
        if let Some((times, empty)) = by_class.get_mut(&class) {
            row(class.name(), times, Some(*empty));
        }
    }
    row("all", &mut all, None);
}
