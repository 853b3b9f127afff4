#!/usr/bin/env bash
# Measures `incidentio incidents-v2 list --all` over a loopback server
# (scripts/pages_server.py): wall time, items per second and peak memory
# (max RSS) for TOTAL items (default 50,000) in pages of 250.
#
#   cli/scripts/measure-all.sh [TOTAL]
#
# Builds the binary first (PROFILE=release by default; PROFILE=dev for the
# debug build). Not a test: figures depend on the machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOTAL="${1:-50000}"
PROFILE="${PROFILE:-release}"
cargo build -p incidentio-cli --profile "$PROFILE" --quiet
if [[ "$PROFILE" == dev ]]; then BIN=target/debug/incidentio; else BIN="target/$PROFILE/incidentio"; fi
python3 cli/scripts/pages_server.py "$TOTAL" 250 > /tmp/incidentio-pages-port.$$ &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; rm -f /tmp/incidentio-pages-port.$$' EXIT
for _ in $(seq 1 50); do [[ -s /tmp/incidentio-pages-port.$$ ]] && break; sleep 0.1; done
PORT=$(cat /tmp/incidentio-pages-port.$$)
for mode in ndjson json; do
    /usr/bin/time -f "%e %M" -o /tmp/incidentio-time.$$ \
        env INCIDENT_IO_API_KEY=measure "$BIN" --base-url "http://127.0.0.1:$PORT" \
        incidents-v2 list --all --page-size 250 --output "$mode" > /tmp/incidentio-out.$$
    read -r wall rss < /tmp/incidentio-time.$$
    lines=$(wc -l < /tmp/incidentio-out.$$)
    echo "--all -o $mode: $TOTAL items in ${wall}s ($(python3 -c "print(int($TOTAL/max($wall,0.001)))") items/s), max RSS $((rss / 1024)) MiB, $lines lines"
done
rm -f /tmp/incidentio-time.$$ /tmp/incidentio-out.$$

# The library's own stream() over the same server, for comparison.
cargo build -p incidentio-cli --profile "$PROFILE" --example stream_all --quiet
if [[ "$PROFILE" == dev ]]; then EX=target/debug/examples/stream_all; else EX="target/$PROFILE/examples/stream_all"; fi
/usr/bin/time -f "%e %M" -o /tmp/incidentio-time.$$ "$EX" "http://127.0.0.1:$PORT" > /tmp/incidentio-out.$$
read -r wall rss < /tmp/incidentio-time.$$
echo "library stream(): $(cat /tmp/incidentio-out.$$) items in ${wall}s ($(python3 -c "print(int($TOTAL/max($wall,0.001)))") items/s), max RSS $((rss / 1024)) MiB"
rm -f /tmp/incidentio-time.$$ /tmp/incidentio-out.$$
