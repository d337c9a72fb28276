//! Jekyll: a Markdown or HTML file under YAML front matter, read as Jekyll
//! reads it. Also every such file outside a known layout.
//!
//! - A file without front matter is not a post: Jekyll copies it as it is.
//! - Outside `_posts/`, a page is indexed when it has front matter, unless
//!   it is a template (it holds Liquid tags, `{% … %}`) or the 404 page.
//! - `published: false` is a draft.
//! - A repeated key keeps its last value, as Ruby's YAML parser does.
//! - `tags`/`tag` and `categories`/`category` are lists, or strings split at
//!   spaces (as Jekyll splits them) and commas. Folders above `_posts/` add
//!   categories (`tech/_posts/…` is in `tech`).
//! - The URL is the front matter `permalink`, or the site's `permalink`
//!   template (Jekyll's default, `date`, is
//!   `/:categories/:year/:month/:day/:title:output_ext`), under `baseurl`.
//!
//! # The day rule
//!
//! Jekyll takes a post's day from its file name (`2009-07-11-hbstudy-1.md`).
//! WordPress exports write the front matter `date` in UTC: a post written at
//! midnight on 12 July in Japan says `Sat, 11 Jul 2009 15:00:00 +0000`, and
//! only the file name's day agrees with its permalink (`/2009/07/11/…`) and
//! with what the site showed. So:
//!
//! - If the file name starts with `YYYY-MM-DD-`, that is the post's **day**.
//!   The **time of day** is the front matter date's wall-clock time as
//!   written in its own offset (never converted to any zone), or 00:00 when
//!   the front matter has no date or one that cannot be parsed.
//! - Without a file-name date, the post's date and time are the front matter
//!   date's own wall-clock date and time, as written. A front matter date
//!   that cannot be parsed is then an error (`PostError::Field` for `date`).
//! - With neither, the post has no date.
//! - A date written without an offset is in the site's zone (`timezone` of
//!   `_config.yml` or `sagasu.toml`, else Asia/Tokyo).
//!
//! So `_posts/2009-07-11-hbstudy-1.md` with `date: Sat, 11 Jul 2009 15:00:00
//! +0000` is dated 2009-07-11 15:00:00, and the same file with `date:
//! 2009-07-12 00:00:00 +0900` is dated 2009-07-11 00:00:00.
//!
//! Accepted front matter dates: RFC 2822 (`Sat, 11 Jul 2009 15:00:00
//! +0000`), `YYYY-MM-DD`, and `YYYY-MM-DD HH:MM[:SS[.fff]]` or
//! `YYYY-MM-DDTHH:MM[:SS[.fff]]` (one-digit hours allowed) optionally
//! followed by `Z`, `UTC`, `+0900` or `+09:00`.

use chrono::{DateTime, Datelike, FixedOffset, NaiveTime, Timelike};
use serde_yaml::Value;

use super::{Entry, Site, SiteKind, Skip, SkipKind, SourceFile};
use crate::date::{self, Written};
use crate::error::PostError;
use crate::front_matter::{self, FrontMatter, Separator, SplitError};
use crate::post::{Names, Post, clean_text};
use crate::text::{self, Markup};

/// Reads a Jekyll post or page.
pub(crate) fn read(file: &SourceFile<'_>) -> Result<Vec<Entry>, PostError> {
    let skipped = |reason| {
        Ok(vec![Entry::Skipped {
            id: file.id.to_owned(),
            reason,
        }])
    };
    let split = match front_matter::split(file.text) {
        Ok(split) => split,
        Err(SplitError::Missing) => {
            return skipped(Skip::new(
                SkipKind::NotAPost,
                "no YAML front matter (a post starts with a `---` line)",
            ));
        }
        Err(error) => return Err(PostError::FrontMatter(error.message())),
    };
    let name = FileName::of(file.id);
    if !name.in_posts && file.site.kind == SiteKind::Jekyll {
        if name.stem == "404" {
            return skipped(Skip::new(SkipKind::Template, "the 404 page"));
        }
        if split.body.contains("{%") {
            return skipped(Skip::new(
                SkipKind::Template,
                "a Liquid template (`{% … %}`), not a post",
            ));
        }
    }
    let front_matter = front_matter::parse(&split).map_err(PostError::FrontMatter)?;
    Ok(Entry::of_file(
        file,
        post(file, &name, front_matter, split.body)?,
    ))
}

