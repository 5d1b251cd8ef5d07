// examples/worker in real workerd (Miniflare), with its Durable Objects on
// disk: the bundle's size, pre-flight against the golden chat counts and the
// package run in Node, usage records and their report, 200 concurrent
// records, the daily budget at its boundary and at UTC midnight, the latency
// of a pre-flight, and a restart over the same storage. The tests share one
// Worker and its storage: the restart finds what the tests before it
// recorded. Bad requests are in worker-example-input.test.mjs; the harness
// (install, bundle, Miniflare) is worker-example.mjs.
//
// Promise that had no test before (issue 28): the daily budget "resets at UTC
// midnight" was checked against the day read after the request (a race at
// midnight); "restart over the same storage ..." now accepts the day before
// or after the request only.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import * as tm from "tokenmeter";
import { chatCases } from "./golden.mjs";
import { REPLIES, at, bundledGzip, call, config, post, restart, startWorker, vars } from "./worker-example.mjs";

const WORKER_LIMIT = 3_000_000; // Cloudflare's free plan, compressed
const DAY = 86_400_000;

startWorker(Miniflare, { sizes: true });

/** A chat of about n tokens (gpt-4o). */
function chatOf(n) {
  const messages = [{ role: "system", content: "You are a careful assistant. Answer briefly and cite sources." }];
  let i = 0;
  while (tm.countChatTokens(messages, { model: "gpt-4o" }) < n) {
    messages.push({
      role: i % 2 ? "assistant" : "user",
      content: `Turn ${i}: the quarterly report lists revenue of ${1000 + i * 37} units, margins near ${(i % 17) + 3}%, and a note on the Zürich office (naïve estimate: ${i * 3.14}).`,
    });
    i++;
  }
  return messages;
}

test("the bundled Worker (script + wasm) fits Cloudflare's free plan compressed", () => {
  assert.ok(bundledGzip() <= WORKER_LIMIT, `the Worker bundle is ${bundledGzip()} bytes gzipped, over ${WORKER_LIMIT}`);
});

test("pre-flight: golden chat requests give the golden tokens, and the costs and cache keys of the package in Node", async () => {
  const cases = chatCases();
  const answers = await Promise.all(
    cases.map((c) => post("/v1/preflight", { model: c.model, messages: c.messages, tools: c.tools, max_tokens: 50, temperature: 0 })),
  );
  let counted = 0;
  for (const [i, c] of cases.entries()) {
    const request = { model: c.model, messages: c.messages, tools: c.tools, max_tokens: 50, temperature: 0 };
    const { status, body } = answers[i];
    let expected;
    try {
      expected = tm.preflight(request);
    } catch (e) {
      // A tool message that answers no earlier call: the same coded error.
      assert.equal(status, 400, c.id);
      assert.equal(body.code, e.code);
      assert.equal(body.field, e.field.replace(/^request\./, ""));
      continue;
    }
    assert.equal(status, 200, `${c.id} ${c.model}: ${JSON.stringify(body)}`);
    assert.equal(body.inputTokens, c.expected, `${c.id} ${c.model}`);
    const { cacheKey, ...rest } = body;
    assert.deepEqual(rest, expected);
    assert.equal(cacheKey, tm.requestCacheKey(request));
    assert.match(cacheKey, /^[0-9a-f]{64}$/);
    counted++;
  }
  assert.ok(counted >= 60, `only ${counted} golden cases counted`);

  // A sampled request has no exact-match cache key.
  const sampled = await post("/v1/preflight", { model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] });
  assert.equal(sampled.status, 200);
  assert.equal(sampled.body.cacheKey, null);
});

