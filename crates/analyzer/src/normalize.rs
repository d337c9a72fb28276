//! Character normalization shared by every field and by queries.
//!
//! Text is NFKC-normalized and lowercased, so `ＡＷＳ`, `AWS` and `aws` are one
//! term and half-width `ｲﾝﾌﾗ` is `インフラ`. The wave dash and tilde variants
//! (`～` `〜` `∼` `~`) all become `~`.
//!
//! Normalization can change lengths (`ｶﾞ` is two characters, `ガ` one; `㍿`
//! becomes four), so [`Normalized`] keeps, for every byte of the normalized
//! text, the byte offset in the original it came from. Token offsets are
//! reported in original coordinates, which is what snippets highlight.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{canonical_combining_class, decompose_compatible};

use crate::script::{is_hiragana, is_kanji, is_katakana};

/// Normalized text plus the way back to the original.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    text: String,
    /// `origin[i]` is the original byte offset of the chunk that produced
    /// normalized byte `i`; `origin[text.len()]` is the original length.
    origin: Vec<u32>,
}

impl Normalized {
    /// Normalizes `input`, one chunk at a time: a character and the
    /// combining marks (including the kana voicing marks, which NFKC
    /// composes with the preceding kana) that follow it normalize
    /// independently of the rest. Each character is decoded once.
    pub fn new(input: &str) -> Self {
        let mut text = String::with_capacity(input.len());
        let mut origin = Vec::with_capacity(input.len() + 1);
        let mut chars = input.char_indices().peekable();
        while let Some((start, c)) = chars.next() {
            let mut end = start + c.len_utf8();
            while let Some(&(index, next)) = chars.peek() {
                if !is_combining(next) {
                    break;
                }
                end = index + next.len_utf8();
                chars.next();
            }
            let alone = end - start == c.len_utf8();
            if alone && c.is_ascii() {
                text.push(fold_wave(c.to_ascii_lowercase()));
            } else if alone && is_nfkc_stable(c) {
                text.push(c);
            } else {
                push_normalized(&input[start..end], &mut text);
            }
            origin.resize(text.len(), to_u32(start));
        }
        origin.push(to_u32(input.len()));
        Self { text, origin }
    }

    /// The normalized text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Original byte offset where the character at normalized byte `offset`
    /// starts.
    pub fn original_start(&self, offset: usize) -> usize {
        self.origin[offset] as usize
    }

    /// Original byte offset where a token ending at normalized byte `offset`
    /// ends: the end of the original chunk that produced the byte before it.
    pub fn original_end(&self, offset: usize) -> usize {
        if offset == 0 {
            return 0;
        }
        let chunk_start = self.origin[offset - 1];
        self.origin[offset..]
            .iter()
            .copied()
            .find(|&start| start != chunk_start)
            .unwrap_or(chunk_start) as usize
    }
}

