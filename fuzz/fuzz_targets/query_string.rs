//! The server's query-string parameters.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|query: &str| sagasu_server::fuzzing::query_string(query));
