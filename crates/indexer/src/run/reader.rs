//! One file read into what changes in the index: it is read only when its
//! stamp changed, decoded, read by its format, and each post analysed into
//! a document (in parallel, for the posts of one export), which goes to the
//! writer at once, replacing the post's indexed version; posts indexed from
//! it before and not read now are to be deleted.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use sagasu_analyzer::Analyzer;

use super::commit::Changes;
use super::indexed::{Indexed, IndexedFile};
use super::report::{Decoded, Failure, Report, Skipped, Warning};
use crate::archive::Found;
use crate::document::{self, FileStamp};
use crate::encoding;
use crate::error::PostError;
use crate::format::{self, Entry, Format, Skip, SkipKind, SourceFile};
use crate::post::{Post, is_safe_url};
use crate::schema;

/// What happened to one file.
#[derive(Default)]
pub(super) struct FileOutcome {
    pub(super) report: Report,
    /// Ids of posts removed from the index (not replaced by a new version).
    pub(super) delete: Vec<String>,
}

/// Reads files into documents.
pub(super) struct Reader<'a> {
    pub(super) analyzer: &'a Analyzer,
    pub(super) fields: &'a schema::Fields,
    /// Where documents go; `None` in a dry run, which builds none.
    pub(super) changes: Option<&'a Changes<'a>>,
}

impl Reader<'_> {
    /// Reads one file, unless its stamp says it is unchanged, and decides
    /// what happens to each of its posts.
    pub(super) fn file(&self, found: &Found, held: &IndexedFile) -> FileOutcome {
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
                error,
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
            outcome
                .report
                .skipped
                .push(Skipped::new(found.path.clone(), None, &reason));
            // It stopped being a post: what was indexed from it goes.
            held.remove_all(&mut outcome.delete, &mut outcome.report);
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
        // Every id this run accounts for; the file's other indexed posts go.
        // The first post with an id is the one indexed.
        let mut ids: HashSet<String> = HashSet::with_capacity(posts.len());
        let posts: Vec<Post> = posts
            .into_iter()
            .filter_map(|post| {
                if ids.insert(post.id.clone()) {
                    return Some(post);
                }
                failed.push((
                    post.id,
                    PostError::Field {
                        field: "id",
                        message: "another post of the file has the same id".to_owned(),
                    },
                ));
                None
            })
            .collect();
        let built: Vec<(String, Result<Built, PostError>)> = posts
            .into_par_iter()
            .map(|post| {
                let id = post.id.clone();
                let replaces = previous.contains_key(id.as_str());
                (id, self.build(post, format, stamp, replaces))
            })
            .collect();
        let report = &mut outcome.report;
        for (id, result) in built {
            let built = match result {
                Ok(built) => built,
                Err(error) => {
                    failed.push((id, error));
                    continue;
                }
            };
            if let Some(warning) = built.warning {
                report.warnings.push(Warning {
                    path: found.path.clone(),
                    id: Some(id.clone()),
                    reason: warning,
                });
            }
            match previous.get(id.as_str()) {
                Some(before) if before.post_hash == built.post_hash => {
                    report.unchanged += 1;
                    report.count(format).unchanged += 1;
                }
                Some(_) => {
                    report.updated += 1;
                    report.count(format).updated += 1;
                }
                None => {
                    report.added += 1;
                    report.count(format).added += 1;
                }
            }
        }
        for (id, reason) in skipped {
            report.count(format).skipped += 1;
            if previous.contains_key(id.as_str()) && ids.insert(id.clone()) {
                outcome.delete.push(id.clone());
                report.removed += 1;
                report.count(format).removed += 1;
            }
            report
                .skipped
                .push(Skipped::new(found.path.clone(), own_id(&id), &reason));
        }
        // A post that fails keeps its indexed version.
        for (id, error) in failed {
            report.count(format).failed += 1;
            report.failed.push(Failure {
                path: found.path.clone(),
                id: own_id(&id),
                error,
            });
            ids.insert(id);
        }
        // A file cut short keeps the posts that may be in its missing part.
        if let Some(error) = truncated {
            report.count(format).failed += 1;
            report.failed.push(Failure {
                path: found.path.clone(),
                id: None,
                error,
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

    /// Checks one post and, unless this is a dry run, hands its document
    /// to the writer: in place of the indexed version when it `replaces`
    /// one (a post that fails keeps that version).
    fn build(
        &self,
        mut post: Post,
        format: Format,
        stamp: FileStamp,
        replaces: bool,
    ) -> Result<Built, PostError> {
        post.check()?;
        let warning = (!is_safe_url(&post.url)).then(|| {
            let dropped: String = std::mem::take(&mut post.url).chars().take(80).collect();
            format!("its URL `{dropped}` is not http(s) or relative, so it is not given as a link")
        });
        let post_hash = document::fingerprint(&post);
        if let Some(changes) = self.changes {
            let replaced = replaces.then(|| post.id.clone());
            let doc = document::build(self.analyzer, self.fields, post, format, stamp, post_hash)?;
            if let Some(id) = replaced {
                changes.delete(&id);
            }
            changes.add(doc);
        }
        Ok(Built { post_hash, warning })
    }
}

/// One post read and built.
struct Built {
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
