use std::path::PathBuf;

/// Everything that can go wrong while reading posts or writing the index.
///
/// Post-level variants carry the post's path so a report can name the file;
/// the indexer records them and carries on with the rest of the archive.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is empty (or only whitespace).
    #[error("{path}: empty file")]
    Empty { path: PathBuf },
    /// The file holds binary data (NUL bytes), not a text post.
    #[error("{path}: binary file, not a text post")]
    Binary { path: PathBuf },
    /// The file is not valid UTF-8.
    #[error("{path}: not valid UTF-8 (invalid byte at offset {offset})")]
    NotUtf8 { path: PathBuf, offset: usize },
    /// The file does not start with a `---` front matter block, so it is not a
    /// post (Jekyll copies such files verbatim). Reported as skipped, not failed.
    #[error("{path}: no YAML front matter (a post starts with a `---` line)")]
    NoFrontMatter { path: PathBuf },
    /// The front matter is not valid YAML, or not a mapping.
    #[error("{path}: invalid front matter: {message}")]
    FrontMatter { path: PathBuf, message: String },
    /// A front matter field has a value sagasu cannot use.
    #[error("{path}: invalid `{field}`: {message}")]
    Field {
        path: PathBuf,
        field: &'static str,
        message: String,
    },
}

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
