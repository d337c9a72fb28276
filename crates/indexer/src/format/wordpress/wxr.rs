//! The streaming WXR reader: an export's XML read as events into raw items
//! (each field's text as written, entities decoded) and the channel's
//! authors, with what could not be read; see *Reading* and *Broken files*
//! in the [parent module](super)'s docs.

use std::borrow::Cow;
use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};

use super::malformed;
use crate::error::PostError;

/// An export as read: its items and what could not be read, in file order.
#[derive(Debug, Default)]
pub(super) struct Export {
    /// Display names by login.
    pub(super) authors: HashMap<String, String>,
    pub(super) parts: Vec<Part>,
    /// Why the file is cut short, when it is.
    pub(super) cut: Option<String>,
}

#[derive(Debug)]
pub(super) enum Part {
    /// An item read whole; `number` is its 1-based position.
    Item { number: usize, item: Box<RawItem> },
    /// An item with broken XML.
    Broken {
        number: usize,
        post_id: Option<String>,
        message: String,
    },
    /// Broken XML between items.
    Between { message: String },
}

/// One item's fields, as written.
#[derive(Debug, Default)]
pub(super) struct RawItem {
    pub(super) title: String,
    pub(super) link: String,
    pub(super) pub_date: String,
    pub(super) creator: String,
    pub(super) content: String,
    pub(super) excerpt: String,
    pub(super) post_id: String,
    pub(super) post_date: String,
    pub(super) post_date_gmt: String,
    pub(super) post_name: String,
    pub(super) status: String,
    pub(super) post_type: String,
    pub(super) password: String,
    /// `(domain, display name, nicename)` of each `<category>`.
    pub(super) terms: Vec<(String, String, String)>,
}

/// The field an element's text goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Title,
    Link,
    PubDate,
    Creator,
    Content,
    Excerpt,
    PostId,
    PostDate,
    PostDateGmt,
    PostName,
    Status,
    PostType,
    Password,
    Term,
    AuthorLogin,
    AuthorDisplayName,
}

impl Slot {
    /// The slot of a child of `<item>`.
    fn of_item_child(name: &[u8]) -> Option<Slot> {
        Some(match name {
            b"title" => Slot::Title,
            b"link" => Slot::Link,
            b"pubDate" => Slot::PubDate,
            b"dc:creator" => Slot::Creator,
            b"content:encoded" => Slot::Content,
            b"excerpt:encoded" => Slot::Excerpt,
            b"wp:post_id" => Slot::PostId,
            b"wp:post_date" => Slot::PostDate,
            b"wp:post_date_gmt" => Slot::PostDateGmt,
            b"wp:post_name" => Slot::PostName,
            b"wp:status" => Slot::Status,
            b"wp:post_type" => Slot::PostType,
            b"wp:post_password" => Slot::Password,
            b"category" => Slot::Term,
            _ => return None,
        })
    }

    /// The slot of a child of the channel's `<wp:author>`.
    fn of_author_child(name: &[u8]) -> Option<Slot> {
        match name {
            b"wp:author_login" => Some(Slot::AuthorLogin),
            b"wp:author_display_name" => Some(Slot::AuthorDisplayName),
            _ => None,
        }
    }
}

/// Reads the export's items with a streaming reader; see *Broken files* in
/// the module docs for what happens at an XML error.
pub(super) fn parse(text: &str) -> Result<Export, PostError> {
    let mut parser = Parser::new(text);
    let mut start = 0;
    while let Err((at, error)) = parser.run(start) {
        let message = format!(
            "its XML is broken at {}: {error}",
            line_and_column(text, at)
        );
        parser.field = None;
        parser.author = None;
        parser.buffer.clear();
        if parser.item.is_none() && parser.items == 0 {
            return Err(malformed(message));
        }
        // Go on at the next item (or the channel's end) after the error.
        let from = parser
            .item
            .as_ref()
            .map_or(at, |open| (open.start + 1).max(at));
        let next = find_from(text, from, "<item>");
        let channel_end = find_from(text, from, "</channel>");
        if next.is_none() && channel_end.is_none() {
            // Cut short: reported once, below.
            break;
        }
        parser.export.parts.push(match parser.item.take() {
            Some(open) => Part::Broken {
                number: open.number,
                post_id: post_id_in(&text[open.start..next.or(channel_end).unwrap_or(text.len())]),
                message,
            },
            None => Part::Between { message },
        });
        match next {
            Some(next) => start = next,
            None => {
                parser.closed = true;
                break;
            }
        }
    }
    if !parser.closed {
        if parser.items == 0 {
            return Err(malformed(
                "it ends before its first `<item>`, without `</channel>`: it was cut short",
            ));
        }
        parser.cut_short();
    }
    Ok(parser.export)
}

