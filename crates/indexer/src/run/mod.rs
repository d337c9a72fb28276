//! One indexing run: walk the archive, index what changed, commit once.
//!
//! A run compares every source file with what the index holds: a file whose
//! size and modification time are the indexed ones is unchanged without being
//! read; otherwise its content hash decides. A changed file is read again
//! whole, and its posts are added, replaced or removed by id (a WordPress
//! export's posts one by one); posts whose file is gone are removed. All of it
//! lands in a single commit, so readers see the old archive or the new one,
//! never half of each. A run killed before its commit leaves the previous
//! commit in place; the next run starts again from it.
//!
//! A file or post that cannot be read is reported as failed, with the reason;
//! the rest of the archive is indexed, and what was indexed from it before is
//! kept rather than lost. So is what was indexed from a folder that cannot be
//! read.
//!
//! - [`indexed`]: what the index holds, by file, to compare the walk with;
//! - [`reader`]: each file read, in parallel, and its posts analysed into
//!   documents, handed to the writer as they are built;
//! - [`report`]: what a run did, file by file and format by format;
//! - [`commit`]: the one writer, opened at the first change, and the one
//!   commit.

mod commit;
mod indexed;
mod reader;
mod report;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use sagasu_analyzer::{Analyzer, UserDictionary};

use self::commit::Changes;
use self::indexed::IndexedFile;
use self::reader::{FileOutcome, Reader};
pub use self::report::{Counts, Decoded, Failure, Report, Skipped, Warning};
use crate::archive::{self, ArchiveSettings};
use crate::encoding;
use crate::format::{self, Entry, SourceFile};
use crate::post::Post;
use crate::schema;
use crate::store::{Provenance, SagasuIndex};
use crate::{Error, Result};

/// Settings of an indexing run.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Threads for parsing, analysis and Tantivy's writer (at least 1).
    pub threads: usize,
    /// Memory Tantivy's writer may buffer per thread before flushing a
    /// segment, in bytes (at least 15 MB).
    pub memory_per_thread: usize,
    /// Words to add to the dictionary. An index records the one it was
    /// built with, and a run with another one is refused.
    pub user_dictionary: Option<UserDictionary>,
    /// How to read the archive.
    pub archive: ArchiveSettings,
    /// Report what would change without writing anything.
    pub dry_run: bool,
    /// The time of the run: posts dated later are scheduled, not published.
    /// Default: now.
    pub now: Option<DateTime<Utc>>,
}

impl Default for IndexOptions {
    fn default() -> Self {
        Self {
            threads: std::thread::available_parallelism().map_or(1, usize::from),
            memory_per_thread: 128 << 20,
            user_dictionary: None,
            archive: ArchiveSettings::default(),
            dry_run: false,
            now: None,
        }
    }
}

/// Progress of a run, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The walk found this many source files.
    Found(usize),
    /// One more source file was processed.
    Processed,
    /// All files are processed; the commit is being written.
    Committing,
}

