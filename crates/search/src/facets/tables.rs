//! What facet counting reads of each segment, read once.
//!
//! Through Tantivy's columns, counting a post's tags and categories costs a
//! multivalued index lookup and a bit-packed read per value, and naming the
//! counted ordinals decompresses the dictionaries' blocks again on every
//! search: on the 100,000-post archive that was 35% of a broad `any` search
//! and half of a `page=20` one. A segment never changes once written
//! (deletes do not touch its columns), so each segment's values, months and
//! dates are read into plain arrays the first time a search sees it
//! ([`SegmentTable`], kept by segment id), and each commit's segments get
//! one vocabulary of names that the counts of all its segments add up in
//! ([`FacetTables`]).

use std::sync::Arc;

use chrono::{DateTime as ChronoDateTime, Datelike};
use rustc_hash::FxHashMap;
use sagasu_indexer::schema;
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{DocId, SegmentReader};

/// A post without a date has no month.
pub(super) const NO_MONTH: u32 = u32::MAX;

/// One segment's facet values, months and dates, by document.
#[derive(Debug)]
pub(crate) struct SegmentTable {
    pub(super) tags: Values,
    pub(super) categories: Values,
    /// Each document's month, as an index into `months`; [`NO_MONTH`]
    /// for a post without a date.
    pub(super) month_of: Vec<u32>,
    /// The (year, month) of each month the segment's posts fall in.
    pub(super) months: Vec<(i32, u32)>,
    /// Each document's date in seconds.
    pub(super) seconds: Vec<Option<i64>>,
}

/// A multivalued facet column of one segment: the values of document `d`
/// are `ords[starts[d]..starts[d + 1]]`, ordinals into `names`
/// (`key U+001F spelling`, in the dictionary's order).
#[derive(Debug)]
pub(super) struct Values {
    starts: Vec<u32>,
    ords: Vec<u32>,
    names: Vec<Box<str>>,
}

impl Values {
    /// The ordinals of document `doc`'s values.
    pub(super) fn of(&self, doc: DocId) -> &[u32] {
        let doc = doc as usize;
        match (self.starts.get(doc), self.starts.get(doc + 1)) {
            (Some(&start), Some(&end)) => self.ords.get(start as usize..end as usize),
            _ => None,
        }
        .unwrap_or_default()
    }

    /// How many distinct values the segment has.
    pub(super) fn len(&self) -> usize {
        self.names.len()
    }

    fn read(column: Option<StrColumn>, max_doc: DocId) -> tantivy::Result<Self> {
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        starts.push(0);
        let Some(column) = column else {
            starts.resize(max_doc as usize + 1, 0);
            return Ok(Self {
                starts,
                ords: Vec::new(),
                names: Vec::new(),
            });
        };
        let mut names = Vec::with_capacity(column.num_terms());
        let mut stream = column.dictionary().stream()?;
        while let Some((name, _)) = stream.next() {
            names.push(String::from_utf8_lossy(name).into());
        }
        let mut ords = Vec::new();
        for doc in 0..max_doc {
            // An ordinal past u32 (never written: a segment holds fewer
            // documents) would be skipped by the counts' bounds check.
            ords.extend(
                column
                    .term_ords(doc)
                    .map(|ord| u32::try_from(ord).unwrap_or(u32::MAX)),
            );
            starts.push(u32::try_from(ords.len()).unwrap_or(u32::MAX));
        }
        Ok(Self {
            starts,
            ords,
            names,
        })
    }
}

impl SegmentTable {
    /// Reads the facet columns and dates of `segment`.
    pub(crate) fn read(segment: &SegmentReader) -> tantivy::Result<Self> {
        let fast = segment.fast_fields();
        let max_doc = segment.max_doc();
        let tags = Values::read(fast.str(schema::TAG_FACET)?, max_doc)?;
        let categories = Values::read(fast.str(schema::CATEGORY_FACET)?, max_doc)?;
        let dates = fast.date(schema::DATE)?;
        let mut month_of = Vec::with_capacity(max_doc as usize);
        let mut seconds = Vec::with_capacity(max_doc as usize);
        let mut months: Vec<(i32, u32)> = Vec::new();
        let mut slots: FxHashMap<(i32, u32), u32> = FxHashMap::default();
        for doc in 0..max_doc {
            let date = dates.first(doc).map(tantivy::DateTime::into_timestamp_secs);
            let month = date.and_then(|secs| {
                let day = ChronoDateTime::from_timestamp(secs, 0)?.date_naive();
                Some((day.year(), day.month()))
            });
            let slot = month.map_or(NO_MONTH, |month| {
                *slots.entry(month).or_insert_with(|| {
                    months.push(month);
                    u32::try_from(months.len() - 1).unwrap_or(NO_MONTH)
                })
            });
            month_of.push(slot);
            seconds.push(date);
        }
        Ok(Self {
            tags,
            categories,
            month_of,
            months,
            seconds,
        })
    }
}

/// One segment's table, and where its tag and category ordinals are in the
/// commit's vocabulary.
#[derive(Debug)]
pub(crate) struct SegmentFacets {
    pub(super) table: Arc<SegmentTable>,
    pub(super) tag_ids: Vec<u32>,
    pub(super) category_ids: Vec<u32>,
}

/// The facet tables of the segments of one commit, and the vocabulary of
/// tag and category names (`key U+001F spelling`, sorted) their counts are
/// added up in.
#[derive(Debug, Default)]
pub(crate) struct FacetTables {
    segments: FxHashMap<SegmentId, Arc<SegmentFacets>>,
    pub(super) tags: Vec<Box<str>>,
    pub(super) categories: Vec<Box<str>>,
}

