//! `sagasu serve`, the real binary: indexing `--posts` before opening,
//! readiness, answers over TCP, one log line per request, `--watch`
//! following edits and deletions, graceful exit on SIGTERM and SIGINT, and
//! the errors it starts with.

mod util;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use predicates::prelude::*;
use sagasu_test_support::cli::sagasu;
use sagasu_test_support::http::{self, Response};
use serde_json::Value;
use util::{Sandbox, TestResult, copy_dir, encode, fail, ids, post_id, sample_archive};

/// How long a debug build may take to index the sample archive and open it.
const STARTUP: Duration = Duration::from_secs(60);
/// How long a `--watch` change may take to become searchable (300 ms of
/// debounce, an indexing run, the reader's reload).
const WATCH: Duration = Duration::from_secs(15);
/// How long a graceful shutdown may take.
const SHUTDOWN: Duration = Duration::from_secs(15);

/// A running `sagasu serve`, killed if the test ends without stopping it.
struct Serve {
    child: Child,
    addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
    reader: Option<JoinHandle<()>>,
}

impl Serve {
    /// `sagasu serve --addr 127.0.0.1:<free port> ARGS` in `sandbox`,
    /// returned once it accepts connections (it listens before indexing).
    fn start(sandbox: &Sandbox, args: &[&dyn AsRef<std::ffi::OsStr>]) -> TestResult<Self> {
        Self::start_on(sandbox, "127.0.0.1", args)
    }

