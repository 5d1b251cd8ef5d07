// tokenmeter/ai-sdk: the Vercel AI SDK (npm `ai`, v7) meets tokenmeter.
//
// Glue only: the prompt and usage shapes of the AI SDK's language-model
// interface (LanguageModelV4) are turned into tokenmeter's (chat messages,
// CostRequest fields), and every count, check and price is tokenmeter's own
// (preflight, countTokens, TokenCounter, estimateCost, BudgetLedger). It
// imports `tokenmeter` by name, so it shares the module instance (and the
// default catalogue) of the application that imports `tokenmeter`.
import { TokenCounter, countTokens, estimateCost, preflight } from "tokenmeter";

/** A TokenmeterError (a real Error with a stable code and the field's path). */
function tmError(code, field, message) {
  const e = new Error(field ? `${field}: ${message}` : message);
  e.name = "TokenmeterError";
  e.code = code;
  e.field = field;
  return e;
}

const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

// ---- The prompt -------------------------------------------------------------

/** An AI SDK file part as a content part tokenmeter counts, or null (not counted). */
function filePart(part) {
  const data = part.data;
  if (isObject(data) && data.type === "text" && typeof data.text === "string") {
    return { type: "text", text: data.text };
  }
  if (typeof part.mediaType === "string" && (part.mediaType === "image" || part.mediaType.startsWith("image/"))) {
    // Without its pixel size an image counts at the model's maximum. The
    // OpenAI provider's `imageDetail` option is the detail OpenAI bills by.
    const image_url = {};
    if (isObject(data) && data.type === "url") image_url.url = String(data.url);
    const detail = part.providerOptions?.openai?.imageDetail;
    if (detail === "low" || detail === "high" || detail === "auto") image_url.detail = detail;
    return { type: "image_url", image_url };
  }
  return null; // PDFs, audio, references: their tokens are the provider's to count.
}

/** A tool result's output as message content. */
function toolOutput(output) {
  switch (output?.type) {
    case "text":
    case "error-text":
      return String(output.value);
    case "json":
    case "error-json":
      return JSON.stringify(output.value) ?? "null";
    case "execution-denied":
      return output.reason ?? "Tool execution denied.";
    case "content": {
      const parts = [];
      for (const p of output.value ?? []) {
        if (p.type === "text") parts.push({ type: "text", text: p.text });
        else if (p.type === "file") {
          const f = filePart(p);
          if (f) parts.push(f);
        }
      }
      return parts;
    }
    default:
      return "";
  }
}

/**
 * The chat messages (OpenAI's shape, which tokenmeter counts) of an AI SDK
 * prompt (LanguageModelV4Prompt): system, user, assistant and tool messages
 * with their parts. Text, images and text files are counted; tool calls
 * become `tool_calls` (their input as JSON) and tool results `tool` messages.
 * Reasoning parts are left out (OpenAI does not bill them as input, Anthropic
 * drops earlier turns' thinking), and so are files tokenmeter cannot count
 * (PDFs, audio).
 */
export function toChatMessages(prompt) {
  if (!Array.isArray(prompt)) throw tmError("INVALID_ARGUMENT", "prompt", "must be an array of messages (the AI SDK's LanguageModelV4Prompt)");
  const out = [];
  prompt.forEach((message, i) => {
    if (!isObject(message)) throw tmError("INVALID_ARGUMENT", `prompt[${i}]`, "must be a message object");
    const { role, content } = message;
    if (role === "system") {
      out.push({ role: "system", content: String(content) });
      return;
    }
    if (!Array.isArray(content)) throw tmError("INVALID_ARGUMENT", `prompt[${i}].content`, "must be an array of parts");
    if (role === "user") {
      const parts = [];
      for (const p of content) {
        if (p.type === "text") parts.push({ type: "text", text: p.text });
        else if (p.type === "file") {
          const f = filePart(p);
          if (f) parts.push(f);
        }
      }
      out.push({ role: "user", content: parts });
    } else if (role === "assistant") {
      const text = [];
      const calls = [];
      const results = [];
      for (const p of content) {
        if (p.type === "text") text.push({ type: "text", text: p.text });
        else if (p.type === "file") {
          const f = filePart(p);
          if (f) text.push(f);
        } else if (p.type === "tool-call") {
          calls.push({
            id: p.toolCallId,
            type: "function",
            function: { name: p.toolName, arguments: typeof p.input === "string" ? p.input : (JSON.stringify(p.input) ?? "") },
          });
        } else if (p.type === "tool-result") {
          // A provider-executed tool's result, sent back with the call.
          results.push({ role: "tool", tool_call_id: p.toolCallId, content: toolOutput(p.output) });
        }
      }
      const msg = { role: "assistant", content: text.length ? text : null };
      if (calls.length) msg.tool_calls = calls;
      out.push(msg, ...results);
    } else if (role === "tool") {
      for (const p of content) {
        if (p.type === "tool-result") out.push({ role: "tool", tool_call_id: p.toolCallId, content: toolOutput(p.output) });
      }
    } else {
      throw tmError("INVALID_ARGUMENT", `prompt[${i}].role`, `must be system, user, assistant or tool, got ${JSON.stringify(role)}`);
    }
  });
  return out;
}

