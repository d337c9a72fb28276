//! Reading archives as a user points sagasu at them: a blog's root, a
//! subfolder, single files, old encodings, and inputs built to hurt (each
//! test here failed before the ingest layer it checks).

mod util;

use util::{Sandbox, TestResult, describe_failure, fail, run, run_json};

fn fixtures(name: &str) -> std::path::PathBuf {
    util::repo().join("tests/fixtures/formats").join(name)
}

fn skipped_reasons(report: &serde_json::Value) -> Vec<String> {
    report["skipped"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            format!(
                "{} {}",
                s["path"].as_str().unwrap_or_default(),
                s["reason"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

/// A Jekyll blog's root, with what a real one has beside its posts.
fn jekyll_blog(sandbox: &Sandbox) -> TestResult<std::path::PathBuf> {
    let root = sandbox.path().join("blog");
    sandbox.write(
        "blog/_config.yml",
        "title: ブログ\ntimezone: Asia/Tokyo\npermalink: /:year/:month/:day/:title/\nexclude:\n  - notes\n",
    )?;
    sandbox.write(
        "blog/_posts/2020-01-02-hatsumode.md",
        util::post(
            "初詣",
            "2020-01-02 10:00:00 +0900",
            "初詣に行った。おみくじは大吉。",
        ),
    )?;
    sandbox.write(
        "blog/_drafts/unfinished.md",
        util::post("下書き", "", "まだ書きかけの秘密の下書き。"),
    )?;
    sandbox.write(
        "blog/_layouts/default.html",
        "---\n---\n<html><body>{{ content }} レイアウト専用語</body></html>\n",
    )?;
    sandbox.write(
        "blog/index.html",
        "---\nlayout: default\n---\n{% for post in site.posts %}{{ post.title }} 目次専用語{% endfor %}\n",
    )?;
    sandbox.write(
        "blog/404.html",
        "---\nlayout: default\n---\nページが見つかりません 迷子専用語\n",
    )?;
    sandbox.write(
        "blog/about.md",
        "---\ntitle: このブログについて\n---\n自己紹介のページ。\n",
    )?;
    sandbox.write(
        "blog/notes/idea.md",
        util::post("メモ", "", "除外されたメモ帳。"),
    )?;
    sandbox.write("blog/assets/logo.png", b"\x89PNG\r\n\x1a\n")?;
    Ok(root)
}

#[test]
fn a_blog_root_indexes_posts_and_pages_but_not_drafts_layouts_or_templates() -> TestResult {
    let sandbox = Sandbox::new()?;
    let root = jekyll_blog(&sandbox)?;
    let report = sandbox.index(&[&root])?;
    assert_eq!(report["added"], 2, "{report}");
    for word in [
        "秘密の下書き",
        "レイアウト専用語",
        "目次専用語",
        "迷子専用語",
        "除外されたメモ帳",
    ] {
        // Quoted: the marker as written, never its words one by one.
        let exact = format!("\"{word}\"");
        assert_eq!(
            sandbox.all_ids(&exact, &[])?,
            Vec::<String>::new(),
            "{word}"
        );
    }
    assert_eq!(
        sandbox.all_ids("おみくじ", &[])?,
        ["_posts/2020-01-02-hatsumode.md"]
    );
    assert_eq!(sandbox.all_ids("自己紹介", &[])?, ["about.md"]);
    // Every file seen is accounted for, with the reason.
    let reasons = skipped_reasons(&report).join("\n");
    for expected in [
        "_drafts excluded: Jekyll does not publish `_drafts/`",
        "_layouts excluded: Jekyll does not publish `_layouts/`",
        "index.html template:",
        "404.html template: the 404 page",
        "notes excluded: `exclude:` of _config.yml (notes)",
        "logo.png not a post",
    ] {
        assert!(reasons.contains(expected), "{expected:?} not in\n{reasons}");
    }
    Ok(())
}

#[test]
fn ids_do_not_depend_on_how_the_path_is_spelled() -> TestResult {
    let sandbox = Sandbox::new()?;
    let root = jekyll_blog(&sandbox)?;
    sandbox.index(&[&root])?;
    // The posts folder alone: the same ids, so nothing is re-added. The
    // page outside it leaves the index, as the run covers only `_posts/`.
    let report = sandbox.index(&[&root.join("_posts")])?;
    assert_eq!(
        (
            &report["added"],
            &report["updated"],
            &report["unchanged"],
            &report["removed"]
        ),
        (&0.into(), &0.into(), &1.into(), &1.into()),
        "{report}"
    );
    // A file given on its own keeps its id too.
    let report = sandbox.index(&[&root.join("_posts/2020-01-02-hatsumode.md")])?;
    assert_eq!(report["unchanged"], 1, "{report}");
    assert_eq!(
        sandbox.all_ids("おみくじ", &[])?,
        ["_posts/2020-01-02-hatsumode.md"]
    );
    Ok(())
}

#[test]
fn dry_run_reports_without_writing() -> TestResult {
    let sandbox = Sandbox::new()?;
    let root = jekyll_blog(&sandbox)?;
    let mut cmd = sandbox.sagasu("index")?;
    cmd.args(["--dry-run", "--json"]).arg(&root);
    let report = run_json(&mut cmd)?;
    assert_eq!(report["added"], 2, "{report}");
    assert_eq!(report["dry_run"], true, "{report}");
    assert_eq!(report["committed"], false, "{report}");
    assert_eq!(report["formats"]["jekyll"]["added"], 2, "{report}");
    assert!(!sandbox.index_dir().join("meta.json").exists());
    let mut cmd = sandbox.sagasu("index")?;
    cmd.arg("--dry-run").arg(&root);
    let output = run(&mut cmd)?;
    let stdout = String::from_utf8(output.stdout)?;
    assert!(stdout.starts_with("would be: 2 added"), "{stdout}");
    assert!(stdout.contains("dry run: nothing written"), "{stdout}");
    Ok(())
}

#[test]
fn a_folder_with_nothing_recognised_fails_with_a_hint_and_writes_nothing() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.write("photos/a.jpg", b"\xff\xd8\xff")?;
    sandbox.write("photos/notes.txt", "買い物メモ\n")?;
    let mut cmd = sandbox.sagasu("index")?;
    cmd.arg(sandbox.path().join("photos"));
    let output = run(&mut cmd)?;
    assert!(
        !output.status.success(),
        "{}",
        describe_failure(&cmd, &output)
    );
    let stderr = String::from_utf8(output.stderr)?;
    assert!(stderr.contains("is a post sagasu reads"), "{stderr}");
    assert!(stderr.contains("not a post"), "{stderr}");
    assert!(!sandbox.index_dir().join("meta.json").exists());
    Ok(())
}

#[test]
fn old_encodings_are_detected_and_reported() -> TestResult {
    let sandbox = Sandbox::new()?;
    let report = sandbox.index(&[&fixtures("encodings")])?;
    assert_eq!(report["added"], 4, "{report}");
    let mut decoded: Vec<String> = report["decoded"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            let path = d["path"].as_str().unwrap_or_default();
            let name = path.rsplit('/').next().unwrap_or_default();
            format!("{name} {}", d["encoding"].as_str().unwrap_or_default())
        })
        .collect();
    decoded.sort();
    assert_eq!(
        decoded,
        [
            "2020-03-02-shift-jis.md Shift_JIS",
            "2020-03-03-euc-jp.html EUC-JP",
            "2020-03-04-iso-2022-jp.md ISO-2022-JP",
            "2020-03-05-utf-16.md UTF-16LE",
        ]
    );
    for (word, id) in [
        ("柏餅", "2020-03-02-shift-jis.md"),
        ("西京焼き", "2020-03-03-euc-jp.html"),
        ("納豆ご飯", "2020-03-04-iso-2022-jp.md"),
        ("干し芋", "2020-03-05-utf-16.md"),
    ] {
        assert_eq!(sandbox.all_ids(word, &[])?, [id], "{word}");
    }
    Ok(())
}

#[test]
fn hostile_front_matter_fails_fast_and_alone() -> TestResult {
    let sandbox = Sandbox::new()?;
    let deep = format!(
        "---\ntitle: 深い\ntags: {}{}\n---\n入れ子\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    sandbox.write("posts/2020-01-01-deep.md", deep)?;
    let many: Vec<String> = (0..100_000).map(|i| format!("tag{}", i % 5000)).collect();
    sandbox.write(
        "posts/2020-01-02-many-tags.md",
        format!(
            "---\ntitle: タグだらけ\ntags: [{}]\n---\n大量のタグ\n",
            many.join(", ")
        ),
    )?;
    sandbox.write(
        "posts/2020-01-03-odd-keys.md",
        "---\ntitle: 変なキー\nbig: 123456789012345678901234567890\nnested: {a: 1, a: 2}\ntags: [\"区切り\\x1f文字\"]\n---\n無関係なキーは投稿を落とさない\n",
    )?;
    let report = sandbox.index(&[&sandbox.path().join("posts")])?;
    assert_eq!(report["added"], 2, "{report}");
    let failed = report["failed"].as_array().cloned().unwrap_or_default();
    assert_eq!(failed.len(), 1, "{report}");
    let reason = failed[0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("nest 64 deep"), "{reason}");
    // 100,000 tags, 5,000 distinct, de-duplicated.
    let hit = &sandbox.search("大量のタグ", &[])?["hits"][0];
    assert_eq!(hit["tags"].as_array().map(Vec::len), Some(5000));
    // A tag with a control character cannot collide with the facet
    // separator: the character is dropped.
    let facets = sandbox.search("無関係なキー", &[])?["facets"]["tags"].clone();
    assert_eq!(facets[0]["value"], "区切り 文字", "{facets}");
    Ok(())
}

#[test]
fn links_with_other_schemes_are_dropped_and_reported() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.write(
        "posts/2020-01-01-x.md",
        "---\ntitle: 危ないリンク\npermalink: \"javascript:alert(1)\"\n---\n本文\n",
    )?;
    let report = sandbox.index(&[&sandbox.path().join("posts")])?;
    let warnings = report["warnings"].as_array().cloned().unwrap_or_default();
    assert_eq!(warnings.len(), 1, "{report}");
    assert!(
        warnings[0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("javascript:alert(1)")),
        "{report}"
    );
    let hit = &sandbox.search("危ないリンク", &[])?["hits"][0];
    assert_eq!(hit["url"], "", "{hit}");
    Ok(())
}

#[cfg(unix)]
#[test]
fn an_unreadable_folder_keeps_what_was_indexed_from_it() -> TestResult {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::new()?;
    let root = sandbox.path().join("posts");
    sandbox.write(
        "posts/2020/2020-01-01-a.md",
        util::post("一月", "", "寒中見舞い"),
    )?;
    sandbox.write(
        "posts/2021/2021-01-01-b.md",
        util::post("二月", "", "節分の鬼"),
    )?;
    sandbox.index(&[&root])?;
    let locked = root.join("2020");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000))?;
    // Root can read anything: the test means nothing then.
    let readable = std::fs::read_dir(&locked).is_ok();
    let report = if readable {
        None
    } else {
        Some(sandbox.index(&[&root]))
    };
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755))?;
    if let Some(report) = report {
        let report = report?;
        assert_eq!(report["removed"], 0, "{report}");
        assert_eq!(
            report["failed"].as_array().map(Vec::len),
            Some(1),
            "{report}"
        );
        assert_eq!(
            sandbox.all_ids("寒中見舞い", &[])?,
            ["2020/2020-01-01-a.md"]
        );
    }
    Ok(())
}

