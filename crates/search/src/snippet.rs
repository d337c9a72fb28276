//! Snippets: the passage of a post that best shows why it matched.
//!
//! Matches are found in the normalized text (so `ＡＷＳ` in a post is
//! highlighted for the query `aws`, and `ハートビー` inside `ハートビーツ`)
//! and, for query words that do not occur literally, by the post's
//! morphological terms (so `行きました` is highlighted for `行った`) or, for
//! hiragana and romaji words, by the readings of its words (so `勉強会` is
//! highlighted for `べんきょうかい`). The passage is made of whole sentences (ending
//! at `。！？!?` or a line break), about [`SNIPPET_CHARS`] characters,
//! choosing the one with the most distinct matches; a sentence longer than
//! that is cut around its first match, never inside a character (nor
//! between an emoji and its modifiers). The passage comes back as one line
//! of plain text (line breaks as spaces) with the ranges of its matches
//! ([`Highlighted`]), every match whole: a match that does not fit the
//! passage whole is not marked. Titles are marked the same way, whole
//! ([`Highlighter::whole`]). The edges render the marks (`<mark>` in the
//! HTTP API's escaped HTML, colour in the terminal).
//!
//! The cost is linear in the text: matches are kept in an ordered map (an
//! overlap check is a lookup), and the passage is found with one sliding
//! window over the sentences. Analysis is the costly part, so conjugated
//! forms and readings are looked for in at most [`ANALYSED_BYTES`] of a
//! post's sentences, and not past the search's deadline; literal matches
//! are found everywhere.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use sagasu_analyzer::{
    Analyzer, Normalized, has_other_spellings, kanji_spellings, other_spellings_in, query_reading,
};

use crate::words::{is_informative, potential_form};
use crate::{Deadline, Highlighted};

/// Target snippet length, in characters.
pub const SNIPPET_CHARS: usize = 120;

/// Most bytes of a text's sentences analysed to find conjugated forms, and
/// again readings: a post of megabytes costs no more than a long one.
const ANALYSED_BYTES: usize = 64 * 1024;

/// What to highlight.
#[derive(Debug, Default)]
pub(crate) struct Highlighter {
    /// The query's pieces, longest needle first.
    pieces: Vec<Piece>,
    /// When to stop looking for matches (the search's deadline).
    deadline: Deadline,
}

/// One space-separated piece of a query word or phrase.
#[derive(Debug)]
struct Piece {
    /// Its normalized text, to find literally.
    needle: String,
    /// Its morphological terms (base forms included), to find the piece
    /// conjugated or spelled otherwise when it does not occur literally,
    /// each with how it [`Occurs`] in a text.
    terms: HashMap<String, Occurs>,
    /// Its reading, when it is hiragana or romaji
    /// ([`sagasu_analyzer::query_reading`]): the words read so are matches.
    reading: Option<String>,
}

