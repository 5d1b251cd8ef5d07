// The packed package in workerd (Cloudflare's runtime) through Miniflare: a
// Worker bundled the way wrangler bundles (esbuild, workerd conditions, the
// .wasm as a compiled module) imports it by name; and the README's Worker
// example, bundled the same way, as written.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { chatCases, sample, tokenCases } from "./golden.mjs";
import { readmeExample } from "./readme.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const out = `${here}.worker-build`;
let mf; // tests/js/worker/worker.mjs
let readme; // the README's Worker example, as written

/**
 * `entry` bundled the way wrangler bundles a Worker (esbuild, the workerd
 * conditions, the package's .wasm as a compiled module next to the script),
 * running in workerd.
 */
async function startWorker(entry, dir) {
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
  const pkg = createRequire(`${here}package.json`).resolve("tokenmeter/package.json");
  copyFileSync(new URL("dist/default/tokenmeter_bg.wasm", `file://${pkg}`), `${dir}/tokenmeter_bg.wasm`);
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
  mf = await startWorker(`${here}worker/worker.mjs`, `${out}/tests`);
  // Beside the tests' node_modules, so that "tokenmeter" resolves to the package.
  mkdirSync(`${out}/readme`, { recursive: true });
  writeFileSync(`${out}/readme/index.js`, readmeExample("Cloudflare Workers"));
  readme = await startWorker(`${out}/readme/index.js`, `${out}/readme/build`);
});

after(async () => {
  await mf?.dispose();
  await readme?.dispose();
  rmSync(out, { recursive: true, force: true });
});

async function post(path, body) {
  const res = await mf.dispatchFetch(`http://localhost${path}`, { method: "POST", body: JSON.stringify(body) });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

test("golden token cases in workerd", async () => {
  const cases = sample(tokenCases(), 60);
  const got = await post("/encode", cases);
  for (const [i, c] of cases.entries()) {
    if (["r50k_base", "p50k_base", "p50k_edit"].includes(c.encoding)) {
      assert.deepEqual(got[i], { code: "ENCODING_NOT_BUNDLED", field: "options.encoding" });
    } else {
      assert.deepEqual(got[i], c.tokens, `${c.encoding} ${c.case}`);
    }
  }
});

test("golden chat cases in workerd", async () => {
  const cases = chatCases().filter((c) => !(c.messages.some((m) => m.role === "tool") && !c.messages.some((m) => m.tool_calls)));
  assert.deepEqual(await post("/chat", cases), cases.map((c) => c.expected));
});

test("scoped catalogues in workerd: two tenants, one isolate", async () => {
  const res = await mf.dispatchFetch("http://localhost/tenants");
  assert.deepEqual(await res.json(), { a: 1, b: 3, defaultKnows: false });
});

test("errors in workerd are real Errors with codes, and the module keeps working", async () => {
  const res = await mf.dispatchFetch("http://localhost/errors");
  const { errors, after } = await res.json();
  assert.deepEqual(errors, [
    { name: "TokenmeterError", code: "INVALID_ARGUMENT", field: "text", isError: true },
    { name: "TokenmeterError", code: "UNKNOWN_MODEL", field: "options.model", isError: true },
    { name: "TokenmeterError", code: "INVALID_TOKEN", field: "tokens[0]", isError: true },
  ]);
  assert.equal(after, 2);
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
