//! Hugo: a Markdown (`.md`, `.markdown`) or HTML (`.html`, `.htm`) file
//! under `content/` of a Hugo site, or any such file that starts with TOML
//! (`+++`) or JSON (`{`) front matter.
//!
//! - Front matter is YAML, TOML or JSON; keys are matched ASCII
//!   case-insensitively, as Hugo does (`Title`, `PublishDate`). A file
//!   without front matter is still a page (Hugo renders it).
//! - Title: `title`, else the file name (a page bundle's folder name).
//! - Date: `date`, else `publishDate` (or its alias `pubdate`), else a
//!   `YYYY-MM-DD-` file-name prefix. A date without an offset is in the
//!   site's zone. `lastmod` and every other key go to `extra`.
//! - `tags` and `categories` (lists, or comma-separated strings); `author`
//!   or `authors` (a name, a list, or a mapping with `name`).
//! - Skipped, as Hugo does not publish them (its defaults `buildDrafts`,
//!   `buildFuture`, `buildExpired` all false): `draft: true` (draft);
//!   `publishDate`, or `date` when there is none, later than the run
//!   (scheduled); `expiryDate` earlier than the run (expired); list pages
//!   `_index.*`, `headless: true` bundles, and build options
//!   `_build`/`build` with `render: never`/`render: false` or
//!   `list: never` (template).
//! - URL: `url` as written, else the file's folder under `content/` plus
//!   `slug` (`/posts/my-slug/`), else the content path (`content/posts/foo.md`
//!   and the bundle `content/posts/foo/index.md` are both `/posts/foo/`),
//!   lowercased with spaces as `-` as Hugo does; under the site's
//!   `base_url`.
//! - Shortcodes: `{{< … >}}` and `{{% … %}}` tags are removed and the text
//!   between a pair is kept (`{{< highlight go >}}` as a code block);
//!   `figure` keeps its `caption` (or `title`, `alt`); escaped shortcodes
//!   (`{{</* x */>}}`) are kept as the literal `{{< x >}}`.

use chrono::{DateTime, FixedOffset, NaiveTime};
use serde_yaml::Value;

use super::{Entry, Site, Skip, SkipKind, SourceFile};
use crate::date;
use crate::error::PostError;
use crate::front_matter::{self, FrontMatter, Separator};
use crate::post::{Names, Post, clean_text};
use crate::text::{self, Markup};

/// Whether a file is claimed by its place: under `content/` of a Hugo site.
pub(crate) fn in_content(site: &Site, id: &str) -> bool {
    site.kind == super::SiteKind::Hugo && id.starts_with("content/")
}

/// Whether a file starts with Hugo-only front matter: a `+++` line (TOML),
/// or a JSON object (`{` then a quoted key or `}`; a Liquid `{%` is not).
pub(crate) fn sniff(head: &str) -> bool {
    let first_line = head.lines().next().unwrap_or_default();
    first_line.trim_end() == "+++"
        || head
            .strip_prefix('{')
            .map(str::trim_start)
            .is_some_and(|rest| rest.starts_with(['"', '}']))
}

/// Reads a Hugo page.
pub(crate) fn read(file: &SourceFile<'_>) -> Result<Vec<Entry>, PostError> {
    let name = PagePath::of(file.id);
    let skipped = |reason| {
        Ok(vec![Entry::Skipped {
            id: file.id.to_owned(),
            reason,
        }])
    };
    if name.stem == "_index" {
        return skipped(Skip::new(SkipKind::Template, "a list page (`_index`)"));
    }
    let (front_matter, body) = front_matter::read_optional(file.text)?;
    Ok(Entry::of_file(file, post(file, &name, front_matter, body)?))
}

