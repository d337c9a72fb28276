//! Settings of a [`crate::Searcher`], as values: the CLI and the server read
//! files and flags, the library never does.

use sagasu_analyzer::UserDictionary;

use crate::Synonyms;

/// How an index is searched, beyond each request's own parameters.
#[derive(Debug, Clone, Default)]
pub struct SearchOptions {
    /// Synonym groups applied to every query.
    pub synonyms: Synonyms,
    /// The user dictionary the index was built with; queries are analysed
    /// with it, and an index built with another one is refused.
    pub user_dictionary: Option<UserDictionary>,
}
