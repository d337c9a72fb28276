//! The index schema, owned here and shared with the read side.
//!
//! | field | indexed | stored | fast | holds |
//! |---|---|---|---|---|
//! | `id` | exact | yes | yes | the post's id: its file's id, and `#KEY` for a file of many posts |
//! | `file` | exact | yes | yes | the id of the file it was read from (see [`crate::archive`]) |
//! | `format` | exact | yes | yes | the format that read it ([`crate::Format`], kebab-case) |
//! | `hash` | | | yes | xxh3 of the file, to skip unchanged files |
//! | `size`, `mtime` | | | yes | the file's size and modification time (ns since 1970), checked before the hash |
//! | `post_hash` | | | yes | xxh3 of the post as read, to tell which posts of a changed file changed |
//! | `title` | | yes | | title as written |
//! | `title_terms`, `body_terms` | terms + positions | | | morphological terms ([`sagasu_analyzer`]) |
//! | `title_bigrams`, `body_bigrams` | terms + positions | | | character bigrams |
//! | `label_terms` | terms + positions | | | morphological terms of the tag and category names |
//! | `title_readings`, `body_readings` | terms + frequencies | | | katakana readings of words and runs of words, for hiragana queries |
//! | `body` | | yes | | plain text of the body, for snippets |
//! | `url`, `author` | | yes | | permalink and author |
//! | `date` | yes | yes | yes | local date and time (wall clock, stored as UTC) |
//! | `tag`, `category` | exact | | | normalized keys ([`sagasu_analyzer::normalize_key`]) for filters |
//! | `tag_facet`, `category_facet` | | | yes | `key` U+001F `as written`, for facet counts |
//! | `tags`, `categories` | | yes | | names as written |
//! | `extra` | | yes | | other front matter keys |
//!
//! Text fields are indexed from the analyzer's tokens, made before the
//! document reaches Tantivy so that an analysis error is reported against its
//! post; their tokenizer ([`TOKENIZER`]) only reads those tokens back (see
//! the indexer's `tokens` module).

use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, IndexRecordOption, JsonObjectOptions, STORED,
    STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::{Error, Result};

/// Version of the schema. Bump it whenever the fields or their options
/// change, or the way Tantivy writes them (6: dictionaries of the fast
/// fields without zstd, which the build no longer has).
pub const SCHEMA_VERSION: u32 = 6;

pub use crate::tokens::TOKENIZER;

/// Separator between a facet key and its spelling in `*_facet` fields.
pub const FACET_SEPARATOR: char = '\u{1f}';

/// Names of the fields that readers look up by name (fast fields).
pub const ID: &str = "id";
pub const FILE: &str = "file";
pub const FORMAT: &str = "format";
pub const HASH: &str = "hash";
pub const POST_HASH: &str = "post_hash";
pub const SIZE: &str = "size";
pub const MTIME: &str = "mtime";
pub const DATE: &str = "date";
pub const TAG_FACET: &str = "tag_facet";
pub const CATEGORY_FACET: &str = "category_facet";

/// Handles to every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub file: Field,
    pub format: Field,
    pub hash: Field,
    pub post_hash: Field,
    pub size: Field,
    pub mtime: Field,
    pub title: Field,
    pub title_terms: Field,
    pub title_bigrams: Field,
    pub body: Field,
    pub body_terms: Field,
    pub body_bigrams: Field,
    pub label_terms: Field,
    pub title_readings: Field,
    pub body_readings: Field,
    pub url: Field,
    pub author: Field,
    pub date: Field,
    pub tag: Field,
    pub tag_facet: Field,
    pub tags: Field,
    pub category: Field,
    pub category_facet: Field,
    pub categories: Field,
    pub extra: Field,
}

/// Builds the schema.
pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let analysed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    // A reading query is one term, never a phrase: no positions.
    let readings = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let stored_text = TextOptions::default().set_stored();
    let fields = Fields {
        id: builder.add_text_field(ID, STRING | STORED | FAST),
        file: builder.add_text_field(FILE, STRING | STORED | FAST),
        format: builder.add_text_field(FORMAT, STRING | STORED | FAST),
        hash: builder.add_u64_field(HASH, FAST),
        post_hash: builder.add_u64_field(POST_HASH, FAST),
        size: builder.add_u64_field(SIZE, FAST),
        mtime: builder.add_i64_field(MTIME, FAST),
        title: builder.add_text_field("title", stored_text.clone()),
        title_terms: builder.add_text_field("title_terms", analysed.clone()),
        title_bigrams: builder.add_text_field("title_bigrams", analysed.clone()),
        body: builder.add_text_field("body", stored_text.clone()),
        body_terms: builder.add_text_field("body_terms", analysed.clone()),
        body_bigrams: builder.add_text_field("body_bigrams", analysed.clone()),
        label_terms: builder.add_text_field("label_terms", analysed),
        title_readings: builder.add_text_field("title_readings", readings.clone()),
        body_readings: builder.add_text_field("body_readings", readings),
        url: builder.add_text_field("url", stored_text.clone()),
        author: builder.add_text_field("author", stored_text.clone()),
        date: builder.add_date_field(
            DATE,
            DateOptions::from(tantivy::schema::INDEXED | STORED | FAST)
                .set_precision(DateTimePrecision::Seconds),
        ),
        tag: builder.add_text_field("tag", STRING),
        tag_facet: builder.add_text_field(TAG_FACET, FAST),
        tags: builder.add_text_field("tags", stored_text.clone()),
        category: builder.add_text_field("category", STRING),
        category_facet: builder.add_text_field(CATEGORY_FACET, FAST),
        categories: builder.add_text_field("categories", stored_text),
        extra: builder.add_json_field("extra", JsonObjectOptions::default().set_stored()),
    };
    (builder.build(), fields)
}

impl Fields {
    /// Finds the fields in an opened index's schema, which must be exactly
    /// [`build`]'s.
    pub fn of(schema: &Schema) -> Result<Self> {
        let (expected, fields) = build();
        if *schema == expected {
            Ok(fields)
        } else {
            Err(Error::SchemaMismatch)
        }
    }
}
