// The error contract, as a matrix: every exported function, every argument
// position, every kind of bad value. Each call either returns or throws a
// TokenmeterError with a documented code, a field and a message free of Rust
// internals; and after each one the module still answers correctly (no
// trapped or poisoned wasm instance).
//
// Issue 28: a missing export was skipped, and a call that returned instead of
// throwing passed. Now every export is in the matrix, and "every function,
// every argument, every bad value" lists the values each argument may accept
// (ACCEPTED); any other value must throw a coded error.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tm from "tokenmeter";

const CODES = new Set([
  "INVALID_ARGUMENT", "UNKNOWN_MODEL", "UNKNOWN_ENCODING", "ENCODING_NOT_BUNDLED", "FEATURE_NOT_BUNDLED", "INVALID_TOKEN",
  "CONTEXT_OVERFLOW", "BUDGET_EXCEEDED", "INVALID_CATALOGUE", "INVALID_LEDGER",
]);

function deep(levels) {
  let v = { role: "user", content: "x" };
  for (let i = 0; i < levels; i++) v = { nested: v };
  return v;
}
const cyclic = {};
cyclic.self = cyclic;

const BAD = [
  ["undefined", undefined], ["null", null], ["NaN", NaN], ["Infinity", Infinity], ["-Infinity", -Infinity],
  ["negative", -1], ["fractional", 1.5], ["2^53", 2 ** 53], ["2^60", 2 ** 60], ["empty string", ""],
  ["string", "not-a-model"], ["lone surrogate", "a\ud800"], ["true", true], ["object", { a: 1 }], ["array", [1, "x", null]],
  ["bigint", 10n], ["function", () => 1], ["symbol", Symbol("s")], ["cyclic", cyclic], ["deep", deep(20_000)],
  ["proto keys", JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "model": "gpt-4o"}')],
  ["bad messages", [{ role: "tool", content: "no call" }, { content: 5 }, { role: "user", content: [{ type: "image_url", image_url: { width: -3 } }] }]],
  ["huge token ids", [2 ** 32, -5, 1.5]],
];

const ledger = new tm.BudgetLedger({ perKeyDailyUsd: 1 });
const tokenizer = new tm.Tokenizer({ model: "gpt-4o" });
const GOOD_MESSAGES = [{ role: "user", content: "hello" }];

// name -> [function, good arguments]
const CALLS = {
  countTokens: [tm.countTokens, ["hello", { model: "gpt-4o" }]],
  encode: [tm.encode, ["hello", { encoding: "cl100k_base" }]],
  decode: [tm.decode, [[15339], { encoding: "cl100k_base" }]],
  encodingForModel: [tm.encodingForModel, ["gpt-4o"]],
  tokenizerInfo: [tm.tokenizerInfo, ["gpt-4o"]],
  countChatTokens: [tm.countChatTokens, [GOOD_MESSAGES, { model: "gpt-4o" }]],
  isWithinTokenLimit: [tm.isWithinTokenLimit, ["hello", 10, { model: "gpt-4o" }]],
  getModel: [tm.getModel, ["gpt-4o"]],
  registerModels: [tm.registerModels, [[{ id: "m-x", contextWindow: 100, maxOutputTokens: 10, prices: { input: 1, output: 1 } }]]],
  estimateCost: [tm.estimateCost, [{ model: "gpt-4o", inputTokens: 10, outputTokens: 5 }, {}]],
  usageFromResponse: [tm.usageFromResponse, [{ usage: { prompt_tokens: 1, completion_tokens: 1 } }]],
  projectCost: [tm.projectCost, [{ model: "gpt-4o", requestsPerDay: 10, inputTokens: 10, outputTokens: 5 }]],
  compareModels: [tm.compareModels, [{ model: "gpt-4o", requestsPerDay: 10, inputTokens: 10, outputTokens: 5 }, { models: ["gpt-4o"] }]],
  suggestModel: [tm.suggestModel, ["hello", {}]],
  trimMessages: [tm.trimMessages, [GOOD_MESSAGES, { model: "gpt-4o" }]],
  truncateText: [tm.truncateText, ["hello world", 1, { model: "gpt-4o" }]],
  selectChunks: [tm.selectChunks, [["a", "b"], { model: "gpt-4o", budget: 5 }]],
  splitByTokens: [tm.splitByTokens, ["hello world", { model: "gpt-4o", chunkTokens: 1 }]],
  preflight: [tm.preflight, [{ model: "gpt-4o", messages: GOOD_MESSAGES }, {}]],
  requestCacheKey: [tm.requestCacheKey, [{ model: "gpt-4o", messages: GOOD_MESSAGES, temperature: 0 }, {}]],
  compressPrompt: [tm.compressPrompt, ["Please note that this is a test.", { level: "balanced" }]],
  compressMessages: [tm.compressMessages, [GOOD_MESSAGES, {}]],
  Tokenizer: [(o) => new tm.Tokenizer(o).free(), [{ model: "gpt-4o" }]],
  "Tokenizer.count": [(t) => tokenizer.count(t), ["hello"]],
  "Tokenizer.isWithinTokenLimit": [(t, l) => tokenizer.isWithinTokenLimit(t, l), ["hello", 5]],
  BudgetLedger: [(c) => new tm.BudgetLedger(c).free(), [{ perKeyDailyUsd: 1 }]],
  "BudgetLedger.record": [(k, u, o) => ledger.record(k, u, o), ["u1", { model: "gpt-4o", inputTokens: 1 }, {}]],
  "BudgetLedger.check": [(k, o) => ledger.check(k, o), ["u1", {}]],
  "BudgetLedger.fromJSON": [(j) => tm.BudgetLedger.fromJSON(j).free(), [ledger.toJSON()]],
};

