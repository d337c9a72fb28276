//! MDX: a `.mdx` file anywhere, read as Markdown after its JavaScript is
//! taken out.
//!
//! - Metadata: YAML front matter (`---`), else the object literal of
//!   `export const meta = { … }` (or `frontmatter`, `metadata`): string,
//!   number, boolean and null values, arrays and nested objects, quoted or
//!   bare keys, comments, trailing commas, and `new Date("…")`. Anything
//!   else in it (a variable, a function, a template with `${…}`) leaves the
//!   post without metadata rather than failing it.
//! - Fields as for Jekyll: `title` (else the file stem), `date` (else a
//!   `YYYY-MM-DD-` file-name prefix), `author`, `tags`/`tag` and
//!   `categories`/`category` (lists, or comma-separated strings); every
//!   other key goes to `extra`. A date without an offset is in the site's
//!   zone.
//! - Skipped: `draft: true` or `published: false` (draft).
//! - URL: `permalink` or `slug` as a path when given, else the file's path
//!   without `.mdx` (`blog/hello.mdx` → `/blog/hello`,
//!   `blog/hello/index.mdx` → `/blog/hello/`), under the site's `base_url`.
//! - Body: `import`/`export` statements, `{expressions}` and `{/* comments
//!   */}` are removed; capitalised JSX elements lose their tags but keep
//!   their children (`<Callout>text</Callout>` → text), self-closing ones
//!   (`<Chart data={x} />`) and fragments' tags are dropped; fenced code
//!   and inline code are left as written. The rest is Markdown.

use chrono::NaiveTime;
use serde_json::Value as Json;

use super::hugo::{date_field, is_true, names_field, text_field, with_base};
use super::{Entry, Skip, SkipKind, SourceFile};
use crate::date;
use crate::error::PostError;
use crate::front_matter::{self, FrontMatter, Split, Syntax};
use crate::post::{Names, Post, clean_text};
use crate::text::{self, Markup};

/// Deepest nesting of the metadata object literal read.
const MAX_DEPTH: usize = 64;

/// Reads an MDX post.
pub(crate) fn read(file: &SourceFile<'_>) -> Result<Vec<Entry>, PostError> {
    let (front_matter, body) = if file.text.starts_with("---") {
        let split = front_matter::split(file.text)
            .map_err(|error| PostError::FrontMatter(error.message()))?;
        (
            front_matter::parse(&split).map_err(PostError::FrontMatter)?,
            split.body,
        )
    } else {
        (exported_meta(file.text).unwrap_or_default(), file.text)
    };
    Ok(Entry::of_file(file, post(file, front_matter, body)?))
}

fn post(
    file: &SourceFile<'_>,
    mut fm: FrontMatter,
    body: &str,
) -> Result<Result<Post, Skip>, PostError> {
    if is_true(fm.take("draft")) {
        return Ok(Err(Skip::new(SkipKind::Draft, "`draft: true`")));
    }
    if matches!(fm.take("published"), Some(serde_yaml::Value::Bool(false))) {
        return Ok(Err(Skip::new(SkipKind::Draft, "`published: false`")));
    }
    let path = file.id.strip_suffix(".mdx").unwrap_or(file.id);
    let (folder, stem) = path.rsplit_once('/').unwrap_or(("", path));
    let (file_date, _) = date::split_file_name_date(stem);
    let title = text_field("title", fm.take("title"))?
        .as_deref()
        .and_then(clean_text);
    let date = date_field(file.site, "date", fm.take("date"))?
        .or_else(|| file_date.map(|day| date::in_zone(day.and_time(NaiveTime::MIN), file.site)));
    let mut author = Names::default();
    if let Some(value) = fm.take("author") {
        front_matter::extend_names(&mut author, value, front_matter::Separator::Comma).map_err(
            |message| PostError::Field {
                field: "author",
                message,
            },
        )?;
    }
    let mut tags = names_field("tags", fm.take("tags"))?;
    tags.extend(names_field("tag", fm.take("tag"))?);
    let mut categories = names_field("categories", fm.take("categories"))?;
    categories.extend(names_field("category", fm.take("category"))?);
    let mut link = None;
    for key in ["permalink", "slug"] {
        let value = text_field(
            if key == "slug" { "slug" } else { "permalink" },
            fm.take(key),
        )?;
        link = link.or(value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()));
    }
    let url = match link {
        Some(link) if link.contains("://") => link,
        Some(link) => format!("/{}", link.trim_start_matches('/')),
        None if stem == "index" => format!("/{folder}/").replace("//", "/"),
        None => format!("/{path}"),
    };
    let mut post = Post::new(
        file.id.to_owned(),
        file.id,
        title.unwrap_or_else(|| stem.to_owned()),
    );
    post.date = date;
    let author = author.into_vec();
    post.author = (!author.is_empty()).then(|| author.join(", "));
    post.tags = dedup(tags);
    post.categories = dedup(categories);
    post.url = with_base(&file.site.base_url, url);
    post.body = text::body_text(&strip_mdx(body), Markup::Markdown)?;
    post.extra = fm.into_extra();
    Ok(Ok(post))
}

