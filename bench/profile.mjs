// Where tokenmeter's time goes (for whoever optimises the core): not part of
// run.sh's table. `node bench/profile.mjs [--cpu-prof]` after bench/run.sh
// has installed the packages. o200k_base throughout. Prints Markdown.
//   A. per-call overhead: tiny strings, countTokens vs Tokenizer.count
//   B. per group: piece statistics (pieces, share of bytes in pieces longer
//      than tokenmeter's 256-byte cache limit, distinct pieces, how many
//      miss tokenmeter's direct-mapped piece cache in steady state), tokenmeter
//      in one call vs in 1 KB calls, the UTF-16 -> UTF-8 copy alone, and both
//      tokenmeter and gpt-tokenizer on a no-repeat variant (letters shuffled
//      within each word, per copy: no piece repeats, so no cache helps) and
//      gpt-tokenizer with its merge cache off
//   C. the long-piece path: one repeated character / spaces at growing lengths
//      (1,000 bytes and more: past the cache)
//   D. cold start, split: glue import, read the .wasm, compile, instantiate,
//      build the tables, first count, second count, a first call with an
//      options object, for the default and the o200k entry, under V8's
//      default wasm tiers and with Liftoff only, TurboFan only, each lazy
//      and eager (lib/cold-split.mjs, a fresh process each, median of
//      BENCH_COLD_RUNS = 10); and the entry imported as shipped (lib/cold.mjs)
//   E. (--cpu-prof) a V8 CPU profile of Tokenizer.count on the weakest
//      groups: self time in wasm, in JS glue, in GC, and the top wasm
//      functions. The shipped .wasm has no name section, so they show as
//      wasm-function[N]; TM_NODE_ENTRY=/path/to/dist/default/node.js profiles
//      a build that keeps names (wasm-bindgen as scripts/build.sh runs it,
//      CARGO_PROFILE_RELEASE_STRIP=none, and wasm-opt -O3 -g without
//      --strip-debug).
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { GROUPS, MB, groupBase, groupText, rng, utf8Bytes } from "./lib/corpus.mjs";
import { median, time } from "./lib/measure.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const tm = await import("tokenmeter");
const gpt = await import("gpt-tokenizer/encoding/o200k_base");
const { O200K_TOKEN_SPLIT_REGEX } = await import(`${here}node_modules/gpt-tokenizer/esm/encodingParams/constants.js`);
const tok = new tm.Tokenizer({ encoding: "o200k_base" });
const row = (c) => `| ${c.join(" | ")} |`;
const table = (h, rows) => [row(h), row(h.map(() => "---")), ...rows.map(row)].join("\n");
const f1 = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const out = [];
// `node profile.mjs B D` runs only those sections; --cpu-prof adds E.
const picked = process.argv.slice(2).filter((a) => /^[A-E]$/.test(a));
const want = (k) => (k === "E" ? process.argv.includes("--cpu-prof") || picked.includes("E") : picked.length === 0 || picked.includes(k));

/** Median ms of `fn` over `n` runs (after one warm-up). */
function bench(fn, n = 5) {
  fn();
  const t = [];
  for (let i = 0; i < n; i++) t.push(time(fn)[0]);
  return median(t);
}

// ---- A. call overhead ------------------------------------------------------------
if (want("A")) {
  const strings = { "'hi'": "hi", "20 chars": "The quick brown fox.", "200 chars": groupBase("prose").slice(0, 200) };
  const rows = [];
  for (const [name, s] of Object.entries(strings)) {
    const N = 200_000 / Math.max(1, Math.ceil(s.length / 20));
    const per = (f) => (bench(() => { for (let i = 0; i < N; i++) f(s); }, 5) * 1e6) / N;
    const opts = { encoding: "o200k_base" };
    rows.push([name, f1(per((t) => tm.countTokens(t))), f1(per((t) => tm.countTokens(t, opts))), f1(per((t) => tok.count(t))), f1(per((t) => gpt.countTokens(t)))]);
  }
  out.push("### A. Per-call cost (ns per call, o200k_base, warm)", "");
  out.push(table(["string", "countTokens(t)", "countTokens(t, { encoding })", "Tokenizer.count(t)", "gpt-tokenizer countTokens(t)"], rows), "");
  // The benchmark's short strings, split by the group they were cut from.
  const rand = rng(8);
  const rowsS = [];
  for (const group of Object.keys(GROUPS)) {
    const pool = Array.from(groupBase(group));
    const strings = Array.from({ length: 2000 }, () => {
      const len = 20 + Math.floor(rand() * 281);
      const start = Math.floor(rand() * (pool.length - len));
      return pool.slice(start, start + len).join("");
    });
    const rate = (f) => 2000 / (bench(() => { for (const t of strings) f(t); }, 7) / 1000);
    const a = rate((t) => tm.countTokens(t));
    const b = rate((t) => gpt.countTokens(t));
    rowsS.push([group, Math.round(a).toLocaleString("en"), Math.round(b).toLocaleString("en"), `${f1(a / b)}×`]);
  }
  out.push("Short strings (20-300 code points) by the group they are cut from, strings/s:", "");
  out.push(table(["group", "tokenmeter countTokens", "gpt-tokenizer", "ratio"], rowsS), "");
}

