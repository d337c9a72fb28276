//! Whole files through the format table: the first byte picks the file's
//! name and site, the rest is the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sagasu_indexer::format::SiteKind;

/// Where a file may sit, so that each format's row of the table claims it.
const FILES: &[(SiteKind, &str)] = &[
    (SiteKind::Plain, "export.txt"),
    (SiteKind::Plain, "entry/2020/01/02/030405.md"),
    (SiteKind::Jekyll, "_posts/2009-07-11-hbstudy.md"),
    (SiteKind::Jekyll, "_posts/2009-07-11-hbstudy.html"),
    (SiteKind::Hugo, "content/posts/hello/index.md"),
    (SiteKind::Hugo, "content/posts/hello.html"),
    (SiteKind::Qiita, "public/0123abcd.md"),
    (SiteKind::Zenn, "articles/my-first-post.md"),
    (SiteKind::Plain, "blog/2021-01-02-notes.mdx"),
    (SiteKind::Rendered, "2009/07/11/hbstudy/index.html"),
    (SiteKind::Plain, "about.markdown"),
];

fuzz_target!(|data: &[u8]| {
    if let Some((&selector, bytes)) = data.split_first() {
        let (kind, id) = FILES[usize::from(selector) % FILES.len()];
        sagasu_indexer::fuzzing::file(kind, id, bytes);
    }
});
