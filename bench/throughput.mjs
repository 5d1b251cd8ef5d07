// Sections 1, 2 and 5, in one process, the contenders interleaved round-robin:
//   throughput  MB/s (UTF-8 bytes / 1e6 / s) per corpus group and encoding, each
//               group repeated to ~1 MB (the golden corpus's and bench/corpus/'s)
//   once        bench/corpus/'s document groups counted once each, every count
//               in a fresh process (lib/once-child.mjs): no piece cache warm
//   short       10,000 short strings (20-300 code points, mixed languages), strings/s
//   limit       isWithinTokenLimit on 10 MB of prose with a 1,000-token limit, ms/call
// Every contender's count of every input is checked against tiktoken's (the
// Rust reference, in wasm) and against each other; mismatches are reported.
import { CONTENDERS, ENCODINGS, PEERS, load } from "./lib/contenders.mjs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DOC_GROUPS, MB, THROUGHPUT_GROUPS, groupBase, groupText, repeatTo, shortStrings, utf8Bytes } from "./lib/corpus.mjs";
import { log, median, roundRobin, save, time } from "./lib/measure.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS || 7);
// A contender whose pass over 1 MB would take longer than this (estimated from
// one copy of the group's text) is timed on a prefix of whole copies sized to
// take about this long; its throughput on these texts does not depend on length.
const CAP_MS = Number(process.env.BENCH_CAP_MS || 400);
// Short strings: slow contenders are timed on a prefix of the list sized to
// take about this long per round.
const SHORT_CAP_MS = Number(process.env.BENCH_SHORT_CAP_MS || 1200);
// Counted once: fresh processes per contender, group and encoding.
const ONCE_RUNS = Number(process.env.BENCH_ONCE_RUNS || 5);
const only = process.argv.slice(2);
const want = (s) => only.length === 0 || only.includes(s);
const ids = Object.keys(CONTENDERS);
const mismatches = [];

function check(what, counts) {
  const ref = counts.tiktoken;
  for (const [id, n] of Object.entries(counts)) {
    if (n !== ref) {
      mismatches.push({ what, id, count: n, tiktoken: ref });
      console.error(`\n  !!! MISMATCH ${what}: ${id} counts ${n}, tiktoken ${ref}\n`);
    }
  }
}

const loaded = {};
for (const enc of ENCODINGS) {
  loaded[enc] = {};
  for (const id of ids) loaded[enc][id] = await load(id, enc);
}

// ---- 1. throughput -----------------------------------------------------------
if (want("throughput")) {
  const throughput = {};
  for (const enc of ENCODINGS) {
    throughput[enc] = {};
    const cs = loaded[enc];
    for (const group of THROUGHPUT_GROUPS) {
      const base = groupBase(group);
      const text = groupText(group);
      const copies = Math.round(text.length / base.length);
      // Calibration on one copy of the group's text (three passes: JIT and
      // caches warm), which also gives the first counts to compare.
      const counts = {};
      const input = {};
      const estMs = {};
      for (const id of ids) {
        let ms, n;
        for (let i = 0; i < 3; i++) [ms, n] = time(() => cs[id].count(base));
        counts[id] = n;
        estMs[id] = ms * copies;
        input[id] = estMs[id] <= CAP_MS ? text : base.repeat(Math.max(1, Math.floor((copies * CAP_MS) / estMs[id])));
      }
      check(`${enc} ${group} (one copy, ${utf8Bytes(base)} B)`, counts);
      // The expected count of every input timed: tiktoken's count of it.
      const expect = new Map();
      for (const id of ids) if (!expect.has(input[id])) expect.set(input[id], cs.tiktoken.count(input[id]));
      const samples = roundRobin(ids, ROUNDS, (id) => {
        const [ms, n] = time(() => cs[id].count(input[id]));
        if (n !== expect.get(input[id])) check(`${enc} ${group} (prefix)`, { [id]: n, tiktoken: expect.get(input[id]) });
        return utf8Bytes(input[id]) / MB / (ms / 1000);
      });
      throughput[enc][group] = Object.fromEntries(ids.map((id) => [id, {
        mbps: median(samples[id]),
        samples: samples[id],
        bytes: utf8Bytes(input[id]),
        tokens: expect.get(input[id]),
      }]));
      log(`${enc} ${group}: ` + ids.map((id) => `${id} ${median(samples[id]).toFixed(1)}`).join(", ") + " MB/s");
    }
  }
  save("throughput", { rounds: ROUNDS, capMs: CAP_MS, throughput, mismatches: [...mismatches] });
}

