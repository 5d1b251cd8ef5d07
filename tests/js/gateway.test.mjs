// examples/worker as a metering gateway, in real workerd (Miniflare), in
// front of a real upstream: a Node HTTP server that replays the SSE fixtures
// of tests/fixtures/sse/ (each provider's documented event shapes), byte by
// byte or in chunks, as the request it receives asks (`metadata.tm`).
// Promises checked (issue 27):
// - the client gets the upstream's bytes unchanged, then the settled figures
//   in an SSE comment; they are meterStream's in Node, priced as in Node;
// - the upstream gets the gateway's key, never the user's token;
// - 200 concurrent streams for one user whose budget allows exactly N: N are
//   admitted and reach the upstream, the others are 429s that reach nothing,
//   and the spend is the exact sum of the settled costs;
// - a client that leaves mid-stream: the upstream is cancelled, the usage of
//   what was streamed is settled and the reservation closed;
// - upstream 429, 500 and 401: released, nothing spent, no key in the answer;
// - a malformed event, a body that is neither SSE nor JSON;
// - no token, a wrong one, a forged one, another user's: 401 (or 403), no
//   upstream call, no spend;
// - an idempotency key on /v1/usage records once; usage events as JSON lines;
// - the upstream keys appear in no answer and no log line.
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
const fixtures = join(here, "..", "fixtures", "sse");
const OPENAI_KEY = "sk-upstream-SECRET-0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const ANTHROPIC_KEY = "sk-ant-upstream-SECRET-99887766554433221100ffee";
const MESSAGES = [
  { role: "system", content: "You are a terse assistant." },
  { role: "user", content: "Say what the meter does, in one sentence." },
];

let mf;
let direct;
let work;
let server;
let upstreamUrl;
const calls = []; // what the upstream received
const gates = new Map(); // name -> { open, opened }
const seen = []; // every answer's status line, headers and body, for the key check
const logs = []; // what the Worker wrote to its console

function gate(name) {
  if (!gates.has(name)) {
    let open;
    const opened = new Promise((r) => (open = r));
    gates.set(name, { open, opened });
  }
  return gates.get(name);
}

const fixture = (name) => readFileSync(join(fixtures, name));

function upstreamHandler(req, res) {
  let text = "";
  req.setEncoding("utf8");
  req.on("data", (d) => (text += d));
  req.on("end", async () => {
    const body = JSON.parse(text);
    const plan = body.metadata?.tm ?? {};
    const call = { path: req.url, headers: req.headers, body, closed: false, user: plan.user };
    calls.push(call);
    res.on("close", () => (call.closed = true));
    call.whenClosed = new Promise((r) => res.on("close", r));
    res.socket.setNoDelay(true);
    if (plan.status) {
      // As OpenAI's own 401 does, the error names the key it was given.
      const key = req.headers.authorization ?? req.headers["x-api-key"];
      res.writeHead(plan.status, { "content-type": "application/json", ...(plan.status === 429 ? { "retry-after": "7" } : {}) });
      res.end(JSON.stringify({ error: { type: "server_error", message: `refused (key ${key})` } }));
      return;
    }
    const bytes = plan.json ? Buffer.from(JSON.stringify(plan.json)) : plan.html ? Buffer.from(plan.html) : mutate(fixture(plan.fixture), plan.mutate);
    const type = plan.json ? "application/json" : plan.html ? "text/html" : "text/event-stream";
    res.writeHead(200, { "content-type": type, "x-request-id": "req_upstream_1" });
    res.flushHeaders();
    if (plan.gate) await gate(plan.gate).opened;
    const size = plan.split === "bytes" ? 1 : (plan.split ?? bytes.length);
    const end = plan.holdAfter ?? bytes.length;
    for (let i = 0; i < end && !res.destroyed; i += size) {
      res.write(bytes.subarray(i, Math.min(i + size, end)));
      await new Promise((r) => setImmediate(r));
    }
    if (plan.holdAfter === undefined) {
      res.end();
      return;
    }
    // Held open, as a slow model is: keep-alive comments (which change no
    // count) until the gateway goes away. A server notices a client that
    // left when it next writes to it, so the gateway needs something to pass.
    while (!res.destroyed) {
      res.write(": keep-alive\n\n");
      await new Promise((r) => setTimeout(r, 20));
    }
  });
}

function mutate(bytes, how) {
  if (how === "garble-usage") return Buffer.from(bytes.toString("utf8").replace('"usage":{"prompt_tokens":21', '"usage":{"prompt_tokens":21,,'));
  return bytes;
}

