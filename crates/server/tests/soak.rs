//! Overload and soak: 256 clients with a broad mix of searches and lookups
//! for a minute, beside idle connections, connections that send half a
//! request byte by byte, and an index commit half-way. Every answer must be
//! a 200 or a JSON 503, `/healthz` must stay under 100 ms (its p99: one
//! probe whose connection is retried after 1 s must not fail the run; the
//! slowest is printed), memory must stay bounded, and afterwards the server must be fully back (and show the
//! commit).
//!
//! Ignored by `cargo test`; CI runs it in the optimised `bench` profile:
//! `cargo test --profile bench -p sagasu-server --test soak -- --ignored --nocapture`
//! (`SAGASU_SOAK_SECONDS` shortens or lengthens the run).

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{
    Fixture, Server, TestResult, copy_dir, fail, index_into, raw_request, sample_archive,
};
use sagasu_test_support::SEARCH_WORDS;
use tokio::net::TcpStream;

const CLIENTS: usize = 256;
const IDLE: usize = 64;
const SLOW: usize = 32;
/// Resident memory the process may grow by over the run.
const RSS_GROWTH_LIMIT: u64 = 512 << 20;
/// The p99 of `/healthz` over the run.
const HEALTH_LIMIT: Duration = Duration::from_millis(100);

/// The request mix: every one valid, so that any answer but 200 or 503 is
/// a failure.
fn target(client: usize, round: usize) -> String {
    let pick = |n: usize| SEARCH_WORDS[(client * 7 + round * 13 + n) % SEARCH_WORDS.len()];
    let words = |count: usize| (0..count).map(pick).collect::<Vec<_>>().join(" ");
    let query = |pairs: &[(&str, &str)]| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in pairs {
            query.append_pair(key, value);
        }
        format!("/api/search?{}", query.finish())
    };
    match (client + round) % 10 {
        0 => query(&[("q", &words(1))]),
        1 => query(&[("q", &words(3)), ("match", "any"), ("per_page", "100")]),
        2 => query(&[("q", &words(32)), ("match", "any")]),
        3 => query(&[("q", &words(2)), ("sort", "newest"), ("page", "2")]),
        4 => query(&[("tag", "hbstudy"), ("from", "2009"), ("to", "2012-06")]),
        5 => query(&[("q", &"インフラ勉強会".repeat(70))]),
        6 => "/api/tags".to_owned(),
        7 => "/api/archive".to_owned(),
        8 => "/api/posts/_posts%2F2009-07-19-infra-study-1.md/related".to_owned(),
        _ => query(&[("q", &format!("{} {round}", pick(0)))]),
    }
}

/// The process's resident memory, in bytes.
fn rss() -> TestResult<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| {
            value
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .ok_or_else(|| fail("no VmRSS in /proc/self/status"))?;
    Ok(kib << 10)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "a minute of load: run by .ci/run in an optimised build"]