impl Highlighter {
    /// Highlights the words of `texts` (query words and phrases), analysed
    /// with `analyzer`. With `informative`, as for `match=any`, only what the
    /// search looked for is highlighted: pieces with no informative word
    /// (`から`, `どう`) are left out, and of the others only the informative
    /// words are looked for when the piece does not occur as written.
    pub(crate) fn new<'a>(
        analyzer: &Analyzer,
        texts: impl Iterator<Item = &'a str>,
        informative: bool,
    ) -> Self {
        let mut highlighter = Self::default();
        for text in texts {
            for piece in Normalized::new(text).as_str().split_whitespace() {
                if highlighter.pieces.iter().any(|p| p.needle == piece) {
                    continue;
                }
                let analysed: Vec<sagasu_analyzer::Term> = analyzer
                    .analyze(piece)
                    .map(|analysis| analysis.terms)
                    .unwrap_or_default();
                let mut terms: HashMap<String, Occurs> = analysed
                    .iter()
                    .filter(|term| !informative || is_informative(term.part_of_speech, &term.text))
                    .map(|term| {
                        let occurs = Occurs::of(term.part_of_speech, &term.text);
                        (term.text.clone(), occurs)
                    })
                    .collect();
                if informative && terms.is_empty() {
                    continue;
                }
                // `行く` also finds `行けた` (see the planner): mark it too.
                terms.extend(
                    analysed
                        .iter()
                        .filter(|term| term.part_of_speech == "動詞")
                        .filter_map(|term| potential_form(&term.text))
                        .map(|term| (term, Occurs::Conjugated)),
                );
                let reading = query_reading(piece);
                // A katakana word is its own reading (`いんふら`: `インフラ`).
                if let Some(reading) = &reading {
                    let occurs = Occurs::spelled(reading);
                    terms.entry(reading.clone()).or_insert(occurs);
                }
                highlighter.pieces.push(Piece {
                    needle: piece.to_owned(),
                    terms,
                    reading,
                });
            }
        }
        // Longest first, so a longer needle wins an overlap.
        highlighter
            .pieces
            .sort_by_key(|piece| std::cmp::Reverse(piece.needle.len()));
        highlighter
    }

    /// Stops analysing a text for matches once `deadline` passes; the
    /// snippet then shows what was found by then.
    pub(crate) fn within(self, deadline: Deadline) -> Self {
        Self { deadline, ..self }
    }

    /// The snippet of `text`, with its matches marked.
    pub(crate) fn snippet(&self, analyzer: &Analyzer, text: &str) -> Highlighted {
        let matches = self.matches(analyzer, text);
        let window = best_window(text, &matches);
        render(text, window, &matches)
    }

    /// All of `text` (a title) on one line, with its matches marked.
    pub(crate) fn whole(&self, analyzer: &Analyzer, text: &str) -> Highlighted {
        let matches = self.matches(analyzer, text);
        render(text, 0..text.len(), &matches)
    }

    /// Every match in `text`, sorted and non-overlapping, each tagged with
    /// its piece: the literal occurrences; for pieces that do not occur
    /// literally, their terms in the text's analysis; and for pieces still
    /// not found, the words their reading reads.
    fn matches(&self, analyzer: &Analyzer, text: &str) -> Vec<(Range<usize>, usize)> {
        let normalized = Normalized::new(text);
        let mut found = self.literal_matches(&normalized);
        let missing = |found: &Matches, wanted: fn(&Piece) -> bool| {
            let mut present = vec![false; self.pieces.len()];
            for (_, piece) in found.0.values() {
                present[*piece] = true;
            }
            (0..self.pieces.len())
                .filter(|index| !present[*index] && wanted(&self.pieces[*index]))
                .collect::<Vec<usize>>()
        };
        let unconjugated = missing(&found, |piece| !piece.terms.is_empty());
        if !unconjugated.is_empty() {
            found.extend(self.term_matches(analyzer, text, &normalized, &unconjugated));
        }
        let unread = missing(&found, |piece| piece.reading.is_some());
        if !unread.is_empty() {
            found.extend(self.reading_matches(analyzer, text, &unread));
        }
        found.into_sorted()
    }

    /// Where the needles occur, in original byte offsets, non-overlapping,
    /// each tagged with the needle's index.
    fn literal_matches(&self, normalized: &Normalized) -> Matches {
        let mut found = Matches::default();
        let haystack = normalized.as_str();
        for (index, piece) in self.pieces.iter().enumerate() {
            let needle = piece.needle.as_str();
            let ascii_word = needle.bytes().all(|b| b.is_ascii_alphanumeric());
            for (start, _) in haystack.match_indices(needle) {
                let end = start + needle.len();
                if ascii_word && !at_word_boundary(haystack, start, end) {
                    continue;
                }
                let range = normalized.original_start(start)..normalized.original_end(end);
                found.add(range, index);
            }
        }
        found
    }

    /// Where the post's terms equal a term of the pieces `pieces` (for
    /// conjugated forms and other spellings). Only sentences that can hold
    /// one are analysed (see [`Occurs`]): those where a term occurs as
    /// written or in another spelling, or that hold the first character of
    /// a conjugated term or of its kanji spelling (a conjugation keeps the
    /// stem).
    fn term_matches(
        &self,
        analyzer: &Analyzer,
        text: &str,
        normalized: &Normalized,
        pieces: &[usize],
    ) -> Vec<(Range<usize>, usize)> {
        let haystack = normalized.as_str();
        let mut terms: Vec<(&String, usize)> = Vec::new();
        // Where a term may be, in the original text.
        let mut anchors: Vec<usize> = Vec::new();
        let mut firsts: Vec<char> = Vec::new();
        for &index in pieces {
            for (term, &occurs) in &self.pieces[index].terms {
                terms.push((term, index));
                match occurs {
                    Occurs::AsWritten | Occurs::Respelled => {
                        let written = haystack.match_indices(term.as_str()).map(|(at, _)| at);
                        let otherwise = match occurs {
                            Occurs::Respelled => other_spellings_in(haystack, term),
                            _ => Vec::new(),
                        };
                        anchors.extend(
                            written
                                .chain(otherwise)
                                .map(|at| normalized.original_start(at)),
                        );
                    }
                    Occurs::Conjugated => {
                        firsts.extend(term.chars().next());
                        firsts
                            .extend(kanji_spellings(term).filter_map(|kanji| kanji.chars().next()));
                    }
                }
            }
        }
        anchors.sort_unstable();
        let mut found: Vec<(Range<usize>, usize)> = Vec::new();
        let candidates = sentences(text).into_iter().filter(|sentence| {
            let next = anchors.partition_point(|&at| at < sentence.start);
            anchors.get(next).is_some_and(|&at| at < sentence.end)
                || text[sentence.clone()].chars().any(|c| firsts.contains(&c))
        });
        for sentence in self.analysed(candidates) {
            let piece = &text[sentence.clone()];
            let Ok(analysis) = analyzer.analyze(piece) else {
                continue;
            };
            for term in &analysis.terms {
                let Some((_, index)) = terms.iter().find(|(t, _)| **t == term.text) else {
                    continue;
                };
                let range = sentence.start + term.offset_from..sentence.start + term.offset_to;
                if found.last().is_none_or(|(last, _)| last.end <= range.start) {
                    found.push((range, *index));
                }
            }
        }
        found
    }

    /// Where the post's words read as the reading of one of `pieces`
    /// (`勉強会` for `べんきょうかい`). Readings carry no first character to
    /// look for, so every sentence is analysed; only hiragana and romaji
    /// queries that matched nothing else get here.
    fn reading_matches(
        &self,
        analyzer: &Analyzer,
        text: &str,
        pieces: &[usize],
    ) -> Vec<(Range<usize>, usize)> {
        let mut found = Matches::default();
        for sentence in self.analysed(sentences(text).into_iter()) {
            let Ok(analysis) = analyzer.analyze_with_readings(&text[sentence.clone()]) else {
                continue;
            };
            // Readings come by word and by run of words, not in text order.
            let read = analysis.readings.iter().filter_map(|reading| {
                let index = pieces.iter().copied().find(|&index| {
                    self.pieces[index].reading.as_deref() == Some(reading.text.as_str())
                })?;
                let range =
                    sentence.start + reading.offset_from..sentence.start + reading.offset_to;
                Some((range, index))
            });
            for (range, index) in read {
                found.add(range, index);
            }
        }
        found.into_sorted()
    }

    /// The sentences of `sentences` to analyse: the first
    /// [`ANALYSED_BYTES`] of them, up to the deadline.
    fn analysed(
        &self,
        sentences: impl Iterator<Item = Range<usize>>,
    ) -> impl Iterator<Item = Range<usize>> {
        let mut budget = ANALYSED_BYTES;
        sentences.take_while(move |sentence| {
            let within = budget > 0 && !self.deadline.passed();
            budget = budget.saturating_sub(sentence.len());
            within
        })
    }
}