before(async () => {
  mkdirSync(join(here, ".worker-example"), { recursive: true });
  work = mkdtempSync(join(here, ".worker-example", "gateway-"));
  installExample();
  const config = exampleConfig();
  const bundle = await bundleWorker(join(example, config.main), join(work, "build"));
  server = http.createServer(upstreamHandler);
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  upstreamUrl = `http://127.0.0.1:${server.address().port}`;
  const collect = (stream) => stream.on("data", (d) => logs.push(String(d)));
  ({ instance: mf } = await startWorker({
    config,
    bundle,
    persist: join(work, "persist"),
    bindings: {
      ...config.vars,
      DAILY_BUDGET_USD: "1",
      AUTH_SECRET,
      UPSTREAM_OPENAI_URL: `${upstreamUrl}/openai/v1`,
      UPSTREAM_OPENAI_KEY: OPENAI_KEY,
      UPSTREAM_ANTHROPIC_URL: `${upstreamUrl}/anthropic/v1`,
      UPSTREAM_ANTHROPIC_KEY: ANTHROPIC_KEY,
    },
    stdio: (stdout, stderr) => {
      collect(stdout);
      collect(stderr);
    },
  }));
  direct = await mf.unsafeGetDirectURL();
});

after(async () => {
  await mf?.dispose();
  await new Promise((r) => (server ? server.close(r) : r()));
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A request to the Worker's own socket; the whole answer, kept for the key check. */
async function gw(path, { user = "default-user", body, headers = {}, method = "POST", auth } = {}) {
  const init = { method, headers: { ...headers } };
  const authorization = auth === undefined ? await authFor(user) : auth;
  if (authorization !== null) init.headers.authorization ??= authorization;
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    init.headers["content-type"] ??= "application/json";
  }
  const res = await fetch(new URL(path, direct), init);
  const text = await res.text();
  seen.push(`${res.status} ${[...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${text}`);
  return { status: res.status, headers: res.headers, text };
}

const chat = (plan, extra = {}) => ({ model: "gpt-4o", messages: MESSAGES, max_tokens: 200, stream: true, metadata: { tm: plan }, ...extra });
const anthropic = (plan, extra = {}) => ({
  model: "claude-sonnet-4-6", max_tokens: 300, system: MESSAGES[0].content, stream: true,
  messages: [{ role: "user", content: MESSAGES[1].content }], metadata: { tm: plan }, ...extra,
});

/** The SSE comment the gateway adds after the last event, and the bytes before it. */
function settledOf(text) {
  const m = /\n: tokenmeter (\{.*\})\n\n$/.exec(text);
  assert.ok(m, `no settled figures at the end of ${JSON.stringify(text.slice(-200))}`);
  return { before: text.slice(0, m.index + 1), figures: JSON.parse(m[1]) };
}

/** meterStream's usage of `bytes` in Node, and its exact price. */
async function expected(bytes, model, request) {
  const { stream, usage } = tm.meterStream(new Response(bytes), { model, request });
  await new Response(stream).arrayBuffer();
  const u = await usage;
  const ledger = new tm.BudgetLedger();
  const picoUsd = ledger.record("x", { ...u, model }).costPicoUsd;
  ledger.free();
  return { ...u, picoUsd };
}

async function today(user) {
  const r = await gw(`/v1/usage/${encodeURIComponent(user)}`, { user, method: "GET" });
  assert.equal(r.status, 200, r.text);
  return JSON.parse(r.text);
}

async function events(user, query = "") {
  const r = await gw(`/v1/usage/${encodeURIComponent(user)}/events${query}`, { user, method: "GET" });
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get("content-type"), /^application\/x-ndjson/);
  return { lines: r.text.split("\n").filter(Boolean).map((l) => JSON.parse(l)), next: r.headers.get("x-next-after") };
}

const STREAMS = [
  ["/v1/chat/completions", "openai-chat-usage.sse", "gpt-4o"],
  ["/v1/chat/completions", "openai-chat.sse", "gpt-4o"],
  ["/v1/chat/completions", "openai-chat-tools.sse", "gpt-4o"],
  ["/v1/chat/completions", "openrouter.sse", "gpt-4o"],
  ["/v1/chat/completions", "openai-responses.sse", "gpt-5-mini"],
  ["/v1/chat/completions", "gemini.sse", "gemini-2.5-flash"],
  ["/v1/chat/completions", "workers-ai.sse", "gpt-4o"],
  ["/v1/messages", "anthropic.sse", "claude-sonnet-4-6"],
  ["/v1/messages", "anthropic-server-tools.sse", "claude-sonnet-4-6"],
];

