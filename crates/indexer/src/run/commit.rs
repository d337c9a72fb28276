//! The run's one writer and its one commit: every deletion and addition,
//! made as the files are read, lands in a single commit, which carries the
//! index's provenance, so readers see the old archive or the new one and
//! never half of each.
//!
//! The writer is opened at the run's first change, so a run that changes
//! nothing takes no lock and creates no index. Each document goes to
//! Tantivy's indexing threads as soon as it is built: their queue holds a
//! bounded number of documents, so memory does not grow with the archive.

use std::path::Path;
use std::sync::{Mutex, OnceLock, PoisonError};

use tantivy::{IndexWriter, TantivyDocument, Term};

use super::{IndexOptions, Progress, tantivy_error};
use crate::store::{self, Provenance, SagasuIndex};
use crate::{Error, Result};

/// What a run changes in the index, written as it is decided.
pub(super) struct Changes<'a> {
    index_dir: &'a Path,
    options: &'a IndexOptions,
    provenance: &'a Provenance,
    /// The index as the run found it; taken when the writer opens.
    existing: Mutex<Option<SagasuIndex>>,
    /// The writer, once the first change opened it (or failed to).
    open: OnceLock<Result<Open>>,
    /// The first document Tantivy refused.
    refused: Mutex<Option<Error>>,
}

/// An index and its writer.
struct Open {
    store: SagasuIndex,
    writer: IndexWriter<TantivyDocument>,
}

impl<'a> Changes<'a> {
    /// Changes to the index at `index_dir`: `existing` when there is one.
    pub(super) fn new(
        index_dir: &'a Path,
        options: &'a IndexOptions,
        provenance: &'a Provenance,
        existing: Option<SagasuIndex>,
    ) -> Self {
        Self {
            index_dir,
            options,
            provenance,
            existing: Mutex::new(existing),
            open: OnceLock::new(),
            refused: Mutex::new(None),
        }
    }

    /// Deletes the post `id`: the documents added before with that id.
    pub(super) fn delete(&self, id: &str) {
        if let Some(open) = self.writer() {
            open.writer
                .delete_term(Term::from_field_text(open.store.fields.id, id));
        }
    }

    /// Adds a document.
    pub(super) fn add(&self, doc: TantivyDocument) {
        let Some(open) = self.writer() else { return };
        if let Err(source) = open.writer.add_document(doc) {
            let mut refused = self.refused.lock().unwrap_or_else(PoisonError::into_inner);
            refused.get_or_insert_with(|| tantivy_error(self.index_dir)(source));
        }
    }

    /// The writer, opened on first use; `None` when it could not be (the
    /// error is returned by [`Changes::commit`]).
    fn writer(&self) -> Option<&Open> {
        self.open
            .get_or_init(|| {
                let existing = self
                    .existing
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take();
                open(self.index_dir, self.options, self.provenance, existing)
            })
            .as_ref()
            .ok()
    }

    /// Commits the run's changes, and says whether it did: a run that
    /// changed nothing commits only an index that has no commit yet, so
    /// that it records its provenance.
    pub(super) fn commit(self, progress: &(dyn Fn(Progress) + Sync)) -> Result<bool> {
        if let Some(error) = self
            .refused
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
        {
            return Err(error);
        }
        let Open { mut writer, .. } = match self.open.into_inner() {
            Some(open) => open?,
            None => {
                let existing = self
                    .existing
                    .into_inner()
                    .unwrap_or_else(PoisonError::into_inner);
                if let Some(store) = &existing
                    && store.provenance()?.is_some()
                {
                    return Ok(false);
                }
                open(self.index_dir, self.options, self.provenance, existing)?
            }
        };
        progress(Progress::Committing);
        let tantivy_error = tantivy_error(self.index_dir);
        let mut commit = writer.prepare_commit().map_err(tantivy_error)?;
        commit.set_payload(&self.provenance.to_payload());
        commit.commit().map_err(tantivy_error)?;
        writer.wait_merging_threads().map_err(tantivy_error)?;
        store::share_files(self.index_dir)?;
        Ok(true)
    }
}

/// Opens the index at `index_dir` for writing: `existing`, or a new one.
fn open(
    index_dir: &Path,
    options: &IndexOptions,
    provenance: &Provenance,
    existing: Option<SagasuIndex>,
) -> Result<Open> {
    store::check_writable(index_dir)?;
    let store = match existing {
        Some(store) => store,
        None => SagasuIndex::open_or_create(index_dir, provenance)?,
    };
    let threads = options.threads.max(1);
    let memory = threads * options.memory_per_thread.max(15 << 20);
    let writer = store
        .index
        .writer_with_num_threads(threads, memory)
        .map_err(|source| match source {
            tantivy::TantivyError::LockFailure(..) => Error::Locked {
                path: index_dir.to_path_buf(),
            },
            source => tantivy_error(index_dir)(source),
        })?;
    Ok(Open { store, writer })
}
