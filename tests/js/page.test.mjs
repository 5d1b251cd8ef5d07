// The calculator page (www/), served as `make serve` serves it, in headless
// Chromium: typing a known text shows tiktoken's count, and switching the
// model changes the count and the cost to the package's values.
//
// Issue 28: "user text is never markup" waited 100 ms while the page renders
// after 150; it now waits for the payload's count and token view.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import * as tm from "tokenmeter";
import { startStaticServer } from "../../scripts/static-server.mjs";
import { vendorPackage } from "../../scripts/vendor.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
let server, browser, page;
const errors = [];

before(async () => {
  assert.ok(existsSync(`${root}pkg/package.json`), "build the package first");
  vendorPackage(root); // as serve.mjs lays out www/vendor/
  server = await startStaticServer(`${root}www`, 0);
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage();
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => document.getElementById("count").textContent !== "…");
});

after(async () => {
  await browser?.close();
  server?.close();
});

test("live exact counts and costs", async () => {
  const text = "Tokenization is why “tokenization” costs what it costs. 日本語も数えます。";
  await page.fill("#prompt", text);
  await page.fill("#output", "250");
  const exact = tm.countTokens(text, { model: "gpt-4o" });
  await page.waitForFunction((n) => document.getElementById("count").textContent === `${n} tokens`, exact);
  const cost = tm.estimateCost({ model: "gpt-4o", inputTokens: exact, outputTokens: 250 }).total;
  assert.match(await page.textContent("#cost"), new RegExp(`\\$${cost.toPrecision(3).replace(".", "\\.")}`));

  await page.selectOption("#model", "claude-sonnet-4-6");
  const estimate = tm.countTokens(text, { model: "claude-sonnet-4-6" });
  await page.waitForFunction((n) => document.getElementById("count").textContent === `≈${n} tokens`, estimate);
  assert.match(await page.textContent("#tokenizer"), /estimate/);
  assert.deepEqual(errors, []);
});

test("user text is never markup", async () => {
  const payload = "<img src=x onerror=window.__xss=1><script>window.__xss=1</script>";
  await page.selectOption("#model", "gpt-4o");
  await page.check("#show-tokens");
  await page.fill("#prompt", payload);
  // The page renders after a pause (150 ms): wait for the count of this text
  // and for the token view to hold it, so the check below sees the page drawn
  // from the payload, not the page before it.
  const n = tm.countTokens(payload, { model: "gpt-4o" });
  await page.waitForFunction((s) => document.getElementById("count").textContent === s, `${n} tokens`);
  await page.waitForFunction((p) => document.getElementById("tokens").textContent === p, payload);
  assert.equal(await page.$$eval("#tokens .tok", (s) => s.length), n);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.$$eval("img", (imgs) => imgs.length), 0);
  assert.equal(await page.$$eval("body script", (s) => s.filter((x) => !x.src).length), 0);
  await page.uncheck("#show-tokens");
  assert.deepEqual(errors, []);
});
