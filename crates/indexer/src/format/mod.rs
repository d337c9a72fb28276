//! Source formats: which files each format claims, and reading them.
//!
//! One table, `RULES`, says which files each format reads: by extension,
//! by its place in the site ([`Site::kind`]), and by a sniff of its first
//! bytes. The first row that claims a file decides its format; a file no row
//! claims is skipped as not a post. Every format module has the same entry
//! point, `read(&SourceFile) -> Result<Vec<Entry>, PostError>`: an `Err`
//! fails the whole file (it keeps whatever was indexed from it), an entry
//! fails, skips or yields one post, or says the file is cut short (the
//! posts indexed from it and not read this time are then kept).
//!
//! | format | files | claimed by |
//! |---|---|---|
//! | WordPress export (WXR) | `.xml` | `<rss` and the WXR namespace (`http://wordpress.org/export/1.2/`) |
//! | Movable Type / TypePad export | `.txt` | `AUTHOR:`/`TITLE:`/`DATE:` key lines before the first `-----` |
//! | Hatena Blog (blogsync) | `.md`, `.txt`, `.html` | front matter with `EditURL:` |
//! | Rendered page | `.html`, `.htm` | a rendered site (`_site`, `public`, or `--site`) |
//! | Qiita (qiita-cli) | `.md` | `public/` of a folder with `.qiita/` or `qiita.config.json` |
//! | Zenn (zenn-cli) | `.md` | `articles/` of a folder with `articles/` and `books/` or zenn-cli in `package.json` |
//! | Hugo | `.md`, `.markdown`, `.html` | `content/` of a Hugo site, or `+++`/`{` front matter anywhere |
//! | MDX | `.mdx` | any |
//! | Jekyll | `.md`, `.markdown`, `.mdown`, `.mkd`, `.html`, `.htm` | everything else with those extensions |

use std::fmt;
use std::path::PathBuf;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::error::PostError;
use crate::post::{Post, clean_text};

pub(crate) mod hatena;
pub(crate) mod hugo;
pub(crate) mod jekyll;
pub(crate) mod mdx;
pub(crate) mod movable_type;
pub(crate) mod page;
pub(crate) mod qiita;
pub(crate) mod wordpress;
pub(crate) mod zenn;

#[cfg(test)]
mod jekyll_tests;

/// A source format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    WordPress,
    #[serde(rename = "movable-type")]
    MovableType,
    Hatena,
    Qiita,
    Zenn,
    Hugo,
    Mdx,
    Page,
    Jekyll,
}

impl Format {
    /// The format's name, as reports show it.
    pub fn name(self) -> &'static str {
        match self {
            Format::WordPress => "WordPress export",
            Format::MovableType => "Movable Type export",
            Format::Hatena => "Hatena Blog (blogsync)",
            Format::Qiita => "Qiita",
            Format::Zenn => "Zenn",
            Format::Hugo => "Hugo",
            Format::Mdx => "MDX",
            Format::Page => "rendered page",
            Format::Jekyll => "Jekyll",
        }
    }
}

impl Format {
    /// Every format, in the table's order.
    pub const ALL: [Format; 9] = [
        Format::WordPress,
        Format::MovableType,
        Format::Hatena,
        Format::Qiita,
        Format::Zenn,
        Format::Hugo,
        Format::Mdx,
        Format::Page,
        Format::Jekyll,
    ];

    /// The format's key, as the index and the JSON report store it
    /// (`wordpress`, `movable-type` …).
    pub fn key(self) -> &'static str {
        match self {
            Format::WordPress => "wordpress",
            Format::MovableType => "movable-type",
            Format::Hatena => "hatena",
            Format::Qiita => "qiita",
            Format::Zenn => "zenn",
            Format::Hugo => "hugo",
            Format::Mdx => "mdx",
            Format::Page => "page",
            Format::Jekyll => "jekyll",
        }
    }

    /// The format with this [`key`](Self::key).
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|format| format.key() == key)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What kind of site a folder is, from the files at its root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SiteKind {
    /// `_config.yml` (or `.yaml`, `.toml`) or `_posts/`.
    Jekyll,
    /// `hugo.toml` (or `.yaml`, `.json`), or `config.toml` beside `content/`.
    Hugo,
    /// `.qiita/` or `qiita.config.json`.
    Qiita,
    /// `articles/` beside `books/`, or zenn-cli in `package.json`.
    Zenn,
    /// A rendered site: HTML pages are the posts.
    Rendered,
    /// None of these: every file is read by its own format.
    Plain,
}

