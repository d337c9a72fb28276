//! Content words: the words a query is about.
//!
//! Japanese is typed without spaces (`インフラ勉強会`, `AWS本`,
//! `ラオス経済とは？`), so one run of text may hold several words a reader
//! would search for, joined or separated by particles and question endings.
//! [`Analyzer::content_words`](crate::Analyzer::content_words) finds them:
//!
//! - only informative words count ([`is_informative`]): nouns, verbs,
//!   adjectives and unknown words (names), without question words, formal
//!   nouns, light verbs and single kana. Particles, auxiliaries and symbols
//!   are not terms at all, so `とは`, `は？` and `ですか` drop out, and so do
//!   `何`, `方法` and prefixes (`新` of `新製品`);
//! - a suffix (IPADIC's `名詞,接尾`) ends the word before it: `勉強会` is one
//!   content word, not `勉強` and `会`, and so are `共和国`, `技術者`,
//!   `冗長化` and `2009年`. A suffix that is not informative (`さん`, `的`)
//!   is dropped, and so is one after a word that is not (`何人`). A noun of
//!   one kanji after a word that ends in kanji ends it too (`法人税`,
//!   `東京駅`): alone, it would be a piece that finds any post with the
//!   kanji; after other scripts it is a word (`AWS本`);
//! - words joined by symbols alone stay one (`Y!砲`, `infra#1`,
//!   `counter.example.jp`), as do words made from one original character
//!   (`¾` is `3⁄4`);
//! - any other two words next to each other are two content words:
//!   `インフラ勉強会` holds `インフラ` and `勉強会`, `AWS本` holds `AWS`
//!   and `本`.

use crate::script::{is_kana_block, is_kanji_word_char};
use crate::{Term, TermKind};

/// Words that say nothing about what a text is about, even though they are
/// nouns, verbs or adjectives: question words and pronouns, formal nouns,
/// light and auxiliary verbs, and the adjectives of questions.
#[rustfmt::skip]
pub const STOP_WORDS: &[&str] = &[
    // question words and pronouns
    "何", "なに", "なん", "どこ", "どれ", "どちら", "どっち", "だれ", "誰", "いつ", "なぜ",
    "何故", "いくら", "いくつ", "これ", "それ", "あれ", "ここ", "そこ", "あそこ", "こちら",
    "そちら", "あちら",
    // formal and generic nouns
    "こと", "事", "もの", "物", "ため", "為", "よう", "様", "ところ", "所", "とき", "時",
    "ほう", "方", "方法", "やり方", "仕方", "場合", "感じ", "的", "さん", "等", "今回", "みたい",
    // light and auxiliary verbs
    "する", "できる", "出来る", "ある", "いる", "なる", "やる", "おる", "れる", "られる", "せる",
    "させる", "みる", "しまう", "おく", "くる", "いく", "くれる", "もらう", "あげる", "いただく",
    "くださる", "ください", "下さい", "いう", "言う", "思う", "教える", "知る", "分かる", "わかる",
    // adjectives of questions
    "いい", "よい", "良い", "ない", "無い", "ほしい", "欲しい", "たい",
];

/// Whether a word (a term of IPADIC part of speech `part_of_speech` and
/// query form `text`, its base form when it has one) says what a text is
/// about: nouns, verbs, adjectives and unknown words (names), except the
/// stop words (question words, formal nouns, light verbs) and single kana.
/// Adverbs (`どう`, `なぜ`), adnominals (`どの`), conjunctions,
/// interjections and prefixes never do; particles, auxiliary verbs and
/// symbols are not terms at all.
pub fn is_informative(part_of_speech: &str, text: &str) -> bool {
    let single_kana = {
        let mut chars = text.chars();
        matches!(
            (chars.next(), chars.next()),
            (Some(c), None) if is_kana_block(c)
        )
    };
    matches!(part_of_speech, "名詞" | "動詞" | "形容詞" | "未知語")
        && !single_kana
        && !STOP_WORDS.contains(&text)
}

/// One content word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentWord {
    /// The word as written in the text.
    pub text: String,
    /// Byte offset in the text where the word starts.
    pub offset_from: usize,
    /// Byte offset in the text where the word ends.
    pub offset_to: usize,
    /// What a query searches for it: one term per word position, the base
    /// form where there is one (as [`crate::Analysis::query_terms`]).
    pub terms: Vec<(usize, String)>,
    /// IPADIC's top-level part of speech of its first word.
    pub part_of_speech: &'static str,
}

