//! Crash safety: `sagasu index` killed with SIGKILL at any moment leaves
//! the index at its previous commit or at the new one, never in between and
//! never unreadable, and the next run completes.

mod util;

use std::path::Path;
use std::process::{Child, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use util::{
    SAMPLE_POSTS, Sandbox, TestResult, copy_dir, fail, post_files, run_json, sample_archive,
};

/// Posts the test adds to the sample archive. A debug build indexes roughly
/// 100 of them a second, so a run takes a few seconds: long enough to be
/// killed at many points, short enough to repeat the run after every kill.
const GENERATED: u64 = 300;

/// Kills at fixed delays after the start, then kills bisecting between the
/// latest delay that still killed the run before its commit and the earliest
/// at which it had committed, to land ever closer to (and in) the commit.
const FIXED_DELAYS_MS: [u64; 4] = [0, 50, 300, 1000];
const BISECTIONS: usize = 5;

/// A word only the generated posts contain.
const GENERATED_MARKER: &str = "生成番号";

/// Writes `count` posts into `<archive>/_posts/generated/`, made from the
/// sample posts with a counter appended, so every one hashes differently.
fn generate_posts(archive: &Path, count: u64) -> TestResult {
    let sources = post_files(&sample_archive().join("_posts"))?;
    let dir = archive.join("_posts/generated");
    std::fs::create_dir_all(&dir)?;
    for (n, source) in (0..count).zip(sources.iter().cycle()) {
        let name = source
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| fail(format!("odd file name {source:?}")))?;
        let extension = source.extension().and_then(|e| e.to_str()).unwrap_or("md");
        // Keep the `YYYY-MM-DD-` prefix: the day rule dates the copy.
        let file = format!("{}gen-{n:04}.{extension}", &name[..11]);
        let mut text = std::fs::read_to_string(source)?;
        text.push_str(&format!("\n\n{GENERATED_MARKER} {n}\n"));
        std::fs::write(dir.join(file), text)?;
    }
    Ok(())
}

/// `sagasu index ARCHIVE --index INDEX` as a child process.
fn spawn_index(sandbox: &Sandbox, archive: &Path) -> TestResult<Child> {
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("sagasu"))
        .current_dir(sandbox.path())
        .env_remove("SAGASU_INDEX")
        .env_remove("SAGASU_THREADS")
        .arg("index")
        .arg("--index")
        .arg(sandbox.index_dir())
        .arg(archive)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    Ok(child)
}

/// The number of posts the index holds, checked three ways: `stats`, an
/// empty search, and the generated posts' marker word (none before the new
/// commit, all after it).
fn indexed_posts(sandbox: &Sandbox, what: &str) -> TestResult<u64> {
    let posts = sandbox.stats()?["posts"]
        .as_u64()
        .ok_or_else(|| fail(format!("{what}: stats without posts")))?;
    let all = sandbox.search("", &["--limit", "1"])?;
    // Quoted: unquoted, a run no post holds is also searched by its words.
    let generated = sandbox.search(&format!("\"{GENERATED_MARKER}\""), &["--limit", "1"])?;
    let expected_generated = if posts == SAMPLE_POSTS { 0 } else { GENERATED };
    if all["total"].as_u64() != Some(posts)
        || generated["total"].as_u64() != Some(expected_generated)
    {
        return Err(fail(format!(
            "{what}: stats says {posts} posts, an empty search {}, {GENERATED_MARKER} {}",
            all["total"], generated["total"]
        )));
    }
    Ok(posts)
}

#[test]
fn a_killed_index_run_leaves_the_old_commit_or_the_new_one() -> TestResult {
    let sandbox = Sandbox::new()?;
    let archive = sandbox.copy_in(&sample_archive(), "blog")?;

    // Commit A: the sample archive.
    let report = sandbox.index(&[&archive])?;
    assert_eq!(report["added"], SAMPLE_POSTS, "{report}");
    let commit_a = sandbox.path().join("commit-a");
    copy_dir(sandbox.index_dir(), &commit_a)?;

    // The archive grows; a full run indexes the new posts in one commit.
    generate_posts(&archive, GENERATED)?;
    let full = SAMPLE_POSTS + GENERATED;

    // The latest delay that killed a run before its commit, the earliest at
    // which a run had committed, and the longest full run (a next run
    // starting from commit A), which bounds the bisection until a run
    // commits.
    let mut before_commit = Duration::ZERO;
    let mut committed_at: Option<Duration> = None;
    let mut full_run = Duration::ZERO;
    let mut killed_runs = 0;
    let mut log = Vec::new();
    for iteration in 0..FIXED_DELAYS_MS.len() + BISECTIONS {
        let delay = match FIXED_DELAYS_MS.get(iteration) {
            Some(ms) => Duration::from_millis(*ms),
            None => {
                let upper = committed_at.unwrap_or_else(|| full_run.mul_f64(1.2));
                (before_commit + upper.max(before_commit)) / 2
            }
        };
        std::fs::remove_dir_all(sandbox.index_dir())?;
        copy_dir(&commit_a, sandbox.index_dir())?;

        let mut child = spawn_index(&sandbox, &archive)?;
        sleep(delay);
        let finished_first = child.try_wait()?;
        if finished_first.is_none() {
            child.kill()?;
        }
        let status = child.wait()?;
        // It may still have finished between try_wait and kill.
        let killed = finished_first.is_none() && !status.success();
        if !killed && !status.success() {
            return Err(fail(format!("run {iteration} failed on its own: {status}")));
        }
        killed_runs += usize::from(killed);

        let what = format!("after a kill at {delay:?} (killed: {killed})");
        let posts = indexed_posts(&sandbox, &what)?;
        assert!(
            posts == SAMPLE_POSTS || posts == full,
            "{what}: {posts} posts, neither commit A ({SAMPLE_POSTS}) nor the full archive ({full})"
        );
        if !killed {
            assert_eq!(posts, full, "{what}: the run finished without committing");
        }

        // The next run completes and leaves the full archive.
        let started = Instant::now();
        let mut cmd = sandbox.sagasu("index")?;
        cmd.arg("--json").arg(&archive);
        let report = run_json(&mut cmd)?;
        let elapsed = started.elapsed();
        assert_eq!(report["failed"], serde_json::json!([]), "{what}: {report}");
        if posts == SAMPLE_POSTS {
            assert_eq!(report["added"], GENERATED, "{what}: {report}");
            before_commit = before_commit.max(delay);
            full_run = full_run.max(elapsed);
        } else {
            assert_eq!(report["unchanged"], full, "{what}: {report}");
            committed_at = Some(committed_at.map_or(delay, |at| at.min(delay)));
        }
        assert_eq!(
            indexed_posts(&sandbox, &what)?,
            full,
            "{what}: after the next run"
        );
        log.push(format!("{delay:.2?}: killed {killed}, {posts} posts"));
    }
    eprintln!("kills:\n  {}", log.join("\n  "));
    assert!(
        killed_runs > 0,
        "no run was killed before it finished:\n  {}",
        log.join("\n  ")
    );
    Ok(())
}
