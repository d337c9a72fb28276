//! Facet counts (tags, categories, years) over every matching post.
//!
//! Tags and categories are counted by their normalized key, so `Business`
//! and `business` are one value; the value shown is the spelling most posts
//! use (ties go to the alphabetically first).

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use chrono::{DateTime as ChronoDateTime, Datelike};
use sagasu_indexer::schema::{self, FACET_SEPARATOR};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::response::{Archive, FacetCount, Facets, MonthCount, YearCount};

/// How many values of each facet a response lists.
pub const FACET_LIMIT: usize = 30;

/// Counts facets over the documents it sees.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FacetCollector;

/// Raw counts: `key U+001F spelling` → count, for tags and categories, and
/// posts per month.
#[derive(Debug, Default)]
pub(crate) struct RawFacets {
    tags: FxHashMap<String, u64>,
    categories: FxHashMap<String, u64>,
    months: BTreeMap<(i32, u32), u64>,
    /// Oldest and newest date seen.
    dates: Option<(DateTime, DateTime)>,
}

pub(crate) struct FacetSegmentCollector {
    tags: Option<(StrColumn, Vec<u64>)>,
    categories: Option<(StrColumn, Vec<u64>)>,
    date_column: Column<DateTime>,
    months: BTreeMap<(i32, u32), u64>,
    /// The month of the last date seen, as `[start, end)` in seconds:
    /// documents come in index order, which is mostly date order, so most
    /// dates fall in the same month as the one before.
    last_month: Option<(i64, i64, (i32, u32))>,
    dates: Option<(DateTime, DateTime)>,
}

impl Collector for FacetCollector {
    type Fruit = RawFacets;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let fast = segment.fast_fields();
        let counts = |column: Option<StrColumn>| {
            column.map(|column| {
                let terms = column.num_terms();
                (column, vec![0; terms])
            })
        };
        Ok(FacetSegmentCollector {
            tags: counts(fast.str(schema::TAG_FACET)?),
            categories: counts(fast.str(schema::CATEGORY_FACET)?),
            date_column: fast.date(schema::DATE)?,
            months: BTreeMap::new(),
            last_month: None,
            dates: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, mut fruits: Vec<RawFacets>) -> tantivy::Result<RawFacets> {
        // The largest segment's counts are the base the others add to.
        let largest = (0..fruits.len()).max_by_key(|&i| fruits[i].tags.len());
        let mut merged = largest.map_or_else(RawFacets::default, |i| fruits.swap_remove(i));
        for fruit in fruits {
            for (value, count) in fruit.tags {
                *merged.tags.entry(value).or_default() += count;
            }
            for (value, count) in fruit.categories {
                *merged.categories.entry(value).or_default() += count;
            }
            for (month, count) in fruit.months {
                *merged.months.entry(month).or_default() += count;
            }
            if let Some((first, last)) = fruit.dates {
                merged.widen_dates(first);
                merged.widen_dates(last);
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = RawFacets;

    fn collect(&mut self, doc: DocId, _score: Score) {
        for (column, counts) in [&mut self.tags, &mut self.categories].into_iter().flatten() {
            for ord in column.term_ords(doc) {
                if let Some(count) = usize::try_from(ord).ok().and_then(|i| counts.get_mut(i)) {
                    *count += 1;
                }
            }
        }
        if let Some(date) = self.date_column.first(doc) {
            self.dates = Some(match self.dates {
                Some((first, last)) => (first.min(date), last.max(date)),
                None => (date, date),
            });
            let secs = date.into_timestamp_secs();
            let month = match self.last_month {
                Some((start, end, month)) if (start..end).contains(&secs) => Some(month),
                _ => month_around(secs).map(|(start, end, month)| {
                    self.last_month = Some((start, end, month));
                    month
                }),
            };
            if let Some(month) = month {
                *self.months.entry(month).or_default() += 1;
            }
        }
    }

    fn harvest(self) -> RawFacets {
        // Counted ordinals are resolved in one ordered pass over the term
        // dictionary: one lookup per ordinal decompresses a block each time.
        let resolve = |column: Option<(StrColumn, Vec<u64>)>| {
            let mut out = FxHashMap::default();
            let Some((column, counts)) = column else {
                return out;
            };
            let (ords, counts): (Vec<u64>, Vec<u64>) = counts
                .into_iter()
                .enumerate()
                .filter(|&(_, count)| count > 0)
                .map(|(ord, count)| (ord as u64, count))
                .unzip();
            let mut counts = counts.into_iter();
            // Harvesting cannot fail; an unreadable dictionary block (a damaged
            // index, which searching reports anyway) leaves facets short.
            let _ = column.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
                if let Some(count) = counts.next() {
                    out.insert(String::from_utf8_lossy(bytes).into_owned(), count);
                }
            });
            out
        };
        RawFacets {
            tags: resolve(self.tags),
            categories: resolve(self.categories),
            months: self.months,
            dates: self.dates,
        }
    }
}

/// The month holding the timestamp `secs`: its `[start, end)` in seconds
/// and its (year, month).
fn month_around(secs: i64) -> Option<(i64, i64, (i32, u32))> {
    let day = ChronoDateTime::from_timestamp(secs, 0)?.date_naive();
    let start = day.with_day(1)?;
    let end = start.checked_add_months(chrono::Months::new(1))?;
    let timestamp =
        |date: chrono::NaiveDate| date.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp());
    Some((
        timestamp(start)?,
        timestamp(end)?,
        (day.year(), day.month()),
    ))
}

impl RawFacets {
    fn widen_dates(&mut self, date: DateTime) {
        self.dates = Some(match self.dates {
            Some((first, last)) => (first.min(date), last.max(date)),
            None => (date, date),
        });
    }

