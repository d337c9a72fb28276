//! Markdown to HTML: CommonMark (tables, strikethrough, footnotes) through
//! pulldown-cmark, after the repairs for exported HTML ([`super::exported`]).

use std::borrow::Cow;
use std::fmt::Write as _;

use pulldown_cmark::{CowStr, Event, Options, Parser};

use super::exported::{raw_html_regions, unindent_exported_html};

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