/// The site a file belongs to: what its layout and settings say about
/// reading its posts.
#[derive(Debug, Clone)]
pub struct Site {
    /// The site's root folder: file ids are relative to it.
    pub root: PathBuf,
    /// What the root's files say the site is.
    pub kind: SiteKind,
    /// The zone of dates written without an offset.
    pub timezone: Tz,
    /// Prefix of URLs built from paths (Jekyll's `baseurl`, the settings'
    /// `base_url`), without a trailing `/`.
    pub base_url: String,
    /// Jekyll's `permalink` style or template (`date`, `pretty`,
    /// `/:categories/:year/:month/:day/:title:output_ext`).
    pub permalink: Option<String>,
    /// The time of the run: later dates are scheduled, not published.
    pub now: DateTime<Utc>,
}

impl Site {
    /// A site of `kind` at `/site`, in `timezone`, read on 2026-01-01: the
    /// fixed site that the unit tests and the fuzz targets read posts in.
    pub(crate) fn fixture(kind: SiteKind, timezone: Tz) -> Site {
        Site {
            root: PathBuf::from("/site"),
            kind,
            timezone,
            base_url: String::new(),
            permalink: None,
            now: Utc
                .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
                .single()
                .unwrap_or_default(),
        }
    }
}

/// One source file, decoded, as a format module reads it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SourceFile<'a> {
    /// The file's id: its path relative to the site root, `/`-separated.
    pub id: &'a str,
    /// Its text, decoded to UTF-8, without a BOM.
    pub text: &'a str,
    /// Its site.
    pub site: &'a Site,
}

/// What a format read from one part of a file.
#[derive(Debug)]
pub(crate) enum Entry {
    /// A published post.
    Post(Box<Post>),
    /// Not a published post: a draft, a private post, a layout …
    Skipped { id: String, reason: Skip },
    /// A post that cannot be read; the rest of the file can.
    Failed { id: String, error: PostError },
    /// The file ends before it should (an export cut short): the entries
    /// before the cut were read, and the posts indexed from the file before
    /// that are not among them are kept, since they may be in the part
    /// that is missing.
    Truncated { error: PostError },
}

/// Why a file or an entry is not a published post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skip {
    /// What kind of reason.
    pub kind: SkipKind,
    /// How the source says so (`draft: true`, `wp:status` `future` …).
    pub detail: String,
}

/// The kinds of [`Skip`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipKind {
    /// No format reads the file (an image, a stylesheet, a README).
    NotAPost,
    /// The site does not publish it (Jekyll's `_drafts`, `_layouts` …, an
    /// `exclude` pattern).
    Excluded,
    /// A draft, or otherwise not published.
    Draft,
    /// Private, or password-protected beyond its title.
    Private,
    /// Published later than the run.
    Scheduled,
    /// Expired (Hugo's `expiryDate`).
    Expired,
    /// A template, list page or other page that is not a post.
    Template,
}

impl Entry {
    /// The one entry of a file that holds one post: the post, or why it is
    /// skipped.
    pub(crate) fn of_file(file: &SourceFile<'_>, post: Result<Post, Skip>) -> Vec<Entry> {
        vec![match post {
            Ok(post) => Entry::Post(Box::new(post)),
            Err(reason) => Entry::Skipped {
                id: file.id.to_owned(),
                reason,
            },
        }]
    }
}

impl Skip {
    pub(crate) fn new(kind: SkipKind, detail: impl Into<String>) -> Self {
        Skip {
            kind,
            detail: detail.into(),
        }
    }
}

impl SkipKind {
    /// A short name, as reports show it.
    pub fn name(self) -> &'static str {
        match self {
            SkipKind::NotAPost => "not a post",
            SkipKind::Excluded => "excluded",
            SkipKind::Draft => "draft",
            SkipKind::Private => "private",
            SkipKind::Scheduled => "scheduled",
            SkipKind::Expired => "expired",
            SkipKind::Template => "template",
        }
    }
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.detail)
    }
}

/// One row of the format table: a format claims a file when its extension
/// is one of `extensions` and both tests (where given) pass.
struct Rule {
    format: Format,
    /// Lowercase extensions, without the dot.
    extensions: &'static [&'static str],
    /// Claims the file by its place in the site: `(site, file id)`.
    place: Option<fn(&Site, &str) -> bool>,
    /// Claims the file by its first bytes (decoded).
    sniff: Option<fn(&str) -> bool>,
}

const MARKDOWN_AND_HTML: &[&str] = &["md", "markdown", "mdown", "mkd", "mkdn", "html", "htm"];