/// Matches that do not overlap, by start: adding one that overlaps another
/// is a lookup, not a scan.
#[derive(Debug, Default)]
struct Matches(BTreeMap<usize, (usize, usize)>);

impl Matches {
    /// Adds `range` of `piece`, unless it overlaps a match already there.
    fn add(&mut self, range: Range<usize>, piece: usize) {
        // Of the matches starting before `range` ends, only the last can
        // reach into it: they do not overlap one another.
        let overlaps = self
            .0
            .range(..range.end)
            .next_back()
            .is_some_and(|(_, (end, _))| *end > range.start);
        if !overlaps {
            self.0.insert(range.start, (range.end, piece));
        }
    }

    /// Adds each of `more` that overlaps none already there.
    fn extend(&mut self, more: Vec<(Range<usize>, usize)>) {
        for (range, piece) in more {
            self.add(range, piece);
        }
    }

    fn into_sorted(self) -> Vec<(Range<usize>, usize)> {
        self.0
            .into_iter()
            .map(|(start, (end, piece))| (start..end, piece))
            .collect()
    }
}

/// Where a term of a post's analysis comes from in the post's normalized
/// text: what a snippet looks for before analysing a sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Occurs {
    /// Only from where the text holds it as written.
    AsWritten,
    /// From where the text holds it as written or in another spelling
    /// ([`other_spellings_in`]: `ヴァイオリン` for `バイオリン`).
    Respelled,
    /// From a conjugated word, which keeps the first character of the
    /// term or of its kanji spelling (`行った` for `行く`, `出来た` for
    /// `できる`).
    Conjugated,
}

