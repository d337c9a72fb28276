//! `tests/fixtures/quirks/`: one front matter or markup quirk per post, each
//! with a marker word found nowhere else (see `tests/fixtures/README.md`).

mod util;

use util::{Problems, Sandbox, TestResult, fail, owned, post, quirks, strings};

/// Every quirk post: file name, marker word, and the title, day, tags and
/// categories the README expects.
struct Quirk {
    file: &'static str,
    marker: &'static str,
    title: &'static str,
    date: &'static str,
    tags: &'static [&'static str],
    categories: &'static [&'static str],
}

const PERCENT_ENCODED: &str =
    "2014-02-03-%e7%af%80%e5%88%86%e3%81%ae%e8%b1%86%e3%81%be%e3%81%8d.md";

const QUIRKS: &[Quirk] = &[
    Quirk {
        // RFC 2822 in UTC: 30 April in UTC, 1 May in the file name.
        file: "2010-05-01-utc-date.md",
        marker: "鯉のぼり",
        title: "連休初日の鯉のぼり",
        date: "2010-05-01",
        tags: &[],
        categories: &["Life"],
    },
    Quirk {
        file: "2013-06-15-jst-offset.md",
        marker: "紫陽花",
        title: "梅雨の晴れ間の紫陽花",
        date: "2013-06-15",
        tags: &[],
        categories: &[],
    },
    Quirk {
        file: "2012-01-07-one-digit-hour.md",
        marker: "七草粥",
        title: "朝の七草粥",
        date: "2012-01-07",
        tags: &[],
        categories: &[],
    },
    Quirk {
        // `date :` with a space, no seconds, singular `category:`.
        file: "2019-01-05-iso-no-seconds.md",
        marker: "鏡開き",
        title: "鏡開きのお汁粉",
        date: "2019-01-05",
        tags: &["正月"],
        categories: &["雑記"],
    },
    Quirk {
        file: "2008-02-03-date-from-filename.md",
        marker: "雪見障子",
        title: "雪見障子越しの庭",
        date: "2008-02-03",
        tags: &[],
        categories: &[],
    },
    Quirk {
        // No title: the slug.
        file: "2013-08-10-senkou-hanabi.md",
        marker: "線香花火",
        title: "senkou-hanabi",
        date: "2013-08-10",
        tags: &[],
        categories: &[],
    },
    Quirk {
        // Percent-encoded name and no title: the decoded slug.
        file: PERCENT_ENCODED,
        marker: "恵方巻",
        title: "節分の豆まき",
        date: "2014-02-03",
        tags: &[],
        categories: &["Life"],
    },
    Quirk {
        // Every list written three times.
        file: "2009-07-07-triple-lists.md",
        marker: "風鈴",
        title: "軒先の風鈴",
        date: "2009-07-07",
        tags: &["summer"],
        categories: &["Life"],
    },
    Quirk {
        file: "2011-10-10-comma-tags.md",
        marker: "一眼レフ",
        title: "一眼レフを持って紅葉狩り",
        date: "2011-10-10",
        tags: &["旅行", "カメラ", "写真"],
        categories: &[],
    },
    Quirk {
        file: "2016-12-20-singular-category.md",
        marker: "湯たんぽ",
        title: "湯たんぽを新調した",
        date: "2016-12-20",
        tags: &[],
        categories: &["雑記"],
    },
    Quirk {
        file: "2006-11-11-malformed-html.md",
        marker: "土鍋",
        title: "土鍋を買った",
        date: "2006-11-11",
        tags: &[],
        categories: &[],
    },
    Quirk {
        // 七輪 is written only as `&#x4E03;&#x8F2A;`.
        file: "2006-11-11-malformed-html.md",
        marker: "七輪",
        title: "土鍋を買った",
        date: "2006-11-11",
        tags: &[],
        categories: &[],
    },
    Quirk {
        file: "2018-04-04-markdown-inline-html.md",
        marker: "金継ぎ",
        title: "金継ぎ教室に通いはじめた",
        date: "2018-04-04",
        tags: &["手仕事"],
        categories: &["雑記"],
    },
    Quirk {
        // Inside inline HTML in Markdown.
        file: "2018-04-04-markdown-inline-html.md",
        marker: "手袋",
        title: "金継ぎ教室に通いはじめた",
        date: "2018-04-04",
        tags: &["手仕事"],
        categories: &["雑記"],
    },
    Quirk {
        // Inside a fenced code block.
        file: "2018-04-04-markdown-inline-html.md",
        marker: "弁柄漆",
        title: "金継ぎ教室に通いはじめた",
        date: "2018-04-04",
        tags: &["手仕事"],
        categories: &["雑記"],
    },
    Quirk {
        file: "2007-07-20-html-extension.html",
        marker: "水羊羹",
        title: "水羊羹を冷やす",
        date: "2007-07-20",
        tags: &[],
        categories: &[],
    },
    Quirk {
        // `categories:` as a string.
        file: "2015-11-11-mdown-extension.mdown",
        marker: "落花生",
        title: "千葉の落花生",
        date: "2015-11-11",
        tags: &[],
        categories: &["Life"],
    },
    Quirk {
        file: "2015-12-22-markdown-extension.markdown",
        marker: "柚子湯",
        title: "冬至の柚子湯",
        date: "2015-12-22",
        tags: &[],
        categories: &["Life"],
    },
    Quirk {
        // CRLF line ends: no `\r` left in the title.
        file: "2017-01-15-crlf.md",
        marker: "鯛焼き",
        title: "寒い日の鯛焼き",
        date: "2017-01-15",
        tags: &["おやつ"],
        categories: &[],
    },
    Quirk {
        file: "2017-02-14-bom.md",
        marker: "甘酒",
        title: "酒蔵の甘酒",
        date: "2017-02-14",
        tags: &[],
        categories: &[],
    },
    Quirk {
        file: "2015-06-01-tags-case-a.md",
        marker: "蛍狩り",
        title: "蛍狩りに行った",
        date: "2015-06-01",
        tags: &["AWS", "Business"],
        categories: &["Business"],
    },
    Quirk {
        // Spellings kept as written; only exact duplicates are removed.
        file: "2015-06-02-tags-case-b.md",
        marker: "梅雨寒",
        title: "梅雨寒の朝",
        date: "2015-06-02",
        tags: &["aws", "ＡＷＳ", "business", "ＢＵＳＩＮＥＳＳ"],
        categories: &["business"],
    },
    Quirk {
        // `&amp;` decoded once.
        file: "2012-02-29-amp-title.md",
        marker: "羽根つき餃子",
        // Escaped once: JSON display strings are HTML-escaped.
        title: "ビール &amp; 餃子",
        date: "2012-02-29",
        tags: &[],
        categories: &[],
    },
    Quirk {
        // YAML numbers as text.
        file: "2020-12-31-numeric-title.md",
        marker: "年越しそば",
        title: "2020",
        date: "2020-12-31",
        tags: &["2020", "365"],
        categories: &["12345"],
    },
    Quirk {
        // Front matter closed by `...`.
        file: "2021-11-23-dots-closing.md",
        marker: "小春日和",
        title: "小春日和の縁側",
        date: "2021-11-23",
        tags: &[],
        categories: &[],
    },
    Quirk {
        // Empty front matter: slug title, file-name date.
        file: "2022-01-10-empty-front-matter.md",
        marker: "初雪",
        title: "empty-front-matter",
        date: "2022-01-10",
        tags: &[],
        categories: &[],
    },
];

