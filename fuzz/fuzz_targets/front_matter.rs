//! A post's front matter block: split, parsed, its values taken.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| sagasu_indexer::fuzzing::front_matter(text));
