//! Readings: how the words of a text are pronounced, so that a query typed
//! in hiragana finds the words written in kanji or katakana
//! (`べんきょうかい` finds `勉強会`, `いんふら` finds `インフラ`).
//!
//! Every word's reading comes from IPADIC (or the user dictionary); a word
//! the dictionary does not know is read as written when it is all kana.
//! Readings are kept in katakana, with the final long-vowel mark of a word of
//! four or more characters dropped as for terms (`サーバー` → `サーバ`).
//! A reading that only spells the text in katakana (`インフラ`, `りんご`) is
//! not indexed: the query side searches a reading's katakana as words too,
//! which finds those, and leaving them out keeps a third of the readings
//! (and their indexing time) away.
//!
//! A query is not segmented: how Lindera splits a string of hiragana is
//! unpredictable (`べんきょうかい` is not `勉強`+`会`). Instead the whole
//! query, in katakana, is one term, and a text indexes the reading of each
//! word, of each compound part, and of each run of two to
//! [`MAX_RUN_WORDS`] adjacent nouns (no particle, symbol or space between
//! them): `勉強会` yields `ベンキョウ`, `カイ` and `ベンキョウカイ`, and
//! `インフラエンジニア勉強会` also `インフラエンジニア`, `エンジニアベンキョウ`, …
//! So a reading query matches whole words and runs of words, never part of
//! one, whatever the query's own segmentation.

use tantivy_tokenizer_api::Token;

use crate::Normalized;
use crate::morph::stem_katakana;
use crate::script::{hiragana_to_katakana, is_hiragana, is_katakana};

/// Longest run of adjacent words whose joined reading is a term.
pub const MAX_RUN_WORDS: usize = 4;

/// The reading a query word searches for, in katakana; `None` for a word
/// that is not a reading:
///
/// - a word all in hiragana (the long-vowel mark `ー` allowed) after
///   normalization, at least two characters long (a single kana reads as
///   too many words to be worth searching);
/// - a word in romaji (`benkyoukai`, `infura`, `sa-ba-`), as a Japanese input
///   method would turn it into kana, when all of it converts and it makes at
///   least three kana.
///
/// ```
/// use sagasu_analyzer::query_reading;
///
/// assert_eq!(query_reading("べんきょうかい").as_deref(), Some("ベンキョウカイ"));
/// assert_eq!(query_reading("さーばー").as_deref(), Some("サーバ"));
/// assert_eq!(query_reading("benkyoukai").as_deref(), Some("ベンキョウカイ"));
/// assert_eq!(query_reading("勉強会"), None);
/// assert_eq!(query_reading("の"), None);
/// assert_eq!(query_reading("docker"), None);
/// ```
pub fn query_reading(text: &str) -> Option<String> {
    let normalized = Normalized::new(text);
    let word = normalized.as_str().trim();
    let all_kana = word.chars().all(|c| is_hiragana(c) || c == 'ー');
    let katakana = if all_kana && word.chars().count() >= 2 && word.chars().any(is_hiragana) {
        to_katakana(word)
    } else {
        let kana = romaji_to_katakana(word)?;
        if kana.chars().count() < 3 {
            return None;
        }
        kana
    };
    Some(stem_katakana(&katakana).to_owned())
}

