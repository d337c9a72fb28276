//! Acceptance checks on the real archive sagasu is built for:
//! `../shared/corpus/hirofukami` (874 posts, 2002–2023), read in place and
//! never copied. Set `SAGASU_CORPUS` to the corpus directory to run them
//! elsewhere; without the corpus they print why and pass.

use assert_cmd::Command;
use serde_json::Value;

const SEED: &str = "_posts/2009-07-11-hbstudy-1.md";

fn sagasu() -> Command {
    Command::from_std(sagasu_test_support::cli::sagasu(env!(
        "CARGO_BIN_EXE_sagasu"
    )))
}

fn json(output: &[u8]) -> Value {
    serde_json::from_slice(output).expect("the output is JSON")
}

fn ids(response: &Value) -> Vec<&str> {
    response["hits"]
        .as_array()
        .expect("hits is an array")
        .iter()
        .map(|hit| hit["id"].as_str().expect("id is a string"))
        .collect()
}

#[test]
fn the_real_archive_indexes_and_finds_the_seed_post() {
    let Some(archive) = sagasu_test_support::corpus("hirofukami") else {
        return;
    };
    let temp = tempfile::tempdir().expect("temp dir");
    let index = temp.path().join("h");

    let report = sagasu()
        .arg("index")
        .arg(&archive)
        .arg("--index")
        .arg(&index)
        .arg("--json")
        .assert()
        .success();
    let report = json(&report.get_output().stdout);
    assert_eq!(report["added"], 874, "{report}");
    assert_eq!(
        report["failed"].as_array().map(Vec::len),
        Some(0),
        "{report}"
    );

    let seed_search = sagasu()
        .args([
            "search",
            "インフラエンジニア",
            "--tag",
            "hbstudy",
            "--category",
            "Tech",
        ])
        .args([
            "--from",
            "2009-07-01",
            "--to",
            "2009-07-31",
            "--json",
            "--index",
        ])
        .arg(&index)
        .assert()
        .success();
    let response = json(&seed_search.get_output().stdout);
    assert_eq!(ids(&response).first(), Some(&SEED), "{response}");

    for query in ["ｲﾝﾌﾗ", "ＡＷＳ", "ハートビー"] {
        let search = sagasu()
            .args(["search", query, "--limit", "100", "--json", "--index"])
            .arg(&index)
            .assert()
            .success();
        let response = json(&search.get_output().stdout);
        assert!(
            ids(&response).contains(&SEED),
            "{query} does not find {SEED}: {response}"
        );
    }
}
