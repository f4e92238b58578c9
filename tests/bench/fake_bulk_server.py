"""A FAKE S3 server (not S3: just enough of it) that holds N generated keys, for the 1M-key run.

No local server holds a million objects without minutes of uploads and gigabytes of disk, and
what the 1,000,000-key measurement asks is *our* process's memory over a listing that long.
This fake answers ListObjectsV2 (1000-key pages of `data/obj-0000000` … generated from the
continuation token, nothing stored; a root listing with a delimiter shows the one folder), DeleteObjects (quiet: an empty result, after counting
the keys in the body) and CopyObject (a CopyObjectResult). It does not check signatures.
`python -m tests.bench.fake_bulk_server N` serves on a free port and prints it; the counts of
deleted and copied keys are at `GET /_stats`.
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PAGE = 1000
SIZE = 1024


class _State:
    def __init__(self, keys: int) -> None:
        self.keys = keys
        self.deleted = 0
        self.copied = 0
        self.lock = threading.Lock()


FOLDER = "data/"  # every key is under it: a root listing with a delimiter shows one folder


def _key(i: int) -> str:
    return f"{FOLDER}obj-{i:07d}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: _State

    def log_message(self, *args: object) -> None:
        pass

    def _reply(self, status: int, body: bytes, ctype: str = "application/xml") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        url = urlsplit(self.path)
        if url.path == "/_stats":
            with self.state.lock:
                stats = {"deleted": self.state.deleted, "copied": self.state.copied}
            self._reply(200, json.dumps(stats).encode(), "application/json")
            return
        query = parse_qs(url.query)
        if query.get("delimiter") and not query.get("prefix", [""])[0]:
            self._reply(200, (
                '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.'
                f'amazonaws.com/doc/2006-03-01/"><Name>{url.path.strip("/")}</Name><Prefix>'
                '</Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter>'
                f'<IsTruncated>false</IsTruncated><CommonPrefixes><Prefix>{FOLDER}</Prefix>'
                '</CommonPrefixes></ListBucketResult>').encode())
            return
        start = int(query.get("continuation-token", ["0"])[0])
        end = min(self.state.keys, start + PAGE)
        parts = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
                 f"<Name>{url.path.strip('/')}</Name><Prefix></Prefix><KeyCount>{end - start}"
                 f"</KeyCount><MaxKeys>{PAGE}</MaxKeys>"]
        parts.append(f"<IsTruncated>{'true' if end < self.state.keys else 'false'}</IsTruncated>")
        if end < self.state.keys:
            parts.append(f"<NextContinuationToken>{end}</NextContinuationToken>")
        for i in range(start, end):
            parts.append(f"<Contents><Key>{_key(i)}</Key><LastModified>2026-01-01T00:00:00.000Z"
                         f"</LastModified><ETag>&quot;{i:032x}&quot;</ETag><Size>{SIZE}</Size>"
                         "<StorageClass>STANDARD</StorageClass></Contents>")
        parts.append("</ListBucketResult>")
        self._reply(200, "".join(parts).encode())

    def do_POST(self) -> None:  # noqa: N802
        body = self._body()
        with self.state.lock:
            self.state.deleted += body.count(b"<Object>")
        self._reply(200, b'<?xml version="1.0" encoding="UTF-8"?><DeleteResult '
                         b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>')

    def do_PUT(self) -> None:  # noqa: N802
        self._body()
        with self.state.lock:
            self.state.copied += 1
        self._reply(200, b'<?xml version="1.0" encoding="UTF-8"?><CopyObjectResult>'
                         b"<LastModified>2026-01-01T00:00:00.000Z</LastModified>"
                         b"<ETag>&quot;00&quot;</ETag></CopyObjectResult>")


def serve(keys: int) -> ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"state": _State(keys)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    return server


if __name__ == "__main__":
    httpd = serve(int(sys.argv[1]))
    print(httpd.server_address[1], flush=True)
    httpd.serve_forever()
