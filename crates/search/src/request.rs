//! What a search asks for, validated.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::Error;

/// Result order.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first; ties go to the newer post. Without query words,
    /// this is the same as [`Sort::Newest`].
    #[default]
    Relevance,
    /// Newest post first.
    Newest,
    /// Oldest post first.
    Oldest,
}

impl FromStr for Sort {
    type Err = Error;

    fn from_str(value: &str) -> Result<Self, Error> {
        match value {
            "relevance" => Ok(Self::Relevance),
            "newest" => Ok(Self::Newest),
            "oldest" => Ok(Self::Oldest),
            other => Err(Error::InvalidSort(other.to_owned())),
        }
    }
}

/// The name [`Sort::from_str`] reads.
impl fmt::Display for Sort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Relevance => "relevance",
            Self::Newest => "newest",
            Self::Oldest => "oldest",
        })
    }
}

/// How the words of a query combine.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum MatchMode {
    /// Every word must occur (the default). When that finds nothing, the
    /// search is retried as [`MatchMode::Any`] and says so (`relaxed`).
    #[default]
    All,
    /// At least one word must occur; posts with more of them rank higher.
    Any,
}

impl FromStr for MatchMode {
    type Err = Error;

    fn from_str(value: &str) -> Result<Self, Error> {
        match value {
            "all" => Ok(Self::All),
            "any" => Ok(Self::Any),
            other => Err(Error::InvalidMatch(other.to_owned())),
        }
    }
}

/// The name [`MatchMode::from_str`] reads.
impl fmt::Display for MatchMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::All => "all",
            Self::Any => "any",
        })
    }
}

/// A date bound as the user wrote it: a year, a month or a day. `--from`
/// takes its first day and `--to` its last, so both ends are inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateBound {
    Year(i32),
    Month(i32, u32),
    Day(NaiveDate),
}

impl DateBound {
    /// The first day of the period.
    pub fn first_day(self) -> NaiveDate {
        match self {
            Self::Year(year) => NaiveDate::from_ymd_opt(year, 1, 1),
            Self::Month(year, month) => NaiveDate::from_ymd_opt(year, month, 1),
            Self::Day(day) => Some(day),
        }
        .unwrap_or(NaiveDate::MIN)
    }

    /// The day after the period: the exclusive end of a `--to` range.
    pub fn day_after(self) -> NaiveDate {
        let next = match self {
            Self::Year(year) => NaiveDate::from_ymd_opt(year + 1, 1, 1),
            Self::Month(year, 12) => NaiveDate::from_ymd_opt(year + 1, 1, 1),
            Self::Month(year, month) => NaiveDate::from_ymd_opt(year, month + 1, 1),
            Self::Day(day) => day.succ_opt(),
        };
        next.unwrap_or(NaiveDate::MAX)
    }
}

impl FromStr for DateBound {
    type Err = Error;

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    fn from_str(value: &str) -> Result<Self, Error> {
        let invalid = || Error::InvalidDate(value.to_owned());
        let parts: Vec<&str> = value.trim().split('-').collect();
        let number = |text: &str, digits: usize| -> Result<u32, Error> {
            if text.len() == digits && text.bytes().all(|b| b.is_ascii_digit()) {
                text.parse().map_err(|_| invalid())
            } else {
                Err(invalid())
            }
        };
        match parts.as_slice() {
            [year] => Ok(Self::Year(year_of(number(year, 4)?))),
            [year, month] => {
                let (year, month) = (year_of(number(year, 4)?), number(month, 2)?);
                NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(invalid)?;
                Ok(Self::Month(year, month))
            }
            [year, month, day] => {
                let date = NaiveDate::from_ymd_opt(
                    year_of(number(year, 4)?),
                    number(month, 2)?,
                    number(day, 2)?,
                )
                .ok_or_else(invalid)?;
                Ok(Self::Day(date))
            }
            _ => Err(invalid()),
        }
    }
}

fn year_of(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(NaiveDate::MAX.year())
}

/// The largest page size.
pub const MAX_PER_PAGE: usize = 100;

/// The longest query, in characters: a search box's question fits many
/// times over, and a pasted page does not cost a search per line of it.
pub const MAX_QUERY_CHARS: usize = 500;

/// The most words (space-separated pieces, `OR` and `-word` included) a
/// query may have: each word is planned as several term queries, so the
/// cost of a search grows with them.
pub const MAX_QUERY_WORDS: usize = 32;

/// The most tags, and the most categories, one search may filter by.
pub const MAX_FILTERS: usize = 32;

/// A search.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchRequest {
    /// The query string (see [`crate::query`]); empty lists every post that
    /// passes the filters.
    pub query: String,
    /// Tags a post must all have.
    pub tags: Vec<String>,
    /// Categories a post must all have.
    pub categories: Vec<String>,
    /// Earliest date, inclusive.
    pub from: Option<DateBound>,
    /// Latest date, inclusive.
    pub to: Option<DateBound>,
    /// Result order.
    pub sort: Sort,
    /// Page number, from 1.
    pub page: usize,
    /// Hits per page, 1 to [`MAX_PER_PAGE`].
    pub per_page: usize,
    /// How the query's words combine.
    pub match_mode: MatchMode,
}

impl Default for SearchRequest {
    fn default() -> Self {
        Self {
            query: String::new(),
            tags: Vec::new(),
            categories: Vec::new(),
            from: None,
            to: None,
            sort: Sort::Relevance,
            page: 1,
            per_page: 10,
            match_mode: MatchMode::All,
        }
    }
}

