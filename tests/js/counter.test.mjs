// TokenCounter through the package: the golden texts pushed in random parts
// (cut between any two UTF-16 code units that are not a surrogate pair)
// count as countTokens counts them whole, in every entry's encodings; what
// it holds stays small on prose; its options and its life cycle.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tm from "tokenmeter";
import * as all from "tokenmeter/all";
import { tokenCases } from "./golden.mjs";

/** xorshift32, seeded. */
function rng(seed) {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

/** `text` cut at `n` random places, never inside a surrogate pair. */
function parts(text, n, below) {
  const cuts = new Set([0, text.length]);
  for (let i = 0; i < n; i++) {
    let at = below(text.length + 1);
    if (at > 0 && at < text.length && /[\uD800-\uDBFF]/.test(text[at - 1])) at--;
    cuts.add(at);
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  return sorted.slice(1).map((end, i) => text.slice(sorted[i], end));
}

test("the golden texts in random parts count as countTokens counts them whole, every encoding", () => {
  const below = rng(20261207);
  let checked = 0;
  for (const c of tokenCases()) {
    if (c.allowed_special !== undefined && c.allowed_special !== "none") continue;
    const expected = all.countTokens(c.text, { encoding: c.encoding });
    for (const n of [1, 3, 17]) {
      const counter = new all.TokenCounter({ encoding: c.encoding });
      for (const p of parts(c.text, n, below)) counter.push(p);
      assert.equal(counter.count(), expected, `${c.encoding} ${c.case} in ${n + 1} parts`);
      counter.free();
      checked++;
    }
  }
  assert.ok(checked > 3000, `${checked} checks`);
});

test("an estimated model counts its scaled estimate; prose is held a word or two at a time", () => {
  const text = "It's a long text, isn't it? Words, numbers (12,345) and naïve cafés.\n".repeat(2000);
  const counter = new tm.TokenCounter({ model: "claude-sonnet-4-5" });
  assert.equal(counter.exact, false);
  assert.equal(counter.encoding, tm.tokenizerInfo("claude-sonnet-4-5").encoding);
  let held = 0;
  for (let i = 0; i < text.length; i += 997) {
    counter.push(text.slice(i, i + 997));
    held = Math.max(held, counter.heldBytes);
  }
  assert.equal(counter.count(), tm.countTokens(text, { model: "claude-sonnet-4-5" }));
  assert.ok(held < 64, `held up to ${held} bytes`);
  counter.free();
});

test("options, arguments and free()", () => {
  const code = (fn) => {
    try {
      fn();
    } catch (e) {
      assert.equal(e.name, "TokenmeterError");
      return [e.code, e.field];
    }
    assert.fail("expected an error");
  };
  assert.deepEqual(code(() => new tm.TokenCounter({ allowedSpecial: "all" })), ["INVALID_ARGUMENT", "options.allowedSpecial"]);
  assert.deepEqual(code(() => new tm.TokenCounter({ model: "gpt-9o" })), ["UNKNOWN_MODEL", "options.model"]);
  assert.deepEqual(code(() => new tm.TokenCounter({ encoding: "r50k_base" })), ["ENCODING_NOT_BUNDLED", "options.encoding"]);
  const c = new tm.TokenCounter();
  assert.equal(c.encoding, "o200k_base");
  assert.deepEqual(code(() => c.push(42)), ["INVALID_ARGUMENT", "text"]);
  c.push("<|endoftext|>");
  assert.equal(c.count(), tm.countTokens("<|endoftext|>"));
  c.free();
  assert.deepEqual(code(() => c.push("x")), ["INVALID_ARGUMENT", null]);
  assert.deepEqual(code(() => c.count()), ["INVALID_ARGUMENT", null]);
  c.free();
  assert.equal(tm.countTokens("hello world"), 2);
});
