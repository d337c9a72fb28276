//! The archive a benchmark runs on, and its post files. Shared by the
//! benches through `#[path]`; not a bench target of its own.

use std::path::{Path, PathBuf};

use sagasu_indexer::ArchiveSettings;
use sagasu_indexer::post::Post;

/// The archive to benchmark: `SAGASU_BENCH_ARCHIVE`, by default the bundled
/// sample archive (relative to the package root, where `cargo bench` runs).
pub fn archive_root() -> PathBuf {
    std::env::var_os("SAGASU_BENCH_ARCHIVE")
        .map_or_else(|| PathBuf::from("tests/sample-archive"), PathBuf::from)
}

/// The published posts of the archive, as `sagasu index` reads them, in a
/// stable order, so that whatever is drawn from the list is the same on
/// every run.
pub fn posts(root: &Path) -> Vec<Post> {
    let mut posts = sagasu_indexer::read_posts(&[root.to_path_buf()], &ArchiveSettings::default())
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", root.display()));
    posts.sort_by(|a, b| a.id.cmp(&b.id));
    posts
}
