//! The words of a query and their rules: the second stage of a search,
//! between what was typed ([`crate::query`]) and the Tantivy query
//! ([`crate::plan`]).
//!
//! - A word or phrase as typed is a [`Unit`]: its morphological terms, its
//!   bigrams, and, for one godan verb, its [`potential_form`].
//! - Informative words ([`is_informative`], the analyzer's rule with its
//!   stop words) are what a question searches for: [`content_words`] cuts a
//!   word typed as one run into them (`match=any`, and the split tier),
//!   and only they are highlighted then.
//! - Descriptive words ([`is_descriptive`]) describe a post for related
//!   posts.

use sagasu_analyzer::Analyzer;
pub(crate) use sagasu_analyzer::is_informative;
use sagasu_analyzer::script::is_kanji;

use crate::Result;

/// Something the query looks for: a word, a quoted phrase, or a chunk of a
/// question.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    /// The text it was read from, for tag and category names.
    pub(crate) text: String,
    /// Morphological query terms at their positions.
    pub(crate) terms: Vec<(usize, String)>,
    /// Bigrams at their positions.
    pub(crate) bigrams: Vec<(usize, String)>,
    /// For a unit that is one godan verb, its potential form, searched as
    /// well (see [`potential_form`]).
    pub(crate) potential: Option<String>,
}

impl Unit {
    /// The unit for a word or phrase as typed.
    pub(crate) fn of(analyzer: &Analyzer, text: &str) -> Result<Self> {
        let analysis = analyzer.analyze(text)?;
        let terms = owned(analysis.query_terms());
        let potential = match (terms.as_slice(), analysis.terms.first()) {
            ([(_, verb)], Some(first)) if first.part_of_speech == "動詞" => potential_form(verb),
            _ => None,
        };
        Ok(Self {
            text: text.to_owned(),
            terms,
            bigrams: analysis
                .bigrams
                .iter()
                .map(|token| (token.position, token.text.clone()))
                .collect(),
            potential,
        })
    }
}

/// The content words of `text` (see
/// [`sagasu_analyzer::Analyzer::content_words`]), each a unit. Empty
/// when no word of `text` is informative.
pub(crate) fn content_words(analyzer: &Analyzer, text: &str) -> Result<Vec<Unit>> {
    let mut units = Vec::new();
    for word in analyzer.content_words(text)? {
        let bigrams = analyzer.analyze(&word.text)?.bigrams;
        units.push(Unit {
            potential: None,
            text: word.text,
            terms: word.terms,
            bigrams: bigrams
                .into_iter()
                .map(|token| (token.position, token.text))
                .collect(),
        });
    }
    Ok(units)
}

/// The potential form of a godan verb written with a kanji stem (`行く` →
/// `行ける`, `読む` → `読める`, `帰る` → `帰れる`). IPADIC reads potential
/// forms as verbs of their own, so without it `行く` would not find
/// `行けなかった`. (For an ichidan verb in `る` this is the colloquial
/// potential, `見る` → `見れる`.)
pub(crate) fn potential_form(verb: &str) -> Option<String> {
    let mut chars = verb.chars();
    let last = chars.next_back()?;
    let before = chars.next_back()?;
    if !is_kanji(before) {
        return None;
    }
    let e_row = match last {
        'う' => 'え',
        'く' => 'け',
        'ぐ' => 'げ',
        'す' => 'せ',
        'つ' => 'て',
        'ぬ' => 'ね',
        'ぶ' => 'べ',
        'む' => 'め',
        'る' => 'れ',
        _ => return None,
    };
    let stem = &verb[..verb.len() - last.len_utf8()];
    Some(format!("{stem}{e_row}る"))
}

fn owned(terms: Vec<(usize, &str)>) -> Vec<(usize, String)> {
    terms
        .into_iter()
        .map(|(position, text)| (position, text.to_owned()))
        .collect()
}

/// Words that say what a post is about: the informative words a question
/// searches for ([`is_informative`]), of them the nouns and unknown words
/// (names), and not numbers or single kana or Latin letters.
pub(crate) fn is_descriptive(term: &sagasu_analyzer::Term) -> bool {
    is_informative(term.part_of_speech, &term.text)
        && matches!(term.part_of_speech, "名詞" | "未知語")
        && !term.text.chars().all(|c| c.is_ascii_digit())
        && (term.text.chars().count() > 1 || term.text.chars().all(is_kanji))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn potential_forms_of_godan_verbs() {
        for (verb, potential) in [
            ("行く", Some("行ける")),
            ("読む", Some("読める")),
            ("帰る", Some("帰れる")),
            ("話す", Some("話せる")),
            ("待つ", Some("待てる")),
            ("いく", None),
            ("する", None),
            ("勉強", None),
        ] {
            assert_eq!(potential_form(verb).as_deref(), potential, "{verb}");
        }
    }

    #[test]
    fn words_are_cut_into_their_content_words() -> Result<()> {
        let analyzer = Analyzer::new()?;
        let chunks = |text: &str| -> Result<Vec<String>> {
            Ok(content_words(&analyzer, text)?
                .into_iter()
                .map(|unit| unit.text)
                .collect())
        };
        assert_eq!(
            chunks("インフラ勉強会に参加するにはどうすればいいですか")?,
            ["インフラ", "勉強会", "参加"]
        );
        assert_eq!(
            chunks("どうやってMySQLを冗長化する方法")?,
            ["MySQL", "冗長化"]
        );
        assert_eq!(chunks("なぜ")?, Vec::<String>::new());
        assert_eq!(chunks("counter.example.jp")?, ["counter.example.jp"]);
        Ok(())
    }

    #[test]
    fn questions_whose_characters_expand_in_normalization_are_planned() -> Result<()> {
        let analyzer = Analyzer::new()?;
        // NFKC turns `¾` into `3⁄4` and `ª` into `a`: words share the
        // original character, so their offsets overlap. The second text is
        // what the schema check sent.
        for text in [
            "¾v3 ªL",
            "\u{16}\u{f2561}»Ï:·[/\u{e4a55}>\t\u{278d3}ªLÍ\u{2}\u{16422}1î3\u{14}\u{1f}¦\u{96}\u{ad}¾v3\u{3d588}\u{a2477}ã\u{ea4af}\u{5bda1}Ó¼>Ï<\u{5}\u{82b00}",
        ] {
            let chunks = content_words(&analyzer, text)?;
            assert!(!chunks.is_empty(), "{text:?}");
            for chunk in chunks {
                assert!(!chunk.text.is_empty(), "{text:?}: {chunk:?}");
            }
        }
        Ok(())
    }
}
