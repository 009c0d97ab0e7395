#!/usr/bin/env bash
# Static search deep link of two built sites, paired query by query: one already-running
# headless Chromium opens `search/?q=…` of site A, then of site B (the order reversed every
# other round), for each query, nothing cached (`tests/js/browser.js measure-ab`). Each
# pair sees the same machine load within a second, so on a busy machine the paired
# difference says more than comparing two separate runs (bench/search_compare.sh).
# Prints each site's medians and where the time went, then the median paired difference.
# Usage: bench/search_ab.sh SITE_A SITE_B [ROUNDS]   (sites: built `public/` folders)
set -euo pipefail
A=$(cd "$1" && pwd) B=$(cd "$2" && pwd) ROUNDS=${3:-4}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
ln -s "$A" "$DIR/a" && ln -s "$B" "$DIR/b"
QUERIES=("dns" "certificate expired" "connection pool" "502 after deploy" "disk full" "rollback" "memory leak" "bgp")
echo "A: $A"; echo "B: $B"; echo "$ROUNDS rounds × ${#QUERIES[@]} queries; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
node "$ROOT/tests/js/browser.js" measure-ab "$DIR" "$ROUNDS" a,b "${QUERIES[@]}" > "$DIR/ab.json"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
node -e '
const out = require(process.argv[1]);
const fs = require("fs"), path = require("path");
for (const v of ["a", "b"]) fs.writeFileSync(path.join(path.dirname(process.argv[1]), v + ".json"), JSON.stringify(out[v]));
const med = (xs) => { const s = xs.slice().sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const d = out.b.map((q, i) => q.ms - out.a[i].ms), p = out.b.map((q, i) => q.painted - out.a[i].painted);
console.log(`B − A, paired over ${d.length} deep links: results in the page ${med(d).toFixed(1)} ms median (B faster in ${d.filter((x) => x < 0).length}), painted ${med(p).toFixed(1)} ms (B faster in ${p.filter((x) => x < 0).length})`);
' "$DIR/ab.json"
echo "== A"; node "$ROOT/bench/search_summary.js" "$DIR/a.json"
echo "== B"; node "$ROOT/bench/search_summary.js" "$DIR/b.json"
