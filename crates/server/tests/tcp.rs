//! The server over a real socket: requests written by hand, graceful
//! shutdown, new commits picked up without a restart, and the overload
//! bound (503 + `Retry-After`, then recovery).

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::{
    Fixture, SAMPLE_POSTS, Server, TestResult, copy_dir, encode, fail, hit_ids, http, index_into,
    poll, post_id, sample_archive, search_uri,
};
use sagasu_server::RETRY_AFTER_SECONDS;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn serves_over_tcp_and_shuts_down_gracefully() -> TestResult {
    let fixture = Fixture::sample()?;
    let server = Server::start(fixture.state()?).await?;

    let search = server.get(&search_uri(&[("q", "インフラ勉強会")])).await?;
    assert_eq!(search.status, 200, "{search}");
    assert_eq!(search.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(search.header("cache-control"), Some("public, max-age=5"));
    assert_eq!(search.header("content-encoding"), None, "{search}");
    let body = search.json()?;
    assert_eq!(
        hit_ids(&body).first(),
        Some(&post_id("2009-07-19-infra-study-1.md")),
        "{body}"
    );

    // Unescaped UTF-8 in the request line: rejected or answered, never a 5xx.
    let unescaped = server.get("/api/search?q=インフラ勉強会").await?;
    assert!(
        unescaped.status == 200 || unescaped.status == 400,
        "{unescaped}"
    );

    let missing = server.get("/no/such/endpoint").await?;
    assert_eq!(missing.status, 404, "{missing}");
    assert_eq!(missing.json()?["error"]["code"], "not_found");
    assert_eq!(missing.header("cache-control"), Some("no-store"));

    let raw_id = server
        .get_json("/api/posts/_posts/2019/2019-01-12-textlint-blog.md")
        .await?;
    assert_eq!(raw_id["id"], "_posts/2019/2019-01-12-textlint-blog.md");
    let encoded_id = server
        .get_json(&format!(
            "/api/posts/{}/related?limit=2",
            encode("_posts/2019/2019-01-12-textlint-blog.md")
        ))
        .await?;
    assert_eq!(hit_ids(&encoded_id).len(), 2, "{encoded_id}");

    // Compressed responses come chunked (de-chunked by the helper): the
    // body is a gzip stream.
    let gzip = http(
        server.addr,
        "GET",
        &search_uri(&[("per_page", "100")]),
        &[("Accept-Encoding", "gzip")],
    )
    .await?;
    assert_eq!(gzip.status, 200);
    assert_eq!(gzip.header("content-encoding"), Some("gzip"), "{gzip}");
    assert!(gzip.body.starts_with(&[0x1f, 0x8b]), "not gzip: {gzip}");

    let head = http(server.addr, "HEAD", "/api/tags", &[]).await?;
    assert_eq!(head.status, 200, "{head}");
    let ready = server.get("/readyz").await?;
    assert_eq!(
        (ready.status, ready.json()?),
        (200, serde_json::json!({"status": "ready"}))
    );

    // Several clients at once.
    let mut clients = Vec::new();
    for word in [
        "KVM",
        "BGP4",
        "nginx",
        "YAPC",
        "Zabbix",
        "金木犀",
        "確定申告",
        "散歩",
    ] {
        let addr = server.addr;
        clients.push(tokio::spawn(async move {
            http(addr, "GET", &search_uri(&[("q", word)]), &[]).await
        }));
    }
    for client in clients {
        let response = client.await??;
        assert_eq!(response.status, 200, "{response}");
        assert!(!hit_ids(&response.json()?).is_empty(), "{response}");
    }

    let addr = server.addr;
    server.stop().await?;
    // The listener is gone with the server.
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "still accepting connections after shutdown"
    );
    Ok(())
}

