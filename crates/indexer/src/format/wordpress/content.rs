//! The HTML of a post's `content:encoded`: shortcodes reduced to their text,
//! and a classic-editor post's blank-line paragraphs made HTML (WordPress's
//! `wpautop`), before the HTML is read as any other.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::text;

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

/// The HTML of `content:encoded`: shortcodes reduced, and blank-line
/// paragraphs made `<p>` unless the block editor wrote it.
pub(super) fn body_html(content: &str) -> Cow<'_, str> {
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
                    && let Some(caption) = crate::format::shortcode_argument(args, "caption")
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
}
