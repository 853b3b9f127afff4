#!/usr/bin/env bash
# What `incidentio mcp` costs an agent: tools/list sizes, start-up to the
# first tools/list, and a tools/call round trip against the same call
# through the library (cli/examples/mcp_cost.rs says how each is taken).
# Release builds. Figures and their dates: benches/README.md.
#
# Usage: cli/scripts/measure-mcp.sh [rounds]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --quiet --release -p incidentio-cli --bin incidentio --example mcp_cost
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
"$target_dir/release/examples/mcp_cost" "$target_dir/release/incidentio" "${1:-10}"
