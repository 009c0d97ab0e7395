#!/usr/bin/env bash
# Build an archive (default: the views fixture) and screenshot its trends page in headless
# Chromium, light and dark. Usage: scripts/screenshot-trends.sh [content-dir] [out-dir]
# Needs `chromium` (Debian: apt-get install -y chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
content="${1:-tests/fixtures/views-basic}"
out="${2:-target/screenshots}"
site="$(mktemp -d)/site"
mkdir -p "$out"
cargo run -q --release -- build --content "$content" --output "$site" --base-url https://pm.example/ -q
shot() { # name, extra flags
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --no-first-run --disable-sync --user-data-dir="$(mktemp -d)" \
    --hide-scrollbars --window-size=1280,${SHOT_HEIGHT:-3000} --screenshot="$out/$1.png" "${@:2}" \
    "file://$site/trends/index.html" 2>/dev/null
}
shot trends-light
shot trends-dark --force-dark-mode --blink-settings=forceDarkModeEnabled=false
echo "wrote $out/trends-light.png and $out/trends-dark.png"
