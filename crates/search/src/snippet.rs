//! Snippets: the passage of a post that best shows why it matched.
//!
//! Matches are found in the normalized text (so `ＡＷＳ` in a post is
//! highlighted for the query `aws`) and, when none of the query's words
//! occurs literally, by the post's morphological terms (so `行きました` is
//! highlighted for `行った`). The passage is made of whole sentences (ending
//! at `。！？!?` or a line break), about [`SNIPPET_CHARS`] characters,
//! choosing the one with the most distinct matches; a sentence longer than
//! that is cut around its first match, at character boundaries. The text is
//! HTML-escaped and every match is wrapped in `<mark>`, whole.

use std::collections::HashSet;
use std::ops::Range;

use sagasu_analyzer::{Analyzer, Normalized};

/// Target snippet length, in characters.
pub const SNIPPET_CHARS: usize = 120;

/// What to highlight.
#[derive(Debug, Default)]
pub(crate) struct Highlighter {
    /// Normalized strings to find literally.
    needles: Vec<String>,
    /// Morphological query terms (base forms included).
    terms: HashSet<String>,
}

impl Highlighter {
    /// Highlights the words of `texts` (query words and phrases), analysed
    /// with `analyzer`.
    pub(crate) fn new<'a>(analyzer: &Analyzer, texts: impl Iterator<Item = &'a str>) -> Self {
        let mut highlighter = Self::default();
        for text in texts {
            for piece in Normalized::new(text).as_str().split_whitespace() {
                if !highlighter.needles.iter().any(|n| n == piece) {
                    highlighter.needles.push(piece.to_owned());
                }
            }
            if let Ok(analysis) = analyzer.analyze(text) {
                highlighter
                    .terms
                    .extend(analysis.terms.into_iter().map(|term| term.text));
            }
        }
        // Longest first, so a longer needle wins an overlap.
        highlighter
            .needles
            .sort_by_key(|needle| std::cmp::Reverse(needle.len()));
        highlighter
    }

    /// The snippet of `text`: escaped HTML with `<mark>`ed matches.
    pub(crate) fn snippet(&self, analyzer: &Analyzer, text: &str) -> String {
        let mut matches = self.literal_matches(text);
        if matches.is_empty() && !self.terms.is_empty() {
            matches = self.term_matches(analyzer, text);
        }
        let window = best_window(text, &matches);
        render(text, window, &matches)
    }

    /// Where the needles occur, in original byte offsets, sorted and
    /// non-overlapping, each tagged with the needle's index.
    fn literal_matches(&self, text: &str) -> Vec<(Range<usize>, usize)> {
        if self.needles.is_empty() {
            return Vec::new();
        }
        let normalized = Normalized::new(text);
        let haystack = normalized.as_str();
        let mut found: Vec<(Range<usize>, usize)> = Vec::new();
        for (index, needle) in self.needles.iter().enumerate() {
            let ascii_word = needle.bytes().all(|b| b.is_ascii_alphanumeric());
            for (start, _) in haystack.match_indices(needle.as_str()) {
                let end = start + needle.len();
                if ascii_word && !at_word_boundary(haystack, start, end) {
                    continue;
                }
                let range = normalized.original_start(start)..normalized.original_end(end);
                if found
                    .iter()
                    .all(|(r, _)| r.end <= range.start || range.end <= r.start)
                {
                    found.push((range, index));
                }
            }
        }
        found.sort_by_key(|(range, _)| range.start);
        found
    }

    /// Where the post's terms equal a query term (for conjugated forms).
    /// Only sentences holding a term's first character can match (a
    /// conjugation keeps the stem), so only those are analysed.
    fn term_matches(&self, analyzer: &Analyzer, text: &str) -> Vec<(Range<usize>, usize)> {
        let terms: Vec<&String> = self.terms.iter().collect();
        let firsts: Vec<char> = terms.iter().filter_map(|t| t.chars().next()).collect();
        let mut found: Vec<(Range<usize>, usize)> = Vec::new();
        for sentence in sentences(text) {
            let piece = &text[sentence.clone()];
            if !piece.chars().any(|c| firsts.contains(&c)) {
                continue;
            }
            let Ok(analysis) = analyzer.analyze(piece) else {
                continue;
            };
            for term in &analysis.terms {
                let Some(index) = terms.iter().position(|t| **t == term.text) else {
                    continue;
                };
                let range = sentence.start + term.offset_from..sentence.start + term.offset_to;
                if found.last().is_none_or(|(last, _)| last.end <= range.start) {
                    found.push((range, index));
                }
            }
        }
        found
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

/// The byte range of the passage to show.
fn best_window(text: &str, matches: &[(Range<usize>, usize)]) -> Range<usize> {
    let sentences = sentences(text);
    if sentences.is_empty() {
        return 0..0;
    }
    let mut best: Option<((usize, usize), Range<usize>)> = None;
    for first in 0..sentences.len() {
        let start = sentences[first].start;
        let mut end = sentences[first].end;
        for next in &sentences[first + 1..] {
            if char_count(&text[start..next.end]) > SNIPPET_CHARS {
                break;
            }
            end = next.end;
        }
        let inside: Vec<&(Range<usize>, usize)> = matches
            .iter()
            .filter(|(range, _)| range.start >= start && range.end <= end)
            .collect();
        let distinct = inside
            .iter()
            .map(|(_, needle)| *needle)
            .collect::<HashSet<_>>()
            .len();
        let score = (distinct, inside.len());
        if best
            .as_ref()
            .is_none_or(|(best_score, _)| score > *best_score)
        {
            best = Some((score, start..end));
        }
        if matches.is_empty() {
            break;
        }
    }
    let window = best.map_or(0..0, |(_, window)| window);
    clip(text, window, matches)
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
    let end = text[start..window.end]
        .char_indices()
        .nth(SNIPPET_CHARS)
        .map_or(window.end, |(i, _)| start + i);
    // Never cut a match in two: extend to its end.
    let end = matches
        .iter()
        .find(|(range, _)| range.start < end && end < range.end)
        .map_or(end, |(range, _)| range.end);
    start..end
}

fn char_count(text: &str) -> usize {
    text.chars().count()
}

/// Escapes the window and marks the matches inside it.
fn render(text: &str, window: Range<usize>, matches: &[(Range<usize>, usize)]) -> String {
    let mut out = String::new();
    if window.start > 0
        && !text[..window.start].trim().is_empty()
        && !ends_sentence(&text[..window.start])
    {
        out.push('…');
    }
    let mut cursor = window.start;
    for (range, _) in matches {
        if range.start < window.start || range.end > window.end {
            continue;
        }
        push_escaped(&mut out, &text[cursor..range.start]);
        out.push_str("<mark>");
        push_escaped(&mut out, &text[range.clone()]);
        out.push_str("</mark>");
        cursor = range.end;
    }
    push_escaped(&mut out, &text[cursor..window.end]);
    let out = out.trim().to_owned();
    if window.end < text.len() && !ends_sentence(&text[..window.end]) {
        return out + "…";
    }
    out
}

fn ends_sentence(text: &str) -> bool {
    text.trim_end_matches([' ', '\t'])
        .ends_with(['。', '！', '？', '!', '?', '\n'])
}

/// HTML-escapes `text`, with line breaks as spaces.
fn push_escaped(out: &mut String, text: &str) {
    escape_into(out, text, true);
}

/// HTML-escapes `text` (`& < > " '`), so it is safe as element content and
/// in a quoted attribute.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text, false);
    out
}

fn escape_into(out: &mut String, text: &str, flatten_lines: bool) {
    for c in text.chars() {
        match c {
            '\n' if flatten_lines => out.push(' '),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyzer() -> Analyzer {
        Analyzer::new().unwrap_or_else(|err| panic!("analyzer: {err}"))
    }

    fn snippet(query: &[&str], text: &str) -> String {
        let analyzer = analyzer();
        Highlighter::new(&analyzer, query.iter().copied()).snippet(&analyzer, text)
    }

    #[test]
    fn marks_matches_and_escapes_the_rest() {
        let got = snippet(&["aws"], "<b>ＡＷＳ</b>に移行した。laws は関係ない。");
        assert_eq!(
            got,
            "&lt;b&gt;<mark>ＡＷＳ</mark>&lt;/b&gt;に移行した。laws は関係ない。"
        );
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
}
