//! Why a bundle could not be written.

use std::path::PathBuf;

/// Errors of [`crate::export`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The index could not be opened.
    #[error(transparent)]
    Index(#[from] sagasu_indexer::Error),
    /// The analyzer could not be loaded, or a post could not be analysed.
    #[error(transparent)]
    Analysis(#[from] sagasu_analyzer::Error),
    /// Tantivy failed to read the index.
    #[error("cannot read the index")]
    Tantivy(#[from] tantivy::TantivyError),
    /// A file of the index could not be read.
    #[error("cannot read the index")]
    Read(#[source] std::io::Error),
    /// A file of the bundle could not be written or removed.
    #[error("cannot write {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The output directory holds files that are not a bundle's.
    #[error("{path} is not empty and holds no sagasu bundle; choose an empty or new directory")]
    NotABundle { path: PathBuf },
}
