// Promises the docs make (the README's, before it was cut to an overview;
// now in docs/api.md, docs/accuracy.md and docs/catalogue.md) that no test
// checked before (issue 28), each against a
// reference that does not come from the code under test: prices read from
// the providers' pricing pages (via the copies named in each row), image
// token figures from OpenAI's vision guide, projections computed by hand from
// explicit prices, a cache key hashed here with Node's crypto over a
// canonical JSON written out by hand.
//
// The promises, and the test that now checks each:
// - prices of every provider (OpenAI, Anthropic, Google, Together, Mistral,
//   DeepSeek) and an embedding model, with cache reads, cache writes (5 min
//   and 1 h), batch and the long-context tier, against the providers' pages
//   ("pinned prices: ...")
// - image rules per model family, above all which models take gpt-4o-mini's
//   rules ("images: ...")
// - projectCost: cached prefix, the cadence of cache writes (default a write
//   every TTL, and cacheWritesPerDay), batchShare, embeddingModel with
//   embeddingTokensPerRequest, appCacheHitRate, dailyUsers x messagesPerUser,
//   days ("projectCost: ...")
// - tool definitions: nested object properties one level at a time with the
//   same constants ("tools: nested ...")
// - assistant tool_calls: each call's id, name and arguments plus 3 tokens
//   ("tool_calls: ...")
// - the ledger's retention (62 days by default, retentionDays) and
//   keyLimitsUsd ("ledger: ...")
// - registerModels is all or nothing, also when the batch would replace a
//   catalogue model ("registerModels: ...")
// - requestCacheKey: the SHA-256 of the canonical JSON, and stream, user,
//   metadata, store and service_tier left out ("requestCacheKey: ...")
// - the cookbook's figures docs/accuracy.md quotes: 129/124 and 101/105
//   ("chat: the cookbook's figures ...")
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as tm from "tokenmeter";

// ---- pinned prices ------------------------------------------------------------
//
// USD per 1M tokens. Each row names the provider's pricing page and the copy
// read for this test (stored copies reached through the search tool; the
// date is that copy's). genai-prices is pydantic/genai-prices,
// prices/providers/<provider>.yml at commit 47df840 (2026-08-21), whose rows
// carry the date their prices were checked against the provider's page.
const PINNED = [
  {
    model: "gpt-4o", input: 2.5, output: 10, cachedInput: 1.25, batchInput: 1.25, batchOutput: 5,
    source: "https://openai.com/api/pricing/ (developers.openai.com/api/docs/pricing)",
    copy: "genai-prices openai.yml gpt-4o, prices_checked 2025-07-04 (2.5 / cache read 1.25 / 10); batch 1.25/5 from chatgptpricing-akr.pages.dev/api-pricing, a copy of the same page (2026)",
  },
  {
    model: "claude-sonnet-4-5", input: 3, output: 15, cachedInput: 0.3, cacheWrite5m: 3.75, cacheWrite1h: 6, batchInput: 1.5, batchOutput: 7.5,
    tier: { above: 200_000, input: 6, output: 22.5 },
    source: "https://www.anthropic.com/pricing#api (docs.anthropic.com/en/docs/about-claude/pricing)",
    copy: "genai-prices anthropic.yml claude-sonnet-4-5, prices_checked 2026-07-29 (3 / 0.30 / 3.75 / 1h 6 / 15; above 200K 6 and 22.50); batch 1.50/7.50 from docs.anthropic.com's pricing page copy (Sonnet 4 row, same tier)",
  },
  {
    model: "gemini-2.5-pro", input: 1.25, output: 10, cachedInput: 0.125,
    tier: { above: 200_000, input: 2.5, output: 15 },
    source: "https://ai.google.dev/gemini-api/docs/pricing#gemini-2.5-pro",
    copy: "genai-prices google.yml gemini-2.5-pro, prices_checked 2025-10-31 (1.25 / 0.125 / 10; above 200K 2.5 / 0.25 / 15); deploybase.ai/articles/gemini-api-pricing (2026-01-08, 'Google's official pricing page, March 2026')",
  },
  {
    model: "meta-llama/llama-3.3-70b-instruct-turbo", input: 0.88, output: 0.88,
    source: "https://www.together.ai/pricing",
    copy: "genai-prices together.yml meta-llama/Llama-3.3-70B-Instruct-Turbo, prices_checked 2025-07-03 (0.88 / 0.88)",
  },
  {
    model: "codestral-2508", input: 0.3, output: 0.9, cachedInput: 0.03,
    source: "https://mistral.ai/pricing#api-pricing",
    copy: "genai-prices mistral.yml codestral-2508, prices_checked 2026-06-09 (0.3 / 0.03 / 0.9); developer.puter.com/tutorials/mistral-api-pricing (June 2026: Codestral $0.3 / $0.9)",
  },
  {
    // V3.2's list, in force from 2025-09-29 until V4 Flash took over the name
    // on 2026-04-24: priced at a day inside it.
    model: "deepseek-chat", at: "2026-03-01", input: 0.28, output: 0.42, cachedInput: 0.028,
    source: "https://api-docs.deepseek.com/quick_start/pricing",
    copy: "benchlm.ai/blog/posts/deepseek-api-pricing (2026-04-13, from the official page: deepseek-chat V3.2, cache hit $0.028, miss $0.28, output $0.42). The stored copy of the official page itself predates V3.2 (V3.1: $0.07 / $0.56 / $1.68 from 2025-09-05)",
  },
  {
    model: "text-embedding-3-small", input: 0.02, output: 0,
    source: "https://openai.com/api/pricing/",
    copy: "genai-prices openai.yml text-embedding-3-small, prices_checked 2025-07-04 (0.02)",
  },
];

