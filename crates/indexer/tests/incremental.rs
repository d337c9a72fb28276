//! Incremental indexing is invisible (proptest): an archive edited,
//! renamed and pruned in any order, with an incremental run after any of
//! the steps, ends with the same index as one fresh build of the final
//! archive — the same posts with the same stored fields and hashes.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use sagasu_indexer::IndexOptions;
use tantivy::collector::DocSetCollector;
use tantivy::query::AllQuery;
use tantivy::schema::Value;
use tantivy::{Document, Index, TantivyDocument};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// Where the generated files go: Jekyll posts, then Movable Type exports
/// (several posts in one file).
const NAMES: &[&str] = &[
    "_posts/2020-01-01-spring.md",
    "_posts/2020-01-02-garden.md",
    "_posts/2021-05-06-rain.markdown",
    "_posts/notes/2020-02-03-walk.md",
    "export.txt",
    "old/export.txt",
];
const JEKYLL: usize = 4;

const WORDS: &[&str] = &[
    "春",
    "庭",
    "勉強会",
    "インフラ",
    "雨",
    "散歩",
    "Rust",
    "検索",
];

/// A generated post: words picked from [`WORDS`].
#[derive(Debug, Clone)]
struct Spec {
    title: usize,
    tags: Vec<usize>,
    body: Vec<usize>,
    draft: bool,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0..WORDS.len(),
        prop::collection::vec(0..WORDS.len(), 0..3),
        prop::collection::vec(0..WORDS.len(), 1..6),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(title, tags, body, draft)| Spec {
            title,
            tags,
            body,
            draft,
        })
}

impl Spec {
    fn words(indexes: &[usize], separator: &str) -> String {
        let words: Vec<&str> = indexes.iter().map(|&i| WORDS[i]).collect();
        words.join(separator)
    }

    fn jekyll(&self) -> String {
        format!(
            "---\ntitle: {}の話\ntags: [{}]\npublished: {}\n---\n{}\n",
            WORDS[self.title],
            Self::words(&self.tags, ", "),
            !self.draft,
            Self::words(&self.body, "と"),
        )
    }

    fn movable_type(&self, basename: usize) -> String {
        format!(
            "AUTHOR: 私\nTITLE: {}の話\nBASENAME: entry-{basename}\nSTATUS: {}\n\
             DATE: 01/0{}/2020 10:00:00 AM\nTAGS: {}\n-----\nBODY:\n<p>{}</p>\n-----\n--------\n",
            WORDS[self.title],
            if self.draft { "Draft" } else { "Publish" },
            basename + 1,
            Self::words(&self.tags, " "),
            Self::words(&self.body, "と"),
        )
    }
}

/// One step of editing the archive.
#[derive(Debug, Clone)]
enum Step {
    /// Writes a Jekyll post, or an export of several posts (keyed by
    /// basename), to `NAMES[name]`.
    Write {
        name: usize,
        posts: Vec<(usize, Spec)>,
    },
    /// Renames a file to another name of its kind (replacing that file).
    Rename {
        from: usize,
        to: usize,
    },
    Delete {
        name: usize,
    },
    /// An incremental run.
    Index,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..NAMES.len(), prop::collection::vec((0..4usize, spec()), 1..4))
            .prop_map(|(name, posts)| Step::Write { name, posts }),
        1 => (0..NAMES.len(), 0..NAMES.len()).prop_map(|(from, to)| Step::Rename { from, to }),
        1 => (0..NAMES.len()).prop_map(|name| Step::Delete { name }),
        2 => Just(Step::Index),
    ]
}

