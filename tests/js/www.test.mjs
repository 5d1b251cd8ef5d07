// The calculator page (www/), served as `make serve` serves it (pkg/ copied to
// www/vendor/tokenmeter/), in headless Chromium. Every figure the page shows
// is checked against the package itself, run here in Node. Screenshots (light,
// dark, phone width) go to tests/artifacts/.
//
// Issue 28: "the compression panel ..." skipped its checks when a level saved
// nothing (and when compressPrompt was missing); now every level must save
// on its prompt, and the nothing-to-save case is checked on its own prompt.
// "a 1 MB paste keeps typing responsive" asserted latencies (a median, a
// 600 ms maximum, five busy keys); it now checks the order of events (a key
// handled and drawn while the worker counts) and prints the latencies.
//
// Issues 21 and 22: retired models hidden until "Show retired models" (in the
// picker and the table), a search that matches nothing keeps the last
// result, lifecycle warnings, each provider's "prices as of" with the
// 90-day mark, the lifetimes and service tiers a model prices, the token view
// from encodeWithOffsets, and a price editor that keeps what it does not
// edit. Those tests pin the page's date (#at=2026-12-07) and ask the package
// about the same date, so that the catalogue's dates do not move them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import * as tm from "tokenmeter";
import { metaCsp, startStaticServer } from "../../scripts/static-server.mjs";
import { vendorPackage } from "../../scripts/vendor.mjs";
import { int, usd } from "../../www/views/dom.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const artifacts = `${root}tests/artifacts`;
let server, browser, page, base;
const problems = []; // page errors and CSP reports, from every page

