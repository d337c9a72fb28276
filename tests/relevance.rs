//! The relevance suite: queries with the posts they must find, measured as
//! recall, precision and MRR, failing when any drops below its threshold.
//!
//! A query file (`tests/relevance/*.txt`) lists queries, each followed by
//! what it expects:
//!
//! ```text
//! # a comment
//! query インフラ勉強会
//!   first _posts/2009-07-19-infra-study-1.md
//!   find  _posts/2009-09-27-infra-study-2.md _posts/2010-02-14-infra-study-3.md
//!   never _posts/2011-02-20-kessan-kakutei-shinkoku.md
//!   match any
//! ```
//!
//! - `first`: the post that must rank first (it must also be found);
//! - `find`: posts that must be found, anywhere in the results;
//! - `never`: posts that must not be found;
//! - `match any`: search with `match=any` (the default is `all`).
//!
//! Posts are named by id, their path relative to the archive; a name ending
//! in `*` stands for the one post whose id starts with what precedes it.
//!
//! The measures, per query, then averaged over the queries they apply to:
//!
//! - **recall**: the share of the `first` and `find` posts that are found;
//! - **precision**: of the top R results, where R is the number of `first`
//!   and `find` posts, the share that are among them (R-precision), times
//!   the share of the `never` posts left out;
//! - **MRR**: 1 / the rank of the `first` post (0 when it is not found).
//!
//! `sample_archive_relevance` runs `tests/relevance/sample.txt` over the
//! bundled sample archive in every `cargo test`. The real archives run as a
//! separate command (they are not in the repository; set `SAGASU_CORPUS` to
//! the directory holding `hirofukami/` and `efcl/`, `../shared/corpus` by
//! default):
//!
//! ```sh
//! cargo test --release --test relevance -- --ignored --nocapture
//! ```
//!
//! `recall_matches_a_brute_force_oracle` checks recall and the substring
//! fallback's precision against a direct scan of the sample archive's text.

mod util;

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sagasu_analyzer::{KANA_SPELLINGS, Normalized};
use sagasu_indexer::IndexOptions;
use sagasu_indexer::{ArchiveSettings, read_posts};
use sagasu_search::{MAX_PER_PAGE, MatchMode, SearchRequest, Searcher};
use util::{Problems, TestResult, corpus, fail, repo, sample_archive};

/// The sample archive's thresholds: just below what the suite measures
/// (recall 1.000, precision 1.000, MRR 1.000 when they were set), so any
/// regression fails.
const SAMPLE: Thresholds = Thresholds {
    recall: 0.999,
    precision: 0.98,
    mrr: 0.98,
};

/// The real archives' thresholds, just below what they measure (recall
/// 1.000 on both; precision 0.996 and 1.000; MRR 1.000 on both).
const HIROFUKAMI: Thresholds = Thresholds {
    recall: 0.999,
    precision: 0.99,
    mrr: 0.99,
};
const EFCL: Thresholds = Thresholds {
    recall: 0.999,
    precision: 0.99,
    mrr: 0.99,
};

#[derive(Debug, Clone, Copy)]
struct Thresholds {
    recall: f64,
    precision: f64,
    mrr: f64,
}

/// One query and what it expects.
#[derive(Debug, Clone, Default)]
struct Case {
    /// Line of the `query` in its file.
    line: usize,
    query: String,
    match_any: bool,
    first: Option<String>,
    find: Vec<String>,
    never: Vec<String>,
}

impl Case {
    /// Every post that must be found, the first one first.
    fn expected(&self) -> Vec<&str> {
        self.first
            .iter()
            .chain(&self.find)
            .map(String::as_str)
            .collect()
    }
}

/// Parses a query file.
fn parse_suite(text: &str) -> TestResult<Vec<Case>> {
    let mut cases: Vec<Case> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (keyword, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        if keyword == "query" {
            if rest.is_empty() {
                return Err(fail(format!("line {number}: empty query")));
            }
            cases.push(Case {
                line: number,
                query: rest.to_owned(),
                ..Case::default()
            });
            continue;
        }
        let case = cases
            .last_mut()
            .ok_or_else(|| fail(format!("line {number}: {keyword:?} before any query")))?;
        let names = rest.split_whitespace().map(str::to_owned);
        match keyword {
            "first" if case.first.is_none() && rest.split_whitespace().count() == 1 => {
                case.first = Some(rest.to_owned());
            }
            "find" => case.find.extend(names),
            "never" => case.never.extend(names),
            "match" if rest == "any" => case.match_any = true,
            _ => return Err(fail(format!("line {number}: cannot read {line:?}"))),
        }
    }
    Ok(cases)
}

