// examples/worker in real workerd (Miniflare), with its Durable Objects on
// disk: the example's own package.json installs the packed tarball by name,
// esbuild bundles it the way wrangler does, and the answers are checked
// against the package run in Node and the golden chat counts.
//
// Promises that had no test before (issue 28), and the test that checks each:
// - "1,000 bad requests (10 MB bodies among them) leave it serving": the
//   10 MB bodies were sent in a separate four-request test; now "1,000 bad
//   requests, 10 MB bodies among them, then a good one" sends ten of them
//   among the thousand.
// - the daily budget "resets at UTC midnight" was checked against the day
//   read after the request (a race at midnight); "restart over the same
//   storage ..." now accepts the day before or after the request only.
//
// Issue 27 (the Worker as a metering gateway): every route now needs its
// user's token, so `call` signs each request for a user (the one of the
// body's `user` or of the path's /v1/usage/:user, else "default-user"); the
// gateway's own routes, auth and events are tested in gateway.test.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import http from "node:http";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
// scripts/test-js.sh runs the files that import miniflare in the workerd layer.
import { Miniflare } from "miniflare"; // eslint-disable-line no-unused-vars
import { AUTH_SECRET, authFor, bundleWorker, example, parseToml, startWorker } from "./worker-harness.mjs";
import * as tm from "tokenmeter";
import { chatCases } from "./golden.mjs";

const here = dirname(fileURLToPath(import.meta.url));
// Build output and the Durable Objects' storage, in a directory of this run
// (git-ignored; workerd wants the storage inside the working directory's tree).
const workRoot = join(here, ".worker-example");
let work;
let persist;
// Cloudflare's limit on a Worker's size, on every plan: 64 MiB, counted
// uncompressed (the compressed limits, 3 MB Free and 10 MB Paid, were removed:
// https://developers.cloudflare.com/changelog/post/2026-09-04-increased-worker-size-limit/).
const WORKER_LIMIT = 64 * 1024 * 1024;
const DAY = 86_400_000;

let mf;
let direct; // the Worker's own socket, without Miniflare's entry in front
let config;
let bundle;
const figures = {};

function vars({ shipped = false } = {}) {
  const secrets = { AUTH_SECRET };
  if (shipped) return { ...config.vars, ...secrets };
  return { ...config.vars, ...secrets, DAILY_BUDGET_USD: "1", ALLOW_TIME_OVERRIDE: "1" };
}

async function start(bindings) {
  return startWorker({ config, bundle, persist, bindings });
}

/** The user a request is signed for: the body's, the path's, or "default-user". */
function userOf(path, body, raw) {
  if (body === undefined && typeof raw === "string") {
    try {
      body = JSON.parse(raw);
    } catch {}
  }
  if (path.startsWith("/v1/usage/")) {
    try {
      const user = decodeURIComponent(path.slice("/v1/usage/".length).replace(/\/events$/, ""));
      if (user) return user;
    } catch {}
  }
  return typeof body?.user === "string" && body.user.length > 0 && body.user.length <= 256 ? body.user : "default-user";
}

