//! The server with [`ServerConfig::search`]: synonyms and the user
//! dictionary reach its searches, and an index built with another user
//! dictionary is refused when it is opened.

mod common;

use common::{Fixture, Server, TestResult, fail, hit_ids, search_uri};
use sagasu_indexer::IndexOptions;
use sagasu_search::{SearchOptions, Synonyms, UserDictionary};

#[tokio::test]
async fn synonyms_and_the_user_dictionary_reach_searches() -> TestResult {
    let fixture = Fixture::empty()?;
    let posts = fixture.dir.path().join("posts");
    std::fs::create_dir_all(&posts)?;
    std::fs::write(
        posts.join("2021-01-01-a.md"),
        "---\ntitle: 鳥遊堂の棚\n---\nミートアップの帰りに寄った。\n",
    )?;
    let user = UserDictionary::from_csv("鳥遊堂,名詞,とりあそびどう\n")?;
    let options = IndexOptions {
        threads: 1,
        user_dictionary: Some(user.clone()),
        ..IndexOptions::default()
    };
    sagasu_indexer::index(&fixture.index, &[posts], &options, &|_| {})?;

    // Opened without the dictionary: refused, saying what to do.
    let refused = Fixture::ready(fixture.config())
        .err()
        .map(|e| e.to_string());
    let message = refused.ok_or_else(|| fail("opened with another user dictionary"))?;
    assert!(message.contains(user.id()), "{message}");

    let mut config = fixture.config();
    config.search = SearchOptions {
        synonyms: Synonyms::parse("勉強会, ミートアップ\n")?,
        user_dictionary: Some(user),
    };
    let server = Server::start(Fixture::ready(config)?).await?;
    for query in ["勉強会", "とりあそびどう"] {
        let found = server.get_json(&search_uri(&[("q", query)])).await?;
        assert_eq!(hit_ids(&found), ["2021-01-01-a.md"], "{query}: {found}");
    }
    server.stop().await
}
