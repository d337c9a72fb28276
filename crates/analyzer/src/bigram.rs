//! Character bigrams: the substring-recall field.
//!
//! Morphological analysis finds words; it cannot find part of a word
//! (`ハートビー` inside `ハートビーツ`) or a word the segmenter split
//! differently. Over the normalized text, every run of letters and digits
//! outside ASCII yields its overlapping character bigrams (a one-character
//! run yields that character), and every ASCII alphanumeric run yields itself
//! as one token, as Groonga's `TokenBigram` does. Emoji and other symbols
//! (`★`, `♪`, `🍣`) form runs of their own, bigrammed the same way, so they
//! can be searched without changing the bigrams of the words around them.
//! Runs are separated by an extra position, so a phrase never matches across
//! punctuation.

use crate::{Normalized, Token};

/// Appends the bigram tokens of `normalized` to `out`.
pub(crate) fn bigrams(normalized: &Normalized, out: &mut Vec<Token>) {
    let text = normalized.as_str();
    let mut position = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        let class = class_of(c);
        if class == Class::Separator {
            chars.next();
            continue;
        }
        if class == Class::Ascii {
            let mut end = start;
            while let Some(&(index, c)) = chars.peek() {
                if class_of(c) != Class::Ascii {
                    break;
                }
                end = index + c.len_utf8();
                chars.next();
            }
            out.push(token(normalized, start, end, position));
            position += 2;
            continue;
        }
        // A run of other letters (or of symbols): collect its char boundaries.
        let mut bounds = vec![start];
        while let Some(&(index, c)) = chars.peek() {
            if class_of(c) != class {
                break;
            }
            bounds.push(index + c.len_utf8());
            chars.next();
        }
        if bounds.len() == 2 {
            out.push(token(normalized, bounds[0], bounds[1], position));
            position += 2;
            continue;
        }
        for window in bounds.windows(3) {
            out.push(token(normalized, window[0], window[2], position));
            position += 1;
        }
        position += 1;
    }
}

fn token(normalized: &Normalized, start: usize, end: usize, position: usize) -> Token {
    Token {
        offset_from: normalized.original_start(start),
        offset_to: normalized.original_end(end),
        position,
        text: normalized.as_str()[start..end].to_owned(),
        position_length: 1,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Ascii,
    Other,
    Symbol,
    Separator,
}

fn class_of(c: char) -> Class {
    if c.is_ascii_alphanumeric() {
        Class::Ascii
    } else if crate::is_word_char(c) {
        Class::Other
    } else if is_symbol(c) {
        Class::Symbol
    } else {
        Class::Separator
    }
}

/// Emoji and pictographic symbols: arrows, math and technical symbols,
/// shapes, dingbats and the emoji planes, with the joiners, variation
/// selectors and keycap mark of emoji sequences. Punctuation (`。「」・…`)
/// is not among them.
fn is_symbol(c: char) -> bool {
    matches!(c,
        '\u{2190}'..='\u{21FF}'
        | '\u{2300}'..='\u{23FF}'
        | '\u{25A0}'..='\u{27BF}'
        | '\u{2B00}'..='\u{2BFF}'
        | '\u{1F000}'..='\u{1FAFF}'
        | '\u{200D}'
        | '\u{20E3}'
        | '\u{FE0F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        bigrams(&Normalized::new(text), &mut out);
        out.into_iter().map(|t| (t.text, t.position)).collect()
    }

    #[test]
    fn overlapping_bigrams_for_japanese_runs() {
        let got = texts("ハートビーツ");
        let expected: Vec<(String, usize)> = ["ハー", "ート", "トビ", "ビー", "ーツ"]
            .iter()
            .enumerate()
            .map(|(i, s)| ((*s).to_owned(), i))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn ascii_words_are_whole_tokens_and_runs_do_not_join() {
        let got = texts("EC2のサーバ、猫");
        assert_eq!(
            got,
            vec![
                ("ec2".to_owned(), 0),
                ("のサ".to_owned(), 2),
                ("サー".to_owned(), 3),
                ("ーバ".to_owned(), 4),
                ("猫".to_owned(), 6),
            ]
        );
    }

    #[test]
    fn symbols_are_runs_of_their_own() {
        let got = texts("ビール🍺♪ 👍🏽");
        assert_eq!(
            got,
            vec![
                ("ビー".to_owned(), 0),
                ("ール".to_owned(), 1),
                ("🍺♪".to_owned(), 3),
                ("👍🏽".to_owned(), 5),
            ]
        );
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let original = "ｲﾝﾌﾗ";
        let mut out = Vec::new();
        bigrams(&Normalized::new(original), &mut out);
        let first = &out[0];
        assert_eq!(first.text, "イン");
        assert_eq!(&original[first.offset_from..first.offset_to], "ｲﾝ");
    }
}
