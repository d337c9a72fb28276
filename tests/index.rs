//! `sagasu index` over time: incremental runs, failures that must not lose
//! indexed posts, the compatibility check on open, and where the index
//! lives (`--index`, `SAGASU_INDEX`, the default `index/`).

mod util;

use serde_json::Value;
use util::{
    SAMPLE_POSTS, Sandbox, TestResult, describe_failure, fail, owned, post, run, run_json,
    sample_archive,
};

fn count(report: &Value, key: &str) -> Option<u64> {
    match &report[key] {
        Value::Array(items) => Some(items.len() as u64),
        value => value.as_u64(),
    }
}

/// `(added, updated, removed, unchanged, failed, skipped)` of a report.
fn counts(report: &Value) -> [Option<u64>; 6] {
    [
        "added",
        "updated",
        "removed",
        "unchanged",
        "failed",
        "skipped",
    ]
    .map(|k| count(report, k))
}

#[test]
fn second_run_changes_nothing_and_does_not_commit() -> TestResult {
    let sandbox = Sandbox::new()?;
    let archive = sandbox.copy_in(&sample_archive(), "blog")?;
    let first = sandbox.index(&[&archive])?;
    assert_eq!(counts(&first), [46, 0, 0, 0, 0, 2].map(Some), "{first}");
    let meta = std::fs::read(sandbox.index_dir().join("meta.json"))?;

    let second = sandbox.index(&[&archive])?;
    assert_eq!(counts(&second), [0, 0, 0, 46, 0, 2].map(Some), "{second}");
    assert_eq!(second["committed"], false, "{second}");
    assert_eq!(
        std::fs::read(sandbox.index_dir().join("meta.json"))?,
        meta,
        "a run without changes rewrote meta.json"
    );
    Ok(())
}

#[test]
fn edit_add_and_delete_are_one_update_one_add_one_removal() -> TestResult {
    let sandbox = Sandbox::new()?;
    let archive = sandbox.copy_in(&sample_archive(), "blog")?;
    sandbox.index(&[&archive])?;
    assert_eq!(
        sandbox.all_ids("金木犀", &[])?,
        owned(&["_posts/2012-10-20-2051.md"])
    );
    assert_eq!(sandbox.all_ids("MaxClients", &[])?.len(), 2);

    // Edit: 金木犀 becomes 銀木犀.
    let edited = archive.join("_posts/2012-10-20-2051.md");
    let text = std::fs::read_to_string(&edited)?;
    assert!(text.contains("金木犀"));
    std::fs::write(&edited, text.replace("金木犀", "銀木犀"))?;
    // Add.
    sandbox.write(
        "blog/_posts/2025-01-01-new-post.md",
        post(
            "新しい記事",
            "2025-01-01 10:00:00 +0900",
            "追加記事専用語の本文。",
        ),
    )?;
    // Delete.
    std::fs::remove_file(archive.join("_posts/2004-02-11-apache-maxclients.md"))?;

    let report = sandbox.index(&[&archive])?;
    assert_eq!(counts(&report), [1, 1, 1, 44, 0, 2].map(Some), "{report}");
    assert_eq!(report["committed"], true);

    assert_eq!(
        sandbox.all_ids("金木犀", &[])?,
        Vec::<String>::new(),
        "old word"
    );
    assert_eq!(
        sandbox.all_ids("銀木犀", &[])?,
        owned(&["_posts/2012-10-20-2051.md"])
    );
    assert_eq!(
        sandbox.all_ids("\"追加記事専用語\"", &[])?,
        owned(&["_posts/2025-01-01-new-post.md"])
    );
    assert_eq!(
        sandbox.all_ids("MaxClients", &[])?,
        owned(&["_posts/2011-06-12-y-hou-server-down.md"]),
        "the deleted post is gone"
    );
    let all = sandbox.all_ids("", &[])?;
    assert_eq!(all.len(), 46);
    assert_eq!(all[0], "_posts/2025-01-01-new-post.md", "newest first");
    assert!(!all.contains(&"_posts/2004-02-11-apache-maxclients.md".to_owned()));
    assert_eq!(sandbox.stats()?["posts"], SAMPLE_POSTS);
    Ok(())
}

