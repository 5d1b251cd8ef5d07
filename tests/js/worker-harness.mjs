// What the tests of examples/worker share: its wrangler.toml read, the
// example's own install of the packed tarball, a bundle made as wrangler
// makes one, a Miniflare instance of it (real workerd, Durable Objects on
// disk), and users' tokens signed as the Worker checks them.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { rmSync } from "node:fs";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { userToken } from "../../examples/worker/src/auth.js";

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, "..", "..");
export const example = join(root, "examples", "worker");
/** The secret the tests' Workers sign tokens with. */
export const AUTH_SECRET = "test-secret-0123456789abcdef-0123456789abcdef";

/** The subset of TOML wrangler.toml uses: tables, arrays of tables, string and string-array values. */
export function parseToml(text) {
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

export function exampleConfig() {
  return parseToml(readFileSync(join(example, "wrangler.toml"), "utf8"));
}

/** A fresh install of the example's dependencies: the packed tarball, by name. */
export function installExample() {
  rmSync(join(example, "node_modules"), { recursive: true, force: true });
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--silent", "--no-package-lock"], { cwd: example, stdio: "inherit" });
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
  // Every module of the upload, as written (what Cloudflare counts) and
  // gzipped (what travels, for reference).
  const files = ["index.js", ...readdirSync(outdir).filter((f) => f.endsWith(".wasm"))];
  const raw = files.reduce((n, f) => n + statSync(join(outdir, f)).size, 0);
  const gzip = files.reduce((n, f) => n + gzipSync(readFileSync(join(outdir, f))).length, 0);
  return { dir: outdir, script: join(outdir, "index.js"), files, raw, gzip };
}

/**
 * The bundled Worker in Miniflare, its Durable Objects and KV namespaces
 * persisted in `persist`, with `bindings` (vars and secrets). `stdio` receives what the
 * Worker writes to its console (stdout and stderr streams).
 */
export async function startWorker({ config, bundle, persist, bindings, stdio }) {
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
    compatibilityFlags: config.compatibility_flags ?? [],
    durableObjects: { [binding.name]: { className: binding.class_name, useSQLite: true } },
    durableObjectsPersist: relative(process.cwd(), persist),
    // wrangler.toml's KV namespaces (the price map), stored next to them.
    kvNamespaces: (config.kv_namespaces ?? []).map((k) => k.binding),
    kvPersist: relative(process.cwd(), persist),
    bindings,
    unsafeDirectSockets: [{ entrypoint: "default", port: 0 }],
    ...(stdio ? { handleRuntimeStdio: stdio } : {}),
  });
  await instance.ready;
  return { instance, ready: performance.now() - t0 };
}

const tokens = new Map();
/** `Authorization` for `user`, signed with the tests' AUTH_SECRET. */
export async function authFor(user, secret = AUTH_SECRET) {
  const k = `${secret}\0${user}`;
  if (!tokens.has(k)) tokens.set(k, `Bearer ${await userToken(secret, user)}`);
  return tokens.get(k);
}
