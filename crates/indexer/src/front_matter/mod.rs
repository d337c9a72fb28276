//! Front matter blocks: finding them (YAML between `---` lines, TOML
//! between `+++` lines, a JSON object) and parsing them into
//! [`FrontMatter`]; [`values`] turns their values into the shapes a
//! [`crate::post::Post`] needs.
//!
//! Keys keep their order; a repeated key is not an error, and the last value
//! wins, as with Ruby's YAML parser that Jekyll uses. A block larger than
//! [`MAX_SIZE`] or nested deeper than [`MAX_DEPTH`] is refused before it is
//! parsed, so a hostile block costs milliseconds.

mod values;

use std::collections::HashMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_yaml::Value;

use crate::error::PostError;

use self::values::untag;
pub(crate) use self::values::{
    Separator, dedup_list, extend_names, key_text, scalar_text, to_json,
};

/// Largest front matter block read: 1 MiB.
pub(crate) const MAX_SIZE: usize = 1 << 20;
/// Deepest nesting of lists and mappings in a front matter block.
pub(crate) const MAX_DEPTH: usize = 64;

/// The syntax of a front matter block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    Yaml,
    Toml,
    Json,
}

/// A post split at its front matter delimiters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Split<'a> {
    pub syntax: Syntax,
    /// The block between the delimiter lines (may be empty); for JSON, the
    /// object with its braces.
    pub source: &'a str,
    /// Everything after the block.
    pub body: &'a str,
}

/// Why a text has no usable front matter block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SplitError {
    /// The text does not start with a front matter block.
    Missing,
    /// The opening delimiter has no closing one.
    Unterminated(Syntax),
}

impl SplitError {
    /// The message for an unterminated block.
    pub(crate) fn message(self) -> String {
        match self {
            SplitError::Missing => "no front matter".to_owned(),
            SplitError::Unterminated(Syntax::Yaml) => {
                "the opening `---` line has no closing `---` or `...` line".to_owned()
            }
            SplitError::Unterminated(Syntax::Toml) => {
                "the opening `+++` line has no closing `+++` line".to_owned()
            }
            SplitError::Unterminated(Syntax::Json) => {
                "the JSON front matter object is not closed".to_owned()
            }
        }
    }
}

/// Splits a post (BOM already removed) into front matter and body. YAML as
/// Jekyll does: the first line is `---`, the block ends at the next line
/// that is `---` or `...`; TOML likewise between `+++` lines (Hugo); JSON
/// when the text starts with `{`, up to the object's closing brace (Hugo).
/// Trailing spaces and `\r` on delimiter lines are ignored.
pub(crate) fn split(text: &str) -> Result<Split<'_>, SplitError> {
    if text.starts_with('{') {
        return split_json(text);
    }
    let (first, start) = line_at(text, 0);
    let (syntax, closing): (Syntax, &[&str]) = match first.trim_end_matches([' ', '\t', '\r']) {
        "---" => (Syntax::Yaml, &["---", "..."]),
        "+++" => (Syntax::Toml, &["+++"]),
        _ => return Err(SplitError::Missing),
    };
    let mut pos = start;
    while pos < text.len() {
        let (line, next) = line_at(text, pos);
        if closing.contains(&line.trim_end_matches([' ', '\t', '\r'])) {
            return Ok(Split {
                syntax,
                source: &text[start..pos],
                body: &text[next..],
            });
        }
        pos = next;
    }
    Err(SplitError::Unterminated(syntax))
}

/// A JSON object at the start of the text, found by matching braces outside
/// strings.
fn split_json(text: &str) -> Result<Split<'_>, SplitError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, byte) in text.bytes().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    let rest = &text[i + 1..];
                    let body = rest
                        .strip_prefix("\r\n")
                        .or_else(|| rest.strip_prefix('\n'));
                    return Ok(Split {
                        syntax: Syntax::Json,
                        source: &text[..=i],
                        body: body.unwrap_or(rest),
                    });
                }
            }
            _ => {}
        }
    }
    Err(SplitError::Unterminated(Syntax::Json))
}

/// The line starting at `pos` (without its `\n`) and where the next starts.
fn line_at(text: &str, pos: usize) -> (&str, usize) {
    match text[pos..].find('\n') {
        Some(i) => (&text[pos..pos + i], pos + i + 1),
        None => (&text[pos..], text.len()),
    }
}

/// A parsed front matter block: its keys in order, each with its last
/// value.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct FrontMatter {
    /// Keys in first-seen order; a taken key leaves `None`.
    pairs: Vec<Option<(String, Value)>>,
    /// Where each key is in `pairs`.
    index: HashMap<String, usize>,
}

