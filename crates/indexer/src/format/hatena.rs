//! Hatena Blog entries as blogsync (x-motemen/blogsync) stores them: one
//! file per entry (`example.hatenablog.com/entry/2019/01/05/123456.md`),
//! a YAML header between `---` lines, then the body as the blog's editor
//! wrote it (Markdown, HTML, or Hatena notation). A file is claimed when
//! its front matter has an `EditURL:` line, which blogsync always writes.
//!
//! # Fields
//!
//! - `Title`; Hatena allows an empty title and shows the entry's date in
//!   its place, so an empty or missing title is the date as `YYYY-MM-DD`,
//!   or `(無題)` without a date.
//! - `Date`, with its offset (`2019-01-05T12:34:56+09:00`); one without an
//!   offset is in the site's zone. A date that cannot be read fails the
//!   file (`invalid Date`).
//! - `URL` is the post's URL, as written.
//! - `Category` (a list, or one name; names may hold spaces) goes to the
//!   categories only: Hatena Blog has no tags besides its categories, and
//!   its Movable Type export writes them as `CATEGORY` lines, so both
//!   readers of one blog agree.
//! - `Draft: true` (or `yes`) is skipped as a draft.
//! - Every other key (`EditURL`, `PreviewURL`, `CustomPath` …) is kept in
//!   `extra` as written. There is no author field.
//!
//! # Body
//!
//! blogsync does not say which syntax the body is in, so it is guessed:
//!
//! - **Hatena notation** when the body has one of its block marks: a
//!   `>||`, `>|lang|` or `>|` line (code and pre blocks), a `||<` or `|<`
//!   line, a `>>` line (quote), or a `((…))` footnote on one line (not
//!   `$((`, shell arithmetic). It is read as:
//!   - `>|lang|`/`>||` … `||<`: the code as it is; `>|` … `|<`: its lines.
//!   - `>>` (or `>URL>`) … `<<`: the quoted lines.
//!   - `*見出し`, `**…`, `***…` (and `*name*見出し`): the heading text.
//!   - `-`/`+` list items, `|a|*b|` table rows and `:term:description`
//!     lines: their text; every other line is a paragraph, with its inline
//!     HTML read as HTML.
//!   - `((脚注))`: the note's text, in parentheses where it is written.
//!   - `====` (the "read more" fold) and blank lines: nothing.
//! - **HTML** when the file's extension is `.html`, **Markdown** (which
//!   reads inline and block HTML too, so the WYSIWYG editor's HTML works)
//!   otherwise.
//!
//! In every syntax, outside Markdown fenced code, Hatena's bracket
//! notations (which its Markdown and WYSIWYG modes also accept) are read:
//! `[:contents]` (table of contents) and `[f:id:user:…:image]` (Hatena
//! Fotolife images) are dropped, `[URL:title=Text]` is `Text`,
//! `[URL:embed]`, `[URL:embed:cite]`, `[URL:image]`, `[URL:movie]` and
//! `[URL:barcode]` are dropped (the card's title is not in the source),
//! and `[URL]`, `[URL:title]`, `[URL:bookmark]` are the URL; `[]` (the
//! notation stop) is dropped. Brackets followed by `(`, `[` or `:` are
//! Markdown links and stay as written. Other bracket notations (`[id:user]`,
//! `[google:…]`, `[twitter:…]` …) stay as written: their words are still
//! searchable.

use serde_yaml::Value;

use super::{Entry, Skip, SkipKind, SourceFile};
use crate::date;
use crate::error::PostError;
use crate::front_matter::{self, FrontMatter, Separator, SplitError};
use crate::post::{Names, Post, check_size, clean_text};
use crate::text::{self, Markup};

/// Whether a file starts with YAML front matter holding an `EditURL:` line.
pub(super) fn sniff(head: &str) -> bool {
    let mut lines = head.lines();
    if lines.next().map(str::trim_end) != Some("---") {
        return false;
    }
    lines
        .take_while(|line| !matches!(line.trim_end(), "---" | "..."))
        .any(|line| line.starts_with("EditURL:"))
}

