// tokenmeter/ai-sdk with the real AI SDK (npm `ai` v7): its test model
// (MockLanguageModelV4 from ai/test) behind generateText and streamText, and
// its own providers (@ai-sdk/anthropic, @ai-sdk/openai, @ai-sdk/google) fed
// recorded replies through their `fetch` option (no network), so that their
// usage conversion is the one checked. The prompt conversion, preflight's
// refusals with their codes, metering of reported and counted usage for
// generate and stream calls, and costFromUsage against costFromResponse (the
// Rust readers of the same replies).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { generateText, streamText, wrapLanguageModel, simulateReadableStream, jsonSchema, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import * as tm from "tokenmeter";
import { costFromUsage, meterMiddleware, toChatMessages, usageFromAiSdk } from "tokenmeter/ai-sdk";

after(() => tm.resetModels());

const none = { inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: undefined, text: undefined, reasoning: undefined } };
const reported = (input, output, { cacheRead, cacheWrite, reasoning } = {}) => ({
  inputTokens: { total: input, noCache: input - (cacheRead ?? 0) - (cacheWrite ?? 0), cacheRead, cacheWrite },
  outputTokens: { total: output, text: output - (reasoning ?? 0), reasoning },
});
const stop = { unified: "stop", raw: "stop" };

// URLs the model takes as they are: the AI SDK downloads any other (no network here).
const supportedUrls = { "*/*": [/^https:\/\//] };

function generating(modelId, content, usage) {
  return new MockLanguageModelV4({ modelId, supportedUrls, doGenerate: async () => ({ content, finishReason: stop, usage, warnings: [] }) });
}

function streaming(modelId, parts, usage) {
  return new MockLanguageModelV4({
    modelId,
    supportedUrls,
    doStream: async () => ({ stream: simulateReadableStream({ chunks: [{ type: "stream-start", warnings: [] }, ...parts, { type: "finish", finishReason: stop, usage }] }) }),
  });
}

function expectCode(error, code, field) {
  assert.ok(error instanceof Error, `an Error, got ${error}`);
  assert.equal(error.name, "TokenmeterError");
  assert.equal(error.code, code, error.message);
  assert.equal(error.field, field, error.message);
  assert.ok(error.message.startsWith(`${field}: `), error.message);
}

// ---- The prompt ---------------------------------------------------------------

test("toChatMessages: the prompt generateText sends, as the chat messages tokenmeter counts", async () => {
  const model = generating("gpt-4o", [{ type: "text", text: "ok" }], reported(1, 1));
  await generateText({
    model,
    system: "You are a careful assistant.",
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this picture, and in the notes?" },
          { type: "image", image: new URL("https://example.com/cat.png"), providerOptions: { openai: { imageDetail: "low" } } },
          { type: "file", data: { type: "text", text: "notes: the cat is grey" }, mediaType: "text/plain" },
          { type: "file", data: new Uint8Array([37, 80, 68, 70]), mediaType: "application/pdf" },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "The user wants a description." },
          { type: "text", text: "Let me look the cat up." },
          { type: "tool-call", toolCallId: "call_1", toolName: "lookup", input: { name: "cat" } },
        ],
      },
      { role: "tool", content: [{ type: "tool-result", toolCallId: "call_1", toolName: "lookup", output: { type: "json", value: { colour: "grey", age: 3 } } }] },
      { role: "user", content: "Thanks. Summarise." },
    ],
  });
  const prompt = model.doGenerateCalls[0].prompt;
  const messages = toChatMessages(prompt);
  assert.deepEqual(messages, [
    { role: "system", content: "You are a careful assistant." },
    {
      role: "user",
      content: [
        { type: "text", text: "What is in this picture, and in the notes?" },
        { type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "low" } },
        { type: "text", text: "notes: the cat is grey" },
      ],
    },
    {
      role: "assistant",
      content: [{ type: "text", text: "Let me look the cat up." }],
      tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: '{"name":"cat"}' } }],
    },
    { role: "tool", tool_call_id: "call_1", content: '{"colour":"grey","age":3}' },
    { role: "user", content: [{ type: "text", text: "Thanks. Summarise." }] },
  ]);
  // What preflight counts for the call is countChatTokens of those messages.
  assert.equal(tm.preflight({ model: "gpt-4o", messages }).inputTokens, tm.countChatTokens(messages, { model: "gpt-4o" }));
});

