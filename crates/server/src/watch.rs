//! `sagasu serve --watch`: re-index when the posts change on disk.
//!
//! File-system events are debounced (a save often fires several), then one
//! incremental indexing run brings the index in line with the directories:
//! only changed, added and removed files are touched, in one commit, which
//! the server's reader picks up by itself.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use notify::RecursiveMode;
use notify::event::EventKind;
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use sagasu_indexer::{IndexOptions, Report};

/// How long the files must be quiet before a run starts.
const DEBOUNCE: Duration = Duration::from_millis(300);

/// A running watch; dropping it stops watching.
pub struct Watcher {
    _debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher").finish_non_exhaustive()
    }
}

/// Indexes `roots` into `index` with `options` at once, then watches them
/// and indexes again after each burst of changes, passing each run's outcome
/// to `on_run` (on the watcher's own thread). Watching starts before the
/// first run, so nothing changed during it is missed, and runs never overlap.
///
/// Fails when the posts cannot be watched: a file-system watch cannot be
/// set up on one of `roots`, or the watcher's thread cannot start.
pub fn watch(
    roots: Vec<PathBuf>,
    index: PathBuf,
    options: IndexOptions,
    on_run: impl Fn(Result<Report, sagasu_indexer::Error>) + Send + 'static,
) -> Result<Watcher, notify::Error> {
    let (events, changes) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(DEBOUNCE, None, events)?;
    for root in &roots {
        debouncer.watch(root, RecursiveMode::Recursive)?;
    }
    std::thread::Builder::new()
        .name("sagasu-watch".to_owned())
        .spawn(move || {
            let run = || {
                // A panic in one run must not end the watch: report it and
                // keep watching.
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    sagasu_indexer::index(&index, &roots, &options, &|_| {})
                }));
                match outcome {
                    Ok(result) => on_run(result),
                    Err(_) => tracing::error!("an indexing run panicked; still watching"),
                }
            };
            run();
            // Ends when the debouncer, and with it the sender, is dropped.
            for batch in changes {
                let changed = match batch {
                    Ok(events) => events
                        .iter()
                        .any(|event| !matches!(event.kind, EventKind::Access(_))),
                    Err(errors) => {
                        for error in errors {
                            tracing::warn!(%error, "watching the posts");
                        }
                        true
                    }
                };
                if changed {
                    run();
                }
            }
        })
        .map_err(notify::Error::io)?;
    Ok(Watcher {
        _debouncer: debouncer,
    })
}