function stillWorks() {
  assert.equal(tm.countTokens("hello world"), 2);
  assert.equal(tm.countChatTokens(GOOD_MESSAGES, { model: "gpt-4o" }), 8);
  // 1,000 tokens at gpt-4o's $2.50 per 1M input tokens.
  assert.equal(tm.estimateCost({ model: "gpt-4o", inputTokens: 1000, outputTokens: 0 }, { pricing: { input: 2.5, output: 10 } }).total, 0.0025);
}

// The bad values a call accepts, by argument position: any string where the
// argument is a text (a text can be anything, an empty or broken one
// included), and nothing at all where the argument is an optional options
// object. Every other bad value must throw a coded error: a call that
// returns instead fails the test.
const TEXT = ["empty string", "string", "lone surrogate"];
const ABSENT = ["undefined", "null"];
const ACCEPTED = {
  countTokens: [TEXT, ABSENT],
  encode: [TEXT, ABSENT],
  decode: [[], ABSENT],
  encodingForModel: [[]],
  tokenizerInfo: [[]],
  countChatTokens: [[], []],
  isWithinTokenLimit: [TEXT, [], ABSENT],
  getModel: [[]],
  registerModels: [[]],
  estimateCost: [[], ABSENT],
  usageFromResponse: [[]],
  projectCost: [[]],
  compareModels: [[], ABSENT],
  suggestModel: [TEXT, ABSENT],
  trimMessages: [[], []],
  truncateText: [TEXT, [], ABSENT],
  selectChunks: [[], []],
  splitByTokens: [TEXT, []],
  preflight: [[], ABSENT],
  // A request with the __proto__ and constructor keys and a model, but no
  // temperature: sampled, so no key (null) before anything else is read.
  requestCacheKey: [["proto keys"], ABSENT],
  compressPrompt: [TEXT, ABSENT],
  compressMessages: [[], ABSENT],
  Tokenizer: [ABSENT],
  "Tokenizer.count": [TEXT],
  "Tokenizer.isWithinTokenLimit": [TEXT, []],
  BudgetLedger: [ABSENT],
  // A key is any non-empty string (record refuses "", check answers for it).
  "BudgetLedger.record": [["string", "lone surrogate"], [], ABSENT],
  "BudgetLedger.check": [TEXT, ABSENT],
  "BudgetLedger.fromJSON": [[]],
};

