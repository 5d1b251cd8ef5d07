// Trimming, chunking, pre-flight checks, cache keys and the ledger through
// the packed package.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tm from "tokenmeter";

function history(n) {
  const messages = [{ role: "system", content: "You are a careful assistant." }];
  for (let i = 0; i < n; i++) {
    messages.push({ role: i % 2 ? "assistant" : "user", content: `Turn ${i}: ${"some words about the topic ".repeat(1 + (i % 7))}` });
  }
  return messages;
}

test("trimMessages fits exactly and keeps its promises", () => {
  const messages = history(200);
  const full = tm.countChatTokens(messages, { model: "gpt-4o" });
  for (const window of [full, full - 1, 2000, 500]) {
    const r = tm.trimMessages(messages, { model: "gpt-4o", maxContextTokens: window, reserveOutputTokens: 100 });
    assert.ok(r.fits);
    assert.equal(r.inputTokens, tm.countChatTokens(r.messages, { model: "gpt-4o" }));
    assert.ok(r.inputTokens + 100 <= window, `${r.inputTokens} + 100 > ${window}`);
    assert.equal(r.messages[0].role, "system");
    assert.deepEqual(r.messages.at(-1), messages.at(-1));
    if (window >= full + 100) assert.deepEqual(r.dropped, []);
  }
  const exact = tm.trimMessages(messages, { model: "gpt-4o", maxContextTokens: full + 100, reserveOutputTokens: 100 });
  assert.deepEqual(exact.dropped, []);
  const oneShort = tm.trimMessages(messages, { model: "gpt-4o", maxContextTokens: full + 99, reserveOutputTokens: 100 });
  assert.ok(oneShort.dropped.length >= 1);
  assert.throws(
    () => tm.trimMessages(messages, { model: "gpt-4o", maxContextTokens: 20, onOverflow: "error" }),
    (e) => e.code === "CONTEXT_OVERFLOW",
  );
  assert.throws(() => tm.trimMessages(messages, { model: "gpt-4o", maxContextTokens: 100, reserveOutputTokens: 101 }),
    (e) => e.code === "INVALID_ARGUMENT" && e.field === "options.reserveOutputTokens");
  assert.throws(() => tm.trimMessages("x", { model: "gpt-4o" }), (e) => e.code === "INVALID_ARGUMENT" && e.field === "messages");
  assert.throws(() => tm.trimMessages([{ role: "tool", tool_call_id: "x", content: "1" }], { model: "gpt-4o" }),
    (e) => e.code === "INVALID_ARGUMENT");
});

test("trimMessages hands back the kept messages themselves", () => {
  const messages = history(30);
  // Keys the API ignores, with values JSON cannot carry.
  messages[1].score = NaN;
  messages[1].at = new Date(0);
  messages[1].meta = undefined;
  const r = tm.trimMessages(messages, { model: "gpt-4o", maxContextTokens: 100000 });
  assert.equal(r.dropped.length, 0);
  r.messages.forEach((m, i) => assert.equal(m, messages[i]));
  const cut = tm.trimMessages(messages, { model: "gpt-4o", maxContextTokens: 400 });
  assert.ok(cut.dropped.length > 0);
  assert.ok(cut.messages.includes(messages[0]) && cut.messages.includes(messages[30]));
  assert.equal(cut.messages.filter((m) => !messages.includes(m)).length, cut.truncated.length);
});

const say = (role, i) => ({ role, content: `message ${i} is from ${role}` });
const dialogue = (roles) => roles.map((r, i) => say({ s: "system", u: "user", a: "assistant" }[r], i));
const count = (messages) => tm.countChatTokens(messages, { model: "gpt-4o" });

