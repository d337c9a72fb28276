//! Japanese text analysis for sagasu.
//!
//! One [`Analyzer`] turns text into terms for indexing and for querying, so a
//! post and a query about it always agree on what the words are. Analysis
//! produces two token streams from one normalization pass:
//!
//! - **terms** ([`Analysis::terms`]): Lindera morphological analysis with the
//!   embedded IPADIC, with base forms, compound parts and katakana stemming
//!   (see the `morph` module);
//! - **bigrams** ([`Analysis::bigrams`]): character bigrams for substring
//!   recall (see the `bigram` module).
//!
//! Bigrams use Tantivy's [`Token`] type; the indexer hands both streams to
//! Tantivy as they are, without analysing again.
//! Analysis is fallible: an error reaches the caller (the indexer reports the
//! post, the query side reports the query) instead of silently indexing
//! nothing, which is what a Tantivy `Tokenizer` would be forced to do.
//!
//! ```
//! use sagasu_analyzer::Analyzer;
//!
//! let analyzer = Analyzer::new()?;
//! let analysis = analyzer.analyze("勉強会に行った")?;
//! let terms: Vec<&str> = analysis.terms.iter().map(|t| t.text.as_str()).collect();
//! assert_eq!(terms, ["勉強", "会", "行っ", "行く"]);
//! # Ok::<(), sagasu_analyzer::Error>(())
//! ```

mod bigram;
mod morph;
mod normalize;

use lindera::mode::{Mode, Penalty};
use lindera::segmenter::Segmenter;
pub use normalize::{Normalized, normalize_key};
use serde::Serialize;
pub use tantivy_tokenizer_api::Token;

/// Version of the analysis rules. An index records it, and an index built
/// with other rules is refused: its terms would not match the queries.
/// Bump it whenever the terms produced for some text change.
pub const VERSION: u32 = 2;

/// Version of the dictionary behind the analysis.
pub const DICTIONARY: &str = sagasu_ipadic::VERSION;

/// Why text could not be analysed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The embedded dictionary could not be loaded.
    #[error(transparent)]
    Dictionary(#[from] sagasu_ipadic::Error),
    /// Lindera failed to segment the text.
    #[error("morphological analysis failed")]
    Segmentation(#[from] lindera::error::LinderaError),
}

/// What kind of term a [`Term`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TermKind {
    /// The word as written (normalized).
    Surface,
    /// The dictionary form of a conjugated word, at the word's position.
    BaseForm,
    /// A part of a compound, from the compound's position onwards.
    Part,
}

impl TermKind {
    /// The kind's name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Surface => "surface",
            Self::BaseForm => "base_form",
            Self::Part => "part",
        }
    }
}

/// A morphological term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Term {
    /// The normalized term text.
    pub text: String,
    /// Token position (particles and symbols keep theirs, so gaps occur).
    pub position: usize,
    /// Byte offset in the original text where the term starts.
    pub offset_from: usize,
    /// Byte offset in the original text where the term ends.
    pub offset_to: usize,
    /// What kind of term this is.
    pub kind: TermKind,
    /// IPADIC's top-level part of speech (`名詞`, `動詞`, …, or `未知語`).
    pub part_of_speech: &'static str,
}

/// The analysis of one text.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Morphological terms, in position order.
    pub terms: Vec<Term>,
    /// Character bigrams (and whole ASCII words), in position order.
    pub bigrams: Vec<Token>,
}

impl Analysis {
    /// The terms a query searches for: one per word position, the base form
    /// where there is one (so `行った` searches `行く`), else the surface,
    /// in position order. Parts are left out: the compound itself is searched.
    pub fn query_terms(&self) -> Vec<(usize, &str)> {
        let mut out: Vec<(usize, &str)> = Vec::new();
        for term in &self.terms {
            match term.kind {
                TermKind::Surface => out.push((term.position, &term.text)),
                TermKind::BaseForm => {
                    if let Some(last) = out.last_mut() {
                        *last = (term.position, &term.text);
                    }
                }
                TermKind::Part => {}
            }
        }
        out
    }
}

/// Whether `c` belongs in a word: letters and digits of any script, plus the
/// prolonged sound mark and iteration marks (`サーバー`, `人々`, `ゝ`), which
/// Unicode does not count as letters. Kana and kanji are answered without
/// Unicode's (slow) tables.
pub(crate) fn is_word_char(c: char) -> bool {
    match c {
        '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{4E00}'..='\u{9FFF}' => true,
        'ー' | '々' | 'ゝ' | 'ゞ' | 'ヽ' | 'ヾ' | '〆' => true,
        _ => c.is_alphanumeric(),
    }
}