/// A folder that went away behind a link (an unmounted disk) is a folder
/// that cannot be read, for root too.
#[cfg(unix)]
#[test]
fn a_folder_behind_a_broken_link_keeps_what_was_indexed_from_it() -> TestResult {
    let sandbox = Sandbox::new()?;
    let root = sandbox.path().join("posts");
    sandbox.write("disk/2020-01-01-a.md", util::post("一月", "", "寒中見舞い"))?;
    sandbox.write("posts/2021-01-01-b.md", util::post("二月", "", "節分の鬼"))?;
    std::os::unix::fs::symlink(sandbox.path().join("disk"), root.join("old"))?;
    sandbox.index(&[&root])?;
    assert_eq!(sandbox.all_ids("寒中見舞い", &[])?, ["old/2020-01-01-a.md"]);
    std::fs::rename(
        sandbox.path().join("disk"),
        sandbox.path().join("unmounted"),
    )?;
    let report = sandbox.index(&[&root])?;
    assert_eq!(report["removed"], 0, "{report}");
    assert_eq!(
        report["failed"].as_array().map(Vec::len),
        Some(1),
        "{report}"
    );
    // The path once (the failure's), the cause once.
    assert_eq!(
        report["failed"][0]["reason"],
        "cannot read directory: No such file or directory (os error 2)",
        "{report}"
    );
    assert_eq!(sandbox.all_ids("寒中見舞い", &[])?, ["old/2020-01-01-a.md"]);
    Ok(())
}

