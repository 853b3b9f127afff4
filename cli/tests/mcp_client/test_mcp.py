"""`incidentio mcp` driven by the official MCP Python SDK (`mcp` on PyPI),
a client no one here wrote, over stdio and over Streamable HTTP.

Run by `.ci/mcp-client`, which installs the pinned SDK in `.venv-mcp/` and
builds the binary; INCIDENTIO_BIN names it. Everything runs against the
built-in mock (`--mock`): nothing reaches an address but 127.0.0.1 (the
HTTP client ignores proxy settings from the environment).

Expectations are derived at run time from `incidentio describe` (the
catalog) and `incidentio mcp --help` (the toolsets), never counted here.
"""

import asyncio
import contextlib
import json
import logging
import os
import re
import secrets
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.request

import httpx2
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

# IsolatedAsyncioTestCase runs asyncio in debug mode, which reports every
# slow step; the SDK's own warnings stay visible.
logging.getLogger("asyncio").setLevel(logging.ERROR)

BIN = os.environ.get("INCIDENTIO_BIN", "target/debug/incidentio")
META = {"search_operations", "describe_operation", "call_operation"}
# Tools of the server's own that are not operations (offered with a
# toolset: who_is_on_call with schedules).
OWN = {"who_is_on_call"}
# A test's whole budget: a hung server fails the test instead of the run.
TIMEOUT = 60


def run(*args):
    env = {k: v for k, v in os.environ.items() if k not in ("INCIDENT_IO_API_KEY", "INCIDENT_API_KEY")}
    return subprocess.run([BIN, *args], check=True, capture_output=True, text=True, env=env).stdout


def describe():
    return json.loads(run("describe"))


def expected_all():
    """The per-operation tools of `--toolsets all`, read-only: every GET,
    less the deprecated ones whose replacement is offered (as
    cli/tests/it/mcp.rs derives them)."""
    gets = [op for op in describe() if op["method"] == "GET"]
    commands = {f"{op['service']} {op['action']}" for op in gets}
    return sorted(
        op["method_name"] for op in gets if not (op["deprecated"] and op.get("replacement") in commands)
    )


def toolsets():
    """(default toolsets, every toolset): the default from `incidentio mcp
    --help`, every one from the refusal of a toolset that does not exist
    (services no group names are toolsets of their own, not in --help)."""
    default = re.search(r"Toolsets \(default: ([a-z,-]+)\):", run("mcp", "--help")).group(1).split(",")
    refused = subprocess.run([BIN, "--mock", "mcp", "--toolsets", "no-such-toolset"], capture_output=True, text=True)
    assert refused.returncode == 2, refused
    every = re.search(r"\(there are: ([a-z, -]+), all\)", refused.stderr).group(1).split(", ")
    return default, every


def names(tools):
    return sorted(t.name for t in tools if t.name not in META | OWN)


@contextlib.asynccontextmanager
async def stdio_session(*mcp_args):
    params = StdioServerParameters(command=BIN, args=["--mock", "mcp", *mcp_args])
    with open(os.devnull, "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                assert init.server_info.name == "incidentio", init.server_info
                yield session


class HttpServer:
    """`incidentio --mock mcp --http 127.0.0.1:0` with a token of its own
    (from INCIDENTIO_MCP_TOKEN); the port it took is read off stderr."""

    def __init__(self, *mcp_args):
        self.token = secrets.token_urlsafe(24)
        env = dict(os.environ, INCIDENTIO_MCP_TOKEN=self.token)
        env.pop("INCIDENT_IO_API_KEY", None)
        env.pop("INCIDENT_API_KEY", None)
        self.process = subprocess.Popen(
            [BIN, "--mock", "mcp", "--http", "127.0.0.1:0", *mcp_args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        line = self.process.stderr.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/mcp", line)
        assert match, f"no address on stderr: {line!r}"
        self.url = match.group(0)
        assert self.token not in line

    def close(self):
        self.process.kill()
        self.process.wait()
        self.process.stderr.close()

    def status(self, headers):
        """The HTTP status of an initialize POST with these headers, no proxy."""
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "protocolVersion": "2025-06-18",
                    "capabilities": {},
                    "clientInfo": {"name": "raw", "version": "0"},
                },
            }
        ).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json, text/event-stream",
                **headers,
            },
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, response.read(64).decode(errors="replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    @contextlib.asynccontextmanager
    async def session(self, token, statuses=None):
        """An SDK session; the HTTP statuses it met are appended to
        `statuses` (the SDK reports a refusal without its status)."""
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}

        async def record(response):
            if statuses is not None:
                statuses.append(response.status_code)

        async with httpx2.AsyncClient(
            headers=headers, trust_env=False, timeout=30, event_hooks={"response": [record]}
        ) as http:
            async with streamable_http_client(self.url, http_client=http) as (read, write):
                async with ClientSession(read, write) as session:
                    init = await session.initialize()
                    assert init.server_info.name == "incidentio", init.server_info
                    yield session


