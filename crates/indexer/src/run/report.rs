//! What a run did: what it added, updated and removed, and every folder,
//! file and post it failed on or skipped, with the reason.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::error::PostError;
use crate::format::{Format, Skip, SkipKind};

/// A folder, a file or a post of a file that was not indexed, and why.
#[derive(Debug, Serialize)]
pub struct Failure {
    /// The folder or file on disk.
    pub path: PathBuf,
    /// The post's id, when one post of a file failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Why. Serialized as `reason`: the message followed by its causes.
    #[serde(rename = "reason", serialize_with = "serialize_with_causes")]
    pub error: PostError,
}

fn serialize_with_causes<S: serde::Serializer>(
    error: &PostError,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&error.with_causes())
}

/// A post indexed with a change (a link dropped for its scheme, say).
#[derive(Debug, Clone, Serialize)]
pub struct Warning {
    /// The file on disk.
    pub path: PathBuf,
    /// The post's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What was changed, in words.
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

impl Skipped {
    pub(super) fn new(path: PathBuf, id: Option<String>, reason: &Skip) -> Self {
        Self {
            path,
            id,
            kind: reason.kind,
            reason: reason.to_string(),
        }
    }
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
#[derive(Debug, Default, Serialize)]
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
    pub warnings: Vec<Warning>,
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

    pub(super) fn count(&mut self, format: Format) -> &mut Counts {
        self.formats.entry(format).or_default()
    }
}

/// Adds one file's report to the run's.
pub(super) fn merge(report: &mut Report, file: Report) {
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
pub(super) fn nothing_recognised(paths: &[PathBuf], report: &Report) -> String {
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
