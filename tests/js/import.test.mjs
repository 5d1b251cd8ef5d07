// importCatalogue and Catalogue#import through the packed package: a map
// into a catalogue of one's own leaves the default alone; into the default,
// precedence both ways; coded errors with their field for input that is not
// a map and for bad options. The maps are tests/fixtures/import/ (written
// for tokenmeter in each format's shape; tests/import.rs checks them in
// detail).
import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tm from "tokenmeter";
import * as small from "tokenmeter/o200k";

const fixture = (name) => JSON.parse(readFileSync(new URL(`../fixtures/import/${name}.json`, import.meta.url), "utf8"));

function expectError(fn, code, field) {
  try {
    fn();
  } catch (e) {
    assert.equal(e.name, "TokenmeterError", e.message);
    assert.equal(e.code, code, e.message);
    assert.equal(e.field, field, e.message);
    return e;
  }
  assert.fail(`no error (expected ${code} at ${field})`);
}

afterEach(() => tm.resetModels());

test("into a Catalogue of one's own: the default catalogue is untouched", () => {
  const mine = new tm.Catalogue();
  const report = tm.importCatalogue(fixture("litellm"), { format: "litellm", catalogue: mine });
  assert.deepEqual(Object.keys(report).sort(), ["added", "skipped", "updated"]);
  assert.ok(report.added.includes("gpt-5.9-fixture"), JSON.stringify(report.added));
  assert.deepEqual(report.updated, []);
  for (const s of report.skipped) assert.deepEqual(Object.keys(s).sort(), ["id", "reason"]);
  const sample = report.skipped.find((s) => s.id === "sample_spec");
  assert.match(sample.reason, /documentation of its fields/);

  expectError(() => tm.getModel("gpt-5.9-fixture"), "UNKNOWN_MODEL", "model");
  assert.equal(mine.getModel("gpt-5.9-fixture").prices.input, 1.25);
  // $1.25 per 1M input up to 272K tokens, $2.50 for the whole request above.
  const cost = (inputTokens) => tm.estimateCost({ model: "gpt-5.9-fixture", inputTokens, outputTokens: 0 }, { catalogue: mine }).total;
  assert.equal(cost(100_000), 0.125);
  assert.equal(cost(1_000_000), 2.5);
  // The method does the same into its own catalogue only.
  const other = new tm.Catalogue();
  const again = other.import(fixture("openrouter"), { format: "openrouter" });
  assert.ok(again.added.includes("meta-llama/llama-3.3-fixture-70b-instruct"));
  expectError(() => mine.getModel("meta-llama/llama-3.3-fixture-70b-instruct"), "UNKNOWN_MODEL", "model");
  // "0.0000001234567891" USD per token is 0.123457 USD per 1M, rounded half up.
  assert.equal(other.getModel("meta-llama/llama-3.3-fixture-70b-instruct").prices.input, 0.123457);
  const router = again.skipped.find((s) => s.id === "openrouter/auto");
  assert.match(router.reason, /-1: OpenRouter's mark of a price that varies/);
  mine.free();
  other.free();
});

test("into the default catalogue: the bundled figures win unless the map is preferred", () => {
  const before = tm.getModel("gpt-4o-2024-08-06");
  assert.equal(before.id, "gpt-4o");
  const kept = tm.importCatalogue(fixture("litellm"), { format: "litellm" });
  assert.match(kept.skipped.find((s) => s.id === "gpt-4o-2024-08-06").reason, /the catalogue has gpt-4o-2024-08-06 \(a name of gpt-4o\)/);
  assert.deepEqual(tm.getModel("gpt-4o-2024-08-06"), before);
  // Process-wide: a call without { catalogue } sees the added models.
  assert.equal(tm.getModel("o9-fixture").prices.input, 1.234568);

  tm.resetModels();
  const replaced = tm.importCatalogue(fixture("litellm"), { format: "litellm", prefer: "imported" });
  assert.deepEqual([...replaced.updated].sort(), ["gpt-4o", "gpt-4o-2024-08-06"]);
  const dated = tm.getModel("gpt-4o-2024-08-06");
  assert.equal(dated.id, "gpt-4o-2024-08-06");
  assert.equal(dated.prices.input, 3);
  assert.match(dated.uncertain, /^Imported from LiteLLM's price map/);
  // What the map does not give stays the catalogue's.
  assert.equal(tm.getModel("gpt-4o").shutdownDate, before.shutdownDate);

  tm.resetModels();
  assert.deepEqual(tm.getModel("gpt-4o-2024-08-06"), before);
});

test("every fixture imports without throwing, each entry in one list", () => {
  const maps = { litellm: "litellm", openrouter: "openrouter", "genai-prices": "genai-prices", "models.dev": "models.dev" };
  for (const [format, name] of Object.entries(maps)) {
    const c = new tm.Catalogue();
    const r = c.import(fixture(name), { format, prefer: "imported" });
    assert.ok(r.added.length > 0 && r.skipped.length > 0, format);
    for (const id of [...r.added, ...r.updated]) assert.equal(c.getModel(id).id, id, `${format} ${id}`);
    c.free();
  }
});

test("a NaN price is its entry's fault, named, and the rest is taken", () => {
  const c = new tm.Catalogue();
  const map = {
    "fixture-nan": { litellm_provider: "fixture-host", mode: "chat", max_input_tokens: 1000, input_cost_per_token: NaN, output_cost_per_token: 1e-6 },
    "fixture-ok": { litellm_provider: "fixture-host", mode: "chat", max_input_tokens: 1000, input_cost_per_token: 1e-7, output_cost_per_token: 2.5e-6 },
  };
  const r = c.import(map, { format: "litellm" });
  assert.deepEqual(r.added, ["fixture-ok"]);
  assert.equal(r.skipped[0].id, "fixture-nan");
  assert.match(r.skipped[0].reason, /input_cost_per_token: "NaN" is not a number/);
  const ok = c.getModel("fixture-ok");
  assert.deepEqual([ok.prices.input, ok.prices.output], [0.1, 2.5]);
  assert.match(ok.uncertain, /no max output: the window is used/);
  c.free();
});

test("input that is not the map, and bad options, are coded errors naming the field", () => {
  const cases = [
    [() => tm.importCatalogue(42, { format: "litellm" }), "INVALID_CATALOGUE", "data"],
    [() => tm.importCatalogue([{ a: 1 }], { format: "litellm" }), "INVALID_CATALOGUE", "data"],
    [() => tm.importCatalogue({ models: [] }, { format: "openrouter" }), "INVALID_CATALOGUE", "data"],
    [() => tm.importCatalogue({ providers: [] }, { format: "genai-prices" }), "INVALID_CATALOGUE", "data"],
    [() => tm.importCatalogue([], { format: "models.dev" }), "INVALID_CATALOGUE", "data"],
    [() => tm.importCatalogue(undefined, { format: "models.dev" }), "INVALID_CATALOGUE", "data"],
    [() => tm.importCatalogue({}, { format: "csv" }), "INVALID_ARGUMENT", "options.format"],
    [() => tm.importCatalogue({}, {}), "INVALID_ARGUMENT", "options.format"],
    [() => tm.importCatalogue({}), "INVALID_ARGUMENT", "options.format"],
    [() => tm.importCatalogue({}, { format: 5 }), "INVALID_ARGUMENT", "options.format"],
    [() => tm.importCatalogue({}, { format: "litellm", prefer: "mine" }), "INVALID_ARGUMENT", "options.prefer"],
    [() => tm.importCatalogue({}, { format: "litellm", frmat: "x" }), "INVALID_ARGUMENT", "options"],
    [() => tm.importCatalogue({}, { format: "litellm", catalogue: {} }), "INVALID_ARGUMENT", "options.catalogue"],
    [() => tm.importCatalogue(10n, { format: "litellm" }), "INVALID_ARGUMENT", "data"],
    [() => new tm.Catalogue().import({}, { format: "litellm", catalogue: null }), "INVALID_ARGUMENT", "options"],
  ];
  const cyclic = {};
  cyclic.self = cyclic;
  cases.push([() => tm.importCatalogue(cyclic, { format: "litellm" }), "INVALID_ARGUMENT", "data"]);
  for (const [fn, code, field] of cases) {
    const e = expectError(fn, code, field);
    assert.doesNotMatch(e.message, /panicked|unwrap|\.rs:|RuntimeError|unreachable/);
  }
  const freed = new tm.Catalogue();
  freed.free();
  expectError(() => tm.importCatalogue({}, { format: "litellm", catalogue: freed }), "INVALID_ARGUMENT", "options.catalogue");
  // Its own methods throw the coded error of a freed object (js/freed.js).
  const e = expectError(() => freed.import({}, { format: "litellm" }), "INVALID_ARGUMENT", null);
  assert.match(e.message, /^Catalogue\.import: this Catalogue was freed/);
  // The module still answers, and nothing was imported into the default.
  assert.equal(tm.listModels().length, new tm.Catalogue().listModels().length);
  assert.equal(tm.countTokens("hello world"), 2);
});

test("tokenmeter/o200k leaves the price-map readers out and says where they are", () => {
  const map = fixture("litellm");
  for (const call of [() => small.importCatalogue(map, { format: "litellm" }), () => new small.Catalogue().import(map, { format: "litellm" })]) {
    const e = expectError(call, "FEATURE_NOT_BUNDLED", "options.format");
    assert.match(e.message, /tokenmeter or tokenmeter\/all or tokenmeter\/html$/);
  }
  // The same map reads in the default entry.
  const c = new tm.Catalogue();
  assert.ok(c.import(map, { format: "litellm" }).added.length > 0);
});