// ---- B. per group --------------------------------------------------------------
// tokenmeter's piece-count cache (src/bpe.rs): 4,096 slots, direct-mapped by
// the top 12 bits of its hash, pieces up to 256 bytes. Simulated over copies
// of the group's text: the share of multi-token pieces that miss in the
// steady state (each miss is a full merge).
const M64 = (1n << 64n) - 1n;
const K64 = 0x9e3779b97f4a7c15n;
function tmHash(b) {
  let h = BigInt(b.length);
  for (let i = 0; i < b.length; i += 8) {
    let w = 0n;
    for (let j = 7; j >= 0; j--) w = (w << 8n) | BigInt(i + j < b.length ? b[i + j] : 0);
    h = ((((h << 23n) | (h >> 41n)) & M64) ^ w) * K64 & M64;
  }
  return h;
}
function cacheMisses(pieces) {
  const enc = new TextEncoder();
  const slots = new Map();
  let merged = 0;
  let misses = 0;
  for (let copy = 0; copy < 3; copy++) {
    merged = 0;
    misses = 0;
    for (const p of pieces) {
      const b = enc.encode(p);
      if (b.length === 1 || gpt.encode(p).length === 1) continue; // a single token: no merge
      merged++;
      if (b.length > 256) { misses++; continue; }
      const slot = Number(tmHash(b) >> 52n);
      if (slots.get(slot) !== p) { misses++; slots.set(slot, p); }
    }
  }
  return [misses, merged];
}

function shuffled(base, seed) {
  const rand = rng(seed);
  return base.replace(/\p{L}[\p{L}\p{M}]*/gu, (w) => {
    const a = Array.from(w);
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a.join("");
  });
}
if (want("B")) {
  const rows = [];
  const rowsU = [];
  for (const group of Object.keys(GROUPS)) {
    const base = groupBase(group);
    const text = groupText(group);
    const bytes = utf8Bytes(text);
    const pieces = base.match(O200K_TOKEN_SPLIT_REGEX);
    const pb = pieces.map(utf8Bytes);
    const long = pb.filter((b) => b > 256).reduce((a, b) => a + b, 0) / pb.reduce((a, b) => a + b, 0);
    const mid = pb.filter((b) => b > 96 && b <= 256).reduce((a, b) => a + b, 0) / pb.reduce((a, b) => a + b, 0);
    const distinct = new Set(pieces).size;
    const [misses, merged] = cacheMisses(pieces);
    const one = bench(() => tok.count(text));
    const chunks = [];
    for (let i = 0; i < text.length; i += 1000) chunks.push(text.slice(i, i + 1000));
    const chunked = bench(() => { for (const c of chunks) tok.count(c); });
    const buf = new Uint8Array(bytes + 16);
    const enc = new TextEncoder();
    const copy = bench(() => enc.encodeInto(text, buf), 9);
    gpt.clearMergeCache(); // a full cache (100,000 pieces) evicts on every miss
    const gptMs = bench(() => gpt.countTokens(text));
    gpt.setMergeCacheSize(0);
    const gptNoCache = bench(() => gpt.countTokens(text), 3);
    gpt.setMergeCacheSize(100_000);
    rows.push([group, `${pieces.length} / ${distinct}`, `${Math.round(utf8Bytes(base) / pieces.length)} B`, `${(mid * 100).toFixed(0)}%`, `${(long * 100).toFixed(0)}%`, `${misses} of ${merged} (${((misses / merged) * 100).toFixed(0)}%)`,
      f1(bytes / MB / (one / 1000)), f1(bytes / MB / (chunked / 1000)), `${f1(copy)} ms (${((copy / one) * 100).toFixed(1)}%)`,
      f1(bytes / MB / (gptMs / 1000)), f1(bytes / MB / (gptNoCache / 1000))]);
    // No-repeat variant: every copy shuffled with its own seed.
    let u = "";
    for (let k = 0; utf8Bytes(u) < MB; k++) u += shuffled(base, k + 1);
    const ub = utf8Bytes(u);
    const [tmU] = time(() => tok.count(u)); // first pass: nothing cached
    gpt.clearMergeCache();
    const [gptU] = time(() => gpt.countTokens(u));
    const n1 = tok.count(u);
    const n2 = gpt.countTokens(u);
    if (n1 !== n2) console.error(`!!! MISMATCH no-repeat ${group}: tokenmeter ${n1}, gpt-tokenizer ${n2}`);
    rowsU.push([group, f1(ub / MB / (tmU / 1000)), f1(ub / MB / (gptU / 1000)), `${f1(gptU / tmU)}×`]);
  }
  out.push("### B. Per group (o200k_base; MB/s unless stated; the repeated 1 MB texts of the benchmark)", "");
  out.push(table(["group", "pieces / distinct (one copy)", "mean piece", "bytes in pieces of 97-256 B (scan merge, cached)", "bytes in pieces > 256 B (heap merge, never cached)", "multi-token pieces missing tokenmeter's cache per copy, steady state (simulated)",
    "tokenmeter, one call", "tokenmeter, 1 KB calls", "UTF-16 → UTF-8 copy of the text (share of one call)", "gpt-tokenizer", "gpt-tokenizer, merge cache off"], rows), "");
  out.push("No-repeat variant (letters shuffled within each word, a new shuffle per copy, ~1 MB; first pass, so no cache has seen a piece):", "");
  out.push(table(["group", "tokenmeter Tokenizer.count", "gpt-tokenizer", "tokenmeter ÷ gpt-tokenizer"], rowsU), "");
}

