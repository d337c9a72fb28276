//! Reading an index into what the bundle holds: the posts in bundle order,
//! the length of each of their text fields, and every term's postings.

use rustc_hash::FxHashMap;
use sagasu_indexer::schema::Fields;
use tantivy::postings::Postings;
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocSet, Searcher, TERMINATED, TantivyDocument};

use crate::{Error, Result};

/// The searched fields, in the order the bundle numbers them: the key the
/// engine knows each by, the field, and whether its postings keep
/// positions (readings are single terms, never phrases).
pub(crate) const FIELDS: [SearchedField; 7] = [
    ("tt", |f| f.title_terms, true),
    ("bt", |f| f.body_terms, true),
    ("lt", |f| f.label_terms, true),
    ("tb", |f| f.title_bigrams, true),
    ("bb", |f| f.body_bigrams, true),
    ("tr", |f| f.title_readings, false),
    ("br", |f| f.body_readings, false),
];

/// A searched field: its key, how to find it, whether it has positions.
pub(crate) type SearchedField = (&'static str, fn(&Fields) -> Field, bool);

/// One post's stored fields.
#[derive(Debug, Clone)]
pub(crate) struct Post {
    pub id: String,
    pub path: String,
    pub title: String,
    pub url: String,
    pub author: Option<String>,
    pub body: String,
    /// Seconds since 1970 of its local date and time (stored as UTC).
    pub date: Option<i64>,
    pub tags: Vec<String>,
    pub categories: Vec<String>,
}

/// Where one term occurs in one post.
#[derive(Debug, Clone)]
pub(crate) struct Posting {
    pub post: u32,
    pub frequency: u32,
    /// Empty for fields without positions.
    pub positions: Vec<u32>,
}

/// Every term of one field, with its postings in post order.
pub(crate) type FieldTerms = FxHashMap<String, Vec<Posting>>;

/// An index as the bundle sees it.
#[derive(Debug)]
pub(crate) struct Corpus {
    /// Oldest first (undated first), then by id: a new post, being the
    /// newest, takes the next number and renumbers none.
    pub posts: Vec<Post>,
    /// Per post, the length in tokens of each of [`FIELDS`], as BM25 sees
    /// it (Tantivy's field norms).
    pub norms: Vec<[u32; FIELDS.len()]>,
    /// Tokens in each field over all posts.
    pub totals: [u64; FIELDS.len()],
    /// Per field of [`FIELDS`], its terms.
    pub terms: Vec<FieldTerms>,
}

/// Reads every live post and term of the index behind `searcher`.
pub(crate) fn corpus(searcher: &Searcher, fields: &Fields) -> Result<Corpus> {
    // First the posts, to number them in bundle order.
    let mut found: Vec<(Post, (u32, u32))> = Vec::new();
    for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
        let store = segment.get_store_reader(1).map_err(Error::Read)?;
        let segment_ord = u32::try_from(segment_ord).unwrap_or(u32::MAX);
        for doc in 0..segment.max_doc() {
            if segment
                .alive_bitset()
                .is_some_and(|alive| alive.is_deleted(doc))
            {
                continue;
            }
            let stored: TantivyDocument = store.get(doc)?;
            found.push((post(&stored, fields), (segment_ord, doc)));
        }
    }
    found.sort_by(|(a, _), (b, _)| a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id)));
    let mut number: FxHashMap<(u32, u32), u32> = FxHashMap::default();
    for (index, (_, address)) in found.iter().enumerate() {
        number.insert(*address, u32::try_from(index).unwrap_or(u32::MAX));
    }
    let mut norms = vec![[0u32; FIELDS.len()]; found.len()];
    let mut totals = [0u64; FIELDS.len()];
    let mut terms: Vec<FieldTerms> = vec![FieldTerms::default(); FIELDS.len()];
    for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
        let segment_ord = u32::try_from(segment_ord).unwrap_or(u32::MAX);
        for (index, (_, field_of, with_positions)) in FIELDS.iter().enumerate() {
            let field = field_of(fields);
            let fieldnorms = segment.get_fieldnorms_reader(field)?;
            for doc in 0..segment.max_doc() {
                if let Some(&post) = number.get(&(segment_ord, doc)) {
                    let norm = fieldnorms.fieldnorm(doc);
                    norms[post as usize][index] = norm;
                    totals[index] += u64::from(norm);
                }
            }
            let option = if *with_positions {
                IndexRecordOption::WithFreqsAndPositions
            } else {
                IndexRecordOption::WithFreqs
            };
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().stream().map_err(Error::Read)?;
            while stream.advance() {
                let Ok(text) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let mut postings = inverted
                    .read_postings_from_terminfo(stream.value(), option)
                    .map_err(Error::Read)?;
                let list = terms[index].entry(text.to_owned()).or_default();
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    if let Some(&post) = number.get(&(segment_ord, doc)) {
                        let mut positions = Vec::new();
                        if *with_positions {
                            postings.positions(&mut positions);
                        }
                        list.push(Posting {
                            post,
                            frequency: postings.term_freq(),
                            positions,
                        });
                    }
                    doc = postings.advance();
                }
            }
        }
    }
    for field in &mut terms {
        field.retain(|_, list| !list.is_empty());
        for list in field.values_mut() {
            list.sort_by_key(|posting| posting.post);
        }
    }
    Ok(Corpus {
        posts: found.into_iter().map(|(post, _)| post).collect(),
        norms,
        totals,
        terms,
    })
}

fn post(doc: &TantivyDocument, fields: &Fields) -> Post {
    let text = |field: Field| {
        doc.get_first(field)
            .and_then(|value| value.as_str())
            .map(str::to_owned)
    };
    let texts = |field: Field| -> Vec<String> {
        doc.get_all(field)
            .filter_map(|value| value.as_str().map(str::to_owned))
            .collect()
    };
    Post {
        id: text(fields.id).unwrap_or_default(),
        path: text(fields.file).unwrap_or_default(),
        title: text(fields.title).unwrap_or_default(),
        url: text(fields.url).unwrap_or_default(),
        author: text(fields.author),
        body: text(fields.body).unwrap_or_default(),
        date: doc
            .get_first(fields.date)
            .and_then(|value| value.as_datetime())
            .map(|date| date.into_timestamp_secs()),
        tags: texts(fields.tags),
        categories: texts(fields.categories),
    }
}
