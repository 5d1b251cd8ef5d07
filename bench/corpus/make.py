#!/usr/bin/env python3
"""Rebuilds bench/corpus/ from the packages named in its README.md.

    python3 bench/corpus/make.py            # downloads the packages (apt-get download, npm pack) into a temporary folder
    python3 bench/corpus/make.py --check    # the same, and fails if any file differs from the one committed

Needs apt (Debian bookworm's lists, after `apt-get update`) and npm. The
documentation comes as HTML in the Debian packages; it is turned into plain
text here (paragraphs, headings, list items and table cells one per line,
preformatted blocks kept as they are) and cut at whole chapters and
paragraphs to about the size each group asks for.
"""
import html.parser
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

DEBS = {
    "base-files": "12.4+deb12u15",
    "debian-faq-de": "11.1",
    "debian-faq-fr": "11.1",
    "debian-faq-it": "11.1",
    "debian-faq-ja": "11.1",
    "debian-faq-ko": "11.1",
    "debian-faq-ru": "11.1",
    "debian-faq-zh-cn": "11.1",
    "debmake-doc": "1.17-7",
}
NPM = {"spdx-license-list": "6.12.0"}

FAQ = "usr/share/doc/debian/FAQ"
FAQ_CHAPTERS = [
    "basic-defs", "getting-debian", "choosing", "compatibility", "software", "ftparchives",
    "pkg-basics", "pkgtools", "uptodate", "kernel", "customizing", "support", "contributing",
    "redistributing", "nextrelease", "faqinfo",
]
DEBMAKE = "usr/share/doc/debmake-doc/html"
DEBMAKE_CHAPTERS = ["pr01", "ch01", "ch02", "ch03", "ch04", "ch05", "ch06", "ch07", "ch08", "apa"]

# (output file, package, [(html file, ...)], first byte budget start, byte budget):
# chapters are taken in order, skipping the first `skip` bytes of text
# (so that two files cut from one document do not overlap), up to `budget`
# bytes, cut after a whole paragraph.
DOCS = [
    ("docs/de.txt", "debian-faq-de", "de", 0, 55_000),
    ("docs/fr.txt", "debian-faq-fr", "fr", 0, 55_000),
    ("docs/it.txt", "debian-faq-it", "it", 0, 55_000),
    ("docs/ru.txt", "debian-faq-ru", "ru", 0, 60_000),
    ("docs/ko.txt", "debian-faq-ko", "ko", 0, 60_000),
    ("docs/ja.txt", "debian-faq-ja", "ja", 0, 60_000),
    ("cjk/zh-cn.txt", "debian-faq-zh-cn", "zh-cn", 0, 140_000),
    ("cjk/ja.txt", "debian-faq-ja", "ja", 60_000, 90_000),
]
DEBMAKE_DOCS = [("cjk/zh-tw.txt", "zh-tw", 0, 70_000)]
DEBIAN_LICENCES = [
    "GPL-3", "GPL-2", "LGPL-2.1", "LGPL-3", "Apache-2.0", "MPL-2.0", "MPL-1.1",
    "GFDL-1.3", "Artistic", "CC0-1.0", "BSD",
]
SPDX_LICENCES = [
    "EPL-2.0", "EUPL-1.2", "CDDL-1.0", "CC-BY-4.0", "MS-PL", "BSL-1.0", "MIT", "ISC", "Zlib", "Unlicense",
]

BLOCK = {
    "p", "div", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "title",
    "blockquote", "table", "ul", "ol", "dl", "caption",
}
SKIP = {"script", "style", "head"}


