//! Tests of the Jekyll format as a whole, with small posts written for
//! them, and (ignored by default) over the real archives in
//! `../shared/corpus` (next to the repository).

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use sagasu_test_support::corpus;
use serde_json::json;

use super::testing;
use super::{Entry, SiteKind, Skip, SkipKind, jekyll};
use crate::encoding;
use crate::error::PostError;
use crate::post::Post;

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

/// Why a file gave no post.
#[derive(Debug)]
enum NoPost {
    Skipped(Skip),
    Failed(PostError),
}

impl std::fmt::Display for NoPost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoPost::Skipped(skip) => write!(f, "skipped: {skip}"),
            NoPost::Failed(error) => write!(f, "failed: {}", error.with_causes()),
        }
    }
}

impl std::error::Error for NoPost {}

type Result<T> = std::result::Result<T, NoPost>;

/// Reads a file of a folder of posts, as the run would: decoded, then read.
fn parse_post(path: &Path, bytes: &[u8]) -> Result<Post> {
    parse_in(SiteKind::Plain, path, bytes)
}

/// Reads a file of a site of `kind`.
fn parse_in(kind: SiteKind, path: &Path, bytes: &[u8]) -> Result<Post> {
    let text = encoding::decode(bytes).map_err(NoPost::Failed)?.text;
    let id = path.to_string_lossy();
    let site = testing::site(kind);
    let entries = testing::read_with(jekyll::read, &site, &id, &text).map_err(NoPost::Failed)?;
    match entries.into_iter().next() {
        Some(Entry::Post(post)) => Ok(*post),
        Some(Entry::Skipped { reason, .. }) => Err(NoPost::Skipped(reason)),
        Some(Entry::Failed { error, .. } | Entry::Truncated { error }) => {
            Err(NoPost::Failed(error))
        }
        None => Err(NoPost::Failed(PostError::Empty)),
    }
}

fn parse(path: &str, text: &str) -> Result<Post> {
    parse_post(Path::new(path), text.as_bytes())
}

/// The post's date as its wall clock.
fn local(post: &Post) -> Option<NaiveDateTime> {
    post.date.map(|date| date.naive_local())
}

