//! Opening and creating index directories, and the compatibility check.
//!
//! Every commit carries a payload recording the schema version, the analyzer
//! version, the dictionary and the user dictionary that built the index.
//! Opening an index whose payload differs from the expected one (this
//! build's, with the caller's user dictionary) fails with
//! [`Error::Incompatible`] or [`Error::UserDictionaryMismatch`], whose
//! messages say how to rebuild: its terms would not match the terms queries
//! produce, so searching it would silently miss posts.

use std::path::{Path, PathBuf};

use sagasu_analyzer::Analyzer;
use serde::{Deserialize, Serialize};
use tantivy::Index;
use tantivy::directory::MmapDirectory;

use crate::schema::{self, Fields, SCHEMA_VERSION, TOKENIZER};
use crate::tokens::Decoder;
use crate::{Error, Result};

/// What an index records about the build that wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// [`SCHEMA_VERSION`] of the writer.
    pub schema: u32,
    /// [`sagasu_analyzer::VERSION`] of the writer.
    pub analyzer: u32,
    /// [`sagasu_analyzer::DICTIONARY`] of the writer.
    pub dictionary: String,
    /// [`sagasu_analyzer::UserDictionary::id`] of the writer's user
    /// dictionary, if it had one.
    #[serde(default)]
    pub user_dictionary: Option<String>,
}

impl Provenance {
    /// The provenance of an index written by this build with `analyzer`.
    pub fn of(analyzer: &Analyzer) -> Self {
        Self {
            schema: SCHEMA_VERSION,
            analyzer: sagasu_analyzer::VERSION,
            dictionary: sagasu_analyzer::DICTIONARY.to_owned(),
            user_dictionary: analyzer.user_dictionary().map(str::to_owned),
        }
    }

    /// As stored in a commit payload.
    pub(crate) fn to_payload(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl std::fmt::Display for Provenance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "schema v{}, analyzer v{}, dictionary {}",
            self.schema, self.analyzer, self.dictionary
        )?;
        match &self.user_dictionary {
            Some(id) => write!(f, ", user dictionary {id}"),
            None => f.write_str(", no user dictionary"),
        }
    }
}

