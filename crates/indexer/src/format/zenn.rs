//! Zenn (zenn-cli): a Markdown file in `articles/` of a Zenn repository
//! (`articles/` beside `books/`, or zenn-cli in `package.json`). Books
//! (`books/`) are not read.
//!
//! - YAML front matter: `title` (else the slug), `topics` → tags, `type`
//!   (`tech` or `idea`) → a category, `emoji` and every other key → `extra`.
//! - Date: `published_at` (`YYYY-MM-DD HH:MM`, written without a zone: in
//!   the site's zone, Asia/Tokyo unless set), else a `YYYY-MM-DD_` prefix
//!   of the file name (`2023-06-15_my-article.md`), else none.
//! - Skipped: `published` not `true` (draft: zenn-cli publishes only
//!   `published: true`); `published_at` later than the run (scheduled, as
//!   Zenn holds it until then).
//! - URL: Zenn's are `https://zenn.dev/{user}/articles/{slug}` (the slug is
//!   the file stem); the user is not in the repository, so the URL is
//!   `{base_url}/articles/{slug}` with the site's `base_url` (set it to
//!   `https://zenn.dev/{user}`), else the path `/articles/{slug}`.
//! - Body: Markdown; Zenn's `:::message` / `:::details タイトル` fence lines
//!   are removed (a details title is kept as a line) and embed lines
//!   (`@[youtube](…)`, `@[card](…)`) are dropped.

use chrono::{NaiveDate, NaiveTime};

use super::hugo::{date_field, is_true, names_field, text_field, with_base};
use super::{Entry, Site, SiteKind, Skip, SkipKind, SourceFile};
use crate::date;
use crate::error::PostError;
use crate::front_matter::{self, FrontMatter};
use crate::post::{Post, clean_text};
use crate::text::{self, Markup};

/// Whether a file is claimed by its place: in `articles/` of a Zenn site.
pub(crate) fn in_articles(site: &Site, id: &str) -> bool {
    site.kind == SiteKind::Zenn && id.starts_with("articles/")
}

/// Reads a Zenn article.
pub(crate) fn read(file: &SourceFile<'_>) -> Result<Vec<Entry>, PostError> {
    let (front_matter, body) = front_matter::read_optional(file.text)?;
    Ok(Entry::of_file(file, article(file, front_matter, body)?))
}

fn article(
    file: &SourceFile<'_>,
    mut fm: FrontMatter,
    body: &str,
) -> Result<Result<Post, Skip>, PostError> {
    let site = file.site;
    if !is_true(fm.take("published")) {
        return Ok(Err(Skip::new(SkipKind::Draft, "`published` is not `true`")));
    }
    let slug = file
        .id
        .rsplit_once('/')
        .map_or(file.id, |(_, name)| name)
        .trim_end_matches(".md");
    let published_at = date_field(site, "published_at", fm.take("published_at"))?;
    if let Some(at) = published_at
        && at > site.now
    {
        return Ok(Err(Skip::new(
            SkipKind::Scheduled,
            format!("`published_at` {}", at.to_rfc3339()),
        )));
    }
    let date = published_at.or_else(|| {
        underscore_date(slug).map(|day| date::in_zone(day.and_time(NaiveTime::MIN), site))
    });
    let title = text_field("title", fm.take("title"))?
        .as_deref()
        .and_then(clean_text);
    let kind = text_field("type", fm.take("type"))?
        .as_deref()
        .and_then(clean_text);
    let mut post = Post::new(
        file.id.to_owned(),
        file.id,
        title.unwrap_or_else(|| slug.to_owned()),
    );
    post.date = date;
    post.tags = names_field("topics", fm.take("topics"))?;
    post.categories = kind.into_iter().collect();
    post.url = with_base(&site.base_url, format!("/articles/{slug}"));
    post.body = text::body_text(&strip_directives(body), Markup::Markdown)?;
    post.extra = fm.into_extra();
    Ok(Ok(post))
}

