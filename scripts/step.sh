#!/usr/bin/env bash
# Runs one step of `make test` and records how long it took:
#   scripts/step.sh NAME COMMAND...
# Each step appends "NAME SECONDS" to target/timings.txt; `scripts/step.sh
# --report` prints them and `--reset` clears them.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
log="$root/target/timings.txt"
mkdir -p "$root/target"
case "${1:-}" in
  --reset) rm -f "$log"; exit 0 ;;
  --report)
    [ -f "$log" ] || exit 0
    echo
    echo "timings:"
    awk '{ printf "  %-14s %5d s\n", $1, $2; total += $2 } END { printf "  %-14s %5d s\n", "total", total }' "$log"
    exit 0 ;;
esac
name="$1"; shift
start=$(date +%s)
echo "==> $name: $*"
status=0
"$@" || status=$?
seconds=$(( $(date +%s) - start ))
echo "$name $seconds" >> "$log"
echo "<== $name: ${seconds} s$([ "$status" = 0 ] || echo ", FAILED ($status)")"
exit "$status"
