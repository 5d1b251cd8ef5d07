#!/usr/bin/env bash
# The JS tests, against the package as a user gets it: packs pkg/ with npm,
# installs the tarball by its name into tests/js/, and runs node:test there,
# one layer at a time:
#   node     every tests/js/*.test.mjs but the ones below (Node, by name)
#   workerd  the files that import miniflare (Workers run in real workerd)
#   browser  the files that import playwright-core (headless Chromium)
# Usage: scripts/test-js.sh [node|workerd|browser ...]   (default: all three)
# Expects pkg/ (make build); `make test-js` builds it first.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
layers=("$@")
[ ${#layers[@]} -gt 0 ] || layers=(node workerd browser)
[ -f pkg/package.json ] || { echo "test-js: pkg/ is missing; run \`make build\` first" >&2; exit 1; }

# Debian packages are installed when running as root; otherwise it says what to install.
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else echo "test-js: run as root: $*" >&2; exit 1; fi; }

# The tooling's npm dependencies (esbuild, miniflare, playwright-core,
# binaryen; ai, openai and @anthropic-ai/sdk for the adapters' tests): installed
# when any one of package.json's is missing.
if ! node -e '
  const fs = require("fs");
  const deps = Object.keys(require("./package.json").devDependencies);
  process.exit(deps.every((d) => fs.existsSync(`node_modules/${d}/package.json`)) ? 0 : 1);
'; then
  npm install --no-audit --no-fund --silent
fi
# Debian's Chromium for the browser layer (a test tool's own browser download
# cannot work here; never `npx playwright install`).
if [[ " ${layers[*]} " == *" browser "* ]] && [ ! -x /usr/bin/chromium ]; then
  echo "test-js: installing Debian's chromium for the browser tests"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi

# The tarball, installed fresh by its name, as a user would get it.
mkdir -p target/npm
rm -f target/npm/tokenmeter-*.tgz target/npm/tokenmeter.tgz
(cd pkg && npm pack --silent --pack-destination ../target/npm >/dev/null)
cp target/npm/tokenmeter-*.tgz target/npm/tokenmeter.tgz
rm -rf tests/js/node_modules tests/js/package-lock.json
(cd tests/js && npm install --no-audit --no-fund --silent --no-package-lock)
echo "test-js: installed $(node -p 'const m = require("./tests/js/node_modules/tokenmeter/package.json"); m.name + "@" + m.version') from target/npm/tokenmeter.tgz"

failed=()
for layer in "${layers[@]}"; do
  case "$layer" in node | workerd | browser) ;; *) echo "test-js: unknown layer $layer (node, workerd, browser)" >&2; exit 2 ;; esac
  files=()
  for f in tests/js/*.test.mjs; do
    if grep -q 'from "miniflare"' "$f"; then kind=workerd
    elif grep -q 'from "playwright-core"' "$f"; then kind=browser
    else kind=node; fi
    if [ "$kind" = "$layer" ]; then files+=("$f"); fi
  done
  [ ${#files[@]} -gt 0 ] || { echo "test-js: no test files for $layer" >&2; failed+=("$layer"); continue; }
  scripts/step.sh "js-$layer" node --test --test-concurrency=1 "${files[@]}" || failed+=("$layer")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "test-js: failed: ${failed[*]}" >&2
  exit 1
fi
