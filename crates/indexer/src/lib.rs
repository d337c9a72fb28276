//! Reads blog posts and writes them into a sagasu index.
//!
//! - [`archive`] finds an archive's files, their sites and their ids.
//! - [`mod@format`] reads each source format (Jekyll, Hugo, WordPress and Movable
//!   Type exports, Hatena blogsync, Qiita, Zenn, MDX, rendered sites) into
//!   [`post::Post`]s, after the file is decoded from its encoding.
//! - [`schema`] defines the index fields, shared with the read side.
//! - [`store`] opens and creates index directories and refuses indexes built
//!   by another schema or analyzer version.
//! - [`index`] runs an incremental, single-commit indexing pass.
//!
//! The hidden `fuzzing` module holds the fuzz targets' entry points into
//! the parsers (see `fuzz/` at the repository root); it is not API.
//!
//! ```no_run
//! use std::path::PathBuf;
//! use sagasu_indexer::{IndexOptions, index};
//!
//! let report = index(
//!     &PathBuf::from("index"),
//!     &[PathBuf::from("my-blog/_posts")],
//!     &IndexOptions::default(),
//!     &|_progress| {},
//! )?;
//! println!("{} added, {} failed", report.added, report.failed.len());
//! # Ok::<(), sagasu_indexer::Error>(())
//! ```

pub mod archive;
mod date;
mod document;
mod encoding;
mod error;
pub mod format;
mod front_matter;
#[doc(hidden)]
pub mod fuzzing;
pub mod post;
mod run;
pub mod schema;
pub mod store;
mod text;
mod tokens;

pub use archive::ArchiveSettings;
pub use document::to_tantivy_date;
pub use error::{Error, PostError, Result};
pub use format::{Format, Skip, SkipKind};
pub use run::{
    Counts, Decoded, Failure, IndexOptions, Progress, Report, Skipped, Warning, index, read_posts,
};
pub use store::{Provenance, SagasuIndex};