/** The function tools of an AI SDK call, as tokenmeter counts tool definitions (provider tools are the provider's). */
export function toChatTools(tools) {
  const out = [];
  for (const t of tools ?? []) {
    if (t?.type !== "function") continue;
    const fn = { name: t.name };
    if (t.description !== undefined) fn.description = t.description;
    if (t.inputSchema !== undefined) fn.parameters = t.inputSchema;
    out.push({ type: "function", function: fn });
  }
  return out;
}

// ---- Usage ------------------------------------------------------------------

/** A token count the AI SDK reports (a whole number, or absent). */
function count(value, field) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    const got = typeof value === "number" ? String(value) : typeof value;
    throw tmError("INVALID_ARGUMENT", field, `must be a whole number of tokens, got ${got}`);
  }
  return value;
}

/** The sum of the counts given, or undefined when none is. */
function sum(...values) {
  const known = values.filter((v) => v !== undefined);
  return known.length ? known.reduce((a, b) => a + b, 0) : undefined;
}

/**
 * An AI SDK usage in tokenmeter's conventions. Takes the usage `generateText`
 * and `streamText` return (LanguageModelUsage: `inputTokens`,
 * `inputTokenDetails`, `outputTokens`, `outputTokenDetails`) or the one a
 * model reports to middleware (LanguageModelV4Usage: `inputTokens.total` ...).
 * Both AI SDK shapes count as tokenmeter does: the input total includes cache
 * reads and writes, the output total includes reasoning. A total the provider
 * did not report is the sum of its parts, or undefined when none is known.
 */
export function usageFromAiSdk(usage) {
  if (!isObject(usage)) throw tmError("INVALID_ARGUMENT", "usage", "must be the AI SDK's usage object");
  let input, output, noCache, cacheRead, cacheWrite, text, reasoning;
  if (isObject(usage.inputTokens) || isObject(usage.outputTokens)) {
    const i = isObject(usage.inputTokens) ? usage.inputTokens : {};
    const o = isObject(usage.outputTokens) ? usage.outputTokens : {};
    input = count(i.total, "usage.inputTokens.total");
    noCache = count(i.noCache, "usage.inputTokens.noCache");
    cacheRead = count(i.cacheRead, "usage.inputTokens.cacheRead");
    cacheWrite = count(i.cacheWrite, "usage.inputTokens.cacheWrite");
    output = count(o.total, "usage.outputTokens.total");
    text = count(o.text, "usage.outputTokens.text");
    reasoning = count(o.reasoning, "usage.outputTokens.reasoning");
  } else {
    const i = isObject(usage.inputTokenDetails) ? usage.inputTokenDetails : {};
    const o = isObject(usage.outputTokenDetails) ? usage.outputTokenDetails : {};
    input = count(usage.inputTokens, "usage.inputTokens");
    noCache = count(i.noCacheTokens, "usage.inputTokenDetails.noCacheTokens");
    cacheRead = count(i.cacheReadTokens, "usage.inputTokenDetails.cacheReadTokens");
    cacheWrite = count(i.cacheWriteTokens, "usage.inputTokenDetails.cacheWriteTokens");
    output = count(usage.outputTokens, "usage.outputTokens");
    text = count(o.textTokens, "usage.outputTokenDetails.textTokens");
    reasoning = count(o.reasoningTokens, "usage.outputTokenDetails.reasoningTokens");
  }
  return {
    inputTokens: input ?? sum(noCache, cacheRead, cacheWrite),
    outputTokens: output ?? sum(text, reasoning),
    cachedInputTokens: cacheRead ?? 0,
    cacheWriteTokens: cacheWrite ?? 0,
    reasoningTokens: reasoning ?? 0,
  };
}

