#!/usr/bin/env bash
# tokenmeter against the npm tokenizers (issue 8), in one command:
#   bench/run.sh                  every section
#   bench/run.sh throughput size  only these (throughput short limit once worst startup size browser
#                                 workerd wcold open); prints the table, leaves bench/RESULTS.md as it was
#                                 (throughput runs short, limit and once too)
# Installs the peers (exact versions in bench/package.json) and the packed
# tokenmeter, runs the sections one after another, prints the Markdown report
# and writes it to bench/RESULTS.md.
#
# tokenmeter comes from target/npm/tokenmeter.tgz, packed here from pkg/ when
# the tarball is missing or older than pkg/ (`make bench` builds pkg/ first).
# TOKENMETER_TGZ=/path/to/tokenmeter.tgz benchmarks that tarball instead;
# BENCH_NOTE="..." adds a line about it to the report.
# Knobs (environment): BENCH_ROUNDS (7), BENCH_COLD_RUNS (10), BENCH_CAP_MS
# (400), BENCH_SHORT_CAP_MS (1200), BENCH_ONCE_RUNS (5), BENCH_WORST_CAP_S (60), BENCH_WORST_SKIP_S (20).
set -euo pipefail
bench="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$bench")"
start=$(date +%s)
export BENCH_LOAD_START="$(cut -d' ' -f1 /proc/loadavg)"

sections=("$@")
write=""
# Only a run of every section rewrites bench/RESULTS.md.
[ ${#sections[@]} -gt 0 ] && write="--no-write" || sections=(throughput worst startup size browser workerd wcold open)
say() { echo "bench: $*" >&2; }

# ---- the tarball ---------------------------------------------------------------
if [ -n "${TOKENMETER_TGZ:-}" ]; then
  tgz="$(cd "$(dirname "$TOKENMETER_TGZ")" && pwd)/$(basename "$TOKENMETER_TGZ")"
else
  tgz="$root/target/npm/tokenmeter.tgz"
  if [ -f "$root/pkg/package.json" ]; then
    if [ ! -f "$tgz" ] || [ -n "$(find "$root/pkg" -newer "$tgz" -print -quit)" ]; then
      say "packing pkg/ -> target/npm/tokenmeter.tgz"
      tmp="$(mktemp -d)"
      (cd "$root/pkg" && npm pack --silent --pack-destination "$tmp" >/dev/null)
      mkdir -p "$root/target/npm"
      rm -f "$root"/target/npm/tokenmeter-*.tgz
      cp "$tmp"/tokenmeter-*.tgz "$root/target/npm/"
      mv "$tmp"/tokenmeter-*.tgz "$tgz.tmp" && mv "$tgz.tmp" "$tgz"
      rmdir "$tmp"
    fi
  elif [ ! -f "$tgz" ]; then
    echo "bench: no pkg/ and no target/npm/tokenmeter.tgz: run \`make build\` (or \`make bench\`) first" >&2
    exit 1
  fi
fi
export BENCH_TGZ="${tgz#"$root"/}"

# ---- installs ---------------------------------------------------------------------
# The repository's tooling (esbuild, miniflare, playwright-core) for the
# size, browser and workerd sections.
if [ ! -d "$root/node_modules/esbuild" ] || [ ! -d "$root/node_modules/miniflare" ] || [ ! -d "$root/node_modules/playwright-core" ]; then
  say "installing the repository's tooling (npm install at the root)"
  (cd "$root" && npm install --no-audit --no-fund --silent)
fi
say "installing the peers and tokenmeter from $BENCH_TGZ"
cd "$bench"
rm -rf node_modules/tokenmeter node_modules/.package-lock.json results
if [ -n "${TOKENMETER_TGZ:-}" ]; then
  npm install --no-audit --no-fund --silent --no-package-lock --no-save "$tgz"
else
  npm install --no-audit --no-fund --silent --no-package-lock
fi

# ---- sections ---------------------------------------------------------------------
for s in "${sections[@]}"; do
  t0=$(date +%s)
  case "$s" in
    throughput) say "1/1b/2/5: throughput, documents counted once, short strings, isWithinTokenLimit"; node throughput.mjs ;;
    short | limit | once) say "$s"; node throughput.mjs "$s" ;;
    worst) say "4: worst cases"; node worst.mjs ;;
    startup) say "3/6: cold start and RSS"; node startup.mjs ;;
    size) say "7: gzip sizes"; node size.mjs ;;
    browser)
      if [ -x /usr/bin/chromium ]; then say "8: Chromium"; node browser.mjs; else say "8: no /usr/bin/chromium, Chromium skipped"; fi ;;
    workerd) say "8: workerd"; node workerd.mjs ;;
    wcold) say "8b: cold start in workerd"; node wcold.mjs ;;
    open) say "10: open-weight families"; node open.mjs ;;
    *) echo "bench: unknown section $s" >&2; exit 2 ;;
  esac
  say "$s took $(($(date +%s) - t0)) s"
done

node report.mjs --elapsed "$(($(date +%s) - start))" $write
if [ -z "$write" ]; then say "wrote bench/RESULTS.md ($(($(date +%s) - start)) s in all)"; else say "done ($(($(date +%s) - start)) s); bench/RESULTS.md left as it was"; fi
