//! Finding an archive's files: the site each path belongs to, which files
//! the site publishes, and their ids.
//!
//! # Ids
//!
//! A file's id is its path relative to its **site root**: the nearest folder
//! at or above the path given that holds a site's settings (`_config.yml`,
//! `hugo.toml`, `config.toml` beside `content/`, `qiita.config.json`,
//! `.qiita/`, or Zenn's `articles/` beside `books/`), else the folder given
//! (for a file, its folder). So `sagasu index ~/blog` and later `sagasu
//! index ~/blog/_posts` give `_posts/2009-07-11-hbstudy-1.md` both times,
//! and nothing is removed and re-added. With paths in several sites, each
//! id starts with its site root's folder name. Separators are `/`; a byte
//! of a file name that is not UTF-8 is written `\xNN`, and a backslash
//! `\\`, so ids are unique and stable.
//!
//! # What is read
//!
//! Hidden folders (`.git`) and `node_modules` are never entered. By the
//! site's kind:
//! - Jekyll: not `_drafts`, `_layouts`, `_includes`, `_data`, `_sass`,
//!   `_site`, `vendor`, `.jekyll-cache`, nor what `_config.yml` lists in
//!   `exclude:`;
//! - Hugo: only `content/`; Qiita: only `public/`; Zenn: only `articles/`;
//! - and the settings' `include` and `exclude` globs, matched against ids.
//!
//! Every file seen is read by its format, or skipped with the reason (a
//! folder not entered counts once). Symbolic links are followed; a link
//! loop or an unreadable folder is a failure, and what was indexed from
//! under that folder is kept.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde_yaml::Value;

use crate::format::{self, Site, SiteKind, Skip, SkipKind};
use crate::{Error, PostError, Result};

/// How to read an archive: the settings that the sources do not give.
#[derive(Debug, Clone, Default)]
pub struct ArchiveSettings {
    /// Zone of dates written without an offset, where the site does not set
    /// one (Jekyll's `timezone:`). Default: Asia/Tokyo.
    pub timezone: Option<Tz>,
    /// Prefix of URLs that sources do not give in full (`https://example.com`
    /// or `/blog`); Jekyll's `baseurl` is used where this is not set.
    pub base_url: Option<String>,
    /// Only ids matching one of these globs are read (all when empty).
    pub include: Vec<String>,
    /// Ids matching one of these globs are skipped.
    pub exclude: Vec<String>,
    /// Read HTML pages as posts (a rendered site: Jekyll's `_site`, Hugo's
    /// `public`), even where the layout does not say so.
    pub rendered_site: bool,
}

/// A file to read.
#[derive(Debug)]
pub(crate) struct Found {
    /// The file's id.
    pub id: String,
    /// Where it is on disk.
    pub path: PathBuf,
    /// Its site.
    pub site: Arc<Site>,
}

/// A file or folder the walk saw but will not read.
#[derive(Debug)]
pub(crate) struct Passed {
    pub path: PathBuf,
    pub reason: Skip,
}

/// What the walk found.
#[derive(Debug, Default)]
pub(crate) struct Walk {
    pub files: Vec<Found>,
    pub passed: Vec<Passed>,
    /// Folders and files that could not be read, with the reason.
    pub unreadable: Vec<(PathBuf, PostError)>,
    /// Id prefixes (folders, with a trailing `/`) that could not be read:
    /// what was indexed under them is kept.
    pub kept: Vec<String>,
}