/**
 * The cost of an AI SDK usage (`result.usage`, `result.totalUsage`, or a
 * model's LanguageModelV4Usage) for `options.model`, priced by estimateCost.
 */
export function costFromUsage(usage, options) {
  if (!isObject(options) || typeof options.model !== "string") {
    throw tmError("INVALID_ARGUMENT", "options.model", "is required: the AI SDK's usage names no model");
  }
  const { model, ...rest } = options;
  const u = usageFromAiSdk(usage);
  if (u.inputTokens === undefined) throw tmError("INVALID_ARGUMENT", "usage.inputTokens", "was not reported (nor any of its parts)");
  if (u.outputTokens === undefined) throw tmError("INVALID_ARGUMENT", "usage.outputTokens", "was not reported (nor any of its parts)");
  return estimateCost({ ...u, model }, rest);
}

// ---- The middleware ---------------------------------------------------------

/** Throws when `options` cannot make a middleware (checked once, up front). */
function checkOptions(options) {
  if (!isObject(options)) throw tmError("INVALID_ARGUMENT", "options", "must be an object ({ key, ledger?, onUsage?, model?, budget? })");
  const known = new Set(["ledger", "key", "model", "budget", "onUsage"]);
  for (const k of Object.keys(options)) {
    if (!known.has(k)) throw tmError("INVALID_ARGUMENT", `options.${k}`, `is not an option (${[...known].join(", ")})`);
  }
  const { ledger, key, model, budget, onUsage } = options;
  if (typeof key !== "string" || key === "") throw tmError("INVALID_ARGUMENT", "options.key", "must be a non-empty string (the budget key: a user, a tenant, a feature)");
  if (ledger !== undefined && (typeof ledger?.record !== "function" || typeof ledger?.check !== "function")) {
    throw tmError("INVALID_ARGUMENT", "options.ledger", "must be a BudgetLedger");
  }
  if (onUsage !== undefined && typeof onUsage !== "function") throw tmError("INVALID_ARGUMENT", "options.onUsage", "must be a function");
  if (ledger === undefined && onUsage === undefined) {
    throw tmError("INVALID_ARGUMENT", "options", "needs a ledger or an onUsage callback to send the usage to");
  }
  if (model !== undefined && (typeof model !== "string" || model === "")) throw tmError("INVALID_ARGUMENT", "options.model", "must be a model id");
  if (budget !== undefined && typeof budget !== "function" && !isObject(budget)) {
    throw tmError("INVALID_ARGUMENT", "options.budget", "must be { limitUsd, spentUsd? } or a function returning it");
  }
}

/**
 * Middleware for `wrapLanguageModel` (AI SDK v7) that checks each call before
 * it is made and meters it after. See docs/integrations.md.
 */
