// examples/worker in real workerd (Miniflare), against bad input: every
// malformed request gets a clear 4xx in JSON, 10 MB bodies are refused
// before or while reading them, and after 1,000 bad requests the Worker
// still serves, and still right. The harness (install, bundle, Miniflare)
// is worker-example.mjs; the rest of the Worker's tests are in
// worker-example.test.mjs.
//
// Promise that had no test before (issue 28): "1,000 bad requests (10 MB
// bodies among them) leave it serving": the 10 MB bodies were sent in a
// separate four-request test; now "1,000 bad requests, 10 MB bodies among
// them, then a good one" sends ten of them among the thousand.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { Miniflare } from "miniflare";
import * as tm from "tokenmeter";
import { chatCases } from "./golden.mjs";
import { REPLIES, call, direct, post, startWorker } from "./worker-example.mjs";

startWorker(Miniflare);

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
    [json("/v1/usage", {}), 400, "INVALID_ARGUMENT", "user"],
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
function rawPost(path, { contentLength, bytes, pauseAt = Infinity }) {
  return new Promise((resolve, reject) => {
    let answered = false;
    let sent = 0;
    let wake = () => {};
    const headers = { "content-type": "application/json" };
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
  // README: "1,000 bad requests (10 MB bodies among them) leave it serving".
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