// Where the conversation resumes with a reply whose question was dropped:
// the first kept message after a dropped one, system messages aside, when it
// is not a user message and comes before the last user message.
function strandedReply(messages, dropped) {
  const lastUser = messages.findLastIndex((m) => m.role === "user");
  const gone = new Set(dropped);
  for (const d of dropped) {
    let k = d + 1;
    while (k < messages.length && (gone.has(k) || messages[k].role === "system" || messages[k].role === "developer")) k++;
    if (k < lastUser && messages[k].role !== "user") return k;
  }
  return -1;
}

test("trimMessages drops whole turns, so the conversation resumes at a user message", () => {
  // [system, u1, a1, u2, a2, u3]: dropping u1 alone would open with a1.
  const messages = dialogue(["s", "u", "a", "u", "a", "u"]);
  const full = count(messages);
  for (const strategy of ["drop-oldest", "drop-middle"]) {
    const r = tm.trimMessages(messages, { model: "gpt-4o", maxContextTokens: full - 1, strategy });
    assert.deepEqual(r.dropped, [1, 2], strategy);
    assert.deepEqual(r.messages, [messages[0], messages[3], messages[4], messages[5]]);
    for (let window = 1; window <= full; window++) {
      const w = tm.trimMessages(messages, { model: "gpt-4o", maxContextTokens: window, strategy });
      assert.ok([[], [1, 2], [1, 2, 3, 4]].some((d) => JSON.stringify(d) === JSON.stringify(w.dropped)), `${strategy} ${window}`);
    }
  }
  // Drop-middle: the far side of the gap is a question.
  const longer = dialogue(["s", "u", "a", "u", "a", "u", "a", "u"]);
  const r = tm.trimMessages(longer, { model: "gpt-4o", maxContextTokens: count(longer) - 1, strategy: "drop-middle" });
  assert.deepEqual(r.dropped, [3, 4]);
  assert.equal(strandedReply(longer, r.dropped), -1);
});

test("trimMessages keeps a tool call with a result given in a later turn", () => {
  const call = { role: "assistant", content: null, tool_calls: [{ id: "build", type: "function", function: { name: "build", arguments: "{}" } }] };
  const result = { role: "tool", tool_call_id: "build", content: "build passed" };
  const messages = [
    { role: "system", content: "You answer with tools." },
    { role: "user", content: "Start the build." }, call,
    { role: "user", content: "Is it done yet?" }, result,
    { role: "assistant", content: "Yes, it passed." },
    { role: "user", content: "Then deploy it." },
  ];
  for (const strategy of ["drop-oldest", "drop-middle"]) {
    const r = tm.trimMessages(messages, { model: "gpt-4o", maxContextTokens: count(messages) - 1, strategy });
    assert.deepEqual(r.dropped, [1, 2, 3, 4, 5], strategy);
  }
  // The result after the last question goes with the turn that made the call.
  const after = messages.slice(0, 6);
  const r = tm.trimMessages(after, { model: "gpt-4o", maxContextTokens: count(after) - 1 });
  assert.deepEqual(r.dropped, [1, 2, 4]);
  assert.deepEqual(r.messages, [after[0], after[3], after[5]]);
});