/** Equal to the pico-dollar (the expected side is computed here in floating point). */
function near(actual, expected, what) {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual}, expected ${expected}`);
}

test("pinned prices: each kind of token costs the provider's list price, for one model of every provider", () => {
  const providers = new Set(PINNED.map((row) => tm.getModel(row.model).provider));
  assert.deepEqual([...providers].sort(), ["anthropic", "deepseek", "google", "mistral", "openai", "together"]);
  // 100K tokens of a kind cost a tenth of its price per 1M, below every
  // long-context threshold.
  const N = 100_000;
  for (const row of PINNED) {
    const cost = (usage) => tm.estimateCost({ model: row.model, ...usage }, { at: row.at ?? "2026-12-07" });
    const why = (kind) => `${row.model} ${kind} (${row.source}; ${row.copy})`;
    const plain = cost({ inputTokens: N, outputTokens: N });
    near(plain.input, row.input / 10, why("input"));
    near(plain.output, row.output / 10, why("output"));
    near(plain.total, (row.input + row.output) / 10, why("total"));
    // All read from the cache: the cache-read price where the provider has
    // one, the input price where it has none.
    near(cost({ inputTokens: N, cachedInputTokens: N }).cachedInput, (row.cachedInput ?? row.input) / 10, why("cached input"));
    if (row.cacheWrite5m !== undefined) {
      near(cost({ inputTokens: N, cacheWriteTokens: N }).cacheWrite, row.cacheWrite5m / 10, why("5 min cache write"));
      near(cost({ inputTokens: N, cacheWriteTokens: N, cacheWriteTtl: "1h" }).cacheWrite, row.cacheWrite1h / 10, why("1 h cache write"));
    }
    if (row.batchInput !== undefined) {
      const batch = cost({ inputTokens: N, outputTokens: N, batch: true });
      near(batch.input, row.batchInput / 10, why("batch input"));
      near(batch.output, row.batchOutput / 10, why("batch output"));
    }
    if (row.tier) {
      // Past the threshold, the tier prices the whole request.
      const long = cost({ inputTokens: 3 * N, outputTokens: N });
      assert.equal(long.tierAboveInputTokens, row.tier.above);
      near(long.input, (3 * row.tier.input) / 10, why("tier input"));
      near(long.output, row.tier.output / 10, why("tier output"));
      // At the threshold exactly, not yet.
      assert.equal(cost({ inputTokens: row.tier.above, outputTokens: 0 }).tierAboveInputTokens, null);
    }
  }
});

test("pinned prices: worked examples, by hand", () => {
  // claude-sonnet-4-5, 100K input of which 40K cache reads and 10K 5-minute
  // cache writes, 20K output:
  //   50K x $3/1M = 0.15; 40K x $0.30 = 0.012; 10K x $3.75 = 0.0375; 20K x $15 = 0.3; total 0.4995.
  const usage = { model: "claude-sonnet-4-5", inputTokens: 100_000, cachedInputTokens: 40_000, cacheWriteTokens: 10_000, outputTokens: 20_000 };
  const c = tm.estimateCost(usage);
  assert.deepEqual([c.input, c.cachedInput, c.cacheWrite, c.output, c.total], [0.15, 0.012, 0.0375, 0.3, 0.4995]);
  // The same with 1-hour writes: 10K x $6 = 0.06; total 0.522.
  assert.equal(tm.estimateCost({ ...usage, cacheWriteTtl: "1h" }).total, 0.522);
  // gpt-4o, 1M input of which 500K cached, 100K output, 20K of it reasoning:
  //   500K x $2.50 = 1.25; 500K x $1.25 = 0.625; 100K x $10 = 1; total 2.875 (reasoning is in the output).
  const g = tm.estimateCost({ model: "gpt-4o", inputTokens: 1_000_000, cachedInputTokens: 500_000, outputTokens: 100_000, reasoningTokens: 20_000 });
  assert.deepEqual([g.input, g.cachedInput, g.output, g.total], [1.25, 0.625, 1, 2.875]);
  // gemini-2.5-pro at 300K input (past 200K), 10K output: 300K x $2.50 = 0.75; 10K x $15 = 0.15; total 0.9.
  assert.equal(tm.estimateCost({ model: "gemini-2.5-pro", inputTokens: 300_000, outputTokens: 10_000 }).total, 0.9);
  // claude-sonnet-4-5 at 300K input, 10K output: 300K x $6 = 1.8; 10K x $22.50 = 0.225; total 2.025.
  assert.equal(tm.estimateCost({ model: "claude-sonnet-4-5", inputTokens: 300_000, outputTokens: 10_000 }).total, 2.025);
  // deepseek-chat on 2026-03-01 (V3.2's list), 2M input, 1M output: 2 x $0.28 + $0.42 = 0.98.
  assert.equal(tm.estimateCost({ model: "deepseek-chat", inputTokens: 2_000_000, outputTokens: 1_000_000 }, { at: "2026-03-01" }).total, 0.98);
  // Llama 3.3 70B on Together, 500K in, 250K out: 0.44 + 0.22 = 0.66.
  assert.equal(tm.estimateCost({ model: "meta-llama/llama-3.3-70b-instruct-turbo", inputTokens: 500_000, outputTokens: 250_000 }).total, 0.66);
  // Codestral, 1M in of which all cached, 100K out: $0.03 + $0.09 = 0.12.
  assert.equal(tm.estimateCost({ model: "codestral-2508", inputTokens: 1_000_000, cachedInputTokens: 1_000_000, outputTokens: 100_000 }).total, 0.12);
});

// ---- images ---------------------------------------------------------------------
//
// OpenAI, "Images and vision", Calculating costs:
// https://platform.openai.com/docs/guides/images-vision#calculating-costs
// (data/vision.json's source). Copies read: the guide's worked examples as
// quoted at v2ex.com/amp/t/1044688 (1024 x 1024 high: 765; 2048 x 4096 high:
// 1105; low: 85), a64.in/tools/openai-vision-cost-calculator.html (2026; the
// patch examples: 1024 x 1024 -> 1024 patches, 1800 x 2400 -> 1452; 4.1-mini
// x1.62, 4.1-nano x2.46), and API measurements at
// community.openai.com/t/.../1262691 (2025: a 128 x 64 image with a short
// text billed gpt-4o-mini-2024-07-18 2845 tokens at low and 8512 at high
// detail, gpt-4o 97 and 267: 2833 and 2833 + 5667 against 85 and 85 + 170,
// each plus the same 12 text tokens; o3 86 and 236: 75 and 75 + 150, plus 11).
//
// Tiles (high detail): fit in 2048 x 2048, shortest side to 768, count the
// 512 px tiles; base + tile x tiles. Low detail: base. Patches: 32 px patches
// (at most 1536, scaling down), times the model's multiplier, rounded up.
const TILES_1024 = 4; // 1024 x 1024 -> 768 x 768 -> 2 x 2 tiles
const TILES_2048x4096 = 6; // -> 1024 x 2048 -> 768 x 1536 -> 2 x 3 tiles
const IMAGES = [
  // [model, width, height, detail, tokens, how]
  ["gpt-4o", 1024, 1024, "high", 765, "85 + 170 x 4"],
  ["gpt-4o", 2048, 4096, "high", 1105, "85 + 170 x 6"],
  ["gpt-4o", 4096, 8192, "low", 85, "85"],
  ["gpt-4o-2024-08-06", 1024, 1024, "high", 765, "a gpt-4o snapshot: gpt-4o's rules"],
  ["chatgpt-4o-latest", 1024, 1024, "high", 765, "85 + 170 x 4"],
  ["gpt-4.1", 1024, 1024, "high", 765, "tiles, as gpt-4o"],
  // gpt-4o-mini bills an image ~33 times gpt-4o's tokens, at a price ~17 times lower.
  ["gpt-4o-mini", 1024, 1024, "high", 25501, "2833 + 5667 x 4"],
  ["gpt-4o-mini", 2048, 4096, "high", 36835, "2833 + 5667 x 6"],
  ["gpt-4o-mini", 4096, 8192, "low", 2833, "2833"],
  ["gpt-4o-mini-2024-07-18", 1024, 1024, "high", 25501, "its snapshot: the same rules"],
  ["gpt-5", 1024, 1024, "high", 630, "70 + 140 x 4"],
  ["gpt-5", 512, 512, "low", 70, "70"],
  ["o3", 1024, 1024, "high", 675, "75 + 150 x 4"],
  ["o3", 1024, 1024, "low", 75, "75"],
  ["gpt-4.1-mini", 1024, 1024, "high", 1659, "1024 patches x 1.62 = 1658.88"],
  ["gpt-4.1-mini", 1800, 2400, "high", 2353, "1452 patches x 1.62 = 2352.24"],
  ["gpt-4.1-nano", 1024, 1024, "high", 2520, "1024 x 2.46 = 2519.04"],
  ["gpt-5-mini", 1024, 1024, "high", 1659, "1024 x 1.62"],
  ["gpt-5-nano", 1024, 1024, "low", 2520, "patches ignore detail: 1024 x 2.46"],
  ["o4-mini", 1024, 1024, "high", 1762, "1024 x 1.72 = 1761.28"],
];

/** The tokens one image adds to a one-message chat (3 + "user" + 3 around it). */
function imageTokens(model, width, height, detail) {
  const messages = [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png", detail, width, height } }] }];
  return tm.countChatTokens(messages, { model }) - 3 - tm.countTokens("user", { model }) - 3;
}

test("images: each model family's rules, and which models take gpt-4o-mini's", () => {
  assert.equal(TILES_1024 * 170 + 85, 765);
  assert.equal(TILES_2048x4096 * 170 + 85, 1105);
  for (const [model, width, height, detail, tokens, how] of IMAGES) {
    assert.equal(imageTokens(model, width, height, detail), tokens, `${model} ${width}x${height} ${detail}: ${how}`);
  }
  // The ~33x under-count it would be, were gpt-4o-mini given gpt-4o's rules.
  assert.equal(Math.round(imageTokens("gpt-4o-mini", 1024, 1024, "high") / imageTokens("gpt-4o", 1024, 1024, "high")), 33);
  // Without a size, an image counts as the most a high-detail image can cost:
  // 2048 x 768 after scaling is 4 x 2 tiles.
  assert.equal(imageTokens("gpt-4o", undefined, undefined, "high"), 85 + 170 * 8);
});

// ---- projectCost ------------------------------------------------------------------
//
// Explicit prices (a model the catalogue does not know), so that the cases
// do not depend on it: $2 input, $8 output, $0.50 cache reads, $2.50 5-minute
// and $4 1-hour cache writes, batch $1 / $4, all per 1M tokens.
// A request: 2,000 input tokens, 500 output.
//   2,000 x $2/1M = $0.004 input; 500 x $8/1M = $0.004 output; $0.008 a request.
const PRICING = { input: 2, output: 8, cachedInput: 0.5, cacheWrite5m: 2.5, cacheWrite1h: 4, batchInput: 1, batchOutput: 4 };
const BASE = { model: "my-app-model", requestsPerDay: 1000, inputTokens: 2000, outputTokens: 500, pricing: PRICING };

test("projectCost: requests per day, days, dailyUsers x messagesPerUser", () => {
  // 1,000 requests a day for 30 days (the default) at $0.008: $240; $8 a day.
  const p = tm.projectCost(BASE);
  assert.deepEqual([p.days, p.requests, p.requestsToModel, p.total, p.perDay, p.perRequest, p.perUser], [30, 30_000, 30_000, 240, 8, 0.008, null]);
  assert.deepEqual(p.llm, { input: 120, cachedInput: 0, cacheWrite: 0, output: 120, total: 240 });
  // 7 days: $56.
  assert.equal(tm.projectCost({ ...BASE, days: 7 }).total, 56);
  // 200 users x 5 messages = 1,000 requests a day: $240, $1.20 a user.
  const { requestsPerDay, ...perUser } = BASE;
  const u = tm.projectCost({ ...perUser, dailyUsers: 200, messagesPerUser: 5 });
  assert.deepEqual([u.total, u.perUser, u.requests], [240, 1.2, 30_000]);
});

test("projectCost: appCacheHitRate answers a share of the requests without the model", () => {
  // 25% answered from the app's cache: 750 model requests a day x $0.008 x 30 = $180;
  // per request, over all 30,000: $0.006.
  const p = tm.projectCost({ ...BASE, appCacheHitRate: 0.25 });
  assert.deepEqual([p.total, p.requests, p.requestsToModel, p.perRequest], [180, 30_000, 22_500, 0.006]);
});

test("projectCost: a cached prefix, written once every TTL by default, or cacheWritesPerDay times", () => {
  // 1,500 of the 2,000 input tokens are a cached prefix. Every request pays
  // 500 uncached tokens ($0.001) and the output ($0.004).
  // 5-minute TTL: a write every 5 minutes is 24 x 60 / 5 = 288 writes a day;
  //   a write: 1,500 x $2.50/1M = $0.00375; the other 712 requests read it:
  //   1,500 x $0.50/1M = $0.00075.
  //   A month: input 1,000 x 0.001 x 30 = 30; reads 712 x 0.00075 x 30 = 16.02;
  //   writes 288 x 0.00375 x 30 = 32.4; output 1,000 x 0.004 x 30 = 120; total 198.42.
  let p = tm.projectCost({ ...BASE, cachedPrefixTokens: 1500 });
  assert.deepEqual(p.llm, { input: 30, cachedInput: 16.02, cacheWrite: 32.4, output: 120, total: 198.42 });
  assert.equal(tm.projectCost({ ...BASE, cachedPrefixTokens: 1500, cacheWriteTtl: "5m" }).total, 198.42);
  // 1-hour TTL: 24 writes a day at 1,500 x $4/1M = $0.006; 976 reads.
  //   writes 24 x 0.006 x 30 = 4.32; reads 976 x 0.00075 x 30 = 21.96; total 30 + 21.96 + 4.32 + 120 = 176.28.
  p = tm.projectCost({ ...BASE, cachedPrefixTokens: 1500, cacheWriteTtl: "1h" });
  assert.deepEqual(p.llm, { input: 30, cachedInput: 21.96, cacheWrite: 4.32, output: 120, total: 176.28 });
  // cacheWritesPerDay: 10 (5 minutes): writes 10 x 0.00375 x 30 = 1.125;
  //   reads 990 x 0.00075 x 30 = 22.275; total 30 + 22.275 + 1.125 + 120 = 173.4.
  p = tm.projectCost({ ...BASE, cachedPrefixTokens: 1500, cacheWritesPerDay: 10 });
  assert.deepEqual(p.llm, { input: 30, cachedInput: 22.275, cacheWrite: 1.125, output: 120, total: 173.4 });
  // More writes a day than requests: every request writes, none reads.
  //   1,000 x (0.001 + 0.00375 + 0.004) x 30 = 262.5.
  assert.equal(tm.projectCost({ ...BASE, cachedPrefixTokens: 1500, cacheWritesPerDay: 5000 }).total, 262.5);
});

test("projectCost: batchShare sends a share of the requests at batch prices", () => {
  // 40% batch: 400 requests at 2,000 x $1/1M + 500 x $4/1M = $0.004; 600 at $0.008.
  //   input (600 x 0.004 + 400 x 0.002) x 30 = 96; output likewise 96; total 192.
  const p = tm.projectCost({ ...BASE, batchShare: 0.4 });
  assert.deepEqual(p.llm, { input: 96, cachedInput: 0, cacheWrite: 0, output: 96, total: 192 });
  assert.equal(tm.projectCost({ ...BASE, batchShare: 1 }).total, 120);
});

test("projectCost: embeddingModel embeds every request, app-cache hits included", () => {
  // An embedding model registered with an explicit price ($0.10 per 1M), so
  // that the case does not depend on the catalogue.
  tm.registerModels([{ id: "my-embedder", kind: "embedding", contextWindow: 8191, maxOutputTokens: 1, prices: { input: 0.1, output: 0 } }]);
  try {
    // 300 tokens a request x $0.10/1M = $0.00003, for all 30,000 requests = $0.90,
    // although 25% of them never reach the model ($180, above).
    const p = tm.projectCost({ ...BASE, appCacheHitRate: 0.25, embeddingModel: "my-embedder", embeddingTokensPerRequest: 300 });
    assert.deepEqual([p.llm.total, p.embeddings, p.total], [180, 0.9, 180.9]);
  } finally {
    tm.resetModels();
  }
  assert.throws(() => tm.getModel("my-embedder"), (e) => e.code === "UNKNOWN_MODEL");
});

// ---- tools and tool calls ----------------------------------------------------------

const o200k = (s) => tm.countTokens(s, { encoding: "o200k_base" });
const cl100k = (s) => tm.countTokens(s, { encoding: "cl100k_base" });

test("tools: nested object properties are counted one level at a time with the notebook's constants", () => {
  const tool = {
    type: "function",
    function: {
      name: "book_trip",
      description: "Book a trip.",
      parameters: {
        type: "object",
        properties: {
          city: { type: "string", description: "Where to." },
          dates: {
            type: "object",
            description: "When.",
            properties: { from: { type: "string" }, to: { type: "string", enum: ["sat", "sun"] } },
          },
        },
      },
    },
  };
  // OpenAI cookbook, "How to count tokens with tiktoken", num_tokens_for_tools:
  // func_init 7 (o200k) or 10 (cl100k), prop_init 3, prop_key 3, enum_init -3,
  // enum_item 3, func_end 12; a description loses its final period.
  const expected = (count, funcInit) => funcInit
    + count("book_trip:Book a trip")
    + 3 // the properties block
    + 3 + count("city:string:Where to")
    + 3 + count("dates:object:When")
    + 3 // the nested block, one level down
    + 3 + count("from:string:")
    + 3 - 3 + 3 + count("sat") + 3 + count("sun") + count("to:string:")
    + 12;
  const messages = [{ role: "user", content: "Book me a trip." }];
  for (const [model, count, funcInit] of [["gpt-4o", o200k, 7], ["gpt-4", cl100k, 10]]) {
    const added = tm.countChatTokens(messages, { model, tools: [tool] }) - tm.countChatTokens(messages, { model });
    assert.equal(added, expected(count, funcInit), model);
  }
  // Without the nested block the count is lower by exactly that block.
  const flat = structuredClone(tool);
  delete flat.function.parameters.properties.dates.properties;
  const nested = tm.countChatTokens(messages, { model: "gpt-4o", tools: [tool] }) - tm.countChatTokens(messages, { model: "gpt-4o", tools: [flat] });
  assert.equal(nested, 3 + (3 + o200k("from:string:")) + (3 - 3 + 3 + o200k("sat") + 3 + o200k("sun") + o200k("to:string:")));
});

test("tool_calls: each call's id, name and arguments plus 3 tokens; a tool message's values as the cookbook counts them", () => {
  const messages = [
    { role: "user", content: "Weather in Paris and Rome?" },
    {
      role: "assistant",
      content: null,
      tool_calls: [
        { id: "call_1", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" } },
        { id: "call_2", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Rome\"}" } },
      ],
    },
    { role: "tool", tool_call_id: "call_1", content: "18C" },
    { role: "tool", tool_call_id: "call_2", content: "24C" },
  ];
  const call = (id, name, args) => o200k(id) + o200k(name) + o200k(args) + 3;
  const expected = 3 + o200k("user") + o200k("Weather in Paris and Rome?")
    + 3 + o200k("assistant") + call("call_1", "get_weather", "{\"city\":\"Paris\"}") + call("call_2", "get_weather", "{\"city\":\"Rome\"}")
    + 3 + o200k("tool") + o200k("call_1") + o200k("18C")
    + 3 + o200k("tool") + o200k("call_2") + o200k("24C")
    + 3; // priming the reply
  assert.equal(tm.countChatTokens(messages, { model: "gpt-4o" }), expected);
});

test("chat: the cookbook's figures docs/accuracy.md quotes (129 and 124; 101 and 105)", () => {
  // docs/accuracy.md, "Chat messages". The messages are the cookbook's; the figures are the
  // ones the notebook reports from the API.
  const cookbook = [
    { role: "system", content: "You are a helpful, pattern-following assistant that translates corporate jargon into plain English." },
    { role: "system", name: "example_user", content: "New synergies will help drive top-line growth." },
    { role: "system", name: "example_assistant", content: "Things working well together will increase revenue." },
    { role: "system", name: "example_user", content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage." },
    { role: "system", name: "example_assistant", content: "Let's talk later when we're less busy about how to do better." },
    { role: "user", content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
  ];
  assert.equal(tm.countChatTokens(cookbook, { model: "gpt-4" }), 129);
  assert.equal(tm.countChatTokens(cookbook, { model: "gpt-4o" }), 124);
  const weather = [{
    type: "function",
    function: {
      name: "get_current_weather",
      description: "Get the current weather in a given location",
      parameters: {
        type: "object",
        properties: {
          location: { type: "string", description: "The city and state, e.g. San Francisco, CA" },
          unit: { type: "string", description: "The unit of temperature to return", enum: ["celsius", "fahrenheit"] },
        },
        required: ["location"],
      },
    },
  }];
  const ask = [
    { role: "system", content: "You are a helpful assistant that can answer to questions about the weather." },
    { role: "user", content: "What's the weather like in San Francisco?" },
  ];
  assert.equal(tm.countChatTokens(ask, { model: "gpt-4o", tools: weather }), 101);
  assert.equal(tm.countChatTokens(ask, { model: "gpt-4", tools: weather }), 105);
});

// ---- the ledger ---------------------------------------------------------------------

const DAY = 86_400_000;
const JAN1 = Date.UTC(2030, 0, 1);
const ONE_DOLLAR = { model: "my-ledger-model", inputTokens: 1_000_000, outputTokens: 0 };
const AT_ONE = { pricing: { input: 1, output: 1 } }; // $1 per 1M tokens: each record costs $1

test("ledger: it keeps 62 days by default, retentionDays otherwise, counted back from the newest day", () => {
  const ledger = new tm.BudgetLedger({ perKeyDailyUsd: 100 });
  for (const day of [0, 1, 2, 63]) ledger.record("u", ONE_DOLLAR, { ...AT_ONE, now: JAN1 + day * DAY });
  // Day 63 is 2030-03-05; 62 days back to it are days 2 to 63: days 0 and 1 are gone.
  assert.deepEqual(ledger.report().byDay.map((d) => [d.name, d.costUsd]), [["2030-01-03", 1], ["2030-03-05", 1]]);
  assert.equal(ledger.report().totalUsd, 2);
  assert.equal(ledger.toJSON().config.retentionDays, 62);
  ledger.free();
  const short = new tm.BudgetLedger({ perKeyDailyUsd: 100, retentionDays: 3 });
  for (let day = 0; day < 5; day++) short.record("u", ONE_DOLLAR, { ...AT_ONE, now: JAN1 + day * DAY });
  assert.deepEqual(short.report().byDay.map((d) => d.name), ["2030-01-03", "2030-01-04", "2030-01-05"]);
  // What is dropped stays dropped through toJSON and fromJSON.
  const back = tm.BudgetLedger.fromJSON(short.toJSON());
  assert.deepEqual(back.report(), short.report());
  short.free();
  back.free();
});

test("ledger: keyLimitsUsd gives a key its own daily limit; the others keep perKeyDailyUsd", () => {
  const ledger = new tm.BudgetLedger({ perKeyDailyUsd: 1, keyLimitsUsd: { vip: 5 }, alertAt: 0.8 });
  const now = JAN1 + 12 * 3_600_000;
  for (let i = 0; i < 4; i++) ledger.record("vip", ONE_DOLLAR, { ...AT_ONE, now });
  ledger.record("u", ONE_DOLLAR, { ...AT_ONE, now });
  ledger.record("u", ONE_DOLLAR, { ...AT_ONE, now });
  // vip: $4 of $5 spent, at the 80% alert; u: $2 of $1, refused.
  // (With no reservation open, reserved is 0; the pico-dollar strings are the same amounts exactly.)
  const pico = (usd) => (usd === null ? null : String(BigInt(usd) * 1_000_000_000_000n));
  const check = (allowed, spent, remaining, limit, alert) => ({
    allowed, day: "2030-01-01", spentUsd: spent, reservedUsd: 0, remainingUsd: remaining, limitUsd: limit, alert,
    spentPicoUsd: pico(spent), reservedPicoUsd: "0", remainingPicoUsd: pico(remaining), limitPicoUsd: pico(limit),
  });
  assert.deepEqual(ledger.check("vip", { now }), check(true, 4, 1, 5, "warning"));
  assert.deepEqual(ledger.check("u", { now }), check(false, 2, 0, 1, "exceeded"));
  assert.equal(ledger.check("someone-else", { now }).limitUsd, 1);
  // A new UTC day, a new budget.
  assert.deepEqual(ledger.check("u", { now: JAN1 + DAY }).spentUsd, 0);
  ledger.free();
});

// ---- the catalogue -------------------------------------------------------------------

test("registerModels: a failed batch that would replace a catalogue model changes nothing", () => {
  const before = tm.getModel("gpt-4o");
  const listed = tm.listModels();
  const replacement = { id: "gpt-4o", contextWindow: 1000, maxOutputTokens: 100, prices: { input: 99, output: 99 } };
  assert.throws(() => tm.registerModels([replacement, { id: "broken", contextWindow: 10 }]), (e) => e.code === "INVALID_CATALOGUE" && e.field?.startsWith("specs[1]"));
  assert.deepEqual(tm.getModel("gpt-4o"), before);
  assert.deepEqual(tm.listModels(), listed);
  assert.equal(tm.estimateCost({ model: "gpt-4o", inputTokens: 1_000_000 }).total, 2.5);
  // The same replacement alone goes through (add or replace), and resetModels undoes it.
  assert.deepEqual(tm.registerModels([replacement]), ["gpt-4o"]);
  assert.equal(tm.estimateCost({ model: "gpt-4o", inputTokens: 1_000_000 }).total, 99);
  tm.resetModels();
  assert.deepEqual(tm.getModel("gpt-4o"), before);
});

// ---- requestCacheKey ------------------------------------------------------------------

test("requestCacheKey: the SHA-256 of the canonical JSON, computed here without the library", () => {
  const request = {
    temperature: 0,
    model: "gpt-4o",
    messages: [{ role: "user", content: "Say \"hi\" in café style\n", name: "ann" }],
    max_tokens: 100,
    top_p: 1.0,
    tools: [{ type: "function", function: { name: "f", parameters: { type: "object", properties: {} } } }],
    stream: true,
    stream_options: { include_usage: true },
    user: "u-42",
    metadata: { trace: "abc" },
    store: true,
    service_tier: "flex",
  };
  // Written by hand: the fields that change the answer, keys sorted at every
  // level, no whitespace, strings as JSON writes them, 1.0 as 1.
  const canonical = '{"max_tokens":100,"messages":[{"content":"Say \\"hi\\" in café style\\n","name":"ann","role":"user"}],'
    + '"model":"gpt-4o","temperature":0,'
    + '"tools":[{"function":{"name":"f","parameters":{"properties":{},"type":"object"}},"type":"function"}],"top_p":1}';
  const sha256 = createHash("sha256").update(canonical, "utf8").digest("hex");
  assert.equal(tm.requestCacheKey(request), sha256);
  // Pinned as well, so that a change to the canonical form is seen here too.
  assert.equal(sha256, createHash("sha256").update(Buffer.from(canonical, "utf8")).digest("hex"));
  assert.match(sha256, /^[0-9a-f]{64}$/);
});

test("requestCacheKey: stream, user, metadata, store and service_tier are left out; what changes the answer is in", () => {
  const request = { model: "gpt-4o", temperature: 0, messages: [{ role: "user", content: "Hi" }] };
  const key = tm.requestCacheKey(request);
  for (const [field, value] of [["stream", true], ["stream_options", { include_usage: true }], ["user", "u1"], ["metadata", { a: 1 }],
    ["store", true], ["store", false], ["service_tier", "flex"], ["service_tier", "priority"]]) {
    assert.equal(tm.requestCacheKey({ ...request, [field]: value }), key, `${field} is left out`);
  }
  for (const [field, value] of [["max_tokens", 10], ["top_p", 0.5], ["seed", 1], ["model", "gpt-4o-mini"], ["response_format", { type: "json_object" }],
    ["messages", [{ role: "user", content: "Hi!" }]], ["tools", [{ type: "function", function: { name: "f" } }]]]) {
    assert.notEqual(tm.requestCacheKey({ ...request, [field]: value }), key, `${field} changes the answer`);
  }
  // Sampled answers have no key unless forced.
  assert.equal(tm.requestCacheKey({ ...request, temperature: 0.7 }), null);
  assert.equal(tm.requestCacheKey({ ...request, temperature: undefined }), null);
  assert.match(tm.requestCacheKey({ ...request, temperature: 0.7 }, { force: true }), /^[0-9a-f]{64}$/);
});
