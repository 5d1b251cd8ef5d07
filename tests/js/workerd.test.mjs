// The packed package in workerd (Cloudflare's runtime) through Miniflare: a
// Worker bundled the way wrangler bundles (esbuild, workerd conditions, the
// .wasm as a compiled module) imports it by name, once per entry point
// (tokenmeter, tokenmeter/o200k, tokenmeter/all); and the README's Worker
// example, bundled the same way, as written.
//
// Promises that had no test before (issue 28), and the test that checks each:
// - every entry point works in workerd, not only the default, and one that
//   lacks an encoding throws ENCODING_NOT_BUNDLED: "golden token cases in
//   workerd, every entry point", "golden chat cases in workerd, every entry
//   point", "errors in workerd ..."
// - the golden loops have a minimum count (an empty sample fails).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { BUNDLED, chatCases, sample, tokenCases } from "./golden.mjs";
import { readmeExample } from "./readme.mjs";
import * as tm from "tokenmeter";

const here = fileURLToPath(new URL(".", import.meta.url));
const out = `${here}.worker-build`;
const ENTRIES = { default: "tokenmeter", o200k: "tokenmeter/o200k", all: "tokenmeter/all" };
const workers = {}; // entry -> tests/js/worker/worker.mjs bundled against it
let readme; // the README's Worker example, as written

/**
 * `entry` bundled the way wrangler bundles a Worker (esbuild, the workerd
 * conditions, the package's .wasm as a compiled module next to the script),
 * running in workerd.
 */
async function startWorker(entry, dir, flavour = "default") {
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "import"],
    external: ["*.wasm"],
    outfile: `${dir}/worker.js`,
    logLevel: "warning",
  });
  // The .wasm next to the module the workerd condition resolves to, as
  // wrangler would ship it (not picked by flavour, so that a wrong exports
  // map shows).
  const pkg = createRequire(`${here}package.json`).resolve("tokenmeter/package.json");
  const manifest = JSON.parse(readFileSync(pkg, "utf8"));
  const workerdModule = manifest.exports[flavour === "default" ? "." : `./${flavour}`].workerd;
  copyFileSync(new URL(workerdModule.replace(/[^/]+$/, "tokenmeter_bg.wasm"), `file://${pkg}`), `${dir}/tokenmeter_bg.wasm`);
  const worker = new Miniflare({
    modules: true,
    scriptPath: `${dir}/worker.js`,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2025-09-01",
  });
  await worker.ready;
  return worker;
}

before(async () => {
  rmSync(out, { recursive: true, force: true });
  const source = readFileSync(`${here}worker/worker.mjs`, "utf8");
  for (const [flavour, specifier] of Object.entries(ENTRIES)) {
    // Beside the tests' node_modules, so that the specifier resolves to the package.
    mkdirSync(`${out}/${flavour}`, { recursive: true });
    writeFileSync(`${out}/${flavour}/worker.mjs`, source.replace('from "tokenmeter";', `from "${specifier}";`));
    workers[flavour] = await startWorker(`${out}/${flavour}/worker.mjs`, `${out}/${flavour}/build`, flavour);
  }
  // Beside the tests' node_modules, so that "tokenmeter" resolves to the package.
  mkdirSync(`${out}/readme`, { recursive: true });
  writeFileSync(`${out}/readme/index.js`, readmeExample("Cloudflare Workers"));
  readme = await startWorker(`${out}/readme/index.js`, `${out}/readme/build`);
});

after(async () => {
  for (const w of Object.values(workers)) await w.dispose();
  await readme?.dispose();
  rmSync(out, { recursive: true, force: true });
});