test("each provider's stream, sent byte by byte: the same bytes reach the client, then the settled figures, which are meterStream's", async () => {
  for (const [path, name, model] of STREAMS) {
    const user = `streams-${name}`;
    const plan = { fixture: name, split: "bytes" };
    const body = path === "/v1/messages" ? anthropic(plan, { model }) : chat(plan, { model });
    const before = calls.length;
    const r = await gw(path, { user, body });
    assert.equal(r.status, 200, `${name}: ${r.text.slice(0, 300)}`);
    assert.match(r.headers.get("content-type"), /^text\/event-stream/);
    const bytes = fixture(name);
    const { before: passed, figures } = settledOf(r.text);
    assert.equal(passed, bytes.toString("utf8"), `${name}: the stream's bytes, unchanged`);
    const request = path === "/v1/messages" ? tm.fromAnthropicRequest(body) : body;
    const e = await expected(bytes, model, request);
    assert.deepEqual(
      [figures.inputTokens, figures.outputTokens, figures.cachedInputTokens, figures.reasoningTokens, figures.source, figures.complete, figures.costPicoUsd],
      [e.inputTokens, e.outputTokens, e.cachedInputTokens, e.reasoningTokens, e.source, e.complete, e.picoUsd],
      name,
    );
    // The reserved worst case is in the headers: preflight's cost.max.
    assert.equal(Number(r.headers.get("x-tokenmeter-reserved-usd")), tm.preflight(request).cost.max);
    assert.equal(Number(r.headers.get("x-tokenmeter-input-tokens")), tm.preflight(request).inputTokens);
    // The upstream got the gateway's key and the request, an OpenAI stream
    // asked for its usage; never the user's token.
    assert.equal(calls.length, before + 1);
    const got = calls.at(-1);
    if (path === "/v1/messages") {
      assert.deepEqual([got.path, got.headers["x-api-key"], got.headers["anthropic-version"], got.headers.authorization], ["/anthropic/v1/messages", ANTHROPIC_KEY, "2023-06-01", undefined]);
    } else {
      assert.deepEqual([got.path, got.headers.authorization, got.body.stream_options], ["/openai/v1/chat/completions", `Bearer ${OPENAI_KEY}`, { include_usage: true }]);
    }
    // Settled: spent exactly the figures' cost, nothing held.
    const t = await today(user);
    assert.deepEqual([t.today.spentPicoUsd, t.today.reservedPicoUsd], [e.picoUsd, "0"], name);
    const { lines } = await events(user);
    assert.deepEqual(lines.map((l) => [l.kind, l.outcome, l.costPicoUsd, l.outputTokens]), [[path === "/v1/messages" ? "anthropic" : "openai", "complete", e.picoUsd, e.outputTokens]]);
  }
});

test("chunks of any size give the same figures; a whole (not streamed) reply has its actual figures in the headers", async () => {
  const figures = [];
  for (const split of [1, 7, 100, 4096]) {
    const r = await gw("/v1/chat/completions", { user: "splits", body: chat({ fixture: "anthropic.sse", split }, { model: "gpt-4o" }) });
    figures.push(settledOf(r.text).figures);
  }
  for (const f of figures) assert.deepEqual({ ...f, requestId: 0, budget: 0 }, { ...figures[0], requestId: 0, budget: 0 });
  const reply = { id: "chatcmpl-w", object: "chat.completion", model: "gpt-4o", choices: [{ index: 0, message: { role: "assistant", content: "Hi." }, finish_reason: "stop" }], usage: { prompt_tokens: 20, completion_tokens: 5 } };
  const r = await gw("/v1/chat/completions", { user: "whole", body: chat({ json: reply }, { stream: false }) });
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.text), reply);
  assert.deepEqual([r.headers.get("x-tokenmeter-output-tokens"), r.headers.get("x-tokenmeter-usage-source")], ["5", "reported"]);
  assert.equal(Number(r.headers.get("x-tokenmeter-cost-usd")), tm.estimateCost({ model: "gpt-4o", inputTokens: 20, outputTokens: 5 }).total);
  // Not a stream: nothing was added to it, and no stream_options were asked for.
  assert.equal(calls.at(-1).body.stream_options, undefined);
});

