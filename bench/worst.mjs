// Section 4: the worst cases (one repeated character, whitespace, random
// base64), o200k_base. Each run is its own process (lib/worst-child.mjs) that
// alternates prose of the same length with the worst case, so the ratio to
// prose is measured under the same conditions; a run past CAP_S is killed.
// tokenmeter runs at 10,000 and 40,000 chars and 1 MB. The peers are quadratic here, so
// they climb a ladder (10,000, 40,000, 1 MB chars) and a size whose predicted
// time (from the sizes below, at least linear, at most quadratic growth)
// passes SKIP_S is not run: its predicted time is reported instead.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { WORST_CASES } from "./lib/corpus.mjs";
import { log, save } from "./lib/measure.mjs";

const CAP_S = Number(process.env.BENCH_WORST_CAP_S || 60);
const SKIP_S = Number(process.env.BENCH_WORST_SKIP_S || 20);
const child = fileURLToPath(new URL("./lib/worst-child.mjs", import.meta.url));
const MB = 1_000_000;
const plan = {
  "tm.countTokens": [10_000, 40_000, MB],
  "gpt-tokenizer": [10_000, 40_000, MB],
  "js-tiktoken": [10_000, 40_000, MB],
  tiktoken: [10_000, 40_000, MB],
};

function run(id, kind, chars) {
  const rounds = chars >= MB && id.startsWith("tm") ? 5 : 3;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [child, id, kind, String(chars), String(rounds)], {
    encoding: "utf8",
    timeout: (CAP_S + 10) * 1000,
    killSignal: "SIGKILL",
    maxBuffer: 1 << 20,
  });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status === 0) return JSON.parse(r.stdout);
  if (r.signal === "SIGKILL" || r.error?.code === "ETIMEDOUT") return { id, kind, chars, killed: true, wallS };
  throw new Error(`${id} ${kind} ${chars}: exit ${r.status} ${r.signal}\n${r.stderr}`);
}

const results = {};
for (const kind of WORST_CASES) {
  results[kind] = {};
  for (const [id, sizes] of Object.entries(plan)) {
    const done = [];
    for (const chars of sizes) {
      if (done.some((r) => r.killed)) {
        done.push({ chars, skipped: true, after: "killed" });
        continue;
      }
      const measured = done.filter((r) => r.worstMs !== undefined);
      const last = measured.at(-1);
      if (last) {
        // Growth exponent from the last two measured sizes, else quadratic.
        const before = measured.at(-2);
        let e = 2;
        if (before && before.worstMs > 5) e = Math.log(last.worstMs / before.worstMs) / Math.log(last.chars / before.chars);
        e = Math.min(2, Math.max(1, e));
        const predictedS = (last.worstMs / 1000) * (chars / last.chars) ** e;
        if (predictedS > SKIP_S) {
          done.push({ chars, skipped: true, predictedS, exponent: e, from: last.chars });
          continue;
        }
      }
      const r = run(id, kind, chars);
      done.push(r);
      log(`worst ${kind} ${id} ${chars}: ` + (r.killed ? `> ${CAP_S} s (killed)` : `${r.worstMs.toFixed(1)} ms (prose ${r.distinctMs.toFixed(1)} ms, the 8 KB page repeated ${r.proseMs.toFixed(1)} ms)`));
    }
    results[kind][id] = done;
  }
  // The same input gives the same count everywhere.
  for (const chars of [10_000, 40_000, MB]) {
    const counts = Object.entries(results[kind])
      .map(([id, runs]) => [id, runs.find((r) => r.chars === chars && r.worstTokens !== undefined)?.worstTokens])
      .filter(([, n]) => n !== undefined);
    if (new Set(counts.map(([, n]) => n)).size > 1) console.error(`\n  !!! MISMATCH worst case ${kind} ${chars}: ${JSON.stringify(counts)}\n`);
  }
}
save("worst", { capS: CAP_S, skipS: SKIP_S, results });
