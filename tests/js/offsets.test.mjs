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
