// No leaks: a million mixed calls keep memory flat after a warm-up, objects
// dropped without free() are freed by the FinalizationRegistry, and a freed
// object's methods throw a coded error instead of trapping the instance. The
// workloads run in a child `node --expose-gc` (leak-run.mjs), so that memory
// is measured after full collections; the figures (RSS, JS heap, wasm memory,
// the externref table) are printed as test diagnostics, the report
// docs/performance.md quotes ("Memory").
//
// No threshold on an amount of memory: RSS and the JS heap move with the
// machine and the collector, so they are only reported. What is asserted
// cannot flake: wasm memory never shrinks and grows by whole pages, and the
// externref table only grows, so a leak makes them grow at every sample; a
// steady state stops growing. Each is asserted to grow at no more than half
// of the samples after warm-up, and the finalizer rounds to reuse the memory
// of the first (the count of finalized objects is counted, not measured).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tm from "tokenmeter";

const MB = (n) => `${(n / 2 ** 20).toFixed(1)} MiB`;
const pct = (a, b) => `${((b / a - 1) * 100).toFixed(1)}%`;

function run(...args) {
  const script = fileURLToPath(new URL("./leak-run.mjs", import.meta.url));
  try {
    const out = execFileSync(process.execPath, ["--expose-gc", script, ...args], {
      cwd: fileURLToPath(new URL(".", import.meta.url)),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return JSON.parse(out.trim().split("\n").at(-1));
  } catch (e) {
    throw new Error(`leak-run.mjs ${args.join(" ")} failed: ${e.stderr || e.message}`);
  }
}

test("a million mixed calls: wasm memory and the table of JS values stop growing after warm-up (RSS reported)", { timeout: 600_000 }, (t) => {
  const r = run("mixed", "1000000");
  const { warm, end } = r;
  t.diagnostic(`${r.calls} calls (${r.kinds} kinds of step, ${r.warmAt} of warm-up) in ${r.seconds.toFixed(1)} s`);
  t.diagnostic(`RSS after warm-up ${MB(warm.rss)}, at the end ${MB(end.rss)} (${pct(warm.rss, end.rss)}); ` +
    `largest sample ${MB(Math.max(...r.samples.map((s) => s.rss)))}`);
  t.diagnostic(`wasm memory after warm-up ${MB(warm.wasmMemory)}, at the end ${MB(end.wasmMemory)}; ` +
    `JS values held by wasm: table of ${warm.externrefs} -> ${end.externrefs}`);
  assert.ok(r.calls >= 1_000_000);
  // After warm-up, samples every 100,000 calls (the end is taken at the last
  // sample's call count, so it is not a step of its own). A leak grows wasm
  // memory (and, for JS values, the externref table) at every step; a steady
  // state at few or none. Growth at no more than half of the steps cannot
  // flake, and a leak of even one ledger a step fails it (tried: 9 of 9).
  const series = [warm, ...r.samples];
  assert.ok(series.length >= 8, `only ${series.length} samples`);
  const growthSteps = (key) => series.slice(1).filter((s, i) => s[key] > series[i][key]).length;
  const steps = series.length - 1;
  t.diagnostic(`wasm memory by sample: ${series.map((s) => MB(s.wasmMemory)).join(", ")}`);
  assert.ok(growthSteps("wasmMemory") * 2 <= steps, `wasm memory grew at ${growthSteps("wasmMemory")} of ${steps} samples: ${series.map((s) => MB(s.wasmMemory)).join(", ")}`);
  assert.ok(growthSteps("externrefs") * 2 <= steps, `the externref table grew at ${growthSteps("externrefs")} of ${steps} samples: ${series.map((s) => s.externrefs).join(", ")}`);
});

test("Tokenizer and BudgetLedger objects dropped without free() are freed by the garbage collector", { timeout: 300_000 }, (t) => {
  // The glue registers both classes with a FinalizationRegistry that frees the
  // Rust side (wasm-bindgen --weak-refs, scripts/build.sh).
  const glue = readFileSync(new URL("./tokenmeter.js", import.meta.resolve("tokenmeter")), "utf8");
  for (const cls of ["tokenizer", "budgetledger"]) {
    // (minified: the parameter and the module variable have short names)
    assert.match(glue, new RegExp(`new FinalizationRegistry\\(\\(?(\\w+)\\)? ?=> ?\\w+\\.__wbg_${cls}_free\\(\\1\\b`), cls);
  }
  const r = run("finalize", "10");
  const round = r.oneRoundHeld.wasmMemory - r.start.wasmMemory;
  const last = r.perRound.at(-1);
  const growth = last.wasmMemory - r.oneRoundHeld.wasmMemory;
  t.diagnostic(`one round (${r.perRoundObjects} objects) held: wasm memory +${MB(round)}; ` +
    `${r.rounds} more rounds dropped without free(): +${MB(growth)}; finalized ${r.collected} of ${r.created}`);
  t.diagnostic(`RSS with one round held ${MB(r.oneRoundHeld.rss)}, after ${r.rounds} dropped rounds ${MB(last.rss)}`);
  // Work done: a round of objects held alive really takes wasm memory (else
  // the rounds below would show nothing).
  assert.ok(round > 0, `a round held takes no wasm memory`);
  // Unfreed, every dropped round would grow wasm memory by about a round;
  // freed, the rounds reuse the memory of the first. Growing at no more than
  // half of the rounds is what a steady state looks like, and cannot flake.
  const series = [r.oneRoundHeld, ...r.perRound];
  const grew = series.slice(1).filter((s, i) => s.wasmMemory > series[i].wasmMemory).length;
  assert.ok(grew * 2 <= r.rounds, `wasm memory grew at ${grew} of ${r.rounds} dropped rounds: ${series.map((s) => MB(s.wasmMemory)).join(", ")}`);
  // Less than half of what the dropped rounds would take unfreed.
  assert.ok(growth < round * r.rounds / 2, `wasm memory grew ${MB(growth)} over ${r.rounds} dropped rounds of ${MB(round)}`);
  // Every object of every round but the last was finalized (the last may still be pending).
  assert.ok(r.collected >= r.created - r.perRoundObjects, `only ${r.collected} of ${r.created} objects were finalized`);
});

function expectFreed(fn, cls, member) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.name, "TokenmeterError");
    assert.equal(e.code, "INVALID_ARGUMENT");
    assert.equal(e.field, null);
    assert.equal(e.message, `${cls}.${member}: this ${cls} was freed (free() was called); create a new one`);
    return true;
  });
}

