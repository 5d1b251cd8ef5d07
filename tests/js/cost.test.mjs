// The catalogue and cost engine through the packed package. Expected costs
// are computed from list prices written here (with their source), never read
// back from the catalogue under test; promises.test.mjs pins a model of every
// provider.
//
// Issue 28: "the catalogue is listed, dated and sourced" checked >= 40 models;
// it now checks data/models.json's own models and the README's count.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tm from "tokenmeter";
import * as o200k from "tokenmeter/o200k";

test("the catalogue is listed, dated and sourced", () => {
  const models = tm.listModels();
  // As many as data/models.json holds (every object with an id and prices),
  // and as the README says ("The catalogue is `data/models.json`: N models").
  const file = JSON.parse(readFileSync(new URL("../../data/models.json", import.meta.url), "utf8"));
  const inFile = [];
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      if (typeof v.id === "string" && v.prices && typeof v.prices === "object") inFile.push(v.id);
      else Object.values(v).forEach(walk);
    }
  };
  walk(file);
  assert.deepEqual(models.map((m) => m.id).sort(), inFile.sort());
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const claimed = /The catalogue is `data\/models\.json`: (\d+) models/.exec(readme);
  assert.ok(claimed, "the README states the catalogue's size");
  assert.equal(models.length, Number(claimed[1]));
  for (const p of tm.listProviders()) {
    assert.match(p.asOf, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(p.source, /^https:\/\//);
  }
  const m = tm.getModel("gpt-4o");
  assert.equal(m.tokenizer.encoding, "o200k_base");
  // openai.com/api/pricing and platform.openai.com/docs/models/gpt-4o: 128K window, $2.50 input.
  assert.deepEqual([m.contextWindow, m.prices.input, m.prices.output], [128_000, 2.5, 10]);
  assert.throws(() => tm.getModel("gpt-4oo"), (e) => e.code === "UNKNOWN_MODEL" && /gpt-4o/.test(e.message));
});

test("worked examples: cache reads and writes, batch, long-context tier", () => {
  const pricing = {
    input: 3, output: 15, cachedInput: 0.3, cacheWrite5m: 3.75, cacheWrite1h: 6, batchInput: 1.5, batchOutput: 7.5,
    tiers: [{ aboveInputTokens: 200000, input: 6, output: 22.5 }],
  };
  const c = tm.estimateCost(
    { model: "any", inputTokens: 10_000, cachedInputTokens: 8_000, cacheWriteTokens: 1_000, outputTokens: 500 },
    { pricing },
  );
  assert.equal(c.input, 0.003);
  assert.equal(c.cachedInput, 0.0024);
  assert.equal(c.cacheWrite, 0.00375);
  assert.equal(c.output, 0.0075);
  assert.equal(c.total, 0.01665);
  const batch = tm.estimateCost({ model: "any", inputTokens: 10_000, outputTokens: 500, batch: true }, { pricing });
  assert.equal(batch.total, 0.0375 / 2);
  const long = tm.estimateCost({ model: "any", inputTokens: 300_000, outputTokens: 1_000 }, { pricing });
  assert.equal(long.tierAboveInputTokens, 200000);
  assert.equal(long.input, 1.8);
});

test("text and messages are counted with the model's tokenizer", () => {
  const messages = [{ role: "user", content: "How many tokens is this?" }];
  const c = tm.estimateCost({ model: "gpt-4o", messages, outputTokens: 10 });
  assert.equal(c.inputTokens, tm.countChatTokens(messages, { model: "gpt-4o" }));
  const t = tm.estimateCost({ model: "gpt-4o-mini", text: "hello world", outputTokens: 0 });
  assert.equal(t.inputTokens, 2);
});

test("usageFromResponse feeds estimateCost and the ledger", () => {
  const u = tm.usageFromResponse({
    type: "message", model: "claude-sonnet-4-20250514",
    usage: { input_tokens: 50, cache_creation_input_tokens: 1000, cache_read_input_tokens: 8000, output_tokens: 200 },
  });
  assert.equal(u.inputTokens, 9050);
  const c = tm.estimateCost(u);
  // Claude Sonnet 4: $3 input, $0.30 cache reads, $3.75 5-minute writes, $15
  // output per 1M tokens (docs.anthropic.com/en/docs/about-claude/pricing):
  //   50 x 3 + 8,000 x 0.30 + 1,000 x 3.75 + 200 x 15 = 150 + 2,400 + 3,750 + 3,000 = $9,300 per 1M = $0.0093.
  assert.deepEqual([c.input, c.cachedInput, c.cacheWrite, c.output, c.total], [0.00015, 0.0024, 0.00375, 0.003, 0.0093]);
});

test("projections, comparisons and routing", () => {
  const w = { model: "gpt-4o-mini", dailyUsers: 1000, messagesPerUser: 5, inputTokens: 2000, outputTokens: 300 };
  const p = tm.projectCost(w);
  // gpt-4o-mini at $0.15 in, $0.60 out per 1M tokens (openai.com/api/pricing):
  //   2,000 x 0.15 + 300 x 0.60 = $480 per 1M requests = $0.00048 a request;
  //   1,000 users x 5 x 30 days = 150,000 requests: $72, $0.072 a user.
  assert.equal(p.requests, 150_000);
  assert.deepEqual([p.total, p.perUser, p.perRequest], [72, 0.072, 0.00048]);
  // Half the requests answered from the app's cache: $36.
  assert.equal(tm.projectCost({ ...w, appCacheHitRate: 0.5 }).total, 36);
  const cmp = tm.compareModels({ ...w, inputTokens: 150_000 }, { baseline: "gpt-4o" });
  const totals = cmp.models.map((x) => x.total);
  assert.deepEqual(totals, [...totals].sort((a, b) => a - b));
  // Llama 3.2 1B on Workers AI has a 60,000-token window.
  assert.ok(cmp.skipped.some((s) => s.model === "@cf/meta/llama-3.2-1b-instruct"), "a 60k-window model cannot take 150k tokens");
  // Retired models are not in the default list at all.
  const listed = new Set([...cmp.models.map((m) => m.model), ...cmp.skipped.map((s) => s.model)]);
  assert.ok(!listed.has("gpt-3.5-turbo") && listed.has("gpt-4o"));
  const s = tm.suggestModel("Hi! What's the capital of France?");
  assert.equal(s.complexity, "simple");
  const hard = tm.suggestModel("Analyze this stack trace step by step and debug the root cause:\n```\nfn main() {\n  let x = 1;\n}\n```");
  assert.equal(hard.complexity, "complex");
  assert.ok(tm.getModel(hard.model).prices.output >= tm.getModel(s.model).prices.output);
});

