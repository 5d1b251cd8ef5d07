#!/usr/bin/env bash
# Builds the npm package into pkg/: one flavour of the wasm module per entry
# point (which rank tables and features it carries), each through wasm-bindgen,
# wasm-opt and esbuild, with the per-runtime entry points from js/, the types
# and the manifest from pkg.json.
#
# Incremental. A flavour is made in three steps, and the output of each is
# cached under target/wasm/cache/<flavour>/ by the sha256 of what goes into it
# (the paths and contents of its input files, tracked or not; the tools'
# versions; the commands and settings), so that editing any input, not merely
# touching it, redoes that step and the ones after it, and a step whose inputs
# are unchanged is skipped:
#   1. cargo                                 -> wasm/<key>.wasm
#   2. wasm-bindgen, fast-strings, wasm-opt  -> opt/<key>/
#   3. the entry modules of js/, esbuild     -> dist/<key>/
# On a checkout that is already built the whole build takes a few seconds
# (docs/performance.md, "Build times"); a stale flavour is never packaged.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
settings="$(scripts/tools.sh)"  # fails the build when a tool cannot be installed
eval "$settings"

# One flavour per entry point of data/entry-points.json, with the cargo
# features of its encodings' rank files (ENTRIES, FEATURES).
eval "$(node scripts/entries.mjs features)"
flavours="${FLAVOURS:-$ENTRIES}"
cache=target/wasm/cache
keep=3  # entries kept per step and flavour, so that undoing an edit is free too

# Assembled in pkg-build/ and moved to pkg/ at the end, so that a failed build
# leaves no half package behind.
stage=pkg-build
rm -rf "$stage"
mkdir -p "$stage/dist" "$cache"

# Step 2: the glue and the optimised module of one flavour's wasm.
optimise() {
  local raw="$1" out="$2"
  # --weak-refs: objects that own wasm memory (BudgetLedger, Tokenizer,
  # Catalogue) are also freed by the garbage collector.
  "$WASM_BINDGEN" --target web --weak-refs --out-dir "$out" --out-name tokenmeter "$raw"
  # Strings go into wasm memory by TextEncoder.encodeInto, not a loop per
  # character (the script says why).
  node scripts/fast-strings.mjs "$out/tokenmeter.js"
  # wasm-opt: the features are those rustc's LLVM 22 enables for wasm32 by
  # default (listed, not --all-features, so that wasm-opt introduces no other).
  # -Oz without memory-packing: packing drops the zero runs of the rank tables
  # but the split segments gzip 33 KB worse; -Oz is 1 KB (gzip) smaller than
  # -O3 and not measurably slower (docs/performance.md, "wasm-opt").
  "$WASM_OPT" -Oz --skip-pass=memory-packing \
    --enable-bulk-memory --enable-bulk-memory-opt --enable-call-indirect-overlong \
    --enable-sign-ext --enable-nontrapping-float-to-int \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    --strip-debug --strip-producers --strip-target-features \
    "$out/tokenmeter_bg.wasm" -o "$out/tokenmeter_bg.wasm"
  rm -f "$out/tokenmeter.d.ts" "$out/tokenmeter_bg.wasm.d.ts"
}

# Step 3: the entry modules next to the glue, all minified: 2 KB (gzip) less
# per entry point; names are kept, since freed.js names a class in its error.
# The readable sources are js/ and src/wasm/.
assemble() {
  local opt="$1" out="$2"
  cp -R "$opt" "$out"
  cp js/node.js js/browser.js js/workerd.js js/freed.js "$out/"
  find "$out" -name '*.js' -print0 | while IFS= read -r -d '' f; do
    "$ESBUILD" "$f" --minify --keep-names --format=esm --log-level=warning --outfile="$f" --allow-overwrite
  done
}

