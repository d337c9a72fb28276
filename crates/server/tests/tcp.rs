//! The server over a real socket: requests written by hand, graceful
//! shutdown, new commits picked up without a restart, and the overload
//! bound (503 + `Retry-After`, then recovery).

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::{
    Fixture, SAMPLE_POSTS, Server, TestResult, copy_dir, encode, fail, hit_ids, http, index_into,
    poll, post_id, raw_request, sample_archive, search_uri,
};
use sagasu_search::{MAX_FILTERS, MAX_QUERY_CHARS, MAX_QUERY_WORDS};
use sagasu_server::{MAX_HEADER_BYTES, MAX_HEADERS, MAX_URI_BYTES, RETRY_AFTER_SECONDS};

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
    let unescaped =
        raw_request(server.addr, "GET", "/api/search?q=インフラ勉強会", &[], &[]).await?;
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

/// `(status, error code)` of `response`, after checking that it is JSON
/// with the headers every error carries.
fn error_of(response: &common::Response) -> TestResult<(u16, String)> {
    assert_eq!(
        response.header("content-type"),
        Some("application/json"),
        "{response}"
    );
    assert_eq!(
        response.header("cache-control"),
        Some("no-store"),
        "{response}"
    );
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some("*"),
        "{response}"
    );
    assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
    let body = response.json()?;
    let code = body["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(body["error"]["message"].is_string(), "{response}");
    Ok((response.status, code))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_error_is_json_with_the_usual_headers() -> TestResult {
    let fixture = Fixture::sample()?;
    let mut config = fixture.config();
    // Every search is past its deadline as it starts.
    config.request_timeout = Duration::ZERO;
    let server = Server::start(Fixture::ready(config)?).await?;
    let origin = ("Origin", "https://blog.example");

    let timeout = http(
        server.addr,
        "GET",
        &search_uri(&[("q", "勉強会")]),
        &[origin],
    )
    .await?;
    assert_eq!(error_of(&timeout)?, (503, "timeout".to_owned()));
    assert_eq!(
        timeout.header("retry-after"),
        Some(RETRY_AFTER_SECONDS.to_string().as_str())
    );

    let long_target = search_uri(&[("q", &"a".repeat(MAX_URI_BYTES))]);
    let long = raw_request(server.addr, "GET", &long_target, &[origin], &[]).await?;
    assert_eq!(error_of(&long)?, (414, "uri_too_long".to_owned()));

    let big = "x".repeat(MAX_HEADER_BYTES);
    let large = raw_request(
        server.addr,
        "GET",
        "/healthz",
        &[origin, ("X-Big", &big)],
        &[],
    )
    .await?;
    assert_eq!(error_of(&large)?, (431, "headers_too_large".to_owned()));
    let names: Vec<String> = (0..MAX_HEADERS).map(|n| format!("X-Header-{n}")).collect();
    let mut many: Vec<(&str, &str)> = names.iter().map(|name| (name.as_str(), "1")).collect();
    many.push(origin);
    let numerous = raw_request(server.addr, "GET", "/healthz", &many, &[]).await?;
    assert_eq!(error_of(&numerous)?, (431, "headers_too_large".to_owned()));

    // Declared, not sent: the server answers from the length alone.
    let body = raw_request(
        server.addr,
        "POST",
        "/api/tags",
        &[origin, ("Content-Length", "1000000")],
        &[],
    )
    .await?;
    assert_eq!(error_of(&body)?, (413, "body_too_large".to_owned()));

    let query = "あ".repeat(MAX_QUERY_CHARS + 1);
    let too_long = http(server.addr, "GET", &search_uri(&[("q", &query)]), &[origin]).await?;
    assert_eq!(error_of(&too_long)?, (400, "query_too_long".to_owned()));
    assert!(!too_long.text().contains(&query), "{too_long}");
    let words = vec!["語"; MAX_QUERY_WORDS + 1].join(" ");
    let wordy = http(server.addr, "GET", &search_uri(&[("q", &words)]), &[origin]).await?;
    assert_eq!(error_of(&wordy)?, (400, "too_many_words".to_owned()));
    let tags: Vec<(&str, &str)> = vec![("tag", "t"); MAX_FILTERS + 1];
    let tagged = http(server.addr, "GET", &search_uri(&tags), &[origin]).await?;
    assert_eq!(error_of(&tagged)?, (400, "too_many_tags".to_owned()));
    server.stop().await
}

/// Reads `stream` until the server closes it, within 30 s.
async fn closed_by_server(stream: &tokio::net::TcpStream, what: &str) -> TestResult {
    let to_end = async {
        while !common::read_response(stream, false).await?.is_empty() {}
        std::io::Result::Ok(())
    };
    match tokio::time::timeout(Duration::from_secs(30), to_end).await {
        Ok(Ok(())) => Ok(()),
        // A reset closes it too.
        Ok(Err(err)) if err.kind() == std::io::ErrorKind::ConnectionReset => Ok(()),
        Ok(Err(err)) => Err(err.into()),
        Err(_) => Err(fail(format!("{what}: still open after 30 s"))),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn slow_and_idle_connections_are_closed_at_the_header_timeout() -> TestResult {
    let fixture = Fixture::sample()?;
    let mut config = fixture.config();
    config.connections.header_timeout = Duration::from_secs(1);
    let server = Server::start(Fixture::ready(config)?).await?;

    let slow = tokio::net::TcpStream::connect(server.addr).await?;
    common::write_all(&slow, b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await?;
    let idle = tokio::net::TcpStream::connect(server.addr).await?;
    common::write_all(&idle, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await?;
    let first = common::parse_response(&common::read_response(&idle, false).await?, false)?;
    assert_eq!(first.status, 200, "{first}");
    let silent = tokio::net::TcpStream::connect(server.addr).await?;

    closed_by_server(&slow, "a connection holding half a request").await?;
    closed_by_server(&idle, "a kept-alive connection with no next request").await?;
    closed_by_server(&silent, "a connection that sends nothing").await?;
    server.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn half_a_request_does_not_hold_up_shutdown_past_the_grace() -> TestResult {
    let fixture = Fixture::sample()?;
    let mut config = fixture.config();
    config.connections.header_timeout = Duration::from_secs(600);
    config.connections.shutdown_grace = Duration::from_secs(1);
    let server = Server::start(Fixture::ready(config)?).await?;
    let slow = tokio::net::TcpStream::connect(server.addr).await?;
    common::write_all(&slow, b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await?;
    // Served: the connection is open on the server's side.
    let probe = server.get("/healthz").await?;
    assert_eq!(probe.status, 200);
    // Within the harness's 10 s, not the header timeout's 600.
    server.stop().await?;
    closed_by_server(&slow, "half a request after shutdown").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn connections_past_the_limit_wait_for_one_to_close() -> TestResult {
    let fixture = Fixture::sample()?;
    let mut config = fixture.config();
    config.connections.max_connections = 2;
    config.connections.header_timeout = Duration::from_secs(600);
    let server = Server::start(Fixture::ready(config)?).await?;
    let held = [
        tokio::net::TcpStream::connect(server.addr).await?,
        tokio::net::TcpStream::connect(server.addr).await?,
    ];
    let addr = server.addr;
    let waiting = tokio::spawn(async move { http(addr, "GET", "/healthz", &[]).await });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!waiting.is_finished(), "a third connection was served");
    let [first, _second] = held;
    drop(first);
    let response = waiting.await??;
    assert_eq!(response.status, 200, "{response}");
    server.stop().await
}
