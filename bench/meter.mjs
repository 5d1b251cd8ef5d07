// What metering costs a stream passing through (issue 27): 10 MB of SSE
// through a plain pass-through and through meterStream, interleaved in one
// process, CPU time of each (process.cpuUsage), median of the rounds; and
// memory across 100 MB metered (RSS, V8 heap, wasm memory).
//
//   node --expose-gc bench/meter.mjs           prints the Markdown section
//   node --expose-gc bench/meter.mjs --write   also puts it in bench/RESULTS.md
//   BENCH_ROUNDS=15 node --expose-gc bench/meter.mjs
//
// Needs the packed package installed (bench/run.sh or scripts/test-js.sh node
// after `make build`); report.mjs keeps this section when it rewrites
// RESULTS.md.
//
// The streams: OpenAI Chat Completions chunks of prose (one to three words
// each, about 250 bytes an event, the usage chunk and [DONE] at the end) and
// Anthropic Messages events of the same prose. Each is passed three ways:
// one event a chunk (as providers flush), 16 KiB chunks (as a network read
// gives them), both from memory through an identity TransformStream; and
// fetched over loopback HTTP from a child process serving the bytes (what a
// gateway does, less the write to its client).
import { createRequire } from "node:module";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";

const here = new URL(".", import.meta.url).pathname;
const require = createRequire(import.meta.url);
let entry;
for (const base of ["./node_modules/", "../tests/js/node_modules/"]) {
  try {
    entry = require.resolve(`${base}tokenmeter/dist/default/node.js`, { paths: [here] });
    break;
  } catch {}
}
if (!entry) throw new Error("tokenmeter is not installed: run bench/run.sh or scripts/test-js.sh node first");
const tm = await import(entry);
const version = JSON.parse(readFileSync(join(entry, "../../../package.json"), "utf8")).version;

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const TARGET = 10 * 1024 * 1024;
const prose = readFileSync(new URL("../tests/golden/corpus/english/prose.txt", import.meta.url), "utf8").split(/(?<= )/);
const enc = new TextEncoder();
const REQUEST = { model: "gpt-4o", messages: [{ role: "user", content: "Tell me a long story." }] };

/** The next one to three words of prose, for ever. */
function* words() {
  for (let i = 0; ; i++) {
    const at = (i * 2) % prose.length;
    yield prose.slice(at, at + 1 + (i % 3)).join("");
  }
}

/** Events made by `event(words)` until they reach TARGET bytes. */
function until(event) {
  const out = [];
  let size = 0;
  for (const w of words()) {
    if (size >= TARGET) break;
    const e = event(w);
    out.push(e);
    size += Buffer.byteLength(e);
  }
  return out;
}

function openai() {
  const head = { id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1765104000, model: "gpt-4o-2024-08-06", system_fingerprint: "fp_bench" };
  const events = until((w) => `data: ${JSON.stringify({ ...head, choices: [{ index: 0, delta: { content: w }, logprobs: null, finish_reason: null }], usage: null })}\n\n`);
  events.push(`data: ${JSON.stringify({ ...head, choices: [], usage: { prompt_tokens: 13, completion_tokens: events.length, total_tokens: 13 + events.length } })}\n\n`, "data: [DONE]\n\n");
  return events;
}

function anthropic() {
  const events = [`event: message_start\ndata: ${JSON.stringify({ type: "message_start", message: { id: "msg_bench", type: "message", role: "assistant", content: [], model: "claude-sonnet-4-6", usage: { input_tokens: 13, output_tokens: 1 } } })}\n\n`];
  events.push(`event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n`);
  events.push(...until((w) => `event: content_block_delta\ndata: ${JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: w } })}\n\n`));
  events.push(`event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":50000}}\n\n`, `event: message_stop\ndata: {"type":"message_stop"}\n\n`);
  return events;
}

function cut(events, how) {
  if (how === "event") return events.map((e) => enc.encode(e));
  const all = enc.encode(events.join(""));
  const out = [];
  for (let i = 0; i < all.length; i += 16384) out.push(all.subarray(i, i + 16384));
  return out;
}

