# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Real HTTP(S) servers on 127.0.0.1 for the unit tests where sockets matter: timeouts, dropped
connections, kept-alive connections, TLS and proxies."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import contextlib
import json
import shutil
import socket
import ssl
import subprocess
import threading

import pytest

from ansible_collections.hwcloud.dli.plugins.module_utils import transport

OK = {"is_success": "true"}

Request = collections.namedtuple("Request", "method path headers body")


class _Loopback(object):
    """A real HTTP(S) server on 127.0.0.1, port 0, in a thread. ``answer(handler, number)`` answers the
    request ``number`` (from 1), or returns without answering: the connection then closes unanswered.
    Every request is recorded, after its body was read, in ``requests``."""

    def __init__(self, answer, tls=None, keep_alive=False):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        state = self
        self.requests = []
        self.release = threading.Event()  # set at shutdown: held and trickling answers end
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            # HTTP/1.1 keeps the connection open after an answer with a Content-Length; 1.0 closes it.
            protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"

            def _any(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with lock:
                    state.requests.append(Request(self.command, self.path,
                                                  transport.Headers(self.headers.items()), body))
                    number = len(state.requests)
                try:
                    answer(self, number)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client has given up on this answer

            do_GET = do_PUT = do_POST = do_DELETE = _any

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.loopback = self
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = "%s://127.0.0.1:%s" % ("https" if tls else "http", self.server.server_address[1])

    def calls(self):
        return [(request.method, request.path) for request in self.requests]


@contextlib.contextmanager
def loopback(answer, tls=None, keep_alive=False):
    server = _Loopback(answer, tls, keep_alive)
    thread = threading.Thread(target=server.server.serve_forever, kwargs=dict(poll_interval=0.05), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.server.shutdown()
        server.server.server_close()
        thread.join(5)


def send_json(handler, status=200, body=None, headers=()):
    data = json.dumps(OK if body is None else body).encode()
    handler.send_response(status)
    for name, value in headers:
        handler.send_header(name, value)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def answer_ok(handler, number):
    send_json(handler)


def drop(handler, number):
    """The request was read whole; the connection is closed without a byte of answer."""


def hold(handler, number):
    """The request was read whole; no answer comes until the test ends."""
    handler.server.loopback.release.wait(10)


def trickle(handler, number):
    """Status line and headers at once, then the body one byte every 0.3 seconds (about 12 seconds)."""
    body = json.dumps({"is_success": "true", "pad": "x" * 16}).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    for index in range(len(body)):
        if handler.server.loopback.release.wait(0.3):
            return
        handler.wfile.write(body[index:index + 1])


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_self_signed(directory):
    """(cert, key): a self-signed certificate for 127.0.0.1 in ``directory``, made with the openssl command."""
    if not shutil.which("openssl"):
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = str(directory / "cert.pem"), str(directory / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1", "-keyout", key, "-out", cert],
                   check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return cert, key


@contextlib.contextmanager
def tunnel_proxy(refusal=None, tls=None):
    """A proxy on 127.0.0.1 that opens CONNECT tunnels: it answers 200 and relays bytes both ways; or, given
    ``refusal`` (a whole answer), sends that and closes. Given ``tls`` (cert, key), it is an https:// proxy: the
    client speaks TLS to the proxy itself. Yields (url, seen), ``seen`` being the head (request line and
    headers) of each CONNECT it took."""
    context = None
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.05)  # accept() wakes up to see the end of the test
    stop = threading.Event()
    seen = []
    sockets = [listener]

    def relay(source, target):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def serve():
        while not stop.is_set():
            try:
                client, dummy = listener.accept()
            except socket.timeout:
                continue
            client.settimeout(None)
            if context is not None:
                try:
                    client = context.wrap_socket(client, server_side=True)
                except (OSError, ssl.SSLError):
                    client.close()
                    continue
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(4096)
                if not chunk:
                    break
                head += chunk
            seen.append(head.decode("latin-1"))
            if refusal:
                client.sendall(refusal)
                client.close()
                continue
            host, port = head.split(b" ")[1].decode().rsplit(":", 1)
            upstream = socket.create_connection((host, int(port)))
            sockets.extend([client, upstream])
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=relay, args=(source, target), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield "%s://127.0.0.1:%s" % ("https" if tls else "http", listener.getsockname()[1]), seen
    finally:
        stop.set()
        thread.join(5)
        for sock in sockets:
            sock.close()
