// meterStream, StreamMeter, usageFromResponse of an SSE text, fromAnthropicRequest
// and the ledger's reservations, in Node, against the packed package.
// The streams are tests/fixtures/sse/, written from each provider's published
// event shapes. Promises checked:
// - the bytes pass unchanged (the same chunks, in order), each chunk only when
//   the consumer reads it (a slow consumer: the source is not read ahead);
// - each format's final usage, whatever the chunking (byte by byte too);
// - no usage: the prompt is countChatTokens', the output countTokens';
// - a cancel, a source error, a malformed event, a body that is not SSE;
// - bad arguments are coded errors naming the field;
// - tokenmeter/o200k leaves the meter out and says which entries carry it,
//   while its ledger still reserves.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tm from "tokenmeter";
import * as small from "tokenmeter/o200k";

const fixtures = new URL("../fixtures/sse/", import.meta.url);
const bytesOf = (name) => new Uint8Array(readFileSync(new URL(name, fixtures)));
const WORDS = "The meter reads each event as it passes, and keeps no copy of the stream.";
const REQUEST = {
  model: "gpt-4o",
  messages: [
    { role: "system", content: "You are a terse assistant." },
    { role: "user", content: "Say what the meter does, in one sentence." },
  ],
};

/** A source of `chunks` that counts its pulls and its cancel. */
function source(chunks, { errorAfter } = {}) {
  const s = { pulls: 0, cancelled: null };
  let i = 0;
  s.stream = new ReadableStream({
    pull(c) {
      s.pulls++;
      if (errorAfter !== undefined && i === errorAfter) return c.error(new Error("upstream reset"));
      if (i < chunks.length) c.enqueue(chunks[i++]);
      else c.close();
    },
    cancel(reason) {
      s.cancelled = reason;
    },
  });
  return s;
}

function split(bytes, size) {
  const out = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

async function drain(stream) {
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  return chunks;
}

const concat = (chunks) => Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));

// name, model, [input, output, cached, reasoning], format, stream's model
const REPORTED = [
  ["openai-chat-usage.sse", "gpt-4o", [21, 17, 0, 0], "openai-chat", "gpt-4o-2024-08-06"],
  ["openrouter.sse", "gpt-4o", [42, 14, 32, 5], "openai-chat", "anthropic/claude-sonnet-4.5"],
  ["openai-responses.sse", "gpt-5-mini", [36, 87, 0, 64], "openai-responses", "gpt-5-mini-2025-08-07"],
  ["openai-responses-incomplete.sse", "gpt-5-mini", [36, 40, 0, 23], "openai-responses", "gpt-5-mini-2025-08-07"],
  ["anthropic.sse", "claude-sonnet-4-5", [2520, 89, 2048, 0], "anthropic", "claude-sonnet-4-5-20250929"],
  ["anthropic-server-tools.sse", "claude-sonnet-4-5", [8478, 212, 2048, 0], "anthropic", "claude-sonnet-4-5-20250929"],
  ["gemini.sse", "gemini-2.5-flash", [14, 33, 0, 16], "gemini", "gemini-2.5-flash"],
  ["workers-ai.sse", "gpt-4o", [27, 17, 0, 0], "workers-ai", "gpt-4o"],
];

test("each provider's stream: the same bytes out, and its reported usage, in chunks of any size", async () => {
  for (const [name, model, [input, output, cached, reasoning], format, named] of REPORTED) {
    const bytes = bytesOf(name);
    for (const size of [1, 2, 7, 64, 1000, bytes.length]) {
      const chunks = split(bytes, size);
      const src = source(chunks);
      const { stream, usage } = tm.meterStream(src.stream, { model, request: REQUEST });
      const out = await drain(stream);
      assert.equal(out.length, chunks.length, `${name} /${size}`);
      out.forEach((c, i) => assert.equal(c, chunks[i], `${name} /${size}: chunk ${i} is passed as it came`));
      assert.ok(concat(out).equals(Buffer.from(bytes)));
      const u = await usage;
      const where = `${name} in chunks of ${size}`;
      assert.deepEqual(
        [u.inputTokens, u.outputTokens, u.cachedInputTokens, u.reasoningTokens, u.format, u.model, u.source, u.complete, u.malformedEvents],
        [input, output, cached, reasoning, format, named, "reported", true, 0],
        where,
      );
    }
    // The same text, whole, through usageFromResponse.
    const text = new TextDecoder().decode(bytes);
    const r = tm.usageFromResponse(text);
    assert.deepEqual([r.inputTokens, r.outputTokens, r.format], [input, output, format], name);
  }
});