impl FrontMatter {
    /// Removes and returns the value of `key` (exact spelling).
    pub(crate) fn take(&mut self, key: &str) -> Option<Value> {
        let index = self.index.remove(key)?;
        self.pairs.get_mut(index)?.take().map(|(_, value)| value)
    }

    /// Removes and returns the value of `key`, matched ASCII
    /// case-insensitively (Hugo's `Title`, `PublishDate`). Of several
    /// spellings, the last one written wins.
    pub(crate) fn take_ci(&mut self, key: &str) -> Option<Value> {
        let spellings: Vec<String> = self
            .index
            .keys()
            .filter(|k| k.eq_ignore_ascii_case(key))
            .cloned()
            .collect();
        let mut found: Option<(usize, Value)> = None;
        for spelling in spellings {
            let Some(index) = self.index.remove(&spelling) else {
                continue;
            };
            if let Some(Some((_, value))) = self.pairs.get_mut(index).map(Option::take)
                && found.as_ref().is_none_or(|(at, _)| *at < index)
            {
                found = Some((index, value));
            }
        }
        found.map(|(_, value)| value)
    }

    /// The remaining keys and values, as JSON, with repeated list values
    /// de-duplicated (top-level lists only).
    pub(crate) fn into_extra(self) -> serde_json::Map<String, serde_json::Value> {
        self.pairs
            .into_iter()
            .flatten()
            .map(|(key, value)| (key, dedup_list(to_json(value))))
            .collect()
    }

    /// Keeps the last value of each key, where the first occurrence was.
    fn insert(&mut self, key: String, value: Value) {
        match self.index.get(&key) {
            Some(&index) => self.pairs[index] = Some((key, value)),
            None => {
                self.index.insert(key.clone(), self.pairs.len());
                self.pairs.push(Some((key, value)));
            }
        }
    }

    /// Inserts a key unless it is there already.
    fn insert_default(&mut self, key: String, value: Value) {
        if !self.index.contains_key(&key) {
            self.insert(key, value);
        }
    }
}

/// The front matter and body of a post whose front matter is optional (a
/// file without a block has an empty one); an unterminated or unreadable
/// block fails the post.
pub(crate) fn read_optional(text: &str) -> Result<(FrontMatter, &str), PostError> {
    match split(text) {
        Ok(split) => Ok((parse(&split).map_err(PostError::FrontMatter)?, split.body)),
        Err(SplitError::Missing) => Ok((FrontMatter::default(), text)),
        Err(error) => Err(PostError::FrontMatter(error.message())),
    }
}

/// Parses a front matter block. The error is a human message, with the
/// line and column where the parser gives them.
pub(crate) fn parse(split: &Split<'_>) -> Result<FrontMatter, String> {
    let source = split.source;
    if source.len() > MAX_SIZE {
        return Err(format!(
            "the block is {} bytes, past the limit of {MAX_SIZE}",
            source.len()
        ));
    }
    if let Some(depth) = deeper_than(source, MAX_DEPTH) {
        return Err(format!(
            "lists and mappings nest {depth} deep or more, past the limit of {MAX_DEPTH}"
        ));
    }
    let pairs = match split.syntax {
        Syntax::Yaml => serde_yaml::from_str::<Pairs>(source).map_err(|e| match e.location() {
            // serde_yaml counts from the first line after the opening `---`.
            Some(location) => format!(
                "{e} (front matter line {} is line {} of the file)",
                location.line(),
                location.line() + 1
            ),
            None => e.to_string(),
        })?,
        Syntax::Toml => toml::from_str::<Pairs>(source).map_err(|e| e.to_string())?,
        Syntax::Json => serde_json::from_str::<Pairs>(source).map_err(|e| e.to_string())?,
    };
    let mut front_matter = FrontMatter::default();
    let mut merged = Vec::new();
    for (key, value) in pairs.0 {
        match key_text(key).as_str() {
            // YAML merge key at the top level: its pairs are defaults.
            "<<" => merged.push(value),
            key => front_matter.insert(key.to_owned(), untoml(value)),
        }
    }
    for value in merged {
        let Value::Mapping(mapping) = untag(value) else {
            return Err("`<<` must merge a mapping".to_owned());
        };
        for (key, value) in mapping {
            front_matter.insert_default(key_text(key), value);
        }
    }
    Ok(front_matter)
}

