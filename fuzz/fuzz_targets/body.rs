//! A post's body, as Markdown and as HTML, to plain text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| sagasu_indexer::fuzzing::body(text));