test("pre-flight ?trim=1 returns the trimmed messages, as trimMessages does in Node", async () => {
  const messages = [{ role: "system", content: "Summarise the log." }];
  for (let i = 0; i < 400; i++) messages.push({ role: i % 2 ? "assistant" : "user", content: `Entry ${i}: ${"status ok, latency nominal; ".repeat(4)}` });
  const request = { model: "gpt-4", messages, max_tokens: 1000, temperature: 0 };
  const { status, body } = await post("/v1/preflight?trim=1", request);
  assert.equal(status, 200);
  assert.equal(body.fits, false);
  // gpt-4 (an 8,192-token window) was shut down on 2026-10-23: reported too.
  assert.deepEqual(body.problems.map((p) => p.code), ["MODEL_RETIRED", "CONTEXT_OVERFLOW"]);
  const expected = tm.trimMessages(messages, { model: "gpt-4", reserveOutputTokens: 1000 });
  assert.deepEqual(body.trimmed, expected);
  assert.equal(body.trimmed.fits, true);
  assert.ok(body.trimmed.dropped.length > 0);
  assert.ok(tm.countChatTokens(body.trimmed.messages, { model: "gpt-4" }) + 1000 <= 8192);
  // Without ?trim=1 there is no trimmed copy.
  assert.equal((await post("/v1/preflight", request)).body.trimmed, undefined);
});

/** Exact pico-dollars of one call, from a ledger in Node. */
function picoOf(usage, model) {
  const ledger = new tm.BudgetLedger();
  ledger.record("x", usage, model ? { model } : undefined);
  const pico = ledger.toJSON().entries.reduce((n, e) => n + BigInt(e[4]), 0n);
  ledger.free();
  return pico;
}

test("usage: provider replies cost what estimateCost says, and the report adds them up by day and model", async () => {
  const user = "replies@example.com";
  let total = 0n;
  for (const reply of REPLIES) {
    const usage = tm.usageFromResponse(reply);
    const { status, body } = await post("/v1/usage", { user, response: reply });
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.recorded, true);
    assert.equal(body.model, usage.model);
    assert.equal(body.costUsd, tm.estimateCost(usage).total);
    assert.equal(BigInt(body.costPicoUsd), picoOf(usage));
    total += BigInt(body.costPicoUsd);
    assert.equal(body.budget.spentPicoUsd, String(total), JSON.stringify(body));
    assert.equal(body.budget.limitUsd, 1);
  }
  // `model` next to the response names a model the response does not.
  const bare = { usage: { prompt_tokens: 10, completion_tokens: 5 } };
  const named = await post("/v1/usage", { user, response: bare, model: "gpt-4o-mini" });
  assert.equal(named.status, 200, JSON.stringify(named.body));
  assert.equal(named.body.model, "gpt-4o-mini");
  total += BigInt(named.body.costPicoUsd);

  const { status, body } = await call(`/v1/usage/${encodeURIComponent(user)}`, { method: "GET" });
  assert.equal(status, 200);
  assert.equal(body.totalPicoUsd, String(total));
  assert.equal(body.requests, 5);
  assert.equal(body.days.length, 1);
  assert.deepEqual(body.days[0].models.map((m) => m.model), ["claude-sonnet-4-5", "gemini-2.5-flash", "gpt-4o-2024-08-06", "gpt-4o-mini", "o3"]);
  assert.equal(body.days[0].costPicoUsd, String(total));
  assert.equal(body.today.spentPicoUsd, String(total));
});

const CONCURRENT_USER = "concurrent-user";
let concurrentTotal;

