#!/usr/bin/env bash
# What a change adds to the CLI's compile: `cargo build -p incidentio-cli`
# of the CLI crate alone (its dependencies already built), at BEFORE and
# AFTER alternated ROUNDS times, so that load on a shared machine falls on
# both alike. Then, once, what AFTER's new dependencies cost to compile
# (DEPS: package names, cleaned and rebuilt together).
#
#   cli/scripts/measure-compile.sh BEFORE AFTER [ROUNDS] [DEPS...]
#
# Needs a clean work tree (it checks out cli/ and Cargo.lock of each
# commit, then restores HEAD's). Not a test: figures depend on the machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
BEFORE=$1 AFTER=$2 ROUNDS=${3:-2}
shift $(( $# < 3 ? $# : 3 ))
git diff --quiet && git diff --cached --quiet || { echo "work tree not clean" >&2; exit 1; }
at() { git checkout -q "$1" -- cli Cargo.lock; }
trap 'git checkout -q HEAD -- cli Cargo.lock' EXIT
build() {
    at "$1"
    cargo build -p incidentio-cli --quiet 2>/dev/null  # dependencies, untimed
    cargo clean -p incidentio-cli --quiet 2>/dev/null
    /usr/bin/time -f "%e" -o /tmp/measure-compile.$$ cargo build -p incidentio-cli --quiet
    echo "$1 crate alone: $(cat /tmp/measure-compile.$$) s"
}
for _ in $(seq 1 "$ROUNDS"); do build "$BEFORE"; build "$AFTER"; done
if [[ $# -gt 0 ]]; then
    at "$AFTER"
    args=(); for d in "$@"; do args+=(-p "$d"); done
    cargo clean "${args[@]}" --quiet 2>/dev/null
    cargo clean -p incidentio-cli --quiet 2>/dev/null
    /usr/bin/time -f "%e %U" -o /tmp/measure-compile.$$ cargo build -p incidentio-cli --quiet
    read -r wall user < /tmp/measure-compile.$$
    echo "$AFTER with $* rebuilt: ${wall} s wall, ${user} s user"
fi
rm -f /tmp/measure-compile.$$
