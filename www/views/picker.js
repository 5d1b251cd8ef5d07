// The model picker: a search box that filters a <select> grouped by
// provider. Models in service come first (active, then deprecated, marked);
// retired ones are listed, after them, only while "Show retired models" is
// ticked. A search that matches nothing says so and changes nothing.
import { $, fill, h } from "./dom.js";

let models = []; // listModels({ at }): every model, with its status at the page's date
let providers = new Map(); // provider id -> catalogueInfo's line for it
let edited = {}; // the session's price overrides, by model id

export const chatModels = () => models.filter((m) => m.kind !== "embedding");
export const modelById = (id) => models.find((m) => m.id === id);
export const providerInfo = (id) => providers.get(id);
export const providerName = (id) => providers.get(id)?.name ?? id;
export const isEdited = (id) => Boolean(edited[id]);

const retiredShown = () => $("show-retired").checked;
const RANK = { active: 0, deprecated: 1, retired: 2 };

/**
 * The model itself, or, when it is retired, the first model in service that
 * its provider's replacements lead to (the page's default outlives its model).
 */
export function inService(id) {
  let m = modelById(id);
  for (let hops = 0; m?.status === "retired" && m.replacement && hops < 8; hops += 1) m = modelById(m.replacement);
  return m && m.status !== "retired" ? m.id : id;
}

/**
 * Fills the picker from listModels() and catalogueInfo(); keeps the choice,
 * or with `follow` (the page's default model, not a link's) its replacement
 * once it is retired.
 */
export function setCatalogue(list, info, overrides, follow = false) {
  models = list;
  providers = new Map(info.providers.map((p) => [p.provider, p]));
  edited = overrides;
  const select = $("model");
  let wanted = select.dataset.wanted || select.value || "gpt-4o";
  delete select.dataset.wanted;
  if (follow) wanted = inService(wanted);
  // A link to a retired model shows it, among the retired ones.
  if (modelById(wanted)?.status === "retired") $("show-retired").checked = true;
  filter(wanted);
}

function matches(model, query) {
  const haystack = `${model.name} ${model.id} ${providerName(model.provider)} ${model.aliases.join(" ")}`.toLowerCase();
  return query.toLowerCase().split(/\s+/).every((word) => haystack.includes(word));
}

function label(m) {
  return `${m.name}${edited[m.id] ? " (edited)" : ""}${m.tokenizer.exact ? "" : " ≈"}${m.status === "deprecated" ? " (deprecated)" : ""}`;
}

/** Option groups: each provider's models in service, then (if shown) each provider's retired ones. */
function groups(shown) {
  const sorted = [...shown].sort((a, b) => (a.status === "retired") - (b.status === "retired") || RANK[a.status] - RANK[b.status]);
  const out = new Map();
  for (const m of sorted) {
    const name = providerName(m.provider) + (m.status === "retired" ? " (retired)" : "");
    if (!out.has(name)) out.set(name, h("optgroup", { label: name }));
    out.get(name).append(h("option", { value: m.id }, label(m)));
  }
  return [...out.values()];
}

/**
 * Rebuilds the options from the search box and the retired toggle; keeps
 * `keep` selected if it is listed. When nothing matches, the options and
 * the choice stay as they were. Returns the chosen id.
 */
function filter(keep) {
  const select = $("model");
  const query = $("model-search").value.trim();
  const listed = chatModels().filter((m) => retiredShown() || m.status !== "retired");
  const shown = listed.filter((m) => matches(m, query));
  if (shown.length === 0) {
    const retired = retiredShown() ? 0 : chatModels().filter((m) => m.status === "retired" && matches(m, query)).length;
    $("model-matches").textContent = `No model matches “${query}”${retired > 0 ? ` (${retired} retired: tick “Show retired models”)` : ""}; the choice stays ${modelById(select.value)?.name ?? select.value}.`;
    return select.value;
  }
  fill(select, groups(shown));
  const chosen = shown.some((m) => m.id === keep) ? keep : shown.find((m) => m.id === inService(keep))?.id ?? shown[0].id;
  select.value = chosen;
  $("model-matches").textContent = query ? `${shown.length} of ${listed.length} models match` : "";
  return chosen;
}

/** Search box and retired toggle: `onPick` runs when either changed the chosen model or the list. */
export function bindPicker(onPick, onShow) {
  $("model-search").addEventListener("input", () => {
    const before = $("model").value;
    const after = filter(before);
    onShow();
    if (after !== before) onPick();
  });
  $("show-retired").addEventListener("change", () => {
    filter($("model").value);
    onShow();
    onPick(); // the comparison lists the retired models or not
  });
}
