#!/usr/bin/env python3
# Golden-file generator for tokenmeter.
#
# What it does
#   Uses OpenAI's Python `tiktoken` (the reference implementation) to write:
#     tests/golden/tokens.jsonl   token ids for every encoding x every case
#                                 (corpus chunks, 10,000x repeated characters,
#                                 random slices of corpus/mixed/mixed.txt, and the
#                                 special-token cases with allowed_special "none"
#                                 and "all"), one JSON object per line, sorted.
#                                 (Written as tokens.jsonl.gz if over 25 MB.)
#     tests/golden/chat.json      chat-message / tool token counts, following the
#                                 OpenAI cookbook "How to count tokens with tiktoken"
#                                 (num_tokens_from_messages, num_tokens_for_tools).
#     tests/golden/manifest.json  version, seed, per-encoding case counts, sha256s.
#   Input texts are read from tests/golden/corpus/ (UTF-8, read byte-exact).
#
#   It does not download anything. tiktoken's rank files are taken from the
#   repo's own copies, data/encodings/<name>.tiktoken.gz (plain <name>.tiktoken
#   files are accepted too), checked against the sha256 that tiktoken pins,
#   decompressed into a temporary cache directory under the file name tiktoken
#   expects (sha1 of the download URL), and TIKTOKEN_CACHE_DIR is pointed at it
#   before tiktoken is imported.
#
#   The output is deterministic: fixed seeds (string seeds, so independent of
#   PYTHONHASHSEED), sorted cases, stable JSON formatting.
#
# Regenerate (from the repository root):
#     pip install tiktoken==0.14.0
#     python3 tests/golden/generate.py
#   Options: --encodings-dir DIR   where <name>.tiktoken[.gz] live (default: data/encodings)
#            --check               regenerate in memory, exit 1 if any file differs
#
# Generated with: tiktoken 0.14.0 (Python 3.11). The script refuses to run with
# another tiktoken version unless --allow-version-mismatch is given.

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import math
import os
import random
import sys
import tempfile
from pathlib import Path

TIKTOKEN_VERSION = "0.14.0"

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CORPUS_DIR = HERE / "corpus"
DEFAULT_ENCODINGS_DIR = REPO / "data" / "encodings"

# The four rank files tiktoken 0.14.0 loads, with the sha256 it pins
# (tiktoken_ext/openai_public.py). p50k_edit reuses p50k_base's file and
# o200k_harmony reuses o200k_base's.
RANK_FILES = {
    "r50k_base": "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930",
    "p50k_base": "94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069",
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}
URL_TEMPLATE = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"

ENCODINGS = ["r50k_base", "p50k_base", "p50k_edit", "cl100k_base", "o200k_base", "o200k_harmony"]

SEED = "tokenmeter-golden-v1"
MAX_CHUNK_CHARS = 2000
REPEAT_COUNT = 10_000
REPEAT_CHARS = ["a", " ", "\n", "1", "\u00e9", "\u4e2d", "\U0001f642", "\t"]
SLICE_SOURCE = "mixed/mixed.txt"
SLICES_PER_ENCODING = 300
SLICE_MAX_CHARS = 2000
SPECIAL_DIR = "special/"  # corpus files under here are encoded with "none" AND "all"
MAX_PLAIN_BYTES = 25 * 1024 * 1024


# --------------------------------------------------------------------------- setup


def build_cache(encodings_dir: Path, cache_dir: Path) -> None:
    """Write each rank file to cache_dir/sha1(url), as tiktoken's read_file_cached expects."""
    for name, sha in RANK_FILES.items():
        gz, plain = encodings_dir / f"{name}.tiktoken.gz", encodings_dir / f"{name}.tiktoken"
        if gz.is_file():
            data = gzip.decompress(gz.read_bytes())
        elif plain.is_file():
            data = plain.read_bytes()
        else:
            sys.exit(f"error: neither {gz} nor {plain} exists (use --encodings-dir)")
        got = hashlib.sha256(data).hexdigest()
        if got != sha:
            sys.exit(f"error: {name}: sha256 {got} != expected {sha}")
        url = URL_TEMPLATE.format(name)
        (cache_dir / hashlib.sha1(url.encode()).hexdigest()).write_bytes(data)


