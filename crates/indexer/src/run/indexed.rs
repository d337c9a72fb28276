//! What the index holds, by file: each post's id, format, fingerprint and
//! the stamp of the file it came from, read from the fast fields in one
//! pass, so that a run reads again only the files that changed.

use std::collections::HashMap;

use tantivy::ReloadPolicy;

use super::report::Report;

use crate::document::FileStamp;
use crate::format::Format;
use crate::schema;
use crate::store::SagasuIndex;

/// What the index holds for one post.
#[derive(Debug, Clone)]
pub(super) struct Indexed {
    pub(super) id: String,
    pub(super) format: Option<Format>,
    pub(super) post_hash: u64,
    pub(super) stamp: FileStamp,
}

/// What the index holds for one file.
#[derive(Debug, Default)]
pub(super) struct IndexedFile {
    pub(super) posts: Vec<Indexed>,
}

impl IndexedFile {
    /// The stamp of the file's posts, when they all have the same one (a
    /// post kept from an older version after it failed has another).
    pub(super) fn stamp(&self) -> Option<FileStamp> {
        let first = self.posts.first()?.stamp;
        self.posts
            .iter()
            .all(|post| post.stamp == first)
            .then_some(first)
    }

    /// Deletes every post of the file, and counts them removed.
    pub(super) fn remove_all(&self, delete: &mut Vec<String>, report: &mut Report) {
        for post in &self.posts {
            delete.push(post.id.clone());
            report.removed += 1;
            if let Some(format) = post.format {
                report.count(format).removed += 1;
            }
        }
    }
}

/// What the index holds, by file id.
pub(super) fn files(store: &SagasuIndex) -> tantivy::Result<HashMap<String, IndexedFile>> {
    let reader = store
        .index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let mut files: HashMap<String, IndexedFile> = HashMap::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let (Some(ids), Some(file_ids), Some(formats)) = (
            fast.str(schema::ID)?,
            fast.str(schema::FILE)?,
            fast.str(schema::FORMAT)?,
        ) else {
            continue;
        };
        let (hashes, sizes, mtimes, post_hashes) = (
            fast.u64(schema::HASH)?,
            fast.u64(schema::SIZE)?,
            fast.i64(schema::MTIME)?,
            fast.u64(schema::POST_HASH)?,
        );
        // Every term of a column in one pass over its dictionary, where
        // looking each one up would decompress a dictionary block per post.
        let terms = |column: &tantivy::columnar::StrColumn| -> std::io::Result<Vec<String>> {
            let mut by_ord = Vec::with_capacity(column.num_terms());
            let mut stream = column.dictionary().stream()?;
            while stream.advance() {
                by_ord.push(String::from_utf8_lossy(stream.key()).into_owned());
            }
            Ok(by_ord)
        };
        let (id_terms, file_terms, format_terms) =
            (terms(&ids)?, terms(&file_ids)?, terms(&formats)?);
        let term = |column: &tantivy::columnar::StrColumn, by_ord: &[String], doc| {
            column
                .term_ords(doc)
                .next()
                .and_then(|ord| by_ord.get(usize::try_from(ord).ok()?).cloned())
        };
        for doc in segment.doc_ids_alive() {
            let (Some(id), Some(file), Some(hash), Some(size), Some(mtime), Some(post_hash)) = (
                term(&ids, &id_terms, doc),
                term(&file_ids, &file_terms, doc),
                hashes.first(doc),
                sizes.first(doc),
                mtimes.first(doc),
                post_hashes.first(doc),
            ) else {
                continue;
            };
            let format = term(&formats, &format_terms, doc).and_then(|key| Format::from_key(&key));
            files.entry(file).or_default().posts.push(Indexed {
                id,
                format,
                post_hash,
                stamp: FileStamp { hash, size, mtime },
            });
        }
    }
    Ok(files)
}
