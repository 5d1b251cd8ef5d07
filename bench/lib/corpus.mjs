// The benchmark's inputs, built from tests/golden/corpus/ so that they are the
// same texts the parity tests check. Everything is deterministic (seeded).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const corpus = fileURLToPath(new URL("../../tests/golden/corpus/", import.meta.url));
const prompts = fileURLToPath(new URL("../../data/prompts/", import.meta.url));
const documents = fileURLToPath(new URL("../corpus/", import.meta.url));

/** Corpus group -> files (relative to tests/golden/corpus/). */
export const GROUPS = {
  prose: ["english/prose.txt", "english/public_domain.txt"],
  code: ["code/javascript.txt", "code/json.txt", "code/python.txt", "code/rust.txt", "code/shell.txt"],
  multilingual: [
    "cyrillic/russian_ukrainian_serbian.txt",
    "greek/greek.txt",
    "rtl/arabic.txt",
    "rtl/hebrew.txt",
    "indic_thai/devanagari.txt",
    "indic_thai/thai_lao_khmer.txt",
    "vietnamese/vietnamese_nfc.txt",
    "vietnamese/vietnamese_nfd.txt",
    "vietnamese/vietnamese_partially_decomposed.txt",
  ],
  cjk: ["cjk/chinese.txt", "cjk/japanese.txt", "cjk/korean.txt"],
  markup: ["code/html.txt", "english/markdown_and_typography.txt"],
};

/**
 * Documents group -> files (relative to bench/corpus/; sources and licences in
 * its README.md): whole documents of 250-350 KB each, larger than any golden
 * group, in the languages and kinds an outside measurement found tokenmeter
 * slowest on (issue 26). Not in GROUPS: the short strings stay as they were.
 */
export const DOC_GROUPS = {
  docs_i18n: ["docs/de.txt", "docs/fr.txt", "docs/it.txt", "docs/ru.txt", "docs/ko.txt", "docs/ja.txt"],
  docs_cjk: ["cjk/zh-cn.txt", "cjk/ja.txt", "cjk/zh-tw.txt"],
  licences: [
    "GPL-3", "GPL-2", "LGPL-2.1", "LGPL-3", "Apache-2.0", "MPL-2.0", "MPL-1.1", "GFDL-1.3", "Artistic", "CC0-1.0",
    "BSD", "EPL-2.0", "EUPL-1.2", "CDDL-1.0", "CC-BY-4.0", "MS-PL", "BSL-1.0", "MIT", "ISC", "Zlib", "Unlicense",
  ].map((l) => `licences/${l}.txt`),
};

/** Every group the throughput section times: the golden corpus's, then the documents'. */
export const THROUGHPUT_GROUPS = [...Object.keys(GROUPS), ...Object.keys(DOC_GROUPS)];

export const MB = 1_000_000;
export const utf8Bytes = (s) => Buffer.byteLength(s, "utf8");

/** The group's files joined by blank lines (one copy): a GROUPS or DOC_GROUPS name. */
export function groupBase(group) {
  const [dir, files] = GROUPS[group] ? [corpus, GROUPS[group]] : [documents, DOC_GROUPS[group]];
  if (!files) throw new Error(`unknown corpus group ${group}`);
  return files.map((f) => readFileSync(dir + f, "utf8").trimEnd()).join("\n\n") + "\n\n";
}

/** Whole copies of `base` until the UTF-8 size reaches `bytes` (so ~1 MB, never a cut piece). */
export function repeatTo(base, bytes) {
  return base.repeat(Math.max(1, Math.ceil(bytes / utf8Bytes(base))));
}

/** The group repeated to ~`bytes` of UTF-8 (default 1 MB). */
export function groupText(group, bytes = MB) {
  return repeatTo(groupBase(group), bytes);
}

/** A small seeded PRNG (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `n` short strings of 20-300 code points, cut at random code-point offsets
 * from every group (mixed languages), seeded.
 */
export function shortStrings(n = 10_000, seed = 8) {
  const rand = rng(seed);
  const pools = Object.keys(GROUPS).map((g) => Array.from(groupBase(g)));
  const out = [];
  for (let i = 0; i < n; i++) {
    const pool = pools[Math.floor(rand() * pools.length)];
    const len = 20 + Math.floor(rand() * 281);
    const start = Math.floor(rand() * (pool.length - len));
    out.push(pool.slice(start, start + len).join(""));
  }
  return out;
}

/**
 * The worst cases, `chars` long (ASCII, so chars == bytes). `variant` gives a
 * different text of the same kind and length (another character, another
 * seed), so that a contender's cache of pieces never serves a repeat.
 */
export function worstCase(kind, chars = MB, variant = 0) {
  if (kind === "repeated 'a'") return "abcdefghijklmnopqrstuvwxyz"[variant % 26].repeat(chars);
  if (kind === "whitespace") return " ".repeat(chars - variant); // one length per variant
  if (kind === "random base64") {
    const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const rand = rng(64 + variant);
    let s = "";
    for (let i = 0; i < chars; i++) s += abc[Math.floor(rand() * 64)];
    return s;
  }
  throw new Error(`unknown worst case ${kind}`);
}
export const WORST_CASES = ["repeated 'a'", "whitespace", "random base64"];

/**
 * `s` as one flat string. A string built by `+=` or `repeat` is a rope in V8,
 * and the first call that reads it flattens it (7 ms for the 1 MB of random
 * base64 here): timed, that would charge the benchmark's way of building its
 * input to whichever call reads it first. Text from a request or a file is
 * flat already.
 */
export function flat(s) {
  return new TextDecoder().decode(new TextEncoder().encode(s));
}

/**
 * English prose that repeats only every 166 KB, `chars` long from offset
 * `variant * chars` of its cycle: the English prompts of data/prompts/
 * (written for tokenmeter). The worst cases' yardstick: each round of a worst
 * case is a new text, so that a cache of pieces never serves it a repeat, and
 * prose is measured the same way. The prose group is one 8 KB page; repeated
 * to 1 MB, nearly every piece of it is a cache hit (tokenmeter's memo holds
 * 4,096 pieces at first, up to 32,768 once a text has more).
 */
export function distinctProseOf(chars, variant = 0) {
  const files = ["corpus.jsonl", "holdout.jsonl", "holdout2.jsonl"];
  const texts = files.flatMap((f) =>
    readFileSync(prompts + f, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((p) => p.lang === "en")
      .map((p) => p.text.trimEnd()),
  );
  const base = texts.join("\n\n") + "\n\n";
  const start = (variant * chars) % base.length;
  const s = base.repeat(Math.ceil((start + chars) / base.length) + 1).slice(start, start + chars);
  // No half of a surrogate pair at either end.
  return s.replace(/^[\udc00-\udfff]/, " ").replace(/[\ud800-\udbff]$/, " ");
}

/** Prose cut to exactly `chars` ASCII-ish characters, for ratios at a peer's size. */
export function proseOf(chars) {
  const s = repeatTo(groupBase("prose"), chars * 2).slice(0, chars);
  return /[\ud800-\udbff]$/.test(s) ? s.slice(0, -1) : s;
}