# --------------------------------------------------------------------------- cases


def read_corpus() -> dict[str, str]:
    """relative posix path -> text (byte-exact: no newline translation)."""
    out = {}
    for p in sorted(CORPUS_DIR.rglob("*")):
        if p.is_file():
            out[p.relative_to(CORPUS_DIR).as_posix()] = p.read_bytes().decode("utf-8")
    return out


def chunk(text: str, limit: int = MAX_CHUNK_CHARS) -> list[str]:
    """Split at line ends into chunks of <= limit characters; hard-split longer lines."""
    chunks: list[str] = []
    cur = ""
    for line in text.splitlines(keepends=True):
        if len(cur) + len(line) > limit and cur:
            chunks.append(cur)
            cur = ""
        while len(line) > limit:
            chunks.append(line[:limit])
            line = line[limit:]
        cur += line
    if cur or not chunks:
        chunks.append(cur)
    assert "".join(chunks) == text
    return chunks


def corpus_cases(corpus: dict[str, str]) -> list[tuple[str, str, list[str]]]:
    """(case id, text, modes) for every corpus chunk."""
    cases = []
    for rel, text in corpus.items():
        modes = ["none", "all"] if rel.startswith(SPECIAL_DIR) else ["none"]
        parts = chunk(text)
        assert len(parts) < 100, rel
        for i, part in enumerate(parts):
            cid = rel if len(parts) == 1 else f"{rel}#{i:02d}"
            cases.append((cid, part, modes))
    return cases


def generated_cases() -> list[tuple[str, str, list[str]]]:
    cases = [("gen/empty", "", ["none"])]
    for ch in REPEAT_CHARS:
        cases.append((f"gen/repeat/U+{ord(ch):04X}x{REPEAT_COUNT}", ch * REPEAT_COUNT, ["none"]))
    return cases


def slice_cases(mixed: str, encoding: str) -> list[tuple[str, str, list[str]]]:
    """Random slices at random character (code point) boundaries; log-uniform lengths."""
    rng = random.Random(f"{SEED}/slices/{encoding}")
    n = len(mixed)
    cases = []
    for i in range(SLICES_PER_ENCODING):
        length = min(n, int(math.exp(rng.uniform(0.0, math.log(SLICE_MAX_CHARS)))))
        start = rng.randrange(0, n - length + 1)
        cases.append((f"gen/slice/{i:03d}", mixed[start:start + length], ["none"]))
    return cases


# --------------------------------------------------------------------------- chat (cookbook)
#
# Reproduces examples/How_to_count_tokens_with_tiktoken.ipynb from
# openai/openai-cookbook. The gpt-3.5-turbo-0301 branch (4 tokens per message,
# -1 per name) comes from an earlier revision of the same notebook; the current
# revision sends every gpt-3.5-turbo* model to the 0125 rules.

NOTEBOOK_URL = "https://github.com/openai/openai-cookbook/blob/main/examples/How_to_count_tokens_with_tiktoken.ipynb"


