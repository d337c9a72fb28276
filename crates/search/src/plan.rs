//! From a parsed query and a request's filters to a Tantivy query.
//!
//! **Units.** The query's words are searched as units. With `match=all`,
//! every word, quoted phrase or `a OR b` group is a clause that must match.
//! With `match=any` (and when `all` finds nothing and is relaxed to `any`),
//! a word is cut into its content words, each a unit, so that a question
//! typed as one run of Japanese (`インフラ勉強会に参加する方法は`) searches
//! `インフラ`, `勉強会` and `参加`: particles, question words and light
//! words (see [`sagasu_analyzer::is_informative`]) are not searched; at
//! least one unit must match. With `match=all`, a word whose run as a whole
//! is in no post is searched by its content words too, all of them
//! required (see the `split` module).
//!
//! **Matching.** A unit matches a post in two ways, three for a reading:
//! - as **words**: its morphological terms occur as a phrase in the title,
//!   the body or the tag and category names (`*_terms` fields);
//! - as a **substring**: its characters occur in sequence in the title or
//!   body (`*_bigrams` fields). A character alone at either end of the unit
//!   (`猫`, `Y!砲`) matches any bigram with it on that side, so a
//!   one-character query finds every post that has the character;
//! - by **reading**, for a unit all in hiragana or in romaji
//!   (`べんきょうかい`, `benkyoukai`): a word or run of words of the title or
//!   body reads like it (`*_readings` fields), or its katakana occurs as
//!   words (see the `readings` module). It scores like a substring match.
//!   Only a unit that no post has as words or as a substring is searched
//!   by its reading.
//!
//! **Score.** `WORD_TIER` for each clause matched as words, plus the rest
//! capped below one tier: BM25 of the words in the title (×3), tag and
//! category names (×2) and body, the substring matches at a lower weight,
//! a boost when the units occur near each other in order, and a boost for
//! posts carrying a tag or category named exactly like the query or one of
//! its units. A post that has more of the query as real words therefore
//! always ranks above one that has fewer: a substring-only match never
//! outranks a word match, however often it occurs. Ties go to the newer post
//! (see the searcher).
//!
//! With `match=any`, coverage comes before that: each clause a post covers
//! (matches in any way; a one-character word only as a word) adds more than
//! every word tier and the relevance together, so the posts with more of
//! the query rank first. A search relaxed from `all` to `any` also has a
//! floor: a post must cover at least [`RELAXED_FLOOR`] of the clauses.
//!
//! Filters (`tag:`, `category:`, dates) select without scoring.

use std::collections::HashSet;
use std::ops::Bound;

use chrono::{Datelike, NaiveDate, NaiveTime};
use sagasu_analyzer::{Analyzer, normalize_key};
use sagasu_indexer::schema::Fields;
use sagasu_indexer::to_tantivy_date;
use tantivy::collector::Count;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query,
    RangeQuery, RegexPhraseQuery, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DateTime, Term};

use crate::Result;
use crate::capped::CappedQuery;
use crate::query::{Atom, ParsedQuery};
use crate::request::{MatchMode, SearchRequest};

/// Weight of a match in each text field. A title match counts most, then a
/// tag or category name; a bigram (substring) match counts less than a word
/// match.
const TITLE_TERMS_BOOST: f32 = 3.0;
const BODY_TERMS_BOOST: f32 = 1.0;
const LABEL_TERMS_BOOST: f32 = 2.0;
const TITLE_BIGRAMS_BOOST: f32 = 0.6;
const BODY_BIGRAMS_BOOST: f32 = 0.3;

/// The least share of a query's content words that a post of a relaxed
/// search (`all` relaxed to `any`) must cover: half, rounded up, so that a
/// question of four content words shows no post that has only one of them.
pub(crate) const RELAXED_FLOOR: f64 = 0.5;

/// What each clause matched as words adds to a post's score.
pub(crate) const WORD_TIER: f32 = 1000.0;
/// The most everything else can add: less than one tier.
const RELEVANCE_CAP: f32 = WORD_TIER - 1.0;

