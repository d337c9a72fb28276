use std::path::PathBuf;

/// Everything that stops an indexing run, or opening an index.
///
/// What goes wrong with one folder, file or post is a [`PostError`] instead:
/// the run reports it with the path ([`crate::Failure`]) and carries on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory to index could not be read.
    #[error("{path}: cannot read")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The analyzer could not be set up (its user dictionary, say).
    #[error("{path}: analysis failed")]
    Analysis {
        path: PathBuf,
        source: sagasu_analyzer::Error,
    },
    /// An `include`/`exclude` pattern, or another archive setting, is not
    /// valid.
    #[error("invalid setting `{setting}`: {message}")]
    Setting {
        setting: &'static str,
        message: String,
    },
    /// Nothing under the paths given is a post of a known format, so the
    /// run refuses to commit an empty index.
    #[error("{summary}")]
    NothingRecognised {
        /// What was seen, and the hint.
        summary: String,
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
    /// The index directory cannot be written by this user.
    #[error("the index at {path} is not writable by this user ({io}); check its permissions")]
    ReadOnly { path: PathBuf, io: std::io::Error },
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
        with_causes(self)
    }
}

fn with_causes(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut cause = error.source();
    while let Some(err) = cause {
        message.push_str(": ");
        message.push_str(&err.to_string());
        cause = err.source();
    }
    message
}

/// Why a folder, a file or one post of a file was not indexed. It names no
/// path: the run's report ([`crate::Failure`]) carries the path and the id.
#[derive(Debug, thiserror::Error)]
pub enum PostError {
    /// A folder under a path given to the run could not be walked (it is
    /// not readable, or a symbolic link loops back to a folder above it).
    /// The cause is the I/O error alone: the failure names the path.
    #[error("cannot read directory")]
    Walk(#[source] std::io::Error),
    /// The file could not be read.
    #[error("cannot read")]
    Read(#[source] std::io::Error),
    /// The file is empty (or only whitespace).
    #[error("empty file")]
    Empty,
    /// The file holds binary data, not text.
    #[error("binary file, not a text post")]
    Binary,
    /// The file's encoding could not be decided, or its bytes are not valid
    /// in the encoding it declares.
    #[error("{0}")]
    Encoding(String),
    /// The front matter is not valid YAML, TOML or JSON, or not a mapping,
    /// or past the limits of a front matter block.
    #[error("invalid front matter: {0}")]
    FrontMatter(String),
    /// A field has a value sagasu cannot use.
    #[error("invalid `{field}`: {message}")]
    Field {
        field: &'static str,
        message: String,
    },
    /// The file looks like a known format but cannot be read as it.
    #[error("looks like {format}, but {message}")]
    Malformed {
        format: &'static str,
        message: String,
    },
    /// The post's text is past [`crate::post::MAX_POST_TEXT`].
    #[error("the post's text is {size} bytes, past the limit of {limit} bytes per post")]
    TooLarge { size: usize, limit: usize },
    /// The post's date is outside what the index can store.
    #[error("date {0} is outside the dates sagasu can store (1678 to 2261)")]
    DateOutOfRange(String),
    /// The post's text could not be analysed.
    #[error("analysis failed")]
    Analysis(#[source] sagasu_analyzer::Error),
    /// Tantivy refused the post's document.
    #[error("the index refused the post")]
    Index(#[source] tantivy::TantivyError),
}

impl PostError {
    /// The message followed by its causes, `: `-separated.
    pub fn with_causes(&self) -> String {
        with_causes(self)
    }
}

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