/// The format table, in priority order.
const RULES: &[Rule] = &[
    Rule {
        format: Format::WordPress,
        extensions: &["xml"],
        place: None,
        sniff: Some(wordpress::sniff),
    },
    Rule {
        format: Format::MovableType,
        extensions: &["txt"],
        place: None,
        sniff: Some(movable_type::sniff),
    },
    Rule {
        format: Format::Hatena,
        extensions: &["md", "txt", "html"],
        place: None,
        sniff: Some(hatena::sniff),
    },
    Rule {
        format: Format::Page,
        extensions: &["html", "htm"],
        place: Some(|site, _| site.kind == SiteKind::Rendered),
        sniff: None,
    },
    Rule {
        format: Format::Qiita,
        extensions: &["md"],
        place: Some(qiita::in_public),
        sniff: None,
    },
    Rule {
        format: Format::Zenn,
        extensions: &["md"],
        place: Some(zenn::in_articles),
        sniff: None,
    },
    Rule {
        format: Format::Hugo,
        extensions: &["md", "markdown", "html", "htm"],
        place: Some(hugo::in_content),
        sniff: None,
    },
    Rule {
        format: Format::Hugo,
        extensions: &["md", "markdown", "html", "htm"],
        place: None,
        sniff: Some(hugo::sniff),
    },
    Rule {
        format: Format::Mdx,
        extensions: &["mdx"],
        place: None,
        sniff: None,
    },
    Rule {
        format: Format::Jekyll,
        extensions: MARKDOWN_AND_HTML,
        place: None,
        sniff: None,
    },
];

/// Whether some format reads files with this extension (lowercase or not).
/// The walk reads only these; every other file is skipped unread.
pub fn is_source_extension(extension: &str) -> bool {
    RULES.iter().any(|rule| {
        rule.extensions
            .iter()
            .any(|known| known.eq_ignore_ascii_case(extension))
    })
}

/// The format that reads a file: the first rule of the table that claims
/// it. `None` when no format does.
pub(crate) fn detect(site: &Site, id: &str, text: &str) -> Option<Format> {
    let extension = id
        .rsplit_once('/')
        .map_or(id, |(_, name)| name)
        .rsplit_once('.')
        .map(|(_, ext)| ext)?;
    // The sniffs look at the start of the file only.
    let head = head(text, 4096);
    RULES
        .iter()
        .find(|rule| {
            rule.extensions
                .iter()
                .any(|known| known.eq_ignore_ascii_case(extension))
                && rule.place.is_none_or(|place| place(site, id))
                && rule.sniff.is_none_or(|sniff| sniff(head))
        })
        .map(|rule| rule.format)
}

/// Reads a file in its format.
pub(crate) fn read(format: Format, file: &SourceFile<'_>) -> Result<Vec<Entry>, PostError> {
    match format {
        Format::Qiita => qiita::read(file),
        Format::Zenn => zenn::read(file),
        Format::Hugo => hugo::read(file),
        Format::Page => page::read(file),
        Format::Mdx => mdx::read(file),
        Format::Jekyll => jekyll::read(file),
        Format::MovableType => movable_type::read(file),
        Format::Hatena => hatena::read(file),
        Format::WordPress => wordpress::read(file),
    }
}

/// The value of `key="…"` (or `key='…'`, `key=`…``, `key=word`) among
/// shortcode arguments (Hugo's `{{< figure caption="…" >}}`, WordPress's
/// `[caption caption="…"]`), entity-decoded.
fn shortcode_argument(args: &str, key: &str) -> Option<String> {
    let mut rest = args;
    while let Some(at) = rest.find(key) {
        let before_ok = rest[..at]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace);
        let after = rest[at + key.len()..].trim_start();
        rest = &rest[at + key.len()..];
        let Some(value) = after.strip_prefix('=').filter(|_| before_ok) else {
            continue;
        };
        let value = value.trim_start();
        let text = match value.chars().next() {
            Some(quote @ ('"' | '\'' | '`')) => value[1..].split(quote).next().unwrap_or_default(),
            _ => value.split_whitespace().next().unwrap_or_default(),
        };
        return clean_text(text);
    }
    None
}

