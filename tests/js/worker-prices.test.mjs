// examples/worker's price map (src/prices.js), in real workerd (Miniflare)
// with its KV namespace and Durable Objects on disk. A local Node server
// serves tests/fixtures/import/litellm.json as the price map (or fails, as
// told) and plays the OpenAI upstream; the cron is fired through Miniflare.
// Promises checked:
// - before any map, a model only the map has is unknown (400 UNKNOWN_MODEL);
// - after the scheduled run, the Worker prices it as a Catalogue that
//   imported the map prices it in Node (preflight), its Durable Object
//   settles a streamed call of it at that price, and a model both have keeps
//   the bundled figures;
// - a failed run (the map's host answers 503, HTML, a map with nothing
//   importable) fails the cron, leaves KV as it was and the prices with it,
//   and the map URL's query (a token) is in no log line;
// - a changed map replaces the prices; a restart over the same storage
//   prices from the stored map without fetching it again.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
// scripts/test-js.sh runs the files that import miniflare in the workerd layer.
import { Miniflare } from "miniflare"; // eslint-disable-line no-unused-vars
import * as tm from "tokenmeter";
import { AUTH_SECRET, authFor, bundleWorker, example, exampleConfig, installExample, startWorker } from "./worker-harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURE = readFileSync(join(here, "..", "fixtures", "import", "litellm.json"), "utf8");
const MAP = JSON.parse(FIXTURE);
/** In the map, not in the bundled catalogue. */
const NEW_MODEL = "o9-fixture";
/** In both, at other prices in the map. */
const BUNDLED = "gpt-4o-2024-08-06";
const TOKEN = "PRICE-MAP-TOKEN-5e1f0c";
const MESSAGES = [
  { role: "system", content: "You are a terse assistant." },
  { role: "user", content: "Say what the meter does, in one sentence." },
];

let work;
let persist;
let config;
let bundle;
let server;
let base;
let mf;
/** What the map's URL answers next: "ok", "changed", 503, "html", "empty". */
let mode = "ok";
let mapFetches = 0;
const logs = [];

/** The fixture with the new model's input price doubled. */
const CHANGED = JSON.stringify({ ...MAP, [NEW_MODEL]: { ...MAP[NEW_MODEL], input_cost_per_token: MAP[NEW_MODEL].input_cost_per_token * 2 } });

function handler(req, res) {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/prices.json") {
    mapFetches++;
    assert.equal(url.searchParams.get("token"), TOKEN);
    if (mode === 503) {
      res.writeHead(503, { "content-type": "text/plain" });
      return res.end("unavailable");
    }
    if (mode === "html") {
      res.writeHead(200, { "content-type": "text/html" });
      return res.end("<!doctype html><title>Rate limited</title>");
    }
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(mode === "empty" ? "{}" : mode === "changed" ? CHANGED : FIXTURE);
  }
  // The OpenAI upstream: a stream of the model asked for, with its usage.
  let text = "";
  req.setEncoding("utf8");
  req.on("data", (d) => (text += d));
  req.on("end", () => {
    const body = JSON.parse(text);
    const head = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1765104000, model: body.model };
    const events = [
      { ...head, choices: [{ index: 0, delta: { role: "assistant", content: "It reads usage." }, finish_reason: null }], usage: null },
      { ...head, choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: null },
      { ...head, choices: [], usage: { prompt_tokens: 1200, completion_tokens: 345, total_tokens: 1545 } },
    ];
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(`${events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("")}data: [DONE]\n\n`);
  });
}

async function start() {
  ({ instance: mf } = await startWorker({
    config,
    bundle,
    persist,
    bindings: {
      ...config.vars,
      AUTH_SECRET,
      DAILY_BUDGET_USD: "5",
      UPSTREAM_OPENAI_URL: `${base}/v1`,
      UPSTREAM_OPENAI_KEY: "sk-upstream-test",
      PRICE_MAP_URL: `${base}/prices.json?token=${TOKEN}`,
      PRICE_MAP_FORMAT: "litellm",
      // Every request looks for a new map, so that a change shows at once.
      PRICE_MAP_CHECK_MS: "0",
    },
    stdio: (stdout, stderr) => {
      for (const s of [stdout, stderr]) s.on("data", (d) => logs.push(String(d)));
    },
  }));
}

before(async () => {
  mkdirSync(join(here, ".worker-example"), { recursive: true });
  work = mkdtempSync(join(here, ".worker-example", "prices-"));
  persist = join(work, "persist");
  installExample();
  config = exampleConfig();
  assert.deepEqual(config.kv_namespaces.map((k) => k.binding), ["PRICES"]);
  assert.ok(config.triggers.crons.length > 0, "wrangler.toml has a cron trigger");
  bundle = await bundleWorker(join(example, config.main), join(work, "build"));
  server = http.createServer(handler);
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;
  await start();
});

after(async () => {
  await mf?.dispose();
  await new Promise((r) => (server ? server.close(r) : r()));
  if (work) rmSync(work, { recursive: true, force: true });
});

async function cron() {
  const worker = await mf.getWorker();
  return worker.scheduled({ cron: config.triggers.crons[0], scheduledTime: new Date() });
}

