//! WordPress eXtended RSS (WXR) 1.0, 1.1 and 1.2: the file WordPress's
//! Tools → Export writes (`example.wordpress.2025-01-19.xml`). One file
//! holds a whole site; each `<item>` is a post, page, attachment, menu item
//! …, and a post's id is `FILE#wp:post_id`.
//!
//! # Reading
//!
//! The file is read as a stream of XML events (quick-xml), never as a tree,
//! so a 100 MB export costs its items' text and no more. Elements are
//! matched by their names as WordPress writes them (`wp:post_id`,
//! `content:encoded`, `dc:creator`), as WordPress's own importer does when
//! it has no XML library.
//!
//! - A field's text is all its text and CDATA sections joined: a CDATA
//!   section split to hold `]]>` (`]]]]><![CDATA[>`) reads back whole.
//! - XML's five entities and character references are decoded; any other
//!   entity (`&nbsp;` in a title, which XML does not define) is kept as
//!   written and decoded as HTML with the rest of the text. A bare `&` is
//!   text.
//! - Control characters XML does not allow (U+0000 to U+001F but tab, line
//!   feed and carriage return), which posts pasted from other programs
//!   carry, are dropped.
//! - Only an item's own children are read: its comments (`wp:comment`) and
//!   custom fields (`wp:postmeta`) are not the post.
//! - The channel's `wp:author` blocks (WXR 1.1 and later) give each login
//!   (`wp:author_login`) its display name (`wp:author_display_name`).
//!
//! # Fields
//!
//! - Items whose `wp:post_type` is `post` or `page` (no `wp:post_type`, as
//!   in hand-made files, is `post`) are posts. `attachment` (a media file)
//!   and other types are skipped as not a post; `nav_menu_item` and the
//!   site editor's types (`wp_template`, `wp_template_part`,
//!   `wp_navigation`, `wp_global_styles`, `wp_block`, `custom_css`,
//!   `customize_changeset`) as templates.
//! - `wp:status` `publish` is published. `future` is skipped as scheduled
//!   (even when its date has passed: WordPress had not published it when it
//!   exported), `private` as private, and `draft`, `pending`, `auto-draft`,
//!   `trash`, any other value or none as a draft.
//! - A password-protected post (`wp:post_password` not empty) is indexed by
//!   its title only: its body and excerpt are not read at all, and `extra`
//!   says `password_protected: true`.
//! - Title: `<title>`, entities decoded; `(無題)` when empty.
//! - Author: the display name of `dc:creator`'s login, else the login.
//! - `<category domain="category">` are categories and `domain="post_tag"`
//!   (WXR 1.0 also writes `domain="tag"`) tags, by their display name (the
//!   element's text), or the percent-decoded `nicename` when the text is
//!   empty; de-duplicated (WXR 1.0 writes each category twice). A
//!   `<category>` without `domain` (WXR 1.0) is a category; other
//!   taxonomies (`post_format`, a plugin's) are not read.
//! - Date: `wp:post_date`, the site's wall clock, in the zone that the
//!   difference with `wp:post_date_gmt` gives (`+09:00` for a Japanese
//!   site); when `wp:post_date_gmt` is missing or `0000-00-00 00:00:00`
//!   (drafts, some old exports), in the site's zone. Without a
//!   `wp:post_date`, `pubDate` (RFC 2822). A `wp:post_date` that cannot be
//!   read fails the post.
//! - URL: `<link>` as written (the run drops one that is not http(s) or
//!   relative, as for every format).
//! - Body: `content:encoded`. Shortcode tags are removed and the text
//!   between a pair kept: `[caption …]<img alt="…">夕焼け[/caption]` keeps
//!   the image's alt text and the caption (and an old-style
//!   `caption="…"` argument); a tag is removed when it is closed later
//!   (`[/name]`), closes itself (`[name /]`), or is one of WordPress's
//!   own (`gallery`, `audio`, `video`, `playlist`, `embed`, `caption`,
//!   `wp_caption`) or `contact-form-7`; other brackets (`[PR]`, `a[i]`) are
//!   text. `[[name]]` is the literal `[name]`. Then a block-editor post
//!   (holding `<!-- wp:` comments) is HTML as it is (the comments are
//!   dropped); a classic post gets WordPress's `wpautop`: blank lines make
//!   paragraphs and other newlines line breaks.
//! - `extra`: `excerpt` (`excerpt:encoded`, when not blank), `post_type`,
//!   `slug` (`wp:post_name`, percent-decoded).
//!
//! # Ids
//!
//! `FILE#wp:post_id` (`wordpress.2025-01-19.xml#101`): WordPress's post id,
//! stable across exports of the same site. An item without `wp:post_id`
//! fails as `FILE#item-N` (N its 1-based position among the items); an item
//! whose `wp:post_id` an earlier item has fails.
//!
//! # Broken files
//!
//! - An XML error before the first item is read fails the file: "looks like
//!   a WordPress export, but its XML is broken at line L, column C: …".
//! - An XML error inside an item fails that item (with its `wp:post_id` when
//!   the item's text shows one); reading goes on at the next `<item>`. An
//!   error between items is reported for the file, and reading goes on the
//!   same way.
//! - A file that ends before `</channel>` was cut short (an interrupted
//!   download): the items before the cut are read, the item the cut falls
//!   in is not, and the file reports the cut ([`Entry::Truncated`]), so the
//!   posts indexed from it before and not read now are kept.
//!
//! # Parts
//!
//! [`wxr`] reads the XML into raw items, [`item`] makes each item a post
//! (or a skip), and [`content`] turns `content:encoded` into the HTML that
//! is read as text; this module gives each item its id and reads the
//! items' bodies in parallel.

