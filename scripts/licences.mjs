// Copies each entry point's vocabulary licences next to its modules:
// pkg/dist/<entry>/licences/, from the files data/encodings/open-weights.json
// lists for each encoding the entry carries (data/entry-points.json). Entries
// with only OpenAI's encodings get none (tiktoken's ranks are MIT, as the
// package's own LICENSE). A listed file that is missing fails the build:
// a family's terms must ship with its vocabulary.
// Usage: node scripts/licences.mjs <package dir>
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const root = new URL("../", import.meta.url);
const read = (path) => JSON.parse(readFileSync(new URL(path, root), "utf8"));
const { entries } = read("data/entry-points.json");
const open = read("data/encodings/open-weights.json").encodings;
const pkg = process.argv[2];
if (!pkg) throw new Error("usage: node scripts/licences.mjs <package dir>");

for (const entry of entries) {
  const families = entry.encodings.filter((e) => open[e]);
  if (families.length === 0) continue;
  const dir = `${pkg}/dist/${entry.name}/licences`;
  mkdirSync(dir, { recursive: true });
  const lines = [];
  for (const name of families) {
    const { licence, models } = open[name];
    lines.push(`${name} (${models}): ${licence.name} (${licence.spdx})`);
    for (const file of licence.files) {
      const src = new URL(file, root);
      if (!existsSync(src)) throw new Error(`licences: ${file} (${name}) is missing`);
      copyFileSync(src, `${dir}/${basename(file)}`);
      lines.push(`  licences/${basename(file)}`);
    }
  }
  writeFileSync(
    `${dir}/README.txt`,
    `${entry.import} carries vocabulary data under these terms, besides tokenmeter's own MIT licence:\n\n${lines.join("\n")}\n`,
  );
  console.log(`licences: ${entry.import}: ${families.map((f) => open[f].licence.spdx).join(", ")}`);
}