async def exercise(test, session):
    """What every transport must do alike: a list and a show against the
    mock, search, a wrong argument, a refused write."""
    listed = await session.call_tool(
        "call_operation", {"operation": "incidents_v2_list", "arguments": {"limit": 2, "fields": ["id", "name"]}}
    )
    test.assertFalse(listed.is_error, listed)
    incidents = listed.structured_content["incidents"]
    test.assertTrue(1 <= len(incidents) <= 2, incidents)
    test.assertEqual(sorted(incidents[0]), ["id", "name"])
    # The same JSON as text, for clients that read only text.
    test.assertEqual(json.loads(listed.content[0].text), listed.structured_content)

    shown = await session.call_tool("incidents_v2_show", {"id": incidents[0]["id"]})
    test.assertFalse(shown.is_error, shown)
    test.assertIsInstance(shown.structured_content["incident"], dict)

    found = await session.call_tool("search_operations", {"query": "declare an incident"})
    test.assertFalse(found.is_error, found)
    test.assertEqual(found.structured_content["matches"][0]["operation"], "incidents_v2_create", found)

    wrong = await session.call_tool(
        "call_operation", {"operation": "incidents_v2_show", "arguments": {"id": "x", "colour": "red"}}
    )
    test.assertTrue(wrong.is_error, wrong)
    test.assertEqual(wrong.structured_content["argument"], "colour", wrong)
    test.assertIn("colour", wrong.content[0].text)

    write = await session.call_tool(
        "call_operation",
        {
            "operation": "incidents_v2_create",
            "arguments": {"idempotency_key": "k", "visibility": "public", "name": "from the SDK test"},
        },
    )
    test.assertTrue(write.is_error, write)
    test.assertEqual(write.structured_content["type"], "refused", write)
    test.assertFalse(write.structured_content["sent"], write)
    test.assertIn("--allow-writes", write.structured_content["message"])


class Stdio(unittest.IsolatedAsyncioTestCase):
    async def test_tool_lists_derive_from_the_catalog(self):
        async with asyncio.timeout(TIMEOUT):
            whole = expected_all()
            async with stdio_session("--toolsets", "all") as session:
                tools = (await session.list_tools()).tools
                self.assertEqual(names(tools), whole)
                self.assertTrue(META <= {t.name for t in tools})
                for tool in tools:
                    if tool.name not in META:
                        self.assertTrue(tool.annotations.read_only_hint, tool.name)

            default, every = toolsets()
            self.assertTrue(set(default) <= set(every), (default, every))
            by_toolset = {}
            for toolset in every:
                async with stdio_session("--toolsets", toolset) as session:
                    by_toolset[toolset] = set(names((await session.list_tools()).tools))
            # The toolsets split the read-only whole.
            self.assertEqual(sorted(set().union(*by_toolset.values())), whole)
            async with stdio_session() as session:
                listed = names((await session.list_tools()).tools)
            self.assertEqual(listed, sorted(set().union(*(by_toolset[t] for t in default))))
            self.assertIn("incidents_v2_list", listed)
            self.assertLess(len(listed), len(whole))

    async def test_calls(self):
        async with asyncio.timeout(TIMEOUT):
            async with stdio_session() as session:
                await exercise(self, session)