fn post(
    file: &SourceFile<'_>,
    name: &PagePath,
    mut fm: FrontMatter,
    body: &str,
) -> Result<Result<Post, Skip>, PostError> {
    let site = file.site;
    if is_true(fm.take_ci("draft")) {
        return Ok(Err(Skip::new(SkipKind::Draft, "`draft: true`")));
    }
    if is_true(fm.take_ci("headless")) {
        return Ok(Err(Skip::new(SkipKind::Template, "a headless bundle")));
    }
    for key in ["_build", "build"] {
        if let Some(reason) = fm
            .take_ci(key)
            .and_then(|options| not_rendered(key, options))
        {
            return Ok(Err(reason));
        }
    }
    let date = date_field(site, "date", fm.take_ci("date"))?;
    let mut publish = date_field(site, "publishDate", fm.take_ci("publishDate"))?;
    let pubdate = date_field(site, "pubdate", fm.take_ci("pubdate"))?;
    publish = publish.or(pubdate);
    let expiry = date_field(site, "expiryDate", fm.take_ci("expiryDate"))?;
    if let Some(at) = publish.or(date)
        && at > site.now
    {
        return Ok(Err(Skip::new(
            SkipKind::Scheduled,
            format!(
                "published on {} (Hugo's buildFuture is off)",
                at.to_rfc3339()
            ),
        )));
    }
    if let Some(at) = expiry
        && at <= site.now
    {
        return Ok(Err(Skip::new(
            SkipKind::Expired,
            format!("`expiryDate` {} has passed", at.to_rfc3339()),
        )));
    }
    let date = date.or(publish).or_else(|| {
        name.date
            .map(|day| date::in_zone(day.and_time(NaiveTime::MIN), site))
    });

    let title = text_field("title", fm.take_ci("title"))?
        .as_deref()
        .and_then(clean_text);
    let url = text_field("url", fm.take_ci("url"))?.filter(|u| !u.trim().is_empty());
    let slug = text_field("slug", fm.take_ci("slug"))?.filter(|s| !s.trim().is_empty());
    let mut author = Names::default();
    for key in ["author", "authors"] {
        if let Some(value) = fm.take_ci(key) {
            extend_authors(&mut author, value).map_err(|message| PostError::Field {
                field: if key == "author" { "author" } else { "authors" },
                message,
            })?;
        }
    }
    let tags = names_field("tags", fm.take_ci("tags"))?;
    let categories = names_field("categories", fm.take_ci("categories"))?;

    let url = match url {
        Some(url) if url.contains("://") => url.trim().to_owned(),
        Some(url) => format!("/{}", url.trim().trim_start_matches('/')),
        None => {
            let leaf = slug.as_deref().map_or(name.leaf.as_str(), str::trim);
            urlize(&format!("/{}/{leaf}/", name.folder)).replace("//", "/")
        }
    };
    let mut post = Post::new(
        file.id.to_owned(),
        file.id,
        title.unwrap_or_else(|| name.leaf.clone()),
    );
    post.date = date;
    let author = author.into_vec();
    post.author = (!author.is_empty()).then(|| author.join(", "));
    post.tags = tags;
    post.categories = categories;
    post.url = with_base(&site.base_url, url);
    let markup = if name.is_html {
        Markup::Html
    } else {
        Markup::Markdown
    };
    post.body = text::body_text(&strip_shortcodes(body), markup)?;
    post.extra = fm.into_extra();
    Ok(Ok(post))
}

