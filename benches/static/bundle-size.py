#!/usr/bin/env python3
"""Where the bytes of a sagasu static bundle go.

    python3 benches/static/bundle-size.py BUNDLE

BUNDLE is what `sagasu static --out` wrote. Prints the bytes on disk (file
sizes, as a static server sends them) of each folder and top-level file,
then what the term buckets (`t/`) hold once inflated: the bytes of the
bucket headers (the term names) and of the posting lists of each field
(crates/static/src/read.rs `FIELDS`), by kind of term: a character of a
bigram field, an ASCII token, or any other term (a word or a reading); and
what each part takes gzipped on its own (the headers bucket by bucket, the
lists of one kind end to end), which tells their share of the gzipped
buckets.
"""

import collections
import gzip
import json
import pathlib
import struct
import sys


def main() -> None:
    bundle = pathlib.Path(sys.argv[1])
    on_disk = collections.Counter()
    files = collections.Counter()
    for path in bundle.rglob("*"):
        if path.is_file():
            relative = path.relative_to(bundle)
            name = relative.parts[0] + ("/" if len(relative.parts) > 1 else "")
            on_disk[name] += path.stat().st_size
            files[name] += 1
    total = sum(on_disk.values())
    print(f"{'file or folder':<16} {'files':>6} {'bytes':>10} {'MiB':>7} {'share':>6}")
    for name, size in on_disk.most_common():
        print(f"{name:<16} {files[name]:>6} {size:>10} {size / 2**20:>7.3f} {size / total:>6.1%}")
    print(f"{'total':<16} {sum(files.values()):>6} {total:>10} {total / 2**20:>7.3f}")

    headers = 0
    headers_gzipped = 0
    lists = collections.Counter()
    streams = collections.defaultdict(list)
    terms = collections.Counter()
    for path in sorted((bundle / "t").glob("*.bin.gz")):
        data = gzip.decompress(path.read_bytes())
        (length,) = struct.unpack("<I", data[:4])
        headers += length
        headers_gzipped += len(gzip.compress(data[4 : 4 + length], 9))
        at = 4 + length
        for term, *fields in json.loads(data[4 : 4 + length]):
            if term.isascii():
                kind = "ASCII token"
            elif len(term) == 1:
                kind = "character"
            else:
                kind = "word"
            for field, size in zip(fields[0::2], fields[1::2]):
                kind_here = kind if field in ("tb", "bb") or kind != "character" else "word"
                lists[(field, kind_here)] += size
                terms[(field, kind_here)] += 1
                streams[(field, kind_here)].append(data[at : at + size])
                at += size
    print(f"\nt/ inflated {'bytes':>28} {'gzipped alone':>14}")
    print(f"{'headers (term names, list lengths)':<36} {headers:>10} {headers_gzipped:>14}")
    for (field, kind), size in lists.most_common():
        gzipped = len(gzip.compress(b"".join(streams[(field, kind)]), 9))
        name = f"{field} {kind} lists ({terms[(field, kind)]})"
        print(f"{name:<36} {size:>10} {gzipped:>14}")

if __name__ == "__main__":
    main()
