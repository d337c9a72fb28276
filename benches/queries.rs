//! Query latency through the library, per query class.
//!
//! Indexes the archive at `SAGASU_BENCH_ARCHIVE` (default: the bundled
//! sample archive) into a temporary directory, or opens the index at
//! `SAGASU_BENCH_INDEX` when set (it must hold that archive), and draws a
//! deterministic mix of up to 576 distinct queries from the archive itself
//! (`benches/support/mix.rs`): single word, two-word AND, phrase, tag filter,
//! category filter, date range, newest first, page 20 and `match=any`.
//!
//! It first prints p50/p99 per class over one timed pass of the mix (after a
//! warm-up pass), then criterion measures the mean latency of each class,
//! cycling through that class's queries:
//!
//! ```sh
//! SAGASU_BENCH_ARCHIVE=/tmp/archive-10485 cargo bench --bench queries
//! ```

#[path = "support/alloc.rs"]
mod alloc;
#[path = "support/archive.rs"]
mod archive;
#[path = "support/mix.rs"]
mod mix;

use criterion::Criterion;

fn main() {
    let mix::Bench {
        searcher, queries, ..
    } = &mix::load();
    mix::print_percentiles(searcher, queries);

    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("queries");
    for class in mix::Class::ALL {
        let slice: Vec<_> = queries.iter().filter(|q| q.class == class).collect();
        if slice.is_empty() {
            continue;
        }
        group.bench_function(class.name(), |b| {
            let mut next = slice.iter().cycle();
            b.iter(|| {
                let query = next.next().expect("the slice is not empty");
                searcher.search(&query.request).expect("search succeeds")
            });
        });
    }
    group.finish();
    criterion.final_summary();
}
