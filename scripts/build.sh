#!/usr/bin/env bash
# Builds the npm package into pkg/: three flavours of the wasm module (which
# rank tables they carry), each through wasm-bindgen and wasm-opt, with the
# per-runtime entry points from js/, the types and the manifest from pkg.json.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
eval "$(scripts/tools.sh)"

# flavour -> cargo features (the encodings it carries)
declare -A FEATURES=(
  [default]="enc-o200k,enc-cl100k"
  [o200k]="enc-o200k"
  [all]="enc-o200k,enc-cl100k,enc-p50k,enc-r50k"
)
flavours="${FLAVOURS:-default o200k all}"

rm -rf pkg
mkdir -p pkg/dist target/wasm
for flavour in $flavours; do
  echo "build: $flavour (${FEATURES[$flavour]})"
  $WASM_CARGO --target-dir target/wasm --no-default-features --features "wasm,${FEATURES[$flavour]}"
  cp target/wasm/wasm32-unknown-unknown/release/tokenmeter.wasm "target/wasm/tokenmeter-$flavour.wasm"
  out="pkg/dist/$flavour"
  # --weak-refs: objects that own wasm memory (BudgetLedger, Tokenizer) are
  # also freed by the garbage collector.
  "$WASM_BINDGEN" --target web --weak-refs --out-dir "$out" --out-name tokenmeter "target/wasm/tokenmeter-$flavour.wasm"
  "$WASM_OPT" -O3 --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    --strip-debug --strip-producers "$out/tokenmeter_bg.wasm" -o "$out/tokenmeter_bg.wasm"
  rm -f "$out/tokenmeter.d.ts" "$out/tokenmeter_bg.wasm.d.ts"
  cp js/node.js js/browser.js js/workerd.js "$out/"
done

version="$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)"
node -e '
  const fs = require("fs");
  const m = JSON.parse(fs.readFileSync("pkg.json", "utf8"));
  m.version = process.argv[1];
  fs.writeFileSync("pkg/package.json", JSON.stringify(m, null, 2) + "\n");
' "$version"
node scripts/model-types.mjs > pkg/models.d.ts
cp js/index.d.ts README.md LICENSE pkg/
echo "build: pkg/ is tokenmeter $version"
