// A small static file server (no dependencies) for the calculator page and
// the browser tests. It sends the headers a static host would, and any the
// caller adds (scripts/serve.mjs adds the page's Content-Security-Policy).
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

/**
 * Serves `dir` on 127.0.0.1:`port` (0: any free port), adding `headers` to
 * every file it sends (e.g. a Content-Security-Policy, which then also governs
 * the page's workers). Resolves to the server.
 */
export function startStaticServer(dir, port = 0, headers = {}) {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, "http://localhost");
      let path = normalize(join(dir, decodeURIComponent(url.pathname)));
      if (!path.startsWith(normalize(dir))) {
        res.writeHead(403).end();
        return;
      }
      if ((await stat(path).catch(() => null))?.isDirectory()) path = join(path, "index.html");
      const body = await readFile(path);
      res.writeHead(200, {
        "content-type": TYPES[extname(path)] ?? "application/octet-stream",
        "cache-control": "no-cache",
        "x-content-type-options": "nosniff",
        ...headers,
      });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

/** The policy of a page's `<meta http-equiv="Content-Security-Policy">`, or null. */
export function metaCsp(html) {
  const meta = html.match(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i);
  return meta ? meta[1].replace(/\s+/g, " ").trim() : null;
}
