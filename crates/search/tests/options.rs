//! [`SearchOptions`] through the library: synonyms, reading clauses and the
//! user dictionary, on posts written here.

use std::path::{Path, PathBuf};

use sagasu_indexer::IndexOptions;
use sagasu_search::{SearchOptions, SearchRequest, Searcher, Synonyms, UserDictionary};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// Writes `posts` (file name, title, body) under `dir/posts` and indexes
/// them into `dir/index` with `user_dictionary`.
fn index_posts(
    dir: &Path,
    posts: &[(&str, &str, &str)],
    user_dictionary: Option<&UserDictionary>,
) -> TestResult<PathBuf> {
    let archive = dir.join("posts");
    std::fs::create_dir_all(&archive)?;
    for (name, title, body) in posts {
        std::fs::write(
            archive.join(name),
            format!("---\ntitle: {title}\n---\n{body}\n"),
        )?;
    }
    let index = dir.join("index");
    let options = IndexOptions {
        threads: 1,
        user_dictionary: user_dictionary.cloned(),
        ..IndexOptions::default()
    };
    let report = sagasu_indexer::index(&index, &[archive], &options, &|_| {})?;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    Ok(index)
}

fn ids(searcher: &Searcher, query: &str) -> TestResult<Vec<String>> {
    let response = searcher.search(&SearchRequest::new(query))?;
    Ok(response.hits.into_iter().map(|hit| hit.post.id).collect())
}

#[test]
fn a_reading_stands_in_only_for_a_word_no_post_has() -> TestResult {
    let dir = tempfile::tempdir()?;
    let index = index_posts(
        dir.path(),
        &[
            ("2021-01-01-kanji.md", "議事録", "朝の会議の記録。"),
            ("2020-01-01-kana.md", "議事録", "朝のかいぎの記録。"),
        ],
        None,
    )?;
    let searcher = Searcher::open(&index)?;
    // A post spells the word as typed: only it, not the post that reads so.
    assert_eq!(ids(&searcher, "かいぎ")?, ["2020-01-01-kana.md"]);
    // No post has `kaigi`: its reading finds 会議.
    assert!(
        ids(&searcher, "kaigi")?.contains(&"2021-01-01-kanji.md".to_owned()),
        "kaigi"
    );
    Ok(())
}

#[test]
fn hiragana_finds_katakana_as_the_katakana_query_does() -> TestResult {
    let dir = tempfile::tempdir()?;
    let index = index_posts(
        dir.path(),
        &[
            (
                "2021-01-01-a.md",
                "資金",
                "クラウドファンディングで集めた。",
            ),
            ("2021-02-01-b.md", "移行", "クラウドに移した。"),
            ("2021-03-01-c.md", "空", "スカイツリーに登った。"),
        ],
        None,
    )?;
    let searcher = Searcher::open(&index)?;
    let mut katakana = ids(&searcher, "クラウド")?;
    katakana.sort();
    assert_eq!(katakana, ["2021-01-01-a.md", "2021-02-01-b.md"]);
    for query in ["くらうど", "kuraudo"] {
        let mut found = ids(&searcher, query)?;
        found.sort();
        assert_eq!(found, katakana, "{query}");
    }
    // Two kana are not searched inside words (`カイ` in `スカイツリー`).
    assert_eq!(ids(&searcher, "かい")?, Vec::<String>::new());
    Ok(())
}

#[test]
fn synonyms_widen_queries_and_are_only_settings() -> TestResult {
    let dir = tempfile::tempdir()?;
    let index = index_posts(
        dir.path(),
        &[
            ("2021-01-01-a.md", "料金", "Amazon Web Services の請求。"),
            ("2021-02-01-b.md", "移行", "AWS へ移行した。"),
        ],
        None,
    )?;
    let plain = Searcher::open(&index)?;
    assert_eq!(ids(&plain, "aws")?, ["2021-02-01-b.md"]);
    let options = SearchOptions {
        synonyms: Synonyms::parse("AWS, Amazon Web Services\n")?,
        ..SearchOptions::default()
    };
    let searcher = Searcher::open_with(&index, options)?;
    assert_eq!(ids(&searcher, "aws")?.len(), 2);
    assert_eq!(ids(&searcher, "Amazon Web Services")?.len(), 2);
    assert_eq!(ids(&searcher, "請求 -aws")?, Vec::<String>::new());
    Ok(())
}

#[test]
fn the_user_dictionary_must_be_the_one_the_index_was_built_with() -> TestResult {
    let dir = tempfile::tempdir()?;
    let user = UserDictionary::from_csv("鳥遊堂,名詞,とりあそびどう\n")?;
    let index = index_posts(
        dir.path(),
        &[("2021-01-01-a.md", "店", "鳥遊堂で本を買った。")],
        Some(&user),
    )?;
    let err = Searcher::open(&index).err();
    assert!(
        matches!(
            err,
            Some(sagasu_search::Error::Index(
                sagasu_indexer::Error::UserDictionaryMismatch { .. }
            ))
        ),
        "{err:?}"
    );
    let id = user.id().to_owned();
    let options = SearchOptions {
        user_dictionary: Some(user),
        ..SearchOptions::default()
    };
    let searcher = Searcher::open_with(&index, options)?;
    let recorded = searcher.stats()?.built_with.and_then(|b| b.user_dictionary);
    assert_eq!(recorded, Some(id));
    assert_eq!(ids(&searcher, "とりあそびどう")?, ["2021-01-01-a.md"]);
    assert_eq!(ids(&searcher, "鳥遊堂")?, ["2021-01-01-a.md"]);
    Ok(())
}