def num_tokens_from_messages(tiktoken, messages, model):
    try:
        encoding = tiktoken.encoding_for_model(model)
    except KeyError:
        encoding = tiktoken.get_encoding("o200k_base")
    if model in {
        "gpt-3.5-turbo-0125",
        "gpt-4-0314",
        "gpt-4-32k-0314",
        "gpt-4-0613",
        "gpt-4-32k-0613",
        "gpt-4o-mini-2024-07-18",
        "gpt-4o-2024-08-06",
    }:
        tokens_per_message = 3
        tokens_per_name = 1
    elif model == "gpt-3.5-turbo-0301":
        tokens_per_message = 4  # every message follows <|start|>{role/name}\n{content}<|end|>\n
        tokens_per_name = -1  # if there's a name, the role is omitted
    elif "gpt-3.5-turbo" in model:
        return num_tokens_from_messages(tiktoken, messages, model="gpt-3.5-turbo-0125")
    elif "gpt-4o-mini" in model:
        return num_tokens_from_messages(tiktoken, messages, model="gpt-4o-mini-2024-07-18")
    elif "gpt-4o" in model:
        return num_tokens_from_messages(tiktoken, messages, model="gpt-4o-2024-08-06")
    elif "gpt-4" in model:
        return num_tokens_from_messages(tiktoken, messages, model="gpt-4-0613")
    else:
        raise NotImplementedError(f"num_tokens_from_messages() is not implemented for model {model}.")
    num_tokens = 0
    for message in messages:
        num_tokens += tokens_per_message
        for key, value in message.items():
            num_tokens += len(encoding.encode(value))
            if key == "name":
                num_tokens += tokens_per_name
    num_tokens += 3  # every reply is primed with <|start|>assistant<|message|>
    return num_tokens


TOOL_SETTINGS = {
    "gpt-4o": dict(func_init=7, prop_init=3, prop_key=3, enum_init=-3, enum_item=3, func_end=12),
    "gpt-4o-mini": dict(func_init=7, prop_init=3, prop_key=3, enum_init=-3, enum_item=3, func_end=12),
    "gpt-3.5-turbo": dict(func_init=10, prop_init=3, prop_key=3, enum_init=-3, enum_item=3, func_end=12),
    "gpt-4": dict(func_init=10, prop_init=3, prop_key=3, enum_init=-3, enum_item=3, func_end=12),
}


def num_tokens_for_tool_definitions(tiktoken, functions, model):
    """The tools part of the notebook's num_tokens_for_tools (without the messages)."""
    if model not in TOOL_SETTINGS:
        raise NotImplementedError(f"num_tokens_for_tools() is not implemented for model {model}.")
    s = TOOL_SETTINGS[model]
    try:
        encoding = tiktoken.encoding_for_model(model)
    except KeyError:
        encoding = tiktoken.get_encoding("o200k_base")
    func_token_count = 0
    if len(functions) > 0:
        for f in functions:
            func_token_count += s["func_init"]  # start of each function
            function = f["function"]
            f_name = function["name"]
            f_desc = function["description"]
            if f_desc.endswith("."):
                f_desc = f_desc[:-1]
            line = f_name + ":" + f_desc
            func_token_count += len(encoding.encode(line))  # name and description
            if len(function["parameters"]["properties"]) > 0:
                func_token_count += s["prop_init"]  # start of the properties
                for key in list(function["parameters"]["properties"].keys()):
                    func_token_count += s["prop_key"]  # each property
                    p_name = key
                    p_type = function["parameters"]["properties"][key]["type"]
                    p_desc = function["parameters"]["properties"][key]["description"]
                    if "enum" in function["parameters"]["properties"][key].keys():
                        func_token_count += s["enum_init"]  # property has an enum list
                        for item in function["parameters"]["properties"][key]["enum"]:
                            func_token_count += s["enum_item"]
                            func_token_count += len(encoding.encode(item))
                    if p_desc.endswith("."):
                        p_desc = p_desc[:-1]
                    line = f"{p_name}:{p_type}:{p_desc}"
                    func_token_count += len(encoding.encode(line))
        func_token_count += s["func_end"]
    return func_token_count


def num_tokens_for_tools(tiktoken, functions, messages, model):
    return num_tokens_from_messages(tiktoken, messages, model) + num_tokens_for_tool_definitions(
        tiktoken, functions, model
    )