test("a Response is read through its body", async () => {
  const res = new Response(bytesOf("anthropic.sse"), { headers: { "content-type": "text/event-stream" } });
  const { stream, usage } = tm.meterStream(res, { model: "claude-sonnet-4-5" });
  await drain(stream);
  assert.equal((await usage).outputTokens, 89);
  assert.equal(res.bodyUsed, true);
});

test("no usage reported: the prompt is countChatTokens' and the output countTokens' (each tool call's arguments whole)", async () => {
  for (const model of ["gpt-4o", "gpt-4", "gpt-4.1-mini"]) {
    const { stream, usage } = tm.meterStream(source(split(bytesOf("openai-chat.sse"), 5)).stream, { model, request: { ...REQUEST, model } });
    await drain(stream);
    const u = await usage;
    assert.equal(u.source, "counted");
    assert.equal(u.complete, true);
    assert.equal(u.inputTokens, tm.countChatTokens(REQUEST.messages, { model }), model);
    assert.equal(u.outputTokens, tm.countTokens(WORDS, { model }), model);
  }
  const tools = [{ type: "function", function: { name: "get_weather", description: "Weather by city", parameters: { type: "object", properties: { location: { type: "string" } } } } }];
  const { stream, usage } = tm.meterStream(source([bytesOf("openai-chat-tools.sse")]).stream, { model: "gpt-4o", request: { ...REQUEST, tools } });
  await drain(stream);
  const u = await usage;
  const expected =
    tm.countTokens("Checking both cities.", { model: "gpt-4o" }) +
    tm.countTokens('{"location": "Paris, France"}', { model: "gpt-4o" }) +
    tm.countTokens('{"location": "Zürich, Switzerland", "unit": "celsius"}', { model: "gpt-4o" });
  assert.equal(u.outputTokens, expected);
  assert.equal(u.inputTokens, tm.countChatTokens(REQUEST.messages, { model: "gpt-4o", tools }));
});

test("backpressure: a slow consumer; the source is read one chunk at a time, only as the consumer reads", async () => {
  const chunks = split(bytesOf("openai-chat-usage.sse"), 16);
  const src = source(chunks);
  const { stream, usage } = tm.meterStream(src.stream, { model: "gpt-4o" });
  const reader = stream.getReader();
  for (let read = 1; read <= 5; read++) {
    await reader.read();
    // The consumer dawdles for many turns of the event loop.
    for (let turn = 0; turn < 20; turn++) await new Promise((r) => setImmediate(r));
    // The source's own queue (highWaterMark 1) may hold one chunk more: no further.
    assert.ok(src.pulls <= read + 1, `after ${read} reads the source was pulled ${src.pulls} times`);
  }
  let rest = 0;
  while (!(await reader.read()).done) rest++;
  assert.equal(rest + 5, chunks.length);
  assert.equal((await usage).outputTokens, 17);
});

test("a client cancel: the source is cancelled, the usage is what was streamed, counted, and not complete", async () => {
  const bytes = bytesOf("openai-chat.sse");
  // Up to the end of the event carrying " each": four words streamed.
  const text = Buffer.from(bytes).toString("latin1");
  const end = text.indexOf("\n\n", text.indexOf('" each"')) + 2;
  const src = source([bytes.subarray(0, end), bytes.subarray(end)]);
  const { stream, usage } = tm.meterStream(src.stream, { model: "gpt-4o", request: REQUEST });
  const reader = stream.getReader();
  await reader.read();
  await reader.cancel("client went away");
  assert.equal(src.cancelled, "client went away");
  const u = await usage;
  assert.deepEqual([u.source, u.complete], ["counted", false]);
  assert.equal(u.outputTokens, tm.countTokens("The meter reads each", { model: "gpt-4o" }));
  assert.equal(u.inputTokens, tm.countChatTokens(REQUEST.messages, { model: "gpt-4o" }));
});

test("a source that fails mid-stream: the stream errors, the usage is counted and not complete", async () => {
  const src = source(split(bytesOf("anthropic.sse"), 300), { errorAfter: 4 });
  const { stream, usage } = tm.meterStream(src.stream, { model: "claude-sonnet-4-5" });
  await assert.rejects(drain(stream), /upstream reset/);
  const u = await usage;
  assert.deepEqual([u.source, u.complete, u.inputTokens, u.cachedInputTokens], ["counted", false, 2520, 2048]);
});