/// The streaming reader's state.
struct Parser<'a> {
    text: &'a str,
    export: Export,
    /// The depth of the element being read (the `<rss>` element is 1).
    depth: usize,
    /// The depth of `<item>` elements, once one was seen.
    item_depth: Option<usize>,
    /// Items started so far.
    items: usize,
    item: Option<OpenItem>,
    /// A `<wp:author>` being read: its depth, login and display name.
    author: Option<(usize, String, String)>,
    /// The field being read, at its depth.
    field: Option<(Slot, usize)>,
    /// A `<category>`'s `domain` and `nicename`.
    term: (String, String),
    /// The text of the field being read.
    buffer: String,
    /// Whether `</channel>` was read.
    closed: bool,
}

struct OpenItem {
    number: usize,
    /// Where its start tag is in the text.
    start: usize,
    item: Box<RawItem>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser {
            text,
            export: Export::default(),
            depth: 0,
            item_depth: None,
            items: 0,
            item: None,
            author: None,
            field: None,
            term: (String::new(), String::new()),
            buffer: String::new(),
            closed: false,
        }
    }

    /// Reads from `start` (the start, or an `<item>` to go on at) to the end
    /// of the text; on an XML error, its position and the error.
    fn run(&mut self, start: usize) -> Result<(), (usize, quick_xml::Error)> {
        let mut reader = Reader::from_str(&self.text[start..]);
        let config = reader.config_mut();
        // Going on at an `<item>` leaves `</channel>` and `</rss>` unopened.
        config.allow_unmatched_ends = true;
        config.allow_dangling_amp = true;
        if start > 0 {
            self.depth = self.item_depth.map_or(0, |depth| depth - 1);
        }
        loop {
            let before = start + to_usize(reader.buffer_position());
            let event = reader
                .read_event()
                .map_err(|error| (start + to_usize(reader.error_position()), error));
            let event = match event {
                Ok(Event::Eof) => return Ok(()),
                Ok(event) => event,
                Err(error) => return Err(error),
            };
            self.event(event, before).map_err(|error| (before, error))?;
        }
    }

    /// Handles one event; `at` is where it starts in the text.
    fn event(&mut self, event: Event<'_>, at: usize) -> Result<(), quick_xml::Error> {
        match event {
            Event::Start(start) => {
                self.depth += 1;
                self.start(&start, at);
            }
            Event::Empty(start) => {
                // `<category domain="post_tag" nicename="x"/>`: a term
                // with no display name.
                self.depth += 1;
                self.start(&start, at);
                self.end(start.name().as_ref());
                self.depth -= 1;
            }
            Event::End(end) => {
                self.end(end.name().as_ref());
                self.depth = self.depth.saturating_sub(1);
            }
            Event::Text(text) if self.field.is_some() => {
                push_text(&mut self.buffer, &text.decode()?)
            }
            Event::CData(data) if self.field.is_some() => {
                push_text(&mut self.buffer, &data.decode()?)
            }
            Event::GeneralRef(reference) if self.field.is_some() => {
                push_reference(&mut self.buffer, &reference)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn start(&mut self, start: &BytesStart<'_>, at: usize) {
        let name = start.name();
        let name = name.as_ref();
        if self.field.is_some() {
            // Markup inside a field (unescaped HTML): its text is the field's.
            return;
        }
        if self.item.is_some() {
            if self.item_depth.is_some_and(|depth| self.depth == depth + 1)
                && let Some(slot) = Slot::of_item_child(name)
            {
                if slot == Slot::Term {
                    self.term = (attribute(start, b"domain"), attribute(start, b"nicename"));
                }
                self.field = Some((slot, self.depth));
            }
            return;
        }
        if name == b"item" {
            self.items += 1;
            self.item_depth = Some(self.depth);
            self.item = Some(OpenItem {
                number: self.items,
                start: at,
                item: Box::default(),
            });
        } else if name == b"wp:author" {
            self.author = Some((self.depth, String::new(), String::new()));
        } else if let Some((depth, _, _)) = &self.author
            && self.depth == depth + 1
            && let Some(slot) = Slot::of_author_child(name)
        {
            self.field = Some((slot, self.depth));
        }
    }

    fn end(&mut self, name: &[u8]) {
        if let Some((slot, depth)) = self.field {
            if depth != self.depth {
                return;
            }
            self.field = None;
            let text = std::mem::take(&mut self.buffer);
            if let Some(open) = &mut self.item {
                let item = &mut open.item;
                let target = match slot {
                    Slot::Title => &mut item.title,
                    Slot::Link => &mut item.link,
                    Slot::PubDate => &mut item.pub_date,
                    Slot::Creator => &mut item.creator,
                    Slot::Content => &mut item.content,
                    Slot::Excerpt => &mut item.excerpt,
                    Slot::PostId => &mut item.post_id,
                    Slot::PostDate => &mut item.post_date,
                    Slot::PostDateGmt => &mut item.post_date_gmt,
                    Slot::PostName => &mut item.post_name,
                    Slot::Status => &mut item.status,
                    Slot::PostType => &mut item.post_type,
                    Slot::Password => &mut item.password,
                    Slot::Term => {
                        let (domain, nicename) = std::mem::take(&mut self.term);
                        item.terms.push((domain, text, nicename));
                        return;
                    }
                    Slot::AuthorLogin | Slot::AuthorDisplayName => return,
                };
                *target = text;
            } else if let Some((_, login, display)) = &mut self.author {
                match slot {
                    Slot::AuthorLogin => *login = text,
                    Slot::AuthorDisplayName => *display = text,
                    _ => {}
                }
            }
            return;
        }
        if self.item.is_some() && self.item_depth == Some(self.depth) {
            if let Some(open) = self.item.take() {
                self.export.parts.push(Part::Item {
                    number: open.number,
                    item: open.item,
                });
            }
        } else if let Some((depth, login, display)) = &mut self.author
            && *depth == self.depth
        {
            let login = std::mem::take(login).trim().to_owned();
            let display = std::mem::take(display);
            if !login.is_empty() && !display.trim().is_empty() {
                self.export.authors.insert(login, display);
            }
            self.author = None;
        } else if name == b"channel" && self.item.is_none() {
            self.closed = true;
        }
    }

    /// Records that the text ends before `</channel>`.
    fn cut_short(&mut self) {
        let place = line_and_column(self.text, self.text.len());
        let message = match self.item.take() {
            Some(open) => {
                let which = post_id_in(&self.text[open.start..]).map_or_else(
                    || format!("item {}", open.number),
                    |id| format!("the item with `wp:post_id` {id}"),
                );
                format!(
                    "it ends at {place}, inside {which}, without `</channel>`: it was cut short; \
                     the items before were read"
                )
            }
            None => format!(
                "it ends at {place} without `</channel>`: it was cut short; the items before were read"
            ),
        };
        self.export.cut = Some(message);
    }
}

fn to_usize(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

/// An attribute's value, entity-decoded (as written when it holds an
/// entity XML does not define); empty when missing or unreadable.
fn attribute(start: &BytesStart<'_>, name: &[u8]) -> String {
    match start.try_get_attribute(name) {
        Ok(Some(attribute)) => attribute.unescape_value().map_or_else(
            |_| String::from_utf8_lossy(&attribute.value).into_owned(),
            Cow::into_owned,
        ),
        _ => String::new(),
    }
}

/// Appends text, without the control characters XML does not allow.
fn push_text(buffer: &mut String, text: &str) {
    let forbidden = |c: char| c < ' ' && !matches!(c, '\t' | '\n' | '\r');
    if text
        .bytes()
        .any(|b| b < b' ' && !matches!(b, b'\t' | b'\n' | b'\r'))
    {
        buffer.extend(text.chars().filter(|&c| !forbidden(c)));
    } else {
        buffer.push_str(text);
    }
}

/// Appends what an entity or character reference stands for.
fn push_reference(buffer: &mut String, reference: &BytesRef<'_>) -> Result<(), quick_xml::Error> {
    if reference.is_char_ref() {
        // `&#0;` and other references to no character are dropped.
        if let Ok(Some(c)) = reference.resolve_char_ref() {
            push_text(buffer, c.encode_utf8(&mut [0; 4]));
        }
        return Ok(());
    }
    let name = reference.decode()?;
    match &*name {
        "amp" => buffer.push('&'),
        "lt" => buffer.push('<'),
        "gt" => buffer.push('>'),
        "quot" => buffer.push('"'),
        "apos" => buffer.push('\''),
        other => {
            buffer.push('&');
            buffer.push_str(other);
            buffer.push(';');
        }
    }
    Ok(())
}

/// `line L, column C` (both 1-based, columns in characters) of a byte
/// offset.
fn line_and_column(text: &str, at: usize) -> String {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .count()
        + 1;
    format!("line {line}, column {column}")
}

/// Where `needle` is in `text` at or after `from`.
fn find_from(text: &str, from: usize, needle: &str) -> Option<usize> {
    let from = from.min(text.len());
    text.as_bytes()[from..]
        .windows(needle.len())
        .position(|window| window == needle.as_bytes())
        .map(|at| from + at)
}

/// The `wp:post_id` an item's text shows, if any.
fn post_id_in(item: &str) -> Option<String> {
    let at = item.find("<wp:post_id>")? + "<wp:post_id>".len();
    let rest = item[at..].trim_start();
    let rest = rest.strip_prefix("<![CDATA[").unwrap_or(rest);
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then_some(digits)
}