test("toChatMessages: every tool output kind, provider-executed results and refusals of malformed prompts", () => {
  const call = (id) => ({ type: "tool-call", toolCallId: id, toolName: "t", input: "{}" });
  const result = (id, output) => ({ type: "tool-result", toolCallId: id, toolName: "t", output });
  const prompt = [
    { role: "assistant", content: [call("a"), call("b"), call("c"), call("d"), call("e"), { ...call("f"), providerExecuted: true }, result("f", { type: "text", value: "searched" })] },
    {
      role: "tool",
      content: [
        result("a", { type: "text", value: "plain" }),
        result("b", { type: "error-text", value: "it failed" }),
        result("c", { type: "error-json", value: { error: 1 } }),
        result("d", { type: "execution-denied", reason: "not allowed" }),
        result("e", { type: "content", value: [{ type: "text", text: "see" }, { type: "file", data: { type: "url", url: new URL("https://x.test/a.jpg") }, mediaType: "image/jpeg" }] }),
        { type: "tool-approval-response", approvalId: "z", approved: true },
      ],
    },
  ];
  const m = toChatMessages(prompt);
  assert.deepEqual(m.map((x) => x.content), [
    null,
    "searched",
    "plain",
    "it failed",
    '{"error":1}',
    "not allowed",
    [{ type: "text", text: "see" }, { type: "image_url", image_url: { url: "https://x.test/a.jpg" } }],
  ]);
  assert.deepEqual(m[0].tool_calls.map((c) => c.function.arguments), ["{}", "{}", "{}", "{}", "{}", "{}"]);
  assert.deepEqual(m.slice(1).map((x) => x.tool_call_id), ["f", "a", "b", "c", "d", "e"]);
  // The messages are ones tokenmeter reads (every tool message answers a call).
  assert.ok(tm.countChatTokens(m, { model: "gpt-4o" }) > 0);
  expectCode(catchError(() => toChatMessages("hi")), "INVALID_ARGUMENT", "prompt");
  expectCode(catchError(() => toChatMessages([{ role: "robot", content: [] }])), "INVALID_ARGUMENT", "prompt[0].role");
  expectCode(catchError(() => toChatMessages([{ role: "user", content: "text" }])), "INVALID_ARGUMENT", "prompt[0].content");
});

function catchError(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail("expected an error");
}

// ---- Metering generate calls ------------------------------------------------

test("generate: the usage the provider reported goes to the ledger and to onUsage, in tokenmeter's conventions", async () => {
  const ledger = new tm.BudgetLedger();
  const events = [];
  const usage = reported(12000, 900, { cacheRead: 10000, cacheWrite: 0, reasoning: 300 });
  const model = wrapLanguageModel({
    model: generating("o4-mini", [{ type: "text", text: "Done." }], usage),
    middleware: meterMiddleware({ ledger, key: "alice", onUsage: (e) => events.push(e) }),
  });
  const r = await generateText({ model, prompt: "Plan the migration." });
  assert.equal(r.text, "Done.");
  const expected = { inputTokens: 12000, outputTokens: 900, cachedInputTokens: 10000, cacheWriteTokens: 0, reasoningTokens: 300 };
  assert.equal(events.length, 1);
  assert.deepEqual(events[0].usage, expected);
  assert.deepEqual(events[0].counted, []);
  assert.equal(events[0].type, "generate");
  assert.equal(events[0].model, "o4-mini");
  assert.deepEqual(events[0].cost, tm.estimateCost({ ...expected, model: "o4-mini" }));
  // By hand, from o4-mini's list prices: 2,000 x $1.10 + 10,000 x $0.275 + 900 x $4.40 per million.
  assert.equal(events[0].cost.total, Number(((2000 * 1.1 + 10000 * 0.275 + 900 * 4.4) / 1e6).toFixed(12)));
  const report = ledger.report();
  assert.equal(report.byKey[0].name, "alice");
  assert.equal(report.byKey[0].inputTokens, 12000);
  assert.equal(report.byKey[0].outputTokens, 900);
  assert.equal(report.totalUsd, events[0].cost.total);
  assert.deepEqual(events[0].check, ledger.check("alice"));
  ledger.free();
});