fn dedup(list: Vec<String>) -> Vec<String> {
    let mut names = Names::default();
    for name in &list {
        names.push(name);
    }
    names.into_vec()
}

/// The object of `export const meta = { … }` as front matter, if there is
/// one and it can be read.
fn exported_meta(text: &str) -> Option<FrontMatter> {
    let mut offset = 0;
    let mut object = None;
    for line in text.split_inclusive('\n') {
        if let Some(at) = meta_object_at(line) {
            object = Some(&text[offset + at..]);
            break;
        }
        offset += line.len();
    }
    let object = object?;
    let mut parser = JsObject {
        text: object,
        pos: 0,
        depth: 0,
    };
    let value = parser.value()?;
    if !value.is_object() {
        return None;
    }
    let json = value.to_string();
    front_matter::parse(&Split {
        syntax: Syntax::Json,
        source: &json,
        body: "",
    })
    .ok()
}

/// Where the object starts in an `export const meta = {` line.
fn meta_object_at(line: &str) -> Option<usize> {
    let rest = line.trim_start().strip_prefix("export")?.trim_start();
    let rest = rest.strip_prefix("const")?.trim_start();
    let rest = ["metadata", "meta", "frontmatter"]
        .iter()
        .find_map(|name| rest.strip_prefix(name))?;
    let rest = rest.trim_start().strip_prefix('=')?.trim_start();
    rest.starts_with('{').then(|| line.len() - rest.len())
}

