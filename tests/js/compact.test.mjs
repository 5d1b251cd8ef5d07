// Context compaction through the packed package: lossless JSON (and TOON,
// read back with TOON's reference decoder) is deep-equal to the input,
// strings that look like numbers stay strings, numbers keep their written
// form, HTML needs tokenmeter/html, logs fold reversibly, tool results in
// conversations are compacted, and bad input is a coded error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { decode as decodeToon } from "@toon-format/toon";
import * as tm from "tokenmeter";
import * as withHtml from "tokenmeter/html";

const corpus = fileURLToPath(new URL("../../data/context/", import.meta.url));

/** The value a lossless result stands for: JSON, or TOON read by the reference decoder. */
function readBack(r) {
  try {
    return JSON.parse(r.text);
  } catch {
    assert.ok(r.passes.some((p) => p.name === "toon"), `neither JSON nor TOON: ${r.text.slice(0, 200)}`);
    return decodeToon(r.text);
  }
}

function checkLaws(r, input, options = {}) {
  assert.equal(r.tokensBefore, tm.countTokens(input, { model: options.model }));
  assert.equal(r.tokensAfter, tm.countTokens(r.text, { model: options.model }));
  assert.ok(r.tokensAfter <= r.tokensBefore);
  assert.equal(r.savedTokens, r.tokensBefore - r.tokensAfter);
  assert.equal(r.passes.reduce((n, p) => n + p.savedTokens, 0), r.savedTokens);
  assert.equal(tm.compactContext(r.text, { ...options, kind: "auto" }).text, r.text, "idempotent");
}

