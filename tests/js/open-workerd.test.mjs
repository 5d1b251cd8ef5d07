// The family entry points in workerd (Miniflare): each bundled the way
// wrangler bundles a Worker, counting a sample of the open-weight goldens
// of its family, the chat prompts the references rendered, and a Workers AI
// model by its @cf id, exactly; and refusing the other families' encodings
// with ENCODING_NOT_BUNDLED.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { FAMILIES, openCases, openChatCases, sampleOpen } from "./open.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const out = `${here}.open-worker-build`;
const workers = {};

// A Worker of the user's kind: counts what it is sent with the entry point.
const WORKER = `import * as tm from "ENTRY";
export default {
  async fetch(request) {
    const { cases, chat, model } = await request.json();
    const encode = (c) => { try { return [...tm.encode(c.text, { encoding: c.encoding, allowedSpecial: c.allowed_special })]; } catch (e) { return { code: e.code, field: e.field }; } };
    return Response.json({
      tokens: cases.map(encode),
      chat: chat.map((c) => tm.countChatTokens(c.messages, { model: c.model })),
      info: tm.tokenizerInfo(model),
      encodings: tm.bundledEncodings(),
    });
  },
};`;

before(async () => {
  rmSync(out, { recursive: true, force: true });
  const pkg = createRequire(`${here}package.json`).resolve("tokenmeter/package.json");
  const manifest = JSON.parse(readFileSync(pkg, "utf8"));
  for (const name of Object.keys(FAMILIES)) {
    const dir = `${out}/${name}`;
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/worker.mjs`, WORKER.replace("ENTRY", `tokenmeter/${name}`));
    await build({
      entryPoints: [`${dir}/worker.mjs`],
      bundle: true,
      format: "esm",
      platform: "neutral",
      conditions: ["workerd", "worker", "import"],
      external: ["*.wasm"],
      outfile: `${dir}/build/worker.js`,
      logLevel: "warning",
    });
    const module = manifest.exports[`./${name}`].workerd;
    copyFileSync(new URL(module.replace(/[^/]+$/, "tokenmeter_bg.wasm"), `file://${pkg}`), `${dir}/build/tokenmeter_bg.wasm`);
    workers[name] = new Miniflare({
      modules: true,
      scriptPath: `${dir}/build/worker.js`,
      modulesRules: [
        { type: "ESModule", include: ["**/*.js"] },
        { type: "CompiledWasm", include: ["**/*.wasm"] },
      ],
      compatibilityDate: "2025-09-01",
    });
    await workers[name].ready;
  }
});

after(async () => {
  for (const w of Object.values(workers)) await w.dispose();
  rmSync(out, { recursive: true, force: true });
});

const MODEL = {
  llama3: "@cf/meta/llama-3.1-8b-instruct",
  llama4: "@cf/meta/llama-4-scout-17b-16e-instruct",
  qwen: "@cf/qwen/qwen3-30b-a3b-fp8",
  deepseek: "@cf/deepseek-ai/deepseek-v4-flash-0731",
  mistral: "open-mistral-nemo",
  gemma: "@cf/google/gemma-3-12b-it",
};

test("the family entry points in workerd: goldens, chat prompts and Workers AI models", async () => {
  const cases = sampleOpen(openCases().filter((c) => c.encoding !== "gemma3_hf"), 40);
  const chat = openChatCases();
  for (const [name, worker] of Object.entries(workers)) {
    const encoding = FAMILIES[name];
    const res = await worker.dispatchFetch("http://localhost/", {
      method: "POST",
      body: JSON.stringify({ cases, chat: chat.filter((c) => c.encoding === encoding), model: MODEL[name] }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    const got = await res.json();
    assert.deepEqual(got.encodings.sort(), ["o200k_base", "o200k_harmony", encoding].sort());
    let exact = 0;
    for (const [i, c] of cases.entries()) {
      if (c.encoding === encoding) {
        assert.deepEqual(got.tokens[i], c.tokens, `${name} ${c.case}`);
        exact++;
      } else {
        assert.deepEqual(got.tokens[i], { code: "ENCODING_NOT_BUNDLED", field: "options.encoding" }, `${name} ${c.encoding}`);
      }
    }
    assert.ok(exact >= 35, `${name}: ${exact} rows`);
    const want = chat.filter((c) => c.encoding === encoding).map((c) => c.total);
    assert.ok(want.length >= 4, name);
    assert.deepEqual(got.chat, want, name);
    assert.deepEqual([got.info.encoding, got.info.exact], [encoding, true], `${name} ${MODEL[name]}`);
  }
});