test("200 concurrent records for one user: the ledger total is the exact sum of the recorded costs", async () => {
  const models = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "gpt-4.1"];
  const replies = Array.from({ length: 200 }, (_, i) => ({
    model: models[i % models.length],
    usage: { prompt_tokens: 100 + i, completion_tokens: 10 + (i % 50) },
  }));
  const results = await Promise.all(replies.map((response) => post("/v1/usage", { user: CONCURRENT_USER, response })));
  let sum = 0n;
  let expected = 0n;
  for (const [i, { status, body }] of results.entries()) {
    assert.equal(status, 200, JSON.stringify(body));
    sum += BigInt(body.costPicoUsd);
    expected += picoOf(tm.usageFromResponse(replies[i]));
  }
  assert.equal(sum, expected);
  // Each answer saw a distinct running total: no two records read the same state.
  assert.equal(new Set(results.map((r) => r.body.budget.spentPicoUsd)).size, 200);
  assert.equal(results.map((r) => BigInt(r.body.budget.spentPicoUsd)).reduce((a, b) => (a > b ? a : b)), sum);

  const { body } = await call(`/v1/usage/${CONCURRENT_USER}`, { method: "GET" });
  assert.equal(body.totalPicoUsd, String(sum));
  assert.equal(body.requests, 200);
  assert.equal(body.inputTokens, replies.reduce((n, r) => n + r.usage.prompt_tokens, 0));
  assert.equal(body.outputTokens, replies.reduce((n, r) => n + r.usage.completion_tokens, 0));
  const byModel = body.days[0].models;
  assert.equal(byModel.reduce((n, m) => n + BigInt(m.costPicoUsd), 0n), sum);
  assert.deepEqual(byModel.map((m) => [m.model, m.requests]), [...models].sort().map((m) => [m, 50]));
  concurrentTotal = body;
});

const BUDGET_USER = "budget-user";
const DAY1 = Date.UTC(2030, 0, 1);

test("the daily budget: reached exactly is allowed, one token more is a 429, and UTC midnight starts a new day", async () => {
  const usage = (input) => ({ user: BUDGET_USER, response: { model: "gpt-4o", usage: { prompt_tokens: input, completion_tokens: 0 } } });
  // gpt-4o input is $2.50 per 1M tokens: 300k + 100k tokens = $1.00, the budget.
  let r = await post("/v1/usage", usage(300_000), at(DAY1 + 12 * 3600_000));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual([r.body.budget.day, r.body.budget.spentUsd, r.body.budget.remainingUsd], ["2030-01-01", 0.75, 0.25]);

  // Before the call: a request whose allowance could pass what is left is refused.
  const ask = { model: "gpt-4o", messages: [{ role: "user", content: "Hello" }], max_tokens: 1_000, user: BUDGET_USER };
  assert.equal((await post("/v1/preflight", ask, at(DAY1 + 12 * 3600_000))).status, 200);

  r = await post("/v1/usage", usage(100_000), at(DAY1 + DAY - 1));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.budget.spentPicoUsd, "1000000000000");
  assert.equal(r.body.budget.remainingUsd, 0);

  r = await post("/v1/usage", usage(1), at(DAY1 + DAY - 1));
  assert.equal(r.status, 429);
  assert.equal(r.body.code, "BUDGET_EXCEEDED");
  assert.equal(r.body.recorded, false);
  assert.equal(r.body.costPicoUsd, "2500000");
  assert.equal(r.body.budget.spentPicoUsd, "1000000000000");
  // A call of no cost still fits exactly.
  assert.equal((await post("/v1/usage", usage(0), at(DAY1 + DAY - 1))).status, 200);

  const pre = await post("/v1/preflight", ask, at(DAY1 + DAY - 1));
  assert.equal(pre.status, 429);
  assert.equal(pre.body.code, "BUDGET_EXCEEDED");
  assert.equal(pre.body.preflight.inputTokens, tm.preflight({ ...ask, user: undefined }).inputTokens);

  // The refused call left nothing behind.
  let report = (await call(`/v1/usage/${BUDGET_USER}`, { method: "GET", headers: at(DAY1 + DAY - 1) })).body;
  assert.equal(report.totalPicoUsd, "1000000000000");
  assert.equal(report.requests, 3);

  // UTC midnight: a new day, a new budget.
  r = await post("/v1/usage", usage(1), at(DAY1 + DAY));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual([r.body.budget.day, r.body.budget.spentPicoUsd], ["2030-01-02", "2500000"]);
  assert.equal((await post("/v1/preflight", ask, at(DAY1 + DAY))).status, 200);

  report = (await call(`/v1/usage/${BUDGET_USER}`, { method: "GET", headers: at(DAY1 + DAY) })).body;
  assert.deepEqual(report.days.map((d) => [d.day, d.costPicoUsd, d.requests]), [["2030-01-02", "2500000", 1], ["2030-01-01", "1000000000000", 3]]);
  assert.equal(report.today.day, "2030-01-02");
});

