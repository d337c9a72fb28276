//! Analyzer throughput on real post text.
//!
//! Reads the posts under `SAGASU_BENCH_ARCHIVE` (default: the bundled
//! sample archive) and measures how fast their bodies are analysed, in
//! bytes of input per second:
//!
//! ```sh
//! SAGASU_BENCH_ARCHIVE=../shared/corpus/hirofukami cargo bench --bench analyzer
//! ```

#[path = "support/alloc.rs"]
mod alloc;
#[path = "support/archive.rs"]
mod archive;

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sagasu_analyzer::Analyzer;

/// The plain-text bodies of the posts under `root`.
fn bodies(root: &Path) -> Vec<String> {
    archive::posts(root)
        .into_iter()
        .map(|post| post.body)
        .collect()
}

fn analyzer_throughput(c: &mut Criterion) {
    let root = archive::archive_root();
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
