// The package's TypeScript types (js/index.d.ts, shipped as the `types`
// condition): a strict TypeScript consumer that imports every entry point by
// name compiles, every function the module exports at run time is declared,
// and wrong calls are type errors; the official SDKs' reply types (openai,
// @anthropic-ai/sdk) fit costFromResponse, and tokenmeter/ai-sdk fits the AI
// SDK's wrapLanguageModel.
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

// The official SDKs' own types (dev dependencies): their replies and their
// streams' final messages are what costFromResponse takes; tokenmeter/ai-sdk's
// middleware is what wrapLanguageModel takes, and its usage helpers take the
// AI SDK's usage.
const SDKS = `
import type OpenAI from "openai";
import type Anthropic from "@anthropic-ai/sdk";
import { costFromResponse, TokenCounter, BudgetLedger, type Cost } from "tokenmeter";
import { costFromUsage, meterMiddleware, toChatMessages, usageFromAiSdk, type UsageEvent } from "tokenmeter/ai-sdk";
import { generateText, wrapLanguageModel } from "ai";
import { MockLanguageModelV4 } from "ai/test";

declare const completion: OpenAI.ChatCompletion;
declare const response: OpenAI.Responses.Response;
declare const message: Anthropic.Message;
declare const chatStream: ReturnType<OpenAI["chat"]["completions"]["stream"]>;
declare const responseStream: ReturnType<OpenAI["responses"]["stream"]>;
declare const messageStream: ReturnType<Anthropic["messages"]["stream"]>;

const costs: Cost[] = [
  costFromResponse(completion),
  costFromResponse(response, { model: "gpt-5" }),
  costFromResponse(message, { at: "2026-12-01" }),
  costFromResponse(await chatStream.finalChatCompletion()),
  costFromResponse(await responseStream.finalResponse()),
  costFromResponse(await messageStream.finalMessage()),
];
// @ts-expect-error: a string is no reply
costFromResponse("text");
// @ts-expect-error: the model is a model id
costFromResponse(completion, { model: 5 });

const counter = new TokenCounter({ model: "gpt-4o" });
counter.push("part");
const counted: number = counter.count() + counter.heldBytes;
// @ts-expect-error: ordinary text only
new TokenCounter({ allowedSpecial: "all" });

const ledger = new BudgetLedger();
const events: UsageEvent[] = [];
const model = wrapLanguageModel({
  model: new MockLanguageModelV4(),
  middleware: meterMiddleware({ ledger, key: "user-1", model: "gpt-4o", budget: () => ({ limitUsd: 5 }), onUsage: (e) => events.push(e) }),
});
const result = await generateText({ model, prompt: "hi" });
const usd: number = costFromUsage(result.usage, { model: "gpt-4o" }).total + costFromUsage(result.totalUsage, { model: "gpt-4o" }).total;
const input: number | undefined = usageFromAiSdk(result.usage).inputTokens;
const messages = toChatMessages([{ role: "user", content: [{ type: "text", text: "hi" }] }]);
// The AI SDK's types resolved (an unresolved import would take anything).
// @ts-expect-error: a number is no middleware
const resolved: ReturnType<typeof meterMiddleware> = 5;
// @ts-expect-error: a string is no AI SDK usage
usageFromAiSdk("12 tokens");
// @ts-expect-error: the key is required
meterMiddleware({ onUsage() {} });
// @ts-expect-error: costFromUsage needs the model
costFromUsage(result.usage);

console.log(costs, counted, usd, input, messages, events, resolved);
`;

test("the official SDKs' types: their replies and final stream messages are costFromResponse's; tokenmeter/ai-sdk fits wrapLanguageModel", () => {
  compile("sdks", SDKS, { module: "nodenext", moduleResolution: "nodenext", skipLibCheck: true });
  compile("sdks-bundler", SDKS, { module: "esnext", moduleResolution: "bundler", skipLibCheck: true });
});

test("every runtime export of every entry point is declared in the types", async () => {
  const names = new Set(Object.keys(tm));
  for (const entry of ["tokenmeter/o200k", "tokenmeter/all", "tokenmeter/html"]) for (const k of Object.keys(await import(entry))) names.add(k);
  assert.ok(names.has("TokenCounter") && names.has("costFromResponse"));
  assert.ok(names.has("countTokens") && names.has("ready"));
  // The default export (wasm-bindgen's async init) is re-exported by the
  // entry points but is not part of the API; initSync is declared.
  assert.ok(names.has("initSync"));
  const api = [...names].filter((k) => k !== "default").sort();
  const source = `import * as tm from "tokenmeter";\n${api.map((k) => `void tm.${k};`).join("\n")}\n`;
  compile("exports", source, { module: "nodenext", moduleResolution: "nodenext" });
});