async function post(path, body, user = "pat") {
  const res = await mf.dispatchFetch(`http://localhost${path}`, {
    method: "POST",
    headers: { authorization: await authFor(user), "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const request = (model) => ({ model, messages: MESSAGES, max_tokens: 500, temperature: 0 });

async function stored() {
  const kv = await mf.getKVNamespace("PRICES");
  const { value, metadata } = await kv.getWithMetadata("price-map", "text");
  return { value, metadata, meta: await kv.get("price-map:meta", "json") };
}

/** preflight in Node, with a Catalogue that imported `map` (or the bundled one). */
function nodePreflight(model, map) {
  if (!map) return tm.preflight(request(model));
  const catalogue = new tm.Catalogue();
  try {
    catalogue.import(JSON.parse(map), { format: "litellm" });
    return tm.preflight(request(model), { catalogue });
  } finally {
    catalogue.free();
  }
}

function assertPriced(model, map) {
  return post("/v1/preflight", request(model)).then((r) => {
    assert.equal(r.status, 200, r.text);
    const got = JSON.parse(r.text);
    const want = nodePreflight(model, map);
    assert.equal(got.inputTokens, want.inputTokens);
    assert.deepEqual(got.cost, want.cost);
    return got;
  });
}

test("before any map: a model only the map has is unknown, and KV is empty", async () => {
  const r = await post("/v1/preflight", request(NEW_MODEL));
  assert.equal(r.status, 400, r.text);
  assert.equal(JSON.parse(r.text).code, "UNKNOWN_MODEL");
  assert.equal((await stored()).value, null);
});

test("the scheduled run imports the map: the Worker prices the new model as Node does with it, the bundled figures win", async () => {
  const fetches = mapFetches;
  const run = await cron();
  assert.equal(run.outcome, "ok");
  assert.equal(mapFetches, fetches + 1);
  const s = await stored();
  assert.equal(s.value, FIXTURE, "the raw map is stored");
  const probe = new tm.Catalogue();
  const report = probe.import(MAP, { format: "litellm" });
  probe.free();
  assert.ok(report.added.includes(NEW_MODEL));
  assert.deepEqual(
    { added: s.meta.added, updated: s.meta.updated, skipped: s.meta.skipped, format: s.meta.format },
    { added: report.added.length, updated: report.updated.length, skipped: report.skipped.length, format: "litellm" },
  );
  assert.equal(s.meta.version, s.metadata.version);
  assert.ok(!s.meta.url.includes(TOKEN), "the stored URL has no query");

  const priced = await assertPriced(NEW_MODEL, FIXTURE);
  assert.ok(priced.cost.max > 0);
  // gpt-4o-2024-08-06 is in the map at $3/$12 per 1M: the bundled figures win.
  const bundled = await assertPriced(BUNDLED, null);
  const imported = nodePreflight(BUNDLED, FIXTURE);
  assert.deepEqual(bundled.cost, imported.cost, "Node's import keeps the bundled figures too");
  const catalogue = new tm.Catalogue();
  catalogue.import(MAP, { format: "litellm", prefer: "imported" });
  assert.notDeepEqual(tm.preflight(request(BUNDLED), { catalogue }).cost, bundled.cost, "the map's figures differ");
  catalogue.free();
});

test("the user's Durable Object settles a streamed call of the new model at the imported price", async () => {
  const r = await post("/v1/chat/completions", { ...request(NEW_MODEL), stream: true }, "sam");
  assert.equal(r.status, 200, r.text);
  const m = /\n: tokenmeter (\{.*\})\n\n$/.exec(r.text);
  assert.ok(m, r.text.slice(-300));
  const settled = JSON.parse(m[1]);
  assert.equal(settled.source, "reported");
  const catalogue = new tm.Catalogue();
  catalogue.import(MAP, { format: "litellm" });
  const ledger = new tm.BudgetLedger();
  const want = ledger.record("x", { model: NEW_MODEL, inputTokens: 1200, outputTokens: 345 }, { catalogue }).costPicoUsd;
  ledger.free();
  catalogue.free();
  assert.equal(settled.costPicoUsd, want);
  const report = await mf.dispatchFetch("http://localhost/v1/usage/sam", { headers: { authorization: await authFor("sam") } });
  const days = (await report.json()).days;
  assert.equal(days[0].models[0].model, NEW_MODEL);
  assert.equal(days[0].models[0].costPicoUsd, want);
});

test("a failed run leaves the stored map and the prices as they were", async () => {
  const before = await stored();
  for (const how of [503, "html", "empty"]) {
    mode = how;
    const fetches = mapFetches;
    const run = await cron();
    assert.equal(run.outcome, "exception", `${how}: the cron run fails`);
    assert.equal(mapFetches, fetches + 1);
    assert.deepEqual(await stored(), before, `${how}: KV unchanged`);
    await assertPriced(NEW_MODEL, FIXTURE);
  }
  mode = "ok";
  const text = logs.join("");
  assert.match(text, /the stored price map is kept/);
  assert.ok(!text.includes(TOKEN), "the map URL's token is in no log line");
});

test("a changed map replaces the prices; a restart prices from the stored map without fetching it", async () => {
  mode = "changed";
  assert.equal((await cron()).outcome, "ok");
  mode = "ok";
  const changed = await assertPriced(NEW_MODEL, CHANGED);
  assert.notDeepEqual(changed.cost, nodePreflight(NEW_MODEL, FIXTURE).cost);
  await mf.dispose();
  mf = undefined;
  const fetches = mapFetches;
  await start();
  await assertPriced(NEW_MODEL, CHANGED);
  assert.equal(mapFetches, fetches, "no fetch on start");
});
