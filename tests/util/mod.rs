//! Shared harness for the CLI integration tests (in the spirit of ripgrep's
//! `tests/util.rs`).
//!
//! Every test makes its own [`Sandbox`]: a temp dir holding the index (always
//! passed explicitly with `--index`, never the repository's `index/`) and
//! any archive the test writes or copies. Commands run the real `sagasu`
//! binary with the sandbox as their working directory and an environment
//! cleared of the `SAGASU_*` variables and colour overrides, so a developer's
//! shell cannot change what a test sees.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code, unused_imports)]

pub mod process;

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
pub use sagasu_test_support::{
    SAMPLE_POSTS, copy_dir, corpus, encode, post_id, repo, sample_archive,
};
use serde_json::Value;
use tempfile::TempDir;

/// What every test returns: `?` on any error, with the error as the failure.
pub type TestResult<T = ()> = Result<T, Box<dyn Error>>;

/// A test failure message. Its `Debug` is its text, so a failing test that
/// returns it prints the message (command output included) as written, not
/// as an escaped string.
pub struct Failure(pub String);

impl std::fmt::Debug for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Error for Failure {}

/// A boxed [`Failure`], for `Err(fail(…))` and `ok_or_else(|| fail(…))`.
pub fn fail(message: impl Into<String>) -> Box<dyn Error> {
    Box::new(Failure(message.into()))
}

/// One post per front matter / markup quirk (23 posts).
pub fn quirks() -> PathBuf {
    repo().join("tests/fixtures/quirks")
}

/// Broken inputs: 2 good posts, 7 failures, 1 skipped file.
pub fn bad() -> PathBuf {
    repo().join("tests/fixtures/bad")
}

/// A temp dir with an index location inside it.
#[derive(Debug)]
pub struct Sandbox {
    dir: TempDir,
    index: PathBuf,
}

impl Sandbox {
    /// A fresh sandbox; the index will live at `<sandbox>/idx`.
    pub fn new() -> TestResult<Self> {
        let dir = tempfile::Builder::new().prefix("sagasu-test-").tempdir()?;
        let index = dir.path().join("idx");
        Ok(Self { dir, index })
    }

    /// The sandbox directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The index directory every [`Sandbox::sagasu`] command passes.
    pub fn index_dir(&self) -> &Path {
        &self.index
    }

    /// `sagasu` with no arguments: cwd = the sandbox, hermetic environment.
    pub fn bare(&self) -> TestResult<Command> {
        let mut cmd = Command::from_std(sagasu_test_support::cli::sagasu(env!(
            "CARGO_BIN_EXE_sagasu"
        )));
        cmd.current_dir(self.path());
        Ok(cmd)
    }

    /// `sagasu SUBCOMMAND --index <sandbox>/idx`.
    pub fn sagasu(&self, subcommand: &str) -> TestResult<Command> {
        let mut cmd = self.bare()?;
        cmd.arg(subcommand).arg("--index").arg(&self.index);
        Ok(cmd)
    }

    /// `sagasu index DIRS --json`; fails unless it exits 0. Returns the report.
    pub fn index(&self, dirs: &[&Path]) -> TestResult<Value> {
        let mut cmd = self.sagasu("index")?;
        cmd.arg("--json").args(dirs);
        run_json(&mut cmd)
    }

    /// `sagasu search --json FLAGS -- QUERY`; fails unless it exits 0.
    pub fn search(&self, query: &str, flags: &[&str]) -> TestResult<Value> {
        let mut cmd = self.search_cmd(query, flags)?;
        run_json(&mut cmd)
    }

    /// The ids of the hits of [`Sandbox::search`], best first.
    pub fn search_ids(&self, query: &str, flags: &[&str]) -> TestResult<Vec<String>> {
        Ok(ids(&self.search(query, flags)?))
    }

    /// Every id matching `query` (`--limit 100`: more than any test archive
    /// here that is searched this way).
    pub fn all_ids(&self, query: &str, flags: &[&str]) -> TestResult<Vec<String>> {
        let result = self.search(query, &[flags, &["--limit", "100"]].concat())?;
        let found = ids(&result);
        if Some(found.len() as u64) != result["total"].as_u64() {
            return Err(fail(format!(
                "{query:?}: more hits than one page: {result}"
            )));
        }
        Ok(found)
    }