impl FacetTables {
    /// The tables of `searcher`'s segments; those `previous` already has
    /// are reused, the others read.
    pub(crate) fn build(
        searcher: &tantivy::Searcher,
        previous: Option<&Self>,
    ) -> tantivy::Result<Self> {
        let mut tables = Vec::with_capacity(searcher.segment_readers().len());
        for segment in searcher.segment_readers() {
            let id = segment.segment_id();
            let table = match previous.and_then(|previous| previous.segments.get(&id)) {
                Some(known) => Arc::clone(&known.table),
                None => Arc::new(SegmentTable::read(segment)?),
            };
            tables.push((id, table));
        }
        let tags = vocabulary(tables.iter().map(|(_, table)| &table.tags));
        let categories = vocabulary(tables.iter().map(|(_, table)| &table.categories));
        let segments = tables
            .into_iter()
            .map(|(id, table)| {
                let facets = SegmentFacets {
                    tag_ids: ids_in(&tags, &table.tags),
                    category_ids: ids_in(&categories, &table.categories),
                    table,
                };
                (id, Arc::new(facets))
            })
            .collect();
        Ok(Self {
            segments,
            tags,
            categories,
        })
    }

    /// Whether these are the tables of exactly `searcher`'s segments.
    pub(crate) fn covers(&self, searcher: &tantivy::Searcher) -> bool {
        let segments = searcher.segment_readers();
        segments.len() == self.segments.len()
            && segments
                .iter()
                .all(|segment| self.segments.contains_key(&segment.segment_id()))
    }

    /// The table of `segment`, `None` if it is not one of these segments.
    pub(crate) fn segment(&self, segment: &SegmentReader) -> Option<Arc<SegmentFacets>> {
        self.segments.get(&segment.segment_id()).cloned()
    }
}

/// Every name of `columns`, sorted, once.
fn vocabulary<'a>(columns: impl Iterator<Item = &'a Values>) -> Vec<Box<str>> {
    let mut names: Vec<&str> = columns
        .flat_map(|values| values.names.iter().map(|name| &**name))
        .collect();
    names.sort_unstable();
    names.dedup();
    names.into_iter().map(Box::from).collect()
}

/// Where each name of `values` is in `vocabulary` (which has them all).
fn ids_in(vocabulary: &[Box<str>], values: &Values) -> Vec<u32> {
    values
        .names
        .iter()
        .map(|name| {
            let id = vocabulary
                .binary_search_by(|known| (**known).cmp(name))
                .unwrap_or_default();
            u32::try_from(id).unwrap_or(u32::MAX)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use sagasu_indexer::IndexOptions;
    use tantivy::query::AllQuery;

    use super::*;
    use crate::facets::FacetCollector;
    use crate::searcher::tests::{TestResult, index_posts};

    fn searcher_of(index: &std::path::Path) -> tantivy::Result<tantivy::Searcher> {
        Ok(tantivy::Index::open_in_dir(index)?.reader()?.searcher())
    }

    #[test]
    fn a_new_commit_reads_only_its_new_segments_and_counts_across_all() -> TestResult {
        let dir = tempfile::tempdir()?;
        index_posts(
            dir.path(),
            &[
                ("2009-07-11-a.md", "tags: [AWS, 旅]", "本文。"),
                (
                    "2009-08-01-b.md",
                    "tags: [aws]\ncategories: [Tech]",
                    "本文。",
                ),
            ],
        )?;
        let index = dir.path().join("index");
        let first = searcher_of(&index)?;
        let before = FacetTables::build(&first, None)?;
        assert!(before.covers(&first));
        let [segment] = first.segment_readers() else {
            return Err("one commit of two posts is one segment".into());
        };
        let table = before.segment(segment).ok_or("the segment has a table")?;
        let (names, months) = (&table.table.tags.names, &table.table.months);
        assert_eq!(names.len(), 3, "{names:?}");
        assert_eq!(months, &[(2009, 7), (2009, 8)]);

        std::fs::write(
            dir.path().join("posts/2010-01-05-c.md"),
            "---\ntags: [AWS, 料理]\n---\n本文。\n",
        )?;
        let options = IndexOptions {
            threads: 1,
            ..IndexOptions::default()
        };
        sagasu_indexer::index(&index, &[dir.path().join("posts")], &options, &|_| {})?;
        let second = searcher_of(&index)?;
        assert!(!before.covers(&second));
        let after = FacetTables::build(&second, Some(&before))?;
        assert!(after.covers(&second));
        let kept = after
            .segment(segment)
            .ok_or("the old segment is still searched")?;
        assert!(Arc::ptr_eq(&kept.table, &table.table));
        // The old segment's names have new places in the larger vocabulary.
        let tag_of = |id: u32| after.tags.get(id as usize).map(|name| &**name);
        assert_eq!(kept.tag_ids.len(), 3);
        assert!(kept.tag_ids.iter().all(|&id| tag_of(id).is_some()));
        assert_eq!(after.tags.len(), 4, "{:?}", after.tags);

        let raw = second.search(&AllQuery, &FacetCollector::new(Arc::new(after)))?;
        let counts: Vec<(String, u64)> = raw
            .all_tags()
            .into_iter()
            .map(|facet| (facet.value, facet.count))
            .collect();
        let expected = [("AWS", 3), ("料理", 1), ("旅", 1)].map(|(v, c)| (v.to_owned(), c));
        assert_eq!(counts, expected);
        Ok(())
    }
}
