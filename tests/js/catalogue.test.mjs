// The catalogue through the package: scoped catalogues, prices at an
// instant, service tiers and cache lifetimes, lifecycles and freshness, and
// the coded errors of each. Expected costs are computed here from the
// providers' published prices (see tests/pricing.rs for the sources).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tm from "tokenmeter";

const spec = (id, input) => ({ id, contextWindow: 100_000, maxOutputTokens: 1_000, prices: { input, output: 1 } });
const threw = (f) => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof Error);
    return [e.code, e.field];
  }
  assert.fail("did not throw");
};

test("two tenants price the same id differently, and neither touches the default", () => {
  const a = new tm.Catalogue();
  const b = new tm.Catalogue();
  assert.deepEqual(a.register([spec("tenant-model", 1)]), ["tenant-model"]);
  b.register([spec("tenant-model", 2)]);
  const cost = (catalogue) => tm.estimateCost({ model: "tenant-model", inputTokens: 1_000_000 }, { catalogue }).total;
  assert.deepEqual([cost(a), cost(b)], [1, 2]);
  assert.throws(() => tm.estimateCost({ model: "tenant-model", inputTokens: 1 }), (e) => e.code === "UNKNOWN_MODEL");
  // Every call that resolves a model takes the catalogue.
  assert.equal(tm.countTokens("hello world", { model: "tenant-model", catalogue: a }), 2 * 1); // o200k x 1 when no tokenizer is given
  assert.equal(tm.getModel("tenant-model", { catalogue: b }).prices.input, 2);
  assert.equal(b.getModel("tenant-model").prices.input, 2);
  assert.equal(tm.tokenizerInfo("tenant-model", { catalogue: a }).exact, false);
  assert.equal(new tm.Tokenizer({ model: "tenant-model", catalogue: a }).count("hello world"), 2);
  const request = { model: "tenant-model", messages: [{ role: "user", content: "hi" }], max_tokens: 10 };
  assert.equal(tm.preflight(request, { catalogue: a }).ok, true);
  assert.equal(tm.preflight(request).ok, false, "the default catalogue does not know it");
  const w = { model: "tenant-model", requestsPerDay: 10, inputTokens: 100, outputTokens: 10 };
  assert.ok(tm.projectCost(w, { catalogue: b }).total > tm.projectCost(w, { catalogue: a }).total);
  const ledger = new tm.BudgetLedger();
  assert.equal(ledger.record("u", { model: "tenant-model", inputTokens: 1_000_000 }, { catalogue: b }).costUsd, 2);
  ledger.free();
  a.free();
  b.free();
  // A freed or forged catalogue is refused, never another tenant's prices.
  assert.deepEqual(threw(() => tm.countTokens("x", { catalogue: a })), ["INVALID_ARGUMENT", "options.catalogue"]);
  assert.deepEqual(threw(() => tm.countTokens("x", { catalogue: { handle: {} } })), ["INVALID_ARGUMENT", "options.catalogue"]);
});

test("registerModels accepts what getModel returns, and is process-wide", () => {
  const m = tm.getModel("gpt-4o");
  // Its dated snapshots name gpt-4o already: a copy under another id drops them.
  assert.deepEqual(tm.registerModels([{ ...m, id: "gpt-4o-copy", name: "copy", snapshots: [] }]), ["gpt-4o-copy"]);
  try {
    assert.deepEqual(tm.getModel("gpt-4o-copy").prices, m.prices);
    const scoped = new tm.Catalogue();
    assert.throws(() => scoped.getModel("gpt-4o-copy"), (e) => e.code === "UNKNOWN_MODEL", "a new Catalogue starts from the bundled data");
    scoped.free();
  } finally {
    tm.resetModels();
  }
  assert.throws(() => tm.getModel("gpt-4o-copy"));
});

test("prices at an instant: a dated change, a retired model's warning, DeepSeek's peak hours", () => {
  const million = { model: "o3", inputTokens: 1_000_000, outputTokens: 1_000_000 };
  // o3 before and after OpenAI's 80% cut of 2025-06-10: $10/$40, then $2/$8.
  assert.equal(tm.estimateCost(million, { at: "2025-06-09T12:00:00Z" }).total, 50);
  assert.equal(tm.estimateCost(million, { at: new Date("2025-06-10T00:00:00Z") }).total, 10);
  assert.equal(tm.estimateCost(million, { at: Date.UTC(2025, 5, 10) }).total, 10);
  const retired = tm.estimateCost({ model: "claude-sonnet-4", inputTokens: 10_000, outputTokens: 1_000 }, { at: "2026-07-01" });
  assert.equal(retired.total, 0.045);
  assert.ok(retired.warnings.some((w) => w.includes("retired on 2026-06-15")), retired.warnings.join("; "));
  assert.equal(tm.getModel("claude-sonnet-4", { at: "2026-06-01" }).status, "active");
  assert.equal(tm.getModel("claude-sonnet-4", { at: "2026-07-01" }).status, "retired");
  // DeepSeek V4.1 Flash: $0.30/$1.20 on weekday peak hours, half otherwise.
  const call = { model: "deepseek-flash", inputTokens: 100_000, outputTokens: 5_000 };
  assert.equal(tm.estimateCost(call, { at: "2026-12-07T08:00:00Z" }).timeWindow, "peak");
  assert.equal(tm.estimateCost(call, { at: "2026-12-07T08:00:00Z" }).total, 0.036);
  assert.equal(tm.estimateCost(call, { at: "2026-12-05T08:00:00Z" }).total, 0.018, "a Saturday is off-peak");
});