class Http(unittest.IsolatedAsyncioTestCase):
    def setUp(self):
        self.server = HttpServer()

    def tearDown(self):
        self.server.close()

    async def test_with_the_token_it_serves_as_stdio_does(self):
        async with asyncio.timeout(TIMEOUT):
            async with stdio_session() as session:
                over_stdio = names((await session.list_tools()).tools)
            async with self.server.session(self.server.token) as session:
                tools = (await session.list_tools()).tools
                self.assertEqual(names(tools), over_stdio)
                self.assertTrue(META <= {t.name for t in tools})
                await exercise(self, session)

    async def test_all_toolsets_over_http(self):
        self.server.close()
        self.server = HttpServer("--toolsets", "all")
        async with asyncio.timeout(TIMEOUT):
            async with self.server.session(self.server.token) as session:
                self.assertEqual(names((await session.list_tools()).tools), expected_all())

    async def test_without_or_with_a_wrong_token_the_sdk_is_refused(self):
        for token in (None, self.server.token + "x", self.server.token[:-1], "Bearer"):
            with self.subTest(token=token):
                statuses = []
                with self.assertRaises(Exception) as raised:
                    async with asyncio.timeout(TIMEOUT):
                        async with self.server.session(token, statuses):
                            pass
                self.assertNotIsInstance(raised.exception, TimeoutError)
                self.assertIn("error response", repr_all(raised.exception))
                self.assertEqual(statuses, [401])

    def test_status_codes(self):
        token = {"Authorization": f"Bearer {self.server.token}"}
        port = self.server.url.split(":")[2].split("/")[0]
        cases = [
            ({}, 401),
            ({"Authorization": "Bearer wrong"}, 401),
            ({"Authorization": f"Basic {self.server.token}"}, 401),
            ({**token, "Origin": "http://evil.example"}, 403),
            ({**token, "Origin": "https://attacker.test:8443"}, 403),
            ({**token, "Host": f"evil.example:{port}"}, 403),
            ({**token, "Origin": f"http://127.0.0.1:{port}"}, 200),
            ({**token, "Origin": "http://localhost:5173"}, 200),
            (token, 200),
        ]
        for headers, expected in cases:
            with self.subTest(headers={k: v.replace(self.server.token, "<token>") for k, v in headers.items()}):
                status, body = self.server.status(headers)
                self.assertEqual(status, expected, body)
                self.assertNotIn(self.server.token, body)


def repr_all(error):
    """The text of an exception and of every exception inside it."""
    parts = [repr(error), str(error)]
    for inner in getattr(error, "exceptions", ()):
        parts.append(repr_all(inner))
    if error.__cause__ is not None:
        parts.append(repr_all(error.__cause__))
    if error.__context__ is not None and error.__context__ is not error.__cause__:
        parts.append(repr_all(error.__context__))
    return "\n".join(parts)


class KeyFromTheCliOnly(unittest.TestCase):
    def test_a_key_file_is_read_and_never_printed(self):
        # The key comes from --api-key-file; the server starts (a key is
        # required without --mock) and prints nothing of it.
        secret = "sk_test_never_print_" + secrets.token_hex(8)
        with tempfile.NamedTemporaryFile("w", suffix=".key") as key:
            key.write(secret)
            key.flush()
            env = {k: v for k, v in os.environ.items() if k not in ("INCIDENT_IO_API_KEY", "INCIDENT_API_KEY")}
            env["INCIDENTIO_MCP_TOKEN"] = "t0ken"
            process = subprocess.Popen(
                [BIN, "--api-key-file", key.name, "--base-url", "http://127.0.0.1:9", "mcp", "--http", "0"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            try:
                line = process.stderr.readline()
                self.assertIn("http://127.0.0.1:", line)
            finally:
                process.kill()
                out, err = process.communicate()
            for text in (line, out, err):
                self.assertNotIn(secret, text)
                self.assertNotIn("t0ken", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
