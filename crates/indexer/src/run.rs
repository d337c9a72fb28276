//! One indexing run: walk the archive, index what changed, commit once.
//!
//! A run compares every post file with what the index holds: a file whose
//! size and modification time are the indexed ones is unchanged without being
//! read; otherwise its content hash decides. New files are added, changed ones
//! replaced, files no longer found removed, and unchanged ones left alone. All of it lands in a single
//! commit, so readers see the old archive or the new one, never half of each.
//! A run killed before its commit leaves the previous commit in place; the
//! next run starts again from it.
//!
//! A file that cannot be read or parsed is reported as failed; the rest of
//! the archive is indexed, and if an older version of that file was indexed
//! it is kept rather than lost.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sagasu_analyzer::{Analyzer, UserDictionary};
use serde::Serialize;
use tantivy::{IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::document::FileStamp;
use crate::store::{Provenance, SagasuIndex};
use crate::{Error, Result, document, post};

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
}

impl Default for IndexOptions {
    fn default() -> Self {
        Self {
            threads: std::thread::available_parallelism().map_or(1, usize::from),
            memory_per_thread: 128 << 20,
            user_dictionary: None,
        }
    }
}

/// Progress of a run, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The walk found this many post files.
    Found(usize),
    /// One more post file was processed.
    Processed,
    /// All files are processed; the commit is being written.
    Committing,
}

/// A file that was not indexed, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// The file on disk.
    pub path: PathBuf,
    /// Why.
    pub reason: String,
}

/// What a run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// Files that look like posts but could not be indexed.
    pub failed: Vec<Failure>,
    /// Files that are not published posts: no front matter (as in Jekyll)
    /// or `published: false`.
    pub skipped: Vec<Failure>,
    /// Whether the run wrote a commit (it does not when nothing changed).
    pub committed: bool,
}

impl Report {
    /// Number of posts that changed.
    pub fn changes(&self) -> usize {
        self.added + self.updated + self.removed
    }
}

/// A post file found by the walk.
#[derive(Debug)]
struct Candidate {
    /// The post's id: its path relative to its root (prefixed with the
    /// root's name when a run has several roots).
    id: String,
    /// Where it is on disk.
    path: PathBuf,
}

enum Outcome {
    Added,
    Updated,
    Unchanged,
    /// Not a post (any more); `removed` when an indexed version was deleted.
    Skipped {
        failure: Failure,
        removed: bool,
    },
    Failed(Failure),
}

/// Indexes the post files under `roots` into the index at `index_dir`,
/// creating it if needed.
pub fn index(
    index_dir: &Path,
    roots: &[PathBuf],
    options: &IndexOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Report> {
    // Walk first: a mistyped directory must not leave an empty index behind.
    let (candidates, mut failed) = walk(roots)?;
    let analyzer =
        Analyzer::with_user_dictionary(options.user_dictionary.as_ref()).map_err(|source| {
            Error::Analysis {
                path: index_dir.to_path_buf(),
                source,
            }
        })?;
    let provenance = Provenance::of(&analyzer);
    let store = SagasuIndex::open_or_create(index_dir, &provenance)?;
    progress(Progress::Found(candidates.len()));

    let tantivy_error = |source| Error::Tantivy {
        path: index_dir.to_path_buf(),
        source,
    };
    let threads = options.threads.max(1);
    let writer: IndexWriter<TantivyDocument> = store
        .index
        .writer_with_num_threads(threads, threads * options.memory_per_thread.max(15 << 20))
        .map_err(|source| match source {
            tantivy::TantivyError::LockFailure(..) => Error::Locked {
                path: index_dir.to_path_buf(),
            },
            source => tantivy_error(source),
        })?;
    let indexed = indexed_stamps(&store).map_err(tantivy_error)?;

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|err| tantivy_error(tantivy::TantivyError::SystemError(err.to_string())))?;
    let outcomes: Vec<Outcome> = pool.install(|| {
        candidates
            .par_iter()
            .map(|candidate| {
                let outcome = process(candidate, &indexed, &store, &analyzer, &writer);
                progress(Progress::Processed);
                outcome
            })
            .collect()
    });

    let mut report = Report::default();
    for outcome in outcomes {
        match outcome {
            Outcome::Added => report.added += 1,
            Outcome::Updated => report.updated += 1,
            Outcome::Unchanged => report.unchanged += 1,
            Outcome::Skipped { failure, removed } => {
                report.removed += usize::from(removed);
                report.skipped.push(failure);
            }
            Outcome::Failed(failure) => report.failed.push(failure),
        }
    }
    report.failed.append(&mut failed);

    let seen: HashSet<&str> = candidates.iter().map(|c| c.id.as_str()).collect();
    for id in indexed.keys().filter(|id| !seen.contains(id.as_str())) {
        writer.delete_term(Term::from_field_text(store.fields.path, id));
        report.removed += 1;
    }

    let never_committed = store.provenance()?.is_none();
    if report.changes() > 0 || never_committed {
        progress(Progress::Committing);
        let mut writer = writer;
        let mut commit = writer.prepare_commit().map_err(tantivy_error)?;
        commit.set_payload(&provenance.to_payload());
        commit.commit().map_err(tantivy_error)?;
        writer.wait_merging_threads().map_err(tantivy_error)?;
        report.committed = true;
    }
    Ok(report)
}