/// Reads one blogsync entry.
pub(crate) fn read(file: &SourceFile<'_>) -> Result<Vec<Entry>, PostError> {
    let split = front_matter::split(file.text).map_err(|error| match error {
        SplitError::Missing => {
            PostError::FrontMatter("no front matter (blogsync starts with a `---` line)".to_owned())
        }
        error => PostError::FrontMatter(error.message()),
    })?;
    let front_matter = front_matter::parse(&split).map_err(PostError::FrontMatter)?;
    let is_html = file
        .id
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("html"));
    Ok(Entry::of_file(
        file,
        post(file, front_matter, split.body, is_html)?,
    ))
}

/// The post, or why it is not published.
fn post(
    file: &SourceFile<'_>,
    mut front_matter: FrontMatter,
    body: &str,
    is_html: bool,
) -> Result<Result<Post, Skip>, PostError> {
    let text_of = |value: Option<Value>, field: &'static str| match value {
        None => Ok(None),
        Some(value) => front_matter::scalar_text(value).map_err(|found| PostError::Field {
            field,
            message: format!("expected text, found {found}"),
        }),
    };
    let draft = text_of(front_matter.take_ci("Draft"), "Draft")?;
    if let Some(draft) = draft.filter(|d| matches!(d.trim(), "true" | "yes")) {
        return Ok(Err(Skip::new(SkipKind::Draft, format!("`Draft: {draft}`"))));
    }
    let title = text_of(front_matter.take_ci("Title"), "Title")?
        .as_deref()
        .and_then(clean_text);
    let date = match text_of(front_matter.take_ci("Date"), "Date")? {
        Some(text) if !text.trim().is_empty() => Some(
            date::parse_front_matter_date(&text)
                .ok_or_else(|| PostError::Field {
                    field: "Date",
                    message: format!(
                        "cannot read `{}` as a date; accepted forms: {}",
                        text.trim(),
                        date::ACCEPTED_FORMS
                    ),
                })?
                .in_site(file.site),
        ),
        _ => None,
    };
    let url = text_of(front_matter.take_ci("URL"), "URL")?
        .map(|url| url.trim().to_owned())
        .unwrap_or_default();
    let mut categories = Names::default();
    if let Some(value) = front_matter.take_ci("Category") {
        front_matter::extend_names(&mut categories, value, Separator::Comma).map_err(
            |message| PostError::Field {
                field: "Category",
                message,
            },
        )?;
    }

    let title = title.unwrap_or_else(|| match date {
        Some(date) => date.format("%Y-%m-%d").to_string(),
        None => "(無題)".to_owned(),
    });
    let mut post = Post::new(file.id.to_owned(), file.id, title);
    post.date = date;
    post.url = url;
    post.categories = categories.into_vec();
    post.body = body_text(body, is_html)?;
    post.extra = front_matter.into_extra();
    Ok(Ok(post))
}

/// The body's text, in the syntax guessed as the module docs say.
fn body_text(body: &str, is_html: bool) -> Result<String, PostError> {
    if is_notation(body) {
        check_size(body.len())?;
        Ok(text::html_to_text(&notation_html(body)))
    } else {
        let markup = if is_html {
            Markup::Html
        } else {
            Markup::Markdown
        };
        text::body_text(&without_bracket_notations(body, markup), markup)
    }
}

/// Whether a body is in Hatena notation: see the module docs.
fn is_notation(body: &str) -> bool {
    body.lines().any(|line| {
        let line = line.trim_end();
        code_start(line).is_some()
            || matches!(line, "||<" | "|<" | ">>")
            || line
                .match_indices("((")
                .any(|(at, _)| !line[..at].ends_with('$') && line[at + 2..].contains("))"))
    })
}

/// A code block's opening line: `>|lang|` or `>||` (escaped code, ends at
/// `||<`), or `>|` (pre, ends at `|<`). Returns the closing line.
fn code_start(line: &str) -> Option<&'static str> {
    if line == ">|" {
        return Some("|<");
    }
    let lang = line.strip_prefix(">|")?.strip_suffix('|')?;
    (!lang.contains('|')).then_some("||<")
}

