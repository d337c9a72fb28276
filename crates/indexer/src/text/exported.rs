//! Repairs for exported HTML in Markdown files, applied before CommonMark
//! rendering.
//!
//! WordPress exports are `.md` files whose body is indented HTML with blank
//! lines between sibling elements:
//!
//! ```text
//! <div class="section">
//!   <ul>
//!     <li>
//!       text
//!     </li>
//!
//!     <li>
//! ```
//!
//! CommonMark ends an HTML block at a blank line and reads what follows as
//! Markdown: a line indented by four or more columns becomes an indented code
//! block (a pure CommonMark rendering shows the literal text `<li>`), and a
//! line starting with an inline tag (`<span class="synComment">#!/bin/bash`
//! inside a `<pre>`) becomes a paragraph whose backticks and asterisks are
//! Markdown. Jekyll's kramdown instead keeps a block-level element that
//! starts a line as raw HTML up to its matching end tag. Two rules repair
//! this before rendering:
//!
//! 1. [`raw_html_regions`]: a top-level block element that starts a line,
//!    has a matching end tag, and contains, right after a blank line, a line
//!    indented by four or more columns or a line starting with a tag that is
//!    not a CommonMark block-level tag, is passed through as one raw HTML
//!    block, as kramdown would. Other elements render the same either way
//!    and are left to CommonMark, which keeps Markdown written inside HTML
//!    blocks working for CommonMark sites (efcl).
//! 2. [`unindent_exported_html`]: outside those regions (the exports have
//!    stray end tags that end an element early), a line indented by four or
//!    more columns after a blank line loses its indentation when it looks
//!    like HTML (starts with a tag or ends with `>`) and the last non-blank
//!    line before it looked like HTML too, so it continues the HTML instead
//!    of becoming code. Genuine indented code after prose, inside fenced
//!    code, or continuing an indented code block is left alone.

use std::borrow::Cow;
use std::ops::Range;

