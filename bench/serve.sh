#!/usr/bin/env bash
# Benchmark `incidex serve` on a 10,000-postmortem synthetic archive:
#  1. save-to-reload latency: median of 20 edits of one file (bench/reload_latency.py);
#  2. wrk, 200 connections for 10 s on loopback, against the home page and one incident page.
# Needs python3 and wrk (apt-get install -y wrk). Traffic stays on 127.0.0.1.
#
# usage: bench/serve.sh [COUNT]          (default 10000)
#   INCIDEX=path/to/incidex  use this binary instead of building with --release
#   BENCH_DIR=dir            where to put the archive (default: a temp folder, removed after)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-10000}"
port="${PORT:-18411}"
target="${CARGO_TARGET_DIR:-target}"
cargo build --release --quiet --example gen
if [[ -z "${INCIDEX:-}" ]]; then
  cargo build --release --quiet
  INCIDEX="$target/release/incidex"
fi
# The server runs from the archive's folder: the binary's path must not be relative.
INCIDEX="$(cd "$(dirname "$INCIDEX")" && pwd)/$(basename "$INCIDEX")"
work="${BENCH_DIR:-$(mktemp -d)}"
cleanup() {
  [[ -n "${server:-}" ]] && kill -INT "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  if [[ -z "${BENCH_DIR:-}" ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

if [[ ! -d "$work/content" ]]; then
  echo "generating $count postmortems in $work/content"
  "$target/release/examples/gen" "$count" "$work/content" --seed 7
fi
log="$work/serve.log"
(cd "$work" && exec "$INCIDEX" serve --content content --port "$port") >"$log" 2>&1 &
server=$!
for _ in $(seq 1 600); do
  grep -q "Serving" "$log" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.1
done
grep -E "^Built" "$log"

file="$(find "$work/content" -name '*.md' | sort | sed -n 1p)"
slug="$("$INCIDEX" inspect --json "$file" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["slug"])')"
echo "== save-to-reload latency (editing $(basename "$file"))"
python3 bench/reload_latency.py "127.0.0.1:$port" "$file" "/incidents/$slug/" 20
echo "== server's own times (last 3 edits: the saved page first, then the whole site)"
grep -E "^(Rebuilt|Saved)" "$log" | tail -n 6 || true

for path in "/" "/incidents/$slug/"; do
  echo "== wrk -t2 -c200 -d10s http://127.0.0.1:$port$path"
  wrk -t2 -c200 -d10s --timeout 5s "http://127.0.0.1:$port$path"
done