impl Occurs {
    /// How a term of part of speech `part_of_speech` spelled `term` occurs.
    fn of(part_of_speech: &str, term: &str) -> Self {
        if matches!(part_of_speech, "動詞" | "形容詞" | "助動詞") {
            Self::Conjugated
        } else {
            Self::spelled(term)
        }
    }

    /// How a term spelled `term` that does not conjugate occurs.
    fn spelled(term: &str) -> Self {
        if has_other_spellings(term) {
            Self::Respelled
        } else {
            Self::AsWritten
        }
    }
}

fn at_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(|c| c.is_ascii_alphanumeric())
        && !after.is_some_and(|c| c.is_ascii_alphanumeric())
}

/// Sentence spans of `text`, in byte offsets; each ends after its terminator.
fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (index, c) in text.char_indices() {
        if matches!(c, '。' | '！' | '？' | '!' | '?' | '\n') {
            let end = index + c.len_utf8();
            if text[start..end].trim().chars().count() > 0 {
                out.push(start..end);
            }
            start = end;
        }
    }
    if start < text.len() && !text[start..].trim().is_empty() {
        out.push(start..text.len());
    }
    out
}

/// The byte range of the passage to show: of the runs of whole sentences
/// that start a sentence and fit [`SNIPPET_CHARS`] (or are one longer
/// sentence), the first with the most distinct pieces, then the most
/// matches. One window slides over the sentences and one over the matches
/// (sorted, non-overlapping, so sorted by end too): linear in the text.
fn best_window(text: &str, matches: &[(Range<usize>, usize)]) -> Range<usize> {
    let sentences = sentences(text);
    if sentences.is_empty() {
        return 0..0;
    }
    let chars = char_offsets(text, &sentences);
    let pieces = matches
        .iter()
        .map(|(_, piece)| piece + 1)
        .max()
        .unwrap_or(0);
    // `seen[piece]` is the last window that counted `piece`, plus one.
    let mut seen = vec![0; pieces];
    let mut best: Option<((usize, usize), Range<usize>)> = None;
    let mut last = 0;
    for first in 0..sentences.len() {
        last = last.max(first);
        while last + 1 < sentences.len() && chars[last + 1].1 - chars[first].0 <= SNIPPET_CHARS {
            last += 1;
        }
        let window = sentences[first].start..sentences[last].end;
        let from = matches.partition_point(|(range, _)| range.start < window.start);
        let to = matches.partition_point(|(range, _)| range.end <= window.end);
        let inside = matches.get(from..to).unwrap_or_default();
        let mut distinct = 0;
        for (_, piece) in inside {
            if seen[*piece] != first + 1 {
                seen[*piece] = first + 1;
                distinct += 1;
            }
        }
        let score = (distinct, inside.len());
        if best
            .as_ref()
            .is_none_or(|(best_score, _)| score > *best_score)
        {
            best = Some((score, window));
        }
        if matches.is_empty() {
            break;
        }
    }
    let window = best.map_or(0..0, |(_, window)| window);
    clip(text, window, matches)
}

/// The character offsets of the start and end of each of `sentences`
/// (byte ranges of `text`, in order), counted in one pass.
fn char_offsets(text: &str, sentences: &[Range<usize>]) -> Vec<(usize, usize)> {
    let mut offsets = Vec::with_capacity(sentences.len());
    let (mut chars, mut at) = (0, 0);
    let mut count_to = |byte: usize| {
        chars += char_count(&text[at..byte]);
        at = byte;
        chars
    };
    for sentence in sentences {
        let start = count_to(sentence.start);
        let end = count_to(sentence.end);
        offsets.push((start, end));
    }
    offsets
}