test("use after free() throws a coded error, never a trap, and the module keeps answering", () => {
  const wasm = tm.initSync(); // the loaded instance's exports
  const t = new tm.Tokenizer({ model: "gpt-4o" });
  assert.equal(t.count("hello world"), 2);
  t.free();
  expectFreed(() => t.count("x"), "Tokenizer", "count");
  expectFreed(() => t.encode("x"), "Tokenizer", "encode");
  expectFreed(() => t.decode([15339]), "Tokenizer", "decode");
  expectFreed(() => t.isWithinTokenLimit("x", 5), "Tokenizer", "isWithinTokenLimit");
  expectFreed(() => t.encoding, "Tokenizer", "encoding");
  expectFreed(() => t.exact, "Tokenizer", "exact");
  t.free(); // a second free() does nothing
  t[Symbol.dispose]?.();

  const ledger = new tm.BudgetLedger({ perKeyDailyUsd: 1 });
  ledger.record("u", { model: "gpt-4o", inputTokens: 10 });
  ledger.free();
  expectFreed(() => ledger.record("u", { model: "gpt-4o", inputTokens: 10 }), "BudgetLedger", "record");
  expectFreed(() => ledger.check("u"), "BudgetLedger", "check");
  expectFreed(() => ledger.report(), "BudgetLedger", "report");
  expectFreed(() => ledger.toJSON(), "BudgetLedger", "toJSON");
  ledger.free();

  // wasm-bindgen's own null-pointer check threw from inside wasm, leaking the
  // call's shadow stack frame each time: about 9,000 calls trapped the
  // instance for good. 50,000 now cost nothing.
  const memory = wasm.memory.buffer.byteLength;
  const refs = wasm.__wbindgen_externrefs.length;
  for (let i = 0; i < 50_000; i++) {
    try {
      t.count("hello");
    } catch {}
    try {
      ledger.check("u");
    } catch {}
  }
  assert.equal(wasm.memory.buffer.byteLength, memory);
  assert.equal(wasm.__wbindgen_externrefs.length, refs);
  assert.equal(tm.countTokens("hello world"), 2);
  const again = new tm.Tokenizer({ encoding: "cl100k_base" });
  assert.equal(again.decode(again.encode("hello world")), "hello world");
  again.free();
  const fresh = tm.BudgetLedger.fromJSON(new tm.BudgetLedger({ perKeyDailyUsd: 1 }).toJSON());
  assert.equal(fresh.record("u", { model: "gpt-4o", inputTokens: 1000, outputTokens: 0 }).check.allowed, true);
  fresh.free();
});
