// The page's inputs as one plain object, read from and written to the form,
// and kept in the URL's fragment (never sent to the server) so that a link
// reproduces a calculation.
import { $ } from "./views/dom.js";

// key: [element id, kind]. Numbers are whole and non-negative.
const CONTROLS = {
  mode: ["mode", "radio"],
  system: ["system", "text"],
  prompt: ["prompt", "text"],
  chat: ["chat", "text"],
  model: ["model", "select"],
  showRetired: ["show-retired", "check"],
  at: ["at", "text"],
  showTokens: ["show-tokens", "check"],
  output: ["output", "number"],
  cached: ["cached", "number"],
  ttl: ["ttl", "select"],
  tier: ["tier", "select"],
  batch: ["batch", "check"],
  users: ["users", "number"],
  perUser: ["per-user", "number"],
  hitRate: ["hit-rate", "number"],
  trimChat: ["trim-chat", "text"],
  trimWindow: ["trim-window", "number"],
  trimReserve: ["trim-reserve", "number"],
  trimStrategy: ["trim-strategy", "select"],
};
const TEXTS = ["system", "prompt", "chat", "trimChat"];
/** Longest fragment kept in the URL; past it the texts are left out of the link. */
export const URL_LIMIT = 32_000;

const wholeNumber = (value) => Math.max(0, Math.floor(Number(value) || 0));

export function readForm() {
  const state = {};
  for (const [key, [id, kind]] of Object.entries(CONTROLS)) {
    if (kind === "radio") state[key] = document.querySelector(`input[name="${id}"]:checked`).value;
    else if (kind === "check") state[key] = $(id).checked;
    else if (kind === "number") state[key] = wholeNumber($(id).value);
    else state[key] = $(id).value;
  }
  state.hitRate = Math.min(100, state.hitRate);
  return state;
}

export function writeForm(state) {
  for (const [key, [id, kind]] of Object.entries(CONTROLS)) {
    if (!(key in state)) continue;
    const value = state[key];
    if (kind === "radio") {
      const input = document.querySelector(`input[name="${id}"][value="${CSS.escape(String(value))}"]`);
      if (input) input.checked = true;
    } else if (kind === "check") $(id).checked = Boolean(value);
    else if (kind === "select" && ![...$(id).options].some((o) => o.value === value)) {
      // The model list is filled later; remember the choice until then.
      $(id).dataset.wanted = value;
    } else $(id).value = String(value);
  }
}

/** The fragment for `state`: only what differs from `defaults`. */
export function toFragment(state, defaults, prices) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(state)) {
    if (value !== defaults[key]) params.set(key, typeof value === "boolean" ? (value ? "1" : "0") : String(value));
  }
  if (Object.keys(prices).length > 0) params.set("prices", JSON.stringify(prices));
  // Checked before encoding: percent-encoding a megabyte on every keystroke would slow typing.
  const textLength = TEXTS.reduce((n, key) => n + (params.get(key)?.length ?? 0), 0);
  let complete = textLength <= URL_LIMIT;
  if (complete) complete = params.toString().length <= URL_LIMIT;
  if (!complete) for (const key of TEXTS) params.delete(key);
  return { fragment: params.toString(), complete };
}

/** The state and price overrides a fragment holds (unknown keys ignored). */
export function fromFragment(fragment, defaults) {
  const params = new URLSearchParams(fragment.replace(/^#/, ""));
  const state = {};
  for (const [key, value] of params) {
    if (!(key in CONTROLS)) continue;
    const kind = CONTROLS[key][1];
    state[key] = kind === "check" ? value === "1" : kind === "number" ? wholeNumber(value) : value;
  }
  let prices = {};
  try {
    const parsed = JSON.parse(params.get("prices") ?? "{}");
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) prices = parsed;
  } catch {
    // A damaged link keeps the catalogue's prices.
  }
  return { state: { ...defaults, ...state }, prices: Object.fromEntries(Object.entries(prices).map(([id, o]) => [id, lifetimes(o)])) };
}

/** An override from a link of before 2026-12 (cacheWrite5m, cacheWrite1h) with its writes by lifetime. */
function lifetimes(override) {
  const { cacheWrite5m, cacheWrite1h, ...prices } = override?.prices ?? {};
  const old = Object.entries({ "5m": cacheWrite5m, "1h": cacheWrite1h }).filter(([, x]) => x !== undefined);
  return old.length === 0 ? override : { ...override, prices: { ...prices, cacheWrites: { ...Object.fromEntries(old), ...prices.cacheWrites } } };
}
