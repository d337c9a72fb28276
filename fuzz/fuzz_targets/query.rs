//! The query language: parsed and planned, as a search does.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use sagasu_search::fuzzing::QueryPlanner;

static PLANNER: LazyLock<QueryPlanner> =
    LazyLock::new(|| QueryPlanner::new().expect("the dictionary loads"));

fuzz_target!(|text: &str| PLANNER.run(text));
