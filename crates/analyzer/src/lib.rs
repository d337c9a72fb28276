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
//!   recall (see the `bigram` module);
//! - **readings** ([`Analysis::readings`], from
//!   [`Analyzer::analyze_with_readings`]): the katakana readings of words and
//!   runs of words, which hiragana queries ([`query_reading`]) search (see the
//!   `reading` module).
//!
//! At query time, [`Analyzer::content_words`] says which words a run of text
//! typed without spaces holds (`インフラ勉強会` is `インフラ` and `勉強会`;
//! see the `content` module).
//!
//! A [`UserDictionary`] adds a blogger's own words to IPADIC
//! ([`Analyzer::with_user_dictionary`]).
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
mod content;
mod morph;
mod normalize;
mod reading;
pub mod script;
mod spelling;
mod userdic;

pub use content::{ContentWord, STOP_WORDS, is_informative};
use lindera::mode::{Mode, Penalty};
use lindera::segmenter::Segmenter;
pub use normalize::{Normalized, normalize_key};
pub use reading::{MAX_RUN_WORDS, ROMAJI, query_reading};
use serde::Serialize;
pub use spelling::{KANA_SPELLINGS, has_other_spellings, kanji_spellings, other_spellings_in};
pub use tantivy_tokenizer_api::Token;
pub use userdic::UserDictionary;

/// Version of the analysis rules. An index records it, and an index built
/// with other rules is refused: its terms would not match the queries.
/// Bump it whenever the terms produced for some text change.
pub const VERSION: u32 = 4;

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
    /// An entry of a user dictionary CSV is invalid.
    #[error("line {line}: {message}")]
    UserDictionaryEntry { line: u64, message: String },
    /// A user dictionary CSV has no entries.
    #[error("the user dictionary has no entries")]
    EmptyUserDictionary,
    /// Lindera could not compile a user dictionary.
    #[error("cannot compile the user dictionary")]
    UserDictionaryBuild(#[source] lindera::error::LinderaError),
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
    /// Whether the word is a suffix that ends the word before it (IPADIC's
    /// `名詞,接尾`: `会` of `勉強会`, `化` of `冗長化`, `年` of `2009年`);
    /// the parts of a compound carry the compound's.
    pub suffix: bool,
}

/// One token of Lindera's segmentation, before terms are made of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The normalized surface.
    pub text: String,
    /// Whether it is a particle, auxiliary, symbol or filler: not a term,
    /// but it takes a position.
    pub stop: bool,
    /// Whether the dictionary does not know it: IPADIC's unknown-word
    /// handling made it (a name, or a katakana run read whole).
    pub unknown: bool,
}

/// The analysis of one text.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Morphological terms, in position order.
    pub terms: Vec<Term>,
    /// Character bigrams (and whole ASCII words), in position order.
    pub bigrams: Vec<Token>,
    /// Katakana readings of the words, compound parts and runs of adjacent
    /// words (a run at its first word's position); empty unless made by
    /// [`Analyzer::analyze_with_readings`].
    pub readings: Vec<Token>,
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
        'ー' | '々' | 'ゝ' | 'ゞ' | 'ヽ' | 'ヾ' | '〆' => true,
        _ if script::is_hiragana(c) || script::is_katakana(c) || script::is_kanji(c) => true,
        _ => c.is_alphanumeric(),
    }
}

/// The Japanese analyzer. Cheap to clone: the dictionaries are shared.
#[derive(Clone)]
pub struct Analyzer {
    normal: Segmenter,
    decompose: Segmenter,
    /// [`UserDictionary::id`] of the user dictionary, if there is one.
    user_dictionary: Option<String>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("dictionary", &DICTIONARY)
            .field("user_dictionary", &self.user_dictionary)
            .field("version", &VERSION)
            .finish()
    }
}

impl Analyzer {
    /// Loads the embedded IPADIC dictionary and builds the analyzer.
    pub fn new() -> Result<Self, Error> {
        Self::with_user_dictionary(None)
    }

    /// The analyzer with `user_dictionary`'s words added to IPADIC's (or
    /// none, as [`Analyzer::new`]).
    pub fn with_user_dictionary(user_dictionary: Option<&UserDictionary>) -> Result<Self, Error> {
        let dictionary = sagasu_ipadic::load()?;
        let user = user_dictionary.map(|user| user.dictionary.clone());
        Ok(Self {
            normal: Segmenter::new(Mode::Normal, dictionary.clone(), user),
            // IPADIC alone: it also splits user dictionary words into parts.
            decompose: Segmenter::new(Mode::Decompose(Penalty::default()), dictionary, None),
            user_dictionary: user_dictionary.map(|user| user.id().to_owned()),
        })
    }

    /// The [`UserDictionary::id`] of the analyzer's user dictionary.
    pub fn user_dictionary(&self) -> Option<&str> {
        self.user_dictionary.as_deref()
    }