/// Normalizes a whole value used as an exact key, such as a tag or category
/// name: NFKC, lowercase, surrounding whitespace trimmed and inner runs of
/// whitespace collapsed to one space. `Business`, `business` and `ｂｕｓｉｎｅｓｓ`
/// share one key.
pub fn normalize_key(value: &str) -> String {
    let normalized = Normalized::new(value);
    normalized
        .as_str()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn to_u32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

/// Whether `c` joins the chunk before it: a combining mark, or a character
/// whose compatibility decomposition starts with one (the half-width voicing
/// marks `ﾞ` `ﾟ`, Tibetan `ཱུ` U+0F75), since NFKC composes or reorders it
/// with the marks before it. Normalizing it alone would leave a result that
/// changes when normalized again.
fn is_combining(c: char) -> bool {
    if c < '\u{0300}' || is_nfkc_stable(c) {
        return false;
    }
    if canonical_combining_class(c) != 0 {
        return true;
    }
    let mut first = None;
    decompose_compatible(c, |part| {
        first.get_or_insert(part);
    });
    first.is_some_and(|part| canonical_combining_class(part) != 0)
}

/// Appends the normalized form of one chunk that NFKC may change.
fn push_normalized(chunk: &str, out: &mut String) {
    let lower: String = chunk.nfkc().flat_map(char::to_lowercase).collect();
    // Lowercasing can leave marks out of canonical order (`İ` with a mark
    // below becomes `i`, a dot above and the mark): normalize once more.
    out.extend(lower.nfkc().map(fold_wave));
}

/// Characters common in Japanese text that NFKC and lowercasing leave alone:
/// hiragana, katakana (without the voicing marks) and unified ideographs.
fn is_nfkc_stable(c: char) -> bool {
    is_hiragana(c) || is_katakana(c) || c == 'ー' || is_kanji(c)
}

fn fold_wave(c: char) -> char {
    match c {
        '\u{301C}' | '\u{FF5E}' | '\u{223C}' | '\u{2053}' | '\u{3030}' => '~',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn norm(text: &str) -> String {
        Normalized::new(text).as_str().to_owned()
    }

    #[test]
    fn folds_width_and_case() {
        assert_eq!(norm("ＡＷＳ"), "aws");
        assert_eq!(norm("AWS"), "aws");
        assert_eq!(norm("ｲﾝﾌﾗ"), "インフラ");
        assert_eq!(norm("ｶﾞｲﾄﾞ"), "ガイド");
        assert_eq!(norm("１２３"), "123");
        assert_eq!(norm("㍿"), "株式会社");
    }

    #[test]
    fn unifies_wave_dashes() {
        assert_eq!(norm("10時〜12時"), "10時~12時");
        assert_eq!(norm("10時～12時"), "10時~12時");
        assert_eq!(norm("10時~12時"), "10時~12時");
    }

    #[test]
    fn maps_offsets_back_to_the_original() {
        let original = "ｶﾞｲﾄﾞとＡＷＳ";
        let normalized = Normalized::new(original);
        let text = normalized.as_str();
        let start = text.find("aws").unwrap_or_default();
        let end = start + "aws".len();
        let range = normalized.original_start(start)..normalized.original_end(end);
        assert_eq!(&original[range], "ＡＷＳ");
        let guide_end = "ガイド".len();
        let range = normalized.original_start(0)..normalized.original_end(guide_end);
        assert_eq!(&original[range], "ｶﾞｲﾄﾞ");
    }

    #[test]
    fn a_token_inside_an_expansion_maps_to_the_whole_source_character() {
        let original = "a㍿b";
        let normalized = Normalized::new(original);
        let start = normalized.as_str().find("株式").unwrap_or_default();
        let range = normalized.original_start(start)..normalized.original_end(start + "株式".len());
        assert_eq!(&original[range], "㍿");
    }

    /// Characters whose normalization is most likely to change again:
    /// letters with case, combining marks, kana voicing marks (spacing,
    /// half-width and combining), half-width and compatibility forms,
    /// conjoining jamo, spaces.
    fn tricky_char() -> impl Strategy<Value = char> {
        prop_oneof![
            prop::char::range('A', 'z'),
            Just('İ'),
            Just('ẞ'),
            Just('Ω'),
            Just('K'),
            prop::char::range('\u{0300}', '\u{036F}'),
            prop::char::range('\u{0370}', '\u{03FF}'),
            prop::char::range('\u{0F70}', '\u{0F81}'),
            prop::char::range('\u{1100}', '\u{11FF}'),
            prop::char::range('\u{1E00}', '\u{1FFF}'),
            prop::char::range('\u{2160}', '\u{2188}'),
            prop::char::range('\u{3000}', '\u{30FF}'),
            prop::char::range('\u{3300}', '\u{33FF}'),
            prop::char::range('\u{FF00}', '\u{FFEF}'),
            Just('～'),
            any::<char>(),
        ]
    }

    proptest! {
        /// Normalizing normalized text changes nothing, so a term indexed
        /// from normalized text (a stored tag, a query typed from a
        /// snippet) is found by the same text again.
        #[test]
        fn normalization_is_idempotent(chars in prop::collection::vec(tricky_char(), 0..24)) {
            let text: String = chars.into_iter().collect();
            let once = norm(&text);
            prop_assert_eq!(norm(&once), once.clone(), "{:?}", text);
            let key = normalize_key(&text);
            prop_assert_eq!(normalize_key(&key), key, "{:?}", text);
        }
    }

    #[test]
    fn marks_a_decomposition_starts_with_join_the_chunk_before() {
        // U+0F75 decomposes to two marks that NFKC orders before U+0300:
        // normalized apart from it, they were reordered when normalized
        // again.
        let once = norm("\u{0300}\u{0F75}");
        assert_eq!(once, "\u{0F71}\u{0F74}\u{0300}");
        assert_eq!(norm(&once), once);
        assert_eq!(norm("ｶﾞｲﾄﾞ"), "ガイド");
    }

    #[test]
    fn lowercasing_keeps_marks_in_canonical_order() {
        // `İ` lowercases to `i` and a dot above, which must follow the mark
        // below (U+0316) as it does when the text is normalized again.
        let once = norm("\u{130}\u{316}");
        assert_eq!(once, "i\u{316}\u{307}");
        assert_eq!(norm(&once), once);
    }

    #[test]
    fn keys_ignore_case_width_and_spacing() {
        assert_eq!(normalize_key(" Business "), "business");
        assert_eq!(normalize_key("ｂｕｓｉｎｅｓｓ"), "business");
        assert_eq!(normalize_key("Ruby  on\tRails"), "ruby on rails");
    }
}