async fn overload_and_soak() -> TestResult {
    let seconds: u64 = std::env::var("SAGASU_SOAK_SECONDS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(60);
    let run = Duration::from_secs(seconds);
    let fixture = Fixture::empty()?;
    let posts = fixture.dir.path().join("posts");
    copy_dir(&sample_archive(), &posts)?;
    index_into(&fixture.index, std::slice::from_ref(&posts))?;
    let mut config = fixture.config();
    config.connections.header_timeout = Duration::from_secs(2);
    let server = Server::start(Fixture::ready(config)?).await?;
    let addr = server.addr;
    let rss_before = rss()?;

    let done = Arc::new(AtomicBool::new(false));
    let (ok, unavailable) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        let (done, ok, unavailable) =
            (Arc::clone(&done), Arc::clone(&ok), Arc::clone(&unavailable));
        clients.push(tokio::spawn(async move {
            let mut round = 0;
            while !done.load(Ordering::Relaxed) {
                let uri = target(client, round);
                let response = raw_request(addr, "GET", &uri, &[], &[]).await?;
                match response.status {
                    200 => ok.fetch_add(1, Ordering::Relaxed),
                    503 if response.json()?["error"]["code"].is_string() => {
                        unavailable.fetch_add(1, Ordering::Relaxed)
                    }
                    _ => return Err(fail(format!("GET {uri}: {response}"))),
                };
                round += 1;
            }
            TestResult::Ok(())
        }));
    }
    // Connections that send nothing, and ones that send half a request a
    // byte at a time: closed at the header timeout, then opened again.
    let mut holders = Vec::new();
    for slow in 0..IDLE + SLOW {
        let done = Arc::clone(&done);
        holders.push(tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                let Ok(stream) = TcpStream::connect(addr).await else {
                    continue;
                };
                let half: &[u8] = if slow < IDLE {
                    b""
                } else {
                    b"GET /api/tags HTTP/1.1\r\nHost: x\r\n"
                };
                for byte in half {
                    if done.load(Ordering::Relaxed) || stream.try_write(&[*byte]).is_err() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                // Until the server closes it.
                let mut buf = [0; 64];
                while !done.load(Ordering::Relaxed) {
                    let _ =
                        tokio::time::timeout(Duration::from_millis(500), stream.readable()).await;
                    match stream.try_read(&mut buf) {
                        Ok(0) => break,
                        Err(err) if err.kind() != std::io::ErrorKind::WouldBlock => break,
                        _ => {}
                    }
                }
            }
        }));
    }

    let started = Instant::now();
    let mut health = Vec::new();
    let mut rss_peak = rss_before;
    let mut committed = false;
    while started.elapsed() < run {
        let probe = Instant::now();
        let response = raw_request(addr, "GET", "/healthz", &[], &[]).await?;
        health.push(probe.elapsed());
        if response.status != 200 {
            return Err(fail(format!("/healthz under load: {response}")));
        }
        rss_peak = rss_peak.max(rss()?);
        if !committed && started.elapsed() >= run / 2 {
            // A new post, committed while the load runs.
            std::fs::write(
                posts.join("_posts/2030-01-01-soak.md"),
                "---\ntitle: 負荷試験\n---\n耐久試験の途中で追加した記事。\n",
            )?;
            let index = fixture.index.clone();
            let roots = [posts.clone()];
            tokio::task::spawn_blocking(move || index_into(&index, &roots)).await??;
            committed = true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    done.store(true, Ordering::Relaxed);
    for client in clients {
        client.await??;
    }
    for holder in holders {
        holder.await?;
    }

    health.sort();
    let slowest = health.last().copied().unwrap_or_default();
    let p99 = health[health.len() * 99 / 100];
    let (ok, unavailable) = (
        ok.load(Ordering::Relaxed),
        unavailable.load(Ordering::Relaxed),
    );
    println!(
        "soak: {seconds} s, {CLIENTS} clients, {IDLE} idle and {SLOW} slow connections: \
         {ok} × 200, {unavailable} × 503; /healthz p99 {p99:?}, max {slowest:?} over {} probes; \
         RSS {} MiB before, {} MiB peak",
        health.len(),
        rss_before >> 20,
        rss_peak >> 20
    );
    assert!(ok > 0, "no request was answered");
    assert!(
        p99 < HEALTH_LIMIT,
        "/healthz p99 {p99:?} (slowest {slowest:?})"
    );
    assert!(
        rss_peak < rss_before + RSS_GROWTH_LIMIT,
        "RSS grew from {} to {} MiB",
        rss_before >> 20,
        rss_peak >> 20
    );

    // Full recovery: searches answered, and the commit visible.
    let found = server
        .get_json(&format!("/api/search?q={}", common::encode("耐久試験")))
        .await?;
    assert_eq!(found["total"], 1, "{found}");
    let tags = server.get("/api/tags").await?;
    assert_eq!(tags.status, 200, "{tags}");
    server.stop().await
}