# Exactly as in the notebook.
COOKBOOK_EXAMPLE_MESSAGES = [
    {
        "role": "system",
        "content": "You are a helpful, pattern-following assistant that translates corporate jargon into plain English.",
    },
    {
        "role": "system",
        "name": "example_user",
        "content": "New synergies will help drive top-line growth.",
    },
    {
        "role": "system",
        "name": "example_assistant",
        "content": "Things working well together will increase revenue.",
    },
    {
        "role": "system",
        "name": "example_user",
        "content": "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
    },
    {
        "role": "system",
        "name": "example_assistant",
        "content": "Let's talk later when we're less busy about how to do better.",
    },
    {
        "role": "user",
        "content": "This late pivot means we don't have time to boil the ocean for the client deliverable.",
    },
]

COOKBOOK_TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_current_weather",
            "description": "Get the current weather in a given location",
            "parameters": {
                "type": "object",
                "properties": {
                    "location": {
                        "type": "string",
                        "description": "The city and state, e.g. San Francisco, CA",
                    },
                    "unit": {
                        "type": "string",
                        "description": "The unit of temperature to return",
                        "enum": ["celsius", "fahrenheit"],
                    },
                },
                "required": ["location"],
            },
        },
    }
]

COOKBOOK_TOOL_MESSAGES = [
    {
        "role": "system",
        "content": "You are a helpful assistant that can answer to questions about the weather.",
    },
    {
        "role": "user",
        "content": "What's the weather like in San Francisco?",
    },
]

# Expected values printed in the notebook (verified there against the OpenAI API).
COOKBOOK_EXPECTED = {
    ("cookbook/example_messages", "gpt-4o"): 124,
    ("cookbook/example_messages", "gpt-4o-mini"): 124,
    ("cookbook/example_messages", "gpt-4"): 129,
    ("cookbook/example_messages", "gpt-3.5-turbo"): 129,
    ("cookbook/weather_tool", "gpt-4o"): 101,
    ("cookbook/weather_tool", "gpt-4o-mini"): 101,
    ("cookbook/weather_tool", "gpt-4"): 105,
    ("cookbook/weather_tool", "gpt-3.5-turbo"): 105,
}

MESSAGE_MODELS = ["gpt-4o", "gpt-4o-mini", "gpt-4", "gpt-3.5-turbo", "gpt-3.5-turbo-0301"]
TOOL_MODELS = ["gpt-4o", "gpt-4o-mini", "gpt-4", "gpt-3.5-turbo"]


def _fn(name, description, properties):
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {"type": "object", "properties": properties},
        },
    }


OWN_TOOLS_MULTI = [
    _fn(
        "search_flights",
        "Search for flights between two airports.",
        {
            "origin": {"type": "string", "description": "IATA code of the departure airport, e.g. LHR."},
            "destination": {"type": "string", "description": "IATA code of the arrival airport"},
            "cabin": {
                "type": "string",
                "description": "Cabin class.",
                "enum": ["economy", "premium_economy", "business", "first"],
            },
            "passengers": {"type": "integer", "description": "Number of passengers (1-9)"},
            "flexible": {"type": "boolean", "description": "Whether dates may shift by +/- 3 days."},
        },
    ),
    _fn("get_server_time", "Return the current UTC time of the server..", {}),
    _fn(
        "set_thermostat",
        "Set the target temperature",
        {
            "celsius": {"type": "number", "description": "Target temperature in °C."},
            "mode": {"type": "string", "description": "Operating mode", "enum": ["heat", "cool", "auto", "off"]},
            "rooms": {"type": "array", "description": "Rooms to apply the setting to"},
        },
    ),
]

OWN_TOOLS_UNICODE = [
    _fn(
        "天気を取得",
        "指定した都市の現在の天気を返します。",
        {
            "都市": {"type": "string", "description": "都市名（例：東京）。"},
            "単位": {"type": "string", "description": "温度の単位", "enum": ["摂氏", "華氏"]},
            "mood": {"type": "string", "description": "Emoji mood 😀.", "enum": ["😀", "😐", "☹️", "👨‍👩‍👧‍👦"]},
        },
    )
]

OWN_TOOL_NO_PROPS = [_fn("ping", "Check that the service is alive.", {})]

