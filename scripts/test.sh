#!/usr/bin/env bash
# The project's test command (README: "Run the tests"). Installs what the tests need,
# runs fmt/clippy/cargo test, and scores extraction against ../shared when it is present.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --check
cargo clippy --all-targets -q -- -D warnings
cargo test --all-targets
