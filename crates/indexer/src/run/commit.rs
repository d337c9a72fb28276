//! The run's one write: every deletion and addition in a single commit,
//! which carries the index's provenance, so readers see the old archive or
//! the new one and never half of each.

use std::path::Path;

use tantivy::{IndexWriter, TantivyDocument, Term};

use super::{IndexOptions, Progress, tantivy_error};
use crate::store::{self, Provenance, SagasuIndex};
use crate::{Error, Result};

/// Deletes the posts of `delete` by id, adds the documents of `add`, and
/// commits.
pub(super) fn write(
    store: &SagasuIndex,
    index_dir: &Path,
    options: &IndexOptions,
    provenance: &Provenance,
    delete: &[String],
    add: Vec<TantivyDocument>,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<()> {
    let tantivy_error = tantivy_error(index_dir);
    let threads = options.threads.max(1);
    let mut writer: IndexWriter<TantivyDocument> = store
        .index
        .writer_with_num_threads(threads, threads * options.memory_per_thread.max(15 << 20))
        .map_err(|source| match source {
            tantivy::TantivyError::LockFailure(..) => Error::Locked {
                path: index_dir.to_path_buf(),
            },
            source => tantivy_error(source),
        })?;
    progress(Progress::Committing);
    for id in delete {
        writer.delete_term(Term::from_field_text(store.fields.id, id));
    }
    for doc in add {
        writer.add_document(doc).map_err(tantivy_error)?;
    }
    let mut commit = writer.prepare_commit().map_err(tantivy_error)?;
    commit.set_payload(&provenance.to_payload());
    commit.commit().map_err(tantivy_error)?;
    writer.wait_merging_threads().map_err(tantivy_error)?;
    store::share_files(index_dir)
}
