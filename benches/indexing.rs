//! Indexing throughput, in bytes of source files per second.
//!
//! - **full build**: the archive at `SAGASU_BENCH_ARCHIVE` (default: the
//!   bundled sample archive) indexed from scratch into a fresh temporary
//!   directory on every iteration, with the default options (every core).
//!   The archive may be a folder or an export file.
//! - **incremental, 1 edited post** (folders): a copy of the archive,
//!   indexed once; each iteration edits one Markdown post (the middle one in
//!   path order) and runs the indexer again, which re-hashes every file and
//!   re-indexes that post.
//! - **incremental, no change** (folders): the same run with nothing edited.
//!
//! ```sh
//! python3 ../shared/bench/make-archive.py 10485 /tmp/archive-10485
//! SAGASU_BENCH_ARCHIVE=/tmp/archive-10485 cargo bench --bench indexing
//! # The same posts as one WordPress export:
//! python3 benches/compare/make-wxr.py /tmp/archive-10485 /tmp/archive-10485.xml
//! SAGASU_BENCH_ARCHIVE=/tmp/archive-10485.xml cargo bench --bench indexing
//! ```

#[path = "support/alloc.rs"]
mod alloc;
#[path = "support/archive.rs"]
mod archive;

use std::path::{Path, PathBuf};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use sagasu_indexer::{IndexOptions, Report, index};

fn run(index_dir: &Path, root: &Path) -> Report {
    index(
        index_dir,
        &[root.to_path_buf()],
        &IndexOptions::default(),
        &|_| {},
    )
    .expect("the archive can be indexed")
}

fn indexing(c: &mut Criterion) {
    let root = archive::archive_root();
    let files = files(&root);
    let posts = archive::posts(&root).len();
    assert!(posts > 0, "no posts under {}", root.display());
    let bytes: u64 = files
        .iter()
        .map(|file| {
            std::fs::metadata(file)
                .expect("a post file has metadata")
                .len()
        })
        .sum();

    let mut group = c.benchmark_group("indexing");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function(format!("full build, {posts} posts"), |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("a temporary directory can be made"),
            |dir| {
                std::hint::black_box(run(&dir.path().join("index"), &root));
                // Dropped (deleted) outside the timed part.
                dir
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
    if root.is_file() {
        return;
    }

    // A copy of the archive, so the edits never touch the original.
    let copy = tempfile::tempdir().expect("a temporary directory can be made");
    let mut edited = PathBuf::new();
    for (i, file) in files.iter().enumerate() {
        let target = copy.path().join(relative_id(&root, file));
        std::fs::create_dir_all(target.parent().expect("a post file has a parent"))
            .expect("the copy's directories can be made");
        std::fs::copy(file, &target).expect("a post file can be copied");
        if i >= files.len() / 2
            && edited.as_os_str().is_empty()
            && file.extension().is_some_and(|e| e == "md")
        {
            edited = target;
        }
    }
    let original = std::fs::read(&edited).expect("the edited post can be read");
    let index_dir = copy.path().join(".index");
    run(&index_dir, copy.path());

    let mut group = c.benchmark_group("indexing incremental");
    group.sample_size(10);
    let mut edits = 0_u64;
    group.bench_function("1 edited post", |b| {
        b.iter(|| {
            edits += 1;
            let mut content = original.clone();
            content.extend_from_slice(format!("\n追記 {edits}\n").as_bytes());
            std::fs::write(&edited, content).expect("the edited post can be written");
            let report = run(&index_dir, copy.path());
            assert_eq!(report.updated, 1, "exactly the edited post is re-indexed");
            report
        });
    });
    group.bench_function("no change", |b| {
        b.iter(|| {
            let report = run(&index_dir, copy.path());
            assert_eq!(report.changes(), 0, "nothing changed");
            report
        });
    });
    group.finish();
}

criterion_group!(benches, indexing);
criterion_main!(benches);

/// Every file under `root`, outside hidden folders, sorted by path: what a
/// copy of the archive needs.
fn files(root: &Path) -> Vec<PathBuf> {
    if root.is_file() {
        return vec![root.to_path_buf()];
    }
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", dir.display()));
        for entry in entries {
            let entry = entry.expect("a directory entry can be read");
            let file_type = entry.file_type().expect("a file type can be read");
            if file_type.is_dir() && !entry.file_name().to_string_lossy().starts_with('.') {
                stack.push(entry.path());
            } else if file_type.is_file() {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    files
}

/// The path of `file` relative to `root` with `/` separators: the post's id.
fn relative_id(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
