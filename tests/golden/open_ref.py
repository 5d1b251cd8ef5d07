"""Plain reference algorithms for the open-weight encodings, driven only by the repository's data:
data/encodings/open-weights.json and the rank files next to it.

These are what the Rust side implements. generate_open.py checks them against the real reference
tokenizers on every golden case; the manifest records the agreement.

  byte-bpe           1. split off the always-matched added tokens (and, when allowed, the special tokens):
                        leftmost, longest first; they become their ids.
                     2. normalise the rest (qwen2: NFC, with HF tokenizers' Unicode 9.0 tables).
                     3. split it: "regex" = all matches of the one pattern (every character is matched);
                        "hf-split-sequence" = each pattern in turn splits every piece into its matches AND
                        the unmatched gaps between them (HF Split, behaviour Isolated).
                     4. each piece: tiktoken's BPE over the UTF-8 bytes (a piece that is itself in the rank
                        table is that token; otherwise merge the adjacent pair whose concatenation has the
                        lowest rank until none is in the table). id = rank + idOffset.
  sentencepiece-bpe  (gemma3) 1. special tokens only when allowed, leftmost longest, on the raw text.
                     2. replace " " with U+2581.  3. user-defined pieces (type U), leftmost longest.
                     4. between them: BPE over code points, priority = id (lower merges first, leftmost on
                        ties), candidates = type N pieces; a symbol left that is not a piece becomes its
                        UTF-8 bytes as byte-fallback pieces (type B).
"""
from __future__ import annotations

import base64
import gzip
import heapq
import json
import unicodedata
from pathlib import Path

import regex


def _nfc(text: str) -> str:
    """NFC as HF tokenizers computes it (its Unicode 9.0 tables: marks added since then count as ccc 0).
    Python's unicodedata (Unicode 14 in 3.11) reorders those 98 marks differently; without the
    tokenizers package installed, fall back to it."""
    try:
        from tokenizers.normalizers import NFC
    except ImportError:  # pragma: no cover
        return unicodedata.normalize("NFC", text)
    return NFC().normalize_str(text)


def _read_lines(path: Path) -> list[bytes]:
    return gzip.decompress(path.read_bytes()).splitlines()


class _Matcher:
    """Leftmost-longest literal matching (what HF's added-vocabulary split does)."""

    def __init__(self, words: dict[str, int]):
        self.words = words
        self.first: dict[str, list[str]] = {}
        for w in sorted(words, key=len, reverse=True):
            self.first.setdefault(w[0], []).append(w)

    def split(self, text: str) -> list[tuple[str, int | None]]:
        out: list[tuple[str, int | None]] = []
        i = start = 0
        n = len(text)
        while i < n:
            hit = None
            for w in self.first.get(text[i], ()):
                if text.startswith(w, i):
                    hit = w
                    break
            if hit is None:
                i += 1
                continue
            if start < i:
                out.append((text[start:i], None))
            out.append((hit, self.words[hit]))
            i += len(hit)
            start = i
        if start < n:
            out.append((text[start:], None))
        return out


