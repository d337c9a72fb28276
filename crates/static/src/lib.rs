//! sagasu without a server: an index exported as plain files that a static
//! host (GitHub Pages, Netlify, S3) serves as they are, and that the browser
//! engine `sagasu.js` ([`ENGINE`]) searches.
//!
//! [`export`] reads an index in three passes:
//! - the `read` module takes its posts (numbered oldest first, so a new post
//!   renumbers none), their field lengths and every term's postings;
//! - the `lexicon` module lists the words Lindera found in the posts with
//!   what a query searches for each and how the analyzer reads it, so the
//!   browser cuts a query into the words the index knows, and finds its
//!   content words, instead of guessing with a segmenter of its own;
//! - the `write` module lays them out in chunks (see there) and writes only
//!   the files that changed.
//!
//! ```no_run
//! use sagasu_static::{ExportOptions, export};
//!
//! let report = export("index".as_ref(), "_site/search".as_ref(), &ExportOptions::default())?;
//! println!("{} files written, {} bytes", report.written.written, report.written.bytes);
//! # Ok::<(), sagasu_static::Error>(())
//! ```

mod error;
mod lexicon;
mod read;
mod write;

use std::path::Path;

use sagasu_analyzer::{Analyzer, UserDictionary};
use sagasu_indexer::{Provenance, SagasuIndex};

pub use error::Error;
pub use write::Written;

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The browser engine, an ES module, written to `sagasu.js` without its
/// comment lines.
pub const ENGINE: &str = include_str!("../js/sagasu.js");

/// `source` without the lines that hold only a comment (`// …`, or a
/// `/* … */` block from its first line to its last; the licence header
/// `/*! … */` stays): the engine as the bundle holds it, a fifth smaller
/// gzipped.
fn without_comments(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut in_block = false;
    for line in source.lines() {
        let trimmed = line.trim();
        if in_block {
            in_block = !trimmed.ends_with("*/");
            continue;
        }
        if trimmed.starts_with("/*") && !trimmed.starts_with("/*!") {
            in_block = !trimmed.ends_with("*/");
            continue;
        }
        if !trimmed.starts_with("//") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// What an export needs besides the index.
#[derive(Debug, Default)]
pub struct ExportOptions {
    /// The user dictionary the index was built with.
    pub user_dictionary: Option<UserDictionary>,
    /// More files to write into the bundle (the widget), by name.
    pub assets: Vec<(String, Vec<u8>)>,
}

/// What an export wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// Posts in the bundle.
    pub posts: usize,
    /// Entries of the lexicon.
    pub words: usize,
    /// Files written, unchanged and removed, and the bundle's size.
    pub written: Written,
}

/// Writes the static bundle of the index at `index` into `out` (created
/// when missing; an existing bundle there is updated in place).
pub fn export(index: &Path, out: &Path, options: &ExportOptions) -> Result<Report> {
    let analyzer = Analyzer::with_user_dictionary(options.user_dictionary.as_ref())?;
    let store = SagasuIndex::open(index, &Provenance::of(&analyzer))?;
    let reader = store.index.reader()?;
    let corpus = read::corpus(&reader.searcher(), &store.fields)?;
    let lexicon = lexicon::lexicon(&analyzer, &corpus.posts)?;
    let mut files = write::files(&corpus, &lexicon)?;
    files.insert(
        "sagasu.js".to_owned(),
        without_comments(ENGINE).into_bytes(),
    );
    for (name, bytes) in &options.assets {
        files.insert(name.clone(), bytes.clone());
    }
    let written = write::write(out, &files)?;
    Ok(Report {
        posts: corpus.posts.len(),
        words: lexicon.len(),
        written,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_lines_are_left_out_of_the_engine() {
        let source = "/*! licence */\n// a note\nconst a = 1; // kept\n  /**\n   * doc\n   */\nconst b = \"//\";\n/** one line */\nend();\n";
        assert_eq!(
            without_comments(source),
            "/*! licence */\nconst a = 1; // kept\nconst b = \"//\";\nend();\n"
        );
    }
}
