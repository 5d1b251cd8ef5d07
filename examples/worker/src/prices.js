// Prices from a community price map (LiteLLM's, OpenRouter's, genai-prices',
// models.dev's), fetched on a schedule and kept in KV, so that models the
// package's bundled catalogue does not have yet can be checked, reserved and
// settled too.
//
// refreshPrices (the cron trigger) fetches PRICE_MAP_URL, checks that it
// imports (as PRICE_MAP_FORMAT) and adds or updates at least one model, and
// only then stores the raw map: a failed fetch or a bad map leaves the stored
// one in place. pricesFor gives the Worker and the users' Durable Objects a
// Catalogue that imported the stored map (the bundled figures win unless
// PRICE_MAP_PREFER = "imported"), rebuilt in each isolate when the map
// changes; undefined (the bundled catalogue) until a map is stored.
import { Catalogue } from "tokenmeter";

/** The raw map, with { version, format, url, fetchedAt } as its KV metadata. */
const DATA = "price-map";
/** The same metadata and the import's counts: small, read to see whether the map changed. */
const META = "price-map:meta";
const FORMATS = ["litellm", "openrouter", "genai-prices", "models.dev"];
/** KV takes values up to 25 MiB; LiteLLM's map is about 1.5 MB. */
const MAX_BYTES = 20 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 30_000;

/**
 * Fetches the configured map and stores it if it imports. Throws (the cron
 * run then shows as failed) when it cannot; the stored map is kept.
 */
export async function refreshPrices(env, now = Date.now()) {
  if (!env.PRICES || !env.PRICE_MAP_URL) {
    console.log("tokenmeter prices: no PRICES namespace or PRICE_MAP_URL; the bundled prices are used");
    return null;
  }
  const format = env.PRICE_MAP_FORMAT;
  if (!FORMATS.includes(format)) throw new Error(`PRICE_MAP_FORMAT must be one of ${FORMATS.join(", ")}, got ${JSON.stringify(format)}`);
  const url = new URL(env.PRICE_MAP_URL);
  // Only the host is ever logged: a URL may carry a token in its query.
  const where = url.host;
  const fail = (why) => new Error(`tokenmeter prices: ${where}: ${why}; the stored price map is kept`);
  let res;
  try {
    res = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (err) {
    throw fail(`could not be fetched (${err?.name ?? "error"})`);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw fail(`answered ${res.status}`);
  }
  const text = await readText(res, fail);
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    throw fail("the answer is not JSON");
  }
  // Imported once here to check it; each isolate imports it again from KV.
  const probe = new Catalogue();
  let report;
  try {
    report = importInto(probe, data, format, env, fail);
  } finally {
    probe.free();
  }
  if (report.added.length + report.updated.length === 0) throw fail(`no model in it could be imported (${report.skipped.length} entries skipped)`);
  const version = await sha256(text);
  const meta = { version, format, url: `${url.origin}${url.pathname}`, fetchedAt: new Date(now).toISOString() };
  const counts = { added: report.added.length, updated: report.updated.length, skipped: report.skipped.length };
  const stored = await env.PRICES.get(META, { type: "json" });
  // The map first, labelled with its version, then the pointer to it: a
  // reader never sees a version whose map is not stored yet.
  if (stored?.version !== version) await env.PRICES.put(DATA, text, { metadata: meta });
  await env.PRICES.put(META, JSON.stringify({ ...meta, ...counts }));
  console.log(`tokenmeter prices: ${where}: ${counts.added} models added, ${counts.updated} updated, ${counts.skipped} entries skipped`);
  return { ...meta, ...counts };
}

let current = { version: null, catalogue: undefined, checkedAt: -Infinity };
let loading = null;

/**
 * The Catalogue that prices this isolate's calls: the stored map imported
 * into the bundled catalogue, or undefined (the bundled catalogue itself)
 * when none is stored or it cannot be read. Looks for a new map at most
 * every PRICE_MAP_CHECK_MS (default a minute).
 */
export async function pricesFor(env) {
  if (!env.PRICES) return undefined;
  const every = env.PRICE_MAP_CHECK_MS === undefined ? 60_000 : Number(env.PRICE_MAP_CHECK_MS);
  if (Date.now() - current.checkedAt < every) return current.catalogue;
  loading ??= load(env).finally(() => (loading = null));
  return loading;
}

async function load(env) {
  const checkedAt = Date.now();
  try {
    const meta = await env.PRICES.get(META, { type: "json" });
    if (meta && meta.version !== current.version) {
      const { value, metadata } = await env.PRICES.getWithMetadata(DATA, { type: "text" });
      if (value !== null && metadata?.version) {
        const catalogue = new Catalogue();
        try {
          importInto(catalogue, JSON.parse(value), metadata.format, env, (why) => new Error(why));
        } catch (err) {
          catalogue.free();
          throw err;
        }
        // The previous catalogue is not freed here: calls still running may
        // hold it. The garbage collector frees it after them.
        current = { version: metadata.version, catalogue, checkedAt };
      }
    }
  } catch (err) {
    // A map that was good when stored and cannot be read now: keep what this
    // isolate has, and say so.
    console.error("tokenmeter prices: the stored price map could not be loaded", err?.code ?? "", String(err?.message ?? err).slice(0, 200));
  }
  current.checkedAt = checkedAt;
  return current.catalogue;
}

function importInto(catalogue, data, format, env, fail) {
  const options = { format, ...(env.PRICE_MAP_PREFER === "imported" ? { prefer: "imported" } : {}) };
  try {
    return catalogue.import(data, options);
  } catch (err) {
    throw fail(`not a ${format} price map (${err?.code ?? "error"}: ${String(err?.message ?? err).slice(0, 200)})`);
  }
}

async function readText(res, fail) {
  const declared = Number(res.headers.get("content-length") ?? 0);
  if (declared > MAX_BYTES) {
    await res.body?.cancel();
    throw fail(`the map is larger than ${MAX_BYTES} bytes`);
  }
  const reader = res.body.getReader();
  const parts = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BYTES) {
      await reader.cancel();
      throw fail(`the map is larger than ${MAX_BYTES} bytes`);
    }
    parts.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(await new Blob(parts).arrayBuffer());
  } catch {
    throw fail("the answer is not UTF-8");
  }
}

async function sha256(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
