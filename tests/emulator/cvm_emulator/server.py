# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""HTTP(S) front end: routes /v2/index.php to the legacy face, / to the API 3.0 face and /_emulator/ to
the control API; anything else is HTTP 404."""

import os
import socket
import ssl
import sys
import threading

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from . import API_PATH
from .control import PREFIX, Control
from .emulator import Emulator
from .reply import Reply
from .v3.decode import MAX_BODY as V3_MAX_BODY

MAX_BODY = 8 * 1024 * 1024
V3_PATH = "/"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Buffered writes: headers and body leave in one send, so a kept-alive
    # client's delayed ACK cannot stall the body behind Nagle's algorithm.
    wbufsize = 1 << 16

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def version_string(self):
        return "cvm_emulator"

    def do_GET(self):  # pylint: disable=invalid-name
        self._dispatch("GET")

    def do_POST(self):  # pylint: disable=invalid-name
        self._dispatch("POST")

    def do_DELETE(self):  # pylint: disable=invalid-name
        self._dispatch("DELETE")

    def _dispatch(self, method):
        url = urlsplit(self.path)
        # api-notes/v3.md 7 item 1: on /, a TC3 Authorization or an X-TC-Action header makes a 3.0 request.
        v3 = (
            url.path == V3_PATH
            and method in ("GET", "POST")
            and ("X-TC-Action" in self.headers or (self.headers.get("Authorization") or "").startswith("TC3-"))
        )
        body = self._read_body(V3_MAX_BODY if v3 else MAX_BODY, v3)
        if body is None:
            return
        if v3:
            headers = {}
            for name, value in self.headers.items():
                headers.setdefault(name.lower(), value)
            # http.server decodes the request line as latin-1; undo that to hash the query exactly as sent.
            raw_query = url.query.encode("latin-1").decode("utf-8", errors="surrogateescape")
            reply = self.server.emulator.handle_v3(method, headers, raw_query, body)
        elif url.path == API_PATH and method in ("GET", "POST"):
            # http.server decodes the request line as latin-1; undo that to get the bytes sent.
            raw = url.query.encode("latin-1") if method == "GET" else body
            reply = self.server.emulator.handle_api(method, self.headers.get("Host"), raw, self.headers.get("Content-Type"))
        elif url.path.startswith(PREFIX):
            reply = self.server.control.handle(method, url.path, url.query, body)
        else:
            reply = Reply(404, b"404 Not Found\n", content_type="text/plain")
        if reply.drop:
            self._drop()
        else:
            self._send(reply)

    def _read_body(self, limit, v3=False):
        if self.headers.get("Transfer-Encoding"):
            # Bodies must come with Content-Length; reading on would desynchronise the connection.
            self.close_connection = True
            self._send(Reply(411, b"Content-Length required\n", content_type="text/plain"))
            return None
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        if v3 and length.isdigit() and int(length) > limit:
            # The 3.0 face answers in its envelope without reading the body, then closes.
            self.close_connection = True
            headers = {name.lower(): value for name, value in self.headers.items()}
            self._send(Reply(200, self.server.emulator.v3.oversized(headers)))
            return None
        if not length.isdigit() or int(length) > limit:
            self.close_connection = True
            self._send(Reply(413 if length.isdigit() else 400, b"bad Content-Length\n", content_type="text/plain"))
            return None
        return self.rfile.read(int(length))

    def _send(self, reply):
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def _drop(self):
        """Close without a single byte of answer: the client sees a lost response."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.access_log:
            super().log_message(format, *args)


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 resets connections when many clients
    # (Ansible forks, test threads) connect at once.
    request_queue_size = 1024

    def __init__(self, settings, emulator):
        if ":" in settings.host:
            self.address_family = socket.AF_INET6
        super().__init__((settings.host, settings.port), Handler)
        self.emulator = emulator
        self.control = Control(emulator)
        self.access_log = settings.access_log
        self.scheme = "http"
        if settings.tls_cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(settings.tls_cert, settings.tls_key)
            # Handshake in the handler thread, so one slow client cannot stall accept().
            self.socket = context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)
            self.scheme = "https"

    @property
    def port(self):
        return self.server_address[1]

    @property
    def url(self):
        host = self.server_address[0]
        if ":" in host:
            host = f"[{host}]"
        return f"{self.scheme}://{host}:{self.port}"

    def handle_error(self, request, client_address):
        # Clients that hang up (TLS probes, dropped tests) are routine, not worth a traceback.
        if not isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError, TimeoutError)):
            super().handle_error(request, client_address)


def write_port_file(path, port):
    """Atomically, so a reader never sees a half-written number."""
    temp = f"{path}.{os.getpid()}.tmp"
    with open(temp, "w", encoding="ascii") as handle:
        handle.write(f"{port}\n")
    os.replace(temp, path)


class RunningEmulator:
    """An emulator serving from a background thread, for tests and embedding."""

    def __init__(self, settings):
        self.settings = settings
        self.emulator = Emulator(settings)
        self.server = EmulatorHTTPServer(settings, self.emulator)
        self._thread = threading.Thread(target=self.server.serve_forever, name="cvm_emulator", daemon=True)

    @property
    def url(self):
        return self.server.url

    @property
    def port(self):
        return self.server.port

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
        self.emulator.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
