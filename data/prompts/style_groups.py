"""Median and 90th-percentile saving per `style` group of the prompt corpus.

`compress_report` groups by language only. This script joins the per-prompt
table of `compress_report --each` with the `style` field of corpus.jsonl and
prints (1) the medians and p90s per group, computed as the report computes
them (median: mean of the middle two for an even count; p90: nearest rank),
from the per-prompt percentages as printed (rounded to 0.1%), and (2) the
per-prompt table with a style column.

    cargo run --release --example compress_report -- --each > /tmp/each.txt
    python3 data/prompts/style_groups.py /tmp/each.txt
"""
import json
import math
import os
import sys

each = sys.argv[1]
corpus = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus.jsonl")
meta = {}
for line in open(corpus, encoding="utf-8"):
    if line.strip():
        d = json.loads(line)
        meta[d["id"]] = (d["lang"], d.get("style"))
rows = {}
for line in open(each, encoding="utf-8"):
    c = [x.strip() for x in line.strip().strip("|").split("|")]
    if len(c) == 5 and c[0] in meta:
        rows[c[0]] = [float(x.rstrip("%")) for x in c[2:]]
missing = set(meta) - set(rows)
assert not missing, f"not in the --each table: {sorted(missing)}"


def median(s):
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def p90(s):
    return s[min(max(math.ceil(0.9 * len(s)), 1), len(s)) - 1]


groups = [
    ("English (all)", lambda lang, style: lang == "en"),
    ("English, earlier (untagged)", lambda lang, style: lang == "en" and style is None),
    ("English, later (tagged)", lambda lang, style: lang == "en" and style is not None),
    ("English, later, verbose", lambda lang, style: lang == "en" and style == "verbose"),
    ("English, later, moderate", lambda lang, style: lang == "en" and style == "moderate"),
    ("English, later, terse", lambda lang, style: lang == "en" and style == "terse"),
    ("all, later, verbose", lambda lang, style: style == "verbose"),
]
print("| group | prompts | lossless median / p90 | balanced median / p90 | aggressive median / p90 |")
print("|---|---|---|---|---|")
for name, keep in groups:
    ids = [i for i, (lang, style) in meta.items() if keep(lang, style)]
    cells = []
    for k in range(3):
        v = sorted(rows[i][k] for i in ids)
        cells.append(f"{median(v):.1f}% / {p90(v):.1f}%")
    print(f"| {name} | {len(ids)} | " + " | ".join(cells) + " |")

print("\n| prompt | lang | style | lossless | balanced | aggressive |")
print("|---|---|---|---|---|---|")
for i, (lang, style) in meta.items():
    print(f"| {i} | {lang} | {style or '-'} | " + " | ".join(f"{x:.1f}%" for x in rows[i]) + " |")
