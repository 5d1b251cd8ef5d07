#!/usr/bin/env python3
# Golden-file generator for tokenmeter's NFC (src/normalize.rs), the normaliser of Qwen's tokenizer.
#
# Writes tests/golden/nfc.jsonl: a first line {"meta": {...}} (the tokenizers version, seed, row counts),
# then one {"group", "text", "nfc"} object per case, where "nfc" is
#     tokenizers.normalizers.NFC().normalize_str(text)
# from Hugging Face `tokenizers` 0.23.3, the normaliser of Qwen 2/2.5/3's tokenizer.json. HF's NFC uses
# Unicode 9.0 tables (the Rust crate unicode-normalization-alignments 0.1.12), so marks and letters added
# to Unicode since then do not reorder or compose; Python's own unicodedata (14.0 here) does. The meta line
# counts the rows where they differ.
#
# Setup (PyPI only):
#     python3 -m venv /tmp/tm-nfc/venv && /tmp/tm-nfc/venv/bin/pip install tokenizers==0.23.3
#     /tmp/tm-nfc/venv/bin/python tests/golden/generate_nfc.py          # from the repository root
# The output is deterministic (seeded); --check compares it with the committed file instead of writing.

import json
import random
import sys
import unicodedata
from pathlib import Path

import tokenizers
from tokenizers.normalizers import NFC

TOKENIZERS_VERSION = "0.23.3"
SEED = 23
ROOT = Path(__file__).resolve().parent
OUT = ROOT / "nfc.jsonl"

# Canonical combining classes that Unicode gave after 9.0 (the class in Unicode 18.0): HF's tables have class 0
# for all of them. Found by comparing the Rust crates unicode-normalization 0.1.26 (Unicode 18.0) and
# unicode-normalization-alignments 0.1.12 (9.0) over every code point; the 98 that Python's Unicode 14.0
# knows are those listed in docs/research/open-weight-tokenizers.md (qwen2).
POST9_MARKS = [
    (0x5C8, 10), (0x5C9, 21), (0x7FD, 220), (0x897, 230), (0x898, 230), (0x899, 220), (0x89A, 220),
    (0x89B, 220), (0x89C, 230), (0x89D, 230), (0x89E, 230), (0x89F, 230), (0x8CA, 230), (0x8CB, 230),
    (0x8CC, 230), (0x8CD, 230), (0x8CE, 230), (0x8CF, 220), (0x8D0, 220), (0x8D1, 220), (0x8D2, 220),
    (0x8D3, 220), (0x9FE, 230), (0xC3C, 7), (0xD3B, 9), (0xD3C, 9), (0xEBA, 9), (0x1715, 9), (0x1ABF, 220),
    (0x1AC0, 220), (0x1AC1, 230), (0x1AC2, 230), (0x1AC3, 220), (0x1AC4, 220), (0x1AC5, 230), (0x1AC6, 230),
    (0x1AC7, 230), (0x1AC8, 230), (0x1AC9, 230), (0x1ACA, 220), (0x1ACB, 230), (0x1ACC, 230), (0x1ACD, 230),
    (0x1ACE, 230), (0x1ACF, 230), (0x1AD0, 230), (0x1AD1, 230), (0x1AD2, 230), (0x1AD3, 230), (0x1AD4, 230),
    (0x1AD5, 230), (0x1AD6, 230), (0x1AD7, 230), (0x1AD8, 230), (0x1AD9, 230), (0x1ADA, 230), (0x1ADB, 230),
    (0x1ADC, 230), (0x1ADD, 220), (0x1ADE, 230), (0x1ADF, 230), (0x1AE0, 230), (0x1AE1, 230), (0x1AE2, 230),
    (0x1AE3, 230), (0x1AE4, 230), (0x1AE5, 230), (0x1AE6, 220), (0x1AE7, 230), (0x1AE8, 230), (0x1AE9, 230),
    (0x1AEA, 230), (0x1AEB, 234), (0x1AEC, 230), (0x1AED, 230), (0x1AEE, 220), (0x1AEF, 220), (0x1AF0, 230),
    (0x1DF6, 232), (0x1DF7, 228), (0x1DF8, 228), (0x1DF9, 220), (0x1DFA, 218), (0xA82C, 9), (0x10D24, 230),
    (0x10D25, 230), (0x10D26, 230), (0x10D27, 230), (0x10D69, 230), (0x10D6A, 230), (0x10D6B, 230),
    (0x10D6C, 230), (0x10D6D, 230), (0x10EAB, 230), (0x10EAC, 230), (0x10ECB, 230), (0x10ECC, 220),
    (0x10ECD, 220), (0x10ECE, 230), (0x10ECF, 230), (0x10EF0, 220), (0x10EF1, 220), (0x10EF2, 220),
    (0x10EF3, 230), (0x10EF4, 220), (0x10EF5, 230), (0x10EF6, 220), (0x10EF7, 230), (0x10EF8, 230),
    (0x10EF9, 230), (0x10EFA, 220), (0x10EFB, 220), (0x10EFD, 220), (0x10EFE, 220), (0x10EFF, 220),
    (0x10F46, 220), (0x10F47, 220), (0x10F48, 230), (0x10F49, 230), (0x10F4A, 230), (0x10F4B, 220),
    (0x10F4C, 230), (0x10F4D, 220), (0x10F4E, 220), (0x10F4F, 220), (0x10F50, 220), (0x10F82, 230),
    (0x10F83, 220), (0x10F84, 230), (0x10F85, 220), (0x11070, 9), (0x1133B, 7), (0x113CE, 9), (0x113CF, 9),
    (0x113D0, 9), (0x1145E, 230), (0x11839, 9), (0x1183A, 7), (0x1193D, 9), (0x1193E, 9), (0x11943, 7),
    (0x119E0, 9), (0x11A34, 9), (0x11A47, 9), (0x11A99, 9), (0x11D42, 7), (0x11D44, 9), (0x11D45, 9),
    (0x11D97, 9), (0x11F41, 9), (0x11F42, 9), (0x1612F, 9), (0x16FF0, 6), (0x16FF1, 6), (0x1D127, 220),
    (0x1D128, 220), (0x1D250, 216), (0x1D251, 216), (0x1D252, 216), (0x1D25B, 1), (0x1D25C, 1), (0x1D25F, 216),
    (0x1D280, 216), (0x1D281, 216), (0x1E08F, 230), (0x1E130, 230), (0x1E131, 230), (0x1E132, 230),
    (0x1E133, 230), (0x1E134, 230), (0x1E135, 230), (0x1E136, 230), (0x1E2AE, 230), (0x1E2EC, 230),
    (0x1E2ED, 230), (0x1E2EE, 230), (0x1E2EF, 230), (0x1E4EC, 232), (0x1E4ED, 232), (0x1E4EE, 220),
    (0x1E4EF, 230), (0x1E5EE, 230), (0x1E5EF, 220), (0x1E6E3, 230), (0x1E6E6, 230), (0x1E6EE, 230),
    (0x1E6EF, 230), (0x1E6F5, 230),
]

