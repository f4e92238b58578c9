"""Reading a whole reply body from a `requests.Response`, capped (XML documents, errors).

The transport materialises every reply it does not stream through `read_capped`: a declared
length over the cap is refused before reading, a body that grows past it is cut off and
refused; urllib3 responses are read directly (requests' iter_content costs ~40 us per call),
their errors mapped to the `requests` exceptions the retry loop knows.
"""

from __future__ import annotations

import requests
import urllib3

from .errors import InvalidResponseError


def read_capped(resp: requests.Response, cap: int, head: bool = False) -> bytes:
    declared = resp.headers.get("Content-Length")
    if not head and declared and declared.isdigit() and int(declared) > cap:
        resp.close()
        raise InvalidResponseError(resp.status_code, resp.headers.get("Content-Type"),
                                   f"response body of {declared} bytes exceeds the {cap}-byte cap")
    raw = resp.raw
    chunks, total = [], 0
    # urllib3 responses are read directly (requests' iter_content costs ~40 us per call);
    # anything else a caller's adapter returns goes through iter_content.
    pieces = (iter(lambda: read_raw(raw, 64 * 1024), b"")
              if isinstance(raw, urllib3.BaseHTTPResponse) else resp.iter_content(64 * 1024))
    for chunk in pieces:
        total += len(chunk)
        if total > cap:
            resp.close()
            raise InvalidResponseError(resp.status_code, resp.headers.get("Content-Type"),
                                       f"response body exceeds the {cap}-byte cap")
        chunks.append(chunk)
    return b"".join(chunks)


def read_raw(raw, amount: int) -> bytes:
    """One read from a urllib3 response, its errors mapped as requests' iter_content maps them."""
    try:
        return raw.read(amount, decode_content=True)
    except urllib3.exceptions.ProtocolError as exc:
        raise requests.exceptions.ChunkedEncodingError(exc) from None
    except urllib3.exceptions.DecodeError as exc:
        raise requests.exceptions.ContentDecodingError(exc) from None
    except urllib3.exceptions.ReadTimeoutError as exc:
        raise requests.ConnectionError(exc) from None
    except urllib3.exceptions.SSLError as exc:
        raise requests.exceptions.SSLError(exc) from None