/// Hatena notation as HTML.
fn notation_html(body: &str) -> String {
    let mut html = String::with_capacity(body.len() + body.len() / 4);
    let mut lines = body.lines();
    while let Some(line) = lines.next() {
        let line = line.trim_end();
        if let Some(end) = code_start(line) {
            html.push_str("<pre>");
            for code in lines.by_ref() {
                if code.trim_end() == end {
                    break;
                }
                if end == "||<" {
                    push_escaped(&mut html, code);
                } else {
                    html.push_str(&inline(code));
                }
                html.push('\n');
            }
            html.push_str("</pre>\n");
            continue;
        }
        if line == ">>" || (line.starts_with(">http") && line.ends_with('>')) {
            html.push_str("<blockquote>\n");
            continue;
        }
        if line == "<<" {
            html.push_str("</blockquote>\n");
            continue;
        }
        if line.trim().is_empty() || (line.starts_with("====") && line.bytes().all(|b| b == b'=')) {
            continue;
        }
        let (tag, text) = if let Some(heading) = heading(line) {
            ("h3", heading.to_owned())
        } else if let Some(item) = line.strip_prefix(['-', '+']) {
            ("div", item.trim_start_matches(['-', '+']).to_owned())
        } else if line.len() > 1 && line.starts_with('|') && line.ends_with('|') {
            let cells: Vec<&str> = line[1..line.len() - 1]
                .split('|')
                .map(|cell| cell.strip_prefix('*').unwrap_or(cell).trim())
                .collect();
            ("div", cells.join(" "))
        } else if let Some((term, description)) =
            line.strip_prefix(':').and_then(|rest| rest.split_once(':'))
        {
            ("div", format!("{term} {description}"))
        } else {
            ("p", line.to_owned())
        };
        html.push_str(&format!("<{tag}>{}</{tag}>\n", inline(&text)));
    }
    html
}

/// A heading line's text: `*`, `**` or `***`, then optionally a `name*`
/// anchor (`*p1*`, `*1234567890*`), then the text.
fn heading(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('*')?;
    let rest = rest.strip_prefix('*').unwrap_or(rest);
    let rest = rest.strip_prefix('*').unwrap_or(rest);
    let anchor = rest
        .find('*')
        .filter(|&end| {
            end > 0
                && rest[..end]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
        .map_or(rest, |end| &rest[end + 1..]);
    Some(anchor.trim())
}

/// One line's inline notations: footnotes and bracket notations.
fn inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("((") {
        let Some(end) = rest[at + 2..].find("))") else {
            break;
        };
        out.push_str(&brackets(&rest[..at]));
        out.push('(');
        out.push_str(&brackets(&rest[at + 2..at + 2 + end]));
        out.push(')');
        rest = &rest[at + 2 + end + 2..];
    }
    out.push_str(&brackets(rest));
    out
}

/// The body with the bracket notations read (module docs), except inside
/// Markdown fenced code.
fn without_bracket_notations(body: &str, markup: Markup) -> String {
    let mut out = String::with_capacity(body.len());
    let mut fence: Option<&str> = None;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if markup == Markup::Markdown {
            match fence {
                Some(mark) if trimmed.starts_with(mark) => fence = None,
                None if trimmed.starts_with("```") => fence = Some("```"),
                None if trimmed.starts_with("~~~") => fence = Some("~~~"),
                _ => {}
            }
            if fence.is_some() || trimmed.starts_with("```") || trimmed.starts_with("~~~") {
                out.push_str(line);
                continue;
            }
        }
        out.push_str(&brackets(line));
    }
    out
}