/// The first `count` post files directly under the sample archive's
/// `_posts`, by name.
fn first_posts(count: usize) -> TestResult<Vec<std::path::PathBuf>> {
    let mut files: Vec<_> = std::fs::read_dir(sample_archive().join("_posts"))?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<_, _>>()?;
    files.retain(|path| path.is_file());
    files.sort();
    files.truncate(count);
    if files.len() != count {
        return Err(fail(format!("fewer than {count} posts: {files:?}")));
    }
    Ok(files)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn new_commits_become_visible_without_a_restart() -> TestResult {
    let fixture = Fixture::empty()?;
    let posts = fixture.dir.path().join("posts");
    std::fs::create_dir_all(posts.join("_posts"))?;
    for file in first_posts(10)? {
        let name = file.file_name().ok_or_else(|| fail("no file name"))?;
        std::fs::copy(&file, posts.join("_posts").join(name))?;
    }
    let report = index_into(&fixture.index, std::slice::from_ref(&posts))?;
    assert_eq!(report.added, 10, "{report:?}");
    let server = Server::start(fixture.state()?).await?;

    let everything = server.get_json("/api/search").await?;
    assert_eq!(everything["total"], 10, "{everything}");
    // Only in the 2019 post, which is not indexed yet.
    let jsconf = search_uri(&[("q", "JSConf")]);
    let before = server.get_json(&jsconf).await?;
    assert_eq!(before["total"], 0, "{before}");
    let still_there = search_uri(&[("q", "BGP4")]);
    let bgp4 = hit_ids(&server.get_json(&still_there).await?);
    assert!(
        bgp4.contains(&post_id("2003-04-20-bgp4-route-filter.md")),
        "{bgp4:?}"
    );

    // Add the rest and index into the same directory while serving.
    copy_dir(&sample_archive(), &posts)?;
    // Search all along: from before the run starts until after it ends.
    let done = Arc::new(AtomicBool::new(false));
    let (started, searching_started) = tokio::sync::oneshot::channel::<()>();
    let searching = {
        let (done, addr, uri) = (Arc::clone(&done), server.addr, still_there.clone());
        tokio::spawn(async move {
            let mut started = Some(started);
            let mut searches = 0_usize;
            loop {
                let finished = done.load(Ordering::SeqCst);
                let response = http(addr, "GET", &uri, &[]).await?;
                if response.status != 200
                    || !hit_ids(&response.json()?)
                        .contains(&post_id("2003-04-20-bgp4-route-filter.md"))
                {
                    return Err(fail(format!("search during re-indexing: {response}")));
                }
                searches += 1;
                if let Some(started) = started.take() {
                    let _ = started.send(());
                }
                if finished {
                    return TestResult::Ok(searches);
                }
            }
        })
    };
    searching_started
        .await
        .map_err(|_| fail("the concurrent searches failed before re-indexing"))?;
    let index = fixture.index.clone();
    let reindex = tokio::task::spawn_blocking(move || index_into(&index, &[posts])).await;
    done.store(true, Ordering::SeqCst);
    let report = reindex??;
    assert_eq!((report.added, report.unchanged), (36, 10), "{report:?}");
    let searches = searching.await??;
    assert!(searches >= 2, "{searches} search(es) during re-indexing");

    let jsconf_post = post_id("2019/2019-12-07-jsconf-jp-2019.md");
    poll(
        Duration::from_secs(10),
        "the new posts to be searchable",
        || {
            let (server, jsconf, jsconf_post) = (&server, &jsconf, &jsconf_post);
            async move {
                let found = server.get_json(jsconf).await?;
                Ok(hit_ids(&found).contains(jsconf_post).then_some(()))
            }
        },
    )
    .await?;
    let everything = server.get_json("/api/search").await?;
    assert_eq!(everything["total"], SAMPLE_POSTS, "{everything}");
    let post = server
        .get_json(&format!("/api/posts/{}", encode(&jsconf_post)))
        .await?;
    assert_eq!(post["title"], "JSConf JP 2019 に参加しました");
    let tags = server.get_json("/api/tags").await?;
    assert!(tags.to_string().contains("\"JSConf\""), "{tags}");
    server.stop().await
}

/// A search that takes a while: many words, any may match, a full page.
fn expensive_search(round: usize, client: usize) -> String {
    let words = [
        "サーバー",
        "監視",
        "勉強会",
        "インフラ",
        "設定",
        "移行",
        "ブログ",
        "検索",
        "運用",
        "障害",
        "子育て",
        "読書",
        "会社",
        "参加",
        "記事",
        "仕事",
        "自分",
        "今年",
    ];
    let query = words
        .iter()
        .cycle()
        .skip((round + client) % words.len())
        .take(words.len())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    search_uri(&[("q", &query), ("match", "any"), ("per_page", "100")])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn past_the_bound_searches_get_503_with_retry_after_and_the_server_recovers() -> TestResult {
    const CLIENTS: usize = 64;
    const ROUNDS: usize = 10;
    let fixture = Fixture::sample()?;
    let mut config = fixture.config();
    config.max_concurrent = 1;
    config.max_queued = 4;
    let server = Server::start(Fixture::ready(config)?).await?;

    let mut ok = 0;
    let mut overloaded = 0;
    for round in 0..ROUNDS {
        let mut clients = Vec::new();
        for client in 0..CLIENTS {
            let addr = server.addr;
            // A probe now and then: probes take no search permit.
            let uri = if client % 16 == 0 {
                "/healthz".to_owned()
            } else {
                expensive_search(round, client)
            };
            clients.push(tokio::spawn(async move {
                let response = http(addr, "GET", &uri, &[]).await;
                (uri, response)
            }));
        }
        for client in clients {
            let (uri, response) = client.await?;
            let response = response?;
            if uri == "/healthz" {
                assert_eq!(response.status, 200, "a probe under load: {response}");
                continue;
            }
            match response.status {
                200 => {
                    assert!(response.json()?["hits"].is_array(), "{response}");
                    ok += 1;
                }
                503 => {
                    assert_eq!(
                        response.header("retry-after"),
                        Some(RETRY_AFTER_SECONDS.to_string().as_str()),
                        "{response}"
                    );
                    assert_eq!(
                        response.header("cache-control"),
                        Some("no-store"),
                        "{response}"
                    );
                    assert_eq!(
                        response.json()?["error"]["code"],
                        "overloaded",
                        "{response}"
                    );
                    overloaded += 1;
                }
                _ => {
                    return Err(fail(format!(
                        "round {round}: expected 200 or 503, got {response}"
                    )));
                }
            }
        }
        if overloaded > 0 && ok > 0 {
            break;
        }
    }
    assert!(
        overloaded > 0,
        "no 503 in {ROUNDS} rounds of {CLIENTS} concurrent searches ({ok} answered)"
    );
    assert!(
        ok > 0,
        "no search was answered at all ({overloaded} turned away)"
    );

    // Every response is in, so every permit is back: the next search runs.
    let after = server.get(&expensive_search(0, 0)).await?;
    assert_eq!(after.status, 200, "after the flood: {after}");
    let again = server.get_json(&search_uri(&[("q", "KVM")])).await?;
    assert_eq!(
        hit_ids(&again).first(),
        Some(&post_id("2009-07-19-infra-study-1.md"))
    );
    server.stop().await
}
