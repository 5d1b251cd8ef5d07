// Node: read the .wasm next to this file and instantiate it synchronously.
import { readFileSync } from "node:fs";
import { initSync } from "./tokenmeter.js";

initSync({ module: readFileSync(new URL("./tokenmeter_bg.wasm", import.meta.url)) });

export * from "./tokenmeter.js";
export const ready = Promise.resolve();