/// The first `max` bytes of `text`, cut at a character boundary.
fn head(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Helpers for the format modules' tests.
#[cfg(test)]
pub(crate) mod testing {
    use std::fmt::Write as _;

    use super::{Entry, Site, SiteKind, SkipKind, SourceFile};
    use crate::error::PostError;
    use crate::post::Post;

    /// [`Site::fixture`] in Asia/Tokyo.
    pub(crate) fn site(kind: SiteKind) -> Site {
        Site::fixture(kind, chrono_tz::Asia::Tokyo)
    }

    /// Every file of the fixture site `tests/fixtures/formats/{name}` as the
    /// archive walk finds it and the format table reads it, read on
    /// 2026-01-01: each file's format and golden entries, then the files
    /// the walk passed over, with why.
    pub(crate) fn site_fixture(name: &str) -> String {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/formats")
            .join(name);
        let walk = crate::archive::walk(
            std::slice::from_ref(&root),
            &crate::archive::ArchiveSettings::default(),
            site(SiteKind::Plain).now,
        )
        .expect("the fixture site is walked");
        let mut out = String::new();
        for found in &walk.files {
            let text = std::fs::read_to_string(&found.path).expect("the fixture is UTF-8");
            let file = SourceFile {
                id: &found.id,
                text: &text,
                site: &found.site,
            };
            match super::detect(&found.site, &found.id, &text) {
                Some(format) => {
                    let _ = writeln!(out, "== {} ({})", found.id, format.key());
                    match super::read(format, &file) {
                        Ok(entries) => out.push_str(&golden(&entries)),
                        Err(error) => {
                            let _ = writeln!(out, "failed: {}", error.with_causes());
                        }
                    }
                }
                None => {
                    let _ = writeln!(out, "== {} (no format)", found.id);
                }
            }
        }
        for passed in &walk.passed {
            let path = passed.path.strip_prefix(&root).unwrap_or(&passed.path);
            let _ = writeln!(out, "passed {}: {}", path.display(), passed.reason);
        }
        out
    }

    /// Reads `text` as the file `id` of `site` with `read`.
    pub(crate) fn read_with(
        read: fn(&SourceFile<'_>) -> Result<Vec<Entry>, PostError>,
        site: &Site,
        id: &str,
        text: &str,
    ) -> Result<Vec<Entry>, PostError> {
        read(&SourceFile { id, text, site })
    }

    /// The posts among the entries.
    pub(crate) fn posts(entries: &[Entry]) -> Vec<&Post> {
        entries
            .iter()
            .filter_map(|entry| match entry {
                Entry::Post(post) => Some(&**post),
                _ => None,
            })
            .collect()
    }

    /// The first entry, which must be a post.
    pub(crate) fn first_post(entries: Vec<Entry>) -> Post {
        match entries.into_iter().next() {
            Some(Entry::Post(post)) => *post,
            other => panic!("expected a post, got {other:?}"),
        }
    }

    /// The kind of the first entry's skip, when it is a skip.
    pub(crate) fn first_skip(entries: Vec<Entry>) -> Option<SkipKind> {
        match entries.into_iter().next() {
            Some(Entry::Skipped { reason, .. }) => Some(reason.kind),
            _ => None,
        }
    }

    /// The [`golden`] lines that are not a post's fields: one per entry.
    pub(crate) fn outline(entries: &[Entry]) -> Vec<String> {
        golden(entries)
            .lines()
            .filter(|line| !line.starts_with("  "))
            .map(str::to_owned)
            .collect()
    }

    /// The entries as a golden text: every field of every post (the body's
    /// first 80 characters), and every skip and failure.
    pub(crate) fn golden(entries: &[Entry]) -> String {
        let mut out = String::new();
        for entry in entries {
            let _ = match entry {
                Entry::Post(post) => {
                    let body: String = post.body.chars().take(80).collect();
                    writeln!(
                        out,
                        "post {}\n  file: {}\n  title: {}\n  date: {}\n  author: {}\n  tags: {:?}\n  categories: {:?}\n  url: {}\n  body: {:?}\n  extra: {}",
                        post.id,
                        post.file,
                        post.title,
                        post.date.map(|d| d.to_rfc3339()).unwrap_or_default(),
                        post.author.as_deref().unwrap_or_default(),
                        post.tags,
                        post.categories,
                        post.url,
                        body,
                        serde_json::Value::Object(post.extra.clone()),
                    )
                }
                Entry::Skipped { id, reason } => writeln!(out, "skipped {id}: {reason}"),
                Entry::Failed { id, error } => {
                    writeln!(out, "failed {id}: {}", error.with_causes())
                }
                Entry::Truncated { error } => writeln!(out, "truncated: {}", error.with_causes()),
            };
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::shortcode_argument;

    #[test]
    fn shortcode_arguments_quoted_or_not() {
        let args = "src=a.png title=題 caption=\"夕焼け &amp; 海\" alt='岬の灯台'";
        assert_eq!(shortcode_argument(args, "title").as_deref(), Some("題"));
        assert_eq!(
            shortcode_argument(args, "caption").as_deref(),
            Some("夕焼け & 海")
        );
        assert_eq!(shortcode_argument(args, "alt").as_deref(), Some("岬の灯台"));
        assert_eq!(shortcode_argument("subtitle=\"x\"", "title"), None);
        assert_eq!(shortcode_argument("width=300", "caption"), None);
    }
}
