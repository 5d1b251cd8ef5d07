// The packed package in headless Chromium: a page imports it by its name
// (an import map that points the name at the package's `browser` export, as
// a bundler would) and runs golden cases, through every entry point
// (tokenmeter, tokenmeter/o200k, tokenmeter/all).
//
// Promises that had no test before (issue 28), and the test that checks each:
// - every entry point works in a browser, not only the default, and one that
//   lacks an encoding throws ENCODING_NOT_BUNDLED: "golden cases in Chromium,
//   every entry point"
// - the golden loops have a minimum count (an empty sample fails).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startStaticServer } from "../../scripts/static-server.mjs";
import { BUNDLED, chatCases, sample, tokenCases } from "./golden.mjs";
import { readmeExample } from "./readme.mjs";
import * as tm from "tokenmeter";

const here = fileURLToPath(new URL(".", import.meta.url));
let server, browser, page;
let importMap;

before(async () => {
  const manifest = JSON.parse(readFileSync(`${here}node_modules/tokenmeter/package.json`, "utf8"));
  const entry = (key) => manifest.exports[key].browser.replace(/^\.\//, "/node_modules/tokenmeter/");
  importMap = `<script type="importmap">${JSON.stringify({
    imports: { tokenmeter: entry("."), "tokenmeter/o200k": entry("./o200k"), "tokenmeter/all": entry("./all") },
  })}</script>`;
  mkdirSync(`${here}.browser`, { recursive: true });
  const cases = sample(tokenCases(), 40);
  writeFileSync(`${here}.browser/cases.json`, JSON.stringify({ cases, chat: chatCases() }));
  writeFileSync(`${here}.browser/index.html`, `<!doctype html>
<meta charset="utf-8">
${importMap}
<script type="module">
  import * as def from "tokenmeter";
  import * as o200k from "tokenmeter/o200k";
  import * as all from "tokenmeter/all";
  const { cases, chat } = await (await fetch("./cases.json")).json();
  const run = (tm) => {
    const tokens = cases.map((c) => {
      try { return [...tm.encode(c.text, { encoding: c.encoding, allowedSpecial: c.allowed_special })]; } catch (e) { return { code: e.code, field: e.field }; }
    });
    const chatCounts = chat.map((c) => { try { return tm.countChatTokens(c.messages, { model: c.model, tools: c.tools }); } catch (e) { return e.code; } });
    let error = null;
    try { tm.countTokens("x", { model: "nope" }); } catch (e) { error = { code: e.code, field: e.field, isError: e instanceof Error }; }
    return { tokens, chatCounts, error, after: tm.countTokens("hello world"), surrogate: tm.countTokens("a\\ud800b"), encodings: tm.bundledEncodings() };
  };
  window.results = { default: run(def), o200k: run(o200k), all: run(all) };
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

test("golden cases in Chromium, every entry point", async () => {
  const { cases, chat } = JSON.parse(readFileSync(`${here}.browser/cases.json`, "utf8"));
  // About 40 of each of the six encodings, and every chat case; an empty or thin sample fails.
  assert.ok(cases.length >= 6 * 35, `${cases.length} cases`);
  assert.ok(chat.length >= 60, `${chat.length} chat cases`);
  const results = await page.evaluate(() => window.results);
  assert.deepEqual(Object.keys(results).sort(), ["all", "default", "o200k"]);
  for (const [flavour, r] of Object.entries(results)) {
    assert.deepEqual([...r.encodings].sort(), [...BUNDLED[flavour]].sort(), flavour);
    let tokenized = 0;
    for (const [i, c] of cases.entries()) {
      if (BUNDLED[flavour].includes(c.encoding)) {
        assert.deepEqual(r.tokens[i], c.tokens, `${flavour} ${c.encoding} ${c.case}`);
        tokenized++;
      } else {
        assert.deepEqual(r.tokens[i], { code: "ENCODING_NOT_BUNDLED", field: "options.encoding" }, `${flavour} ${c.encoding}`);
      }
    }
    assert.ok(tokenized >= 2 * 35, `${flavour}: ${tokenized} cases tokenized`);
    let counted = 0;
    for (const [i, c] of chat.entries()) {
      const lonelyTool = c.messages.some((m) => m.role === "tool") && !c.messages.some((m) => m.tool_calls);
      const bundled = BUNDLED[flavour].includes(tm.encodingForModel(c.model));
      const expected = lonelyTool ? "INVALID_ARGUMENT" : !bundled ? "ENCODING_NOT_BUNDLED" : c.expected;
      assert.equal(r.chatCounts[i], expected, `${flavour} ${c.id} ${c.model}`);
      if (typeof expected === "number") counted++;
    }
    assert.ok(counted >= 30, `${flavour}: ${counted} chat cases counted`);
    assert.deepEqual(r.error, { code: "UNKNOWN_MODEL", field: "options.model", isError: true });
    assert.equal(r.after, 2);
    assert.equal(r.surrogate, 3);
  }
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
  // claude-sonnet-4's tokenizer is not bundled: an estimate, marked as one.
  assert.equal(await shown.jsonValue(), `≈${tm.countTokens(text, { model: "claude-sonnet-4" })} tokens`);
  assert.deepEqual(errors, []);
  await readme.close();
});