test("200 concurrent streams for one user whose budget allows exactly N: N admitted, the rest refused before the upstream, the spend the exact sum", async () => {
  const user = "crowd";
  const request = { model: "gpt-4o", messages: [{ role: "user", content: "Hello" }], max_tokens: 2000 };
  // The amount each reserves (preflight's cost.max), exactly, and how many fit in $1.
  const probe = new tm.BudgetLedger();
  const amount = BigInt(probe.reserve("x", request, { id: "x" }).amountPicoUsd);
  probe.free();
  assert.equal(amount, BigInt(Math.round(tm.preflight(request).cost.max * 1e12)), "the Worker's USD amount is exact");
  const n = Number(1_000_000_000_000n / amount);
  assert.ok(n > 10 && n < 200, `${n} fit`);
  const before = calls.length;
  // Every admitted stream is held at the upstream until all 200 are decided,
  // so that no settle frees budget for a later one.
  const auth = await authFor(user);
  const responses = await Promise.all(
    Array.from({ length: 200 }, () =>
      fetch(new URL("/v1/chat/completions", direct), {
        method: "POST",
        headers: { "content-type": "application/json", authorization: auth },
        body: JSON.stringify({ ...request, stream: true, metadata: { tm: { fixture: "openai-chat-usage.sse", gate: "crowd", split: 97 } } }),
      }),
    ),
  );
  const admitted = responses.filter((r) => r.status === 200);
  const refused = responses.filter((r) => r.status === 429);
  assert.equal(admitted.length, n, `admitted ${admitted.length}, ${n} fit`);
  assert.equal(refused.length, 200 - n);
  assert.equal(calls.length - before, n, "only the admitted reached the upstream");
  for (const r of refused) assert.equal((await r.json()).code, "BUDGET_EXCEEDED");
  const held = await today(user);
  assert.equal(BigInt(held.today.reservedPicoUsd), amount * BigInt(n));
  gate("crowd").open();
  const texts = await Promise.all(admitted.map((r) => r.text()));
  let sum = 0n;
  for (const text of texts) sum += BigInt(settledOf(text).figures.costPicoUsd);
  const e = await expected(fixture("openai-chat-usage.sse"), "gpt-4o", request);
  assert.equal(sum, BigInt(e.picoUsd) * BigInt(n));
  const after = await today(user);
  assert.deepEqual([after.today.spentPicoUsd, after.today.reservedPicoUsd, after.totalPicoUsd, after.requests], [String(sum), "0", String(sum), n]);
});

/** Posts through the Worker's socket and leaves after `bytes` of the answer. */
function leaveAfter(path, user, body, bytes) {
  return new Promise(async (resolve, reject) => {
    const authorization = await authFor(user);
    const req = http.request(new URL(path, direct), { method: "POST", headers: { "content-type": "application/json", authorization }, agent: false }, (res) => {
      let got = 0;
      res.on("data", (d) => {
        got += d.length;
        if (got >= bytes) {
          res.destroy();
          req.destroy();
          resolve(got);
        }
      });
    });
    req.on("error", (e) => (e.code === "ECONNRESET" ? null : reject(e)));
    req.end(JSON.stringify(body));
  });
}

/** Waits (a bounded number of event-loop rounds, not a time) until `check` holds. */
async function until(what, check) {
  for (let i = 0; i < 400; i++) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`never: ${what}; the Worker logged: ${logs.join("").slice(-1500)}`);
}

test("a client that leaves mid-stream: the upstream is cancelled, the usage of what was streamed settled, nothing held", async () => {
  const user = "leaver";
  const bytes = fixture("openai-chat.sse");
  const text = bytes.toString("latin1");
  const part = text.indexOf("\n\n", text.indexOf('" each"')) + 2;
  const body = chat({ fixture: "openai-chat.sse", holdAfter: part, split: 50 });
  const before = calls.length;
  await leaveAfter("/v1/chat/completions", user, body, part);
  const upstream = await until("the upstream call", () => calls[before]);
  await until("the upstream read cancelled", () => upstream.closed);
  const [event] = (await until("the settle", async () => ((await events(user)).lines.length ? (await events(user)).lines : null)));
  assert.deepEqual([event.outcome, event.source, event.complete], ["cut off", "counted", false]);
  assert.equal(event.outputTokens, tm.countTokens("The meter reads each", { model: "gpt-4o" }));
  assert.equal(event.inputTokens, tm.countChatTokens(MESSAGES, { model: "gpt-4o" }));
  const t = await today(user);
  assert.deepEqual([t.today.spentPicoUsd, t.today.reservedPicoUsd], [event.costPicoUsd, "0"]);
  assert.equal(event.costUsd, tm.estimateCost({ model: "gpt-4o", inputTokens: event.inputTokens, outputTokens: event.outputTokens }).total);
});