test("a malformed event: the bytes still pass, and the usage falls back to counting", async () => {
  const good = new TextDecoder().decode(bytesOf("openai-chat-usage.sse"));
  const bad = new TextEncoder().encode(good.replace('"usage":{"prompt_tokens":21', '"usage":{"prompt_tokens":21,,'));
  const { stream, usage } = tm.meterStream(source(split(bad, 100)).stream, { model: "gpt-4o", request: REQUEST });
  assert.ok(concat(await drain(stream)).equals(Buffer.from(bad)));
  const u = await usage;
  assert.deepEqual([u.source, u.malformedEvents, u.complete], ["counted", 1, true]);
  assert.equal(u.outputTokens, tm.countTokens(WORDS, { model: "gpt-4o" }));
});

test("a body that is neither SSE nor JSON passes through; the usage is an INVALID_STREAM error", async () => {
  const html = new TextEncoder().encode("<!doctype html>\n<title>502 Bad Gateway</title>\n<h1>Bad Gateway</h1>\n");
  const { stream, usage } = tm.meterStream(source([html]).stream, { model: "gpt-4o", request: REQUEST });
  assert.ok(concat(await drain(stream)).equals(Buffer.from(html)));
  await assert.rejects(usage, (e) => e.name === "TokenmeterError" && e.code === "INVALID_STREAM" && /neither/.test(e.message));
  // A whole JSON reply is read as one.
  const json = new TextEncoder().encode(JSON.stringify({ model: "gpt-4o", usage: { prompt_tokens: 9, completion_tokens: 4 } }));
  const m = tm.meterStream(source(split(json, 3)).stream, { model: "gpt-4o" });
  await drain(m.stream);
  assert.deepEqual([(await m.usage).inputTokens, (await m.usage).source], [9, "reported"]);
});

test("a chunk that is not a Uint8Array errors the stream and the usage with a coded error", async () => {
  const { stream, usage } = tm.meterStream(source(["data: {}\n\n"]).stream, { model: "gpt-4o" });
  await assert.rejects(drain(stream), (e) => e.code === "INVALID_ARGUMENT" && e.field === "chunk");
  await assert.rejects(usage, (e) => e.code === "INVALID_ARGUMENT");
});

test("bad arguments are coded errors naming the field", () => {
  const s = () => source([]).stream;
  const cases = [
    [() => tm.meterStream(s(), {}), "options.model"],
    [() => tm.meterStream(s()), "options.model"],
    [() => tm.meterStream(s(), { model: "gpt-4o", format: "smoke-signals" }), "options.format"],
    [() => tm.meterStream(s(), { model: "gpt-4o", extra: 1 }), "options"],
    [() => tm.meterStream(s(), { model: "gpt-4o", request: { messages: "hi" } }), "options.request.messages"],
    [() => tm.meterStream(s(), { model: "gpt-4o", request: { messages: [{ role: "user", content: 5 }] } }), "options.request.messages[0].content"],
    [() => tm.meterStream(s(), { model: "gpt-4o", request: 7 }), "options.request"],
    [() => tm.meterStream("data: x", { model: "gpt-4o" }), "source"],
    [() => tm.meterStream(null, { model: "gpt-4o" }), "source"],
    [() => tm.meterStream(new Response(null), { model: "gpt-4o" }), "source"],
    [() => tm.meterStream(s(), { model: "gpt-4o", catalogue: {} }), "options.catalogue"],
    [() => new tm.StreamMeter({ model: 5 }), "options"],
  ];
  for (const [fn, field] of cases) {
    assert.throws(fn, (e) => e.name === "TokenmeterError" && e.code === "INVALID_ARGUMENT" && e.field === field && e.message.startsWith(field), field);
  }
  const locked = s();
  locked.getReader();
  assert.throws(() => tm.meterStream(locked, { model: "gpt-4o" }), (e) => e.field === "source" && /locked/.test(e.message));
  const used = new Response("x");
  used.body.getReader();
  assert.throws(() => tm.meterStream(used, { model: "gpt-4o" }), (e) => e.field === "source");
});

