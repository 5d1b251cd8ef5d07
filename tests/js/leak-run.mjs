// The workloads of leak.test.mjs, run in a child `node --expose-gc` so that
// memory can be measured after a full collection. Not a test file itself
// (test-js.sh runs *.test.mjs only). Usage:
//   node --expose-gc leak-run.mjs mixed [calls]    a million mixed calls
//   node --expose-gc leak-run.mjs finalize [rounds] objects dropped without free()
// Prints one JSON line with the measurements; the test asserts on them.
import * as tm from "tokenmeter";

if (typeof globalThis.gc !== "function") throw new Error("run with node --expose-gc");

// initSync() returns the instance's exports once the entry has loaded the
// module: the wasm memory and the table of JS values held by Rust.
const wasm = tm.initSync();
const tick = () => new Promise((resolve) => setImmediate(resolve));
async function collect() {
  // Finalizers run on later turns of the event loop, and freeing one object
  // can make others collectable: collect, yield, several times.
  for (let i = 0; i < 6; i++) {
    globalThis.gc();
    await tick();
  }
}
function sample() {
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return {
    rss,
    heapUsed,
    external: external - arrayBuffers,
    wasmMemory: wasm.memory.buffer.byteLength,
    externrefs: wasm.__wbindgen_externrefs.length,
  };
}

// ---- cheap inputs, one of each kind ----------------------------------------
const SHORT = "The quick brown fox jumps over the lazy dog. 42 times!";
const MESSAGES = [
  { role: "system", content: "You are a helpful assistant." },
  { role: "user", content: "What is the weather in Paris?", name: "ann" },
  { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" } }] },
  { role: "tool", tool_call_id: "c1", content: "18 C, cloudy" },
];
const TOOLS = [{
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" }, unit: { type: "string", enum: ["c", "f"] } }, required: ["city"] },
  },
}];
const HISTORY = [{ role: "system", content: "Be brief." }];
for (let i = 0; i < 8; i++) HISTORY.push({ role: i % 2 ? "assistant" : "user", content: `Turn ${i}: a few words about the topic.` });
const VERBOSE = "Please note that in order to finish the task, you should basically summarise the text.";
const REQUEST = { model: "gpt-4o-mini", messages: MESSAGES.slice(0, 2), max_tokens: 50, temperature: 0 };
const SNAPSHOT_LEDGER = new tm.BudgetLedger({ perKeyDailyUsd: 5, globalDailyUsd: 100 });
const NOW = Date.UTC(2025, 0, 15, 12);
SNAPSHOT_LEDGER.record("seed", { model: "gpt-4o", inputTokens: 100, outputTokens: 10 }, { now: NOW });
const SNAPSHOT = SNAPSHOT_LEDGER.toJSON();
const FREED_TOKENIZER = new tm.Tokenizer();
FREED_TOKENIZER.free();
const FREED_LEDGER = new tm.BudgetLedger();
FREED_LEDGER.free();
const LONG_LIVED = new tm.BudgetLedger({ perKeyDailyUsd: 1000, keyLimitsUsd: { vip: 5000 } });

function expectCode(fn, code) {
  try {
    fn();
  } catch (e) {
    if (e.name !== "TokenmeterError" || e.code !== code) throw new Error(`expected ${code}, got ${e.name} ${e.code}: ${e.message}`);
    return;
  }
  throw new Error(`expected ${code}, got a result`);
}