/// An archive indexed into a temp dir.
struct Engine {
    _dir: tempfile::TempDir,
    searcher: Searcher,
    ids: BTreeSet<String>,
}

impl Engine {
    fn index(archive: &Path) -> TestResult<Self> {
        let dir = tempfile::Builder::new()
            .prefix("sagasu-relevance-")
            .tempdir()?;
        let index = dir.path().join("idx");
        let report = sagasu_indexer::index(
            &index,
            &[archive.to_owned()],
            &IndexOptions::default(),
            &|_| {},
        )?;
        if !report.failed.is_empty() {
            return Err(fail(format!("posts failed to index: {:?}", report.failed)));
        }
        let searcher = Searcher::open(&index)?;
        let mut request = SearchRequest::new("");
        request.per_page = MAX_PER_PAGE;
        let ids = all_hits(&searcher, &request)?.into_iter().collect();
        Ok(Self {
            _dir: dir,
            searcher,
            ids,
        })
    }

    /// The id a query file's name stands for.
    fn resolve(&self, name: &str) -> TestResult<String> {
        let Some(prefix) = name.strip_suffix('*') else {
            return if self.ids.contains(name) {
                Ok(name.to_owned())
            } else {
                Err(fail(format!("no post {name:?} in the archive")))
            };
        };
        let matching: Vec<&String> = self
            .ids
            .range(prefix.to_owned()..)
            .take_while(|id| id.starts_with(prefix))
            .collect();
        match matching.as_slice() {
            [one] => Ok((*one).clone()),
            _ => Err(fail(format!(
                "{name:?} must name exactly one post, names {matching:?}"
            ))),
        }
    }

    /// Every hit of `query`, best first.
    fn search(&self, query: &str, mode: MatchMode) -> TestResult<Vec<String>> {
        let mut request = SearchRequest::new(query);
        request.match_mode = mode;
        request.per_page = MAX_PER_PAGE;
        all_hits(&self.searcher, &request)
    }
}

/// Every page of `request`'s results, as ids.
fn all_hits(searcher: &Searcher, request: &SearchRequest) -> TestResult<Vec<String>> {
    let mut request = request.clone();
    let mut ids = Vec::new();
    loop {
        let response = searcher.search(&request)?;
        let count = response.hits.len();
        ids.extend(response.hits.into_iter().map(|hit| hit.post.id));
        if count == 0 || ids.len() >= response.total {
            return Ok(ids);
        }
        request.page += 1;
    }
}

/// What one query measured.
#[derive(Debug)]
struct Measured {
    recall: Option<f64>,
    precision: f64,
    reciprocal_rank: Option<f64>,
    problems: Vec<String>,
}

