// The chosen model: its catalogue entry (window and input cap, lifecycle,
// prices and how fresh they are), and the choices it offers for a call: the
// cache-write lifetimes it prices and its service tiers.
import { $, fill, h, int, usd } from "./dom.js";
import { isEdited, modelById, providerInfo, providerName } from "./picker.js";
import { freshness } from "./freshness.js";
import { lifetimeName, lifetimesOf, showEditor } from "./editor.js";

const PRICE_NAMES = { input: "input", output: "output", cachedInput: "cached input", batchInput: "batch input", batchOutput: "batch output" };

function windowFacts(m) {
  const window = m.contextWindowCovers === "input"
    ? `Window ${int(m.contextWindow)} tokens for the input alone (the output is limited by its own maximum)`
    : `Window ${int(m.contextWindow)} tokens, shared by input and output`;
  const cap = m.maxInputTokens !== undefined ? `; input capped at ${int(m.maxInputTokens)} tokens` : "";
  return `${window}${cap}; output up to ${int(m.maxOutputTokens)} tokens.`;
}

function lifecycle(m) {
  const parts = [];
  if (m.releaseDate) parts.push(`Released ${m.releaseDate}.`);
  if (m.deprecationDate) parts.push(`Deprecated from ${m.deprecationDate}.`);
  if (m.shutdownDate) parts.push(`${m.status === "retired" ? "Retired" : "Shuts down"} on ${m.shutdownDate}.`);
  if (m.replacement) parts.push(`The provider recommends ${modelById(m.replacement)?.name ?? m.replacement} (${m.replacement}) instead.`);
  return parts.join(" ");
}

function priceFacts(m) {
  const p = m.prices;
  const plain = Object.entries(PRICE_NAMES).filter(([k]) => p[k] !== undefined).map(([k, name]) => `${name} ${usd(p[k])}`);
  const writes = lifetimesOf(m).map((l) => `cache write ${lifetimeName(l)} ${usd(p.cacheWrites[l])}`);
  const list = [...plain.slice(0, 3), ...writes, ...plain.slice(3)];
  const tiers = (p.tiers ?? []).map((t) => int(t.aboveInputTokens));
  const service = Object.entries(p.serviceTiers ?? {}).map(([n, t]) => (t.multiplier !== undefined ? `${n} (×${t.multiplier})` : n));
  const windows = (p.timeWindows ?? []).map((w) => `${w.name} ${w.start}–${w.end} UTC${w.days ? ` (${w.days.join(", ")})` : ""}`);
  return [
    `Per million tokens: ${list.join(", ")}.`,
    tiers.length ? ` Higher prices above ${tiers.join(", ")} input tokens.` : "",
    service.length ? ` Service tiers: ${service.join(", ")}.` : "",
    windows.length ? ` Other prices in ${windows.join("; ")}.` : "",
  ].join("");
}

/** The chosen model's entry, its call choices, and its prices in the editor. */
export function showModel() {
  const m = modelById($("model").value);
  if (!m) return;
  const t = m.tokenizer;
  const status = m.status === "active" ? "" : ` · ${m.status}`;
  fill($("model-info"),
    h("p", null, `${providerName(m.provider)} · ${m.kind}${status}`),
    h("p", null, windowFacts(m)),
    h("p", null, t.exact ? `Tokenizer: ${t.encoding}, exact.` : `Tokenizer not bundled: estimated as ${t.estimate} × ${t.factor}.`),
    lifecycle(m) ? h("p", { class: m.status === "active" ? null : "lifecycle" }, lifecycle(m)) : null,
    h("p", null, priceFacts(m)),
    providerInfo(m.provider) ? h("p", null, freshness(providerInfo(m.provider))) : null,
    isEdited(m.id) ? h("p", { class: "edited" }, "Prices edited for this session.") : null,
    m.uncertain ? h("p", null, h("em", null, "Note: "), m.uncertain) : null,
  );
  setChoices(m);
  showEditor(m, isEdited(m.id));
}

/** Options of a select, keeping the wanted value (a link's, or the last choice) when offered. */
function offer(select, options, fallback) {
  const want = select.dataset.wanted || select.value;
  delete select.dataset.wanted;
  fill(select, options.map(([value, text]) => h("option", { value }, text)));
  select.value = options.some(([value]) => value === want) ? want : fallback;
}

/** The lifetimes the model prices (none: disabled, with a note) and its service tiers. */
function setChoices(m) {
  const lifetimes = lifetimesOf(m);
  const ttl = $("ttl");
  if (lifetimes.length === 0) offer(ttl, [["", "None priced"]], "");
  else offer(ttl, lifetimes.map((l) => [l, lifetimeName(l)]), lifetimes[0]);
  ttl.disabled = lifetimes.length === 0;
  $("ttl-note").textContent = lifetimes.length === 0
    ? `${m.name} prices no cache writes of their own: a write costs the input price.`
    : "";
  const tiers = Object.entries(m.prices.serviceTiers ?? {})
    .map(([name, t]) => [name, t.multiplier !== undefined ? `${name} (×${t.multiplier})` : name]);
  offer($("tier"), [["standard", "Standard"], ...tiers], "standard");
  $("tier").disabled = tiers.length === 0;
}