test("generate: where the provider reports no usage, the prompt and the output are counted", async () => {
  const events = [];
  const tools = { lookup: tool({ description: "Looks a word up", inputSchema: jsonSchema({ type: "object", properties: { word: { type: "string" } } }) }) };
  const model = wrapLanguageModel({
    model: generating("gpt-4o", [{ type: "text", text: "Here is the answer, counted by tokenmeter." }, { type: "tool-call", toolCallId: "c1", toolName: "lookup", input: '{"word":"cat"}' }], none),
    middleware: meterMiddleware({ key: "bob", onUsage: (e) => events.push(e) }),
  });
  await generateText({ model, system: "Be brief.", prompt: "Define cat.", tools });
  const messages = [
    { role: "system", content: "Be brief." },
    { role: "user", content: [{ type: "text", text: "Define cat." }] },
  ];
  const chatTools = [{ type: "function", function: { name: "lookup", description: "Looks a word up", parameters: { type: "object", properties: { word: { type: "string" } } } } }];
  assert.equal(events.length, 1);
  assert.deepEqual(events[0].counted, ["input", "output"]);
  assert.equal(events[0].usage.inputTokens, tm.countChatTokens(messages, { model: "gpt-4o", tools: chatTools }));
  assert.equal(events[0].usage.outputTokens, tm.countTokens("Here is the answer, counted by tokenmeter.", { model: "gpt-4o" }) + tm.countTokens('{"word":"cat"}', { model: "gpt-4o" }));
  // Reported input, unreported output: only the output is counted.
  const partial = [];
  const m2 = wrapLanguageModel({
    model: generating("gpt-4o", [{ type: "text", text: "four words here now" }], { ...none, inputTokens: { ...none.inputTokens, total: 77 } }),
    middleware: meterMiddleware({ key: "bob", onUsage: (e) => partial.push(e) }),
  });
  await generateText({ model: m2, prompt: "x" });
  assert.deepEqual(partial[0].counted, ["output"]);
  assert.equal(partial[0].usage.inputTokens, 77);
  assert.equal(partial[0].usage.outputTokens, tm.countTokens("four words here now"));
});

// ---- Metering stream calls --------------------------------------------------

const deltas = (id, type, texts) => [{ type: `${type}-start`, id }, ...texts.map((delta) => ({ type: `${type}-delta`, id, delta })), { type: `${type}-end`, id }];

test("stream: the parts pass unchanged; the reported usage (the finish part) is recorded when the stream ends", async () => {
  const ledger = new tm.BudgetLedger();
  const events = [];
  const pieces = ["Hel", "lo, w", "orld", "! It's", " streamed."];
  const model = wrapLanguageModel({
    model: streaming("claude-sonnet-4-5", deltas("t1", "text", pieces), reported(40000, 120, { cacheRead: 30000, cacheWrite: 8000 })),
    middleware: meterMiddleware({ ledger, key: "carol", onUsage: (e) => events.push(e) }),
  });
  const s = streamText({ model, prompt: "Greet me." });
  let text = "";
  for await (const t of s.textStream) text += t;
  assert.equal(text, pieces.join(""));
  await s.usage;
  assert.equal(events.length, 1);
  assert.equal(events[0].type, "stream");
  const expected = { inputTokens: 40000, outputTokens: 120, cachedInputTokens: 30000, cacheWriteTokens: 8000, reasoningTokens: 0 };
  assert.deepEqual(events[0].usage, expected);
  // By hand: 2,000 x $3 + 30,000 x $0.30 + 8,000 x $3.75 (5-minute writes) + 120 x $15 per million.
  assert.equal(events[0].cost.total, Number(((2000 * 3 + 30000 * 0.3 + 8000 * 3.75 + 120 * 15) / 1e6).toFixed(12)));
  assert.equal(ledger.report().totalUsd, events[0].cost.total);
  ledger.free();
});

