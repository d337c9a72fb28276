//! Post bodies to plain text: Markdown is rendered to HTML first, then all
//! HTML goes through one tree walk ([`html_to_text`]).
//!
//! # Exported HTML in Markdown files
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
use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Options, Parser};
use scraper::{Html, Node};

/// How a post's body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Markup {
    /// CommonMark (with tables, strikethrough, footnotes) and inline HTML.
    Markdown,
    /// HTML.
    Html,
}

/// The plain text of a body; see [`crate::post::Post::body`] for its shape.
pub(crate) fn body_text(body: &str, markup: Markup) -> String {
    if body.trim_ascii().is_empty() {
        return String::new();
    }
    match markup {
        Markup::Html => html_to_text(body),
        Markup::Markdown => html_to_text(&markdown_to_html(body)),
    }
}

/// Decodes HTML character references (`&amp;`, `&#8211;`, `&hellip;` …) in
/// a short text such as a title, exactly as a browser would in page text.
/// Tags are not interpreted: `<b>` stays `<b>`.
pub(crate) fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    // Escaping `<` leaves `&` as the only markup character, so the parser
    // decodes references and nothing else.
    let escaped = text.replace('<', "&lt;");
    let fragment = Html::parse_fragment(&escaped);
    Cow::Owned(fragment.root_element().text().collect())
}

/// Renders Markdown to HTML with pulldown-cmark (CommonMark plus tables,
/// strikethrough and footnotes), after the two repairs for exported HTML
/// described in the module docs.
pub(crate) fn markdown_to_html(markdown: &str) -> String {
    const PLACEHOLDER: &str = "<!--sagasu-raw-html:";
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    let regions = raw_html_regions(markdown);

    // Each region becomes a one-line HTML comment, which CommonMark passes
    // through as its own HTML block (it may interrupt a paragraph) while link
    // reference definitions elsewhere keep working; the comment is swapped
    // back for the region's HTML in the event stream.
    let mut source = Cow::Borrowed(markdown);
    if !regions.is_empty() {
        let mut replaced = String::with_capacity(markdown.len());
        let mut last = 0;
        for (index, region) in regions.iter().enumerate() {
            replaced.push_str(&markdown[last..region.start]);
            let _ = write!(replaced, "{PLACEHOLDER}{index}-->");
            let line_rest = markdown[region.end..]
                .split('\n')
                .next()
                .unwrap_or_default();
            if !line_rest.trim_ascii().is_empty() {
                replaced.push('\n');
            }
            last = region.end;
        }
        replaced.push_str(&markdown[last..]);
        source = Cow::Owned(replaced);
    }
    let unindented = match unindent_exported_html(&source) {
        Cow::Owned(changed) => Some(changed),
        Cow::Borrowed(_) => None,
    };
    if let Some(changed) = unindented {
        source = Cow::Owned(changed);
    }

    let mut html = String::with_capacity(source.len() + source.len() / 2);
    if regions.is_empty() {
        pulldown_cmark::html::push_html(&mut html, Parser::new_ext(&source, options));
        return html;
    }
    let mut emitted = vec![false; regions.len()];
    let events = Parser::new_ext(&source, options).map(|event| {
        if let Event::Html(line) = &event {
            let index = line
                .trim()
                .strip_prefix(PLACEHOLDER)
                .and_then(|rest| rest.strip_suffix("-->"))
                .and_then(|n| n.parse::<usize>().ok());
            if let Some((index, region)) = index.and_then(|i| Some((i, regions.get(i)?))) {
                emitted[index] = true;
                return Event::Html(CowStr::Borrowed(&markdown[region.clone()]));
            }
        }
        event
    });
    pulldown_cmark::html::push_html(&mut html, events);
    // Never lose text: a placeholder CommonMark did not keep as its own
    // block (not expected) still contributes its region, at the end.
    for (region, done) in regions.iter().zip(&emitted) {
        if !done {
            html.push_str(&markdown[region.clone()]);
        }
    }
    html
}

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
fn raw_html_regions(markdown: &str) -> Vec<Range<usize>> {
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
fn matched_elements(markdown: &str, name: &str) -> Vec<(usize, usize)> {
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
pub(crate) fn unindent_exported_html(markdown: &str) -> Cow<'_, str> {
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

/// Extracts the text of an HTML fragment. Block elements end with `\n`,
/// whitespace inside a block collapses to one space (`<pre>` keeps its lines
/// and indentation), table cells are separated by a space, image alt text is
/// kept, comments and the content of `script`, `style`, `template`,
/// `noscript`, `iframe` and ruby annotations (`rt`, `rp`) are dropped.
pub(crate) fn html_to_text(html: &str) -> String {
    let document = Html::parse_fragment(html);
    let mut text = TextBuilder::with_capacity(html.len() / 2);
    let root = document.tree.root();
    let mut node = root;
    // Iterative pre-order walk: malformed markup can nest arbitrarily deep.
    'walk: loop {
        if text.open(node.value())
            && let Some(child) = node.first_child()
        {
            node = child;
            continue;
        }
        loop {
            text.close(node.value());
            if node.id() == root.id() {
                break 'walk;
            }
            if let Some(sibling) = node.next_sibling() {
                node = sibling;
                continue 'walk;
            }
            match node.parent() {
                Some(parent) => node = parent,
                None => break 'walk,
            }
        }
    }
    text.finish()
}

/// How the text walk treats an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Content dropped.
    Skip,
    /// Starts and ends a line.
    Block,
    /// Block whose whitespace is kept.
    Pre,
    /// `<br>`: ends the line.
    Break,
    /// Table cell: separated from its neighbours by a space.
    Cell,
    /// `<img>`: contributes its alt text.
    Image,
    /// Everything else: its text flows into the surrounding line.
    Inline,
}