/// A lenient reader of a JavaScript object literal, into JSON.
struct JsObject<'a> {
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> JsObject<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    /// Skips whitespace and comments.
    fn skip(&mut self) {
        loop {
            let rest = self.rest();
            let trimmed = rest.trim_start();
            self.pos += rest.len() - trimmed.len();
            if trimmed.starts_with("//") {
                self.pos += trimmed.find('\n').unwrap_or(trimmed.len());
            } else if let Some(comment) = trimmed.strip_prefix("/*") {
                self.pos += comment.find("*/").map_or(trimmed.len(), |end| end + 4);
            } else {
                return;
            }
        }
    }

    fn eat(&mut self, token: &str) -> bool {
        self.skip();
        if self.rest().starts_with(token) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Option<Json> {
        self.skip();
        let first = self.rest().chars().next()?;
        match first {
            '{' | '[' => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return None;
                }
                let value = if first == '{' {
                    self.object()
                } else {
                    self.array()
                };
                self.depth -= 1;
                value
            }
            '"' | '\'' | '`' => self.string().map(Json::String),
            '-' | '+' | '.' | '0'..='9' => {
                let len = self
                    .rest()
                    .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+')))
                    .unwrap_or(self.rest().len());
                let number = &self.rest()[..len];
                let json = serde_json::from_str::<Json>(number.trim_start_matches('+')).ok()?;
                self.pos += len;
                json.is_number().then_some(json)
            }
            _ => {
                let word = self.word()?;
                match word {
                    "true" => Some(Json::Bool(true)),
                    "false" => Some(Json::Bool(false)),
                    "null" | "undefined" => Some(Json::Null),
                    "new" if self.word() == Some("Date") && self.eat("(") => {
                        let date = self.string()?;
                        self.eat(")").then_some(Json::String(date))
                    }
                    _ => None,
                }
            }
        }
    }

    fn word(&mut self) -> Option<&'a str> {
        self.skip();
        let len = self
            .rest()
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
            .unwrap_or(self.rest().len());
        let start = self.pos;
        self.pos += len;
        (len > 0).then(|| &self.text[start..start + len])
    }

    fn string(&mut self) -> Option<String> {
        self.skip();
        let quote = self.rest().chars().next()?;
        let mut out = String::new();
        let mut chars = self.rest()[1..].char_indices();
        while let Some((at, c)) = chars.next() {
            match c {
                _ if c == quote => {
                    self.pos += 1 + at + c.len_utf8();
                    return Some(out);
                }
                '$' if quote == '`' && self.rest()[1 + at..].starts_with("${") => return None,
                '\n' if quote != '`' => return None,
                '\\' => match chars.next()?.1 {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'u' => {
                        let hex: String = (0..4)
                            .filter_map(|_| chars.next().map(|(_, h)| h))
                            .collect();
                        out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                    }
                    other => out.push(other),
                },
                c => out.push(c),
            }
        }
        None
    }

    fn array(&mut self) -> Option<Json> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            if self.eat("]") {
                return Some(Json::Array(items));
            }
            items.push(self.value()?);
            if !self.eat(",") {
                return self.eat("]").then_some(Json::Array(items));
            }
        }
    }

    fn object(&mut self) -> Option<Json> {
        self.pos += 1;
        let mut map = serde_json::Map::new();
        loop {
            if self.eat("}") {
                return Some(Json::Object(map));
            }
            self.skip();
            let key = match self.rest().chars().next()? {
                '"' | '\'' => self.string()?,
                _ => self.word()?.to_owned(),
            };
            if !self.eat(":") {
                return None;
            }
            let value = self.value()?;
            map.insert(key, value);
            if !self.eat(",") {
                return self.eat("}").then_some(Json::Object(map));
            }
        }
    }
}

