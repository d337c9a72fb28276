//! Replicas behind HAProxy, on loopback: three `sagasu serve` processes,
//! each on its own copy of one index published with
//! `deploy/publish-index`, behind `deploy/haproxy.cfg` (with only the
//! addresses and ports changed). Under bounded load from wrk through
//! HAProxy, one replica is killed with SIGKILL, then a new commit is
//! published to all three, then the killed one is started again. Counted:
//! the requests that failed after HAProxy's retries (the target is none),
//! and how long until every running replica serves the new commit (the
//! target is 5 s). The numbers are in docs/performance.md.
//!
//! Ignored by `cargo test`; `.ci/run` runs it in an optimised build:
//! `cargo test --profile bench --locked --test replicas -- --ignored --nocapture`.
//! Needs Debian's haproxy, wrk and rsync; without them it fails only when
//! `SAGASU_REQUIRE_PROXIES` is set (as in `.ci/run`), and is skipped with a
//! loud message otherwise. `SAGASU_REPLICA_SECONDS` sets the load's length
//! (default 15).

mod util;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use sagasu_test_support::cli::sagasu;
use sagasu_test_support::{SEARCH_WORDS, http};
use util::process::{Process, free_port, programs_present};
use util::{Sandbox, TestResult, copy_dir, encode, fail, repo, sample_archive};

const TOOLS: [&str; 3] = ["haproxy", "wrk", "rsync"];
const REPLICAS: usize = 3;
/// wrk's connections: a bounded load, well within the replicas' queues.
const CONNECTIONS: usize = 16;
/// A word only the post published mid-load has.
const PROBE: &str = "zqxreplicaprobe";

/// How many posts a search for [`PROBE`] on `addr` finds.
fn probe_total(addr: SocketAddr) -> TestResult<u64> {
    let response = http::get(addr, &format!("/api/search?q={PROBE}"))?;
    if response.status != 200 {
        return Err(fail(format!("probe search: {response}")));
    }
    let body = response.json()?;
    body["total"]
        .as_u64()
        .ok_or_else(|| fail(format!("no total: {body}")))
}

/// One replica: `sagasu serve` on its own index copy.
struct Replica {
    index: PathBuf,
    addr: SocketAddr,
    process: Option<Process>,
}

impl Replica {
    fn start(&mut self) -> TestResult {
        let mut process = Process::start(
            "sagasu serve",
            sagasu(env!("CARGO_BIN_EXE_sagasu"))
                .env("SAGASU_LOG", "warn")
                .arg("serve")
                .arg("--index")
                .arg(&self.index)
                .args(["--addr", &self.addr.to_string()])
                .args(["--trusted-proxy", "127.0.0.1"]),
        )?;
        process.wait_listening(self.addr.port())?;
        self.process = Some(process);
        self.wait_ready()
    }