test("service tiers and cache lifetimes as each model prices them", () => {
  const call = { model: "gpt-6.1-terra", inputTokens: 100_000, outputTokens: 10_000 };
  assert.deepEqual(
    [undefined, "flex", "priority"].map((serviceTier) => tm.estimateCost({ ...call, serviceTier }, { at: "2026-12-07" }).total),
    [0.15, 0.075, 0.3],
  );
  const written = { model: "gpt-6.2-sol", inputTokens: 250_000, cacheWriteTokens: 200_000, outputTokens: 1_000 };
  assert.equal(tm.estimateCost({ ...written, cacheWriteTtl: "30m" }, { at: "2026-12-07" }).total, 0.61);
  assert.equal(tm.estimateCost({ ...written, cacheWriteTtl: "12h" }, { at: "2026-12-07" }).total, 1.11);
  // The schema v1 inputs still work on the models that price them.
  const anthropic = { model: "claude-haiku-4-5", inputTokens: 10_000, cacheWriteTokens: 10_000, outputTokens: 0 };
  assert.equal(tm.estimateCost({ ...anthropic, cacheWriteTtl: "1h" }, { at: "2026-12-07" }).total, 0.02);
  assert.equal(tm.estimateCost({ ...anthropic, cacheWrite1hTokens: 10_000 }, { at: "2026-12-07" }).total, 0.02);
});

test("an input cap: a 280,000-token prompt does not fit GPT-5's 400,000 window", () => {
  const request = { model: "gpt-5", messages: [{ role: "user", content: " word".repeat(280_000) }], max_completion_tokens: 1_000 };
  const r = tm.preflight(request, { at: "2026-12-07" });
  assert.equal(r.fits, false);
  assert.equal(r.inputLimit, 272_000);
  assert.ok(r.problems.some((p) => p.code === "CONTEXT_OVERFLOW" && p.message.includes("input cap")));
  const trimmed = tm.trimMessages(
    [{ role: "user", content: "old ".repeat(200_000) }, ...request.messages.map((m) => ({ ...m, content: " word".repeat(100_000) }))],
    { model: "gpt-5", reserveOutputTokens: 1_000 },
  );
  assert.ok(trimmed.fits && trimmed.inputTokens <= 272_000, `${trimmed.inputTokens}`);
});

test("retired models are left out of suggestions and default comparisons; freshness per provider", () => {
  const moderate = tm.suggestModel("Summarize this article and write a short description of it for the newsletter. ".repeat(10));
  assert.equal(moderate.complexity, "moderate");
  assert.notEqual(tm.getModel(moderate.model).status, "retired");
  const info = tm.catalogueInfo({ at: "2026-12-07" });
  assert.equal(info.at, "2026-12-07");
  const openai = info.providers.find((p) => p.provider === "openai");
  assert.ok(openai.models.active > 10 && openai.models.retired > 5, JSON.stringify(openai));
  for (const p of info.providers) assert.equal(p.ageDays, Math.round((Date.parse("2026-12-07") - Date.parse(p.asOf)) / 864e5));
});

test("bad input is a coded error naming the field", () => {
  const call = { model: "gpt-6.1-terra", inputTokens: 10 };
  assert.deepEqual(threw(() => tm.estimateCost({ ...call, serviceTier: "turbo" })), ["INVALID_ARGUMENT", "request.serviceTier"]);
  assert.deepEqual(threw(() => tm.estimateCost({ ...call, cacheWriteTokens: 5, cacheWriteTtl: "5m" })), ["INVALID_ARGUMENT", "request.cacheWriteTtl"]);
  assert.deepEqual(threw(() => tm.estimateCost({ ...call, cacheWriteTtl: "forever" })), ["INVALID_ARGUMENT", "cacheWriteTtl"]);
  assert.deepEqual(threw(() => tm.estimateCost(call, { at: "yesterday" })), ["INVALID_ARGUMENT", "options.at"]);
  assert.deepEqual(threw(() => tm.estimateCost(call, { at: new Date(NaN) })), ["INVALID_ARGUMENT", "options.at"]);
  assert.deepEqual(threw(() => tm.projectCost({ model: "gpt-4o", requestsPerDay: 1, inputTokens: 1, outputTokens: 1 }, { at: "2026-02-30" })), ["INVALID_ARGUMENT", "options.at"]);
  assert.deepEqual(threw(() => tm.registerModels([spec("x", -1)])), ["INVALID_CATALOGUE", "specs[0].prices.input"]);
  assert.deepEqual(threw(() => tm.registerModels([{ ...spec("x", 1), prices: { input: "3", output: 1 } }])), ["INVALID_CATALOGUE", "specs[0]"]);
  assert.deepEqual(threw(() => new tm.Catalogue().register([{ ...spec("x", 1), shutdownDate: "soon" }])), ["INVALID_CATALOGUE", "specs[0].shutdownDate"]);
});
