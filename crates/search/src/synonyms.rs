//! Synonyms, applied at query time.
//!
//! A synonyms file has one group per line, its entries separated by commas
//! (`,`, `，` or `、`); lines starting with `#` and blank lines are ignored:
//!
//! ```text
//! # cloud
//! AWS, Amazon Web Services
//! 勉強会, ミートアップ
//! ```
//!
//! A query word (or quoted phrase, or run of space-separated words) equal to
//! an entry after normalization (NFKC, case, spacing: see
//! [`sagasu_analyzer::normalize_key`]) also matches every other entry of its
//! groups: `AWS` searches `AWS OR "amazon web services"`, and so does
//! `Amazon Web Services` typed without quotes. Excluded words (`-AWS`)
//! exclude their synonyms too. Nothing changes at indexing time, so editing
//! the file needs no rebuild.

use std::collections::HashMap;

use sagasu_analyzer::normalize_key;

use crate::query::{Atom, ParsedQuery};
use crate::{Error, Result};

/// Parsed synonym groups. The default has none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms {
    /// Each group's entries, normalized.
    groups: Vec<Vec<String>>,
    /// The groups each entry belongs to.
    by_entry: HashMap<String, Vec<usize>>,
    /// Most words in one entry.
    max_words: usize,
}

impl Synonyms {
    /// Parses the text of a synonyms file. Errors name the line.
    pub fn parse(text: &str) -> Result<Self> {
        let mut synonyms = Self::default();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let invalid = |message: &str| Error::InvalidSynonyms {
                line: number,
                message: message.to_owned(),
            };
            let mut group: Vec<String> = Vec::new();
            for entry in line.split([',', '，', '、']) {
                let entry = normalize_key(entry);
                if entry.is_empty() {
                    return Err(invalid(
                        "empty entry (two commas in a row, or a comma at an end)",
                    ));
                }
                if !group.contains(&entry) {
                    group.push(entry);
                }
            }
            if group.len() < 2 {
                return Err(invalid(
                    "a group needs at least two different entries, separated by commas",
                ));
            }
            let id = synonyms.groups.len();
            for entry in &group {
                synonyms.max_words = synonyms.max_words.max(entry.split(' ').count());
                synonyms.by_entry.entry(entry.clone()).or_default().push(id);
            }
            synonyms.groups.push(group);
        }
        Ok(synonyms)
    }

    /// Whether there are no groups.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// `query` with every word that has synonyms widened to them.
    pub(crate) fn expand(&self, query: ParsedQuery) -> ParsedQuery {
        if self.is_empty() {
            return query;
        }
        let mut must = Vec::with_capacity(query.must.len());
        let mut index = 0;
        while index < query.must.len() {
            if let Some((len, joined)) = self.entry_spanning(&query.must[index..]) {
                let mut clause = vec![Atom::Phrase(joined.clone())];
                self.add_alternatives(&normalize_key(&joined), &mut clause);
                must.push(clause);
                index += len;
                continue;
            }
            let mut clause = query.must[index].clone();
            for atom in &query.must[index] {
                if let Atom::Word(text) | Atom::Phrase(text) = atom {
                    self.add_alternatives(&normalize_key(text), &mut clause);
                }
            }
            must.push(clause);
            index += 1;
        }
        let mut must_not = Vec::with_capacity(query.must_not.len());
        for atom in query.must_not {
            let mut excluded = vec![atom];
            if let Atom::Word(text) | Atom::Phrase(text) = &excluded[0] {
                let key = normalize_key(text);
                self.add_alternatives(&key, &mut excluded);
            }
            must_not.append(&mut excluded);
        }
        ParsedQuery { must, must_not }
    }

    /// The longest run of two or more plain-word clauses at the start of
    /// `clauses` that spells an entry: its length and its words joined.
    fn entry_spanning(&self, clauses: &[Vec<Atom>]) -> Option<(usize, String)> {
        let words: Vec<&str> = clauses
            .iter()
            .take(self.max_words)
            .map_while(|clause| match clause.as_slice() {
                [Atom::Word(text)] => Some(text.as_str()),
                _ => None,
            })
            .collect();
        (2..=words.len()).rev().find_map(|len| {
            let joined = words[..len].join(" ");
            self.by_entry
                .contains_key(&normalize_key(&joined))
                .then_some((len, joined))
        })
    }

    /// Appends the synonyms of the entry `key` that `atoms` lacks.
    fn add_alternatives(&self, key: &str, atoms: &mut Vec<Atom>) {
        let Some(groups) = self.by_entry.get(key) else {
            return;
        };
        for &group in groups {
            for entry in &self.groups[group] {
                if entry == key {
                    continue;
                }
                let atom = if entry.contains(' ') {
                    Atom::Phrase(entry.clone())
                } else {
                    Atom::Word(entry.clone())
                };
                if !atoms.contains(&atom) {
                    atoms.push(atom);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;

    fn synonyms() -> Synonyms {
        let text =
            "# cloud\nAWS, Amazon Web Services\n\n勉強会、ミートアップ, meetup\nEC2, Amazon EC2\n";
        Synonyms::parse(text).unwrap_or_default()
    }

    fn word(text: &str) -> Atom {
        Atom::Word(text.to_owned())
    }

    fn phrase(text: &str) -> Atom {
        Atom::Phrase(text.to_owned())
    }

    #[test]
    fn parses_groups_and_skips_comments() {
        let synonyms = synonyms();
        assert_eq!(synonyms.groups.len(), 3);
        assert_eq!(synonyms.max_words, 3);
    }

    #[test]
    fn errors_name_the_line() {
        for (text, line) in [
            ("a, b\nonly\n", 2),
            ("# x\n\na,,b\n", 3),
            ("a, b,\n", 1),
            ("ＡＷＳ, aws\n", 1),
        ] {
            match Synonyms::parse(text) {
                Err(Error::InvalidSynonyms { line: got, .. }) => assert_eq!(got, line, "{text:?}"),
                other => panic!("{text:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_word_matches_its_synonyms() {
        let expanded = synonyms().expand(parse("ＡＷＳ 料金"));
        assert_eq!(
            expanded.must,
            [
                vec![word("ＡＷＳ"), phrase("amazon web services")],
                vec![word("料金")]
            ]
        );
        let expanded = synonyms().expand(parse("ミートアップ"));
        assert_eq!(
            expanded.must,
            [vec![word("ミートアップ"), word("勉強会"), word("meetup")]]
        );
    }

    #[test]
    fn words_typed_apart_match_a_multi_word_entry() {
        let expanded = synonyms().expand(parse("amazon web services 料金"));
        assert_eq!(
            expanded.must,
            [
                vec![phrase("amazon web services"), word("aws")],
                vec![word("料金")]
            ]
        );
        // The longest entry wins; a quoted phrase is one entry too.
        let expanded = synonyms().expand(parse("Amazon EC2 \"amazon web services\""));
        assert_eq!(
            expanded.must,
            [
                vec![phrase("Amazon EC2"), word("ec2")],
                vec![phrase("amazon web services"), word("aws")]
            ]
        );
        // Words that only start an entry stay words.
        let expanded = synonyms().expand(parse("amazon web"));
        assert_eq!(expanded.must, [vec![word("amazon")], vec![word("web")]]);
    }

    #[test]
    fn alternatives_and_exclusions_widen_too() {
        let expanded = synonyms().expand(parse("EC2 OR aws -勉強会"));
        assert_eq!(
            expanded.must,
            [vec![
                word("EC2"),
                word("aws"),
                phrase("amazon ec2"),
                phrase("amazon web services")
            ]]
        );
        assert_eq!(
            expanded.must_not,
            [word("勉強会"), word("ミートアップ"), word("meetup")]
        );
    }

    #[test]
    fn no_synonyms_leave_the_query_alone() {
        let query = parse("aws -x tag:y");
        assert_eq!(Synonyms::default().expand(query.clone()), query);
    }
}