    /// The command [`Sandbox::search`] runs, for tests that expect it to fail.
    pub fn search_cmd(&self, query: &str, flags: &[&str]) -> TestResult<Command> {
        let mut cmd = self.sagasu("search")?;
        cmd.arg("--json").args(flags).arg("--").arg(query);
        Ok(cmd)
    }

    /// `sagasu stats --json`; fails unless it exits 0.
    pub fn stats(&self) -> TestResult<Value> {
        let mut cmd = self.sagasu("stats")?;
        cmd.arg("--json");
        run_json(&mut cmd)
    }

    /// Copies the directory `src` to `<sandbox>/NAME` and returns the copy.
    pub fn copy_in(&self, src: &Path, name: &str) -> TestResult<PathBuf> {
        let dst = self.path().join(name);
        copy_dir(src, &dst)?;
        Ok(dst)
    }

    /// Writes `contents` to `<sandbox>/REL`, creating parent directories.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> TestResult<PathBuf> {
        let path = self.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, contents)?;
        Ok(path)
    }
}

/// A post file: YAML front matter with `title` (and `date` unless empty),
/// then the body.
pub fn post(title: &str, date: &str, body: &str) -> String {
    let date = if date.is_empty() {
        String::new()
    } else {
        format!("date: {date}\n")
    };
    format!("---\ntitle: {title}\n{date}layout: post\n---\n{body}\n")
}

/// Runs `cmd` and returns its output, whatever the exit status.
pub fn run(cmd: &mut Command) -> TestResult<Output> {
    Ok(cmd.output()?)
}

/// Runs `cmd`, requires exit 0 and returns stdout as text.
pub fn run_text(cmd: &mut Command) -> TestResult<String> {
    Ok(String::from_utf8(succeeded(cmd)?.stdout)?)
}

/// Runs `cmd`, requires exit 0 and parses stdout as JSON.
pub fn run_json(cmd: &mut Command) -> TestResult<Value> {
    let output = succeeded(cmd)?;
    serde_json::from_slice(&output.stdout).map_err(|err| {
        fail(format!(
            "{}\nstdout is not JSON: {err}",
            describe_failure(cmd, &output)
        ))
    })
}

/// Runs `cmd` and returns its output; an error unless it exits 0.
fn succeeded(cmd: &mut Command) -> TestResult<Output> {
    let output = cmd.output()?;
    if !output.status.success() {
        return Err(fail(describe_failure(cmd, &output)));
    }
    Ok(output)
}

/// A command, its status and its output, for failure messages.
pub fn describe_failure(cmd: &Command, output: &Output) -> String {
    format!(
        "{cmd:?} exited with {}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The `id`s of a search result's hits, in order.
pub fn ids(result: &Value) -> Vec<String> {
    result["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .filter_map(|hit| hit["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A JSON array of strings as a `Vec` (empty if it is not one).
pub fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The keys of a JSON object, sorted (empty if it is not one).
pub fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .as_object()
        .map(|object| object.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

/// `["a", "b"]` as owned strings, for comparisons with [`ids`] and [`strings`].
pub fn owned(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

/// Full-width ASCII folded to ASCII, then lowercased: enough of NFKC and
/// case folding to tell whether two tag spellings are the same key.
pub fn fold_key(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect::<String>()
        .to_lowercase()
}

/// Every file under `dir` with an extension some format reads, sorted.
pub fn post_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            found.extend(post_files(&path)?);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(sagasu_indexer::format::is_source_extension)
        {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// Collects mismatches of a table-driven test, to report them all at once.
#[derive(Debug, Default)]
pub struct Problems(Vec<String>);

impl Problems {
    /// Records `message` unless `ok`.
    pub fn check(&mut self, ok: bool, message: impl FnOnce() -> String) {
        if !ok {
            self.0.push(message());
        }
    }

    /// Records a mismatch unless `actual == expected`.
    pub fn eq<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, actual: T, expected: T) {
        if actual != expected {
            self.0
                .push(format!("{what}: expected {expected:?}, got {actual:?}"));
        }
    }

    /// Fails with every recorded mismatch.
    pub fn finish(self) -> TestResult {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(fail(format!(
                "{} problem(s):\n  {}",
                self.0.len(),
                self.0.join("\n  ")
            )))
        }
    }
}
