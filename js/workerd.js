// Cloudflare Workers: the bundler hands the .wasm over as a compiled module,
// which instantiates synchronously.
import wasm from "./tokenmeter_bg.wasm";
import { BudgetLedger, Catalogue, StreamMeter, TokenCounter, Tokenizer, initSync } from "./tokenmeter.js";
import { guardFreed } from "./freed.js";

initSync({ module: wasm });

guardFreed(Tokenizer, BudgetLedger, Catalogue, TokenCounter, StreamMeter); // freed objects throw a coded error (freed.js)

export * from "./tokenmeter.js";
export const ready = Promise.resolve();
