// Prints the gzip -9 size of what each entry point ships (as
// scripts/shipped.mjs defines it, and as the benchmark reports it) and fails
// when one passes its budget. The Worker bundle (what wrangler uploads: the
// bundled script and the .wasm module) must also stay under Cloudflare's
// limit, 3 MB compressed.
// Usage: node scripts/size.mjs   (after `make build`)
import { existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { gzipSize, shippedFiles } from "./shipped.mjs";

// Bytes, gzip -9. The ceilings are 1.5 MB (default), 1.1 MB (o200k) and
// 2.5 MB (all); the numbers below hold the line a little above what ships
// today, and only ever go down. They assume Debian's rustc-web 1.96 or the
// rustup target (scripts/tools.sh); rustc 1.85 builds 23 KB larger.
// Context compaction (issue 24: JSON, TOON, logs, tables, and tool results
// in compressMessages) added 32 KB to each of the first three; HTML's parser
// ships only in tokenmeter/html, the default entry's encodings plus 68 KB.
const BUDGETS = {
  default: 1_290_000, // issue 8's goal: 1.3 MB
  o200k: 1_045_000, // issue 8's goal: 0.8 MB
  all: 1_595_000,
  html: 1_360_000,
};
const WORKER_LIMIT = 3_000_000;

const dist = fileURLToPath(new URL("../pkg/dist/", import.meta.url));
if (!existsSync(dist)) {
  console.error("size: pkg/dist is missing; run `make build` first");
  process.exit(1);
}
const mb = (n) => `${(n / 1e6).toFixed(3)} MB`;
const kb = (n) => `${(n / 1e3).toFixed(1)} kB`;

// esbuild is a root dev dependency (tools.sh installs it with binaryen).
let build = null;
try {
  ({ build } = await import("esbuild"));
} catch {
  console.error("size: esbuild is missing; run `npm install` at the repo root");
  process.exit(1);
}

async function workerBundle(flavour) {
  // A Worker that uses the package, bundled as wrangler bundles it: esbuild
  // with the workerd conditions, the .wasm left as a separate module.
  const result = await build({
    stdin: {
      contents: `import { countTokens } from "./dist/${flavour}/workerd.js";
        export default { fetch: async (r) => new Response(String(countTokens(await r.text()))) };`,
      resolveDir: fileURLToPath(new URL("../pkg/", import.meta.url)),
      sourcefile: "worker.js",
    },
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "import"],
    external: ["*.wasm"],
    write: false,
    logLevel: "error",
  });
  return gzipSync(result.outputFiles[0].contents, { level: 9 }).length + gzipSize(`${dist}${flavour}/tokenmeter_bg.wasm`);
}

let failed = false;
const rows = [];
for (const [flavour, budget] of Object.entries(BUDGETS)) {
  const files = shippedFiles(`${dist}${flavour}`);
  const wasm = files.filter((f) => f.endsWith(".wasm")).reduce((n, f) => n + gzipSize(f), 0);
  const total = files.reduce((n, f) => n + gzipSize(f), 0);
  const worker = await workerBundle(flavour);
  const ok = total <= budget && worker <= WORKER_LIMIT;
  failed ||= !ok;
  rows.push(`| ${flavour} | ${mb(wasm)} | ${kb(total - wasm)} | ${mb(total)} | ${mb(budget)} | ${mb(worker)} | ${ok ? "ok" : "OVER"} |`);
}
console.log(
  "gzip -9 sizes of what each entry point ships\n\n" +
    "| entry point | wasm | JS | total | budget | Worker bundle (limit 3 MB) | |\n" +
    "|---|---|---|---|---|---|---|\n" +
    rows.join("\n"),
);
if (failed) {
  console.error("size: an entry point is over its budget");
  process.exit(1);
}
