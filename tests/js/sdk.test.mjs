// costFromResponse with the official SDKs' replies: recorded shapes written
// after the APIs' documentation (Chat Completions, Responses, Anthropic
// Messages, Gemini), and the final message of each SDK's stream, produced by
// the real `openai` and `@anthropic-ai/sdk` clients from recorded
// server-sent events through their `fetch` option (no network). Expected
// costs are worked out by hand from the catalogue's list prices. The SDKs'
// TypeScript types are checked in types.test.mjs.
import { test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import * as tm from "tokenmeter";

// Costs are exact to the pico-dollar (docs/api.md, "Money is exact").
const round = (usd) => Number(usd.toFixed(12));
const sse = (events) =>
  async () =>
    new Response(events.map(([event, data]) => `${event ? `event: ${event}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`).join(""), {
      status: 200,
      headers: { "content-type": "text/event-stream" },
    });

const CHAT = {
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1765000000,
  model: "gpt-4o-2024-08-06",
  choices: [{ index: 0, message: { role: "assistant", content: "Hi!", refusal: null }, finish_reason: "stop", logprobs: null }],
  usage: { prompt_tokens: 2006, completion_tokens: 300, total_tokens: 2306, prompt_tokens_details: { cached_tokens: 1920 }, completion_tokens_details: { reasoning_tokens: 0 } },
};

test("costFromResponse: a Chat Completion, priced for the model it names (a dated snapshot)", () => {
  const c = tm.costFromResponse(CHAT);
  assert.equal(c.model, "gpt-4o-2024-08-06");
  // gpt-4o: $2.50 input, $1.25 cached input, $10 output per million.
  assert.equal(c.total, round((86 * 2.5 + 1920 * 1.25 + 300 * 10) / 1e6));
  assert.equal(c.inputTokens, 2006);
  assert.equal(c.outputTokens, 300);
  assert.deepEqual(c, tm.estimateCost({ ...tm.usageFromResponse(CHAT), model: "gpt-4o-2024-08-06" }));
  // options.model prices it as another model; options.at at another date.
  assert.equal(tm.costFromResponse(CHAT, { model: "gpt-4o-mini" }).total, round((86 * 0.15 + 1920 * 0.075 + 300 * 0.6) / 1e6));
  assert.deepEqual(tm.costFromResponse(CHAT, { at: "2026-01-01" }), tm.estimateCost({ ...tm.usageFromResponse(CHAT), model: "gpt-4o-2024-08-06" }, { at: "2026-01-01" }));
});

test("costFromResponse: a Responses API response, with reasoning (part of the output)", () => {
  const response = {
    id: "resp_1",
    object: "response",
    created_at: 1765000000,
    status: "completed",
    model: "gpt-5-2025-08-07",
    output: [{ type: "message", id: "m", status: "completed", role: "assistant", content: [{ type: "output_text", text: "Hi!", annotations: [] }] }],
    usage: { input_tokens: 1500, input_tokens_details: { cached_tokens: 1024 }, output_tokens: 900, output_tokens_details: { reasoning_tokens: 768 }, total_tokens: 2400 },
  };
  const c = tm.costFromResponse(response);
  // gpt-5: $1.25 input, $0.125 cached, $10 output (reasoning included) per million.
  assert.equal(c.total, round((476 * 1.25 + 1024 * 0.125 + 900 * 10) / 1e6));
  assert.equal(c.reasoning, round((768 * 10) / 1e6));
});

test("costFromResponse: an Anthropic Message: input_tokens leaves out the cache, which is added back; 1-hour writes priced as such", () => {
  const message = {
    id: "msg_01",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5-20250929",
    content: [{ type: "text", text: "Hi!" }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 12, cache_creation_input_tokens: 3000, cache_read_input_tokens: 30000, output_tokens: 150, cache_creation: { ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 1000 } },
  };
  const c = tm.costFromResponse(message);
  assert.equal(c.inputTokens, 33012);
  // claude-sonnet-4-5: $3 input, $0.30 cache reads, $3.75 5-minute and $6 1-hour writes, $15 output.
  assert.equal(c.total, round((12 * 3 + 30000 * 0.3 + 2000 * 3.75 + 1000 * 6 + 150 * 15) / 1e6));
});

test("costFromResponse: a Gemini reply names no model in `model`: its modelVersion, or options.model", () => {
  const reply = { candidates: [], usageMetadata: { promptTokenCount: 5000, candidatesTokenCount: 200, cachedContentTokenCount: 4096, thoughtsTokenCount: 500 }, modelVersion: "gemini-2.5-flash" };
  // gemini-2.5-flash: $0.30 input, $0.03 cached, $2.50 output (thinking included).
  assert.equal(tm.costFromResponse(reply).total, round((904 * 0.3 + 4096 * 0.03 + 700 * 2.5) / 1e6));
  const bare = { usageMetadata: reply.usageMetadata };
  assert.equal(tm.costFromResponse(bare, { model: "gemini-2.5-flash" }).total, tm.costFromResponse(reply).total);
  const e = catchError(() => tm.costFromResponse(bare));
  assert.equal(e.code, "INVALID_ARGUMENT");
  assert.equal(e.field, "options.model");
});

test("costFromResponse: refusals name the field: no usage, an unknown model in the reply or the options", () => {
  const noUsage = catchError(() => tm.costFromResponse({ ...CHAT, usage: undefined }));
  assert.equal(noUsage.code, "INVALID_ARGUMENT");
  assert.equal(noUsage.field, "body");
  const fromReply = catchError(() => tm.costFromResponse({ ...CHAT, model: "gpt-9o" }));
  assert.equal(fromReply.code, "UNKNOWN_MODEL");
  assert.equal(fromReply.field, "body.model");
  const fromOptions = catchError(() => tm.costFromResponse(CHAT, { model: "gpt-9o" }));
  assert.equal(fromOptions.code, "UNKNOWN_MODEL");
  assert.equal(fromOptions.field, "options.model");
  const option = catchError(() => tm.costFromResponse(CHAT, { modle: "gpt-4o" }));
  assert.equal(option.code, "INVALID_ARGUMENT");
  assert.match(option.field, /^options/);
  assert.equal(catchError(() => tm.costFromResponse("not a reply")).code, "INVALID_ARGUMENT");
});

function catchError(fn) {
  try {
    fn();
  } catch (e) {
    assert.equal(e.name, "TokenmeterError");
    return e;
  }
  assert.fail("expected an error");
}

// ---- The SDKs' streams: their final message ------------------------------------

test("openai: stream.finalChatCompletion() (with stream_options.include_usage) prices as the reply", async () => {
  const chunk = (delta, extra = {}) => ({ id: "c1", object: "chat.completion.chunk", created: 1765000000, model: "gpt-4o-2024-08-06", choices: [{ index: 0, delta, finish_reason: null, logprobs: null }], ...extra });
  const client = new OpenAI({
    apiKey: "test",
    fetch: sse([
      [null, chunk({ role: "assistant", content: "" })],
      [null, chunk({ content: "Hel" })],
      [null, chunk({ content: "lo!" })],
      [null, { ...chunk({}), choices: [{ index: 0, delta: {}, finish_reason: "stop", logprobs: null }] }],
      [null, { ...chunk({}), choices: [], usage: CHAT.usage }],
      [null, "[DONE]"],
    ]),
  });
  const stream = client.chat.completions.stream({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }], stream_options: { include_usage: true } });
  const final = await stream.finalChatCompletion();
  assert.equal(final.choices[0].message.content, "Hello!");
  assert.deepEqual(tm.costFromResponse(final), tm.costFromResponse(CHAT));
});

test("openai: the Responses stream's finalResponse() prices as the reply", async () => {
  const usage = { input_tokens: 1500, input_tokens_details: { cached_tokens: 1024 }, output_tokens: 900, output_tokens_details: { reasoning_tokens: 768 }, total_tokens: 2400 };
  const base = { id: "resp_1", object: "response", created_at: 1765000000, model: "gpt-5-2025-08-07", output: [], parallel_tool_calls: true, tool_choice: "auto", tools: [], error: null, incomplete_details: null, instructions: null, metadata: {}, temperature: 1, top_p: 1 };
  const item = { id: "msg_1", type: "message", status: "in_progress", role: "assistant", content: [] };
  const part = { type: "output_text", text: "", annotations: [] };
  const done = { ...item, status: "completed", content: [{ ...part, text: "Hi!" }] };
  let n = 0;
  const ev = (type, rest) => [type, { type, sequence_number: n++, ...rest }];
  const client = new OpenAI({
    apiKey: "test",
    fetch: sse([
      ev("response.created", { response: { ...base, status: "in_progress", usage: null } }),
      ev("response.output_item.added", { output_index: 0, item }),
      ev("response.content_part.added", { item_id: "msg_1", output_index: 0, content_index: 0, part }),
      ev("response.output_text.delta", { item_id: "msg_1", output_index: 0, content_index: 0, delta: "Hi!", logprobs: [] }),
      ev("response.output_text.done", { item_id: "msg_1", output_index: 0, content_index: 0, text: "Hi!", logprobs: [] }),
      ev("response.content_part.done", { item_id: "msg_1", output_index: 0, content_index: 0, part: { ...part, text: "Hi!" } }),
      ev("response.output_item.done", { output_index: 0, item: done }),
      ev("response.completed", { response: { ...base, status: "completed", output: [done], usage } }),
    ]),
  });
  const stream = client.responses.stream({ model: "gpt-5", input: "Hi" });
  const final = await stream.finalResponse();
  assert.equal(final.output_text, "Hi!");
  assert.equal(tm.costFromResponse(final).total, round((476 * 1.25 + 1024 * 0.125 + 900 * 10) / 1e6));
});

test("anthropic: stream.finalMessage() prices as the reply (usage from message_start and message_delta)", async () => {
  const client = new Anthropic({
    apiKey: "test",
    fetch: sse([
      ["message_start", { type: "message_start", message: { id: "msg_1", type: "message", role: "assistant", model: "claude-sonnet-4-5-20250929", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 12, cache_creation_input_tokens: 2000, cache_read_input_tokens: 30000, output_tokens: 1 } } }],
      ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }],
      ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } }],
      ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "!" } }],
      ["content_block_stop", { type: "content_block_stop", index: 0 }],
      ["message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 150 } }],
      ["message_stop", { type: "message_stop" }],
    ]),
  });
  const stream = client.messages.stream({ model: "claude-sonnet-4-5", max_tokens: 1024, messages: [{ role: "user", content: "Hi" }] });
  const final = await stream.finalMessage();
  assert.equal(final.content[0].text, "Hi!");
  assert.equal(final.usage.output_tokens, 150);
  assert.equal(tm.costFromResponse(final).total, round((12 * 3 + 30000 * 0.3 + 2000 * 3.75 + 150 * 15) / 1e6));
});
