// The calculator page (www/), served as `make serve` serves it (pkg/ copied to
// www/vendor/tokenmeter/), in headless Chromium: typing, the models, the
// month and the comparison, the token view, a 1 MB paste, the keyboard, the
// link, the trimming and compression panels, and pasted markup. Every figure
// the page shows is checked against the package itself, run here in Node.
// The tests share one page, whose state each leaves to the next. The
// catalogue's dates on the page, and the screenshots, are in
// www-catalogue.test.mjs; the page's harness is www-page.mjs.
//
// Issue 28: "the compression panel ..." skipped its checks when a level saved
// nothing (and when compressPrompt was missing); now every level must save
// on its prompt, and the nothing-to-save case is checked on its own prompt.
// "a 1 MB paste keeps typing responsive" asserted latencies (a median, a
// 600 ms maximum, five busy keys); it now checks the order of events (a key
// handled and drawn while the worker counts) and prints the latencies.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import * as tm from "tokenmeter";
import { int, usd } from "../../www/views/dom.js";
import { chatModels, open, servePage, settled as settledOn } from "./www-page.mjs";

let page;
servePage(chromium, async () => {
  page = await open();
});

/** Waits until the newest request's count and comparison are drawn. */
const settled = (p = page) => settledOn(p);
const text = (selector, p = page) => p.textContent(selector);

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