# Runs a step into `<dir>.tmp`, then moves it into place: an entry exists only
# once it is complete. The oldest entries beyond $keep go.
cached() {
  local dir="$1"; shift
  rm -rf "$dir.tmp"
  mkdir -p "$(dirname "$dir")"
  "$@" "$dir.tmp"
  rm -rf "$dir"
  mv "$dir.tmp" "$dir"
  prune "$(dirname "$dir")"
}
prune() { ls -1dt "$1"/* 2>/dev/null | tail -n +$((keep + 1)) | xargs -r rm -rf; }
key() { echo "$*" | sha256sum | cut -c1-64; }
cargo_args="--target-dir target/wasm --no-default-features --features"

# What each step reads, beyond the previous step's output and the features.
cargo_inputs() {
  find src build data -type f -print0 | sort -z | xargs -0 sha256sum
  sha256sum build.rs Cargo.toml Cargo.lock
  echo "$WASM_CARGO $cargo_args"
  rustc -vV
  [ ! -x /usr/bin/rustc ] || /usr/bin/rustc -vV
  cargo -V
  env | grep -E '^(RUSTFLAGS|CARGO_ENCODED_RUSTFLAGS|RUSTC_WRAPPER|CARGO_PROFILE_|CARGO_BUILD_|CARGO_TARGET_WASM32)' | sort || true
}
optimise_inputs() {
  declare -f optimise
  sha256sum scripts/fast-strings.mjs
  "$WASM_BINDGEN" --version
  "$WASM_OPT" --version
  node --version
}
assemble_inputs() {
  declare -f assemble
  find js -type f -print0 | sort -z | xargs -0 sha256sum
  "$ESBUILD" --version
}
cargo_common="$(cargo_inputs | sha256sum | cut -c1-64)"
optimise_common="$(optimise_inputs | sha256sum | cut -c1-64)"
assemble_common="$(assemble_inputs | sha256sum | cut -c1-64)"

# Step 2 of one flavour runs in the background while cargo builds the next
# one (cargo's last step, LTO into one codegen unit, uses one core; wasm-opt
# takes the other).
declare -A dists
pids=()
for flavour in $flavours; do
  wasm_key="$(key "$cargo_common ${FEATURES[$flavour]}")"
  opt_key="$(key "$optimise_common $wasm_key")"
  dist_key="$(key "$assemble_common $opt_key")"
  raw="$cache/$flavour/wasm/$wasm_key.wasm"
  opt="$cache/$flavour/opt/$opt_key"
  dist="$cache/$flavour/dist/$dist_key"
  dists[$flavour]="$dist"
  if [ -f "$dist/tokenmeter_bg.wasm" ]; then
    echo "build: $flavour is up to date (${dist_key:0:12})"
    touch "$dist"
    continue
  fi
  if [ -f "$opt/tokenmeter_bg.wasm" ]; then
    echo "build: $flavour: its optimised wasm is up to date (${opt_key:0:12})"
    touch "$opt"
    cached "$dist" assemble "$opt"
    continue
  fi
  if [ -f "$raw" ]; then
    echo "build: $flavour: its wasm is up to date (${wasm_key:0:12})"
    touch "$raw"
  else
    echo "build: $flavour (${FEATURES[$flavour]})"
    # shellcheck disable=SC2086 # both are lists of words
    $WASM_CARGO $cargo_args "${FEATURES[$flavour]}"
    mkdir -p "$(dirname "$raw")"
    cp target/wasm/wasm32-unknown-unknown/release/tokenmeter.wasm "$raw.tmp"
    mv "$raw.tmp" "$raw"
    prune "$(dirname "$raw")"
  fi
  {
    cached "$opt" optimise "$raw"
    cached "$dist" assemble "$opt"
    echo "build: $flavour optimised"
  } &
  pids+=($!)
done
for pid in "${pids[@]}"; do
  wait "$pid" || { echo "build: wasm-bindgen, wasm-opt or esbuild failed" >&2; exit 1; }
done
for flavour in $flavours; do
  cp -R "${dists[$flavour]}" "$stage/dist/$flavour"
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
# The open-weight vocabularies' terms, next to the entry points that carry them.
node scripts/licences.mjs "$stage"
# The adapters and the command line: plain JS over the package (not minified:
# they run in Node or a bundler, where size does not count as in a Worker).
cp -R js/adapters "$stage/adapters"
cp -R bin "$stage/bin"
chmod +x "$stage/bin/tokenmeter.mjs"
# Smoke test, also of the flavours taken from the cache: each loads in Node
# and counts (one process for all of them).
node --input-type=module -e '
  const [dir, ...flavours] = process.argv.slice(1);
  for (const flavour of flavours) {
    const tm = await import(`${dir}/dist/${flavour}/node.js`);
    const n = tm.countTokens("hello world");
    if (n !== 2) throw new Error(`${flavour}: countTokens("hello world") = ${n}`);
    console.log(`build: ${flavour} carries ${tm.bundledEncodings().join(", ")}`);
  }
' "$root/$stage" $flavours
# Smoke test: the command line counts (it imports the package by its name,
# which resolves to the package itself), and the AI SDK adapter loads.
n="$(printf 'hello world' | node "$stage/bin/tokenmeter.mjs" count)"
[ "$n" = "2" ] || { echo "build: tokenmeter count printed '$n', not 2" >&2; exit 1; }
node --input-type=module -e 'const a = await import(process.argv[1]); if (typeof a.meterMiddleware !== "function") throw new Error("no meterMiddleware");' "$root/$stage/adapters/ai-sdk.js"
echo "build: the tokenmeter command counts; tokenmeter/ai-sdk loads"
rm -rf pkg
mv "$stage" pkg
echo "build: pkg/ is tokenmeter $version"
