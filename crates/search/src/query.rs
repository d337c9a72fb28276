//! The query language.
//!
//! - Words separated by spaces must all occur (AND).
//! - `"quoted phrase"` must occur as written.
//! - `-word` or `-"phrase"` must not occur.
//! - `a OR b` needs either side; `OR` binds tighter than the implicit AND, so
//!   `a OR b c` means `(a OR b) AND c`.
//! - `tag:X` and `category:X` filter like `--tag` and `--category`
//!   (`tag:"two words"` for names with spaces).
//!
//! Parsing never fails. Malformed syntax degrades to plain words: an
//! unbalanced quote is ignored, a lone `-` is dropped, and an `OR` with
//! nothing on one side is the plain word "or".

/// A parsed query: clauses that all apply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Clauses that must match.
    pub must: Vec<Vec<Atom>>,
    /// Atoms that must not match.
    pub must_not: Vec<Atom>,
}

impl ParsedQuery {
    /// Every positive text atom, for highlighting.
    pub fn positive_texts(&self) -> impl Iterator<Item = &str> {
        self.must.iter().flatten().filter_map(|atom| match atom {
            Atom::Word(text) | Atom::Phrase(text) => Some(text.as_str()),
            Atom::Tag(_) | Atom::Category(_) => None,
        })
    }
}

/// One thing to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Atom {
    /// A word as typed (it may still analyse into several terms).
    Word(String),
    /// A quoted phrase.
    Phrase(String),
    /// A `tag:` filter.
    Tag(String),
    /// A `category:` filter.
    Category(String),
}

/// A lexical item of the query string.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Atom { negated: bool, atom: Atom },
    Or,
}

/// Parses a query string. Never fails.
pub fn parse(input: &str) -> ParsedQuery {
    let items = lex(input);
    let mut query = ParsedQuery::default();
    let mut index = 0;
    while index < items.len() {
        match &items[index] {
            Item::Or => {
                // A stray OR (nothing before it) is the plain word.
                query.must.push(vec![Atom::Word("OR".to_owned())]);
                index += 1;
            }
            Item::Atom {
                negated: true,
                atom,
            } => {
                query.must_not.push(atom.clone());
                index += 1;
            }
            Item::Atom {
                negated: false,
                atom,
            } => {
                let mut alternatives = vec![atom.clone()];
                index += 1;
                while index < items.len() && items[index] == Item::Or {
                    match items.get(index + 1) {
                        Some(Item::Atom {
                            negated: false,
                            atom,
                        }) => {
                            alternatives.push(atom.clone());
                            index += 2;
                        }
                        // `a OR` at the end, `a OR OR b`, `a OR -b`: the OR
                        // has no right-hand side and becomes a plain word.
                        _ => {
                            query.must.push(vec![Atom::Word("OR".to_owned())]);
                            index += 1;
                        }
                    }
                }
                query.must.push(alternatives);
            }
        }
    }
    query
}

fn lex(input: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut rest = input.trim_start_matches(is_space);
    while !rest.is_empty() {
        let (item, remaining) = lex_one(rest);
        if let Some(item) = item {
            items.push(item);
        }
        rest = remaining.trim_start_matches(is_space);
    }
    items
}

