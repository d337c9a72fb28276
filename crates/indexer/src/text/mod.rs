//! Post bodies to plain text: Markdown is rendered to HTML first
//! ([`markdown`], after the [`exported`]-HTML repairs), then all HTML goes
//! through one tree walk ([`html`]). Text with blank-line paragraphs
//! (Movable Type, WordPress) is made HTML first by [`breaks`].

mod breaks;
mod exported;
mod html;
mod markdown;

pub(crate) use breaks::line_breaks_to_html;
pub(crate) use html::{decode_entities, html_to_text, walk};
pub(crate) use markdown::markdown_to_html;

use crate::error::PostError;
use crate::post::check_size;

/// How a post's body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Markup {
    /// CommonMark (with tables, strikethrough, footnotes) and inline HTML.
    Markdown,
    /// HTML.
    Html,
}

/// The plain text of a body; see [`crate::post::Post::body`] for its shape.
/// A body past [`crate::post::MAX_POST_TEXT`] fails before it is parsed.
pub(crate) fn body_text(body: &str, markup: Markup) -> Result<String, PostError> {
    check_size(body.len())?;
    if body.trim_ascii().is_empty() {
        return Ok(String::new());
    }
    Ok(match markup {
        Markup::Html => html_to_text(body),
        Markup::Markdown => html_to_text(&markdown_to_html(body)),
    })
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use pulldown_cmark::Parser;

    use super::exported::{matched_elements, raw_html_regions, unindent_exported_html};
    use super::*;

    fn md(source: &str) -> String {
        body_text(source, Markup::Markdown).expect("a small body")
    }

    fn html(source: &str) -> String {
        body_text(source, Markup::Html).expect("a small body")
    }

    #[test]
    fn a_body_past_the_limit_fails_before_it_is_parsed() {
        let limit = crate::post::MAX_POST_TEXT;
        // Unclosed elements nested this deep would take gigabytes as a tree.
        let body = "<div>".repeat(limit / 5 + 1);
        assert!(matches!(
            body_text(&body, Markup::Html),
            Err(PostError::TooLarge { size, .. }) if size == body.len()
        ));
        let body = "あ".repeat(limit / 3);
        assert_eq!(md(&body).len(), body.len() + 1);
    }

    #[test]
    fn blocks_end_lines_and_whitespace_collapses() {
        assert_eq!(
            html("<p>\n    春の\n    庭に  \t咲く\n</p>\n\n<div>花<br>だより</div>"),
            "春の 庭に 咲く\n花\nだより\n"
        );
        assert_eq!(
            html(
                "<h2>見出し</h2><ul><li>一</li><li>二 <b>太字</b>です</li></ul><blockquote>引用</blockquote>"
            ),
            "見出し\n一\n二 太字です\n引用\n"
        );
        assert_eq!(html("   \n  "), "");
        assert_eq!(html("ただの文"), "ただの文\n");
        // No blank lines from empty blocks or repeated breaks.
        assert_eq!(
            html("<p></p><p>あ</p><br><br><p>い</p><div> </div>"),
            "あ\nい\n"
        );
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(
            html("<p>A&amp;B&nbsp;&nbsp;C &#12354;&#x3044; &hellip; &lt;tag&gt; &unknown;</p>"),
            "A&B C あい … <tag> &unknown;\n"
        );
    }

    #[test]
    fn scripts_styles_templates_and_comments_are_dropped() {
        let text = html(
            "<p>前<script>var x = '<p>秘密</p>';</script>後</p>\
             <style>p { color: red }</style>\
             <template><p>型</p></template>\
             <noscript>無効</noscript>\
             <!-- コメント --><p>終<iframe src=x>枠</iframe></p>",
        );
        assert_eq!(text, "前後\n終\n");
    }

    #[test]
    fn malformed_wordpress_markup_recovers() {
        let text = html(
            "<div class=\"section\">\n  <p>\n    一段落目\n  \n  <p>\n    <a href=\"x\"><a href=\"y\">入れ子</a></a>のリンク\n  </p>\n</div></div>\n<p>最後",
        );
        assert_eq!(text, "一段落目\n入れ子のリンク\n最後\n");
        assert!(!text.contains("href"));
    }

    #[test]
    fn tables_cells_images_and_ruby() {
        assert_eq!(
            html(
                "<table><tr><th>時刻</th><th>予定</th></tr><tr><td>6:40</td><td>起床</td></tr></table>"
            ),
            "時刻 予定\n6:40 起床\n"
        );
        assert_eq!(
            html("<p>写真<img src=a.png alt=\"夕焼け\">です<img src=b.png></p>"),
            "写真 夕焼け です\n"
        );
        assert_eq!(
            html("<p><ruby>漢字<rp>(</rp><rt>かんじ</rt><rp>)</rp></ruby>を読む</p>"),
            "漢字を読む\n"
        );
    }

    #[test]
    fn pre_keeps_lines_and_indentation() {
        let text =
            html("<p>例:</p><pre>\n\n  fn main() {\n      let a = 1;\n  }\n\n</pre><p>以上</p>");
        assert_eq!(text, "例:\n  fn main() {\n      let a = 1;\n  }\n以上\n");
    }

    #[test]
    fn markdown_renders_to_text() {
        let text = md(
            "# 題名\n\n本文の**強調**と[リンク](http://example.com/)と`code`。\n\n\
             - 項目1\n- 項目2\n\n\
             | 列A | 列B |\n|---|---|\n| 1 | 2 |\n\n\
             ~~取り消し~~注釈[^1]\n\n[^1]: 脚注の本文\n\n\
             ```rust\nlet x = \"<b>\";\n```\n",
        );
        assert_eq!(
            text,
            "題名\n本文の強調とリンクとcode。\n項目1\n項目2\n列A 列B\n1 2\n取り消し注釈1\n1\n脚注の本文\nlet x = \"<b>\";\n"
        );
    }

    #[test]
    fn markdown_reference_links_and_inline_html() {
        let text = md("[参照][] を見る。<span class=\"x\">インライン</span>\n\n\
             <div class=\"note\">\n<p>ブロック &amp; HTML</p>\n</div>\n\n[参照]: https://example.com/\n");
        assert_eq!(text, "参照 を見る。インライン\nブロック & HTML\n");
    }

    /// The shape of the WordPress export: indented HTML with blank lines and
    /// nested lists indented by four or more spaces.
    const WORDPRESS_MD: &str = "<div class=\"section\">\n  <p>\n    <a href=\"http://example.com/\">勉強会</a> に参加した。\n  </p>\n  \n  <ul>\n    <li>\n      一つ目 <ul>\n        <li>\n          入れ子\n        </li>\n      </ul>\n    </li>\n    \n    <li>\n      二つ目\n    </li>\n  </ul>\n  \n  <p>\n    [まとめ]\n  </p>\n</div>\n";

    #[test]
    fn wordpress_html_in_markdown_is_not_turned_into_code() {
        // What pure CommonMark would do: the `<li>` after the blank line is
        // an indented code block.
        let mut commonmark = String::new();
        pulldown_cmark::html::push_html(&mut commonmark, Parser::new(WORDPRESS_MD));
        assert!(commonmark.contains("&lt;li&gt;"));

        let text = md(WORDPRESS_MD);
        assert_eq!(
            text,
            "勉強会 に参加した。\n一つ目\n入れ子\n二つ目\n[まとめ]\n"
        );
    }

    #[test]
    fn exported_html_survives_stray_end_tags_and_markdown_around_it() {
        // A stray `</div>` ends the outer element early; the rest is still HTML.
        let source = "前書き [参照][]\n\n<div class=\"a\">\n  <p>\n    一\n  </p>\n</div></div>\n  \n    <div class=\"b\">\n      <p>\n        二\n      </p>\n      \n      <p>\n        三 *強調ではない*\n      </p>\n    </div>\n\n後書き **太字**\n\n    本当のコード <b>\n\n[参照]: /x/\n";
        assert_eq!(
            md(source),
            "前書き 参照\n一\n二\n三 *強調ではない*\n後書き 太字\n本当のコード <b>\n"
        );
        // A text line ending with a tag, after a blank line, continues too.
        assert_eq!(
            md("<ol>\n  <li>\n    <pre>x</pre>\n    \n    が出た</li>\n</ol>\n"),
            "x\nが出た\n"
        );
    }

    #[test]
    fn genuine_indented_code_is_left_alone() {
        // Unchanged input is borrowed, not copied.
        assert!(matches!(
            unindent_exported_html("文\n\n    <p>コード</p>\n"),
            Cow::Borrowed(_)
        ));
        // After prose: code.
        assert_eq!(
            md("HTML の例:\n\n    <p>コード</p>\n"),
            "HTML の例:\n<p>コード</p>\n"
        );
        // A code block continuing after a blank line stays code even when
        // its lines are HTML.
        assert_eq!(
            md("例:\n\n    <ul>\n      <li>a</li>\n    </ul>\n\n    <p>続き</p>\n"),
            "例:\n<ul>\n  <li>a</li>\n</ul>\n\n<p>続き</p>\n"
        );
        // Inside fenced code nothing changes.
        let fenced = "<p>前</p>\n\n```\n<div>\n\n    <p>x</p>\n</div>\n```\n";
        assert!(matches!(unindent_exported_html(fenced), Cow::Borrowed(_)));
        assert_eq!(md(fenced), "前\n<div>\n\n    <p>x</p>\n</div>\n");
        // Tabs count as indentation; CRLF lines work.
        assert_eq!(md("<div>\r\n</div>\r\n\r\n\t<p>タブ</p>\r\n"), "タブ\n");
    }

    #[test]
    fn regions_keep_exported_pre_blocks_raw() {
        // The `<pre>` continues a `<p>` HTML block, so after its blank lines
        // CommonMark would read the highlighted lines as Markdown paragraphs
        // (backticks become code spans, `*` emphasis).
        let source = "<div class=\"section\">\n  <p>\n    <pre class=\"hl\">\n\n<span class=\"c\"># 見出しではない</span>\n\n<span class=\"s\">X=`ls *.md | wc -l`</span>\n</pre></div>\n\n後書き\n";
        let regions = raw_html_regions(source);
        assert_eq!(regions.len(), 1);
        assert!(source[regions[0].clone()].ends_with("</pre></div>"));
        assert_eq!(
            md(source),
            "# 見出しではない\n\nX=`ls *.md | wc -l`\n後書き\n"
        );
    }

    #[test]
    fn regions_respect_fences_lists_nesting_and_markdown_in_html() {
        // Inside a fenced block the HTML is code and stays literal.
        let fenced = "```\n<div>\n\n    <p>x</p>\n</div>\n```\n";
        assert!(raw_html_regions(fenced).is_empty());
        assert_eq!(md(fenced), "<div>\n\n    <p>x</p>\n</div>\n");
        // Nothing CommonMark would misread: left to CommonMark.
        assert!(raw_html_regions("<div>\n  <p>x</p>\n\n  <p>y</p>\n</div>\n").is_empty());
        // Markdown inside an HTML block (CommonMark sites) keeps working.
        let details = "<details>\n<summary>詳細</summary>\n\n- **項目**\n\n</details>\n";
        assert!(raw_html_regions(details).is_empty());
        assert_eq!(md(details), "詳細\n項目\n");
        // Nested same-name elements and comments are counted correctly.
        let nested = "<div>\n<div>\n</div>\n<!-- </div> -->\n\n    <p>in</p>\n</div>\n\n本当の\n\n    code\n";
        let regions = raw_html_regions(nested);
        assert_eq!(regions.len(), 1);
        assert!(nested[regions[0].clone()].ends_with("<p>in</p>\n</div>"));
        assert_eq!(md(nested), "in\n本当の\ncode\n");
        // Never closed: no region (rule 2 still un-indents the tag line).
        assert!(raw_html_regions("<div>\n\n    <p>x</p>\n").is_empty());
        assert_eq!(md("<div>\n\n    <p>x</p>\n"), "x\n");
        // An indented start tag inside a list item is the list's business.
        assert!(raw_html_regions("- item\n\n  <div>\n\n      <p>x</p>\n  </div>\n").is_empty());
        // Text after the end tag on the same line is Markdown again, and
        // reference links defined after a region still resolve.
        assert_eq!(
            md(
                "[参照][]\n<div>\n  <p>a</p>\n\n      <p>b</p>\n</div> 続き *強調*\n\n[参照]: /x/\n"
            ),
            "参照\na\nb\n続き 強調\n"
        );
    }

    #[test]
    fn start_and_end_tags_pair_up() {
        let source = "</div><DIV a=1><div/><div>x</div><!-- <div> --></Div><div>";
        // Offsets just past each start tag's name, and just past its end tag.
        let outer = source.find("<DIV").map(|i| i + 4);
        let inner = source.find("<div>").map(|i| i + 4);
        let pairs = matched_elements(source, "div");
        assert_eq!(pairs.len(), 2);
        assert_eq!(Some(pairs[0].0), outer);
        assert!(source[..pairs[0].1].ends_with("--></Div>"));
        assert_eq!(Some(pairs[1].0), inner);
        assert!(source[..pairs[1].1].ends_with("x</div>"));
        // Many unclosed candidates stay linear and find nothing.
        let unclosed = format!("{}\n\n    <p>x\n", "<p>a\n".repeat(20_000));
        assert!(raw_html_regions(&unclosed).is_empty());
    }

    #[test]
    fn titles_decode_entities_only() {
        assert_eq!(decode_entities("無題"), "無題");
        assert_eq!(
            decode_entities("A &#8211; B &#038; C&hellip; &amp;lt;"),
            "A – B & C… &lt;"
        );
        assert_eq!(
            decode_entities("<b>太字</b> &amp; x < y"),
            "<b>太字</b> & x < y"
        );
    }
}
