#!/usr/bin/env bash
# The project's test command (README: "Run the tests"). Installs what the tests need,
# runs fmt/clippy/cargo test, and scores extraction against ../shared when it is present.
set -euo pipefail
cd "$(dirname "$0")/.."
# The search browser tests need chromium and chromedriver (they skip, saying so, without).
if [ "$(id -u)" = 0 ] && ! { command -v chromium && command -v chromedriver; } >/dev/null; then
  apt-get update -q && apt-get install -y -q chromium chromium-driver
fi
cargo fmt --check
cargo clippy --all-targets -q -- -D warnings
cargo test --all-targets