/// Whether flow or block nesting reaches `limit`: returns the depth found.
/// A conservative scan (brackets outside quotes, and indentation), made
/// before the parser sees the block.
fn deeper_than(source: &str, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    for line in source.lines() {
        let indent = line.len() - line.trim_start_matches([' ', '-']).len();
        if indent / 2 >= limit {
            return Some(indent / 2);
        }
        for byte in line.bytes() {
            match (quote, byte) {
                (Some(q), b) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(byte),
                (None, b'#') => break,
                (None, b'[' | b'{') => {
                    depth += 1;
                    if depth >= limit {
                        return Some(depth);
                    }
                }
                (None, b']' | b'}') => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        // A single-quoted YAML scalar does not span lines in front matter
        // keys worth scanning; reset to stay conservative.
        if quote == Some(b'\'') {
            quote = None;
        }
    }
    None
}

/// The top-level pairs of a block, in order, repeats included.
struct Pairs(Vec<(Value, Value)>);

impl<'de> Deserialize<'de> for Pairs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PairsVisitor)
    }
}

struct PairsVisitor;

impl<'de> Visitor<'de> for PairsVisitor {
    type Value = Pairs;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping of `key: value` lines")
    }

    fn visit_unit<E>(self) -> Result<Pairs, E> {
        Ok(Pairs(Vec::new()))
    }

    fn visit_none<E>(self) -> Result<Pairs, E> {
        Ok(Pairs(Vec::new()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pairs, A::Error> {
        let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(8).min(64));
        while let Some((Lenient(key), Lenient(value))) = map.next_entry()? {
            pairs.push((key, value));
        }
        Ok(Pairs(pairs))
    }
}

/// Any value, read leniently: a repeated key in a nested mapping keeps its
/// last value (as at the top level), an integer too large for 64 bits is
/// kept as its text, and a tag is dropped. Unknown keys never fail a post.
struct Lenient(Value);

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor)
    }
}

struct LenientVisitor;

