// The open-weight goldens (tests/golden/open_tokens.jsonl: ids from each
// family's reference tokenizer, without BOS; open_chat.json: prompts the
// references rendered), shared by the Node, workerd and browser tests.
import { readFileSync } from "node:fs";

const dir = new URL("../golden/", import.meta.url);

/** The family entry points and the encoding each adds to o200k's. */
export const FAMILIES = {
  llama3: "llama3",
  llama4: "llama4",
  qwen: "qwen2",
  deepseek: "deepseek_v3",
  mistral: "tekken",
  gemma: "gemma3",
};

/** One { encoding, case, text, allowed_special, tokens } per row and encoding. */
export function openCases() {
  const out = [];
  for (const line of readFileSync(new URL("open_tokens.jsonl", dir), "utf8").split("\n")) {
    if (!line) continue;
    const row = JSON.parse(line);
    for (const [encoding, tokens] of Object.entries(row.tokens)) {
      out.push({ encoding, case: row.case, text: row.text, allowed_special: row.allowed_special, tokens });
    }
  }
  return out;
}

/** Every nth case of each encoding (at least one each). */
export function sampleOpen(cases, perEncoding) {
  const by = new Map();
  for (const c of cases) by.set(c.encoding, [...(by.get(c.encoding) ?? []), c]);
  return [...by.values()].flatMap((list) => list.filter((_, i) => i % Math.ceil(list.length / perEncoding) === 0));
}

/** A catalogue model of each family whose template the chat goldens render. */
export function chatModel(c) {
  if (c.add_generation_prompt === false) return null;
  const byEncoding = {
    llama3: c.reference.includes("3.1") ? "@cf/meta/llama-3.1-8b-instruct" : "@cf/meta/llama-3-8b-instruct",
    llama4: "@cf/meta/llama-4-scout-17b-16e-instruct",
    qwen2: "qwen/qwen3-235b-a22b-instruct-2507-tput",
    deepseek_v3: "deepseek-ai/deepseek-v3",
    gemma3: "@cf/google/gemma-3-12b-it",
    tekken: "open-mistral-nemo",
  };
  return byEncoding[c.encoding];
}

export function openChatCases() {
  return JSON.parse(readFileSync(new URL("open_chat.json", dir), "utf8"))
    .cases.map((c) => ({ ...c, model: chatModel(c) }))
    .filter((c) => c.model);
}
