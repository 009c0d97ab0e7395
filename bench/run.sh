#!/usr/bin/env bash
# End-to-end build benchmark (issue 8): cold `incidex build` of generated archives of 1k, 10k
# and 100k postmortems, an unchanged rebuild of each, and — where installed — Hugo and
# Hugo + Pagefind on the same 10k archive, all in one run.
#
# For each build: wall time, CPU time (user + sys, and sys alone: the kernel's part, which
# grows with the number of files written) and peak RSS from `/usr/bin/time -v`, the
# published site's size, its search index's size (incidex: `search/index/` in the site;
# Pagefind: `pagefind/`) and its largest HTML page's size (what a reader may download at
# once). Prints a Markdown table for the README, then the cold builds' wall time per 1,000
# postmortems (the growth curve), and writes the raw numbers to WORK/results.tsv,
# WORK/results.json and the table to WORK/results.md.
#
# Usage: bench/run.sh [SIZE...] [options]          (sizes accept 1k, 10k, 100k)
#   --sizes A,B,...   archive sizes (default 1000,10000,100000)
#   --skip-100k       leave out sizes of 100,000 and more (the 100k run takes minutes and ~4 GB)
#   --no-hugo         skip the Hugo / Pagefind comparison
#   --hugo-size N     archive size for the comparison (default 10000; built by incidex too)
#   --seed S          generator seed (default 7, as bench/search.sh)
#   --work DIR        working folder (default $BENCH_DIR or /tmp/incidex-bench); generated
#                     archives are kept there and reused while the generator is unchanged
#   --clean           delete the working folder's archives at the end
# Environment: HUGO (default `hugo`), PAGEFIND (path to the pagefind binary; default
# `pagefind` on PATH, else `npx --no-install pagefind`), CARGO_TARGET_DIR.
#
# Every cold build gets a fresh output folder in a folder of its own, because incidex keeps
# its tantivy index beside the output (`<parent>/.incidex/search-index/<name>`). Outputs are
# kept until the end of the run, and no timed build starts within 6 minutes of a deletion
# by this script (the time of the last one is kept in WORK/.deleted-at): on an ext4 without
# a journal (this machine's root), the inode allocator skips every inode freed less than
# 60 s ago, or 360 s when its inode-table block is dirty, which a build creating files
# makes it (`recently_deleted` in fs/ext4/ialloc.c), one lookup each: a 10k build right
# after deleting a 100k site spent 4.8 s in the kernel instead of ~1 s. A CI job's fresh clone never
# pays that, so the benchmark does not either; `rm -rf public && incidex build` does.
#
# Each archive is read once (`warm`) before a cold build of it, incidex's or Hugo's: a CI job
# builds a checkout it has just written, so its files are in the page cache. Without this, what
# the cache kept of a 100k archive from earlier runs decided the figure: one bench run read
# 240 MB of it from the disk, and its load stage took 12-13 s against 8.5 s warm. Hugo gets a minimal
# site skeleton (config + two templates) created here at run time. The generated files without
# front matter have no title Hugo can read, so some of Hugo's pages have empty titles; that
# changes nothing in the work it does.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ARGS="$*"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/incidex-bench}
SEED=7
HUGO_SIZE=10000
WITH_HUGO=1
SKIP_BIG=0
CLEAN=0
SIZES=()

die() { echo "bench/run.sh: $*" >&2; exit 2; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }
# "10k" → 10000; anything else must be a plain number.
size_arg() {
  local s=${1,,}
  [[ $s =~ ^[0-9]+k$ ]] && s=$((${s%k} * 1000))
  [[ $s =~ ^[1-9][0-9]*$ ]] || die "not a size: $1"
  echo "$s"
}