// ---- C. long pieces ------------------------------------------------------------
if (want("C")) {
  const rows = [];
  for (const [name, mk] of [["'a' × n", (n, v) => "abcdefghij"[v].repeat(n)], ["' ' × n", (n, v) => " ".repeat(n - v)], ["'ab' × n/2", (n, v) => "ab".repeat(n / 2 - v)]]) {
    const cells = [name];
    // Above 256 bytes a piece is never cached, so repeats cost the same.
    for (const n of [1000, 10_000, 100_000, 1_000_000]) {
      const reps = Math.max(1, Math.floor(200_000 / n));
      const t = [];
      for (let v = 0; v < 3; v++) {
        const inputs = Array.from({ length: reps }, (_, k) => mk(n, (v * reps + k) % 10));
        t.push(time(() => { for (const s of inputs) tok.count(s); })[0] / reps);
      }
      cells.push(f1((median(t) * 1e6) / n));
    }
    rows.push(cells);
  }
  const prose = groupText("prose");
  const proseNs = (bench(() => tok.count(prose)) * 1e6) / utf8Bytes(prose);
  out.push(`### C. The long-piece path (ns per byte; prose: ${f1(proseNs)} ns/byte)`, "");
  out.push(table(["input", "1,000", "10,000", "100,000", "1,000,000"], rows), "");
}