fn measure(engine: &Engine, case: &Case) -> TestResult<Measured> {
    let mode = if case.match_any {
        MatchMode::Any
    } else {
        MatchMode::All
    };
    let found = engine.search(&case.query, mode)?;
    let position = |id: &str| found.iter().position(|f| *f == id);
    let expected = case
        .expected()
        .into_iter()
        .map(|name| engine.resolve(name))
        .collect::<TestResult<Vec<String>>>()?;
    let never = case
        .never
        .iter()
        .map(|name| engine.resolve(name))
        .collect::<TestResult<Vec<String>>>()?;
    let mut problems = Vec::new();

    let missing: Vec<&String> = expected
        .iter()
        .filter(|id| position(id).is_none())
        .collect();
    if !missing.is_empty() {
        problems.push(format!("not found: {missing:?}"));
    }
    let recall = (!expected.is_empty())
        .then(|| (expected.len() - missing.len()) as f64 / expected.len() as f64);

    let wanted: HashSet<&str> = expected.iter().map(String::as_str).collect();
    let top = &found[..found.len().min(expected.len())];
    let r_precision = if expected.is_empty() {
        1.0
    } else {
        top.iter().filter(|id| wanted.contains(id.as_str())).count() as f64 / expected.len() as f64
    };
    if r_precision < 1.0 {
        problems.push(format!("top {}: {top:?}", expected.len()));
    }
    let intruders: Vec<&String> = never.iter().filter(|id| position(id).is_some()).collect();
    if !intruders.is_empty() {
        problems.push(format!("found but must not be: {intruders:?}"));
    }
    let kept_out = if never.is_empty() {
        1.0
    } else {
        1.0 - intruders.len() as f64 / never.len() as f64
    };

    let reciprocal_rank = case.first.as_ref().map(|_| {
        let rank = position(&expected[0]).map_or(0.0, |p| 1.0 / (p + 1) as f64);
        if rank < 1.0 {
            let got = found.first().map_or("nothing", String::as_str);
            problems.push(format!("first is {got}, not {}", expected[0]));
        }
        rank
    });
    Ok(Measured {
        recall,
        precision: r_precision * kept_out,
        reciprocal_rank,
        problems,
    })
}

/// Runs a query file over an archive: prints a report and fails when a
/// measure is below its threshold.
fn run_suite(archive: &Path, queries: &Path, thresholds: Thresholds) -> TestResult {
    let cases = parse_suite(&std::fs::read_to_string(queries)?)?;
    let engine = Engine::index(archive)?;
    let mut report = String::new();
    let (mut recalls, mut precisions, mut ranks) = (Vec::new(), Vec::new(), Vec::new());
    for case in &cases {
        let measured = measure(&engine, case)?;
        let show = |value: Option<f64>| value.map_or("    -".to_owned(), |v| format!("{v:5.3}"));
        writeln!(
            report,
            "{:>4}  R {}  P {:5.3}  RR {}  {}{}",
            case.line,
            show(measured.recall),
            measured.precision,
            show(measured.reciprocal_rank),
            case.query,
            if case.match_any { "  (match any)" } else { "" }
        )?;
        for problem in &measured.problems {
            writeln!(report, "        {problem}")?;
        }
        recalls.extend(measured.recall);
        precisions.push(measured.precision);
        ranks.extend(measured.reciprocal_rank);
    }
    let mean = |values: &[f64]| values.iter().sum::<f64>() / values.len().max(1) as f64;
    let (recall, precision, mrr) = (mean(&recalls), mean(&precisions), mean(&ranks));
    writeln!(
        report,
        "{} queries ({} with a first post) over {}: recall {recall:.3}, precision {precision:.3}, MRR {mrr:.3}",
        cases.len(),
        ranks.len(),
        archive.display()
    )?;
    println!("{report}");
    let mut problems = Problems::default();
    for (name, value, threshold) in [
        ("recall", recall, thresholds.recall),
        ("precision", precision, thresholds.precision),
        ("MRR", mrr, thresholds.mrr),
    ] {
        problems.check(value >= threshold, || {
            format!("{name} {value:.3} is below {threshold}\n{report}")
        });
    }
    problems.finish()
}

fn suite_file(name: &str) -> PathBuf {
    repo().join("tests/relevance").join(name)
}

#[test]
fn sample_archive_relevance() -> TestResult {
    let queries = suite_file("sample.txt");
    let cases = parse_suite(&std::fs::read_to_string(&queries)?)?;
    // What the issue asks of the suite: at least 60 queries, 30 with the
    // post that must rank first.
    assert!(cases.len() >= 60, "{} queries", cases.len());
    let firsts = cases.iter().filter(|case| case.first.is_some()).count();
    assert!(firsts >= 30, "{firsts} queries name a first post");
    run_suite(&sample_archive(), &queries, SAMPLE)
}

#[test]
#[ignore = "needs the hirofukami archive; run with --ignored"]
fn hirofukami_relevance() -> TestResult {
    let Some(archive) = corpus("hirofukami") else {
        return Ok(());
    };
    run_suite(&archive, &suite_file("hirofukami.txt"), HIROFUKAMI)
}