fn at(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<NaiveDateTime> {
    NaiveDate::from_ymd_opt(y, m, d).and_then(|date| date.and_hms_opt(h, mi, s))
}

/// A WordPress/Tumblr-style export post, written for these tests.
const EXPORTED: &str = "---
title: 'sagasu#1 勉強会に行ってきた &#8211; 前編 &amp; 後編'
date: Sat, 11 Jul 2009 15:00:00 +0000
author: 検索 太郎
layout: post
permalink: /2009/07/11/benkyokai-1/
tumblr_example_permalink:
  - http://example.tumblr.com/post/1/benkyokai
  - http://example.tumblr.com/post/1/benkyokai
  - http://example.tumblr.com/post/1/benkyokai
original_post_id:
  - 226
  - 226
  - 226
categories: [Tech, Tech, Tech]
tags:
  - 勉強会
  - report
  - 勉強会
---
<div class=\"section\">
  <p>
    <a href=\"http://example.com/\" target=\"_blank\">sagasu</a> はインフラエンジニア勉強会で、第1回に参加した。
  </p>
  
  <h4>
    メモ
  </h4>
  
  <ul>
    <li>
      話題はいろいろ <ul>
        <li>
          入れ子の項目
        </li>
      </ul>
    </li>
    
    <li>
      <a href=\"http://example.com/a\"><a href=\"http://example.com/a\">http://example.com/a</a></a>
    </li>
  </ul>
  
  <p>
    次回も楽しみ&hellip;&nbsp;です&#12290;
  </p>
  <script>document.write('広告');</script>
</div>
";

#[test]
fn exported_post_all_fields() -> TestResult {
    let post = parse("_posts/2009-07-11-benkyokai-1.md", EXPORTED)?;
    assert_eq!(post.id, "_posts/2009-07-11-benkyokai-1.md");
    assert_eq!(post.title, "sagasu#1 勉強会に行ってきた – 前編 & 後編");
    // Day from the file name, time as written in the +0000 offset.
    assert_eq!(local(&post), at(2009, 7, 11, 15, 0, 0));
    assert_eq!(post.author.as_deref(), Some("検索 太郎"));
    assert_eq!(post.categories, ["Tech"]);
    assert_eq!(post.tags, ["勉強会", "report"]);
    assert_eq!(post.url, "/2009/07/11/benkyokai-1/");
    assert_eq!(
        post.body,
        "sagasu はインフラエンジニア勉強会で、第1回に参加した。\n\
         メモ\n\
         話題はいろいろ\n\
         入れ子の項目\n\
         http://example.com/a\n\
         次回も楽しみ… です。\n"
    );
    assert_eq!(
        serde_json::Value::Object(post.extra),
        json!({
            "layout": "post",
            "tumblr_example_permalink": ["http://example.tumblr.com/post/1/benkyokai"],
            "original_post_id": [226],
        })
    );
    Ok(())
}

/// The seed post of the real archive, when it is there (the lead runs this).
#[test]
#[ignore = "reads the real archive in ../shared/corpus (run with --ignored)"]
fn seed_post_from_real_archive() -> TestResult {
    let rel = Path::new("_posts/2009-07-11-hbstudy-1.md");
    let Some(archive) = corpus("hirofukami") else {
        return Ok(());
    };
    let bytes = std::fs::read(archive.join(rel))?;
    let post = parse_post(rel, &bytes)?;
    assert_eq!(local(&post), at(2009, 7, 11, 15, 0, 0));
    assert_eq!(post.url, "/2009/07/11/hbstudy-1/");
    assert!(post.body.contains("インフラエンジニア勉強会"));
    for markup in ["<p>", "<li>", "class=", "&lt;", "&nbsp;"] {
        assert!(!post.body.contains(markup), "{markup} in {:?}", post.body);
    }
    Ok(())
}

mod day_rule {
    use super::*;

    fn date_of(path: &str, date_line: &str) -> Result<Option<NaiveDateTime>> {
        parse(path, &format!("---\ntitle: t\n{date_line}\n---\n本文\n")).map(|p| local(&p))
    }

    #[test]
    fn utc_timestamp_keeps_file_name_day() -> TestResult {
        // 15:00 UTC is already the next day in Japan; the file name wins and
        // the time is not converted.
        assert_eq!(
            date_of("2009-07-11-x.md", "date: Sat, 11 Jul 2009 15:00:00 +0000")?,
            at(2009, 7, 11, 15, 0, 0)
        );
        // A front matter day that disagrees with the file name.
        assert_eq!(
            date_of("2009-07-11-x.md", "date: 2009-07-12 00:30:00 +0900")?,
            at(2009, 7, 11, 0, 30, 0)
        );
        assert_eq!(
            date_of("2013-08-21-x.md", "date: 2013-08-21 9:00:05 +0900")?,
            at(2013, 8, 21, 9, 0, 5)
        );
        Ok(())
    }

    #[test]
    fn without_file_name_date_front_matter_wall_clock_is_used() -> TestResult {
        for (line, expected) in [
            (
                "date: Sat, 11 Jul 2009 15:00:00 +0000",
                at(2009, 7, 11, 15, 0, 0),
            ),
            ("date: 2013-08-21 10:00:05 +0900", at(2013, 8, 21, 10, 0, 5)),
            ("date : 2019-01-05T11:27", at(2019, 1, 5, 11, 27, 0)),
            (
                "date: \"2021-03-04T10:00:00+09:00\"",
                at(2021, 3, 4, 10, 0, 0),
            ),
            ("date: '2021-03-04T23:59:59Z'", at(2021, 3, 4, 23, 59, 59)),
            ("date: 2021-03-04 08:15", at(2021, 3, 4, 8, 15, 0)),
            ("date: 2021-03-04", at(2021, 3, 4, 0, 0, 0)),
        ] {
            assert_eq!(date_of("about.md", line)?, expected, "{line}");
        }
        Ok(())
    }

    #[test]
    fn file_name_only_and_missing_dates() -> TestResult {
        assert_eq!(date_of("2005-08-13-2-8.md", "")?, at(2005, 8, 13, 0, 0, 0));
        assert_eq!(
            date_of("2005-08-13-2-8.md", "date:")?,
            at(2005, 8, 13, 0, 0, 0)
        );
        assert_eq!(
            date_of("2005-08-13-2-8.md", "date: ''")?,
            at(2005, 8, 13, 0, 0, 0)
        );
        assert_eq!(date_of("about.md", "")?, None);
        assert_eq!(date_of("about.md", "date: ~")?, None);
        Ok(())
    }

    #[test]
    fn unparseable_date_is_fine_with_file_name_date() -> TestResult {
        assert_eq!(
            date_of("2005-08-13-x.md", "date: いつか")?,
            at(2005, 8, 13, 0, 0, 0)
        );
        assert_eq!(
            date_of("2005-08-13-x.md", "date: [2005, 8]")?,
            at(2005, 8, 13, 0, 0, 0)
        );
        Ok(())
    }

    #[test]
    fn unparseable_date_without_file_name_date_is_an_error() {
        match date_of("about.md", "date: いつか") {
            Err(NoPost::Failed(PostError::Field {
                field: "date",
                message,
            })) => {
                assert!(message.contains("いつか"), "{message}");
                assert!(message.contains("RFC 2822"), "{message}");
                assert!(message.contains("YYYY-MM-DD"), "{message}");
            }
            other => panic!("expected a date field error, got {other:?}"),
        }
        assert!(matches!(
            date_of("about.md", "date: {y: 2005}"),
            Err(NoPost::Failed(PostError::Field { field: "date", .. }))
        ));
        // An impossible file-name date is no date at all.
        assert!(matches!(
            date_of("2013-02-30-x.md", "date: later"),
            Err(NoPost::Failed(PostError::Field { field: "date", .. }))
        ));
    }
}

mod titles {
    use super::*;

    fn title_of(path: &str, title_line: &str) -> Result<String> {
        parse(path, &format!("---\n{title_line}\ndate: 2010-01-01\n---\n")).map(|p| p.title)
    }

    #[test]
    fn fallback_is_the_percent_decoded_slug() -> TestResult {
        let path = "_posts/2012-10-01-%e6%9c%9f%e3%81%8c%e7%b5%82%e3%82%8f%e3%81%a3%e3%81%9f.md";
        let post = parse(path, "---\ndate: 2012-10-01 10:00:00 +0900\n---\n本文\n")?;
        assert_eq!(post.title, "期が終わった");
        // `path` and the derived URL keep the encoding as on disk.
        assert_eq!(post.id, path);
        assert_eq!(
            post.url,
            "/2012/10/01/%e6%9c%9f%e3%81%8c%e7%b5%82%e3%82%8f%e3%81%a3%e3%81%9f/"
        );
        assert_eq!(title_of("2012-08-18-163.md", "")?, "163");
        assert_eq!(title_of("2012-08-18-163.md", "title:")?, "163");
        assert_eq!(title_of("2012-08-18-163.md", "title: '  '")?, "163");
        assert_eq!(title_of("about.md", "title: ~")?, "about");
        // Invalid UTF-8 in the encoding is decoded lossily.
        assert_eq!(title_of("2012-08-18-a%ffb.md", "")?, "a\u{fffd}b");
        Ok(())
    }

    #[test]
    fn quoting_hashes_entities_and_numbers() -> TestResult {
        assert_eq!(title_of("x.md", "title: 'It''s #1 の話'")?, "It's #1 の話");
        assert_eq!(
            title_of("x.md", "title: \"引用 \\\"符\\\"\"")?,
            "引用 \"符\""
        );
        assert_eq!(
            title_of("x.md", "title: 本と&#038;映画&hellip;")?,
            "本と&映画…"
        );
        assert_eq!(title_of("x.md", "title: 2008")?, "2008");
        assert_eq!(title_of("x.md", "title: 1.5")?, "1.5");
        assert_eq!(title_of("x.md", "title: true")?, "true");
        assert_eq!(
            title_of("x.md", "title: >\n  折り返した\n  題名")?,
            "折り返した 題名"
        );
        Ok(())
    }

    #[test]
    fn unusable_title_is_a_field_error() {
        for line in ["title: {ja: 題名}", "title: [a, b]"] {
            match title_of("x.md", line) {
                Err(NoPost::Failed(PostError::Field {
                    field: "title",
                    message,
                    ..
                })) => assert!(message.contains("found a"), "{message}"),
                other => panic!("{line}: expected a title field error, got {other:?}"),
            }
        }
    }
}

mod lists {
    use super::*;

    fn post_with(lines: &str) -> Result<Post> {
        parse("2010-01-01-x.md", &format!("---\n{lines}\n---\n"))
    }

    #[test]
    fn categories_and_tags_shapes() -> TestResult {
        let post = post_with("categories: [Tech, Tech, Tech]\ntags: \"ruby, rails\"")?;
        assert_eq!(post.categories, ["Tech"]);
        assert_eq!(post.tags, ["ruby", "rails"]);

        let post = post_with("category: JavaScript\ntags: ruby, rails, ruby")?;
        assert_eq!(post.categories, ["JavaScript"]);
        assert_eq!(post.tags, ["ruby", "rails"]);

        let post = post_with("tags: [2009, 日記]\ncategories:\ncategory: ~")?;
        assert_eq!(post.tags, ["2009", "日記"]);
        assert!(post.categories.is_empty());

        let post = post_with("tags:\n  -\n  - ' 空白 '\n  - ''\ntag: [空白, 追加]")?;
        assert_eq!(post.tags, ["空白", "追加"]);

        // Both plural and singular: plural first, then the singular's new ones.
        let post = post_with("category: [雑記, Life]\ncategories: [Life, Tech]")?;
        assert_eq!(post.categories, ["Life", "Tech", "雑記"]);

        // De-duplication is exact: case and width variants are kept as written.
        let post = post_with("tags: [Business, business, Ｂｕｓｉｎｅｓｓ, Business]")?;
        assert_eq!(post.tags, ["Business", "business", "Ｂｕｓｉｎｅｓｓ"]);
        Ok(())
    }

    #[test]
    fn mapping_tags_are_a_field_error() {
        assert!(matches!(
            post_with("tags: {a: 1}"),
            Err(NoPost::Failed(PostError::Field { field: "tags", .. }))
        ));
        assert!(matches!(
            post_with("categories:\n  - 技術: メモ"),
            Err(NoPost::Failed(PostError::Field {
                field: "categories",
                ..
            }))
        ));
    }

    #[test]
    fn authors() -> TestResult {
        assert_eq!(post_with("author: ~")?.author, None);
        assert_eq!(post_with("author: ''")?.author, None);
        assert_eq!(
            post_with("author: [甲, 乙, 甲]")?.author.as_deref(),
            Some("甲, 乙")
        );
        assert_eq!(
            post_with("author: {name: 検索 花子, twitter: x}")?
                .author
                .as_deref(),
            Some("検索 花子")
        );
        assert!(matches!(
            post_with("author: {twitter: x}"),
            Err(NoPost::Failed(PostError::Field {
                field: "author",
                ..
            }))
        ));
        Ok(())
    }

    #[test]
    fn extra_keys_become_json() -> TestResult {
        let post = post_with(
            "layout: post\nSBM_count:\n  - '00010<>1'\ndsq_thread_id:\n  - 303\n  - 303\n\
             published: true\n1: 数字キー\ngeo: {lat: 35.5, lon: [1, 1]}\nimage: ~",
        )?;
        assert_eq!(
            serde_json::Value::Object(post.extra),
            json!({
                "layout": "post",
                "SBM_count": ["00010<>1"],
                "dsq_thread_id": [303],
                "1": "数字キー",
                // Only top-level lists are de-duplicated.
                "geo": {"lat": 35.5, "lon": [1, 1]},
                "image": null,
            })
        );
        Ok(())
    }
}

mod urls {
    use super::*;

    #[test]
    fn permalink_or_derived() -> TestResult {
        let post = parse("2019-01-05-vscode.md", "---\npermalink: ' /x/y/ '\n---\n")?;
        assert_eq!(post.url, "/x/y/");
        let post = parse("2019-01-05-vscode.md", "---\npermalink: ''\n---\n")?;
        assert_eq!(post.url, "/2019/01/05/vscode/");
        // The post's day (from the file name), not the front matter's.
        let post = parse(
            "2019-01-05-vscode.md",
            "---\ndate: 2019-01-06 01:00:00 +0900\n---\n",
        )?;
        assert_eq!(post.url, "/2019/01/05/vscode/");
        let post = parse("drafts/about.md", "---\ntitle: 紹介\n---\n")?;
        assert_eq!(post.url, "/about/");
        let post = parse("about.md", "---\ndate: 2020-02-03T04:05\n---\n")?;
        assert_eq!(post.url, "/2020/02/03/about/");
        assert!(matches!(
            parse("about.md", "---\npermalink: [a]\n---\n"),
            Err(NoPost::Failed(PostError::Field {
                field: "permalink",
                ..
            }))
        ));
        Ok(())
    }

    #[test]
    fn jekyll_permalink_styles() -> TestResult {
        let text = "---\ncategories: [Tech, Life Log]\n---\n";
        let post = parse_in(
            SiteKind::Jekyll,
            Path::new("_posts/2019-01-05-x.md"),
            text.as_bytes(),
        )?;
        // Jekyll's default, `date`.
        assert_eq!(post.url, "/tech/life-log/2019/01/05/x.html");
        // Folders above `_posts/` are categories too.
        let post = parse_in(
            SiteKind::Jekyll,
            Path::new("diary/_posts/2019-01-05-y.md"),
            b"---\n---\n",
        )?;
        assert_eq!(post.categories, ["diary"]);
        assert_eq!(post.url, "/diary/2019/01/05/y.html");
        // `categories: foo bar baz` is three categories, as Jekyll splits it.
        let post = parse("2019-01-05-z.md", "---\ncategories: foo bar baz\n---\n")?;
        assert_eq!(post.categories, ["foo", "bar", "baz"]);
        Ok(())
    }
}

mod encodings_and_errors {
    use super::*;

    #[test]
    fn crlf_and_bom() -> TestResult {
        let text = "\u{feff}---\r\ntitle: 改行\r\ndate: 2021-03-04 10:00\r\ntags:\r\n  - 一\r\n  - 二\r\n---\r\n段落の\r\n続き\r\n\r\n次の段落\r\n";
        let post = parse("2021-03-04-crlf.md", text)?;
        assert_eq!(post.title, "改行");
        assert_eq!(local(&post), at(2021, 3, 4, 10, 0, 0));
        assert_eq!(post.tags, ["一", "二"]);
        assert_eq!(post.body, "段落の 続き\n次の段落\n");
        assert!(!post.body.contains('\r'));
        // `...` closes the block too.
        let post = parse("x.md", "---\r\ntitle: 点\r\n...\r\n本文\r\n")?;
        assert_eq!(post.title, "点");
        assert_eq!(post.body, "本文\n");
        Ok(())
    }

    #[test]
    fn empty_front_matter_block_is_fine() -> TestResult {
        let post = parse("2020-05-06-empty.md", "---\n---\n本文だけ。\n")?;
        assert_eq!(post.title, "empty");
        assert_eq!(local(&post), at(2020, 5, 6, 0, 0, 0));
        assert!(post.categories.is_empty() && post.tags.is_empty() && post.extra.is_empty());
        assert_eq!(post.author, None);
        assert_eq!(post.body, "本文だけ。\n");
        let post = parse("x.md", "---\n# コメントだけ\n---\n")?;
        assert_eq!(post.body, "");
        Ok(())
    }

    #[test]
    fn unpublished_posts_are_drafts() {
        let err = parse(
            "draft.md",
            "---\ntitle: 下書き\npublished: false\n---\n本文",
        )
        .err();
        assert!(
            matches!(&err, Some(NoPost::Skipped(skip)) if skip.kind == SkipKind::Draft),
            "{err:?}"
        );
    }

    #[test]
    fn repeated_keys_keep_the_last_value_as_jekyll_does() -> TestResult {
        let post = parse(
            "_posts/2020-01-01-a.md",
            "---\ntitle: a\ntags: x\ntitle: b\n---\n",
        )?;
        assert_eq!(post.title, "b");
        assert_eq!(post.tags, ["x"]);
        Ok(())
    }

    #[test]
    fn outcomes_in_order() {
        let path = Path::new("dir/post.md");
        let err = |bytes: &[u8]| parse_post(path, bytes).err();
        assert!(matches!(err(b""), Some(NoPost::Failed(PostError::Empty))));
        assert!(matches!(
            err(b" \n\t\r\n"),
            Some(NoPost::Failed(PostError::Empty))
        ));
        assert!(matches!(
            err(b"\xEF\xBB\xBF \n"),
            Some(NoPost::Failed(PostError::Empty))
        ));
        // Invalid UTF-8 with a NUL is binary; a stray NUL in valid UTF-8 text
        // (a real efcl post has one) is kept as text.
        assert!(matches!(
            err(b"\xff\x00abc"),
            Some(NoPost::Failed(PostError::Binary))
        ));
        assert!(err(b"---\ntitle: a\n---\nA\x00B").is_none());
        let no_front_matter = |e: Option<NoPost>| matches!(e, Some(NoPost::Skipped(skip)) if skip.kind == SkipKind::NotAPost);
        assert!(no_front_matter(err("本文だけ\n".as_bytes())));
        assert!(no_front_matter(err(b"\n---\n---\n")));
        assert!(no_front_matter(err(b"title: a\n---\n")));
        match err(b"---\ntitle: a\n") {
            Some(NoPost::Failed(PostError::FrontMatter(message))) => {
                assert!(message.contains("closing"), "{message}");
            }
            other => panic!("expected unterminated front matter, got {other:?}"),
        }
        match err(b"---\ntitle: a\ntags: [x\n---\n") {
            Some(NoPost::Failed(PostError::FrontMatter(message))) => {
                assert!(message.contains("line"), "{message}");
                assert!(message.contains("column"), "{message}");
            }
            other => panic!("expected invalid YAML, got {other:?}"),
        }
        assert!(matches!(
            err(b"---\n- a\n- b\n---\n"),
            Some(NoPost::Failed(PostError::FrontMatter(_)))
        ));
        assert!(matches!(
            err(b"---\njust words\n---\n"),
            Some(NoPost::Failed(PostError::FrontMatter(_)))
        ));
        assert!(matches!(
            err(b"---\ntitle: {a: 1}\n---\n"),
            Some(NoPost::Failed(PostError::Field { field: "title", .. }))
        ));
    }

    #[test]
    fn pages_outside_posts_that_are_templates_are_skipped() -> TestResult {
        let parse =
            |path: &str, text: &str| parse_in(SiteKind::Jekyll, Path::new(path), text.as_bytes());
        let template = |e: Option<NoPost>| matches!(e, Some(NoPost::Skipped(skip)) if skip.kind == SkipKind::Template);
        assert!(template(
            parse(
                "index.html",
                "---\nlayout: default\n---\n{% for post in site.posts %}{% endfor %}\n"
            )
            .err()
        ));
        assert!(template(
            parse("404.html", "---\nlayout: default\n---\nPage not found\n").err()
        ));
        let about = parse("about.md", "---\ntitle: このブログについて\n---\n本文\n")?;
        assert_eq!(about.url, "/about.html");
        // Liquid inside a post is content, not a template.
        assert!(
            parse(
                "_posts/2020-01-01-liquid.md",
                "---\n---\n{% raw %}{{ x }}{% endraw %}\n"
            )
            .is_ok()
        );
        Ok(())
    }
}

mod bodies {
    use super::*;

    #[test]
    fn markdown_and_html_by_extension() -> TestResult {
        let text = "---\ntitle: t\n---\n# 見出し\n\n*強調* と <b>太字</b>\n";
        assert_eq!(parse("a.md", text)?.body, "見出し\n強調 と 太字\n");
        assert_eq!(parse("a.markdown", text)?.body, "見出し\n強調 と 太字\n");
        assert_eq!(parse("a.MDOWN", text)?.body, "見出し\n強調 と 太字\n");
        // As HTML, Markdown syntax is just text.
        assert_eq!(parse("a.html", text)?.body, "# 見出し *強調* と 太字\n");
        Ok(())
    }

    #[test]
    fn markdown_keeps_code_and_drops_comments() -> TestResult {
        let post = parse(
            "a.md",
            "---\n---\n前置き<!--more-->\n\n```js\nconst s = \"<p>&amp;\";\nif (a < b) {}\n```\n\n    インデントされた コード\n",
        )?;
        assert_eq!(
            post.body,
            "前置き\nconst s = \"<p>&amp;\";\nif (a < b) {}\nインデントされた コード\n"
        );
        Ok(())
    }
}

#[test]
fn source_extensions() {
    for yes in ["md", "MD", "markdown", "mdown", "Html", "htm", "mkd"] {
        assert!(super::is_source_extension(yes), "{yes}");
    }
    for no in ["", "bak", "swp", "png", "css"] {
        assert!(!super::is_source_extension(no), "{no}");
    }
}

/// All source files under `dir` (the extensions the formats read), sorted,
/// as paths relative to `root`.
fn post_files(root: &Path, dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            post_files(root, &path, out)?;
        } else if path
            .extension()
            .and_then(|extension| extension.to_str())
            .is_some_and(super::is_source_extension)
            && let Ok(rel) = path.strip_prefix(root)
        {
            out.push(rel.to_path_buf());
        }
    }
    out.sort();
    Ok(())
}