/// Indexes the archive at `paths` (folders, or files such as a WordPress
/// export) into the index at `index_dir`, creating it if needed.
pub fn index(
    index_dir: &Path,
    paths: &[PathBuf],
    options: &IndexOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Report> {
    let now = options.now.unwrap_or_else(Utc::now);
    // Walk first: a mistyped path must not leave an empty index behind.
    let walk = archive::walk(paths, &options.archive, now)?;
    let analyzer =
        Analyzer::with_user_dictionary(options.user_dictionary.as_ref()).map_err(|source| {
            Error::Analysis {
                path: index_dir.to_path_buf(),
                source,
            }
        })?;
    let provenance = Provenance::of(&analyzer);
    // Read what is indexed first; the index is created only when there is
    // something to write into it.
    let existing = match SagasuIndex::open(index_dir, &provenance) {
        Ok(store) => Some(store),
        Err(Error::NoIndex { .. }) => {
            if !options.dry_run {
                SagasuIndex::check_creatable(index_dir)?;
            }
            None
        }
        Err(error) => return Err(error),
    };
    progress(Progress::Found(walk.files.len()));

    let tantivy_error = tantivy_error(index_dir);
    let indexed = match &existing {
        Some(store) => indexed::files(store).map_err(tantivy_error)?,
        None => HashMap::new(),
    };
    let empty = IndexedFile::default();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.max(1))
        .build()
        .map_err(|err| tantivy_error(tantivy::TantivyError::SystemError(err.to_string())))?;
    let (_, fields) = schema::build();
    let changes = Changes::new(index_dir, options, &provenance, existing);
    let outcomes: Vec<FileOutcome> = pool.install(|| {
        walk.files
            .par_iter()
            .map(|found| {
                let reader = Reader {
                    analyzer: &analyzer,
                    fields: &fields,
                    changes: (!options.dry_run).then_some(&changes),
                };
                let outcome = reader.file(found, indexed.get(&found.id).unwrap_or(&empty));
                progress(Progress::Processed);
                outcome
            })
            .collect()
    });

    let mut report = Report {
        dry_run: options.dry_run,
        ..Report::default()
    };
    for passed in walk.passed {
        report
            .skipped
            .push(Skipped::new(passed.path, None, &passed.reason));
    }
    for (path, error) in walk.unreadable {
        report.failed.push(Failure {
            path,
            id: None,
            error,
        });
    }
    let mut delete = Vec::new();
    for outcome in outcomes {
        report::merge(&mut report, outcome.report);
        delete.extend(outcome.delete);
    }
    // Files gone: their posts go, unless their folder could not be read.
    let seen: HashSet<&str> = walk.files.iter().map(|f| f.id.as_str()).collect();
    for (file, held) in &indexed {
        if seen.contains(file.as_str())
            || walk
                .kept
                .iter()
                .any(|prefix| file.starts_with(prefix.as_str()))
        {
            continue;
        }
        held.remove_all(&mut delete, &mut report);
    }

    let posts = report.added + report.updated + report.unchanged;
    if posts == 0 && indexed.is_empty() && report.failed.is_empty() {
        return Err(Error::NothingRecognised {
            summary: report::nothing_recognised(paths, &report),
        });
    }
    if options.dry_run {
        return Ok(report);
    }
    for id in &delete {
        changes.delete(id);
    }
    report.committed = changes.commit(progress)?;
    Ok(report)
}

