//! Facet counts (tags, categories, years) over every matching post.
//!
//! Tags and categories are counted by their normalized key, so `Business`
//! and `business` are one value; the value shown is the spelling most posts
//! use (ties go to the alphabetically first).

mod tables;

use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use sagasu_indexer::schema::FACET_SEPARATOR;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader, TantivyError};

use crate::response::{Archive, FacetCount, Facets, MonthCount, YearCount};

pub(crate) use tables::FacetTables;
use tables::{NO_MONTH, SegmentFacets};

/// How many values of each facet a response lists.
pub const FACET_LIMIT: usize = 30;

/// Counts facets over the documents it sees, through the tables of the
/// searched commit's segments.
#[derive(Debug, Clone)]
pub(crate) struct FacetCollector {
    tables: Arc<FacetTables>,
}

impl FacetCollector {
    /// A collector for searches of the commit `tables` were built for.
    pub(crate) fn new(tables: Arc<FacetTables>) -> Self {
        Self { tables }
    }
}

/// Raw counts: per name of the tables' vocabularies (`key U+001F
/// spelling`), for tags and categories, and posts per month.
#[derive(Debug)]
pub(crate) struct RawFacets {
    tables: Arc<FacetTables>,
    tags: Vec<u64>,
    categories: Vec<u64>,
    months: BTreeMap<(i32, u32), u64>,
    /// Oldest and newest date seen.
    dates: Option<(DateTime, DateTime)>,
}

pub(crate) struct FacetSegmentCollector {
    tables: Arc<FacetTables>,
    segment: Arc<SegmentFacets>,
    /// Counts by the segment's own ordinals and month slots.
    tags: Vec<u64>,
    categories: Vec<u64>,
    months: Vec<u64>,
    /// Oldest and newest date seen, in seconds.
    dates: Option<(i64, i64)>,
}

impl Collector for FacetCollector {
    type Fruit = RawFacets;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let facets = self.tables.segment(segment).ok_or_else(|| {
            TantivyError::InternalError("facet tables of another commit".to_owned())
        })?;
        let table = &facets.table;
        Ok(FacetSegmentCollector {
            tables: Arc::clone(&self.tables),
            tags: vec![0; table.tags.len()],
            categories: vec![0; table.categories.len()],
            months: vec![0; table.months.len()],
            dates: None,
            segment: facets,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<RawFacets>) -> tantivy::Result<RawFacets> {
        let mut merged = RawFacets::empty(Arc::clone(&self.tables));
        for fruit in fruits {
            for (total, count) in merged.tags.iter_mut().zip(fruit.tags) {
                *total += count;
            }
            for (total, count) in merged.categories.iter_mut().zip(fruit.categories) {
                *total += count;
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
        let table = &self.segment.table;
        for (values, counts) in [
            (&table.tags, &mut self.tags),
            (&table.categories, &mut self.categories),
        ] {
            for &ord in values.of(doc) {
                if let Some(count) = counts.get_mut(ord as usize) {
                    *count += 1;
                }
            }
        }
        let slot = table
            .month_of
            .get(doc as usize)
            .copied()
            .unwrap_or(NO_MONTH);
        if let Some(count) = self.months.get_mut(slot as usize) {
            *count += 1;
        }
        if let Some(&Some(secs)) = table.seconds.get(doc as usize) {
            self.dates = Some(match self.dates {
                Some((first, last)) => (first.min(secs), last.max(secs)),
                None => (secs, secs),
            });
        }
    }

    fn harvest(self) -> RawFacets {
        let mut raw = RawFacets::empty(self.tables);
        let table = &self.segment.table;
        for (counts, ids, totals) in [
            (self.tags, &self.segment.tag_ids, &mut raw.tags),
            (
                self.categories,
                &self.segment.category_ids,
                &mut raw.categories,
            ),
        ] {
            for (count, &id) in counts.into_iter().zip(ids) {
                if let Some(total) = totals.get_mut(id as usize) {
                    *total += count;
                }
            }
        }
        for (count, &month) in self.months.into_iter().zip(&table.months) {
            if count > 0 {
                raw.months.insert(month, count);
            }
        }
        raw.dates = self.dates.map(|(first, last)| {
            (
                DateTime::from_timestamp_secs(first),
                DateTime::from_timestamp_secs(last),
            )
        });
        raw
    }
}

impl RawFacets {
    /// No counts yet, over the vocabularies of `tables`.
    fn empty(tables: Arc<FacetTables>) -> Self {
        Self {
            tags: vec![0; tables.tags.len()],
            categories: vec![0; tables.categories.len()],
            tables,
            months: BTreeMap::new(),
            dates: None,
        }
    }

    /// The counted names of one facet with their counts.
    fn counted<'a>(
        names: &'a [Box<str>],
        counts: &'a [u64],
    ) -> impl Iterator<Item = (&'a str, u64)> {
        names
            .iter()
            .zip(counts)
            .filter(|&(_, &count)| count > 0)
            .map(|(name, &count)| (&**name, count))
    }

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
            tags: by_key(Self::counted(&self.tables.tags, &self.tags), limit),
            categories: by_key(
                Self::counted(&self.tables.categories, &self.categories),
                limit,
            ),
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
        by_key(Self::counted(&self.tables.tags, &self.tags), usize::MAX)
    }

    /// Every category, most used first.
    pub(crate) fn all_categories(self) -> Vec<FacetCount> {
        by_key(
            Self::counted(&self.tables.categories, &self.categories),
            usize::MAX,
        )
    }
}

/// Merges spellings of one key; the most used spelling names it.
fn by_key<'a>(values: impl Iterator<Item = (&'a str, u64)>, limit: usize) -> Vec<FacetCount> {
    let mut keys: FxHashMap<&str, (u64, &str, u64)> = FxHashMap::default();
    for (value, count) in values {
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
        let values = [
            (format!("business{FACET_SEPARATOR}Business"), 3),
            (format!("business{FACET_SEPARATOR}business"), 1),
            (format!("aws{FACET_SEPARATOR}AWS"), 2),
        ];
        let counts = by_key(
            values.iter().map(|(name, count)| (name.as_str(), *count)),
            10,
        );
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
}
