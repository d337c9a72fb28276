//! The proxy configurations of `deploy/`, run for real on loopback in front
//! of `sagasu serve --trusted-proxy 127.0.0.1`: nginx terminating TLS (with
//! a certificate made here for `search.example.com`) and Caddy (plain HTTP:
//! its automatic HTTPS needs the internet). The files are used as they are,
//! with only ports (on loopback), certificate paths, the upstream port and
//! Caddy's site address changed. Through each proxy, with curl as the
//! client (from 127.0.0.2, so that its address differs from the proxy's):
//! - a search answers;
//! - compression (gzip, br), `Cache-Control`, and `ETag` with its `304`
//!   survive;
//! - the client's address, not the proxy's (nor one the client made up),
//!   reaches sagasu's log;
//! - a `503` from load shedding reaches the client with `Retry-After`.
//!
//! Needs Debian's nginx, caddy, curl and openssl; without them the test is
//! skipped with a loud message, unless `SAGASU_REQUIRE_PROXIES` is set, as
//! `.ci/run` does (it also installs them).

mod util;

use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use sagasu_test_support::cli::sagasu;
use sagasu_test_support::http::Response;
use util::process::{Process, STARTUP, free_port, programs_present};
use util::{Sandbox, TestResult, encode, fail, ids, post_id, repo, sample_archive};

/// The programs the test runs.
const TOOLS: [&str; 4] = ["nginx", "caddy", "curl", "openssl"];
/// The name the proxies serve, resolved to 127.0.0.1 by curl itself.
const SITE: &str = "search.example.com";
/// The client's address, as the proxies see it.
const CLIENT: &str = "127.0.0.2";

/// A proxy in front of sagasu, as curl reaches it.
struct Front {
    name: &'static str,
    /// `https://search.example.com:PORT` or `http://…`.
    base: String,
    /// nginx's plain HTTP address, which redirects to HTTPS.
    plain: Option<String>,
    /// curl's arguments for it: `--resolve`, the CA certificate.
    curl: Vec<String>,
    _process: Process,
}

impl Front {
    /// `GET path` through the proxy with curl, from [`CLIENT`], with
    /// `headers`; nothing decoded.
    fn get(&self, dir: &Path, path: &str, headers: &[&str]) -> TestResult<Response> {
        self.fetch(dir, &format!("{}{path}", self.base), headers)
    }

    /// [`Front::get`] of a whole URL.
    fn fetch(&self, dir: &Path, url: &str, headers: &[&str]) -> TestResult<Response> {
        let (head, body) = (dir.join("curl-head"), dir.join("curl-body"));
        let mut command = Command::new("curl");
        command
            .args(["-sS", "--max-time", "30", "--interface", CLIENT])
            .args(&self.curl)
            .arg("-D")
            .arg(&head)
            .arg("-o")
            .arg(&body);
        for header in headers {
            command.args(["-H", header]);
        }
        let output = command.arg(url).output()?;
        if !output.status.success() {
            return Err(fail(format!(
                "curl {url} through {}: {}",
                self.name,
                String::from_utf8_lossy(&output.stderr)
            )));
        }
        let head = std::fs::read_to_string(&head)?;
        Ok(Response::from_head(&head, std::fs::read(&body)?)?)
    }

