//! Reads blog posts and writes them into a sagasu index.
//!
//! - [`post`] parses Jekyll/Hugo/WordPress-exported post files: YAML front
//!   matter over a Markdown or HTML body.
//! - [`schema`] defines the index fields, shared with the read side.
//! - [`store`] opens and creates index directories and refuses indexes built
//!   by another schema or analyzer version.
//! - [`index`] runs an incremental, single-commit indexing pass.
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

mod document;
mod error;
pub mod post;
mod run;
pub mod schema;
pub mod store;
mod tokens;

pub use document::to_tantivy_date;
pub use error::{Error, Result};
pub use run::{Failure, IndexOptions, Progress, Report, index};
pub use store::{Provenance, SagasuIndex};
