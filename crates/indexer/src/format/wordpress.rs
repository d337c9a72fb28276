//! WordPress eXtended RSS (WXR) 1.0, 1.1 and 1.2: the file WordPress's
//! Tools → Export writes (`example.wordpress.2025-01-19.xml`). One file
//! holds a whole site; each `<item>` is a post, page, attachment, menu item
//! …, and a post's id is `FILE#wp:post_id`.
//!
//! # Reading
//!
//! The file is read as a stream of XML events (quick-xml), never as a tree,
//! so a 100 MB export costs its items' text and no more. Elements are
//! matched by their names as WordPress writes them (`wp:post_id`,
//! `content:encoded`, `dc:creator`), as WordPress's own importer does when
//! it has no XML library.
//!
//! - A field's text is all its text and CDATA sections joined: a CDATA
//!   section split to hold `]]>` (`]]]]><![CDATA[>`) reads back whole.
//! - XML's five entities and character references are decoded; any other
//!   entity (`&nbsp;` in a title, which XML does not define) is kept as
//!   written and decoded as HTML with the rest of the text. A bare `&` is
//!   text.
//! - Control characters XML does not allow (U+0000 to U+001F but tab, line
//!   feed and carriage return), which posts pasted from other programs
//!   carry, are dropped.
//! - Only an item's own children are read: its comments (`wp:comment`) and
//!   custom fields (`wp:postmeta`) are not the post.
//! - The channel's `wp:author` blocks (WXR 1.1 and later) give each login
//!   (`wp:author_login`) its display name (`wp:author_display_name`).
//!
//! # Fields
//!
//! - Items whose `wp:post_type` is `post` or `page` (no `wp:post_type`, as
//!   in hand-made files, is `post`) are posts. `attachment` (a media file)
//!   and other types are skipped as not a post; `nav_menu_item` and the
//!   site editor's types (`wp_template`, `wp_template_part`,
//!   `wp_navigation`, `wp_global_styles`, `wp_block`, `custom_css`,
//!   `customize_changeset`) as templates.
//! - `wp:status` `publish` is published. `future` is skipped as scheduled
//!   (even when its date has passed: WordPress had not published it when it
//!   exported), `private` as private, and `draft`, `pending`, `auto-draft`,
//!   `trash`, any other value or none as a draft.
//! - A password-protected post (`wp:post_password` not empty) is indexed by
//!   its title only: its body and excerpt are not read at all, and `extra`
//!   says `password_protected: true`.
//! - Title: `<title>`, entities decoded; `(無題)` when empty.
//! - Author: the display name of `dc:creator`'s login, else the login.
//! - `<category domain="category">` are categories and `domain="post_tag"`
//!   (WXR 1.0 also writes `domain="tag"`) tags, by their display name (the
//!   element's text), or the percent-decoded `nicename` when the text is
//!   empty; de-duplicated (WXR 1.0 writes each category twice). A
//!   `<category>` without `domain` (WXR 1.0) is a category; other
//!   taxonomies (`post_format`, a plugin's) are not read.
//! - Date: `wp:post_date`, the site's wall clock, in the zone that the
//!   difference with `wp:post_date_gmt` gives (`+09:00` for a Japanese
//!   site); when `wp:post_date_gmt` is missing or `0000-00-00 00:00:00`
//!   (drafts, some old exports), in the site's zone. Without a
//!   `wp:post_date`, `pubDate` (RFC 2822). A `wp:post_date` that cannot be
//!   read fails the post.
//! - URL: `<link>` as written (the run drops one that is not http(s) or
//!   relative, as for every format).
//! - Body: `content:encoded`. Shortcode tags are removed and the text
//!   between a pair kept: `[caption …]<img alt="…">夕焼け[/caption]` keeps
//!   the image's alt text and the caption (and an old-style
//!   `caption="…"` argument); a tag is removed when it is closed later
//!   (`[/name]`), closes itself (`[name /]`), or is one of WordPress's
//!   own (`gallery`, `audio`, `video`, `playlist`, `embed`, `caption`,
//!   `wp_caption`) or `contact-form-7`; other brackets (`[PR]`, `a[i]`) are
//!   text. `[[name]]` is the literal `[name]`. Then a block-editor post
//!   (holding `<!-- wp:` comments) is HTML as it is (the comments are
//!   dropped); a classic post gets WordPress's `wpautop`: blank lines make
//!   paragraphs and other newlines line breaks.
//! - `extra`: `excerpt` (`excerpt:encoded`, when not blank), `post_type`,
//!   `slug` (`wp:post_name`, percent-decoded).
//!
//! # Ids
//!
//! `FILE#wp:post_id` (`wordpress.2025-01-19.xml#101`): WordPress's post id,
//! stable across exports of the same site. An item without `wp:post_id`
//! fails as `FILE#item-N` (N its 1-based position among the items); an item
//! whose `wp:post_id` an earlier item has fails.
//!
//! # Broken files
//!
//! - An XML error before the first item is read fails the file: "looks like
//!   a WordPress export, but its XML is broken at line L, column C: …".
//! - An XML error inside an item fails that item (with its `wp:post_id` when
//!   the item's text shows one); reading goes on at the next `<item>`. An
//!   error between items is reported for the file, and reading goes on the
//!   same way.
//! - A file that ends before `</channel>` was cut short (an interrupted
//!   download): the items before the cut are read, the item the cut falls
//!   in is not, and the file reports the cut ([`Entry::Truncated`]), so the
//!   posts indexed from it before and not read now are kept.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use chrono::{FixedOffset, NaiveDateTime, TimeZone};
use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};
use rayon::prelude::*;
use serde_json::Value;

