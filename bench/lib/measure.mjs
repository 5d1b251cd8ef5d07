// Timing helpers: round-robin rounds (the start rotates every round so that no
// contender always runs first or last), medians, and a results file per section.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const RESULTS_DIR = fileURLToPath(new URL("../results/", import.meta.url));

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The q-quantile of `xs` (0 <= q <= 1), interpolated between ranks: median is q = 0.5. */
export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return lo + 1 < s.length ? s[lo] + (s[lo + 1] - s[lo]) * (at - lo) : s[lo];
}

/** Milliseconds that `fn()` takes; returns [ms, result]. */
export function time(fn) {
  const t0 = performance.now();
  const r = fn();
  return [performance.now() - t0, r];
}

/**
 * Runs `rounds` rounds; in each, every id in `ids` runs `fn(id)` once (which
 * returns milliseconds), starting at a rotating position. Returns id -> [ms...].
 */
export function roundRobin(ids, rounds, fn) {
  const out = Object.fromEntries(ids.map((id) => [id, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < ids.length; k++) {
      const id = ids[(r + k) % ids.length];
      out[id].push(fn(id, r));
    }
  }
  return out;
}

export function save(section, data) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}${section}.json`, JSON.stringify(data, null, 1));
}

export function loadResult(section) {
  const f = `${RESULTS_DIR}${section}.json`;
  return existsSync(f) ? JSON.parse(readFileSync(f, "utf8")) : null;
}

/** Logs progress to stderr (stdout is kept for the table). */
export const log = (...a) => console.error("  ", ...a);