/// `true`, or the string `"true"`.
pub(super) fn is_true(value: Option<Value>) -> bool {
    match value {
        Some(Value::Bool(b)) => b,
        Some(Value::String(s)) => s.trim().eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// Build options that keep Hugo from rendering the page as a post.
fn not_rendered(key: &str, options: Value) -> Option<Skip> {
    let Value::Mapping(options) = options else {
        return None;
    };
    for (option, value) in options {
        let option = front_matter::key_text(option);
        let Some(value) = front_matter::scalar_text(value).ok().flatten() else {
            continue;
        };
        let never = if option.eq_ignore_ascii_case("render") {
            value == "never" || value == "false"
        } else if option.eq_ignore_ascii_case("list") {
            value == "never"
        } else {
            false
        };
        if never {
            return Some(Skip::new(
                SkipKind::Template,
                format!("`{key}: {{{option}: {value}}}`"),
            ));
        }
    }
    None
}

/// A front matter date: empty or null is none; text that is not a date is
/// an error naming the field.
pub(super) fn date_field(
    site: &Site,
    field: &'static str,
    value: Option<Value>,
) -> Result<Option<DateTime<FixedOffset>>, PostError> {
    let Some(text) = text_field(field, value)? else {
        return Ok(None);
    };
    if text.trim().is_empty() {
        return Ok(None);
    }
    date::parse_front_matter_date(&text)
        .map(|written| Some(written.in_site(site)))
        .ok_or_else(|| PostError::Field {
            field,
            message: format!(
                "cannot read `{}` as a date; accepted forms: {}",
                text.trim(),
                date::ACCEPTED_FORMS
            ),
        })
}

/// A scalar field as text; a list or mapping is an error naming the field.
pub(super) fn text_field(
    field: &'static str,
    value: Option<Value>,
) -> Result<Option<String>, PostError> {
    match value {
        None => Ok(None),
        Some(value) => front_matter::scalar_text(value).map_err(|found| PostError::Field {
            field,
            message: format!("expected text, found {found}"),
        }),
    }
}

/// A list of names (tags, categories, topics): a list or a comma-separated
/// string.
pub(super) fn names_field(
    field: &'static str,
    value: Option<Value>,
) -> Result<Vec<String>, PostError> {
    let mut names = Names::default();
    if let Some(value) = value {
        front_matter::extend_names(&mut names, value, Separator::Comma)
            .map_err(|message| PostError::Field { field, message })?;
    }
    Ok(names.into_vec())
}

/// Adds author names: a name, a list of names, or a mapping's `name`.
fn extend_authors(names: &mut Names, value: Value) -> Result<(), String> {
    match value {
        Value::Mapping(mut mapping) => match mapping.remove("name") {
            Some(name) => extend_authors(names, name),
            None => Err("expected a name, found a mapping without a `name` key".to_owned()),
        },
        Value::Sequence(items) => items
            .into_iter()
            .try_for_each(|item| extend_authors(names, item)),
        scalar => front_matter::extend_names(names, scalar, Separator::Comma),
    }
}

/// `base` (no trailing `/`) before a path; absolute URLs stay as they are.
pub(super) fn with_base(base: &str, url: String) -> String {
    if base.is_empty() || !url.starts_with('/') {
        url
    } else {
        format!("{base}{url}")
    }
}

/// A path as Hugo writes it in URLs: lowercased, spaces as `-`.
fn urlize(path: &str) -> String {
    path.to_lowercase().replace(' ', "-")
}

/// What a content path tells about a page.
struct PagePath {
    /// The folder of the page under `content/` (for a bundle, the folder
    /// that holds the bundle), without slashes around it.
    folder: String,
    /// The page's own name: the file stem, or a bundle's folder name.
    leaf: String,
    /// The file stem (`index`, `_index`, `2024-01-02-foo`).
    stem: String,
    /// The `YYYY-MM-DD-` prefix of the leaf.
    date: Option<chrono::NaiveDate>,
    is_html: bool,
}

impl PagePath {
    fn of(id: &str) -> Self {
        let within = id.strip_prefix("content/").unwrap_or(id);
        let (folder, file_name) = within.rsplit_once('/').unwrap_or(("", within));
        let (stem, extension) = file_name.rsplit_once('.').unwrap_or((file_name, ""));
        let (folder, leaf) = match (stem, folder.rsplit_once('/')) {
            ("index", Some((parent, bundle))) => (parent, bundle),
            ("index", None) if !folder.is_empty() => ("", folder),
            _ => (folder, stem),
        };
        let (date, _) = date::split_file_name_date(leaf);
        PagePath {
            folder: folder.to_owned(),
            leaf: leaf.to_owned(),
            stem: stem.to_owned(),
            date,
            is_html: extension.eq_ignore_ascii_case("html")
                || extension.eq_ignore_ascii_case("htm"),
        }
    }
}

/// The body with Hugo shortcode tags removed (see the module docs).
fn strip_shortcodes(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let (close, markdown) = if after.starts_with('<') {
            (">}}", false)
        } else if after.starts_with('%') {
            ("%}}", true)
        } else {
            out.push_str(&rest[..start + 2]);
            rest = after;
            continue;
        };
        let inner_start = &after[1..];
        let Some(end) = inner_start.find(close) else {
            break;
        };
        out.push_str(&rest[..start]);
        let inner = inner_start[..end].trim();
        rest = &inner_start[end + close.len()..];
        if let Some(escaped) = inner.strip_prefix("/*").and_then(|i| i.strip_suffix("*/")) {
            // `{{</* x */>}}` shows the shortcode itself.
            let open = if markdown { "{{%" } else { "{{<" };
            out.push_str(&format!("{open} {} {close}", escaped.trim()));
            continue;
        }
        let (name, args) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
        match name {
            "highlight" => out.push_str("\n\n```\n"),
            "/highlight" => out.push_str("\n```\n\n"),
            "figure" => {
                let caption = ["caption", "title", "alt"]
                    .iter()
                    .find_map(|key| super::shortcode_argument(args, key));
                if let Some(caption) = caption {
                    out.push_str(&caption);
                }
            }
            _ => {}
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::{first_post, first_skip, golden, read_with, site, site_fixture};
    use super::super::{Entry, SiteKind};
    use super::*;

    fn read_hugo(id: &str, text: &str) -> Vec<Entry> {
        read_with(read, &site(SiteKind::Hugo), id, text).expect("readable")
    }

    fn skip_of(id: &str, text: &str) -> Option<SkipKind> {
        first_skip(read_hugo(id, text))
    }

    fn only_post(id: &str, text: &str) -> Post {
        first_post(read_hugo(id, text))
    }

    #[test]
    fn fixture_site() {
        insta::assert_snapshot!(site_fixture("hugo"));
    }

    #[test]
    fn sniffs_toml_and_json_front_matter_only() {
        assert!(sniff("+++\ntitle = \"x\"\n+++\n"));
        assert!(sniff("+++\r\n"));
        assert!(sniff("{\n  \"title\": \"x\"\n}\n"));
        assert!(!sniff("{% include header.html %}\n"));
        assert!(!sniff("{{ .Title }}"));
        assert!(!sniff("+++ not a delimiter"));
        assert!(!sniff("---\ntitle: x\n---\n"));
        // Outside a Hugo site, the sniff claims the file; Jekyll gets the rest.
        let plain = site(SiteKind::Plain);
        assert_eq!(
            super::super::detect(&plain, "notes/a.md", "+++\n+++\n"),
            Some(super::super::Format::Hugo)
        );
        assert_eq!(
            super::super::detect(&plain, "notes/a.html", "{% include x %}"),
            Some(super::super::Format::Jekyll)
        );
        assert_eq!(
            super::super::detect(&site(SiteKind::Hugo), "content/a.md", "---\n---\n"),
            Some(super::super::Format::Hugo)
        );
    }

    #[test]
    fn skip_rules() {
        let id = "content/posts/x.md";
        assert_eq!(
            skip_of(id, "---\nDraft: true\n---\n本文"),
            Some(SkipKind::Draft)
        );
        assert_eq!(skip_of(id, "+++\ndraft = false\n+++\n本文"), None);
        assert_eq!(
            skip_of(
                id,
                "+++\npublishDate = 2030-01-01T00:00:00+09:00\n+++\n本文"
            ),
            Some(SkipKind::Scheduled)
        );
        // A future `date` schedules only when there is no `publishDate`.
        assert_eq!(
            skip_of(id, "---\ndate: 2030-01-01\n---\n本文"),
            Some(SkipKind::Scheduled)
        );
        assert_eq!(
            skip_of(
                id,
                "---\ndate: 2030-01-01\npublishDate: 2020-01-01\n---\n本文"
            ),
            None
        );
        assert_eq!(
            skip_of(id, "---\nExpiryDate: 2020-01-01\n---\n本文"),
            Some(SkipKind::Expired)
        );
        assert_eq!(skip_of(id, "---\nexpiryDate: 2030-01-01\n---\n本文"), None);
        for build in [
            "_build:\n  render: never",
            "_build:\n  render: false",
            "_build:\n  list: never",
            "build:\n  render: never",
            "headless: true",
        ] {
            assert_eq!(
                skip_of(id, &format!("---\n{build}\n---\n本文")),
                Some(SkipKind::Template),
                "{build}"
            );
        }
        assert_eq!(skip_of(id, "---\n_build:\n  list: always\n---\n本文"), None);
        assert_eq!(
            skip_of("content/posts/_index.md", "---\ntitle: 一覧\n---\n"),
            Some(SkipKind::Template)
        );
    }

    #[test]
    fn keys_are_case_insensitive() {
        let post = only_post(
            "content/posts/case.md",
            "---\nTITLE: 大文字\nTags: [甲, 乙]\nCATEGORIES: 丙\nPubDate: 2021-03-04T05:06:07+09:00\nSlug: Big-Slug\nAuthors: [一郎, 二郎]\nLastMod: 2022-01-01\n---\n本文",
        );
        assert_eq!(post.title, "大文字");
        assert_eq!(post.tags, ["甲", "乙"]);
        assert_eq!(post.categories, ["丙"]);
        assert_eq!(
            post.date.map(|d| d.to_rfc3339()).as_deref(),
            Some("2021-03-04T05:06:07+09:00")
        );
        assert_eq!(post.url, "/posts/big-slug/");
        assert_eq!(post.author.as_deref(), Some("一郎, 二郎"));
        assert_eq!(
            post.extra.get("LastMod"),
            Some(&serde_json::json!("2022-01-01"))
        );
    }

    #[test]
    fn urls_from_url_slug_and_path() {
        let url = |id: &str, fm: &str| only_post(id, &format!("---\n{fm}\n---\n本文")).url;
        assert_eq!(url("content/posts/foo.md", "url: /about/me/"), "/about/me/");
        assert_eq!(url("content/posts/foo.md", "url: about/me"), "/about/me");
        assert_eq!(
            url("content/posts/foo.md", "slug: my-slug"),
            "/posts/my-slug/"
        );
        assert_eq!(
            url("content/posts/Foo Bar.md", "title: x"),
            "/posts/foo-bar/"
        );
        assert_eq!(url("content/posts/foo/index.md", "title: x"), "/posts/foo/");
        assert_eq!(url("content/about.md", "title: x"), "/about/");
        let mut with_base = site(SiteKind::Hugo);
        with_base.base_url = "https://example.jp/blog".to_owned();
        match read_with(read, &with_base, "content/posts/foo.md", "---\n---\n").as_deref() {
            Ok([Entry::Post(post)]) => assert_eq!(post.url, "https://example.jp/blog/posts/foo/"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn shortcodes_are_stripped() {
        let body = "前\n\n{{< figure src=\"/a.png\" caption=\"夕焼けの写真\" >}}\n\n\
                    {{< highlight go >}}\n# not a heading\nfmt.Println(\"こんにちは\")\n{{< /highlight >}}\n\n\
                    {{% notice info %}}**注意**してください{{% /notice %}}\n\n\
                    {{< youtube abc >}}\n\n{{</* ref \"x\" */>}}\n\n後 {{ .Title }}\n";
        assert_eq!(
            strip_shortcodes(body),
            "前\n\n夕焼けの写真\n\n\n\n```\n\n# not a heading\nfmt.Println(\"こんにちは\")\n\n```\n\n\n\n\
             **注意**してください\n\n\n\n{{< ref \"x\" >}}\n\n後 {{ .Title }}\n"
        );
        let post = only_post("content/posts/sc.md", &format!("---\n---\n{body}"));
        assert_eq!(
            post.body,
            "前\n夕焼けの写真\n# not a heading\nfmt.Println(\"こんにちは\")\n注意してください\n{{< ref \"x\" >}}\n後 {{ .Title }}\n"
        );
    }

    #[test]
    fn golden_of_a_toml_post() {
        let entries = read_hugo(
            "content/posts/2024-02-03-setsubun.md",
            "+++\ntitle = \"節分\"\ntags = [\"行事\"]\n+++\n豆まきをした。\n",
        );
        assert_eq!(
            golden(&entries),
            "post content/posts/2024-02-03-setsubun.md\n  file: content/posts/2024-02-03-setsubun.md\n  title: 節分\n  date: 2024-02-03T00:00:00+09:00\n  author: \n  tags: [\"行事\"]\n  categories: []\n  url: /posts/2024-02-03-setsubun/\n  body: \"豆まきをした。\\n\"\n  extra: {}\n"
        );
    }
}