/// Units that occur in order within this many positions of each other are
/// "near", and such posts get [`NEAR_BOOST`] (times the phrase's BM25).
const NEAR_SLOP: u32 = 8;
const NEAR_BOOST: f32 = 1.5;

/// Boost of a post carrying a tag or category named exactly like the query
/// or one of its units.
const NAME_BOOST: f32 = 8.0;

/// A query ready to run.
pub(crate) struct Plan {
    pub query: Box<dyn Query>,
    /// Whether there are words to rank by.
    pub has_text: bool,
    /// How many word clauses there are.
    pub text_clauses: usize,
    /// Whether a word was cut into content words that differ from it
    /// (`match=any` only).
    pub chunked: bool,
}

impl Plan {
    /// Whether this `any` plan searches something else than the `all` plan
    /// of the same query, so that `all` → `any` can find more: several
    /// clauses, or a word cut into its content words.
    pub(crate) fn relaxes(&self) -> bool {
        self.text_clauses > 1 || self.chunked
    }
}

/// Something the query looks for: a word, a quoted phrase, or a chunk of a
/// question.
#[derive(Debug, Clone)]
struct Unit {
    /// The text it was read from, for tag and category names.
    text: String,
    /// Morphological query terms at their positions.
    terms: Vec<(usize, String)>,
    /// Bigrams at their positions.
    bigrams: Vec<(usize, String)>,
    /// For a unit that is one godan verb, its potential form, searched as
    /// well (see [`potential_form`]).
    potential: Option<String>,
}

/// One clause of the query: units that are alternatives (`a OR b`), and
/// any `tag:`/`category:` alternatives among them.
#[derive(Default)]
struct Clause {
    units: Vec<Unit>,
    names: Vec<Box<dyn Query>>,
}

/// A clause as queries.
struct ClauseQuery {
    /// Matches the clause, scored.
    scored: Box<dyn Query>,
    /// Matches where the clause occurs as words.
    words: Option<Box<dyn Query>>,
    /// Matches where the clause counts as covered (see
    /// [`Planner::clause_query`]).
    covered: Option<Box<dyn Query>>,
}

/// Builds queries for one index's fields with its analyzer.
pub(crate) struct Planner<'a> {
    pub fields: &'a Fields,
    pub analyzer: &'a Analyzer,
    /// The index searched, to tell whether a kana or romaji word is found
    /// as typed (then its readings are not searched; see
    /// [`Planner::clause_query`]). Without it, readings are always searched.
    pub index: Option<&'a tantivy::Searcher>,
}

