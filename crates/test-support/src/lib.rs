//! What the integration tests of every crate share, so that each helper is
//! written once: the archives (the bundled sample, the real corpora),
//! copies of them, post ids, query encoding, the words load tests search
//! for, the `sagasu` binary with a hermetic environment ([`cli`]), and an
//! HTTP client ([`http`]).
//!
//! A dev-dependency only (`publish = false`). Helpers return `std::io`
//! errors, which convert with `?` into every test's own result type.

pub mod cli;
pub mod http;

use std::path::{Path, PathBuf};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

/// The workspace root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The bundled sample archive: 46 posts, plus a README.md that has no
/// front matter (1 skipped).
pub fn sample_archive() -> PathBuf {
    repo().join("tests/sample-archive")
}

/// Number of posts in the sample archive.
pub const SAMPLE_POSTS: u64 = 46;

/// A sample-archive post id: `_posts/` + `name`.
pub fn post_id(name: &str) -> String {
    format!("_posts/{name}")
}

/// The real archive named `name` (`hirofukami`, `efcl`) under
/// `SAGASU_CORPUS` (default `../shared/corpus` beside the workspace), or
/// `None`, said out loud, when it is absent.
pub fn corpus(name: &str) -> Option<PathBuf> {
    let root = std::env::var_os("SAGASU_CORPUS")
        .map_or_else(|| repo().join("../shared/corpus"), PathBuf::from);
    let archive = root.join(name);
    if archive.is_dir() {
        Some(archive)
    } else {
        eprintln!("skipping: no archive at {}", archive.display());
        None
    }
}

/// Copies a directory tree.
pub fn copy_dir(src: &Path, dst: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dst)?;
    for entry in std::fs::read_dir(src)? {
        let entry = entry?;
        let target = dst.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// What [`encode`] escapes: everything but RFC 3986's unreserved
/// characters (letters, digits, `-._~`); so `/` becomes `%2F`.
const ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `value` percent-encoded as a query value or a path segment.
pub fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, ESCAPED).to_string()
}

/// Words of the sample archive that load tests search for: common and
/// rare ones, kana and romaji spellings of a kanji word, an inflected verb,
/// a phrase, an exclusion and a bare `OR`.
pub const SEARCH_WORDS: [&str; 16] = [
    "インフラ",
    "勉強会",
    "サーバー",
    "監視",
    "KVM",
    "nginx",
    "Zabbix",
    "子育て",
    "読書",
    "べんきょうかい",
    "benkyoukai",
    "確定申告",
    "行った",
    "\"インフラ勉強会\"",
    "-監視",
    "OR",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_keeps_only_unreserved_characters() {
        assert_eq!(encode("_posts/a-b.md~"), "_posts%2Fa-b.md~");
        assert_eq!(encode("勉強会 x&y"), "%E5%8B%89%E5%BC%B7%E4%BC%9A%20x%26y");
    }
}