impl SearchRequest {
    /// A request for `query` with default settings.
    pub fn new(query: impl Into<String>) -> Self {
        Self {
            query: query.into(),
            ..Self::default()
        }
    }

    /// Checks the paging values and the size limits of the query and
    /// filters ([`MAX_QUERY_CHARS`], [`MAX_QUERY_WORDS`], [`MAX_FILTERS`]),
    /// which bound what one search may cost.
    pub fn validate(&self) -> Result<(), Error> {
        let chars = self.query.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Err(Error::QueryTooLong(chars));
        }
        let words = self.query.split_whitespace().count();
        if words > MAX_QUERY_WORDS {
            return Err(Error::TooManyWords(words));
        }
        if self.tags.len() > MAX_FILTERS {
            return Err(Error::TooManyTags(self.tags.len()));
        }
        if self.categories.len() > MAX_FILTERS {
            return Err(Error::TooManyCategories(self.categories.len()));
        }
        if self.page == 0 {
            return Err(Error::InvalidPage(self.page.to_string()));
        }
        if self.per_page == 0 || self.per_page > MAX_PER_PAGE {
            return Err(Error::InvalidPerPage(self.per_page.to_string()));
        }
        Ok(())
    }

    /// Sets the parameter `key` of a query string to `value`: `q`, `tag`
    /// and `category` (each repeatable: `tag=a&tag=b`), `from`, `to`,
    /// `sort`, `match`, `page` and `per_page`, as the HTTP API names them.
    /// A value is trimmed, and an empty one counts as absent; other keys
    /// are ignored. [`validate`](Self::validate) checks the whole request
    /// once every pair is set.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), Error> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(());
        }
        match key {
            "q" => value.clone_into(&mut self.query),
            "tag" => self.tags.push(value.to_owned()),
            "category" => self.categories.push(value.to_owned()),
            "from" => self.from = Some(value.parse()?),
            "to" => self.to = Some(value.parse()?),
            "sort" => self.sort = value.parse()?,
            "match" => self.match_mode = value.parse()?,
            "page" => {
                self.page = value
                    .parse()
                    .map_err(|_| Error::InvalidPage(value.to_owned()))?;
            }
            "per_page" => {
                self.per_page = value
                    .parse()
                    .map_err(|_| Error::InvalidPerPage(value.to_owned()))?;
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn parses_the_three_date_forms_inclusively() -> Result<(), Error> {
        let year: DateBound = "2009".parse()?;
        assert_eq!(
            (year.first_day(), year.day_after()),
            (day(2009, 1, 1), day(2010, 1, 1))
        );
        let month: DateBound = "2009-12".parse()?;
        assert_eq!(
            (month.first_day(), month.day_after()),
            (day(2009, 12, 1), day(2010, 1, 1))
        );
        let date: DateBound = "2009-07-11".parse()?;
        assert_eq!(
            (date.first_day(), date.day_after()),
            (day(2009, 7, 11), day(2009, 7, 12))
        );
        Ok(())
    }

    #[test]
    fn rejects_other_date_forms_naming_the_accepted_ones() {
        for bad in [
            "09",
            "2009-7",
            "2009-13",
            "2009-02-30",
            "2009/07/11",
            "yesterday",
            "",
        ] {
            let err = bad.parse::<DateBound>().err();
            let message = err.map(|e| e.to_string()).unwrap_or_default();
            assert!(message.contains("YYYY-MM-DD"), "{bad}: {message}");
        }
    }

    #[test]
    fn sort_and_match_names_read_back() -> Result<(), Error> {
        for sort in [Sort::Relevance, Sort::Newest, Sort::Oldest] {
            assert_eq!(sort.to_string().parse::<Sort>()?, sort);
        }
        for mode in [MatchMode::All, MatchMode::Any] {
            assert_eq!(mode.to_string().parse::<MatchMode>()?, mode);
        }
        Ok(())
    }

    #[test]
    fn validates_paging() {
        let mut request = SearchRequest::new("x");
        assert!(request.validate().is_ok());
        request.page = 0;
        assert!(matches!(request.validate(), Err(Error::InvalidPage(_))));
        request.page = 1;
        request.per_page = MAX_PER_PAGE + 1;
        assert!(matches!(request.validate(), Err(Error::InvalidPerPage(_))));
    }

    #[test]
    fn caps_the_query_and_filters_without_echoing_them() {
        let at_cap = SearchRequest::new("あ".repeat(MAX_QUERY_CHARS));
        assert!(at_cap.validate().is_ok());
        let long = SearchRequest::new("あ".repeat(MAX_QUERY_CHARS + 1));
        let err = long.validate().err();
        assert!(matches!(err, Some(Error::QueryTooLong(501))), "{err:?}");
        let message = err.map(|err| err.to_string()).unwrap_or_default();
        assert!(!message.contains("ああ"), "{message}");

        let words = |count: usize| vec!["語"; count].join("\u{3000}");
        assert!(
            SearchRequest::new(words(MAX_QUERY_WORDS))
                .validate()
                .is_ok()
        );
        let many = SearchRequest::new(words(MAX_QUERY_WORDS + 1));
        assert!(matches!(many.validate(), Err(Error::TooManyWords(33))));

        let mut request = SearchRequest::new("x");
        request.tags = vec!["t".to_owned(); MAX_FILTERS + 1];
        assert!(matches!(request.validate(), Err(Error::TooManyTags(33))));
        request.tags.clear();
        request.categories = vec!["c".to_owned(); MAX_FILTERS + 1];
        assert!(matches!(
            request.validate(),
            Err(Error::TooManyCategories(33))
        ));
    }
}