impl Planner<'_> {
    /// The query for `parsed` and the filters of `request`, where the word
    /// clauses must all match (`MatchMode::All`) or at least one
    /// (`MatchMode::Any`).
    pub(crate) fn plan(
        &self,
        parsed: &ParsedQuery,
        request: &SearchRequest,
        mode: MatchMode,
    ) -> Result<Plan> {
        self.plan_with_floor(parsed, request, mode, 0.0)
    }

    /// The `any` plan of a search relaxed from `all` (see
    /// [`crate::SearchResponse::relaxed`]): a post must cover at least
    /// [`RELAXED_FLOOR`] of the query's content words.
    pub(crate) fn plan_relaxed(
        &self,
        parsed: &ParsedQuery,
        request: &SearchRequest,
    ) -> Result<Plan> {
        self.plan_with_floor(parsed, request, MatchMode::Any, RELAXED_FLOOR)
    }

    /// [`Planner::plan`], where with `MatchMode::Any` a post must cover at
    /// least `floor` of the clauses (a share, rounded up; `0.0` for no
    /// floor).
    fn plan_with_floor(
        &self,
        parsed: &ParsedQuery,
        request: &SearchRequest,
        mode: MatchMode,
        floor: f64,
    ) -> Result<Plan> {
        let mut top: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut clauses: Vec<Clause> = Vec::new();
        let mut has_text = false;
        let mut chunked = false;
        // With `any`, words are searched by their content words, one by
        // one, and a word with none (`どうやって`, `で`) is left out, unless
        // no word has any: then the words are searched as they are.
        let mut chunks_of: Vec<Option<Vec<Unit>>> = Vec::with_capacity(parsed.must.len());
        for alternatives in &parsed.must {
            chunks_of.push(match (mode, alternatives.as_slice()) {
                (MatchMode::Any, [Atom::Word(text)]) => Some(self.content_words(text)?),
                _ => None,
            });
        }
        let skip_uninformative = chunks_of.iter().flatten().any(|chunks| !chunks.is_empty());
        for (alternatives, chunks) in parsed.must.iter().zip(chunks_of) {
            let is_text = alternatives
                .iter()
                .any(|atom| matches!(atom, Atom::Word(_) | Atom::Phrase(_)));
            has_text |= is_text;
            if !is_text {
                let names = alternatives
                    .iter()
                    .filter_map(|atom| self.name_filter(atom))
                    .collect();
                top.push((Occur::Must, should(names)));
                continue;
            }
            if let (Some(chunks), [Atom::Word(text)]) = (chunks, alternatives.as_slice())
                && (!chunks.is_empty() || skip_uninformative)
            {
                chunked |= match chunks.as_slice() {
                    [only] => only.terms != self.unit(text)?.terms,
                    _ => true,
                };
                clauses.extend(chunks.into_iter().map(|unit| Clause {
                    units: vec![unit],
                    names: Vec::new(),
                }));
                continue;
            }
            let mut clause = Clause::default();
            for atom in alternatives {
                match atom {
                    Atom::Word(text) | Atom::Phrase(text) => clause.units.push(self.unit(text)?),
                    Atom::Tag(_) | Atom::Category(_) => {
                        clause.names.extend(self.name_filter(atom));
                    }
                }
            }
            clauses.push(clause);
        }
        let mut text: Vec<ClauseQuery> = Vec::with_capacity(clauses.len());
        for clause in &clauses {
            text.extend(self.clause_query(clause)?);
        }
        // Words were typed but none has anything to search for (only
        // punctuation, say): nothing matches, rather than everything.
        if has_text && text.is_empty() {
            return Ok(Plan {
                query: Box::new(EmptyQuery),
                has_text: false,
                text_clauses: 0,
                chunked,
            });
        }
        for atom in &parsed.must_not {
            let excluded = match atom {
                Atom::Word(text) | Atom::Phrase(text) => {
                    let clause = Clause {
                        units: vec![self.unit(text)?],
                        names: Vec::new(),
                    };
                    self.clause_query(&clause)?.map(|clause| clause.scored)
                }
                Atom::Tag(_) | Atom::Category(_) => self.name_filter(atom),
            };
            top.extend(excluded.map(|query| (Occur::MustNot, query)));
        }
        self.request_filters(request, &mut top);

        let text_clauses = text.len();
        if !text.is_empty() {
            let occur = match mode {
                MatchMode::All => Occur::Must,
                MatchMode::Any => Occur::Should,
            };
            // With `any`, the share of the query a post covers counts
            // first: each clause it covers adds more than all the word
            // tiers and the relevance together; and a relaxed search shows
            // only posts that cover at least `floor` of the clauses.
            let cover_tier = WORD_TIER * (text_clauses + 1) as f32;
            let mut matched = Vec::with_capacity(text.len());
            let mut covers: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for clause in text {
                if mode == MatchMode::Any
                    && let Some(covered) = &clause.covered
                {
                    let cover = ConstScoreQuery::new(covered.box_clone(), cover_tier);
                    covers.push((Occur::Should, Box::new(cover)));
                }
                matched.push((occur, clause.scored));
                if let Some(words) = clause.words {
                    let tier = ConstScoreQuery::new(words, WORD_TIER);
                    top.push((Occur::Should, Box::new(tier)));
                }
            }
            let least = (text_clauses as f64 * floor).ceil() as usize;
            if least > 0 {
                let covers = BooleanQuery::with_minimum_required_clauses(covers, least);
                top.push((Occur::Must, Box::new(covers)));
            } else if !covers.is_empty() {
                top.push((Occur::Should, Box::new(BooleanQuery::new(covers))));
            }
            let mut relevance: Vec<(Occur, Box<dyn Query>)> =
                vec![(Occur::Must, Box::new(BooleanQuery::new(matched)))];
            relevance.extend(self.near(&clauses).map(|query| (Occur::Should, query)));
            relevance.extend(
                self.name_boosts(parsed, &clauses)
                    .map(|query| (Occur::Should, query)),
            );
            let capped = CappedQuery::new(Box::new(BooleanQuery::new(relevance)), RELEVANCE_CAP);
            top.push((Occur::Must, Box::new(capped)));
        }
        if !top.iter().any(|(occur, _)| *occur == Occur::Must) {
            top.push((Occur::Must, filter(Box::new(AllQuery))));
        }
        Ok(Plan {
            query: Box::new(BooleanQuery::new(top)),
            has_text,
            text_clauses,
            chunked,
        })
    }

    /// The unit for a word or phrase as typed.
    fn unit(&self, text: &str) -> Result<Unit> {
        let analysis = self.analyzer.analyze(text)?;
        let terms = owned(analysis.query_terms());
        let potential = match (terms.as_slice(), analysis.terms.first()) {
            ([(_, verb)], Some(first)) if first.part_of_speech == "動詞" => potential_form(verb),
            _ => None,
        };
        Ok(Unit {
            text: text.to_owned(),
            terms,
            bigrams: analysis
                .bigrams
                .iter()
                .map(|token| (token.position, token.text.clone()))
                .collect(),
            potential,
        })
    }

    /// The content words of `text` (see
    /// [`sagasu_analyzer::Analyzer::content_words`]), each a unit. Empty
    /// when no word of `text` is informative.
    fn content_words(&self, text: &str) -> Result<Vec<Unit>> {
        let mut units = Vec::new();
        for word in self.analyzer.content_words(text)? {
            let bigrams = self.analyzer.analyze(&word.text)?.bigrams;
            units.push(Unit {
                potential: None,
                text: word.text,
                terms: word.terms,
                bigrams: bigrams
                    .into_iter()
                    .map(|token| (token.position, token.text))
                    .collect(),
            });
        }
        Ok(units)
    }

    /// The queries of one clause; `None` when it has nothing searchable.
    ///
    /// A post covers the clause (for ranking and the floor of `any`) where
    /// it matches it in any way, except that a word of one character
    /// (`本`) covers it only as a word: inside other words (`日本`, `本番`)
    /// it is mostly something else.
    ///
    /// A word all in hiragana or in romaji also finds words by their
    /// reading, but only when no post has it as typed (as words or as a
    /// substring): a reading stands in for the word the reader did not
    /// type, so `Sanpo`, which a post has, does not also find `散歩` (read
    /// サンポ), while `sanpo` in an archive without it does.
    fn clause_query(&self, clause: &Clause) -> Result<Option<ClauseQuery>> {
        let mut scored: Vec<Box<dyn Query>> = Vec::new();
        let mut words: Vec<Box<dyn Query>> = Vec::new();
        let one_character = clause
            .units
            .iter()
            .any(|unit| unit.text.chars().count() == 1);
        for unit in &clause.units {
            let word = self.word_query(unit);
            let substring = self.substring_query(unit);
            if let Some(reading) =
                crate::readings::reading_query(self.fields, self.analyzer, &unit.text)
            {
                let typed: Vec<Box<dyn Query>> = word
                    .iter()
                    .chain(&substring)
                    .map(|query| query.box_clone())
                    .collect();
                let found = match self.index {
                    Some(index) if !typed.is_empty() => {
                        index.search(should(typed).as_ref(), &Count)? > 0
                    }
                    _ => false,
                };
                if !found {
                    scored.push(reading);
                }
            }
            if let Some(query) = word {
                words.push(query.box_clone());
                scored.push(query);
            }
            scored.extend(substring);
        }
        scored.extend(clause.names.iter().map(|name| name.box_clone()));
        if scored.is_empty() {
            return Ok(None);
        }
        let scored = should(scored);
        let words = (!words.is_empty()).then(|| should(words));
        let covered = if one_character {
            words.as_ref().map(|words| words.box_clone())
        } else {
            Some(scored.box_clone())
        };
        Ok(Some(ClauseQuery {
            scored,
            words,
            covered,
        }))
    }

    /// Where `unit` occurs as words: its terms as a phrase in the title,
    /// body or names, BM25 weighted by field.
    fn word_query(&self, unit: &Unit) -> Option<Box<dyn Query>> {
        let fields = self.fields;
        let options: Vec<Box<dyn Query>> = [
            (fields.title_terms, TITLE_TERMS_BOOST),
            (fields.body_terms, BODY_TERMS_BOOST),
            (fields.label_terms, LABEL_TERMS_BOOST),
        ]
        .into_iter()
        .filter_map(|(field, boost)| {
            let mut query = sequence_query(field, &unit.terms)?;
            if let Some(potential) = &unit.potential {
                let term = Term::from_field_text(field, potential);
                let also = TermQuery::new(term, IndexRecordOption::WithFreqs);
                query = should(vec![query, Box::new(also) as Box<dyn Query>]);
            }
            Some(Box::new(BoostQuery::new(query, boost)) as Box<dyn Query>)
        })
        .collect();
        (!options.is_empty()).then(|| should(options))
    }

    /// Where `unit`'s characters occur in sequence: its bigrams as a phrase
    /// in the title or body, weighted below word matches.
    fn substring_query(&self, unit: &Unit) -> Option<Box<dyn Query>> {
        let fields = self.fields;
        let options: Vec<Box<dyn Query>> = [
            (fields.title_bigrams, TITLE_BIGRAMS_BOOST),
            (fields.body_bigrams, BODY_BIGRAMS_BOOST),
        ]
        .into_iter()
        .filter_map(|(field, boost)| {
            let query = bigram_query(field, &unit.bigrams)?;
            Some(Box::new(BoostQuery::new(query, boost)) as Box<dyn Query>)
        })
        .collect();
        (!options.is_empty()).then(|| should(options))
    }

    /// The proximity boost: the terms of every single-unit clause, in query
    /// order, as a sloppy phrase in the title and body. `None` for fewer
    /// than two such units.
    fn near(&self, clauses: &[Clause]) -> Option<Box<dyn Query>> {
        let mut terms: Vec<(usize, &str)> = Vec::new();
        let mut units = 0;
        let mut next = 0;
        for clause in clauses {
            let ([unit], []) = (clause.units.as_slice(), clause.names.as_slice()) else {
                continue;
            };
            let Some(first) = unit.terms.first().map(|(position, _)| *position) else {
                continue;
            };
            for (position, text) in &unit.terms {
                terms.push((next + position - first, text.as_str()));
            }
            next = terms.last().map_or(next, |(position, _)| position + 2);
            units += 1;
        }
        if units < 2 {
            return None;
        }
        let options = [self.fields.title_terms, self.fields.body_terms]
            .into_iter()
            .map(|field| {
                let with_offsets = terms
                    .iter()
                    .map(|(position, text)| (*position, Term::from_field_text(field, text)))
                    .collect();
                let phrase = PhraseQuery::new_with_offset_and_slop(with_offsets, NEAR_SLOP);
                Box::new(phrase) as Box<dyn Query>
            })
            .collect();
        Some(Box::new(BoostQuery::new(should(options), NEAR_BOOST)))
    }

    /// Boosts for posts carrying a tag or category named exactly like the
    /// whole query or one of its units.
    fn name_boosts(&self, parsed: &ParsedQuery, clauses: &[Clause]) -> Option<Box<dyn Query>> {
        let whole: Vec<&str> = parsed.positive_texts().collect();
        let whole = whole.join(" ");
        let mut keys: Vec<String> = Vec::new();
        let texts = std::iter::once(whole.as_str()).chain(
            clauses
                .iter()
                .flat_map(|c| c.units.iter().map(|u| u.text.as_str())),
        );
        let mut seen = HashSet::new();
        for text in texts {
            let key = normalize_key(text);
            if !key.is_empty() && seen.insert(key.clone()) {
                keys.push(key);
            }
        }
        let boosts: Vec<Box<dyn Query>> = keys
            .iter()
            .flat_map(|key| [(self.fields.tag, key), (self.fields.category, key)])
            .map(|(field, key)| {
                let term =
                    TermQuery::new(Term::from_field_text(field, key), IndexRecordOption::Basic);
                Box::new(ConstScoreQuery::new(Box::new(term), NAME_BOOST)) as Box<dyn Query>
            })
            .collect();
        (!boosts.is_empty()).then(|| should(boosts))
    }

    /// The filter for a `tag:` or `category:` atom; `None` for words.
    fn name_filter(&self, atom: &Atom) -> Option<Box<dyn Query>> {
        match atom {
            Atom::Tag(name) => Some(filter(key_query(self.fields.tag, name))),
            Atom::Category(name) => Some(filter(key_query(self.fields.category, name))),
            Atom::Word(_) | Atom::Phrase(_) => None,
        }
    }

    /// The request's tag, category and date filters.
    fn request_filters(&self, request: &SearchRequest, out: &mut Vec<(Occur, Box<dyn Query>)>) {
        let fields = self.fields;
        for tag in &request.tags {
            out.push((Occur::Must, filter(key_query(fields.tag, tag))));
        }
        for category in &request.categories {
            out.push((Occur::Must, filter(key_query(fields.category, category))));
        }
        if request.from.is_some() || request.to.is_some() {
            // Bounds beyond what the index can hold are clamped to its ends:
            // `--from 1000` is every post, `--from 9999` none.
            let bound = |day: NaiveDate| {
                let date =
                    to_tantivy_date(day.and_time(NaiveTime::MIN)).unwrap_or(if day.year() < 1970 {
                        DateTime::MIN
                    } else {
                        DateTime::MAX
                    });
                Term::from_field_date_for_search(fields.date, date)
            };
            let lower = request.from.map_or(Bound::Unbounded, |from| {
                Bound::Included(bound(from.first_day()))
            });
            let upper = request.to.map_or(Bound::Unbounded, |to| {
                Bound::Excluded(bound(to.day_after()))
            });
            out.push((Occur::Must, filter(Box::new(RangeQuery::new(lower, upper)))));
        }
    }
}

