// The calculator page (www/) on the catalogue of 2026, in headless Chromium:
// retired models hidden until "Show retired models" (in the picker and the
// table), a search that matches nothing keeps the last result, lifecycle
// warnings, each provider's "prices as of" with the 90-day mark, the
// lifetimes and service tiers a model prices, and a price editor that keeps
// what it does not edit (issues 21 and 22); then screenshots (light, dark,
// phone width) to tests/artifacts/, with the contrast of their text. These
// tests pin the page's date (#at=2026-12-07) and ask the package about the
// same date, so that the catalogue's dates do not move them. Each opens a
// page of its own. The rest of the page is in www.test.mjs; the page's
// harness is www-page.mjs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import * as tm from "tokenmeter";
import { usd } from "../../www/views/dom.js";
import { artifacts, chatModels, open, problems, servePage, settled } from "./www-page.mjs";

servePage(chromium);
const text = (selector, p) => p.textContent(selector);
const AT = "2026-12-07";

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
