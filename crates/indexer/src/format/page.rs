//! Rendered pages: every `.html`/`.htm` file of a rendered site (a folder
//! with `index.html` at its root and no site settings, or `--site`) is one
//! post, read from the page as a browser shows it.
//!
//! - Title, first found: `<meta property="og:title">`; the first `<h1>`
//!   inside the post's `<article>` or `<main>` (an `<h1>` elsewhere is
//!   usually the site's name); `<title>` without its site-name suffix (the
//!   part after the last ` | `, else the last ` - `, ` – ` or ` — `); the
//!   file's path.
//! - Date, first readable: `<meta property="article:published_time">`; the
//!   first `<time datetime>` (inside the article or main first); a
//!   `/YYYY/MM/DD/` run of folders in the path (at midnight in the site's
//!   zone). A date without an offset is in the site's zone; an unreadable
//!   one is passed over (pages are not hand-written front matter).
//! - Tags from `<meta property="article:tag">`, a category from
//!   `article:section`, the author from `<meta name="author">`.
//! - Body: the first `<article>`, else `<main>`, else `<body>`, without its
//!   `nav`, `header`, `footer`, `aside`, `form`, `script`, `style` and
//!   `noscript` elements.
//! - URL: `<link rel="canonical">` when it is an `http(s)` URL or a path;
//!   else the file's path (`2009/07/11/x/index.html` → `/2009/07/11/x/`,
//!   `about.html` → `/about.html`) under the site's `base_url`.
//! - Skipped as not posts (template): the 404 page (`404.html`,
//!   `404/index.html`), the home page (`index.html` at the root), paginated
//!   lists (a `page/N/` folder), the `tags/`, `tag/`, `categories/`,
//!   `category/`, `archives/`, `archive/` and `author/` lists, and date
//!   archives (an `index.html` whose folders are all numbers, `2009/07/`).

use chrono::NaiveDate;
use scraper::{ElementRef, Html, Node, Selector};

use super::hugo::with_base;
use super::{Entry, Site, Skip, SkipKind, SourceFile};
use crate::date;
use crate::error::PostError;
use crate::post::{Names, Post, clean_text, is_safe_url};
use crate::text;

/// Elements of the post's container that are not the post.
const NOT_CONTENT: &[&str] = &[
    "nav", "header", "footer", "aside", "form", "script", "style", "noscript",
];

/// Reads a rendered page.
pub(crate) fn read(file: &SourceFile<'_>) -> Result<Vec<Entry>, PostError> {
    if let Some(reason) = not_a_post(file.id) {
        return Ok(vec![Entry::Skipped {
            id: file.id.to_owned(),
            reason,
        }]);
    }
    let document = Html::parse_document(file.text);
    let scope = first(&document, "article").or_else(|| first(&document, "main"));
    let container = scope.or_else(|| first(&document, "body"));
    let title = meta(&document, "meta[property='og:title']")
        .or_else(|| {
            scope
                .and_then(|c| first_in(c, "h1"))
                .and_then(|h1| clean_text(&h1.text().collect::<String>()))
        })
        .or_else(|| {
            first(&document, "title")
                .and_then(|t| clean_text(&t.text().collect::<String>()))
                .map(|t| without_site_name(&t).to_owned())
        })
        .unwrap_or_else(|| file.id.to_owned());
    let mut post = Post::new(file.id.to_owned(), file.id, title);
    post.date = page_date(file.site, &document, container, file.id);
    let mut tags = Names::default();
    let mut categories = Names::default();
    if let Ok(selector) = Selector::parse("meta[property='article:tag']") {
        for tag in document.select(&selector) {
            tags.push(tag.value().attr("content").unwrap_or_default());
        }
    }
    if let Some(section) = meta(&document, "meta[property='article:section']") {
        categories.push(&section);
    }
    post.tags = tags.into_vec();
    post.categories = categories.into_vec();
    post.author = meta(&document, "meta[name='author']");
    let canonical = first(&document, "link[rel='canonical']")
        .and_then(|link| link.value().attr("href"))
        .map(str::trim)
        .filter(|href| !href.is_empty() && is_safe_url(href));
    post.url = match canonical {
        Some(href) => href.to_owned(),
        None => with_base(&file.site.base_url, path_url(file.id)),
    };
    if let Some(container) = container {
        post.body = text::html_to_text(&content_html(container));
    }
    Ok(vec![Entry::Post(Box::new(post))])
}

