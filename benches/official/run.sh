#!/usr/bin/env bash
# Typed decode of the same pages by this crate and by the official
# `incident-io` crate (2.41.0, from crates.io: needs the registry the first
# time), in one process: see src/main.rs for the pages and variants, and
# benches/README.md for the figures and how to read them.
#
# Usage:
#
#   benches/official/run.sh            # 60 interleaved rounds
#   benches/official/run.sh 200        # more rounds
#   benches/official/run.sh profile incidents ours 5   # one variant, for a profiler
#
# This package is a workspace of its own, outside the crate's: no build or
# test of the incidentio workspace compiles the official crate. Its target
# dir is benches/official/target (release; the first build takes a few
# minutes). Its lock file starts as a copy of the crate's, so that both
# crates decode with the serde and serde_json versions the crate is tested
# with. Run it on an otherwise idle machine and compare only ratios of one
# run: other processes move absolute times by tens of percent.
set -euo pipefail
cd "$(dirname "$0")"
[[ -f Cargo.lock ]] || cp ../../Cargo.lock Cargo.lock
cargo build --release --quiet
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
./target/release/decode-vs-official "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