fn process(
    candidate: &Candidate,
    indexed: &HashMap<String, FileStamp>,
    store: &SagasuIndex,
    analyzer: &Analyzer,
    writer: &IndexWriter<TantivyDocument>,
) -> Outcome {
    let path_term = || Term::from_field_text(store.fields.path, &candidate.id);
    // Post errors name the post by id; the report names the file on disk.
    let failure = |error: Error| {
        let message = error.with_causes();
        let reason = message
            .strip_prefix(&candidate.id)
            .and_then(|rest| rest.strip_prefix(": "))
            .unwrap_or(&message);
        Failure {
            path: candidate.path.clone(),
            reason: reason.to_owned(),
        }
    };
    let read_error = |source| {
        Outcome::Failed(failure(Error::Read {
            path: candidate.id.clone().into(),
            source,
        }))
    };
    let previous = indexed.get(&candidate.id);
    let metadata = match std::fs::metadata(&candidate.path) {
        Ok(metadata) => metadata,
        Err(source) => return read_error(source),
    };
    let mtime = modified_nanos(&metadata);
    if let (Some(previous), Some(mtime)) = (previous, mtime)
        && previous.size == metadata.len()
        && previous.mtime == mtime
    {
        return Outcome::Unchanged;
    }
    let bytes = match std::fs::read(&candidate.path) {
        Ok(bytes) => bytes,
        Err(source) => return read_error(source),
    };
    let stamp = FileStamp {
        hash: xxhash_rust::xxh3::xxh3_64(&bytes),
        size: bytes.len() as u64,
        // Without a modification time, the hash decides every time.
        mtime: mtime.unwrap_or(i64::MIN),
    };
    // Touched but not changed (a fresh checkout, say): the content decides.
    if previous.is_some_and(|previous| previous.hash == stamp.hash) {
        return Outcome::Unchanged;
    }
    let doc = post::parse_post(Path::new(&candidate.id), &bytes)
        .and_then(|post| document::build(analyzer, &store.fields, post, stamp));
    match doc {
        Ok(doc) => {
            if previous.is_some() {
                writer.delete_term(path_term());
            }
            if let Err(source) = writer.add_document(doc) {
                return Outcome::Failed(failure(Error::Tantivy {
                    path: candidate.id.clone().into(),
                    source,
                }));
            }
            if previous.is_some() {
                Outcome::Updated
            } else {
                Outcome::Added
            }
        }
        // A file that stopped being a post (unpublished, front matter
        // removed) leaves the index; a broken post, below, does not.
        Err(error @ (Error::NoFrontMatter { .. } | Error::Unpublished { .. })) => {
            if previous.is_some() {
                writer.delete_term(path_term());
            }
            Outcome::Skipped {
                failure: failure(error),
                removed: previous.is_some(),
            }
        }
        Err(error) => Outcome::Failed(failure(error)),
    }
}