mod content;
mod item;
mod wxr;

use std::collections::HashSet;

use rayon::prelude::*;

use self::wxr::{Part, RawItem};
use super::{Entry, SourceFile};
use crate::error::PostError;

/// The format's name in errors.
const FORMAT: &str = "a WordPress export";

/// Whether a file starts like a WordPress export: an `<rss` element and the
/// WXR namespace (`http://wordpress.org/export/1.2/`).
pub(super) fn sniff(head: &str) -> bool {
    head.contains("<rss") && head.contains("://wordpress.org/export/1.")
}

/// Reads every item of an export.
pub(crate) fn read(file: &SourceFile<'_>) -> Result<Vec<Entry>, PostError> {
    let export = wxr::parse(file.text)?;
    let mut seen = HashSet::new();
    let pending: Vec<Pending> = export
        .parts
        .into_iter()
        .map(|part| match part {
            Part::Item { number, item } => {
                let post_id = item.post_id.trim();
                if post_id.is_empty() {
                    return Pending::Done(Entry::Failed {
                        id: format!("{}#item-{number}", file.id),
                        error: malformed("this item has no `wp:post_id`"),
                    });
                }
                let id = format!("{}#{post_id}", file.id);
                if !seen.insert(post_id.to_owned()) {
                    return Pending::Done(Entry::Failed {
                        id,
                        error: malformed(format!(
                            "an earlier item has the same `wp:post_id` {post_id}"
                        )),
                    });
                }
                Pending::Read { id, item }
            }
            Part::Broken {
                number,
                post_id,
                message,
            } => Pending::Done(Entry::Failed {
                id: match post_id {
                    Some(post_id) => format!("{}#{post_id}", file.id),
                    None => format!("{}#item-{number}", file.id),
                },
                error: malformed(message),
            }),
            Part::Between { message } => Pending::Done(Entry::Failed {
                id: file.id.to_owned(),
                error: malformed(message),
            }),
        })
        .collect();
    // Bodies are converted in parallel: an export is one file, but its
    // posts are as much work as as many Markdown files.
    let mut entries: Vec<Entry> = pending
        .into_par_iter()
        .map(|pending| match pending {
            Pending::Done(entry) => entry,
            Pending::Read { id, item } => match item::post(file, &export.authors, &id, *item) {
                Ok(Ok(post)) => Entry::Post(Box::new(post)),
                Ok(Err(reason)) => Entry::Skipped { id, reason },
                Err(error) => Entry::Failed { id, error },
            },
        })
        .collect();
    if let Some(message) = export.cut {
        entries.push(Entry::Truncated {
            error: malformed(message),
        });
    }
    Ok(entries)
}

fn malformed(message: impl Into<String>) -> PostError {
    PostError::Malformed {
        format: FORMAT,
        message: message.into(),
    }
}