before(async () => {
  assert.ok(existsSync(`${root}pkg/package.json`), "build the package first");
  vendorPackage(root); // as serve.mjs lays out www/vendor/
  mkdirSync(artifacts, { recursive: true });
  // Served with the page's own policy as a header as well, so that it also governs the
  // worker that compiles the wasm ('wasm-unsafe-eval', scripts from 'self' only).
  const csp = metaCsp(readFileSync(`${root}www/index.html`, "utf8"));
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  server = await startStaticServer(`${root}www`, 0, { "content-security-policy": csp });
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await open();
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** A fresh page at `fragment`, once its first comparison is drawn. */
async function open(fragment = "", viewport = { width: 1280, height: 1000 }) {
  const p = await browser.newPage({ viewport });
  p.on("pageerror", (e) => problems.push(e.message));
  p.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  await p.goto(base + fragment);
  await settled(p);
  return p;
}

/** Waits until the newest request's count and comparison are drawn. */
async function settled(p = page) {
  await p.waitForFunction(() => document.getElementById("status").textContent === ""
    && /^\d+ models/.test(document.getElementById("compare-status").textContent), null, { timeout: 20_000 });
}

const text = (selector, p = page) => p.textContent(selector);
/** The chat models the page lists at `at` (default now): in service, or all with the retired ones. */
const chatModels = ({ at, retired = false } = {}) => tm.listModels(at ? { at } : {})
  .filter((m) => m.kind !== "embedding" && (retired || m.status !== "retired")).map((m) => m.id);
const AT = "2026-12-07";

test("typing shows tiktoken's count, and the cost of one call", async () => {
  const typed = "Tokenization is why “tokenization” costs what it costs. 日本語も数えます 😀";
  await page.fill("#prompt", "");
  await page.locator("#prompt").pressSequentially(typed);
  await page.fill("#output", "250");
  await settled();
  const n = tm.countTokens(typed, { model: "gpt-4o" });
  assert.equal(await text("#count"), `${n} tokens`);
  assert.match(await text("#tokenizer"), /o200k_base, exact/);
  const cost = tm.estimateCost({ model: "gpt-4o", inputTokens: n, outputTokens: 250 });
  assert.ok((await text("#cost")).startsWith(`${usd(cost.total)} per call`), await text("#cost"));
  assert.equal(await text("#breakdown tr.total td"), usd(cost.total));
});

test("switching the model changes the count and the cost", async () => {
  const prompt = "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n# 🦀 ünïcödé";
  await page.fill("#prompt", prompt);
  await page.fill("#output", "400");
  // The search box picks the first match.
  await page.fill("#model-search", "sonnet 4.6");
  await settled();
  assert.equal(await page.inputValue("#model"), "claude-sonnet-4-6");
  let n = tm.countTokens(prompt, { model: "claude-sonnet-4-6" });
  assert.equal(await text("#count"), `≈${n} tokens`);
  assert.match(await text("#tokenizer"), /estimate/);
  let cost = tm.estimateCost({ model: "claude-sonnet-4-6", inputTokens: n, outputTokens: 400 });
  assert.ok((await text("#cost")).startsWith(`≈${usd(cost.total)} per call`), await text("#cost"));

  // A retired model (cl100k), listed once the retired ones are shown.
  await page.fill("#model-search", "");
  await page.check("#show-retired");
  await page.selectOption("#model", "gpt-4");
  await settled();
  n = tm.countTokens(prompt, { model: "gpt-4" });
  assert.notEqual(n, tm.countTokens(prompt, { model: "gpt-4o" }), "the texts differ between cl100k and o200k");
  assert.equal(await text("#count"), `${n} tokens`);
  assert.match(await text("#tokenizer"), /cl100k_base, exact/);
  // Hiding the retired models again moves the choice to the model the provider recommends.
  await page.uncheck("#show-retired");
  await settled();
  assert.equal(await page.inputValue("#model"), tm.getModel("gpt-4").replacement);

  // Cached prefix, 1 h writes and batch: the breakdown of a first and a repeated call.
  await page.selectOption("#model", "claude-sonnet-4-6");
  await page.fill("#cached", "10");
  await page.selectOption("#ttl", "1h");
  await page.check("#batch");
  await settled();
  n = tm.countTokens(prompt, { model: "claude-sonnet-4-6" });
  const call = { model: "claude-sonnet-4-6", inputTokens: n, outputTokens: 400, cacheWriteTtl: "1h", batch: true };
  const first = tm.estimateCost({ ...call, cacheWriteTokens: 10 });
  const repeat = tm.estimateCost({ ...call, cachedInputTokens: 10 });
  const cells = await page.$$eval("#breakdown tbody tr", (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.deepEqual(cells, [
    ["Input", `≈${usd(first.input)}`, `≈${usd(repeat.input)}`],
    ["Cached input", `≈${usd(first.cachedInput)}`, `≈${usd(repeat.cachedInput)}`],
    ["Cache writes", `≈${usd(first.cacheWrite)}`, `≈${usd(repeat.cacheWrite)}`],
    ["Output", `≈${usd(first.output)}`, `≈${usd(repeat.output)}`],
    ["Total", `≈${usd(first.total)}`, `≈${usd(repeat.total)}`],
  ]);

  // A whole chat, and a system prompt with a user message, count as chats.
  const messages = [{ role: "system", content: "Be brief." }, { role: "user", content: prompt }];
  await page.fill("#cached", "0");
  await page.check("input[name=mode][value=json]");
  await page.fill("#chat", JSON.stringify(messages));
  await settled();
  assert.equal(await text("#count"), `≈${tm.countChatTokens(messages, { model: "claude-sonnet-4-6" })} tokens`);
  await page.check("input[name=mode][value=chat]");
  await page.fill("#system", "Be brief.");
  await settled();
  assert.equal(await text("#count"), `≈${tm.countChatTokens(messages, { model: "claude-sonnet-4-6" })} tokens`);
  await page.check("input[name=mode][value=json]");
  await page.fill("#chat", "[{\"role\": \"user\", ");
  await page.waitForFunction(() => document.getElementById("count").textContent === "—");
  assert.match(await text("#cost"), /not valid JSON/);
});

test("the month, and the comparison table: complete, right and sorted", async () => {
  page = await open("#prompt=Summarise+this+contract+in+three+bullet+points.&output=300&users=1000&perUser=5&hitRate=20");
  const workload = {
    model: "gpt-4o", text: "Summarise this contract in three bullet points.", outputTokens: 300, dailyUsers: 1000,
    messagesPerUser: 5, appCacheHitRate: 0.2, cachedPrefixTokens: 0, batchShare: 0,
  };
  const { text: prompt, ...settings } = workload;
  const month = tm.projectCost({ ...settings, inputTokens: tm.countTokens(prompt, { model: "gpt-4o" }) });
  const figures = await page.$$eval("#projection dd", (dds) => dds.map((d) => d.textContent));
  assert.equal(figures[0], usd(month.total));
  assert.equal(figures[1], usd(month.perUser));

  const compared = tm.compareModels(workload, { models: chatModels() });
  const rows = await page.$$eval("#compare tbody tr", (trs) => trs.map((tr) => ({ model: tr.dataset.model, cells: [...tr.cells].map((c) => c.textContent) })));
  assert.deepEqual(rows.map((r) => r.model).sort(), chatModels().sort(), "one row per chat model in service");
  const byModel = new Map(compared.models.map((p) => [p.model, p]));
  for (const r of rows) {
    const p = byModel.get(r.model);
    const a = tm.getModel(r.model).tokenizer.exact ? "" : "≈";
    assert.deepEqual(r.cells.slice(1), [`${a}${int(p.inputTokens)}`, `${a}${usd(p.perRequest)}`, `${a}${usd(p.perRequest * 1000)}`, `${a}${usd(p.total)}`, "Yes"], r.model);
  }
  const totals = rows.map((r) => byModel.get(r.model).total);
  assert.deepEqual(totals, [...totals].sort((x, y) => x - y), "cheapest first");
  assert.equal(await page.$$eval("#chart rect", (rs) => rs.length), rows.length);

  // Sorting by another column, both ways.
  await page.click("#compare th[data-key=tokens] button");
  let tokens = await page.$$eval("#compare tbody tr", (trs) => trs.map((tr) => Number(tr.cells[1].textContent.replace(/[≈,]/g, ""))));
  assert.deepEqual(tokens, [...tokens].sort((x, y) => x - y));
  assert.equal(await page.getAttribute("#compare th[data-key=tokens]", "aria-sort"), "ascending");
  await page.click("#compare th[data-key=tokens] button");
  tokens = await page.$$eval("#compare tbody tr", (trs) => trs.map((tr) => Number(tr.cells[1].textContent.replace(/[≈,]/g, ""))));
  assert.deepEqual(tokens, [...tokens].sort((x, y) => y - x));

  // An output the small models cannot give: they are marked, with the package's reason, and last.
  await page.click("#compare th[data-key=month] button");
  await page.fill("#output", "20000");
  await settled();
  const skipped = tm.compareModels({ ...workload, outputTokens: 20000 }, { models: chatModels() }).skipped;
  assert.ok(skipped.length > 0);
  const marked = await page.$$eval("#compare tbody tr.misfit", (trs) => trs.map((tr) => [tr.dataset.model, tr.cells[1].textContent]));
  assert.deepEqual(marked.sort(), skipped.map((s) => [s.model, s.reason]).sort());
  const order = await page.$$eval("#compare tbody tr", (trs) => trs.map((tr) => tr.classList.contains("misfit")));
  assert.deepEqual(order, [...order].sort((x, y) => x - y), "misfits last");
  assert.match(await text("#fit"), /Does not fit: outputs 20000 tokens/);
});

test("the token view, from encodeWithOffsets: a character split across tokens is drawn once", async () => {
  const prompt = "🦀 crab, 🧠 brain, 龘, naïve café — tokenization\n\tindented";
  await page.fill("#output", "100");
  await page.selectOption("#model", "gpt-4o");
  await page.check("input[name=mode][value=text]");
  await page.fill("#prompt", prompt);
  await page.check("#show-tokens");
  await page.waitForFunction((p) => document.getElementById("tokens").textContent === p, prompt);
  await settled();
  const spans = await page.$$eval("#tokens .tok", (s) => s.map((x) => [x.textContent, x.title]));
  const idsOf = (title) => title.replace(/\(.*\)/, "").match(/\d+/g).map(Number);
  // Every character once, in order, and every token once, in order.
  assert.equal(spans.map(([t]) => t).join(""), prompt);
  assert.deepEqual(spans.flatMap(([, title]) => idsOf(title)), [...tm.encode(prompt, { model: "gpt-4o" })]);
  // Each span's tokens decode to its text: no span holds part of a character.
  for (const [t, title] of spans) assert.equal(tm.decode(idsOf(title), { model: "gpt-4o" }), t, title);
  // o200k_base splits each of these characters across tokens: one span carries all of them.
  for (const ch of ["🦀", "🧠", "龘"]) {
    assert.ok(tm.encode(ch, { encoding: "o200k_base" }).length > 1, `${ch} is one token`);
    const holding = spans.filter(([t]) => t.includes(ch));
    assert.equal(holding.length, 1, ch);
    assert.ok(idsOf(holding[0][1]).length > 1 && holding[0][1].includes("split across tokens"), holding[0][1]);
  }

  // A chat: a section per message, with its text as the package reads it (an
  // image part's stray "text" is not part of the message, and is not drawn).
  const messages = [
    { role: "system", content: "Be brief 🦀" },
    { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" }, text: "not read" }, { type: "text", text: "What is this? 🧠" }] },
  ];
  await page.check("input[name=mode][value=json]");
  await page.fill("#chat", JSON.stringify(messages));
  await page.waitForFunction(() => document.querySelectorAll("#tokens .role").length === 2);
  await settled();
  const sections = await page.$$eval("#tokens .role", (labels) => labels.map((l) => [l.textContent, l.nextElementSibling.textContent]));
  assert.deepEqual(sections, [["0: system", "Be brief 🦀"], ["1: user", "What is this? 🧠"]]);
  const drawn = await page.$$eval("#tokens .tok", (s) => s.length);
  const expected = tm.encodeWithOffsets(messages, { model: "gpt-4o" }).messages
    .reduce((n, m) => n + m.tokens.filter((_, i) => m.starts[i] < m.starts[i + 1]).length, 0);
  assert.equal(drawn, expected, "a span per token that holds a character of its own");
  await page.check("input[name=mode][value=text]");
  await page.uncheck("#show-tokens");
});

test("a 1 MB paste keeps typing responsive, and the count is right", async () => {
  const big = "The quick brown fox jumps over the lazy dog. Ünïcödé 日本語 😀 1234567890\n".repeat(15_000);
  assert.ok(big.length > 1_000_000);
  await page.selectOption("#model", "gpt-4o");
  await page.fill("#prompt", "");
  await settled();
  await page.focus("#prompt");
  // A paste: the text lands in the box at once, with one input event.
  const paste = (text) => page.evaluate((t) => {
    const box = document.getElementById("prompt");
    box.value = t;
    box.setSelectionRange(t.length, t.length);
    box.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertFromPaste" }));
  }, text);
  // For each key: whether the worker was counting when the page handled the
  // key, and again when the page drew its next frame. The timings are only
  // printed (speed belongs in the benchmark).
  await page.evaluate(() => {
    window.keys = [];
    document.getElementById("prompt").addEventListener("keydown", (e) => {
      const counting = () => document.getElementById("compare-status").textContent.startsWith("Counting");
      const key = { atKey: counting(), atFrame: null, ms: null };
      window.keys.push(key);
      requestAnimationFrame(() => Object.assign(key, { atFrame: counting(), ms: performance.now() - e.timeStamp }));
    });
  });
  // Order, not time: counting a megabyte for every model takes the worker a
  // while; if it ran on the page's thread, no key could be handled, let alone
  // drawn, between "Counting" appearing and the count ending. A key pressed
  // in that stretch whose frame is drawn while the worker still counts shows
  // that the page stayed responsive. Each round pastes a new megabyte (so
  // there is always a count to type into, however fast counting becomes)
  // and types until the count ends.
  let typed = "";
  let drawnWhileCounting = 0;
  for (let round = 0; round < 5 && drawnWhileCounting === 0; round += 1) {
    await paste(`${big}${typed}${round}`);
    typed += String(round);
    await page.waitForFunction(() => document.getElementById("compare-status").textContent.startsWith("Counting"));
    const from = await page.evaluate(() => window.keys.length);
    for (let i = 0; i < 40; i += 1) {
      await page.keyboard.type("x");
      typed += "x";
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
      const still = await page.evaluate(() => document.getElementById("compare-status").textContent.startsWith("Counting"));
      if (!still) break;
    }
    const keys = (await page.evaluate(() => window.keys)).slice(from);
    drawnWhileCounting += keys.filter((k) => k.atKey && k.atFrame).length;
    console.log(`round ${round}: ${keys.length} keys, ${keys.filter((k) => k.atKey && k.atFrame).length} handled and drawn while the worker counted; keypress to next frame ${keys.map((k) => k.ms?.toFixed(0)).join(", ")} ms`);
  }
  assert.ok(drawnWhileCounting > 0, "no key was handled and drawn while the worker counted the megabyte");
  await settled();
  // The work was done, and done right: the count is the count of everything typed.
  assert.equal(await page.inputValue("#prompt"), `${big}${typed}`);
  assert.equal(await text("#count"), `${int(tm.countTokens(`${big}${typed}`, { model: "gpt-4o" }))} tokens`);
  await page.waitForFunction(() => /too long for a link/.test(document.getElementById("share-status").textContent));
  await page.fill("#prompt", "short again");
  await settled();
});

test("keyboard and screen reader: every control labelled, focus in reading order", async () => {
  const unlabelled = await page.$$eval("input, select, textarea, button", (els) => els
    .filter((e) => !(e.labels?.length > 0 || e.getAttribute("aria-label") || (e.tagName === "BUTTON" && e.textContent.trim())))
    .map((e) => e.id || e.outerHTML.slice(0, 60)));
  assert.deepEqual(unlabelled, []);
  await page.check("input[name=mode][value=text]");
  await page.focus("#theme");
  const order = [];
  for (let i = 0; i < 20; i += 1) {
    order.push(await page.evaluate(() => {
      const e = document.activeElement;
      return e.id || (e.name ? `${e.name}:${e.value}` : e.tagName.toLowerCase());
    }));
    await page.keyboard.press("Tab");
  }
  // The date field is Chromium's: month, day, year and its calendar button.
  // The lifetime select is off for gpt-4o (it prices no cache writes of their own).
  assert.equal(await page.inputValue("#model"), "gpt-4o");
  assert.deepEqual(order, ["theme", "share", "mode:text", "prompt", "model-search", "model", "show-retired",
    "at", "at", "at", "at", "summary", "output", "cached", "tier", "batch", "show-tokens", "users", "per-user", "hit-rate"]);
  // The table sorts from the keyboard.
  await page.focus("#compare th[data-key=name] button");
  await page.keyboard.press("Enter");
  assert.equal(await page.getAttribute("#compare th[data-key=name]", "aria-sort"), "ascending");
  assert.equal(await page.evaluate(() => document.activeElement.closest("th").dataset.key), "name");
  await page.click("#compare th[data-key=month] button");
});

test("the URL holds the state, and a link round-trips", async () => {
  await page.check("input[name=mode][value=chat]");
  await page.fill("#system", "You are terse & exact. 100% #1?");
  await page.fill("#prompt", "Ünïcödé + spaces, a=b&c=d #frag\nsecond line");
  await page.selectOption("#model", "claude-sonnet-4-6");
  await page.check("#show-retired");
  await page.fill("#at", "2026-11-20");
  await page.fill("#output", "777");
  await page.fill("#cached", "3");
  await page.selectOption("#ttl", "1h");
  await page.selectOption("#tier", "us-only");
  await page.check("#batch");
  await page.fill("#users", "250");
  await page.fill("#per-user", "12");
  await page.fill("#hit-rate", "15");
  await page.fill("#trim-window", "90");
  await settled();
  await page.waitForFunction(() => location.hash.includes("trimWindow=90"));
  const controls = ["#system", "#prompt", "#model", "#at", "#output", "#cached", "#ttl", "#tier", "#users", "#per-user", "#hit-rate", "#trim-window"];
  const values = async (p) => ({
    ...Object.fromEntries(await Promise.all(controls.map(async (c) => [c, await p.inputValue(c)]))),
    mode: await p.$eval("input[name=mode]:checked", (e) => e.value),
    batch: await p.isChecked("#batch"),
    retired: await p.isChecked("#show-retired"),
    count: await p.textContent("#count"),
    cost: await p.textContent("#cost"),
  });
  const here = await values(page);
  const copy = await open(new URL(page.url()).hash);
  assert.deepEqual(await values(copy), here);
  await copy.close();
});

test("the trimming panel shows what trimMessages keeps and drops", async () => {
  page = await open();
  const chat = await page.inputValue("#trim-chat");
  for (const [window, reserve, strategy] of [[120, 30, "drop-oldest"], [100, 20, "drop-middle"], [60, 10, "drop-oldest"]]) {
    await page.fill("#trim-window", String(window));
    await page.fill("#trim-reserve", String(reserve));
    await page.selectOption("#trim-strategy", strategy);
    const messages = JSON.parse(chat);
    const r = tm.trimMessages(messages, { model: "gpt-4o", maxContextTokens: window, reserveOutputTokens: reserve, strategy });
    const expected = messages.map((_, i) => (r.dropped.includes(i) ? "dropped" : r.truncated.includes(i) ? "cut" : "kept"));
    await page.waitForFunction(([e, tokens]) => {
      const shown = [...document.querySelectorAll("#trim-result li")].map((li) => li.className);
      return JSON.stringify(shown) === JSON.stringify(e) && document.querySelector(".trim-summary").textContent.includes(`: ${tokens} input tokens`);
    }, [expected, int(r.inputTokens)]);
    assert.match(await text(".trim-summary"), new RegExp(`Keeps ${messages.length - r.dropped.length} of ${messages.length} messages`));
  }
});

test("the compression panel shows compressPrompt's savings, and replaces the prompt", async () => {
  assert.equal(typeof tm.compressPrompt, "function", "the package exports compressPrompt");
  assert.equal(await page.isDisabled("#compress-run"), false);
  // Verbose enough that every level saves something: lossless (the doubled
  // spaces and the repeated line), balanced (fillers and verbose phrases),
  // aggressive (articles and Markdown too).
  const prompt = "Please could you kindly make sure that you summarise the following text in order to make it shorter.   \n"
    + "It is very important that you do not add any information that is not in the text.\n"
    + "It is very important that you do not add any information that is not in the text.\n"
    + "**Due to the fact that** the text is long, the summary should be short. Thank you very much!";
  await page.fill("#prompt", prompt);
  await settled();
  await page.click("#compress-run");
  await page.waitForSelector("#compress-results .level >> nth=2");
  const saved = [];
  for (const level of ["lossless", "balanced", "aggressive"]) {
    const r = tm.compressPrompt(prompt, { model: "gpt-4o", level });
    assert.ok(r.savedTokens > 0, `${level} saves nothing on the test prompt`);
    saved.push(r.savedTokens);
    const card = `#compress-results [data-level=${level}]`;
    assert.match(await text(`${card} .saving`), new RegExp(`^${int(r.tokensBefore)} → ${int(r.tokensAfter)} tokens: saves ${int(r.savedTokens)} `));
    assert.equal(await page.isDisabled(`${card} button`), false);
    // The diff reads back as the text before (without insertions) and after (without deletions).
    const [before, after] = await page.$eval(`${card} .diff`, (d) => {
      const read = (skip) => [...d.childNodes].filter((n) => n.nodeName !== skip && !(n.classList?.contains("visually-hidden"))).map((n) => n.textContent).join("");
      return [read("INS"), read("DEL")];
    });
    assert.equal(before, prompt);
    assert.equal(after, r.text);
  }
  assert.ok(saved[0] < saved[1] && saved[1] < saved[2], `each level saves more: ${saved}`);
  const balanced = tm.compressPrompt(prompt, { model: "gpt-4o", level: "balanced" });
  await page.click("#compress-results [data-level=balanced] button");
  await settled();
  assert.equal(await page.inputValue("#prompt"), balanced.text);
  assert.equal(await text("#count"), `${balanced.tokensAfter} tokens`);

  // A prompt with nothing to save says so, and offers nothing to apply.
  await page.fill("#prompt", "Hi.");
  await settled();
  await page.click("#compress-run");
  await page.waitForSelector("#compress-results .level >> nth=2");
  for (const level of ["lossless", "balanced", "aggressive"]) {
    assert.equal(tm.compressPrompt("Hi.", { model: "gpt-4o", level }).savedTokens, 0);
    const card = `#compress-results [data-level=${level}]`;
    await page.waitForFunction((c) => /Nothing to save at this level/.test(document.querySelector(c)?.textContent ?? ""), card);
    assert.ok(await page.isDisabled(`${card} button`));
  }
});

test("pasted markup is shown as text, never run", async () => {
  const payload = "<img src=x onerror=window.__xss=1><script>window.__xss=1</script>";
  page = await open();
  await page.check("#show-tokens");
  await page.fill("#prompt", payload);
  await page.check("input[name=mode][value=json]");
  await page.fill("#chat", JSON.stringify([{ role: payload, content: payload }]));
  await settled();
  await page.fill("#chat", `[${payload}`); // invalid JSON: the error message quotes it
  await page.fill("#trim-chat", JSON.stringify([{ role: "user", content: payload }, { role: payload, content: "x" }]));
  await page.check("input[name=mode][value=text]");
  await page.click("#price-editor summary");
  await page.fill("#edit-name", payload);
  await page.click("#edit-apply");
  await page.waitForFunction((p) => [...document.querySelectorAll("#model option")].some((o) => o.textContent.startsWith(p)), payload);
  await settled(); // the prices' reply has started a new count with the new name
  assert.ok((await text("#compare tbody")).includes(payload), "the edited name is in the table as text");
  assert.ok((await text("#tokens")).includes(payload));
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.$$eval("img, script:not([src]), main script, footer script", (e) => e.length), 0);
  // The edited name and prices travel in the link.
  await page.waitForFunction(() => location.hash.includes("prices="));
  const copy = await open(new URL(page.url()).hash);
  assert.equal(await copy.$eval("#model", (s) => s.selectedOptions[0].textContent),
    `${payload} (edited)${tm.getModel("gpt-4o").status === "deprecated" ? " (deprecated)" : ""}`);
  assert.equal(await copy.evaluate(() => window.__xss), undefined);
  await copy.close();
  // Session prices change the cost; going back to the catalogue restores it.
  await page.fill("#prompt", "price check");
  await page.fill("#edit-input", "100");
  await page.fill("#edit-output", "0");
  await page.click("#edit-apply");
  await page.waitForFunction(() => document.getElementById("cost").textContent.includes("output $0"));
  await settled();
  const n = tm.countTokens("price check", { model: "gpt-4o" });
  // Wait for the count of the new prompt at the new prices: "output $0" may
  // already show while the previous prompt's reply is on screen.
  const expected = `${usd((n * 100) / 1e6)} per call`;
  await page.waitForFunction((e) => document.getElementById("cost").textContent.startsWith(e), expected, { timeout: 10_000 })
    .catch(async () => assert.fail(`#cost is "${await text("#cost")}", expected "${expected}..."`));
  await page.fill("#edit-input", "-1");
  await page.click("#edit-apply");
  await page.waitForFunction(() => document.getElementById("price-error").textContent.includes("non-negative"));
  await page.click("#edit-reset");
  await page.waitForFunction(() => !document.querySelector("#model").selectedOptions[0].textContent.includes("edited"));
  await settled();
  const catalogue = tm.estimateCost({ model: "gpt-4o", inputTokens: n, outputTokens: 500 }).total;
  assert.ok((await text("#cost")).startsWith(`${usd(catalogue)} per call`));
});

// ---- The catalogue of 2026 on the page (issue 21), at a pinned date ---------------

const STATUS_ORDER = { active: 0, deprecated: 1, retired: 2 };

/** The picker's groups: [label, [[id, text], ...]]. */
const pickerGroups = (p) => p.$$eval("#model optgroup", (gs) => gs.map((g) => [g.label, [...g.children].map((o) => [o.value, o.textContent])]));
/** The comparison's rows: [model, badges]. */
const tableRows = (p) => p.$$eval("#compare tbody tr", (trs) => trs.map((tr) => [tr.dataset.model, [...tr.querySelectorAll("th .badge")].map((b) => b.textContent)]));

test("retired models are hidden until the toggle, in the picker and the table; deprecated ones marked", async () => {
  const p = await open(`#at=${AT}`);
  const all = tm.listModels({ at: AT }).filter((m) => m.kind !== "embedding");
  const status = new Map(all.map((m) => [m.id, m.status]));
  assert.ok(all.some((m) => m.status === "retired") && all.some((m) => m.status === "deprecated"), "the catalogue has both");
  const check = async (retired) => {
    const groups = await pickerGroups(p);
    const ids = groups.flatMap(([, options]) => options.map(([id]) => id));
    assert.deepEqual([...ids].sort(), chatModels({ at: AT, retired }).sort());
    // Current models first: each provider's active ones, then its deprecated
    // ones (marked), and the retired groups after every other.
    for (const [label, options] of groups) {
      const order = options.map(([id]) => STATUS_ORDER[status.get(id)]);
      assert.deepEqual(order, [...order].sort(), label);
      for (const [id, name] of options) assert.equal(name.endsWith(" (deprecated)"), status.get(id) === "deprecated", name);
      assert.equal(label.endsWith("(retired)"), options.every(([id]) => status.get(id) === "retired"), label);
    }
    const retiredGroups = groups.map(([label]) => label.endsWith("(retired)"));
    assert.deepEqual(retiredGroups, [...retiredGroups].sort(), "retired groups last");
    assert.equal(retiredGroups.includes(true), retired);
    // The table: the same models, marked, the retired ones after the others (among those that fit).
    const rows = await tableRows(p);
    assert.deepEqual(rows.map(([id]) => id).sort(), chatModels({ at: AT, retired }).sort());
    for (const [id, badges] of rows) {
      const s = status.get(id);
      assert.equal(badges.includes(s), s !== "active", `${id}: ${badges}`);
    }
    const fitting = await p.$$eval("#compare tbody tr:not(.misfit)", (trs) => trs.map((tr) => tr.dataset.model));
    const late = fitting.map((id) => status.get(id) === "retired");
    assert.deepEqual(late, [...late].sort(), "retired rows after the current ones");
  };
  await check(false);
  await p.check("#show-retired");
  await settled(p);
  await check(true);
  await p.uncheck("#show-retired");
  await settled(p);
  await check(false);
  await p.close();
});

test("a search that matches nothing says so and keeps the chosen model and its figures", async () => {
  const p = await open(`#at=${AT}&prompt=Hello+there`);
  await p.fill("#model-search", "opus 4.8");
  await settled(p);
  assert.equal(await p.inputValue("#model"), "claude-opus-4-8");
  await p.fill("#model-search", "no such model zzz");
  assert.match(await text("#model-matches", p), /^No model matches “no such model zzz”/);
  assert.equal(await p.inputValue("#model"), "claude-opus-4-8");
  // The next calculation is still the chosen model's.
  await p.fill("#output", "123");
  await settled(p);
  const n = tm.countTokens("Hello there", { model: "claude-opus-4-8" });
  assert.equal(await text("#count", p), `≈${n} tokens`);
  const cost = tm.estimateCost({ model: "claude-opus-4-8", inputTokens: n, outputTokens: 123 }, { at: AT });
  assert.ok((await text("#cost", p)).startsWith(`≈${usd(cost.total)} per call`), await text("#cost", p));
  // A search that only retired models match says how to list them.
  const retired = tm.listModels({ at: AT }).filter((m) => m.status === "retired" && /sonnet 4\.5/i.test(m.name));
  assert.ok(retired.length > 0 && !chatModels({ at: AT }).some((id) => /sonnet 4\.5/i.test(tm.getModel(id).name)));
  await p.fill("#model-search", "sonnet 4.5");
  assert.match(await text("#model-matches", p), new RegExp(`^No model matches “sonnet 4\\.5” \\(${retired.length} retired: tick “Show retired models”\\)`));
  assert.equal(await p.inputValue("#model"), "claude-opus-4-8");
  await p.close();
});

test("lifecycle warnings: a deprecated model's shutdown and replacement, a retired one's when shown", async () => {
  const prompt = "Hi there, how are you today?";
  const p = await open(`#at=${AT}&prompt=${encodeURIComponent(prompt)}&output=50&cached=3`);
  const warnings = () => p.$$eval("#warnings li", (lis) => lis.map((li) => li.textContent));
  // The package's warnings for the calls and the month, each once (the month
  // adds one of its own: a 3-token prefix is too short to cache).
  const expected = (model) => {
    const n = tm.countTokens(prompt, { model });
    const call = { model, inputTokens: n, outputTokens: 50 };
    const first = tm.estimateCost({ ...call, cacheWriteTokens: 3 }, { at: AT });
    const repeat = tm.estimateCost({ ...call, cachedInputTokens: 3 }, { at: AT });
    const month = tm.projectCost({ ...call, dailyUsers: 1000, messagesPerUser: 5, cachedPrefixTokens: 3 }, { at: AT });
    return [...new Set([...first.warnings, ...repeat.warnings, ...month.warnings])];
  };
  const deprecated = tm.getModel("gpt-5", { at: AT });
  assert.equal(deprecated.status, "deprecated");
  await p.selectOption("#model", "gpt-5");
  await settled(p);
  const shown = await warnings();
  assert.deepEqual(shown, expected("gpt-5"));
  assert.ok(shown.some((w) => w.includes(deprecated.shutdownDate) && w.includes(deprecated.replacement)), shown.join(" | "));
  assert.match(await text("#model-info", p), new RegExp(`Shuts down on ${deprecated.shutdownDate}\\. The provider recommends .*\\(${deprecated.replacement}\\)`));
  assert.ok(shown.some((w) => /below the \d+ tokens the provider caches/.test(w)), "the month's own warning");
  // An active model: no lifecycle warning.
  await p.selectOption("#model", deprecated.replacement);
  await settled(p);
  assert.deepEqual(await warnings(), expected(deprecated.replacement));
  assert.ok(!(await warnings()).some((w) => /deprecated|retired/.test(w)));
  // A retired model, listed with the toggle.
  await p.check("#show-retired");
  await p.selectOption("#model", "gpt-4");
  await settled(p);
  assert.equal(tm.getModel("gpt-4", { at: AT }).status, "retired");
  assert.deepEqual(await warnings(), expected("gpt-4"));
  assert.match((await warnings()).join(" "), /gpt-4 was retired on/);
  await p.close();
});

test("prices as of, per provider, from catalogueInfo; older than 90 days marked; the page's date moves them", async () => {
  const p = await open(`#at=${AT}`);
  const day = (d) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
  const check = async (at) => {
    const info = tm.catalogueInfo({ at });
    const items = await p.$$eval("#providers li", (lis) => lis.map((li) => ({
      provider: li.dataset.provider, text: li.textContent, marked: li.querySelector(".stale") !== null,
    })));
    assert.deepEqual(items.map((i) => i.provider), info.providers.map((x) => x.provider));
    items.forEach((item, i) => {
      const x = info.providers[i];
      // The age, counted here from the two dates.
      const age = day(at) - day(x.asOf);
      assert.equal(x.ageDays, age, x.provider);
      assert.ok(item.text.includes(`${x.name}: Prices as of ${x.asOf}`), item.text);
      if (age >= 0) assert.ok(item.text.includes(`${age} day${age === 1 ? "" : "s"} old`), item.text);
      assert.equal(item.marked, age > 90, item.text);
      assert.equal(/older than 90 days, may be out of date/.test(item.text), age > 90, item.text);
    });
    return info.providers.map((x) => day(at) - day(x.asOf) > 90);
  };
  const marks = await check(AT);
  assert.ok(marks.includes(true) && marks.includes(false), "marked and unmarked providers on 2026-12-07");
  // The chosen model's provider, in its entry.
  const openai = tm.catalogueInfo({ at: AT }).providers.find((x) => x.provider === "openai");
  assert.ok((await text("#model-info", p)).includes(`Prices as of ${openai.asOf} (${openai.ageDays} days old).`));
  // Three months later every provider's prices are old.
  await p.fill("#at", "2027-03-15");
  await p.waitForFunction(() => document.getElementById("catalogue-date").textContent.includes("2027-03-15"));
  await settled(p);
  assert.ok((await check("2027-03-15")).every(Boolean));
  await p.close();
});

test("the lifetime and service-tier selects offer the model's own, priced as estimateCost and projectCost price them", async () => {
  const prompt = "Review this clause for risks. ".repeat(120);
  const p = await open(`#at=${AT}`);
  await p.fill("#prompt", prompt);
  await p.fill("#output", "300");
  await p.fill("#cached", "500");
  const options = (select) => p.$$eval(`${select} option`, (os) => os.map((o) => [o.value, o.textContent]));
  const cells = () => p.$$eval("#breakdown tbody tr", (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  const month = () => p.$eval("#projection dd", (dd) => dd.textContent);
  const priced = async (model, ttl, tier) => {
    await p.selectOption("#ttl", ttl);
    await p.selectOption("#tier", tier);
    await settled(p);
    const n = tm.countTokens(prompt, { model });
    const a = tm.getModel(model).tokenizer.exact ? "" : "≈";
    const call = { model, inputTokens: n, outputTokens: 300, cacheWriteTtl: ttl, serviceTier: tier, batch: false };
    const first = tm.estimateCost({ ...call, cacheWriteTokens: 500 }, { at: AT });
    const repeat = tm.estimateCost({ ...call, cachedInputTokens: 500 }, { at: AT });
    assert.equal(first.serviceTier, tier);
    assert.deepEqual(await cells(), ["input", "cachedInput", "cacheWrite", "output", "total"].map((k, i) =>
      [["Input", "Cached input", "Cache writes", "Output", "Total"][i], `${a}${usd(first[k])}`, `${a}${usd(repeat[k])}`]));
    const w = { model, inputTokens: n, outputTokens: 300, dailyUsers: 1000, messagesPerUser: 5, cachedPrefixTokens: 500, cacheWriteTtl: ttl };
    const standard = tm.projectCost(w, { at: AT }).total;
    const withTier = tm.projectCost({ ...w, serviceTier: tier }, { at: AT }).total;
    assert.notEqual(withTier, standard, `${tier} changes ${model}'s month`);
    assert.equal(await month(), `${a}${usd(withTier)}`);
    assert.match(await text("#cost", p), new RegExp(`service tier ${tier}`));
  };
  // Anthropic: 5 minutes and 1 hour; a regional tier that multiplies the prices.
  await p.selectOption("#model", "claude-sonnet-4-6");
  await settled(p);
  assert.deepEqual(await options("#ttl"), [["5m", "5 minutes"], ["1h", "1 hour"]]);
  assert.deepEqual(await options("#tier"), [["standard", "Standard"], ["us-only", "us-only (×1.1)"]]);
  assert.equal(await p.inputValue("#ttl"), "5m");
  await priced("claude-sonnet-4-6", "1h", "us-only");
  // OpenAI's 2026 models: 30 minutes and 12 hours, shortest first.
  await p.selectOption("#model", "gpt-6.2-sol");
  await settled(p);
  const sol = tm.getModel("gpt-6.2-sol", { at: AT });
  assert.deepEqual((await options("#ttl")).map(([v]) => v), ["30m", "12h"]);
  assert.deepEqual((await options("#tier")).map(([v]) => v), ["standard", ...Object.keys(sol.prices.serviceTiers)]);
  await priced("gpt-6.2-sol", "12h", "priority");
  // The comparison prices the same choices for the models that have them.
  const row = await p.$eval('#compare tr[data-model="gpt-6.2-sol"] td[data-label="Per month"]', (td) => td.textContent);
  assert.equal(row, usd(tm.projectCost({ model: "gpt-6.2-sol", text: prompt, outputTokens: 300, dailyUsers: 1000,
    messagesPerUser: 5, cachedPrefixTokens: 500, cacheWriteTtl: "12h", serviceTier: "priority", appCacheHitRate: 0, batchShare: 0 }, { at: AT }).total));
  // A model that prices no cache writes: the select is off, and says why.
  await p.selectOption("#model", "gpt-4o");
  await settled(p);
  assert.equal(await p.isDisabled("#ttl"), true);
  assert.match(await text("#ttl-note", p), /prices no cache writes of their own: a write costs the input price/);
  // Its service tiers; the one chosen before stays chosen where this model has it too.
  assert.deepEqual((await options("#tier")).map(([v]) => v), ["standard", ...Object.keys(tm.getModel("gpt-4o").prices.serviceTiers)]);
  assert.equal(await p.inputValue("#tier"), "priority");
  await p.selectOption("#model", "gpt-5.4-pro");
  await settled(p);
  assert.equal(await p.inputValue("#tier"), "standard");
  assert.equal(await p.isDisabled("#tier"), true, "a model without service tiers");
  await p.close();
});

test("the price editor edits each cache lifetime the model prices, and keeps its tiers", async () => {
  const prompt = "Draft a reply to this customer. ".repeat(80);
  const p = await open(`#at=${AT}`);
  await p.fill("#prompt", prompt);
  await p.selectOption("#model", "gpt-6.2-sol");
  await settled(p);
  await p.click("#price-editor summary");
  const sol = tm.getModel("gpt-6.2-sol", { at: AT });
  const fields = () => p.$$eval("#edit-writes input", (is) => is.map((i) => [i.id, i.labels[0].textContent, i.value]));
  assert.deepEqual(await fields(), [
    ["edit-write-30m", "Cache write, 30 minutes", String(sol.prices.cacheWrites["30m"])],
    ["edit-write-12h", "Cache write, 12 hours", String(sol.prices.cacheWrites["12h"])],
  ]);
  assert.match(await text("#edit-kept", p), /long-context prices above 272,000 input tokens/);
  assert.match(await text("#edit-kept", p), /priority \(×2\), ultrafast \(×3\) multiply your prices/);
  await p.fill("#edit-input", "3");
  await p.fill("#edit-write-12h", "7");
  await p.click("#edit-apply");
  await p.waitForFunction(() => document.querySelector("#model").selectedOptions[0].textContent.includes("(edited)"));
  await settled(p);
  // The lifetimes, the service tiers and the long-context tier are still the model's.
  assert.deepEqual((await p.$$eval("#ttl option", (os) => os.map((o) => o.value))), ["30m", "12h"]);
  assert.deepEqual((await p.$$eval("#tier option", (os) => os.map((o) => o.value))), ["standard", "priority", "ultrafast"]);
  assert.match(await text("#model-info", p), /cache write 12 hours \$7\.00/);
  assert.match(await text("#model-info", p), /Higher prices above 272,000 input tokens/);
  assert.deepEqual((await fields()).map(([, , v]) => v), [String(sol.prices.cacheWrites["30m"]), "7"]);
  // Priced by hand: 400 cached tokens written for 12 hours at $7, input at $3, output at $10, all twice (priority).
  await p.fill("#cached", "400");
  await p.fill("#output", "100");
  await p.selectOption("#ttl", "12h");
  await p.selectOption("#tier", "priority");
  await settled(p);
  const n = tm.countTokens(prompt, { model: "gpt-6.2-sol" });
  const first = await p.$$eval("#breakdown tbody tr", (rows) => rows.map((r) => r.cells[1].textContent));
  assert.deepEqual(first, [usd(((n - 400) * 3 * 2) / 1e6), "$0", usd((400 * 7 * 2) / 1e6), usd((100 * 10 * 2) / 1e6),
    usd(((n - 400) * 3 * 2 + 400 * 7 * 2 + 100 * 10 * 2) / 1e6)]);
  await p.close();
});

/** Text whose contrast with its background is under 4.5:1 (WCAG AA), as "selector: ratio". */
function lowContrast(p) {
  return p.evaluate(() => {
    const rgb = (c) => c.match(/[\d.]+/g).map(Number);
    const lum = ([r, g, b]) => [r, g, b].map((v) => {
      const x = v / 255;
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    }).reduce((sum, x, i) => sum + x * [0.2126, 0.7152, 0.0722][i], 0);
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length < 4 || c[3] > 0) return c;
      }
      return [255, 255, 255];
    };
    const selectors = ["h1", "label", ".hint", "#count", "#tokenizer", "#cost", "#cost .parts", "summary", "#compress-run",
      "#compare th button", "#compare .provider", "#compare tbody td", "footer", "footer a", ".badge.kept", ".badge.dropped",
      ".tok", "#chart text", "textarea", "select", "#warnings li", "#model-info .lifecycle", ".stale", ".badge.deprecated",
      ".badge.retired", "#ttl-note", "#model-matches"];
    const low = [];
    for (const selector of selectors) {
      for (const el of [...document.querySelectorAll(selector)].slice(0, 3)) {
        if (el.closest("[hidden]") || el.disabled) continue;
        const fg = el instanceof SVGElement ? getComputedStyle(el).fill : getComputedStyle(el).color;
        const [a, b] = [lum(rgb(fg)), lum(background(el))];
        const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        if (ratio < 4.5) low.push(`${selector}: ${ratio.toFixed(2)}`);
      }
    }
    return low;
  });
}

test("screenshots: light, dark, phone width", async () => {
  // gpt-4o (deprecated: a warning and a mark), the retired models shown, on a date when some providers' prices are old.
  const fragment = "#mode=chat&system=You+are+a+support+assistant+for+Acme.+Answer+from+the+documents.&prompt=How+do+I+reset+my+password%3F+I+tried+%C2%ABForgot+password%C2%BB+twice+%F0%9F%98%80&showTokens=1&cached=10&showRetired=1&at=2026-12-07";
  const light = await open(fragment);
  await light.emulateMedia({ colorScheme: "light" });
  await light.screenshot({ path: `${artifacts}/www-light.png` });
  await light.screenshot({ path: `${artifacts}/www-light-full.png`, fullPage: true });
  const dark = await open(fragment);
  await dark.emulateMedia({ colorScheme: "dark" });
  await dark.screenshot({ path: `${artifacts}/www-dark.png` });
  await dark.screenshot({ path: `${artifacts}/www-dark-full.png`, fullPage: true });
  assert.deepEqual(await lowContrast(light), [], "light theme contrast");
  assert.deepEqual(await lowContrast(dark), [], "dark theme contrast");
  // The theme button overrides the system's choice: auto, light, dark.
  await light.click("#theme");
  await light.click("#theme");
  assert.equal(await light.textContent("#theme"), "Theme: dark");
  assert.deepEqual(await lowContrast(light), [], "dark theme chosen on a light system");
  assert.notEqual(await light.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(247, 247, 249)");
  await light.click("#theme");
  const phone = await open(fragment, { width: 390, height: 844 });
  await phone.screenshot({ path: `${artifacts}/www-phone.png` });
  await phone.screenshot({ path: `${artifacts}/www-phone-full.png`, fullPage: true });
  // Nothing wider than the phone's screen but the scrolling table.
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 390, `the page is ${overflow}px wide at 390px`);
  assert.deepEqual(problems, [], "no page errors, no CSP reports");
});