#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_get_distinct_stable_ids() -> TestResult {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let sandbox = Sandbox::new()?;
    let root = sandbox.path().join("posts");
    std::fs::create_dir_all(&root)?;
    for (name, word) in [(&b"a\xff.md"[..], "檸檬"), (&b"a\xfe.md"[..], "蜜柑")] {
        std::fs::write(
            root.join(OsStr::from_bytes(name)),
            util::post(word, "", word),
        )?;
    }
    let report = sandbox.index(&[&root])?;
    assert_eq!(report["added"], 2, "{report}");
    assert_eq!(sandbox.all_ids("檸檬", &[])?, ["a\\xFF.md"]);
    assert_eq!(sandbox.all_ids("蜜柑", &[])?, ["a\\xFE.md"]);
    let report = sandbox.index(&[&root])?;
    assert_eq!(
        (&report["unchanged"], &report["committed"]),
        (&2.into(), &false.into()),
        "{report}"
    );
    Ok(())
}

#[cfg(unix)]
#[test]
fn symlinked_posts_are_followed() -> TestResult {
    let sandbox = Sandbox::new()?;
    let real = sandbox.write(
        "elsewhere/2020-05-05-kodomo.md",
        util::post("こどもの日", "", "柏餅と粽"),
    )?;
    std::fs::create_dir_all(sandbox.path().join("posts"))?;
    std::os::unix::fs::symlink(&real, sandbox.path().join("posts/2020-05-05-kodomo.md"))?;
    let report = sandbox.index(&[&sandbox.path().join("posts")])?;
    assert_eq!(report["added"], 1, "{report}");
    assert_eq!(sandbox.all_ids("粽", &[])?, ["2020-05-05-kodomo.md"]);
    Ok(())
}

