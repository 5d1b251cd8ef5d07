// compactContext on 1 MB and 10 MB of JSON, HTML and logs in Node (issue 24:
// 10 MB in under a second). Times the packed build in pkg/ (`make build`
// first); HTML through tokenmeter/html. Prints a Markdown table: the median
// of ROUNDS runs per input, and the 10 MB / 1 MB ratio (about 10 when the
// work is linear). A measurement, not a test: it asserts nothing.
// Usage: node bench/compact.mjs   (ROUNDS=5 by default)
import { fileURLToPath } from "node:url";

const ROUNDS = Number(process.env.ROUNDS || 5);
const dist = (flavour) => fileURLToPath(new URL(`../pkg/dist/${flavour}/node.js`, import.meta.url));
const tm = await import(dist("default"));
const html = await import(dist("html"));

const MB = 1_000_000;
function repeatTo(bytes, make) {
  const parts = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const p = make(i);
    parts.push(p);
    size += Buffer.byteLength(p);
  }
  return parts;
}

const inputs = {
  "JSON records (pretty; TOON wins)": (bytes) =>
    `[\n${repeatTo(bytes, (i) => JSON.stringify({ id: i, name: `user ${i}`, email: `u${i}@example.com`, active: i % 3 === 0, score: (i * 7.31) % 100, created: "2026-11-30T12:00:00Z" }, null, 2)).join(",\n")}\n]`,
  "JSON nested (pretty; stays JSON)": (bytes) =>
    `{\n  "items": [\n${repeatTo(bytes, (i) => JSON.stringify({ id: i, user: { login: `u${i}`, tags: ["a", i] }, body: "Some text that explains the issue at length." }, null, 2)).join(",\n")}\n  ]\n}`,
  "HTML page (docs-like markup)": (bytes) =>
    `<!doctype html><html><head><title>Docs</title><style>.a{color:red}</style></head><body><main>${repeatTo(bytes, (i) =>
      `<section class="doc-section mt-10" id="s${i}"><h2 class="text-2xl font-semibold">Section ${i}</h2><p class="leading-7 text-slate-600">The client retries a request that failed, waiting <code>2^n</code> seconds; see <a href="/docs/retries#${i}">retries</a>.</p><ul class="list-disc"><li>one</li><li>two</li></ul><pre><code class="language-js">const x = ${i};</code></pre><script>track(${i})</script></section>`).join("\n")}</main></body></html>`,
  "HTML tag soup (unclosed spans, then list items)": (bytes) => `<p>${"<span>".repeat(bytes / 12)}${"<li>x".repeat(bytes / 10)}`,
  "log: one line erased over and over": (bytes) => `${"x".repeat(bytes / 2)}\r${"\x1b[2Ky".repeat(bytes / 10)}`,
  "CI log (ANSI, progress, repeats)": (bytes) =>
    repeatTo(bytes, (i) => `\x1b[32m   Compiling\x1b[0m crate-${i % 50} v1.0.${i}\n\r\x1b[K[=====>    ] ${i}%\r\x1b[K[==========] 100%\nwarning: retrying\nwarning: retrying\nwarning: retrying\n`).join(""),
};

function time(fn) {
  const times = [];
  let r;
  for (let k = 0; k < ROUNDS; k++) {
    const t0 = performance.now();
    r = fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], r };
}

const rows = [];
for (const [name, make] of Object.entries(inputs)) {
  const lib = name.startsWith("HTML") ? html : tm;
  const kind = name.startsWith("HTML") ? "html" : name.startsWith("log:") ? "log" : "auto";
  const small = make(MB);
  const big = make(10 * MB);
  const a = time(() => lib.compactContext(small, { kind }));
  const b = time(() => lib.compactContext(big, { kind }));
  rows.push(`| ${name} | ${b.r.kind} | ${(Buffer.byteLength(big) / MB).toFixed(1)} MB | ${b.r.savedPercent}% | ${a.ms.toFixed(0)} ms | ${b.ms.toFixed(0)} ms | ${(b.ms / a.ms).toFixed(1)} |`);
}
console.log(`compactContext in Node ${process.version}, median of ${ROUNDS} runs (o200k_base)\n`);
console.log("| input | kind | size | saved | 1 MB | 10 MB | ratio |\n|---|---|---|---|---|---|---|\n" + rows.join("\n"));
