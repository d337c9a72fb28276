//! User dictionaries: words a blogger teaches the segmenter (product, event
//! and people's names that IPADIC splits apart).
//!
//! The CSV is Lindera's user dictionary format, one word per line, in
//! either of its two forms:
//!
//! - simple: `surface,part_of_speech,reading`, such as
//!   `ハートビーツ勉強会,名詞,ハートビーツベンキョウカイ`. The word gets
//!   Lindera's default cost, so it wins over the dictionary's segmentation.
//!   The part of speech is shown by `sagasu analyze`; an IPADIC top-level
//!   tag (`名詞`, …) is kept, anything else counts as an unknown word, which
//!   is indexed like a noun. The reading (katakana or hiragana, may be
//!   empty) is what a hiragana query finds the word by.
//! - detailed (IPADIC's own): `surface,left_id,right_id,cost,` then nine
//!   features (`part_of_speech,…,base_form,reading,pronunciation`).
//!
//! Lines starting with `#` and blank lines are ignored. Surfaces are
//! normalized like all text (NFKC, lowercase), so `ＡＷＳ勉強会` and
//! `aws勉強会` are one entry; a surface cannot contain spaces, which never
//! reach the segmenter. Every problem is reported with its line number.
//!
//! A dictionary is identified by the hash of its normalized entries
//! ([`UserDictionary::id`]): an index records the id it was built with, so
//! searching it with other words in the dictionary is refused.

use lindera_dictionary::builder::DictionaryBuilder;
use lindera_dictionary::dictionary::UserDictionary as LinderaUserDictionary;

use crate::reading::to_katakana;
use crate::{Error, Normalized};

/// Fields of a simple entry, and the least a detailed entry has.
const SIMPLE_FIELDS: usize = 3;
const DETAILED_FIELDS: usize = 13;

/// A parsed and compiled user dictionary. Cheap enough to clone.
#[derive(Clone)]
pub struct UserDictionary {
    pub(crate) dictionary: LinderaUserDictionary,
    id: String,
    words: usize,
}

impl std::fmt::Debug for UserDictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserDictionary")
            .field("id", &self.id)
            .field("words", &self.words)
            .finish()
    }
}

impl UserDictionary {
    /// Parses and compiles the CSV text of a user dictionary.
    pub fn from_csv(csv_text: &str) -> Result<Self, Error> {
        let system = sagasu_ipadic::load()?;
        let matrix = &system.connection_cost_matrix;
        let context_ids = matrix.forward_size.min(matrix.backward_size);
        let mut canonical = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        let mut words = 0;
        // Line by line (an entry is one line), so that every error names
        // the line it is on, counting comments and blank lines.
        for (index, text) in csv_text.lines().enumerate() {
            let line = index as u64 + 1;
            let entry = |message: String| Error::UserDictionaryEntry { line, message };
            let text = text.trim();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            let record = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .trim(csv::Trim::All)
                .from_reader(text.as_bytes())
                .records()
                .next()
                .transpose()
                .map_err(|err| entry(err.to_string()))?
                .unwrap_or_default();
            let fields: Vec<&str> = record.iter().collect();
            let Some(first) = fields.first() else {
                return Err(entry("not a CSV entry".to_owned()));
            };
            let surface = Normalized::new(first).as_str().to_owned();
            if surface.is_empty() {
                return Err(entry("the surface (first field) is empty".to_owned()));
            }
            if surface.chars().any(char::is_whitespace) {
                return Err(entry(format!(
                    "the surface {:?} contains a space; words are segmented without spaces",
                    fields[0]
                )));
            }
            let row: Vec<String> = match fields.len() {
                SIMPLE_FIELDS => {
                    if fields[1].is_empty() {
                        return Err(entry("the part of speech (second field) is empty".into()));
                    }
                    let reading = reading(fields[2]);
                    vec![surface, fields[1].to_owned(), reading]
                }
                n if n >= DETAILED_FIELDS => {
                    for (index, name) in [(1, "left context id"), (2, "right context id")] {
                        let id: u32 = fields[index].parse().map_err(|_| {
                            entry(format!("the {name} {:?} is not a number", fields[index]))
                        })?;
                        if id >= context_ids {
                            return Err(entry(format!(
                                "the {name} {id} is out of range (IPADIC's are 0 to {})",
                                context_ids - 1
                            )));
                        }
                    }
                    fields[3].parse::<i16>().map_err(|_| {
                        entry(format!(
                            "the cost {:?} is not a number from -32768 to 32767",
                            fields[3]
                        ))
                    })?;
                    let mut row: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
                    row[0] = surface;
                    // The reading feature, like a simple entry's.
                    row[11] = reading(fields[11]);
                    row
                }
                n => {
                    return Err(entry(format!(
                        "{n} fields; an entry is `surface,part_of_speech,reading` \
                         or IPADIC's 13 fields"
                    )));
                }
            };
            canonical
                .write_record(&row)
                .map_err(|err| entry(err.to_string()))?;
            words += 1;
        }
        if words == 0 {
            return Err(Error::EmptyUserDictionary);
        }
        let canonical = canonical
            .into_inner()
            .map_err(|err| Error::UserDictionaryEntry {
                line: 0,
                message: err.to_string(),
            })?;
        let dictionary = DictionaryBuilder::new((*system.metadata).clone())
            .build_user_dict_from_reader(canonical.as_slice())
            .map_err(Error::UserDictionaryBuild)?;
        Ok(Self {
            dictionary,
            id: format!("xxh3:{:016x}", xxhash_rust::xxh3::xxh3_64(&canonical)),
            words,
        })
    }

