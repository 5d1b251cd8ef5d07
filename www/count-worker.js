// The page's only caller of tokenmeter: a module worker, so that counting a
// megabyte never blocks typing. Every number the page shows is computed here
// by the package; this file only shapes requests and replies.
//
// Requests: { kind, seq, ... }. "prices" (the session's price overrides and
// the date the page prices at) is answered at once, with the catalogue;
// "update", "trim" and "compress" are coalesced per kind (only the newest
// waiting request of a kind runs), and an update stops between phases as
// soon as a newer one is waiting. Replies carry the request's seq,
// so that the page can drop stale ones.
//
// The package is imported dynamically so that the message handler exists from
// the start: a module worker's messages would be lost while a static import
// of the package (top-level await for the wasm) is still evaluating.
import { register } from "./worker/prices.js";
import { tokenView } from "./worker/tokens.js";

let tm = null;
const loading = import("./vendor/tokenmeter/dist/default/browser.js").then(
  (module) => {
    tm = module;
  },
  (e) => self.postMessage({ kind: "fatal", message: `tokenmeter did not load: ${e.message}` }),
);

const LEVELS = ["lossless", "balanced", "aggressive"];
const COMPARE_CHUNK = 6; // models per compareModels call between yields

const waiting = new Map(); // kind -> newest request not yet started
let running = false;

self.onmessage = ({ data }) => {
  if (tm) receive(data);
  else loading.then(() => tm && receive(data)); // in order of arrival
};

function receive(data) {
  if (data.kind === "prices") reply(data, setPrices(data.overrides, data.at));
  else {
    waiting.set(data.kind, data);
    if (!running) drain();
  }
}

function reply(request, body) {
  self.postMessage({ kind: request.kind, seq: request.seq, ...body });
}

/** The error as plain data: tokenmeter's errors carry a code and the field. */
function failure(e) {
  return { code: e?.code ?? "ERROR", field: e?.field ?? null, message: String(e?.message ?? e) };
}

