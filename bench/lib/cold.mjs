// One cold start, in a fresh process: node lib/cold.mjs <contender>
// Prints JSON: the import + first count (ms), the time since the process
// started, and RSS before the import and after the first count.
import { FIRST as text } from "./sentence.mjs";

const t0 = performance.now();
const rss0 = process.memoryUsage().rss;
const id = process.argv[2];
let tokens = null;
if (id !== "node") {
  const { load } = await import("./contenders.mjs");
  const c = await load(id, "o200k_base");
  tokens = c.count(text);
}
const t1 = performance.now();
const rss1 = process.memoryUsage().rss;
process.stdout.write(JSON.stringify({ id, tokens, importAndCountMs: t1 - t0, sinceProcessStartMs: t1, rssBefore: rss0, rssAfter: rss1 }));
