#!/usr/bin/env python3
"""A loopback list endpoint for measuring `incidentio ... --all`.

Serves GET /v2/incidents as TOTAL items in pages of PAGE_SIZE (cursor
`after` = index of the next item), each item the spec's example incident. Prints its port on stdout, then serves until killed.
Usage: pages_server.py TOTAL PAGE_SIZE
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

TOTAL = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
PAGE = int(sys.argv[2]) if len(sys.argv) > 2 else 250
SPEC = os.path.join(os.path.dirname(__file__), "..", "..", "openapi", "incident-io.json")
# Each item is the spec's example incident (so that the library's typed
# decode accepts it too), with its own id and reference.
with open(SPEC) as f:
    TEMPLATE = json.load(f)["paths"]["/v2/incidents"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["example"]["incidents"][0]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # One response is two writes (headers, body): without this, Nagle and
    # delayed ACKs add 40 ms to every page.
    disable_nagle_algorithm = True

    def do_GET(self):
        query = parse_qs(urlparse(self.path).query)
        start = int(query.get("after", ["0"])[0])
        end = min(start + PAGE, TOTAL)
        items = []
        for i in range(start, end):
            item = dict(TEMPLATE)
            item["id"] = f"01H{i:023d}"
            item["reference"] = f"INC-{i}"
            items.append(item)
        meta = {"page_size": PAGE}
        if end < TOTAL:
            meta["after"] = str(end)
        body = json.dumps({"incidents": items, "pagination_meta": meta}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
