// Browsers and other ES-module runtimes: fetch the .wasm next to this module.
// The import resolves once the module is ready (top-level await); `ready` is
// exported as well for code that prefers to await it.
import init, { BudgetLedger, Catalogue, StreamMeter, TokenCounter, Tokenizer } from "./tokenmeter.js";
import { guardFreed } from "./freed.js";

export const ready = init({ module_or_path: new URL("./tokenmeter_bg.wasm", import.meta.url) }).then(() => {});
await ready;

guardFreed(Tokenizer, BudgetLedger, Catalogue, TokenCounter, StreamMeter); // freed objects throw a coded error (freed.js)

export * from "./tokenmeter.js";
