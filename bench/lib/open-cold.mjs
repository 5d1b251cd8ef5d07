// One cold start of an open-weight contender, in a fresh process:
// node lib/open-cold.mjs <family> <contender>. Prints JSON: import, build
// and first count (ms) and the count.
const t0 = performance.now();
const [family, id] = process.argv.slice(2);
const { load } = await import("./open-peers.mjs");
const c = await load(id, family);
const tokens = c.count("The quick brown fox jumps over the lazy dog. Быстрая лиса, 東京タワー, 12345.");
process.stdout.write(JSON.stringify({ family, id, tokens, importAndCountMs: performance.now() - t0 }));
