//! How an open [`Searcher`] follows the commits of its index: new commits
//! are loaded by themselves, and a commit whose files are not all there
//! (an index copied file by file, the commit file too early) is refused,
//! with the reason kept, while the commit before keeps serving; it is
//! loaded once its files are there.

use std::path::Path;
use std::time::{Duration, Instant};

use sagasu_indexer::IndexOptions;
use sagasu_search::{Reloads, SearchRequest, Searcher};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// How long the reader may take to notice a commit (tantivy polls the
/// commit file every 500 ms).
const NOTICE: Duration = Duration::from_secs(20);

fn write_post(archive: &Path, name: &str, body: &str) -> TestResult {
    std::fs::create_dir_all(archive)?;
    std::fs::write(
        archive.join(name),
        format!("---\ntitle: {name}\n---\n{body}\n"),
    )?;
    Ok(())
}

fn index(index: &Path, archive: &Path) -> TestResult {
    let options = IndexOptions {
        threads: 1,
        ..IndexOptions::default()
    };
    let report = sagasu_indexer::index(index, &[archive.to_path_buf()], &options, &|_| {})?;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    Ok(())
}

fn total(searcher: &Searcher, query: &str) -> TestResult<usize> {
    Ok(searcher.search(&SearchRequest::new(query))?.total)
}

/// Polls until `done` holds for the searcher's reloads, for at most [`NOTICE`].
fn wait_for(searcher: &Searcher, what: &str, done: impl Fn(&Reloads) -> bool) -> TestResult {
    let deadline = Instant::now() + NOTICE;
    loop {
        let reloads = searcher.reloads();
        if done(&reloads) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("{what}: not within {NOTICE:?}: {reloads:?}").into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_half_copied_commit_is_refused_until_its_files_are_there() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (archive, built, served) = (
        dir.path().join("posts"),
        dir.path().join("built"),
        dir.path().join("served"),
    );
    write_post(&archive, "2020-01-01-a.md", "勉強会に行った。")?;
    index(&built, &archive)?;
    std::fs::create_dir_all(&served)?;
    for entry in std::fs::read_dir(&built)? {
        let entry = entry?;
        std::fs::copy(entry.path(), served.join(entry.file_name()))?;
    }
    let searcher = Searcher::open(&served)?;
    let first = searcher.reloads();
    assert_eq!((first.failed, first.last_error.as_deref()), (0, None));
    assert!(first.last_loaded.is_some());
    assert_eq!((searcher.num_posts(), total(&searcher, "勉強会")?), (1, 1));

    // A second commit is built elsewhere, and only its commit file copied.
    write_post(&archive, "2020-01-02-b.md", "勉強会を開いた。")?;
    index(&built, &archive)?;
    std::fs::copy(built.join("meta.json"), served.join("meta.json"))?;
    wait_for(&searcher, "the half-copied commit to be refused", |r| {
        r.failed > 0
    })?;
    let refused = searcher.reloads();
    assert!(refused.last_error.is_some(), "{refused:?}");
    assert_eq!(refused.commit, first.commit, "{refused:?}");
    // The first commit still answers, whole.
    assert_eq!((searcher.num_posts(), total(&searcher, "勉強会")?), (1, 1));

    // The rest of the files arrive; the commit file does not change again,
    // and the reader, trying again, loads the commit once it is whole.
    for entry in std::fs::read_dir(&built)? {
        let entry = entry?;
        let target = served.join(entry.file_name());
        if !target.exists() {
            std::fs::copy(entry.path(), target)?;
        }
    }
    wait_for(&searcher, "the whole commit to be loaded", |r| {
        r.loaded > 0 && r.last_error.is_none()
    })?;
    let loaded = searcher.reloads();
    assert!(loaded.commit > first.commit, "{loaded:?}");
    assert_eq!((searcher.num_posts(), total(&searcher, "勉強会")?), (2, 2));
    Ok(())
}