/// The body without its JavaScript and JSX tags (see the module docs).
fn strip_mdx(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    let mut line_start = true;
    while i < body.len() {
        let rest = &body[i..];
        if line_start {
            let line = rest.trim_start_matches([' ', '\t']);
            if line.starts_with("```") || line.starts_with("~~~") {
                let end = fenced_end(rest, &line[..3]);
                out.push_str(&rest[..end]);
                i += end;
                continue;
            }
            if line.starts_with("import ") || line.starts_with("export ") {
                i += statement_end(rest);
                continue;
            }
        }
        line_start = false;
        let Some(c) = rest.chars().next() else {
            break;
        };
        let skipped = match c {
            '`' => {
                let run = rest.len() - rest.trim_start_matches('`').len();
                let end = rest[run..]
                    .find(&rest[..run])
                    .map_or(run, |at| run + at + run);
                out.push_str(&rest[..end]);
                i += end;
                continue;
            }
            '{' => balanced(rest),
            '<' if is_jsx_tag(&rest[1..]) => tag_end(rest),
            '\n' => {
                line_start = true;
                None
            }
            _ => None,
        };
        match skipped {
            Some(len) => i += len,
            None => {
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    out
}

/// After `<`: a capitalised element, a closing one, or a fragment.
fn is_jsx_tag(after: &str) -> bool {
    let after = after.strip_prefix('/').unwrap_or(after);
    after.starts_with('>') || after.starts_with(|c: char| c.is_ascii_uppercase())
}

/// The length of a fenced code block starting at its opening line.
fn fenced_end(text: &str, fence: &str) -> usize {
    let mut lines = text.split_inclusive('\n');
    let mut end = lines.next().map_or(0, str::len);
    for line in lines {
        end += line.len();
        if line.trim_start().starts_with(fence) {
            break;
        }
    }
    end
}

/// The length of an `import`/`export` statement: up to the first line end
/// outside brackets and strings.
fn statement_end(text: &str) -> usize {
    let mut depth = 0usize;
    for (at, c) in outside_strings(text) {
        match c {
            '{' | '[' | '(' => depth += 1,
            '}' | ']' | ')' => depth = depth.saturating_sub(1),
            '\n' if depth == 0 => return at + 1,
            _ => {}
        }
    }
    text.len()
}

/// The length of the `{ … }` expression at the start of `text`, or `None`
/// when it is not closed.
fn balanced(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in outside_strings(text) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// The characters of JavaScript `text` outside its strings (`"…"`, `'…'`,
/// `` `…` ``), quotes left out, with their byte offsets.
fn outside_strings(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut quote = None;
    text.char_indices().filter(move |&(_, c)| match quote {
        Some(q) => {
            if c == q {
                quote = None;
            }
            false
        }
        None if matches!(c, '"' | '\'' | '`') => {
            quote = Some(c);
            false
        }
        None => true,
    })
}

/// The length of the JSX tag at the start of `text` (through its `>`,
/// skipping `{…}` attribute values and quoted strings), or `None`.
fn tag_end(text: &str) -> Option<usize> {
    let mut at = 1;
    while at < text.len() {
        let rest = &text[at..];
        let c = rest.chars().next()?;
        match c {
            '>' => return Some(at + 1),
            '{' => at += balanced(rest)?,
            '"' | '\'' => at += 1 + rest[1..].find(c)? + 1,
            _ => at += c.len_utf8(),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::SiteKind;
    use super::super::testing::{read_with, site, site_fixture};
    use super::*;

    fn read_mdx(text: &str) -> Vec<Entry> {
        read_with(read, &site(SiteKind::Plain), "blog/post.mdx", text).expect("readable")
    }

    #[test]
    fn fixture_site() {
        insta::assert_snapshot!(site_fixture("mdx"));
    }

    #[test]
    fn jsx_and_javascript_are_stripped() {
        let body = "import { Chart } from '../components/chart'\nimport Callout from './callout'\n\
                    export const data = {\n  a: [1, 2],\n}\n\n# 見出し\n\n<Chart data={data} options={{ x: \"a>b\" }} />\n\n\
                    <Callout type=\"warn\">\n注意の**本文**\n</Callout>\n\n文中の{1 + 1}式と{/* コメント */}と<>断片</>。\n\n\
                    `{code}` と <span>小文字</span>\n\n```js\nimport x from 'y'\n<Chart />\n```\n";
        assert_eq!(
            strip_mdx(body),
            "\n# 見出し\n\n\n\n\n注意の**本文**\n\n\n文中の式とと断片。\n\n`{code}` と <span>小文字</span>\n\n```js\nimport x from 'y'\n<Chart />\n```\n"
        );
        // An unclosed brace or tag is left as text.
        assert_eq!(strip_mdx("a { b\n<Open c"), "a { b\n<Open c");
    }

    #[test]
    fn exported_meta_is_read_leniently() {
        let text = "export const meta = {\n  title: \"書き出しの題\", // 題\n  'date': new Date('2024-01-02'),\n  tags: ['a', \"b\",],\n  /* 入れ子 */ extra: { n: -1.5, ok: true, none: undefined },\n};\n\n本文";
        match read_mdx(text).as_slice() {
            [Entry::Post(post)] => {
                assert_eq!(post.title, "書き出しの題");
                assert_eq!(
                    post.date.map(|d| d.to_rfc3339()).as_deref(),
                    Some("2024-01-02T00:00:00+09:00")
                );
                assert_eq!(post.tags, ["a", "b"]);
                assert_eq!(
                    serde_json::Value::Object(post.extra.clone()),
                    serde_json::json!({"extra": {"n": -1.5, "ok": true, "none": null}})
                );
                assert_eq!(post.body, "本文\n");
            }
            other => panic!("{other:?}"),
        }
        // Not a literal: no metadata, but still a post.
        match read_mdx("export const meta = { title: makeTitle() }\n\n本文").as_slice() {
            [Entry::Post(post)] => assert_eq!(post.title, "post"),
            other => panic!("{other:?}"),
        }
        assert!(exported_meta("export const meta = { title: `a ${b}` }").is_none());
    }

    #[test]
    fn drafts_are_skipped() {
        for text in [
            "---\ndraft: true\n---\n本文",
            "export const meta = { published: false }\n本文",
        ] {
            assert!(
                matches!(read_mdx(text).as_slice(), [Entry::Skipped { reason, .. }] if reason.kind == SkipKind::Draft),
                "{text}"
            );
        }
    }
}