    /// [`Serve::start`] with `--addr HOST:<free port>`, `host` being a name
    /// or address that resolves to 127.0.0.1 first.
    fn start_on(
        sandbox: &Sandbox,
        host: &str,
        args: &[&dyn AsRef<std::ffi::OsStr>],
    ) -> TestResult<Self> {
        let mut last = String::new();
        // A free port may be taken between the probe and the bind: retry.
        for _ in 0..3 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")?
                .local_addr()?
                .port();
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let mut command = sagasu(env!("CARGO_BIN_EXE_sagasu"));
            command
                .current_dir(sandbox.path())
                .env("SAGASU_THREADS", "2")
                .arg("serve")
                .arg("--addr")
                .arg(format!("{host}:{port}"));
            for arg in args {
                command.arg(arg);
            }
            let mut child = command
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()?;
            let pipe = child.stderr.take().ok_or_else(|| fail("no stderr pipe"))?;
            let stderr = Arc::new(Mutex::new(String::new()));
            let sink = Arc::clone(&stderr);
            let reader = thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    if let Ok(mut text) = sink.lock() {
                        text.push_str(&line);
                        text.push('\n');
                    }
                }
            });
            let mut serve = Self {
                child,
                addr,
                stderr,
                reader: Some(reader),
            };
            let deadline = Instant::now() + STARTUP;
            loop {
                if TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok() {
                    return Ok(serve);
                }
                if let Some(status) = serve.child.try_wait()? {
                    serve.join_reader();
                    last = format!("exited with {status}:\n{}", serve.stderr());
                    break;
                }
                if Instant::now() >= deadline {
                    return Err(fail(format!(
                        "not listening on {addr} within {STARTUP:?}:\n{}",
                        serve.stderr()
                    )));
                }
                thread::sleep(Duration::from_millis(50));
            }
            if !last.contains("cannot listen") {
                break;
            }
        }
        Err(fail(format!("sagasu serve did not start: {last}")))
    }

    /// Everything written to stderr so far.
    fn stderr(&self) -> String {
        self.stderr
            .lock()
            .map(|text| text.clone())
            .unwrap_or_default()
    }

    fn join_reader(&mut self) {
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }

    fn get(&self, target: &str) -> TestResult<Response> {
        Ok(http::get(self.addr, target)?)
    }

    /// `GET target` with extra request headers.
    fn get_with(&self, target: &str, headers: &[(&str, &str)]) -> TestResult<Response> {
        Ok(http::request(self.addr, "GET", target, headers, &[])?)
    }

    /// `GET target`, requiring 200 and JSON.
    fn get_json(&self, target: &str) -> TestResult<Value> {
        let response = self.get(target)?;
        if response.status != 200 {
            return Err(fail(format!("GET {target}: {response}")));
        }
        Ok(response.json()?)
    }

    /// Polls `/readyz` until it says 200 (503 `not_ready` meanwhile).
    fn wait_ready(&mut self) -> TestResult {
        let deadline = Instant::now() + STARTUP;
        loop {
            let response = self.get("/readyz")?;
            match response.status {
                200 => return Ok(()),
                503 if response.json()?["error"]["code"] == "not_ready" => {}
                _ => return Err(fail(format!("/readyz: {response}"))),
            }
            if let Some(status) = self.child.try_wait()? {
                return Err(fail(format!("exited with {status}:\n{}", self.stderr())));
            }
            if Instant::now() >= deadline {
                return Err(fail(format!(
                    "not ready within {STARTUP:?}:\n{}",
                    self.stderr()
                )));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends `signal` (`TERM`, `INT`) with `kill`, then waits for the exit.
    fn stop_with(&mut self, signal: &str) -> TestResult<ExitStatus> {
        let pid = self.child.id().to_string();
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()?;
        if !status.success() {
            return Err(fail(format!("kill -{signal} {pid} failed: {status}")));
        }
        let deadline = Instant::now() + SHUTDOWN;
        loop {
            if let Some(status) = self.child.try_wait()? {
                self.join_reader();
                return Ok(status);
            }
            if Instant::now() >= deadline {
                return Err(fail(format!(
                    "still running {SHUTDOWN:?} after SIG{signal}:\n{}",
                    self.stderr()
                )));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Polls `probe` until it returns `Some`, for at most `limit`.
    fn poll<T>(
        &self,
        limit: Duration,
        what: &str,
        mut probe: impl FnMut(&Self) -> TestResult<Option<T>>,
    ) -> TestResult<T> {
        let deadline = Instant::now() + limit;
        loop {
            let last = match probe(self) {
                Ok(Some(value)) => return Ok(value),
                Ok(None) => "not yet".to_owned(),
                Err(err) => err.to_string(),
            };
            if Instant::now() >= deadline {
                return Err(fail(format!(
                    "{what}: not within {limit:?} (last: {last})\n--- stderr\n{}",
                    self.stderr()
                )));
            }
            thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        self.join_reader();
    }
}

fn search(word: &str) -> String {
    format!("/api/search?q={}", encode(word))
}

/// Whether some stderr line is the request log of `GET path` with `status`
/// and a latency.
fn logged(stderr: &str, path: &str, status: u16) -> bool {
    stderr.lines().any(|line| {
        line.contains("request")
            && line.contains("method=GET")
            && line.contains(&format!("path={path} "))
            && line.contains(&format!("status={status}"))
            && line.contains("latency_ms=")
    })
}

/// A copy of the sample archive in the sandbox.
fn archive_copy(sandbox: &Sandbox) -> TestResult<std::path::PathBuf> {
    let posts = sandbox.path().join("posts");
    copy_dir(&sample_archive(), &posts)?;
    Ok(posts)
}

#[test]
fn serve_indexes_the_posts_answers_logs_and_stops_on_sigterm() -> TestResult {
    let sandbox = Sandbox::new()?;
    let posts = archive_copy(&sandbox)?;
    // Only the shutdown grace (5 s) can close a slow connection.
    let mut serve = Serve::start(
        &sandbox,
        &[
            &"--index",
            &sandbox.index_dir(),
            &"--posts",
            &posts,
            &"--header-timeout",
            &"600",
        ],
    )?;
    serve.wait_ready()?;

    let found = serve.get_json(&search("インフラ勉強会"))?;
    assert_eq!(
        ids(&found).first(),
        Some(&post_id("2009-07-19-infra-study-1.md")),
        "{found}"
    );
    let all = serve.get_json("/api/search")?;
    assert_eq!(all["total"], util::SAMPLE_POSTS, "{all}");
    let post = serve.get_json(&format!(
        "/api/posts/{}",
        encode(&post_id("2012-11-17-prevent-xss.md"))
    ))?;
    assert_eq!(
        post["title"],
        "&lt;script&gt;alert(1)&lt;/script&gt; を防ぐ話"
    );
    let missing = serve.get("/no/such/page")?;
    assert_eq!(missing.status, 404, "{missing}");
    assert_eq!(missing.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(missing.json()?["error"]["code"], "not_found");
    let health = serve.get("/healthz")?;
    assert_eq!(health.status, 200, "{health}");

    // The log line is written as the response leaves: wait for it briefly.
    serve.poll(Duration::from_secs(5), "request log lines", |serve| {
        let stderr = serve.stderr();
        Ok((logged(&stderr, "/api/search", 200)
            && logged(&stderr, "/no/such/page", 404)
            && logged(&stderr, "/healthz", 200))
        .then_some(()))
    })?;
    let stderr = serve.stderr();
    assert!(
        stderr.contains("added=46"),
        "the --posts run is logged:\n{stderr}"
    );

    // Half a request, never finished, does not keep the process alive
    // past the grace (it did for as long as the client kept it open).
    let mut slow = TcpStream::connect(serve.addr)?;
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")?;
    let status = serve.stop_with("TERM")?;
    drop(slow);
    let stderr = serve.stderr();
    assert!(status.success(), "exit {status} after SIGTERM:\n{stderr}");
    assert!(stderr.contains("shutting down"), "{stderr}");
    // The index is left in place, usable by the CLI.
    let stats = sandbox.stats()?;
    assert_eq!(stats["posts"], util::SAMPLE_POSTS, "{stats}");
    Ok(())
}

/// Appends `text` to the file at `path`.
fn append(path: &Path, text: &str) -> TestResult {
    let mut file = std::fs::OpenOptions::new().append(true).open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

/// Gives the watcher time to start: `/readyz` turns 200 just before the
/// watch is set up, and a change made in between would not be seen.
fn settle_watcher() {
    thread::sleep(Duration::from_secs(1));
}

#[test]
fn serve_watch_follows_edits_additions_and_deletions_then_stops_on_sigint() -> TestResult {
    const PROBE: &str = "zqxwatchprobe";
    const ADDED: &str = "qzvnewpostprobe";
    let sandbox = Sandbox::new()?;
    let posts = archive_copy(&sandbox)?;
    let mut serve = Serve::start(
        &sandbox,
        &[
            &"--index",
            &sandbox.index_dir(),
            &"--posts",
            &posts,
            &"--watch",
        ],
    )?;
    serve.wait_ready()?;
    settle_watcher();
    let before = serve.get_json(&search(PROBE))?;
    assert_eq!(before["total"], 0, "{before}");

    // An edit.
    let edited = post_id("2018-10-08-sanpo.md");
    append(&posts.join(&edited), &format!("\n\n追記: {PROBE}\n"))?;
    serve.poll(WATCH, "the edited post to be searchable", |serve| {
        let found = serve.get_json(&search(PROBE))?;
        Ok((ids(&found) == std::slice::from_ref(&edited)).then_some(()))
    })?;
    // Still one post, not two.
    let all = serve.get_json("/api/search")?;
    assert_eq!(all["total"], util::SAMPLE_POSTS, "{all}");

    // A deletion.
    let deleted = post_id("2015-05-05-chicken-curry.mdown");
    std::fs::remove_file(posts.join(&deleted))?;
    serve.poll(WATCH, "the deleted post to be gone", |serve| {
        let post = serve.get(&format!("/api/posts/{}", encode(&deleted)))?;
        let found = serve.get_json(&search("チキンカレー"))?;
        Ok((post.status == 404 && !ids(&found).contains(&deleted)).then_some(()))
    })?;
    let all = serve.get_json("/api/search")?;
    assert_eq!(all["total"], util::SAMPLE_POSTS - 1, "{all}");

    // An addition, in a new subdirectory.
    let added = post_id("2025/2025-01-04-new-year.md");
    let file = posts.join(&added);
    std::fs::create_dir_all(file.parent().ok_or_else(|| fail("no parent"))?)?;
    std::fs::write(
        &file,
        format!(
            "---\ntitle: 新年の抱負\ndate: 2025-01-04\ntags: [myself]\n---\n今年の目標は {ADDED} です。\n"
        ),
    )?;
    serve.poll(WATCH, "the new post to be searchable", |serve| {
        let found = serve.get_json(&search(ADDED))?;
        Ok((ids(&found) == std::slice::from_ref(&added)).then_some(()))
    })?;
    let post = serve.get_json(&format!("/api/posts/{}", encode(&added)))?;
    assert_eq!(post["title"], "新年の抱負");
    assert_eq!(post["date"], "2025-01-04");

    let status = serve.stop_with("INT")?;
    assert!(
        status.success(),
        "exit {status} after SIGINT:\n{}",
        serve.stderr()
    );
    Ok(())
}

#[test]
fn serve_watch_survives_a_post_with_an_out_of_range_date() -> TestResult {
    const PROBE: &str = "zqxafterbaddate";
    let sandbox = Sandbox::new()?;
    let posts = archive_copy(&sandbox)?;
    let mut serve = Serve::start(
        &sandbox,
        &[
            &"--index",
            &sandbox.index_dir(),
            &"--posts",
            &posts,
            &"--watch",
        ],
    )?;
    serve.wait_ready()?;
    settle_watcher();
    std::fs::write(
        posts.join("_posts/1500-01-01-old.md"),
        "---\ntitle: 古い記事\ndate: 1500-01-01\n---\n本文\n",
    )?;
    // Let that run happen on its own, then edit another post.
    thread::sleep(Duration::from_secs(2));
    let edited = post_id("2018-10-08-sanpo.md");
    append(&posts.join(&edited), &format!("\n\n{PROBE}\n"))?;
    serve.poll(
        WATCH,
        "an edit after the bad post to be searchable",
        |serve| {
            let found = serve.get_json(&search(PROBE))?;
            Ok(ids(&found).contains(&edited).then_some(()))
        },
    )?;
    let status = serve.stop_with("TERM")?;
    assert!(status.success(), "exit {status}:\n{}", serve.stderr());
    Ok(())
}

#[test]
fn serve_on_localhost_with_an_origin_copied_from_the_address_bar() -> TestResult {
    let sandbox = Sandbox::new()?;
    let posts = archive_copy(&sandbox)?;
    // As copied from the address bar: capitals and a trailing slash.
    let mut serve = Serve::start_on(
        &sandbox,
        "localhost",
        &[
            &"--index",
            &sandbox.index_dir(),
            &"--posts",
            &posts,
            &"--cors-origin",
            &"HTTP://127.0.0.1:8080/",
            &"--trusted-proxy",
            &"127.0.0.1",
        ],
    )?;
    serve.wait_ready()?;
    // From a trusted proxy, the client it forwarded for is logged.
    let forwarded = serve.get_with("/healthz", &[("X-Forwarded-For", "203.0.113.9")])?;
    assert_eq!(forwarded.status, 200, "{forwarded}");
    let allowed = "http://127.0.0.1:8080";
    let answer = serve.get_with("/api/tags", &[("Origin", allowed)])?;
    assert_eq!(answer.status, 200, "{answer}");
    assert_eq!(
        answer.header("access-control-allow-origin"),
        Some(allowed),
        "{answer}"
    );

    // A page elsewhere: answered (the browser hides the answer), and the
    // log says, once, which flag would let it in.
    let refused = "https://blog.example.jp";
    for _ in 0..3 {
        let answer = serve.get_with(&search("インフラ"), &[("Origin", refused)])?;
        assert_eq!(answer.status, 200, "{answer}");
        assert_eq!(
            answer.header("access-control-allow-origin"),
            None,
            "{answer}"
        );
    }
    let hint = format!("--cors-origin {refused}");
    serve.poll(
        Duration::from_secs(5),
        "the refused origin's warning",
        |serve| Ok(serve.stderr().contains(&hint).then_some(())),
    )?;
    let status = serve.stop_with("TERM")?;
    let stderr = serve.stderr();
    assert!(status.success(), "exit {status}:\n{stderr}");
    let warnings: Vec<&str> = stderr.lines().filter(|line| line.contains(&hint)).collect();
    assert_eq!(warnings.len(), 1, "warned once per origin:\n{stderr}");
    assert!(warnings[0].contains("WARN"), "{stderr}");
    assert!(
        stderr
            .lines()
            .any(|line| line.contains("path=/healthz") && line.contains("client=203.0.113.9")),
        "the forwarded client is logged:\n{stderr}"
    );
    assert!(
        stderr
            .lines()
            .any(|line| line.contains("path=/api/tags") && line.contains("client=127.0.0.1")),
        "without forwarding headers, the peer is logged:\n{stderr}"
    );
    // `localhost` resolved, to its IPv4 address first.
    assert!(
        stderr.contains(&format!("addr={}", serve.addr)),
        "the address listened on is logged:\n{stderr}"
    );
    Ok(())
}

#[test]
fn serve_logs_json_objects_and_serves_metrics_on_their_own_address() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.index(&[&sample_archive()])?;
    let mut serve = Serve::start(
        &sandbox,
        &[
            &"--index",
            &sandbox.index_dir(),
            &"--log-format",
            &"json",
            &"--metrics-addr",
            &"127.0.0.1:0",
        ],
    )?;
    serve.wait_ready()?;
    serve.get_json(&search("インフラ"))?;
    let missing = serve.get("/no/such/page")?;
    assert_eq!(missing.status, 404, "{missing}");
    // `/metrics` on its own address, which the log gives; not on the API's.
    let metrics_addr: SocketAddr = serve
        .stderr()
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|line| line["message"] == "serving /metrics")
        .and_then(|line| line["addr"].as_str()?.parse().ok())
        .ok_or_else(|| fail(format!("no /metrics address logged:\n{}", serve.stderr())))?;
    let metrics = http::get(metrics_addr, "/metrics")?;
    assert_eq!(metrics.status, 200, "{metrics}");
    let text = String::from_utf8(metrics.body.clone())?;
    assert!(
        text.contains(r#"sagasu_http_requests_total{route="/api/search",status="200"} 1"#)
            && text.contains("sagasu_index_posts 46")
            && text.ends_with("# EOF\n"),
        "{text}"
    );
    assert_eq!(serve.get("/metrics")?.status, 404);
    let requests = |stderr: &str| -> TestResult<Vec<Value>> {
        let mut requests = Vec::new();
        for line in stderr.lines() {
            let object: Value = serde_json::from_str(line)
                .map_err(|err| fail(format!("not a JSON object ({err}): {line}")))?;
            if object["message"] == "request" {
                requests.push(object);
            }
        }
        Ok(requests)
    };
    serve.poll(Duration::from_secs(5), "the request log lines", |serve| {
        Ok((requests(&serve.stderr())?.len() >= 3).then_some(()))
    })?;
    let status = serve.stop_with("TERM")?;
    let stderr = serve.stderr();
    assert!(status.success(), "exit {status}:\n{stderr}");
    // Every line is one JSON object, the requests' included.
    let requests = requests(&stderr)?;
    let search = requests
        .iter()
        .find(|request| request["path"] == "/api/search")
        .ok_or_else(|| fail(format!("no search logged:\n{stderr}")))?;
    assert_eq!(search["level"], "INFO", "{search}");
    assert_eq!(search["method"], "GET", "{search}");
    assert_eq!(search["status"], 200, "{search}");
    assert!(search["latency_ms"].is_f64(), "{search}");
    assert!(search["timestamp"].is_string(), "{search}");
    assert!(
        requests
            .iter()
            .any(|request| request["path"] == "/no/such/page" && request["status"] == 404),
        "{stderr}"
    );
    Ok(())
}

#[test]
fn serve_explains_bad_addresses_and_origins() -> TestResult {
    let sandbox = Sandbox::new()?;
    for (args, expected) in [
        (
            ["--addr", "7700"],
            "has no port: give HOST:PORT, such as 127.0.0.1:7700",
        ),
        (["--addr", "localhost:http"], "`http` is not a port number"),
        (
            ["--addr", "nosuchhost.invalid:7700"],
            "cannot resolve `nosuchhost.invalid`",
        ),
        (
            ["--cors-origin", "blog.example.jp/"],
            "`blog.example.jp/` is not an origin: it has no scheme; write the origin as the \
             browser's address bar shows it, such as `https://blog.example.jp`",
        ),
        (
            ["--cors-origin", "https://blog.example.jp/search/"],
            "use `https://blog.example.jp`",
        ),
        (
            ["--trusted-proxy", "localhost"],
            "`localhost` is not a proxy address: give an IP address (127.0.0.1)",
        ),
    ] {
        sandbox
            .sagasu("serve")?
            .args(args)
            .timeout(Duration::from_secs(60))
            .assert()
            .failure()
            .stderr(predicate::str::contains(expected));
    }
    Ok(())
}

#[test]
fn serve_without_an_index_says_to_run_sagasu_index() -> TestResult {
    let sandbox = Sandbox::new()?;
    // The default index, `index/` under the current directory.
    sandbox
        .bare()?
        .args(["serve", "--addr", "127.0.0.1:0"])
        .timeout(Duration::from_secs(60))
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "there is no index in ./index/ (the default --index) yet",
        ))
        .stderr(predicate::str::contains("`sagasu index PATH`"))
        .stderr(predicate::str::contains(
            "`sagasu serve --posts PATH --watch`",
        ))
        .stderr(predicate::str::contains("no index at").not());
    assert!(
        !sandbox.path().join("index").exists(),
        "serve must not create an index"
    );
    sandbox
        .sagasu("serve")?
        .args(["--addr", "127.0.0.1:0"])
        .timeout(Duration::from_secs(60))
        .assert()
        .failure()
        .stderr(predicate::str::contains(format!(
            "`sagasu index PATH --index {}`",
            sandbox.index_dir().display()
        )));
    assert!(
        !sandbox.index_dir().exists(),
        "serve must not create an index"
    );

    sandbox
        .sagasu("serve")?
        .args(["--addr", "127.0.0.1:0", "--max-concurrent", "0"])
        .timeout(Duration::from_secs(60))
        .assert()
        .failure()
        .stderr(predicate::str::contains("--max-concurrent"));
    // --watch needs --posts.
    sandbox
        .sagasu("serve")?
        .args(["--addr", "127.0.0.1:0", "--watch"])
        .timeout(Duration::from_secs(60))
        .assert()
        .failure()
        .stderr(predicate::str::contains("--posts"));
    Ok(())
}
