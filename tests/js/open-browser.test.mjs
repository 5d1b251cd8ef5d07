// The family entry points in headless Chromium: a page imports each by its
// name (an import map pointing at the package's `browser` exports, as a
// bundler would) and encodes a sample of its family's open-weight goldens
// and counts the reference chat prompts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startStaticServer } from "../../scripts/static-server.mjs";
import { FAMILIES, openCases, openChatCases, sampleOpen } from "./open.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const dir = `${here}.open-browser`;
let server, browser, results;

before(async () => {
  const manifest = JSON.parse(readFileSync(`${here}node_modules/tokenmeter/package.json`, "utf8"));
  const imports = Object.fromEntries(
    Object.keys(FAMILIES).map((name) => [`tokenmeter/${name}`, manifest.exports[`./${name}`].browser.replace(/^\.\//, "/node_modules/tokenmeter/")]),
  );
  mkdirSync(dir, { recursive: true });
  const cases = sampleOpen(openCases().filter((c) => c.encoding !== "gemma3_hf"), 30);
  writeFileSync(`${dir}/cases.json`, JSON.stringify({ cases, chat: openChatCases(), families: FAMILIES }));
  writeFileSync(`${dir}/index.html`, `<!doctype html>
<meta charset="utf-8">
<script type="importmap">${JSON.stringify({ imports })}</script>
<script type="module">
  const { cases, chat, families } = await (await fetch("./cases.json")).json();
  const out = {};
  for (const [name, encoding] of Object.entries(families)) {
    const tm = await import("tokenmeter/" + name);
    out[name] = {
      tokens: cases.filter((c) => c.encoding === encoding).map((c) => [...tm.encode(c.text, { encoding, allowedSpecial: c.allowed_special })]),
      chat: chat.filter((c) => c.encoding === encoding).map((c) => tm.countChatTokens(c.messages, { model: c.model })),
      encodings: tm.bundledEncodings(),
    };
  }
  window.results = out;
</script>`);
  server = await startStaticServer(here, 0);
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/.open-browser/index.html`);
  await page.waitForFunction(() => window.results || null, null, { timeout: 120_000 }).catch(() => {
    throw new Error(`the page did not finish: ${errors.join("; ")}`);
  });
  results = await page.evaluate(() => window.results);
});

after(async () => {
  await browser?.close();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("the family entry points in Chromium: golden rows and chat prompts", () => {
  const { cases, chat } = JSON.parse(readFileSync(`${dir}/cases.json`, "utf8"));
  for (const [name, encoding] of Object.entries(FAMILIES)) {
    const r = results[name];
    assert.deepEqual(r.encodings.sort(), ["o200k_base", "o200k_harmony", encoding].sort(), name);
    const mine = cases.filter((c) => c.encoding === encoding);
    assert.ok(mine.length >= 25, `${name}: ${mine.length}`);
    assert.deepEqual(r.tokens, mine.map((c) => c.tokens), name);
    assert.deepEqual(r.chat, chat.filter((c) => c.encoding === encoding).map((c) => c.total), name);
  }
});
