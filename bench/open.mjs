// Section 10: the open-weight families against the npm tokenizers for them.
// Throughput: for each family, each contender counts each text group in
// turn (round-robin rounds, medians), and every count must agree with
// tokenmeter's. Cold start: fresh processes that import, build and count
// once, taking turns. Families without an npm tokenizer (llama4, tekken)
// are measured alone.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { log, median, roundRobin, save } from "./lib/measure.mjs";
import { FAMILIES, contenders, load } from "./lib/open-peers.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS || 7);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS || 10);
const corpus = fileURLToPath(new URL("../tests/golden/corpus/", import.meta.url));

// The golden corpus's texts (written for tokenmeter), by group, each
// repeated to about 256 KB: English prose and code, and every other script.
function group(dirs) {
  let text = "";
  for (const d of dirs) for (const f of readdirSync(`${corpus}${d}`).sort()) text += readFileSync(`${corpus}${d}/${f}`, "utf8") + "\n";
  let out = text;
  while (Buffer.byteLength(out) < 256_000) out += text;
  return out;
}
const GROUPS = {
  "english and code": group(["english", "code"]),
  "other scripts": group(["cyrillic", "cjk", "rtl", "indic_thai", "greek", "vietnamese"]),
  "mixed and edge cases": group(["mixed", "emoji", "marks", "numbers", "whitespace", "unicode"]),
};

const throughput = {};
for (const family of Object.keys(FAMILIES)) {
  const ids = contenders(family);
  const loaded = {};
  for (const id of ids) loaded[id] = await load(id, family);
  throughput[family] = {};
  for (const [name, text] of Object.entries(GROUPS)) {
    const mb = Buffer.byteLength(text) / 1e6;
    const counts = {};
    const times = roundRobin(ids, ROUNDS, (id) => {
      const t0 = performance.now();
      counts[id] = loaded[id].count(text);
      return performance.now() - t0;
    });
    const row = {};
    for (const id of ids) row[id] = { mbPerS: mb / (median(times[id]) / 1000), tokens: counts[id], agrees: counts[id] === counts.tokenmeter };
    throughput[family][name] = row;
    log(`${family} ${name}: ${ids.map((id) => `${id} ${row[id].mbPerS.toFixed(1)} MB/s${row[id].agrees ? "" : " (count differs)"}`).join(", ")}`);
  }
}

const child = fileURLToPath(new URL("./lib/open-cold.mjs", import.meta.url));
const cold = {};
for (const family of Object.keys(FAMILIES)) {
  const ids = contenders(family);
  const runs = Object.fromEntries(ids.map((id) => [id, []]));
  roundRobin(ids, COLD_RUNS, (id) => {
    const out = JSON.parse(execFileSync(process.execPath, [child, family, id], { encoding: "utf8" }));
    runs[id].push(out);
    return out.importAndCountMs;
  });
  cold[family] = Object.fromEntries(ids.map((id) => [id, { importAndCountMs: median(runs[id].map((r) => r.importAndCountMs)), tokens: runs[id][0].tokens }]));
  log(`${family} cold: ${ids.map((id) => `${id} ${cold[family][id].importAndCountMs.toFixed(1)} ms`).join(", ")}`);
}
save("open", { rounds: ROUNDS, coldRuns: COLD_RUNS, groups: Object.fromEntries(Object.entries(GROUPS).map(([k, t]) => [k, Buffer.byteLength(t)])), throughput, cold });
