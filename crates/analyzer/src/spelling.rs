//! Spellings of one word that are one term.
//!
//! Japanese writes many words more than one way, and a post and a question
//! about it often disagree: `出来る` / `できる`, `分かる` / `わかる`,
//! `綺麗` / `きれい`, `ヴァイオリン` / `バイオリン`, `ウィルス` / `ウイルス`.
//! Every term (surface, base form and part; see the `morph` module) is
//! spelled one way before it is indexed or searched:
//!
//! - in katakana, `ヴァ` `ヴィ` `ヴェ` `ヴォ` `ヴ` are `バ` `ビ` `ベ` `ボ` `ブ`
//!   (`ヴュ` is `ビュ`), and `ウィ` `ウェ` `ウォ` are `ウイ` `ウエ` `ウオ`;
//! - the words of [`KANA_SPELLINGS`], written in kanji, are their kana
//!   spelling (`出来る` is `できる`), whatever their conjugation, since the
//!   base form is what is respelled.
//!
//! Only whole terms are respelled: bigrams (substring matches) and readings
//! keep the text as written, so a query still finds the characters it has.

use std::borrow::Cow;

/// Words written both in kanji and in kana, as `(kanji, kana)`: the kanji
/// spelling is searched and indexed as the kana one. Words read the same
/// as another word that is not a spelling of them are left out (`易しい`
/// and `優しい` are both `やさしい`), as are one-kanji words, which
/// substring matches find by the kanji.
pub const KANA_SPELLINGS: &[(&str, &str)] = &[
    // verbs
    ("出来る", "できる"),
    ("分かる", "わかる"),
    ("解る", "わかる"),
    ("判る", "わかる"),
    ("下さる", "くださる"),
    ("頂く", "いただく"),
    ("致す", "いたす"),
    ("貰う", "もらう"),
    ("頑張る", "がんばる"),
    ("纏める", "まとめる"),
    ("揃える", "そろえる"),
    ("揃う", "そろう"),
    ("拘る", "こだわる"),
    ("呟く", "つぶやく"),
    ("捗る", "はかどる"),
    ("溜まる", "たまる"),
    ("溜める", "ためる"),
    ("弄る", "いじる"),
    ("躓く", "つまずく"),
    ("遡る", "さかのぼる"),
    // adjectives
    ("美味しい", "おいしい"),
    ("嬉しい", "うれしい"),
    ("面白い", "おもしろい"),
    ("素晴らしい", "すばらしい"),
    ("凄い", "すごい"),
    ("難しい", "むずかしい"),
    ("可愛い", "かわいい"),
    ("煩い", "うるさい"),
    ("勿体無い", "もったいない"),
    ("宜しい", "よろしい"),
    // nouns, adverbs and adjectival nouns
    ("綺麗", "きれい"),
    ("沢山", "たくさん"),
    ("様々", "さまざま"),
    ("色々", "いろいろ"),
    ("一緒", "いっしょ"),
    ("殆ど", "ほとんど"),
    ("既に", "すでに"),
    ("予め", "あらかじめ"),
    ("丁度", "ちょうど"),
    ("全て", "すべて"),
    ("勿論", "もちろん"),
    ("是非", "ぜひ"),
    ("流石", "さすが"),
    ("矢張り", "やはり"),
    ("中々", "なかなか"),
    ("時々", "ときどき"),
    ("益々", "ますます"),
    ("偶々", "たまたま"),
    ("御飯", "ごはん"),
    ("ご飯", "ごはん"),
    ("煙草", "たばこ"),
    ("林檎", "りんご"),
    ("葡萄", "ぶどう"),
    ("蜜柑", "みかん"),
    ("珈琲", "コーヒー"),
    ("蕎麦", "そば"),
    ("饂飩", "うどん"),
    ("海苔", "のり"),
    ("山葵", "わさび"),
];

/// Whether a term spelled `term` can be made from text written otherwise:
/// it is the kana spelling of a word of [`KANA_SPELLINGS`], or holds
/// katakana that another spelling is respelled to (`バ` of `ヴァ`, `ウイ`
/// of `ウィ`).
pub fn has_other_spellings(term: &str) -> bool {
    kanji_spellings(term).next().is_some() || has_katakana_respelling(term)
}

/// The kanji spellings respelled to `term` (`出来る` for `できる`).
pub fn kanji_spellings(term: &str) -> impl Iterator<Item = &'static str> {
    KANA_SPELLINGS
        .iter()
        .filter(move |(_, kana)| *kana == term)
        .map(|(kanji, _)| *kanji)
}

/// Where `text` (normalized) may hold `term` written otherwise: the byte
/// offsets of `term`'s kanji spellings and, when `term` holds katakana
/// respelled from others, of those others (`ヴ` where it has `バ`, `ウィ`
/// where it has `ウイ`). A word of `text` whose term is `term` holds `term`
/// as written or one of these.
pub fn other_spellings_in(text: &str, term: &str) -> Vec<usize> {
    let mut offsets: Vec<usize> = kanji_spellings(term)
        .flat_map(|kanji| text.match_indices(kanji).map(|(at, _)| at))
        .collect();
    for (respelled, other) in KATAKANA_RESPELLINGS {
        if term.contains(respelled) {
            offsets.extend(text.match_indices(other).map(|(at, _)| at));
        }
    }
    offsets
}