#[test]
fn a_post_that_breaks_keeps_its_indexed_version() -> TestResult {
    let sandbox = Sandbox::new()?;
    let path = sandbox.write(
        "blog/2020-01-02-good.md",
        post("良い記事", "2020-01-02", "旧版専用語が入った本文。"),
    )?;
    let archive = sandbox.path().join("blog");
    sandbox.index(&[&archive])?;

    std::fs::write(&path, "---\ntitle: 壊れた\ntags: [a, b\n---\n新版専用語\n")?;
    let report = sandbox.index(&[&archive])?;
    assert_eq!(counts(&report), [0, 0, 0, 0, 1, 0].map(Some), "{report}");
    let reason = report["failed"][0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("front matter"), "{reason}");

    let result = sandbox.search("\"旧版専用語\"", &[])?;
    assert_eq!(result["total"], 1, "the old version was lost: {result}");
    assert_eq!(result["hits"][0]["title"], "良い記事");
    assert_eq!(
        sandbox.all_ids("\"新版専用語\"", &[])?,
        Vec::<String>::new()
    );
    assert_eq!(sandbox.stats()?["posts"], 1);

    // Fixed again: an update.
    std::fs::write(&path, post("直した記事", "2020-01-02", "新版専用語"))?;
    let report = sandbox.index(&[&archive])?;
    assert_eq!(counts(&report), [0, 1, 0, 0, 0, 0].map(Some), "{report}");
    assert_eq!(
        sandbox.all_ids("\"旧版専用語\"", &[])?,
        Vec::<String>::new()
    );
    assert_eq!(
        sandbox.all_ids("\"新版専用語\"", &[])?,
        owned(&["2020-01-02-good.md"])
    );
    Ok(())
}

/// Unpublishing a post (`published: false`, which the indexer skips) must
/// take it out of the index, as Jekyll stops building it. Today the skipped
/// file counts as seen, so its old document is neither updated nor removed.
#[test]

fn unpublishing_a_post_removes_it() -> TestResult {
    let sandbox = Sandbox::new()?;
    let path = sandbox.write(
        "blog/2020-01-02-post.md",
        post("公開記事", "2020-01-02", "公開中専用語が入った本文。"),
    )?;
    let archive = sandbox.path().join("blog");
    sandbox.index(&[&archive])?;
    assert_eq!(sandbox.all_ids("\"公開中専用語\"", &[])?.len(), 1);

    std::fs::write(
        &path,
        "---\ntitle: 公開記事\ndate: 2020-01-02\npublished: false\n---\n公開中専用語が入った本文。\n",
    )?;
    let report = sandbox.index(&[&archive])?;
    assert_eq!(
        report["skipped"].as_array().map(Vec::len),
        Some(1),
        "{report}"
    );
    assert_eq!(report["removed"], 1, "{report}");
    assert_eq!(
        sandbox.all_ids("\"公開中専用語\"", &[])?,
        Vec::<String>::new()
    );
    assert_eq!(sandbox.stats()?["posts"], 0);
    Ok(())
}

/// Rewrites the commit payload in `<index>/meta.json` with `edit`.
fn edit_payload(index: &std::path::Path, edit: impl FnOnce(&mut Value)) -> TestResult {
    let meta_path = index.join("meta.json");
    let mut meta: Value = serde_json::from_str(&std::fs::read_to_string(&meta_path)?)?;
    let payload = meta["payload"]
        .as_str()
        .ok_or_else(|| fail(format!("no payload in {meta_path:?}")))?;
    let mut payload: Value = serde_json::from_str(payload)?;
    edit(&mut payload);
    meta["payload"] = Value::String(serde_json::to_string(&payload)?);
    std::fs::write(&meta_path, serde_json::to_string_pretty(&meta)?)?;
    Ok(())
}

#[test]
fn an_index_from_other_analysis_rules_is_refused() -> TestResult {
    type Edit = fn(&mut Value);
    let edits: [(&str, Edit); 3] = [
        ("analyzer", |p| {
            p["analyzer"] = Value::from(p["analyzer"].as_u64().unwrap_or(0) + 1)
        }),
        ("schema", |p| {
            p["schema"] = Value::from(p["schema"].as_u64().unwrap_or(0) + 1)
        }),
        ("dictionary", |p| {
            p["dictionary"] = Value::from("some-other-dictionary")
        }),
    ];
    for (what, edit) in edits {
        let sandbox = Sandbox::new()?;
        let archive = sandbox.copy_in(&sample_archive(), "blog")?;
        sandbox.index(&[&archive])?;
        edit_payload(sandbox.index_dir(), edit)?;
        let meta = std::fs::read(sandbox.index_dir().join("meta.json"))?;

        for (subcommand, args) in [
            ("search", vec!["--json", "インフラ"]),
            ("stats", vec!["--json"]),
            ("index", vec![archive.to_str().ok_or("path")?]),
        ] {
            let mut cmd = sandbox.sagasu(subcommand)?;
            cmd.args(&args);
            let output = run(&mut cmd)?;
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(
                output.status.code(),
                Some(1),
                "{what}: {}",
                describe_failure(&cmd, &output)
            );
            assert!(
                output.stdout.is_empty(),
                "{what}: {subcommand} printed a result"
            );
            assert!(
                stderr.contains("delete") && stderr.contains("sagasu index"),
                "{what}: {subcommand}: {stderr}"
            );
        }
        assert_eq!(
            std::fs::read(sandbox.index_dir().join("meta.json"))?,
            meta,
            "{what}: the refused index run wrote to the index"
        );
    }
    Ok(())
}

