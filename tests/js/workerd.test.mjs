// The packed package in workerd (Cloudflare's runtime) through Miniflare: a
// Worker bundled the way wrangler bundles (esbuild, workerd conditions, the
// .wasm as a compiled module) imports it by name.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { chatCases, sample, tokenCases } from "./golden.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const out = `${here}.worker-build`;
let mf;

before(async () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [`${here}worker/worker.mjs`],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "import"],
    external: ["*.wasm"],
    outfile: `${out}/worker.js`,
    logLevel: "warning",
  });
  const pkg = createRequire(`${here}package.json`).resolve("tokenmeter/package.json");
  copyFileSync(new URL("dist/default/tokenmeter_bg.wasm", `file://${pkg}`), `${out}/tokenmeter_bg.wasm`);
  mf = new Miniflare({
    modules: true,
    scriptPath: `${out}/worker.js`,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2025-09-01",
  });
  await mf.ready;
});

after(async () => {
  await mf?.dispose();
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