/// Katakana that [`respell`] makes, each with the katakana it is made
/// from.
const KATAKANA_RESPELLINGS: [(&str, &str); 8] = [
    ("バ", "ヴ"),
    ("ビ", "ヴ"),
    ("ブ", "ヴ"),
    ("ベ", "ヴ"),
    ("ボ", "ヴ"),
    ("ウイ", "ウィ"),
    ("ウエ", "ウェ"),
    ("ウオ", "ウォ"),
];

/// Whether `term` holds katakana that another spelling is respelled to.
fn has_katakana_respelling(term: &str) -> bool {
    KATAKANA_RESPELLINGS
        .iter()
        .any(|(respelled, _)| term.contains(respelled))
}

/// `text` in its one spelling (see the module).
pub(crate) fn respell(text: &str) -> Cow<'_, str> {
    if let Some((_, kana)) = KANA_SPELLINGS.iter().find(|(kanji, _)| *kanji == text) {
        return Cow::Borrowed(kana);
    }
    if !text.contains(['ヴ', 'ウ']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let (first, small) = match (c, next) {
            ('ヴ', Some('ァ')) => ('バ', true),
            ('ヴ', Some('ィ')) => ('ビ', true),
            ('ヴ', Some('ェ')) => ('ベ', true),
            ('ヴ', Some('ォ')) => ('ボ', true),
            ('ヴ', Some('ュ')) => {
                chars.next();
                out.push_str("ビュ");
                continue;
            }
            ('ヴ', _) => ('ブ', false),
            ('ウ', Some('ィ')) => {
                chars.next();
                out.push_str("ウイ");
                continue;
            }
            ('ウ', Some('ェ')) => {
                chars.next();
                out.push_str("ウエ");
                continue;
            }
            ('ウ', Some('ォ')) => {
                chars.next();
                out.push_str("ウオ");
                continue;
            }
            _ => (c, false),
        };
        if small {
            chars.next();
        }
        out.push(first);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{KANA_SPELLINGS, has_other_spellings, other_spellings_in, respell};

    #[test]
    fn katakana_variants_are_one_spelling() {
        for (variant, spelling) in [
            ("ヴァイオリン", "バイオリン"),
            ("バイオリン", "バイオリン"),
            ("ヴィンテージ", "ビンテージ"),
            ("ヴェネツィア", "ベネツィア"),
            ("ヴォーカル", "ボーカル"),
            ("ヴュー", "ビュー"),
            ("ヴ", "ブ"),
            ("ウィルス", "ウイルス"),
            ("ウェブ", "ウエブ"),
            ("ウォッチ", "ウオッチ"),
            ("ウール", "ウール"),
            ("勉強会", "勉強会"),
        ] {
            assert_eq!(respell(variant), spelling, "{variant}");
        }
    }

    #[test]
    fn respelled_terms_say_so() {
        for (kanji, kana) in KANA_SPELLINGS {
            assert!(has_other_spellings(&respell(kanji)), "{kanji}");
            assert!(has_other_spellings(kana), "{kana}");
        }
        for variant in ["ヴァイオリン", "ヴュー", "ウィルス", "ウェブ", "ウォッチ"]
        {
            assert!(has_other_spellings(&respell(variant)), "{variant}");
        }
        for term in ["勉強会", "コンテナ", "ウール", "出来", "インフラ"] {
            assert!(!has_other_spellings(term), "{term}");
        }
    }

    #[test]
    fn other_spellings_are_found_where_the_text_has_them() {
        let text = "ヴァイオリンを出来るだけ弾く。";
        let at = |needle: &str| text.find(needle).unwrap_or(usize::MAX);
        assert_eq!(other_spellings_in(text, "バイオリン"), [at("ヴ")]);
        assert_eq!(other_spellings_in(text, "できる"), [at("出来る")]);
        assert_eq!(other_spellings_in(text, "インフラ"), Vec::<usize>::new());
        assert_eq!(other_spellings_in("ウィルスとウェブ", "ウイルス"), [0]);
    }

    #[test]
    fn kanji_spellings_are_kana() {
        assert_eq!(respell("出来る"), "できる");
        assert_eq!(respell("できる"), "できる");
        assert_eq!(respell("綺麗"), "きれい");
        assert_eq!(respell("出来"), "出来");
        for (kanji, kana) in KANA_SPELLINGS {
            assert_ne!(kanji, kana);
            assert!(kanji.chars().count() > 1, "{kanji}: one kanji");
            assert!(
                KANA_SPELLINGS.iter().all(|(other, _)| other != kana),
                "{kana} is respelled again"
            );
        }
    }
}
