// Serves www/ as static files on localhost, with the built package copied to
// www/vendor/tokenmeter/ so that the directory can be hosted anywhere as is.
// Usage: node scripts/serve.mjs [port]
import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { metaCsp, startStaticServer } from "./static-server.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
if (!existsSync(`${root}/pkg/package.json`)) {
  console.error("serve: pkg/ is missing; run `make build` first");
  process.exit(1);
}
rmSync(`${root}/www/vendor/tokenmeter`, { recursive: true, force: true });
cpSync(`${root}/pkg`, `${root}/www/vendor/tokenmeter`, { recursive: true });

const port = Number(process.argv[2] ?? 8080);
// The page's policy as a header too, as a static host would send it: a header
// (unlike the <meta>) also governs the counting worker, which compiles the wasm.
const csp = metaCsp(readFileSync(`${root}/www/index.html`, "utf8"));
const server = await startStaticServer(`${root}/www`, port, csp ? { "content-security-policy": csp } : {});
console.log(`tokenmeter calculator: http://localhost:${server.address().port}/`);
