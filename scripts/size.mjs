// Prints the gzip -9 size of what each entry point ships (its .wasm and JS)
// and fails when one passes its budget. The Worker bundle must also stay under
// Cloudflare's free-plan limit (3 MB compressed).
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";

// Bytes, gzip -9. The goals are 1.3 MB (default) and 0.8 MB (o200k); these
// budgets hold the line at what is shipped today and only ever go down.
const BUDGETS = {
  default: 1_400_000,
  o200k: 1_050_000,
  all: 1_750_000,
};
const WORKER_LIMIT = 3_000_000;

const root = new URL("../pkg/dist/", import.meta.url);
let failed = false;
const rows = [];
for (const [flavour, budget] of Object.entries(BUDGETS)) {
  const dir = new URL(`${flavour}/`, root);
  const files = readdirSync(dir).filter((f) => f === "tokenmeter_bg.wasm" || f === "tokenmeter.js" || f === "node.js");
  const raw = files.reduce((n, f) => n + readFileSync(new URL(f, dir)).length, 0);
  const gz = files.reduce((n, f) => n + gzipSync(readFileSync(new URL(f, dir)), { level: 9 }).length, 0);
  const ok = gz <= budget && gz <= WORKER_LIMIT;
  failed ||= !ok;
  rows.push(`| ${flavour} | ${(raw / 1e6).toFixed(2)} MB | ${(gz / 1e6).toFixed(3)} MB | ${(budget / 1e6).toFixed(2)} MB | ${ok ? "ok" : "OVER"} |`);
}
console.log("| entry point | raw | gzip -9 | budget | |\n|---|---|---|---|---|\n" + rows.join("\n"));
if (failed) {
  console.error("size: an entry point is over its budget");
  process.exit(1);
}