/// The post, or why it is not published.
fn post(
    file: &SourceFile<'_>,
    name: &FileName,
    mut front_matter: FrontMatter,
    body: &str,
) -> Result<Result<Post, Skip>, PostError> {
    let field = |field: &'static str| move |message: String| PostError::Field { field, message };
    if front_matter.take("published") == Some(Value::Bool(false)) {
        return Ok(Err(Skip::new(SkipKind::Draft, "`published: false`")));
    }
    // Outside a Jekyll site, every file with front matter is a post.
    let in_posts = name.in_posts || file.site.kind != SiteKind::Jekyll;
    let title = match front_matter.take("title") {
        Some(value) => front_matter::scalar_text(value)
            .map_err(|found| field("title")(format!("expected text, found {found}")))?
            .as_deref()
            .and_then(clean_text),
        None => None,
    };
    let author = match front_matter.take("author") {
        Some(value) => author_name(value).map_err(field("author"))?,
        None => None,
    };
    let permalink = match front_matter.take("permalink") {
        Some(value) => front_matter::scalar_text(value)
            .map_err(|found| field("permalink")(format!("expected a URL path, found {found}")))?
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty()),
        None => None,
    };
    let slug = match front_matter.take("slug") {
        Some(value) => front_matter::scalar_text(value).ok().flatten(),
        None => None,
    };
    let mut categories = Names::default();
    for folder in &name.folder_categories {
        categories.push(folder);
    }
    for key in ["categories", "category"] {
        if let Some(value) = front_matter.take(key) {
            front_matter::extend_names(&mut categories, value, Separator::SpaceOrComma).map_err(
                field(if key == "category" {
                    "category"
                } else {
                    "categories"
                }),
            )?;
        }
    }
    let mut tags = Names::default();
    for key in ["tags", "tag"] {
        if let Some(value) = front_matter.take(key) {
            front_matter::extend_names(&mut tags, value, Separator::SpaceOrComma)
                .map_err(field(if key == "tag" { "tag" } else { "tags" }))?;
        }
    }
    let date = post_date(file.site, name, front_matter.take("date"))?;

    let categories = categories.into_vec();
    let slug = slug.unwrap_or_else(|| name.slug.clone());
    let url = match permalink {
        Some(permalink) => permalink,
        None if in_posts => post_url(file.site, &slug, &categories, date, name),
        None => page_url(file.id),
    };
    let mut post = Post::new(
        file.id.to_owned(),
        file.id,
        title.unwrap_or_else(|| name.fallback_title()),
    );
    post.date = date;
    post.author = author;
    post.categories = categories;
    post.tags = tags.into_vec();
    post.url = with_base(&file.site.base_url, url);
    let markup = if name.is_html {
        Markup::Html
    } else {
        Markup::Markdown
    };
    post.body = text::body_text(body, markup)?;
    post.extra = front_matter.into_extra();
    Ok(Ok(post))
}

/// The day rule of the module docs.
fn post_date(
    site: &Site,
    name: &FileName,
    value: Option<Value>,
) -> Result<Option<DateTime<FixedOffset>>, PostError> {
    let written = match value.map(front_matter::scalar_text) {
        None | Some(Ok(None)) => None,
        Some(Ok(Some(text))) if text.trim().is_empty() => None,
        Some(Ok(Some(text))) => Some(
            date::parse_front_matter_date(&text)
                .ok_or_else(|| format!("cannot read `{}` as a date", text.trim())),
        ),
        Some(Err(found)) => Some(Err(format!("expected a date, found {found}"))),
    };
    Ok(match (name.date, written) {
        (Some(day), Some(Ok(written))) => Some(
            Written {
                local: day.and_time(written.local.time()),
                offset: written.offset,
            }
            .in_site(site),
        ),
        (Some(day), _) => Some(date::in_zone(day.and_time(NaiveTime::MIN), site)),
        (None, Some(Ok(written))) => Some(written.in_site(site)),
        (None, Some(Err(problem))) => {
            return Err(PostError::Field {
                field: "date",
                message: format!(
                    "{problem}, and the file name does not start with `YYYY-MM-DD-`; \
                     accepted forms: {}",
                    date::ACCEPTED_FORMS
                ),
            });
        }
        (None, None) => None,
    })
}