/// An item waiting to be made a post, or an entry already decided.
enum Pending {
    Read { id: String, item: Box<RawItem> },
    Done(Entry),
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::format::testing::{golden, outline, posts, read_with, site};
    use crate::format::{Format, Site, SiteKind};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    const EXPORT: &str =
        include_str!("../../../../../tests/fixtures/formats/wordpress/wordpress.2025-01-19.xml");
    const TRUNCATED: &str =
        include_str!("../../../../../tests/fixtures/formats/wordpress-truncated/truncated.xml");
    const MALFORMED: &str =
        include_str!("../../../../../tests/fixtures/formats/wordpress-malformed/malformed.xml");

    fn read_text(id: &str, text: &str) -> Result<Vec<Entry>, PostError> {
        read_with(read, &site(SiteKind::Plain), id, text)
    }

    /// An export around `items`.
    fn export(items: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n\
             <rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:wp=\"http://wordpress.org/export/1.2/\">\n\
             <channel>\n<title>t</title>\n{items}</channel>\n</rss>\n"
        )
    }

    /// An item with these children after `wp:post_id`.
    fn item(id: u32, children: &str) -> String {
        format!(
            "<item><title>記事{id}</title><wp:post_id>{id}</wp:post_id>\
             <wp:post_type>post</wp:post_type>{children}</item>\n"
        )
    }

    #[test]
    fn wordpress_export_golden() -> TestResult {
        let entries = read_text("wordpress.2025-01-19.xml", EXPORT)?;
        insta::assert_snapshot!(golden(&entries));
        Ok(())
    }

    #[test]
    fn wordpress_truncated_golden() -> TestResult {
        let entries = read_text("truncated.xml", TRUNCATED)?;
        insta::assert_snapshot!(golden(&entries));
        Ok(())
    }

    #[test]
    fn wordpress_sniff_claims_exports_only() {
        let site = site(SiteKind::Plain);
        for text in [EXPORT, TRUNCATED, MALFORMED] {
            assert_eq!(
                crate::format::detect(&site, "export.xml", text),
                Some(Format::WordPress)
            );
        }
        // The extension decides first; a plain RSS feed or sitemap is not
        // an export.
        assert_eq!(crate::format::detect(&site, "export.txt", EXPORT), None);
        assert!(!sniff(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item/></channel></rss>"
        ));
        assert!(!sniff(
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"></urlset>"
        ));
        assert!(sniff(
            "<rss xmlns:wp=\"http://wordpress.org/export/1.0/\"><channel>"
        ));
    }

    #[test]
    fn wordpress_publishes_posts_and_pages_only() -> TestResult {
        let items = [
            ("post", "publish"),
            ("page", "publish"),
            ("", "publish"),
            ("post", "draft"),
            ("post", "pending"),
            ("post", "auto-draft"),
            ("post", "trash"),
            ("post", "future"),
            ("page", "private"),
            ("post", ""),
            ("attachment", "inherit"),
            ("nav_menu_item", "publish"),
            ("wp_template", "publish"),
            ("product", "publish"),
        ];
        let text: String = items
            .iter()
            .zip(1..)
            .map(|((post_type, status), id)| {
                format!(
                    "<item><title>t</title><wp:post_id>{id}</wp:post_id>\
                     <wp:post_type>{post_type}</wp:post_type><wp:status>{status}</wp:status></item>\n"
                )
            })
            .collect();
        let entries = read_text("e.xml", &export(&text))?;
        assert_eq!(
            outline(&entries),
            [
                "post e.xml#1",
                "post e.xml#2",
                "post e.xml#3",
                "skipped e.xml#4: draft: `wp:status` `draft`",
                "skipped e.xml#5: draft: `wp:status` `pending`",
                "skipped e.xml#6: draft: `wp:status` `auto-draft`",
                "skipped e.xml#7: draft: `wp:status` `trash`",
                "skipped e.xml#8: scheduled: `wp:status` `future`",
                "skipped e.xml#9: private: `wp:status` `private`",
                "skipped e.xml#10: draft: no `wp:status`",
                "skipped e.xml#11: not a post: `wp:post_type` `attachment`: a media file",
                "skipped e.xml#12: template: `wp:post_type` `nav_menu_item`: part of the site's layout",
                "skipped e.xml#13: template: `wp:post_type` `wp_template`: part of the site's layout",
                "skipped e.xml#14: not a post: `wp:post_type` `product`: only posts and pages are read",
            ]
        );
        Ok(())
    }

    #[test]
    fn wordpress_password_protected_posts_keep_only_their_title() -> TestResult {
        let entries = read_text("wordpress.2025-01-19.xml", EXPORT)?;
        let protected = posts(&entries)
            .into_iter()
            .find(|post| post.id.ends_with("#104"))
            .ok_or("post 104 is read")?;
        assert_eq!(protected.title, "合言葉が必要な記事");
        assert_eq!(protected.body, "");
        let extra = Value::Object(protected.extra.clone()).to_string();
        assert!(!extra.contains("柚子胡椒味噌"), "{extra}");
        assert_eq!(
            protected.extra.get("password_protected"),
            Some(&Value::Bool(true))
        );
        Ok(())
    }

    #[test]
    fn wordpress_split_cdata_control_characters_and_entities() -> TestResult {
        let text = export(&item(
            1,
            "<wp:status>publish</wp:status>\
             <content:encoded><![CDATA[<pre>a[b[0]]]]><![CDATA[> 1</pre>]]></content:encoded>\
             <excerpt:encoded>制御\u{8}文字 &amp; 実体&#x3042;&#0; &nbsp;&hearts; & 裸</excerpt:encoded>",
        ));
        let entries = read_text("e.xml", &text)?;
        let post = posts(&entries)[0];
        assert_eq!(post.body, "a[b[0]]> 1\n");
        assert_eq!(
            post.extra.get("excerpt"),
            Some(&Value::from("制御文字 & 実体あ &nbsp;&hearts; & 裸"))
        );
        Ok(())
    }

    #[test]
    fn wordpress_comments_and_custom_fields_are_not_the_post() -> TestResult {
        let entries = read_text("wordpress.2025-01-19.xml", EXPORT)?;
        let post = posts(&entries)[0];
        // The split CDATA reads back whole; the control character is gone.
        for text in ["勉強会", "講師の方がホワイトボード", "if v[idx[0]]> 0 {"] {
            assert!(post.body.contains(text), "{text} not in {}", post.body);
        }
        let all = format!("{post:?}");
        for word in [
            "通りすがり",
            "読者の感想コメント専用語",
            "_edit_last",
            "アサイド",
        ] {
            assert!(!all.contains(word), "{word} in {all}");
        }
        Ok(())
    }

    #[test]
    fn wordpress_zone_comes_from_the_gmt_date() -> TestResult {
        let dated = |date: &str, gmt: &str| -> Result<Option<String>, PostError> {
            let text = export(&item(
                1,
                &format!(
                    "<wp:status>publish</wp:status><wp:post_date>{date}</wp:post_date>\
                     <wp:post_date_gmt>{gmt}</wp:post_date_gmt>\
                     <pubDate>Sat, 11 Jul 2009 15:00:00 +0000</pubDate>"
                ),
            ));
            let new_york = Site::fixture(SiteKind::Plain, chrono_tz::America::New_York);
            let entries = read_with(read, &new_york, "e.xml", &text)?;
            Ok(posts(&entries)[0].date.map(|d| d.to_rfc3339()))
        };
        assert_eq!(
            dated("2025-01-12 19:30:00", "2025-01-12 10:30:00")?.as_deref(),
            Some("2025-01-12T19:30:00+09:00")
        );
        assert_eq!(
            dated("2025-01-12 05:00:00", "2025-01-12 10:45:00")?.as_deref(),
            Some("2025-01-12T05:00:00-05:45")
        );
        // No GMT date: the site's zone.
        assert_eq!(
            dated("2025-07-01 12:00:00", "0000-00-00 00:00:00")?.as_deref(),
            Some("2025-07-01T12:00:00-04:00")
        );
        assert_eq!(
            dated("2025-07-01 12:00:00", "")?.as_deref(),
            Some("2025-07-01T12:00:00-04:00")
        );
        // No date at all: `pubDate`.
        assert_eq!(
            dated("0000-00-00 00:00:00", "")?.as_deref(),
            Some("2009-07-11T15:00:00+00:00")
        );
        // A date that cannot be read fails the post.
        let text = export(&item(
            1,
            "<wp:status>publish</wp:status><wp:post_date>昨日</wp:post_date>",
        ));
        assert_eq!(
            outline(&read_text("e.xml", &text)?),
            ["failed e.xml#1: invalid `wp:post_date`: cannot read `昨日` as `YYYY-MM-DD hh:mm:ss`"]
        );
        Ok(())
    }

    #[test]
    fn wordpress_missing_and_repeated_post_ids_fail_alone() -> TestResult {
        let text = export(&format!(
            "{}<item><title>番号なし</title><wp:status>publish</wp:status></item>\n{}",
            item(7, "<wp:status>publish</wp:status>"),
            item(7, "<wp:status>publish</wp:status>"),
        ));
        assert_eq!(
            outline(&read_text("e.xml", &text)?),
            [
                "post e.xml#7",
                "failed e.xml#item-2: looks like a WordPress export, but this item has no `wp:post_id`",
                "failed e.xml#7: looks like a WordPress export, but an earlier item has the same `wp:post_id` 7",
            ]
        );
        Ok(())
    }

    #[test]
    fn wordpress_broken_xml_fails_the_item_or_the_file() -> TestResult {
        // Broken inside an item: that item fails, the next is read.
        let text = export(&format!(
            "{}<item><title>壊れた</titel><wp:post_id>2</wp:post_id></item>\n{}",
            item(1, "<wp:status>publish</wp:status>"),
            item(3, "<wp:status>publish</wp:status>"),
        ));
        let lines = outline(&read_text("e.xml", &text)?);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_eq!(lines[0], "post e.xml#1");
        assert!(
            lines[1].starts_with(
                "failed e.xml#2: looks like a WordPress export, but its XML is broken at line 6, column 17: "
            ),
            "{}",
            lines[1]
        );
        assert_eq!(lines[2], "post e.xml#3");
        // Broken between items: reported for the file.
        let text = export(&format!(
            "{}<junk></jank>\n{}",
            item(1, "<wp:status>publish</wp:status>"),
            item(2, "<wp:status>publish</wp:status>"),
        ));
        let lines = outline(&read_text("e.xml", &text)?);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(
            lines[1].starts_with(
                "failed e.xml: looks like a WordPress export, but its XML is broken at line 6"
            ),
            "{}",
            lines[1]
        );
        // Broken before the first item: the file fails, naming the place.
        let error = read_text("malformed.xml", MALFORMED)
            .err()
            .ok_or("the file fails")?;
        let message = error.with_causes();
        assert!(
            message.starts_with("looks like a WordPress export, but its XML is broken at line "),
            "{message}"
        );
        Ok(())
    }

    #[test]
    fn wordpress_cut_short_keeps_the_items_before() -> TestResult {
        let whole = export(&format!(
            "{}{}",
            item(1, "<wp:status>publish</wp:status>"),
            item(
                2,
                "<wp:status>publish</wp:status><content:encoded><![CDATA[<p>長い本文</p>]]></content:encoded>"
            ),
        ));
        // Cut in the second item's CDATA, in a tag, and between the items.
        for cut in ["長い", "<wp:post_t", "\n<item><title>記事2"] {
            let end = whole.rfind(cut).ok_or("the cut is in the text")? + cut.len();
            let lines = outline(&read_text("e.xml", &whole[..end])?);
            assert_eq!(lines.len(), 2, "{cut}: {lines:?}");
            assert_eq!(lines[0], "post e.xml#1");
            assert!(
                lines[1]
                    .starts_with("truncated: looks like a WordPress export, but it ends at line "),
                "{cut}: {}",
                lines[1]
            );
            assert!(lines[1].contains("it was cut short"), "{}", lines[1]);
        }
        // Cut before any item: the file fails.
        let head = &whole[..whole.find("<item>").ok_or("an item")?];
        assert!(matches!(
            read_text("e.xml", head),
            Err(PostError::Malformed { .. })
        ));
        // Whole, nothing is cut.
        assert_eq!(read_text("e.xml", &whole)?.len(), 2);
        Ok(())
    }

    #[test]
    fn wordpress_classic_posts_get_paragraphs_block_posts_stay_html() -> TestResult {
        let body = |content: &str| -> Result<String, PostError> {
            let text = export(&item(
                1,
                &format!(
                    "<wp:status>publish</wp:status><content:encoded><![CDATA[{content}]]></content:encoded>"
                ),
            ));
            Ok(posts(&read_text("e.xml", &text)?)[0].body.clone())
        };
        assert_eq!(
            body("一行目\n二行目\n\n二段落目")?,
            "一行目\n二行目\n二段落目\n"
        );
        assert_eq!(
            body("<!-- wp:paragraph -->\n<p>ブロック\nエディタ</p>\n<!-- /wp:paragraph -->")?,
            "ブロック エディタ\n"
        );
        Ok(())
    }
}
