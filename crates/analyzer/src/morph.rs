//! Morphological terms from Lindera (IPADIC).
//!
//! Every Lindera token takes one position. On top of the surface form:
//! - conjugating words also carry their base form at the same position
//!   (`行っ` + `行く`), so any conjugation finds any other;
//! - long compounds also carry their parts, found by re-segmenting the compound
//!   in Lindera's decompose mode (`株式会社` + `株式`, `会社`), and so do words
//!   of the user dictionary, re-segmented with IPADIC alone; adjacent
//!   ASCII pieces are joined (`BGP` `4` → `bgp4` + `bgp`, `4`); the parts take
//!   consecutive positions starting at the compound's own;
//! - katakana words of four or more characters lose one final long-vowel mark
//!   (`サーバー` → `サーバ`), and words written several ways are spelled one
//!   way (`出来る` → `できる`, `ヴァイオリン` → `バイオリン`; see the
//!   `spelling` module);
//! - particles, auxiliary verbs, symbols and fillers are not terms, but they
//!   keep their positions, so phrases line up the same in posts and queries.
//!
//! When asked, the same pass collects the words' readings (see the
//! `reading` module).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use lindera::segmenter::Segmenter;
use lindera_dictionary::viterbi::{Lattice, WordId};

use crate::reading::Readings;
use crate::script::{is_kanji_word_char, is_katakana};
use crate::spelling::respell;
use crate::{Error, Normalized, Segment, Term, TermKind};

thread_local! {
    static LATTICE: RefCell<Lattice> = RefCell::new(Lattice::default());
    /// What the system dictionary says of each word seen: reading a token's
    /// details means parsing its feature string, a fifth of the analysis
    /// time, and a few thousand words make up most of any text. (User
    /// dictionary words are not cached: their ids are only unique within one
    /// user dictionary, and analyzers with different ones share threads.)
    static FEATURES: RefCell<HashMap<u64, Features>> = RefCell::new(HashMap::new());
}

/// Most words a thread remembers features for (about 10 MB).
const FEATURES_CAPACITY: usize = 200_000;

/// The features of one dictionary word that terms need.
#[derive(Clone)]
struct Features {
    part_of_speech: &'static str,
    /// `None` when the dictionary has none (`*`).
    base_form: Option<Rc<str>>,
    /// The reading in katakana; `None` when the dictionary has none.
    reading: Option<Rc<str>>,
    /// Whether the word is a suffix (IPADIC's `名詞,接尾`).
    suffix: bool,
}

/// A cache key for a word: its id within its lexicon, and the lexicon.
fn word_key(id: WordId) -> u64 {
    u64::from(id.id()) << 2 | u64::from(id.is_system()) << 1 | u64::from(id.is_unknown())
}

/// Field indices in IPADIC's feature list.
const POS: usize = 0;
const POS_DETAIL: usize = 1;
const BASE_FORM: usize = 6;
const READING: usize = 7;

/// One Lindera token, reduced to what the term builder needs.
struct Piece<'a> {
    surface: &'a str,
    start: usize,
    end: usize,
    part_of_speech: &'static str,
    base_form: Option<Rc<str>>,
    reading: Option<Rc<str>>,
    suffix: bool,
    /// Whether the word comes from the user dictionary.
    user: bool,
    /// Whether the dictionaries do not know the word.
    unknown: bool,
}

/// Appends the morphological terms of `normalized` to `out`, and their
/// readings to `readings` when given.
pub(crate) fn terms(
    normal: &Segmenter,
    decompose: &Segmenter,
    normalized: &Normalized,
    out: &mut Vec<Term>,
    mut readings: Option<&mut Readings<'_>>,
) -> Result<(), Error> {
    let text = normalized.as_str();
    let pieces = segment(normal, text)?;
    let mut position = 0usize;
    let mut index = 0usize;
    while index < pieces.len() {
        let piece = &pieces[index];
        if is_stop(piece) {
            position += 1;
            index += 1;
            continue;
        }
        // Adjacent ASCII alphanumeric pieces (`BGP` `4`) form one word.
        let mut group_end = index + 1;
        if is_ascii_word(piece.surface) {
            while group_end < pieces.len()
                && is_ascii_word(pieces[group_end].surface)
                && pieces[group_end].start == pieces[group_end - 1].end
            {
                group_end += 1;
            }
        }
        let group = &pieces[index..group_end];
        let (start, end) = (group[0].start, group[group.len() - 1].end);
        let surface = &text[start..end];
        let (part_of_speech, suffix) = (piece.part_of_speech, piece.suffix);
        let make = |text: &str, position: usize, start: usize, end: usize, kind: TermKind| Term {
            text: stem_katakana(&respell(text)).to_owned(),
            position,
            offset_from: normalized.original_start(start),
            offset_to: normalized.original_end(end),
            kind,
            part_of_speech,
            suffix,
        };
        out.push(make(surface, position, start, end, TermKind::Surface));
        if let Some(readings) = readings.as_deref_mut() {
            // A Latin word (`BGP4`) has no reading; it ends a run of words.
            let word = if group.len() > 1 {
                None
            } else {
                piece.reading.as_deref().map(|r| (r, part_of_speech))
            };
            readings.word(word, position, start, end);
        }
        let width = if group.len() > 1 {
            for (i, part) in group.iter().enumerate() {
                out.push(make(
                    part.surface,
                    position + i,
                    part.start,
                    part.end,
                    TermKind::Part,
                ));
            }
            group.len()
        } else {
            if let Some(base) = &piece.base_form {
                out.push(make(base, position, start, end, TermKind::BaseForm));
            }
            // A user dictionary word is a compound of the words IPADIC
            // sees in it (`decompose` has no user dictionary), so that they
            // keep finding it.
            let parts = if piece.user || is_compound_candidate(piece) {
                segment(decompose, surface)?
            } else {
                Vec::new()
            };
            if parts.len() > 1 {
                for (i, part) in parts.iter().enumerate() {
                    let (from, to) = (start + part.start, start + part.end);
                    out.push(make(part.surface, position + i, from, to, TermKind::Part));
                    if let (Some(readings), Some(reading)) =
                        (readings.as_deref_mut(), part.reading.as_deref())
                    {
                        readings.part(reading, part.part_of_speech, position + i, from, to);
                    }
                }
                parts.len()
            } else {
                1
            }
        };
        position += width;
        index = group_end;
    }
    if let Some(readings) = readings {
        readings.end_run();
    }
    Ok(())
}

