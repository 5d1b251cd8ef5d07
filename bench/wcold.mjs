// Section 8b, cold start in workerd: for each contender a Worker, bundled as
// wrangler bundles one (esbuild, workerd conditions, every .wasm a compiled
// module beside the script), served by a new workerd process for every run
// (so a new isolate), the contenders taking turns; then one request counts a
// sentence with o200k_base, and a second.
//
// workerd itself, the binary Miniflare runs, with a config of our own:
// Miniflare's Node side serialises the modules for workerd, which cost
// 120-160 ms of Node's CPU per start for a 2-3 MB Worker (bench/PROFILE.md,
// 2026-12-08), a cost of the local tooling that no deployed Worker pays.
//
// Two clocks, both real:
// - outside (Node's performance.now()): spawning `workerd serve` until it
//   reports its socket listening (the Worker is loaded and its top level has
//   run by then), and the first request, on a new connection, until its body
//   is read. Both include workerd's own start and HTTP; an empty Worker is
//   run the same way and the report subtracts its medians.
// - inside (workerd's Date.now(), 1 ms steps): a module that the bundle
//   evaluates first stamps the start of the top level, the entry stamps its
//   end, and the request stamps each count. Local workerd advances Date.now()
//   during compute, at the top level and in a request; performance.now() is
//   0 at the top level, so it is not used. (Cloudflare's edge stops the clock
//   during compute: there these stamps would read 0.) The first stamp
//   against Node's Date.now() at the spawn splits the start-up into before
//   the top level (starting the process, reading the config, parsing the
//   script, compiling the .wasm modules) and the top level itself.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { bundleWorker } from "../tests/js/worker-harness.mjs";
import { FIRST, SECOND } from "./lib/sentence.mjs";
import { log, median, quantile, save } from "./lib/measure.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const RUNS = Number(process.env.BENCH_COLD_RUNS || 10);
const out = `${here}.wcold-build/`;
// The workerd binary Miniflare runs (the npm package workerd, a dependency of miniflare).
const fromMiniflare = createRequire(fileURLToPath(import.meta.resolve("miniflare")));
const { default: WORKERD, version: WORKERD_VERSION } = fromMiniflare("workerd");

// Each contender's Worker: its imports, its top-level set-up, and `count`,
// the way its README has it in a Worker (tiktoken: init in the request).
const WORKERS = {
  empty: { imports: "", setup: "const count = (t) => 0;" },
  "tm.countTokens": { imports: 'import { countTokens } from "tokenmeter";', setup: "const count = (t) => countTokens(t);" },
  "tm/o200k": { imports: 'import { countTokens } from "tokenmeter/o200k";', setup: "const count = (t) => countTokens(t);" },
  "gpt-tokenizer": { imports: 'import { countTokens } from "gpt-tokenizer/encoding/o200k_base";', setup: "const count = (t) => countTokens(t);" },
  "js-tiktoken": {
    imports: 'import { Tiktoken } from "js-tiktoken/lite";\nimport ranks from "js-tiktoken/ranks/o200k_base";',
    setup: "const enc = new Tiktoken(ranks);\nconst count = (t) => enc.encode(t).length;",
  },
  tiktoken: {
    imports: [
      'import { init, Tiktoken } from "tiktoken/lite/init";',
      'import wasm from "../../node_modules/tiktoken/lite/tiktoken_bg.wasm";',
      'import model from "tiktoken/encoders/o200k_base.json";',
    ].join("\n"),
    setup: `let enc = null;
const count = async (t) => {
  if (!enc) {
    await init((imports) => WebAssembly.instantiate(wasm, imports));
    enc = new Tiktoken(model.bpe_ranks, model.special_tokens, model.pat_str);
  }
  return enc.encode(t).length;
};`,
  },
};

function entrySource({ imports, setup }) {
  return `import "../t0.mjs";
${imports}
${setup}
const t1 = Date.now();
export default {
  async fetch(request) {
    const [first, second] = await request.json();
    const a = Date.now();
    const tokens = await count(first);
    const b = Date.now();
    const tokens2 = await count(second);
    const c = Date.now();
    return Response.json({ tokens, tokens2, t0: globalThis.__wcoldT0, evalMs: t1 - globalThis.__wcoldT0, firstMs: b - a, secondMs: c - b });
  },
};
`;
}

