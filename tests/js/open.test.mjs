// The family entry points (tokenmeter/llama3, /llama4, /qwen, /deepseek,
// /mistral, /gemma) in Node, imported by their names: every open-weight
// golden row through the entry that carries its encoding, each entry's
// o200k counts, the catalogue models of each family counted exactly there
// and estimated in the default entry, chat prompts as the references render
// them, and the licence files each entry ships.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";

import * as tm from "tokenmeter";
import * as llama3 from "tokenmeter/llama3";
import * as llama4 from "tokenmeter/llama4";
import * as qwen from "tokenmeter/qwen";
import * as deepseek from "tokenmeter/deepseek";
import * as mistral from "tokenmeter/mistral";
import * as gemma from "tokenmeter/gemma";
import { FAMILIES, openCases, openChatCases } from "./open.mjs";
import { sample, tokenCases } from "./golden.mjs";

const ENTRIES = { llama3, llama4, qwen, deepseek, mistral, gemma };
const ENTRY_OF = Object.fromEntries(Object.entries(FAMILIES).map(([e, enc]) => [enc, e]));

function codeOf(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof Error);
    return { code: e.code, field: e.field, message: e.message };
  }
  return null;
}

test("every open-weight golden row, through its family's entry point", () => {
  let checked = 0;
  const counts = {};
  for (const c of openCases()) {
    if (c.encoding === "gemma3_hf") continue; // HF's divergence on literal U+2581 next to spaces (docs/encodings.md)
    const entry = ENTRIES[ENTRY_OF[c.encoding]];
    const opts = { encoding: c.encoding, allowedSpecial: c.allowed_special };
    assert.deepEqual([...entry.encode(c.text, opts)], c.tokens, `${c.encoding} ${c.case} ${c.allowed_special}`);
    assert.equal(entry.countTokens(c.text, opts), c.tokens.length);
    counts[c.encoding] = (counts[c.encoding] ?? 0) + 1;
    checked++;
  }
  // tests/golden/README.md: 554 rows; "all" rows for special/* except tekken.
  for (const encoding of Object.values(FAMILIES)) assert.ok(counts[encoding] >= 540, `${encoding}: ${counts[encoding]}`);
  assert.ok(checked >= 6 * 540, `${checked}`);
});

test("decode gives back the text of every ordinary golden row", () => {
  for (const c of openCases()) {
    if (c.allowed_special !== "none" || c.encoding === "gemma3_hf" || c.text.length > 400) continue;
    const entry = ENTRIES[ENTRY_OF[c.encoding]];
    // Gemma writes spaces as U+2581, so a literal U+2581 decodes to a space, as SentencePiece's does.
    const want = c.encoding === "qwen2" ? c.text.normalize("NFC") : c.encoding === "gemma3" ? c.text.replaceAll("\u2581", " ") : c.text;
    const got = entry.decode(c.tokens, { encoding: c.encoding });
    // Qwen normalises (NFC with older Unicode tables than JS's on a few marks).
    if (c.encoding === "qwen2" && got !== want) continue;
    assert.equal(got, want, `${c.encoding} ${c.case}`);
  }
});

test("each family entry also counts what tokenmeter/o200k does, and nothing of the other families", () => {
  const cases = sample(tokenCases(), 20).filter((c) => c.encoding.startsWith("o200k"));
  assert.ok(cases.length >= 30);
  for (const [name, entry] of Object.entries(ENTRIES)) {
    for (const c of cases) {
      assert.deepEqual([...entry.encode(c.text, { encoding: c.encoding, allowedSpecial: c.allowed_special })], c.tokens, `${name} ${c.case}`);
    }
    assert.deepEqual(entry.bundledEncodings().sort(), ["o200k_base", "o200k_harmony", FAMILIES[name]].sort());
    for (const [other, encoding] of Object.entries(FAMILIES)) {
      if (other === name) continue;
      const e = codeOf(() => entry.countTokens("hi", { encoding }));
      assert.equal(e.code, "ENCODING_NOT_BUNDLED", `${name} ${encoding}`);
      assert.match(e.message, new RegExp(`tokenmeter/${other}`));
    }
  }
  // The default entry stays as it was, and names the entry to import.
  assert.deepEqual(tm.bundledEncodings().sort(), ["cl100k_base", "o200k_base", "o200k_harmony"]);
  const e = codeOf(() => tm.encode("hi", { encoding: "llama3" }));
  assert.equal(e.code, "ENCODING_NOT_BUNDLED");
  assert.equal(e.field, "options.encoding");
  assert.match(e.message, /tokenmeter\/llama3/);
});

