#!/usr/bin/env bash
# Installs what the build needs, where it is missing, and prints the settings
# the other scripts read (`settings="$(scripts/tools.sh)"; eval "$settings"`,
# so that a failed install stops them):
#   WASM_CARGO  how to run cargo for wasm32 (rustup target, or Debian's
#               rustc-web with -Zbuild-std where the rustup target cannot be
#               installed)
#   WASM_BINDGEN, WASM_OPT  the binaries, at the versions the build expects
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
log() { echo "tools: $*" >&2; }
# Debian packages are installed when running as root; otherwise it says what to install.
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else log "run as root: $*"; exit 1; fi; }

# 1. A Rust toolchain that targets wasm32-unknown-unknown.
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "WASM_CARGO='cargo build --release --target wasm32-unknown-unknown'"
else
  # 1.96 (LLVM 22): the wasm-opt feature list below is LLVM 22's, and
  # bookworm's own 1.85 builds a module 23 KB (gzip) larger. 1.96 comes from
  # bookworm-security, so a package list fetched before it appeared gives 1.85.
  web_rustc_ok() {
    /usr/bin/rustc --print target-list 2>/dev/null | grep -qx wasm32-unknown-unknown \
      && [ -d /usr/lib/rustlib/src/rust/library ] \
      && printf '1.96\n%s\n' "$(/usr/bin/rustc --version | cut -d' ' -f2)" | sort -CV
  }
  install_web_rustc() {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rustc-web rust-web-src >&2
  }
  if ! web_rustc_ok; then
    log "installing Debian's rustc-web and rust-web-src >= 1.96 (the rustup wasm target is not installed)"
    # apt-get update only where the lists were never fetched or are too old.
    ls /var/lib/apt/lists/ 2>/dev/null | grep -q '_Packages' || as_root apt-get update -qq >&2
    { install_web_rustc && web_rustc_ok; } || { as_root apt-get update -qq >&2 && install_web_rustc; }
    web_rustc_ok || { log "rustc-web >= 1.96 is not available: $(/usr/bin/rustc --version 2>&1)"; exit 1; }
  fi
  lld="$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld"
  [ -x "$lld" ] || { log "rust-lld not found at $lld"; exit 1; }
  echo "WASM_CARGO='env RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=$lld cargo build --release --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort'"
fi

# 2. wasm-bindgen-cli at exactly the version of the wasm-bindgen crate.
want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock")"
bindgen=""
for candidate in "$tools/bin/wasm-bindgen" "$(command -v wasm-bindgen || true)"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ] && [ "$("$candidate" --version 2>/dev/null)" = "wasm-bindgen $want" ]; then
    bindgen="$candidate"; break
  fi
done
if [ -z "$bindgen" ]; then
  log "installing wasm-bindgen-cli $want into .tools (about 2 minutes)"
  cargo install -q wasm-bindgen-cli --version "$want" --root "$tools" >&2
  bindgen="$tools/bin/wasm-bindgen"
fi
echo "WASM_BINDGEN='$bindgen'"

# 3. wasm-opt from npm's binaryen (Debian's is too old for LLVM 22 output),
# and esbuild, which minifies the shipped JS; both npm dev dependencies.
binaryen_version="$(node -p "require('$root/package.json').devDependencies.binaryen")"
opt="$root/node_modules/.bin/wasm-opt"
esbuild="$root/node_modules/.bin/esbuild"
if [ ! -x "$opt" ] || [ ! -x "$esbuild" ] || [ "$(node -p "require('$root/node_modules/binaryen/package.json').version" 2>/dev/null)" != "$binaryen_version" ]; then
  log "installing the npm dev dependencies (binaryen $binaryen_version)"
  (cd "$root" && npm install --no-audit --no-fund --silent >&2)
fi
echo "WASM_OPT='$opt'"
echo "ESBUILD='$esbuild'"