/** Bundles `id`'s Worker into out/<id>/build/ (as the Worker tests do); returns its files and sizes. */
async function bundle(id) {
  const src = `${out}${id.replace("/", "-")}/`;
  mkdirSync(src, { recursive: true });
  writeFileSync(`${src}entry.mjs`, entrySource(WORKERS[id]));
  const { dir, files, raw } = await bundleWorker(`${src}entry.mjs`, `${src}build/`);
  writeFileSync(join(dir, "config.capnp"), config({ files }));
  const gzip = files.reduce((n, f) => n + gzipSync(readFileSync(join(dir, f)), { level: 9 }).length, 0);
  return { dir, files, raw, gzip };
}

/** workerd's capnp config for the Worker in `b.dir`: its modules embedded, one HTTP socket. */
function config(b) {
  const modules = b.files.map((f) => `(name = "${f}", ${f.endsWith(".wasm") ? "wasm" : "esModule"} = embed "${f}")`);
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ ${modules.join(", ")} ],
  compatibilityDate = "2025-09-01",
);
`;
}

/** POSTs `body` to 127.0.0.1:`port` on a new connection; resolves to the parsed JSON answer. */
function post(port, body) {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: "POST", path: "/", agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`HTTP ${res.statusCode}: ${text}`))));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * One cold start of a bundled Worker: a new workerd process (so a new
 * isolate) until it listens, then its first request, which counts twice.
 */
async function coldRun(b) {
  const wall0 = Date.now();
  const t0 = performance.now();
  const proc = spawn(WORKERD, ["serve", "config.capnp", "--control-fd=3"], { cwd: b.dir, stdio: ["ignore", "ignore", "inherit", "pipe"] });
  const exited = new Promise((resolve) => proc.on("exit", resolve));
  try {
    // workerd reports each socket it listens on as a JSON line on the control fd.
    const port = await new Promise((resolve, reject) => {
      let lines = "";
      proc.stdio[3].on("data", (d) => {
        lines += d;
        const m = /"event":"listen","socket":"http","port":(\d+)/.exec(lines);
        if (m) resolve(Number(m[1]));
      });
      exited.then((code) => reject(new Error(`workerd exited (${code}) before listening`)));
    });
    const t1 = performance.now();
    const wallListen = Date.now();
    const r = await post(port, JSON.stringify([FIRST, SECOND]));
    const t2 = performance.now();
    return {
      listenMs: t1 - t0,
      fetchMs: t2 - t1,
      beforeTopMs: r.t0 - wall0,
      evalMs: r.evalMs,
      afterTopMs: wallListen - (r.t0 + r.evalMs),
      firstMs: r.firstMs,
      secondMs: r.secondMs,
      tokens: r.tokens,
      tokens2: r.tokens2,
    };
  } finally {
    proc.kill();
    await exited;
  }
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(`${out}t0.mjs`, "globalThis.__wcoldT0 = Date.now();\n");
const manifest = JSON.parse(readFileSync(`${here}node_modules/tokenmeter/package.json`, "utf8"));
const ids = Object.keys(WORKERS).filter((id) => id !== "tm/o200k" || manifest.exports["./o200k"]);
if (!ids.includes("tm/o200k")) console.error("   (this tokenmeter build has no tokenmeter/o200k: skipped)");
try {
  const bundles = {};
  for (const id of ids) bundles[id] = await bundle(id);
  const runs = Object.fromEntries(ids.map((id) => [id, []]));
  for (let r = 0; r < RUNS; r++) {
    for (let k = 0; k < ids.length; k++) {
      const id = ids[(r + k) % ids.length];
      runs[id].push(await coldRun(bundles[id]));
    }
  }
  const stat = (xs) => ({ median: median(xs), p75: quantile(xs, 0.75), samples: xs });
  const cold = {};
  for (const id of ids) {
    const rs = runs[id];
    cold[id] = { raw: bundles[id].raw, gzip: bundles[id].gzip, files: bundles[id].files, tokens: rs[0].tokens, tokens2: rs[0].tokens2 };
    for (const k of ["listenMs", "fetchMs", "beforeTopMs", "evalMs", "afterTopMs", "firstMs", "secondMs"]) cold[id][k] = stat(rs.map((x) => x[k]));
    const bad = rs.filter((x) => x.tokens !== rs[0].tokens || x.tokens2 !== rs[0].tokens2);
    if (bad.length) console.error(`\n  !!! ${id} counted differently across runs\n`);
    log(`wcold ${id}: ${(cold[id].raw / 1e6).toFixed(3)} MB; listening after ${cold[id].listenMs.median.toFixed(1)} ms (top level ${cold[id].evalMs.median} ms), first request ${cold[id].fetchMs.median.toFixed(1)} ms (count ${cold[id].firstMs.median} ms)`);
  }
  save("wcold", { runs: RUNS, version: WORKERD_VERSION, cold });
} finally {
  rmSync(out, { recursive: true, force: true });
}
