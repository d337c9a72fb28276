/// Why a search could not be answered.
///
/// The `Invalid*` variants are the caller's mistakes (a bad flag or
/// parameter) and have stable [`Error::code`]s; the others are failures of
/// the index.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A date bound is not one of the accepted forms.
    #[error("invalid date {0:?}: use YYYY, YYYY-MM or YYYY-MM-DD")]
    InvalidDate(String),
    /// The sort order is unknown.
    #[error("invalid sort {0:?}: use relevance, newest or oldest")]
    InvalidSort(String),
    /// The match mode is unknown.
    #[error("invalid match {0:?}: use all or any")]
    InvalidMatch(String),
    /// The page is not a whole number from 1 (the error holds it as given).
    #[error("invalid page {0}: pages count from 1")]
    InvalidPage(String),
    /// The page size is not a whole number from 1 to
    /// [`crate::MAX_PER_PAGE`] (as given).
    #[error("invalid page size {0}: use 1 to {max}", max = crate::MAX_PER_PAGE)]
    InvalidPerPage(String),
    /// The query is longer than [`crate::MAX_QUERY_CHARS`]; the error
    /// holds its length, never its text.
    #[error(
        "the query is too long ({0} characters): use at most {max}",
        max = crate::MAX_QUERY_CHARS
    )]
    QueryTooLong(usize),
    /// The query has more than [`crate::MAX_QUERY_WORDS`] words.
    #[error(
        "the query has too many words ({0}): use at most {max}",
        max = crate::MAX_QUERY_WORDS
    )]
    TooManyWords(usize),
    /// More than [`crate::MAX_FILTERS`] tags.
    #[error("too many tags ({0}): use at most {max}", max = crate::MAX_FILTERS)]
    TooManyTags(usize),
    /// More than [`crate::MAX_FILTERS`] categories.
    #[error("too many categories ({0}): use at most {max}", max = crate::MAX_FILTERS)]
    TooManyCategories(usize),
    /// The search passed its [`crate::Deadline`] and was stopped.
    #[error("the search took too long and was stopped")]
    DeadlineExceeded,
    /// A line of a synonyms file is invalid.
    #[error("line {line}: {message}")]
    InvalidSynonyms { line: usize, message: String },
    /// The index could not be opened.
    #[error(transparent)]
    Index(#[from] sagasu_indexer::Error),
    /// The query text could not be analysed.
    #[error("query analysis failed")]
    Analysis(#[from] sagasu_analyzer::Error),
    /// Tantivy failed while searching.
    #[error("search failed")]
    Tantivy(#[from] tantivy::TantivyError),
}

impl Error {
    /// A stable, machine-readable code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidDate(_) => "invalid_date",
            Self::InvalidSort(_) => "invalid_sort",
            Self::InvalidMatch(_) => "invalid_match",
            Self::InvalidPage(_) => "invalid_page",
            Self::InvalidPerPage(_) => "invalid_per_page",
            Self::QueryTooLong(_) => "query_too_long",
            Self::TooManyWords(_) => "too_many_words",
            Self::TooManyTags(_) => "too_many_tags",
            Self::TooManyCategories(_) => "too_many_categories",
            Self::DeadlineExceeded => "timeout",
            Self::InvalidSynonyms { .. } => "invalid_synonyms",
            Self::Index(_) => "index_unavailable",
            Self::Analysis(_) => "analysis_failed",
            Self::Tantivy(_) => "search_failed",
        }
    }
}
