#!/usr/bin/env python3
"""Load on `incidentio mcp --http`: rounds of N concurrent sessions, each
left open afterwards (no DELETE), as clients that crash, sleep or lose
their network leave them.

Each session: `initialize`, `notifications/initialized`, then CALLS
`tools/call` of `incidents_v2_show`, one after another, on one keep-alive
connection, which is then closed. All N sessions of a round run at once;
rounds follow one another on the same server process, so a round meets
every session the rounds before it abandoned.

Per round it prints the wall time, p50 and p99 of a call (request sent to
response read), the server's CPU time (user + system, from /proc), its
peak RSS during the round (VmHWM, reset before each round through
/proc/PID/clear_refs) and its RSS at the end.

Everything stays on 127.0.0.1: the script starts its own upstream (an
asyncio HTTP/1.1 server answering every GET with the spec's example
incident) and passes it to the server as `--base-url`, with a dummy API
key; `--mock` uses the CLI's built-in mock instead (in the server's own
process, so its CPU counts as the server's).

Several binaries are run in one go, alternating, so that this shared and
noisy machine's drift hits each of them alike; ratios against the first
are printed at the end.

Usage:
  cli/scripts/mcp_http_load.py --bin before=/tmp/incidentio-main \\
      --bin after=target/release/incidentio [--sessions 50,200] [--rounds 5]
      [--calls 5] [--repeat 1] [--pause 0] [--mock] [--json FILE]
  A --bin value may carry extra `mcp` flags after the path:
      --bin 'after=target/release/incidentio --http-session-timeout 60'
Python 3.11, standard library only.
"""

import argparse
import asyncio
import json
import os
import shlex
import signal
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, "..", "..", "openapi", "incident-io.json")
# Bounds, so that a broken server cannot hold the run: per request, and
# per round.
REQUEST_TIMEOUT = 60.0
ROUND_TIMEOUT = 600.0
PROTOCOL = "2025-06-18"
STATELESS_PROTOCOL = "2026-07-28"


# --- the upstream -------------------------------------------------------


def incident_body():
    """The spec's example answer to GET /v2/incidents/{id}, or a small one."""
    try:
        with open(SPEC) as f:
            spec = json.load(f)
        example = spec["paths"]["/v2/incidents/{id}"]["get"]["responses"]["200"]["content"][
            "application/json"
        ]["example"]
        return json.dumps(example).encode()
    except (OSError, KeyError, ValueError):
        return json.dumps({"incident": {"id": "01H0000", "name": "load"}}).encode()


async def serve_upstream():
    """Answers every request with the example incident, keep-alive; prints
    its port on stdout."""
    body = incident_body()
    head = (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
    )

    async def handle(reader, writer):
        try:
            while True:
                request = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in request.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                if length:
                    await reader.readexactly(length)
                writer.write(head + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


# --- the server under load ----------------------------------------------


class Server:
    """`incidentio [--mock | --base-url URL] mcp --http 127.0.0.1:0 …`."""

    def __init__(self, binary, extra, upstream_port, mock, pacing=False):
        args = [binary]
        if not pacing:
            args.append("--no-pacing")
        if mock:
            args.append("--mock")
        else:
            args += ["--base-url", f"http://127.0.0.1:{upstream_port}"]
        args += ["mcp", "--http", "127.0.0.1:0", "--tools", "incidents_v2_show"] + extra
        env = dict(os.environ)
        for name in ("INCIDENT_IO_API_KEY", "INCIDENT_API_KEY", "INCIDENTIO_MCP_TOKEN"):
            env.pop(name, None)
        if not mock:
            # A dummy key: the upstream is ours, on loopback.
            env["INCIDENT_IO_API_KEY"] = "load-test-dummy-key"
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )
        line = self.proc.stderr.readline().decode()
        if "http://" not in line:
            self.proc.kill()
            raise SystemExit(f"{binary}: no address on stderr: {line!r}")
        hostport = line.split("http://", 1)[1].split("/mcp", 1)[0]
        self.host, port = hostport.rsplit(":", 1)
        self.port = int(port)
        self.stderr_tail = []
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.proc.stderr:
            self.stderr_tail = (self.stderr_tail + [line.decode(errors="replace")])[-20:]

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def status_kb(self, key):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        return 0

    def reset_peak(self):
        """Resets VmHWM to the current RSS; False where the kernel refuses."""
        try:
            with open(f"/proc/{self.proc.pid}/clear_refs", "w") as f:
                f.write("5")
            return True
        except OSError:
            return False

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# --- the clients ----------------------------------------------------------