async function post(worker, path, body) {
  const res = await worker.dispatchFetch(`http://localhost${path}`, { method: "POST", body: JSON.stringify(body) });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

test("golden token cases in workerd, every entry point", async () => {
  const cases = sample(tokenCases(), 60);
  // About 60 of each of the six encodings; an empty or thin sample fails.
  assert.ok(cases.length >= 6 * 50, `${cases.length} cases`);
  for (const [flavour, worker] of Object.entries(workers)) {
    const got = await post(worker, "/encode", cases);
    assert.equal(got.length, cases.length);
    let tokens = 0;
    let refused = 0;
    for (const [i, c] of cases.entries()) {
      if (BUNDLED[flavour].includes(c.encoding)) {
        assert.deepEqual(got[i], c.tokens, `${flavour} ${c.encoding} ${c.case}`);
        tokens++;
      } else {
        assert.deepEqual(got[i], { code: "ENCODING_NOT_BUNDLED", field: "options.encoding" }, `${flavour} ${c.encoding}`);
        refused++;
      }
    }
    const expected = cases.filter((c) => BUNDLED[flavour].includes(c.encoding)).length;
    assert.deepEqual([tokens, refused], [expected, cases.length - expected], flavour);
    assert.ok(tokens >= 2 * 50, `${flavour}: ${tokens} cases tokenized`);
  }
});

test("golden chat cases in workerd, every entry point", async () => {
  const cases = chatCases().filter((c) => !(c.messages.some((m) => m.role === "tool") && !c.messages.some((m) => m.tool_calls)));
  assert.ok(cases.length >= 60, `${cases.length} chat cases`);
  for (const [flavour, worker] of Object.entries(workers)) {
    const expected = cases.map((c) => (BUNDLED[flavour].includes(tm.encodingForModel(c.model)) ? c.expected : "ENCODING_NOT_BUNDLED"));
    assert.deepEqual(await post(worker, "/chat", cases), expected, flavour);
    assert.ok(expected.filter((e) => typeof e === "number").length >= 30, flavour);
  }
});

test("scoped catalogues in workerd: two tenants, one isolate", async () => {
  const res = await workers.default.dispatchFetch("http://localhost/tenants");
  assert.deepEqual(await res.json(), { a: 1, b: 3, defaultKnows: false });
});

test("errors in workerd are real Errors with codes, and the module keeps working, every entry point", async () => {
  for (const [flavour, worker] of Object.entries(workers)) {
    const res = await worker.dispatchFetch("http://localhost/errors");
    const { errors, after, encodings } = await res.json();
    assert.deepEqual(errors, [
      { name: "TokenmeterError", code: "INVALID_ARGUMENT", field: "text", isError: true },
      { name: "TokenmeterError", code: "UNKNOWN_MODEL", field: "options.model", isError: true },
      { name: "TokenmeterError", code: "INVALID_TOKEN", field: "tokens[0]", isError: true },
    ], flavour);
    assert.equal(after, 2);
    assert.deepEqual([...encodings].sort(), [...BUNDLED[flavour]].sort(), flavour);
  }
});

test("the README's Worker example answers a request, a refused one and bad input, and keeps serving", async () => {
  const send = async (body) => {
    const res = await readme.dispatchFetch("http://localhost/", { method: "POST", body });
    return [res.status, await res.json()];
  };
  const hello = JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "Hello" }], temperature: 0, max_tokens: 100 });
  const [status, check] = await send(hello);
  assert.equal(status, 200);
  assert.equal(check.ok, true);
  assert.equal(check.inputTokens, 8); // 3 per message, "user" 1, "Hello" 1, 3 priming the reply
  assert.match(check.cacheKey, /^[0-9a-f]{64}$/);
  const long = { model: "gpt-4o", messages: [{ role: "user", content: "hello ".repeat(150_000) }] };
  const [tooLong, refused] = await send(JSON.stringify(long));
  assert.equal(tooLong, 422);
  assert.deepEqual(refused.problems.map((p) => p.code), ["CONTEXT_OVERFLOW"]);
  const [notJson, parseError] = await send("{not json");
  assert.equal(notJson, 400);
  assert.equal(parseError.code, "INVALID_JSON");
  const [malformed, readError] = await send(JSON.stringify({ model: "gpt-4o" }));
  assert.equal(malformed, 400);
  assert.equal(readError.code, "INVALID_ARGUMENT");
  assert.match(readError.message, /request\.messages/);
  assert.deepEqual(await send(hello), [200, check]);
});