while (($#)); do
  case $1 in
    --sizes) [[ $# -ge 2 ]] || die "--sizes needs a list"
      IFS=, read -ra list <<<"$2"; for s in "${list[@]}"; do SIZES+=("$(size_arg "$s")"); done; shift 2 ;;
    --skip-100k) SKIP_BIG=1; shift ;;
    --no-hugo) WITH_HUGO=0; shift ;;
    --hugo-size) [[ $# -ge 2 ]] || die "--hugo-size needs a number"; HUGO_SIZE=$(size_arg "$2"); shift 2 ;;
    --seed) [[ $# -ge 2 && $2 =~ ^[0-9]+$ ]] || die "--seed needs a number"; SEED=$2; shift 2 ;;
    --work) [[ $# -ge 2 ]] || die "--work needs a folder"; WORK=$2; shift 2 ;;
    --clean) CLEAN=1; shift ;;
    -h|--help) usage ;;
    -*) echo "bench/run.sh: unknown option $1" >&2; usage 2 ;;
    *) SIZES+=("$(size_arg "$1")"); shift ;;
  esac
done
((${#SIZES[@]})) || SIZES=(1000 10000 100000)
if ((SKIP_BIG)); then
  kept=()
  for s in "${SIZES[@]}"; do if ((s < 100000)); then kept+=("$s"); fi; done
  SIZES=("${kept[@]}")
fi
# The comparison needs incidex's numbers on the same archive.
if ((WITH_HUGO)) && [[ " ${SIZES[*]} " != *" $HUGO_SIZE "* ]]; then
  echo "note: adding $HUGO_SIZE to the sizes, for the Hugo comparison (--no-hugo to skip it)" >&2
  SIZES+=("$HUGO_SIZE")
fi
((${#SIZES[@]})) || die "no sizes left to run"
mapfile -t SIZES < <(printf '%s\n' "${SIZES[@]}" | sort -n -u)

[[ -x /usr/bin/time ]] || die "needs GNU time at /usr/bin/time (Debian: apt-get install time)"

# Hugo and Pagefind are optional: say what is missing, skip their rows, keep going.
HUGO=${HUGO:-hugo}
PAGEFIND_CMD=()
if ((WITH_HUGO)); then
  if ! command -v "$HUGO" >/dev/null; then
    echo "note: Hugo not found (\$HUGO=$HUGO); skipping the Hugo and Pagefind rows. Debian: apt-get install hugo" >&2
    WITH_HUGO=0
  elif [[ -n ${PAGEFIND:-} ]]; then
    [[ -x $PAGEFIND ]] && PAGEFIND_CMD=("$PAGEFIND") || echo "note: \$PAGEFIND=$PAGEFIND is not executable; skipping the Pagefind rows" >&2
  elif command -v pagefind >/dev/null; then
    PAGEFIND_CMD=(pagefind)
  elif command -v npx >/dev/null && npx --no-install pagefind --version >/dev/null 2>&1; then
    PAGEFIND_CMD=(npx --no-install pagefind)
  else
    echo "note: Pagefind not found; skipping the Pagefind rows. Install: npm install pagefind (in any folder), then PAGEFIND=that/node_modules/.bin/pagefind" >&2
  fi
fi

echo "== building incidex and the generator (release)" >&2
(cd "$ROOT" && cargo build --release -q --bin incidex --example gen)
INCIDEX=$TARGET/release/incidex
GEN=$TARGET/release/examples/gen

mkdir -p "$WORK/logs"
WORK=$(cd "$WORK" && pwd) # absolute: Hugo resolves paths against its --source
# Every build's output goes under RUNS, deleted when the benchmark ends (see the header).
RUNS=$WORK/runs
# Delete (what a build must not run right after), noting when.
delete() {
  rm -rf "$@"
  date +%s >"$WORK/.deleted-at"
}
# Wait until no timed build can meet an inode freed by `delete` (see the header).
settle() {
  local since wait
  since=$(cat "$WORK/.deleted-at" 2>/dev/null || echo 0)
  wait=$((since + 370 - $(date +%s)))
  if ((wait > 0)); then
    echo "== waiting ${wait} s: files were deleted at $(date -d @"$since" +%T); ext4 reuses their inodes only 6 min later" >&2
    sync
    sleep "$wait"
  fi
}
if compgen -G "$WORK/runs" >/dev/null || compgen -G "$WORK/incidex-*" >/dev/null || [[ -e $WORK/hugo-site ]]; then
  echo "== deleting an earlier run's outputs" >&2
  delete "$RUNS" "$WORK"/incidex-* "$WORK/hugo-site"
fi
mkdir -p "$RUNS"
trap 'delete "$RUNS"' EXIT
TSV=$WORK/results.tsv
printf 'tool\tbuild\tpostmortems\twall_s\tuser_s\tsys_s\tcpu_s\tpeak_rss_kib\tsite_bytes\tindex_bytes\tlargest_page_bytes\n' >"$TSV"

add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a + b }'; }
bytes() { if [[ -e $1 ]]; then du -sb "$1" | cut -f1; else echo 0; fi; }
# The size of the site's largest HTML page: what a reader may have to download and lay out at once.
largest() { find "$1" -name '*.html' -type f -printf '%s\n' | sort -n | tail -n 1 | grep . || echo 0; }

# run_timed LOG CMD... : run CMD under `/usr/bin/time -v` (output in LOG.*), set TIMES to
# "wall user sys rss_kib". A failing command stops the benchmark with its error output.
run_timed() {
  local log=$1; shift
  if ! /usr/bin/time -v -o "$log.time" "$@" >"$log.out" 2>"$log.err"; then
    echo "bench/run.sh: failed: $*" >&2
    tail -n 20 "$log.err" >&2
    exit 1
  fi
  TIMES=$(awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, a, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + a[i] }
    /User time \(seconds\)/ { u = $2 }
    /System time \(seconds\)/ { s = $2 }
    /Maximum resident set size/ { m = $2 }
    END { printf "%.2f %.2f %.2f %d", w, u, s, m }' "$log.time")
}

# record TOOL BUILD N SITE_BYTES INDEX_BYTES LARGEST_PAGE_BYTES  (times from TIMES)
record() {
  local wall user sys rss
  read -r wall user sys rss <<<"$TIMES"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$wall" "$user" "$sys" \
    "$(add "$user" "$sys")" "$rss" "$4" "$5" "$6" >>"$TSV"
  printf '   %-24s %8.2f s wall %8.2f s CPU %6d MiB peak RSS\n' "$1 $2" "$wall" "$(add "$user" "$sys")" \
    "$((rss / 1024))" >&2
}

# The archive of N postmortems, generated once and reused while the generator is unchanged.
archive() {
  local n=$1 dir=$WORK/archive-$1-s$SEED stamp
  stamp="$n $SEED $(cat "$ROOT/examples/gen.rs" "$ROOT/examples/synthetic/mod.rs" | sha256sum | cut -c1-16)"
  if [[ ! -d $dir || $(cat "$dir.stamp" 2>/dev/null) != "$stamp" ]]; then
    delete "$dir" "$dir.stamp"
    local need_kb=$((n * 6)) free_kb
    free_kb=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')
    ((free_kb > need_kb * 8)) || echo "warning: $free_kb KB free in $WORK; $n postmortems and their site need about $((need_kb * 8 / 1024)) MB" >&2
    "$GEN" "$n" "$dir" --seed "$SEED" 2>"$WORK/logs/gen-$n.err" || { cat "$WORK/logs/gen-$n.err" >&2; exit 1; }
    echo "$stamp" >"$dir.stamp"
  fi
  echo "$dir"
}

# Read every file of folder $1, so that a timed build finds it in the page cache (see the header).
warm() { find "$1" -type f -exec cat {} + >/dev/null; }

# The per-stage wall times `build -v` prints, indented under the row.
stages() { grep -E '^ +[0-9.]+ m?s ' "$1" | sed 's/^ */        /' >&2 || true; }

# Generate (or reuse) every archive before the first timed build, then wait out any
# deletion (see the header).
for n in "${SIZES[@]}"; do archive "$n" >/dev/null; done
settle

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for n in "${SIZES[@]}"; do
  echo "== $n postmortems" >&2
  content=$(archive "$n")
  run=$RUNS/incidex-$n
  mkdir -p "$run"
  warm "$content"
  run_timed "$WORK/logs/incidex-$n-cold" "$INCIDEX" build --content "$content" --output "$run/public" -v
  record incidex cold "$n" "$(bytes "$run/public")" "$(bytes "$run/public/search/index")" "$(largest "$run/public")"
  stages "$WORK/logs/incidex-$n-cold.err"
  run_timed "$WORK/logs/incidex-$n-rebuild" "$INCIDEX" build --content "$content" --output "$run/public" -v
  record incidex rebuild "$n" "$(bytes "$run/public")" "$(bytes "$run/public/search/index")" "$(largest "$run/public")"
  stages "$WORK/logs/incidex-$n-rebuild.err"
done

if ((WITH_HUGO)); then
  n=$HUGO_SIZE
  echo "== Hugo$( ((${#PAGEFIND_CMD[@]})) && echo " + Pagefind") on $n postmortems" >&2
  content=$(archive "$n")
  site=$RUNS/hugo-site
  mkdir -p "$site/layouts/_default"
  cat >"$site/config.toml" <<EOF
baseURL = "https://postmortems.example.invalid/"
title = "Postmortems"
contentDir = "$content"
publishDir = "$site/public"
disableHugoGeneratorInject = true
EOF
  # One page per postmortem and plain list pages (home, years, tags), like a bare theme.
  cat >"$site/layouts/_default/single.html" <<'EOF'
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>
EOF
  cat >"$site/layouts/_default/list.html" <<'EOF'
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></main></body></html>
EOF
  warm "$content"
  run_timed "$WORK/logs/hugo-$n" "$HUGO" --source "$site" --config "$site/config.toml" \
    --cacheDir "$site/cache" --quiet
  hugo_site=$(bytes "$site/public")
  record hugo cold "$n" "$hugo_site" 0 "$(largest "$site/public")"
  hugo_times=$TIMES
  if ((${#PAGEFIND_CMD[@]})); then
    run_timed "$WORK/logs/pagefind-$n" "${PAGEFIND_CMD[@]}" --site "$site/public"
    record pagefind index "$n" "$(bytes "$site/public")" "$(bytes "$site/public/pagefind")" "$(largest "$site/public")"
    # Hugo then Pagefind: times add up, the peak is the larger of the two.
    read -r w1 u1 s1 m1 <<<"$hugo_times"
    read -r w2 u2 s2 m2 <<<"$TIMES"
    TIMES="$(add "$w1" "$w2") $(add "$u1" "$u2") $(add "$s1" "$s2") $((m1 > m2 ? m1 : m2))"
    record hugo+pagefind cold "$n" "$(bytes "$site/public")" "$(bytes "$site/public/pagefind")" "$(largest "$site/public")"
  fi
fi

# Machine and versions, for the table's caption and the JSON.
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
CORES=$(nproc)
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$ROOT" diff --quiet HEAD 2>/dev/null || REV="$REV+dirty"
HUGO_V=$( ((WITH_HUGO)) && "$HUGO" version 2>/dev/null | awk '{ print $2 }' || true)
PAGEFIND_V=$( ((${#PAGEFIND_CMD[@]})) && "${PAGEFIND_CMD[@]}" --version 2>/dev/null | awk '{ print $2 }' || true)
DATE=$(date -u +'%Y-%m-%d %H:%M UTC')

awk -F'\t' -v date="$DATE" -v cpu="$CPU" -v cores="$CORES" -v load="$LOAD_BEFORE" -v rev="$REV" \
  -v seed="$SEED" -v hugo="$HUGO_V" -v pagefind="$PAGEFIND_V" '
  function q(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
  NR == 1 { for (i = 1; i <= NF; i++) h[i] = $i; next }
  { rows = rows (NR > 2 ? ",\n" : "") "    {"
    for (i = 1; i <= NF; i++) rows = rows (i > 1 ? ", " : "") q(h[i]) ": " (i <= 2 ? q($i) : $i)
    rows = rows "}" }
  END { printf "{\n  \"date\": %s,\n  \"cpu\": %s,\n  \"cores\": %s,\n  \"load_before\": %s,\n  \"incidex\": %s,\n  \"seed\": %s,\n  \"hugo\": %s,\n  \"pagefind\": %s,\n  \"runs\": [\n%s\n  ]\n}\n",
      q(date), q(cpu), cores, q(load), q(rev), seed, q(hugo), q(pagefind), rows }' "$TSV" >"$WORK/results.json"

# The Markdown table, and the ratios on the comparison archive. (No {n} in the regexes:
# mawk has no intervals.)
THOUSANDS='function thousands(x,  s, r) { s = sprintf("%d", x); r = ""
  while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) }
  return s r }
'
{
  echo "| Build | Postmortems | Wall | CPU (user+sys) | of which system | Peak RSS | Site | Search index | Largest page |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' "$THOUSANDS"'NR > 1 {
    name = $1 == "incidex" ? ($2 == "cold" ? "incidex build, cold" : "incidex build, unchanged rebuild") \
         : $1 == "hugo" ? "Hugo (no search)" : $1 == "pagefind" ? "Pagefind (indexing Hugo'"'"'s site)" : "Hugo + Pagefind"
    n = thousands($3)
    idx = $10 > 0 ? sprintf("%.1f MB", $10 / 1e6) : "–"
    printf "| %s | %s | %.2f s | %.2f s | %.2f s | %d MiB | %.1f MB | %s | %.2f MB |\n", name, n, $4, $7, $6, $8 / 1024, $9 / 1e6, idx, $11 / 1e6 }' "$TSV"
  # The growth curve: cold wall time per 1,000 postmortems at each size (flat = linear).
  awk -F'\t' "$THOUSANDS"'NR > 1 && $1 == "incidex" && $2 == "cold" && $3 > 0 {
    line = line sprintf("%s%s %.3f s", sep, thousands($3), $4 / ($3 / 1000)); sep = ", " }
    END { if (line != "") printf "\nincidex cold build, wall time per 1,000 postmortems: %s.\n", line }' "$TSV"
  awk -F'\t' -v n="$HUGO_SIZE" "$THOUSANDS"'
    $3 == n && $1 == "incidex" && $2 == "cold" { iw = $4; ic = $7 }
    $3 == n && $1 == "hugo" { hw = $4; hc = $7 }
    $3 == n && $1 == "hugo+pagefind" { pw = $4; pc = $7 }
    END {
      if (iw > 0 && hw > 0) printf "\nOn %s postmortems, Hugo (no search) takes %.1f× the wall time of incidex (%.1f× the CPU time)", thousands(n), hw / iw, hc / ic
      if (iw > 0 && pw > 0) printf "; Hugo + Pagefind takes %.1f× the wall time (%.1f× the CPU time)", pw / iw, pc / ic
      if (iw > 0 && hw > 0) printf ".\n" }' "$TSV"
  echo
  echo "Measured $DATE on ${CORES} cores ($CPU), load average before the run $LOAD_BEFORE; incidex $REV${HUGO_V:+, Hugo $HUGO_V}${PAGEFIND_V:+, Pagefind $PAGEFIND_V}; \`bench/run.sh${ARGS:+ $ARGS}\`, seed $SEED."
} | tee "$WORK/results.md"
echo >&2
echo "raw numbers: $TSV, $WORK/results.json; logs in $WORK/logs" >&2

if ((CLEAN)); then
  rm -rf "$WORK"/archive-*
  echo "removed the generated archives in $WORK" >&2
fi
