// Section 7: gzip -9 size of what each contender ships, per file as installed,
// summed; every file is compressed as scripts/shipped.mjs does it.
//   tokenmeter   scripts/shipped.mjs: every .js and .wasm under dist/<entry>/
//                (o200k; default = o200k + cl100k), as the size check counts
//   the peers    the module graph of their entry points (esbuild's metafile,
//                browser conditions), plus the .wasm they load
import { statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { gzipSize, shippedFiles } from "../scripts/shipped.mjs";
import { log, save } from "./lib/measure.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const pkgDir = (name) => join(here, "node_modules", name);

async function graph(specifiers, extra = []) {
  const contents = specifiers.map((s, i) => `export * as m${i} from ${JSON.stringify(s)};`).join("\n");
  const r = await build({
    stdin: { contents, resolveDir: here, loader: "js" },
    bundle: true,
    write: false,
    metafile: true,
    platform: "browser",
    format: "esm",
    external: ["*.wasm"],
    logLevel: "silent",
  });
  return [...Object.keys(r.metafile.inputs).filter((f) => f !== "<stdin>").map((f) => join(here, f)), ...extra];
}

const tm = pkgDir("tokenmeter");
const tiktokenWasm = join(pkgDir("tiktoken"), "tiktoken_bg.wasm");
const sets = {
  o200k: {
    tokenmeter: shippedFiles(join(tm, "dist/o200k")),
    "gpt-tokenizer": await graph(["gpt-tokenizer/encoding/o200k_base"]),
    "js-tiktoken": await graph(["js-tiktoken/lite", "js-tiktoken/ranks/o200k_base"]),
    tiktoken: await graph(["tiktoken"], [tiktokenWasm]),
  },
  "o200k + cl100k": {
    tokenmeter: shippedFiles(join(tm, "dist/default")),
    "gpt-tokenizer": await graph(["gpt-tokenizer/encoding/o200k_base", "gpt-tokenizer/encoding/cl100k_base"]),
    "js-tiktoken": await graph(["js-tiktoken/lite", "js-tiktoken/ranks/o200k_base", "js-tiktoken/ranks/cl100k_base"]),
    tiktoken: await graph(["tiktoken"], [tiktokenWasm]),
  },
};

const sizes = {};
for (const [set, byId] of Object.entries(sets)) {
  sizes[set] = {};
  for (const [id, files] of Object.entries(byId)) {
    if (files.length === 0) {
      console.error(`   (this tokenmeter build has no files for ${set}: skipped)`);
      continue;
    }
    const per = files.map((f) => ({ file: relative(here, f), raw: statSync(f).size, gzip: gzipSize(f) }));
    sizes[set][id] = {
      gzip: per.reduce((a, x) => a + x.gzip, 0),
      raw: per.reduce((a, x) => a + x.raw, 0),
      files: per,
    };
    log(`size ${set} ${id}: ${(sizes[set][id].gzip / 1e6).toFixed(3)} MB gzip -9 (${files.length} files)`);
  }
}
save("size", { sizes });
