// encodeWithOffsets: each token's place in the text, for a token view that
// draws every character once.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tm from "tokenmeter";

const TEXTS = [
  "Hello, world! The quick brown fox.",
  "👩‍👩‍👧‍👦 family, 🇫🇷 flag, e\u0301 accent",
  "日本語のテキストと中文文本",
  "lone \ud800 surrogate",
  "",
];

test("the slices of the tokens spell the text, and a split character is drawn once", () => {
  let split = 0;
  for (const text of TEXTS) {
    const { tokens, starts } = tm.encodeWithOffsets(text, { encoding: "o200k_base" });
    assert.deepEqual(Array.from(tokens), Array.from(tm.encode(text, { encoding: "o200k_base" })));
    assert.equal(starts.length, tokens.length + 1);
    assert.equal(starts[tokens.length], text.length);
    let joined = "";
    for (let i = 0; i < tokens.length; i++) {
      assert.ok(starts[i] <= starts[i + 1]);
      joined += text.slice(starts[i], starts[i + 1]);
      // A token that holds no whole character of its own.
      if (starts[i] === starts[i + 1]) split++;
    }
    assert.equal(joined, text);
    // A token with its empty-slice followers, when it decodes to whole
    // characters, decodes to its slice.
    for (let i = 0; i < tokens.length; ) {
      let j = i + 1;
      while (j < tokens.length && starts[j] === starts[j + 1]) j++;
      const slice = text.slice(starts[i], starts[j]);
      const decoded = tm.decode(tokens.subarray(i, j), { encoding: "o200k_base" });
      if (!decoded.includes("\ufffd")) assert.equal(decoded, slice, JSON.stringify(text));
      i = j;
    }
  }
  assert.ok(split > 0, "the emoji and CJK texts split a character across tokens");
  assert.throws(() => tm.encodeWithOffsets("x", { model: "claude-sonnet-4-5" }), (e) => e.code === "INVALID_ARGUMENT" && e.field === "options.model");
  assert.throws(() => tm.encodeWithOffsets(5), (e) => e.code === "INVALID_ARGUMENT" && e.field === "text");
});

// The chat overload: each message's text as the chat functions read it, with
// its tokens and their starts; what the page's token view draws for a chat.
const CHAT = [
  { role: "system", content: "You are terse. 日本語で答えて。" },
  { role: "user", name: "ada", content: [{ type: "text", text: "Look 👩‍👩‍👧‍👦" }, { type: "image_url", image_url: { url: "https://example.com/a.png" } }, { type: "text", text: "and this" }] },
  { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] },
  { role: "tool", tool_call_id: "c1", content: "lone \ud800 result" },
  { role: "user", content: "" },
];

test("encodeWithOffsets on chat messages: each message's text, tokens and starts", () => {
  const { messages } = tm.encodeWithOffsets(CHAT, { encoding: "o200k_base" });
  // The text of each message: its content, its text parts joined by a newline, or nothing.
  assert.deepEqual(messages.map((m) => [m.role, m.text]), [
    ["system", "You are terse. 日本語で答えて。"],
    ["user", "Look 👩‍👩‍👧‍👦\nand this"],
    ["assistant", ""],
    ["tool", "lone \ufffd result"],
    ["user", ""],
  ]);
  let split = 0;
  for (const m of messages) {
    // Exactly what the text overload gives for that text.
    const alone = tm.encodeWithOffsets(m.text, { encoding: "o200k_base" });
    assert.ok(m.tokens instanceof Uint32Array && m.starts instanceof Uint32Array);
    assert.deepEqual(Array.from(m.tokens), Array.from(alone.tokens), m.text);
    assert.deepEqual(Array.from(m.starts), Array.from(alone.starts), m.text);
    assert.equal(m.starts.length, m.tokens.length + 1);
    let joined = "";
    for (let i = 0; i < m.tokens.length; i++) {
      joined += m.text.slice(m.starts[i], m.starts[i + 1]);
      if (m.starts[i] === m.starts[i + 1]) split++;
    }
    assert.equal(joined, m.text);
  }
  assert.ok(split > 0, "the family emoji is split across tokens");

  // The texts are the ones countChatTokens counts: for messages whose content
  // is a string and that have no name, the cookbook's formula (3 per message,
  // its role and content, 3 to prime the reply) on these tokens.
  const plain = [CHAT[0], { role: "user", content: "naïve café, 👍🏽 twice 👍🏽" }, CHAT[4]];
  const byMessage = tm.encodeWithOffsets(plain, { model: "gpt-4o" }).messages;
  const formula = 3 + byMessage.reduce((n, m) => n + 3 + tm.countTokens(m.role, { model: "gpt-4o" }) + m.tokens.length, 0);
  assert.equal(formula, tm.countChatTokens(plain, { model: "gpt-4o" }));

  // Read as countChatTokens reads messages: the same errors at the same paths.
  for (const bad of [
    [{ role: "user", content: 5 }],
    [{ role: "tool", tool_call_id: "nope", content: "x" }],
    [{ content: "no role" }],
  ]) {
    let counted;
    assert.throws(() => tm.countChatTokens(bad, { model: "gpt-4o" }), (e) => (counted = e) && true);
    assert.throws(() => tm.encodeWithOffsets(bad, { encoding: "o200k_base" }),
      (e) => e.code === counted.code && e.field === counted.field, JSON.stringify(bad));
  }
  assert.throws(() => tm.encodeWithOffsets([{ role: "user", content: "x" }], { model: "claude-sonnet-4-5" }),
    (e) => e.code === "INVALID_ARGUMENT" && e.field === "options.model");
  assert.deepEqual(tm.encodeWithOffsets([], { encoding: "o200k_base" }), { messages: [] });
});