/// The Japanese analyzer. Cheap to clone: the dictionary is shared.
#[derive(Clone)]
pub struct Analyzer {
    normal: Segmenter,
    decompose: Segmenter,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("dictionary", &DICTIONARY)
            .field("version", &VERSION)
            .finish()
    }
}

impl Analyzer {
    /// Loads the embedded IPADIC dictionary and builds the analyzer.
    pub fn new() -> Result<Self, Error> {
        let dictionary = sagasu_ipadic::load()?;
        Ok(Self {
            normal: Segmenter::new(Mode::Normal, dictionary.clone(), None),
            decompose: Segmenter::new(Mode::Decompose(Penalty::default()), dictionary, None),
        })
    }

    /// Analyses `text` into morphological terms and bigrams.
    pub fn analyze(&self, text: &str) -> Result<Analysis, Error> {
        let normalized = Normalized::new(text);
        let mut analysis = Analysis::default();
        morph::terms(
            &self.normal,
            &self.decompose,
            &normalized,
            &mut analysis.terms,
        )?;
        bigram::bigrams(&normalized, &mut analysis.bigrams);
        Ok(analysis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(analyzer: &Analyzer, text: &str) -> Result<Vec<String>, Error> {
        let analysis = analyzer.analyze(text)?;
        Ok(analysis
            .query_terms()
            .into_iter()
            .map(|(_, t)| t.to_owned())
            .collect())
    }

    fn indexed(analyzer: &Analyzer, text: &str) -> Result<Vec<String>, Error> {
        Ok(analyzer
            .analyze(text)?
            .terms
            .into_iter()
            .map(|t| t.text)
            .collect())
    }

    #[test]
    fn conjugations_meet_at_the_base_form() -> Result<(), Error> {
        let analyzer = Analyzer::new()?;
        assert_eq!(query(&analyzer, "行った")?, ["行く"]);
        assert!(indexed(&analyzer, "明日も行きます")?.contains(&"行く".to_owned()));
        Ok(())
    }

    #[test]
    fn compounds_are_also_indexed_as_parts() -> Result<(), Error> {
        let analyzer = Analyzer::new()?;
        let terms = indexed(&analyzer, "株式会社ハートビート")?;
        for expected in ["株式会社", "株式", "会社"] {
            assert!(
                terms.contains(&expected.to_owned()),
                "{expected} in {terms:?}"
            );
        }
        assert_eq!(query(&analyzer, "株式会社")?, ["株式会社"]);
        Ok(())
    }

    #[test]
    fn width_case_and_long_vowel_variants_agree() -> Result<(), Error> {
        let analyzer = Analyzer::new()?;
        assert_eq!(query(&analyzer, "ＡＷＳ")?, query(&analyzer, "aws")?);
        assert_eq!(query(&analyzer, "ｲﾝﾌﾗ")?, ["インフラ"]);
        assert_eq!(query(&analyzer, "サーバー")?, query(&analyzer, "サーバ")?);
        Ok(())
    }

    #[test]
    fn particles_and_symbols_leave_gaps() -> Result<(), Error> {
        let analyzer = Analyzer::new()?;
        let analysis = analyzer.analyze("hbstudy#1に行った")?;
        let positions: Vec<(usize, &str)> = analysis.query_terms();
        assert_eq!(positions, [(0, "hbstudy"), (2, "1"), (4, "行く")]);
        Ok(())
    }

    #[test]
    fn latin_and_digits_stay_one_word() -> Result<(), Error> {
        let analyzer = Analyzer::new()?;
        assert_eq!(query(&analyzer, "BGP4")?, ["bgp4"]);
        assert!(indexed(&analyzer, "EC2とBGP4")?.contains(&"ec2".to_owned()));
        assert!(indexed(&analyzer, "BGP4")?.contains(&"bgp".to_owned()));
        Ok(())
    }

    #[test]
    fn offsets_are_in_the_original_text() -> Result<(), Error> {
        let analyzer = Analyzer::new()?;
        let original = "ＡＷＳとｲﾝﾌﾗ";
        let analysis = analyzer.analyze(original)?;
        let spans: Vec<&str> = analysis
            .terms
            .iter()
            .map(|t| &original[t.offset_from..t.offset_to])
            .collect();
        assert_eq!(spans, ["ＡＷＳ", "ｲﾝﾌﾗ"]);
        Ok(())
    }
}