test("upstream 429, 500 and 401: the reservation is released, nothing is spent, the key is not in the answer", async () => {
  const user = "unlucky";
  const cases = [
    [429, 429, "UPSTREAM_RATE_LIMITED"],
    [500, 502, "UPSTREAM_ERROR"],
    [401, 502, "UPSTREAM_AUTH_FAILED"],
    [400, 400, "UPSTREAM_REJECTED"],
  ];
  for (const [upstream, status, code] of cases) {
    const r = await gw("/v1/chat/completions", { user, body: chat({ status: upstream }) });
    assert.equal(r.status, status, r.text);
    const answer = JSON.parse(r.text);
    assert.deepEqual([answer.code, answer.upstreamStatus], [code, upstream]);
    assert.match(answer.message, /nothing was spent/);
    if (upstream === 429) assert.equal(r.headers.get("retry-after"), "7");
    assert.ok(!r.text.includes(OPENAI_KEY) && !r.text.includes("sk-upstream"), r.text);
  }
  const t = await today(user);
  assert.deepEqual([t.today.spentPicoUsd, t.today.reservedPicoUsd, t.requests], ["0", "0", 0]);
  const { lines } = await events(user);
  assert.deepEqual(lines.map((l) => [l.outcome, l.costPicoUsd]), cases.map(([u]) => [`upstream ${u}`, "0"]));
});

test("a malformed event still passes; a body that is neither SSE nor JSON passes and is charged the reserved worst case", async () => {
  const r = await gw("/v1/chat/completions", { user: "garbled", body: chat({ fixture: "openai-chat-usage.sse", mutate: "garble-usage", split: 64 }) });
  const { before, figures } = settledOf(r.text);
  assert.equal(before, mutate(fixture("openai-chat-usage.sse"), "garble-usage").toString("utf8"));
  assert.deepEqual([figures.source, figures.outputTokens], ["counted", tm.countTokens("The meter reads each event as it passes, and keeps no copy of the stream.", { model: "gpt-4o" })]);
  const html = "<!doctype html><title>502</title><h1>Bad gateway</h1>\n";
  const h = await gw("/v1/chat/completions", { user: "html", body: chat({ html }) });
  assert.equal(h.status, 200);
  assert.equal(h.text, html);
  assert.equal(h.headers.get("x-tokenmeter-usage-source"), "worst case");
  const [event] = (await events("html")).lines;
  assert.equal(event.outcome, "unmetered: INVALID_STREAM");
  assert.equal(event.costUsd, Number(h.headers.get("x-tokenmeter-reserved-usd")));
});

test("a request that does not fit is refused before the upstream and reserves nothing", async () => {
  const before = calls.length;
  const huge = [{ role: "user", content: "word ".repeat(140_000) }];
  const r = await gw("/v1/chat/completions", { user: "overflow", body: chat({ fixture: "openai-chat.sse" }, { messages: huge }) });
  assert.deepEqual([r.status, JSON.parse(r.text).code], [400, "CONTEXT_OVERFLOW"]);
  const u = await gw("/v1/chat/completions", { user: "overflow", body: chat({}, { model: "gpt-imaginary" }) });
  assert.deepEqual([u.status, JSON.parse(u.text).code], [400, "UNKNOWN_MODEL"]);
  assert.equal(calls.length, before);
  assert.equal((await events("overflow")).lines.length, 0);
});