/// CommonMark's block-level HTML tag names (HTML block kinds 1 and 6): a
/// line starting with one of these tags after a blank line stays HTML.
fn is_commonmark_block_tag(name: &str) -> bool {
    const NAMES: &[&str] = &[
        "address",
        "article",
        "aside",
        "base",
        "basefont",
        "blockquote",
        "body",
        "caption",
        "center",
        "col",
        "colgroup",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "frame",
        "frameset",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hr",
        "html",
        "iframe",
        "legend",
        "li",
        "link",
        "main",
        "menu",
        "menuitem",
        "nav",
        "noframes",
        "ol",
        "optgroup",
        "option",
        "p",
        "param",
        "pre",
        "script",
        "search",
        "section",
        "style",
        "summary",
        "table",
        "tbody",
        "td",
        "textarea",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "track",
        "ul",
    ];
    NAMES.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Elements that, starting a Markdown line, may begin a raw HTML region:
/// the non-void block-level ones.
fn is_raw_block_element(name: &str) -> bool {
    const VOID: &[&str] = &[
        "base", "basefont", "col", "frame", "hr", "link", "param", "track",
    ];
    const RAW_TEXT: &[&str] = &["pre", "script", "style", "textarea", "title", "head"];
    is_commonmark_block_tag(name)
        && !VOID
            .iter()
            .chain(RAW_TEXT)
            .any(|n| n.eq_ignore_ascii_case(name))
}

/// Byte ranges of the Markdown source to pass through as raw HTML (rule 1 of
/// the module docs): from the start of a line holding, after at most three
/// spaces, the start tag of a [block element](is_raw_block_element), to the
/// end of its matching end tag, when the element holds a line that
/// CommonMark would read as Markdown although it is HTML: right after a blank
/// line, a line indented by four or more columns, or one starting with a
/// non-block tag. Lines inside fenced code are ignored, and so are indented
/// start tags while a list is open (they may belong to a list item).
pub(super) fn raw_html_regions(markdown: &str) -> Vec<Range<usize>> {
    if !markdown.contains('<') {
        return Vec::new();
    }
    // One pass over the lines: lines CommonMark would misread ("triggers")
    // and candidate start tags.
    let mut triggers: Vec<usize> = Vec::new();
    let mut candidates: Vec<(usize, usize, usize)> = Vec::new(); // line start, name start, name end
    let mut in_list = false;
    for line in MarkdownLines::new(markdown) {
        let Line {
            start,
            content_start,
            indent,
            content,
            kind,
            after_blank,
        } = line;
        if matches!(kind, LineKind::Blank | LineKind::Fenced) {
            continue;
        }
        let tag = tag_name(content);
        if after_blank
            && (indent >= 4 || tag.is_some_and(|(s, e)| !is_commonmark_block_tag(&content[s..e])))
        {
            triggers.push(start);
        }
        // Lists and region start tags count only on lines indented by less
        // than four columns.
        if kind != LineKind::Text || indent >= 4 {
            continue;
        }
        if is_list_marker(content) {
            in_list = true;
        } else if let Some((name_start, name_end)) =
            tag.filter(|_| content.as_bytes().get(1) != Some(&b'/'))
        {
            if is_raw_block_element(&content[name_start..name_end]) && (indent == 0 || !in_list) {
                candidates.push((start, content_start + name_start, content_start + name_end));
            }
            if indent == 0 {
                in_list = false;
            }
        } else if indent == 0 && after_blank {
            in_list = false;
        }
    }
    if triggers.is_empty() {
        return Vec::new();
    }

    let mut regions: Vec<Range<usize>> = Vec::new();
    // Start/end tag pairs, computed once per element name (one linear pass
    // each, so many unclosed candidates cannot make this quadratic).
    let mut pairs_by_name: Vec<(&str, Vec<(usize, usize)>)> = Vec::new();
    for (start, name_start, name_end) in candidates {
        if regions.last().is_some_and(|r| start < r.end) {
            continue; // inside an accepted region
        }
        // The region must contain a trigger: none after this line, none later.
        let Some(&trigger) = triggers.get(triggers.partition_point(|&t| t <= start)) else {
            break;
        };
        let name = &markdown[name_start..name_end];
        let index = match pairs_by_name
            .iter()
            .position(|(known, _)| known.eq_ignore_ascii_case(name))
        {
            Some(index) => index,
            None => {
                pairs_by_name.push((name, matched_elements(markdown, name)));
                pairs_by_name.len() - 1
            }
        };
        let pairs = &pairs_by_name[index].1;
        if let Ok(found) = pairs.binary_search_by_key(&name_end, |&(open, _)| open) {
            let end = pairs[found].1;
            if trigger < end {
                regions.push(start..end);
            }
        }
    }
    regions
}

/// `-`, `+`, `*` or `1.` / `1)` followed by a space, tab or end of line.
fn is_list_marker(content: &str) -> bool {
    let bytes = content.as_bytes();
    let marker_end = match bytes.first() {
        Some(b'-' | b'+' | b'*') => 1,
        Some(b'0'..=b'9') => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 9 || !matches!(bytes.get(digits), Some(b'.' | b')')) {
                return false;
            }
            digits + 1
        }
        _ => return false,
    };
    matches!(bytes.get(marker_end), None | Some(b' ' | b'\t'))
}

