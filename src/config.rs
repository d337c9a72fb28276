//! `sagasu.toml`: settings that belong with an index, read from the
//! directory that holds the index directory (`./sagasu.toml` for the default
//! `index/`), with flags overriding them.
//!
//! ```toml
//! synonyms = "synonyms.txt"         # query-time synonym groups
//! user_dictionary = "userdic.csv"   # words for the segmenter; takes a rebuild
//! ```
//!
//! Paths are relative to the file. Only the CLI reads files; the libraries
//! get the parsed values.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sagasu_analyzer::UserDictionary;
use sagasu_search::Synonyms;
use serde::Deserialize;

use crate::cli::{SynonymsArg, UserDictionaryArg};

/// Name of the settings file.
pub const FILE_NAME: &str = "sagasu.toml";

/// The keys of `sagasu.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    synonyms: Option<PathBuf>,
    user_dictionary: Option<PathBuf>,
}

/// The settings file next to `index`, if there is one, with its paths
/// resolved against its directory.
#[derive(Debug, Default)]
pub struct Config {
    synonyms: Option<PathBuf>,
    user_dictionary: Option<PathBuf>,
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
        Ok(Self {
            synonyms: file.synonyms.map(|p| dir.join(p)),
            user_dictionary: file.user_dictionary.map(|p| dir.join(p)),
        })
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
