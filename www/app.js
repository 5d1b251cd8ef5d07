// The calculator page. It reads the form, sends it to the counting worker
// (count-worker.js, the only code that calls tokenmeter) and draws the
// replies; a reply to anything but the newest request is dropped. Once loaded,
// it registers the service worker (sw.js) that keeps it working offline.
import { $ } from "./views/dom.js";
import { fromFragment, readForm, toFragment, writeForm } from "./state.js";
import { bindPicker, modelById, setCatalogue } from "./views/picker.js";
import { showModel } from "./views/model.js";
import { editedPrices } from "./views/editor.js";
import { showProviders } from "./views/freshness.js";
import { renderSummary } from "./views/cost.js";
import { hideTokens, renderTokens } from "./views/tokens.js";
import { chart, clearComparison, comparisonPending, renderComparison } from "./views/compare.js";
import { renderCompression, setCompressMode } from "./views/compress.js";
import { renderTrim } from "./views/trim.js";

// ---- The worker and its replies ------------------------------------------------

const worker = new Worker(new URL("./count-worker.js", import.meta.url), { type: "module" });
const newest = {}; // kind -> seq of the newest request
function ask(kind, body) {
  newest[kind] = (newest[kind] ?? 0) + 1;
  worker.postMessage({ kind, seq: newest[kind], ...body });
}
worker.onmessage = ({ data }) => {
  if (data.kind === "fatal") $("status").textContent = data.message;
  else if (data.seq === newest[data.kind]) handlers[data.kind](data);
};
worker.onerror = (e) => {
  $("status").textContent = `The counting worker failed: ${e.message || "see the browser console"}.`;
};

const defaults = { ...readForm(), model: "gpt-4o" };
const link = fromFragment(location.hash, defaults);
let prices = link.prices; // the session's price overrides in force: id -> { name, prices }
let pendingPrices = prices; // the ones sent to the worker, in force once it accepts them
let counted = link.state; // the inputs of the newest update request
// The default model, once retired, gives way to its replacement; a link's model is kept.
let followDefault = !new URLSearchParams(location.hash.slice(1)).has("model");

/** The session's prices and the page's date to the worker, which answers with the catalogue. */
function askPrices(overrides) {
  pendingPrices = overrides;
  ask("prices", { overrides, at: $("at").value });
}

const handlers = {
  prices(reply) {
    if (!reply.error) prices = pendingPrices;
    setCatalogue(reply.models, reply.info, prices, followDefault);
    followDefault = false;
    showModel();
    showProviders(reply.info);
    $("at-error").textContent = reply.atError?.message ?? "";
    showMode();
    recalculate();
    if (reply.error) $("price-error").textContent = reply.error.message; // after showModel() cleared it
    keepOffline();
  },
  update(reply) {
    if (reply.phase === "summary") {
      $("status").textContent = "";
      renderSummary(reply, counted);
      if (reply.error) clearComparison("");
      if (reply.error || !counted.showTokens) hideTokens();
    } else if (reply.phase === "tokens") {
      if (reply.error) hideTokens(reply.error.message);
      else renderTokens(reply.value, modelById(counted.model));
    } else if (reply.phase === "compare") {
      if (reply.done) renderComparison(reply, counted.model);
      else comparisonPending(reply.rows.length, reply.total);
    }
  },
  trim(reply) {
    renderTrim(reply, reply.window);
  },
  compress(reply) {
    renderCompression(reply, replacePrompt);
  },
};

// ---- Inputs --------------------------------------------------------------------

function recalculate() {
  counted = readForm();
  saveToUrl();
  $("status").textContent = "Counting…";
  comparisonPending();
  ask("update", { state: counted });
  retrim(counted);
}

function retrim(s = readForm()) {
  ask("trim", { chat: s.trimChat, model: s.model, window: s.trimWindow, reserve: s.trimReserve, strategy: s.trimStrategy });
}

// Past this many characters, a burst of keys is read and sent once, when it pauses:
// copying a megabyte to the worker on every key would slow the typing itself.
const LONG_TEXT = 50_000;
const PAUSE_MS = 150;
let inputTimer = 0;
function soon(work) {
  clearTimeout(inputTimer);
  if (["system", "prompt", "chat", "trim-chat"].some((id) => $(id).textLength > LONG_TEXT)) {
    $("status").textContent = "Counting…";
    inputTimer = setTimeout(work, PAUSE_MS);
  } else work();
}