// ---- D. cold start split -------------------------------------------------------
// Fresh processes (lib/cold-split.mjs), the entries and V8's wasm flags taking
// turns: the flags are a diagnosis of where the time goes, not advice.
if (want("D")) {
  const RUNS = Number(process.env.BENCH_COLD_RUNS || 10);
  // Lazy compilation compiles a function on its first call, inside whichever
  // step calls it; eager, all of them in the compile step. Liftoff is the
  // quick baseline compiler, TurboFan the optimising one; eager TurboFan
  // leaves the counts pure execution in optimised code.
  const FLAGS = {
    "(defaults)": [],
    "--no-wasm-lazy-compilation": ["--no-wasm-lazy-compilation"],
    "--liftoff-only": ["--liftoff-only"],
    "--liftoff-only --no-wasm-lazy-compilation": ["--liftoff-only", "--no-wasm-lazy-compilation"],
    "--no-liftoff": ["--no-liftoff"],
    "--no-liftoff --no-wasm-lazy-compilation": ["--no-liftoff", "--no-wasm-lazy-compilation"],
  };
  const split = fileURLToPath(new URL("./lib/cold-split.mjs", import.meta.url));
  const cold = fileURLToPath(new URL("./lib/cold.mjs", import.meta.url));
  // [flavour, flags, kind]: "split" steps one at a time; "shipped" imports
  // the entry as a user does (lib/cold.mjs).
  const kinds = [];
  for (const flavour of ["default", "o200k"]) for (const flags of Object.keys(FLAGS)) for (const kind of ["split", "shipped"]) kinds.push([flavour, flags, kind]);
  const runs = new Map(kinds.map((k) => [k.join(" "), []]));
  for (let r = 0; r < RUNS; r++) {
    for (let i = 0; i < kinds.length; i++) {
      const [flavour, flags, kind] = kinds[(r + i) % kinds.length];
      const args = kind === "split" ? [split, flavour] : [cold, flavour === "o200k" ? "tm/o200k" : "tm.countTokens"];
      runs.get([flavour, flags, kind].join(" ")).push(JSON.parse(execFileSync(process.execPath, [...FLAGS[flags], ...args], { encoding: "utf8", cwd: here })));
    }
  }
  const rows = [];
  for (const flavour of ["default", "o200k"]) {
    for (const flags of Object.keys(FLAGS)) {
      const sp = runs.get(`${flavour} ${flags} split`);
      const m = (k) => f1(median(sp.map((x) => x[k])));
      const shipped = median(runs.get(`${flavour} ${flags} shipped`).map((x) => x.importAndCountMs));
      rows.push([flavour, flags, m("glueMs"), m("readMs"), m("compileMs"), m("instantiateMs"), m("tablesMs"), m("firstMs"), m("totalMs"), f1(shipped), m("secondMs"), m("catalogueMs")]);
    }
  }
  out.push(`### D. Cold start, split (ms, median of ${RUNS} fresh processes each, every row taking turns)`, "");
  out.push(table(["entry", "node flags", "glue import", "read .wasm", "compile (WebAssembly.Module)", "instantiate (initSync)", "o200k tables (new Tokenizer)", "first countTokens", "sum", "as shipped: import + first count", "second count", "then a first call with { encoding } (the catalogue)"], rows), "");
}

// ---- E. CPU profile --------------------------------------------------------------
if (want("E")) {
  const dir = `${here}profiles/`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const rows = [];
  for (const group of ["cjk", "multilingual", "prose"]) {
    const script = `
      import { Tokenizer } from ${JSON.stringify(process.env.TM_NODE_ENTRY || "tokenmeter")};
      import { groupText } from "${here}lib/corpus.mjs";
      const text = groupText(${JSON.stringify(group)});
      const tok = new Tokenizer({ encoding: "o200k_base" });
      for (let i = 0; i < 30; i++) tok.count(text);`;
    execFileSync(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${group}.cpuprofile`, "--input-type=module", "-e", script], { cwd: here });
    const prof = JSON.parse(readFileSync(`${dir}${group}.cpuprofile`, "utf8"));
    const self = new Map(prof.nodes.map((n) => [n.id, 0]));
    const dt = prof.timeDeltas;
    prof.samples.forEach((id, i) => self.set(id, self.get(id) + (dt[i] || 0)));
    const cat = {};
    const wasmFns = {};
    for (const n of prof.nodes) {
      const cf = n.callFrame;
      let k;
      if (cf.url.startsWith("wasm://") || /^\$?(wasm-function|func)/.test(cf.functionName)) k = "wasm";
      else if (cf.functionName === "(garbage collector)") k = "GC";
      else if (cf.functionName === "(program)" || cf.functionName === "(idle)" || cf.functionName === "(root)") k = "program/idle";
      else if (cf.url.includes("tokenmeter")) k = "tokenmeter JS glue";
      else k = "other JS (corpus setup, module loading)";
      cat[k] = (cat[k] || 0) + self.get(n.id);
      const name = cf.functionName.replace(/\[[0-9a-f]{16}\]/g, ""); // crate hashes
      if (k === "wasm") wasmFns[name] = (wasmFns[name] || 0) + self.get(n.id);
    }
    const total = Object.values(cat).reduce((a, b) => a + b, 0);
    const top = Object.entries(wasmFns).sort((a, b) => b[1] - a[1]).slice(0, 6).map(([f, t]) => `${f.replace(/^\$/, "")} ${((t / total) * 100).toFixed(0)}%`).join(", ");
    rows.push([group, ...["wasm", "tokenmeter JS glue", "GC", "other JS (corpus setup, module loading)", "program/idle"].map((k) => `${(((cat[k] || 0) / total) * 100).toFixed(1)}%`), top]);
  }
  out.push("### E. V8 CPU profile of 30 × Tokenizer.count(1 MB) (self time; bench/profiles/*.cpuprofile)", "");
  out.push(table(["group", "wasm", "tokenmeter JS glue", "GC", "other JS", "program/idle", `top wasm functions${process.env.TM_NODE_ENTRY ? ` (${process.env.TM_NODE_ENTRY})` : " (no name section in the shipped .wasm)"}`], rows), "");
}

console.log(out.join("\n"));

