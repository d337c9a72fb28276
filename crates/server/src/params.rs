//! Query-string parameters, parsed by hand so that repeated keys
//! (`tag=a&tag=b`) work and every mistake gets its own error code.

use sagasu_search::{MAX_PER_PAGE, SearchRequest};

use crate::Error;

/// The parameters of `GET /api/search`, as a [`SearchRequest`] (which
/// knows its parameters: [`SearchRequest::set`]).
///
/// Unknown parameters are ignored; empty values count as absent.
pub(crate) fn search_request(query: Option<&str>) -> Result<SearchRequest, Error> {
    let mut request = SearchRequest::default();
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        request.set(&key, &value)?;
    }
    request.validate()?;
    Ok(request)
}

pub(crate) fn related_limit(query: Option<&str>) -> Result<usize, Error> {
    let invalid = |value: &str| Error::BadRequest {
        code: "invalid_limit",
        message: format!("invalid limit {value}: use 1 to {MAX_PER_PAGE}"),
    };
    let mut limit = 5;
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let value = value.trim();
        if key == "limit" && !value.is_empty() {
            limit = value.parse().map_err(|_| invalid(value))?;
        }
    }
    if limit == 0 || limit > MAX_PER_PAGE {
        return Err(invalid(&limit.to_string()));
    }
    Ok(limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(query: &str) -> Option<&'static str> {
        search_request(Some(query)).err().map(|err| err.code())
    }

    #[test]
    fn repeated_keys_and_defaults() -> Result<(), Error> {
        let request = search_request(Some(
            "q=%E5%8B%89%E5%BC%B7%E4%BC%9A&tag=a&tag=b&category=Tech&page=2&per_page=5&sort=newest&match=any&x=1",
        ))?;
        assert_eq!(request.query, "勉強会");
        assert_eq!(request.tags, ["a", "b"]);
        assert_eq!(request.categories, ["Tech"]);
        assert_eq!((request.page, request.per_page), (2, 5));
        let default = search_request(None)?;
        assert_eq!((default.page, default.per_page), (1, 10));
        Ok(())
    }

    #[test]
    fn every_mistake_has_its_code() {
        assert_eq!(code("from=2009/07"), Some("invalid_date"));
        assert_eq!(code("to=2009-13"), Some("invalid_date"));
        assert_eq!(code("page=0"), Some("invalid_page"));
        assert_eq!(code("page=-1"), Some("invalid_page"));
        assert_eq!(code("page=99999999999999999999999"), Some("invalid_page"));
        assert_eq!(code("per_page=101"), Some("invalid_per_page"));
        assert_eq!(code("per_page=abc"), Some("invalid_per_page"));
        assert_eq!(code("sort=best"), Some("invalid_sort"));
        assert_eq!(code("match=some"), Some("invalid_match"));
        assert_eq!(code("q=%FF%FE&tag=&from="), None);
    }
}