class ByteBPE:
    def __init__(self, meta: dict, rank_file: Path):
        import tiktoken

        ranks = {}
        for line in _read_lines(rank_file):
            tok, r = line.split()
            ranks[base64.b64decode(tok)] = int(r)
        self.offset = meta["idOffset"]
        self.nfc = meta["normalization"] == "NFC"
        self.kind = meta["split"]["kind"]
        self.patterns = [regex.compile(p) for p in meta["split"]["patterns"]]
        # One piece at a time: a pattern that matches everything hands tiktoken the whole piece.
        self.bpe = tiktoken.Encoding("piece", pat_str=r"[\s\S]+", mergeable_ranks=ranks, special_tokens={})
        self.always = _Matcher(dict(meta["alwaysMatched"])) if meta["alwaysMatched"] else None
        self.with_special = _Matcher({**meta["alwaysMatched"], **meta["special"]})

    def pieces(self, text: str) -> list[str]:
        if self.kind == "regex":
            (pat,) = self.patterns
            got = pat.findall(text)
            assert "".join(got) == text, "the pattern skipped characters"
            return got
        parts = [text]
        for pat in self.patterns:
            nxt = []
            for p in parts:
                pos = 0
                for m in pat.finditer(p):
                    if m.start() > pos:
                        nxt.append(p[pos:m.start()])
                    if m.end() > m.start():
                        nxt.append(m.group())
                    pos = m.end()
                if pos < len(p):
                    nxt.append(p[pos:])
            parts = nxt
        return parts

    def encode(self, text: str, allowed_special: bool = False) -> list[int]:
        matcher = self.with_special if allowed_special else self.always
        segs = matcher.split(text) if matcher else [(text, None)]
        out: list[int] = []
        for seg, tid in segs:
            if tid is not None:
                out.append(tid)
                continue
            if self.nfc:
                seg = _nfc(seg)
            for piece in self.pieces(seg):
                out.extend(r + self.offset for r in self.bpe.encode_ordinary(piece))
        return out


class SentencePieceBPE:
    def __init__(self, meta: dict, piece_file: Path):
        self.normal: dict[str, int] = {}
        self.user: dict[str, int] = {}
        self.byte_id = [0] * 256
        for line in _read_lines(piece_file):
            b64, i, t = line.split()
            raw, i, t = base64.b64decode(b64), int(i), t.decode()
            if t == "N":
                self.normal[raw.decode("utf-8")] = i
            elif t == "U":
                self.user[raw.decode("utf-8")] = i
            elif t == "B":
                self.byte_id[raw[0]] = i
        self.users = _Matcher(self.user)
        self.specials = _Matcher(dict(meta["special"]))

    def _bpe(self, seg: str) -> list[int]:
        syms = list(seg)
        n = len(syms)
        nxt = list(range(1, n + 1))
        prv = list(range(-1, n - 1))
        alive = [True] * n
        heap: list[tuple[int, int, str, str]] = []

        def push(i: int) -> None:
            j = nxt[i]
            if j < n:
                rid = self.normal.get(syms[i] + syms[j])
                if rid is not None:
                    heapq.heappush(heap, (rid, i, syms[i], syms[j]))

        for i in range(n - 1):
            push(i)
        while heap:
            rid, i, a, b = heapq.heappop(heap)
            j = nxt[i] if i < n else n
            if not alive[i] or j >= n or syms[i] != a or syms[j] != b:
                continue  # stale
            syms[i] = a + b
            alive[j] = False
            nxt[i] = nxt[j]
            if nxt[j] < n:
                prv[nxt[j]] = i
            if prv[i] >= 0:
                push(prv[i])
            push(i)
        out: list[int] = []
        i = 0
        while i < n:
            s = syms[i]
            tid = self.normal.get(s)
            if tid is not None:
                out.append(tid)
            else:
                out.extend(self.byte_id[b] for b in s.encode("utf-8"))
            i = nxt[i]
        return out

    def encode(self, text: str, allowed_special: bool = False) -> list[int]:
        segs = self.specials.split(text) if allowed_special else [(text, None)]
        out: list[int] = []
        for seg, tid in segs:
            if tid is not None:
                out.append(tid)
                continue
            for part, uid in self.users.split(seg.replace(" ", "\u2581")):
                if uid is not None:
                    out.append(uid)
                else:
                    out.extend(self._bpe(part))
        return out


def load_all(encodings_dir: Path) -> dict:
    meta = json.loads((encodings_dir / "open-weights.json").read_text(encoding="utf-8"))
    out = {}
    for name, m in meta["encodings"].items():
        f = encodings_dir / meta["rankFiles"][m["ranks"]]["file"]
        out[name] = SentencePieceBPE(m, f) if m["algorithm"] == "sentencepiece-bpe" else ByteBPE(m, f)
    return out
