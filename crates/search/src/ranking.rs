//! Every ranking rule and weight, in one place: to change how results are
//! ordered, start here.
//!
//! A search's score is built in tiers, so that each rule only breaks the
//! ties of the rules before it. The rules, in order:
//!
//! | # | rule | a post ranks higher when it… | how ([`rank`] builds rules 1 to 3) |
//! |---|---|---|---|
//! | 1 | coverage (`match=any` only) | covers more of the query's clauses (matches them in any way; a one-character word only as a word) | [`cover_tier`] per clause covered: more than every rule below together. A search relaxed from `all` also needs [`RELAXED_FLOOR`] of them |
//! | 2 | words | matches more clauses as words (their terms, as a phrase) rather than only as a substring or a reading | [`WORD_TIER`] per clause: a substring-only match never outranks a word match |
//! | 3 | relevance | matches more, in better fields, closer together, or carries a tag or category named like the query | BM25 by field (`*_BOOST`), a proximity boost ([`NEAR_BOOST`] within [`NEAR_SLOP`]) and a name boost ([`NAME_BOOST`]), together capped at [`RELEVANCE_CAP`], below one word tier |
//! | 4 | date | is newer | ties of the score go to the newer post ([`by_relevance`]) |
//!
//! Without words, or sorted by date (`sort=newest`, `oldest`), posts are in
//! date order only. Related posts rank by the post's most distinctive words
//! ([`RELATED_TERMS`], [`related_term_weight`]), then shared tags and
//! categories ([`RELATED_TAG_WEIGHT`], [`RELATED_CATEGORY_WEIGHT`]), then
//! date. The planner (`plan`) builds the queries the rules score.

use sagasu_indexer::schema;
use tantivy::DateTime;
use tantivy::Order;
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query};

use crate::capped::CappedQuery;
use crate::request::MatchMode;

/// Weight of a word match (the `*_terms` fields) by field: a title match
/// counts most, then a tag or category name, then the body.
pub(crate) const TITLE_TERMS_BOOST: f32 = 3.0;
pub(crate) const BODY_TERMS_BOOST: f32 = 1.0;
pub(crate) const LABEL_TERMS_BOOST: f32 = 2.0;
/// Weight of a substring match (the `*_bigrams` fields): less than a word
/// match in the same field.
pub(crate) const TITLE_BIGRAMS_BOOST: f32 = 0.6;
pub(crate) const BODY_BIGRAMS_BOOST: f32 = 0.3;
/// Weight of a reading match (the `*_readings` fields, and a reading's
/// katakana as words): below a word match in the same field, since words
/// read alike can differ (`会` and `回`).
pub(crate) const TITLE_READINGS_BOOST: f32 = 1.0;
pub(crate) const BODY_READINGS_BOOST: f32 = 0.5;
/// Weight of a reading's katakana as a substring, below its match as words.
pub(crate) const TITLE_KATAKANA_SUBSTRING_BOOST: f32 = 0.5;
pub(crate) const BODY_KATAKANA_SUBSTRING_BOOST: f32 = 0.25;

/// The least share of a query's content words that a post of a relaxed
/// search (`all` relaxed to `any`) must cover: half, rounded up, so that a
/// question of four content words shows no post that has only one of them.
pub(crate) const RELAXED_FLOOR: f64 = 0.5;

/// What each clause matched as words adds to a post's score.
pub(crate) const WORD_TIER: f32 = 1000.0;
/// The most relevance can add: less than one tier.
pub(crate) const RELEVANCE_CAP: f32 = WORD_TIER - 1.0;

/// Units that occur in order within this many positions of each other are
/// "near", and such posts get [`NEAR_BOOST`] (times the phrase's BM25).
pub(crate) const NEAR_SLOP: u32 = 8;
pub(crate) const NEAR_BOOST: f32 = 1.5;

