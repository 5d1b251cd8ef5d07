// The JS API's readers of JSON-shaped arguments (src/wasm/read/): an
// estimateCost request, what BudgetLedger.record is given, a workload. Each
// bad field is an INVALID_ARGUMENT naming it, at the top of the request or
// under the argument that carries it. These were Rust tests of the core
// until the readers moved into the binding (issue 22: JSON only at the
// binding).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tm from "tokenmeter";

const fieldOf = (f) => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof Error);
    assert.equal(e.code, "INVALID_ARGUMENT", e.message);
    assert.ok(e.message.startsWith(`${e.field}: `), e.message);
    return e.field;
  }
  assert.fail("did not throw");
};

test("a bad field of an estimateCost request is named", () => {
  const cases = [
    [{ model: "gpt-4o", inputTokens: -1, outputTokens: 1 }, "inputTokens"],
    [{ model: "gpt-4o", inputTokens: 1.5, outputTokens: 1 }, "inputTokens"],
    [{ model: "gpt-4o", inputTokens: "\u0000NaN", outputTokens: 1 }, "inputTokens"],
    [{ model: "gpt-4o", inputTokens: 10, cachedInputTokens: 8, cacheWriteTokens: 3 }, "cachedInputTokens"],
    [{ model: "gpt-4o", inputTokens: 10, outputTokens: 1, reasoningTokens: 2 }, "reasoningTokens"],
    [{ model: "gpt-4o", inputTokens: 10, cacheWriteTtl: "2x" }, "cacheWriteTtl"],
    [{ inputTokens: 10 }, "model"],
    [{ model: "gpt-4o", inputTokens: 10, inputTokenz: 3 }, "inputTokenz"],
    [{ model: "gpt-4o", inputTokens: 10, text: "hi" }, "inputTokens"],
    [{ model: "gpt-4o" }, "inputTokens"],
  ];
  for (const [request, field] of cases) assert.equal(fieldOf(() => tm.estimateCost(request)), field, JSON.stringify(request));
  // A string where a number belongs is a string, whatever it starts with.
  assert.throws(() => tm.estimateCost({ model: "gpt-4o", inputTokens: "\u0000NaN" }), /got a string$/);
});

test("text and messages counted for a request: the same paths at the top and under usage", () => {
  const cases = [
    [{ model: "gpt-4o", messages: [{ role: "user", content: 5 }] }, "messages[0].content"],
    [{ model: "gpt-4o", messages: [], tools: [{ name: 5 }] }, "tools[0].name"],
    [{ model: "gpt-4o", text: 5 }, "text"],
  ];
  const ledger = new tm.BudgetLedger();
  for (const [request, field] of cases) {
    assert.equal(fieldOf(() => tm.estimateCost(request)), field);
    assert.equal(fieldOf(() => ledger.record("k", request)), `usage.${field}`);
  }
  ledger.free();
  // Counted, the request costs what its tokens cost.
  const counted = tm.estimateCost({ model: "gpt-4o", text: "hello world", outputTokens: 0 }, { at: "2026-12-07" });
  assert.equal(counted.inputTokens, 2);
});

test("a bad field of a workload is named", () => {
  const base = { model: "gpt-4o", requestsPerDay: 10, inputTokens: 100, outputTokens: 10 };
  const cases = [
    [{ ...base, requestsPerDay: -1 }, "requestsPerDay"],
    [{ ...base, dailyUsers: 5 }, "requestsPerDay"],
    [{ model: "gpt-4o", dailyUsers: 5, inputTokens: 1, outputTokens: 1 }, "messagesPerUser"],
    [{ ...base, days: 0 }, "days"],
    [{ ...base, days: 1.5 }, "days"],
    [{ ...base, outputTokens: undefined }, "outputTokens"],
    [{ ...base, reasoningTokens: 11 }, "reasoningTokens"],
    [{ ...base, cachedPrefixTokens: 101 }, "cachedPrefixTokens"],
    [{ ...base, appCacheHitRate: 1.5 }, "appCacheHitRate"],
    [{ ...base, cacheWriteTtl: 5 }, "cacheWriteTtl"],
    [{ ...base, embeddingModel: 5 }, "embeddingModel"],
    [{ ...base, serviceTier: 2 }, "serviceTier"],
    [{ ...base, serviceTier: "ultrafast" }, "serviceTier"],
    [{ ...base, text: "x" }, "inputTokens"],
    [{ ...base, colour: "red" }, "colour"],
    [{ model: "gpt-4o", requestsPerDay: 1, outputTokens: 1, messages: [{ role: "user", content: 5 }] }, "messages[0].content"],
  ];
  for (const [w, field] of cases) assert.equal(fieldOf(() => tm.projectCost(w)), field, JSON.stringify(w));
  // Text is counted for each model of a comparison with its own tokenizer.
  const text = "Привет, как дела? Это тест.".repeat(20);
  const cmp = tm.compareModels({ model: "gpt-4o", requestsPerDay: 1, text, outputTokens: 10 }, { models: ["gpt-4o", "gpt-4-turbo"], at: "2026-01-01" });
  const inputs = Object.fromEntries(cmp.models.map((m) => [m.model, m.inputTokens]));
  assert.equal(inputs["gpt-4o"], tm.countTokens(text, { model: "gpt-4o" }));
  assert.equal(inputs["gpt-4-turbo"], tm.countTokens(text, { model: "gpt-4-turbo" }));
  assert.notEqual(inputs["gpt-4o"], inputs["gpt-4-turbo"]);
});
