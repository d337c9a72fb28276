//! The archive a benchmark runs on, and its post files. Shared by the
//! benches through `#[path]`; not a bench target of its own.

use std::path::{Path, PathBuf};

/// The archive to benchmark: `SAGASU_BENCH_ARCHIVE`, by default the bundled
/// sample archive (relative to the package root, where `cargo bench` runs).
pub fn archive_root() -> PathBuf {
    std::env::var_os("SAGASU_BENCH_ARCHIVE")
        .map_or_else(|| PathBuf::from("tests/sample-archive"), PathBuf::from)
}

/// Directories the indexer does not walk (see `sagasu index` in the README).
fn is_ignored_dir(name: &str) -> bool {
    name.starts_with('.') || matches!(name, "_site" | "node_modules" | "public" | "resources")
}

/// Every post file under `root` that `sagasu index` reads, sorted by path so
/// that whatever is drawn from the list is the same on every run.
pub fn post_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", dir.display()));
        for entry in entries {
            let entry = entry.expect("a directory entry can be read");
            let path = entry.path();
            let file_type = entry.file_type().expect("a file type can be read");
            if file_type.is_dir() {
                if !is_ignored_dir(&entry.file_name().to_string_lossy()) {
                    stack.push(path);
                }
            } else if file_type.is_file() && sagasu_indexer::post::is_post_file(&path) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The path of `file` relative to `root` with `/` separators: the post's id.
pub fn relative_id(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
