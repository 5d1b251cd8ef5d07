// The page's only caller of tokenmeter: a module worker, so that counting a
// megabyte never blocks typing. Every number the page shows is computed here
// by the package; this file only shapes requests and replies.
//
// Requests: { kind, seq, ... }. "prices" (the session's price overrides) is
// answered at once, with the catalogue; "update", "trim" and "compress" are coalesced per kind (only
// the newest waiting request of a kind runs), and an update stops between
// phases as soon as a newer one is waiting. Replies carry the request's seq,
// so that the page can drop stale ones.
//
// The package is imported dynamically so that the message handler exists from
// the start: a module worker's messages would be lost while a static import
// of the package (top-level await for the wasm) is still evaluating.
let tm = null;
const loading = import("./vendor/tokenmeter/dist/default/browser.js").then(
  (module) => {
    tm = module;
  },
  (e) => self.postMessage({ kind: "fatal", message: `tokenmeter did not load: ${e.message}` }),
);

const LEVELS = ["lossless", "balanced", "aggressive"];
const TOKEN_VIEW_LIMIT = 3000; // tokens drawn in the token view
const COMPARE_CHUNK = 6; // models per compareModels call between yields

const waiting = new Map(); // kind -> newest request not yet started
let running = false;

self.onmessage = ({ data }) => {
  if (tm) receive(data);
  else loading.then(() => tm && receive(data)); // in order of arrival
};