use super::{Entry, Skip, SkipKind, SourceFile};
use crate::date;
use crate::error::PostError;
use crate::post::{Names, Post, check_size, clean_text};
use crate::text::{self, Markup};

/// The format's name in errors.
const FORMAT: &str = "a WordPress export";

/// Post types that are parts of the site's layout, not posts.
const TEMPLATE_TYPES: &[&str] = &[
    "nav_menu_item",
    "wp_template",
    "wp_template_part",
    "wp_navigation",
    "wp_global_styles",
    "wp_block",
    "custom_css",
    "customize_changeset",
];

/// Shortcodes removed even when they are not closed: WordPress's own, and
/// the contact form most Japanese blogs use.
const SELF_CLOSING_SHORTCODES: &[&str] = &[
    "gallery",
    "audio",
    "video",
    "playlist",
    "embed",
    "caption",
    "wp_caption",
    "contact-form-7",
];

/// What `wp:post_date_gmt` holds when WordPress has no date for the post.
const ZERO_DATE: &str = "0000-00-00 00:00:00";

/// Whether a file starts like a WordPress export: an `<rss` element and the
/// WXR namespace (`http://wordpress.org/export/1.2/`).
pub(super) fn sniff(head: &str) -> bool {
    head.contains("<rss") && head.contains("://wordpress.org/export/1.")
}