/// Front matter day vs post day statistics over one archive.
#[derive(Debug, Default)]
struct ArchiveReport {
    posts: usize,
    errors: Vec<String>,
    /// Posts whose front matter date's own day differs from the file name's.
    front_matter_day_differs: usize,
    /// … of which the front matter day is exactly one day after.
    front_matter_day_next: usize,
    /// Posts whose `/YYYY/MM/DD/` permalink disagrees with the post's day.
    permalink_day_differs: Vec<String>,
    untitled: usize,
    file_name_date_only: usize,
    empty_bodies: Vec<String>,
    markup_in_body: Vec<String>,
}

fn scan_archive(root: &Path) -> std::result::Result<ArchiveReport, Box<dyn std::error::Error>> {
    use crate::{date, front_matter};
    let mut files = Vec::new();
    post_files(root, root, &mut files)?;
    let mut report = ArchiveReport::default();
    for rel in &files {
        report.posts += 1;
        let bytes = std::fs::read(root.join(rel))?;
        let post = match parse_post(rel, &bytes) {
            Ok(post) => post,
            Err(e) => {
                report.errors.push(e.to_string());
                continue;
            }
        };
        let stem = rel
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (file_day, _) = date::split_file_name_date(&stem);
        // The front matter date on its own.
        let text = std::str::from_utf8(&bytes)?.trim_start_matches('\u{feff}');
        let mut front_matter =
            front_matter::parse(&front_matter::split(text).map_err(|e| e.message())?)?;
        let written = front_matter
            .take("date")
            .and_then(|v| v.as_str().map(str::to_owned))
            .and_then(|text| date::parse_front_matter_date(&text))
            .map(|written| written.local);
        match (file_day, written) {
            (Some(day), Some(written)) => {
                assert_eq!(
                    local(&post).map(|d| d.date()),
                    Some(day),
                    "{}",
                    rel.display()
                );
                assert_eq!(local(&post).map(|d| d.time()), Some(written.time()));
                if written.date() != day {
                    report.front_matter_day_differs += 1;
                    if written.date().pred_opt() == Some(day) {
                        report.front_matter_day_next += 1;
                    }
                }
            }
            (Some(day), None) => {
                report.file_name_date_only += 1;
                assert_eq!(local(&post), Some(day.and_time(NaiveTime::MIN)));
            }
            (None, _) => {}
        }
        let permalink = front_matter.take("permalink");
        if let (Some(date), Some(permalink)) =
            (local(&post), permalink.as_ref().and_then(|v| v.as_str()))
        {
            let parts: Vec<&str> = permalink.split('/').filter(|s| !s.is_empty()).collect();
            if let [y, m, d, ..] = parts[..]
                && [y, m, d]
                    .iter()
                    .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
                && format!("{y}/{m}/{d}") != date.format("%Y/%m/%d").to_string()
            {
                report
                    .permalink_day_differs
                    .push(format!("{} {permalink}", rel.display()));
            }
        }
        if front_matter.take("title").is_none() {
            report.untitled += 1;
        }
        if post.body.trim().is_empty() {
            report.empty_bodies.push(rel.display().to_string());
        }
        if ["<p>", "<li>", "<div", "</", "class=\"", "&nbsp;", "&amp;"]
            .iter()
            .any(|m| post.body.contains(m))
        {
            report.markup_in_body.push(rel.display().to_string());
        }
    }
    Ok(report)
}