fn classify(name: &str) -> Kind {
    match name {
        "script" | "style" | "template" | "noscript" | "iframe" | "rp" | "rt" => Kind::Skip,
        "pre" | "listing" | "xmp" | "plaintext" => Kind::Pre,
        "br" => Kind::Break,
        "td" | "th" => Kind::Cell,
        "img" => Kind::Image,
        "address" | "article" | "aside" | "audio" | "blockquote" | "body" | "canvas"
        | "caption" | "center" | "dd" | "details" | "dialog" | "dir" | "div" | "dl" | "dt"
        | "fieldset" | "figcaption" | "figure" | "footer" | "form" | "h1" | "h2" | "h3" | "h4"
        | "h5" | "h6" | "header" | "hgroup" | "hr" | "html" | "legend" | "li" | "main" | "menu"
        | "nav" | "ol" | "optgroup" | "option" | "p" | "search" | "section" | "select"
        | "summary" | "table" | "tbody" | "textarea" | "tfoot" | "thead" | "tr" | "ul"
        | "video" => Kind::Block,
        _ => Kind::Inline,
    }
}

/// Accumulates the extracted text.
struct TextBuilder {
    out: String,
    /// Whitespace was seen since the last text: emit one space before the
    /// next text unless it starts a line.
    pending_space: bool,
    /// Nesting depth of `<pre>`-like elements.
    pre_depth: usize,
    /// Where the outermost open `<pre>`'s text starts in `out`.
    pre_start: usize,
}

impl TextBuilder {
    fn with_capacity(capacity: usize) -> Self {
        TextBuilder {
            out: String::with_capacity(capacity),
            pending_space: false,
            pre_depth: 0,
            pre_start: 0,
        }
    }

    /// Handles entering a node; returns whether to walk its children.
    fn open(&mut self, node: &Node) -> bool {
        match node {
            Node::Text(text) => {
                self.text(text);
                false
            }
            Node::Element(element) => match classify(element.name()) {
                Kind::Skip => false,
                Kind::Block | Kind::Break => {
                    self.line_break();
                    true
                }
                Kind::Pre => {
                    self.line_break();
                    if self.pre_depth == 0 {
                        self.pre_start = self.out.len();
                    }
                    self.pre_depth += 1;
                    true
                }
                Kind::Cell => {
                    self.pending_space = true;
                    true
                }
                Kind::Image => {
                    if let Some(alt) = element.attr("alt") {
                        self.pending_space = true;
                        self.text(alt);
                        self.pending_space = true;
                    }
                    true
                }
                Kind::Inline => true,
            },
            Node::Document | Node::Fragment => true,
            Node::Doctype(_) | Node::Comment(_) | Node::ProcessingInstruction(_) => false,
        }
    }

    /// Handles leaving a node (also called for nodes not descended into).
    fn close(&mut self, node: &Node) {
        if let Node::Element(element) = node {
            match classify(element.name()) {
                Kind::Block => self.line_break(),
                Kind::Pre => {
                    self.pre_depth = self.pre_depth.saturating_sub(1);
                    if self.pre_depth == 0 {
                        self.end_pre();
                    }
                }
                Kind::Cell => self.pending_space = true,
                Kind::Skip | Kind::Break | Kind::Image | Kind::Inline => {}
            }
        }
    }