#[cfg(unix)]
#[test]
fn index_files_follow_the_umask_and_a_read_only_index_says_so() -> TestResult {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::new()?;
    sandbox.index(&[&util::sample_archive()])?;
    for entry in std::fs::read_dir(sandbox.index_dir())? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') || !entry.file_type()?.is_file() {
            continue;
        }
        let mode = entry.metadata()?.permissions().mode() & 0o777;
        // Readable by others, as the default umask (022) allows.
        if mode & 0o044 != 0o044 {
            return Err(fail(format!("{:?} has mode {mode:o}", entry.file_name())));
        }
    }
    let index = sandbox.index_dir();
    std::fs::set_permissions(index, std::fs::Permissions::from_mode(0o555))?;
    let writable = std::fs::File::create(index.join(".probe")).is_ok();
    let mut cmd = sandbox.sagasu("index")?;
    cmd.arg(util::sample_archive());
    let output = run(&mut cmd)?;
    std::fs::set_permissions(index, std::fs::Permissions::from_mode(0o755))?;
    if !writable {
        let stderr = String::from_utf8(output.stderr)?;
        assert!(!output.status.success());
        assert!(stderr.contains("is not writable by this user"), "{stderr}");
        assert!(!stderr.contains("lock"), "{stderr}");
    }
    Ok(())
}

#[test]
fn export_files_are_indexed_as_files_with_their_own_ids() -> TestResult {
    let sandbox = Sandbox::new()?;
    let report = sandbox.index(&[&fixtures("encodings").join("2020-03-02-shift-jis.md")])?;
    assert_eq!(report["added"], 1, "{report}");
    assert_eq!(sandbox.all_ids("柏餅", &[])?, ["2020-03-02-shift-jis.md"]);
    Ok(())
}