    /// `count` different searches at once through the proxy; the status
    /// and `Retry-After` of each answer.
    fn burst(&self, dir: &Path, round: usize, count: usize) -> TestResult<Vec<(u16, String)>> {
        // Many words, 100 per page: each search takes a few milliseconds
        // in a debug build, and each page is a search of its own.
        let query = encode(
            "インフラ 勉強会 サーバー 監視 KVM nginx Zabbix 子育て 読書 確定申告 東京 大阪 \
             京都 ラーメン カレー 散歩 旅行 写真 Perl Ruby Python Linux 仕事 会社 本 映画",
        );
        let mut config = String::new();
        for n in 0..count {
            let page = round * count + n + 1;
            config.push_str(&format!(
                "url = \"{}/api/search?q={query}&match=any&per_page=100&page={page}\"\noutput = \"/dev/null\"\n",
                self.base
            ));
        }
        let file = dir.join("curl-burst");
        std::fs::write(&file, config)?;
        let output = Command::new("curl")
            .args(["-sS", "--max-time", "30", "--interface", CLIENT])
            .args(["--parallel", "--parallel-immediate", "--parallel-max"])
            .arg(count.to_string())
            .args(&self.curl)
            .args(["-w", "%{http_code} %header{retry-after}\\n", "-K"])
            .arg(&file)
            .output()?;
        if !output.status.success() {
            return Err(fail(format!(
                "curl burst through {}: {}",
                self.name,
                String::from_utf8_lossy(&output.stderr)
            )));
        }
        Ok(String::from_utf8(output.stdout)?
            .lines()
            .filter_map(|line| {
                let (status, retry) = line.split_once(' ').unwrap_or((line, ""));
                Some((status.trim().parse().ok()?, retry.trim().to_owned()))
            })
            .collect())
    }
}

/// `deploy/NAME`, with each `(from, to)` replaced; fails if a `from` is
/// not in the file (the file changed: update the test).
fn deploy_file(name: &str, replacements: &[(&str, String)]) -> TestResult<String> {
    let mut text = std::fs::read_to_string(repo().join("deploy").join(name))?;
    for (from, to) in replacements {
        if !text.contains(from) {
            return Err(fail(format!("deploy/{name} has no {from:?}")));
        }
        text = text.replace(from, to);
    }
    Ok(text)
}

/// Whether this process runs as root (nginx's workers then need a user).
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
        .unwrap_or(false)
}

/// nginx with `deploy/nginx.conf` in front of sagasu on `upstream`.
fn start_nginx(dir: &Path, upstream: u16) -> TestResult<Front> {
    let dir = dir.join("nginx");
    std::fs::create_dir_all(&dir)?;
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args(["-subj", &format!("/CN={SITE}")])
        .args(["-addext", &format!("subjectAltName=DNS:{SITE}")])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()?;
    if !made.status.success() {
        return Err(fail(format!(
            "openssl: {}",
            String::from_utf8_lossy(&made.stderr)
        )));
    }
    let (http, https) = (free_port()?, free_port()?);
    let site = deploy_file(
        "nginx.conf",
        &[
            ("listen 80;", format!("listen 127.0.0.1:{http};")),
            ("listen [::]:80;", format!("listen [::1]:{http};")),
            (
                "listen 443 ssl http2;",
                format!("listen 127.0.0.1:{https} ssl http2;"),
            ),
            (
                "listen [::]:443 ssl http2;",
                format!("listen [::1]:{https} ssl http2;"),
            ),
            (
                "/etc/letsencrypt/live/search.example.com/fullchain.pem",
                cert.display().to_string(),
            ),
            (
                "/etc/letsencrypt/live/search.example.com/privkey.pem",
                key.display().to_string(),
            ),
            (
                "server 127.0.0.1:7700;",
                format!("server 127.0.0.1:{upstream};"),
            ),
        ],
    )?;
    std::fs::write(dir.join("site.conf"), site)?;
    // What /etc/nginx/nginx.conf would be, with everything in `dir`.
    let d = dir.display();
    let main = format!(
        "{user}daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 256; }}\n\
         http {{\n  access_log {d}/access.log;\n  client_body_temp_path {d}/body;\n  \
         proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  \
         scgi_temp_path {d}/scgi;\n  include {d}/site.conf;\n}}\n",
        user = if is_root() { "user root;\n" } else { "" },
    );
    std::fs::write(dir.join("nginx.conf"), main)?;
    let mut process = Process::start(
        "nginx",
        Command::new("nginx")
            .arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .arg("-e")
            .arg(dir.join("error.log")),
    )?;
    process.wait_listening(https)?;
    Ok(Front {
        name: "nginx",
        base: format!("https://{SITE}:{https}"),
        plain: Some(format!("http://{SITE}:{http}")),
        curl: vec![
            "--resolve".to_owned(),
            format!("{SITE}:{https}:127.0.0.1"),
            "--resolve".to_owned(),
            format!("{SITE}:{http}:127.0.0.1"),
            "--cacert".to_owned(),
            cert.display().to_string(),
        ],
        _process: process,
    })
}

