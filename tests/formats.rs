//! Every fixture archive of `tests/fixtures/formats/`, indexed by the binary
//! as a user would: the counts by format, and a post of each found by a
//! word of its own. What each post yields, field by field, is pinned by
//! the format modules' snapshots (`crates/indexer/src/format/snapshots/`).

mod util;

use util::{Sandbox, TestResult};

/// One fixture: the path under `tests/fixtures/formats/`, the format key,
/// the posts added and entries skipped, and a query with the id it finds.
struct Fixture {
    path: &'static str,
    format: &'static str,
    added: u64,
    skipped: u64,
    query: &'static str,
    id: &'static str,
}

const FIXTURES: &[Fixture] = &[
    Fixture {
        path: "wordpress/wordpress.2025-01-19.xml",
        format: "wordpress",
        added: 5,
        skipped: 6,
        query: "勉強会",
        id: "wordpress.2025-01-19.xml#101",
    },
    Fixture {
        path: "movable-type/example.hatenablog.com.export.txt",
        format: "movable-type",
        added: 5,
        skipped: 2,
        query: "同じ名前の記事（二回目）",
        id: "example.hatenablog.com.export.txt#same-name@2019-04-02T18:45:00",
    },
    Fixture {
        path: "movable-type-sjis",
        format: "movable-type",
        added: 2,
        skipped: 0,
        query: "春の散歩",
        id: "livedoor.export.txt#12345678",
    },
    Fixture {
        path: "movable-type-eucjp",
        format: "movable-type",
        added: 1,
        skipped: 1,
        query: "温泉旅行",
        id: "fc2.export.txt#@2010-10-20T20:30:00",
    },
    Fixture {
        path: "hatena",
        format: "hatena",
        added: 4,
        skipped: 1,
        query: "勉強会に行ってきた",
        id: "example.hatenablog.com/entry/2019/01/05/123456.md",
    },
    Fixture {
        path: "hugo",
        format: "hugo",
        added: 5,
        skipped: 4,
        query: "鎌倉の旅",
        id: "content/posts/kamakura-trip/index.md",
    },
    Fixture {
        path: "qiita",
        format: "qiita",
        added: 2,
        skipped: 1,
        query: "全文検索を試した",
        id: "public/rust-kensaku.md",
    },
    Fixture {
        path: "zenn",
        format: "zenn",
        added: 3,
        skipped: 1,
        query: "猫の日の記念",
        id: "articles/2022-02-22_nekonohi-kinen.md",
    },
    Fixture {
        path: "mdx",
        format: "mdx",
        added: 2,
        skipped: 0,
        query: "昭和の日",
        id: "blog/2024-04-29-front-matter.mdx",
    },
    Fixture {
        path: "site",
        format: "page",
        added: 2,
        skipped: 4,
        query: "花火大会",
        id: "2009/07/11/some-post/index.html",
    },
];

fn fixture(path: &str) -> std::path::PathBuf {
    util::repo().join("tests/fixtures/formats").join(path)
}

#[test]
fn every_fixture_archive_is_read_by_its_format() -> TestResult {
    let mut problems = util::Problems::default();
    for fixture in FIXTURES {
        let sandbox = Sandbox::new()?;
        let report = sandbox.index(&[&self::fixture(fixture.path)])?;
        let counts = &report["formats"][fixture.format];
        problems.eq(
            &format!("{} added", fixture.path),
            counts["added"].as_u64(),
            Some(fixture.added),
        );
        problems.eq(
            &format!("{} skipped", fixture.path),
            counts["skipped"].as_u64(),
            Some(fixture.skipped),
        );
        problems.eq(
            &format!("{} formats", fixture.path),
            report["formats"].as_object().map(|f| f.len()),
            Some(1),
        );
        let ids = sandbox.all_ids(fixture.query, &[])?;
        problems.check(ids.iter().any(|id| id == fixture.id), || {
            format!(
                "{}: {:?} found {ids:?}, not {}",
                fixture.path, fixture.query, fixture.id
            )
        });
    }
    problems.finish()
}

#[test]
fn a_changed_export_updates_adds_and_removes_its_posts_in_one_commit() -> TestResult {
    let sandbox = Sandbox::new()?;
    let export = sandbox.path().join("export.txt");
    let original =
        std::fs::read_to_string(fixture("movable-type/example.hatenablog.com.export.txt"))?;
    std::fs::write(&export, &original)?;
    let first = sandbox.index(&[&export])?;
    assert_eq!(first["added"], 5, "{first}");
    // One entry edited, one removed (the Markdown one), one added.
    let entries: Vec<&str> = original.split_inclusive("--------\n").collect();
    let mut changed = String::new();
    for entry in &entries {
        if entry.contains("TITLE: Markdown の記事") {
            continue;
        }
        changed.push_str(&entry.replace("改行を変換する記事", "改行を変換する記事（改訂）"));
    }
    if !changed.ends_with("--------\n") {
        changed.push_str("\n--------\n");
    }
    changed.push_str(
        "AUTHOR: yuki\nTITLE: 追加した記事\nBASENAME: added-later\nSTATUS: Publish\nDATE: 05/01/2019 10:00:00\n-----\nBODY:\n追記専用語の本文。\n-----\n--------\n",
    );
    std::fs::write(&export, changed)?;
    let second = sandbox.index(&[&export])?;
    assert_eq!(
        (
            &second["added"],
            &second["updated"],
            &second["removed"],
            &second["unchanged"]
        ),
        (&1.into(), &1.into(), &1.into(), &3.into()),
        "{second}"
    );
    assert_eq!(
        sandbox.all_ids("追記専用語", &[])?,
        ["export.txt#added-later"]
    );
    assert_eq!(sandbox.all_ids("改訂", &[])?, ["export.txt#plain-breaks"]);
    assert!(sandbox.all_ids("項目一", &[])?.is_empty());
    Ok(())
}