/// The potential form of a godan verb written with a kanji stem (`行く` →
/// `行ける`, `読む` → `読める`, `帰る` → `帰れる`). IPADIC reads potential
/// forms as verbs of their own, so without it `行く` would not find
/// `行けなかった`. (For an ichidan verb in `る` this is the colloquial
/// potential, `見る` → `見れる`.)
pub(crate) fn potential_form(verb: &str) -> Option<String> {
    let mut chars = verb.chars();
    let last = chars.next_back()?;
    let before = chars.next_back()?;
    if !matches!(before, '\u{4E00}'..='\u{9FFF}') {
        return None;
    }
    let e_row = match last {
        'う' => 'え',
        'く' => 'け',
        'ぐ' => 'げ',
        'す' => 'せ',
        'つ' => 'て',
        'ぬ' => 'ね',
        'ぶ' => 'べ',
        'む' => 'め',
        'る' => 'れ',
        _ => return None,
    };
    let stem = &verb[..verb.len() - last.len_utf8()];
    Some(format!("{stem}{e_row}る"))
}

fn owned(terms: Vec<(usize, &str)>) -> Vec<(usize, String)> {
    terms
        .into_iter()
        .map(|(position, text)| (position, text.to_owned()))
        .collect()
}

/// A query matching any of `queries`, scoring the sum of those that match.
fn should(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if queries.len() == 1 {
        return queries
            .into_iter()
            .next()
            .unwrap_or_else(|| Box::new(EmptyQuery));
    }
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

/// A term for one position, a phrase for several; `None` for none.
fn sequence_query(field: Field, terms: &[(usize, String)]) -> Option<Box<dyn Query>> {
    let first = terms.first()?.0;
    if let [(_, text)] = terms {
        let term = Term::from_field_text(field, text);
        return Some(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)));
    }
    let with_offsets = terms
        .iter()
        .map(|(position, text)| (position - first, Term::from_field_text(field, text)))
        .collect();
    Some(Box::new(PhraseQuery::new_with_offset(with_offsets)))
}