/// One word of an analysis: its surface term, with its base form and
/// compound parts folded in.
struct Word<'a> {
    position: usize,
    /// Positions it takes (a compound's parts take one each).
    width: usize,
    /// What a query searches: the base form, else the surface.
    query: &'a str,
    part_of_speech: &'static str,
    suffix: bool,
    from: usize,
    to: usize,
}

impl Word<'_> {
    fn is_informative(&self) -> bool {
        is_informative(self.part_of_speech, self.query)
    }
}

fn words(terms: &[Term]) -> Vec<Word<'_>> {
    let mut words: Vec<Word<'_>> = Vec::new();
    for term in terms {
        match (term.kind, words.last_mut()) {
            (TermKind::BaseForm, Some(word)) => word.query = &term.text,
            (TermKind::Part, Some(word)) => {
                word.width = word.width.max(term.position + 1 - word.position);
            }
            _ => words.push(Word {
                position: term.position,
                width: 1,
                query: &term.text,
                part_of_speech: term.part_of_speech,
                suffix: term.suffix,
                from: term.offset_from,
                to: term.offset_to,
            }),
        }
    }
    words
}

fn is_one_kanji(text: Option<&str>) -> bool {
    let mut chars = text.unwrap_or_default().chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if is_kanji_word_char(c))
}

/// The content words of `text`, whose terms are `terms` (see the module
/// documentation).
pub(crate) fn content_words(text: &str, terms: &[Term]) -> Vec<ContentWord> {
    let mut groups: Vec<Vec<Word<'_>>> = Vec::new();
    // Whether the last group may still grow: the word before was in it.
    let mut open = false;
    for word in words(terms) {
        let last = groups
            .last()
            .filter(|_| open)
            .and_then(|group| group.last());
        let follows = last.is_some_and(|last| last.position + last.width == word.position);
        let joined_by_symbols = last.is_some_and(|last| {
            text.get(last.to..word.from).is_none_or(|between| {
                !between.is_empty()
                    && !between
                        .chars()
                        .any(|c| c.is_alphanumeric() || c.is_whitespace())
            })
        });
        // One kanji noun after a word ending in kanji is part of it too
        // (`法人税`, `東京駅`): alone it would find any post with the kanji.
        let bound = word.suffix
            || last.is_some_and(|last| {
                word.part_of_speech == "名詞"
                    && is_one_kanji(text.get(word.from..word.to))
                    && text
                        .get(last.from..last.to)
                        .and_then(|last| last.chars().next_back())
                        .is_some_and(is_kanji_word_char)
            });
        let informative = word.is_informative();
        match groups.last_mut() {
            Some(group) if informative && (joined_by_symbols || (follows && bound)) => {
                group.push(word);
            }
            _ if informative && !word.suffix => {
                groups.push(vec![word]);
                open = true;
            }
            _ => open = false,
        }
    }
    groups
        .into_iter()
        .filter_map(|group| {
            let part_of_speech = group.first()?.part_of_speech;
            let from = group.iter().map(|word| word.from).min()?;
            let to = group.iter().map(|word| word.to).max()?;
            Some(ContentWord {
                text: text.get(from..to)?.to_owned(),
                offset_from: from,
                offset_to: to,
                part_of_speech,
                terms: group
                    .iter()
                    .map(|word| (word.position, word.query.to_owned()))
                    .collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn informative_words_leave_out_question_and_light_words() {
        for (pos, text) in [("名詞", "勉強"), ("動詞", "移行"), ("未知語", "zabbix")] {
            assert!(is_informative(pos, text), "{text}");
        }
        for (pos, text) in [
            ("名詞", "何"),
            ("名詞", "方法"),
            ("名詞", "こと"),
            ("動詞", "する"),
            ("動詞", "ある"),
            ("形容詞", "いい"),
            ("副詞", "どう"),
            ("副詞", "なぜ"),
            ("連体詞", "どの"),
            ("名詞", "ん"),
        ] {
            assert!(!is_informative(pos, text), "{text}");
        }
    }
}