test("every function, every argument, every bad value: a coded error, or a result only where the value is acceptable", () => {
  // Every function the matrix names is exported, and every exported function is in the matrix.
  for (const [name, [fn]] of Object.entries(CALLS)) assert.equal(typeof fn, "function", name);
  for (const name of ["countTokens", "encode", "decode", "encodingForModel", "tokenizerInfo", "countChatTokens",
    "isWithinTokenLimit", "getModel", "registerModels", "estimateCost", "usageFromResponse", "projectCost", "compareModels",
    "suggestModel", "trimMessages", "truncateText", "selectChunks", "splitByTokens", "preflight", "requestCacheKey",
    "compressPrompt", "compressMessages"]) {
    assert.equal(typeof tm[name], "function", `tokenmeter exports ${name}`);
    assert.ok(name in CALLS, `${name} is in the matrix`);
  }
  assert.deepEqual(Object.keys(ACCEPTED).sort(), Object.keys(CALLS).sort());
  let errors = 0;
  let calls = 0;
  for (const [name, [fn, good]] of Object.entries(CALLS)) {
    fn(...good); // the good call works
    assert.equal(ACCEPTED[name].length, good.length, `${name}: one list per argument`);
    for (let position = 0; position < good.length; position++) {
      for (const [label, bad] of BAD) {
        const args = [...good];
        args[position] = bad;
        const where = `${name} arg ${position} = ${label}`;
        const accepted = ACCEPTED[name][position].includes(label);
        calls++;
        let threw = null;
        try {
          fn(...args);
        } catch (e) {
          threw = e;
        }
        if (threw === null) {
          assert.ok(accepted, `${where}: returned instead of throwing a coded error`);
        } else {
          errors++;
          const e = threw;
          assert.ok(!accepted, `${where}: threw ${e.code}: ${e.message}, but the value is acceptable there`);
          assert.ok(e instanceof Error, `${where}: threw a non-Error ${e}`);
          assert.equal(e.name, "TokenmeterError", `${where}: ${e.name}: ${e.message}`);
          assert.ok(CODES.has(e.code), `${where}: code ${e.code}`);
          assert.ok(e.field === null || typeof e.field === "string", where);
          assert.doesNotMatch(e.message, /panicked|unwrap|called `|\.rs:|RuntimeError|unreachable/, where);
        }
        stillWorks();
      }
    }
  }
  // 29 calls, 51 argument positions, 23 bad values each.
  assert.equal(calls, 51 * BAD.length);
  assert.equal(errors, calls - Object.values(ACCEPTED).flat(2).length);
  assert.equal({}.polluted, undefined, "no prototype pollution");
});

// 64 KiB of varied sentences (words, numbers, punctuation, accented, Cyrillic
// and CJK words, an emoji, placeholders) ending in ".\n", from a fixed seed.
function variedBlock() {
  const words = ("the of and to in is that for it as was with be by on not this are or from at which but have an they " +
    "token budget ledger window context model prompt request reply cost price cache batch tier stream 2025 42 3.14 1,000 " +
    "naïve café résumé Straße über Привет мир 東京 データ 😀 <tag> {x} $var id_42 camelCase snake_case CONST").split(" ");
  let seed = 12345;
  const pick = (n) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  let text = "";
  while (text.length < 65_536) {
    let sentence = "Now";
    for (let n = 3 + pick(14); n > 0; n--) sentence += (pick(9) ? " " : ", ") + words[pick(words.length)];
    text += sentence + (pick(5) ? ". " : ".\n");
  }
  return text.slice(0, 65_533).trimEnd().padEnd(65_534, "z") + ".\n";
}

// The point is the size: 50 MB through every path that takes a string. Varied
// text, because a run of one character is the BPE merge's worst case (50 MB
// of "x" took 39 s in countTokens alone); that case is tested natively
// (tests/parity.rs, examples/worst_case.rs).
test("a 50 MB string is counted or refused, never a trap", () => {
  const block = variedBlock();
  assert.equal(block.length, 64 * 1024);
  const big = block.repeat(800);
  assert.equal(big.length, 50 * 1024 * 1024);
  // Blocks end in ".\n" and start with a word, so they tokenize apart.
  const perBlock = tm.countTokens(block);
  const results = [];
  for (const call of [() => tm.countTokens(big), () => tm.isWithinTokenLimit(big, 10), () => tm.truncateText(big, 3, {}),
    () => tm.countChatTokens([{ role: "user", content: big.slice(0, 5_000_000) }], { model: "gpt-4o" })]) {
    try {
      const r = call();
      assert.ok(r !== undefined);
      results.push(r);
    } catch (e) {
      assert.equal(e.name, "TokenmeterError", e.message);
      results.push(e.code);
    }
    stillWorks();
  }
  assert.deepEqual(results.slice(0, 2), [800 * perBlock, false]);
  // No model or encoding: o200k_base, as countTokens.
  assert.ok(tm.countTokens(results[2]) <= 3 && big.startsWith(results[2]), results[2]);
  assert.ok(results[3] > 5_000_000 / 8, `countChatTokens of 5 MB: ${results[3]}`);
});

// One run with no break costs about 20 bytes of wasm memory per byte while it
// merges: 200 MB of spaces trapped the instance (out of its 4 GiB) before
// inputs were capped at 64 MiB of UTF-8.
test("past 64 MiB of UTF-8 a text is refused by name, before it can exhaust wasm memory", () => {
  const cases = [
    [() => tm.countTokens(" ".repeat(200e6)), "text"],
    [() => tm.encode("中".repeat(30 * 1024 * 1024)), "text"], // 30 Mi chars, 90 MiB of UTF-8
    [() => tm.countChatTokens([{ role: "user", content: " ".repeat(70e6) }], { model: "gpt-4o" }), "messages"],
    [() => new tm.Tokenizer({ encoding: "cl100k_base" }).count("x".repeat(65 * 1024 * 1024)), "text"],
  ];
  for (const [call, field] of cases) {
    assert.throws(call, (e) => e.name === "TokenmeterError" && e.code === "INVALID_ARGUMENT" && e.field === field && /64 MiB/.test(e.message));
    stillWorks();
  }
  // Just under the limit still counts, even as one run of a repeated character.
  assert.equal(tm.countTokens(" ".repeat(64 * 1024 * 1024)), 524288);
  // An early answer needs no more than a prefix, whatever the length.
  assert.equal(tm.isWithinTokenLimit("word ".repeat(40e6), 10), false);
  stillWorks();
});

// JSON has no NaN or Infinity: they must be named as what they are, at their
// full path, in isWithinTokenLimit("x", NaN)'s words ("got NaN"), wherever
// they are passed, instead of "got a string" or a serde message about the
// whole object.
test("NaN and Infinity are named, at their path, everywhere", () => {
  const spec = (prices) => [{ id: "m-nan", contextWindow: 100, maxOutputTokens: 10, prices }];
  const request = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };
  for (const [bad, name] of [[NaN, "NaN"], [Infinity, "Infinity"], [-Infinity, "-Infinity"]]) {
    const cases = [
      [() => tm.isWithinTokenLimit("x", bad), "INVALID_ARGUMENT", "limit"],
      [() => tm.estimateCost({ model: "gpt-4o", inputTokens: bad, outputTokens: 1 }), "INVALID_ARGUMENT", "inputTokens"],
      [() => tm.estimateCost({ model: "gpt-4o", inputTokens: 1, outputTokens: bad }), "INVALID_ARGUMENT", "outputTokens"],
      [() => tm.projectCost({ model: "gpt-4o", requestsPerDay: bad, inputTokens: 1, outputTokens: 1 }), "INVALID_ARGUMENT", "requestsPerDay"],
      [() => tm.preflight({ ...request, max_tokens: bad }), "INVALID_ARGUMENT", "request.max_tokens"],
      [() => tm.preflight(request, { budget: { limitUsd: bad } }), "INVALID_ARGUMENT", "options.budget.limitUsd"],
      [() => tm.preflight(request, { pricing: { input: bad, output: 1 } }), "INVALID_ARGUMENT", "options.pricing.input"],
      [() => new tm.BudgetLedger({ perKeyDailyUsd: bad }), "INVALID_ARGUMENT", "config.perKeyDailyUsd"],
      [() => tm.registerModels(spec({ input: bad, output: 1 })), "INVALID_CATALOGUE", "specs[0].prices.input"],
      [() => tm.trimMessages([{ role: "user", content: "hi" }], { model: "gpt-4o", maxContextTokens: bad }), "INVALID_ARGUMENT", "options.maxContextTokens"],
      [() => tm.countChatTokens([{ role: "user", content: bad }], { model: "gpt-4o" }), "INVALID_ARGUMENT", "messages[0].content"],
      [() => tm.countChatTokens([{ role: "user", content: "hi", name: bad }], { model: "gpt-4o" }), "INVALID_ARGUMENT", "messages[0].name"],
    ];
    for (const [call, code, field] of cases) {
      let error;
      try {
        call();
      } catch (e) {
        error = e;
      }
      assert.ok(error, `${field} = ${name}: no error`);
      assert.deepEqual([error.code, error.field], [code, field], error.message);
      assert.ok(error.message.startsWith(`${field}: `), error.message);
      assert.ok(error.message.endsWith(`got ${name}`), error.message);
      stillWorks();
    }
  }
});

// The same messages, word for word, since the binding took NaN and the
// infinities out of the Rust API (it names them by path, from a stand-in
// value), and the cases that came out wrong before: a NaN where a string or a
// boolean belongs, or read by serde (a ledger), or in a Number object.
test("NaN and Infinity: the exact messages, wherever they are read", () => {
  const request = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };
  const spec = (prices) => [{ id: "m-nan", contextWindow: 100, maxOutputTokens: 10, prices }];
  const entry = ["2026-11-22", "k", "gpt-4o", "", "1", NaN, 1, 1];
  const cases = [
    [() => tm.isWithinTokenLimit("x", NaN), "limit: must be a whole number from 0 to 2^53-1, got NaN"],
    [() => tm.estimateCost({ model: "gpt-4o", inputTokens: NaN, outputTokens: 1 }), "inputTokens: must be a whole number of tokens, got NaN"],
    [() => tm.projectCost({ model: "gpt-4o", requestsPerDay: NaN, inputTokens: 1, outputTokens: 1 }), "requestsPerDay: must be a number, got NaN"],
    [() => tm.projectCost({ model: "gpt-4o", requestsPerDay: 1, inputTokens: 1, days: Infinity }), "days: must be a number, got Infinity"],
    [() => tm.projectCost({ model: "gpt-4o", requestsPerDay: 1, inputTokens: 1, pricing: { input: NaN, output: 1 } }), "pricing.input: must be a finite number, got NaN"],
    [() => tm.preflight({ ...request, max_tokens: NaN }), "request.max_tokens: must be a number, got NaN"],
    [() => tm.preflight({ ...request, messages: [{ role: -Infinity, content: "hi" }] }), "request.messages[0].role: must be a string, got -Infinity"],
    [() => tm.preflight({ ...request, tools: [{ name: "f", parameters: NaN }] }), "request.tools[0].parameters: must be a JSON schema object"],
    [() => tm.preflight({ ...request, tools: [{ name: "f", parameters: { type: "object", properties: { x: { type: "number", default: NaN } } } }] }), "request.tools[0].parameters.properties.x.default: must be a finite number, got NaN"],
    [() => tm.countChatTokens(request.messages, { model: "gpt-4o", tools: [{ name: "f", parameters: { type: "object", properties: { x: { enum: [Infinity] } } } }] }), "options.tools[0].parameters.properties.x.enum[0]: must be a finite number, got Infinity"],
    [() => tm.preflight(request, { budget: { limitUsd: NaN } }), "options.budget.limitUsd: must be a finite number, got NaN"],
    [() => tm.preflight(request, { pricing: { input: NaN, output: 1 } }), "options.pricing.input: must be a finite number, got NaN"],
    [() => new tm.BudgetLedger({ perKeyDailyUsd: NaN }), "config.perKeyDailyUsd: must be a finite number, got NaN"],
    [() => tm.registerModels(spec({ input: NaN, output: 1 })), "specs[0].prices.input: must be a finite number, got NaN", "INVALID_CATALOGUE"],
    [() => tm.trimMessages([{ role: "user", content: "hi" }], { model: "gpt-4o", maxContextTokens: NaN }), "options.maxContextTokens: must be a finite number, got NaN"],
    [() => tm.countChatTokens(NaN, { model: "gpt-4o" }), "messages: must be an array of messages, got NaN"],
    [() => tm.countChatTokens([NaN], { model: "gpt-4o" }), "messages[0]: must be a message object, got NaN"],
    [() => tm.countChatTokens([{ role: "user", content: NaN }], { model: "gpt-4o" }), "messages[0].content: must be a string, an array of content parts or null, got NaN"],
    [() => tm.countChatTokens([{ role: "user", content: "hi", name: NaN }], { model: "gpt-4o" }), "messages[0].name: must be a string, got NaN"],
    [() => tm.countChatTokens([{ role: "user", content: [NaN] }], { model: "gpt-4o" }), "messages[0].content[0]: must be a content part object, got NaN"],
    [() => tm.countChatTokens([{ role: "user", content: "x", tool_calls: Infinity }], { model: "gpt-4o" }), "messages[0].tool_calls: must be an array, got Infinity"],
    [() => tm.usageFromResponse({ usage: { prompt_tokens: NaN } }), "usage.prompt_tokens: must be a number, got NaN"],
    [() => tm.estimateCost({ model: "gpt-4o", inputTokens: 1, cacheWriteTtl: NaN }), "cacheWriteTtl: must be a string, got NaN"],
    [() => tm.estimateCost(NaN), "request: must be an object, got NaN"],
    // Wrong before: a string or a boolean field took the marker, serde named
    // the marker, a Number object became null.
    [() => tm.countChatTokens([{ role: "user", content: [{ type: NaN }] }], { model: "gpt-4o" }), "messages[0].content[0].type: must be a content part type (text, image_url), got NaN"],
    [() => tm.selectChunks(["a", NaN], { budget: 5 }), "chunks[1]: must be a string, got NaN"],
    [() => tm.estimateCost({ model: "gpt-4o", inputTokens: 1, batch: NaN }), "batch: must be a boolean, got NaN"],
    [() => tm.estimateCost({ model: NaN, inputTokens: 1 }), "model: is required (a model id string)"],
    [() => tm.estimateCost({ model: "gpt-4o", messages: [{ role: "user", content: Infinity }] }), "messages[0].content: must be a string, an array of content parts or null, got Infinity"],
    [() => tm.estimateCost({ model: "gpt-4o", inputTokens: new Number(NaN) }), "inputTokens: must be a whole number of tokens, got NaN"],
    [() => new tm.BudgetLedger({ perKeyDailyUsd: 1 }).record("k", { model: "gpt-4o", inputTokens: 1, batch: Infinity }), "usage.batch: must be a boolean, got Infinity"],
    [() => tm.BudgetLedger.fromJSON({ version: 1, config: {}, entries: [entry] }), "json.entries[0][5]: must be a finite number, got NaN", "INVALID_LEDGER"],
  ];
  for (const [call, message, code = "INVALID_ARGUMENT"] of cases) {
    let error;
    try {
      call();
    } catch (e) {
      error = e;
    }
    assert.ok(error, `${message}: no error`);
    assert.deepEqual([error.code, error.message, error.field], [code, message, message.split(": ")[0]]);
    stillWorks();
  }
  // A NaN the Rust API does not read passes, and does not come back as
  // anything else.
  assert.equal(tm.usageFromResponse({ model: NaN, usage: { prompt_tokens: 1, completion_tokens: 2 } }).model, null);
  assert.equal(tm.countChatTokens([{ role: "user", content: "hi", score: NaN }], { model: "gpt-4o" }), 8);
});

// The binding marks NaN in the JSON it builds with a NUL; a string of the
// caller's that starts with one is still that string, everywhere.
test("a string that starts with a NUL is a string, not a NaN", () => {
  const count = (content) => tm.countChatTokens([{ role: "user", content }], { model: "gpt-4o" });
  for (const s of ["\0NaN", "\0Infinity", "\0-Infinity", "\0\0NaN", "\0"]) {
    assert.equal(count(s), 3 + tm.countTokens("user") + tm.countTokens(s) + 3, JSON.stringify(s));
    assert.equal(count(new String(s)), count(s));
    assert.deepEqual(tm.selectChunks([s], { budget: 100 }).indices, [0]);
  }
  const key = (top_p) => tm.requestCacheKey({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], temperature: 0, top_p });
  const keys = ["\0NaN", "\0\0NaN", "NaN", "\0Infinity", true].map(key);
  assert.equal(new Set(keys).size, keys.length, "distinct values, distinct keys");
  assert.throws(() => key(NaN), (e) => e.field === "request.top_p");
  const r = tm.compressMessages([{ role: "user", content: "\0NaN" }, { role: "user", content: "x", tag: "\0Infinity" }], { model: "gpt-4o" });
  assert.deepEqual(r.messages.map((m) => [m.content, m.tag]), [["\0NaN", undefined], ["x", "\0Infinity"]]);
});
