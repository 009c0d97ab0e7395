#!/usr/bin/env bash
# Compare incidex binaries on one archive: cold builds, the binaries taking turns (A B A B
# ...) so both see the same machine load, output on tmpfs (/dev/shm) so the disk does not
# add its noise. Prints each run (label, wall s, user s, system s, peak RSS KiB) and the
# means. This is how the README's "alternating runs" were measured.
#
#   bench/ab.sh ROUNDS ARCHIVE BINARY...
#   bench/ab.sh 4 /tmp/incidex-bench/archive-10000-s7 /tmp/incidex-before target/release/incidex
#
# Needs GNU time (/usr/bin/time). A binary's label is its file name, so give each a distinct
# one. Each output is deleted before its build; state beside it (.incidex/) too, so no build
# reuses a tantivy index.
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
rounds=$1
archive=$2
shift 2
tmp=${AB_TMP:-/dev/shm}
for _ in $(seq "$rounds"); do
  for bin in "$@"; do
    label=$(basename "$bin")
    dir="$tmp/incidex-ab-$label"
    rm -rf "$dir"
    mkdir -p "$dir"
    result=$(/usr/bin/time -f "%e %U %S %M" "$bin" build -q --content "$archive" --output "$dir/public" 2>&1 >/dev/null | tail -1)
    echo "$label $result"
    rm -rf "$dir"
  done
done | awk '{ print; wall[$1] += $2; cpu[$1] += $3 + $4; rss[$1] += $5; n[$1]++ }
  END { for (k in wall) printf "mean %s: wall %.3f s, cpu %.3f s, peak %.0f MiB (%d runs)\n", k, wall[k] / n[k], cpu[k] / n[k], rss[k] / n[k] / 1024, n[k] }'
