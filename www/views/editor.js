// The session price editor: the chosen model's plain prices (input, output,
// cached input, a cache write per lifetime it prices, batch), and what an
// edit keeps from the catalogue (the worker keeps it: worker/prices.js).
import { $, fill, h, int } from "./dom.js";

const FIELDS = ["input", "output", "cachedInput", "batchInput", "batchOutput"];
const UNITS = { m: "minute", h: "hour", d: "day" };

const MINUTES = { m: 1, h: 60, d: 1440 };

/** The cache-write lifetimes a model prices, shortest first (getModel's object is keyed by name). */
export function lifetimesOf(model) {
  const minutes = (l) => Number.parseInt(l, 10) * (MINUTES[l.at(-1)] ?? 0);
  return Object.keys(model.prices.cacheWrites ?? {}).sort((a, b) => minutes(a) - minutes(b));
}

/** "30m" -> "30 minutes", "1h" -> "1 hour". */
export function lifetimeName(lifetime) {
  const n = Number.parseInt(lifetime, 10);
  const unit = UNITS[lifetime.at(-1)] ?? lifetime;
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/** What an edit of the plain prices leaves as the catalogue has it, in words. */
function kept(m) {
  const p = m.prices;
  const parts = [];
  if (p.tiers?.length) parts.push(`the long-context prices above ${p.tiers.map((t) => int(t.aboveInputTokens)).join(", ")} input tokens`);
  const tiers = Object.entries(p.serviceTiers ?? {});
  const own = tiers.filter(([, t]) => t.multiplier === undefined).map(([n]) => n);
  const scaled = tiers.filter(([, t]) => t.multiplier !== undefined).map(([n, t]) => `${n} (×${t.multiplier})`);
  if (own.length) parts.push(`the prices of the service tier${own.length > 1 ? "s" : ""} ${own.join(", ")}`);
  if (p.timeWindows?.length) parts.push(`the prices of the time window${p.timeWindows.length > 1 ? "s" : ""} ${p.timeWindows.map((w) => w.name).join(", ")}`);
  return [
    parts.length ? `An edit keeps the catalogue's figures for ${parts.join("; ")}.` : "",
    scaled.length ? `The service tier${scaled.length > 1 ? "s" : ""} ${scaled.join(", ")} multipl${scaled.length > 1 ? "y" : "ies"} your prices.` : "",
    "Your prices apply on every date.",
  ].filter(Boolean).join(" ");
}

function numberField(id, text, value, lifetime) {
  return h("div", { class: "field" }, h("label", { for: id }, text),
    h("input", { id, type: "number", min: "0", step: "any", inputmode: "decimal", value: value ?? "", "data-lifetime": lifetime }));
}

/** The model's prices in the editor. */
export function showEditor(m, edited) {
  $("edit-name").value = m.name;
  for (const f of FIELDS) $(`edit-${f}`).value = m.prices[f] ?? "";
  fill($("edit-writes"), lifetimesOf(m)
    .map((l) => numberField(`edit-write-${l}`, `Cache write, ${lifetimeName(l)}`, m.prices.cacheWrites[l], l)));
  $("edit-kept").textContent = kept(m);
  $("edit-reset").disabled = !edited;
  $("price-error").textContent = "";
}

/** The editor's values as an override { name, prices }; a price left empty is dropped. */
export function editedPrices() {
  const prices = {};
  const read = (el) => (el.value.trim() === "" ? undefined : Number(el.value.trim()));
  for (const f of FIELDS) {
    const x = read($(`edit-${f}`));
    if (x !== undefined) prices[f] = x;
  }
  const writes = {};
  for (const el of $("edit-writes").querySelectorAll("input")) {
    const x = read(el);
    if (x !== undefined) writes[el.dataset.lifetime] = x;
  }
  if (Object.keys(writes).length > 0) prices.cacheWrites = writes;
  return { name: $("edit-name").value, prices };
}
