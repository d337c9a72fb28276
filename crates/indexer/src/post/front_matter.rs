//! The YAML front matter block: finding it, parsing it, and turning its
//! values into the shapes [`crate::post::Post`] needs.

use serde_yaml::Value;

use super::body::decode_entities;

/// A post split at its front matter delimiters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Split<'a> {
    /// The YAML between the delimiter lines (may be empty).
    pub yaml: &'a str,
    /// Everything after the closing delimiter line.
    pub body: &'a str,
}

/// Why a text has no usable front matter block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SplitError {
    /// The first line is not `---`.
    Missing,
    /// No closing `---` or `...` line.
    Unterminated,
}

/// Splits a post (BOM already removed) into front matter and body, as Jekyll
/// does: the first line is `---`, the block ends at the next line that is
/// `---` or `...`; trailing spaces and `\r` on delimiter lines are ignored.
pub(crate) fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let (first, yaml_start) = line_at(text, 0);
    if !is_delimiter(first, false) {
        return Err(SplitError::Missing);
    }
    let mut pos = yaml_start;
    while pos < text.len() {
        let (line, next) = line_at(text, pos);
        if is_delimiter(line, true) {
            return Ok(Split {
                yaml: &text[yaml_start..pos],
                body: &text[next..],
            });
        }
        pos = next;
    }
    Err(SplitError::Unterminated)
}

/// The line starting at `pos` (without its `\n`) and where the next starts.
fn line_at(text: &str, pos: usize) -> (&str, usize) {
    match text[pos..].find('\n') {
        Some(i) => (&text[pos..pos + i], pos + i + 1),
        None => (&text[pos..], text.len()),
    }
}

fn is_delimiter(line: &str, closing: bool) -> bool {
    let line = line.trim_end_matches([' ', '\t', '\r']);
    line == "---" || (closing && line == "...")
}

/// Parses the front matter YAML into a mapping (empty for an empty block).
/// The error is a human message including serde_yaml's line and column.
pub(crate) fn parse_mapping(yaml: &str) -> Result<serde_yaml::Mapping, String> {
    let mut value: Value = serde_yaml::from_str(yaml).map_err(|e| match e.location() {
        // serde_yaml counts from the first line after the opening `---`.
        Some(location) => format!(
            "{e} (front matter line {} is line {} of the file)",
            location.line(),
            location.line() + 1
        ),
        None => e.to_string(),
    })?;
    value
        .apply_merge()
        .map_err(|e| format!("bad `<<` merge key: {e}"))?;
    match untag(value) {
        Value::Mapping(mapping) => Ok(mapping),
        Value::Null => Ok(serde_yaml::Mapping::new()),
        other => Err(format!(
            "front matter must be a mapping of `key: value` lines, found {}",
            kind(&other)
        )),
    }
}

/// Drops YAML tags (`!foo bar` → `bar`).
fn untag(value: Value) -> Value {
    match value {
        Value::Tagged(tagged) => untag(tagged.value),
        other => other,
    }
}

/// "a string", "a list" …, for messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(tagged) => kind(&tagged.value),
    }
}

/// A scalar as text (`2008` → "2008", `true` → "true"); `Ok(None)` for null.
/// `Err` with the value's kind for lists and mappings.
pub(crate) fn scalar_text(value: Value) -> Result<Option<String>, &'static str> {
    match untag(value) {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(b.to_string())),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::String(s) => Ok(Some(s)),
        other => Err(kind(&other)),
    }
}

/// Trims, decodes HTML entities and collapses inner whitespace runs to one
/// space. Returns `None` when nothing is left.
pub(crate) fn clean_text(text: &str) -> Option<String> {
    let decoded = decode_entities(text.trim());
    let mut out = String::with_capacity(decoded.len());
    for word in decoded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    (!out.is_empty()).then_some(out)
}