/// Applies `step`. Each write gets its own modification time, a second
/// after the last one: a run reads a file only when its size or its time
/// changed, and two writes in the same tick of the file system's clock
/// (then a rename of one over the other) would look unchanged, as
/// `run/mod.rs`'s `size_and_modification_time_come_first_and_the_hash_second`
/// shows on purpose.
fn apply(archive: &Path, index: &Path, step: &Step, clock: &mut u64) -> TestResult {
    match step {
        Step::Write { name, posts } => {
            let text = if *name < JEKYLL {
                posts[0].1.jekyll()
            } else {
                // One entry per basename: an export's keys are unique.
                let mut seen = std::collections::HashSet::new();
                posts
                    .iter()
                    .filter(|(basename, _)| seen.insert(*basename))
                    .map(|(basename, spec)| spec.movable_type(*basename))
                    .collect()
            };
            let path = archive.join(NAMES[*name]);
            std::fs::create_dir_all(path.parent().ok_or("a file has a folder")?)?;
            std::fs::write(&path, text)?;
            *clock += 1;
            std::fs::File::options()
                .write(true)
                .open(&path)?
                .set_modified(UNIX_EPOCH + Duration::from_secs(1_600_000_000 + *clock))?;
        }
        Step::Rename { from, to } => {
            let from_path = archive.join(NAMES[*from]);
            if from != to && (*from < JEKYLL) == (*to < JEKYLL) && from_path.exists() {
                let to_path = archive.join(NAMES[*to]);
                std::fs::create_dir_all(to_path.parent().ok_or("a file has a folder")?)?;
                std::fs::rename(from_path, to_path)?;
            }
        }
        Step::Delete { name } => {
            let path = archive.join(NAMES[*name]);
            if path.exists() {
                std::fs::remove_file(path)?;
            }
        }
        Step::Index => run(archive, index)?,
    }
    Ok(())
}

fn run(archive: &Path, index: &Path) -> TestResult {
    let options = IndexOptions {
        threads: 1,
        now: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single(),
        ..IndexOptions::default()
    };
    let report = sagasu_indexer::index(index, &[archive.to_path_buf()], &options, &|_| {})?;
    if !report.failed.is_empty() {
        return Err(format!("{:?}", report.failed).into());
    }
    Ok(())
}

/// Every post of the index: its id, and its stored fields and fast-field
/// hashes, size and mtime as text.
fn posts(index: &Path) -> TestResult<BTreeMap<String, String>> {
    let index = Index::open_in_dir(index)?;
    let schema = index.schema();
    let searcher = index.reader()?.searcher();
    let mut posts = BTreeMap::new();
    for address in searcher.search(&AllQuery, &DocSetCollector)? {
        let doc: TantivyDocument = searcher.doc(address)?;
        let id = doc
            .get_first(schema.get_field("id")?)
            .and_then(|value| value.as_str())
            .ok_or("a post has an id")?
            .to_owned();
        let fast = searcher.segment_reader(address.segment_ord).fast_fields();
        let mut numbers = Vec::new();
        for field in ["hash", "post_hash", "size"] {
            numbers.push(fast.u64(field)?.first(address.doc_id).unwrap_or_default());
        }
        let mtime = fast.i64("mtime")?.first(address.doc_id).unwrap_or_default();
        let text = format!("{numbers:?} {mtime} {}", doc.to_json(&schema));
        if posts.insert(id.clone(), text).is_some() {
            return Err(format!("{id} is indexed twice").into());
        }
    }
    Ok(posts)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        // Beside this file: an integration test has no lib.rs to put it by.
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn incremental_runs_end_where_a_fresh_build_starts(
        steps in prop::collection::vec(step(), 1..10)
    ) {
        let check = || -> TestResult {
            let dir = tempfile::tempdir()?;
            let archive = dir.path().join("site");
            // A post no step touches: an archive without posts is refused.
            std::fs::create_dir_all(archive.join("_posts"))?;
            std::fs::write(
                archive.join("_posts/2019-12-31-first.md"),
                "---\ntitle: 最初\n---\n始まり\n",
            )?;
            let incremental = dir.path().join("incremental");
            let mut clock = 0;
            for step in &steps {
                apply(&archive, &incremental, step, &mut clock)?;
            }
            run(&archive, &incremental)?;
            let fresh = dir.path().join("fresh");
            run(&archive, &fresh)?;
            let (incremental, fresh) = (posts(&incremental)?, posts(&fresh)?);
            if incremental != fresh {
                return Err(format!("incremental {incremental:#?}\nfresh {fresh:#?}").into());
            }
            Ok(())
        };
        if let Err(error) = check() {
            prop_assert!(false, "{}", error);
        }
    }
}
