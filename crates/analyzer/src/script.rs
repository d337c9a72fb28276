//! Which script a character is written in: the one table of kana and kanji
//! ranges that every part of sagasu asks.
//!
//! These answer without Unicode's (slow) script tables, and only for the
//! blocks Japanese text is made of. Marks that sit inside the blocks but are
//! not letters (the voicing marks `゛゜`, the iteration marks `ゝゞ`, `゠`)
//! belong to neither [`is_hiragana`] nor [`is_katakana`].
//!
//! ```
//! use sagasu_analyzer::script::{is_hiragana, is_kanji, is_kanji_word_char, is_katakana};
//!
//! assert!(is_hiragana('ぁ') && is_katakana('ヴ') && is_kanji('検'));
//! assert!(!is_kanji('々') && is_kanji_word_char('々'));
//! assert!(!is_katakana('ー'));
//! ```

/// Hiragana letters, `ぁ` to `ゖ` (U+3041–U+3096).
pub fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}')
}

/// Katakana letters, `ァ` to `ヺ` (U+30A1–U+30FA); not the prolonged sound
/// mark `ー`.
pub fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}')
}

/// A letter or mark of the hiragana and katakana blocks, `ぁ` to `ヺ`
/// (U+3041–U+30FA): the letters and the voicing and iteration marks between
/// them.
pub fn is_kana_block(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{30FA}')
}

/// Kanji: the CJK Unified Ideographs block (U+4E00–U+9FFF), which holds
/// every kanji of everyday Japanese text.
pub fn is_kanji(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}')
}

/// What a word written in kanji is made of: kanji and the iteration mark
/// `々` (`人々`).
pub fn is_kanji_word_char(c: char) -> bool {
    is_kanji(c) || c == '々'
}

/// Hiragana to katakana (the letters and `ゝゞ` move by U+0060); everything
/// else unchanged.
pub fn hiragana_to_katakana(c: char) -> char {
    match c {
        '\u{3041}'..='\u{3096}' | 'ゝ' | 'ゞ' => char::from_u32(u32::from(c) + 0x60).unwrap_or(c),
        other => other,
    }
}
