//! The IPADIC dictionary for Lindera, compiled at build time from the vendored
//! `mecab-ipadic` 2.7.0-20070801 source and embedded in the binary.
//!
//! Loading is cheap (the tables are used in place), so callers may load once
//! and share the [`Dictionary`] (its tables are reference-counted).
//!
//! ```
//! let dictionary = sagasu_ipadic::load().expect("the embedded dictionary is valid");
//! assert_eq!(dictionary.metadata.name, "ipadic");
//! ```

pub use lindera_dictionary::dictionary::Dictionary;

mod embedded {
    lindera_dictionary::embedded_dictionary!("/lindera-ipadic", EmbeddedIpadicLoader);
}

/// Version of the vendored IPADIC source. The index records it, so an index
/// built with another dictionary is detected.
pub const VERSION: &str = "mecab-ipadic-2.7.0-20070801";

/// Why the embedded dictionary could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The embedded tables are unreadable: the build produced a dictionary in
    /// a format this version of Lindera does not read.
    #[error("the embedded IPADIC dictionary is unusable")]
    Load(#[from] lindera_dictionary::error::LinderaError),
}

/// Loads the embedded dictionary.
pub fn load() -> Result<Dictionary, Error> {
    Ok(embedded::load()?)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use lindera::mode::Mode;
    use lindera::segmenter::Segmenter;

    #[test]
    fn segments_japanese_with_ipadic_features() -> Result<(), Box<dyn std::error::Error>> {
        let dictionary = super::load()?;
        let segmenter = Segmenter::new(Mode::Normal, dictionary, None);
        let mut tokens = segmenter.segment(Cow::Borrowed("勉強会に行った"))?;
        let surfaces: Vec<String> = tokens.iter().map(|t| t.surface.to_string()).collect();
        assert_eq!(surfaces, ["勉強", "会", "に", "行っ", "た"]);
        let details = tokens[3].details();
        assert_eq!(details[0], "動詞");
        assert_eq!(details[6], "行く");
        Ok(())
    }
}