class Http:
    """One keep-alive HTTP/1.1 connection; bodies by length or chunked."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def connect(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def post(self, message, session=None, extra=()):
        body = json.dumps(message).encode()
        head = [
            "POST /mcp HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Content-Type: application/json",
            "Accept: application/json, text/event-stream",
            f"Content-Length: {len(body)}",
        ]
        if session:
            head += [f"Mcp-Session-Id: {session}", f"MCP-Protocol-Version: {PROTOCOL}"]
        head += list(extra)
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        headers = {}
        while True:
            line = await self.reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            name, _, value = line.decode().partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            data = await self.reader.readexactly(int(headers["content-length"]))
        elif "chunked" in headers.get("transfer-encoding", ""):
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            data = b"".join(parts)
        else:
            data = b""
        return status, headers, data.decode(errors="replace")

    def close(self):
        if self.writer:
            self.writer.close()


def messages(body):
    """The JSON-RPC messages of a JSON or event-stream body."""
    try:
        return [json.loads(body)]
    except ValueError:
        out = []
        for line in body.splitlines():
            if line.startswith("data:") and line[5:].strip():
                try:
                    out.append(json.loads(line[5:]))
                except ValueError:
                    pass
        return out


def call_message(i):
    return {
        "jsonrpc": "2.0",
        "id": i + 1,
        "method": "tools/call",
        "params": {"name": "incidents_v2_show", "arguments": {"id": f"01H{i:023d}"}},
    }


async def timed_call(http, i, latencies, errors, session=None, stateless=False):
    message, extra = call_message(i), ()
    if stateless:
        # The 2026-07-28 revision: no initialize, no session; each request
        # carries its protocol version and the client's capabilities.
        message["params"]["_meta"] = {
            "io.modelcontextprotocol/protocolVersion": STATELESS_PROTOCOL,
            "io.modelcontextprotocol/clientCapabilities": {},
            "io.modelcontextprotocol/clientInfo": {"name": "mcp_http_load", "version": "0"},
        }
        extra = (
            f"MCP-Protocol-Version: {STATELESS_PROTOCOL}",
            "Mcp-Method: tools/call",
            "Mcp-Name: incidents_v2_show",
        )
    start = time.perf_counter()
    status, _, body = await asyncio.wait_for(http.post(message, session, extra), REQUEST_TIMEOUT)
    latencies.append(time.perf_counter() - start)
    replies = [m for m in messages(body) if m.get("id") == i + 1]
    if status != 200 or not replies or replies[0].get("result", {}).get("isError"):
        errors.append(f"tools/call: {status} {body[:200]!r}")


async def session(host, port, calls, latencies, errors, stateless=False):
    http = Http(host, port)
    try:
        await http.connect()
        if stateless:
            for i in range(calls):
                await timed_call(http, i, latencies, errors, stateless=True)
            return
        init = {
            "jsonrpc": "2.0",
            "id": 0,
            "method": "initialize",
            "params": {
                "protocolVersion": PROTOCOL,
                "capabilities": {},
                "clientInfo": {"name": "mcp_http_load", "version": "0"},
            },
        }
        status, headers, _ = await asyncio.wait_for(http.post(init), REQUEST_TIMEOUT)
        sid = headers.get("mcp-session-id")
        if status != 200 or not sid:
            errors.append(f"initialize: {status}")
            return
        note = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        await asyncio.wait_for(http.post(note, sid), REQUEST_TIMEOUT)
        for i in range(calls):
            await timed_call(http, i, latencies, errors, session=sid)
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as e:
        errors.append(f"{type(e).__name__}: {e}")
    finally:
        # Closed without DELETE: the session is abandoned.
        http.close()


async def one_round(server, sessions, calls, stateless=False):
    latencies, errors = [], []
    tasks = [
        session(server.host, server.port, calls, latencies, errors, stateless)
        for _ in range(sessions)
    ]
    await asyncio.wait_for(asyncio.gather(*tasks), ROUND_TIMEOUT)
    return latencies, errors


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run_server(label, binary, extra, upstream_port, args, sessions):
    server = Server(binary, extra, upstream_port, args.mock, args.pacing)
    rows = []
    try:
        time.sleep(0.2)
        for n in range(1, args.rounds + 1):
            exact_peak = server.reset_peak()
            cpu0 = server.cpu_seconds()
            peak_sampled = server.status_kb("VmRSS")
            start = time.perf_counter()
            # The event loop runs in this thread; RSS is sampled beside it
            # where VmHWM cannot be reset.
            done = threading.Event()

            def sample():
                nonlocal peak_sampled
                while not done.wait(0.05):
                    try:
                        peak_sampled = max(peak_sampled, server.status_kb("VmRSS"))
                    except OSError:
                        return

            sampler = None
            if not exact_peak:
                sampler = threading.Thread(target=sample, daemon=True)
                sampler.start()
            latencies, errors = asyncio.run(
                one_round(server, sessions, args.calls, args.client == "stateless")
            )
            wall = time.perf_counter() - start
            done.set()
            if sampler:
                sampler.join()
            cpu = server.cpu_seconds() - cpu0
            peak = server.status_kb("VmHWM") if exact_peak else peak_sampled
            row = {
                "bin": label,
                "sessions": sessions,
                "round": n,
                "wall_s": wall,
                "p50_ms": percentile(latencies, 50) * 1000,
                "p99_ms": percentile(latencies, 99) * 1000,
                "cpu_s": cpu,
                "peak_mb": peak / 1024,
                "rss_end_mb": server.status_kb("VmRSS") / 1024,
                "calls": len(latencies),
                "errors": len(errors),
            }
            rows.append(row)
            print(
                f"{label:>10} N={sessions:<4} round {n}: wall {wall:7.2f} s  p50 {row['p50_ms']:8.1f} ms"
                f"  p99 {row['p99_ms']:8.1f} ms  cpu {cpu:6.2f} s  peak {row['peak_mb']:6.1f} MB"
                f"  rss {row['rss_end_mb']:6.1f} MB  calls {len(latencies)}  errors {len(errors)}",
                flush=True,
            )
            for e in errors[:3]:
                print(f"           error: {e}", flush=True)
            if args.pause and n < args.rounds:
                time.sleep(args.pause)
    finally:
        server.stop()
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", action="append", required=True, help="LABEL=PATH [mcp flags…]")
    parser.add_argument("--sessions", default="50,200", help="concurrent sessions per round, comma-separated")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=5, help="tools/call per session")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each binary (order alternated)")
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between rounds")
    parser.add_argument("--mock", action="store_true", help="use the CLI's built-in mock as upstream")
    parser.add_argument(
        "--client",
        choices=["session", "stateless"],
        default="session",
        help="session: initialize, then calls on the session (2025-06-18); "
        "stateless: calls only, each with its protocol metadata (2026-07-28)",
    )
    parser.add_argument(
        "--pacing",
        action="store_true",
        help="leave the library's pacing on (by default the server runs with --no-pacing, "
        "since pacing holds calls to the API key's rate limit whatever the server does)",
    )
    parser.add_argument("--json", help="also write every row to this file")
    parser.add_argument("--upstream", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.upstream:
        asyncio.run(serve_upstream())
        return

    bins = []
    for value in args.bin:
        label, _, rest = value.partition("=")
        words = shlex.split(rest)
        if not label or not words:
            parser.error(f"--bin {value!r}: give LABEL=PATH")
        bins.append((label, words[0], words[1:]))

    upstream = None
    upstream_port = None
    if not args.mock:
        upstream = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--upstream", "--bin", "x=x"],
            stdout=subprocess.PIPE,
        )
        upstream_port = int(upstream.stdout.readline())
    rows = []
    try:
        for rep in range(args.repeat):
            for sessions in [int(s) for s in args.sessions.split(",")]:
                order = bins if rep % 2 == 0 else list(reversed(bins))
                for label, binary, extra in order:
                    rows += [
                        dict(r, rep=rep)
                        for r in run_server(label, binary, extra, upstream_port, args, sessions)
                    ]
    finally:
        if upstream:
            upstream.terminate()
            upstream.wait()

    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)

    # Medians over repeats, and ratios against the first binary.
    print()
    print("| sessions | round | " + " | ".join(f"{b[0]} wall, p50, p99, CPU, peak" for b in bins)
          + (" | ratio (" + ", ".join(b[0] for b in bins[1:]) + f" / {bins[0][0]}): wall, p50, p99, CPU" if len(bins) > 1 else "")
          + " |")
    print("|" + " --- |" * (2 + len(bins) + (1 if len(bins) > 1 else 0)))
    for sessions in [int(s) for s in args.sessions.split(",")]:
        for n in range(1, args.rounds + 1):
            cells, med = [], {}
            for label, _, _ in bins:
                mine = [r for r in rows if r["bin"] == label and r["sessions"] == sessions and r["round"] == n]
                m = {k: statistics.median(r[k] for r in mine) for k in ("wall_s", "p50_ms", "p99_ms", "cpu_s", "peak_mb")}
                med[label] = m
                cells.append(
                    f"{m['wall_s']:.2f} s, {m['p50_ms']:.0f} ms, {m['p99_ms']:.0f} ms, {m['cpu_s']:.2f} s, {m['peak_mb']:.0f} MB"
                )
            if len(bins) > 1:
                base = med[bins[0][0]]
                ratios = []
                for label, _, _ in bins[1:]:
                    m = med[label]
                    ratios.append(", ".join(
                        f"{m[k] / base[k]:.2f}x" if base[k] else "n/a"
                        for k in ("wall_s", "p50_ms", "p99_ms", "cpu_s")
                    ))
                cells.append("; ".join(ratios))
            print(f"| {sessions} | {n} | " + " | ".join(cells) + " |")
    if any(r["errors"] for r in rows):
        print("\nsome calls failed: see the errors above", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
