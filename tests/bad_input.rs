//! `tests/fixtures/bad/`: broken files are reported by name with a reason,
//! never stop the run, and never reach the index; the two good posts mixed
//! in with them are indexed.

mod util;

use util::{Problems, Sandbox, TestResult, bad, describe_failure, run, run_text};

/// Each failing file and words its reason must contain (case-insensitive).
const FAILURES: &[(&str, &[&str])] = &[
    ("binary.md", &["binary"]),
    ("empty.md", &["empty"]),
    (
        "front-matter-not-a-mapping.md",
        &["front matter", "mapping"],
    ),
    ("undecidable-encoding.md", &["cannot decide the encoding"]),
    ("invalid-yaml.md", &["front matter"]),
    ("unterminated-front-matter.md", &["front matter", "closing"]),
    ("whitespace-only.md", &["empty"]),
];

/// Marker words of files that must not be indexed.
const NOT_INDEXED: &[&str] = &["桜餅", "みたらし団子", "わらび餅", "筍ご飯"];

/// Marker words of the good posts.
const INDEXED: &[(&str, &str)] = &[
    ("蕗の薹", "2020-03-05-good-post-one.md"),
    ("沈丁花", "2020-03-06-good-post-two.md"),
];

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

#[test]
fn report_counts_and_names_every_failure() -> TestResult {
    let sandbox = Sandbox::new()?;
    let report = sandbox.index(&[&bad()])?;
    assert_eq!(report["added"], 2, "{report}");
    assert_eq!(report["committed"], true, "{report}");
    let failed = report["failed"].as_array().cloned().unwrap_or_default();
    let skipped = report["skipped"].as_array().cloned().unwrap_or_default();
    assert_eq!(failed.len(), 7, "{report}");
    assert_eq!(skipped.len(), 1, "{report}");
    assert_eq!(
        file_name(skipped[0]["path"].as_str().unwrap_or_default()),
        "no-front-matter.md"
    );

    let mut problems = Problems::default();
    for (file, words) in FAILURES {
        let Some(entry) = failed
            .iter()
            .find(|f| file_name(f["path"].as_str().unwrap_or_default()) == *file)
        else {
            problems.check(false, || format!("{file} is not among the failures"));
            continue;
        };
        let reason = entry["reason"].as_str().unwrap_or_default().to_lowercase();
        for word in *words {
            problems.check(reason.contains(word), || {
                format!("{file}: reason {reason:?} does not mention {word:?}")
            });
        }
    }
    problems.finish()
}

#[test]
fn text_report_prints_a_failed_line_per_file() -> TestResult {
    let sandbox = Sandbox::new()?;
    let mut cmd = sandbox.sagasu("index")?;
    cmd.arg(bad());
    let stdout = run_text(&mut cmd)?;
    assert!(
        stdout.starts_with("2 added, 0 updated, 0 removed, 0 unchanged, 7 failed, 1 skipped"),
        "{stdout}"
    );
    let failed: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("failed "))
        .collect();
    assert_eq!(failed.len(), 7, "{stdout}");
    let mut problems = Problems::default();
    for (file, words) in FAILURES {
        let line = failed
            .iter()
            .find(|line| line.contains(&format!("{file}: ")))
            .map(|line| line.to_lowercase());
        problems.check(
            line.as_ref()
                .is_some_and(|line| words.iter().all(|w| line.contains(w))),
            || format!("no `failed {file}: …{words:?}…` line in:\n{stdout}"),
        );
    }
    problems.finish()
}

#[test]
fn bad_files_are_not_searchable_and_good_ones_are() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.index(&[&bad()])?;
    let mut problems = Problems::default();
    for word in NOT_INDEXED {
        let found = sandbox.all_ids(word, &[])?;
        problems.check(found.is_empty(), || format!("{word:?} found {found:?}"));
    }
    for (word, file) in INDEXED {
        problems.eq(word, sandbox.all_ids(word, &[])?, vec![(*file).to_owned()]);
    }
    problems.eq("posts", sandbox.stats()?["posts"].as_u64(), Some(2));
    problems.finish()
}

#[test]
fn strict_exits_1_but_still_commits_the_good_posts() -> TestResult {
    let sandbox = Sandbox::new()?;
    let mut cmd = sandbox.sagasu("index")?;
    cmd.arg("--strict").arg(bad());
    let output = run(&mut cmd)?;
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        describe_failure(&cmd, &output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("7 file(s) failed"), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("failed ")).count(),
        7
    );
    for (word, file) in INDEXED {
        assert_eq!(
            sandbox.all_ids(word, &[])?,
            vec![(*file).to_owned()],
            "{word}"
        );
    }
    // Without failures, --strict succeeds.
    let mut cmd = sandbox.sagasu("index")?;
    cmd.arg("--strict").arg(util::sample_archive());
    let output = run(&mut cmd)?;
    assert!(
        output.status.success(),
        "{}",
        describe_failure(&cmd, &output)
    );
    Ok(())
}
