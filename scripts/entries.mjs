// The package's entry points, from data/entry-points.json, for the build:
//   node scripts/entries.mjs features   shell assignments: ENTRIES (names, in
//                                        order) and FEATURES (name -> the cargo
//                                        features of its encodings' rank files)
//   node scripts/entries.mjs exports    the package.json "exports" object
import { readFileSync } from "node:fs";

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
const { entries } = read("../data/entry-points.json");
const manifest = read("../data/encodings/encodings.json");

function features(entry) {
  const set = new Set(["wasm", ...(entry.features ?? [])]);
  for (const name of entry.encodings) {
    const encoding = manifest.encodings.find((e) => e.name === name);
    if (!encoding) throw new Error(`entry ${entry.name}: ${name} is not an encoding`);
    const file = manifest.rankFiles.find((f) => f.name === encoding.ranks);
    set.add(file.feature);
  }
  return [...set].join(",");
}

function exports() {
  const out = {};
  for (const e of entries) {
    const subpath = e.import === "tokenmeter" ? "." : `.${e.import.slice("tokenmeter".length)}`;
    const dist = `./dist/${e.name}`;
    out[subpath] = {
      types: "./index.d.ts",
      workerd: `${dist}/workerd.js`,
      browser: `${dist}/browser.js`,
      node: `${dist}/node.js`,
      default: `${dist}/browser.js`,
    };
  }
  out["./package.json"] = "./package.json";
  return out;
}

if (process.argv[2] === "features") {
  console.log(`ENTRIES="${entries.map((e) => e.name).join(" ")}"`);
  console.log(`declare -A FEATURES=(${entries.map((e) => `[${e.name}]="${features(e)}"`).join(" ")})`);
} else if (process.argv[2] === "exports") {
  console.log(JSON.stringify(exports(), null, 2));
} else {
  console.error("usage: node scripts/entries.mjs features|exports");
  process.exit(2);
}
