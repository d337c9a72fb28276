//! The read side of sagasu: searches over an index written by
//! [`sagasu_indexer`], shared by the CLI and the HTTP server.
//!
//! A [`SearchRequest`] carries the query string (see [`query`] for the
//! language), tag, category and date filters, the sort order and the page;
//! [`Searcher::search`] answers with a [`SearchResponse`]: the page of hits
//! with highlighted snippets and facet counts over all matching posts. Text
//! comes back as it is, and highlights as the ranges to mark
//! ([`Highlighted`]): escaping is for the edges (the server's JSON, the
//! terminal).
//! [`SearchOptions`] carry what applies to every search: [`Synonyms`] and
//! the user dictionary the index was built with ([`Searcher::open_with`]).
//!
//! ```no_run
//! use sagasu_search::{SearchRequest, Searcher};
//!
//! let searcher = Searcher::open("index".as_ref())?;
//! let mut request = SearchRequest::new("インフラエンジニア");
//! request.tags.push("hbstudy".to_owned());
//! request.from = Some("2009-07".parse()?);
//! let response = searcher.search(&request)?;
//! for hit in &response.hits {
//!     let post = &hit.post;
//!     println!("{} {}", post.date.as_deref().unwrap_or("-"), post.title);
//! }
//! # Ok::<(), sagasu_search::Error>(())
//! ```

mod deadline;
mod error;
mod facets;
mod follow;
#[doc(hidden)]
pub mod fuzzing;
mod options;
mod plan;
pub mod query;
mod ranking;
mod request;
mod response;
mod searcher;
mod snippet;
mod split;
mod synonyms;
mod tiered;
mod words;

pub use deadline::Deadline;
pub use error::Error;
pub use follow::Reloads;
pub use options::SearchOptions;
pub use request::{
    DateBound, MAX_FILTERS, MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_QUERY_WORDS, MatchMode,
    SearchRequest, Sort,
};
pub use response::{
    Archive, FacetCount, Facets, Highlighted, Hit, MonthCount, Post, PostSummary, Related,
    SearchResponse, SplitWord, YearCount,
};
pub use sagasu_analyzer::UserDictionary;
pub use searcher::{Searcher, Stats};
pub use snippet::SNIPPET_CHARS;
pub use synonyms::Synonyms;

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