/** A child process serving each stream's bytes at /<name> over loopback HTTP. */
async function upstream(streams) {
  const dir = mkdtempSync(join(tmpdir(), "meter-bench-"));
  for (const [name, events] of Object.entries(streams)) writeFileSync(join(dir, name), events.join(""));
  const code = `
    const { createServer } = require("node:http");
    const { readFileSync } = require("node:fs");
    const dir = process.argv[1];
    const server = createServer((req, res) => {
      const body = readFileSync(dir + req.url);
      res.writeHead(200, { "content-type": "text/event-stream", "content-length": body.length });
      res.end(body);
    });
    // The client's keep-alive connection may sit idle while the rounds from
    // memory run: never time it out (Node's default closes it after 5 s,
    // racing the next request).
    server.keepAliveTimeout = 0;
    server.listen(0, "127.0.0.1", () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ["-e", code, dir], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise((ok, fail) => {
    child.stdout.once("data", (d) => ok(Number(String(d).trim())));
    child.once("exit", (c) => fail(new Error(`upstream exited (${c})`)));
  });
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    close() {
      child.kill();
      rmSync(dir, { recursive: true });
    },
  };
}

function memory(chunks) {
  let i = 0;
  return new ReadableStream({ pull: (c) => (i < chunks.length ? c.enqueue(chunks[i++]) : c.close()) });
}

async function drain(stream) {
  const r = stream.getReader();
  let n = 0;
  for (;;) {
    const { done, value } = await r.read();
    if (done) return n;
    n += value.byteLength;
  }
}

/** `open()` gives the source (a ReadableStream, or a Response); plain or metered. */
async function pass(open, model, metered) {
  const source = await open();
  if (!metered) return drain((source.body ?? source).pipeThrough(new TransformStream()));
  const { stream, usage } = tm.meterStream(source, { model, request: REQUEST });
  const n = await drain(stream);
  const u = await usage;
  if (u.source !== "reported" || !u.complete) throw new Error(`usage not read: ${JSON.stringify(u)}`);
  return n;
}

async function cpu(fn) {
  const t = process.cpuUsage();
  await fn();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const mib = (n) => (n / 1048576).toFixed(1);

const streams = { openai: openai(), anthropic: anthropic() };
const server = await upstream(streams);
const results = [];
try {
  for (const [name, label, model] of [["openai", "OpenAI Chat", "gpt-4o"], ["anthropic", "Anthropic", "claude-sonnet-4-6"]]) {
    const events = streams[name];
    const bytes = Buffer.byteLength(events.join(""));
    for (const [how, open] of [
      ["one event a chunk, from memory", ((c) => () => memory(c))(cut(events, "event"))],
      ["16 KiB chunks, from memory", ((c) => () => memory(c))(cut(events, "16k"))],
      ["fetched over loopback HTTP", () => fetch(server.url(name))],
    ]) {
      // Warm-up, and the bytes checked.
      for (const metered of [false, true]) if ((await pass(open, model, metered)) !== bytes) throw new Error("bytes lost");
      const times = { plain: [], metered: [] };
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 ? ["metered", "plain"] : ["plain", "metered"];
        for (const mode of order) times[mode].push(await cpu(() => pass(open, model, mode === "metered")));
      }
      results.push({ label, how, mb: bytes / 1048576, p: median(times.plain), m: median(times.metered) });
    }
  }
} finally {
  server.close();
}

// Memory: 100 MB metered (the 10 MB OpenAI stream ten times, a fresh meter
// each time), sampled after each pass.
const chunks = cut(streams.openai, "event");
global.gc?.();
const wasm = () => tm.initSync().memory.buffer.byteLength;
const sample = () => ({ rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed, wasm: wasm() });
const before = sample();
const samples = [];
for (let i = 0; i < 10; i++) {
  await pass(() => memory(chunks), "gpt-4o", true);
  global.gc?.();
  samples.push(sample());
}
const last = samples.at(-1);

const pct = (r) => `${(((r.m - r.p) / r.p) * 100).toFixed(0)}%`;
const adds = results.map((r) => (r.m - r.p) / r.p);
const perMib = results.map((r) => (r.m - r.p) / r.mb);
const cpuOk = Math.max(...adds) <= 0.05;
// Flat: after the first pass (which sizes the buffers), RSS moves by under
// 2% and wasm memory not at all.
const settled = samples.slice(1);
const rssSpread = (Math.max(...settled.map((s) => s.rss)) - Math.min(...settled.map((s) => s.rss))) / settled[0].rss;
const memOk = rssSpread < 0.02 && new Set(samples.map((s) => s.wasm)).size === 1;
const mark = (ok) => (ok ? "✅" : "❌");
const range = (xs, f) => (Math.min(...xs) === Math.max(...xs) ? f(xs[0]) : `${f(Math.min(...xs))} to ${f(Math.max(...xs))}`);
const lines = [
  "<!-- meter:begin -->",
  "## 9. Metering a stream: meterStream against a plain pass-through (issue 27)",
  "",
  `CPU time (process.cpuUsage) to pass 10 MiB of SSE through, median of ${ROUNDS} interleaved rounds, both in one process; tokenmeter ${version} (default entry), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores. \`node --expose-gc bench/meter.mjs --write\` (not part of run.sh).`,
  "",
  `Goals: metering adds at most 5% CPU to passing 10 MB of SSE through: ${mark(cpuOk)} (it adds ${range(adds, (x) => `${(x * 100).toFixed(0)}%`)}: ` +
    `the meter costs ${range(perMib, (x) => x.toFixed(1))} ms of CPU per MiB, while a pass-through in one process costs next to nothing). ` +
    `Memory stays flat: ${mark(memOk)} (over 100 MiB metered, wasm memory ${range(samples.map((s) => s.wasm), mib)} MiB, RSS after the first pass within ${(rssSpread * 100).toFixed(1)}%).`,
  "",
  "| stream | how it arrives | plain pass-through | metered | metering adds |",
  "| --- | --- | --- | --- | --- |",
  ...results.map((r) => `| ${r.label} | ${r.how} | ${r.p.toFixed(0)} ms | ${r.m.toFixed(0)} ms | ${(r.m - r.p).toFixed(0)} ms, ${pct(r)} (${((r.m - r.p) / r.mb).toFixed(1)} ms per MiB) |`),
  "",
  "Plain: the body through an identity TransformStream, drained. Metered: `meterStream(source, { model, request })`, drained, and its usage awaited (read from the stream's usage event). From memory the plain pass-through only hands over references, so the whole of the meter's work shows; over HTTP the plain side also pays for the socket reads a gateway cannot avoid.",
  "",
  `Memory over 100 MiB metered (the OpenAI stream 10 times, one event a chunk${global.gc ? ", a GC after each pass" : ""}): ` +
    `RSS ${mib(before.rss)} -> ${mib(last.rss)} MiB (highest ${mib(Math.max(...samples.map((s) => s.rss)))}), ` +
    `V8 heap ${mib(before.heap)} -> ${mib(last.heap)} MiB, wasm memory ${mib(before.wasm)} -> ${mib(last.wasm)} MiB; ` +
    `RSS after each pass: ${samples.map((s) => mib(s.rss)).join(", ")}.`,
  "<!-- meter:end -->",
];
const md = lines.join("\n");
console.log(md);
if (process.argv.includes("--write")) {
  const file = `${here}RESULTS.md`;
  const text = readFileSync(file, "utf8");
  const [from, to] = [text.indexOf("<!-- meter:begin -->"), text.indexOf("<!-- meter:end -->")];
  const out = from >= 0 && to > from ? text.slice(0, from) + md + text.slice(to + "<!-- meter:end -->".length) : `${text.trimEnd()}\n\n${md}\n`;
  writeFileSync(file, out);
  console.error("bench/meter.mjs: wrote its section to bench/RESULTS.md");
}