test("trimMessages never strands a reply before the last question, over random histories", () => {
  let seed = 7;
  const next = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  let exercised = 0;
  for (let round = 0; round < 300; round++) {
    const messages = [];
    const pending = [];
    let calls = 0;
    if (next(3) > 0) messages.push({ role: "system", content: "Be brief." });
    const size = 1 + next(25);
    while (messages.length < size) {
      if (pending.length > 0 && next(5) === 0) {
        messages.push({ role: "tool", tool_call_id: pending.splice(next(pending.length), 1)[0], content: "a result" });
        continue;
      }
      const kind = next(10);
      const words = "word ".repeat(1 + next(20));
      if (kind === 0) messages.push({ role: next(2) ? "system" : "developer", content: words });
      else if (kind < 5) messages.push({ role: "user", content: words });
      else if (kind < 8) messages.push({ role: "assistant", content: words });
      else {
        const ids = Array.from({ length: 1 + next(2) }, () => `call_${++calls}`);
        messages.push({ role: "assistant", content: null, tool_calls: ids.map((id) => ({ id, type: "function", function: { name: "f", arguments: "{}" } })) });
        for (const id of ids) {
          if (next(4) === 0) pending.push(id);
          else messages.push({ role: "tool", tool_call_id: id, content: words });
        }
      }
    }
    const options = {
      model: "gpt-4o",
      maxContextTokens: 1 + next(count(messages) + 20),
      strategy: next(2) ? "drop-middle" : "drop-oldest",
      keepSystem: next(5) > 0,
      keepLastUser: next(5) > 0,
    };
    const r = tm.trimMessages(messages, options);
    assert.equal(strandedReply(messages, r.dropped), -1, JSON.stringify({ messages, options, dropped: r.dropped }));
    const lastUser = messages.findLastIndex((m) => m.role === "user");
    if (r.dropped.some((d) => messages.some((m, k) => k > d && k < lastUser && !r.dropped.includes(k)))) exercised++;
  }
  assert.ok(exercised > 20, `${exercised}`);
});

test("trimMessages' truncated messages are copies of the objects passed, with only their text changed", () => {
  const at = new Date(0);
  const image = { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "low" }, at };
  const long = "some words about the topic ".repeat(400);
  const messages = [
    { role: "system", content: "You are a careful assistant." },
    { role: "user", content: long, score: NaN, weight: -Infinity, at, meta: undefined, nested: { limit: Infinity } },
    { role: "assistant", content: "ok" },
    { role: "user", content: [{ type: "text", text: long, weight: Infinity }, image], score: NaN },
  ];
  const r = tm.trimMessages(messages, { model: "gpt-4o", maxContextTokens: 300, strategy: "drop-middle", keepLastUser: true });
  assert.ok(r.fits && r.truncated.includes(3), JSON.stringify(r.truncated));
  const cut = r.messages.at(-1);
  assert.notEqual(cut, messages[3]);
  assert.ok(Number.isNaN(cut.score), `score: ${cut.score}`);
  assert.equal(cut.content[0].weight, Infinity);
  assert.ok(cut.content[0].text.length < long.length);
  assert.equal(cut.content[1], image, "a part without text is the object passed");
  assert.equal(messages[3].content[0].text, long, "the message passed is unchanged");
  assert.equal(r.inputTokens, tm.countChatTokens(r.messages, { model: "gpt-4o" }));
  // Content as a string, and every key JSON cannot carry.
  const one = tm.trimMessages(messages.slice(0, 2), { model: "gpt-4o", maxContextTokens: 200 });
  assert.ok(one.truncated.includes(1), JSON.stringify(one.truncated));
  const m = one.messages.at(-1);
  assert.ok(Number.isNaN(m.score) && m.weight === -Infinity && m.at === at && m.nested === messages[1].nested);
  assert.ok("meta" in m && m.meta === undefined);
  assert.ok(m.content.length < long.length && messages[1].content === long);
});

test("truncateText, selectChunks and splitByTokens are exact", () => {
  const text = "日本語のテキスト👨‍👩‍👧とe\u0301の混在。".repeat(50);
  for (const max of [0, 1, 5, 20, 100]) {
    for (const keep of ["start", "end", "middle"]) {
      const out = tm.truncateText(text, max, { model: "gpt-4o", keep });
      assert.ok(tm.countTokens(out, { model: "gpt-4o" }) <= max, `${keep} ${max}`);
      assert.ok(!out.includes("\ufffd"));
    }
  }
  const chunks = ["alpha ".repeat(50), "beta ".repeat(400), "gamma ".repeat(30)];
  const sel = tm.selectChunks(chunks, { model: "gpt-4o", budget: 150, separator: "\n\n", mode: "skip-oversize" });
  assert.deepEqual(sel.indices, [0, 2]);
  assert.equal(sel.tokens, tm.countTokens(chunks[0] + "\n\n" + chunks[2], { model: "gpt-4o" }));
  const parts = tm.splitByTokens("First sentence here. ".repeat(300), { model: "gpt-4o", chunkTokens: 100 });
  assert.ok(parts.length > 1);
  for (const p of parts) assert.ok(tm.countTokens(p, { model: "gpt-4o" }) <= 100);
  assert.equal(parts.join(""), "First sentence here. ".repeat(300));
});