#[test]
#[ignore = "needs the efcl archive; run with --ignored"]
fn efcl_relevance() -> TestResult {
    let Some(archive) = corpus("efcl") else {
        return Ok(());
    };
    run_suite(&archive, &suite_file("efcl.txt"), EFCL)
}

/// A post's searchable text, normalized as the analyzer normalizes it.
struct Text {
    id: String,
    /// Title and body.
    text: String,
    /// Tag and category names.
    labels: String,
}

fn sample_texts() -> TestResult<Vec<Text>> {
    texts(&sample_archive())
}

fn texts(archive: &Path) -> TestResult<Vec<Text>> {
    let mut texts = Vec::new();
    for post in read_posts(&[archive.to_owned()], &ArchiveSettings::default())? {
        let labels = post.tags.iter().chain(&post.categories);
        texts.push(Text {
            id: post.id.clone(),
            text: Normalized::new(&format!("{}\n{}", post.title, post.body))
                .as_str()
                .to_owned(),
            labels: Normalized::new(&labels.cloned().collect::<Vec<_>>().join("\n"))
                .as_str()
                .to_owned(),
        });
    }
    Ok(texts)
}

/// Whether `haystack` contains `needle`: as a substring, except that an
/// ASCII word (letters and digits) must be a whole word, as in the index.
fn contains(haystack: &str, needle: &str) -> bool {
    let is_word = |c: char| c.is_ascii_alphanumeric();
    haystack.match_indices(needle).any(|(start, _)| {
        let end = start + needle.len();
        let first = needle.chars().next().is_some_and(is_word);
        let last = needle.chars().next_back().is_some_and(is_word);
        let joined_before = first && haystack[..start].chars().next_back().is_some_and(is_word);
        let joined_after = last && haystack[end..].chars().next().is_some_and(is_word);
        !joined_before && !joined_after
    })
}

/// Item 1 of the search-quality issue: every post containing the query
/// (each of its space-separated words, after NFKC and case folding) is
/// found, checked against a scan of the archive. For these queries (no
/// conjugating words) the substring fallback must also find nothing else:
/// every hit contains the words, in its text or its tag and category names.
#[test]
fn recall_matches_a_brute_force_oracle() -> TestResult {
    let queries = [
        // single words, parts of words, compounds inside compounds
        "インフラ",
        "ハートビー",
        "ートビ",
        "京都",
        "東京",
        "会社",
        "株式",
        "情報処理",
        "技術者試験",
        "勉強会",
        "ネットワーク",
        "サーバ",
        "スプリットブレイン",
        "ブレイン",
        // one character: kanji, kana, symbols and emoji
        "猫",
        "寺",
        "砲",
        "税",
        "川",
        "ぱ",
        "ヶ",
        "★",
        "🍺",
        // Latin words, full width, half width, case
        "KVM",
        "kvm",
        "ＫＶＭ",
        "BGP4",
        "nginx",
        "Perl",
        "ｲﾝﾌﾗ",
        "ＡＷＳ",
        "Y!砲",
        "infra#1",
        // several words, anywhere in the post
        "インフラ 監視",
        "京都 寺",
        "北海道　富良野",
        "AWS 移行",
        "サーバ 障害 監視",
    ];
    let texts = sample_texts()?;
    let engine = Engine::index(&sample_archive())?;
    let mut problems = Problems::default();
    for query in queries {
        let words: Vec<String> = Normalized::new(query)
            .as_str()
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        let oracle: BTreeSet<&str> = texts
            .iter()
            .filter(|post| words.iter().all(|word| contains(&post.text, word)))
            .map(|post| post.id.as_str())
            .collect();
        let found = engine.search(query, MatchMode::All)?;
        let found_set: BTreeSet<&str> = found.iter().map(String::as_str).collect();
        let missed: Vec<&&str> = oracle.difference(&found_set).collect();
        problems.check(missed.is_empty(), || {
            format!("{query:?} misses {missed:?} (found {found:?})")
        });
        let strays: Vec<&str> = found_set
            .iter()
            .copied()
            .filter(|id| {
                let post = texts.iter().find(|post| post.id == *id);
                !post.is_some_and(|post| {
                    words
                        .iter()
                        .all(|word| contains(&post.text, word) || contains(&post.labels, word))
                })
            })
            .collect();
        problems.check(strays.is_empty(), || {
            format!("{query:?} finds posts without it: {strays:?}")
        });
        problems.check(!oracle.is_empty(), || {
            format!("{query:?} is in no post: pick a query the archive has")
        });
    }
    problems.finish()
}