/// Lindera's tokens of `normalized`, each marked stop or not.
pub(crate) fn segments(normal: &Segmenter, normalized: &Normalized) -> Result<Vec<Segment>, Error> {
    Ok(segment(normal, normalized.as_str())?
        .iter()
        .map(|piece| Segment {
            text: piece.surface.to_owned(),
            stop: is_stop(piece),
            unknown: piece.unknown,
        })
        .collect())
}

fn segment<'a>(segmenter: &Segmenter, text: &'a str) -> Result<Vec<Piece<'a>>, Error> {
    LATTICE.with(|lattice| {
        let mut lattice = lattice.borrow_mut();
        let tokens = segmenter.segment_with_lattice(Cow::Borrowed(text), &mut lattice)?;
        FEATURES.with(|features| {
            let mut features = features.borrow_mut();
            Ok(tokens
                .into_iter()
                .map(|mut token| {
                    let (start, end) = (token.byte_start, token.byte_end);
                    let surface = &text[start..end];
                    let cacheable = token.word_id.is_system() || token.word_id.is_unknown();
                    let key = word_key(token.word_id);
                    let found = match features.get(&key).filter(|_| cacheable) {
                        Some(found) => found.clone(),
                        None => {
                            let part_of_speech =
                                part_of_speech(token.get_detail(POS).unwrap_or(""));
                            let found = Features {
                                part_of_speech,
                                suffix: part_of_speech == "名詞"
                                    && token.get_detail(POS_DETAIL) == Some("接尾"),
                                base_form: token
                                    .get_detail(BASE_FORM)
                                    .filter(|base| *base != "*")
                                    .map(Rc::from),
                                reading: token
                                    .get_detail(READING)
                                    .filter(|reading| !reading.is_empty() && *reading != "*")
                                    .map(Rc::from),
                            };
                            if cacheable && features.len() < FEATURES_CAPACITY {
                                features.insert(key, found.clone());
                            }
                            found
                        }
                    };
                    Piece {
                        surface,
                        start,
                        end,
                        part_of_speech: found.part_of_speech,
                        suffix: found.suffix,
                        base_form: found.base_form.filter(|base| **base != *surface),
                        // Words the dictionary gives no reading (unknown
                        // katakana and hiragana words) are read as written.
                        reading: found
                            .reading
                            .or_else(|| crate::reading::kana_reading(surface).map(Rc::from)),
                        user: !cacheable,
                        unknown: token.word_id.is_unknown(),
                    }
                })
                .collect())
        })
    })
}

/// IPADIC's top-level parts of speech, as static strings.
fn part_of_speech(tag: &str) -> &'static str {
    const TAGS: [&str; 14] = [
        "名詞",
        "動詞",
        "形容詞",
        "副詞",
        "連体詞",
        "接続詞",
        "感動詞",
        "接頭詞",
        "助詞",
        "助動詞",
        "記号",
        "フィラー",
        "その他",
        "未知語",
    ];
    TAGS.iter()
        .copied()
        .find(|known| *known == tag)
        .unwrap_or("未知語")
}

fn is_stop(piece: &Piece<'_>) -> bool {
    matches!(
        piece.part_of_speech,
        "助詞" | "助動詞" | "記号" | "フィラー" | "その他"
    ) || !piece.surface.chars().any(crate::is_word_char)
}

fn is_ascii_word(surface: &str) -> bool {
    !surface.is_empty() && surface.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Nouns long enough that decompose mode might split them: more than two
/// kanji, or more than seven other characters (Lindera's penalty thresholds).
fn is_compound_candidate(piece: &Piece<'_>) -> bool {
    if piece.part_of_speech != "名詞" {
        return false;
    }
    let chars = piece.surface.chars().count();
    let kanji_only = piece.surface.chars().all(is_kanji_word_char);
    (kanji_only && chars > 2) || chars > 7
}

/// `サーバー` → `サーバ`: a katakana word of four or more characters loses one
/// final long-vowel mark, so the two common spellings are one term.
pub(crate) fn stem_katakana(text: &str) -> &str {
    match text.strip_suffix('ー') {
        Some(stem)
            if text.chars().count() >= 4 && stem.chars().all(|c| is_katakana(c) || c == 'ー') =>
        {
            stem
        }
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::stem_katakana;

    #[test]
    fn stems_long_katakana_words_only() {
        assert_eq!(stem_katakana("サーバー"), "サーバ");
        assert_eq!(stem_katakana("ユーザー"), "ユーザ");
        assert_eq!(stem_katakana("サーバ"), "サーバ");
        assert_eq!(stem_katakana("バー"), "バー");
        assert_eq!(stem_katakana("コーヒー"), "コーヒ");
        assert_eq!(stem_katakana("まあー"), "まあー");
    }
}