// A small deterministic PRNG (mulberry32), so that failures reproduce.
function rng(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TRICKY = ["007", "true", "false", "null", "1e3", "-1", "-x", "#tag", "a,b", "a: b", "[x]", "{y}", "", " pad ",
  "tab\there", "line\nbreak", "quote \" and \\", "é ✓ 😀", "- item", "  ", "0.50", "NaN", "Infinity", "x".repeat(40)];

function randomRecords(next, n) {
  const keys = ["id", "name", "score", "active", "note", "tag-with-dash", "with space"].slice(0, 2 + Math.floor(next() * 5));
  return Array.from({ length: n }, (_, i) => Object.fromEntries(keys.map((k, j) => {
    const pick = next();
    const v = pick < 0.3 ? TRICKY[Math.floor(next() * TRICKY.length)]
      : pick < 0.55 ? Math.round(next() * 1e6) / (j % 2 ? 100 : 1)
      : pick < 0.7 ? next() < 0.5
      : pick < 0.8 ? null
      : `${k}-${i}`;
    return [k, v];
  })));
}

test("lossless JSON reads back deep-equal, through the TOON reference decoder where TOON won", () => {
  const next = rng(24);
  let toon = 0;
  for (let round = 0; round < 200; round++) {
    const records = randomRecords(next, 2 + Math.floor(next() * 30));
    const value = next() < 0.5 ? records : { items: records, total: records.length, nested: { a: [1, 2, 3], b: [], c: {}, d: [[1, "x"], []] } };
    const text = JSON.stringify(value, null, next() < 0.5 ? 2 : 4);
    const r = tm.compactContext(text);
    checkLaws(r, text);
    assert.equal(r.kind, "json");
    assert.deepStrictEqual(readBack(r), value, r.text);
    if (r.passes.some((p) => p.name === "toon")) toon++;
  }
  assert.ok(toon > 50, `TOON chosen ${toon} times of 200`);
});

test("strings that look like numbers stay strings, and numbers keep their written form", () => {
  const text = `{
  "rows": [
    { "zip": "02134", "n": 1.0, "big": 12345678901234567890, "e": 1e3, "flag": "true", "v": -2.50 },
    { "zip": "90210", "n": 2.5, "big": 1, "e": 2E-7, "flag": "null", "v": 0 },
    { "zip": "1e3", "n": 3, "big": 2, "e": 0.1, "flag": "-", "v": 10 }
  ]
}`;
  const r = tm.compactContext(text);
  checkLaws(r, text);
  for (const literal of ["1.0", "12345678901234567890", "1e3", "-2.50", "2E-7"]) assert.ok(r.text.includes(literal), `${literal} in ${r.text}`);
  assert.deepStrictEqual(readBack(r), JSON.parse(text));
  const rows = readBack(r).rows;
  assert.equal(typeof rows[0].zip, "string");
  assert.equal(rows[0].flag, "true");
  assert.equal(rows[2].zip, "1e3");
});

test("the JSON of the corpus reads back deep-equal, and saves tokens", () => {
  for (const set of ["tuned", "holdout"]) {
    for (const file of readdirSync(`${corpus}${set}`).filter((f) => f.startsWith("json-"))) {
      const text = readFileSync(`${corpus}${set}/${file}`, "utf8");
      for (const level of ["lossless", "structural"]) {
        const r = tm.compactContext(text, { level });
        checkLaws(r, text, { level });
        assert.ok(r.savedPercent > 20, `${set}/${file} ${level}: ${r.savedPercent}%`);
        if (level === "lossless") assert.deepStrictEqual(readBack(r), JSON.parse(text), `${set}/${file}`);
      }
    }
  }
});

test("a value is JSON data, and lossy keeps fields and aliases ids with a restore map", () => {
  const value = [
    { id: "3f2504e0-4f89-11d3-9a0c-0305e82c3301", title: "a", body: "long", extra: null },
    { id: "9b2504e0-4f89-11d3-9a0c-0305e82c3302", title: "b", body: "longer", extra: null },
  ];
  const r = tm.compactContext(value);
  assert.equal(r.kind, "json");
  assert.equal(r.tokensBefore, tm.countTokens(JSON.stringify(value)));
  assert.deepStrictEqual(readBack(r), value);
  assert.equal(r.aliases, undefined);
  const lossy = tm.compactContext(value, { level: "lossy", keep: ["id", "title"] });
  assert.deepEqual(lossy.aliases, { "@1": value[0].id, "@2": value[1].id });
  const back = readBack(lossy).map((row) => ({ ...row, id: lossy.aliases[row.id] }));
  assert.deepStrictEqual(back, value.map(({ id, title }) => ({ id, title })));
});

test("HTML is Markdown in tokenmeter/html; the other entries say where it is", () => {
  const page = readFileSync(`${corpus}holdout/html-webhooks.html`, "utf8");
  const r = withHtml.compactContext(page);
  assert.equal(r.kind, "html");
  // (The heading keeps the text of its "#" permalink: every visible text stays.)
  assert.match(r.text, /^## #?Verifying signatures$/m);
  assert.ok(r.text.includes("```go\nmac := hmac.New(sha256.New, secret)"), r.text);
  assert.ok(!r.text.includes("<script") && !r.text.includes("gtag") && !r.text.includes("We use cookies"));
  assert.ok(r.savedPercent > 50, `${r.savedPercent}%`);
  assert.equal(withHtml.compactContext(r.text).text, r.text, "idempotent");
  const structural = withHtml.compactContext(page, { level: "structural" });
  assert.ok(!structural.text.includes("Careers") && structural.tokensAfter < r.tokensAfter);
  assert.throws(() => tm.compactContext(page, { kind: "html" }), (e) =>
    e.code === "FEATURE_NOT_BUNDLED" && e.field === "options.kind" && /tokenmeter\/html/.test(e.message));
  // Detected but without a parser: read as text, never an error.
  assert.equal(tm.compactContext(page).kind, "text");
});

test("logs lose colours and progress redraws, and folded lines expand back", () => {
  const log = "\x1b[32mok\x1b[0m\r\n\r10%\r55%\r100%\nretrying\nretrying\nretrying\n\x1b[1mdone\x1b[0m\n";
  const r = tm.compactContext(log);
  checkLaws(r, log);
  assert.equal(r.kind, "log");
  assert.equal(r.text, "ok\n100%\nretrying [×3]\ndone\n");
});

test("bad input is a coded error naming its field; auto falls back to text", () => {
  assert.throws(() => tm.compactContext('{"a": 1,\n "b": }', { kind: "json" }), (e) =>
    e.name === "TokenmeterError" && e.code === "INVALID_ARGUMENT" && e.field === "input" && /line 2 column 7/.test(e.message));
  const r = tm.compactContext('{"a": 1,\n "b": }');
  assert.equal(r.kind, "text");
  for (const [options, field] of [[{ kind: "yaml" }, "options.kind"], [{ level: "max" }, "options.level"], [{ keep: "id" }, "options"], [{ extra: 1 }, "options"]]) {
    assert.throws(() => tm.compactContext("x", options), (e) => e.code === "INVALID_ARGUMENT" && e.field === field, JSON.stringify(options));
  }
  assert.throws(() => tm.compactContext("x", { model: "no-such-model" }), (e) => e.code === "UNKNOWN_MODEL");
  assert.throws(() => tm.compactContext(undefined), (e) => e.code === "INVALID_ARGUMENT" && e.field === "input");
  assert.throws(() => tm.compactContext({ n: NaN }), (e) => e.code === "INVALID_ARGUMENT" && /NaN/.test(e.message));
  assert.equal(tm.countTokens("still working"), 2);
});

test("compressMessages compacts tool results, counts them, and keeps them on request", () => {
  const data = JSON.stringify({ items: [{ id: 1, ok: true }, { id: 2, ok: false }], next: null }, null, 2);
  const messages = [
    { role: "user", content: "Please note that I need the items.", seen: NaN },
    { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "items", arguments: "{}" } }] },
    { role: "tool", tool_call_id: "c1", content: data },
    { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "run", input: { cmd: "make" } }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: [{ type: "text", text: data }] }, { type: "text", text: "Thanks." }] },
  ];
  const r = tm.compressMessages(messages, { model: "gpt-4o" });
  assert.equal(r.messages[2].content, tm.compactContext(data).text);
  assert.deepStrictEqual(readBack({ text: r.messages[2].content, passes: [{ name: "toon" }] }), JSON.parse(data));
  assert.equal(r.messages[4].content[0].content[0].text, r.messages[2].content);
  assert.equal(r.messages[4].content[0].tool_use_id, "t1");
  assert.ok(Number.isNaN(r.messages[0].seen), "other keys keep the values passed");
  assert.equal(messages[2].content, data, "the objects passed are not changed");
  assert.ok(r.passes.some((p) => p.name === "json-minify" || p.name === "toon"));
  const kept = tm.compressMessages(messages, { model: "gpt-4o", toolResults: "keep" });
  assert.equal(kept.messages[2].content, data);
  assert.deepEqual(kept.messages[4].content[0], messages[4].content[0]);
  assert.ok(r.tokensBefore > kept.tokensBefore && r.savedTokens > kept.savedTokens);
  assert.throws(() => tm.compressMessages(messages, { toolResults: "drop" }), (e) => e.field === "options.toolResults");
});