#[test]
fn a_100_mb_export_fails_only_its_huge_entry_and_loses_nothing() -> TestResult {
    let sandbox = Sandbox::new()?;
    let entry = |basename: &str, title: &str, body: &str| {
        format!(
            "AUTHOR: 検索太郎\nTITLE: {title}\nBASENAME: {basename}\nSTATUS: Publish\n\
             CONVERT BREAKS: 0\nDATE: 04/01/2021 09:00:00\n-----\nBODY:\n{body}\n-----\n--------\n"
        )
    };
    let small = || entry("hanami", "花見の記録", "<p>夜桜を見に行った。</p>");
    let export = sandbox.write("blog.export.txt", small())?;
    let report = sandbox.index(&[&export])?;
    assert_eq!(report["added"], 1, "{report}");

    // The same export grown to 100 MB: the old entry, a new small one, and
    // one whose body alone is 100 MB of unclosed elements.
    let huge = "<div>巨大".repeat((100 << 20) / "<div>巨大".len() + 1);
    let text = format!(
        "{}{}{}",
        small(),
        entry("oboegaki", "覚え書き", "<p>土筆を摘んだ。</p>"),
        entry("kyodai", "巨大な記事", &huge)
    );
    assert!(text.len() > 100 << 20);
    drop(huge);
    std::fs::write(&export, text)?;
    let report = sandbox.index(&[&export])?;
    assert_eq!(report["added"], 1, "{report}");
    assert_eq!(report["unchanged"], 1, "{report}");
    let failed = report["failed"].as_array().cloned().unwrap_or_default();
    assert_eq!(failed.len(), 1, "{report}");
    assert_eq!(failed[0]["id"], "blog.export.txt#kyodai", "{report}");
    let reason = failed[0]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("past the limit of 4194304 bytes"),
        "{reason}"
    );
    assert_eq!(sandbox.all_ids("夜桜", &[])?, ["blog.export.txt#hanami"]);
    assert_eq!(sandbox.all_ids("土筆", &[])?, ["blog.export.txt#oboegaki"]);
    assert!(sandbox.all_ids("巨大", &[])?.is_empty());
    Ok(())
}

/// The WordPress fixture export, copied into the sandbox as `name`.
fn wordpress_export(sandbox: &Sandbox, name: &str) -> TestResult<(std::path::PathBuf, String)> {
    let text = std::fs::read_to_string(fixtures("wordpress").join("wordpress.2025-01-19.xml"))?;
    let path = sandbox.write(name, &text)?;
    Ok((path, text))
}

#[test]
fn a_wordpress_export_never_makes_protected_or_unpublished_text_searchable() -> TestResult {
    let sandbox = Sandbox::new()?;
    let (export, _) = wordpress_export(&sandbox, "wordpress.2025-01-19.xml")?;
    let report = sandbox.index(&[&export])?;
    assert_eq!(
        (&report["added"], &report["formats"]["wordpress"]["skipped"]),
        (&5.into(), &6.into()),
        "{report}"
    );
    // The password-protected post is found by its title, never by its body.
    assert!(sandbox.all_ids("柚子胡椒味噌", &[])?.is_empty());
    assert_eq!(
        sandbox.all_ids("合言葉が必要な記事", &[])?,
        ["wordpress.2025-01-19.xml#104"]
    );
    // Drafts, scheduled, private and trashed posts, and readers' comments.
    for word in [
        "下書き専用語",
        "予約専用語",
        "家族専用語",
        "削除専用語",
        "読者の感想コメント専用語",
    ] {
        assert!(sandbox.all_ids(word, &[])?.is_empty(), "{word} was found");
    }
    Ok(())
}