test("a model tokenmeter cannot count is an error only when counting is needed", async () => {
  const reported = tm.meterStream(source([bytesOf("workers-ai.sse")]).stream, { model: "my-own-finetune-v3" });
  await drain(reported.stream);
  assert.equal((await reported.usage).inputTokens, 27);
  const counted = tm.meterStream(source([bytesOf("openai-chat.sse")]).stream, { model: "my-own-finetune-v3", request: REQUEST });
  await drain(counted.stream);
  await assert.rejects(counted.usage, (e) => e.code === "UNKNOWN_MODEL" && e.field === "options.model");
  // Without the request, a prompt cannot be counted.
  const noRequest = tm.meterStream(source([bytesOf("openai-chat.sse")]).stream, { model: "gpt-4o" });
  await drain(noRequest.stream);
  await assert.rejects(noRequest.usage, (e) => e.code === "INVALID_ARGUMENT" && e.field === "options.request");
});

test("StreamMeter: push, finish once, heldBytes, free", () => {
  const m = new tm.StreamMeter({ model: "gpt-4o", request: REQUEST, format: "openai-chat" });
  for (const c of split(bytesOf("openai-chat.sse"), 10)) m.push(c);
  assert.ok(m.heldBytes < 1024);
  const u = m.finish(true);
  assert.equal(u.outputTokens, tm.countTokens(WORDS, { model: "gpt-4o" }));
  assert.throws(() => m.finish(true), (e) => e.code === "INVALID_ARGUMENT");
  assert.throws(() => m.push("text"), (e) => e.field === "chunk");
  m.free();
  assert.throws(() => m.push(new Uint8Array(1)), (e) => e.code === "INVALID_ARGUMENT" && /freed/.test(e.message));
  m.free();
});

test("usageFromResponse of a text: SSE with usage, JSON; none is INVALID_ARGUMENT at body", () => {
  const json = tm.usageFromResponse(JSON.stringify({ model: "gpt-4o", usage: { prompt_tokens: 3, completion_tokens: 1 } }));
  assert.deepEqual([json.inputTokens, json.outputTokens, json.format], [3, 1, "openai-chat"]);
  for (const text of [new TextDecoder().decode(bytesOf("openai-chat.sse")), "plain words\n", ""]) {
    assert.throws(() => tm.usageFromResponse(text), (e) => e.code === "INVALID_ARGUMENT" && e.field === "body", JSON.stringify(text.slice(0, 20)));
  }
});

test("fromAnthropicRequest: the chat shape that countChatTokens and preflight take", () => {
  const request = {
    model: "claude-sonnet-4-5",
    max_tokens: 512,
    system: "You are a weather bot.",
    tools: [{ name: "get_weather", description: "Weather by city", input_schema: { type: "object", properties: { city: { type: "string" } } } }],
    messages: [
      { role: "user", content: "Weather in Paris?" },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "18°C" }] },
    ],
  };
  const chat = tm.fromAnthropicRequest(request);
  assert.deepEqual(chat.messages.map((m) => m.role), ["system", "user", "assistant", "tool"]);
  const p = tm.preflight(chat);
  assert.equal(p.inputTokens, tm.countChatTokens(chat.messages, { model: "claude-sonnet-4-5", tools: chat.tools }));
  assert.equal(p.maxOutputTokens, 512);
  assert.throws(() => tm.fromAnthropicRequest({ messages: [{ role: "user", content: [{ text: "x" }] }] }), (e) => e.field === "request.messages[0].content[0].type");
});