    /// Identifies the dictionary's entries: the same entries (whatever the
    /// comments, spacing and width) give the same id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Number of entries (at least one: an empty dictionary is refused).
    #[cfg(test)]
    fn words(&self) -> usize {
        self.words
    }
}

/// A reading as the index keeps them: normalized, in katakana, `*` for none.
fn reading(field: &str) -> String {
    let normalized = Normalized::new(field);
    match normalized.as_str().trim() {
        "" => "*".to_owned(),
        reading => to_katakana(reading),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_line(csv: &str) -> Option<u64> {
        match UserDictionary::from_csv(csv) {
            Err(Error::UserDictionaryEntry { line, .. }) => Some(line),
            _ => None,
        }
    }

    #[test]
    fn both_forms_comments_and_blank_lines() -> Result<(), Error> {
        let csv = "# products\n\nハートビーツ勉強会,名詞,はーとびーつべんきょうかい\n\
                   ＳＡＧＡＳＵ,名詞,サガス\n\
                   東京スカイツリー,1288,1288,-1000,名詞,固有名詞,一般,*,*,*,東京スカイツリー,トウキョウスカイツリー,トーキョースカイツリー\n";
        let dictionary = UserDictionary::from_csv(csv)?;
        assert_eq!(dictionary.words(), 3);
        assert!(dictionary.id().starts_with("xxh3:"));
        Ok(())
    }

    #[test]
    fn the_id_follows_the_entries_not_the_formatting() -> Result<(), Error> {
        let a = UserDictionary::from_csv("ＳＡＧＡＳＵ,名詞,サガス\n")?;
        let b = UserDictionary::from_csv("# mine\nsagasu , 名詞 , さがす\n")?;
        let c = UserDictionary::from_csv("sagasu,名詞,サガース\n")?;
        assert_eq!(a.id(), b.id());
        assert_ne!(a.id(), c.id());
        Ok(())
    }

    #[test]
    fn bad_entries_name_their_line() {
        assert_eq!(error_line("a,名詞,ア\nb,名詞\n"), Some(2));
        assert_eq!(error_line("# c\n\n,名詞,ア\n"), Some(3));
        assert_eq!(error_line("two words,名詞,ア\n"), Some(1));
        assert_eq!(error_line("a,,ア\n"), Some(1));
        let detailed = "x,1288,99999,0,名詞,一般,*,*,*,*,x,エックス,エックス\n";
        assert_eq!(error_line(&format!("a,名詞,ア\n{detailed}")), Some(2));
        let cost = "x,1288,1288,big,名詞,一般,*,*,*,*,x,エックス,エックス\n";
        assert_eq!(error_line(cost), Some(1));
        assert_eq!(error_line("\"unclosed,名詞,ア\n"), Some(1));
        assert!(matches!(
            UserDictionary::from_csv("# nothing\n"),
            Err(Error::EmptyUserDictionary)
        ));
    }
}
