// Serves www/ as static files on localhost, with the built package copied to
// www/vendor/tokenmeter/ and the service worker's precache list written to
// www/vendor/precache.js (scripts/vendor.mjs), so that the directory can be
// hosted anywhere as is.
// Usage: node scripts/serve.mjs [port]
import { existsSync, readFileSync, watch } from "node:fs";
import { fileURLToPath } from "node:url";
import { metaCsp, startStaticServer } from "./static-server.mjs";
import { vendorPackage, writePrecache } from "./vendor.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
if (!existsSync(`${root}/pkg/package.json`)) {
  console.error("serve: pkg/ is missing; run `make build` first");
  process.exit(1);
}
const { version, files, bytes } = vendorPackage(root);
console.log(`offline: ${files.length} files (${(bytes / 1024).toFixed(0)} KiB) precached as version ${version}`);

// An edited page file gets a new version, so that the service worker fetches it
// (the reload after the one that noticed the change shows it).
let timer = 0;
watch(`${root}/www`, { recursive: true }, (_, file) => {
  if (!file || String(file).startsWith("vendor")) return;
  clearTimeout(timer);
  timer = setTimeout(() => {
    try {
      console.log(`offline: ${file} changed; version ${writePrecache(`${root}/www`).version}`);
    } catch (e) {
      console.error(`offline: ${e.message}`);
    }
  }, 100);
});

const port = Number(process.argv[2] ?? 8080);
// The page's policy as a header too, as a static host would send it: a header
// (unlike the <meta>) also governs the counting worker, which compiles the wasm,
// and the service worker.
const csp = metaCsp(readFileSync(`${root}/www/index.html`, "utf8"));
const server = await startStaticServer(`${root}/www`, port, csp ? { "content-security-policy": csp } : {});
console.log(`tokenmeter calculator: http://localhost:${server.address().port}/`);