/// Reads the bracket notations of a piece of text.
fn brackets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('[') {
        let Some(len) = rest[at + 1..].find(']') else {
            break;
        };
        let inner = &rest[at + 1..at + 1 + len];
        let after = &rest[at + 1 + len + 1..];
        out.push_str(&rest[..at]);
        // `[text](url)`, `[text][ref]` and `[ref]: url` are Markdown links.
        let markdown_link = after.starts_with(['(', '[', ':']);
        match bracket(inner).filter(|_| !markdown_link) {
            Some(replacement) => out.push_str(replacement),
            None => out.push_str(&rest[at..=at + 1 + len]),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// What one bracket notation's content stands for; `None` for brackets
/// that are not one of the notations read.
fn bracket(inner: &str) -> Option<&str> {
    if inner.is_empty() || inner == ":contents" || inner.starts_with("f:id:") {
        return Some("");
    }
    if !(inner.starts_with("http://") || inner.starts_with("https://")) {
        return None;
    }
    // The URL's scheme holds a `:`; options start at the next one.
    let scheme_end = inner.find("://")? + 3;
    let Some(options_at) = inner[scheme_end..].find(':').map(|at| at + scheme_end) else {
        return Some(inner);
    };
    let (url, options) = (&inner[..options_at], &inner[options_at + 1..]);
    if let Some(title) = options.strip_prefix("title=") {
        return Some(title);
    }
    let option = options.split(':').next().unwrap_or_default();
    match option {
        "embed" | "image" | "movie" | "barcode" => Some(""),
        "title" | "bookmark" | "plain" => Some(url),
        // A `:` inside the URL itself (a port, a path): the whole URL.
        _ => Some(inner),
    }
}

/// Pushes text with `&`, `<` and `>` escaped.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::testing::{golden, read_with, site};
    use crate::format::{SiteKind, detect};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    const DIR: &str = "example.hatenablog.com/entry/";
    /// The fixtures: (file id under the site, text).
    const FIXTURES: &[(&str, &str)] = &[
        (
            "2019/01/05/123456.md",
            include_str!(
                "../../../../tests/fixtures/formats/hatena/example.hatenablog.com/entry/2019/01/05/123456.md"
            ),
        ),
        (
            "2019/01/10/000000.md",
            include_str!(
                "../../../../tests/fixtures/formats/hatena/example.hatenablog.com/entry/2019/01/10/000000.md"
            ),
        ),
        (
            "2019/02/01/120000.md",
            include_str!(
                "../../../../tests/fixtures/formats/hatena/example.hatenablog.com/entry/2019/02/01/120000.md"
            ),
        ),
        (
            "2019/03/01/090000.md",
            include_str!(
                "../../../../tests/fixtures/formats/hatena/example.hatenablog.com/entry/2019/03/01/090000.md"
            ),
        ),
        (
            "hello-world.md",
            include_str!(
                "../../../../tests/fixtures/formats/hatena/example.hatenablog.com/entry/hello-world.md"
            ),
        ),
    ];

    fn read_text(id: &str, text: &str) -> Result<Vec<Entry>, PostError> {
        read_with(read, &site(SiteKind::Plain), id, text)
    }

    fn body_of(id: &str, text: &str) -> Result<String, Box<dyn std::error::Error>> {
        match read_text(id, text)?.as_slice() {
            [Entry::Post(post)] => Ok(post.body.clone()),
            other => Err(format!("expected one post, got {other:?}").into()),
        }
    }

    #[test]
    fn hatena_blogsync_fixtures_golden() -> TestResult {
        for (name, text) in FIXTURES {
            let id = format!("{DIR}{name}");
            assert_eq!(
                detect(&site(SiteKind::Plain), &id, text),
                Some(super::super::Format::Hatena),
                "{id}"
            );
            let entries = read_text(&id, text)?;
            let snapshot = format!("hatena_{}", name.replace(['/', '.'], "_"));
            insta::assert_snapshot!(snapshot, golden(&entries));
        }
        Ok(())
    }

    #[test]
    fn hatena_sniff_needs_edit_url_in_front_matter() {
        assert!(sniff(
            "---\r\nTitle: x\r\nEditURL: https://blog.hatena.ne.jp/a/b/atom/entry/1\r\n---\r\n"
        ));
        assert!(!sniff("---\ntitle: x\n---\nEditURL: in the body\n"));
        assert!(!sniff("Title: x\nEditURL: y\n"));
        // A Jekyll post stays Jekyll's.
        let jekyll = "---\ntitle: x\n---\nbody\n";
        assert_eq!(
            detect(&site(SiteKind::Plain), "_posts/2019-01-05-x.md", jekyll),
            Some(super::super::Format::Jekyll)
        );
    }

    #[test]
    fn hatena_notation_becomes_text() -> TestResult {
        let (name, text) = FIXTURES[2];
        let body = body_of(name, text)?;
        assert_eq!(
            body,
            "見出しその一\n本文の段落(脚注の本文)です。\n小見出し\n項目一\n項目二\n\
             fn main() {\n    println!(\"<索引>\");\n}\n\
             引用された一文。\n例のページを参照。\n列一 列二\n値一 値二\n続きの段落。\n"
        );
        for gone in ["[:contents]", "f:id:", ":embed", ">|", "||<", "====", "*"] {
            assert!(!body.contains(gone), "{gone} in {body}");
        }
        Ok(())
    }

    #[test]
    fn hatena_notation_is_detected_by_its_block_marks() {
        assert!(is_notation("a\n>|perl|\nx\n||<\n"));
        assert!(is_notation(">>\n引用\n<<\n"));
        assert!(is_notation("本文((脚注))\n"));
        // Markdown with Hatena's bracket notations stays Markdown; shell
        // arithmetic is no footnote.
        assert!(!is_notation("## 見出し\n[f:id:a:1p:plain]\n[:contents]\n"));
        assert!(!is_notation("```sh\necho $((1 + 2))\n```\n"));
    }

    #[test]
    fn hatena_bracket_notations() {
        assert_eq!(brackets("[:contents]"), "");
        assert_eq!(
            brackets("写真[f:id:user:20190105123456p:plain]です"),
            "写真です"
        );
        assert_eq!(brackets("[https://example.com/a:title=題]"), "題");
        assert_eq!(brackets("[https://example.com/a:embed:cite]"), "");
        assert_eq!(
            brackets("[https://example.com/a:title]"),
            "https://example.com/a"
        );
        assert_eq!(
            brackets("[https://example.com:8080/a]"),
            "https://example.com:8080/a"
        );
        assert_eq!(
            brackets("[id:user] と [注意] と []*[]"),
            "[id:user] と [注意] と *"
        );
        assert_eq!(brackets("閉じない [https://x"), "閉じない [https://x");
        for link in [
            "[https://example.com/](https://example.com/)",
            "[https://example.com/:title=x][ref]",
            "[f:id:a]: https://example.com/",
        ] {
            assert_eq!(brackets(link), link);
        }
        assert_eq!(heading("**p1*小見出し"), Some("小見出し"));
        assert_eq!(heading("***見出し*強調*"), Some("見出し*強調*"));
        assert_eq!(heading("見出しではない"), None);
    }

    #[test]
    fn hatena_markdown_keeps_fenced_code_and_titles_fall_back_to_the_date() -> TestResult {
        let (name, text) = FIXTURES[0];
        let body = body_of(name, text)?;
        assert!(
            body.contains("[f:id:not:an:image] はコードなので残る"),
            "{body}"
        );
        assert!(!body.contains("[f:id:example"), "{body}");
        assert!(body.contains("資料は 発表資料 にある。"), "{body}");

        let untitled = "---\nTitle:\nDate: 2019-03-01T23:30:00-05:00\nEditURL: x\n---\n本文\n";
        match read_text("a.md", untitled)?.as_slice() {
            [Entry::Post(post)] => assert_eq!(post.title, "2019-03-01"),
            other => return Err(format!("{other:?}").into()),
        }
        match read_text("a.md", "---\nEditURL: x\n---\n本文\n")?.as_slice() {
            [Entry::Post(post)] => {
                assert_eq!(post.title, "(無題)");
                assert_eq!(post.date, None);
            }
            other => return Err(format!("{other:?}").into()),
        }
        Ok(())
    }

    #[test]
    fn hatena_bad_dates_and_drafts() -> TestResult {
        let bad = read_text(
            "a.md",
            "---\nTitle: t\nDate: someday\nEditURL: x\n---\n本文\n",
        );
        assert!(matches!(bad, Err(PostError::Field { field: "Date", .. })));
        let entries = read_text("a.md", "---\nTitle: t\nDraft: yes\nEditURL: x\n---\n本文\n")?;
        assert_eq!(golden(&entries), "skipped a.md: draft: `Draft: yes`\n");
        let published = read_text(
            "a.md",
            "---\nTitle: t\nDraft: false\nEditURL: x\n---\n本文\n",
        )?;
        assert!(matches!(published.as_slice(), [Entry::Post(_)]));
        Ok(())
    }
}