/// Romaji syllables (Hepburn, kunrei and the spellings input methods
/// accept) and their katakana, longest first where one spelling starts
/// another.
pub const ROMAJI: &[(&str, &str)] = &[
    ("kya", "キャ"),
    ("kyu", "キュ"),
    ("kyo", "キョ"),
    ("sha", "シャ"),
    ("shi", "シ"),
    ("shu", "シュ"),
    ("she", "シェ"),
    ("sho", "ショ"),
    ("sya", "シャ"),
    ("syu", "シュ"),
    ("syo", "ショ"),
    ("cha", "チャ"),
    ("chi", "チ"),
    ("chu", "チュ"),
    ("che", "チェ"),
    ("cho", "チョ"),
    ("tya", "チャ"),
    ("tyu", "チュ"),
    ("tyo", "チョ"),
    ("tsu", "ツ"),
    ("nya", "ニャ"),
    ("nyu", "ニュ"),
    ("nyo", "ニョ"),
    ("hya", "ヒャ"),
    ("hyu", "ヒュ"),
    ("hyo", "ヒョ"),
    ("mya", "ミャ"),
    ("myu", "ミュ"),
    ("myo", "ミョ"),
    ("rya", "リャ"),
    ("ryu", "リュ"),
    ("ryo", "リョ"),
    ("gya", "ギャ"),
    ("gyu", "ギュ"),
    ("gyo", "ギョ"),
    ("zya", "ジャ"),
    ("zyu", "ジュ"),
    ("zyo", "ジョ"),
    ("jya", "ジャ"),
    ("jyu", "ジュ"),
    ("jyo", "ジョ"),
    ("bya", "ビャ"),
    ("byu", "ビュ"),
    ("byo", "ビョ"),
    ("pya", "ピャ"),
    ("pyu", "ピュ"),
    ("pyo", "ピョ"),
    ("ka", "カ"),
    ("ki", "キ"),
    ("ku", "ク"),
    ("ke", "ケ"),
    ("ko", "コ"),
    ("sa", "サ"),
    ("si", "シ"),
    ("su", "ス"),
    ("se", "セ"),
    ("so", "ソ"),
    ("ta", "タ"),
    ("ti", "チ"),
    ("tu", "ツ"),
    ("te", "テ"),
    ("to", "ト"),
    ("na", "ナ"),
    ("ni", "ニ"),
    ("nu", "ヌ"),
    ("ne", "ネ"),
    ("no", "ノ"),
    ("ha", "ハ"),
    ("hi", "ヒ"),
    ("hu", "フ"),
    ("he", "ヘ"),
    ("ho", "ホ"),
    ("fa", "ファ"),
    ("fi", "フィ"),
    ("fu", "フ"),
    ("fe", "フェ"),
    ("fo", "フォ"),
    ("ma", "マ"),
    ("mi", "ミ"),
    ("mu", "ム"),
    ("me", "メ"),
    ("mo", "モ"),
    ("ya", "ヤ"),
    ("yu", "ユ"),
    ("yo", "ヨ"),
    ("ra", "ラ"),
    ("ri", "リ"),
    ("ru", "ル"),
    ("re", "レ"),
    ("ro", "ロ"),
    ("wa", "ワ"),
    ("wo", "ヲ"),
    ("ga", "ガ"),
    ("gi", "ギ"),
    ("gu", "グ"),
    ("ge", "ゲ"),
    ("go", "ゴ"),
    ("za", "ザ"),
    ("zi", "ジ"),
    ("zu", "ズ"),
    ("ze", "ゼ"),
    ("zo", "ゾ"),
    ("ja", "ジャ"),
    ("ji", "ジ"),
    ("ju", "ジュ"),
    ("je", "ジェ"),
    ("jo", "ジョ"),
    ("da", "ダ"),
    ("di", "ヂ"),
    ("du", "ヅ"),
    ("de", "デ"),
    ("do", "ド"),
    ("ba", "バ"),
    ("bi", "ビ"),
    ("bu", "ブ"),
    ("be", "ベ"),
    ("bo", "ボ"),
    ("pa", "パ"),
    ("pi", "ピ"),
    ("pu", "プ"),
    ("pe", "ペ"),
    ("po", "ポ"),
    ("va", "ヴァ"),
    ("vi", "ヴィ"),
    ("vu", "ヴ"),
    ("ve", "ヴェ"),
    ("vo", "ヴォ"),
    ("a", "ア"),
    ("i", "イ"),
    ("u", "ウ"),
    ("e", "エ"),
    ("o", "オ"),
    ("-", "ー"),
];

/// `benkyoukai` → `ベンキョウカイ`, as an input method converts romaji:
/// a doubled consonant is `ッ` (`kk`, `tch`), `n` before a consonant or at
/// the end is `ン`, and `-` is `ー`. `None` unless all of `word` (lowercase
/// ASCII) converts.
fn romaji_to_katakana(word: &str) -> Option<String> {
    let allowed = |b: u8| b.is_ascii_lowercase() || b == b'-' || b == b'\'';
    if word.is_empty() || !word.bytes().all(allowed) {
        return None;
    }
    let bytes = word.as_bytes();
    let vowel = |b: u8| matches!(b, b'a' | b'i' | b'u' | b'e' | b'o');
    let mut out = String::new();
    let mut rest = word;
    while !rest.is_empty() {
        let at = word.len() - rest.len();
        let first = bytes[at];
        let next = bytes.get(at + 1).copied();
        if first == b'n' {
            // `n` is `ン` before anything but a vowel or `y`; `nn` and `n'`
            // are one `ン`, unless the second `n` starts `na`, `nya`, ….
            let taken = match next {
                None => Some(1),
                Some(b'\'') => Some(2),
                Some(b'n') => {
                    let after = bytes.get(at + 2).copied();
                    Some(if after.is_some_and(|b| vowel(b) || b == b'y') {
                        1
                    } else {
                        2
                    })
                }
                Some(b) if !vowel(b) && b != b'y' => Some(1),
                Some(_) => None,
            };
            if let Some(taken) = taken {
                out.push('ン');
                rest = &rest[taken..];
                continue;
            }
        }
        let doubled = next == Some(first) && !vowel(first) && first != b'-';
        if doubled || (first == b't' && next == Some(b'c')) {
            out.push('ッ');
            rest = &rest[1..];
            continue;
        }
        let (spelling, kana) = ROMAJI
            .iter()
            .find(|(spelling, _)| rest.starts_with(spelling))?;
        out.push_str(kana);
        rest = &rest[spelling.len()..];
    }
    Some(out)
}

