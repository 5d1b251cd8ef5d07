// Cloudflare Workers: the bundler hands the .wasm over as a compiled module,
// which instantiates synchronously.
import wasm from "./tokenmeter_bg.wasm";
import { initSync } from "./tokenmeter.js";

initSync({ module: wasm });

export * from "./tokenmeter.js";
export const ready = Promise.resolve();
