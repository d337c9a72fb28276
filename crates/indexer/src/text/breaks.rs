//! Text whose blank lines make paragraphs, as HTML: Movable Type's
//! "Convert Line Breaks" filter and WordPress's `wpautop` both turn a post
//! written with blank lines between paragraphs into `<p>` elements, and the
//! other newlines into `<br>`.

/// Block tags that leave a paragraph starting with them alone.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "blockquote",
    "div",
    "dl",
    "fieldset",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "ol",
    "p",
    "pre",
    "table",
    "ul",
];

/// Plain text with line breaks as HTML: paragraphs at blank lines, `<br>`
/// at other newlines, paragraphs starting with a block tag unchanged.
pub(crate) fn line_breaks_to_html(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 64);
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, html: &mut String| {
        if paragraph.is_empty() {
            return;
        }
        let first = paragraph[0].trim_start();
        let starts_block = first.strip_prefix('<').is_some_and(|tag| {
            let name: String = tag
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            BLOCK_TAGS.contains(&name.as_str())
        });
        if starts_block {
            html.push_str(&paragraph.join("\n"));
        } else {
            html.push_str("<p>");
            html.push_str(&paragraph.join("<br>\n"));
            html.push_str("</p>");
        }
        html.push('\n');
        paragraph.clear();
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            flush(&mut paragraph, &mut html);
        } else {
            paragraph.push(line);
        }
    }
    flush(&mut paragraph, &mut html);
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_make_paragraphs_and_block_tags_stay() {
        assert_eq!(
            line_breaks_to_html("一行目\n二行目\n\n\n<ul>\n<li>項目</li>\n</ul>\n\n最後"),
            "<p>一行目<br>\n二行目</p>\n<ul>\n<li>項目</li>\n</ul>\n<p>最後</p>\n"
        );
        // A paragraph starting with an inline tag is still a paragraph.
        assert_eq!(
            line_breaks_to_html("<strong>太字</strong>で始まる\n文"),
            "<p><strong>太字</strong>で始まる<br>\n文</p>\n"
        );
        assert_eq!(line_breaks_to_html("\n \n"), "");
    }
}
