//! Qiita (qiita-cli): a Markdown file in `public/` of a qiita-cli folder
//! (`.qiita/` or `qiita.config.json`). The hidden `public/.remote/` copies
//! are never read.
//!
//! - YAML front matter: `title` (else the file stem), `tags` (a list, or a
//!   comma-separated string), `updated_at` as the date (ISO 8601 with its
//!   offset, `'2023-06-15T12:34:56+09:00'`; empty for an item never
//!   published, which then has no date). `id`, `organization_url_name`,
//!   `slide` and every other key go to `extra`.
//! - Skipped: `private: true` (private: a limited-sharing item);
//!   `ignorePublish: true` (draft: qiita-cli never publishes it).
//! - URL: Qiita's are `https://qiita.com/{user}/items/{id}`; the user is not
//!   in the files, so with the site's `base_url` set (to
//!   `https://qiita.com/{user}`) it is `{base_url}/items/{id}`, else
//!   `https://qiita.com/items/{id}`, which Qiita redirects to the item. An
//!   item without an `id` (never published) has no URL.
//! - Body: Markdown; `:::note` fence lines are removed, their text kept.

use super::hugo::{date_field, is_true, names_field, text_field};
use super::zenn::strip_directives;
use super::{Entry, Site, SiteKind, Skip, SkipKind, SourceFile};
use crate::error::PostError;
use crate::front_matter::{self, FrontMatter};
use crate::post::{Post, clean_text};
use crate::text::{self, Markup};

/// Whether a file is claimed by its place: in `public/` of a Qiita folder.
pub(crate) fn in_public(site: &Site, id: &str) -> bool {
    site.kind == SiteKind::Qiita && id.starts_with("public/")
}

/// Reads a Qiita item.
pub(crate) fn read(file: &SourceFile<'_>) -> Result<Vec<Entry>, PostError> {
    let (front_matter, body) = front_matter::read_optional(file.text)?;
    Ok(Entry::of_file(file, item(file, front_matter, body)?))
}

fn item(
    file: &SourceFile<'_>,
    mut fm: FrontMatter,
    body: &str,
) -> Result<Result<Post, Skip>, PostError> {
    if is_true(fm.take("private")) {
        return Ok(Err(Skip::new(SkipKind::Private, "`private: true`")));
    }
    if is_true(fm.take("ignorePublish")) {
        return Ok(Err(Skip::new(SkipKind::Draft, "`ignorePublish: true`")));
    }
    let stem = file
        .id
        .rsplit_once('/')
        .map_or(file.id, |(_, name)| name)
        .trim_end_matches(".md");
    let title = text_field("title", fm.take("title"))?
        .as_deref()
        .and_then(clean_text);
    let mut post = Post::new(
        file.id.to_owned(),
        file.id,
        title.unwrap_or_else(|| stem.to_owned()),
    );
    post.date = date_field(file.site, "updated_at", fm.take("updated_at"))?;
    post.tags = names_field("tags", fm.take("tags"))?;
    let id_value = fm.take("id");
    let id = id_value
        .clone()
        .and_then(|id| front_matter::scalar_text(id).ok().flatten())
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty());
    post.url = match id {
        Some(id) if file.site.base_url.is_empty() => format!("https://qiita.com/items/{id}"),
        Some(id) => format!("{}/items/{id}", file.site.base_url),
        None => String::new(),
    };
    post.body = text::body_text(&strip_directives(body), Markup::Markdown)?;
    post.extra = fm.into_extra();
    // `id` stays in `extra` too: it is the item's key on Qiita.
    if let Some(id) = id_value {
        post.extra
            .insert("id".to_owned(), front_matter::to_json(id));
    }
    Ok(Ok(post))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{read_with, site, site_fixture};
    use super::*;

    fn read_qiita(site: &Site, text: &str) -> Vec<Entry> {
        read_with(read, site, "public/item.md", text).expect("readable")
    }

    #[test]
    fn fixture_site() {
        insta::assert_snapshot!(site_fixture("qiita"));
    }

    #[test]
    fn skip_rules() {
        let qiita = site(SiteKind::Qiita);
        let skip = |text: &str| match read_qiita(&qiita, text).into_iter().next() {
            Some(Entry::Skipped { reason, .. }) => Some(reason.kind),
            _ => None,
        };
        assert_eq!(
            skip("---\nprivate: true\n---\n本文"),
            Some(SkipKind::Private)
        );
        assert_eq!(
            skip("---\nignorePublish: true\n---\n本文"),
            Some(SkipKind::Draft)
        );
        assert_eq!(
            skip("---\nprivate: false\nignorePublish: false\n---\n本文"),
            None
        );
    }

    #[test]
    fn urls_from_id_and_base_url() {
        let url = |site: &Site, text: &str| match read_qiita(site, text).into_iter().next() {
            Some(Entry::Post(post)) => post.url,
            other => panic!("{other:?}"),
        };
        let mut qiita = site(SiteKind::Qiita);
        assert_eq!(
            url(&qiita, "---\nid: 0123456789abcdef0123\n---\n"),
            "https://qiita.com/items/0123456789abcdef0123"
        );
        assert_eq!(url(&qiita, "---\nid: null\n---\n"), "");
        qiita.base_url = "https://qiita.com/sagasu".to_owned();
        assert_eq!(
            url(&qiita, "---\nid: 0123456789abcdef0123\n---\n"),
            "https://qiita.com/sagasu/items/0123456789abcdef0123"
        );
    }
}