/// Boost of a post carrying a tag or category named exactly like the query
/// or one of its units.
pub(crate) const NAME_BOOST: f32 = 8.0;

/// How many of a post's most distinctive words describe it for related
/// posts.
pub(crate) const RELATED_TERMS: usize = 24;
/// For related posts, a shared tag weighs as much as the post's two most
/// distinctive words, and a shared category as its most distinctive one
/// (times the weight of that word).
pub(crate) const RELATED_TAG_WEIGHT: f32 = 2.0;
pub(crate) const RELATED_CATEGORY_WEIGHT: f32 = 1.0;

/// What a covered clause adds (rule 1), for a query of `clauses` clauses:
/// more than all the word tiers and the relevance together.
pub(crate) fn cover_tier(clauses: usize) -> f32 {
    WORD_TIER * (clauses + 1) as f32
}

/// The weight of a word that occurs `frequency` times in a post, and in
/// `doc_freq` of the index's `docs` posts, for related posts: TF-IDF
/// (square root of the frequency). `None` for a word no other post has,
/// which cannot relate the post to one, and for a word in most posts,
/// which says nothing about it.
pub(crate) fn related_term_weight(frequency: u32, doc_freq: u64, docs: u64) -> Option<f32> {
    if doc_freq < 2 || doc_freq * 2 > docs {
        return None;
    }
    let idf = (docs as f32 / doc_freq as f32).ln();
    Some((frequency as f32).sqrt() * idf)
}

/// A clause of the query as the rules see it.
pub(crate) struct ClauseQuery {
    /// Matches the clause, scored.
    pub scored: Box<dyn Query>,
    /// Matches where the clause occurs as words.
    pub words: Option<Box<dyn Query>>,
    /// Matches where the clause counts as covered (see
    /// `Planner::clause_query`).
    pub covered: Option<Box<dyn Query>>,
}

/// Rules 1 to 3 over the text clauses `clauses` (not empty), which must
/// all match (`MatchMode::All`) or at least one (`MatchMode::Any`, where a
/// post must cover at least `floor` of them: a share, rounded up; `0.0` for
/// no floor), with `boosts` (proximity, names) added to the relevance;
/// appended to `top`.
pub(crate) fn rank(
    clauses: Vec<ClauseQuery>,
    boosts: impl Iterator<Item = Box<dyn Query>>,
    mode: MatchMode,
    floor: f64,
    top: &mut Vec<(Occur, Box<dyn Query>)>,
) {
    let count = clauses.len();
    let occur = match mode {
        MatchMode::All => Occur::Must,
        MatchMode::Any => Occur::Should,
    };
    let cover_tier = cover_tier(count);
    let mut matched = Vec::with_capacity(count);
    let mut covers: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for clause in clauses {
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
    let least = (count as f64 * floor).ceil() as usize;
    if least > 0 {
        let covers = BooleanQuery::with_minimum_required_clauses(covers, least);
        top.push((Occur::Must, Box::new(covers)));
    } else if !covers.is_empty() {
        top.push((Occur::Should, Box::new(BooleanQuery::new(covers))));
    }
    let mut relevance: Vec<(Occur, Box<dyn Query>)> =
        vec![(Occur::Must, Box::new(BooleanQuery::new(matched)))];
    relevance.extend(boosts.map(|query| (Occur::Should, query)));
    let capped = CappedQuery::new(Box::new(BooleanQuery::new(relevance)), RELEVANCE_CAP);
    top.push((Occur::Must, Box::new(capped)));
}

/// The order of results by relevance: by score (rules 1 to 3), then the
/// newer post first (rule 4).
pub(crate) fn by_relevance() -> (
    (SortBySimilarityScore, Order),
    (SortByStaticFastValue<DateTime>, Order),
) {
    (
        (SortBySimilarityScore, Order::Desc),
        (
            SortByStaticFastValue::<DateTime>::for_field(schema::DATE),
            Order::Desc,
        ),
    )
}
