// The commands. Each reads its inputs, calls the package, and writes plain
// text (or JSON with --json) to stdout; it returns the exit code.
import * as tm from "tokenmeter/all";
import { readChunks, readJson, readText, ReadError } from "./io.mjs";

const out = (text) => process.stdout.write(text);
const note = (text) => process.stderr.write(`tokenmeter: ${text}\n`);
const printJson = (value) => out(`${JSON.stringify(value, null, 2)}\n`);

/** Right-aligned numbers, as wc prints them. */
function table(rows) {
  const width = Math.max(...rows.map(([n]) => String(n).length));
  return rows.map(([n, name]) => `${String(n).padStart(width)}${name === undefined ? "" : ` ${name}`}\n`).join("");
}

/** The tokenizer options of --model / --encoding. */
function tokenOptions(flags) {
  if (flags.model) return { model: flags.model };
  if (flags.encoding) return { encoding: flags.encoding };
  return {};
}

/** A chat read from JSON: an array of messages, or { messages, tools? } (a chat request). */
function chatOf(value) {
  if (Array.isArray(value)) return { messages: value, tools: undefined };
  if (value && typeof value === "object" && Array.isArray(value.messages)) return { messages: value.messages, tools: value.tools };
  const err = new Error("the JSON must be an array of messages or an object with a messages array");
  err.name = "InputError";
  err.code = "INVALID_JSON";
  err.field = null;
  throw err;
}

/**
 * The package module that counts for --model / --encoding: tokenmeter/all,
 * or the family entry point that carries the encoding (an open-weight model
 * is exact there and only estimated in tokenmeter/all).
 */
async function moduleFor(flags) {
  const encoding = flags.encoding ?? (flags.model ? tm.tokenizerInfo(flags.model).exactEncoding : undefined);
  if (!encoding || tm.bundledEncodings().includes(encoding)) return tm;
  const [entry] = tm.entryPointsOf(encoding);
  return entry ? import(entry) : tm;
}

async function count(flags, inputs) {
  const m = await moduleFor(flags);
  const names = inputs.length ? inputs : ["-"];
  const results = [];
  let failed = null;
  let info = null;
  for (const name of names) {
    try {
      let tokens;
      if (flags.chat) {
        const chat = chatOf(await readJson(name));
        tokens = m.countChatTokens(chat.messages, { model: flags.model, ...(chat.tools ? { tools: chat.tools } : {}) });
      } else {
        const counter = new m.TokenCounter(tokenOptions(flags));
        try {
          info ??= { encoding: counter.encoding, exact: counter.exact };
          await readChunks(name, (text) => counter.push(text), "counting");
          tokens = counter.count();
        } finally {
          counter.free();
        }
      }
      results.push({ name, tokens });
    } catch (e) {
      // As wc: a file that cannot be read is reported, and the others counted.
      if (!(e instanceof ReadError)) throw e;
      note(e.message);
      failed = e;
    }
  }
  const total = results.reduce((n, r) => n + r.tokens, 0);
  if (flags.json) {
    const meta = flags.chat ? { model: flags.model } : { ...(flags.model ? { model: flags.model } : {}), ...info };
    if (names.length === 1 && names[0] === "-") printJson({ tokens: total, ...meta });
    else printJson({ files: results, total, ...meta });
  } else if (names.length === 1 && names[0] === "-") {
    out(table([[total]]));
  } else {
    const rows = results.map((r) => [r.tokens, r.name === "-" ? "-" : r.name]);
    if (names.length > 1) rows.push([total, "total"]);
    if (rows.length) out(table(rows));
  }
  return failed ? 4 : 0;
}

/** USD to the pico-dollar the package computes, without trailing zeros past the cents. */
function usd(n) {
  return `$${n.toFixed(12).replace(/(\.\d\d\d*?)0+$/, "$1")}`;
}