/// The bigram sequence of a unit. A one-character token at either end is a
/// run of one character in the query, which in a post may continue the
/// run: at the start it matches a bigram ending with it, at the end one
/// starting with it, and alone any bigram holding it.
fn bigram_query(field: Field, bigrams: &[(usize, String)]) -> Option<Box<dyn Query>> {
    let (first, last) = (bigrams.first()?, bigrams.last()?);
    let open = |text: &str| text.chars().count() == 1 && !text.is_ascii();
    let (open_start, open_end) = (open(&first.1), open(&last.1));
    if !open_start && !open_end {
        return sequence_query(field, bigrams);
    }
    if let [(_, text)] = bigrams {
        let pattern = format!(".?{}.?", escape_regex(text));
        return RegexQuery::from_pattern(&pattern, field)
            .ok()
            .map(|query| Box::new(query) as Box<dyn Query>);
    }
    let end = bigrams.len() - 1;
    let patterns = bigrams
        .iter()
        .enumerate()
        .map(|(index, (position, text))| {
            let text = escape_regex(text);
            let pattern = match index {
                0 if open_start => format!(".?{text}"),
                _ if index == end && open_end => format!("{text}.?"),
                _ => text,
            };
            (position - first.0, pattern)
        })
        .collect();
    Some(Box::new(RegexPhraseQuery::new_with_offset(field, patterns)))
}

