//! HTML to plain text, in one iterative tree walk that recovers from
//! malformed markup the way browsers do (html5ever through scraper).

use std::borrow::Cow;

use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use scraper::{Html, Node};

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

/// Extracts the text of an HTML fragment. Block elements end with `\n`,
/// whitespace inside a block collapses to one space (`<pre>` keeps its lines
/// and indentation), table cells are separated by a space, image alt text is
/// kept, comments and the content of `script`, `style`, `template`,
/// `noscript`, `iframe` and ruby annotations (`rt`, `rp`) are dropped.
pub(crate) fn html_to_text(html: &str) -> String {
    let document = Html::parse_fragment(html);
    let mut text = TextBuilder::with_capacity(html.len() / 2);
    walk(
        document.tree.root(),
        &mut text,
        |text, node| text.open(node.value()),
        |text, node| text.close(node.value()),
    );
    text.finish()
}

/// Visits the nodes under `root`, `root` included, in document order and
/// without recursion (malformed markup can nest arbitrarily deep): `open`
/// on entering a node, which says whether to visit its children, and
/// `close` on leaving it, whether its children were visited or not.
pub(crate) fn walk<'a, S>(
    root: NodeRef<'a, Node>,
    state: &mut S,
    open: impl Fn(&mut S, NodeRef<'a, Node>) -> bool,
    close: impl Fn(&mut S, NodeRef<'a, Node>),
) {
    // The node whose children are not visited, while they pass by.
    let mut passing = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if passing.is_none() && !open(state, node) {
                    passing = Some(node.id());
                }
            }
            Edge::Close(node) => match passing {
                None => close(state, node),
                Some(id) if id == node.id() => {
                    passing = None;
                    close(state, node);
                }
                Some(_) => {}
            },
        }
    }
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