/// The name of a start or end tag opening `content`, as a byte range.
fn tag_name(content: &str) -> Option<(usize, usize)> {
    let bytes = content.as_bytes();
    if bytes.first() != Some(&b'<') {
        return None;
    }
    let start = if bytes.get(1) == Some(&b'/') { 2 } else { 1 };
    if !bytes.get(start)?.is_ascii_alphabetic() {
        return None;
    }
    let len = bytes[start..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
        .count();
    match bytes.get(start + len) {
        None | Some(b'>' | b'/') => Some((start, start + len)),
        Some(b) if b.is_ascii_whitespace() => Some((start, start + len)),
        _ => None,
    }
}

/// Whether `bytes` starts with the tag name `name` (ASCII case-insensitive)
/// followed by whitespace, `>` or `/`.
fn starts_with_tag_name(bytes: &[u8], name: &str) -> bool {
    let n = name.len();
    bytes.len() > n
        && bytes[..n].eq_ignore_ascii_case(name.as_bytes())
        && (bytes[n].is_ascii_whitespace() || bytes[n] == b'>' || bytes[n] == b'/')
}

/// Pairs every start tag named `name` (ASCII case-insensitive) with its
/// matching end tag, counting nested elements of the same name and skipping
/// comments, in one pass: `(offset just past the start tag's name, offset
/// just past the end tag)`, sorted. Self-closing (`/>`) and never-closed
/// start tags have no pair; stray end tags are ignored.
pub(super) fn matched_elements(markdown: &str, name: &str) -> Vec<(usize, usize)> {
    let bytes = markdown.as_bytes();
    let mut open: Vec<usize> = Vec::new();
    let mut pairs = Vec::new();
    let mut pos = 0;
    while let Some(offset) = markdown[pos..].find('<') {
        let at = pos + offset;
        let rest = &bytes[at..];
        if rest.starts_with(b"<!--") {
            match markdown[at + 4..].find("-->") {
                Some(end) => pos = at + 4 + end + 3,
                None => break,
            }
            continue;
        }
        let is_end = rest.get(1) == Some(&b'/');
        let name_at = if is_end { 2 } else { 1 };
        if starts_with_tag_name(&rest[name_at..], name) {
            let Some(gt) = markdown[at..].find('>').map(|i| at + i) else {
                break;
            };
            if is_end {
                if let Some(start) = open.pop() {
                    pairs.push((start, gt + 1));
                }
            } else if bytes[gt - 1] != b'/' {
                open.push(at + 1 + name.len());
            }
            pos = gt + 1;
            continue;
        }
        pos = at + 1;
    }
    pairs.sort_unstable();
    pairs
}

/// Removes the indentation of exported-HTML lines that CommonMark would read
/// as indented code (rule 2 of the module docs). Borrows when nothing
/// changes.
pub(super) fn unindent_exported_html(markdown: &str) -> Cow<'_, str> {
    if !markdown.contains('<') {
        return Cow::Borrowed(markdown);
    }
    let mut out: Option<String> = None;
    let mut copied_up_to = 0;
    let mut previous_html = false;
    let mut in_code = false;
    for line in MarkdownLines::new(markdown) {
        let content = line.content;
        match line.kind {
            LineKind::Blank => continue,
            LineKind::Fenced => {
                previous_html = false;
                continue;
            }
            LineKind::FenceOpening | LineKind::Text => {}
        }
        let looks_html = starts_with_tag(content) || content.ends_with('>');
        if line.indent >= 4 {
            if line.after_blank && !in_code {
                if previous_html && looks_html {
                    let out = out.get_or_insert_with(|| String::with_capacity(markdown.len()));
                    out.push_str(&markdown[copied_up_to..line.start]);
                    copied_up_to = line.content_start;
                } else {
                    in_code = true;
                }
            }
        } else {
            in_code = false;
        }
        previous_html = content.starts_with('<') || content.ends_with('>');
    }
    match out {
        None => Cow::Borrowed(markdown),
        Some(mut out) => {
            out.push_str(&markdown[copied_up_to..]);
            Cow::Owned(out)
        }
    }
}

/// One line of a Markdown source, as [`MarkdownLines`] yields it.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    /// Byte offset of the line's start in the source.
    start: usize,
    /// Byte offset in the source of the first character after the
    /// indentation.
    content_start: usize,
    /// Columns of indentation (see [`indentation`]).
    indent: usize,
    /// The line without its indentation and trailing whitespace.
    content: &'a str,
    kind: LineKind,
    /// Whether the last earlier line that is not [`LineKind::Fenced`] is
    /// blank; true when there is none.
    after_blank: bool,
}