/// Hiragana to katakana; everything else unchanged.
pub(crate) fn to_katakana(text: &str) -> String {
    text.chars().map(hiragana_to_katakana).collect()
}

/// The reading of a word the dictionary gives none for: the word itself
/// when it is all katakana, in katakana when it is all hiragana.
pub(crate) fn kana_reading(surface: &str) -> Option<String> {
    let long = |c: char| c == 'ー';
    if surface.chars().all(|c| is_katakana(c) || long(c)) && surface.chars().any(is_katakana) {
        Some(surface.to_owned())
    } else if surface.chars().all(|c| is_hiragana(c) || long(c)) && surface.chars().any(is_hiragana)
    {
        Some(to_katakana(surface))
    } else {
        None
    }
}

/// Whether words of this part of speech are read (see [`Readings::word`]).
fn is_read(part_of_speech: &str) -> bool {
    matches!(part_of_speech, "名詞" | "接頭詞" | "未知語")
}

/// Collects the reading tokens of one text while its words are segmented.
pub(crate) struct Readings<'a> {
    normalized: &'a Normalized,
    out: &'a mut Vec<Token>,
    /// The readings of the current run of adjacent words, concatenated.
    run_text: String,
    /// The run's words: position, normalized byte range, and where the
    /// word's reading ends in `run_text`.
    run: Vec<RunWord>,
}

struct RunWord {
    position: usize,
    start: usize,
    end: usize,
    text_end: usize,
}

impl<'a> Readings<'a> {
    pub(crate) fn new(normalized: &'a Normalized, out: &'a mut Vec<Token>) -> Self {
        Self {
            normalized,
            out,
            run_text: String::new(),
            run: Vec::with_capacity(MAX_RUN_WORDS + 1),
        }
    }

    /// A word at `position` spanning normalized bytes `start..end`, with its
    /// reading and part of speech (`None` ends the current run). Only nouns,
    /// prefixes and unknown words are read: nouns and their compounds are
    /// what readers search by reading, and a verb's reading is of its
    /// conjugated form. Any other word ends the run.
    pub(crate) fn word(
        &mut self,
        word: Option<(&str, &str)>,
        position: usize,
        start: usize,
        end: usize,
    ) {
        let Some((reading, _)) = word.filter(|(_, pos)| is_read(pos)) else {
            self.end_run();
            return;
        };
        if self.run.last().is_some_and(|last| last.end != start) {
            self.end_run();
        }
        self.push(reading, position, start, end);
        self.run_text.push_str(reading);
        self.run.push(RunWord {
            position,
            start,
            end,
            text_end: self.run_text.len(),
        });
        if self.run.len() > MAX_RUN_WORDS {
            let dropped = self.run.remove(0).text_end;
            self.run_text.drain(..dropped);
            for word in &mut self.run {
                word.text_end -= dropped;
            }
        }
        // Every run of two or more words that ends with this one.
        for first in 0..self.run.len().saturating_sub(1) {
            let begin = if first == 0 {
                0
            } else {
                self.run[first - 1].text_end
            };
            let joined = &self.run_text[begin..];
            let word = &self.run[first];
            if !self.spells(joined, word.start, end) {
                let token = self.token(joined, word.position, word.start, end);
                self.out.push(token);
            }
        }
    }

    /// A part of a compound word: its own reading, not part of runs.
    pub(crate) fn part(
        &mut self,
        reading: &str,
        part_of_speech: &str,
        position: usize,
        start: usize,
        end: usize,
    ) {
        if is_read(part_of_speech) {
            self.push(reading, position, start, end);
        }
    }

    /// The text goes on with something that is not a word with a reading.
    pub(crate) fn end_run(&mut self) {
        self.run.clear();
        self.run_text.clear();
    }

    /// A word's own reading; one kana is not worth indexing alone, since no
    /// query searches it ([`query_reading`]).
    fn push(&mut self, reading: &str, position: usize, start: usize, end: usize) {
        if reading.chars().nth(1).is_some() && !self.spells(reading, start, end) {
            let token = self.token(reading, position, start, end);
            self.out.push(token);
        }
    }

    /// Whether `reading` is just the text at `start..end` in katakana
    /// (`インフラ`, `りんご`): the terms already hold it, and a reading query
    /// also searches its katakana as words, so it need not be indexed again.
    fn spells(&self, reading: &str, start: usize, end: usize) -> bool {
        let text = &self.normalized.as_str()[start..end];
        text.chars()
            .map(|c| {
                if is_hiragana(c) {
                    hiragana_to_katakana(c)
                } else {
                    c
                }
            })
            .eq(reading.chars())
    }