fn indexed_quirks() -> TestResult<Sandbox> {
    let sandbox = Sandbox::new()?;
    sandbox.index(&[&quirks()])?;
    Ok(sandbox)
}

#[test]
fn every_quirk_post_is_indexed() -> TestResult {
    let sandbox = Sandbox::new()?;
    let report = sandbox.index(&[&quirks()])?;
    assert_eq!(report["added"], 23, "{report}");
    assert_eq!(report["failed"], serde_json::json!([]), "{report}");
    // `_config.yml` is the site's settings, not a post.
    let skipped = report["skipped"].as_array().cloned().unwrap_or_default();
    assert_eq!(skipped.len(), 1, "{report}");
    assert_eq!(
        skipped[0]["reason"], "not a post: the site's settings",
        "{report}"
    );
    assert_eq!(sandbox.stats()?["posts"], 23);
    Ok(())
}

#[test]
fn every_marker_finds_only_its_post_with_the_expected_fields() -> TestResult {
    let sandbox = indexed_quirks()?;
    let mut problems = Problems::default();
    let mut files = std::collections::HashSet::new();
    for quirk in QUIRKS {
        files.insert(quirk.file);
        let result = sandbox.search(quirk.marker, &[])?;
        let id = format!("_posts/{}", quirk.file);
        let marker = quirk.marker;
        problems.eq(
            &format!("{marker}: total"),
            result["total"].as_u64(),
            Some(1),
        );
        let hit = &result["hits"][0];
        problems.eq(
            &format!("{marker}: id"),
            hit["id"].as_str(),
            Some(id.as_str()),
        );
        problems.eq(
            &format!("{marker}: title"),
            hit["title"].as_str(),
            Some(quirk.title),
        );
        problems.eq(
            &format!("{marker}: date"),
            hit["date"].as_str(),
            Some(quirk.date),
        );
        problems.eq(
            &format!("{marker}: tags"),
            strings(&hit["tags"]),
            owned(quirk.tags),
        );
        problems.eq(
            &format!("{marker}: categories"),
            strings(&hit["categories"]),
            owned(quirk.categories),
        );
        let snippet = hit["snippet"].as_str().unwrap_or_default();
        problems.check(snippet.contains("<mark>"), || {
            format!("{marker}: no <mark> in {snippet:?}")
        });
    }
    problems.eq("quirk files covered", files.len(), 23);
    problems.finish()
}