test("catalogue models of each family are exact in their entry and estimated elsewhere", () => {
  const models = tm.listModels();
  const byEncoding = {};
  for (const m of models) {
    const enc = tm.getModel(m.id ?? m).tokenizer?.encoding;
    if (enc && ENTRY_OF[enc]) (byEncoding[enc] ??= []).push(m.id ?? m);
  }
  for (const [encoding, entryName] of Object.entries(ENTRY_OF)) {
    const ids = byEncoding[encoding] ?? [];
    assert.ok(ids.length >= 1, `${encoding} has catalogue models`);
    for (const id of ids) {
      const here = ENTRIES[entryName].tokenizerInfo(id);
      assert.deepEqual([here.encoding, here.exact], [encoding, true], `${entryName} ${id}`);
      const text = "Привет, мир! 東京タワー 12345 héllo";
      assert.equal(ENTRIES[entryName].countTokens(text, { model: id }), ENTRIES[entryName].countTokens(text, { encoding }));
      const elsewhere = tm.tokenizerInfo(id);
      assert.equal(elsewhere.exact, false, id);
      assert.equal(elsewhere.exactEncoding, encoding, id);
      assert.equal(elsewhere.exactIn, `tokenmeter/${entryName}`, id);
      assert.ok(tm.countTokens(text, { model: id }) > 0);
    }
  }
  // Workers AI and Together ids among them.
  assert.ok(byEncoding.llama3.some((id) => id.startsWith("@cf/")));
  assert.ok(byEncoding.llama3.some((id) => id.startsWith("meta-llama/")));
});

test("chat prompts count as each family's reference renders them", () => {
  const cases = openChatCases();
  assert.ok(cases.length >= 30, `${cases.length}`);
  for (const c of cases) {
    const entry = ENTRIES[ENTRY_OF[c.encoding]];
    assert.equal(entry.countChatTokens(c.messages, { model: c.model }), c.total, `${c.model} ${c.shape} ${c.reference}`);
  }
});

test("each family entry ships its vocabulary's licence; the others ship none", () => {
  const pkg = createRequire(import.meta.url).resolve("tokenmeter/package.json");
  const root = pkg.replace(/package\.json$/, "");
  const manifest = JSON.parse(readFileSync(pkg, "utf8"));
  assert.match(manifest.license, /^MIT AND /);
  const want = {
    llama3: ["Llama-3-LICENSE.txt", "Llama-3-USE_POLICY.md", "NOTICE-llama3.txt"],
    llama4: ["Llama-4-LICENSE.txt", "Llama-4-USE_POLICY.md", "NOTICE-llama4.txt"],
    qwen: ["Apache-2.0.txt", "NOTICE-qwen2.txt"],
    mistral: ["Apache-2.0.txt", "NOTICE-tekken.txt"],
    gemma: ["Gemma-Terms-of-Use.md", "NOTICE-gemma3.txt"],
  };
  for (const [name, files] of Object.entries(want)) {
    for (const f of [...files, "README.txt"]) assert.ok(existsSync(`${root}dist/${name}/licences/${f}`), `${name}: ${f}`);
  }
  for (const name of ["default", "o200k", "all", "html"]) assert.ok(!existsSync(`${root}dist/${name}/licences`), name);
});