# Letters with a canonical decomposition added after 9.0 (same comparison): HF neither decomposes nor composes
# them. U+11938 is the one Python 14.0 knows.
POST9_COMPOSITES = [
    (0x105C9, [0x105D2, 0x307]), (0x105E4, [0x105DA, 0x307]), (0x11383, [0x11382, 0x113C9]),
    (0x11385, [0x11384, 0x113BB]), (0x1138E, [0x1138B, 0x113C2]), (0x11391, [0x11390, 0x113C9]),
    (0x113C5, [0x113C2, 0x113C2]), (0x113C7, [0x113C2, 0x113B8]), (0x113C8, [0x113C2, 0x113C9]),
    (0x11938, [0x11935, 0x11930]), (0x16121, [0x1611E, 0x1611E]), (0x16122, [0x1611E, 0x16129]),
    (0x16123, [0x1611E, 0x1611F]), (0x16124, [0x16129, 0x1611F]), (0x16125, [0x1611E, 0x16120]),
    (0x16126, [0x1611E, 0x1611E, 0x1611F]), (0x16127, [0x1611E, 0x16129, 0x1611F]),
    (0x16128, [0x1611E, 0x1611E, 0x16120]), (0x16D68, [0x16D67, 0x16D67]), (0x16D69, [0x16D63, 0x16D67]),
    (0x16D6A, [0x16D63, 0x16D67, 0x16D67]),
]