#[test]
fn words_only_in_script_style_comments_or_link_urls_are_not_found() -> TestResult {
    let sandbox = indexed_quirks()?;
    let mut problems = Problems::default();
    for word in [
        "スクリプト専用語",
        "hidden-style-word",
        "コメント専用語",
        "kintsugi.example.jp",
    ] {
        let found = sandbox.all_ids(word, &[])?;
        problems.check(found.is_empty(), || format!("{word:?} found {found:?}"));
    }
    problems.finish()
}

#[test]
fn entities_are_decoded_once_and_escaped_once() -> TestResult {
    let sandbox = indexed_quirks()?;
    // `AT&amp;T` in the HTML: the text says AT&T, the snippet escapes it once.
    let result = sandbox.search("AT&T", &[])?;
    assert_eq!(result["total"], 1, "{result}");
    let snippet = result["hits"][0]["snippet"].as_str().unwrap_or_default();
    assert!(snippet.contains("<mark>AT&amp;T</mark>"), "{snippet:?}");
    assert!(!snippet.contains("&amp;amp;"), "{snippet:?}");
    assert_eq!(snippet.matches("AT&amp;T").count(), 1, "{snippet:?}");
    // `&lt;b&gt;` is text, not a tag: escaped in the snippet, never raw.
    let result = sandbox.search("太字", &[])?;
    let snippet = result["hits"][0]["snippet"].as_str().unwrap_or_default();
    assert!(
        snippet.contains("&lt;b&gt;は<mark>太字</mark>"),
        "{snippet:?}"
    );
    assert!(!snippet.contains("<b>"), "{snippet:?}");
    // `&copy;` and `&#8230;` decoded.
    assert!(snippet.contains('©'), "{snippet:?}");
    // The title `ビール &amp; 餃子` is stored decoded and escaped once in JSON.
    let result = sandbox.search("ビール", &[])?;
    assert_eq!(result["hits"][0]["title"], "ビール &amp; 餃子", "{result}");
    Ok(())
}

#[test]
fn titles_have_no_stray_carriage_returns_or_bom() -> TestResult {
    let sandbox = indexed_quirks()?;
    let result = sandbox.search("", &["--limit", "100"])?;
    assert_eq!(result["total"], 23);
    for hit in result["hits"].as_array().into_iter().flatten() {
        let title = hit["title"].as_str().unwrap_or_default();
        assert!(
            !title.is_empty() && !title.contains(['\r', '\n', '\u{feff}']) && title.trim() == title,
            "{}: {title:?}",
            hit["id"]
        );
    }
    Ok(())
}

/// The day rule: the file name's day wins over the UTC date, and the time of
/// day is the front matter's wall-clock time as written (15:00 in UTC here,
/// not converted). Two posts written by the test on the same day, at 14:00
/// and 16:00 JST, must sort around it.
#[test]
fn day_rule_keeps_the_file_name_day_and_the_written_time() -> TestResult {
    let sandbox = Sandbox::new()?;
    let archive = sandbox.copy_in(&quirks(), "quirks")?;
    sandbox.write(
        "quirks/_posts/2010-05-01-earlier.md",
        post("早い記事", "2010-05-01 14:00:00 +0900", "早朝専用語"),
    )?;
    sandbox.write(
        "quirks/_posts/2010-05-01-later.md",
        post("遅い記事", "2010-05-01 16:00:00 +0900", "夕方専用語"),
    )?;
    sandbox.index(&[&archive])?;
    let day = [
        "--from",
        "2010-05-01",
        "--to",
        "2010-05-01",
        "--sort",
        "oldest",
    ];
    assert_eq!(
        sandbox.all_ids("", &day)?,
        owned(&[
            "_posts/2010-05-01-earlier.md",
            "_posts/2010-05-01-utc-date.md",
            "_posts/2010-05-01-later.md",
        ])
    );
    // Not on 30 April, the UTC day.
    assert_eq!(
        sandbox.all_ids("鯉のぼり", &["--from", "2010-04-30", "--to", "2010-04-30"])?,
        Vec::<String>::new()
    );
    Ok(())
}