/// How many unspaced queries to generate from each real archive.
const UNSPACED_QUERIES: usize = 200;

/// The least recall and precision of unspaced queries on the real archives:
/// the recall issue 17 asks for, and the precision issue 16 asks for
/// (0.998 and 0.991 measured).
const UNSPACED: Thresholds = Thresholds {
    recall: 0.95,
    precision: 0.99,
    mrr: 0.0,
};

#[test]
#[ignore = "needs the hirofukami archive; run with --ignored"]
fn hirofukami_unspaced_queries() -> TestResult {
    let Some(archive) = corpus("hirofukami") else {
        return Ok(());
    };
    run_unspaced(&archive)
}

#[test]
#[ignore = "needs the efcl archive; run with --ignored"]
fn efcl_unspaced_queries() -> TestResult {
    let Some(archive) = corpus("efcl") else {
        return Ok(());
    };
    run_unspaced(&archive)
}

/// A word as a post must contain it: a katakana word of four or more
/// characters without its final long-vowel mark, as the analyzer stems it
/// (`サーバー` is also `サーバ`).
fn stem(word: &str) -> &str {
    match word.strip_suffix('ー') {
        Some(stem)
            if word.chars().count() >= 4
                && stem
                    .chars()
                    .all(|c| matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー')) =>
        {
            stem
        }
        _ => word,
    }
}

/// `word` and its other spellings in [`KANA_SPELLINGS`] (`殆ど` and
/// `ほとんど`): the analyzer makes them one term, so a post with either has
/// the word.
fn spellings(word: &str) -> Vec<&str> {
    let mut spellings = vec![word];
    for &(kanji, kana) in KANA_SPELLINGS {
        if word == kanji {
            spellings.push(kana);
        } else if word == kana {
            spellings.push(kanji);
        }
    }
    spellings
}

/// Queries typed the Japanese way, generated from `archive`: two content
/// words of one post joined without a space, where the joined form is in
/// no post. Each is searched with `match=all` and measured against the
/// posts that contain both words (in their text, or their tag and category
/// names; in either spelling, see [`spellings`]): recall, and precision
/// over everything found.
///
/// The words are nouns and names of two characters or more that the
/// analyzer reads as one content word, not all hiragana (a hiragana word
/// also finds the words read so), taken from within a few content words of
/// each other in a post; the joined form must read as the two words again
/// (how often it does not is reported: the analyzer merging or over-splitting
/// a compound). The candidates are sampled in a fixed pseudo-random order.
fn run_unspaced(archive: &Path) -> TestResult {
    let analyzer = sagasu_analyzer::Analyzer::new()?;
    let texts = texts(archive)?;
    let everything: String = texts
        .iter()
        .flat_map(|post| [post.text.as_str(), "\n", post.labels.as_str(), "\n"])
        .collect();
    let single = |word: &str| -> TestResult<bool> {
        let hiragana = word.chars().all(|c| matches!(c, '\u{3041}'..='\u{309F}'));
        let nouns = analyzer
            .analyze(word)?
            .terms
            .iter()
            .all(|term| matches!(term.part_of_speech, "名詞" | "未知語"));
        let content = analyzer.content_words(word)?;
        Ok(word.chars().count() >= 2
            && !hiragana
            && nouns
            && matches!(content.as_slice(), [only] if only.text == word))
    };
    let mut candidates: BTreeSet<(u64, String, String)> = BTreeSet::new();
    for post in &texts {
        let words = analyzer.content_words(&post.text)?;
        for (index, first) in words.iter().enumerate() {
            for second in words.iter().skip(index + 1).take(3) {
                let (a, b) = (first.text.as_str(), second.text.as_str());
                if a.contains(b) || b.contains(a) {
                    continue;
                }
                let mut hasher = std::hash::DefaultHasher::new();
                std::hash::Hash::hash(&(a, b), &mut hasher);
                let key = std::hash::Hasher::finish(&hasher);
                candidates.insert((key, a.to_owned(), b.to_owned()));
            }
        }
    }
    // The decision that the word tier never follows the exact tier: for
    // joined forms that a few posts have (one to three), how many posts
    // have both words apart without the joined form.
    let (mut rare, mut exact, mut with_both) = (0, 0, 0_usize);
    for (_, a, b) in &candidates {
        if rare == UNSPACED_QUERIES {
            break;
        }
        let joined = format!("{a}{b}");
        if !contains(&everything, &joined) || !single(a)? || !single(b)? {
            continue;
        }
        let with = |word: &str| {
            texts
                .iter()
                .filter(|post| contains(&post.text, word))
                .count()
        };
        let joined_posts = with(&joined);
        if joined_posts > 3 {
            continue;
        }
        let both = texts
            .iter()
            .filter(|post| contains(&post.text, a) && contains(&post.text, b))
            .count();
        rare += 1;
        exact += joined_posts;
        with_both += both;
    }
    // Whole Latin words can make a joined form count where its words do
    // not (`contains` wants word boundaries), so a pair may count fewer
    // posts with both than with the joined form: the sum is taken whole.
    let apart = with_both.saturating_sub(exact);
    let engine = Engine::index(archive)?;
    let (mut tried, mut misread) = (0, 0);
    let (mut recalls, mut precisions, mut report) = (Vec::new(), Vec::new(), String::new());
    let mut seen = HashSet::new();
    for (_, a, b) in &candidates {
        if recalls.len() == UNSPACED_QUERIES {
            break;
        }
        let joined = format!("{a}{b}");
        if !seen.insert(joined.clone())
            || !single(a)?
            || !single(b)?
            || contains(&everything, &joined)
        {
            continue;
        }
        tried += 1;
        let read: Vec<String> = analyzer
            .content_words(&joined)?
            .into_iter()
            .map(|word| word.text)
            .collect();
        if read != [a.as_str(), b.as_str()] {
            misread += 1;
            continue;
        }
        let has = |post: &Text, word: &str| {
            spellings(word).into_iter().any(|spelling| {
                contains(&post.text, stem(spelling)) || contains(&post.labels, stem(spelling))
            })
        };
        let truth: BTreeSet<&str> = texts
            .iter()
            .filter(|post| has(post, a) && has(post, b))
            .map(|post| post.id.as_str())
            .collect();
        let found = engine.search(&joined, MatchMode::All)?;
        let found: BTreeSet<&str> = found.iter().map(String::as_str).collect();
        let right = found.intersection(&truth).count();
        let recall = right as f64 / truth.len().max(1) as f64;
        let precision = if found.is_empty() {
            0.0
        } else {
            right as f64 / found.len() as f64
        };
        if recall < 1.0 || precision < 1.0 {
            let missed: Vec<&&str> = truth.difference(&found).take(3).collect();
            let strays: Vec<&&str> = found.difference(&truth).take(3).collect();
            writeln!(
                report,
                "  {joined} ({a} + {b}): R {recall:.3} P {precision:.3}, {} posts have both, {} found; missed {missed:?}, strays {strays:?}",
                truth.len(),
                found.len()
            )?;
        }
        recalls.push(recall);
        precisions.push(precision);
    }
    let mean = |values: &[f64]| values.iter().sum::<f64>() / values.len().max(1) as f64;
    let (recall, precision) = (mean(&recalls), mean(&precisions));
    writeln!(
        report,
        "{} unspaced queries over {}: recall {recall:.3}, precision {precision:.3}; {misread} of {tried} joined pairs read as other words than the two",
        recalls.len(),
        archive.display()
    )?;
    writeln!(
        report,
        "{rare} joined forms that one to three posts have: {exact} posts have them, {apart} more have both words apart"
    )?;
    println!("{report}");
    let mut problems = Problems::default();
    problems.check(recalls.len() == UNSPACED_QUERIES, || {
        format!("only {} queries generated", recalls.len())
    });
    for (name, value, threshold) in [
        ("recall", recall, UNSPACED.recall),
        ("precision", precision, UNSPACED.precision),
    ] {
        problems.check(value >= threshold, || {
            format!("{name} {value:.3} is below {threshold}\n{report}")
        });
    }
    problems.finish()
}