/// Appends the entries of a `tags`/`categories`-like value to `list`, keeping
/// first-seen order and dropping exact duplicates: a list (nested lists are
/// flattened; null items skipped), a string of comma-separated entries, a
/// number or boolean, or null (nothing). Entries are cleaned with
/// [`clean_text`]; empty ones are dropped. `Err` names the offending kind.
pub(crate) fn extend_string_list(list: &mut Vec<String>, value: Value) -> Result<(), String> {
    match untag(value) {
        Value::Null => Ok(()),
        Value::String(s) => {
            for entry in s.split(',') {
                push_unique(list, clean_text(entry));
            }
            Ok(())
        }
        Value::Sequence(items) => {
            for item in items {
                match untag(item) {
                    Value::Sequence(inner) => extend_string_list(list, Value::Sequence(inner))?,
                    Value::Mapping(_) => {
                        return Err("expected a list of names, found a mapping in the list \
                                    (a `name: value` item? quote it)"
                            .to_owned());
                    }
                    // A list item is one name even if it contains commas.
                    scalar => match scalar_text(scalar) {
                        Ok(text) => push_unique(list, text.as_deref().and_then(clean_text)),
                        Err(found) => return Err(format!("unexpected {found} in the list")),
                    },
                }
            }
            Ok(())
        }
        scalar @ (Value::Bool(_) | Value::Number(_)) => {
            let text = scalar_text(scalar).ok().flatten();
            push_unique(list, text.as_deref().and_then(clean_text));
            Ok(())
        }
        other => Err(format!(
            "expected a list or a comma-separated string, found {}",
            kind(&other)
        )),
    }
}

fn push_unique(list: &mut Vec<String>, entry: Option<String>) {
    if let Some(entry) = entry
        && !list.contains(&entry)
    {
        list.push(entry);
    }
}

/// A front matter key as a JSON object key: strings as they are, other
/// scalars as written (`1` → "1", null → "null"), lists and mappings as
/// compact JSON.
pub(crate) fn key_text(key: Value) -> String {
    match untag(key) {
        Value::String(s) => s,
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => to_json(other).to_string(),
    }
}

/// Converts a YAML value to JSON. Non-finite floats (`.inf`, `.nan`) become
/// strings as YAML writes them; tags are dropped; keys go through
/// [`key_text`].
pub(crate) fn to_json(value: Value) -> serde_json::Value {
    use serde_json::Value as Json;
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Json::from(i)
            } else if let Some(u) = n.as_u64() {
                Json::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or_else(|| Json::String(n.to_string()), Json::Number)
            }
        }
        Value::String(s) => Json::String(s),
        Value::Sequence(items) => Json::Array(items.into_iter().map(to_json).collect()),
        Value::Mapping(mapping) => Json::Object(
            mapping
                .into_iter()
                .map(|(k, v)| (key_text(k), to_json(v)))
                .collect(),
        ),
        Value::Tagged(tagged) => to_json(tagged.value),
    }
}

