// The one definition of an entry point's size, shared by the size check
// (scripts/size.mjs) and the benchmark (bench/size.mjs) so that the two
// never disagree: every .js and .wasm file under dist/<entry>/ (the .wasm,
// the wasm-bindgen glue and its snippets, each runtime's entry module),
// each compressed on its own at gzip level 9 (Node's zlib, the same deflate
// as `gzip -9`, used for the peers too).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

export const gzipSize = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

/** Every shipped file of the entry point whose directory is `dir`. */
export function shippedFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .filter((f) => /\.(js|wasm)$/.test(f))
    .map((f) => join(dir, f));
}