#[test]
fn a_changed_wordpress_export_updates_adds_and_removes_its_posts_in_one_run() -> TestResult {
    let sandbox = Sandbox::new()?;
    let (export, original) = wordpress_export(&sandbox, "export.xml")?;
    let first = sandbox.index(&[&export])?;
    assert_eq!(first["added"], 5, "{first}");
    // Post 102 edited, page 103 removed, post 112 added.
    let page_start = original
        .find("\t<item>\n\t\t<title><![CDATA[このブログについて]]>")
        .ok_or("page 103")?;
    let page_end =
        page_start + original[page_start..].find("</item>\n").ok_or("its end")? + "</item>\n".len();
    let added = original[page_start..page_end]
        .replace("このブログについて", "追加した記事")
        .replace(
            "<wp:post_id>103</wp:post_id>",
            "<wp:post_id>112</wp:post_id>",
        )
        .replace("東京で会社員をしながら", "追記専用語を書き足しながら");
    let changed = format!(
        "{}{}{added}",
        &original[..page_start],
        &original[page_end..original.find("</channel>").ok_or("the channel's end")?],
    )
    .replace(
        "週末に公園の夜桜を見に行きました。",
        "週末に公園の夜桜を見に行きました（改訂）。",
    ) + "</channel>\n</rss>\n";
    std::fs::write(&export, changed)?;
    let second = sandbox.index(&[&export])?;
    assert_eq!(
        (
            &second["added"],
            &second["updated"],
            &second["removed"],
            &second["unchanged"]
        ),
        (&1.into(), &1.into(), &1.into(), &3.into()),
        "{second}"
    );
    assert_eq!(sandbox.all_ids("追記専用語", &[])?, ["export.xml#112"]);
    assert_eq!(sandbox.all_ids("改訂", &[])?, ["export.xml#102"]);
    assert!(sandbox.all_ids("会社員", &[])?.is_empty());
    Ok(())
}

#[test]
fn a_truncated_wordpress_export_indexes_what_it_holds_and_loses_nothing() -> TestResult {
    let sandbox = Sandbox::new()?;
    let cut = std::fs::read_to_string(fixtures("wordpress-truncated").join("truncated.xml"))?;
    // The export as it was before the download broke off.
    let whole = format!(
        "{cut}の段落]]></content:encoded>\n<wp:post_id>23</wp:post_id>\n\
         <wp:post_date>2008-11-29 20:00:00</wp:post_date>\n<wp:status>publish</wp:status>\n\
         <wp:post_type>post</wp:post_type>\n</item>\n</channel>\n</rss>\n"
    );
    let export = sandbox.write("truncated.xml", &whole)?;
    let first = sandbox.index(&[&export])?;
    assert_eq!(first["added"], 3, "{first}");
    assert_eq!(
        sandbox.all_ids("書きかけ専用語", &[])?,
        ["truncated.xml#23"]
    );

    std::fs::write(&export, &cut)?;
    let second = sandbox.index(&[&export])?;
    assert_eq!(
        (
            &second["unchanged"],
            &second["removed"],
            &second["formats"]["wordpress"]["failed"]
        ),
        (&2.into(), &0.into(), &1.into()),
        "{second}"
    );
    let reason = second["failed"][0]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.starts_with("looks like a WordPress export, but it ends at line 89")
            && reason.contains("cut short"),
        "{reason}"
    );
    // The post in the missing part is kept from the run before.
    assert_eq!(
        sandbox.all_ids("書きかけ専用語", &[])?,
        ["truncated.xml#23"]
    );

    // Indexed fresh, the items before the cut are found.
    let fresh = Sandbox::new()?;
    let report = fresh.index(&[&fixtures("wordpress-truncated")])?;
    assert_eq!(report["added"], 2, "{report}");
    assert_eq!(fresh.all_ids("紅葉狩り", &[])?, ["truncated.xml#21"]);
    assert!(fresh.all_ids("書きかけ専用語", &[])?.is_empty());
    Ok(())
}

#[test]
fn a_malformed_wordpress_export_fails_naming_the_format_and_the_place() -> TestResult {
    let sandbox = Sandbox::new()?;
    let report = sandbox.index(&[&fixtures("wordpress-malformed")])?;
    assert_eq!(
        (&report["added"], &report["formats"]["wordpress"]["failed"]),
        (&0.into(), &1.into()),
        "{report}"
    );
    let reason = report["failed"][0]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.starts_with(
            "looks like a WordPress export, but its XML is broken at line 15, column 24:"
        ),
        "{reason}"
    );
    assert!(sandbox.all_ids("壊れた書き出し専用語", &[])?.is_empty());
    Ok(())
}
