//! `sagasu.toml`: settings that belong with an index, read from the
//! directory that holds the index directory (`./sagasu.toml` for the default
//! `index/`), with flags overriding them.
//!
//! ```toml
//! synonyms = "synonyms.txt"         # query-time synonym groups
//! user_dictionary = "userdic.csv"   # words for the segmenter; takes a rebuild
//! timezone = "Asia/Tokyo"           # zone of dates written without one
//! base_url = "https://example.com"  # prefix of URLs the sources do not give
//! include = ["_posts/**"]           # read only these ids
//! exclude = ["_posts/private/**"]   # never these
//! rendered_site = false             # HTML pages are posts (a `_site` folder)
//! ```
//!
//! Paths are relative to the file. Only the CLI reads files; the libraries
//! get the parsed values.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sagasu_analyzer::UserDictionary;
use sagasu_search::Synonyms;
use serde::Deserialize;

use sagasu_indexer::ArchiveSettings;

use crate::cli::{ArchiveArgs, SynonymsArg, UserDictionaryArg};

/// Name of the settings file.
pub const FILE_NAME: &str = "sagasu.toml";

/// The keys of `sagasu.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    synonyms: Option<PathBuf>,
    user_dictionary: Option<PathBuf>,
    timezone: Option<String>,
    base_url: Option<String>,
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    rendered_site: bool,
}

/// The settings file next to `index`, if there is one, with its paths
/// resolved against its directory.
#[derive(Debug, Default)]
pub struct Config {
    synonyms: Option<PathBuf>,
    user_dictionary: Option<PathBuf>,
    archive: ArchiveSettings,
}

impl Config {
    /// Reads `sagasu.toml` from the directory that holds `index`.
    pub fn next_to(index: &Path) -> Result<Self> {
        let Some(dir) = index.parent() else {
            return Ok(Self::default());
        };
        let path = dir.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self::default());
            }
            Err(err) => return Err(err).with_context(|| format!("reading {}", path.display())),
        };
        let file: File = toml::from_str(&text).with_context(|| format!("in {}", path.display()))?;
        let timezone = file
            .timezone
            .map(|zone| {
                zone.parse().map_err(|_| {
                    anyhow::anyhow!(
                        "in {}: `timezone = \"{zone}\"` is not an IANA time zone (such as Asia/Tokyo)",
                        path.display()
                    )
                })
            })
            .transpose()?;
        Ok(Self {
            synonyms: file.synonyms.map(|p| dir.join(p)),
            user_dictionary: file.user_dictionary.map(|p| dir.join(p)),
            archive: ArchiveSettings {
                timezone,
                base_url: file.base_url,
                include: file.include,
                exclude: file.exclude,
                rendered_site: file.rendered_site,
            },
        })
    }

    /// How to read the archive: the flags over the file's settings.
    /// `--include` replaces the file's `include`; `--exclude` adds to its
    /// `exclude`.
    pub fn archive(&self, flags: &ArchiveArgs) -> ArchiveSettings {
        let file = &self.archive;
        ArchiveSettings {
            timezone: flags.timezone.or(file.timezone),
            base_url: flags.base_url.clone().or_else(|| file.base_url.clone()),
            include: if flags.include.is_empty() {
                file.include.clone()
            } else {
                flags.include.clone()
            },
            exclude: file.exclude.iter().chain(&flags.exclude).cloned().collect(),
            rendered_site: flags.site || file.rendered_site,
        }
    }

    /// How to read the archive, from the file alone (`serve --posts`).
    pub fn archive_settings(&self) -> ArchiveSettings {
        self.archive.clone()
    }

    /// The synonyms of `--synonyms`, else of the file's `synonyms`.
    pub fn synonyms(&self, flag: &SynonymsArg) -> Result<Synonyms> {
        let Some(path) = flag.synonyms.as_ref().or(self.synonyms.as_ref()) else {
            return Ok(Synonyms::default());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the synonyms file {}", path.display()))?;
        Synonyms::parse(&text).with_context(|| format!("in the synonyms file {}", path.display()))
    }

    /// The user dictionary of `--user-dictionary`, else of the file's
    /// `user_dictionary`.
    pub fn user_dictionary(&self, flag: &UserDictionaryArg) -> Result<Option<UserDictionary>> {
        let Some(path) = flag
            .user_dictionary
            .as_ref()
            .or(self.user_dictionary.as_ref())
        else {
            return Ok(None);
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the user dictionary {}", path.display()))?;
        let dictionary = UserDictionary::from_csv(&text)
            .with_context(|| format!("in the user dictionary {}", path.display()))?;
        Ok(Some(dictionary))
    }
}
