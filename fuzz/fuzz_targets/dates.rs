//! Every date form: front matter and export dates, file-name prefixes,
//! Movable Type's dates.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| sagasu_indexer::fuzzing::dates(text));