impl<'de> Visitor<'de> for LenientVisitor {
    type Value = Lenient;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Lenient, E> {
        Ok(Lenient(Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Lenient, E> {
        Ok(Lenient(Value::from(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Lenient, E> {
        Ok(Lenient(Value::from(v)))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Lenient, E> {
        Ok(Lenient(i64::try_from(v).map_or_else(
            |_| Value::String(v.to_string()),
            Value::from,
        )))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Lenient, E> {
        Ok(Lenient(u64::try_from(v).map_or_else(
            |_| Value::String(v.to_string()),
            Value::from,
        )))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Lenient, E> {
        Ok(Lenient(Value::from(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Lenient, E> {
        Ok(Lenient(Value::String(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Lenient, E> {
        Ok(Lenient(Value::String(v)))
    }

    fn visit_unit<E>(self) -> Result<Lenient, E> {
        Ok(Lenient(Value::Null))
    }

    fn visit_none<E>(self) -> Result<Lenient, E> {
        Ok(Lenient(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Lenient, D::Error> {
        Lenient::deserialize(deserializer)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Lenient, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(Lenient(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Lenient(Value::Sequence(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Lenient, A::Error> {
        let mut mapping = serde_yaml::Mapping::new();
        while let Some((Lenient(key), Lenient(value))) = map.next_entry()? {
            mapping.insert(key, value);
        }
        Ok(Lenient(Value::Mapping(mapping)))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Lenient, A::Error> {
        use serde::de::VariantAccess;
        // A YAML tag (`!tag value`): the value without its tag.
        let (_tag, variant) = data.variant::<String>()?;
        variant.newtype_variant::<Lenient>()
    }
}

/// TOML dates reach a foreign value type as a one-key mapping; this turns
/// them back into their text.
fn untoml(value: Value) -> Value {
    const DATETIME_KEY: &str = "$__toml_private_datetime";
    match value {
        Value::Mapping(mapping) if mapping.len() == 1 && mapping.contains_key(DATETIME_KEY) => {
            mapping
                .into_iter()
                .next()
                .map_or(Value::Null, |(_, text)| text)
        }
        Value::Mapping(mapping) => Value::Mapping(
            mapping
                .into_iter()
                .map(|(key, value)| (key, untoml(value)))
                .collect(),
        ),
        Value::Sequence(items) => Value::Sequence(items.into_iter().map(untoml).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml_split(source: &str) -> Split<'_> {
        Split {
            syntax: Syntax::Yaml,
            source,
            body: "",
        }
    }

    fn parse_yaml(source: &str) -> Result<FrontMatter, String> {
        parse(&yaml_split(source))
    }

    #[test]
    fn splits_at_delimiters() {
        let post = "---\ntitle: a\n---\n本文\n";
        let yaml = |source, body| {
            Ok(Split {
                syntax: Syntax::Yaml,
                source,
                body,
            })
        };
        assert_eq!(split(post), yaml("title: a\n", "本文\n"));
        assert_eq!(
            split("---  \r\ntitle: a\r\n...\r\n本文"),
            yaml("title: a\r\n", "本文")
        );
        assert_eq!(split("---\n---\n"), yaml("", ""));
        assert_eq!(split("---\n---"), yaml("", ""));
        assert_eq!(
            split("+++\ntitle = 'a'\n+++\n本文"),
            Ok(Split {
                syntax: Syntax::Toml,
                source: "title = 'a'\n",
                body: "本文"
            })
        );
        assert_eq!(
            split("{\"title\": \"}{\", \"tags\": [\"a\"]}\n本文"),
            Ok(Split {
                syntax: Syntax::Json,
                source: "{\"title\": \"}{\", \"tags\": [\"a\"]}",
                body: "本文"
            })
        );
        assert_eq!(
            split("{\"a\": 1"),
            Err(SplitError::Unterminated(Syntax::Json))
        );
        assert_eq!(
            split("+++\na = 1\n"),
            Err(SplitError::Unterminated(Syntax::Toml))
        );
        // `----` and a dash line indented are not delimiters.
        assert_eq!(split("----\n---\n"), Err(SplitError::Missing));
        assert_eq!(split("\n---\n---\n"), Err(SplitError::Missing));
        assert_eq!(split("本文だけ"), Err(SplitError::Missing));
        assert_eq!(
            split("---\ntitle: a\n ---\n"),
            Err(SplitError::Unterminated(Syntax::Yaml))
        );
        assert_eq!(split("---"), Err(SplitError::Unterminated(Syntax::Yaml)));
    }

    #[test]
    fn parse_errors_name_the_file_line() {
        let err = parse_yaml("title: a\ndate: b: c\n")
            .err()
            .unwrap_or_default();
        assert!(err.contains("at line 2 column"), "{err}");
        assert!(err.contains("line 3 of the file"), "{err}");
        let err = parse_yaml("- a\n- b\n").err().unwrap_or_default();
        assert!(err.contains("expected a mapping"), "{err}");
        assert!(parse_yaml("just text").is_err());
        assert_eq!(parse_yaml("# only a comment\n"), Ok(FrontMatter::default()));
        assert_eq!(parse_yaml(""), Ok(FrontMatter::default()));
    }

    #[test]
    fn repeated_keys_keep_the_last_value_in_the_first_place() -> Result<(), String> {
        let mut front_matter = parse_yaml("title: a\ntags: x\ntitle: b\n<<: {title: c, d: e}\n")?;
        assert_eq!(front_matter.take("title"), Some(Value::from("b")));
        assert_eq!(front_matter.take("title"), None);
        assert_eq!(
            front_matter.into_extra(),
            serde_json::json!({"tags": "x", "d": "e"})
                .as_object()
                .cloned()
                .unwrap_or_default()
        );
        let mut hugo = parse(&Split {
            syntax: Syntax::Toml,
            source: "Title = 'a'\ndate = 2024-01-02T03:04:05+09:00\n[params]\nx = 1\n",
            body: "",
        })?;
        assert_eq!(hugo.take_ci("title"), Some(Value::from("a")));
        assert_eq!(
            hugo.take("date"),
            Some(Value::from("2024-01-02T03:04:05+09:00"))
        );
        let mut json = parse(&Split {
            syntax: Syntax::Json,
            source: "{\"title\": \"a\", \"title\": \"b\"}",
            body: "",
        })?;
        assert_eq!(json.take("title"), Some(Value::from("b")));
        Ok(())
    }

    #[test]
    fn hostile_blocks_are_refused_before_parsing() {
        let deep = format!("tags: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let err = parse_yaml(&deep).err().unwrap_or_default();
        assert!(err.contains("past the limit of 64"), "{err}");
        let huge = format!("tags: [{}]\n", "a, ".repeat(400_000));
        let err = parse_yaml(&huge).err().unwrap_or_default();
        assert!(err.contains("past the limit of 1048576"), "{err}");
        // Brackets inside quotes and comments are not nesting.
        assert!(
            parse_yaml(&format!(
                "title: '{}'\n# {}\n",
                "[".repeat(100),
                "{".repeat(100)
            ))
            .is_ok()
        );
    }

    #[test]
    fn unknown_keys_never_fail() -> Result<(), String> {
        let front_matter = parse_yaml("big: 123456789012345678901234567890\nt: !tag v\n")?;
        let extra = front_matter.into_extra();
        assert!(extra.contains_key("big"), "{extra:?}");
        Ok(())
    }
}