/// What a [`Line`] is, as far as blank lines and fenced code go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    /// Empty or whitespace only, outside fenced code.
    Blank,
    /// The opening fence of a fenced code block: three or more backticks or
    /// tildes (see [`fence_open`]), indented by at most three columns.
    FenceOpening,
    /// Inside a fenced code block, closing fence included.
    Fenced,
    /// Any other line.
    Text,
}

/// The lines of a Markdown source (split at `\n`; a final `\n` does not
/// start another line), tracking fenced code blocks and blank lines.
#[derive(Debug, Clone)]
struct MarkdownLines<'a> {
    markdown: &'a str,
    /// Where the next line starts.
    next: usize,
    /// The open fenced code block: its fence character and length.
    fence: Option<(u8, usize)>,
    /// The last line that is not [`LineKind::Fenced`] was blank, or there
    /// was none.
    after_blank: bool,
}

impl<'a> MarkdownLines<'a> {
    fn new(markdown: &'a str) -> Self {
        MarkdownLines {
            markdown,
            next: 0,
            fence: None,
            after_blank: true,
        }
    }
}

impl<'a> Iterator for MarkdownLines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        let start = self.next;
        if start >= self.markdown.len() {
            return None;
        }
        let end = self.markdown[start..]
            .find('\n')
            .map_or(self.markdown.len(), |i| start + i);
        self.next = end + 1;
        let line = &self.markdown[start..end];
        let (indent, content_offset) = indentation(line);
        let content = line[content_offset..].trim_end();
        let after_blank = self.after_blank;

        let kind = if let Some((fence_char, fence_len)) = self.fence {
            if indent < 4
                && fence_length(content, fence_char) >= fence_len
                && content
                    .trim_start_matches(char::from(fence_char))
                    .is_empty()
            {
                self.fence = None;
            }
            LineKind::Fenced
        } else if content.is_empty() {
            self.after_blank = true;
            LineKind::Blank
        } else {
            self.after_blank = false;
            self.fence = if indent < 4 {
                fence_open(content)
            } else {
                None
            };
            if self.fence.is_some() {
                LineKind::FenceOpening
            } else {
                LineKind::Text
            }
        };
        Some(Line {
            start,
            content_start: start + content_offset,
            indent,
            content,
            kind,
            after_blank,
        })
    }
}

/// Columns of indentation (tabs to the next multiple of four) and the byte
/// offset of the first other character.
fn indentation(line: &str) -> (usize, usize) {
    let mut columns = 0;
    for (offset, byte) in line.bytes().enumerate() {
        match byte {
            b' ' => columns += 1,
            b'\t' => columns += 4 - columns % 4,
            _ => return (columns, offset),
        }
    }
    (columns, line.len())
}

fn fence_length(content: &str, fence_char: u8) -> usize {
    content.bytes().take_while(|&b| b == fence_char).count()
}

/// A line opening a fenced code block: its fence character and length.
fn fence_open(content: &str) -> Option<(u8, usize)> {
    let fence_char = *content.as_bytes().first()?;
    if fence_char != b'`' && fence_char != b'~' {
        return None;
    }
    let len = fence_length(content, fence_char);
    if len < 3 || (fence_char == b'`' && content[len..].contains('`')) {
        return None;
    }
    Some((fence_char, len))
}

/// `<name`, `</name` or `<!--` at the start.
fn starts_with_tag(content: &str) -> bool {
    let bytes = content.as_bytes();
    match bytes {
        [b'<', b'/', c, ..] | [b'<', c, ..] if c.is_ascii_alphabetic() => true,
        _ => bytes.starts_with(b"<!--"),
    }
}