/// Walks the paths given to a run.
pub(crate) fn walk(
    paths: &[PathBuf],
    settings: &ArchiveSettings,
    now: DateTime<Utc>,
) -> Result<Walk> {
    let include = globs("include", &settings.include)?;
    let exclude = globs("exclude", &settings.exclude)?;
    let mut roots = Vec::with_capacity(paths.len());
    for path in paths {
        let metadata = std::fs::metadata(path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        let start = if metadata.is_dir() {
            path.clone()
        } else {
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        };
        let absolute = start.canonicalize().map_err(|source| Error::Read {
            path: start.clone(),
            source,
        })?;
        let root = site_root(&absolute).unwrap_or(absolute.clone());
        roots.push((start, absolute, root));
    }
    // Several sites: each id starts with its site's folder name.
    let mut sites: HashMap<PathBuf, (Arc<Site>, Option<String>)> = HashMap::new();
    let distinct: std::collections::BTreeSet<&PathBuf> =
        roots.iter().map(|(_, _, root)| root).collect();
    let mut names = std::collections::HashSet::new();
    for root in &distinct {
        let prefix = if distinct.len() > 1 {
            let name = root
                .file_name()
                .map(escape)
                .unwrap_or_else(|| "root".to_owned());
            if !names.insert(name.clone()) {
                return Err(Error::DuplicateRoot {
                    path: (*root).clone(),
                });
            }
            Some(name)
        } else {
            None
        };
        let site = load_site(root, settings, now)?;
        sites.insert((*root).clone(), (Arc::new(site), prefix));
    }

    let mut walk = Walk::default();
    let mut seen = std::collections::HashSet::new();
    for ((start, absolute, root), given) in roots.iter().zip(paths) {
        let (site, prefix) = &sites[root];
        let jekyll_exclude = if site.kind == SiteKind::Jekyll {
            jekyll_exclude(root)?
        } else {
            (Vec::new(), GlobSet::empty())
        };
        let id_of = |path: &Path| -> String {
            let relative = path.strip_prefix(root).unwrap_or(path);
            let mut id = prefix.clone().unwrap_or_default();
            for component in relative.components() {
                if !id.is_empty() {
                    id.push('/');
                }
                id.push_str(&escape(component.as_os_str()));
            }
            id
        };
        let is_file = !std::fs::metadata(given).is_ok_and(|m| m.is_dir());
        let walker = walkdir::WalkDir::new(if is_file {
            absolute.join(given.file_name().unwrap_or_default())
        } else {
            absolute.clone()
        })
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
        let mut walker = walker;
        while let Some(entry) = walker.next() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    let failed = error.path().unwrap_or(absolute).to_path_buf();
                    let path = start.join(failed.strip_prefix(absolute).unwrap_or(&failed));
                    if failed.is_dir() || !failed.exists() {
                        walk.kept.push(format!("{}/", id_of(&failed)));
                    }
                    // The I/O error alone (walkdir's own message names the path
                    // again); a loop is walkdir's message.
                    let message = error.to_string();
                    let cause = error
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other(message));
                    walk.unreadable.push((path, PostError::Walk(cause)));
                    continue;
                }
            };
            // Reports name files as the paths given spell them.
            let shown = start.join(entry.path().strip_prefix(absolute).unwrap_or(entry.path()));
            let path = shown.as_path();
            let id = id_of(entry.path());
            let within = id
                .strip_prefix(prefix.as_deref().unwrap_or(""))
                .map_or(id.as_str(), |rest| rest.trim_start_matches('/'));
            if entry.file_type().is_dir() {
                if entry.depth() == 0 {
                    continue;
                }
                if let Some(reason) =
                    skipped_folder(site, within, entry.file_name(), &jekyll_exclude, &exclude)
                {
                    walker.skip_current_dir();
                    walk.passed.push(Passed {
                        path: path.to_path_buf(),
                        reason,
                    });
                }
                continue;
            }
            if !seen.insert(id.clone()) {
                continue;
            }
            let reason = if let Some(reason) = outside_content(site, within) {
                Some(reason)
            } else if let Some(pattern) = matching(&jekyll_exclude, within) {
                Some(Skip::new(
                    SkipKind::Excluded,
                    format!("`exclude:` of _config.yml ({pattern})"),
                ))
            } else if let Some(pattern) = matching(&exclude, within) {
                Some(Skip::new(
                    SkipKind::Excluded,
                    format!("the `exclude` setting ({pattern})"),
                ))
            } else if !settings.include.is_empty() && !include.1.is_match(within) {
                Some(Skip::new(
                    SkipKind::Excluded,
                    "not matched by the `include` setting",
                ))
            } else if SETTINGS_FILES.contains(&within) {
                Some(Skip::new(SkipKind::NotAPost, "the site's settings"))
            } else if !Path::new(entry.file_name())
                .extension()
                .and_then(OsStr::to_str)
                .is_some_and(format::is_source_extension)
            {
                Some(Skip::new(
                    SkipKind::NotAPost,
                    "not a file type sagasu reads",
                ))
            } else {
                None
            };
            match reason {
                Some(reason) => walk.passed.push(Passed {
                    path: path.to_path_buf(),
                    reason,
                }),
                None => walk.files.push(Found {
                    id,
                    path: path.to_path_buf(),
                    site: Arc::clone(site),
                }),
            }
        }
    }
    Ok(walk)
}

