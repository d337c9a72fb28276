//! Analyzer throughput on real post text.
//!
//! Reads the posts under `SAGASU_BENCH_ARCHIVE` (default: the bundled
//! sample archive) and measures how fast their bodies are analysed, in
//! bytes of input per second:
//!
//! ```sh
//! SAGASU_BENCH_ARCHIVE=../shared/corpus/hirofukami cargo bench --bench analyzer
//! ```

use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sagasu_analyzer::Analyzer;
use sagasu_indexer::post::{is_post_file, parse_post};

/// The plain-text bodies of every post under `root`.
fn bodies(root: &Path) -> Vec<String> {
    let mut bodies = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if is_post_file(&path) {
                let relative = path.strip_prefix(root).unwrap_or(&path);
                if let Ok(post) = std::fs::read(&path)
                    .map_err(|_| ())
                    .and_then(|bytes| parse_post(relative, &bytes).map_err(|_| ()))
                {
                    bodies.push(post.body);
                }
            }
        }
    }
    bodies
}

fn analyzer_throughput(c: &mut Criterion) {
    let root = std::env::var_os("SAGASU_BENCH_ARCHIVE")
        .map_or_else(|| PathBuf::from("tests/sample-archive"), PathBuf::from);
    let bodies = bodies(&root);
    assert!(!bodies.is_empty(), "no posts under {}", root.display());
    let bytes: usize = bodies.iter().map(String::len).sum();
    let analyzer = Analyzer::new().expect("the embedded dictionary loads");

    let mut group = c.benchmark_group("analyzer");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function(format!("analyze {} posts", bodies.len()), |b| {
        b.iter(|| {
            for body in &bodies {
                let analysis = analyzer.analyze(body).expect("analysis succeeds");
                std::hint::black_box(analysis);
            }
        });
    });
    group.finish();
}

criterion_group!(benches, analyzer_throughput);
criterion_main!(benches);