/// Caddy with `deploy/Caddyfile` in front of sagasu on `upstream`.
fn start_caddy(dir: &Path, upstream: u16) -> TestResult<Front> {
    let dir = dir.join("caddy");
    std::fs::create_dir_all(&dir)?;
    let port = free_port()?;
    // No admin endpoint (another Caddy may have :2019), on loopback only.
    let site = deploy_file(
        "Caddyfile",
        &[
            ("search.example.com {", format!("http://{SITE}:{port} {{")),
            ("127.0.0.1:7700", format!("127.0.0.1:{upstream}")),
        ],
    )?;
    let config = dir.join("Caddyfile");
    std::fs::write(
        &config,
        format!("{{\n\tadmin off\n\tdefault_bind 127.0.0.1\n}}\n\n{site}"),
    )?;
    let mut process = Process::start(
        "caddy",
        Command::new("caddy")
            .args(["run", "--adapter", "caddyfile", "--config"])
            .arg(&config)
            .env("HOME", &dir)
            .env("XDG_DATA_HOME", dir.join("data"))
            .env("XDG_CONFIG_HOME", dir.join("config")),
    )?;
    process.wait_listening(port)?;
    Ok(Front {
        name: "caddy",
        base: format!("http://{SITE}:{port}"),
        plain: None,
        curl: vec!["--resolve".to_owned(), format!("{SITE}:{port}:127.0.0.1")],
        _process: process,
    })
}

/// `sagasu serve` on the sample archive, behind the proxies: it trusts
/// them, and runs one search at a time with no queue, so that a burst is
/// shed.
fn start_sagasu(sandbox: &Sandbox) -> TestResult<(Process, u16)> {
    sandbox.index(&[&sample_archive()])?;
    let port = free_port()?;
    let mut process = Process::start(
        "sagasu serve",
        sagasu(env!("CARGO_BIN_EXE_sagasu"))
            .current_dir(sandbox.path())
            .arg("serve")
            .arg("--index")
            .arg(sandbox.index_dir())
            .args(["--addr", &format!("127.0.0.1:{port}")])
            .args(["--trusted-proxy", "127.0.0.1"])
            .args(["--max-concurrent", "1", "--max-queued", "0"]),
    )?;
    process.wait_listening(port)?;
    let deadline = Instant::now() + STARTUP;
    while !process.stderr().contains("ready") {
        if Instant::now() > deadline {
            return Err(fail(format!("not ready:\n{}", process.stderr())));
        }
        thread::sleep(Duration::from_millis(50));
    }
    Ok((process, port))
}

