// Sections 3 and 6: cold start and RSS. Every run is a fresh `node` process
// (lib/cold.mjs) that imports one contender and counts one sentence with
// o200k_base; the contenders take turns, RUNS runs each, medians reported.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { log, median, roundRobin, save } from "./lib/measure.mjs";

const RUNS = Number(process.env.BENCH_COLD_RUNS || 10);
const child = fileURLToPath(new URL("./lib/cold.mjs", import.meta.url));
// "node": a process that imports nothing (Node's own start-up and RSS).
// tokenmeter/o200k only where the installed build has that entry point.
const hasO200k = existsSync(fileURLToPath(new URL("./node_modules/tokenmeter/dist/o200k/node.js", import.meta.url)));
if (!hasO200k) console.error("   (this tokenmeter build has no dist/o200k/: tokenmeter/o200k skipped)");
const ids = ["node", "tm.countTokens", ...(hasO200k ? ["tm/o200k"] : []), "gpt-tokenizer", "js-tiktoken", "tiktoken"];

const runs = Object.fromEntries(ids.map((id) => [id, []]));
const wall = roundRobin(ids, RUNS, (id) => {
  const t0 = performance.now();
  const out = execFileSync(process.execPath, [child, id], { encoding: "utf8" });
  const ms = performance.now() - t0;
  runs[id].push(JSON.parse(out));
  return ms;
});

const cold = {};
for (const id of ids) {
  const r = runs[id];
  cold[id] = {
    importAndCountMs: median(r.map((x) => x.importAndCountMs)),
    sinceProcessStartMs: median(r.map((x) => x.sinceProcessStartMs)),
    processWallMs: median(wall[id]),
    rssAfterMB: median(r.map((x) => x.rssAfter)) / 2 ** 20,
    rssBeforeMB: median(r.map((x) => x.rssBefore)) / 2 ** 20,
    tokens: r[0].tokens,
    samples: r.map((x) => x.importAndCountMs),
  };
  log(`cold ${id}: import+count ${cold[id].importAndCountMs.toFixed(1)} ms, RSS ${cold[id].rssAfterMB.toFixed(1)} MB`);
}
const counts = new Set(ids.filter((id) => id !== "node").map((id) => cold[id].tokens));
if (counts.size !== 1) console.error(`\n  !!! MISMATCH cold-start counts: ${JSON.stringify(Object.fromEntries(ids.map((id) => [id, cold[id].tokens])))}\n`);
save("startup", { runs: RUNS, cold });
