#!/usr/bin/env bash
# Static search first-query latency of two built sites, measured alternately (A, B, A, B…)
# so both see the same machine load: for before/after comparisons on a busy machine.
# Both measures of bench/search.sh: the deep link (`search/?q=…`, from navigation start)
# and the query typed into the loaded search page (from the input event).
# Usage: bench/search_compare.sh SITE_A SITE_B [ROUNDS]   (sites: built `public/` folders)
set -euo pipefail
A=$1 B=$2 ROUNDS=${3:-4}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(mktemp -d)
QUERIES=("dns" "certificate expired" "connection pool" "502 after deploy" "disk full" "rollback" "memory leak" "bgp")
for i in $(seq 1 "$ROUNDS"); do
  for mode in measure measure-typed; do
    for side in A B; do
      site=$A; [ "$side" = B ] && site=$B
      echo "round $i $side $mode: load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
      node "$ROOT/tests/js/browser.js" "$mode" "$site" "${QUERIES[@]}" > "$OUT/$side-$mode-$i.json"
    done
  done
done
for mode in measure measure-typed; do
  label="deep link search/?q=… (from navigation start)"
  [ "$mode" = measure-typed ] && label="typed into the loaded page (from the input event)"
  echo "== $label"
  echo "-- A: $A"; node "$ROOT/bench/search_summary.js" "$OUT"/A-"$mode"-[0-9]*.json
  echo "-- B: $B"; node "$ROOT/bench/search_summary.js" "$OUT"/B-"$mode"-[0-9]*.json
done
rm -rf "$OUT"