#[test]
#[ignore = "reads the real archive in ../shared/corpus/hirofukami (run with --ignored)"]
fn real_archive_hirofukami() -> TestResult {
    let Some(root) = &corpus("hirofukami") else {
        return Ok(());
    };
    let report = scan_archive(root)?;
    println!("{report:#?}");
    assert_eq!(report.posts, 874);
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_eq!(report.untitled, 22);
    // Every `/YYYY/MM/DD/` permalink agrees with the file-name day.
    assert!(
        report.permalink_day_differs.is_empty(),
        "{:#?}",
        report.permalink_day_differs
    );
    println!(
        "hirofukami: {} posts parsed; {} front matter days differ from file-name days \
         ({} of them by exactly one day later)",
        report.posts, report.front_matter_day_differs, report.front_matter_day_next
    );
    Ok(())
}

#[test]
#[ignore = "reads the real archive in ../shared/corpus/efcl (run with --ignored)"]
fn real_archive_efcl() -> TestResult {
    let Some(archive) = corpus("efcl") else {
        return Ok(());
    };
    let root = &archive.join("_posts");
    let report = scan_archive(root)?;
    println!("{report:#?}");
    assert_eq!(report.posts, 837);
    // One post has a stray NUL byte (`\0` in a Windows path) in otherwise
    // valid UTF-8: it is text, so every post parses.
    assert_eq!(report.errors, Vec::<String>::new());
    Ok(())
}
