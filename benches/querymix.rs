//! Writes the query mix of `benches/queries.rs` to a file for the HTTP
//! comparison with Groonga (`benches/compare/run.sh`), and prints the
//! library's p50/p99 per class over one pass of it.
//!
//! Environment: `SAGASU_BENCH_ARCHIVE` (default: the bundled sample
//! archive), `SAGASU_BENCH_INDEX` (an index of that archive; default: one
//! built in a temporary directory), `SAGASU_BENCH_MIX_OUT` (where to write
//! the mix; default: nowhere). The file has one line per query: the class,
//! the `sagasu serve` request path and the equivalent Groonga `select` path,
//! separated by tabs.
//!
//! ```sh
//! SAGASU_BENCH_ARCHIVE=/tmp/archive SAGASU_BENCH_MIX_OUT=/tmp/mix.tsv cargo bench --bench querymix
//! ```

#[path = "support/alloc.rs"]
mod alloc;
#[path = "support/archive.rs"]
mod archive;
#[path = "support/groonga.rs"]
mod groonga;
#[path = "support/mix.rs"]
mod mix;

use std::fmt::Write as _;

fn main() {
    let mix::Bench {
        searcher, queries, ..
    } = &mix::load();
    if let Some(out) = std::env::var_os("SAGASU_BENCH_MIX_OUT") {
        let mut text = String::new();
        for query in queries {
            writeln!(
                text,
                "{}\t{}\t{}",
                query.class.name(),
                query.sagasu_path(),
                groonga::groonga_path(query)
            )
            .expect("writing to a String succeeds");
        }
        std::fs::write(&out, text).expect("the mix file can be written");
        println!("wrote {}", std::path::Path::new(&out).display());
    }
    mix::print_percentiles(searcher, queries);
}
