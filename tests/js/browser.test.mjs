// The packed package in headless Chromium: a page imports it by its name
// (an import map that points the name at the package's `browser` export, as
// a bundler would) and runs golden cases.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startStaticServer } from "../../scripts/static-server.mjs";
import { chatCases, sample, tokenCases } from "./golden.mjs";
import { readmeExample } from "./readme.mjs";
import * as tm from "tokenmeter";

const here = fileURLToPath(new URL(".", import.meta.url));
let server, browser, page;
let importMap;

before(async () => {
  const manifest = JSON.parse(readFileSync(`${here}node_modules/tokenmeter/package.json`, "utf8"));
  const entry = manifest.exports["."].browser.replace(/^\.\//, "/node_modules/tokenmeter/");
  importMap = `<script type="importmap">${JSON.stringify({ imports: { tokenmeter: entry } })}</script>`;
  mkdirSync(`${here}.browser`, { recursive: true });
  const cases = sample(tokenCases(), 40).filter((c) => !["r50k_base", "p50k_base", "p50k_edit"].includes(c.encoding));
  writeFileSync(`${here}.browser/cases.json`, JSON.stringify({ cases, chat: chatCases().slice(0, 20) }));
  writeFileSync(`${here}.browser/index.html`, `<!doctype html>
<meta charset="utf-8">
${importMap}
<script type="module">
  import * as tm from "tokenmeter";
  const { cases, chat } = await (await fetch("./cases.json")).json();
  const tokens = cases.map((c) => [...tm.encode(c.text, { encoding: c.encoding, allowedSpecial: c.allowed_special })]);
  const chatCounts = chat.map((c) => { try { return tm.countChatTokens(c.messages, { model: c.model, tools: c.tools }); } catch (e) { return e.code; } });
  let error = null;
  try { tm.countTokens("x", { model: "nope" }); } catch (e) { error = { code: e.code, field: e.field, isError: e instanceof Error }; }
  window.results = { tokens, chatCounts, error, after: tm.countTokens("hello world"), surrogate: tm.countTokens("a\\ud800b") };
</script>`);
  server = await startStaticServer(here, 0);
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/.browser/index.html`);
  await page.waitForFunction(() => window.results || null, null, { timeout: 60_000 }).catch(() => {
    throw new Error(`the page did not finish: ${errors.join("; ")}`);
  });
});

after(async () => {
  await browser?.close();
  server?.close();
  rmSync(`${here}.browser`, { recursive: true, force: true });
});

test("golden cases in Chromium", async () => {
  const { cases, chat } = JSON.parse(readFileSync(`${here}.browser/cases.json`, "utf8"));
  const results = await page.evaluate(() => window.results);
  for (const [i, c] of cases.entries()) assert.deepEqual(results.tokens[i], c.tokens, `${c.encoding} ${c.case}`);
  for (const [i, c] of chat.entries()) {
    const lonelyTool = c.messages.some((m) => m.role === "tool") && !c.messages.some((m) => m.tool_calls);
    assert.equal(results.chatCounts[i], lonelyTool ? "INVALID_ARGUMENT" : c.expected, c.id);
  }
  assert.deepEqual(results.error, { code: "UNKNOWN_MODEL", field: "options.model", isError: true });
  assert.equal(results.after, 2);
  assert.equal(results.surrogate, 3);
});

test("the README's browser example counts as the user types", async () => {
  writeFileSync(`${here}.browser/readme.html`, `<!doctype html>
<meta charset="utf-8">
${importMap}
<textarea></textarea>
<output></output>
${readmeExample("Browser", "html")}`);
  const readme = await browser.newPage();
  const errors = [];
  readme.on("pageerror", (e) => errors.push(e.message));
  await readme.goto(`http://127.0.0.1:${server.address().port}/.browser/readme.html`);
  const text = "Summarise the attached contract in three bullet points.";
  // Types until the module has loaded and answered (an input event before that is not seen).
  const shown = await readme.waitForFunction(
    (t) => {
      document.querySelector("textarea").value = t;
      document.querySelector("textarea").dispatchEvent(new Event("input"));
      return document.querySelector("output").textContent || null;
    },
    text,
    { timeout: 60_000, polling: 100 },
  );
  // claude-sonnet-4's tokenizer is not public: an estimate, marked as one.
  assert.equal(await shown.jsonValue(), `≈${tm.countTokens(text, { model: "claude-sonnet-4" })} tokens`);
  assert.deepEqual(errors, []);
  await readme.close();
});
