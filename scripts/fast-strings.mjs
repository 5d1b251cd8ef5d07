// Rewrites how wasm-bindgen's glue copies a JS string into wasm memory:
// node scripts/fast-strings.mjs <dist>/tokenmeter.js
//
// Every text reaches the tokenizer through `passStringToWasm0`, which copies
// the string's ASCII prefix one `charCodeAt` at a time and only then hands
// the rest to `TextEncoder.encodeInto`. For 1 MB of ASCII that loop took 2 ms
// in Node 20 and `encodeInto` 0.1 ms, while counting English prose takes about
// 7 ms. Here `encodeInto` does the prefix too, into the same buffer of one
// byte per UTF-16 unit, so memory use does not change: it stops where the
// next character does not fit, and the rest goes on as before.
//
// Fails (exit 1) unless the loop is found exactly once, so that a
// wasm-bindgen version that changes the glue stops the build instead of
// shipping it unpatched.
import { readFileSync, writeFileSync } from "node:fs";

const loop = `
    let offset = 0;

    for (; offset < len; offset++) {
        const code = arg.charCodeAt(offset);
        if (code > 0x7F) break;
        mem[ptr + offset] = code;
    }
    if (offset !== len) {
        if (offset !== 0) {
            arg = arg.slice(offset);
        }
`;
const bulk = `
    // scripts/fast-strings.mjs: the prefix in one encodeInto, not a loop.
    const prefix = cachedTextEncoder.encodeInto(arg, mem.subarray(ptr, ptr + len));
    let offset = prefix.written;

    if (prefix.read !== arg.length) {
        arg = arg.slice(prefix.read);
`;

const file = process.argv[2];
const glue = readFileSync(file, "utf8");
const found = glue.split(loop).length - 1;
if (found !== 1) {
  console.error(`fast-strings: expected wasm-bindgen's ASCII loop once in ${file}, found it ${found} times`);
  process.exit(1);
}
writeFileSync(file, glue.replace(loop, bulk));