/// The `YYYY-MM-DD_` prefix of a slug, if it is a real day.
fn underscore_date(slug: &str) -> Option<NaiveDate> {
    let prefix = slug.get(..11)?.strip_suffix('_')?;
    NaiveDate::parse_from_str(prefix, "%Y-%m-%d").ok()
}

/// The body without `:::` block fence lines (Zenn's `:::message`, Qiita's
/// `:::note`) and `@[…](…)` embed lines; a `:::details` title stays as a
/// line of its own. Fenced code is left alone.
pub(super) fn strip_directives(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut fence: Option<&str> = None;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim();
        if let Some(open) = fence {
            if trimmed.starts_with(open) {
                fence = None;
            }
            out.push_str(line);
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            out.push_str(line);
        } else if let Some(directive) = trimmed.strip_prefix(":::") {
            let directive = directive.trim_start_matches(':').trim();
            if let Some(title) = directive.strip_prefix("details") {
                out.push_str(title.trim());
            }
            out.push_str("\n\n");
        } else if !(trimmed.starts_with("@[") && trimmed.ends_with(')')) {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::{first_skip, read_with, site, site_fixture};
    use super::*;

    fn read_zenn(id: &str, text: &str) -> Vec<Entry> {
        read_with(read, &site(SiteKind::Zenn), id, text).expect("readable")
    }

    fn skip_of(text: &str) -> Option<SkipKind> {
        first_skip(read_zenn("articles/abcdefghijkl.md", text))
    }

    #[test]
    fn fixture_site() {
        insta::assert_snapshot!(site_fixture("zenn"));
    }

    #[test]
    fn skip_rules() {
        assert_eq!(
            skip_of("---\npublished: false\n---\n本文"),
            Some(SkipKind::Draft)
        );
        assert_eq!(
            skip_of("---\ntitle: 公開の指定なし\n---\n本文"),
            Some(SkipKind::Draft)
        );
        assert_eq!(skip_of("---\npublished: true\n---\n本文"), None);
        assert_eq!(
            skip_of("---\npublished: true\npublished_at: 2030-01-01 09:00\n---\n本文"),
            Some(SkipKind::Scheduled)
        );
        assert_eq!(
            skip_of("---\npublished: true\npublished_at: 2025-12-31 23:59\n---\n本文"),
            None
        );
    }

    #[test]
    fn dates_from_published_at_or_file_name() {
        let date = |id: &str, text: &str| match read_zenn(id, text).into_iter().next() {
            Some(Entry::Post(post)) => post.date.map(|d| d.to_rfc3339()),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            date(
                "articles/abcdefghijkl.md",
                "---\npublished: true\npublished_at: 2023-06-15 12:34\n---\n"
            ),
            Some("2023-06-15T12:34:00+09:00".to_owned())
        );
        assert_eq!(
            date(
                "articles/2022-02-22_neko-no-hi.md",
                "---\npublished: true\n---\n"
            ),
            Some("2022-02-22T00:00:00+09:00".to_owned())
        );
        // A hyphen is part of the slug, not a date separator; nor is an
        // impossible day.
        assert_eq!(
            date(
                "articles/2022-02-22-neko-no-hi.md",
                "---\npublished: true\n---\n"
            ),
            None
        );
        assert_eq!(
            date(
                "articles/2022-02-30_neko-no-hi.md",
                "---\npublished: true\n---\n"
            ),
            None
        );
    }

    #[test]
    fn directives_and_embeds_are_stripped() {
        assert_eq!(
            strip_directives(
                ":::message alert\n注意\n:::\n\n::::details 詳しく\n中身\n::::\n@[youtube](abc)\n```\n:::code\n```\n"
            ),
            "\n\n注意\n\n\n\n詳しく\n\n中身\n\n\n```\n:::code\n```\n"
        );
    }
}
