#!/usr/bin/env python3
"""Turn a Jekyll Markdown archive into one WordPress export (WXR 1.2) with
the same posts, to compare indexing the two (benches/indexing.rs).

usage: make-wxr.py ARCHIVE_DIR OUT.xml

ARCHIVE_DIR is what ../shared/bench/make-archive.py writes: `_posts/**/*.md`
with YAML front matter (`title`, `date` with its offset, `permalink`,
`categories` and `tags` lists). Each post becomes one published `<item>`:
the title, `wp:post_date` and `wp:post_date_gmt` from `date`, `<link>` from
`permalink`, the categories and tags, and the body as written in
`content:encoded` (HTML bodies stay HTML; Markdown bodies, which are plain
paragraphs there, are blank-line paragraphs, as the classic editor keeps
them). Nothing here is for committing: it is generated on demand.
"""
import datetime
import json
import os
import sys
from urllib.parse import quote

SITE = "https://blog.example.jp"


def value(text):
    """A scalar as make-archive.py writes it: JSON-quoted or plain."""
    text = text.strip()
    if text.startswith('"'):
        return json.loads(text)
    return text


def front_matter(path):
    """The front matter (a dict; lists for `- item` keys) and the body."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    _, head, body = text.split("---\n", 2)
    meta, key = {}, None
    for line in head.splitlines():
        if line.startswith("  - ") and key:
            meta[key].append(value(line[4:]))
        elif ":" in line:
            key, rest = line.split(":", 1)
            meta[key] = value(rest) if rest.strip() else []
    return meta, body


def cdata(text):
    """A CDATA section, split where the text holds `]]>`."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def item(post_id, meta, body):
    when = datetime.datetime.strptime(meta["date"], "%Y-%m-%d %H:%M:%S %z")
    gmt = when.astimezone(datetime.timezone.utc)
    link = SITE + meta.get("permalink", f"/?p={post_id}")
    terms = "".join(
        f'\t\t<category domain="{domain}" nicename="{quote(name, safe="").lower()}">{cdata(name)}</category>\n'
        for domain, key in (("category", "categories"), ("post_tag", "tags"))
        for name in meta.get(key, [])
    )
    return f"""	<item>
		<title>{cdata(meta["title"])}</title>
		<link>{link}</link>
		<pubDate>{gmt.strftime("%a, %d %b %Y %H:%M:%S +0000")}</pubDate>
		<dc:creator>{cdata("admin")}</dc:creator>
		<guid isPermaLink="false">{SITE}/?p={post_id}</guid>
		<description></description>
		<content:encoded>{cdata(body.strip())}</content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>{post_id}</wp:post_id>
		<wp:post_date>{cdata(when.strftime("%Y-%m-%d %H:%M:%S"))}</wp:post_date>
		<wp:post_date_gmt>{cdata(gmt.strftime("%Y-%m-%d %H:%M:%S"))}</wp:post_date_gmt>
		<wp:comment_status><![CDATA[open]]></wp:comment_status>
		<wp:ping_status><![CDATA[open]]></wp:ping_status>
		<wp:post_name>{cdata(link.rstrip("/").rsplit("/", 1)[-1])}</wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:post_password><![CDATA[]]></wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
{terms}	</item>
"""


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    archive, out = sys.argv[1], sys.argv[2]
    paths = sorted(
        os.path.join(folder, name)
        for folder, _, names in os.walk(os.path.join(archive, "_posts"))
        for name in names
        if name.endswith(".md")
    )
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"""<?xml version="1.0" encoding="UTF-8" ?>
<!-- generator="make-wxr.py" -->
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>benchmark</title>
	<link>{SITE}</link>
	<language>ja</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>{SITE}</wp:base_site_url>
	<wp:base_blog_url>{SITE}</wp:base_blog_url>
""")
        for post_id, path in enumerate(paths, start=1):
            f.write(item(post_id, *front_matter(path)))
        f.write("</channel>\n</rss>\n")
    print(f"{len(paths)} posts -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