    fn token(&self, reading: &str, position: usize, start: usize, end: usize) -> Token {
        Token {
            offset_from: self.normalized.original_start(start),
            offset_to: self.normalized.original_end(end),
            position,
            text: stem_katakana(reading).to_owned(),
            position_length: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_of_hiragana_only_search_readings() {
        assert_eq!(query_reading("いんふら").as_deref(), Some("インフラ"));
        assert_eq!(query_reading(" らーめん ").as_deref(), Some("ラーメン"));
        // Half-width katakana normalizes to katakana, which is not hiragana.
        assert_eq!(query_reading("ｲﾝﾌﾗ"), None);
        assert_eq!(query_reading("インフラ"), None);
        assert_eq!(query_reading("aws"), None);
        assert_eq!(query_reading("ーー"), None);
        assert_eq!(query_reading("べんきょう会"), None);
    }

    #[test]
    fn romaji_converts_as_an_input_method_would() {
        for (romaji, kana) in [
            ("benkyoukai", "ベンキョウカイ"),
            ("infura", "インフラ"),
            ("sa-ba-", "サーバー"),
            ("zasshi", "ザッシ"),
            ("kocchi", "コッチ"),
            ("konnichiha", "コンニチハ"),
            ("sannpo", "サンポ"),
            ("shinnyuu", "シンニュウ"),
            ("kan'i", "カンイ"),
            ("tokyo", "トキョ"),
        ] {
            assert_eq!(
                romaji_to_katakana(romaji).as_deref(),
                Some(kana),
                "{romaji}"
            );
        }
        for word in ["hepburn", "x-y", "it's", "ab1"] {
            assert_eq!(romaji_to_katakana(word), None, "{word}");
        }
        // English that is not romaji, and romaji too short to be worth it.
        for word in ["docker", "kvm", "ruby", "memo", "aws"] {
            assert_eq!(query_reading(word), None, "{word}");
        }
        assert_eq!(
            query_reading("BenKyouKai").as_deref(),
            Some("ベンキョウカイ")
        );
        assert_eq!(query_reading("sa-ba-").as_deref(), Some("サーバ"));
    }

    #[test]
    fn unknown_kana_words_read_as_written() {
        assert_eq!(
            kana_reading("ハートビーツ").as_deref(),
            Some("ハートビーツ")
        );
        assert_eq!(kana_reading("ぐだぐだ").as_deref(), Some("グダグダ"));
        assert_eq!(kana_reading("hbstudy"), None);
        assert_eq!(kana_reading("ー"), None);
    }

    /// Readings of nouns (or, for `*` readings, verbs) at character ranges.
    fn collect(words: &[(Option<&str>, usize, usize)]) -> Vec<(String, usize)> {
        let normalized = Normalized::new(&"漢".repeat(40));
        let mut out = Vec::new();
        let mut readings = Readings::new(&normalized, &mut out);
        for (position, (reading, start, end)) in words.iter().enumerate() {
            let word = reading.map(|r| match r.strip_prefix('*') {
                Some(verb) => (verb, "動詞"),
                None => (r, "名詞"),
            });
            readings.word(word, position, start * 3, end * 3);
        }
        out.into_iter().map(|t| (t.text, t.position)).collect()
    }

    #[test]
    fn adjacent_words_join_into_runs_of_at_most_four() {
        let got = collect(&[
            (Some("ア"), 0, 1),
            (Some("イ"), 1, 2),
            (Some("ウ"), 2, 3),
            (Some("エ"), 3, 4),
            (Some("オ"), 4, 5),
        ]);
        let texts: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        // One kana is not indexed alone, only within runs.
        assert_eq!(
            texts,
            [
                "アイ",
                "アイウ",
                "イウ",
                "アイウエ",
                "イウエ",
                "ウエ",
                "イウエオ",
                "ウエオ",
                "エオ"
            ]
        );
        assert!(got.contains(&("ウエオ".to_owned(), 2)));
    }

    #[test]
    fn gaps_words_without_readings_and_verbs_end_runs() {
        let got = collect(&[
            (Some("アア"), 0, 1),
            // Not adjacent: a particle or a space came between.
            (Some("イイ"), 2, 3),
            (None, 3, 4),
            (Some("ウウ"), 4, 5),
            // A verb: not read, and not joined.
            (Some("*エエ"), 5, 6),
            (Some("オオ"), 6, 7),
        ]);
        let texts: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["アア", "イイ", "ウウ", "オオ"]);
    }

    #[test]
    fn readings_are_stemmed_like_terms() {
        let got = collect(&[(Some("サーバー"), 0, 1), (Some("カンリ"), 1, 2)]);
        let texts: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["サーバ", "カンリ", "サーバーカンリ"]);
    }
}