    fn at_line_start(&self) -> bool {
        self.out.is_empty() || self.out.ends_with('\n')
    }

    fn line_break(&mut self) {
        if !self.at_line_start() {
            self.out.push('\n');
        }
        self.pending_space = false;
    }

    fn text(&mut self, text: &str) {
        if self.pre_depth > 0 {
            self.out.push_str(text);
            return;
        }
        let mut first = true;
        for piece in text.split(char::is_whitespace) {
            if !first {
                self.pending_space = true;
            }
            first = false;
            if piece.is_empty() {
                continue;
            }
            if self.pending_space && !self.at_line_start() {
                self.out.push(' ');
            }
            self.pending_space = false;
            self.out.push_str(piece);
        }
    }

    /// Trims blank lines at both ends of the `<pre>` text just closed.
    fn end_pre(&mut self) {
        let start = self.pre_start;
        let trimmed = self.out[start..].trim_end().len();
        self.out.truncate(start + trimmed);
        let content = &self.out[start..];
        if let Some(first) = content.find(|c: char| !c.is_whitespace()) {
            let blank_prefix = content[..first].rfind('\n').map_or(0, |i| i + 1);
            self.out.replace_range(start..start + blank_prefix, "");
        }
        self.line_break();
    }

    fn finish(mut self) -> String {
        let trimmed = self.out.trim_end().len();
        self.out.truncate(trimmed);
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(source: &str) -> String {
        body_text(source, Markup::Markdown)
    }

    fn html(source: &str) -> String {
        body_text(source, Markup::Html)
    }

    #[test]
    fn blocks_end_lines_and_whitespace_collapses() {
        assert_eq!(
            html("<p>\n    春の\n    庭に  \t咲く\n</p>\n\n<div>花<br>だより</div>"),
            "春の 庭に 咲く\n花\nだより\n"
        );
        assert_eq!(
            html(
                "<h2>見出し</h2><ul><li>一</li><li>二 <b>太字</b>です</li></ul><blockquote>引用</blockquote>"
            ),
            "見出し\n一\n二 太字です\n引用\n"
        );
        assert_eq!(html("   \n  "), "");
        assert_eq!(html("ただの文"), "ただの文\n");
        // No blank lines from empty blocks or repeated breaks.
        assert_eq!(
            html("<p></p><p>あ</p><br><br><p>い</p><div> </div>"),
            "あ\nい\n"
        );
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(
            html("<p>A&amp;B&nbsp;&nbsp;C &#12354;&#x3044; &hellip; &lt;tag&gt; &unknown;</p>"),
            "A&B C あい … <tag> &unknown;\n"
        );
    }

    #[test]
    fn scripts_styles_templates_and_comments_are_dropped() {
        let text = html(
            "<p>前<script>var x = '<p>秘密</p>';</script>後</p>\
             <style>p { color: red }</style>\
             <template><p>型</p></template>\
             <noscript>無効</noscript>\
             <!-- コメント --><p>終<iframe src=x>枠</iframe></p>",
        );
        assert_eq!(text, "前後\n終\n");
    }

    #[test]
    fn malformed_wordpress_markup_recovers() {
        let text = html(
            "<div class=\"section\">\n  <p>\n    一段落目\n  \n  <p>\n    <a href=\"x\"><a href=\"y\">入れ子</a></a>のリンク\n  </p>\n</div></div>\n<p>最後",
        );
        assert_eq!(text, "一段落目\n入れ子のリンク\n最後\n");
        assert!(!text.contains("href"));
    }

    #[test]
    fn tables_cells_images_and_ruby() {
        assert_eq!(
            html(
                "<table><tr><th>時刻</th><th>予定</th></tr><tr><td>6:40</td><td>起床</td></tr></table>"
            ),
            "時刻 予定\n6:40 起床\n"
        );
        assert_eq!(
            html("<p>写真<img src=a.png alt=\"夕焼け\">です<img src=b.png></p>"),
            "写真 夕焼け です\n"
        );
        assert_eq!(
            html("<p><ruby>漢字<rp>(</rp><rt>かんじ</rt><rp>)</rp></ruby>を読む</p>"),
            "漢字を読む\n"
        );
    }

    #[test]
    fn pre_keeps_lines_and_indentation() {
        let text =
            html("<p>例:</p><pre>\n\n  fn main() {\n      let a = 1;\n  }\n\n</pre><p>以上</p>");
        assert_eq!(text, "例:\n  fn main() {\n      let a = 1;\n  }\n以上\n");
    }

    #[test]
    fn markdown_renders_to_text() {
        let text = md(
            "# 題名\n\n本文の**強調**と[リンク](http://example.com/)と`code`。\n\n\
             - 項目1\n- 項目2\n\n\
             | 列A | 列B |\n|---|---|\n| 1 | 2 |\n\n\
             ~~取り消し~~注釈[^1]\n\n[^1]: 脚注の本文\n\n\
             ```rust\nlet x = \"<b>\";\n```\n",
        );
        assert_eq!(
            text,
            "題名\n本文の強調とリンクとcode。\n項目1\n項目2\n列A 列B\n1 2\n取り消し注釈1\n1\n脚注の本文\nlet x = \"<b>\";\n"
        );
    }

    #[test]
    fn markdown_reference_links_and_inline_html() {
        let text = md("[参照][] を見る。<span class=\"x\">インライン</span>\n\n\
             <div class=\"note\">\n<p>ブロック &amp; HTML</p>\n</div>\n\n[参照]: https://example.com/\n");
        assert_eq!(text, "参照 を見る。インライン\nブロック & HTML\n");
    }

    /// The shape of the WordPress export: indented HTML with blank lines and
    /// nested lists indented by four or more spaces.
    const WORDPRESS_MD: &str = "<div class=\"section\">\n  <p>\n    <a href=\"http://example.com/\">勉強会</a> に参加した。\n  </p>\n  \n  <ul>\n    <li>\n      一つ目 <ul>\n        <li>\n          入れ子\n        </li>\n      </ul>\n    </li>\n    \n    <li>\n      二つ目\n    </li>\n  </ul>\n  \n  <p>\n    [まとめ]\n  </p>\n</div>\n";

    #[test]
    fn wordpress_html_in_markdown_is_not_turned_into_code() {
        // What pure CommonMark would do: the `<li>` after the blank line is
        // an indented code block.
        let mut commonmark = String::new();
        pulldown_cmark::html::push_html(&mut commonmark, Parser::new(WORDPRESS_MD));
        assert!(commonmark.contains("&lt;li&gt;"));

        let text = md(WORDPRESS_MD);
        assert_eq!(
            text,
            "勉強会 に参加した。\n一つ目\n入れ子\n二つ目\n[まとめ]\n"
        );
    }

    #[test]
    fn exported_html_survives_stray_end_tags_and_markdown_around_it() {
        // A stray `</div>` ends the outer element early; the rest is still HTML.
        let source = "前書き [参照][]\n\n<div class=\"a\">\n  <p>\n    一\n  </p>\n</div></div>\n  \n    <div class=\"b\">\n      <p>\n        二\n      </p>\n      \n      <p>\n        三 *強調ではない*\n      </p>\n    </div>\n\n後書き **太字**\n\n    本当のコード <b>\n\n[参照]: /x/\n";
        assert_eq!(
            md(source),
            "前書き 参照\n一\n二\n三 *強調ではない*\n後書き 太字\n本当のコード <b>\n"
        );
        // A text line ending with a tag, after a blank line, continues too.
        assert_eq!(
            md("<ol>\n  <li>\n    <pre>x</pre>\n    \n    が出た</li>\n</ol>\n"),
            "x\nが出た\n"
        );
    }

    #[test]
    fn genuine_indented_code_is_left_alone() {
        // Unchanged input is borrowed, not copied.
        assert!(matches!(
            unindent_exported_html("文\n\n    <p>コード</p>\n"),
            Cow::Borrowed(_)
        ));
        // After prose: code.
        assert_eq!(
            md("HTML の例:\n\n    <p>コード</p>\n"),
            "HTML の例:\n<p>コード</p>\n"
        );
        // A code block continuing after a blank line stays code even when
        // its lines are HTML.
        assert_eq!(
            md("例:\n\n    <ul>\n      <li>a</li>\n    </ul>\n\n    <p>続き</p>\n"),
            "例:\n<ul>\n  <li>a</li>\n</ul>\n\n<p>続き</p>\n"
        );
        // Inside fenced code nothing changes.
        let fenced = "<p>前</p>\n\n```\n<div>\n\n    <p>x</p>\n</div>\n```\n";
        assert!(matches!(unindent_exported_html(fenced), Cow::Borrowed(_)));
        assert_eq!(md(fenced), "前\n<div>\n\n    <p>x</p>\n</div>\n");
        // Tabs count as indentation; CRLF lines work.
        assert_eq!(md("<div>\r\n</div>\r\n\r\n\t<p>タブ</p>\r\n"), "タブ\n");
    }

    #[test]
    fn regions_keep_exported_pre_blocks_raw() {
        // The `<pre>` continues a `<p>` HTML block, so after its blank lines
        // CommonMark would read the highlighted lines as Markdown paragraphs
        // (backticks become code spans, `*` emphasis).
        let source = "<div class=\"section\">\n  <p>\n    <pre class=\"hl\">\n\n<span class=\"c\"># 見出しではない</span>\n\n<span class=\"s\">X=`ls *.md | wc -l`</span>\n</pre></div>\n\n後書き\n";
        let regions = raw_html_regions(source);
        assert_eq!(regions.len(), 1);
        assert!(source[regions[0].clone()].ends_with("</pre></div>"));
        assert_eq!(
            md(source),
            "# 見出しではない\n\nX=`ls *.md | wc -l`\n後書き\n"
        );
    }

    #[test]
    fn regions_respect_fences_lists_nesting_and_markdown_in_html() {
        // Inside a fenced block the HTML is code and stays literal.
        let fenced = "```\n<div>\n\n    <p>x</p>\n</div>\n```\n";
        assert!(raw_html_regions(fenced).is_empty());
        assert_eq!(md(fenced), "<div>\n\n    <p>x</p>\n</div>\n");
        // Nothing CommonMark would misread: left to CommonMark.
        assert!(raw_html_regions("<div>\n  <p>x</p>\n\n  <p>y</p>\n</div>\n").is_empty());
        // Markdown inside an HTML block (CommonMark sites) keeps working.
        let details = "<details>\n<summary>詳細</summary>\n\n- **項目**\n\n</details>\n";
        assert!(raw_html_regions(details).is_empty());
        assert_eq!(md(details), "詳細\n項目\n");
        // Nested same-name elements and comments are counted correctly.
        let nested = "<div>\n<div>\n</div>\n<!-- </div> -->\n\n    <p>in</p>\n</div>\n\n本当の\n\n    code\n";
        let regions = raw_html_regions(nested);
        assert_eq!(regions.len(), 1);
        assert!(nested[regions[0].clone()].ends_with("<p>in</p>\n</div>"));
        assert_eq!(md(nested), "in\n本当の\ncode\n");
        // Never closed: no region (rule 2 still un-indents the tag line).
        assert!(raw_html_regions("<div>\n\n    <p>x</p>\n").is_empty());
        assert_eq!(md("<div>\n\n    <p>x</p>\n"), "x\n");
        // An indented start tag inside a list item is the list's business.
        assert!(raw_html_regions("- item\n\n  <div>\n\n      <p>x</p>\n  </div>\n").is_empty());
        // Text after the end tag on the same line is Markdown again, and
        // reference links defined after a region still resolve.
        assert_eq!(
            md(
                "[参照][]\n<div>\n  <p>a</p>\n\n      <p>b</p>\n</div> 続き *強調*\n\n[参照]: /x/\n"
            ),
            "参照\na\nb\n続き 強調\n"
        );
    }

    #[test]
    fn start_and_end_tags_pair_up() {
        let source = "</div><DIV a=1><div/><div>x</div><!-- <div> --></Div><div>";
        // Offsets just past each start tag's name, and just past its end tag.
        let outer = source.find("<DIV").map(|i| i + 4);
        let inner = source.find("<div>").map(|i| i + 4);
        let pairs = matched_elements(source, "div");
        assert_eq!(pairs.len(), 2);
        assert_eq!(Some(pairs[0].0), outer);
        assert!(source[..pairs[0].1].ends_with("--></Div>"));
        assert_eq!(Some(pairs[1].0), inner);
        assert!(source[..pairs[1].1].ends_with("x</div>"));
        // Many unclosed candidates stay linear and find nothing.
        let unclosed = format!("{}\n\n    <p>x\n", "<p>a\n".repeat(20_000));
        assert!(raw_html_regions(&unclosed).is_empty());
    }

    #[test]
    fn titles_decode_entities_only() {
        assert_eq!(decode_entities("無題"), "無題");
        assert_eq!(
            decode_entities("A &#8211; B &#038; C&hellip; &amp;lt;"),
            "A – B & C… &lt;"
        );
        assert_eq!(
            decode_entities("<b>太字</b> &amp; x < y"),
            "<b>太字</b> & x < y"
        );
    }
}