# Marks that Unicode 9.0 has, of many classes, to mix with the ones above.
OLD_MARKS = [0x300, 0x301, 0x302, 0x303, 0x304, 0x306, 0x307, 0x308, 0x309, 0x30A, 0x30B, 0x30C, 0x31B, 0x323,
             0x324, 0x325, 0x326, 0x327, 0x328, 0x32D, 0x330, 0x331, 0x334, 0x338, 0x345, 0x35C, 0x35D, 0x362,
             0x5B0, 0x5B4, 0x5B7, 0x5B8, 0x5BC, 0x5C1, 0x5C2, 0x64B, 0x64E, 0x650, 0x651, 0x652, 0x653, 0x654,
             0x655, 0x670, 0x93C, 0x94D, 0x9BC, 0x9CD, 0xBCD, 0xE38, 0xE48, 0xF71, 0xF72, 0xF74, 0xF80, 0x302A,
             0x3099, 0x309A, 0x1D165, 0x1D16D, 0x1E944]
BASES = "aeouAEIOUnsyzw<=>" + "\u03b1\u03b7\u03c9\u0391\u0399\u03a5\u0430\u0435\u0438\u0415\u0418"


def script_bases(cp):
    """Letters near cp (same 256-block) that Python knows, to put a mark of that script on."""
    out = []
    for c in range(cp & ~0xFF, (cp & ~0xFF) + 0x100):
        if unicodedata.category(chr(c)) in ("Lo", "Ll", "Lu"):
            out.append(chr(c))
    return out or ["a"]


def post9_mark_cases(rng):
    for cp, _ in POST9_MARKS:
        m = chr(cp)
        bases = script_bases(cp)
        yield m
        yield "a" + m
        yield "a" + m + "\u0301"
        yield "a\u0301" + m
        yield "e" + m + "\u0301" + "\u0323"
        yield "a" + "\u0301" + m + "\u0316"
        yield m + m + "\u0300"
        yield rng.choice(bases) + m + chr(rng.choice(OLD_MARKS))
        for _ in range(3):
            marks = [m] + [chr(rng.choice(OLD_MARKS)) for _ in range(rng.randint(1, 3))]
            if rng.random() < 0.5:
                marks.append(chr(rng.choice(POST9_MARKS)[0]))
            rng.shuffle(marks)
            yield rng.choice(BASES + "".join(bases[:5])) + "".join(marks)


def post9_composite_cases(rng):
    for cp, parts in POST9_COMPOSITES:
        c, d = chr(cp), "".join(map(chr, parts))
        yield c
        yield d
        yield d + d
        yield c + "\u0301"
        yield d[0] + "\u0301" + d[1:]
        yield d + chr(rng.choice(OLD_MARKS))
        yield "x" + d + "y" + c


def hangul_cases(rng):
    L = [chr(c) for c in range(0x1100, 0x1113)]
    V = [chr(c) for c in range(0x1161, 0x1176)]
    T = [chr(c) for c in range(0x11A8, 0x11C3)]
    archaic = [chr(c) for c in list(range(0x1113, 0x1161)) + list(range(0x1176, 0x11A8)) + list(range(0x11C3, 0x1200))]
    lv = [chr(0xAC00 + 28 * i) for i in range(399)]
    for l in L:
        for v in V:
            yield l + v
    for _ in range(150):
        yield rng.choice(L) + rng.choice(V) + rng.choice(T)
    for _ in range(150):
        yield rng.choice(lv) + rng.choice(T + ["\u11a7", "\u11c3", "\u1100", "\u1161"])
    for _ in range(60):
        yield chr(rng.randrange(0xAC00, 0xD7A4)) + rng.choice(T + V)
    yield "\u11a7"
    yield "\u1100\u1161\u11a7"
    yield "\uac00\u11a7"
    yield "\uac00\u11a8\u11a8"
    yield "\u1100\u0301\u1161"
    yield "\uac00\u0301\u11a8"
    yield "\u1100\u1100\u1161\u1161\u11a8\u11a8"
    pool = L + V + T + archaic[:40] + ["\u11a7", "\u0301", "\u302e", "\u3099"] + lv[:20]
    for _ in range(250):
        yield "".join(rng.choice(pool) for _ in range(rng.randint(2, 9)))


def excluded_and_singletons():
    """Characters whose canonical decomposition NFC does not compose back (Python's data; old characters)."""
    out = []
    for cp in range(0x110000):
        c = chr(cp)
        d = unicodedata.decomposition(c)
        if d and not d.startswith("<") and unicodedata.normalize("NFC", c) != c:
            out.append(c)
    return out


def exclusion_cases(rng):
    for c in excluded_and_singletons():
        d = unicodedata.normalize("NFD", c)
        yield c
        yield d
        yield c + "\u0301"
        yield "a" + c + chr(rng.choice(OLD_MARKS))
        yield d + "\u0323\u0300"