    fn wait_ready(&self) -> TestResult {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if http::get(self.addr, "/readyz").is_ok_and(|response| response.status == 200) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(fail(format!("replica {} not ready", self.addr)));
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// `kill -9`.
    fn kill(&mut self) -> TestResult {
        if let Some(mut process) = self.process.take() {
            process.child.kill()?;
            process.child.wait()?;
        }
        Ok(())
    }
}

/// `deploy/publish-index SRC DESTS...`.
fn publish(src: &Path, replicas: &[Replica]) -> TestResult {
    let output = Command::new(repo().join("deploy/publish-index"))
        .arg(src)
        .args(replicas.iter().map(|replica| &replica.index))
        .output()?;
    if !output.status.success() {
        return Err(fail(format!(
            "publish-index: {}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(())
}

/// `sagasu index ARCHIVE --index INDEX`.
fn index(archive: &Path, index: &Path) -> TestResult {
    let output = sagasu(env!("CARGO_BIN_EXE_sagasu"))
        .arg("index")
        .arg(archive)
        .arg("--index")
        .arg(index)
        .args(["--threads", "1"])
        .output()?;
    if !output.status.success() {
        return Err(fail(format!(
            "sagasu index: {}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(())
}

/// The wrk script: a mix of searches, lookups and lists, and a summary
/// line of counts at the end.
const WRK_SCRIPT: &str = r#"
local paths = PATHS
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("summary requests=%d connect=%d read=%d write=%d status=%d timeout=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"#;

fn wrk_paths() -> String {
    let mut paths: Vec<String> = SEARCH_WORDS
        .iter()
        .chain([&PROBE])
        .map(|word| format!("/api/search?q={}", encode(word)))
        .collect();
    paths.push("/api/tags".to_owned());
    paths.push("/api/archive".to_owned());
    paths.push("/api/posts/_posts%2F2009-07-19-infra-study-1.md".to_owned());
    let quoted: Vec<String> = paths.iter().map(|path| format!("{path:?}")).collect();
    format!("{{ {} }}", quoted.join(", "))
}

/// A count in wrk's summary line.
fn count(summary: &str, key: &str) -> TestResult<u64> {
    summary
        .split_whitespace()
        .find_map(|pair| pair.strip_prefix(&format!("{key}=")))
        .and_then(|value| value.parse().ok())
        .ok_or_else(|| fail(format!("no {key} in {summary:?}")))
}

#[test]
#[ignore = "load test: .ci/run runs it in an optimised build"]
fn replicas_behind_haproxy_survive_a_kill_and_a_publish_under_load() -> TestResult {
    if !programs_present("replica test", &TOOLS)? {
        return Ok(());
    }
    let seconds: u64 = std::env::var("SAGASU_REPLICA_SECONDS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(15);
    let sandbox = Sandbox::new()?;
    let dir = sandbox.path();

    // The index is built in one place and published to the replicas.
    let (archive, built) = (dir.join("posts"), dir.join("built"));
    copy_dir(&sample_archive(), &archive)?;
    index(&archive, &built)?;
    let mut replicas = Vec::new();
    for n in 1..=REPLICAS {
        replicas.push(Replica {
            index: dir.join(format!("replica{n}")),
            addr: SocketAddr::from(([127, 0, 0, 1], free_port()?)),
            process: None,
        });
    }
    publish(&built, &replicas)?;
    for replica in &mut replicas {
        replica.start()?;
    }

    // HAProxy with deploy/haproxy.cfg.
    let front = SocketAddr::from(([127, 0, 0, 1], free_port()?));
    let mut config = std::fs::read_to_string(repo().join("deploy/haproxy.cfg"))?;
    let mut replacements = vec![("bind :80".to_owned(), format!("bind {front}"))];
    for (n, replica) in replicas.iter().enumerate() {
        replacements.push((format!("10.0.0.1{}:7700", n + 1), replica.addr.to_string()));
    }
    for (from, to) in &replacements {
        if !config.contains(from.as_str()) {
            return Err(fail(format!("deploy/haproxy.cfg has no {from:?}")));
        }
        config = config.replace(from.as_str(), to);
    }
    let config_path = dir.join("haproxy.cfg");
    std::fs::write(&config_path, config)?;
    let mut haproxy = Process::start(
        "haproxy",
        Command::new("haproxy")
            .arg("-db")
            .arg("-f")
            .arg(&config_path),
    )?;
    haproxy.wait_listening(front.port())?;
    // Every replica answers through it.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut ok = 0;
    while ok < 3 * REPLICAS {
        ok = match http::get(front, "/readyz") {
            Ok(response) if response.status == 200 => ok + 1,
            _ => 0,
        };
        if Instant::now() > deadline {
            return Err(fail(format!(
                "haproxy not answering:\n{}",
                haproxy.stderr()
            )));
        }
    }
    assert_eq!(probe_total(front)?, 0);

    // The load.
    let script = dir.join("mix.lua");
    std::fs::write(&script, WRK_SCRIPT.replace("PATHS", &wrk_paths()))?;
    let started = Instant::now();
    let load = Command::new("wrk")
        .args(["-t", "2", "-c", &CONNECTIONS.to_string()])
        .args(["-d", &format!("{seconds}s"), "--timeout", "10s", "-s"])
        .arg(&script)
        .arg(format!("http://{front}/"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;

    // A fifth of the way in, one replica dies.
    thread::sleep(Duration::from_secs(seconds) / 5);
    replicas[1].kill()?;
    let killed_at = started.elapsed();
    // Two fifths in, a new post is published to all three.
    thread::sleep((Duration::from_secs(seconds) * 2 / 5).saturating_sub(started.elapsed()));
    std::fs::write(
        archive.join("_posts/2025-01-04-replicas.md"),
        format!("---\ntitle: レプリカの記事\ndate: 2025-01-04\n---\n{PROBE} を配った。\n"),
    )?;
    index(&archive, &built)?;
    let publish_started = Instant::now();
    publish(&built, &replicas)?;
    let published_at = started.elapsed();
    let publish_took = publish_started.elapsed();
    // Until every running replica serves it.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut pending: Vec<SocketAddr> = [0, 2].iter().map(|&n| replicas[n].addr).collect();
    while !pending.is_empty() {
        pending.retain(|addr| !matches!(probe_total(*addr), Ok(1)));
        if Instant::now() > deadline {
            return Err(fail(format!("{pending:?} still without the new commit")));
        }
        thread::sleep(Duration::from_millis(10));
    }
    let converged = publish_started.elapsed();
    // The killed replica comes back, on the new commit.
    let restart = Instant::now();
    replicas[1].start()?;
    let restarted_in = restart.elapsed();
    assert_eq!(probe_total(replicas[1].addr)?, 1, "the restarted replica");

    let output = load.wait_with_output()?;
    let total_time = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let summary = stdout
        .lines()
        .find(|line| line.starts_with("summary "))
        .ok_or_else(|| {
            fail(format!(
                "no summary from wrk:\n{stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            ))
        })?;
    let requests = count(summary, "requests")?;
    let failed: u64 = ["connect", "read", "write", "status", "timeout"]
        .iter()
        .map(|key| count(summary, key))
        .sum::<TestResult<u64>>()?;
    eprintln!(
        "replicas: {REPLICAS} behind HAProxy, wrk {CONNECTIONS} connections for {seconds} s: \
         {requests} requests ({:.0}/s), {failed} failed ({summary}); replica 2 killed at \
         {killed_at:.1?}; new commit published at {published_at:.1?} (publish-index took \
         {publish_took:.0?}), served by every running replica {converged:.0?} after the publish \
         began; the killed replica back on it in {restarted_in:.1?}",
        requests as f64 / total_time.as_secs_f64()
    );
    // Through HAProxy, every replica now answers with the new commit.
    for _ in 0..3 * REPLICAS {
        assert_eq!(probe_total(front)?, 1);
    }
    assert!(requests > 0, "{summary}");
    assert_eq!(
        failed, 0,
        "requests failed after HAProxy's retries: {summary}"
    );
    // A generous bound on the 5 s target (the number itself is printed).
    assert!(
        converged < Duration::from_secs(15),
        "the new commit took {converged:?} to reach every replica"
    );
    drop(haproxy);
    Ok(())
}