/// Lexes one item from the start of `input` (which does not start with a
/// space); returns it (if it is not empty) and the rest.
fn lex_one(input: &str) -> (Option<Item>, &str) {
    let (negated, body) = match input.strip_prefix('-') {
        Some(body) if !body.is_empty() && !body.starts_with(is_space) => (true, body),
        Some(body) => return (None, body),
        None => (false, input),
    };
    if let Some(after_quote) = body.strip_prefix(is_quote) {
        if let Some(end) = after_quote.find(is_quote) {
            let phrase = &after_quote[..end];
            let rest = &after_quote[end + quote_len(after_quote, end)..];
            let item = (!phrase.trim().is_empty()).then(|| Item::Atom {
                negated,
                atom: Atom::Phrase(phrase.to_owned()),
            });
            return (item, rest);
        }
        // Unbalanced quote: drop it and read on as plain words.
        return (None, after_quote);
    }
    let end = body.find(is_space).unwrap_or(body.len());
    let (word, rest) = body.split_at(end);
    if !negated && word == "OR" {
        return (Some(Item::Or), rest);
    }
    for (prefix, make) in [
        ("tag:", Atom::Tag as fn(String) -> Atom),
        ("category:", Atom::Category as fn(String) -> Atom),
    ] {
        if let Some(value) = strip_prefix_ignore_case(body, prefix) {
            let (value, rest) = match value.strip_prefix(is_quote) {
                Some(quoted) => match quoted.find(is_quote) {
                    Some(end) => (&quoted[..end], &quoted[end + quote_len(quoted, end)..]),
                    None => {
                        let end = quoted.find(is_space).unwrap_or(quoted.len());
                        (&quoted[..end], &quoted[end..])
                    }
                },
                None => {
                    let end = value.find(is_space).unwrap_or(value.len());
                    (&value[..end], &value[end..])
                }
            };
            if value.trim().is_empty() {
                // `tag:` with nothing after it is the plain word.
                break;
            }
            let item = Item::Atom {
                negated,
                atom: make(value.trim().to_owned()),
            };
            return (Some(item), rest);
        }
    }
    // A stray quote inside a word is not syntax.
    let word: String = word.chars().filter(|c| !is_quote(*c)).collect();
    let item = (!word.is_empty()).then_some(Item::Atom {
        negated,
        atom: Atom::Word(word),
    });
    (item, rest)
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// ASCII and full-width double quotes, and Japanese corner brackets are not
/// quotes: `「」` are ordinary text.
fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\u{FF02}' | '\u{201C}' | '\u{201D}')
}

fn quote_len(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(1, char::len_utf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str) -> Atom {
        Atom::Word(text.to_owned())
    }

    #[test]
    fn words_are_anded() {
        let query = parse("インフラ　勉強会 KVM");
        assert_eq!(
            query.must,
            vec![
                vec![word("インフラ")],
                vec![word("勉強会")],
                vec![word("KVM")]
            ]
        );
    }

    #[test]
    fn phrases_exclusions_or_and_filters() {
        let query =
            parse(r#""インフラ エンジニア" -Windows a OR b c tag:hbstudy Category:"Tech Talk""#);
        assert_eq!(
            query.must,
            vec![
                vec![Atom::Phrase("インフラ エンジニア".to_owned())],
                vec![word("a"), word("b")],
                vec![word("c")],
                vec![Atom::Tag("hbstudy".to_owned())],
                vec![Atom::Category("Tech Talk".to_owned())],
            ]
        );
        assert_eq!(query.must_not, vec![word("Windows")]);
    }

    #[test]
    fn malformed_syntax_degrades_to_words() {
        assert_eq!(
            parse(r#""unbalanced quote"#).must,
            vec![vec![word("unbalanced")], vec![word("quote")]]
        );
        assert_eq!(parse("a - b").must, vec![vec![word("a")], vec![word("b")]]);
        assert_eq!(parse("-").must, Vec::<Vec<Atom>>::new());
        assert_eq!(parse("OR a").must, vec![vec![word("OR")], vec![word("a")]]);
        assert_eq!(parse("a OR").must, vec![vec![word("OR")], vec![word("a")]]);
        assert_eq!(
            parse("a OR OR b").must,
            vec![vec![word("OR")], vec![word("a"), word("b")]]
        );
        assert_eq!(parse("tag:").must, vec![vec![word("tag:")]]);
        assert_eq!(parse(r#"say"what"#).must, vec![vec![word("saywhat")]]);
        assert_eq!(parse("  "), ParsedQuery::default());
        assert_eq!(parse(r#""""#), ParsedQuery::default());
    }

    #[test]
    fn negated_phrase_and_filters() {
        let query = parse(r#"-"foo bar" -tag:old"#);
        assert_eq!(
            query.must_not,
            vec![
                Atom::Phrase("foo bar".to_owned()),
                Atom::Tag("old".to_owned())
            ]
        );
    }
}
