// examples/worker in real workerd (Miniflare), for the worker-example*.test.mjs
// files: the example's own package.json installs the packed tarball by name,
// esbuild bundles it the way wrangler does, and Miniflare runs the bundle
// with its Durable Objects on disk. `startWorker(Miniflare)` registers the
// file's before and after hooks; `call` and `post` talk to the Worker.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const example = join(root, "examples", "worker");
// Build output and the Durable Objects' storage, in a directory of this run
// (git-ignored; workerd wants the storage inside the working directory's tree).
const workRoot = join(here, ".worker-example");
let work;
let persist;
let Miniflare;

export let mf;
export let direct; // the Worker's own socket, without Miniflare's entry in front
export let config;
let bundle;

/** The subset of TOML wrangler.toml uses: tables, arrays of tables, string and string-array values. */
function parseToml(text) {
  const out = {};
  let table = out;
  const at = (path, create) => {
    let node = out;
    for (const key of path.split(".")) node = node[key] ??= create();
    return node;
  };
  for (const raw of text.split("\n")) {
    const line = raw.replace(/^\s*#.*$/, "").replace(/\s+#[^"]*$/, "").trim();
    if (!line) continue;
    let m;
    if ((m = /^\[\[([\w.]+)\]\]$/.exec(line))) {
      const list = at(m[1], () => []);
      list.push((table = {}));
    } else if ((m = /^\[([\w.]+)\]$/.exec(line))) {
      table = at(m[1], () => ({}));
    } else if ((m = /^([\w-]+)\s*=\s*(.+)$/.exec(line))) {
      table[m[1]] = JSON.parse(m[2]);
    } else {
      throw new Error(`wrangler.toml: cannot read ${JSON.stringify(line)}`);
    }
  }
  return out;
}

/**
 * Bundles like wrangler: workerd conditions, cloudflare:* external, .wasm
 * imports as modules next to the script. `entryPoint` imports "tokenmeter"
 * as another entry point (e.g. "tokenmeter/o200k"), to measure its size.
 */
export async function bundleWorker(entry, outdir, entryPoint) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const wasm = {
    name: "wasm-modules",
    setup(b) {
      b.onResolve({ filter: /\.wasm$/ }, (args) => {
        const file = join(args.resolveDir, args.path);
        copyFileSync(file, join(outdir, basename(file)));
        return { path: `./${basename(file)}`, external: true };
      });
      if (entryPoint) {
        b.onResolve({ filter: /^tokenmeter$/ }, (args) =>
          b.resolve(entryPoint, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer }),
        );
      }
    },
  };
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "import"],
    external: ["cloudflare:*"],
    plugins: [wasm],
    outfile: join(outdir, "index.js"),
    logLevel: "warning",
  });
  // Cloudflare counts a Worker's size compressed: every module, gzipped.
  const files = ["index.js", ...readdirWasm(outdir)];
  const raw = files.reduce((n, f) => n + statSync(join(outdir, f)).size, 0);
  const gzip = files.reduce((n, f) => n + gzipSync(readFileSync(join(outdir, f))).length, 0);
  return { dir: outdir, script: join(outdir, "index.js"), files, raw, gzip };
}

function readdirWasm(dir) {
  return readdirSync(dir).filter((f) => f.endsWith(".wasm"));
}

export function vars({ shipped = false } = {}) {
  if (shipped) return { ...config.vars };
  return { ...config.vars, DAILY_BUDGET_USD: "1", ALLOW_TIME_OVERRIDE: "1" };
}

async function start(bindings) {
  const binding = config.durable_objects.bindings[0];
  const t0 = performance.now();
  const instance = new Miniflare({
    modules: true,
    scriptPath: relative(process.cwd(), bundle.script),
    modulesRoot: relative(process.cwd(), bundle.dir),
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: config.compatibility_date,
    durableObjects: { [binding.name]: { className: binding.class_name, useSQLite: true } },
    durableObjectsPersist: relative(process.cwd(), persist),
    bindings,
    unsafeDirectSockets: [{ entrypoint: "default", port: 0 }],
  });
  await instance.ready;
  const ready = performance.now() - t0;
  return { instance, ready };
}

/**
 * Before the file's tests: a fresh install of the example, its wrangler.toml
 * read and checked, the bundle (and with `sizes`, the tokenmeter/o200k one
 * too, both sizes printed), and the Worker started with `vars()` and asked
 * once. `MiniflareClass` is the caller's import of miniflare's Miniflare.
 */