async function call(path, { method = "POST", body, headers = {}, raw } = {}) {
  const init = { method, headers: { authorization: await authFor(userOf(path, body, raw)), ...headers } };
  if (raw !== undefined) init.body = raw;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["content-type"] ??= "application/json";
  }
  if (init.body instanceof ReadableStream) init.duplex = "half";
  const res = await mf.dispatchFetch(`http://localhost${path}`, init);
  const text = await res.text();
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/, `${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  return { status: res.status, body: JSON.parse(text) };
}

const post = (path, body, headers) => call(path, { body, headers });
const at = (ms) => ({ "x-tokenmeter-now": String(ms) });

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

before(async () => {
  mkdirSync(workRoot, { recursive: true });
  work = mkdtempSync(join(workRoot, "run-"));
  persist = join(work, "persist");
  // A fresh install of the example's dependencies: the packed tarball, by name.
  rmSync(join(example, "node_modules"), { recursive: true, force: true });
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--silent", "--no-package-lock"], { cwd: example, stdio: "inherit" });
  const manifest = JSON.parse(readFileSync(join(example, "package.json"), "utf8"));
  assert.equal(manifest.dependencies.tokenmeter, "file:../../target/npm/tokenmeter.tgz");

  config = parseToml(readFileSync(join(example, "wrangler.toml"), "utf8"));
  const binding = config.durable_objects.bindings[0];
  assert.ok(config.migrations.some((m) => m.new_sqlite_classes?.includes(binding.class_name)), "a new_sqlite_classes migration for the Durable Object");
  assert.equal(config.vars.ALLOW_TIME_OVERRIDE, undefined, "the shipped wrangler.toml does not allow time injection");
  assert.match(config.vars.DAILY_BUDGET_USD, /^\d+(\.\d+)?$/);

  bundle = await bundleWorker(join(example, config.main), join(work, "build"));
  const o200k = await bundleWorker(join(example, config.main), join(work, "build-o200k"), "tokenmeter/o200k");
  const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(`# worker bundle (default): ${kb(bundle.raw)} raw, ${kb(bundle.gzip)} gzip (${bundle.files.join(", ")})`);
  console.log(`# worker bundle (tokenmeter/o200k): ${kb(o200k.raw)} raw, ${kb(o200k.gzip)} gzip`);
  figures.raw = bundle.raw;

  const { instance, ready } = await start(vars());
  mf = instance;
  direct = await mf.unsafeGetDirectURL();
  const t0 = performance.now();
  const first = await post("/v1/preflight", { model: "gpt-4o", messages: [{ role: "user", content: "Hello" }], max_tokens: 10 });
  const firstMs = performance.now() - t0;
  assert.equal(first.status, 200);
  console.log(`# cold start: Miniflare ready in ${ready.toFixed(0)} ms, first request ${firstMs.toFixed(1)} ms`);
});