/// Shortens a window longer than the target around its first match.
fn clip(text: &str, window: Range<usize>, matches: &[(Range<usize>, usize)]) -> Range<usize> {
    let limit = SNIPPET_CHARS + SNIPPET_CHARS / 4;
    if char_count(&text[window.clone()]) <= limit {
        return window;
    }
    let anchor = matches
        .iter()
        .map(|(range, _)| range.start)
        .find(|&start| window.contains(&start))
        .unwrap_or(window.start);
    // Start up to a third of the target before the match.
    let lead: Vec<usize> = text[window.start..anchor]
        .char_indices()
        .map(|(i, _)| window.start + i)
        .collect();
    let start = lead
        .len()
        .checked_sub(SNIPPET_CHARS / 3)
        .map_or(window.start, |i| lead[i]);
    let start = whole_character(text, start);
    let end = text[start..window.end]
        .char_indices()
        .nth(SNIPPET_CHARS)
        .map_or(window.end, |(i, _)| start + i);
    let end = whole_character(text, end);
    // Never cut a match in two: extend to its end.
    let end = matches
        .iter()
        .find(|(range, _)| range.start < end && end < range.end)
        .map_or(end, |(range, _)| range.end);
    start..end
}

/// `at`, moved forward past anything that continues the character before
/// it, so that a cut never splits what a reader sees as one character: an
/// emoji and its skin tone, variation selector or keycap, the parts of a
/// ZWJ sequence (👨‍👩‍👧), a kana and a combining sound mark.
fn whole_character(text: &str, mut at: usize) -> usize {
    while let Some(c) = text[at..].chars().next() {
        let after_joiner = text[..at].ends_with('\u{200D}');
        if !(after_joiner || continues_character(c)) {
            break;
        }
        at += c.len_utf8();
    }
    at
}

fn continues_character(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{200D}'
        | '\u{20E3}'
        | '\u{3099}'..='\u{309A}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{1F3FB}'..='\u{1F3FF}'
        | '\u{E0020}'..='\u{E007F}')
}

fn char_count(text: &str) -> usize {
    text.chars().count()
}

/// The window as one line, with the matches inside it marked.
fn render(text: &str, window: Range<usize>, matches: &[(Range<usize>, usize)]) -> Highlighted {
    let mut out = Highlighted::default();
    if window.start > 0
        && !text[..window.start].trim().is_empty()
        && !ends_sentence(&text[..window.start])
    {
        out.text.push('…');
    }
    let mut cursor = window.start;
    for (range, _) in matches {
        if range.start < window.start || range.end > window.end {
            continue;
        }
        push_line(&mut out.text, &text[cursor..range.start]);
        let start = out.text.len();
        push_line(&mut out.text, &text[range.clone()]);
        out.marks.push(start..out.text.len());
        cursor = range.end;
    }
    push_line(&mut out.text, &text[cursor..window.end]);
    trim(&mut out);
    if window.end < text.len() && !ends_sentence(&text[..window.end]) {
        out.text.push('…');
    }
    out
}

/// Appends `text` with its line breaks as spaces (one byte for one).
fn push_line(out: &mut String, text: &str) {
    out.extend(text.chars().map(|c| if c == '\n' { ' ' } else { c }));
}

/// Trims the white space at either end of `highlighted`, up to its marks:
/// a mark is never shortened.
fn trim(highlighted: &mut Highlighted) {
    let text = &highlighted.text;
    let first_mark = highlighted
        .marks
        .first()
        .map_or(text.len(), |mark| mark.start);
    let last_mark = highlighted.marks.last().map_or(0, |mark| mark.end);
    let start = (text.len() - text.trim_start().len()).min(first_mark);
    let end = text.trim_end().len().max(last_mark).max(start);
    highlighted.text = text[start..end].to_owned();
    for mark in &mut highlighted.marks {
        *mark = mark.start - start..mark.end - start;
    }
}