    /// The oldest and newest dates among the collected posts.
    pub(crate) fn date_range(&self) -> (Option<DateTime>, Option<DateTime>) {
        (
            self.dates.map(|(first, _)| first),
            self.dates.map(|(_, last)| last),
        )
    }

    /// The counts a response shows.
    pub(crate) fn finish(self, limit: usize) -> Facets {
        let years = self
            .archive()
            .years
            .into_iter()
            .map(|year| FacetCount {
                value: year.year.to_string(),
                count: year.count,
            })
            .collect();
        Facets {
            tags: by_key(self.tags, limit),
            categories: by_key(self.categories, limit),
            years,
        }
    }

    /// Posts per year and month, newest first.
    pub(crate) fn archive(&self) -> Archive {
        let mut years: Vec<YearCount> = Vec::new();
        for (&(year, month), &count) in self.months.iter().rev() {
            match years.last_mut() {
                Some(last) if last.year == year => {
                    last.count += count;
                    last.months.push(MonthCount { month, count });
                }
                _ => years.push(YearCount {
                    year,
                    count,
                    months: vec![MonthCount { month, count }],
                }),
            }
        }
        Archive { years }
    }

    /// Every tag, most used first.
    pub(crate) fn all_tags(self) -> Vec<FacetCount> {
        by_key(self.tags, usize::MAX)
    }

    /// Every category, most used first.
    pub(crate) fn all_categories(self) -> Vec<FacetCount> {
        by_key(self.categories, usize::MAX)
    }
}

/// Merges spellings of one key; the most used spelling names it.
fn by_key(values: FxHashMap<String, u64>, limit: usize) -> Vec<FacetCount> {
    let mut keys: FxHashMap<&str, (u64, &str, u64)> = FxHashMap::default();
    for (value, &count) in &values {
        let (key, spelling) = value.split_once(FACET_SEPARATOR).unwrap_or((value, value));
        let entry = keys.entry(key).or_insert((0, spelling, 0));
        entry.0 += count;
        if count > entry.2 || (count == entry.2 && spelling < entry.1) {
            entry.1 = spelling;
            entry.2 = count;
        }
    }
    let mut counts: Vec<FacetCount> = keys
        .into_values()
        .map(|(count, spelling, _)| FacetCount {
            value: spelling.to_owned(),
            count,
        })
        .collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    counts.truncate(limit);
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_key_are_merged_under_the_most_used() {
        let values = FxHashMap::from_iter([
            (format!("business{FACET_SEPARATOR}Business"), 3),
            (format!("business{FACET_SEPARATOR}business"), 1),
            (format!("aws{FACET_SEPARATOR}AWS"), 2),
        ]);
        let counts = by_key(values, 10);
        assert_eq!(
            counts,
            vec![
                FacetCount {
                    value: "Business".to_owned(),
                    count: 4
                },
                FacetCount {
                    value: "AWS".to_owned(),
                    count: 2
                },
            ]
        );
    }

    #[test]
    fn a_month_runs_from_its_first_second_to_the_next_months() {
        let at = |text: &str| {
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
                .map(|t| t.and_utc().timestamp())
                .ok()
        };
        let feb = month_around(at("2024-02-29 23:59:59").unwrap_or_default());
        let (start, end) = (at("2024-02-01 00:00:00"), at("2024-03-01 00:00:00"));
        assert_eq!(feb, start.zip(end).map(|(s, e)| (s, e, (2024, 2))));
        let december = month_around(at("1999-12-31 12:00:00").unwrap_or_default());
        assert_eq!(december.map(|(_, _, month)| month), Some((1999, 12)));
        let before_1970 = month_around(at("1969-07-20 20:17:00").unwrap_or_default());
        assert_eq!(before_1970.map(|(_, _, month)| month), Some((1969, 7)));
    }
}