/// How a Tantivy error on the index at `path` stops the run.
fn tantivy_error(path: &Path) -> impl Fn(tantivy::TantivyError) -> Error + Copy + '_ {
    move |source| Error::Tantivy {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads the published posts of the archive at `paths` without indexing
/// them, in the walk's order (for tools that need the posts as the index
/// would have them: relevance judgements, benchmarks). Files and posts that
/// cannot be read are left out.
pub fn read_posts(paths: &[PathBuf], settings: &ArchiveSettings) -> Result<Vec<Post>> {
    let walk = archive::walk(paths, settings, Utc::now())?;
    let posts = walk
        .files
        .par_iter()
        .flat_map_iter(|found| {
            let entries = std::fs::read(&found.path)
                .ok()
                .and_then(|bytes| {
                    let decoded = encoding::decode(&bytes).ok()?;
                    let format = format::detect(&found.site, &found.id, &decoded.text)?;
                    let source = SourceFile {
                        id: &found.id,
                        text: &decoded.text,
                        site: &found.site,
                    };
                    format::read(format, &source).ok()
                })
                .unwrap_or_default();
            entries.into_iter().filter_map(|entry| match entry {
                Entry::Post(post) if post.check().is_ok() => Some(*post),
                _ => None,
            })
        })
        .collect();
    Ok(posts)
}

#[cfg(test)]
mod tests {
    use std::fs::File;
    use std::time::{Duration, SystemTime};

    use super::*;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    fn run(index_dir: &Path, archive: &Path) -> Result<Report> {
        let options = IndexOptions {
            threads: 1,
            ..IndexOptions::default()
        };
        index(index_dir, &[archive.to_path_buf()], &options, &|_| {})
    }

    fn set_modified(path: &Path, time: SystemTime) -> std::io::Result<()> {
        File::options().write(true).open(path)?.set_modified(time)
    }

    #[test]
    fn documents_reach_the_writer_while_files_are_still_read() -> TestResult {
        let dir = tempfile::tempdir()?;
        let (archive, index_dir) = (dir.path().join("posts"), dir.path().join("index"));
        std::fs::create_dir(&archive)?;
        for day in 1..=3 {
            std::fs::write(
                archive.join(format!("2020-01-0{day}-a.md")),
                format!("---\ntitle: 勉強会{day}\n---\n本文です。\n"),
            )?;
        }
        // Whether a writer holds the index's lock: another one cannot open.
        let locked = || {
            let writer = tantivy::Index::open_in_dir(&index_dir).and_then(|index| {
                index.writer_with_num_threads::<tantivy::TantivyDocument>(1, 15 << 20)
            });
            matches!(writer, Err(tantivy::TantivyError::LockFailure(..)))
        };
        let options = IndexOptions {
            threads: 1,
            ..IndexOptions::default()
        };
        // Whether the writer was open as each file was done.
        let seen = std::sync::Mutex::new(Vec::new());
        let watch = |progress: Progress| {
            if progress == Progress::Processed
                && let Ok(mut seen) = seen.lock()
            {
                seen.push(locked());
            }
        };
        let drain_seen = || -> std::result::Result<Vec<bool>, String> {
            Ok(std::mem::take(
                &mut *seen.lock().map_err(|e| e.to_string())?,
            ))
        };
        // The first file's document opened the writer: it is not held back
        // until every file is read, so memory does not grow with the archive.
        let report = index(&index_dir, std::slice::from_ref(&archive), &options, &watch)?;
        assert_eq!((report.added, report.committed), (3, true));
        assert_eq!(drain_seen()?, [true; 3]);
        assert!(!locked(), "the writer is released after the commit");

        // A run that changes nothing opens no writer.
        let report = index(&index_dir, &[archive], &options, &watch)?;
        assert_eq!((report.unchanged, report.committed), (3, false));
        assert_eq!(drain_seen()?, [false; 3]);
        Ok(())
    }

    #[test]
    fn size_and_modification_time_come_first_and_the_hash_second() -> TestResult {
        let dir = tempfile::tempdir()?;
        let (archive, index_dir) = (dir.path().join("posts"), dir.path().join("index"));
        std::fs::create_dir(&archive)?;
        let post = archive.join("2020-01-01-a.md");
        let written = SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
        std::fs::write(&post, "---\ntitle: 勉強会\n---\n本文です。\n")?;
        set_modified(&post, written)?;
        assert_eq!(run(&index_dir, &archive)?.added, 1);

        // Same size, same time: not read at all, so even an edit that kept
        // both goes unnoticed (what every stat-first indexer assumes).
        std::fs::write(&post, "---\ntitle: 懇親会\n---\n本文です。\n")?;
        set_modified(&post, written)?;
        let report = run(&index_dir, &archive)?;
        assert_eq!((report.unchanged, report.updated), (1, 0));

        // A new time: read, and the changed content is indexed.
        set_modified(&post, written + Duration::from_secs(1))?;
        let report = run(&index_dir, &archive)?;
        assert_eq!((report.unchanged, report.updated), (0, 1));

        // Touched without a change: read, and the hash says unchanged.
        set_modified(&post, written + Duration::from_secs(2))?;
        let report = run(&index_dir, &archive)?;
        assert_eq!((report.unchanged, report.updated), (1, 0));
        assert!(!report.committed);
        Ok(())
    }
}