async function cost(flags) {
  const c = tm.estimateCost({
    model: flags.model,
    inputTokens: flags.input,
    outputTokens: flags.output,
    ...(flags.cached !== undefined ? { cachedInputTokens: flags.cached } : {}),
    ...(flags.batch ? { batch: true } : {}),
  });
  for (const w of c.warnings) note(`warning: ${w}`);
  if (flags.json) {
    printJson(c);
    return 0;
  }
  const cached = flags.cached ?? 0;
  const lines = [
    ["model", c.model],
    ["input", `${usd(c.input)}  (${flags.input - cached} tokens)`],
    ...(cached ? [["cached input", `${usd(c.cachedInput)}  (${cached} tokens)`]] : []),
    ["output", `${usd(c.output)}  (${flags.output} tokens)`],
    ...(flags.batch ? [["batch", "yes"]] : []),
    ["total", usd(c.total)],
  ];
  out(lines.map(([k, v]) => `${k.padEnd(13)}${v}\n`).join(""));
  return 0;
}

/** The one input of compress, compact and trim: a file, or standard input. */
const inputOf = (inputs) => inputs[0] ?? "-";

/** Before and after, on a terminal only (stdout carries the text). */
function savings(r) {
  if (process.stderr.isTTY) note(`${r.tokensBefore} -> ${r.tokensAfter} tokens (saved ${r.savedTokens}, ${r.savedPercent}%)`);
}

async function compress(flags, inputs) {
  const text = await readText(inputOf(inputs));
  const r = tm.compressPrompt(text, { ...(flags.level ? { level: flags.level } : {}), ...(flags.model ? { model: flags.model } : {}) });
  if (flags.json) printJson(r);
  else {
    out(r.text);
    savings(r);
  }
  return 0;
}

async function compact(flags, inputs) {
  const text = await readText(inputOf(inputs));
  const options = { ...tokenOptions(flags) };
  if (flags.level) options.level = flags.level;
  if (flags.kind) options.kind = flags.kind;
  // The entry point that carries the HTML parser (and the default entry's
  // encodings), loaded only for this command.
  const html = await import("tokenmeter/html");
  const r = html.compactContext(text, options);
  if (flags.json) printJson(r);
  else {
    out(r.text);
    savings(r);
  }
  return 0;
}

async function trim(flags, inputs) {
  const chat = chatOf(await readJson(inputOf(inputs)));
  const options = { model: flags.model, reserveOutputTokens: flags.reserve };
  if (flags["max-context"] !== undefined) options.maxContextTokens = flags["max-context"];
  if (flags.strategy) options.strategy = flags.strategy;
  if (chat.tools) options.tools = chat.tools;
  const r = tm.trimMessages(chat.messages, options);
  if (flags.json) printJson(r);
  else {
    printJson(r.messages);
    if (process.stderr.isTTY) note(`${r.inputTokens} tokens; dropped ${r.dropped.length}, truncated ${r.truncated.length}`);
  }
  if (!r.fits) {
    note(`the messages do not fit the window with ${flags.reserve} tokens reserved: the kept ones take ${r.inputTokens} tokens`);
    return 1;
  }
  return 0;
}

async function models(flags) {
  let list = tm.listModels();
  if (flags.provider) {
    const providers = tm.listProviders().map((p) => p.id);
    if (!providers.includes(flags.provider)) {
      const err = new Error(`unknown provider ${JSON.stringify(flags.provider)} (${providers.join(", ")})`);
      err.name = "InputError";
      err.code = "UNKNOWN_PROVIDER";
      err.field = "--provider";
      throw err;
    }
    list = list.filter((m) => m.provider === flags.provider);
  }
  if (flags.json) {
    printJson(list);
    return 0;
  }
  const price = (n) => (n === undefined ? "-" : String(n));
  const rows = [["model", "provider", "window", "input $/M", "output $/M", "status"]];
  for (const m of list) rows.push([m.id, m.provider, String(m.contextWindow), price(m.prices.input), price(m.prices.output), m.status]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const right = new Set([2, 3, 4]);
  out(rows.map((r) => r.map((cell, i) => (right.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join("  ").trimEnd() + "\n").join(""));
  return 0;
}

export const RUN = { count, cost, compress, compact, trim, models };