/// A file's modification time in nanoseconds since 1970, where the platform
/// has one.
fn modified_nanos(metadata: &std::fs::Metadata) -> Option<i64> {
    let modified = metadata.modified().ok()?;
    let nanos = match modified.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_nanos()).ok()?,
        Err(before) => -i64::try_from(before.duration().as_nanos()).ok()?,
    };
    Some(nanos)
}

/// The file stamp of every post in the index, by id.
fn indexed_stamps(store: &SagasuIndex) -> tantivy::Result<HashMap<String, FileStamp>> {
    let reader = store
        .index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let mut stamps = HashMap::with_capacity(usize::try_from(searcher.num_docs()).unwrap_or(0));
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let Some(paths) = fast.str("path")? else {
            continue;
        };
        let (hashes, sizes, mtimes) = (fast.u64("hash")?, fast.u64("size")?, fast.i64("mtime")?);
        // Every path of the segment in one pass over its dictionary, where
        // looking each one up would decompress a dictionary block per post.
        let mut by_ord = Vec::with_capacity(paths.num_terms());
        let mut terms = paths.dictionary().stream()?;
        while terms.advance() {
            by_ord.push(String::from_utf8_lossy(terms.key()).into_owned());
        }
        for doc in segment.doc_ids_alive() {
            let path = paths
                .term_ords(doc)
                .next()
                .and_then(|ord| by_ord.get(usize::try_from(ord).ok()?));
            let (Some(path), Some(hash), Some(size), Some(mtime)) =
                (path, hashes.first(doc), sizes.first(doc), mtimes.first(doc))
            else {
                continue;
            };
            stamps.insert(path.clone(), FileStamp { hash, size, mtime });
        }
    }
    Ok(stamps)
}

/// Directories never searched for posts: version control, build output,
/// dependencies.
fn is_ignored_dir(name: &str) -> bool {
    name.starts_with('.') || matches!(name, "_site" | "node_modules" | "public" | "resources")
}

/// Finds the post files under `roots`, in a stable order. Unreadable entries
/// are failures; an unreadable root is an error.
fn walk(roots: &[PathBuf]) -> Result<(Vec<Candidate>, Vec<Failure>)> {
    let mut names = HashSet::new();
    let mut candidates = Vec::new();
    let mut failures = Vec::new();
    for root in roots {
        let prefix = if roots.len() > 1 {
            let name = root
                .canonicalize()
                .ok()
                .and_then(|path| path.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| root.to_string_lossy().into_owned());
            if !names.insert(name.clone()) {
                return Err(Error::DuplicateRoot { path: root.clone() });
            }
            Some(name)
        } else {
            None
        };
        let metadata = std::fs::metadata(root).map_err(|source| Error::Read {
            path: root.clone(),
            source,
        })?;
        if !metadata.is_dir() {
            return Err(Error::Read {
                path: root.clone(),
                source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
            });
        }
        let walker = walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                entry.depth() == 0
                    || !entry.file_type().is_dir()
                    || !is_ignored_dir(&entry.file_name().to_string_lossy())
            });
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(source) => {
                    let path = source.path().unwrap_or(root).to_path_buf();
                    failures.push(Failure {
                        reason: Error::Walk {
                            path: path.clone(),
                            source,
                        }
                        .with_causes(),
                        path,
                    });
                    continue;
                }
            };
            if !entry.file_type().is_file() || !post::is_post_file(entry.path()) {
                continue;
            }
            let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
            let mut id = relative
                .components()
                .map(|component| component.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if let Some(prefix) = &prefix {
                id = format!("{prefix}/{id}");
            }
            candidates.push(Candidate {
                id,
                path: entry.path().to_path_buf(),
            });
        }
    }
    Ok((candidates, failures))
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
