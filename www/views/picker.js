// The model picker (a search box that filters a grouped <select>), the chosen
// model's catalogue entry, and the session price editor.
import { $, fill, h, int, usd } from "./dom.js";

const PRICE_FIELDS = ["input", "output", "cachedInput", "cacheWrite5m", "cacheWrite1h", "batchInput", "batchOutput"];
const PRICE_NAMES = {
  input: "input", output: "output", cachedInput: "cached input", cacheWrite5m: "cache write 5 min",
  cacheWrite1h: "cache write 1 h", batchInput: "batch input", batchOutput: "batch output",
};

let models = [];
let providers = new Map();
let edited = {};

export const chatModels = () => models.filter((m) => m.kind !== "embedding");
export const modelById = (id) => models.find((m) => m.id === id);
export const providerName = (id) => providers.get(id)?.name ?? id;

/** Fills the picker from listModels() and listProviders(); keeps the choice. */
export function setCatalogue(list, providerList, overrides) {
  models = list;
  providers = new Map(providerList.map((p) => [p.id, p]));
  edited = overrides;
  const select = $("model");
  const wanted = select.dataset.wanted || select.value || "gpt-4o";
  delete select.dataset.wanted;
  filter(wanted);
}

function matches(model, query) {
  const haystack = `${model.name} ${model.id} ${providerName(model.provider)} ${model.aliases.join(" ")}`.toLowerCase();
  return query.toLowerCase().split(/\s+/).every((word) => haystack.includes(word));
}

/** Rebuilds the options from the search box; keeps `keep` selected if it matches. */
function filter(keep) {
  const select = $("model");
  const query = $("model-search").value.trim();
  const shown = chatModels().filter((m) => matches(m, query));
  const groups = new Map();
  for (const m of shown) {
    const name = providerName(m.provider);
    if (!groups.has(name)) groups.set(name, h("optgroup", { label: name }));
    groups.get(name).append(h("option", { value: m.id }, m.name, edited[m.id] ? " (edited)" : "", m.tokenizer.exact ? "" : " ≈"));
  }
  fill(select, [...groups.values()]);
  const chosen = shown.some((m) => m.id === keep) ? keep : shown[0]?.id;
  if (chosen) select.value = chosen;
  $("model-matches").textContent = query ? `${shown.length} of ${chatModels().length} models match` : "";
  showModel();
  return chosen;
}

/** Search box: `onPick` runs when filtering changed the chosen model. */
export function bindSearch(onPick) {
  $("model-search").addEventListener("input", () => {
    const before = $("model").value;
    if (filter(before) !== before) onPick();
  });
}

/** The chosen model's catalogue entry, and its prices in the editor. */
export function showModel() {
  const m = modelById($("model").value);
  if (!m) return;
  const t = m.tokenizer;
  // The editor's fields: schema v2 keeps cache writes by lifetime.
  const p = { ...m.prices, cacheWrite5m: m.prices.cacheWrites?.["5m"], cacheWrite1h: m.prices.cacheWrites?.["1h"] };
  const tiers = m.prices.tiers ?? [];
  const priced = PRICE_FIELDS.filter((f) => p[f] !== undefined).map((f) => `${PRICE_NAMES[f]} ${usd(p[f])}`);
  fill($("model-info"),
    h("p", null, `${providerName(m.provider)} · ${m.kind} · window ${int(m.contextWindow)} tokens · output up to ${int(m.maxOutputTokens)}`),
    h("p", null, t.exact ? `Tokenizer: ${t.encoding}, exact.` : `Tokenizer not public: estimated as ${t.estimate} × ${t.factor}.`),
    h("p", null, `Per million tokens: ${priced.join(", ")}.`, tiers.length ? ` Higher prices above ${tiers.map((x) => int(x.aboveInputTokens)).join(", ")} input tokens.` : ""),
    edited[m.id] ? h("p", { class: "edited" }, "Prices edited for this session.") : null,
    m.uncertain ? h("p", null, h("em", null, "Note: "), m.uncertain) : null,
  );
  $("edit-name").value = m.name;
  for (const f of PRICE_FIELDS) $(`edit-${f}`).value = p[f] ?? "";
  $("edit-reset").disabled = !edited[m.id];
  $("price-error").textContent = "";
}

/** The editor's values as an override { name, prices }; a price left empty is dropped. */
export function editedPrices() {
  const prices = {};
  for (const f of PRICE_FIELDS) {
    const raw = $(`edit-${f}`).value.trim();
    if (raw !== "") prices[f] = Number(raw);
  }
  return { name: $("edit-name").value, prices };
}
