// Prompt compression through the packed package. (Not run on the compress
// branch, which has no wasm toolchain: it runs with the rest of tests/js.)
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tm from "tokenmeter";

const LOSSLESS = ["unicode_spaces", "whitespace", "indentation", "duplicates"];
const BALANCED = [...LOSSLESS, "fillers", "phrases"];
const PASSES = { lossless: LOSSLESS, balanced: BALANCED, aggressive: [...BALANCED, "markdown", "lists", "low_information_words"] };

const verbose = "I want you to act as a travel guide. Please note that in order to help, you need to read {city} and `docs` at https://example.com/please?x=1 and say \"in order to\".";

test("compressPrompt saves tokens, keeps protected spans, and is idempotent", () => {
  for (const level of ["lossless", "balanced", "aggressive"]) {
    const r = tm.compressPrompt(verbose, { model: "gpt-4o", level });
    assert.equal(typeof r.text, "string");
    assert.equal(r.tokensBefore, tm.countTokens(verbose, { model: "gpt-4o" }));
    assert.equal(r.tokensAfter, tm.countTokens(r.text, { model: "gpt-4o" }));
    assert.equal(r.savedTokens, r.tokensBefore - r.tokensAfter);
    assert.ok(r.tokensAfter <= r.tokensBefore);
    // The percentage to two decimals, and the passes each level runs (README:
    // lossless = spaces, whitespace and duplicates; balanced adds fillers and
    // phrases; aggressive adds Markdown, lists and articles), whose savings add
    // up to the total.
    assert.equal(r.savedPercent, Math.round((r.savedTokens / r.tokensBefore) * 10_000) / 100);
    assert.deepEqual(r.passes.map((p) => p.name), PASSES[level]);
    assert.equal(r.passes.reduce((n, p) => n + p.savedTokens, 0), r.savedTokens);
    for (const kept of ["{city}", "`docs`", "https://example.com/please?x=1", "\"in order to\""]) {
      assert.ok(r.text.includes(kept), `${level} lost ${kept}`);
    }
    assert.equal(tm.compressPrompt(r.text, { model: "gpt-4o", level }).text, r.text);
  }
  const balanced = tm.compressPrompt(verbose);
  assert.ok(balanced.text.startsWith("Act as a travel guide."), balanced.text);
  // "Please note that" goes (a filler) and "in order to help" becomes "to help"
  // outside the quotes: at least those tokens are saved.
  const filler = tm.countTokens(" Please note that", { model: "gpt-4o" }) + tm.countTokens(" in order to", { model: "gpt-4o" }) - tm.countTokens(" to", { model: "gpt-4o" });
  assert.ok(balanced.savedTokens >= filler, `${balanced.savedTokens} < ${filler}`);
  assert.equal(tm.compressPrompt("Don’t", { normalizeQuotes: true }).tokensAfter <= tm.countTokens("Don’t"), true);
});

test("Markdown code indented by four spaces is kept byte for byte", () => {
  const code = "    def f(x):\n        return  x  +  1   # in order to add";
  const text = `Please note that this is the function.\n\n${code}\n\nIn order to use it, call it.`;
  for (const level of ["lossless", "balanced", "aggressive"]) {
    const r = tm.compressPrompt(text, { level });
    assert.ok(r.text.includes(code), `${level}: ${JSON.stringify(r.text)}`);
  }
  assert.ok(!tm.compressPrompt(text).text.includes("In order to"));
});

test("compressMessages compresses text content and keeps everything else", () => {
  const messages = [
    { role: "system", content: "I want you to act as a poet. Please be brief." },
    { role: "user", name: "ann", content: [
      { type: "text", text: "Please note that I like cats." },
      { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "low" } },
    ] },
    { role: "assistant", content: null, tool_calls: [
      { id: "c1", type: "function", function: { name: "f", arguments: "{}" } },
    ] },
    { role: "tool", tool_call_id: "c1", content: "Please note that   the tool said so." },
  ];
  const r = tm.compressMessages(messages, { model: "gpt-4o" });
  assert.deepEqual(r.messages[3], messages[3], "a tool result is data, left as it is");
  assert.equal(r.messages[0].content, "Act as a poet. Be brief.");
  assert.equal(r.messages[1].content[0].text, "I like cats.");
  assert.deepEqual(r.messages[1].content[1], messages[1].content[1]);
  assert.equal(r.messages[1].name, "ann");
  assert.ok(r.savedTokens > 0 && r.tokensAfter < r.tokensBefore);
});

test("compressMessages returns copies of the objects passed: NaN, Dates and undefined keep their values", () => {
  const at = new Date(0);
  const messages = [
    { role: "user", content: "Please note that I like cats.", score: NaN, at, meta: undefined },
    { role: "user", content: [{ type: "text", text: "Please note that I like dogs.", weight: Infinity }, { type: "image_url", image_url: { url: "https://example.com/a.png" } }] },
  ];
  const r = tm.compressMessages(messages, { model: "gpt-4o" });
  const [a, b] = r.messages;
  assert.equal(a.content, "I like cats.");
  assert.ok(Number.isNaN(a.score) && a.at === at && "meta" in a && a.meta === undefined);
  assert.equal(b.content[0].text, "I like dogs.");
  assert.equal(b.content[0].weight, Infinity);
  assert.equal(b.content[1], messages[1].content[1]);
  assert.equal(messages[0].content, "Please note that I like cats.", "the objects passed are unchanged");
});

test("bad input is an Error with a stable code", () => {
  const code = (f) => { try { f(); } catch (e) { assert.ok(e instanceof Error); return [e.code, e.field]; } return null; };
  assert.deepEqual(code(() => tm.compressPrompt(null)), ["INVALID_ARGUMENT", "text"]);
  assert.deepEqual(code(() => tm.compressPrompt(42)), ["INVALID_ARGUMENT", "text"]);
  assert.deepEqual(code(() => tm.compressPrompt("x", { level: "extreme" })), ["INVALID_ARGUMENT", "options.level"]);
  assert.deepEqual(code(() => tm.compressPrompt("x", { model: "no-such-model" })), ["UNKNOWN_MODEL", "options.model"]);
  assert.equal(code(() => tm.compressPrompt("x", { levels: "balanced" }))[0], "INVALID_ARGUMENT");
  assert.deepEqual(code(() => tm.compressMessages("x")), ["INVALID_ARGUMENT", "messages"]);
  assert.equal(code(() => tm.compressMessages(null))[0], "INVALID_ARGUMENT");
});