function receive(data) {
  if (data.kind === "prices") reply(data, setPrices(data.overrides));
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

function catalogue() {
  return {
    models: tm.listModels(),
    providers: tm.listProviders(),
    compress: typeof tm.compressPrompt === "function",
  };
}

let applied = {}; // the overrides in force: id -> { name?, prices }

/** The catalogue entry as a registerModels spec, with the page's overrides. */
function spec(model, override) {
  const { tokenizer: t, ...rest } = model;
  const tokenizer = t.exact ? { encoding: t.encoding } : { estimate: t.estimate, factor: t.factor, method: t.method };
  return { ...rest, tokenizer, name: override.name || model.name, prices: override.prices };
}

function register(overrides) {
  tm.resetModels();
  const specs = Object.entries(overrides).map(([id, o]) => spec(tm.getModel(id), o));
  if (specs.length > 0) tm.registerModels(specs);
}

function setPrices(overrides) {
  try {
    register(overrides);
    applied = overrides;
    return catalogue();
  } catch (e) {
    register(applied); // registerModels is all or nothing; put back what was in force
    return { ...catalogue(), error: failure(e) };
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

function workload(state, extra) {
  return {
    model: state.model,
    outputTokens: state.output,
    dailyUsers: state.users,
    messagesPerUser: state.perUser,
    appCacheHitRate: state.hitRate / 100,
    cachedPrefixTokens: state.cached,
    cacheWriteTtl: tm.getModel(state.model).prices.cacheWrites?.[state.ttl] !== undefined ? state.ttl : undefined,
    batchShare: state.batch ? 1 : 0,
    ...extra,
  };
}

async function update(request) {
  const { state } = request;
  const stale = () => waiting.has("update");
  const prompt = attempt(() => promptOf(state));
  if (prompt.error) return reply(request, { phase: "summary", error: prompt.error });

  // 1. The count and the cost of one call, and the month, for the chosen model.
  const info = attempt(() => tm.tokenizerInfo(state.model));
  const tokens = attempt(() => count(prompt.value, state.model));
  const summary = { phase: "summary", info: info.value, error: info.error ?? tokens.error };
  if (!summary.error) {
    const n = tokens.value;
    const model = tm.getModel(state.model);
    // A lifetime the model does not price is an error: use its own default then.
    const ttl = model.prices.cacheWrites?.[state.ttl] !== undefined ? state.ttl : undefined;
    const call = { model: state.model, inputTokens: n, outputTokens: state.output, cacheWriteTtl: ttl, batch: state.batch };
    Object.assign(summary, {
      tokens: n,
      contextWindow: model.contextWindow,
      // Why the call does not fit the model (window, output maximum), or null.
      misfit: attempt(() => tm.compareModels({ model: state.model, inputTokens: n, outputTokens: state.output, requestsPerDay: 1 }, { models: [state.model] }).skipped[0]?.reason ?? null),
      // A call that writes the cached prefix, then one that reads it.
      first: attempt(() => tm.estimateCost({ ...call, cacheWriteTokens: state.cached })),
      repeat: state.cached > 0 ? attempt(() => tm.estimateCost({ ...call, cachedInputTokens: state.cached })) : null,
      month: attempt(() => tm.projectCost(workload(state, { inputTokens: n }))),
    });
  }
  reply(request, summary);
  if (summary.error) return;

  // 2. The tokens, drawn from their ids.
  if (state.showTokens) {
    await pause();
    if (stale()) return;
    reply(request, { phase: "tokens", ...attempt(() => tokenView(prompt.value, summary.info.encoding)) });
  }

  // 3. Every chat model for the same workload, a few at a time.
  const ids = tm.listModels().filter((m) => m.kind !== "embedding").map((m) => m.id);
  const rows = [];
  const w = workload(state, prompt.value);
  for (let i = 0; i < ids.length; i += COMPARE_CHUNK) {
    await pause();
    if (stale()) return;
    const chunk = ids.slice(i, i + COMPARE_CHUNK);
    const all = attempt(() => tm.compareModels(w, { models: chunk }));
    const results = all.error ? chunk.map((id) => attempt(() => tm.compareModels(w, { models: [id] }))) : [all];
    results.forEach((r, j) => {
      if (r.error) rows.push({ model: chunk[j], error: r.error });
      for (const p of r.value?.models ?? []) rows.push({ model: p.model, projection: p });
      for (const s of r.value?.skipped ?? []) rows.push({ model: s.model, skipped: s.reason });
    });
    reply(request, { phase: "compare", rows, done: i + COMPARE_CHUNK >= ids.length, total: ids.length });
  }
}

/**
 * The prompt's texts as tokens: one entry per token, or per run of tokens
 * when a character's bytes are split across tokens (each alone decodes to
 * U+FFFD), so that every character is drawn once and correctly.
 */
function tokenView(prompt, encoding) {
  const texts = prompt.text !== undefined
    ? [{ label: null, text: prompt.text }]
    : prompt.messages.map((m, i) => ({ label: `${i}: ${m.role}`, text: messageText(m) }));
  let budget = TOKEN_VIEW_LIMIT;
  const sections = [];
  for (const { label, text } of texts) {
    if (budget <= 0) break;
    const ids = tm.encode(text, { encoding });
    const pieces = [];
    let at = 0; // position in text
    let i = 0;
    while (i < ids.length && budget > 0) {
      let j = i + 1;
      let piece = tm.decode(ids.subarray(i, j), { encoding });
      // Grow the run until it decodes to the text itself (at most 4 bytes' worth of tokens).
      while (!text.startsWith(piece, at) && j < ids.length && j - i < 4) {
        j += 1;
        piece = tm.decode(ids.subarray(i, j), { encoding });
      }
      pieces.push({ text: piece, ids: Array.from(ids.subarray(i, j)) });
      at += piece.length;
      budget -= j - i;
      i = j;
    }
    sections.push({ label, pieces, total: ids.length, shown: i });
  }
  return { encoding, sections, more: sections.length < texts.length };
}

function messageText(m) {
  if (typeof m.content === "string") return m.content;
  if (Array.isArray(m.content)) return m.content.filter((p) => typeof p?.text === "string").map((p) => p.text).join("\n");
  return "";
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
  if (typeof tm.compressPrompt !== "function") throw Object.assign(new Error("compressPrompt is not in this build"), { code: "UNAVAILABLE" });
  return LEVELS.map((level) => ({ level, before: text, ...tm.compressPrompt(text, { model, level }) }));
}