/// Why a page is not a post, by its path.
fn not_a_post(id: &str) -> Option<Skip> {
    let parts: Vec<&str> = id.split('/').collect();
    let (file_name, folders) = parts.split_last()?;
    let (stem, _) = file_name.rsplit_once('.').unwrap_or((file_name, ""));
    let is_index = stem.eq_ignore_ascii_case("index");
    let skip = |detail: &str| Some(Skip::new(SkipKind::Template, detail));
    if stem == "404" || (is_index && folders.last() == Some(&"404")) {
        return skip("the 404 page");
    }
    if is_index && folders.is_empty() {
        return skip("the home page");
    }
    if folders
        .windows(2)
        .any(|w| w[0] == "page" && w[1].bytes().all(|b| b.is_ascii_digit()))
    {
        return skip("a page of a paginated list (`page/N/`)");
    }
    if let Some(list) = folders.first().filter(|first| {
        [
            "tags",
            "tag",
            "categories",
            "category",
            "archives",
            "archive",
            "author",
        ]
        .contains(first)
    }) {
        return Some(Skip::new(
            SkipKind::Template,
            format!("a list page (`{list}/`)"),
        ));
    }
    if is_index
        && folders
            .iter()
            .all(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
    {
        return skip("a date archive");
    }
    None
}

/// `<title>` without a ` | Site name` suffix.
fn without_site_name(title: &str) -> &str {
    let cut = title.rfind(" | ").or_else(|| {
        [" - ", " – ", " — "]
            .iter()
            .filter_map(|s| title.rfind(s))
            .max()
    });
    match cut {
        Some(at) if at > 0 => title[..at].trim_end(),
        _ => title,
    }
}

/// The page's date: see the module docs.
fn page_date(
    site: &Site,
    document: &Html,
    container: Option<ElementRef<'_>>,
    id: &str,
) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    let parse = |text: &str| date::parse_front_matter_date(text).map(|w| w.in_site(site));
    if let Some(date) = meta(document, "meta[property='article:published_time']")
        .as_deref()
        .and_then(parse)
    {
        return Some(date);
    }
    let time_in = |scope: Option<ElementRef<'_>>| {
        let selector = Selector::parse("time[datetime]").ok()?;
        let time = match scope {
            Some(scope) => scope.select(&selector).next(),
            None => document.select(&selector).next(),
        };
        time.and_then(|time| time.value().attr("datetime"))
            .and_then(parse)
    };
    if let Some(date) = time_in(container).or_else(|| time_in(None)) {
        return Some(date);
    }
    let parts: Vec<&str> = id.split('/').collect();
    parts.windows(3).find_map(|w| {
        let numeric = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
        if !(numeric(w[0], 4) && numeric(w[1], 2) && numeric(w[2], 2)) {
            return None;
        }
        let day =
            NaiveDate::from_ymd_opt(w[0].parse().ok()?, w[1].parse().ok()?, w[2].parse().ok()?)?;
        Some(date::in_zone(day.and_time(chrono::NaiveTime::MIN), site))
    })
}

/// A file path as a URL path: `…/index.html` is its folder.
fn path_url(id: &str) -> String {
    let (folder, file_name) = id.rsplit_once('/').map_or(("", id), |(f, n)| (f, n));
    let is_index = file_name
        .rsplit_once('.')
        .is_some_and(|(stem, _)| stem.eq_ignore_ascii_case("index"));
    match (is_index, folder) {
        (true, "") => "/".to_owned(),
        (true, folder) => format!("/{folder}/"),
        (false, _) => format!("/{id}"),
    }
}

fn first<'a>(document: &'a Html, css: &str) -> Option<ElementRef<'a>> {
    let selector = Selector::parse(css).ok()?;
    document.select(&selector).next()
}

fn first_in<'a>(scope: ElementRef<'a>, css: &str) -> Option<ElementRef<'a>> {
    let selector = Selector::parse(css).ok()?;
    scope.select(&selector).next()
}

/// The cleaned `content` of the first meta element `css` selects.
fn meta(document: &Html, css: &str) -> Option<String> {
    first(document, css)
        .and_then(|meta| meta.value().attr("content"))
        .and_then(clean_text)
}