#[test]
fn percent_encoded_post_is_found_by_its_day() -> TestResult {
    let sandbox = indexed_quirks()?;
    assert_eq!(
        sandbox.all_ids("", &["--from", "2014-02-03", "--to", "2014-02-03"])?,
        vec![format!("_posts/{PERCENT_ENCODED}")]
    );
    // The slug title is searchable.
    assert_eq!(
        sandbox.all_ids("豆まき", &[])?,
        vec![format!("_posts/{PERCENT_ENCODED}")]
    );
    Ok(())
}

#[test]
fn tag_filters_ignore_case_and_width() -> TestResult {
    let sandbox = indexed_quirks()?;
    let both = owned(&[
        "_posts/2015-06-02-tags-case-b.md",
        "_posts/2015-06-01-tags-case-a.md",
    ]);
    for tag in ["aws", "ＡＷＳ", "AWS", "Aws"] {
        assert_eq!(sandbox.all_ids("", &["--tag", tag])?, both, "--tag {tag}");
        assert_eq!(
            sandbox.all_ids(&format!("tag:{tag}"), &[])?,
            both,
            "tag:{tag}"
        );
    }
    for tag in ["business", "Business", "ＢＵＳＩＮＥＳＳ"] {
        assert_eq!(sandbox.all_ids("", &["--tag", tag])?, both, "--tag {tag}");
    }
    assert_eq!(
        sandbox.all_ids("", &["--tag", "summer"])?,
        owned(&["_posts/2009-07-07-triple-lists.md"])
    );
    assert_eq!(
        sandbox.all_ids("", &["--tag", "カメラ", "--tag", "写真"])?,
        owned(&["_posts/2011-10-10-comma-tags.md"])
    );
    assert_eq!(
        sandbox.all_ids("", &["--tag", "365"])?,
        owned(&["_posts/2020-12-31-numeric-title.md"])
    );
    Ok(())
}

#[test]
fn category_filters_ignore_case() -> TestResult {
    let sandbox = indexed_quirks()?;
    let upper = sandbox.all_ids("", &["--category", "Business"])?;
    assert_eq!(
        upper,
        owned(&[
            "_posts/2015-06-02-tags-case-b.md",
            "_posts/2015-06-01-tags-case-a.md",
        ])
    );
    assert_eq!(sandbox.all_ids("", &["--category", "business"])?, upper);
    assert_eq!(sandbox.all_ids("category:business", &[])?, upper);
    assert_eq!(
        sandbox.all_ids("", &["--category", "雑記", "--sort", "oldest"])?,
        owned(&[
            "_posts/2016-12-20-singular-category.md",
            "_posts/2018-04-04-markdown-inline-html.md",
            "_posts/2019-01-05-iso-no-seconds.md",
        ])
    );
    assert_eq!(
        sandbox.all_ids("", &["--category", "12345"])?,
        owned(&["_posts/2020-12-31-numeric-title.md"])
    );
    Ok(())
}

/// Facet counts are "matching posts with this value"; tags-case-b has both
/// `aws` and `ＡＷＳ` (one key) and both `business` and `ＢＵＳＩＮＥＳＳ`.
#[test]

fn facets_count_a_post_once_per_tag_key() -> TestResult {
    let sandbox = indexed_quirks()?;
    let result = sandbox.search("", &["--tag", "aws"])?;
    assert_eq!(result["total"], 2, "{result}");
    let count = |facet: &serde_json::Value, value: &str| -> TestResult<u64> {
        facet
            .as_array()
            .into_iter()
            .flatten()
            .find(|entry| entry["value"] == value)
            .and_then(|entry| entry["count"].as_u64())
            .ok_or_else(|| fail(format!("no {value} in {facet}")))
    };
    let tags = &result["facets"]["tags"];
    let mut problems = Problems::default();
    problems.eq("search facet AWS", count(tags, "AWS")?, 2);
    problems.eq("search facet Business", count(tags, "Business")?, 2);
    let stats = sandbox.stats()?;
    problems.eq("stats top_tags AWS", count(&stats["top_tags"], "AWS")?, 2);
    problems.finish()
}