export function meterMiddleware(options) {
  checkOptions(options);
  const { ledger, key, budget, onUsage } = options;

  /** preflight of the call; throws the coded refusal. */
  function check(params, modelId) {
    const model = options.model ?? modelId;
    const request = { model, messages: toChatMessages(params.prompt) };
    const tools = toChatTools(params.tools);
    if (tools.length) request.tools = tools;
    if (params.maxOutputTokens !== undefined) request.max_tokens = params.maxOutputTokens;
    if (ledger) {
      const c = ledger.check(key);
      if (!c.allowed) {
        const e = tmError("BUDGET_EXCEEDED", "ledger", `key ${JSON.stringify(key)} has spent ${c.spentUsd} USD of its ${c.limitUsd} USD limit today (${c.day})`);
        e.check = c;
        throw e;
      }
    }
    const b = typeof budget === "function" ? budget() : budget;
    const result = preflight(request, b ? { budget: b } : undefined);
    for (const p of result.problems) {
      if (p.code === "UNKNOWN_MODEL") {
        throw tmError("UNKNOWN_MODEL", options.model ? "options.model" : "model", `${p.message} (pass meterMiddleware's model option to name the model to price)`);
      }
      if (p.code === "CONTEXT_OVERFLOW") throw tmError("CONTEXT_OVERFLOW", "prompt", p.message);
      if (p.code === "BUDGET_EXCEEDED") throw tmError("BUDGET_EXCEEDED", "budget", p.message);
    }
    return { model, inputTokens: result.inputTokens };
  }

  /** Sends a finished call's usage to the ledger and onUsage. */
  function meter(type, call, reported, countOutput) {
    const counted = [];
    let inputTokens = reported.inputTokens;
    if (inputTokens === undefined) {
      inputTokens = call.inputTokens;
      counted.push("input");
    }
    let outputTokens = reported.outputTokens;
    if (outputTokens === undefined) {
      outputTokens = countOutput();
      counted.push("output");
    }
    const usage = { ...reported, inputTokens, outputTokens };
    const recorded = ledger ? ledger.record(key, usage, { model: call.model }) : undefined;
    if (onUsage) {
      const cost = estimateCost({ ...usage, model: call.model });
      onUsage({ type, key, model: call.model, usage, counted, cost, check: recorded?.check });
    }
  }

  return {
    specificationVersion: "v4",

    async wrapGenerate({ doGenerate, params, model }) {
      const call = check(params, model.modelId);
      const result = await doGenerate();
      meter("generate", call, usageFromAiSdk(result.usage ?? {}), () => {
        let n = 0;
        for (const part of result.content ?? []) {
          if (part.type === "text" || part.type === "reasoning") n += countTokens(part.text, { model: call.model });
          else if (part.type === "tool-call" && !part.providerExecuted) n += countTokens(part.input, { model: call.model });
        }
        return n;
      });
      return result;
    },

    async wrapStream({ doStream, params, model }) {
      const call = check(params, model.modelId);
      const { stream, ...rest } = await doStream();
      return { ...rest, stream: metered(stream, (reported, countOutput) => meter("stream", call, reported, countOutput), call.model) };
    },
  };
}

/**
 * The stream of parts passed through unchanged, each only when read. The
 * output is counted as it passes (one TokenCounter per text, reasoning or
 * tool-input block, holding only each block's unsettled end); `done` gets the
 * reported usage and the counted output when the stream ends, fails or is
 * cancelled, once.
 */
function metered(source, done, model) {
  const reader = source.getReader();
  const counters = new Map();
  let reported = usageFromAiSdk({});
  let finished = false;
  const push = (id, text) => {
    let c = counters.get(id);
    if (!c) counters.set(id, (c = new TokenCounter({ model })));
    c.push(text);
  };
  const observe = (part) => {
    switch (part?.type) {
      case "text-delta":
        return push(`text:${part.id}`, part.delta);
      case "reasoning-delta":
        return push(`reasoning:${part.id}`, part.delta);
      case "tool-input-delta":
        return push(`tool:${part.id}`, part.delta);
      case "tool-call":
        // A call whose input was not streamed arrives whole.
        if (!part.providerExecuted && !counters.has(`tool:${part.toolCallId}`)) push(`tool:${part.toolCallId}`, part.input);
        return;
      case "finish":
        reported = usageFromAiSdk(part.usage ?? {});
        return;
      default:
        return;
    }
  };
  const finish = () => {
    if (finished) return;
    finished = true;
    try {
      done(reported, () => [...counters.values()].reduce((n, c) => n + c.count(), 0));
    } finally {
      for (const c of counters.values()) c.free();
      counters.clear();
    }
  };
  return new ReadableStream({
    async pull(controller) {
      let next;
      try {
        next = await reader.read();
      } catch (e) {
        finish();
        controller.error(e);
        return;
      }
      if (next.done) {
        finish();
        controller.close();
        return;
      }
      observe(next.value);
      controller.enqueue(next.value);
    },
    async cancel(reason) {
      try {
        finish();
      } finally {
        await reader.cancel(reason);
      }
    },
  });
}