test("measured: median latency of /v1/preflight for a 2,000-token chat", async () => {
  const messages = chatOf(2000);
  const request = { model: "gpt-4o", messages, max_tokens: 500, temperature: 0 };
  const tokens = tm.countChatTokens(messages, { model: "gpt-4o" });
  const times = [];
  for (let i = 0; i < 60; i++) {
    const t0 = performance.now();
    const { status, body } = await post("/v1/preflight", request);
    times.push(performance.now() - t0);
    assert.equal(status, 200);
    assert.equal(body.inputTokens, tokens);
  }
  // The same round trip without tokenmeter's work: a 404.
  const empty = [];
  for (let i = 0; i < 60; i++) {
    const t0 = performance.now();
    await call("/nothing-here", { method: "GET" });
    empty.push(performance.now() - t0);
  }
  const median = (list) => [...list].sort((a, b) => a - b)[list.length >> 1];
  const p90 = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length * 0.9)];
  console.log(
    `# /v1/preflight, ${tokens}-token chat (${JSON.stringify(request).length} bytes): median ${median(times).toFixed(2)} ms, p90 ${p90(times).toFixed(2)} ms over ${times.length} requests` +
      ` (Node -> Miniflare -> workerd and back; a 404 takes ${median(empty).toFixed(2)} ms)`,
  );
});

test("restart over the same storage with the shipped vars: the spend is still there, and the time header is ignored", async () => {
  const ready = await restart(vars({ shipped: true }));
  const t0 = performance.now();
  const { status, body } = await call(`/v1/usage/${CONCURRENT_USER}`, { method: "GET" });
  console.log(`# restart: Miniflare ready in ${ready.toFixed(0)} ms, first request (a Durable Object loading its ledger) ${(performance.now() - t0).toFixed(1)} ms`);
  assert.equal(status, 200);
  assert.deepEqual(body.days, concurrentTotal.days);
  assert.equal(body.totalPicoUsd, concurrentTotal.totalPicoUsd);
  assert.equal(body.today.limitUsd, Number(config.vars.DAILY_BUDGET_USD));

  const budget = (await call(`/v1/usage/${BUDGET_USER}`, { method: "GET" })).body;
  assert.equal(budget.totalPicoUsd, "1000002500000");

  // Recording goes on from the stored ledger; x-tokenmeter-now is ignored without ALLOW_TIME_OVERRIDE.
  const reply = { model: "gpt-4o", usage: { prompt_tokens: 1000, completion_tokens: 100 } };
  // Today by the Worker's clock, not the header's: the day before or after
  // the request, as UTC midnight may fall between the two.
  const dayBefore = new Date().toISOString().slice(0, 10);
  const r = await post("/v1/usage", { user: CONCURRENT_USER, response: reply }, at(DAY1));
  const dayAfter = new Date().toISOString().slice(0, 10);
  assert.equal(r.status, 200);
  assert.ok([dayBefore, dayAfter].includes(r.body.budget.day), `${r.body.budget.day}, not ${dayBefore} or ${dayAfter}`);
  assert.notEqual(r.body.budget.day, "2030-01-01");
  const after = (await call(`/v1/usage/${CONCURRENT_USER}`, { method: "GET" })).body;
  assert.equal(BigInt(after.totalPicoUsd), BigInt(concurrentTotal.totalPicoUsd) + picoOf(tm.usageFromResponse(reply)));
  assert.equal(after.requests, 201);
});