// ---- 1b. each document counted once, in a fresh process -----------------------------
if (want("once")) {
  const child = fileURLToPath(new URL("./lib/once-child.mjs", import.meta.url));
  const runChild = (id, enc, group) => {
    const r = spawnSync(process.execPath, [child, id, enc, group], { encoding: "utf8", maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(`once ${id} ${enc} ${group}: exit ${r.status} ${r.signal}\n${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  const once = {};
  for (const enc of ENCODINGS) {
    once[enc] = {};
    for (const group of Object.keys(DOC_GROUPS)) {
      const text = groupBase(group);
      const expect = loaded[enc].tiktoken.count(text);
      const samples = roundRobin(ids, ONCE_RUNS, (id) => {
        const r = runChild(id, enc, group);
        if (r.tokens !== expect) check(`${enc} ${group} (counted once)`, { [id]: r.tokens, tiktoken: expect });
        return r.bytes / MB / (r.ms / 1000);
      });
      once[enc][group] = Object.fromEntries(ids.map((id) => [id, { mbps: median(samples[id]), samples: samples[id], bytes: utf8Bytes(text), tokens: expect }]));
      log(`${enc} ${group} counted once: ` + ids.map((id) => `${id} ${median(samples[id]).toFixed(1)}`).join(", ") + " MB/s");
    }
  }
  save("once", { runs: ONCE_RUNS, once, mismatches: [...mismatches] });
}

// ---- 2. short strings --------------------------------------------------------
if (want("short")) {
  const strings = shortStrings(10_000, 8);
  const chars = strings.reduce((a, s) => a + s.length, 0);
  const short = {};
  for (const enc of ["o200k_base"]) {
    const cs = loaded[enc];
    // Every string checked one by one against tiktoken (the first 1,000 for
    // everyone; the timed loops' sums are checked too, below).
    const ref = strings.map((s) => cs.tiktoken.count(s));
    const refSum = (m) => ref.slice(0, m).reduce((a, b) => a + b, 0);
    for (const id of ids) {
      const bad = strings.slice(0, 1000).filter((s, i) => cs[id].count(s) !== ref[i]).length;
      if (bad) {
        mismatches.push({ what: `${enc} short strings`, id, strings: bad });
        console.error(`\n  !!! MISMATCH ${enc} short strings: ${id} differs from tiktoken on ${bad} of 1,000\n`);
      }
    }
    // Slow contenders are timed on the first n strings (a random sample
    // already), n sized so that a round takes about SHORT_CAP_MS.
    const n = Object.fromEntries(ids.map((id) => {
      const c = cs[id].count;
      const [ms] = time(() => { for (let i = 0; i < 500; i++) c(strings[i]); });
      return [id, Math.min(strings.length, Math.max(500, Math.floor((500 * SHORT_CAP_MS) / ms / 100) * 100))];
    }));
    const samples = roundRobin(ids, ROUNDS, (id) => {
      const c = cs[id].count;
      const m = n[id];
      const [ms, sum] = time(() => {
        let k = 0;
        for (let i = 0; i < m; i++) k += c(strings[i]);
        return k;
      });
      if (sum !== refSum(m)) check(`${enc} short strings (sum of ${m})`, { [id]: sum, tiktoken: refSum(m) });
      return m / (ms / 1000);
    });
    short[enc] = Object.fromEntries(ids.map((id) => [id, { perSec: median(samples[id]), samples: samples[id], strings: n[id] }]));
    log(`short strings ${enc}: ` + ids.map((id) => `${id} ${Math.round(median(samples[id]))}/s`).join(", "));
  }
  save("short", { rounds: ROUNDS, strings: strings.length, avgChars: chars / strings.length, short, mismatches: [...mismatches] });
}

// ---- 5. isWithinTokenLimit -----------------------------------------------------
if (want("limit")) {
  const text = repeatTo(groupBase("prose"), 10 * MB);
  const LIMIT = 1000;
  const limit = {};
  for (const enc of ["o200k_base"]) {
    const cs = loaded[enc];
    const withApi = ids.filter((id) => cs[id].limit);
    for (const id of withApi) {
      const r = cs[id].limit(text, LIMIT);
      if (r !== false) {
        mismatches.push({ what: `${enc} isWithinTokenLimit 10 MB`, id, result: r });
        console.error(`\n  !!! ${id} isWithinTokenLimit(10 MB, 1000) returned ${r}, not false\n`);
      }
    }
    // Calls per round so that each contender's round lasts a few ms at least.
    const reps = Object.fromEntries(withApi.map((id) => {
      const [ms] = time(() => cs[id].limit(text, LIMIT));
      return [id, Math.max(1, Math.min(200, Math.floor(50 / Math.max(ms, 0.01))))];
    }));
    const samples = roundRobin(withApi, Math.max(ROUNDS, 7), (id) => {
      const f = cs[id].limit;
      const [ms] = time(() => {
        for (let i = 0; i < reps[id]; i++) f(text, LIMIT);
      });
      return ms / reps[id];
    });
    limit[enc] = Object.fromEntries(withApi.map((id) => [id, { ms: median(samples[id]), samples: samples[id] }]));
    log(`isWithinTokenLimit ${enc}: ` + withApi.map((id) => `${id} ${median(samples[id]).toFixed(3)} ms`).join(", "));
  }
  // The peers without an early-exit API count the whole text instead.
  const noApi = PEERS.filter((id) => !loaded.o200k_base[id].limit);
  save("limit", { bytes: utf8Bytes(text), limit: LIMIT, results: limit, noApi, mismatches: [...mismatches] });
}

if (mismatches.length) console.error(`\n  !!! ${mismatches.length} count mismatch(es); see bench/results/*.json\n`);