OWN_MESSAGE_CASES = {
    "own/empty_list": [],
    "own/empty_content": [{"role": "user", "content": ""}],
    "own/empty_role_and_content": [{"role": "", "content": ""}, {"role": "assistant", "content": ""}],
    "own/names": [
        {"role": "system", "content": "You are a terse assistant."},
        {"role": "user", "name": "alice", "content": "Hi, I'm Alice."},
        {"role": "user", "name": "Bob_The_Builder-42", "content": "And I'm Bob."},
        {"role": "assistant", "name": "helper", "content": "Hello Alice and Bob!"},
        {"role": "user", "name": "", "content": "Empty name."},
    ],
    "own/unicode": [
        {"role": "system", "content": "Réponds en français, s'il te plaît. 日本語もOK。"},
        {"role": "user", "content": "👨‍👩‍👧‍👦 🇫🇷 👍🏽 — مرحبا بالعالم — שלום — Привет, мир! — नमस्ते — สวัสดี"},
        {"role": "assistant", "content": "Zalgo: Z\u0351\u0308\u0352a\u0310\u0313l\u0315g\u0346o\u0301; NFD: Tie\u0302\u0301ng Vie\u0323\u0302t; \u01c5ungla k\u02b0at"},
    ],
    "own/whitespace": [
        {"role": "user", "content": "line one\nline two\r\n\r\n\ttabbed    trailing   \n\n\n"},
        {"role": "assistant", "content": "    "},
        {"role": "user", "content": "\u00a0\u3000\u2003 unicode spaces \u2028 LS"},
    ],
    "own/code_and_numbers": [
        {"role": "user", "content": "What does `fn main() { println!(\"{}\", 1_000_000u64 * 3); }` print?"},
        {"role": "assistant", "content": "It prints 3000000. In JSON: {\"result\": 3000000, \"ok\": true}"},
        {"role": "user", "content": "And 12345678901234567890 + 0.1e-10?"},
    ],
    "own/tool_role_keys": [
        {"role": "user", "content": "What's the weather in Oslo?"},
        {"role": "assistant", "content": "Calling get_current_weather."},
        {"role": "tool", "tool_call_id": "call_abc123", "name": "get_current_weather", "content": "{\"temp_c\": 7, \"sky\": \"overcast\"}"},
    ],
    "own/long_conversation": [
        {"role": "system", "content": "You are a patient tutor who explains tides to children."},
    ]
    + [
        m
        for i in range(1, 9)
        for m in (
            {"role": "user", "content": f"Question {i}: why does the tide go out {i} time{'s' if i > 1 else ''}?"},
            {"role": "assistant", "content": f"Answer {i}: the Moon pulls the water, and the Earth turns under it. Twice a day, mostly!"},
        )
    ],
}

OWN_TOOL_CASES = {
    "own/tools_multiple_enums": (
        OWN_TOOLS_MULTI,
        [{"role": "user", "content": "Find me a business-class flight from LHR to NRT and make the flat warm."}],
    ),
    "own/tools_unicode": (OWN_TOOLS_UNICODE, [{"role": "user", "content": "東京の天気は？"}]),
    "own/tool_no_properties": (OWN_TOOL_NO_PROPS, [{"role": "user", "name": "monitor", "content": "ping"}]),
    "own/tools_no_messages": (COOKBOOK_TOOLS + OWN_TOOL_NO_PROPS, []),
    "own/tools_empty_list": ([], [{"role": "user", "content": "No tools here."}]),
}