/// The container's HTML without the elements of [`NOT_CONTENT`], in an
/// iterative walk (pages can nest arbitrarily deep).
fn content_html(container: ElementRef<'_>) -> String {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    let root = container.id();
    let mut out = String::new();
    text::walk(
        *container,
        &mut out,
        |out, node| match node.value() {
            Node::Element(element) if node.id() != root => {
                let name = element.name();
                if NOT_CONTENT.contains(&name) {
                    return false;
                }
                out.push('<');
                out.push_str(name);
                for (attr, value) in element.attrs() {
                    out.push(' ');
                    out.push_str(attr);
                    out.push_str("=\"");
                    out.push_str(&value.replace('&', "&amp;").replace('"', "&quot;"));
                    out.push('"');
                }
                out.push('>');
                true
            }
            Node::Text(text) => {
                out.push_str(
                    &text
                        .replace('&', "&amp;")
                        .replace('<', "&lt;")
                        .replace('>', "&gt;"),
                );
                true
            }
            _ => true,
        },
        |out, node| {
            if let Node::Element(element) = node.value()
                && node.id() != root
                && !NOT_CONTENT.contains(&element.name())
                && !VOID.contains(&element.name())
            {
                out.push_str("</");
                out.push_str(element.name());
                out.push('>');
            }
        },
    );
    out
}

#[cfg(test)]
mod tests {
    use super::super::SiteKind;
    use super::super::testing::{first_post, read_with, site, site_fixture};
    use super::*;

    fn only_post(id: &str, html: &str) -> Post {
        first_post(read_with(read, &site(SiteKind::Rendered), id, html).expect("readable"))
    }

    #[test]
    fn fixture_site() {
        insta::assert_snapshot!(site_fixture("site"));
    }

    #[test]
    fn pages_that_are_not_posts() {
        for id in [
            "404.html",
            "404/index.html",
            "index.html",
            "page/2/index.html",
            "blog/page/3/index.html",
            "tags/hugo/index.html",
            "categories/diary/index.html",
            "2009/index.html",
            "2009/07/index.html",
        ] {
            assert_eq!(
                not_a_post(id).map(|skip| skip.kind),
                Some(SkipKind::Template),
                "{id}"
            );
        }
        for id in [
            "2009/07/11/x/index.html",
            "about.html",
            "page/about.html",
            "pages/x/index.html",
        ] {
            assert_eq!(not_a_post(id), None, "{id}");
        }
    }

    #[test]
    fn title_priority() {
        let page = |head: &str, body: &str| {
            only_post(
                "a/index.html",
                &format!("<html><head>{head}</head><body>{body}</body></html>"),
            )
            .title
        };
        let body =
            "<header><h1>サイト名</h1></header><article><h1>記事の見出し</h1><p>本文</p></article>";
        assert_eq!(
            page(
                "<meta property=\"og:title\" content=\"OGの題\"><title>題 | サイト</title>",
                body
            ),
            "OGの題"
        );
        assert_eq!(page("<title>題 | サイト</title>", body), "記事の見出し");
        assert_eq!(
            page(
                "<title>題 - 副題 | サイト</title>",
                "<header><h1>サイト名</h1></header><p>本文</p>"
            ),
            "題 - 副題"
        );
        assert_eq!(page("<title>題 - サイト</title>", "<p>本文</p>"), "題");
        assert_eq!(page("", "<p>本文</p>"), "a/index.html");
    }

    #[test]
    fn dates_urls_and_body() {
        let post = only_post(
            "2010/03/14/white-day/index.html",
            "<html><head><link rel=\"canonical\" href=\"javascript:alert(1)\"></head><body>\
             <nav>メニュー</nav><main><aside>広告</aside><p>お返しの &amp; マシュマロ</p>\
             <footer>著作権</footer></main></body></html>",
        );
        assert_eq!(
            post.date.map(|d| d.to_rfc3339()).as_deref(),
            Some("2010-03-14T00:00:00+09:00")
        );
        assert_eq!(post.url, "/2010/03/14/white-day/");
        assert_eq!(post.body, "お返しの & マシュマロ\n");
        let post = only_post(
            "x.html",
            "<html><head><meta property=\"article:published_time\" content=\"2011-01-02T03:04:05Z\">\
             <link rel=\"canonical\" href=\"https://example.jp/x/\"></head><body><time datetime=\"2012-01-01\">元日</time></body></html>",
        );
        assert_eq!(
            post.date.map(|d| d.to_rfc3339()).as_deref(),
            Some("2011-01-02T03:04:05+00:00")
        );
        assert_eq!(post.url, "https://example.jp/x/");
        assert_eq!(path_url("about.html"), "/about.html");
    }
}
