// The page's service worker: once the page has been loaded, it keeps working
// offline. It stores the page's files and the package (JS and .wasm) in one
// cache per version and answers those requests from it first; any other
// request goes to the network as usual.
//
// The list and the version come from vendor/precache.js, which
// scripts/vendor.mjs writes next to the package (a hash of the files' bytes).
// A new version changes that file, so the browser installs this worker again:
// the new version's files are fetched from the server (the HTTP cache only
// after the server confirms it) into a new cache, and the old caches are deleted once it takes over.
/* global PRECACHE */
importScripts("vendor/precache.js");

// Per location, so that two copies of the page on one origin keep their own caches.
const PREFIX = `tokenmeter-www ${new URL(".", self.location).pathname} `;
const CACHE = PREFIX + PRECACHE.version;
// The page is kept under its directory's address, which every static host serves.
const INDEX = new URL("./", self.location).href;
const urls = new Set(PRECACHE.files.map((file) => new URL(file === "index.html" ? "./" : file, self.location).href));

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    try {
      await Promise.all([...urls].map(async (url) => {
        // Checked with the server, not taken unchecked from the HTTP cache: a stale .wasm must not enter a new version.
        const response = await fetch(url, { cache: "no-cache" });
        if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
        // A redirected response cannot answer a navigation: keep its body and headers only.
        await cache.put(url, response.redirected ? new Response(await response.blob(), response) : response);
      }));
    } catch (e) {
      // All or nothing: the install fails, and the worker in place (if any)
      // keeps serving its own complete version.
      await caches.delete(CACHE);
      throw e;
    }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  const path = url.origin + url.pathname;
  // The page itself, by its directory or by name, whatever the query (the state is in the fragment).
  if (request.mode === "navigate" && (path === INDEX || path === `${INDEX}index.html`)) {
    event.respondWith(fromCache(INDEX, request));
  } else if (!url.search && urls.has(path)) {
    event.respondWith(fromCache(path, request));
  }
});

async function fromCache(key, request) {
  // (caches.match with cacheName does not create the cache when it is gone.)
  const cached = await caches.match(key, { cacheName: CACHE });
  return cached ?? fetch(request);
}