test("BudgetLedger: reserve, settle, release, tryRecord, per-key reports, JSON version 2", () => {
  const T = Date.UTC(2030, 0, 1, 12);
  const ledger = new tm.BudgetLedger({ perKeyDailyUsd: 1 });
  const pricing = { input: 1, output: 2 };
  const r1 = ledger.reserve("alice", 0.4, { id: "c1", now: T });
  assert.deepEqual([r1.reserved, r1.amountPicoUsd, r1.check.reservedPicoUsd, r1.expiresAt], [true, "400000000000", "400000000000", T + 900_000]);
  assert.equal(ledger.reserve("alice", 0.4, { id: "c2", now: T }).reserved, true);
  const refused = ledger.reserve("alice", 0.4, { id: "c3", now: T });
  assert.deepEqual([refused.reserved, refused.check.remainingPicoUsd], [false, "200000000000"]);
  // A chat request's worst case: preflight's cost.max.
  const ask = { model: "gpt-4o", messages: [{ role: "user", content: "Hi" }], max_tokens: 100 };
  const r4 = ledger.reserve("bob", ask, { id: "b1", now: T });
  assert.equal(r4.amountUsd, tm.preflight(ask).cost.max);
  // Settled at the actual usage; the difference comes back.
  const s = ledger.settle("c1", { inputTokens: 100_000, outputTokens: 0 }, { model: "m", pricing });
  assert.deepEqual([s.key, s.costPicoUsd, s.reservedPicoUsd, s.check.spentPicoUsd, s.check.reservedPicoUsd], ["alice", "100000000000", "400000000000", "100000000000", "400000000000"]);
  assert.throws(() => ledger.settle("c1", { inputTokens: 1 }, { model: "m", pricing }), (e) => e.code === "UNKNOWN_RESERVATION" && e.field === "id");
  assert.equal(ledger.release("c2"), true);
  assert.equal(ledger.release("c2"), false);
  assert.deepEqual(ledger.reservations({ key: "bob" }).map((r) => r.id), ["b1"]);
  // tryRecord holds records to the budget.
  assert.equal(ledger.tryRecord("alice", { inputTokens: 1_000_000 }, { model: "m", pricing, now: T }).recorded, false);
  const ok = ledger.tryRecord("alice", { inputTokens: 900_000 }, { model: "m", pricing, now: T });
  assert.deepEqual([ok.recorded, ok.check.remainingPicoUsd], [true, "0"]);
  const report = ledger.report({ key: "alice" });
  assert.deepEqual(report.byDayModel.map((l) => [l.day, l.model, l.costPicoUsd, l.requests]), [["2030-01-01", "m", "1000000000000", 2]]);
  assert.equal(report.totalPicoUsd, "1000000000000");
  const back = tm.BudgetLedger.fromJSON(JSON.stringify(ledger.toJSON()));
  assert.equal(back.toJSON().version, 2);
  assert.deepEqual(back.reservations().map((r) => r.id), ["b1"]);
  for (const [fn, field] of [
    [() => ledger.reserve("alice", 0.1, {}), "options.id"],
    [() => ledger.reserve("alice", -1, { id: "x" }), "amount"],
    [() => ledger.reserve("alice", "ten", { id: "x" }), "amount"],
    [() => ledger.reserve("alice", 0.1, { id: "x", ttlMs: 5 }), "options.ttlMs"],
    [() => ledger.reserve("alice", 0.1, { id: "b1", now: T }), "options.id"],
    [() => ledger.settle(5, {}), "id"],
  ]) {
    assert.throws(fn, (e) => e.name === "TokenmeterError" && e.field === field, field);
  }
  ledger.free();
  back.free();
});

test("tokenmeter/o200k leaves the stream meter out and says where it is; its ledger still reserves", () => {
  const bytes = bytesOf("openai-chat-usage.sse");
  const where = /tokenmeter or tokenmeter\/all or tokenmeter\/html( or tokenmeter\/[a-z0-9]+)*$/;
  for (const [call, field] of [
    [() => small.meterStream(new Response(bytes), { model: "gpt-4o" }), "options"],
    [() => new small.StreamMeter({ model: "gpt-4o" }), "options"],
    [() => small.fromAnthropicRequest({ model: "claude-sonnet-4-6", max_tokens: 10, messages: [] }), "request"],
    [() => small.usageFromResponse(new TextDecoder().decode(bytes)), "body"],
  ]) {
    assert.throws(call, (e) => e.name === "TokenmeterError" && e.code === "FEATURE_NOT_BUNDLED" && e.field === field && where.test(e.message), field);
  }
  // A reply object reads as before, and the ledger's reservations are there.
  assert.equal(small.usageFromResponse({ model: "gpt-4o", usage: { prompt_tokens: 3, completion_tokens: 2 } }).inputTokens, 3);
  const ledger = new small.BudgetLedger({ perKeyDailyUsd: 1 });
  assert.equal(ledger.reserve("k", 0.5, { id: "a" }).reserved, true);
  assert.equal(ledger.reserve("k", 0.6, { id: "b" }).reserved, false);
  ledger.free();
  // The same reply meters in the default entry.
  const whole = tm.usageFromResponse(new TextDecoder().decode(bytes));
  assert.deepEqual([whole.format, whole.inputTokens, whole.outputTokens], ["openai-chat", 21, 17]);
});
