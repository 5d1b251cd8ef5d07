// Prints the gzip -9 size of what each entry point ships (as
// scripts/shipped.mjs defines it, and as the benchmark reports it) and fails
// when one passes its budget. The Worker bundle (what wrangler uploads: the
// bundled script and the .wasm module) must also stay under Cloudflare's
// limit, which is on the uncompressed upload: 64 MiB on every plan since
// Cloudflare removed the compressed limits (3 MB Free, 10 MB Paid), as its
// changelog of 2026-09-04 says
// (https://developers.cloudflare.com/changelog/post/2026-09-04-increased-worker-size-limit/;
// https://developers.cloudflare.com/workers/platform/limits/#worker-size).
// Usage: node scripts/size.mjs   (after `make build`)
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSize, shippedFiles } from "./shipped.mjs";

// Bytes, gzip -9. The ceilings are 1.5 MB (default), 1.1 MB (o200k) and
// 2.5 MB (all); the numbers below hold the line a little above what ships
// today. They went up once, by 35 KB, with the catalogue's schema v2 (the
// 2026-12 data, 206 models: 10.5 KB; dated price lists, service tiers,
// lifecycles and scoped catalogues: the rest), once by 30 KB with context
// compaction (the html entry point adds the HTML tokenizer on top), once by
// 42 KB for importCatalogue (four price-map readers) in every entry but
// o200k, which leaves it out (FEATURE_NOT_BUNDLED), once for metering
// streams (measured against main's build: the stream meter and
// fromAnthropicRequest, 43.1 KB in default, 42.9 KB in all, 43.1 KB in html;
// o200k leaves them out as it does import, and adds 14.8 KB for the
// ledger's reservations and the stubs), and otherwise only go down.
// They assume Debian's rustc-web 1.96 or the rustup target
// (scripts/tools.sh); rustc 1.85 builds 23 KB larger.
// The open-weight work (the family scanners, added tokens, the encodings'
// specs and the chat templates, in every entry) added 53-57 KB to each of
// the first four; on 2026-12-08 what an entry cannot use was left out
// (docs/performance.md, "What the entry points carried"): 54-61 KB off
// every entry, and the budgets came down to 5-6 KB above the new sizes.
// The family entries carry o200k's entry, the meter and their vocabulary
// (gemma3 its SentencePiece pieces, qwen2 the NFC tables).
const BUDGETS = {
  default: 1_415_000, // goal: 1.1 MB
  o200k: 1_097_000, // goal: 0.8 MB
  all: 1_721_000,
  html: 1_486_000,
  llama3: 1_551_000,
  llama4: 1_809_000,
  qwen: 1_653_000,
  deepseek: 1_556_000,
  mistral: 1_558_000,
  gemma: 2_041_000,
};
const WORKER_LIMIT = 64 * 1024 * 1024; // bytes, uncompressed

const dist = fileURLToPath(new URL("../pkg/dist/", import.meta.url));
if (!existsSync(dist)) {
  console.error("size: pkg/dist is missing; run `make build` first");
  process.exit(1);
}
const mb = (n) => `${(n / 1e6).toFixed(3)} MB`;
const kb = (n) => `${(n / 1e3).toFixed(1)} kB`;
const mib = (n) => `${(n / 1048576).toFixed(2)} MiB`;

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
  // with the workerd conditions, the .wasm left as a separate module. Its
  // size as Cloudflare counts it: the script and the module, uncompressed.
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
  return result.outputFiles[0].contents.length + statSync(`${dist}${flavour}/tokenmeter_bg.wasm`).size;
}

let failed = false;
// Every entry point the build made has a budget: a new one cannot ship unmeasured.
for (const flavour of readdirSync(dist)) {
  if (!(flavour in BUDGETS)) {
    console.error(`size: dist/${flavour} has no budget in scripts/size.mjs`);
    failed = true;
  }
}
const rows = [];
for (const [flavour, budget] of Object.entries(BUDGETS)) {
  const files = shippedFiles(`${dist}${flavour}`);
  const wasm = files.filter((f) => f.endsWith(".wasm")).reduce((n, f) => n + gzipSize(f), 0);
  const total = files.reduce((n, f) => n + gzipSize(f), 0);
  const worker = await workerBundle(flavour);
  const ok = total <= budget && worker <= WORKER_LIMIT;
  failed ||= !ok;
  rows.push(`| ${flavour} | ${mb(wasm)} | ${kb(total - wasm)} | ${mb(total)} | ${mb(budget)} | ${mib(worker)} | ${ok ? "ok" : "OVER"} |`);
}
console.log(
  "gzip -9 sizes of what each entry point ships\n\n" +
    "| entry point | wasm | JS | total | budget | Worker upload, uncompressed (limit 64 MiB) | |\n" +
    "|---|---|---|---|---|---|---|\n" +
    rows.join("\n"),
);
if (failed) {
  console.error("size: an entry point is over its budget");
  process.exit(1);
}