#[test]
fn sagasu_index_env_sets_the_index_location() -> TestResult {
    let sandbox = Sandbox::new()?;
    let location = sandbox.path().join("from-env");
    let mut cmd = sandbox.bare()?;
    cmd.env("SAGASU_INDEX", &location)
        .args(["index", "--json"])
        .arg(sample_archive());
    let report = run_json(&mut cmd)?;
    assert_eq!(report["added"], SAMPLE_POSTS);
    assert!(
        location.join("meta.json").is_file(),
        "no index at {location:?}"
    );
    assert!(
        !sandbox.path().join("index").exists(),
        "default index/ was created"
    );

    let mut cmd = sandbox.bare()?;
    cmd.env("SAGASU_INDEX", &location)
        .args(["search", "--json", "--", "インフラ勉強会"]);
    assert_eq!(run_json(&mut cmd)?["total"], 7);

    // --index wins over the environment.
    let mut cmd = sandbox.bare()?;
    cmd.env("SAGASU_INDEX", sandbox.path().join("elsewhere"))
        .args(["stats", "--json", "--index"])
        .arg(&location);
    assert_eq!(run_json(&mut cmd)?["posts"], SAMPLE_POSTS);
    Ok(())
}

#[test]
fn default_index_is_index_in_the_working_directory() -> TestResult {
    let sandbox = Sandbox::new()?;
    let mut cmd = sandbox.bare()?;
    cmd.args(["index", "--json"]).arg(sample_archive());
    assert_eq!(run_json(&mut cmd)?["added"], SAMPLE_POSTS);
    assert!(sandbox.path().join("index/meta.json").is_file());

    let mut cmd = sandbox.bare()?;
    cmd.args(["search", "--json", "--", "KVM"]);
    let result = run_json(&mut cmd)?;
    assert_eq!(
        util::ids(&result),
        owned(&["_posts/2009-07-19-infra-study-1.md"])
    );
    let mut cmd = sandbox.bare()?;
    cmd.args(["stats", "--json"]);
    assert_eq!(run_json(&mut cmd)?["posts"], SAMPLE_POSTS);
    Ok(())
}

#[test]
fn refuses_to_write_into_a_directory_that_is_not_an_index() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.write("idx/notes.txt", "mine")?;
    let mut cmd = sandbox.sagasu("index")?;
    cmd.arg(sample_archive());
    let output = run(&mut cmd)?;
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        describe_failure(&cmd, &output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not a sagasu index"), "{stderr}");
    let mut entries: Vec<_> = std::fs::read_dir(sandbox.index_dir())?
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    entries.sort();
    assert_eq!(entries, vec![std::ffi::OsString::from("notes.txt")]);
    Ok(())
}

#[test]
fn a_missing_archive_directory_is_an_error_naming_it() -> TestResult {
    let sandbox = Sandbox::new()?;
    let mut cmd = sandbox.sagasu("index")?;
    cmd.arg("no-such-blog");
    let output = run(&mut cmd)?;
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        describe_failure(&cmd, &output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no-such-blog"), "{stderr}");
    Ok(())
}

/// The error for a missing archive repeats its cause:
/// `no-such-blog: cannot read: No such file or directory (os error 2): No
/// such file or directory (os error 2)` (the variant's message embeds its
/// `source`, and `{:#}` prints the source again).
#[test]

fn a_missing_archive_directory_error_says_the_cause_once() -> TestResult {
    let sandbox = Sandbox::new()?;
    let mut cmd = sandbox.sagasu("index")?;
    cmd.arg("no-such-blog");
    let output = run(&mut cmd)?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.matches("os error 2").count(), 1, "{stderr}");
    Ok(())
}
