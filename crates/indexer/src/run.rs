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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use sagasu_analyzer::{Analyzer, UserDictionary};
use serde::Serialize;
use tantivy::{IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::archive::{self, ArchiveSettings, Found};
use crate::document::{self, FileStamp};
use crate::encoding;
use crate::error::PostError;
use crate::format::{self, Entry, Format, Skip, SkipKind, SourceFile};
use crate::post::{Post, is_safe_url};
use crate::schema;
use crate::store::{self, Provenance, SagasuIndex};
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

/// A file, or a post of a file, that was not indexed, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// The file on disk.
    pub path: PathBuf,
    /// The post's id, when one post of a file failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Why.
    pub reason: String,
}

/// A file, folder or post that is not a published post, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    /// The file or folder on disk.
    pub path: PathBuf,
    /// The post's id, when one post of a file was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The kind of reason (`draft`, `excluded` …).
    pub kind: SkipKind,
    /// Why, in words.
    pub reason: String,
}

/// A file read in an encoding other than UTF-8.
#[derive(Debug, Clone, Serialize)]
pub struct Decoded {
    pub path: PathBuf,
    /// `Shift_JIS`, `EUC-JP`, `ISO-2022-JP`, `UTF-16LE` …
    pub encoding: &'static str,
}

/// What a run did (or, in a dry run, would do) with the posts of one format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub failed: usize,
}

/// What a run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// Files and posts that could not be indexed.
    pub failed: Vec<Failure>,
    /// Files, folders and posts that are not published posts.
    pub skipped: Vec<Skipped>,
    /// Posts indexed with a change: a link dropped for its scheme, say.
    pub warnings: Vec<Failure>,
    /// Files read in an encoding other than UTF-8.
    pub decoded: Vec<Decoded>,
    /// The counts by format.
    pub formats: BTreeMap<Format, Counts>,
    /// Whether the run wrote a commit (it does not when nothing changed, or
    /// in a dry run).
    pub committed: bool,
    /// Whether this was a dry run.
    pub dry_run: bool,
}

impl Report {
    /// Number of posts that changed.
    pub fn changes(&self) -> usize {
        self.added + self.updated + self.removed
    }

    fn count(&mut self, format: Format) -> &mut Counts {
        self.formats.entry(format).or_default()
    }
}

/// What the index holds for one post.
#[derive(Debug, Clone)]
struct Indexed {
    id: String,
    format: Option<Format>,
    post_hash: u64,
    stamp: FileStamp,
}

/// What the index holds for one file.
#[derive(Debug, Default)]
struct IndexedFile {
    posts: Vec<Indexed>,
}

impl IndexedFile {
    /// The stamp of the file's posts, when they all have the same one (a
    /// post kept from an older version after it failed has another).
    fn stamp(&self) -> Option<FileStamp> {
        let first = self.posts.first()?.stamp;
        self.posts
            .iter()
            .all(|post| post.stamp == first)
            .then_some(first)
    }
}

/// What happened to one file.
#[derive(Default)]
struct FileOutcome {
    report: Report,
    /// Ids whose documents are to be deleted.
    delete: Vec<String>,
    /// New documents.
    add: Vec<TantivyDocument>,
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

