//! Front matter values turned into the shapes a post needs: text, lists
//! of names, mapping keys and JSON for `extra`. YAML tags are dropped
//! (`!foo bar` is `bar`).

use serde_yaml::Value;

use crate::post::Names;

/// Drops YAML tags (`!foo bar` → `bar`).
pub(super) fn untag(value: Value) -> Value {
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

/// Adds the entries of a `tags`/`categories`-like value to `names`: a list
/// (nested lists are flattened; null items skipped), a string of entries
/// split at `separator`, a number or boolean, or null (nothing). `Err` names the
/// offending kind.
pub(crate) fn extend_names(
    names: &mut Names,
    value: Value,
    separator: Separator,
) -> Result<(), String> {
    match untag(value) {
        Value::Null => Ok(()),
        Value::String(s) => {
            match separator {
                Separator::Comma => s.split(',').for_each(|entry| names.push(entry)),
                Separator::SpaceOrComma => s
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .for_each(|entry| names.push(entry)),
            }
            Ok(())
        }
        Value::Sequence(items) => {
            for item in items {
                match untag(item) {
                    Value::Sequence(inner) => {
                        extend_names(names, Value::Sequence(inner), separator)?;
                    }
                    Value::Mapping(_) => {
                        return Err("expected a list of names, found a mapping in the list \
                                    (a `name: value` item? quote it)"
                            .to_owned());
                    }
                    // A list item is one name even if it contains separators.
                    scalar => match scalar_text(scalar) {
                        Ok(text) => names.push(text.as_deref().unwrap_or_default()),
                        Err(found) => return Err(format!("unexpected {found} in the list")),
                    },
                }
            }
            Ok(())
        }
        scalar @ (Value::Bool(_) | Value::Number(_)) => {
            let text = scalar_text(scalar).ok().flatten();
            names.push(text.as_deref().unwrap_or_default());
            Ok(())
        }
        other => Err(format!(
            "expected a list or a comma-separated string, found {}",
            kind(&other)
        )),
    }
}

/// How a string of several names is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Separator {
    /// `ruby, rails`.
    Comma,
    /// `ruby rails`, as Jekyll splits `tags` and `categories`, and
    /// `ruby, rails`.
    SpaceOrComma,
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
        let mut names = Names::default();
        extend_names(&mut names, yaml(text), Separator::Comma)?;
        Ok(names.into_vec())
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