test("truncateText, selectChunks and splitByTokens take model or encoding, as countTokens", () => {
  const text = "The quick brown fox jumps over the lazy dog. ".repeat(40);
  // Neither: o200k_base, as countTokens.
  assert.equal(tm.truncateText("short text", 1), tm.truncateText("short text", 1, { encoding: "o200k_base" }));
  assert.equal(tm.truncateText("x", 1, { encoding: "o200k_base" }), "x");
  for (const options of [undefined, { encoding: "o200k_base" }, { encoding: "cl100k_base" }, { model: "gpt-4" }]) {
    const count = (t) => tm.countTokens(t, options);
    const cut = tm.truncateText(text, 30, options && { ...options, keep: "end" });
    assert.ok(count(cut) <= 30 && count(cut) >= 25, `${JSON.stringify(options)}: ${count(cut)}`);
    const sel = tm.selectChunks(["alpha ".repeat(50), "beta ".repeat(400), "gamma ".repeat(30)], { ...options, budget: 150, mode: "skip-oversize" });
    assert.deepEqual(sel.indices, [0, 2]);
    const parts = tm.splitByTokens(text, { ...options, chunkTokens: 100 });
    assert.equal(parts.join(""), text);
    for (const p of parts) assert.ok(count(p) <= 100);
  }
  // cl100k and o200k differ on this text, so the encoding is really used.
  const words = "naïve façade coöperate résumé ".repeat(20);
  assert.notEqual(tm.countTokens(words, { encoding: "cl100k_base" }), tm.countTokens(words));
  assert.deepEqual(
    tm.splitByTokens(words, { encoding: "cl100k_base", chunkTokens: 40 }),
    tm.splitByTokens(words, { model: "gpt-4", chunkTokens: 40 }),
  );
  // A chunk smaller than one token of an estimate names the model.
  assert.throws(() => tm.splitByTokens("text", { model: "claude-sonnet-4", chunkTokens: 1 }),
    (e) => e.code === "INVALID_ARGUMENT" && e.field === "options.chunkTokens" && /too small for claude-sonnet-4, whose estimate/.test(e.message));
  // Both given and disagreeing: countTokens' error, field and message.
  const both = { model: "gpt-4o", encoding: "cl100k_base" };
  let want;
  try { tm.countTokens("x", both); } catch (e) { want = e; }
  for (const call of [() => tm.truncateText("x", 1, both), () => tm.selectChunks(["x"], { ...both, budget: 1 }), () => tm.splitByTokens("x", { ...both, chunkTokens: 1 })]) {
    assert.throws(call, (e) => e.code === want.code && e.field === want.field && e.message === want.message);
  }
});

test("preflight and requestCacheKey", () => {
  const request = { model: "gpt-4o", messages: history(4), max_tokens: 500, temperature: 0 };
  const p = tm.preflight(request, { budget: { limitUsd: 10, spentUsd: 0 } });
  assert.equal(p.ok, true);
  assert.equal(p.inputTokens, tm.countChatTokens(request.messages, { model: "gpt-4o" }));
  const cost = tm.estimateCost({ model: "gpt-4o", inputTokens: p.inputTokens, outputTokens: 500 });
  assert.equal(p.cost.max, cost.total);
  const broke = tm.preflight(request, { budget: { limitUsd: p.cost.max - 1e-9, spentUsd: 0 } });
  assert.deepEqual(broke.problems.map((x) => x.code), ["BUDGET_EXCEEDED"]);
  const over = tm.preflight({ ...request, max_tokens: 10_000_000 });
  assert.ok(over.problems.some((x) => x.code === "OUTPUT_EXCEEDS_MODEL_MAX"));
  assert.ok(over.problems.some((x) => x.code === "CONTEXT_OVERFLOW"));
  const key = tm.requestCacheKey(request);
  assert.match(key, /^[0-9a-f]{64}$/);
  const reordered = { temperature: 0, max_tokens: 500, messages: request.messages, model: "gpt-4o", stream: true };
  assert.equal(tm.requestCacheKey(reordered), key);
  assert.equal(tm.requestCacheKey({ ...request, temperature: 0.7 }), null);
  assert.match(tm.requestCacheKey({ ...request, temperature: 0.7 }, { force: true }), /^[0-9a-f]{64}$/);
});

