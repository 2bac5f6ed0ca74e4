"""Send a request to a uWSGI socket the way Apache's mod_proxy_uwsgi does.

In DevStack's uwsgi mode the API listens on a unix socket and Apache
forwards ``ProxyPass "<url>" "unix:<socket>|uwsgi://..."``: it speaks the
uwsgi protocol (a 4-byte header, then length-prefixed CGI variables, then
the body), with ``SCRIPT_NAME`` set to the proxied URL path and
``PATH_INFO`` to the rest. The harness has no Apache, so the tests read the
site file the plugin had written and make that same request here.
"""

from __future__ import annotations

import json
import re
import socket
from urllib.parse import urlsplit

# ProxyPass "<url path>" "unix:<socket>|uwsgi://<name>" ...
_PROXY_PASS = re.compile(r'^ProxyPass\s+"([^"]+)"\s+"unix:([^|"]+)\|uwsgi://')


def routes(site_file: str) -> dict[str, str]:
    """URL path -> uWSGI socket, from an Apache site file's ProxyPass."""
    found = {}
    with open(site_file) as f:
        for line in f:
            match = _PROXY_PASS.match(line.strip())
            if match:
                found[match.group(1)] = match.group(2)
    return found


def _pack(vars_: dict[str, str]) -> bytes:
    out = bytearray()
    for key, value in vars_.items():
        for part in (key.encode(), value.encode()):
            out += len(part).to_bytes(2, 'little') + part
    return bytes(out)


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status_code = status
        self.headers = headers
        self.content = body

    def json(self):
        return json.loads(self.content)


def request(site_file: str, method: str, url: str,
            headers: dict[str, str] | None = None, body: bytes = b'',
            timeout: float = 30) -> Response:
    """``method url`` through the ProxyPass of ``site_file`` that matches."""
    parts = urlsplit(url)
    for prefix, sock_path in routes(site_file).items():
        if parts.path == prefix or parts.path.startswith(prefix + '/'):
            break
    else:
        raise AssertionError(f'no ProxyPass of {site_file} serves {url}')
    cgi = {
        'REQUEST_METHOD': method,
        'REQUEST_URI': parts.path + (f'?{parts.query}' if parts.query else ''),
        'SCRIPT_NAME': prefix,
        'PATH_INFO': parts.path[len(prefix):] or '/',
        'QUERY_STRING': parts.query,
        'SERVER_NAME': parts.hostname or 'localhost',
        'SERVER_PORT': str(parts.port or 80),
        'SERVER_PROTOCOL': 'HTTP/1.1',
        'REMOTE_ADDR': '127.0.0.1',
        'HTTP_HOST': parts.netloc,
        'CONTENT_LENGTH': str(len(body)),
    }
    for name, value in (headers or {}).items():
        key = name.upper().replace('-', '_')
        if key == 'CONTENT_TYPE':
            cgi[key] = value
        else:
            cgi['HTTP_' + key] = value
    payload = _pack(cgi)
    packet = (b'\x00' + len(payload).to_bytes(2, 'little') + b'\x00'
              + payload + body)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(sock_path)
        sock.sendall(packet)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    raw = b''.join(chunks)
    head, _, content = raw.partition(b'\r\n\r\n')
    lines = head.decode('latin-1').split('\r\n')
    status = int(lines[0].split()[1])
    parsed = {}
    for line in lines[1:]:
        name, _, value = line.partition(':')
        parsed[name.strip().lower()] = value.strip()
    return Response(status, parsed, content)