VIETNAMESE = [
    "Tiếng Việt có sáu thanh điệu: ngang, huyền, sắc, hỏi, ngã, nặng.",
    "Người ở Hà Nội thường uống trà đá bên đường vào buổi chiều.",
    "Ước mơ của tôi là được đi khắp thế giới và học nhiều ngôn ngữ.",
    "Phở bò, bún chả, bánh mì và cà phê sữa đá là những món nổi tiếng.",
    "ỄỆỀỂẾỖỘỒỔỐỮỰỪỬỨ ễệềểếỗộồổốữựừửứ Đđ Ơơ Ưư Ăă Ââ",
]


def vietnamese_cases(rng):
    corpus = (ROOT / "corpus/vietnamese").glob("*.txt")
    texts = VIETNAMESE + [p.read_text(encoding="utf-8") for p in sorted(corpus)]
    for t in VIETNAMESE:
        yield t
        d = unicodedata.normalize("NFD", t)
        yield d
        yield shuffle_marks(d, rng)
        # Tone mark before the vowel mark, and the other way round.
        yield d.replace("\u0302\u0301", "\u0301\u0302").replace("\u0323\u0302", "\u0302\u0323")
    for t in texts:
        yield unicodedata.normalize("NFD", t)
        yield shuffle_marks(unicodedata.normalize("NFD", t), rng)


def shuffle_marks(text, rng):
    """Shuffles every run of combining marks (Python's classes), so canonical ordering has work to do."""
    out, run = [], []
    for c in text:
        if unicodedata.combining(c):
            run.append(c)
            continue
        rng.shuffle(run)
        out.extend(run)
        run = []
        out.append(c)
    rng.shuffle(run)
    out.extend(run)
    return "".join(out)


INDIC = [
    "\u0915\u093c", "\u0928\u093c", "\u0930\u093c", "\u0933\u093c", "\u0915\u093c\u094d\u0937",
    "\u09c7\u09be", "\u09c7\u09d7", "\u09a1\u09bc", "\u0a32\u0a3c", "\u0a38\u0a3c", "\u0b47\u0b3e",
    "\u0b47\u0b56", "\u0b47\u0b57", "\u0b21\u0b3c", "\u0b92\u0bd7", "\u0bc6\u0bbe", "\u0bc7\u0bbe",
    "\u0bc6\u0bd7", "\u0c46\u0c56", "\u0cbf\u0cd5", "\u0cc6\u0cd5", "\u0cc6\u0cd6", "\u0cc6\u0cc2",
    "\u0cc6\u0cc2\u0cd5", "\u0d46\u0d3e", "\u0d47\u0d3e", "\u0d46\u0d57", "\u0dd9\u0dca", "\u0dd9\u0dcf",
    "\u0dd9\u0dcf\u0dca", "\u0dd9\u0ddf", "\u1025\u102e", "\u1b05\u1b35", "\u1b3a\u1b35", "\u1b42\u1b35",
    "\u0f40\u0fb5", "\u0f71\u0f72", "\u0f71\u0f74", "\u0f71\u0f80", "\u0fb2\u0f80", "\u0f42\u0fb7",
    "\u0915\u094d\u093c", "\u0915\u093c\u093c", "\U00011099\U000110ba",
    "\U00011131\U00011127", "\U00011347\U0001133e", "\U00011347\U00011357", "\U000114b9\U000114ba",
    "\U000114b9\U000114b0", "\U000115b8\U000115af", "\U00011935\U00011930",
]


def indic_cases(rng):
    for t in INDIC:
        yield t
        yield "x" + t + "\u0301"
        yield t[0] + chr(rng.choice(OLD_MARKS)) + t[1:]
    dev = (ROOT / "corpus/indic_thai/devanagari.txt").read_text(encoding="utf-8")
    for _ in range(20):
        yield shuffle_marks(slice_of(dev, rng, 80), rng)
        yield unicodedata.normalize("NFD", slice_of(dev, rng, 80))