after(async () => {
  await mf?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

test("the bundled Worker (script + wasm) fits Cloudflare's size limit, uncompressed", () => {
  assert.ok(figures.raw > 0 && figures.raw <= WORKER_LIMIT, `the Worker bundle is ${figures.raw} bytes, over ${WORKER_LIMIT}`);
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

// Provider replies in the four formats usageFromResponse reads.
const REPLIES = [
  { id: "chatcmpl-1", object: "chat.completion", model: "gpt-4o-2024-08-06", usage: { prompt_tokens: 1234, completion_tokens: 567, total_tokens: 1801, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 0 } } },
  { id: "resp_1", object: "response", model: "o3", usage: { input_tokens: 2000, input_tokens_details: { cached_tokens: 0 }, output_tokens: 900, output_tokens_details: { reasoning_tokens: 700 }, total_tokens: 2900 } },
  { id: "msg_1", type: "message", model: "claude-sonnet-4-5", usage: { input_tokens: 50, cache_creation_input_tokens: 2000, cache_read_input_tokens: 10000, output_tokens: 300 } },
  { modelVersion: "gemini-2.5-flash", usageMetadata: { promptTokenCount: 1000, candidatesTokenCount: 200, thoughtsTokenCount: 100, totalTokenCount: 1300 } },
];

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

/** Requests that must each get a clear 4xx (status, code, field). */
function badRequests() {
  const good = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };
  const json = (path, body, extra = {}) => ({ path, raw: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json" }, ...extra });
  return [
    [json("/v1/preflight", "{\"model\": \"gpt-4o\", "), 400, "INVALID_JSON"],
    [json("/v1/preflight", ""), 400, "INVALID_JSON"],
    [json("/v1/preflight", "[1, 2"), 400, "INVALID_JSON"],
    [{ path: "/v1/preflight", raw: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), headers: { "content-type": "application/json" } }, 400, "INVALID_JSON"],
    [json("/v1/preflight", good, { headers: { "content-type": "text/plain" } }), 415, "UNSUPPORTED_MEDIA_TYPE"],
    [json("/v1/preflight", good, { headers: { "content-type": "text/html" } }), 415, "UNSUPPORTED_MEDIA_TYPE"],
    [json("/v1/preflight", good, { headers: { "content-type": "application/x-www-form-urlencoded" } }), 415, "UNSUPPORTED_MEDIA_TYPE"],
    [json("/v1/preflight", good, { headers: { "content-type": "application/json; charset=latin1" } }), 415, "UNSUPPORTED_MEDIA_TYPE"],
    [{ path: "/v1/preflight", raw: JSON.stringify(good) }, 415, "UNSUPPORTED_MEDIA_TYPE"],
    [json("/v1/preflight", null), 400, "INVALID_ARGUMENT"],
    [json("/v1/preflight", [good]), 400, "INVALID_ARGUMENT"],
    [json("/v1/preflight", "42"), 400, "INVALID_ARGUMENT"],
    [json("/v1/preflight", { ...good, messages: "hi" }), 400, "INVALID_ARGUMENT", "messages"],
    [json("/v1/preflight", { ...good, model: 5 }), 400, "INVALID_ARGUMENT", "model"],
    [json("/v1/preflight", { ...good, messages: [{ role: "user", content: 5 }] }), 400, "INVALID_ARGUMENT", "messages[0].content"],
    [json("/v1/preflight", { ...good, max_tokens: -1 }), 400, "INVALID_ARGUMENT", "max_tokens"],
    [json("/v1/preflight", { ...good, max_tokens: 2 ** 60 }), 400, "INVALID_ARGUMENT", "max_tokens"],
    [json("/v1/preflight", { ...good, model: "gpt-5-imaginary" }), 400, "UNKNOWN_MODEL", "model"],
    [json("/v1/preflight", { ...good, model: "<script>alert(1)</script>" }), 400, "UNKNOWN_MODEL", "model"],
    [json("/v1/preflight", { ...good, user: 42 }), 400, "INVALID_ARGUMENT", "user"],
    [json("/v1/preflight", { ...good, user: "x".repeat(300) }), 400, "INVALID_ARGUMENT", "user"],
    [json("/v1/preflight?trim=1", { ...good, messages: { 0: "hi" } }), 400, "INVALID_ARGUMENT", "messages"],
    [json("/v1/preflight", `{"model":"gpt-4o","messages":[{"role":"user","content":${"[".repeat(5000)}${"]".repeat(5000)}}]}`), 400, "INVALID_ARGUMENT"],
    [json("/v1/preflight", `{"__proto__":{"model":"gpt-4o"},"constructor":{"prototype":{}},"messages":[]}`), 400, "INVALID_ARGUMENT"],
    // The user is the token's (issue 27): without a response, that is what is missing.
    [json("/v1/usage", {}), 400, "INVALID_ARGUMENT", "response"],
    [json("/v1/usage", { user: "u" }), 400, "INVALID_ARGUMENT", "response"],
    [json("/v1/usage", { user: "", response: REPLIES[0] }), 400, "INVALID_ARGUMENT", "user"],
    [json("/v1/usage", { user: ["u"], response: REPLIES[0] }), 400, "INVALID_ARGUMENT", "user"],
    [json("/v1/usage", { user: "u", response: "usage" }), 400, "INVALID_ARGUMENT", "response"],
    [json("/v1/usage", { user: "u", response: { model: "gpt-4o", usage: { prompt_tokens: "12", completion_tokens: 1 } } }), 400, "INVALID_ARGUMENT", "response.usage.prompt_tokens"],
    [json("/v1/usage", { user: "u", response: { model: "gpt-4o", usage: { prompt_tokens: -3, completion_tokens: 1 } } }), 400, "INVALID_ARGUMENT", "response.usage.prompt_tokens"],
    [json("/v1/usage", { user: "u", response: { model: "gpt-4o", usage: { prompt_tokens: 1.5, completion_tokens: 1 } } }), 400, "INVALID_ARGUMENT", "response.usage.prompt_tokens"],
    [json("/v1/usage", { user: "u", response: { model: "gpt-4o", usage: {} } }), 400, "INVALID_ARGUMENT"],
    [json("/v1/usage", { user: "u", response: { model: "imaginary-model", usage: { prompt_tokens: 1, completion_tokens: 1 } } }), 400, "UNKNOWN_MODEL", "model"],
    [json("/v1/usage", { user: "u", response: { usage: { prompt_tokens: 1, completion_tokens: 1 } } }), 400, "INVALID_ARGUMENT", "model"],
    [json("/v1/usage", { user: "u", response: REPLIES[0], model: 7 }), 400, "INVALID_ARGUMENT", "model"],
    [{ path: "/v1/preflight", method: "GET" }, 405, "METHOD_NOT_ALLOWED"],
    [{ path: "/v1/usage", method: "PUT", raw: "{}", headers: { "content-type": "application/json" } }, 405, "METHOD_NOT_ALLOWED"],
    [{ path: "/v1/usage/u", method: "DELETE" }, 405, "METHOD_NOT_ALLOWED"],
    [{ path: "/v1/usage/%E0%A4%A", method: "GET" }, 400, "INVALID_ARGUMENT", "user"],
    [{ path: "/v1/usage/", method: "GET" }, 400, "INVALID_ARGUMENT", "user"],
    [{ path: "/", method: "GET" }, 404, "NOT_FOUND"],
    [{ path: "/v1/<img src=x onerror=alert(1)>", method: "GET" }, 404, "NOT_FOUND"],
  ];
}

async function send([req, status, code, field]) {
  const { status: got, body } = await call(req.path, { method: req.method ?? "POST", raw: req.raw, headers: req.headers });
  const what = `${req.method ?? "POST"} ${req.path} ${typeof req.raw === "string" ? req.raw.slice(0, 80) : ""}`;
  assert.equal(got, status, `${what}: ${JSON.stringify(body).slice(0, 300)}`);
  assert.equal(body.code, code, what);
  if (field !== undefined) assert.equal(body.field, field, what);
  assert.equal(typeof body.message, "string");
  assert.ok(body.message.length <= 501, what);
}

test("bad input gets a clear 4xx in JSON: bad JSON, wrong content types and types, unknown models, bad routes", async () => {
  for (const c of badRequests()) await send(c);
  // The usage that was refused recorded nothing.
  const { body } = await call("/v1/usage/u", { method: "GET" });
  assert.equal(body.requests, 0);
});

/**
 * A POST straight to the Worker's socket (Miniflare's dispatchFetch re-streams
 * bodies without their Content-Length).
 * - `contentLength`: only the headers are sent, and the answer must come
 *   without the body.
 * - `bytes`: a chunked body. After `pauseAt` bytes the client waits (up to
 *   5 s) for an answer before sending the rest, as a slow uploader would: a
 *   Worker that cuts off at its cap answers in that pause; one that wanted the
 *   whole body would only answer after it (`sent` says which). The pause also
 *   keeps the client from writing into a connection the server has closed,
 *   whose reset would lose the answer.
 */
async function rawPost(path, { contentLength, bytes, pauseAt = Infinity }) {
  const authorization = await authFor("default-user");
  return new Promise((resolve, reject) => {
    let answered = false;
    let sent = 0;
    let wake = () => {};
    const headers = { "content-type": "application/json", authorization };
    if (contentLength !== undefined) headers["content-length"] = String(contentLength);
    const req = http.request(new URL(path, direct), { method: "POST", headers, agent: false }, (res) => {
      answered = true;
      wake();
      const sentAtAnswer = sent;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => {
        req.destroy();
        resolve({ status: res.statusCode, type: res.headers["content-type"], body: JSON.parse(text), sent: sentAtAnswer });
      });
    });
    req.setTimeout(20_000, () => req.destroy(new Error(`${path}: no answer`)));
    req.on("error", (e) => {
      if (!answered) reject(e);
    });
    if (contentLength !== undefined) {
      req.flushHeaders();
      return;
    }
    const chunk = Buffer.alloc(65536, "x");
    (async () => {
      let paused = false;
      while (!answered && sent < bytes) {
        const more = req.write(chunk);
        sent += chunk.length;
        if (!more) await new Promise((r) => req.once("drain", r));
        if (!paused && sent >= pauseAt) {
          paused = true;
          await new Promise((r) => {
            wake = r;
            setTimeout(r, 5_000);
          });
        }
      }
      if (!answered) req.end();
    })().catch(reject);
  });
}

test("oversized bodies (10 MB) are refused: by Content-Length before reading, and while reading a chunked body", async () => {
  const big = 10 * 1024 * 1024;
  for (const path of ["/v1/preflight", "/v1/usage"]) {
    let r = await rawPost(path, { contentLength: big });
    assert.equal(r.status, 413);
    assert.equal(r.body.code, "PAYLOAD_TOO_LARGE");
    assert.match(r.type, /^application\/json/);
    r = await rawPost(path, { bytes: big, pauseAt: 1024 * 1024 + 131072 });
    assert.equal(r.status, 413);
    assert.equal(r.body.code, "PAYLOAD_TOO_LARGE");
    assert.ok(r.sent < big, `answered only after the whole body (${r.sent} bytes)`);
  }
  // Just under the cap is read and answered.
  const messages = [{ role: "user", content: "a ".repeat(500_000) }];
  const r = await post("/v1/preflight", { model: "gpt-4o", messages });
  assert.equal(r.status, 200);
  assert.equal(r.body.inputTokens, tm.countChatTokens(messages, { model: "gpt-4o" }));
});

test("1,000 bad requests, 10 MB bodies among them, then a good one: still served, and still right", async () => {
  // examples/worker/README.md: "1,000 bad requests (10 MB bodies among them) leave it serving".
  // Every 100th is a 10 MB body, alternately announced by Content-Length
  // (refused before reading) and chunked (refused while reading), to both
  // routes that take a body; the rest are the malformed requests above.
  const cases = badRequests();
  const big = 10 * 1024 * 1024;
  let oversized = 0;
  const sendBig = async (i) => {
    const path = i % 200 === 50 ? "/v1/preflight" : "/v1/usage";
    const r = i % 300 === 50
      ? await rawPost(path, { contentLength: big })
      : await rawPost(path, { bytes: big, pauseAt: 1024 * 1024 + 131072 });
    assert.equal(r.status, 413, `request ${i}`);
    assert.equal(r.body.code, "PAYLOAD_TOO_LARGE");
    oversized++;
  };
  let malformed = 0;
  const sendOne = async (i) => {
    if (i % 100 === 50) return sendBig(i);
    await send(cases[i % cases.length]);
    malformed++;
  };
  for (let i = 0; i < 1000; i += 25) await Promise.all(Array.from({ length: 25 }, (_, k) => sendOne(i + k)));
  assert.deepEqual([malformed, oversized], [990, 10]);
  const c = chatCases()[0];
  const { status, body } = await post("/v1/preflight", { model: c.model, messages: c.messages, temperature: 0 });
  assert.equal(status, 200);
  assert.equal(body.inputTokens, c.expected);
  const usage = await post("/v1/usage", { user: "after-the-storm", response: REPLIES[0] });
  assert.equal(usage.status, 200);
  assert.equal(usage.body.costUsd, tm.estimateCost(tm.usageFromResponse(REPLIES[0])).total);
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
  await mf.dispose();
  mf = undefined;
  const { instance, ready } = await start(vars({ shipped: true }));
  mf = instance;
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