test("only known users get in: no token, a wrong, forged or malformed one is a 401 that reaches nothing and costs nothing", async () => {
  const before = calls.length;
  const forged = await authFor("victim", "another-secret-0123456789abcdef-0123456789abcdef");
  const real = (await authFor("mallory")).split(".");
  const swapped = [real[0], Buffer.from("victim").toString("base64url"), real[2]].join(".");
  for (const [label, auth] of [["none", null], ["empty", "Bearer "], ["garbage", "Bearer abc.def"], ["forged", forged], ["swapped", swapped], ["basic", "Basic dXNlcjpwYXNz"]]) {
    for (const path of ["/v1/chat/completions", "/v1/messages", "/v1/preflight", "/v1/usage", "/v1/usage/victim", "/v1/usage/victim/events"]) {
      const method = path.startsWith("/v1/usage/") ? "GET" : "POST";
      const r = await gw(path, { method, auth, body: method === "POST" ? chat({ fixture: "openai-chat.sse" }) : undefined });
      assert.equal(r.status, 401, `${label} ${path}: ${r.text}`);
      assert.equal(JSON.parse(r.text).code, "UNAUTHORIZED");
      assert.match(r.headers.get("www-authenticate"), /^Bearer/);
    }
  }
  // The token is checked before the body is read: a body that is not JSON
  // is a 401 without a token, a 400 with one.
  assert.equal((await gw("/v1/chat/completions", { auth: forged, body: "{not json" })).status, 401);
  assert.equal((await gw("/v1/chat/completions", { user: "mallory", body: "{not json" })).status, 400);
  // Another user's usage: 403.
  assert.equal((await gw("/v1/usage/victim", { user: "mallory", method: "GET" })).status, 403);
  assert.equal((await gw("/v1/usage", { user: "mallory", body: { user: "victim", response: { model: "gpt-4o", usage: { prompt_tokens: 1, completion_tokens: 1 } } } })).status, 403);
  assert.equal(calls.length, before, "no request reached the upstream");
  const t = await today("victim");
  assert.deepEqual([t.requests, t.today.spentPicoUsd], [0, "0"]);
  // Anthropic's SDKs send the key as x-api-key: the user's token works there too.
  const token = (await authFor("sdk-user")).slice("Bearer ".length);
  const r = await gw("/v1/messages", { auth: null, headers: { "x-api-key": token }, body: anthropic({ fixture: "anthropic.sse" }) });
  assert.equal(r.status, 200);
  assert.equal(calls.at(-1).headers["x-api-key"], ANTHROPIC_KEY);
});

test("POST /v1/usage with an Idempotency-Key records once and answers the first answer again", async () => {
  const user = "idem";
  const body = { response: { model: "gpt-4o", usage: { prompt_tokens: 1000, completion_tokens: 100 } } };
  const first = await gw("/v1/usage", { user, body, headers: { "idempotency-key": "call-1" } });
  const again = await gw("/v1/usage", { user, body, headers: { "idempotency-key": "call-1" } });
  assert.equal(first.status, 200);
  assert.deepEqual({ ...JSON.parse(again.text), replayed: undefined }, { ...JSON.parse(first.text), replayed: undefined });
  assert.equal(JSON.parse(again.text).replayed, true);
  const other = await gw("/v1/usage", { user, body, headers: { "idempotency-key": "call-2" } });
  assert.equal(other.status, 200);
  const t = await today(user);
  assert.equal(t.requests, 2);
  assert.equal(BigInt(t.totalPicoUsd), 2n * BigInt(JSON.parse(first.text).costPicoUsd));
  const bad = await gw("/v1/usage", { user, body, headers: { "idempotency-key": "x".repeat(300) } });
  assert.deepEqual([bad.status, JSON.parse(bad.text).field], [400, "idempotency-key"]);
});

test("usage events as JSON lines, a page at a time", async () => {
  const user = "pages";
  for (let i = 0; i < 5; i++) {
    await gw("/v1/usage", { user, body: { response: { model: "gpt-4o-mini", usage: { prompt_tokens: 10 + i, completion_tokens: 1 } } } });
  }
  const all = (await events(user)).lines;
  assert.deepEqual(all.map((e) => e.inputTokens), [10, 11, 12, 13, 14]);
  assert.ok(all.every((e) => e.kind === "usage" && e.outcome === "recorded" && /^\d+$/.test(e.costPicoUsd)));
  const first = await events(user, "?limit=2");
  assert.equal(first.lines.length, 2);
  const second = await events(user, `?limit=2&after=${first.next}`);
  const third = await events(user, `?limit=2&after=${second.next}`);
  assert.deepEqual([...first.lines, ...second.lines, ...third.lines].map((e) => e.seq), all.map((e) => e.seq));
  assert.equal(third.next, null);
  assert.equal((await gw(`/v1/usage/${user}/events?limit=0`, { user, method: "GET" })).status, 400);
});

test("the upstream keys appear in no answer and no log line", () => {
  assert.ok(seen.length > 100, `${seen.length} answers seen`);
  for (const text of [...seen, ...logs]) {
    for (const key of [OPENAI_KEY, ANTHROPIC_KEY, "SECRET-"]) assert.ok(!text.includes(key), text.slice(0, 300));
  }
  // The log did record the refused key, by its status only.
  assert.ok(logs.join("").includes("refused the gateway's key (401)"));
});
