// The calculator page (www/) for the www*.test.mjs files: served as `make
// serve` serves it (pkg/ copied to www/vendor/tokenmeter/), with the page's
// own policy as a header, in headless Chromium. `servePage(chromium)`
// registers the file's before and after hooks (a file registers no others:
// Node 20 runs top-level before hooks as they are registered, without
// waiting for each other); the after hook fails the file if any page it
// opened reported an error or a CSP violation.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tm from "tokenmeter";
import { metaCsp, startStaticServer } from "../../scripts/static-server.mjs";
import { vendorPackage } from "../../scripts/vendor.mjs";

export const root = fileURLToPath(new URL("../../", import.meta.url));
export const artifacts = `${root}tests/artifacts`;
export const problems = []; // page errors and CSP reports, from every page
let server, browser, base;

/**
 * Serves the page and launches Chromium (from the caller's playwright-core)
 * before the file's tests, then runs `then` (if given) in the same hook.
 */
export function servePage(chromium, then) {
  before(async () => {
    assert.ok(existsSync(`${root}pkg/package.json`), "build the package first");
    vendorPackage(root); // as serve.mjs lays out www/vendor/
    mkdirSync(artifacts, { recursive: true });
    // Served with the page's own policy as a header as well, so that it also governs the
    // worker that compiles the wasm ('wasm-unsafe-eval', scripts from 'self' only).
    const csp = metaCsp(readFileSync(`${root}www/index.html`, "utf8"));
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
    server = await startStaticServer(`${root}www`, 0, { "content-security-policy": csp });
    base = `http://127.0.0.1:${server.address().port}/`;
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    await then?.();
  });

  after(async () => {
    await browser?.close();
    server?.close();
    assert.deepEqual(problems, [], "no page errors, no CSP reports");
  });
}

/** A fresh page at `fragment`, once its first comparison is drawn. */
export async function open(fragment = "", viewport = { width: 1280, height: 1000 }) {
  const p = await browser.newPage({ viewport });
  p.on("pageerror", (e) => problems.push(e.message));
  p.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  await p.goto(base + fragment);
  await settled(p);
  return p;
}

/** Waits until the newest request's count and comparison are drawn on `p`. */
export async function settled(p) {
  await p.waitForFunction(() => document.getElementById("status").textContent === ""
    && /^\d+ models/.test(document.getElementById("compare-status").textContent), null, { timeout: 20_000 });
}

/** The chat models the page lists at `at` (default now): in service, or all with the retired ones. */
export const chatModels = ({ at, retired = false } = {}) => tm.listModels(at ? { at } : {})
  .filter((m) => m.kind !== "embedding" && (retired || m.status !== "retired")).map((m) => m.id);