def rtl_cases(rng):
    hebrew = [chr(c) for c in range(0x5D0, 0x5EB)]
    points = [chr(c) for c in list(range(0x591, 0x5BE)) + [0x5BF, 0x5C1, 0x5C2, 0x5C4, 0x5C5, 0x5C7]]
    arabic = [chr(c) for c in [0x627, 0x648, 0x64A, 0x6D5, 0x6C1, 0x6D2, 0x628, 0x62A, 0x645, 0x646]]
    harakat = [chr(c) for c in list(range(0x610, 0x61B)) + list(range(0x64B, 0x660)) + [0x670, 0x6D6, 0x6E4]]
    for _ in range(150):
        yield "".join(rng.choice(hebrew) + "".join(rng.sample(points, rng.randint(1, 4))) for _ in range(3))
        yield "".join(rng.choice(arabic) + "".join(rng.sample(harakat, rng.randint(1, 4))) for _ in range(3))
    yield "\u05e9\u05bc\u05c1"
    yield "\u05e9\u05c1\u05bc"
    yield "\ufb2c"
    yield "\u0627\u0653\u0654"
    yield "\u0627\u0651\u064e\u0653"
    for name in ("arabic.txt", "hebrew.txt"):
        text = (ROOT / "corpus/rtl" / name).read_text(encoding="utf-8")
        yield text
        yield shuffle_marks(text, rng)


def slice_of(text, rng, longest):
    start = rng.randrange(len(text))
    return text[start:start + rng.randint(1, longest)]


def corpus_cases(rng):
    files = sorted(p for p in (ROOT / "corpus").rglob("*.txt"))
    texts = [p.read_text(encoding="utf-8", errors="surrogatepass") for p in files]
    texts = [t for t in texts if t and not any(0xD800 <= ord(c) < 0xE000 for c in t)]
    for _ in range(300):
        yield slice_of(rng.choice(texts), rng, 200)
    for _ in range(100):
        yield unicodedata.normalize("NFD", slice_of(rng.choice(texts), rng, 200))
    for _ in range(100):
        yield shuffle_marks(unicodedata.normalize("NFD", slice_of(rng.choice(texts), rng, 200)), rng)


def open_token_cases():
    seen = set()
    with open(ROOT / "open_tokens.jsonl", encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            if text not in seen:
                seen.add(text)
                yield text


def random_cases(rng):
    pool = list(BASES) + [chr(m) for m in OLD_MARKS] + [chr(cp) for cp, _ in POST9_MARKS]
    pool += [chr(c) for cp, parts in POST9_COMPOSITES for c in [cp] + parts]
    pool += excluded_and_singletons()[::7] + ["\u1100", "\u1161", "\u11a8", "\uac00", "\u00e9", "\u1e09", "\u01d6"]
    pool += ["\u0958", "\u0344", "\u0f73", "\u212b", "\u2126", " ", "\n", "中", "🙂"]
    for _ in range(600):
        yield "".join(rng.choice(pool) for _ in range(rng.randint(1, 30)))


def cases():
    rng = random.Random(SEED)
    groups = [
        ("post9_mark", post9_mark_cases(rng)),
        ("post9_composite", post9_composite_cases(rng)),
        ("hangul", hangul_cases(rng)),
        ("exclusion_singleton", exclusion_cases(rng)),
        ("vietnamese", vietnamese_cases(rng)),
        ("indic", indic_cases(rng)),
        ("rtl", rtl_cases(rng)),
        ("corpus", corpus_cases(rng)),
        ("open_tokens", open_token_cases()),
        ("random", random_cases(rng)),
    ]
    seen = set()
    for group, texts in groups:
        for text in texts:
            if text not in seen:
                seen.add(text)
                yield group, text


def main():
    if tokenizers.__version__ != TOKENIZERS_VERSION:
        sys.exit(f"tokenizers {tokenizers.__version__} is installed; the goldens are from {TOKENIZERS_VERSION}")
    nfc = NFC()
    rows = [{"group": g, "text": t, "nfc": nfc.normalize_str(t)} for g, t in cases()]
    meta = {
        "tokenizers": tokenizers.__version__,
        "normalizer": "tokenizers.normalizers.NFC().normalize_str",
        "unicode_tables": "9.0 (unicode-normalization-alignments 0.1.12)",
        "seed": SEED,
        "rows": len(rows),
        "changed": sum(r["nfc"] != r["text"] for r in rows),
        "python_unicodedata": unicodedata.unidata_version,
        "python_nfc_differs": sum(unicodedata.normalize("NFC", r["text"]) != r["nfc"] for r in rows),
    }
    lines = [json.dumps({"meta": meta})] + [json.dumps(r) for r in rows]
    text = "\n".join(lines) + "\n"
    if "--check" in sys.argv:
        if OUT.read_text(encoding="utf-8") != text:
            sys.exit(f"{OUT} differs from what the generator writes")
        print(f"{OUT.name}: up to date ({len(rows)} rows)")
        return
    OUT.write_text(text, encoding="utf-8")
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