function attempt(fn) {
  try {
    return { value: fn() };
  } catch (e) {
    return { error: failure(e) };
  }
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

async function drain() {
  running = true;
  while (waiting.size > 0) {
    const [kind, request] = waiting.entries().next().value;
    waiting.delete(kind);
    if (kind === "update") await update(request);
    else if (kind === "trim") reply(request, { window: request.window, ...attempt(() => trim(request)) });
    else if (kind === "compress") reply(request, attempt(() => compress(request)));
    await pause();
  }
  running = false;
}

// ---- Catalogue and session prices -------------------------------------------

/** The package's options for the page's date: { at } or nothing (now). */
const when = (at) => (at ? { at } : {});

/** Every model (retired ones too, with their status) and each provider's freshness, at `at`. */
function catalogue(at) {
  return { models: tm.listModels(when(at)), info: tm.catalogueInfo(when(at)) };
}

let applied = {}; // the overrides in force: id -> { name?, prices }

function setPrices(overrides, at) {
  // A date the package cannot read: the catalogue as of now, and the reason
  // (the figures, asked for at that date, show the same error).
  const date = attempt(() => tm.catalogueInfo(when(at)));
  if (date.error) at = undefined;
  try {
    register(tm, overrides, when(at));
    applied = overrides;
    return { ...catalogue(at), at: at ?? null, atError: date.error };
  } catch (e) {
    register(tm, applied, when(at)); // registerModels is all or nothing; put back what was in force
    return { ...catalogue(at), at: at ?? null, atError: date.error, error: failure(e) };
  }
}

// ---- The calculation for the current inputs ---------------------------------

/** The prompt as the package takes it: { text } or { messages }. */
function promptOf(state) {
  if (state.mode === "text") return { text: state.prompt };
  if (state.mode === "chat") {
    const messages = [];
    if (state.system) messages.push({ role: "system", content: state.system });
    messages.push({ role: "user", content: state.prompt });
    return { messages };
  }
  let messages;
  try {
    messages = JSON.parse(state.chat);
  } catch (e) {
    throw Object.assign(new Error(`The chat is not valid JSON: ${e.message}`), { code: "INVALID_JSON", field: "chat" });
  }
  // OpenAI's request body is accepted as well as the bare messages array.
  if (messages && !Array.isArray(messages) && Array.isArray(messages.messages)) messages = messages.messages;
  return { messages };
}

function count(prompt, model) {
  return prompt.text !== undefined ? tm.countTokens(prompt.text, { model }) : tm.countChatTokens(prompt.messages, { model });
}

/**
 * The chosen cache lifetime and service tier where `model` prices them;
 * otherwise none, so that the package takes the model's shortest lifetime and
 * its standard prices.
 */
function choices(state, model) {
  return {
    cacheWriteTtl: model.prices.cacheWrites?.[state.ttl] !== undefined ? state.ttl : undefined,
    serviceTier: model.prices.serviceTiers?.[state.tier] !== undefined ? state.tier : undefined,
  };
}

function workload(state, model, extra) {
  return {
    model: model.id,
    outputTokens: state.output,
    dailyUsers: state.users,
    messagesPerUser: state.perUser,
    appCacheHitRate: state.hitRate / 100,
    cachedPrefixTokens: state.cached,
    batchShare: state.batch ? 1 : 0,
    ...choices(state, model),
    ...extra,
  };
}

async function update(request) {
  const { state } = request;
  const at = when(state.at);
  const stale = () => waiting.has("update");
  const prompt = attempt(() => promptOf(state));
  if (prompt.error) return reply(request, { phase: "summary", error: prompt.error });

  // 1. The count and the cost of one call, and the month, for the chosen model.
  const info = attempt(() => tm.tokenizerInfo(state.model));
  const tokens = attempt(() => count(prompt.value, state.model));
  const summary = { phase: "summary", info: info.value, error: info.error ?? tokens.error };
  if (!summary.error) {
    const n = tokens.value;
    const model = tm.getModel(state.model, at);
    const call = { model: state.model, inputTokens: n, outputTokens: state.output, batch: state.batch, ...choices(state, model) };
    Object.assign(summary, {
      tokens: n,
      // The most input a call with this output may carry (window, input cap).
      inputLimit: attempt(() => tm.preflight({ model: state.model, messages: [], max_tokens: state.output }, at).inputLimit),
      // Why the call does not fit the model (window, input cap, output maximum), or null.
      misfit: attempt(() => tm.compareModels({ model: state.model, inputTokens: n, outputTokens: state.output, requestsPerDay: 1 }, { models: [state.model], ...at }).skipped[0]?.reason ?? null),
      // A call that writes the cached prefix, then one that reads it.
      first: attempt(() => tm.estimateCost({ ...call, cacheWriteTokens: state.cached }, at)),
      repeat: state.cached > 0 ? attempt(() => tm.estimateCost({ ...call, cachedInputTokens: state.cached }, at)) : null,
      month: attempt(() => tm.projectCost(workload(state, model, { inputTokens: n }), at)),
    });
  }
  reply(request, summary);
  if (summary.error) return;

  // 2. The tokens, with where each one is in the text.
  if (state.showTokens) {
    await pause();
    if (stale()) return;
    reply(request, { phase: "tokens", ...attempt(() => tokenView(tm, prompt.value, summary.info.encoding)) });
  }

  // 3. Every chat model for the same workload, a few at a time; retired ones when asked for.
  const models = tm.listModels(at).filter((m) => m.kind !== "embedding" && (state.showRetired || m.status !== "retired"));
  const rows = [];
  for (let i = 0; i < models.length; i += COMPARE_CHUNK) {
    await pause();
    if (stale()) return;
    for (const group of byChoices(state, models.slice(i, i + COMPARE_CHUNK))) compare(workload(state, group[0], prompt.value), group, at, rows);
    reply(request, { phase: "compare", rows, done: i + COMPARE_CHUNK >= models.length, total: models.length });
  }
}

/** Models that take the same lifetime and service tier, together. */
function byChoices(state, models) {
  const groups = new Map();
  for (const m of models) {
    const key = JSON.stringify(choices(state, m));
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return groups.values();
}

/** One compareModels call for `models`, or one per model when it fails (to name the one). */
function compare(w, models, at, rows) {
  const ids = models.map((m) => m.id);
  const all = attempt(() => tm.compareModels(w, { models: ids, ...at }));
  const results = all.error ? ids.map((id) => attempt(() => tm.compareModels(w, { models: [id], ...at }))) : [all];
  results.forEach((r, j) => {
    if (r.error) rows.push({ model: ids[j], error: r.error });
    for (const p of r.value?.models ?? []) rows.push({ model: p.model, projection: p });
    for (const s of r.value?.skipped ?? []) rows.push({ model: s.model, skipped: s.reason });
  });
}

// ---- Trimming and compression -------------------------------------------------

function trim({ chat, model, window, reserve, strategy }) {
  const messages = promptOf({ mode: "json", chat }).messages;
  const result = tm.trimMessages(messages, {
    model,
    maxContextTokens: window || undefined,
    reserveOutputTokens: reserve,
    strategy,
  });
  return { messages, result };
}

function compress({ text, model }) {
  return LEVELS.map((level) => ({ level, before: text, ...tm.compressPrompt(text, { model, level }) }));
}