test("requestCacheKey refuses NaN and Infinity at their path instead of hashing them, where it hashes", () => {
  const request = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }], temperature: 0 };
  for (const [bad, name] of [[NaN, "NaN"], [Infinity, "Infinity"], [-Infinity, "-Infinity"]]) {
    for (const [call, field] of [
      [() => tm.requestCacheKey({ ...request, top_p: bad }), "request.top_p"],
      [() => tm.requestCacheKey({ ...request, messages: [{ ...request.messages[0], score: bad }] }), "request.messages[0].score"],
      [() => tm.requestCacheKey({ ...request, temperature: bad }), "request.temperature"],
    ]) {
      assert.throws(call, (e) => e.name === "TokenmeterError" && e.code === "INVALID_ARGUMENT" && e.field === field &&
        e.message === `${field}: must be a finite number, got ${name}`, `${field} = ${name}`);
    }
    // Fields the key leaves out change nothing, NaN or not.
    const key = tm.requestCacheKey(request);
    assert.equal(tm.requestCacheKey({ ...request, metadata: { score: bad }, stream: bad }), key);
  }
});

test("BudgetLedger across a UTC midnight, and its JSON", () => {
  const ledger = new tm.BudgetLedger({ perKeyDailyUsd: 1, alertAt: 0.5 });
  const lateNight = Date.UTC(2026, 10, 22, 23, 59, 0);
  const pricing = { input: 1, output: 0 };
  const r1 = ledger.record("alice", { model: "x", inputTokens: 600_000, outputTokens: 0 }, { now: lateNight, pricing, feature: "chat" });
  assert.equal(r1.costUsd, 0.6);
  assert.equal(r1.check.alert, "warning");
  const r2 = ledger.record("alice", { model: "x", inputTokens: 400_000, outputTokens: 0 }, { now: lateNight, pricing });
  assert.deepEqual([r2.check.allowed, r2.check.alert, r2.check.remainingUsd], [false, "exceeded", 0]);
  const morning = ledger.check("alice", { now: lateNight + 120_000 });
  assert.deepEqual([morning.allowed, morning.day, morning.spentUsd], [true, "2026-11-23", 0]);
  const copy = tm.BudgetLedger.fromJSON(ledger.toJSON());
  assert.deepEqual(copy.report(), ledger.report());
  assert.equal(copy.report().byFeature.find((f) => f.name === "chat").costUsd, 0.6);
  for (const bad of ["{", "[]", JSON.stringify({ ...ledger.toJSON(), version: 3 }), JSON.stringify(ledger.toJSON()).replace("{", '{"__proto__":{"x":1},')]) {
    assert.throws(() => tm.BudgetLedger.fromJSON(bad), (e) => e.code === "INVALID_LEDGER" || e.code === "INVALID_ARGUMENT", bad);
  }
  assert.throws(() => new tm.BudgetLedger({ perKeyDailyUsd: -1 }), (e) => e.code === "INVALID_ARGUMENT");
  assert.throws(() => ledger.record("", { model: "gpt-4o", inputTokens: 1 }), (e) => e.field === "key");
  ledger.free();
  copy.free();
});
