// Serves www/ as static files on localhost, with the built package copied to
// www/vendor/tokenmeter/ so that the directory can be hosted anywhere as is.
// Usage: node scripts/serve.mjs [port]
import { cpSync, existsSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startStaticServer } from "./static-server.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
if (!existsSync(`${root}/pkg/package.json`)) {
  console.error("serve: pkg/ is missing; run `make build` first");
  process.exit(1);
}
rmSync(`${root}/www/vendor/tokenmeter`, { recursive: true, force: true });
cpSync(`${root}/pkg`, `${root}/www/vendor/tokenmeter`, { recursive: true });

const port = Number(process.argv[2] ?? 8080);
const server = await startStaticServer(`${root}/www`, port);
console.log(`tokenmeter calculator: http://localhost:${server.address().port}/`);