test("stream: with no usage reported, the output is counted exactly as it streams (each block whole)", async () => {
  const events = [];
  // Deltas cut inside words and whitespace runs: counted as one text, not summed.
  const text = ["The qu", "ick brown f", "ox — naïve ca", "fé, 中文", "字符 🙂", "\n\n  end", "."];
  const reasoning = ["Think", "ing step ", "by step."];
  const model = wrapLanguageModel({
    model: streaming("gpt-4o", [...deltas("r1", "reasoning", reasoning), ...deltas("t1", "text", text)], none),
    middleware: meterMiddleware({ key: "dave", onUsage: (e) => events.push(e) }),
  });
  const s = streamText({ model, prompt: "Tell me." });
  await s.text;
  assert.equal(events.length, 1);
  assert.deepEqual(events[0].counted, ["input", "output"]);
  const whole = tm.countTokens(text.join(""), { model: "gpt-4o" });
  assert.notEqual(whole, text.reduce((n, t) => n + tm.countTokens(t), 0), "the deltas' counts do not add up to the text's");
  assert.equal(events[0].usage.outputTokens, whole + tm.countTokens(reasoning.join(""), { model: "gpt-4o" }));
  assert.equal(events[0].usage.inputTokens, tm.countChatTokens([{ role: "user", content: [{ type: "text", text: "Tell me." }] }], { model: "gpt-4o" }));
});

test("stream: cancelled part-way, it is metered once, with the output that passed", async () => {
  const events = [];
  const model = wrapLanguageModel({
    model: streaming("gpt-4o", deltas("t1", "text", ["one ", "two ", "three ", "four"]), none),
    middleware: meterMiddleware({ key: "erin", onUsage: (e) => events.push(e) }),
  });
  const { stream } = await model.doStream({ prompt: [{ role: "user", content: [{ type: "text", text: "Count." }] }] });
  const reader = stream.getReader();
  const seen = [];
  for (let i = 0; i < 4; i++) seen.push((await reader.read()).value); // stream-start, text-start, two deltas
  await reader.cancel("enough");
  await reader.cancel("again");
  assert.deepEqual(seen.slice(2).map((p) => p.delta), ["one ", "two "]);
  assert.equal(events.length, 1);
  assert.equal(events[0].usage.outputTokens, tm.countTokens("one two "));
});

// ---- Refusals -----------------------------------------------------------------

