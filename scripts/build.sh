#!/usr/bin/env bash
# Builds the npm package into pkg/: three flavours of the wasm module (which
# rank tables they carry), each through wasm-bindgen and wasm-opt, with the
# per-runtime entry points from js/, the types and the manifest from pkg.json.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
settings="$(scripts/tools.sh)"  # fails the build when a tool cannot be installed
eval "$settings"

# One flavour per entry point of data/entry-points.json, with the cargo
# features of its encodings' rank files (ENTRIES, FEATURES).
eval "$(node scripts/entries.mjs features)"
flavours="${FLAVOURS:-$ENTRIES}"

# Assembled in pkg-build/ and moved to pkg/ at the end, so that a failed build
# leaves no half package behind.
stage=pkg-build
rm -rf "$stage"
mkdir -p "$stage/dist" target/wasm
# wasm-bindgen and wasm-opt of one flavour; runs in the background while
# cargo builds the next one (cargo's last step, LTO into one codegen unit, uses
# one core; wasm-opt takes the other).
finish() {
  local flavour="$1" out="$stage/dist/$1"
  # --weak-refs: objects that own wasm memory (BudgetLedger, Tokenizer) are
  # also freed by the garbage collector.
  "$WASM_BINDGEN" --target web --weak-refs --out-dir "$out" --out-name tokenmeter "target/wasm/tokenmeter-$flavour.wasm"
  # Strings go into wasm memory by TextEncoder.encodeInto, not a loop per
  # character (the script says why).
  node scripts/fast-strings.mjs "$out/tokenmeter.js"
  # wasm-opt: the features are those rustc's LLVM 22 enables for wasm32 by
  # default (listed, not --all-features, so that wasm-opt introduces no other).
  # -Oz without memory-packing: packing drops the zero runs of the rank tables
  # but the split segments gzip 33 KB worse; -Oz is 1 KB (gzip) smaller than
  # -O3 and not measurably slower (DEVELOPERS.md, "wasm-opt").
  "$WASM_OPT" -Oz --skip-pass=memory-packing \
    --enable-bulk-memory --enable-bulk-memory-opt --enable-call-indirect-overlong \
    --enable-sign-ext --enable-nontrapping-float-to-int \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    --strip-debug --strip-producers --strip-target-features \
    "$out/tokenmeter_bg.wasm" -o "$out/tokenmeter_bg.wasm"
  rm -f "$out/tokenmeter.d.ts" "$out/tokenmeter_bg.wasm.d.ts"
  cp js/node.js js/browser.js js/workerd.js js/freed.js "$out/"
  # The shipped JS is minified, 2 KB (gzip) less per entry point; names are
  # kept, since freed.js names a class in its error. The readable sources are
  # js/ and src/wasm/.
  find "$out" -name '*.js' -print0 | while IFS= read -r -d '' f; do
    "$ESBUILD" "$f" --minify --keep-names --format=esm --log-level=warning --outfile="$f" --allow-overwrite
  done
  echo "build: $flavour optimised"
}

pids=()
for flavour in $flavours; do
  echo "build: $flavour (${FEATURES[$flavour]})"
  $WASM_CARGO --target-dir target/wasm --no-default-features --features "${FEATURES[$flavour]}"
  cp target/wasm/wasm32-unknown-unknown/release/tokenmeter.wasm "target/wasm/tokenmeter-$flavour.wasm"
  finish "$flavour" &
  pids+=($!)
done
for pid in "${pids[@]}"; do
  wait "$pid" || { echo "build: wasm-bindgen or wasm-opt failed" >&2; exit 1; }
done

version="$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)"
# The exports: one per wasm entry point (data/entry-points.json), then the
# JavaScript-only ones that pkg.json lists itself (adapters such as
# tokenmeter/ai-sdk, which import the package by name and carry no wasm).
node -e '
  const fs = require("fs");
  const m = JSON.parse(fs.readFileSync("pkg.json", "utf8"));
  m.version = process.argv[1];
  const wasm = JSON.parse(process.argv[3]);
  for (const k of Object.keys(m.exports ?? {})) {
    if (k in wasm) throw new Error(`pkg.json exports ${k}, which is a wasm entry point`);
  }
  m.exports = { ...wasm, ...m.exports };
  fs.writeFileSync(process.argv[2] + "/package.json", JSON.stringify(m, null, 2) + "\n");
' "$version" "$stage" "$(node scripts/entries.mjs exports)"
node scripts/model-types.mjs > "$stage/models.d.ts"
cp js/index.d.ts README.md LICENSE "$stage/"
# The adapters and the command line: plain JS over the package (not minified:
# they run in Node or a bundler, where size does not count as in a Worker).
cp -R js/adapters "$stage/adapters"
cp -R bin "$stage/bin"
chmod +x "$stage/bin/tokenmeter.mjs"
# Smoke test: each flavour loads in Node and counts.
for flavour in $flavours; do
  node --input-type=module -e '
    const tm = await import(process.argv[1]);
    const n = tm.countTokens("hello world");
    if (n !== 2) throw new Error(`countTokens("hello world") = ${n}`);
    console.log(`build: ${process.argv[2]} carries ${tm.bundledEncodings().join(", ")}`);
  ' "$root/$stage/dist/$flavour/node.js" "$flavour"
done
# Smoke test: the command line counts (it imports the package by its name,
# which resolves to the package itself), and the AI SDK adapter loads.
n="$(printf 'hello world' | node "$stage/bin/tokenmeter.mjs" count)"
[ "$n" = "2" ] || { echo "build: tokenmeter count printed '$n', not 2" >&2; exit 1; }
node --input-type=module -e 'const a = await import(process.argv[1]); if (typeof a.meterMiddleware !== "function") throw new Error("no meterMiddleware");' "$root/$stage/adapters/ai-sdk.js"
echo "build: the tokenmeter command counts; tokenmeter/ai-sdk loads"
rm -rf pkg
mv "$stage" pkg
echo "build: pkg/ is tokenmeter $version"