/// `text` as a regular expression matching itself.
fn escape_regex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Exact match on a normalized tag or category key.
pub(crate) fn key_query(field: Field, name: &str) -> Box<dyn Query> {
    let term = Term::from_field_text(field, &normalize_key(name));
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

/// A query that selects without changing scores.
pub(crate) fn filter(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn potential_forms_of_godan_verbs() {
        for (verb, potential) in [
            ("行く", Some("行ける")),
            ("読む", Some("読める")),
            ("帰る", Some("帰れる")),
            ("話す", Some("話せる")),
            ("待つ", Some("待てる")),
            ("いく", None),
            ("する", None),
            ("勉強", None),
        ] {
            assert_eq!(potential_form(verb).as_deref(), potential, "{verb}");
        }
    }

    #[test]
    fn words_are_cut_into_their_content_words() -> Result<()> {
        let analyzer = Analyzer::new()?;
        let (_schema, fields) = sagasu_indexer::schema::build();
        let planner = Planner {
            fields: &fields,
            analyzer: &analyzer,
            index: None,
        };
        let chunks = |text: &str| -> Result<Vec<String>> {
            Ok(planner
                .content_words(text)?
                .into_iter()
                .map(|unit| unit.text)
                .collect())
        };
        assert_eq!(
            chunks("インフラ勉強会に参加するにはどうすればいいですか")?,
            ["インフラ", "勉強会", "参加"]
        );
        assert_eq!(
            chunks("どうやってMySQLを冗長化する方法")?,
            ["MySQL", "冗長化"]
        );
        assert_eq!(chunks("なぜ")?, Vec::<String>::new());
        assert_eq!(chunks("counter.example.jp")?, ["counter.example.jp"]);
        Ok(())
    }

    #[test]
    fn questions_whose_characters_expand_in_normalization_are_planned() -> Result<()> {
        let (_, fields) = sagasu_indexer::schema::build();
        let analyzer = Analyzer::new()?;
        let planner = Planner {
            fields: &fields,
            analyzer: &analyzer,
            index: None,
        };
        // NFKC turns `¾` into `3⁄4` and `ª` into `a`: words share the
        // original character, so their offsets overlap. The second text is
        // what the schema check sent.
        for text in [
            "¾v3 ªL",
            "\u{16}\u{f2561}»Ï:·[/\u{e4a55}>\t\u{278d3}ªLÍ\u{2}\u{16422}1î3\u{14}\u{1f}¦\u{96}\u{ad}¾v3\u{3d588}\u{a2477}ã\u{ea4af}\u{5bda1}Ó¼>Ï<\u{5}\u{82b00}",
        ] {
            let chunks = planner.content_words(text)?;
            assert!(!chunks.is_empty(), "{text:?}");
            for chunk in chunks {
                assert!(!chunk.text.is_empty(), "{text:?}: {chunk:?}");
            }
        }
        Ok(())
    }
}