document.querySelector("main").addEventListener("input", (e) => {
  if (e.target.closest("#price-form") || ["model-search", "show-retired"].includes(e.target.id)) return;
  // Another date: the catalogue at that date first (its reply recalculates).
  if (e.target.id === "at") return askPrices(prices);
  if (e.target.name === "mode") showMode();
  if (e.target.id === "model") showModel();
  if (e.target.closest("#trim-section")) {
    soon(() => {
      retrim();
      saveToUrl();
    });
  } else soon(recalculate);
});

bindPicker(recalculate, showModel);

function showMode() {
  const mode = readForm().mode;
  $("system-field").hidden = mode !== "chat";
  $("prompt-field").hidden = mode === "json";
  $("chat-field").hidden = mode !== "json";
  $("prompt-label").textContent = mode === "chat" ? "User message" : "Prompt";
  $("compress-target-field").hidden = mode !== "chat";
  setCompressMode(mode);
}

// ---- The URL -------------------------------------------------------------------

let saveTimer = 0;
let written = location.hash;
function saveToUrl() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    const { fragment, complete } = toFragment(readForm(), defaults, prices);
    written = fragment ? `#${fragment}` : "";
    history.replaceState(null, "", `${location.pathname}${location.search}${written}`);
    $("share-status").textContent = complete ? "" : "The texts are too long for a link: it keeps the settings only.";
  }, 200);
}

// A link opened in the same tab.
window.addEventListener("hashchange", () => {
  if (location.hash === written) return;
  const opened = fromFragment(location.hash, defaults);
  writeForm(opened.state);
  askPrices(opened.prices);
});

$("share").addEventListener("click", async () => {
  clearTimeout(saveTimer);
  const { fragment } = toFragment(readForm(), defaults, prices);
  history.replaceState(null, "", `${location.pathname}${location.search}${fragment ? `#${fragment}` : ""}`);
  try {
    await navigator.clipboard.writeText(location.href);
    $("share-status").textContent = "Link copied.";
  } catch {
    $("share-status").textContent = "Copy the link from the address bar.";
  }
});

// ---- Prices, compression, trimming ---------------------------------------------

$("price-form").addEventListener("submit", (e) => {
  e.preventDefault();
  askPrices({ ...prices, [$("model").value]: editedPrices() });
});
$("edit-reset").addEventListener("click", () => {
  const { [$("model").value]: _, ...rest } = prices;
  askPrices(rest);
});

function compressTarget() {
  return readForm().mode === "chat" && $("compress-target").value === "system" ? $("system") : $("prompt");
}
$("compress-run").addEventListener("click", () => {
  $("compress-results").textContent = "Compressing…";
  ask("compress", { text: compressTarget().value, model: $("model").value });
});
function replacePrompt(text) {
  const target = compressTarget();
  target.value = text;
  target.dispatchEvent(new Event("input", { bubbles: true }));
  $("status").textContent = "The prompt now holds the compressed text.";
  target.focus();
}

$("trim-from-prompt").addEventListener("click", () => {
  const s = readForm();
  const chat = s.mode === "json" ? s.chat
    : JSON.stringify([...(s.mode === "chat" && s.system ? [{ role: "system", content: s.system }] : []), { role: "user", content: s.prompt }], null, 2);
  $("trim-chat").value = chat;
  $("trim-chat").dispatchEvent(new Event("input", { bubbles: true }));
});

// ---- Chart size ------------------------------------------------------------------

let resizeFrame = 0;
new ResizeObserver(() => {
  cancelAnimationFrame(resizeFrame);
  resizeFrame = requestAnimationFrame(chart);
}).observe($("chart"));

// ---- Offline use ----------------------------------------------------------------

// After the package has loaded and the first count is asked for (so that it
// delays neither), a service worker keeps the page's files for offline use
// (sw.js). Where there are none (an insecure origin, file://, storage off),
// the page simply stays online-only.
let offlineAsked = false;
function keepOffline() {
  if (offlineAsked) return;
  offlineAsked = true;
  if (!window.isSecureContext || !("serviceWorker" in navigator)) return;
  const unavailable = (e) => console.warn(`tokenmeter: no offline use (${e.message})`);
  try {
    // updateViaCache "none": a new version is seen on the next visit, whatever the host's cache headers.
    navigator.serviceWorker.register(new URL("sw.js", import.meta.url), { updateViaCache: "none" }).catch(unavailable);
  } catch (e) {
    unavailable(e); // the getter throws where storage is blocked
  }
}

// ---- Start: the session's prices (from the link), then the catalogue -----------

writeForm(link.state);
showMode();
askPrices(prices);