/// Fails with [`Error::ReadOnly`] when the index directory exists and this
/// user cannot create files in it: Tantivy would otherwise report it as a
/// held writer lock.
pub(crate) fn check_writable(path: &Path) -> Result<()> {
    if !path.is_dir() {
        return Ok(());
    }
    let probe = path.join(".sagasu-write-check");
    match std::fs::File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
            ) =>
        {
            Err(Error::ReadOnly {
                path: path.to_path_buf(),
                io,
            })
        }
        Err(source) => Err(Error::IndexDir {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Gives the index files the permissions the process's umask allows (as
/// any file it creates would have): Tantivy writes some of them through
/// temporary files readable by their owner only, which a `sagasu serve`
/// running as another user could not read.
pub(crate) fn share_files(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = 0o666 & !umask();
        let io_error = |source| Error::IndexDir {
            path: path.to_path_buf(),
            source,
        };
        for entry in std::fs::read_dir(path).map_err(io_error)? {
            let entry = entry.map_err(io_error)?;
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let metadata = entry.metadata().map_err(io_error)?;
            if metadata.is_file() && metadata.permissions().mode() & 0o777 != mode {
                std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode))
                    .map_err(io_error)?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// The process's umask, from `/proc/self/status` (Linux); 022 elsewhere.
#[cfg(unix)]
fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Umask:"))
                .and_then(|value| u32::from_str_radix(value.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

/// An opened sagasu index.
#[derive(Debug, Clone)]
pub struct SagasuIndex {
    /// The Tantivy index.
    pub index: Index,
    /// Its fields.
    pub fields: Fields,
    /// Where it lives.
    pub path: PathBuf,
}

impl SagasuIndex {
    /// Opens an existing index for reading; it must have been written with
    /// the `expected` provenance ([`Provenance::of`] the reader's analyzer).
    pub fn open(path: &Path, expected: &Provenance) -> Result<Self> {
        if !path.join("meta.json").is_file() {
            return Err(Error::NoIndex {
                path: path.to_path_buf(),
            });
        }
        let index = Index::open_in_dir(path).map_err(|source| Error::Tantivy {
            path: path.to_path_buf(),
            source,
        })?;
        Self::checked(index, path, expected)
    }

    /// Opens the index at `path`, creating it (and the directory) when there
    /// is none yet. A non-empty directory that is not an index is refused, so
    /// a mistyped `--index` cannot litter someone's files, and so is an index
    /// written with another provenance than `expected`.
    pub fn open_or_create(path: &Path, expected: &Provenance) -> Result<Self> {
        let io_error = |source| Error::IndexDir {
            path: path.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(path).map_err(io_error)?;
        if path.join("meta.json").is_file() {
            return Self::open(path, expected);
        }
        Self::check_creatable(path)?;
        let directory = MmapDirectory::open(path).map_err(|err| Error::IndexDir {
            path: path.to_path_buf(),
            source: std::io::Error::other(err),
        })?;
        let (schema, fields) = schema::build();
        let index = Index::create(directory, schema, Default::default()).map_err(|source| {
            Error::Tantivy {
                path: path.to_path_buf(),
                source,
            }
        })?;
        register_tokenizer(&index);
        Ok(Self {
            index,
            fields,
            path: path.to_path_buf(),
        })
    }

    /// Fails with [`Error::NotAnIndex`] when `path` is a directory that
    /// holds files but no index: an index is never created among someone's
    /// files.
    pub fn check_creatable(path: &Path) -> Result<()> {
        if path.join("meta.json").is_file() {
            return Ok(());
        }
        let Ok(entries) = std::fs::read_dir(path) else {
            // Missing: it will be created. Unreadable: creating it says why.
            return Ok(());
        };
        let has_foreign_files = entries
            .filter_map(std::result::Result::ok)
            .any(|entry| !entry.file_name().to_string_lossy().starts_with('.'));
        if has_foreign_files {
            return Err(Error::NotAnIndex {
                path: path.to_path_buf(),
            });
        }
        Ok(())
    }

    /// The provenance recorded by the last commit (`None` before the first).
    pub fn provenance(&self) -> Result<Option<Provenance>> {
        let metas = self.index.load_metas().map_err(|source| Error::Tantivy {
            path: self.path.clone(),
            source,
        })?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|payload| serde_json::from_str(payload).ok()))
    }

    fn checked(index: Index, path: &Path, expected: &Provenance) -> Result<Self> {
        let incompatible = |found: String| Error::Incompatible {
            path: path.to_path_buf(),
            found,
            expected: expected.to_string(),
        };
        let metas = index.load_metas().map_err(|source| Error::Tantivy {
            path: path.to_path_buf(),
            source,
        })?;
        // The recorded provenance names what built the index best, so it is
        // checked before the schema itself.
        match metas.payload.as_deref() {
            // Created but never committed: nothing to be incompatible with.
            None if metas.segments.is_empty() => {}
            None => return Err(incompatible("no sagasu provenance".to_owned())),
            Some(payload) => match serde_json::from_str::<Provenance>(payload) {
                Ok(found) if found == *expected => {}
                Ok(found)
                    if Provenance {
                        user_dictionary: expected.user_dictionary.clone(),
                        ..found.clone()
                    } == *expected =>
                {
                    let name = |id: Option<String>| {
                        id.map_or_else(
                            || "no user dictionary".to_owned(),
                            |id| format!("user dictionary {id}"),
                        )
                    };
                    return Err(Error::UserDictionaryMismatch {
                        path: path.to_path_buf(),
                        found: name(found.user_dictionary),
                        expected: name(expected.user_dictionary.clone()),
                    });
                }
                Ok(found) => return Err(incompatible(found.to_string())),
                Err(_) => return Err(incompatible(format!("unknown provenance {payload:?}"))),
            },
        }
        let fields = Fields::of(&index.schema())
            .map_err(|_| incompatible("a different schema".to_owned()))?;
        register_tokenizer(&index);
        Ok(Self {
            index,
            fields,
            path: path.to_path_buf(),
        })
    }
}

/// Makes the tokenizer the analysed fields name known to `index`.
fn register_tokenizer(index: &Index) {
    index.tokenizers().register(TOKENIZER, Decoder);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_directory_that_is_not_an_index()
    -> std::result::Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join("notes.txt"), "mine")?;
        let err = SagasuIndex::open_or_create(dir.path(), &current()?).err();
        assert!(matches!(err, Some(Error::NotAnIndex { .. })), "{err:?}");
        Ok(())
    }

    #[test]
    fn reports_a_missing_index() -> std::result::Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let err = SagasuIndex::open(&dir.path().join("nothing"), &current()?).err();
        assert!(matches!(err, Some(Error::NoIndex { .. })), "{err:?}");
        Ok(())
    }

    /// This build's provenance without a user dictionary.
    fn current() -> std::result::Result<Provenance, sagasu_analyzer::Error> {
        Ok(Provenance::of(&Analyzer::new()?))
    }

    /// An empty index whose commit records `provenance`.
    fn committed_by(
        path: &Path,
        provenance: &Provenance,
    ) -> std::result::Result<(), Box<dyn std::error::Error>> {
        let created = SagasuIndex::open_or_create(path, provenance)?;
        let mut writer = created
            .index
            .writer::<tantivy::TantivyDocument>(15_000_000)?;
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&provenance.to_payload());
        commit.commit()?;
        Ok(())
    }

    #[test]
    fn refuses_an_index_from_other_analysis_rules()
    -> std::result::Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let mut old = current()?;
        old.analyzer += 100;
        committed_by(dir.path(), &old)?;
        let err = SagasuIndex::open(dir.path(), &current()?).err();
        let message = err.as_ref().map(ToString::to_string).unwrap_or_default();
        assert!(matches!(err, Some(Error::Incompatible { .. })), "{err:?}");
        assert!(message.contains("sagasu index"), "{message}");
        Ok(())
    }

    #[test]
    fn refuses_an_index_built_with_another_user_dictionary()
    -> std::result::Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let user = sagasu_analyzer::UserDictionary::from_csv("sagasu,名詞,サガス\n")?;
        let with_user = Provenance::of(&Analyzer::with_user_dictionary(Some(&user))?);
        committed_by(dir.path(), &with_user)?;
        assert!(SagasuIndex::open(dir.path(), &with_user).is_ok());
        let err = SagasuIndex::open(dir.path(), &current()?).err();
        let message = err.as_ref().map(ToString::to_string).unwrap_or_default();
        assert!(
            matches!(err, Some(Error::UserDictionaryMismatch { .. })),
            "{err:?}"
        );
        assert!(message.contains(user.id()), "{message}");
        assert!(message.contains("sagasu index"), "{message}");
        Ok(())
    }
}