/// Files at a site's root that hold its settings.
const SETTINGS_FILES: &[&str] = &[
    "_config.yml",
    "_config.yaml",
    "_config.toml",
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.yml",
    "config.json",
    "qiita.config.json",
    "package.json",
    "sagasu.toml",
];

/// Why a folder is not entered, if it is not.
fn skipped_folder(
    site: &Site,
    within: &str,
    name: &OsStr,
    jekyll_exclude: &Patterns,
    exclude: &Patterns,
) -> Option<Skip> {
    let name = name.to_string_lossy();
    if name.starts_with('.') || name == "node_modules" {
        return Some(Skip::new(SkipKind::Excluded, "hidden or dependency folder"));
    }
    if site.kind == SiteKind::Jekyll
        && matches!(
            name.as_ref(),
            "_drafts" | "_layouts" | "_includes" | "_data" | "_sass" | "_site" | "vendor"
        )
    {
        return Some(Skip::new(
            SkipKind::Excluded,
            format!("Jekyll does not publish `{name}/`"),
        ));
    }
    if let Some(reason) = outside_content(site, &format!("{within}/")) {
        return Some(reason);
    }
    if let Some(pattern) = matching(jekyll_exclude, within) {
        return Some(Skip::new(
            SkipKind::Excluded,
            format!("`exclude:` of _config.yml ({pattern})"),
        ));
    }
    matching(exclude, within).map(|pattern| {
        Skip::new(
            SkipKind::Excluded,
            format!("the `exclude` setting ({pattern})"),
        )
    })
}

/// For sites whose posts live in one folder, why a path outside it is not
/// read. `within` ends with `/` for a folder.
fn outside_content(site: &Site, within: &str) -> Option<Skip> {
    let (folder, tool) = match site.kind {
        SiteKind::Hugo => ("content/", "Hugo"),
        SiteKind::Qiita => ("public/", "Qiita"),
        SiteKind::Zenn => ("articles/", "Zenn"),
        _ => return None,
    };
    // A folder that leads to the content folder is entered.
    if within.starts_with(folder) || folder.starts_with(within) {
        return None;
    }
    Some(Skip::new(
        SkipKind::Excluded,
        format!("outside {tool}'s `{folder}`"),
    ))
}

fn matching<'a>(set: &'a Patterns, id: &str) -> Option<&'a str> {
    set.1
        .matches(id)
        .first()
        .and_then(|&index| set.0.get(index))
        .map(String::as_str)
}

/// Globs, and the pattern each came from.
type Patterns = (Vec<String>, GlobSet);

/// Compiles globs; a pattern also matches everything under a folder it
/// matches.
fn globs(setting: &'static str, patterns: &[String]) -> Result<Patterns> {
    let mut builder = GlobSetBuilder::new();
    let mut sources = Vec::new();
    for pattern in patterns {
        let trimmed = pattern.trim_start_matches("./").trim_end_matches('/');
        for glob in [trimmed.to_owned(), format!("{trimmed}/**")] {
            let glob = Glob::new(&glob).map_err(|e| Error::Setting {
                setting,
                message: format!("`{pattern}`: {e}"),
            })?;
            builder.add(glob);
            sources.push(pattern.clone());
        }
    }
    let set = builder.build().map_err(|e| Error::Setting {
        setting,
        message: e.to_string(),
    })?;
    Ok((sources, set))
}

/// The nearest folder at or above `start` that holds a site's settings.
fn site_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| kind_of(dir).is_some())
        .map(Path::to_path_buf)
}

