//! Following the index's commits: the searcher's reader loads each new
//! commit when the commit file changes, keeps serving the one before when a
//! commit cannot be loaded yet, and tries again until it can.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use tantivy::IndexReader;

/// How often a commit that could not be loaded is tried again: the commit
/// file does not change when the files it names arrive after it.
const RELOAD_RETRY: Duration = Duration::from_millis(500);

/// The reader's side of following commits.
pub(crate) struct Follow {
    reader: IndexReader,
    index: tantivy::Index,
    reloads: Mutex<Reloads>,
    /// Whether a thread is trying a failed reload again.
    retrying: AtomicBool,
}

impl Follow {
    /// Follows the commits of `index` for `reader`, which serves the
    /// commit `commit` now.
    pub(crate) fn new(reader: IndexReader, index: tantivy::Index, commit: u64) -> Arc<Self> {
        Arc::new(Self {
            reader,
            index,
            reloads: Mutex::new(Reloads {
                commit,
                last_loaded: Some(SystemTime::now()),
                ..Reloads::default()
            }),
            retrying: AtomicBool::new(false),
        })
    }

    /// How the reader has followed the commits so far.
    pub(crate) fn reloads(&self) -> Reloads {
        self.reloads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Loads the current commit; when that fails, the commit before keeps
    /// serving, and a thread tries again every [`RELOAD_RETRY`] until it
    /// succeeds (or the searcher is gone).
    pub(crate) fn reload(self: &Arc<Self>) {
        if self.try_reload() || self.retrying.swap(true, Ordering::AcqRel) {
            return;
        }
        let follow = Arc::downgrade(self);
        let retry = move || {
            loop {
                std::thread::sleep(RELOAD_RETRY);
                let Some(follow) = follow.upgrade() else {
                    return;
                };
                if follow.try_reload() {
                    follow.retrying.store(false, Ordering::Release);
                    return;
                }
            }
        };
        if std::thread::Builder::new()
            .name("sagasu-reload".to_owned())
            .spawn(retry)
            .is_err()
        {
            // The next change of the commit file tries again.
            self.retrying.store(false, Ordering::Release);
        }
    }

    /// One reload, recorded; whether it succeeded.
    fn try_reload(&self) -> bool {
        let outcome = self.reader.reload().and_then(|()| self.index.load_metas());
        let mut reloads = self.reloads.lock().unwrap_or_else(PoisonError::into_inner);
        match outcome {
            Ok(meta) => {
                if meta.opstamp != reloads.commit {
                    reloads.loaded += 1;
                }
                reloads.commit = meta.opstamp;
                reloads.last_loaded = Some(SystemTime::now());
                reloads.last_error = None;
                true
            }
            Err(err) => {
                reloads.failed += 1;
                reloads.last_error = Some(err.to_string());
                false
            }
        }
    }
}

/// How the reader follows the index's commits: which one it serves, when it
/// last loaded one, and why it could not when its last try failed (a commit
/// whose segment files are not all there yet: the one before keeps serving).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reloads {
    /// The opstamp of the commit searches see: it grows with every commit,
    /// and is the same in every copy of one index.
    pub commit: u64,
    /// New commits loaded since the index was opened.
    pub loaded: u64,
    /// When the commit file was last loaded, whether or not it named a new
    /// commit (or when the index was opened).
    pub last_loaded: Option<SystemTime>,
    /// Attempts that failed since the index was opened.
    pub failed: u64,
    /// Why the last attempt failed; `None` once one succeeds.
    pub last_error: Option<String>,
}