/// Reads every item of an export.
pub(crate) fn read(file: &SourceFile<'_>) -> Result<Vec<Entry>, PostError> {
    let export = parse(file.text)?;
    let mut seen = HashSet::new();
    let pending: Vec<Pending> = export
        .parts
        .into_iter()
        .map(|part| match part {
            Part::Item { number, item } => {
                let post_id = item.post_id.trim();
                if post_id.is_empty() {
                    return Pending::Done(Entry::Failed {
                        id: format!("{}#item-{number}", file.id),
                        error: malformed("this item has no `wp:post_id`"),
                    });
                }
                let id = format!("{}#{post_id}", file.id);
                if !seen.insert(post_id.to_owned()) {
                    return Pending::Done(Entry::Failed {
                        id,
                        error: malformed(format!(
                            "an earlier item has the same `wp:post_id` {post_id}"
                        )),
                    });
                }
                Pending::Read { id, item }
            }
            Part::Broken {
                number,
                post_id,
                message,
            } => Pending::Done(Entry::Failed {
                id: match post_id {
                    Some(post_id) => format!("{}#{post_id}", file.id),
                    None => format!("{}#item-{number}", file.id),
                },
                error: malformed(message),
            }),
            Part::Between { message } => Pending::Done(Entry::Failed {
                id: file.id.to_owned(),
                error: malformed(message),
            }),
        })
        .collect();
    // Bodies are converted in parallel: an export is one file, but its
    // posts are as much work as as many Markdown files.
    let mut entries: Vec<Entry> = pending
        .into_par_iter()
        .map(|pending| match pending {
            Pending::Done(entry) => entry,
            Pending::Read { id, item } => match post(file, &export.authors, &id, *item) {
                Ok(Ok(post)) => Entry::Post(Box::new(post)),
                Ok(Err(reason)) => Entry::Skipped { id, reason },
                Err(error) => Entry::Failed { id, error },
            },
        })
        .collect();
    if let Some(message) = export.cut {
        entries.push(Entry::Truncated {
            error: malformed(message),
        });
    }
    Ok(entries)
}

fn malformed(message: impl Into<String>) -> PostError {
    PostError::Malformed {
        format: FORMAT,
        message: message.into(),
    }
}

/// An item waiting to be made a post, or an entry already decided.
enum Pending {
    Read { id: String, item: Box<RawItem> },
    Done(Entry),
}

/// An export as read: its items and what could not be read, in file order.
#[derive(Debug, Default)]
struct Export {
    /// Display names by login.
    authors: HashMap<String, String>,
    parts: Vec<Part>,
    /// Why the file is cut short, when it is.
    cut: Option<String>,
}

