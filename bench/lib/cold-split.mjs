// One cold start of tokenmeter, step by step, in a fresh process:
//   node [V8 flags] lib/cold-split.mjs <flavour>      (default, o200k)
// The steps dist/<flavour>/node.js takes when imported, done one at a time:
// import the wasm-bindgen glue, read the .wasm, compile it
// (WebAssembly.Module), instantiate it (initSync: WebAssembly.Instance and
// wasm-bindgen's start), build o200k_base's tables (`new Tokenizer()`, the
// default encoding, which the first countTokens would otherwise do), then
// count a sentence with countTokens, and another; last, one call with an
// options object, whose first use builds the model catalogue. Prints JSON:
// ms per step.
import { readFileSync } from "node:fs";
import { FIRST, SECOND } from "./sentence.mjs";

const t0 = performance.now();
const dir = new URL(`../node_modules/tokenmeter/dist/${process.argv[2]}/`, import.meta.url);
const glue = await import(new URL("tokenmeter.js", dir));
const t1 = performance.now();
const bytes = readFileSync(new URL("tokenmeter_bg.wasm", dir));
const t2 = performance.now();
const module = new WebAssembly.Module(bytes);
const t3 = performance.now();
glue.initSync({ module });
const t4 = performance.now();
new glue.Tokenizer().free();
const t5 = performance.now();
const tokens = glue.countTokens(FIRST);
const t6 = performance.now();
const tokens2 = glue.countTokens(SECOND);
const t7 = performance.now();
glue.countTokens(SECOND, { encoding: "o200k_base" });
const t8 = performance.now();
process.stdout.write(
  JSON.stringify({ glueMs: t1 - t0, readMs: t2 - t1, compileMs: t3 - t2, instantiateMs: t4 - t3, tablesMs: t5 - t4, firstMs: t6 - t5, secondMs: t7 - t6, catalogueMs: t8 - t7, totalMs: t6 - t0, tokens, tokens2 }),
);