export function startWorker(MiniflareClass, { sizes = false } = {}) {
  Miniflare = MiniflareClass;
  before(async () => {
    mkdirSync(workRoot, { recursive: true });
    work = mkdtempSync(join(workRoot, "run-"));
    persist = join(work, "persist");
    // A fresh install of the example's dependencies: the packed tarball, by name.
    rmSync(join(example, "node_modules"), { recursive: true, force: true });
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--silent", "--no-package-lock"], { cwd: example, stdio: "inherit" });
    const manifest = JSON.parse(readFileSync(join(example, "package.json"), "utf8"));
    assert.equal(manifest.dependencies.tokenmeter, "file:../../target/npm/tokenmeter.tgz");

    config = parseToml(readFileSync(join(example, "wrangler.toml"), "utf8"));
    const binding = config.durable_objects.bindings[0];
    assert.ok(config.migrations.some((m) => m.new_sqlite_classes?.includes(binding.class_name)), "a new_sqlite_classes migration for the Durable Object");
    assert.equal(config.vars.ALLOW_TIME_OVERRIDE, undefined, "the shipped wrangler.toml does not allow time injection");
    assert.match(config.vars.DAILY_BUDGET_USD, /^\d+(\.\d+)?$/);

    bundle = await bundleWorker(join(example, config.main), join(work, "build"));
    if (sizes) {
      const o200k = await bundleWorker(join(example, config.main), join(work, "build-o200k"), "tokenmeter/o200k");
      const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
      console.log(`# worker bundle (default): ${kb(bundle.raw)} raw, ${kb(bundle.gzip)} gzip (${bundle.files.join(", ")})`);
      console.log(`# worker bundle (tokenmeter/o200k): ${kb(o200k.raw)} raw, ${kb(o200k.gzip)} gzip`);
    }

    const { instance, ready } = await start(vars());
    mf = instance;
    direct = await mf.unsafeGetDirectURL();
    const t0 = performance.now();
    const first = await post("/v1/preflight", { model: "gpt-4o", messages: [{ role: "user", content: "Hello" }], max_tokens: 10 });
    const firstMs = performance.now() - t0;
    assert.equal(first.status, 200);
    console.log(`# cold start: Miniflare ready in ${ready.toFixed(0)} ms, first request ${firstMs.toFixed(1)} ms`);
  });

  after(async () => {
    await mf?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  });
}

/** The bundled Worker's size, gzipped (every module), once started. */
export const bundledGzip = () => bundle.gzip;

/**
 * Stops the Worker and starts it again over the same storage with
 * `bindings`; returns the milliseconds Miniflare took to be ready.
 */
export async function restart(bindings) {
  await mf.dispose();
  mf = undefined;
  const { instance, ready } = await start(bindings);
  mf = instance;
  return ready;
}

/** A request to the Worker through Miniflare; the answer must be JSON, with nosniff. */
export async function call(path, { method = "POST", body, headers = {}, raw } = {}) {
  const init = { method, headers: { ...headers } };
  if (raw !== undefined) init.body = raw;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["content-type"] ??= "application/json";
  }
  if (init.body instanceof ReadableStream) init.duplex = "half";
  const res = await mf.dispatchFetch(`http://localhost${path}`, init);
  const text = await res.text();
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/, `${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  return { status: res.status, body: JSON.parse(text) };
}

export const post = (path, body, headers) => call(path, { body, headers });
export const at = (ms) => ({ "x-tokenmeter-now": String(ms) });

// Provider replies in the four formats usageFromResponse reads.
export const REPLIES = [
  { id: "chatcmpl-1", object: "chat.completion", model: "gpt-4o-2024-08-06", usage: { prompt_tokens: 1234, completion_tokens: 567, total_tokens: 1801, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 0 } } },
  { id: "resp_1", object: "response", model: "o3", usage: { input_tokens: 2000, input_tokens_details: { cached_tokens: 0 }, output_tokens: 900, output_tokens_details: { reasoning_tokens: 700 }, total_tokens: 2900 } },
  { id: "msg_1", type: "message", model: "claude-sonnet-4-5", usage: { input_tokens: 50, cache_creation_input_tokens: 2000, cache_read_input_tokens: 10000, output_tokens: 300 } },
  { modelVersion: "gemini-2.5-flash", usageMetadata: { promptTokenCount: 1000, candidatesTokenCount: 200, thoughtsTokenCount: 100, totalTokenCount: 1300 } },
];