    let tantivy_error = |source| Error::Tantivy {
        path: index_dir.to_path_buf(),
        source,
    };
    let threads = options.threads.max(1);
    let indexed = match &existing {
        Some(store) => indexed_files(store).map_err(tantivy_error)?,
        None => HashMap::new(),
    };
    let empty = IndexedFile::default();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|err| tantivy_error(tantivy::TantivyError::SystemError(err.to_string())))?;
    let (_, fields) = schema::build();
    let outcomes: Vec<FileOutcome> = pool.install(|| {
        walk.files
            .par_iter()
            .map(|found| {
                let reader = Reader {
                    analyzer: &analyzer,
                    fields: &fields,
                    dry_run: options.dry_run,
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
        report.skipped.push(Skipped {
            path: passed.path,
            id: None,
            kind: passed.reason.kind,
            reason: passed.reason.to_string(),
        });
    }
    for (path, reason) in walk.unreadable {
        report.failed.push(Failure {
            path,
            id: None,
            reason,
        });
    }
    let mut delete = Vec::new();
    let mut add = Vec::new();
    for outcome in outcomes {
        merge(&mut report, outcome.report);
        delete.extend(outcome.delete);
        add.extend(outcome.add);
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
        for post in &held.posts {
            delete.push(post.id.clone());
            report.removed += 1;
            if let Some(format) = post.format {
                report.count(format).removed += 1;
            }
        }
    }

    let posts = report.added + report.updated + report.unchanged;
    if posts == 0 && indexed.is_empty() && report.failed.is_empty() {
        return Err(Error::NothingRecognised {
            summary: nothing_recognised(paths, &report),
        });
    }
    if options.dry_run {
        return Ok(report);
    }
    store::check_writable(index_dir)?;
    let store = match existing {
        Some(store) => store,
        None => SagasuIndex::open_or_create(index_dir, &provenance)?,
    };
    let never_committed = store.provenance()?.is_none();
    if report.changes() == 0 && !never_committed && add.is_empty() {
        return Ok(report);
    }
    let mut writer: IndexWriter<TantivyDocument> = store
        .index
        .writer_with_num_threads(threads, threads * options.memory_per_thread.max(15 << 20))
        .map_err(|source| match source {
            tantivy::TantivyError::LockFailure(..) => Error::Locked {
                path: index_dir.to_path_buf(),
            },
            source => tantivy_error(source),
        })?;
    progress(Progress::Committing);
    for id in &delete {
        writer.delete_term(Term::from_field_text(store.fields.id, id));
    }
    for doc in add {
        writer.add_document(doc).map_err(tantivy_error)?;
    }
    let mut commit = writer.prepare_commit().map_err(tantivy_error)?;
    commit.set_payload(&provenance.to_payload());
    commit.commit().map_err(tantivy_error)?;
    writer.wait_merging_threads().map_err(tantivy_error)?;
    store::share_files(index_dir)?;
    report.committed = true;
    Ok(report)
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

/// Adds one file's report to the run's.
fn merge(report: &mut Report, file: Report) {
    report.added += file.added;
    report.updated += file.updated;
    report.removed += file.removed;
    report.unchanged += file.unchanged;
    report.failed.extend(file.failed);
    report.skipped.extend(file.skipped);
    report.warnings.extend(file.warnings);
    report.decoded.extend(file.decoded);
    for (format, counts) in file.formats {
        let total = report.count(format);
        total.added += counts.added;
        total.updated += counts.updated;
        total.removed += counts.removed;
        total.unchanged += counts.unchanged;
        total.skipped += counts.skipped;
        total.failed += counts.failed;
    }
}

/// The message of a run that found no post.
fn nothing_recognised(paths: &[PathBuf], report: &Report) -> String {
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for skipped in &report.skipped {
        *kinds.entry(skipped.reason.clone()).or_default() += 1;
    }
    let seen: Vec<String> = kinds
        .iter()
        .take(5)
        .map(|(reason, n)| format!("{n} × {reason}"))
        .collect();
    let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    format!(
        "nothing under {} is a post sagasu reads{}; it reads Jekyll and Hugo sites, \
         WordPress (.xml) and Movable Type / Hatena (.txt) exports, Hatena blogsync, Qiita, \
         Zenn and MDX folders, and rendered sites (--site); nothing was written",
        paths.join(", "),
        if seen.is_empty() {
            String::new()
        } else {
            format!(" (seen: {})", seen.join("; "))
        }
    )
}

/// Reads files into documents.
struct Reader<'a> {
    analyzer: &'a Analyzer,
    fields: &'a schema::Fields,
    dry_run: bool,
}

impl Reader<'_> {
    /// Reads one file, unless its stamp says it is unchanged, and decides
    /// what happens to each of its posts.
    fn file(&self, found: &Found, held: &IndexedFile) -> FileOutcome {
        let mut outcome = FileOutcome::default();
        let report = &mut outcome.report;
        let unchanged = |report: &mut Report| {
            for post in &held.posts {
                report.unchanged += 1;
                if let Some(format) = post.format {
                    report.count(format).unchanged += 1;
                }
            }
        };
        let fail = |report: &mut Report, error: PostError| {
            report.failed.push(Failure {
                path: found.path.clone(),
                id: None,
                reason: error.with_causes(),
            });
        };
        let metadata = match std::fs::metadata(&found.path) {
            Ok(metadata) => metadata,
            Err(error) => {
                fail(report, PostError::Read(error));
                return outcome;
            }
        };
        let mtime = modified_nanos(&metadata);
        let previous = held.stamp();
        if let (Some(previous), Some(mtime)) = (previous, mtime)
            && previous.size == metadata.len()
            && previous.mtime == mtime
        {
            unchanged(report);
            return outcome;
        }
        let bytes = match std::fs::read(&found.path) {
            Ok(bytes) => bytes,
            Err(error) => {
                fail(report, PostError::Read(error));
                return outcome;
            }
        };
        let stamp = FileStamp {
            hash: xxhash_rust::xxh3::xxh3_64(&bytes),
            size: bytes.len() as u64,
            // Without a modification time, the hash decides every time.
            mtime: mtime.unwrap_or(i64::MIN),
        };
        // Touched but not changed (a fresh checkout, say): the content decides.
        if previous.is_some_and(|previous| previous.hash == stamp.hash) {
            unchanged(report);
            return outcome;
        }
        let decoded = match encoding::decode(&bytes) {
            Ok(decoded) => decoded,
            Err(error) => {
                fail(report, error);
                return outcome;
            }
        };
        if let Some(encoding) = decoded.encoding {
            report.decoded.push(Decoded {
                path: found.path.clone(),
                encoding,
            });
        }
        let source = SourceFile {
            id: &found.id,
            text: &decoded.text,
            site: &found.site,
        };
        let Some(format) = format::detect(&found.site, &found.id, source.text) else {
            let reason = Skip::new(SkipKind::NotAPost, "no format reads it");
            outcome.report.skipped.push(Skipped {
                path: found.path.clone(),
                id: None,
                kind: reason.kind,
                reason: reason.to_string(),
            });
            // It stopped being a post: what was indexed from it goes.
            for before in &held.posts {
                outcome.delete.push(before.id.clone());
                outcome.report.removed += 1;
                if let Some(format) = before.format {
                    outcome.report.count(format).removed += 1;
                }
            }
            return outcome;
        };
        let entries = match format::read(format, &source) {
            Ok(entries) => entries,
            Err(error) => {
                report.count(format).failed += 1;
                fail(report, error);
                return outcome;
            }
        };
        self.entries(&mut outcome, found, held, format, stamp, entries);
        outcome
    }

    /// Decides what happens to each entry of a file that was read.
    fn entries(
        &self,
        outcome: &mut FileOutcome,
        found: &Found,
        held: &IndexedFile,
        format: Format,
        stamp: FileStamp,
        entries: Vec<Entry>,
    ) {
        let previous: HashMap<&str, &Indexed> =
            held.posts.iter().map(|p| (p.id.as_str(), p)).collect();
        // The post's id where it is not the file's.
        let own_id = |id: &str| (id != found.id).then(|| id.to_owned());
        let mut posts = Vec::new();
        let mut skipped = Vec::new();
        let mut failed = Vec::new();
        let mut truncated = None;
        for entry in entries {
            match entry {
                Entry::Post(post) => posts.push(*post),
                Entry::Skipped { id, reason } => skipped.push((id, reason)),
                Entry::Failed { id, error } => failed.push((id, error)),
                Entry::Truncated { error } => truncated = Some(error),
            }
        }
        let built: Vec<(String, Result<Built, PostError>)> = posts
            .into_par_iter()
            .map(|post| (post.id.clone(), self.build(post, format, stamp)))
            .collect();
        let report = &mut outcome.report;
        // Every id this run accounts for; the file's other indexed posts go.
        let mut ids: HashSet<String> = HashSet::with_capacity(built.len());
        for (id, result) in built {
            if !ids.insert(id.clone()) {
                failed.push((
                    id,
                    PostError::Field {
                        field: "id",
                        message: "another post of the file has the same id".to_owned(),
                    },
                ));
                continue;
            }
            let built = match result {
                Ok(built) => built,
                Err(error) => {
                    failed.push((id, error));
                    continue;
                }
            };
            if let Some(warning) = built.warning {
                report.warnings.push(Failure {
                    path: found.path.clone(),
                    id: Some(id.clone()),
                    reason: warning,
                });
            }
            match previous.get(id.as_str()) {
                Some(before) => {
                    outcome.delete.push(id.clone());
                    if before.post_hash == built.post_hash {
                        report.unchanged += 1;
                        report.count(format).unchanged += 1;
                    } else {
                        report.updated += 1;
                        report.count(format).updated += 1;
                    }
                }
                None => {
                    report.added += 1;
                    report.count(format).added += 1;
                }
            }
            if let Some(doc) = built.doc {
                outcome.add.push(doc);
            }
        }
        for (id, reason) in skipped {
            report.count(format).skipped += 1;
            if previous.contains_key(id.as_str()) && ids.insert(id.clone()) {
                outcome.delete.push(id.clone());
                report.removed += 1;
                report.count(format).removed += 1;
            }
            report.skipped.push(Skipped {
                path: found.path.clone(),
                id: own_id(&id),
                kind: reason.kind,
                reason: reason.to_string(),
            });
        }
        // A post that fails keeps its indexed version.
        for (id, error) in failed {
            report.count(format).failed += 1;
            report.failed.push(Failure {
                path: found.path.clone(),
                id: own_id(&id),
                reason: error.with_causes(),
            });
            ids.insert(id);
        }
        // A file cut short keeps the posts that may be in its missing part.
        if let Some(error) = truncated {
            report.count(format).failed += 1;
            report.failed.push(Failure {
                path: found.path.clone(),
                id: None,
                reason: error.with_causes(),
            });
            return;
        }
        for before in &held.posts {
            if !ids.contains(&before.id) {
                outcome.delete.push(before.id.clone());
                report.removed += 1;
                report.count(before.format.unwrap_or(format)).removed += 1;
            }
        }
    }

    /// The document of one post, unless this is a dry run.
    fn build(&self, mut post: Post, format: Format, stamp: FileStamp) -> Result<Built, PostError> {
        post.check()?;
        let warning = (!is_safe_url(&post.url)).then(|| {
            let dropped: String = std::mem::take(&mut post.url).chars().take(80).collect();
            format!("its URL `{dropped}` is not http(s) or relative, so it is not given as a link")
        });
        let post_hash = document::fingerprint(&post);
        let doc = if self.dry_run {
            None
        } else {
            Some(document::build(
                self.analyzer,
                self.fields,
                post,
                format,
                stamp,
                post_hash,
            )?)
        };
        Ok(Built {
            doc,
            post_hash,
            warning,
        })
    }
}

/// One post, ready for the index.
struct Built {
    /// Its document (`None` in a dry run).
    doc: Option<TantivyDocument>,
    post_hash: u64,
    /// What was changed about it.
    warning: Option<String>,
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

/// What the index holds, by file id.
fn indexed_files(store: &SagasuIndex) -> tantivy::Result<HashMap<String, IndexedFile>> {
    let reader = store
        .index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let mut files: HashMap<String, IndexedFile> = HashMap::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let (Some(ids), Some(file_ids), Some(formats)) = (
            fast.str(schema::ID)?,
            fast.str(schema::FILE)?,
            fast.str(schema::FORMAT)?,
        ) else {
            continue;
        };
        let (hashes, sizes, mtimes, post_hashes) = (
            fast.u64(schema::HASH)?,
            fast.u64(schema::SIZE)?,
            fast.i64(schema::MTIME)?,
            fast.u64(schema::POST_HASH)?,
        );
        // Every term of a column in one pass over its dictionary, where
        // looking each one up would decompress a dictionary block per post.
        let terms = |column: &tantivy::columnar::StrColumn| -> std::io::Result<Vec<String>> {
            let mut by_ord = Vec::with_capacity(column.num_terms());
            let mut stream = column.dictionary().stream()?;
            while stream.advance() {
                by_ord.push(String::from_utf8_lossy(stream.key()).into_owned());
            }
            Ok(by_ord)
        };
        let (id_terms, file_terms, format_terms) =
            (terms(&ids)?, terms(&file_ids)?, terms(&formats)?);
        let term = |column: &tantivy::columnar::StrColumn, by_ord: &[String], doc| {
            column
                .term_ords(doc)
                .next()
                .and_then(|ord| by_ord.get(usize::try_from(ord).ok()?).cloned())
        };
        for doc in segment.doc_ids_alive() {
            let (Some(id), Some(file), Some(hash), Some(size), Some(mtime), Some(post_hash)) = (
                term(&ids, &id_terms, doc),
                term(&file_ids, &file_terms, doc),
                hashes.first(doc),
                sizes.first(doc),
                mtimes.first(doc),
                post_hashes.first(doc),
            ) else {
                continue;
            };
            let format = term(&formats, &format_terms, doc).and_then(|key| Format::from_key(&key));
            files.entry(file).or_default().posts.push(Indexed {
                id,
                format,
                post_hash,
                stamp: FileStamp { hash, size, mtime },
            });
        }
    }
    Ok(files)
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