/// The checks, through one proxy.
fn check(front: &Front, dir: &Path, sagasu: &Process) -> TestResult {
    let name = front.name;
    // A search answers.
    let query = encode("インフラ勉強会");
    let found = front.get(dir, &format!("/api/search?q={query}"), &[])?;
    assert_eq!(found.status, 200, "{name}: {found}");
    assert_eq!(
        ids(&found.json()?).first(),
        Some(&post_id("2009-07-19-infra-study-1.md")),
        "{name}: {found}"
    );
    assert_eq!(
        found.header("cache-control"),
        Some("public, max-age=5"),
        "{name}: {found}"
    );

    // Compression survives, undone by nobody on the way.
    for encoding in ["gzip", "br"] {
        let compressed = front.get(
            dir,
            "/api/search?per_page=100",
            &[&format!("Accept-Encoding: {encoding}")],
        )?;
        assert_eq!(compressed.status, 200, "{name}: {compressed}");
        assert_eq!(
            compressed.header("content-encoding"),
            Some(encoding),
            "{name}: {compressed}"
        );
        if encoding == "gzip" {
            assert!(
                compressed.body.starts_with(&[0x1f, 0x8b]),
                "{name}: not gzip"
            );
        }
        assert_eq!(
            compressed.header("cache-control"),
            Some("public, max-age=5"),
            "{name}"
        );
    }

    // The widget's caching headers and its revalidation.
    let widget = front.get(dir, "/widget.js", &[])?;
    assert_eq!(widget.status, 200, "{name}: {widget}");
    assert_eq!(
        widget.header("cache-control"),
        Some("public, max-age=300"),
        "{name}: {widget}"
    );
    let etag = widget
        .header("etag")
        .ok_or_else(|| fail(format!("{name}: no ETag: {widget}")))?
        .to_owned();
    let unchanged = front.get(dir, "/widget.js", &[&format!("If-None-Match: {etag}")])?;
    assert_eq!(unchanged.status, 304, "{name}: {unchanged}");

    // The client's address reaches the log; not the proxy's, nor the one
    // the client made up.
    let probe = format!("/probe-{name}");
    let missing = front.get(dir, &probe, &["X-Forwarded-For: 203.0.113.66"])?;
    assert_eq!(missing.status, 404, "{name}: {missing}");
    assert_eq!(missing.json()?["error"]["code"], "not_found", "{name}");
    let deadline = Instant::now() + Duration::from_secs(5);
    let line = loop {
        let log = sagasu.stderr();
        if let Some(line) = log
            .lines()
            .find(|line| line.contains(&format!("path={probe} ")))
        {
            break line.to_owned();
        }
        if Instant::now() > deadline {
            return Err(fail(format!("{name}: {probe} not logged:\n{log}")));
        }
        thread::sleep(Duration::from_millis(50));
    };
    assert!(
        line.contains(&format!("client={CLIENT}")),
        "{name}: the client's address is logged: {line}"
    );

    // Load shedding's 503 reaches the client, with Retry-After.
    let mut seen = Vec::new();
    for round in 0..5 {
        let answers = front.burst(dir, round, 30)?;
        if answers.iter().any(|(status, _)| *status == 503) {
            seen = answers;
            break;
        }
        seen = answers;
    }
    let shed: Vec<_> = seen.iter().filter(|(status, _)| *status == 503).collect();
    assert!(!shed.is_empty(), "{name}: no 503 in five bursts: {seen:?}");
    assert!(
        shed.iter().all(|(_, retry)| retry == "1"),
        "{name}: a 503 without Retry-After: 1: {seen:?}"
    );
    assert!(
        seen.iter()
            .all(|(status, _)| *status == 200 || *status == 503),
        "{name}: {seen:?}"
    );
    eprintln!(
        "{name}: search, compression, caching, client address ({line}) and a burst of {} \
         searches: {} shed with 503 and Retry-After",
        seen.len(),
        shed.len()
    );
    Ok(())
}

#[test]
fn nginx_and_caddy_from_deploy_in_front_of_sagasu_serve() -> TestResult {
    if !programs_present("proxy test", &TOOLS)? {
        return Ok(());
    }
    let sandbox = Sandbox::new()?;
    let dir = sandbox.path().to_path_buf();
    let (sagasu, port) = start_sagasu(&sandbox)?;
    let nginx = start_nginx(&dir, port)?;
    check(&nginx, &dir, &sagasu)?;
    // nginx also sends plain HTTP to HTTPS.
    let plain = nginx
        .plain
        .as_deref()
        .ok_or_else(|| fail("no http address"))?;
    let redirect = nginx.fetch(&dir, &format!("{plain}/api/tags"), &[])?;
    assert_eq!(redirect.status, 301, "{redirect}");
    assert_eq!(
        redirect.header("location"),
        Some(format!("https://{SITE}/api/tags").as_str())
    );
    drop(nginx);

    let caddy = start_caddy(&dir, port)?;
    check(&caddy, &dir, &sagasu)?;
    drop(caddy);
    Ok(())
}
