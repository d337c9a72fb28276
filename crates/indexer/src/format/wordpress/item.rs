//! From a raw item to a post: the post types and statuses that are
//! published, the author's display name, categories and tags, the date and
//! its zone, and `extra`; see *Fields* in the [parent module](super)'s docs.

use std::collections::HashMap;

use chrono::{FixedOffset, NaiveDateTime, TimeZone};
use serde_json::Value;

use super::content::body_html;
use super::wxr::RawItem;
use crate::date;
use crate::error::PostError;
use crate::format::{Skip, SkipKind, SourceFile};
use crate::post::{Names, Post, check_size, clean_text};
use crate::text::{self, Markup};

/// Post types that are parts of the site's layout, not posts.
const TEMPLATE_TYPES: &[&str] = &[
    "nav_menu_item",
    "wp_template",
    "wp_template_part",
    "wp_navigation",
    "wp_global_styles",
    "wp_block",
    "custom_css",
    "customize_changeset",
];

/// What `wp:post_date_gmt` holds when WordPress has no date for the post.
const ZERO_DATE: &str = "0000-00-00 00:00:00";

/// The post, or why the item is not published.
pub(super) fn post(
    file: &SourceFile<'_>,
    authors: &HashMap<String, String>,
    id: &str,
    item: RawItem,
) -> Result<Result<Post, Skip>, PostError> {
    let post_type = match item.post_type.trim() {
        "" => "post",
        other => other,
    };
    match post_type {
        "post" | "page" => {}
        "attachment" => {
            return Ok(Err(Skip::new(
                SkipKind::NotAPost,
                "`wp:post_type` `attachment`: a media file",
            )));
        }
        template if TEMPLATE_TYPES.contains(&template) => {
            return Ok(Err(Skip::new(
                SkipKind::Template,
                format!("`wp:post_type` `{template}`: part of the site's layout"),
            )));
        }
        other => {
            return Ok(Err(Skip::new(
                SkipKind::NotAPost,
                format!("`wp:post_type` `{other}`: only posts and pages are read"),
            )));
        }
    }
    match item.status.trim() {
        "publish" => {}
        "" => return Ok(Err(Skip::new(SkipKind::Draft, "no `wp:status`"))),
        status => {
            let kind = match status {
                "future" => SkipKind::Scheduled,
                "private" => SkipKind::Private,
                _ => SkipKind::Draft,
            };
            return Ok(Err(Skip::new(kind, format!("`wp:status` `{status}`"))));
        }
    }

    let title = clean_text(&item.title).unwrap_or_else(|| "(無題)".to_owned());
    let mut post = Post::new(id.to_owned(), file.id, title);
    post.date = post_date(file, &item)?;
    post.author = clean_text(&item.creator).and_then(|login| {
        authors
            .get(&login)
            .and_then(|display| clean_text(display))
            .or(Some(login))
    });
    let mut categories = Names::default();
    let mut tags = Names::default();
    for (domain, display, nicename) in &item.terms {
        let names = match domain.as_str() {
            "category" | "" => &mut categories,
            "post_tag" | "tag" => &mut tags,
            _ => continue,
        };
        if display.trim().is_empty() {
            names.push(&percent_encoding::percent_decode_str(nicename).decode_utf8_lossy());
        } else {
            names.push(display);
        }
    }
    post.categories = categories.into_vec();
    post.tags = tags.into_vec();
    post.url = item.link.trim().to_owned();

    let mut extra = serde_json::Map::new();
    extra.insert("post_type".to_owned(), Value::from(post_type));
    if let Some(slug) =
        clean_text(&percent_encoding::percent_decode_str(&item.post_name).decode_utf8_lossy())
    {
        extra.insert("slug".to_owned(), Value::String(slug));
    }
    if item.password.is_empty() {
        check_size(item.content.len())?;
        post.body = text::body_text(&body_html(&item.content), Markup::Html)?;
        let excerpt = item.excerpt.trim();
        if !excerpt.is_empty() {
            extra.insert("excerpt".to_owned(), Value::from(excerpt));
        }
    } else {
        // The title only: the body and excerpt are behind the password.
        extra.insert("password_protected".to_owned(), Value::Bool(true));
    }
    post.extra = extra;
    Ok(Ok(post))
}

/// The post's date; see the module docs.
fn post_date(
    file: &SourceFile<'_>,
    item: &RawItem,
) -> Result<Option<chrono::DateTime<FixedOffset>>, PostError> {
    let written = item.post_date.trim();
    if written.is_empty() || written == ZERO_DATE {
        return Ok(date::parse_front_matter_date(&item.pub_date).map(|d| d.in_site(file.site)));
    }
    let local = parse_wordpress_date(written).ok_or_else(|| PostError::Field {
        field: "wp:post_date",
        message: format!("cannot read `{written}` as `YYYY-MM-DD hh:mm:ss`"),
    })?;
    let offset = parse_wordpress_date(item.post_date_gmt.trim())
        .and_then(|gmt| i32::try_from((local - gmt).num_seconds()).ok())
        .and_then(FixedOffset::east_opt);
    Ok(Some(
        match offset.and_then(|offset| offset.from_local_datetime(&local).single()) {
            Some(date) => date,
            None => date::in_zone(local, file.site),
        },
    ))
}

/// `YYYY-MM-DD hh:mm:ss`, as WordPress writes dates; `None` for the zero
/// date and anything else.
fn parse_wordpress_date(value: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S").ok()
}