#[derive(Debug)]
enum Part {
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
struct RawItem {
    title: String,
    link: String,
    pub_date: String,
    creator: String,
    content: String,
    excerpt: String,
    post_id: String,
    post_date: String,
    post_date_gmt: String,
    post_name: String,
    status: String,
    post_type: String,
    password: String,
    /// `(domain, display name, nicename)` of each `<category>`.
    terms: Vec<(String, String, String)>,
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
fn parse(text: &str) -> Result<Export, PostError> {
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

/// The post, or why the item is not published.
fn post(
    file: &SourceFile<'_>,
    authors: &HashMap<String, String>,
    id: &str,
    item: RawItem,
) -> Result<Result<Post, Skip>, PostError> {
    let post_type = match item.post_type.trim() {
        "" => "post",
        other => other,
    };
    match post_type {
        "post" | "page" => {}
        "attachment" => {
            return Ok(Err(Skip::new(
                SkipKind::NotAPost,
                "`wp:post_type` `attachment`: a media file",
            )));
        }
        template if TEMPLATE_TYPES.contains(&template) => {
            return Ok(Err(Skip::new(
                SkipKind::Template,
                format!("`wp:post_type` `{template}`: part of the site's layout"),
            )));
        }
        other => {
            return Ok(Err(Skip::new(
                SkipKind::NotAPost,
                format!("`wp:post_type` `{other}`: only posts and pages are read"),
            )));
        }
    }
    match item.status.trim() {
        "publish" => {}
        "" => return Ok(Err(Skip::new(SkipKind::Draft, "no `wp:status`"))),
        status => {
            let kind = match status {
                "future" => SkipKind::Scheduled,
                "private" => SkipKind::Private,
                _ => SkipKind::Draft,
            };
            return Ok(Err(Skip::new(kind, format!("`wp:status` `{status}`"))));
        }
    }

    let title = clean_text(&item.title).unwrap_or_else(|| "(無題)".to_owned());
    let mut post = Post::new(id.to_owned(), file.id, title);
    post.date = post_date(file, &item)?;
    post.author = clean_text(&item.creator).and_then(|login| {
        authors
            .get(&login)
            .and_then(|display| clean_text(display))
            .or(Some(login))
    });
    let mut categories = Names::default();
    let mut tags = Names::default();
    for (domain, display, nicename) in &item.terms {
        let names = match domain.as_str() {
            "category" | "" => &mut categories,
            "post_tag" | "tag" => &mut tags,
            _ => continue,
        };
        if display.trim().is_empty() {
            names.push(&percent_encoding::percent_decode_str(nicename).decode_utf8_lossy());
        } else {
            names.push(display);
        }
    }
    post.categories = categories.into_vec();
    post.tags = tags.into_vec();
    post.url = item.link.trim().to_owned();

    let mut extra = serde_json::Map::new();
    extra.insert("post_type".to_owned(), Value::from(post_type));
    if let Some(slug) =
        clean_text(&percent_encoding::percent_decode_str(&item.post_name).decode_utf8_lossy())
    {
        extra.insert("slug".to_owned(), Value::String(slug));
    }
    if item.password.is_empty() {
        check_size(item.content.len())?;
        post.body = text::body_text(&body_html(&item.content), Markup::Html)?;
        let excerpt = item.excerpt.trim();
        if !excerpt.is_empty() {
            extra.insert("excerpt".to_owned(), Value::from(excerpt));
        }
    } else {
        // The title only: the body and excerpt are behind the password.
        extra.insert("password_protected".to_owned(), Value::Bool(true));
    }
    post.extra = extra;
    Ok(Ok(post))
}

/// The post's date; see the module docs.
fn post_date(
    file: &SourceFile<'_>,
    item: &RawItem,
) -> Result<Option<chrono::DateTime<FixedOffset>>, PostError> {
    let written = item.post_date.trim();
    if written.is_empty() || written == ZERO_DATE {
        return Ok(date::parse_front_matter_date(&item.pub_date).map(|d| d.in_site(file.site)));
    }
    let local = parse_wordpress_date(written).ok_or_else(|| PostError::Field {
        field: "wp:post_date",
        message: format!("cannot read `{written}` as `YYYY-MM-DD hh:mm:ss`"),
    })?;
    let offset = parse_wordpress_date(item.post_date_gmt.trim())
        .and_then(|gmt| i32::try_from((local - gmt).num_seconds()).ok())
        .and_then(FixedOffset::east_opt);
    Ok(Some(
        match offset.and_then(|offset| offset.from_local_datetime(&local).single()) {
            Some(date) => date,
            None => date::in_zone(local, file.site),
        },
    ))
}

/// `YYYY-MM-DD hh:mm:ss`, as WordPress writes dates; `None` for the zero
/// date and anything else.
fn parse_wordpress_date(value: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S").ok()
}

/// The HTML of `content:encoded`: shortcodes reduced, and blank-line
/// paragraphs made `<p>` unless the block editor wrote it.
fn body_html(content: &str) -> Cow<'_, str> {
    let block_editor = content.contains("<!-- wp:");
    let content = reduce_shortcodes(content);
    if block_editor {
        content
    } else {
        Cow::Owned(text::line_breaks_to_html(&content))
    }
}

/// A shortcode tag at the start of `text` (which starts with `[`): its name,
/// whether it is a closing tag, whether it closes itself, its arguments and
/// its length.
fn shortcode_tag(text: &str) -> Option<(&str, bool, bool, &str, usize)> {
    let inner = &text[1..];
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(inner.len());
    let name = &inner[..name_len];
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let rest = &inner[name_len..];
    if !rest.starts_with([']', ' ', '\t', '\n', '/']) {
        return None;
    }
    let end = rest.find(']')?;
    let args = &rest[..end];
    if args.contains('[') || (closing && !args.trim().is_empty()) {
        return None;
    }
    let self_closing = args.trim_end().ends_with('/');
    let len = 1 + usize::from(closing) + name_len + end + 1;
    Some((name, closing, self_closing, args, len))
}

/// The text with shortcode tags removed; see the module docs.
fn reduce_shortcodes(text: &str) -> Cow<'_, str> {
    if !text.contains('[') {
        return Cow::Borrowed(text);
    }
    // Names closed somewhere: their opening tags go too.
    let mut closed = HashSet::new();
    for (at, _) in text.match_indices("[/") {
        if let Some((name, true, _, _, _)) = shortcode_tag(&text[at..]) {
            closed.insert(name);
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('[') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(escaped) = rest.strip_prefix("[[")
            && let Some(end) = escaped.find("]]")
            && shortcode_tag(&rest[1..]).is_some()
        {
            // `[[caption]]` shows `[caption]`.
            out.push('[');
            out.push_str(&escaped[..end]);
            out.push(']');
            rest = &escaped[end + 2..];
            continue;
        }
        match shortcode_tag(rest) {
            Some((name, closing, self_closing, args, len))
                if closing
                    || self_closing
                    || closed.contains(name)
                    || SELF_CLOSING_SHORTCODES.contains(&name) =>
            {
                if !closing
                    && matches!(name, "caption" | "wp_caption")
                    && let Some(caption) = super::shortcode_argument(args, "caption")
                {
                    out.push_str(&caption);
                    out.push(' ');
                }
                rest = &rest[len..];
            }
            _ => {
                out.push('[');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::testing::{golden, outline, posts, read_with, site};
    use crate::format::{Format, SiteKind};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    const EXPORT: &str =
        include_str!("../../../../tests/fixtures/formats/wordpress/wordpress.2025-01-19.xml");
    const TRUNCATED: &str =
        include_str!("../../../../tests/fixtures/formats/wordpress-truncated/truncated.xml");
    const MALFORMED: &str =
        include_str!("../../../../tests/fixtures/formats/wordpress-malformed/malformed.xml");

    fn read_text(id: &str, text: &str) -> Result<Vec<Entry>, PostError> {
        read_with(read, &site(SiteKind::Plain), id, text)
    }

    /// An export around `items`.
    fn export(items: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n\
             <rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:wp=\"http://wordpress.org/export/1.2/\">\n\
             <channel>\n<title>t</title>\n{items}</channel>\n</rss>\n"
        )
    }

    /// An item with these children after `wp:post_id`.
    fn item(id: u32, children: &str) -> String {
        format!(
            "<item><title>記事{id}</title><wp:post_id>{id}</wp:post_id>\
             <wp:post_type>post</wp:post_type>{children}</item>\n"
        )
    }

    #[test]
    fn wordpress_export_golden() -> TestResult {
        let entries = read_text("wordpress.2025-01-19.xml", EXPORT)?;
        insta::assert_snapshot!(golden(&entries));
        Ok(())
    }

    #[test]
    fn wordpress_truncated_golden() -> TestResult {
        let entries = read_text("truncated.xml", TRUNCATED)?;
        insta::assert_snapshot!(golden(&entries));
        Ok(())
    }

    #[test]
    fn wordpress_sniff_claims_exports_only() {
        let site = site(SiteKind::Plain);
        for text in [EXPORT, TRUNCATED, MALFORMED] {
            assert_eq!(
                crate::format::detect(&site, "export.xml", text),
                Some(Format::WordPress)
            );
        }
        // The extension decides first; a plain RSS feed or sitemap is not
        // an export.
        assert_eq!(crate::format::detect(&site, "export.txt", EXPORT), None);
        assert!(!sniff(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item/></channel></rss>"
        ));
        assert!(!sniff(
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"></urlset>"
        ));
        assert!(sniff(
            "<rss xmlns:wp=\"http://wordpress.org/export/1.0/\"><channel>"
        ));
    }

    #[test]
    fn wordpress_publishes_posts_and_pages_only() -> TestResult {
        let items = [
            ("post", "publish"),
            ("page", "publish"),
            ("", "publish"),
            ("post", "draft"),
            ("post", "pending"),
            ("post", "auto-draft"),
            ("post", "trash"),
            ("post", "future"),
            ("page", "private"),
            ("post", ""),
            ("attachment", "inherit"),
            ("nav_menu_item", "publish"),
            ("wp_template", "publish"),
            ("product", "publish"),
        ];
        let text: String = items
            .iter()
            .zip(1..)
            .map(|((post_type, status), id)| {
                format!(
                    "<item><title>t</title><wp:post_id>{id}</wp:post_id>\
                     <wp:post_type>{post_type}</wp:post_type><wp:status>{status}</wp:status></item>\n"
                )
            })
            .collect();
        let entries = read_text("e.xml", &export(&text))?;
        assert_eq!(
            outline(&entries),
            [
                "post e.xml#1",
                "post e.xml#2",
                "post e.xml#3",
                "skipped e.xml#4: draft: `wp:status` `draft`",
                "skipped e.xml#5: draft: `wp:status` `pending`",
                "skipped e.xml#6: draft: `wp:status` `auto-draft`",
                "skipped e.xml#7: draft: `wp:status` `trash`",
                "skipped e.xml#8: scheduled: `wp:status` `future`",
                "skipped e.xml#9: private: `wp:status` `private`",
                "skipped e.xml#10: draft: no `wp:status`",
                "skipped e.xml#11: not a post: `wp:post_type` `attachment`: a media file",
                "skipped e.xml#12: template: `wp:post_type` `nav_menu_item`: part of the site's layout",
                "skipped e.xml#13: template: `wp:post_type` `wp_template`: part of the site's layout",
                "skipped e.xml#14: not a post: `wp:post_type` `product`: only posts and pages are read",
            ]
        );
        Ok(())
    }

    #[test]
    fn wordpress_password_protected_posts_keep_only_their_title() -> TestResult {
        let entries = read_text("wordpress.2025-01-19.xml", EXPORT)?;
        let protected = posts(&entries)
            .into_iter()
            .find(|post| post.id.ends_with("#104"))
            .ok_or("post 104 is read")?;
        assert_eq!(protected.title, "合言葉が必要な記事");
        assert_eq!(protected.body, "");
        let extra = Value::Object(protected.extra.clone()).to_string();
        assert!(!extra.contains("柚子胡椒味噌"), "{extra}");
        assert_eq!(
            protected.extra.get("password_protected"),
            Some(&Value::Bool(true))
        );
        Ok(())
    }

    #[test]
    fn wordpress_split_cdata_control_characters_and_entities() -> TestResult {
        let text = export(&item(
            1,
            "<wp:status>publish</wp:status>\
             <content:encoded><![CDATA[<pre>a[b[0]]]]><![CDATA[> 1</pre>]]></content:encoded>\
             <excerpt:encoded>制御\u{8}文字 &amp; 実体&#x3042;&#0; &nbsp;&hearts; & 裸</excerpt:encoded>",
        ));
        let entries = read_text("e.xml", &text)?;
        let post = posts(&entries)[0];
        assert_eq!(post.body, "a[b[0]]> 1\n");
        assert_eq!(
            post.extra.get("excerpt"),
            Some(&Value::from("制御文字 & 実体あ &nbsp;&hearts; & 裸"))
        );
        Ok(())
    }

    #[test]
    fn wordpress_comments_and_custom_fields_are_not_the_post() -> TestResult {
        let entries = read_text("wordpress.2025-01-19.xml", EXPORT)?;
        let post = posts(&entries)[0];
        // The split CDATA reads back whole; the control character is gone.
        for text in ["勉強会", "講師の方がホワイトボード", "if v[idx[0]]> 0 {"] {
            assert!(post.body.contains(text), "{text} not in {}", post.body);
        }
        let all = format!("{post:?}");
        for word in [
            "通りすがり",
            "読者の感想コメント専用語",
            "_edit_last",
            "アサイド",
        ] {
            assert!(!all.contains(word), "{word} in {all}");
        }
        Ok(())
    }

    #[test]
    fn wordpress_zone_comes_from_the_gmt_date() -> TestResult {
        let dated = |date: &str, gmt: &str| -> Result<Option<String>, PostError> {
            let text = export(&item(
                1,
                &format!(
                    "<wp:status>publish</wp:status><wp:post_date>{date}</wp:post_date>\
                     <wp:post_date_gmt>{gmt}</wp:post_date_gmt>\
                     <pubDate>Sat, 11 Jul 2009 15:00:00 +0000</pubDate>"
                ),
            ));
            let entries = read_with(read, &new_york(), "e.xml", &text)?;
            Ok(posts(&entries)[0].date.map(|d| d.to_rfc3339()))
        };
        fn new_york() -> crate::format::Site {
            let mut site = site(SiteKind::Plain);
            site.timezone = chrono_tz::America::New_York;
            site
        }
        assert_eq!(
            dated("2025-01-12 19:30:00", "2025-01-12 10:30:00")?.as_deref(),
            Some("2025-01-12T19:30:00+09:00")
        );
        assert_eq!(
            dated("2025-01-12 05:00:00", "2025-01-12 10:45:00")?.as_deref(),
            Some("2025-01-12T05:00:00-05:45")
        );
        // No GMT date: the site's zone.
        assert_eq!(
            dated("2025-07-01 12:00:00", "0000-00-00 00:00:00")?.as_deref(),
            Some("2025-07-01T12:00:00-04:00")
        );
        assert_eq!(
            dated("2025-07-01 12:00:00", "")?.as_deref(),
            Some("2025-07-01T12:00:00-04:00")
        );
        // No date at all: `pubDate`.
        assert_eq!(
            dated("0000-00-00 00:00:00", "")?.as_deref(),
            Some("2009-07-11T15:00:00+00:00")
        );
        // A date that cannot be read fails the post.
        let text = export(&item(
            1,
            "<wp:status>publish</wp:status><wp:post_date>昨日</wp:post_date>",
        ));
        assert_eq!(
            outline(&read_text("e.xml", &text)?),
            ["failed e.xml#1: invalid `wp:post_date`: cannot read `昨日` as `YYYY-MM-DD hh:mm:ss`"]
        );
        Ok(())
    }

    #[test]
    fn wordpress_missing_and_repeated_post_ids_fail_alone() -> TestResult {
        let text = export(&format!(
            "{}<item><title>番号なし</title><wp:status>publish</wp:status></item>\n{}",
            item(7, "<wp:status>publish</wp:status>"),
            item(7, "<wp:status>publish</wp:status>"),
        ));
        assert_eq!(
            outline(&read_text("e.xml", &text)?),
            [
                "post e.xml#7",
                "failed e.xml#item-2: looks like a WordPress export, but this item has no `wp:post_id`",
                "failed e.xml#7: looks like a WordPress export, but an earlier item has the same `wp:post_id` 7",
            ]
        );
        Ok(())
    }

    #[test]
    fn wordpress_broken_xml_fails_the_item_or_the_file() -> TestResult {
        // Broken inside an item: that item fails, the next is read.
        let text = export(&format!(
            "{}<item><title>壊れた</titel><wp:post_id>2</wp:post_id></item>\n{}",
            item(1, "<wp:status>publish</wp:status>"),
            item(3, "<wp:status>publish</wp:status>"),
        ));
        let lines = outline(&read_text("e.xml", &text)?);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_eq!(lines[0], "post e.xml#1");
        assert!(
            lines[1].starts_with(
                "failed e.xml#2: looks like a WordPress export, but its XML is broken at line 6, column 17: "
            ),
            "{}",
            lines[1]
        );
        assert_eq!(lines[2], "post e.xml#3");
        // Broken between items: reported for the file.
        let text = export(&format!(
            "{}<junk></jank>\n{}",
            item(1, "<wp:status>publish</wp:status>"),
            item(2, "<wp:status>publish</wp:status>"),
        ));
        let lines = outline(&read_text("e.xml", &text)?);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(
            lines[1].starts_with(
                "failed e.xml: looks like a WordPress export, but its XML is broken at line 6"
            ),
            "{}",
            lines[1]
        );
        // Broken before the first item: the file fails, naming the place.
        let error = read_text("malformed.xml", MALFORMED)
            .err()
            .ok_or("the file fails")?;
        let message = error.with_causes();
        assert!(
            message.starts_with("looks like a WordPress export, but its XML is broken at line "),
            "{message}"
        );
        Ok(())
    }

    #[test]
    fn wordpress_cut_short_keeps_the_items_before() -> TestResult {
        let whole = export(&format!(
            "{}{}",
            item(1, "<wp:status>publish</wp:status>"),
            item(
                2,
                "<wp:status>publish</wp:status><content:encoded><![CDATA[<p>長い本文</p>]]></content:encoded>"
            ),
        ));
        // Cut in the second item's CDATA, in a tag, and between the items.
        for cut in ["長い", "<wp:post_t", "\n<item><title>記事2"] {
            let end = whole.rfind(cut).ok_or("the cut is in the text")? + cut.len();
            let lines = outline(&read_text("e.xml", &whole[..end])?);
            assert_eq!(lines.len(), 2, "{cut}: {lines:?}");
            assert_eq!(lines[0], "post e.xml#1");
            assert!(
                lines[1]
                    .starts_with("truncated: looks like a WordPress export, but it ends at line "),
                "{cut}: {}",
                lines[1]
            );
            assert!(lines[1].contains("it was cut short"), "{}", lines[1]);
        }
        // Cut before any item: the file fails.
        let head = &whole[..whole.find("<item>").ok_or("an item")?];
        assert!(matches!(
            read_text("e.xml", head),
            Err(PostError::Malformed { .. })
        ));
        // Whole, nothing is cut.
        assert_eq!(read_text("e.xml", &whole)?.len(), 2);
        Ok(())
    }

    #[test]
    fn wordpress_shortcodes_reduce_to_text() {
        let reduce = |text| reduce_shortcodes(text).into_owned();
        assert_eq!(
            reduce("[caption id=\"a\" width=\"300\"]<img alt=\"猫\"> 縁側の猫[/caption]後"),
            "<img alt=\"猫\"> 縁側の猫後"
        );
        assert_eq!(
            reduce("[caption caption='湯けむり' width=300]<img>[/caption]"),
            "湯けむり <img>"
        );
        assert_eq!(
            reduce(
                "前[gallery ids=\"1,2\"][audio src=x /][myplugin a=1]中[/myplugin][embed]https://example.com/v[/embed]"
            ),
            "前中https://example.com/v"
        );
        // Not shortcodes: brackets in prose and code, escapes.
        assert_eq!(
            reduce("[PR] a[i] = [1] [まとめ] [ x]"),
            "[PR] a[i] = [1] [まとめ] [ x]"
        );
        assert_eq!(
            reduce("[[gallery]] と [[caption]]"),
            "[gallery] と [caption]"
        );
        assert!(matches!(reduce_shortcodes("括弧なし"), Cow::Borrowed(_)));
    }

    #[test]
    fn wordpress_classic_posts_get_paragraphs_block_posts_stay_html() -> TestResult {
        let body = |content: &str| -> Result<String, PostError> {
            let text = export(&item(
                1,
                &format!(
                    "<wp:status>publish</wp:status><content:encoded><![CDATA[{content}]]></content:encoded>"
                ),
            ));
            Ok(posts(&read_text("e.xml", &text)?)[0].body.clone())
        };
        assert_eq!(
            body("一行目\n二行目\n\n二段落目")?,
            "一行目\n二行目\n二段落目\n"
        );
        assert_eq!(
            body("<!-- wp:paragraph -->\n<p>ブロック\nエディタ</p>\n<!-- /wp:paragraph -->")?,
            "ブロック エディタ\n"
        );
        Ok(())
    }
}
