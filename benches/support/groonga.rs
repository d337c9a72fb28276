//! The Groonga equivalent of a query of the mix, for the HTTP comparison
//! (`benches/compare/run.sh`). Shared through `#[path]`; not a bench target.

use sagasu_search::{MatchMode, Sort};

use crate::mix::{Query, query_string};

/// The same search as a Groonga `select` (path and query string), in
/// the form `groonga.sh url` prints (title×10 and body, 10 hits, tag
/// and category drilldowns), plus the filters, sort and offset. Tag and
/// category filters use `@` on the vector columns; date bounds are the
/// epoch seconds of local midnight in +09:00, the offset the archive's
/// dates carry.
pub fn groonga_path(query: &Query) -> String {
    let r = &query.request;
    let query = if r.match_mode == MatchMode::Any {
        r.query.split(' ').collect::<Vec<_>>().join(" OR ")
    } else {
        r.query.clone()
    };
    let mut filters: Vec<String> = Vec::new();
    filters.extend(
        r.tags
            .iter()
            .map(|t| format!("tags @ {}", groonga_string(t))),
    );
    filters.extend(
        r.categories
            .iter()
            .map(|c| format!("categories @ {}", groonga_string(c))),
    );
    if let Some(from) = r.from {
        filters.push(format!(
            "date >= {}",
            jst_epoch(&from.first_day().to_string())
        ));
    }
    if let Some(to) = r.to {
        filters.push(format!("date < {}", jst_epoch(&to.day_after().to_string())));
    }
    let sort_keys = if r.sort == Sort::Newest {
        "-date"
    } else {
        "-_score"
    };
    let mut params = vec![
        ("table", "Posts".to_owned()),
        ("match_columns", "title*10||body".to_owned()),
        ("query", query),
    ];
    if !filters.is_empty() {
        params.push(("filter", filters.join(" && ")));
    }
    params.extend([
        ("offset", ((r.page - 1) * r.per_page).to_string()),
        ("limit", r.per_page.to_string()),
        ("output_columns", "_key,title,_score".to_owned()),
        ("drilldown", "tags,categories".to_owned()),
        ("sort_keys", sort_keys.to_owned()),
    ]);
    format!("/d/select?{}", query_string(&params))
}
/// A Groonga script string literal.
fn groonga_string(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Epoch seconds of midnight starting `day` (`YYYY-MM-DD`) in +09:00.
fn jst_epoch(day: &str) -> i64 {
    let mut parts = day.splitn(3, '-').map(|part| {
        part.parse::<i64>()
            .unwrap_or_else(|_| panic!("{day} is YYYY-MM-DD"))
    });
    let mut next = || {
        parts
            .next()
            .unwrap_or_else(|| panic!("{day} is YYYY-MM-DD"))
    };
    let (year, month, day) = (next(), next(), next());
    // Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 - 9 * 3_600
}
