// Section 8, Chromium: a page imports tokenmeter by name (an import map to
// the package's `browser` export, as a bundler would resolve it) and
// gpt-tokenizer's ESM encoding modules, and times both on the prose and CJK
// groups (lib/runtime-bench.mjs), headless.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startStaticServer } from "../scripts/static-server.mjs";
import { groupBase } from "./lib/corpus.mjs";
import { log, save } from "./lib/measure.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS || 7);
const dir = `${here}.browser/`;
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const manifest = JSON.parse(readFileSync(`${here}node_modules/tokenmeter/package.json`, "utf8"));
const imports = {
  tokenmeter: manifest.exports["."].browser.replace(/^\.\//, "/node_modules/tokenmeter/"),
  "gpt-tokenizer/encoding/o200k_base": "/node_modules/gpt-tokenizer/esm/encoding/o200k_base.js",
  "gpt-tokenizer/encoding/cl100k_base": "/node_modules/gpt-tokenizer/esm/encoding/cl100k_base.js",
};
writeFileSync(`${dir}bases.json`, JSON.stringify({ prose: groupBase("prose"), cjk: groupBase("cjk") }));
writeFileSync(`${dir}index.html`, `<!doctype html>
<meta charset="utf-8">
<script type="importmap">${JSON.stringify({ imports })}</script>
<script type="module">
  import * as tm from "tokenmeter";
  import * as o200k from "gpt-tokenizer/encoding/o200k_base";
  import * as cl100k from "gpt-tokenizer/encoding/cl100k_base";
  import { contendersFrom, runThroughput } from "/lib/runtime-bench.mjs";
  const bases = await (await fetch("./bases.json")).json();
  try {
    window.results = runThroughput(contendersFrom(tm, { o200k_base: o200k, cl100k_base: cl100k }), bases, ${ROUNDS});
  } catch (e) {
    window.results = { error: String(e && e.stack || e) };
  }
</script>`);

const server = await startStaticServer(here, 0);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/.browser/index.html`);
  await page.waitForFunction(() => window.results || null, null, { timeout: 300_000, polling: 500 }).catch(() => {
    throw new Error(`the page did not finish: ${errors.join("; ")}`);
  });
  const results = await page.evaluate(() => window.results);
  if (results.error) throw new Error(results.error);
  for (const m of results.mismatches) console.error(`\n  !!! MISMATCH in Chromium ${JSON.stringify(m)}\n`);
  results.version = browser.version();
  save("browser", results);
  for (const [enc, groups] of Object.entries(results.throughput))
    for (const [g, r] of Object.entries(groups)) log(`chromium ${enc} ${g}: ` + Object.entries(r).map(([id, x]) => `${id} ${x.mbps.toFixed(1)}`).join(", ") + " MB/s");
} finally {
  await browser.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
