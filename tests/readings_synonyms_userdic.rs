//! Reading search, synonyms and the user dictionary through the real binary:
//! `sagasu.toml` next to the index, the `--synonyms` and `--user-dictionary`
//! flags that override it, the errors they report, and an index refusing a
//! run with another user dictionary than the one that built it.

mod util;

use serde_json::Value;
use util::{Sandbox, TestResult, describe_failure, fail, owned, post, run, run_json};

/// Posts written for these tests, by file name.
const POSTS: [(&str, &str, &str); 7] = [
    (
        "2020-01-10-study.md",
        "社内の集まり",
        "来週、社内で勉強会を開きます。テーマは監視です。",
    ),
    (
        "2020-02-01-infra.md",
        "基盤の見直し",
        "インフラの構成を一から見直した。",
    ),
    ("2020-03-05-church.md", "旅行記", "丘の上の教会を訪ねた。"),
    (
        "2020-04-01-cloud.md",
        "クラウドの料金",
        "Amazon Web Services の請求を読み解く。",
    ),
    (
        "2020-05-01-meetup.md",
        "初めての参加",
        "ミートアップに参加して、登壇者と話した。",
    ),
    (
        "2020-06-01-name.md",
        "小鳥遊さんの話",
        "同僚の小鳥遊さんに設計を教わった。",
    ),
    (
        "2020-07-01-kana.md",
        "ひらがなの記事",
        "いんふらと平仮名で書いてみた。",
    ),
];

/// A sandbox with the posts written under `posts/`.
fn sandbox() -> TestResult<Sandbox> {
    let sandbox = Sandbox::new()?;
    for (name, title, body) in POSTS {
        sandbox.write(&format!("posts/{name}"), post(title, "", body))?;
    }
    Ok(sandbox)
}

/// Indexes `posts/` with `flags`, requiring success.
fn index(sandbox: &Sandbox, flags: &[&str]) -> TestResult<Value> {
    let mut cmd = sandbox.sagasu("index")?;
    cmd.arg("--json")
        .args(flags)
        .arg(sandbox.path().join("posts"));
    run_json(&mut cmd)
}

/// The ids found for `query`, sorted.
fn found(sandbox: &Sandbox, query: &str, flags: &[&str]) -> TestResult<Vec<String>> {
    let mut ids = sandbox.all_ids(query, flags)?;
    ids.sort();
    Ok(ids)
}

/// Runs `cmd`, requires it to fail, and returns its stderr.
fn failure(mut cmd: assert_cmd::Command) -> TestResult<String> {
    let output = run(&mut cmd)?;
    if output.status.success() {
        return Err(fail(format!(
            "expected a failure\n{}",
            describe_failure(&cmd, &output)
        )));
    }
    Ok(String::from_utf8(output.stderr)?)
}

#[test]
fn hiragana_queries_find_words_by_their_reading() -> TestResult {
    let sandbox = sandbox()?;
    index(&sandbox, &[])?;
    // 勉強会 by its reading; not 教会 (キョウカイ is the end of the reading,
    // not a word of it).
    assert_eq!(
        found(&sandbox, "べんきょうかい", &[])?,
        owned(&["2020-01-10-study.md"])
    );
    // A post spells it in hiragana: that post, and not インフラ by its
    // reading (a reading stands in only for a word no post has as typed).
    assert_eq!(
        found(&sandbox, "いんふら", &[])?,
        owned(&["2020-07-01-kana.md"])
    );
    // No post has `infura`: its reading finds インフラ.
    assert_eq!(
        found(&sandbox, "infura", &[])?,
        owned(&["2020-02-01-infra.md"])
    );
    assert_eq!(
        found(&sandbox, "きょうかい", &[])?,
        owned(&["2020-03-05-church.md"])
    );
    // Together with other words, as one more way for a word to match.
    assert_eq!(
        found(&sandbox, "べんきょうかい 監視", &[])?,
        owned(&["2020-01-10-study.md"])
    );
    // Katakana and kanji queries do not search readings.
    assert_eq!(
        found(&sandbox, "ベンキョウカイ", &[])?,
        Vec::<String>::new()
    );
    Ok(())
}

#[test]
fn analyze_shows_readings_and_the_reading_a_query_searches() -> TestResult {
    let sandbox = Sandbox::new()?;
    let mut cmd = sandbox.sagasu("analyze")?;
    cmd.arg("勉強会の資料");
    let output = run(&mut cmd)?;
    let stdout = String::from_utf8(output.stdout.clone())?;
    assert!(
        output.status.success(),
        "{}",
        describe_failure(&cmd, &output)
    );
    assert!(
        stdout.contains("readings (title_readings, body_readings)\n  ベンキョウ@0 カイ@1 ベンキョウカイ@0 シリョウ@3"),
        "{stdout}"
    );

    let mut cmd = sandbox.sagasu("analyze")?;
    cmd.args(["--json", "べんきょうかい"]);
    let analysis = run_json(&mut cmd)?;
    assert_eq!(analysis["query_reading"], "ベンキョウカイ", "{analysis}");
    assert!(analysis["readings"].is_array(), "{analysis}");
    assert_eq!(analysis["user_dictionary"], Value::Null, "{analysis}");

    let mut cmd = sandbox.sagasu("analyze")?;
    cmd.args(["--json", "勉強会"]);
    assert_eq!(run_json(&mut cmd)?["query_reading"], Value::Null);
    Ok(())
}