class Text(html.parser.HTMLParser):
    """HTML -> plain text: one line per block, whitespace collapsed outside <pre>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.pre = 0
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIP:
            self.skip += 1
        elif tag == "pre":
            self.pre += 1
            self.out.append("\n\n")
        elif tag in BLOCK:
            self.out.append("\n\n")
        elif tag in ("td", "th"):
            self.out.append("\t")

    def handle_endtag(self, tag):
        if tag in SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self.out.append("\n\n")
        elif tag in BLOCK:
            self.out.append("\n\n")

    def handle_data(self, data):
        if self.skip:
            return
        if self.pre:
            self.out.append(data.replace("\n", "\x00"))  # kept through the collapsing below
        else:
            self.out.append(re.sub(r"\s+", " ", data))

    def text(self):
        s = "".join(self.out)
        paras = []
        for p in re.split(r"\n\s*\n", s):
            p = re.sub(r"[ \t]*\n[ \t]*", " ", p).strip(" \t")
            p = p.replace("\x00", "\n").strip("\n")
            if p.strip():
                paras.append(p)
        return paras


def html_paragraphs(path):
    parser = Text()
    with open(path, encoding="utf-8") as f:
        parser.feed(f.read())
    return parser.text()


def cut(paragraphs, skip, budget):
    """Paragraphs after the first `skip` UTF-8 bytes, up to `budget` bytes (whole paragraphs)."""
    out, seen, size = [], 0, 0
    for p in paragraphs:
        n = len(p.encode()) + 2
        seen += n
        if seen <= skip:
            continue
        if size + n > budget:
            break
        out.append(p)
        size += n
    return "\n\n".join(out) + "\n"


def fetch(tmp):
    debs = os.path.join(tmp, "debs")
    os.makedirs(debs)
    subprocess.run(["apt-get", "download", *[f"{p}={v}" for p, v in DEBS.items()]], cwd=debs, check=True)
    roots = {}
    for p, v in DEBS.items():
        [deb] = [f for f in os.listdir(debs) if f.startswith(p + "_")]
        roots[p] = os.path.join(tmp, "x", p)
        os.makedirs(roots[p])
        subprocess.run(["dpkg-deb", "-x", os.path.join(debs, deb), roots[p]], check=True)
    for p, v in NPM.items():
        out = subprocess.run(["npm", "pack", f"{p}@{v}", "--silent"], cwd=tmp, check=True, capture_output=True, text=True)
        roots[p] = os.path.join(tmp, "npm", p)
        os.makedirs(roots[p])
        with tarfile.open(os.path.join(tmp, out.stdout.strip().splitlines()[-1])) as t:
            t.extractall(roots[p], filter="data")
    return roots


def build(roots):
    files = {}
    for name, pkg, lang, skip, budget in DOCS:
        paras = []
        for ch in FAQ_CHAPTERS:
            paras += html_paragraphs(os.path.join(roots[pkg], FAQ, lang, f"{ch}.{lang}.html"))
        files[name] = cut(paras, skip, budget)
    for name, lang, skip, budget in DEBMAKE_DOCS:
        paras = []
        for ch in DEBMAKE_CHAPTERS:
            paras += html_paragraphs(os.path.join(roots["debmake-doc"], DEBMAKE, f"{ch}.{lang}.html"))
        files[name] = cut(paras, skip, budget)
    for lic in DEBIAN_LICENCES:
        with open(os.path.join(roots["base-files"], "usr/share/common-licenses", lic), encoding="utf-8") as f:
            files[f"licences/{lic}.txt"] = f.read()
    for lic in SPDX_LICENCES:
        with open(os.path.join(roots["spdx-license-list"], "package/licenses", f"{lic}.json"), encoding="utf-8") as f:
            files[f"licences/{lic}.txt"] = json.load(f)["licenseText"].rstrip("\n") + "\n"
    return files


def main():
    check = "--check" in sys.argv[1:]
    with tempfile.TemporaryDirectory() as tmp:
        files = build(fetch(tmp))
    bad = 0
    for name, text in sorted(files.items()):
        path = os.path.join(HERE, name)
        if check:
            with open(path, encoding="utf-8") as f:
                if f.read() != text:
                    print(f"differs: {name}", file=sys.stderr)
                    bad += 1
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"{len(text.encode()):>8} {name}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