// Each step makes a few calls and returns how many.
const STEPS = [
  () => (tm.countTokens(SHORT, { model: "gpt-4o" }), 1),
  () => (tm.countTokens(SHORT, { encoding: "cl100k_base" }), 1),
  () => (tm.countTokens(SHORT, { model: "claude-sonnet-4" }), 1), // an estimate
  () => (tm.countTokens("<|endoftext|> hi", { encoding: "o200k_harmony", allowedSpecial: "all" }), 1),
  () => {
    const ids = tm.encode(SHORT, { encoding: "cl100k_base" });
    if (tm.decode(ids, { encoding: "cl100k_base" }) !== SHORT) throw new Error("round trip");
    return 2;
  },
  () => (tm.decode([15339, 1917], { model: "gpt-4" }), 1),
  () => (tm.countChatTokens(MESSAGES, { model: "gpt-4o", tools: TOOLS }), 1),
  () => (tm.countChatTokens(MESSAGES.slice(0, 2), { model: "gpt-4" }), 1),
  () => (tm.isWithinTokenLimit(SHORT, 5, { model: "gpt-4o" }), 1),
  () => (tm.estimateCost({ model: "gpt-4o", inputTokens: 1200, cachedInputTokens: 1000, outputTokens: 80, reasoningTokens: 20 }), 1),
  () => (tm.estimateCost({ model: "claude-sonnet-4", messages: MESSAGES.slice(0, 2), outputTokens: 30, cacheWriteTokens: 10, cacheWriteTtl: "1h" }), 1),
  () => (tm.estimateCost(tm.usageFromResponse({ model: "gpt-4o", usage: { prompt_tokens: 12, completion_tokens: 3 } })), 2),
  () => (tm.projectCost({ model: "gpt-4o-mini", requestsPerDay: 1000, inputTokens: 500, outputTokens: 100 }), 1),
  () => (tm.trimMessages(HISTORY, { model: "gpt-4o-mini", maxContextTokens: 60, reserveOutputTokens: 10, summary: "Earlier turns." }), 1),
  () => (tm.truncateText(SHORT, 5, { model: "gpt-4o", keep: "middle" }), 1),
  () => (tm.splitByTokens(SHORT, { model: "gpt-4o", chunkTokens: 4, overlapTokens: 1 }), 1),
  () => (tm.selectChunks(["alpha", "beta gamma", "delta"], { model: "gpt-4o", budget: 4 }), 1),
  () => (tm.compressPrompt(VERBOSE, { level: "balanced" }), 1),
  () => (tm.preflight(REQUEST, { budget: { limitUsd: 1, spentUsd: 0.5 } }), 1),
  () => (tm.requestCacheKey(REQUEST), 1),
  () => (tm.requestCacheKey({ ...REQUEST, temperature: 0.7 }, { force: true }), 1),
  () => (tm.tokenizerInfo("gemini-2.5-pro"), tm.encodingForModel("gpt-4.1"), tm.getModel("gpt-4o"), 3),
  () => (tm.compareModels({ model: "gpt-4o", requestsPerDay: 100, inputTokens: 500, outputTokens: 50 }, { models: ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4"] }), 1),
  () => (tm.suggestModel("Debug this step by step: why does my loop never end?"), 1),
  () => (tm.compressMessages(HISTORY.slice(0, 3), { level: "aggressive" }), 1),
  () => (tm.isWithinTokenLimit(MESSAGES, 1000, { model: "gpt-4o", tools: TOOLS }), 1),
  (i) => {
    // Register and drop a custom model (the catalogue is replaced each time).
    tm.registerModels([{ id: `custom-${i % 4}`, contextWindow: 8000, maxOutputTokens: 1000, prices: { input: 1, output: 2 } }]);
    tm.estimateCost({ model: `custom-${i % 4}`, inputTokens: 100, outputTokens: 10 });
    tm.resetModels();
    return 3;
  },
  (i) => {
    // A tokenizer per request, freed; every 8th left to the garbage collector.
    const t = new tm.Tokenizer(i & 1 ? { model: "gpt-4o" } : { encoding: "cl100k_base" });
    t.count(SHORT);
    t.decode(t.encode(SHORT));
    t.isWithinTokenLimit(SHORT, 5);
    if (i % 8 === 0) return 5;
    t.free();
    return 6;
  },
  (i) => {
    // A long-lived ledger with a bounded set of keys (one day).
    LONG_LIVED.record(`user-${i % 64}`, { model: "gpt-4o-mini", inputTokens: 100, outputTokens: 20 }, { now: NOW, feature: "chat" });
    LONG_LIVED.check(i % 2 ? "vip" : `user-${i % 64}`, { now: NOW });
    if (i % 16 === 0) return (LONG_LIVED.report(), 3);
    return 2;
  },
  (i) => {
    // A ledger per request from a snapshot (a Durable Object's pattern).
    const l = tm.BudgetLedger.fromJSON(SNAPSHOT);
    l.record("u", { model: "gpt-4o", inputTokens: 10, outputTokens: 1 }, { now: NOW });
    l.toJSON();
    if (i % 8 === 0) return 3; // left to the garbage collector
    l.free();
    return 4;
  },
  // Coded errors: each allocates an Error, a message and Rust-side strings.
  () => (expectCode(() => tm.countTokens(SHORT, { model: "no-such-model" }), "UNKNOWN_MODEL"), 1),
  () => (expectCode(() => tm.countTokens(SHORT, { encoding: "r50k_base" }), "ENCODING_NOT_BUNDLED"), 1),
  () => (expectCode(() => tm.countTokens(SHORT, { encoding: "nope" }), "UNKNOWN_ENCODING"), 1),
  () => (expectCode(() => tm.decode([2 ** 31], { encoding: "o200k_base" }), "INVALID_TOKEN"), 1),
  () => (expectCode(() => tm.estimateCost({ model: "gpt-4o", inputTokens: -1 }), "INVALID_ARGUMENT"), 1),
  () => (expectCode(() => tm.countChatTokens([{ role: "tool", content: "no call" }], { model: "gpt-4o" }), "INVALID_ARGUMENT"), 1),
  () => (expectCode(() => tm.trimMessages(HISTORY, { model: "gpt-4o", maxContextTokens: 5, onOverflow: "error" }), "CONTEXT_OVERFLOW"), 1),
  () => (expectCode(() => tm.BudgetLedger.fromJSON("{not json"), "INVALID_LEDGER"), 1),
  () => (expectCode(() => new tm.Tokenizer({ model: "gpt-4o", colour: "red" }), "INVALID_ARGUMENT"), 1),
  // Use after free(): a coded error thrown before the call reaches wasm.
  () => (expectCode(() => FREED_TOKENIZER.count(SHORT), "INVALID_ARGUMENT"), 1),
  () => (expectCode(() => FREED_LEDGER.record("u", { model: "gpt-4o", inputTokens: 1 }), "INVALID_ARGUMENT"), 1),
];

async function mixed(total) {
  const warmup = Math.floor(total / 10);
  const started = performance.now();
  const before = sample();
  let calls = 0;
  let step = 0;
  let warm = null;
  let warmAt = 0;
  const samples = [];
  let nextYield = 10_000;
  while (calls < total) {
    calls += STEPS[step % STEPS.length](step);
    step++;
    if (calls >= nextYield) {
      nextYield += 10_000;
      await tick(); // a server yields to the event loop; finalizers run here
      if (warm === null && calls >= warmup) {
        await collect();
        warm = sample();
        warmAt = calls;
      } else if (warm !== null && calls % 100_000 < 10_000) {
        await collect();
        samples.push({ calls, ...sample() });
      }
    }
  }
  await collect();
  const end = sample();
  // The module still answers correctly after it all.
  if (tm.countTokens("hello world") !== 2) throw new Error("wrong count after the run");
  return { calls, steps: step, kinds: STEPS.length, seconds: (performance.now() - started) / 1000, warmAt, before, warm, end, samples };
}

async function finalize(rounds) {
  // Each round makes objects that own real wasm memory (a ledger with 50
  // keys is several KB) and drops them without free().
  const PER_ROUND = 1_000;
  const ledgerState = new tm.BudgetLedger({ perKeyDailyUsd: 10 });
  for (let k = 0; k < 50; k++) ledgerState.record(`key-${k}`, { model: "gpt-4o", inputTokens: 10, outputTokens: 1 }, { now: NOW, feature: `f${k % 7}` });
  const json = JSON.stringify(ledgerState.toJSON());
  ledgerState.free();

  let collected = 0;
  const watcher = new FinalizationRegistry(() => collected++);
  function makeRound() {
    const kept = [];
    for (let i = 0; i < PER_ROUND; i++) {
      const l = tm.BudgetLedger.fromJSON(json);
      const t = new tm.Tokenizer({ model: i & 1 ? "gpt-4o" : "gpt-4" });
      t.count(SHORT);
      watcher.register(l, 0);
      watcher.register(t, 0);
      kept.push(l, t);
    }
    return kept;
  }
  await collect();
  const start = sample();
  // One round held alive: what a round costs in wasm memory.
  let held = makeRound();
  await collect();
  const oneRoundHeld = sample();
  held = null;
  await collect();
  const perRound = [];
  for (let r = 0; r < rounds; r++) {
    makeRound(); // dropped at once
    await collect();
    perRound.push(sample());
  }
  // One last use: the module answers after thousands of finalizers ran.
  if (new tm.Tokenizer({ model: "gpt-4o" }).count("hello world") !== 2) throw new Error("wrong count");
  return { rounds, perRoundObjects: 2 * PER_ROUND, created: 2 * PER_ROUND * (rounds + 1), collected, start, oneRoundHeld, perRound };
}

const [mode, n] = process.argv.slice(2);
const result = mode === "mixed" ? await mixed(Number(n ?? 1_000_000))
  : mode === "finalize" ? await finalize(Number(n ?? 10))
  : null;
if (!result) throw new Error(`unknown mode ${mode}`);
console.log(JSON.stringify(result));
