#!/usr/bin/env bash
# Search budgets of issue 5, measured on a generated archive (default 10,000 postmortems):
#  1. `incidex search` engine latency per query (index opened once, as search/serve do);
#  2. static search in headless Chromium, three measures:
#     - deep link, cold profile per query: `search/?q=…` opened in a just-started browser
#       with a new profile; time from navigation start until results are in the page /
#       painted, and where that time went (tests/js/browser.js `measure`);
#     - deep link, warm browser: the same in one already-running browser, about:blank
#       before each query; nothing is cached (the server sends no-store), so each query is
#       a reader's first visit (tests/js/browser.js `measure-warm`);
#     - typed, cold profile per query: the query entered (one input event) into an
#       already-loaded search page;
#       time from the input event until results are in the page / painted
#       (tests/js/browser.js `measure-typed`);
#     and the bytes a first query transfers (HTML + CSS + JS + index files);
#  3. the static index's share of the site's size.
# Usage: bench/search.sh [N] ; needs node, chromium and chromedriver for part 2.
set -euo pipefail
N=${1:-10000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/incidex-search-bench-$N}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
cd "$ROOT"
cargo build --release -q --bin incidex --example gen --example search_bench
rm -rf "$WORK" && mkdir -p "$WORK"
"$TARGET/release/examples/gen" "$N" "$WORK/content" --seed 7
cd "$WORK"
/usr/bin/time -f "build: %e s wall, %M KB peak RSS" "$TARGET/release/incidex" build --content content --output public -q
sum() { find "$1" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}'; }
SITE=$(sum public)
INDEX=$(sum public/search/index)
awk -v s="$SITE" -v i="$INDEX" 'BEGIN { printf "site: %.1f MB, static index: %.1f MB = %.1f%% added to the site without it (%.1f%% of the total)\n", s/1e6, i/1e6, 100*i/(s-i), 100*i/s }'
echo "tantivy index (beside the site, not published): $(du -sh .incidex/search-index/public | cut -f1)"
echo
echo "== incidex search: query latency (20 rounds per query)"
"$TARGET/release/examples/search_bench" .incidex/search-index/public 20 --build content
echo
echo "== incidex search end to end (process start, freshness check, query, print)"
for i in 1 2 3; do /usr/bin/time -f "%e s" "$TARGET/release/incidex" search --content content --output public --limit 10 connection pool > /dev/null; done
echo
if command -v node >/dev/null && command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  QUERIES=("dns" "certificate expired" "connection pool" "502 after deploy" "disk full" "rollback" "memory leak" "bgp")
  echo "== static search, deep link search/?q=… in headless Chromium (cold profile each); load: $(cut -d' ' -f1-3 /proc/loadavg)"
  node "$ROOT/tests/js/browser.js" measure public "${QUERIES[@]}" > browser.json
  node "$ROOT/bench/search_summary.js" "$WORK/browser.json"
  echo
  echo "== static search, deep link in an already-running headless Chromium (nothing cached); load: $(cut -d' ' -f1-3 /proc/loadavg)"
  node "$ROOT/tests/js/browser.js" measure-warm public "${QUERIES[@]}" > browser-warm.json
  node "$ROOT/bench/search_summary.js" "$WORK/browser-warm.json"
  echo
  echo "== static search, query typed into the loaded search page (cold profile each); load: $(cut -d' ' -f1-3 /proc/loadavg)"
  node "$ROOT/tests/js/browser.js" measure-typed public "${QUERIES[@]}" > browser-typed.json
  node "$ROOT/bench/search_summary.js" "$WORK/browser-typed.json"
else
  echo "(static search timing skipped: needs node, chromium and chromedriver)"
fi
