use std::path::PathBuf;

/// Everything that can go wrong while reading posts or writing the index.
///
/// Post-level variants carry the post's path so a report can name the file;
/// the indexer records them and carries on with the rest of the archive.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("{path}: cannot read")]
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
    /// The post says `published: false`: Jekyll does not build it, so it is
    /// not searchable. Reported as skipped, not failed.
    #[error("{path}: not published (`published: false`)")]
    Unpublished { path: PathBuf },
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
    /// A post's text could not be analysed.
    #[error("{path}: analysis failed")]
    Analysis {
        path: PathBuf,
        source: sagasu_analyzer::Error,
    },
    /// A directory to index could not be walked.
    #[error("{path}: cannot read directory")]
    Walk {
        path: PathBuf,
        source: walkdir::Error,
    },
    /// Two directories given to one run have the same name, so their posts'
    /// ids would collide.
    #[error("{path}: another directory to index has the same name; ids would collide")]
    DuplicateRoot { path: PathBuf },
    /// There is no index at the path.
    #[error("no index at {path}: run `sagasu index DIR --index {path}` first")]
    NoIndex { path: PathBuf },
    /// The index directory exists, is not empty, and is not an index.
    #[error("{path} is not empty and is not a sagasu index; choose another --index")]
    NotAnIndex { path: PathBuf },
    /// The index directory cannot be created or read.
    #[error("index directory {path}")]
    IndexDir {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The index was built by another version of sagasu's schema or analysis.
    #[error(
        "the index at {path} was built with {found}, but this sagasu uses {expected}; \
         rebuild it: delete {path} and run `sagasu index` again"
    )]
    Incompatible {
        path: PathBuf,
        found: String,
        expected: String,
    },
    /// The index was built with another user dictionary (or with one, or
    /// without), so its terms differ from the ones queries produce.
    #[error(
        "the index at {path} was built with {found}, but this run has {expected}; \
         use the one it was built with (sagasu.toml or --user-dictionary), or rebuild it: \
         delete {path} and run `sagasu index` again"
    )]
    UserDictionaryMismatch {
        path: PathBuf,
        found: String,
        expected: String,
    },
    /// The schema of an opened index is not sagasu's.
    #[error("the index schema is not the one this sagasu writes")]
    SchemaMismatch,
    /// Another process is writing the index.
    #[error("the index at {path} is being written by another process (its writer lock is held)")]
    Locked { path: PathBuf },
    /// Tantivy failed on the index.
    #[error("index at {path}")]
    Tantivy {
        path: PathBuf,
        source: tantivy::TantivyError,
    },
}

impl Error {
    /// The message followed by its causes, `: `-separated. `Display` shows
    /// only the message, so that reporters that walk the source chain (such
    /// as `anyhow`'s `{:#}`) do not print a cause twice.
    pub fn with_causes(&self) -> String {
        let mut message = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(err) = cause {
            message.push_str(": ");
            message.push_str(&err.to_string());
            cause = err.source();
        }
        message
    }
}

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