/// What a folder's own files say it is, if they say.
fn kind_of(dir: &Path) -> Option<SiteKind> {
    let has = |name: &str| dir.join(name).exists();
    if ["_config.yml", "_config.yaml", "_config.toml"]
        .iter()
        .any(|n| has(n))
    {
        return Some(SiteKind::Jekyll);
    }
    if ["hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json"]
        .iter()
        .any(|n| has(n))
        || (has("content")
            && ["config.toml", "config.yaml", "config.yml", "config.json"]
                .iter()
                .any(|n| has(n)))
    {
        return Some(SiteKind::Hugo);
    }
    if has("qiita.config.json") || has(".qiita") {
        return Some(SiteKind::Qiita);
    }
    if has("articles")
        && (has("books")
            || std::fs::read_to_string(dir.join("package.json"))
                .is_ok_and(|p| p.contains("zenn-cli")))
    {
        return Some(SiteKind::Zenn);
    }
    None
}

/// The site rooted at `root`: its kind and the settings its configuration
/// file gives, under the run's settings.
fn load_site(root: &Path, settings: &ArchiveSettings, now: DateTime<Utc>) -> Result<Site> {
    let kind = match kind_of(root) {
        Some(kind) => kind,
        None if settings.rendered_site || looks_rendered(root) => SiteKind::Rendered,
        None => SiteKind::Plain,
    };
    let kind = if settings.rendered_site {
        SiteKind::Rendered
    } else {
        kind
    };
    let mut site = Site {
        root: root.to_path_buf(),
        kind,
        timezone: settings.timezone.unwrap_or(chrono_tz::Asia::Tokyo),
        base_url: settings
            .base_url
            .as_deref()
            .map(|b| b.trim_end_matches('/').to_owned())
            .unwrap_or_default(),
        permalink: None,
        now,
    };
    if kind == SiteKind::Jekyll
        && let Some(config) = jekyll_config(root)?
    {
        let text = |key: &str| match config.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            _ => None,
        };
        site.permalink = text("permalink");
        if settings.base_url.is_none()
            && let Some(base) = text("baseurl")
        {
            site.base_url = base.trim_end_matches('/').to_owned();
        }
        if settings.timezone.is_none()
            && let Some(zone) = text("timezone")
        {
            site.timezone = zone.parse().map_err(|_| Error::Setting {
                setting: "timezone",
                message: format!(
                    "`{zone}` in {} is not an IANA time zone (such as Asia/Tokyo)",
                    root.join("_config.yml").display()
                ),
            })?;
        }
    }
    Ok(site)
}

/// A rendered site: an `index.html` at the root, and no site settings.
fn looks_rendered(root: &Path) -> bool {
    root.join("index.html").is_file() || root.join("index.htm").is_file()
}

/// Jekyll's `_config.yml` (or `.yaml`), as a mapping.
fn jekyll_config(root: &Path) -> Result<Option<serde_yaml::Mapping>> {
    for name in ["_config.yml", "_config.yaml"] {
        let path = root.join(name);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        return match serde_yaml::from_str::<Value>(&text) {
            Ok(Value::Mapping(mapping)) => Ok(Some(mapping)),
            Ok(_) => Ok(None),
            Err(e) => Err(Error::Setting {
                setting: "_config.yml",
                message: format!("{}: {e}", path.display()),
            }),
        };
    }
    Ok(None)
}

/// The `exclude:` list of Jekyll's `_config.yml`, as globs.
fn jekyll_exclude(root: &Path) -> Result<Patterns> {
    let patterns: Vec<String> = jekyll_config(root)?
        .and_then(|config| config.get("exclude").cloned())
        .and_then(|value| match value {
            Value::Sequence(items) => Some(
                items
                    .into_iter()
                    .filter_map(|item| item.as_str().map(str::to_owned))
                    .collect(),
            ),
            _ => None,
        })
        .unwrap_or_default();
    globs("exclude", &patterns)
}

/// One path component as id text: UTF-8 as it is, except that a backslash
/// is doubled and a byte that is not UTF-8 is written `\xNN`.
fn escape(component: &OsStr) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = component.as_bytes();
        if let Ok(text) = std::str::from_utf8(bytes)
            && !text.contains('\\')
        {
            return text.to_owned();
        }
        let mut out = String::with_capacity(bytes.len() + 8);
        for chunk in bytes.utf8_chunks() {
            out.push_str(&chunk.valid().replace('\\', "\\\\"));
            for byte in chunk.invalid() {
                out.push_str(&format!("\\x{byte:02X}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        component.to_string_lossy().replace('\\', "\\\\")
    }
}
