#!/usr/bin/env python3
"""Renders a sagasu static bundle's posts as a plain HTML site for Pagefind.

    python3 benches/static/pagefind-site.py BUNDLE SITE

Each post of BUNDLE (`p/<n>.bin`: title, URL, text, tags, categories)
becomes SITE/<n>/index.html with `lang="ja"`, the title as `<h1>`, the text
as paragraphs and the tags and categories as Pagefind filters, so Pagefind
indexes the same text sagasu does. Then:

    python3 -m pagefind_bin_extended --site SITE
"""

import gzip
import html
import json
import pathlib
import sys
import zlib


def main() -> None:
    bundle, site = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    # A post's deflate stream goes on from the dictionary's
    # (crates/static/src/write.rs).
    skip = json.loads(gzip.decompress((bundle / "index.json.gz").read_bytes()))["dictionary"]
    dictionary = (bundle / "p" / "dictionary.bin").read_bytes()
    for path in sorted((bundle / "p").glob("[0-9]*.bin")):
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        post = json.loads(inflate.decompress(dictionary + path.read_bytes())[skip:])
        number = path.name.split(".")[0]
        filters = "".join(
            f'<span data-pagefind-filter="{kind}">{html.escape(name)}</span>'
            for kind in ("tags", "categories")
            for name in post.get(kind) or []
        )
        paragraphs = "".join(
            f"<p>{html.escape(line)}</p>" for line in post["body"].split("\n") if line.strip()
        )
        page = (
            '<!doctype html><html lang="ja"><head><meta charset="utf-8">'
            f"<title>{html.escape(post['title'])}</title></head><body>"
            f"<main data-pagefind-body><h1>{html.escape(post['title'])}</h1>"
            f"{paragraphs}<div hidden>{filters}</div></main></body></html>"
        )
        out = site / number / "index.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()