/// A post's URL from the site's `permalink` style or template.
fn post_url(
    site: &Site,
    slug: &str,
    categories: &[String],
    date: Option<DateTime<FixedOffset>>,
    name: &FileName,
) -> String {
    // Jekyll's default style, or sagasu's for folders that are not a Jekyll
    // site.
    let default = if site.kind == SiteKind::Jekyll {
        "date"
    } else {
        "/:year/:month/:day/:title/"
    };
    let template = match site.permalink.as_deref().unwrap_or(default) {
        "date" => "/:categories/:year/:month/:day/:title:output_ext",
        "pretty" => "/:categories/:year/:month/:day/:title/",
        "ordinal" => "/:categories/:year/:y_day/:title:output_ext",
        "weekdate" => "/:categories/:year/W:week/:short_day/:title:output_ext",
        "none" => "/:categories/:title:output_ext",
        template => template,
    };
    let categories = categories
        .iter()
        .map(|c| c.to_lowercase().replace(' ', "-"))
        .collect::<Vec<_>>()
        .join("/");
    let mut url = String::with_capacity(template.len() + slug.len());
    let mut rest = template;
    while let Some(start) = rest.find(':') {
        url.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let key = &after[..len];
        let value = match (key, date) {
            ("title" | "slug", _) => Some(slug.to_owned()),
            ("categories", _) => Some(categories.clone()),
            ("output_ext", _) => Some(".html".to_owned()),
            ("path", _) => Some(name.path_without_extension.clone()),
            ("year", Some(d)) => Some(format!("{:04}", d.year())),
            ("short_year", Some(d)) => Some(format!("{:02}", d.year() % 100)),
            ("month", Some(d)) => Some(format!("{:02}", d.month())),
            ("i_month", Some(d)) => Some(d.month().to_string()),
            ("short_month", Some(d)) => Some(d.format("%b").to_string()),
            ("day", Some(d)) => Some(format!("{:02}", d.day())),
            ("i_day", Some(d)) => Some(d.day().to_string()),
            ("y_day", Some(d)) => Some(format!("{:03}", d.ordinal())),
            ("week", Some(d)) => Some(format!("{:02}", d.iso_week().week())),
            ("short_day", Some(d)) => Some(d.format("%a").to_string()),
            ("hour", Some(d)) => Some(format!("{:02}", d.hour())),
            ("minute", Some(d)) => Some(format!("{:02}", d.minute())),
            ("second", Some(d)) => Some(format!("{:02}", d.second())),
            _ => None,
        };
        match value {
            Some(value) => url.push_str(&value),
            None if key.is_empty() => url.push(':'),
            // An unknown placeholder, or a date part of an undated post.
            None => {}
        }
        rest = &after[len..];
    }
    url.push_str(rest);
    collapse_slashes(&url)
}

/// A page's URL: its path, with `.html` for Markdown.
fn page_url(id: &str) -> String {
    let path = match id.rsplit_once('.') {
        Some((stem, ext)) if !ext.eq_ignore_ascii_case("html") => format!("{stem}.html"),
        _ => id.to_owned(),
    };
    format!("/{path}")
}

/// `base` (no trailing `/`) before a path; absolute URLs stay as they are.
fn with_base(base: &str, url: String) -> String {
    if base.is_empty() || !url.starts_with('/') {
        url
    } else {
        format!("{base}{url}")
    }
}

fn collapse_slashes(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if !(c == '/' && out.ends_with('/')) {
            out.push(c);
        }
    }
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    out
}

/// `author` as one name: a scalar, a list of names joined with `, `, or a
/// mapping's `name`.
fn author_name(value: Value) -> Result<Option<String>, String> {
    match value {
        Value::Sequence(_) => {
            let mut names = Names::default();
            front_matter::extend_names(&mut names, value, Separator::Comma)?;
            Ok(Some(names.into_vec().join(", ")).filter(|n| !n.is_empty()))
        }
        Value::Mapping(mut mapping) => match mapping.remove("name") {
            Some(name) => author_name(name),
            None => Err("expected a name, found a mapping without a `name` key".to_owned()),
        },
        Value::Tagged(tagged) => author_name(tagged.value),
        scalar => Ok(front_matter::scalar_text(scalar)
            .map_err(|found| format!("expected a name, found {found}"))?
            .as_deref()
            .and_then(clean_text)),
    }
}

/// What the file name tells about a post.
struct FileName {
    /// The `YYYY-MM-DD-` prefix of the file name.
    date: Option<chrono::NaiveDate>,
    /// The file stem without its date prefix, as on disk.
    slug: String,
    /// The whole file stem, as on disk.
    stem: String,
    /// `.html` (HTML body) rather than Markdown.
    is_html: bool,
    /// Under a `_posts/` folder.
    in_posts: bool,
    /// The folders above `_posts/`, which Jekyll makes categories.
    folder_categories: Vec<String>,
    /// The id without its extension (`:path`).
    path_without_extension: String,
}

impl FileName {
    fn of(id: &str) -> Self {
        let (folders, file_name) = id.rsplit_once('/').unwrap_or(("", id));
        let (stem, extension) = file_name.rsplit_once('.').unwrap_or((file_name, ""));
        let (date, slug) = date::split_file_name_date(stem);
        let parts: Vec<&str> = folders.split('/').filter(|p| !p.is_empty()).collect();
        let posts_at = parts.iter().position(|part| *part == "_posts");
        FileName {
            date,
            slug: slug.to_owned(),
            stem: stem.to_owned(),
            is_html: extension.eq_ignore_ascii_case("html")
                || extension.eq_ignore_ascii_case("htm"),
            in_posts: posts_at.is_some(),
            folder_categories: posts_at
                .map(|at| parts[..at].iter().map(|p| (*p).to_owned()).collect())
                .unwrap_or_default(),
            path_without_extension: id.rsplit_once('.').map_or(id, |(stem, _)| stem).to_owned(),
        }
    }

    /// The percent-decoded slug (the whole stem if the slug is empty).
    fn fallback_title(&self) -> String {
        let raw = if self.slug.trim().is_empty() {
            &self.stem
        } else {
            &self.slug
        };
        percent_encoding::percent_decode_str(raw)
            .decode_utf8_lossy()
            .into_owned()
    }
}
