// Node: read the .wasm next to this file and instantiate it synchronously.
import { readFileSync } from "node:fs";
import { BudgetLedger, Catalogue, StreamMeter, TokenCounter, Tokenizer, initSync } from "./tokenmeter.js";
import { guardFreed } from "./freed.js";

initSync({ module: readFileSync(new URL("./tokenmeter_bg.wasm", import.meta.url)) });

guardFreed(Tokenizer, BudgetLedger, Catalogue, TokenCounter, StreamMeter); // freed objects throw a coded error (freed.js)

export * from "./tokenmeter.js";
export const ready = Promise.resolve();