    /// Analyses `text` into morphological terms and bigrams.
    pub fn analyze(&self, text: &str) -> Result<Analysis, Error> {
        self.run(text, false)
    }

    /// Analyses `text` into morphological terms, bigrams and readings (what
    /// the title and body of a post are indexed with).
    pub fn analyze_with_readings(&self, text: &str) -> Result<Analysis, Error> {
        self.run(text, true)
    }

    /// The content words of `text`, read as a query: the words a run typed
    /// without spaces is about, without its particles and question endings
    /// (`ラオス経済とは？` is `ラオス` and `経済`).
    pub fn content_words(&self, text: &str) -> Result<Vec<ContentWord>, Error> {
        Ok(content::content_words(text, &self.analyze(text)?.terms))
    }

    /// Lindera's tokens of `text`, normalized: what the terms are made of,
    /// with the stop tokens they leave out (the static bundle lists them so
    /// that the browser can cut queries as Lindera does).
    pub fn segments(&self, text: &str) -> Result<Vec<Segment>, Error> {
        morph::segments(&self.normal, &Normalized::new(text))
    }

    fn run(&self, text: &str, with_readings: bool) -> Result<Analysis, Error> {
        let normalized = Normalized::new(text);
        let mut analysis = Analysis::default();
        let mut readings =
            with_readings.then(|| reading::Readings::new(&normalized, &mut analysis.readings));
        morph::terms(
            &self.normal,
            &self.decompose,
            &normalized,
            &mut analysis.terms,
            readings.as_mut(),
        )?;
        drop(readings);
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

    fn readings(analyzer: &Analyzer, text: &str) -> Result<Vec<String>, Error> {
        Ok(analyzer
            .analyze_with_readings(text)?
            .readings
            .into_iter()
            .map(|t| t.text)
            .collect())
    }

    #[test]
    fn hiragana_queries_meet_the_readings_of_words_and_runs() -> Result<(), Error> {
        let analyzer = Analyzer::new()?;
        let cases = [
            ("勉強会に行った", "べんきょうかい"),
            ("株式会社ハートビーツ", "かいしゃ"),
            ("インフラエンジニア勉強会", "えんじにあべんきょうかい"),
            ("インフラエンジニア勉強会", "benkyoukai"),
        ];
        for (text, query) in cases {
            let indexed = readings(&analyzer, text)?;
            let reading = query_reading(query).unwrap_or_default();
            assert!(
                indexed.contains(&reading),
                "{query}: {reading} in {indexed:?}"
            );
        }
        // Readings that only spell the text in katakana are left out: the
        // terms have them.
        let indexed = readings(&analyzer, "新しいサーバーとりんご、インフラエンジニア")?;
        assert!(indexed.is_empty(), "{indexed:?}");
        // Not across a particle, and not part of a word.
        let indexed = readings(&analyzer, "勉強の会")?;
        assert!(
            !indexed.contains(&"ベンキョウカイ".to_owned()),
            "{indexed:?}"
        );
        let indexed = readings(&analyzer, "勉強会")?;
        assert!(!indexed.contains(&"キョウカイ".to_owned()), "{indexed:?}");
        // Plain analysis leaves readings out.
        assert!(analyzer.analyze("勉強会")?.readings.is_empty());
        Ok(())
    }

    #[test]
    fn a_user_dictionary_teaches_words_and_their_readings() -> Result<(), Error> {
        let text = "ｓａｇａｓｕ勉強会の案内";
        let plain = Analyzer::new()?;
        assert_eq!(plain.user_dictionary(), None);
        assert_ne!(query(&plain, text)?, ["sagasu勉強会", "案内"]);
        let user = UserDictionary::from_csv(
            "SAGASU勉強会,名詞,さがすべんきょうかい
",
        )?;
        let analyzer = Analyzer::with_user_dictionary(Some(&user))?;
        assert_eq!(analyzer.user_dictionary(), Some(user.id()));
        assert_eq!(query(&analyzer, text)?, ["sagasu勉強会", "案内"]);
        let terms = analyzer.analyze(text)?.terms;
        assert_eq!(terms[0].part_of_speech, "名詞");
        // The words IPADIC sees inside it are its parts, so they still find it.
        assert!(
            terms
                .iter()
                .any(|t| t.text == "勉強" && t.kind == TermKind::Part)
        );
        assert!(readings(&analyzer, text)?.contains(&"サガスベンキョウカイ".to_owned()));
        // Analyzers with different user dictionaries share threads (and the
        // feature cache) without mixing up their words.
        let other = UserDictionary::from_csv(
            "案内係,名詞,あんないがかり
",
        )?;
        let other = Analyzer::with_user_dictionary(Some(&other))?;
        assert_eq!(query(&other, "案内係")?, ["案内係"]);
        assert!(readings(&other, "案内係")?.contains(&"アンナイガカリ".to_owned()));
        assert!(readings(&analyzer, text)?.contains(&"サガスベンキョウカイ".to_owned()));
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