test("refusals: a prompt over the window (CONTEXT_OVERFLOW), a spent budget (BUDGET_EXCEEDED), an unknown model; the model is never called", async () => {
  tm.registerModels([{ id: "tiny-window-test", provider: "test", contextWindow: 64, maxOutputTokens: 16, tokenizer: { encoding: "o200k_base" }, prices: { input: 1, output: 2 } }]);
  const long = "word ".repeat(200);
  const mock = generating("tiny-window-test", [{ type: "text", text: "x" }], reported(1, 1));
  const onUsage = () => assert.fail("a refused call is not metered");
  const model = wrapLanguageModel({ model: mock, middleware: meterMiddleware({ key: "k", onUsage }) });
  const overflow = await generateText({ model, prompt: long }).catch((e) => e);
  expectCode(overflow, "CONTEXT_OVERFLOW", "prompt");
  assert.equal(mock.doGenerateCalls.length, 0);
  // Through streamText the refusal reaches onError.
  const smock = streaming("tiny-window-test", deltas("t", "text", ["x"]), reported(1, 1));
  let streamError;
  const s = streamText({ model: wrapLanguageModel({ model: smock, middleware: meterMiddleware({ key: "k", onUsage }) }), prompt: long, onError: ({ error }) => (streamError = error) });
  await s.consumeStream();
  expectCode(streamError, "CONTEXT_OVERFLOW", "prompt");
  assert.equal(smock.doStreamCalls.length, 0);
  // A short prompt fits.
  await generateText({ model: wrapLanguageModel({ model: mock, middleware: meterMiddleware({ key: "k", onUsage: () => {} }) }), prompt: "hi" });
  assert.equal(mock.doGenerateCalls.length, 1);

  // The ledger: a key over its daily limit is refused; another key is not.
  const ledger = new tm.BudgetLedger({ perKeyDailyUsd: 0.01 });
  ledger.record("spender", { model: "gpt-4o", inputTokens: 10000, outputTokens: 1000 }); // $0.035
  const gmock = generating("gpt-4o", [{ type: "text", text: "x" }], reported(10, 1));
  const spent = await generateText({ model: wrapLanguageModel({ model: gmock, middleware: meterMiddleware({ ledger, key: "spender" }) }), prompt: "hi" }).catch((e) => e);
  expectCode(spent, "BUDGET_EXCEEDED", "ledger");
  assert.equal(spent.check.allowed, false);
  assert.equal(gmock.doGenerateCalls.length, 0);
  await generateText({ model: wrapLanguageModel({ model: gmock, middleware: meterMiddleware({ ledger, key: "saver" }) }), prompt: "hi" });
  assert.equal(gmock.doGenerateCalls.length, 1);
  assert.equal(ledger.report().byKey.find((l) => l.name === "saver").requests, 1);
  ledger.free();

  // A budget: the call's worst case must fit what is left of it.
  const bmock = generating("gpt-4o", [{ type: "text", text: "x" }], reported(10, 1));
  const budget = { limitUsd: 1, spentUsd: 0.999999 };
  const over = await generateText({ model: wrapLanguageModel({ model: bmock, middleware: meterMiddleware({ key: "k", budget, onUsage }) }), prompt: "hi", maxOutputTokens: 1000 }).catch((e) => e);
  expectCode(over, "BUDGET_EXCEEDED", "budget");
  let left = 1;
  await generateText({ model: wrapLanguageModel({ model: bmock, middleware: meterMiddleware({ key: "k", budget: () => ({ limitUsd: 1, spentUsd: 1 - left }), onUsage: () => {} }) }), prompt: "hi", maxOutputTokens: 1000 });
  assert.equal(bmock.doGenerateCalls.length, 1);
  left = 0;
  const fn = await generateText({ model: wrapLanguageModel({ model: bmock, middleware: meterMiddleware({ key: "k", budget: () => ({ limitUsd: 1, spentUsd: 1 - left }), onUsage }) }), prompt: "hi" }).catch((e) => e);
  expectCode(fn, "BUDGET_EXCEEDED", "budget");

  // A model the catalogue does not know cannot be priced: refused, unless named.
  const umock = generating("my-finetune-v3", [{ type: "text", text: "x" }], reported(10, 1));
  const unknown = await generateText({ model: wrapLanguageModel({ model: umock, middleware: meterMiddleware({ key: "k", onUsage }) }), prompt: "hi" }).catch((e) => e);
  expectCode(unknown, "UNKNOWN_MODEL", "model");
  const priced = [];
  await generateText({ model: wrapLanguageModel({ model: umock, middleware: meterMiddleware({ key: "k", model: "gpt-4o-mini", onUsage: (e) => priced.push(e) }) }), prompt: "hi" });
  assert.equal(priced[0].model, "gpt-4o-mini");
  tm.resetModels();
});

