//! Every ranking rule and weight, in one place: to change how results are
//! ordered, start here.
//!
//! A search's score is built in tiers, so that each rule only breaks the
//! ties of the rules before it. The rules, in order:
//!
//! | # | rule | a post ranks higher when it… | how ([`rank`] scores rules 1 to 3 in one pass) |
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
//! date. The planner (`plan`) builds the queries the rules score; the
//! tests below show each rule deciding an order.

use sagasu_indexer::schema;
use tantivy::DateTime;
use tantivy::Order;
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::query::Query;

use crate::request::MatchMode;
use crate::tiered::{TieredClause, TieredQuery, Tiers};

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

/// Rules 1 to 3 over the text clauses `clauses` (not empty), which must
/// all match (`MatchMode::All`) or at least one (`MatchMode::Any`, where a
/// post must cover at least `floor` of them: a share, rounded up; `0.0` for
/// no floor), with `boosts` (proximity, names) added to the relevance.
pub(crate) fn rank(
    clauses: Vec<TieredClause>,
    boosts: impl Iterator<Item = Box<dyn Query>>,
    mode: MatchMode,
    floor: f64,
) -> TieredQuery {
    let count = clauses.len();
    let tiers = Tiers {
        mode,
        least: match mode {
            MatchMode::All => 0,
            MatchMode::Any => (count as f64 * floor).ceil() as usize,
        },
        cover: cover_tier(count),
        word: WORD_TIER,
        cap: RELEVANCE_CAP,
    };
    TieredQuery::new(clauses, boosts.collect(), tiers)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::searcher::tests::{TestResult, ids, index_posts};
    use crate::{MatchMode, SearchRequest};

    #[test]
    fn word_matches_outrank_substring_matches_and_ties_go_to_newer_posts() -> TestResult {
        let dir = tempfile::tempdir()?;
        let searcher = index_posts(
            dir.path(),
            &[
                ("2010-01-01-old.md", "title: 古い記事", "サーバを移行した。"),
                (
                    "2012-01-01-new.md",
                    "title: 新しい記事",
                    "サーバを移行した。",
                ),
                (
                    "2011-01-01-part.md",
                    "title: 部分一致",
                    "サーバント設計の話。",
                ),
            ],
        )?;
        let response = searcher.search(&SearchRequest::new("サーバ"))?;
        assert_eq!(
            ids(&response),
            [
                "2012-01-01-new.md",
                "2010-01-01-old.md",
                "2011-01-01-part.md"
            ]
        );
        Ok(())
    }

    #[test]
    fn a_relaxed_search_ranks_by_coverage_above_a_floor() -> TestResult {
        let dir = tempfile::tempdir()?;
        let searcher = index_posts(
            dir.path(),
            &[
                (
                    "2010-01-01-three.md",
                    "title: 旅",
                    "北海道で牧場と温泉に寄った。",
                ),
                ("2011-01-01-two.md", "title: 旅", "北海道の牧場。"),
                (
                    "2012-01-01-one.md",
                    "title: 旅",
                    "温泉に行った。温泉、温泉。",
                ),
            ],
        )?;
        // No post has all four words: the posts with at least two of them,
        // the one with three first, however often the other has one.
        let response = searcher.search(&SearchRequest::new("北海道 牧場 温泉 灯台"))?;
        assert!(response.relaxed);
        assert_eq!(ids(&response), ["2010-01-01-three.md", "2011-01-01-two.md"]);
        // `any` typed on purpose has no floor.
        let mut request = SearchRequest::new("北海道 牧場 温泉 灯台");
        request.match_mode = MatchMode::Any;
        assert_eq!(
            ids(&searcher.search(&request)?),
            [
                "2010-01-01-three.md",
                "2011-01-01-two.md",
                "2012-01-01-one.md"
            ]
        );
        Ok(())
    }

    #[test]
    fn a_substring_match_never_outranks_a_word_match() -> TestResult {
        let dir = tempfile::tempdir()?;
        let many = "東京都の税金。".repeat(30);
        let searcher = index_posts(
            dir.path(),
            &[
                ("2010-01-01-kyoto.md", "title: 旅行", "京都に行った。"),
                (
                    "2012-01-01-tokyo.md",
                    "title: 東京都の東京都の税金",
                    many.as_str(),
                ),
                ("2011-01-01-both.md", "title: 税金", "京都の税金。"),
            ],
        )?;
        // 東京都 contains 京都 (found), but only as a substring: below both
        // posts with the word, however often and wherever it occurs.
        let response = searcher.search(&SearchRequest::new("京都"))?;
        assert_eq!(
            ids(&response),
            [
                "2011-01-01-both.md",
                "2010-01-01-kyoto.md",
                "2012-01-01-tokyo.md"
            ]
        );
        let word = response.hits[1].score;
        let substring = response.hits[2].score;
        assert!(
            word >= WORD_TIER && substring < WORD_TIER,
            "{word} {substring}"
        );
        // With two words, more of them as words ranks first.
        let response = searcher.search(&SearchRequest::new("京都 税金"))?;
        assert_eq!(
            ids(&response),
            ["2011-01-01-both.md", "2012-01-01-tokyo.md"]
        );
        Ok(())
    }

    #[test]
    fn a_tag_or_category_named_in_the_query_boosts_its_posts() -> TestResult {
        let dir = tempfile::tempdir()?;
        let searcher = index_posts(
            dir.path(),
            &[
                (
                    "2010-01-01-tagged.md",
                    "title: 監視の設定\ntags: [Zabbix]",
                    "設定を見直した。",
                ),
                (
                    "2012-01-01-mention.md",
                    "title: Zabbix と Zabbix\ntags: [other]",
                    "Zabbix の話。Zabbix を入れた。",
                ),
                ("2011-01-01-none.md", "title: 無関係", "関係ない話。"),
            ],
        )?;
        let response = searcher.search(&SearchRequest::new("ｚａｂｂｉｘ"))?;
        assert_eq!(
            ids(&response),
            ["2010-01-01-tagged.md", "2012-01-01-mention.md"]
        );
        Ok(())
    }

    #[test]
    fn words_near_each_other_rank_above_scattered_ones() -> TestResult {
        let dir = tempfile::tempdir()?;
        let filler = "今日は天気の話をします。".repeat(10);
        // The near post is the longer one: BM25 alone would put it second.
        let near = format!("{filler}インフラの勉強会に行った。{filler}");
        let scattered = format!("インフラの話。{filler}勉強会の話。");
        let searcher = index_posts(
            dir.path(),
            &[
                ("2010-01-01-near.md", "title: 記録", near.as_str()),
                ("2012-01-01-far.md", "title: 記録", scattered.as_str()),
            ],
        )?;
        let response = searcher.search(&SearchRequest::new("インフラ 勉強会"))?;
        assert_eq!(ids(&response), ["2010-01-01-near.md", "2012-01-01-far.md"]);
        Ok(())
    }

    #[test]
    fn related_posts_share_informative_words_tags_and_categories() -> TestResult {
        let dir = tempfile::tempdir()?;
        let searcher = index_posts(
            dir.path(),
            &[
                (
                    "2010-01-01-target.md",
                    "title: レプリケーションの遅延\ntags: [MySQL]\ncategories: [Tech]",
                    "スレーブのレプリケーション遅延を監視する。どうすればいいのかという方法のこと。",
                ),
                (
                    "2011-01-01-words.md",
                    "title: スレーブを増やす\ncategories: [Life]",
                    "レプリケーションのスレーブを増やした。遅延は小さい。",
                ),
                (
                    "2012-01-01-tag.md",
                    "title: バックアップ\ntags: [mysql]\ncategories: [Life]",
                    "ダンプを取る。",
                ),
                (
                    "2013-01-01-category.md",
                    "title: 料理\ncategories: [tech]",
                    "カレーを作る。",
                ),
                (
                    "2014-01-01-stopwords.md",
                    "title: 雑記\ncategories: [Life]",
                    "どうすればいいのかという方法のこと。",
                ),
                (
                    "2015-01-01-other.md",
                    "title: 散歩\ncategories: [Life]",
                    "川沿いを歩いた。",
                ),
            ],
        )?;
        let related = searcher
            .related("2010-01-01-target.md", 10)?
            .ok_or("post not found")?;
        let found: Vec<&str> = related
            .hits
            .iter()
            .map(|hit| hit.post.id.as_str())
            .collect();
        assert_eq!(
            found,
            [
                "2011-01-01-words.md",
                "2012-01-01-tag.md",
                "2013-01-01-category.md"
            ]
        );
        assert!(
            related
                .hits
                .iter()
                .all(|hit| hit.title_highlight.text == hit.post.title
                    && hit.title_highlight.marks.is_empty())
        );
        Ok(())
    }
}