def chat_golden(tiktoken) -> dict:
    cases = []

    def add(cid, model, messages, tools=None):
        msg_tokens = num_tokens_from_messages(tiktoken, messages, model)
        entry = {
            "id": cid,
            "model": model,
            "encoding": tiktoken.encoding_for_model(model).name,
            "messages": messages,
        }
        if tools is None:
            entry["expected"] = msg_tokens
        else:
            tool_tokens = num_tokens_for_tool_definitions(tiktoken, tools, model)
            total = num_tokens_for_tools(tiktoken, tools, messages, model)
            assert total == msg_tokens + tool_tokens
            entry["tools"] = tools
            entry["expected"] = total
            entry["breakdown"] = {"messages": msg_tokens, "tools": tool_tokens}
        want = COOKBOOK_EXPECTED.get((cid, model))
        if want is not None and entry["expected"] != want:
            sys.exit(f"error: {cid} / {model}: got {entry['expected']}, the cookbook says {want}")
        cases.append(entry)

    for model in MESSAGE_MODELS:
        add("cookbook/example_messages", model, COOKBOOK_EXAMPLE_MESSAGES)
    for model in TOOL_MODELS:
        add("cookbook/weather_tool", model, COOKBOOK_TOOL_MESSAGES, COOKBOOK_TOOLS)
    for cid, messages in OWN_MESSAGE_CASES.items():
        for model in MESSAGE_MODELS:
            add(cid, model, messages)
    for cid, (tools, messages) in OWN_TOOL_CASES.items():
        for model in TOOL_MODELS:
            add(cid, model, messages, tools)

    order = {m: i for i, m in enumerate(MESSAGE_MODELS)}
    cases.sort(key=lambda c: (c["id"], order[c["model"]]))
    return {
        "description": "Chat token counts computed with the rules of the OpenAI cookbook notebook "
        "'How to count tokens with tiktoken' (num_tokens_from_messages and num_tokens_for_tools).",
        "source": NOTEBOOK_URL,
        "generated_by": "tests/golden/generate.py",
        "tiktoken_version": TIKTOKEN_VERSION,
        "rules": {
            "messages": {
                "tokens_per_message": {"default": 3, "gpt-3.5-turbo-0301": 4},
                "tokens_per_name": {"default": 1, "gpt-3.5-turbo-0301": -1},
                "reply_priming": 3,
                "note": "For each message: tokens_per_message + sum over ALL keys (role, content, name, "
                "tool_call_id, ...) of len(encode(value)); plus tokens_per_name if the key is 'name'. "
                "Then + reply_priming once. encode() is tiktoken's default (special tokens raise).",
            },
            "tools": {
                "settings": TOOL_SETTINGS,
                "note": "If tools is non-empty: for each function func_init + len(encode(name + ':' + desc)) "
                "(one trailing '.' of desc removed); if it has properties, prop_init, then for each property "
                "prop_key + len(encode(f'{name}:{type}:{desc}')) (one trailing '.' removed) and, if it has "
                "an enum, enum_init + sum(enum_item + len(encode(item))). Then func_end once. "
                "Total = messages count + tools count.",
            },
        },
        "cases": cases,
    }


# --------------------------------------------------------------------------- main


def dumps_line(obj) -> str:
    # ensure_ascii: lines stay pure ASCII, so U+2028, U+0085, lone CR etc. cannot break line splitting.
    return json.dumps(obj, ensure_ascii=True, separators=(", ", ": "))