test("bad cost input names the field", () => {
  const cases = [
    [() => tm.estimateCost({ model: "gpt-4o", inputTokens: -1 }), "inputTokens"],
    [() => tm.estimateCost({ model: "gpt-4o", inputTokens: 1.5 }), "inputTokens"],
    [() => tm.estimateCost({ model: "gpt-4o", inputTokens: "10" }), "inputTokens"],
    [() => tm.estimateCost({ model: "gpt-4o", inputTokens: Infinity }), "inputTokens"],
    [() => tm.estimateCost({ model: "gpt-4o", inputTokens: 2 ** 53 }), "inputTokens"],
    [() => tm.estimateCost({ model: "gpt-4o", inputTokens: 10, cachedInputTokens: 11 }), "cachedInputTokens"],
    [() => tm.estimateCost({ model: "gpt-4o", inputTokens: 10, outputTokens: 1, reasoningTokens: 2 }), "reasoningTokens"],
    [() => tm.projectCost({ model: "gpt-4o", requestsPerDay: 10, inputTokens: 1, outputTokens: 1, appCacheHitRate: 2 }), "appCacheHitRate"],
  ];
  for (const [fn, field] of cases) {
    assert.throws(fn, (e) => e.code === "INVALID_ARGUMENT" && e.field === field, field);
  }
  const before = tm.listModels().length;
  assert.throws(() => tm.registerModels([{ id: "a", contextWindow: 10, maxOutputTokens: 5, prices: { input: 1, output: 1 } }, { id: "b" }]),
    (e) => e.code === "INVALID_CATALOGUE");
  assert.equal(tm.listModels().length, before);
  assert.throws(() => tm.registerModels([{ id: "c", contextWindow: 10, maxOutputTokens: 5, prices: { input: 1, output: 1 }, constructor: {} }]),
    (e) => e.code === "INVALID_CATALOGUE");
  assert.deepEqual(tm.registerModels([{ id: "my-model", contextWindow: 1000, maxOutputTokens: 100, prices: { input: 1, output: 2 } }]), ["my-model"]);
  assert.equal(tm.estimateCost({ model: "my-model", inputTokens: 1e6, outputTokens: 1e6 }).total, 3);
  tm.resetModels();
  assert.equal(tm.listModels().length, before);
});

test("compareModels' default list works from every entry: models it cannot count are skipped", () => {
  const w = { model: "gpt-4o", requestsPerDay: 10, text: "Summarise this contract in three bullet points.", outputTokens: 100 };
  // Llama 3.3 on Workers AI is estimated with cl100k_base (the llama3 profile).
  const llama = "@cf/meta/llama-3.3-70b-instruct-fp8-fast";
  assert.equal(tm.tokenizerInfo(llama).encoding, "cl100k_base");
  const cmp = o200k.compareModels(w);
  const skipped = cmp.skipped.find((s) => s.model === llama);
  assert.ok(skipped, `${llama} (cl100k_base) is skipped from tokenmeter/o200k`);
  assert.match(skipped.reason, /cl100k_base/);
  assert.match(skipped.reason, /import it from tokenmeter\b/);
  assert.ok(cmp.models.some((m) => m.model === "gpt-4o"));
  assert.ok(!cmp.models.some((m) => m.model === llama));
  // The default entry carries cl100k_base: the model is compared there.
  assert.ok(tm.compareModels(w).models.some((m) => m.model === llama));
  // Asked for by name, it is an error, as counting with it is (docs/api.md).
  assert.throws(() => o200k.compareModels(w, { models: ["gpt-4o", llama] }),
    (e) => e.code === "ENCODING_NOT_BUNDLED" && e.field === "options.models[1]" && e.message.startsWith("options.models[1]: "));
});

test("compareModels: no saving against a baseline the workload does not fit", () => {
  const w = { model: "gpt-4o", requestsPerDay: 1, inputTokens: 150_000, outputTokens: 500 };
  const cmp = tm.compareModels(w, { models: ["gpt-4o", "gpt-5", "gpt-4"] });
  assert.equal(cmp.baseline, "gpt-4o");
  assert.ok(cmp.skipped.some((s) => s.model === "gpt-4o"));
  const gpt5 = cmp.models.find((m) => m.model === "gpt-5");
  assert.deepEqual([gpt5.savingVsBaseline, gpt5.savingPercent], [null, null]);
  // A baseline that fits but is not among the models still gives both.
  const fits = tm.compareModels({ ...w, inputTokens: 1000 }, { models: ["gpt-5"] });
  const base = tm.projectCost({ ...w, inputTokens: 1000 }).total;
  const saving = fits.models[0].savingVsBaseline;
  assert.ok(Math.abs(saving - (base - fits.models[0].total)) < 1e-9);
  assert.ok(Math.abs(fits.models[0].savingPercent - (saving / base) * 100) < 1e-9);
});