/// Removes repeated items from a top-level JSON list, keeping the first of
/// each (`[226, 226, 226]` → `[226]`); other values are returned unchanged.
pub(crate) fn dedup_list(value: serde_json::Value) -> serde_json::Value {
    let serde_json::Value::Array(items) = value else {
        return value;
    };
    let mut unique: Vec<serde_json::Value> = Vec::with_capacity(items.len().min(8));
    if items.len() <= 32 {
        for item in items {
            if !unique.contains(&item) {
                unique.push(item);
            }
        }
    } else {
        // Long lists: compare by canonical JSON text instead of pairwise.
        let mut seen = std::collections::HashSet::with_capacity(items.len());
        for item in items {
            if seen.insert(item.to_string()) {
                unique.push(item);
            }
        }
    }
    serde_json::Value::Array(unique)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap_or(Value::Null)
    }

    fn list(text: &str) -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        extend_string_list(&mut out, yaml(text))?;
        Ok(out)
    }

    #[test]
    fn splits_at_delimiters() {
        let post = "---\ntitle: a\n---\n本文\n";
        assert_eq!(
            split(post),
            Ok(Split {
                yaml: "title: a\n",
                body: "本文\n"
            })
        );
        assert_eq!(
            split("---  \r\ntitle: a\r\n...\r\n本文"),
            Ok(Split {
                yaml: "title: a\r\n",
                body: "本文"
            })
        );
        assert_eq!(split("---\n---\n"), Ok(Split { yaml: "", body: "" }));
        assert_eq!(split("---\n---"), Ok(Split { yaml: "", body: "" }));
        // `----` and a dash line indented are not delimiters.
        assert_eq!(split("----\n---\n"), Err(SplitError::Missing));
        assert_eq!(split("\n---\n---\n"), Err(SplitError::Missing));
        assert_eq!(split("本文だけ"), Err(SplitError::Missing));
        assert_eq!(
            split("---\ntitle: a\n ---\n"),
            Err(SplitError::Unterminated)
        );
        assert_eq!(split("---"), Err(SplitError::Unterminated));
    }

    #[test]
    fn parse_mapping_errors_name_the_file_line() {
        let err = parse_mapping("title: a\ndate: b: c\n")
            .err()
            .unwrap_or_default();
        assert!(err.contains("at line 2 column"), "{err}");
        assert!(err.contains("line 3 of the file"), "{err}");
        let err = parse_mapping("- a\n- b\n").err().unwrap_or_default();
        assert!(err.contains("found a list"), "{err}");
        assert!(parse_mapping("just text").is_err());
        assert_eq!(parse_mapping("# only a comment\n").map(|m| m.len()), Ok(0));
        assert_eq!(parse_mapping("").map(|m| m.len()), Ok(0));
    }

    #[test]
    fn string_lists() {
        assert_eq!(list("[Tech, Tech, Tech]"), Ok(vec!["Tech".into()]));
        assert_eq!(
            list("\"ruby, rails\""),
            Ok(vec!["ruby".into(), "rails".into()])
        );
        assert_eq!(
            list("ruby, rails ,, ruby"),
            Ok(vec!["ruby".into(), "rails".into()])
        );
        assert_eq!(list("JavaScript"), Ok(vec!["JavaScript".into()]));
        assert_eq!(
            list("[2009, '2009', true]"),
            Ok(vec!["2009".into(), "true".into()])
        );
        assert_eq!(list("2009"), Ok(vec!["2009".into()]));
        assert_eq!(list("~"), Ok(vec![]));
        assert_eq!(list("[~, '', '  ']"), Ok(vec![]));
        assert_eq!(
            list("['  日記 ', [入れ子, 日記]]"),
            Ok(vec!["日記".into(), "入れ子".into()])
        );
        assert_eq!(list("['Q&amp;A', 'Q&A']"), Ok(vec!["Q&A".into()]));
        // Case and width differences are kept.
        assert_eq!(
            list("[Business, business, Ｂｕｓｉｎｅｓｓ]"),
            Ok(vec![
                "Business".into(),
                "business".into(),
                "Ｂｕｓｉｎｅｓｓ".into()
            ])
        );
        // A list item with a comma is one name.
        assert_eq!(list("['Hello, world']"), Ok(vec!["Hello, world".into()]));
        assert!(list("{a: b}").is_err());
        assert!(list("[a: b]").is_err());
    }

    #[test]
    fn json_conversion() {
        let json = to_json(yaml(
            "a: [1, 1]\n1: x\ntrue: y\n~: z\nf: 1.5\ninf: .inf\nbig: 18446744073709551615\nt: !tag v\n",
        ));
        assert_eq!(
            json,
            serde_json::json!({
                "a": [1, 1], "1": "x", "true": "y", "null": "z", "f": 1.5,
                "inf": ".inf", "big": 18446744073709551615u64, "t": "v"
            })
        );
        assert_eq!(
            dedup_list(serde_json::json!([3, "3", 3, {"k": 1}, {"k": 1}])),
            serde_json::json!([3, "3", {"k": 1}])
        );
        let long: Vec<u32> = (0..100).map(|i| i % 7).collect();
        assert_eq!(
            dedup_list(serde_json::json!(long)),
            serde_json::json!([0, 1, 2, 3, 4, 5, 6])
        );
        assert_eq!(dedup_list(serde_json::json!("x")), serde_json::json!("x"));
    }
}