def generate(tiktoken) -> tuple[dict[str, bytes], list[str]]:
    corpus = read_corpus()
    base_cases = corpus_cases(corpus) + generated_cases()
    notes: list[str] = []
    rows = []
    counts: dict[str, dict[str, int]] = {}
    for enc_name in ENCODINGS:
        enc = tiktoken.get_encoding(enc_name)
        special_ids = set(enc._special_tokens.values())
        n_none = n_all = 0
        for cid, text, modes in base_cases + slice_cases(corpus[SLICE_SOURCE], enc_name):
            for mode in modes:
                if mode == "none":
                    tokens = enc.encode(text, disallowed_special=())
                    assert not special_ids.intersection(tokens), (enc_name, cid)
                    n_none += 1
                else:
                    tokens = enc.encode(text, allowed_special="all")
                    n_all += 1
                back = enc.decode(tokens)
                if back != text:
                    notes.append(f"{enc_name} {cid} [{mode}]: decode(tokens) != text: {back!r} vs {text!r}")
                rows.append(((enc_name, cid, mode), {
                    "encoding": enc_name,
                    "case": cid,
                    "text": text,
                    "allowed_special": mode,
                    "tokens": tokens,
                }))
        counts[enc_name] = {"none": n_none, "all": n_all, "total": n_none + n_all}
    rows.sort(key=lambda r: r[0])
    keys = [k for k, _ in rows]
    assert len(keys) == len(set(keys)), "duplicate case ids"
    jsonl = "".join(dumps_line(obj) + "\n" for _, obj in rows).encode("ascii")

    files: dict[str, bytes] = {}
    if len(jsonl) > MAX_PLAIN_BYTES:
        buf = io.BytesIO()
        with gzip.GzipFile(filename="tokens.jsonl", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
            gz.write(jsonl)
        tokens_name = "tokens.jsonl.gz"
        files[tokens_name] = buf.getvalue()
    else:
        tokens_name = "tokens.jsonl"
        files[tokens_name] = jsonl

    chat = chat_golden(tiktoken)
    files["chat.json"] = (json.dumps(chat, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    manifest = {
        "generated_by": "tests/golden/generate.py",
        "tiktoken_version": tiktoken.__version__,
        "seed": SEED,
        "encodings": ENCODINGS,
        "max_chunk_chars": MAX_CHUNK_CHARS,
        "repeat": {"count": REPEAT_COUNT, "chars": [f"U+{ord(c):04X}" for c in REPEAT_CHARS]},
        "slices": {"source": SLICE_SOURCE, "per_encoding": SLICES_PER_ENCODING, "max_chars": SLICE_MAX_CHARS},
        "corpus_files": len(corpus),
        "cases_per_encoding": counts,
        "files": {
            tokens_name: {"lines": len(rows), "uncompressed_bytes": len(jsonl),
                          "sha256_uncompressed": hashlib.sha256(jsonl).hexdigest()},
            "chat.json": {"cases": len(chat["cases"]), "sha256": hashlib.sha256(files["chat.json"]).hexdigest()},
        },
        "decode_mismatches": notes,
    }
    files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files, notes


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Regenerate tokenmeter's golden files with tiktoken.")
    ap.add_argument("--encodings-dir", type=Path, default=DEFAULT_ENCODINGS_DIR,
                    help="directory with <name>.tiktoken.gz or <name>.tiktoken (default: %(default)s)")
    ap.add_argument("--out-dir", type=Path, default=HERE, help="where to write (default: %(default)s)")
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if the files on disk differ")
    ap.add_argument("--allow-version-mismatch", action="store_true",
                    help=f"run even if tiktoken is not {TIKTOKEN_VERSION}")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="tiktoken-cache-") as cache_dir:
        build_cache(args.encodings_dir.resolve(), Path(cache_dir))
        os.environ["TIKTOKEN_CACHE_DIR"] = cache_dir
        import tiktoken  # noqa: E402  (must come after TIKTOKEN_CACHE_DIR is set)

        if tiktoken.__version__ != TIKTOKEN_VERSION:
            msg = f"tiktoken {tiktoken.__version__} is installed, the golden files are for {TIKTOKEN_VERSION}"
            if not args.allow_version_mismatch:
                sys.exit(f"error: {msg} (pip install tiktoken=={TIKTOKEN_VERSION}, or --allow-version-mismatch)")
            print(f"warning: {msg}", file=sys.stderr)
        files, notes = generate(tiktoken)

    for n in notes:
        print(f"note: {n}", file=sys.stderr)
    out = args.out_dir
    stale = [name for name in ("tokens.jsonl", "tokens.jsonl.gz") if name not in files and (out / name).exists()]
    if args.check:
        bad = [name for name, data in files.items()
               if not (out / name).is_file() or (out / name).read_bytes() != data] + stale
        for name in bad:
            print(f"differs: {out / name}", file=sys.stderr)
        return 1 if bad else 0
    for name in stale:
        (out / name).unlink()
    for name, data in files.items():
        (out / name).write_bytes(data)
        print(f"wrote {out / name} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
