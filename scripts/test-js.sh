#!/usr/bin/env bash
# Packs pkg/ with npm, installs the tarball by its name into tests/js/, and runs
# the JS tests: Node, workerd (Miniflare) and headless Chromium.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
[ -d node_modules/miniflare ] && [ -d node_modules/playwright-core ] || npm install --no-audit --no-fund --silent
if [ ! -x /usr/bin/chromium ]; then
  echo "test-js: installing Debian's chromium for the browser tests"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; else sudo apt-get install -y chromium; fi
fi
mkdir -p target/npm
rm -f target/npm/tokenmeter-*.tgz
(cd pkg && npm pack --silent --pack-destination ../target/npm >/dev/null)
cp target/npm/tokenmeter-*.tgz target/npm/tokenmeter.tgz
# A fresh install of the tarball, as a user would get it.
rm -rf tests/js/node_modules tests/js/package-lock.json
(cd tests/js && npm install --no-audit --no-fund --silent --no-package-lock)
node --test --test-concurrency=1 tests/js/
