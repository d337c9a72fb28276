//! `sagasu analyze` (no index needed) and `sagasu stats`.

mod util;

use serde_json::Value;
use util::{
    SAMPLE_POSTS, Sandbox, TestResult, fail, keys, owned, run_json, run_text, sample_archive,
    strings,
};

#[test]
fn analyze_shows_compound_parts_and_bigrams() -> TestResult {
    let sandbox = Sandbox::new()?;
    let mut cmd = sandbox.bare()?;
    cmd.args(["analyze", "株式会社ハートビーツ"]);
    let stdout = run_text(&mut cmd)?;
    let term_lines: Vec<Vec<&str>> = stdout
        .lines()
        .skip_while(|line| !line.starts_with("terms"))
        .skip(1)
        .take_while(|line| line.starts_with(' '))
        .map(|line| line.split_whitespace().take(3).collect())
        .collect();
    assert_eq!(
        term_lines,
        vec![
            vec!["0", "株式会社", "surface"],
            vec!["0", "株式", "part"],
            vec!["1", "会社", "part"],
            vec!["2", "ハートビーツ", "surface"],
        ],
        "{stdout}"
    );
    assert!(
        stdout.contains("株式@0 式会@1 会社@2 社ハ@3 ハー@4 ート@5 トビ@6 ビー@7 ーツ@8"),
        "{stdout}"
    );
    assert!(
        stdout.contains("searches: 株式会社 ハートビーツ"),
        "{stdout}"
    );
    Ok(())
}

#[test]
fn analyze_json_lists_terms_bigrams_and_query_terms() -> TestResult {
    let sandbox = Sandbox::new()?;
    let mut cmd = sandbox.bare()?;
    cmd.args(["analyze", "--json", "株式会社ハートビーツ"]);
    let analysis = run_json(&mut cmd)?;
    assert_eq!(
        keys(&analysis),
        owned(&[
            "bigrams",
            "query_reading",
            "query_terms",
            "readings",
            "terms",
            "text",
            "user_dictionary"
        ])
    );
    assert_eq!(analysis["text"], "株式会社ハートビーツ");
    let terms: Vec<(String, String, u64)> = analysis["terms"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            (
                t["text"].as_str().unwrap_or_default().to_owned(),
                t["kind"].as_str().unwrap_or_default().to_owned(),
                t["position"].as_u64().unwrap_or(u64::MAX),
            )
        })
        .collect();
    let expected = [
        ("株式会社", "surface", 0),
        ("株式", "part", 0),
        ("会社", "part", 1),
        ("ハートビーツ", "surface", 2),
    ]
    .map(|(text, kind, position)| (text.to_owned(), kind.to_owned(), position));
    assert_eq!(terms, expected);
    // Byte offsets into the text.
    let first = &analysis["terms"][0];
    assert_eq!(
        (first["offset_from"].as_u64(), first["offset_to"].as_u64()),
        (Some(0), Some(12))
    );
    let bigrams: Vec<String> = analysis["bigrams"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["text"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        bigrams,
        owned(&[
            "株式", "式会", "会社", "社ハ", "ハー", "ート", "トビ", "ビー", "ーツ"
        ])
    );
    assert_eq!(
        strings(&analysis["query_terms"]),
        owned(&["株式会社", "ハートビーツ"])
    );
    Ok(())
}

#[test]
fn analyze_normalizes_width_and_case() -> TestResult {
    let sandbox = Sandbox::new()?;
    let query_terms = |text: &str| -> TestResult<Vec<String>> {
        let mut cmd = sandbox.bare()?;
        cmd.args(["analyze", "--json", text]);
        Ok(strings(&run_json(&mut cmd)?["query_terms"]))
    };
    assert_eq!(query_terms("ＡＷＳ")?, query_terms("aws")?);
    assert_eq!(query_terms("AWS")?, query_terms("aws")?);
    assert_eq!(query_terms("ｲﾝﾌﾗ")?, query_terms("インフラ")?);
    // The base form is what a query searches.
    assert_eq!(query_terms("行った")?, owned(&["行く"]));
    Ok(())
}

#[test]
fn stats_json_describes_the_sample_archive() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.index(&[&sample_archive()])?;
    let stats = sandbox.stats()?;
    assert_eq!(
        keys(&stats),
        owned(&[
            "built_with",
            "first_date",
            "index_bytes",
            "last_date",
            "posts",
            "top_categories",
            "top_tags",
            "years"
        ])
    );
    assert_eq!(stats["posts"], SAMPLE_POSTS);
    assert_eq!(stats["first_date"], "2003-04-20");
    assert_eq!(stats["last_date"], "2024-12-29");
    assert!(
        stats["index_bytes"].as_u64().is_some_and(|b| b > 10_000),
        "{stats}"
    );

    // built_with is what the commit recorded in meta.json.
    let built_with = &stats["built_with"];
    assert_eq!(
        keys(built_with),
        owned(&["analyzer", "dictionary", "schema", "user_dictionary"])
    );
    assert_eq!(built_with["user_dictionary"], Value::Null, "{built_with}");
    assert!(
        built_with["schema"].as_u64().is_some_and(|v| v >= 1),
        "{built_with}"
    );
    assert!(
        built_with["analyzer"].as_u64().is_some_and(|v| v >= 1),
        "{built_with}"
    );
    assert!(
        built_with["dictionary"]
            .as_str()
            .is_some_and(|d| d.starts_with("mecab-ipadic-")),
        "{built_with}"
    );
    let meta: Value = serde_json::from_str(&std::fs::read_to_string(
        sandbox.index_dir().join("meta.json"),
    )?)?;
    let payload: Value = serde_json::from_str(
        meta["payload"]
            .as_str()
            .ok_or_else(|| fail("meta.json has no payload"))?,
    )?;
    assert_eq!(*built_with, payload);

    let years = stats["years"].as_array().ok_or("no years")?;
    assert_eq!(years.len(), 22);
    assert_eq!(
        years
            .iter()
            .filter_map(|y| y["count"].as_u64())
            .sum::<u64>(),
        SAMPLE_POSTS
    );
    let top_tags = stats["top_tags"].as_array().ok_or("no top_tags")?;
    assert_eq!(top_tags.len(), 10);
    assert!(
        top_tags
            .windows(2)
            .all(|w| w[0]["count"].as_u64() >= w[1]["count"].as_u64()),
        "{stats}"
    );
    assert_eq!(stats["top_categories"][0]["value"], "Tech");
    assert_eq!(stats["top_categories"][0]["count"], 14);
    Ok(())
}

#[test]
fn stats_text_output() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.index(&[&sample_archive()])?;
    let mut cmd = sandbox.sagasu("stats")?;
    let stdout = run_text(&mut cmd)?;
    assert!(stdout.contains("posts       46"), "{stdout}");
    assert!(stdout.contains("2003-04-20 .. 2024-12-29"), "{stdout}");
    assert!(stdout.contains("built with  schema v"), "{stdout}");
    Ok(())
}
