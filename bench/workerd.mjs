// Section 8, workerd: a Worker bundled the way wrangler bundles (esbuild,
// workerd conditions, the .wasm as a compiled module) imports tokenmeter by
// name and gpt-tokenizer's encoding modules, and times both on the prose and
// CJK groups (lib/runtime-bench.mjs) in Miniflare. workerd's clock advances
// during compute under Miniflare; runtime-bench fails loudly if it does not.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { groupBase } from "./lib/corpus.mjs";
import { log, save } from "./lib/measure.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS || 7);
const out = `${here}.worker-build/`;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

writeFileSync(`${out}entry.mjs`, `
import * as tm from "tokenmeter";
import * as o200k from "gpt-tokenizer/encoding/o200k_base";
import * as cl100k from "gpt-tokenizer/encoding/cl100k_base";
import { contendersFrom, runThroughput } from "../lib/runtime-bench.mjs";
export default {
  async fetch(request) {
    const { bases, rounds } = await request.json();
    try {
      return Response.json(runThroughput(contendersFrom(tm, { o200k_base: o200k, cl100k_base: cl100k }), bases, rounds));
    } catch (e) {
      return Response.json({ error: String(e && e.stack || e) });
    }
  },
};
`);
await build({
  entryPoints: [`${out}entry.mjs`],
  bundle: true,
  format: "esm",
  platform: "neutral",
  conditions: ["workerd", "worker", "import"],
  mainFields: ["module", "main"],
  external: ["*.wasm"],
  outfile: `${out}worker.js`,
  logLevel: "warning",
  nodePaths: [`${here}node_modules`],
});
const manifest = JSON.parse(readFileSync(`${here}node_modules/tokenmeter/package.json`, "utf8"));
const wasmDir = manifest.exports["."].workerd.replace(/^\.\//, "").replace(/[^/]+$/, "");
copyFileSync(`${here}node_modules/tokenmeter/${wasmDir}tokenmeter_bg.wasm`, `${out}tokenmeter_bg.wasm`);

const mf = new Miniflare({
  modules: true,
  scriptPath: `${out}worker.js`,
  modulesRules: [
    { type: "ESModule", include: ["**/*.js"] },
    { type: "CompiledWasm", include: ["**/*.wasm"] },
  ],
  compatibilityDate: "2025-09-01",
});
try {
  await mf.ready;
  const res = await mf.dispatchFetch("http://localhost/", {
    method: "POST",
    body: JSON.stringify({ bases: { prose: groupBase("prose"), cjk: groupBase("cjk") }, rounds: ROUNDS }),
  });
  const results = await res.json();
  if (results.error) throw new Error(results.error);
  for (const m of results.mismatches) console.error(`\n  !!! MISMATCH in workerd ${JSON.stringify(m)}\n`);
  results.version = JSON.parse(readFileSync(new URL("../node_modules/miniflare/package.json", import.meta.url), "utf8")).version;
  save("workerd", results);
  for (const [enc, groups] of Object.entries(results.throughput))
    for (const [g, r] of Object.entries(groups)) log(`workerd ${enc} ${g}: ` + Object.entries(r).map(([id, x]) => `${id} ${x.mbps.toFixed(1)}`).join(", ") + " MB/s");
} finally {
  await mf.dispose();
  rmSync(out, { recursive: true, force: true });
}
