#!/usr/bin/env bash
# Time `incidex check` on a generated archive of N invented postmortems (default 2000).
# Usage: scripts/bench-check.sh [N]   (builds the release binary first; INCIDEX=path times another binary)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-2000}"
cargo build --release -q
bin="${INCIDEX:-${CARGO_TARGET_DIR:-target}/release/incidex}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
python3 - "$dir/content" "$n" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, str(2000 + i % 20))
    os.makedirs(d, exist_ok=True)
    lines = [f"---\ntitle: Incident {i} at Lumen Freight\nstart: 2023-{i%12+1:02}-{i%28+1:02}T10:00:00Z\n"
             f"end: 2023-{i%12+1:02}-{i%28+1:02}T11:30:00Z\nimpact:\n  percent: {i%100}\n"
             f"root_cause:\n  category: capacity\n  summary: queue {i} filled\n---\n# Incident {i}\n\n"
             f"See [the previous one](incident-{max(i-20,0):05}.md#timeline) and ![graph](img/missing-{i}.png).\n\n## Timeline\n\n"]
    lines += [f"- 10:{k:02} UTC: step {k}, **bold** and `code`\n" for k in range(60)]
    lines.append("\n## Action items\n\n- [ ] add an alert\n")
    open(os.path.join(d, f"incident-{i:05}.md"), "w").write("".join(lines))
PY
du -sh "$dir/content" | cut -f1 | xargs echo "archive: $n postmortems,"
start=$(date +%s.%N)
"$bin" check "$dir/content" --format json > "$dir/out.json" || true
end=$(date +%s.%N)
findings=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$dir/out.json")
echo "incidex check: $(echo "$end - $start" | bc) s, $findings findings"
