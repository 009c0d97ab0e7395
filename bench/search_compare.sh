#!/usr/bin/env bash
# Static search first-query latency of two built sites, measured alternately (A, B, A, B…)
# so both see the same machine load: for before/after comparisons on a busy machine.
# Usage: bench/search_compare.sh SITE_A SITE_B [ROUNDS]   (sites: built `public/` folders)
set -euo pipefail
A=$1 B=$2 ROUNDS=${3:-4}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(mktemp -d)
QUERIES=("dns" "certificate expired" "connection pool" "502 after deploy" "disk full" "rollback" "memory leak" "bgp")
for i in $(seq 1 "$ROUNDS"); do
  for side in A B; do
    site=$A; [ "$side" = B ] && site=$B
    echo "round $i $side: load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    node "$ROOT/tests/js/browser.js" measure "$site" "${QUERIES[@]}" > "$OUT/$side-$i.json"
  done
done
echo "== A: $A"; node "$ROOT/bench/search_summary.js" "$OUT"/A-*.json
echo "== B: $B"; node "$ROOT/bench/search_summary.js" "$OUT"/B-*.json
rm -rf "$OUT"