#[test]
fn synonyms_from_sagasu_toml_and_from_the_flag() -> TestResult {
    let sandbox = sandbox()?;
    index(&sandbox, &[])?;
    assert_eq!(found(&sandbox, "AWS", &[])?, Vec::<String>::new());

    sandbox.write(
        "conf/synonyms.txt",
        "# cloud\nAWS, Amazon Web Services\n勉強会、ミートアップ\n",
    )?;
    sandbox.write("sagasu.toml", "synonyms = \"conf/synonyms.txt\"\n")?;
    assert_eq!(
        found(&sandbox, "aws", &[])?,
        owned(&["2020-04-01-cloud.md"])
    );
    // Words typed apart match the multi-word entry, and find its synonym
    // (here nothing more than the phrase itself).
    assert_eq!(
        found(&sandbox, "amazon web services", &[])?,
        owned(&["2020-04-01-cloud.md"])
    );
    assert_eq!(
        found(&sandbox, "勉強会", &[])?,
        owned(&["2020-01-10-study.md", "2020-05-01-meetup.md"])
    );
    // Excluding a word excludes its synonyms.
    assert_eq!(found(&sandbox, "参加 -勉強会", &[])?, Vec::<String>::new());
    // The synonym is highlighted like the word typed.
    let result = sandbox.search("ミートアップ", &[])?;
    let snippets: Vec<&str> = result["hits"]
        .as_array()
        .map(|hits| hits.iter().filter_map(|h| h["snippet"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        snippets.iter().any(|s| s.contains("<mark>勉強会</mark>")),
        "{snippets:?}"
    );

    // The flag replaces the file's synonyms.
    sandbox.write("other.txt", "旅行, ミートアップ\n")?;
    let flags = ["--synonyms", "other.txt"];
    assert_eq!(found(&sandbox, "aws", &flags)?, Vec::<String>::new());
    assert_eq!(
        found(&sandbox, "ミートアップ", &flags)?,
        owned(&["2020-03-05-church.md", "2020-05-01-meetup.md"])
    );
    Ok(())
}

#[test]
fn bad_settings_name_the_file_and_the_line() -> TestResult {
    let sandbox = sandbox()?;
    index(&sandbox, &[])?;

    sandbox.write("synonyms.txt", "AWS, Amazon Web Services\nひとつだけ\n")?;
    let stderr = failure(sandbox.search_cmd("aws", &["--synonyms", "synonyms.txt"])?)?;
    assert!(stderr.contains("synonyms.txt"), "{stderr}");
    assert!(stderr.contains("line 2"), "{stderr}");

    sandbox.write("userdic.csv", "小鳥遊,名詞,タカナシ\n小鳥遊,名詞\n")?;
    let mut cmd = sandbox.sagasu("analyze")?;
    cmd.args(["--user-dictionary", "userdic.csv", "小鳥遊"]);
    let stderr = failure(cmd)?;
    assert!(stderr.contains("userdic.csv"), "{stderr}");
    assert!(stderr.contains("line 2"), "{stderr}");

    let stderr = failure(sandbox.search_cmd("aws", &["--synonyms", "missing.txt"])?)?;
    assert!(stderr.contains("missing.txt"), "{stderr}");

    sandbox.write(
        "sagasu.toml",
        "synonyms = \"synonyms.txt\"\nsynonym = \"x\"\n",
    )?;
    let stderr = failure(sandbox.search_cmd("aws", &[])?)?;
    assert!(stderr.contains("sagasu.toml"), "{stderr}");
    assert!(stderr.contains("line 2"), "{stderr}");
    Ok(())
}

#[test]
fn a_user_dictionary_teaches_words_and_is_recorded_in_the_index() -> TestResult {
    let sandbox = sandbox()?;
    // Without it, 小鳥遊 is 小鳥 + 遊, read コトリ + ユウ: not found by たかなし.
    index(&sandbox, &[])?;
    assert_eq!(found(&sandbox, "たかなし", &[])?, Vec::<String>::new());
    std::fs::remove_dir_all(sandbox.index_dir())?;

    sandbox.write("userdic.csv", "# people\n小鳥遊,名詞,たかなし\n")?;
    sandbox.write("sagasu.toml", "user_dictionary = \"userdic.csv\"\n")?;
    index(&sandbox, &[])?;
    assert_eq!(
        found(&sandbox, "たかなし", &[])?,
        owned(&["2020-06-01-name.md"])
    );
    let mut cmd = sandbox.sagasu("analyze")?;
    cmd.args(["--json", "小鳥遊さん"]);
    let analysis = run_json(&mut cmd)?;
    assert_eq!(analysis["query_terms"][0], "小鳥遊", "{analysis}");
    let stats = sandbox.stats()?;
    let recorded = stats["built_with"]["user_dictionary"]
        .as_str()
        .unwrap_or("");
    assert!(recorded.starts_with("xxh3:"), "{stats}");
    assert_eq!(analysis["user_dictionary"], recorded, "{analysis}");

    // Another dictionary, by flag or by an edited file: refused by search
    // and index alike, with what to do.
    sandbox.write("other.csv", "小鳥遊,名詞,ことりあそび\n")?;
    let stderr = failure(sandbox.search_cmd("たかなし", &["--user-dictionary", "other.csv"])?)?;
    assert!(stderr.contains(recorded), "{stderr}");
    assert!(stderr.contains("sagasu index"), "{stderr}");
    sandbox.write(
        "userdic.csv",
        "小鳥遊,名詞,たかなし\n案内係,名詞,あんないがかり\n",
    )?;
    let mut cmd = sandbox.sagasu("index")?;
    cmd.arg(sandbox.path().join("posts"));
    let stderr = failure(cmd)?;
    assert!(stderr.contains("user dictionary"), "{stderr}");
    assert!(stderr.contains("rebuild"), "{stderr}");

    // A rebuild takes the new one.
    std::fs::remove_dir_all(sandbox.index_dir())?;
    index(&sandbox, &[])?;
    assert_eq!(
        found(&sandbox, "たかなし", &[])?,
        owned(&["2020-06-01-name.md"])
    );
    Ok(())
}