fn ends_sentence(text: &str) -> bool {
    text.trim_end_matches([' ', '\t'])
        .ends_with(['。', '！', '？', '!', '?', '\n'])
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn analyzer() -> Analyzer {
        Analyzer::new().unwrap_or_else(|err| panic!("analyzer: {err}"))
    }

    fn snippet(query: &[&str], text: &str) -> String {
        let analyzer = analyzer();
        let highlighted =
            Highlighter::new(&analyzer, query.iter().copied(), false).snippet(&analyzer, text);
        marked(&highlighted)
    }

    /// The text with its marks as `<mark>` tags, after checking that they
    /// are in order, not empty and on character boundaries.
    pub(crate) fn marked(highlighted: &Highlighted) -> String {
        let text = &highlighted.text;
        let mut end = 0;
        for mark in &highlighted.marks {
            assert!(
                end <= mark.start && mark.start < mark.end,
                "{highlighted:?}"
            );
            assert!(
                text.is_char_boundary(mark.start) && text.is_char_boundary(mark.end),
                "{highlighted:?}"
            );
            end = mark.end;
        }
        assert!(end <= text.len(), "{highlighted:?}");
        highlighted
            .pieces()
            .map(|(piece, mark)| {
                if mark {
                    format!("<mark>{piece}</mark>")
                } else {
                    piece.to_owned()
                }
            })
            .collect()
    }

    #[test]
    fn marks_matches_found_in_the_normalized_text() {
        let got = snippet(&["aws"], "<b>ＡＷＳ</b>に移行した。laws は関係ない。");
        assert_eq!(
            got,
            "<b><mark>ＡＷＳ</mark></b>に移行した。laws は関係ない。"
        );
    }

    #[test]
    fn a_words_terms_are_looked_for_in_the_normalized_text() {
        // `aws移行` is not in the text; its term `aws` is, written in full
        // width, so that sentence is analysed and the term marked.
        let got = snippet(&["aws移行"], "前置き。今日はＡＷＳの話。");
        assert_eq!(got, "前置き。今日は<mark>ＡＷＳ</mark>の話。");
    }

    #[test]
    fn other_spellings_are_marked_in_the_sentences_that_hold_them() {
        // `バイオリン` is not in the text as written, but `ヴァイオリン` is
        // one of its spellings; the sentence holds no `バ`.
        let got = snippet(&["バイオリン"], "前置き。ヴァイオリンを弾いた。");
        assert_eq!(got, "前置き。<mark>ヴァイオリン</mark>を弾いた。");
        // `できる` conjugated in its kanji spelling starts with `出`.
        let got = snippet(&["できる"], "前置き。すぐに出来た。");
        assert_eq!(got, "前置き。すぐに<mark>出来</mark>た。");
    }

    #[test]
    fn a_passage_is_one_line_trimmed_up_to_its_marks() {
        let analyzer = analyzer();
        let highlighter = Highlighter::new(&analyzer, ["監視"].into_iter(), false);
        let got = highlighter.whole(&analyzer, "\n 監視の\n設定 \n");
        assert_eq!(marked(&got), "<mark>監視</mark>の 設定");
    }

    #[test]
    fn picks_the_sentence_with_the_matches() {
        let filler = "今日は天気の話をします。".repeat(20);
        let text = format!("{filler}インフラ勉強会に参加した。{filler}");
        let got = snippet(&["勉強会"], &text);
        assert!(
            got.contains("インフラ<mark>勉強会</mark>に参加した。"),
            "{got}"
        );
        assert!(got.chars().count() <= SNIPPET_CHARS + 2, "{got}");
    }

    #[test]
    fn highlights_conjugated_forms_through_the_analyzer() {
        let got = snippet(&["行った"], "明日も会場へ行きます。");
        assert!(got.contains("<mark>行き</mark>"), "{got}");
        let got = snippet(&["行く"], "今日は行けなかった。");
        assert_eq!(got, "今日は<mark>行け</mark>なかった。");
    }

    #[test]
    fn cuts_long_sentences_around_the_match_on_char_boundaries() {
        let text = format!("{}サーバーが落ちた{}", "あ".repeat(300), "い".repeat(300));
        let got = snippet(&["サーバー"], &text);
        assert!(got.starts_with('…') && got.ends_with('…'), "{got}");
        assert!(got.contains("<mark>サーバー</mark>"), "{got}");
        assert!(got.chars().count() <= SNIPPET_CHARS + 20, "{got}");
    }

    #[test]
    fn without_matches_the_opening_is_shown() {
        let got = snippet(&["存在しない語"], "最初の文。次の文。");
        assert_eq!(got, "最初の文。次の文。");
    }

    #[test]
    fn every_match_of_every_word_is_marked() {
        let got = snippet(
            &["監視", "行った"],
            "監視の話。明日も会場へ行きます。監視サーバを監視する。",
        );
        assert_eq!(
            got,
            "<mark>監視</mark>の話。明日も会場へ<mark>行き</mark>ます。<mark>監視</mark>サーバを<mark>監視</mark>する。"
        );
    }

    #[test]
    fn passages_end_at_sentence_marks_and_line_breaks() {
        let text = format!(
            "{}！\nサーバーが落ちた？\n{}。",
            "あ".repeat(200),
            "い".repeat(200)
        );
        assert_eq!(
            snippet(&["サーバー"], &text),
            "<mark>サーバー</mark>が落ちた？"
        );
    }

    #[test]
    fn cuts_never_split_a_character_or_a_mark() {
        // Astral characters (surrogate pairs in UTF-16), an emoji with a
        // skin tone, a ZWJ sequence, a variation selector and a combining
        // sound mark around the cut points, at every offset.
        let pieces = ["👍🏽", "👨‍👩‍👧", "☕️", "𠮷", "か\u{3099}"];
        for shift in 0..12 {
            let mut text = "あ".repeat(shift);
            for i in 0..80 {
                text.push_str(pieces[i % pieces.len()]);
            }
            text.push_str("サーバー𠮷野家");
            for i in 0..80 {
                text.push_str(pieces[(i + shift) % pieces.len()]);
            }
            let got = snippet(&["サーバー", "𠮷野家"], &text);
            assert!(
                got.contains("<mark>サーバー</mark><mark>𠮷野家</mark>"),
                "{got}"
            );
            let inner = got.trim_start_matches('…').trim_end_matches('…');
            let first = inner.chars().next().unwrap_or(' ');
            let last = inner.chars().next_back().unwrap_or(' ');
            assert!(
                !continues_character(first),
                "starts inside a character: {got}"
            );
            assert!(last != '\u{200D}', "ends inside a character: {got}");
            // Every piece in the snippet is whole.
            let mut rest = inner.replace("<mark>サーバー</mark><mark>𠮷野家</mark>", "");
            for piece in pieces {
                rest = rest.replace(piece, "");
            }
            assert!(rest.chars().all(|c| c == 'あ'), "{rest:?} left of {got}");
        }
    }

    #[test]
    fn marks_are_balanced_and_never_split_for_overlapping_words() {
        let text = "インフラ勉強会とインフラエンジニア勉強会。<勉強>会&";
        let got = snippet(&["インフラ勉強会", "勉強", "インフラ", "会&"], text);
        assert_eq!(
            got,
            "<mark>インフラ勉強会</mark>と<mark>インフラ</mark>エンジニア<mark>勉強</mark>会。<<mark>勉強</mark>><mark>会&</mark>"
        );
    }

    #[test]
    fn titles_are_marked_whole() {
        let analyzer = analyzer();
        let highlighter = Highlighter::new(&analyzer, ["heartbeat", "drbd"].into_iter(), false);
        assert_eq!(
            marked(&highlighter.whole(&analyzer, "heartbeat & DRBD で <HA> クラスタ")),
            "<mark>heartbeat</mark> & <mark>DRBD</mark> で <HA> クラスタ"
        );
    }

    #[test]
    fn questions_highlight_only_their_informative_words() {
        let analyzer = analyzer();
        let query = ["Zabbix", "から", "移行した理由は"];
        let text = "Zabbix から Prometheus に移行した。その理由から書く。";
        let got = Highlighter::new(&analyzer, query.into_iter(), true).snippet(&analyzer, text);
        assert_eq!(
            marked(&got),
            "<mark>Zabbix</mark> から Prometheus に<mark>移行</mark>した。その<mark>理由</mark>から書く。"
        );
    }

    #[test]
    fn hiragana_and_romaji_queries_mark_the_words_they_read() {
        let text = "先週はインフラエンジニア勉強会に出た。帰りに教会の前を通った。";
        for query in ["べんきょうかい", "benkyoukai"] {
            let html = snippet(&[query], text);
            assert!(html.contains("<mark>勉強会</mark>"), "{query}: {html}");
            assert!(!html.contains("<mark>教会</mark>"), "{query}: {html}");
        }
        let html = snippet(&["きょうかい"], text);
        assert!(html.contains("<mark>教会</mark>"), "{html}");
        assert!(!html.contains("強会</mark>"), "{html}");
        // A katakana word is read as itself.
        let html = snippet(&["いんふら"], text);
        assert!(html.contains("<mark>インフラ</mark>"), "{html}");
    }
}
