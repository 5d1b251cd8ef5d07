// The package's TypeScript types (js/index.d.ts, shipped as the `types`
// condition): a strict TypeScript consumer that imports every entry point by
// name compiles, every function the module exports at run time is declared,
// and wrong calls are type errors.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tm from "tokenmeter";

const here = fileURLToPath(new URL(".", import.meta.url));
const dir = `${here}.types/`;
const tsc = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));

const USAGE = `
import * as tm from "tokenmeter";
import { countTokens, encode, decode, type TokenmeterError, type ErrorCode, type Encoding } from "tokenmeter";
import * as o200k from "tokenmeter/o200k";
import * as all from "tokenmeter/all";
import * as html from "tokenmeter/html";

await tm.ready;
const n: number = countTokens("hello", { model: "gpt-4o" });
const ids: Uint32Array = encode("hello", { encoding: "cl100k_base", allowedSpecial: "all" });
const text: string = decode(ids, { encoding: "cl100k_base" });
const enc: Encoding = tm.encodingForModel("gpt-4.1-mini");
const info = tm.tokenizerInfo("claude-sonnet-4-5");
const exact: boolean = info.exact;
const within: number | false = tm.isWithinTokenLimit([{ role: "user", content: "hi" }], 100, { model: "gpt-4o" });
const chat: number = tm.countChatTokens([{ role: "user", content: [{ type: "text", text: "hi" }] }], {
  model: "gpt-4o",
  tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
});
const bundled: Encoding[] = all.bundledEncodings();
const same: number = o200k.countTokens(text);
try {
  countTokens("x", { model: "nope" });
} catch (e) {
  const err = e as TokenmeterError;
  const code: ErrorCode = err.code;
  const field: string | null = err.field;
  const message: string = err.message;
  console.log(code, field, message);
}

// @ts-expect-error: text must be a string
countTokens(42);
// @ts-expect-error: not an encoding
countTokens("x", { encoding: "o200k" });
// @ts-expect-error: allowedSpecial is "all", "none" or a list
countTokens("x", { allowedSpecial: true });
// @ts-expect-error: countChatTokens needs a model
tm.countChatTokens([{ role: "user", content: "hi" }], {});
// @ts-expect-error: counting messages needs a model, as countChatTokens
tm.isWithinTokenLimit([{ role: "user", content: "hi" }], 100);
// @ts-expect-error: countChatTokens' options have no encoding
tm.isWithinTokenLimit([{ role: "user", content: "hi" }], 100, { model: "gpt-4o", encoding: "o200k_base" });
const cut: string = tm.truncateText("short text", 1) + tm.truncateText("x", 1, { encoding: "o200k_base", keep: "end" });
const pieces: string[] = tm.splitByTokens("x", { encoding: "cl100k_base", chunkTokens: 10 });
// @ts-expect-error: truncation has no special tokens
tm.truncateText("x", 1, { allowedSpecial: "all" });
const usage = tm.usageFromResponse({ model: "gpt-4o", usage: { prompt_tokens: 10, completion_tokens: 5 } });
const cost: number = usage.model ? tm.estimateCost({ ...usage, model: usage.model }).total : 0;
// @ts-expect-error: the reply may name no model, which estimateCost refuses
tm.estimateCost(usage);
const exportsOf: WebAssembly.Exports = tm.initSync();
const compared = tm.compareModels({ model: "gpt-4o", requestsPerDay: 1, inputTokens: 10, outputTokens: 5 });
const saving: number | null = compared.models[0].savingVsBaseline;
// @ts-expect-error: not an error code
const bad: ErrorCode = "NOT_A_CODE";
const compacted = html.compactContext({ rows: [1] }, { kind: "auto", level: "lossy", keep: ["rows"] });
const kind: "json" | "html" | "log" | "table" | "text" = compacted.kind;
const aliases: Record<string, string> | undefined = compacted.aliases;
tm.compressMessages([{ role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: "x" }] }], { toolResults: "keep" });
// @ts-expect-error: not a level of compaction
tm.compactContext("x", { level: "balanced" });

console.log(n, text, enc, exact, within, chat, bundled, same, bad, cut, pieces, cost, exportsOf, saving, kind, aliases);
`;

before(() => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
});

after(() => rmSync(dir, { recursive: true, force: true }));

function compile(name, source, compilerOptions) {
  writeFileSync(`${dir}${name}.ts`, source);
  writeFileSync(`${dir}tsconfig.${name}.json`, JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: "es2022", lib: ["es2022", "dom"], types: [], ...compilerOptions },
    files: [`${name}.ts`],
  }));
  try {
    execFileSync(process.execPath, [tsc, "-p", `${dir}tsconfig.${name}.json`], { cwd: dir, encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    assert.fail(`tsc (${JSON.stringify(compilerOptions)}) failed:\n${e.stdout}${e.stderr}`);
  }
}

for (const [label, options] of [
  ["nodenext", { module: "nodenext", moduleResolution: "nodenext" }],
  ["bundler", { module: "esnext", moduleResolution: "bundler" }],
]) {
  test(`a strict TypeScript consumer compiles (module resolution ${label}), and wrong calls are errors`, () => {
    compile(`usage-${label}`, USAGE, options);
  });
}

test("every runtime export of every entry point is declared in the types", async () => {
  const names = new Set(Object.keys(tm));
  for (const entry of ["tokenmeter/o200k", "tokenmeter/all", "tokenmeter/html"]) for (const k of Object.keys(await import(entry))) names.add(k);
  assert.ok(names.has("countTokens") && names.has("ready"));
  // The default export (wasm-bindgen's async init) is re-exported by the
  // entry points but is not part of the API; initSync is declared.
  assert.ok(names.has("initSync"));
  const api = [...names].filter((k) => k !== "default").sort();
  const source = `import * as tm from "tokenmeter";\n${api.map((k) => `void tm.${k};`).join("\n")}\n`;
  compile("exports", source, { module: "nodenext", moduleResolution: "nodenext" });
});