test("meterMiddleware's options are checked when it is made", () => {
  expectCode(catchError(() => meterMiddleware()), "INVALID_ARGUMENT", "options");
  expectCode(catchError(() => meterMiddleware({ onUsage() {} })), "INVALID_ARGUMENT", "options.key");
  expectCode(catchError(() => meterMiddleware({ key: "k" })), "INVALID_ARGUMENT", "options");
  expectCode(catchError(() => meterMiddleware({ key: "k", ledger: {} })), "INVALID_ARGUMENT", "options.ledger");
  expectCode(catchError(() => meterMiddleware({ key: "k", onUsage: 1 })), "INVALID_ARGUMENT", "options.onUsage");
  expectCode(catchError(() => meterMiddleware({ key: "k", onUsage() {}, budget: 5 })), "INVALID_ARGUMENT", "options.budget");
  expectCode(catchError(() => meterMiddleware({ key: "k", onUsage() {}, catalog: {} })), "INVALID_ARGUMENT", "options.catalog");
});

// ---- The AI SDK's usage conventions, through its own providers -----------------

/** A provider whose fetch answers every request with `reply` (JSON). */
const answering = (reply) => async () => new Response(JSON.stringify(reply), { status: 200, headers: { "content-type": "application/json" } });

// Replies as each API documents them, with caching and reasoning in play.
const REPLIES = {
  anthropic: {
    model: "claude-sonnet-4-5",
    make: (fetch) => createAnthropic({ apiKey: "test", fetch })("claude-sonnet-4-5"),
    reply: {
      id: "msg_01",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5-20250929",
      content: [{ type: "text", text: "Hi!" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 12, cache_creation_input_tokens: 2000, cache_read_input_tokens: 30000, output_tokens: 150, cache_creation: { ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 0 } },
    },
    tokens: { inputTokens: 32012, outputTokens: 150, cachedInputTokens: 30000, cacheWriteTokens: 2000, reasoningTokens: 0 },
  },
  "openai-chat": {
    model: "o4-mini",
    make: (fetch) => createOpenAI({ apiKey: "test", fetch }).chat("o4-mini"),
    reply: {
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 1765000000,
      model: "o4-mini-2025-04-16",
      choices: [{ index: 0, message: { role: "assistant", content: "Hi!", refusal: null }, finish_reason: "stop", logprobs: null }],
      usage: {
        prompt_tokens: 2006,
        completion_tokens: 300,
        total_tokens: 2306,
        prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 192, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      service_tier: "default",
    },
    tokens: { inputTokens: 2006, outputTokens: 300, cachedInputTokens: 1920, cacheWriteTokens: 0, reasoningTokens: 192 },
  },
  "openai-responses": {
    model: "gpt-5",
    make: (fetch) => createOpenAI({ apiKey: "test", fetch }).responses("gpt-5"),
    reply: {
      id: "resp_1",
      object: "response",
      created_at: 1765000000,
      status: "completed",
      model: "gpt-5-2025-08-07",
      output: [
        { type: "reasoning", id: "rs_1", summary: [] },
        { type: "message", id: "msg_1", status: "completed", role: "assistant", content: [{ type: "output_text", text: "Hi!", annotations: [] }] },
      ],
      usage: { input_tokens: 1500, input_tokens_details: { cached_tokens: 1024 }, output_tokens: 900, output_tokens_details: { reasoning_tokens: 768 }, total_tokens: 2400 },
      incomplete_details: null,
    },
    tokens: { inputTokens: 1500, outputTokens: 900, cachedInputTokens: 1024, cacheWriteTokens: 0, reasoningTokens: 768 },
  },
  google: {
    model: "gemini-2.5-flash",
    make: (fetch) => createGoogleGenerativeAI({ apiKey: "test", fetch })("gemini-2.5-flash"),
    reply: {
      candidates: [{ content: { parts: [{ text: "Hi!" }], role: "model" }, finishReason: "STOP", index: 0 }],
      usageMetadata: { promptTokenCount: 5000, candidatesTokenCount: 200, totalTokenCount: 5700, cachedContentTokenCount: 4096, thoughtsTokenCount: 500 },
      modelVersion: "gemini-2.5-flash",
    },
    tokens: { inputTokens: 5000, outputTokens: 700, cachedInputTokens: 4096, cacheWriteTokens: 0, reasoningTokens: 500 },
  },
};

for (const [name, c] of Object.entries(REPLIES)) {
  test(`costFromUsage: ${name} through the AI SDK's own provider costs what costFromResponse reads from the reply`, async () => {
    const r = await generateText({ model: c.make(answering(c.reply)), prompt: "Say hi." });
    assert.equal(r.text, "Hi!");
    // The AI SDK's usage, field by field, in tokenmeter's conventions.
    assert.deepEqual(usageFromAiSdk(r.usage), c.tokens);
    const fromSdk = costFromUsage(r.usage, { model: c.model });
    const fromReply = tm.costFromResponse(c.reply, { model: c.model });
    assert.deepEqual(fromSdk, fromReply);
    assert.ok(fromSdk.total > 0);
    // The middleware on the real provider records the same cost.
    const ledger = new tm.BudgetLedger();
    const model = wrapLanguageModel({ model: c.make(answering(c.reply)), middleware: meterMiddleware({ ledger, key: name, model: c.model }) });
    await generateText({ model, prompt: "Say hi." });
    assert.equal(ledger.report().totalUsd, fromReply.total);
    ledger.free();
  });
}

test("usageFromAiSdk: the model-level usage (LanguageModelV4Usage) and the result's (LanguageModelUsage) read alike; totals missing are their parts' sum", () => {
  const v4 = reported(5000, 700, { cacheRead: 4096, cacheWrite: 100, reasoning: 500 });
  const flat = {
    inputTokens: 5000,
    inputTokenDetails: { noCacheTokens: 804, cacheReadTokens: 4096, cacheWriteTokens: 100 },
    outputTokens: 700,
    outputTokenDetails: { textTokens: 200, reasoningTokens: 500 },
    totalTokens: 5700,
  };
  const expected = { inputTokens: 5000, outputTokens: 700, cachedInputTokens: 4096, cacheWriteTokens: 100, reasoningTokens: 500 };
  assert.deepEqual(usageFromAiSdk(v4), expected);
  assert.deepEqual(usageFromAiSdk(flat), expected);
  assert.deepEqual(usageFromAiSdk({ inputTokenDetails: { noCacheTokens: 10, cacheReadTokens: 5 }, outputTokenDetails: { textTokens: 3, reasoningTokens: 4 } }), {
    inputTokens: 15,
    outputTokens: 7,
    cachedInputTokens: 5,
    cacheWriteTokens: 0,
    reasoningTokens: 4,
  });
  assert.deepEqual(usageFromAiSdk({}), { inputTokens: undefined, outputTokens: undefined, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });
  expectCode(catchError(() => costFromUsage(flat)), "INVALID_ARGUMENT", "options.model");
  expectCode(catchError(() => costFromUsage({ outputTokens: 3 }, { model: "gpt-4o" })), "INVALID_ARGUMENT", "usage.inputTokens");
  expectCode(catchError(() => costFromUsage({ ...flat, inputTokens: -1 }, { model: "gpt-4o" })), "INVALID_ARGUMENT", "usage.inputTokens");
  expectCode(catchError(() => costFromUsage({ ...v4, outputTokens: { total: 1.5 } }, { model: "gpt-4o" })), "INVALID_ARGUMENT", "usage.outputTokens.total");
  expectCode(catchError(() => usageFromAiSdk(null)), "INVALID_ARGUMENT", "usage");
  // estimateCost's own options pass through: a price list at a date.
  assert.deepEqual(costFromUsage(flat, { model: "gpt-4o", at: "2026-01-01" }), tm.estimateCost({ ...expected, model: "gpt-4o" }, { at: "2026-01-01" }));
});
