#!/usr/bin/env python3
"""Writes JSON for people: two-space indents, and any object or array whose
one-line form fits in 110 columns on one line. Used for data/models.json so
that its diffs stay one line per price list. Usage: format-json.py FILE..."""
import json
import sys

WIDTH = 110


def fmt(v, indent=0):
    one = json.dumps(v, ensure_ascii=False, separators=(", ", ": "))
    if not isinstance(v, (dict, list)) or len(one) + indent <= WIDTH or not v:
        return one
    pad = " " * (indent + 2)
    if isinstance(v, dict):
        items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {fmt(x, indent + 2)}" for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [pad + fmt(x, indent + 2) for x in v]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    with open(path, "w", encoding="utf-8") as f:
        f.write(fmt(data) + "\n")
