# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The transport against real sockets on 127.0.0.1: kept-alive connections shared by threads, a
connection the server closed while idle, TLS, proxies from the environment (http:// and https://), the
bound on an answer's size, and what each failure says about the request (not sent, or maybe sent)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import os
import socket
import subprocess
import sys
import threading

import pytest
import requests
from urllib3.util.connection import is_connection_dropped

from ansible_collections.hwcloud.dli.plugins.module_utils import transport
from ansible_collections.hwcloud.dli.plugins.module_utils.transport import (
    AnswerTooLarge,
    ExchangeGuard,
    Headers,
    Lost,
    NotSent,
    RequestError,
    Response,
    TLSSetupError,
    Transport,
    Unreachable,
    proxies_for,
)
from loopback import answer_ok, drop, free_port, loopback, send_json, trickle, tunnel_proxy

# Every test: no proxy variable of the shell running the tests (fixture of tests/unit/conftest.py).
pytestmark = pytest.mark.usefixtures("no_proxy_variables")


def answer_with_client_port(handler, number):
    send_json(handler, body={"port": handler.client_address[1]})


def idle_connections(link):
    """The connections the transport keeps alive, over all its pools."""
    manager = link.session().get_adapter("http://").poolmanager
    pools = [manager.pools[key] for key in manager.pools.keys()]
    return [connection for pool in pools for connection in list(pool.pool.queue) if connection is not None]


def proxy_for(url):
    """The proxy requests would use for ``url``, as the transport reads the environment."""
    return requests.utils.select_proxy(url, proxies_for(url))


# -- answers ------------------------------------------------------------------------------------------

def test_headers_are_found_by_any_case_and_repeated_ones_are_joined():
    headers = Headers([("X-Request-Id", "r1"), ("Set-Thing", "a"), ("set-thing", "b")])
    assert headers.get("x-request-id") == headers["X-REQUEST-ID"] == "r1"
    assert "x-request-id" in headers and headers.get("Retry-After") is None
    assert headers["Set-Thing"] == "a, b"


def test_a_response_decodes_json_and_refuses_what_is_not():
    assert Response(200, {}, b'{"a": [1]}').json() == {"a": [1]}
    with pytest.raises(ValueError):
        Response(200, {}, b"<html>").json()
    with pytest.raises(ValueError):
        Response(200, {}, b"\xff\xfe{").json()
    assert Response(502, {}, b"bad \xff gateway").text == u"bad \ufffd gateway"


# -- connections -------------------------------------------------------------------------------------

def test_connections_are_kept_alive_and_the_answer_is_read_whole():
    with loopback(answer_with_client_port, keep_alive=True) as server:
        link = Transport(user_agent="agent/1")
        answers = [link.send("GET", server.url + "/a?x=1", timeout=5) for dummy in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert len(set(answer.json()["port"] for answer in answers)) == 1  # one connection for the three
    assert server.calls() == [("GET", "/a?x=1")] * 3
    assert server.requests[0].headers["User-Agent"] == "agent/1"


def test_a_connection_the_server_closed_while_idle_is_not_used_again():
    # HTTP/1.0: the server closes each connection after its answer, so each request needs a new one.
    with loopback(answer_with_client_port) as server:
        link = Transport()
        ports = [link.send("PUT", server.url + "/a", body=b"{}", timeout=5).json()["port"] for dummy in range(2)]
    assert ports[0] != ports[1]
    assert server.calls() == [("PUT", "/a")] * 2


def test_a_kept_alive_connection_closed_by_the_server_later_is_replaced_before_a_write():
    closed = threading.Event()

    def answer_then_close(handler, number):
        send_json(handler, body={"port": handler.client_address[1]})
        handler.wfile.flush()
        if number == 1:
            handler.close_connection = True  # the server ends the kept-alive connection while the client idles
            closed.set()

    with loopback(answer_then_close, keep_alive=True) as server:
        link = Transport()
        first = link.send("GET", server.url + "/a", timeout=5).json()["port"]
        closed.wait(5)
        for dummy in range(100):  # until the close has reached the client's socket
            if all(is_connection_dropped(connection) for connection in idle_connections(link)):
                break
            threading.Event().wait(0.02)
        second = link.send("PUT", server.url + "/a", body=b"{}", timeout=5).json()["port"]
    assert first != second
    assert server.calls() == [("GET", "/a"), ("PUT", "/a")]


def test_threads_share_the_connections_safely():
    with loopback(answer_with_client_port, keep_alive=True) as server:
        link = Transport(pool_size=8)
        ports, errors = [], []

        def work():
            try:
                for dummy in range(5):
                    ports.append(link.send("GET", server.url + "/a", timeout=5).json()["port"])
            except Exception as exc:  # pylint: disable=broad-exception-caught
                errors.append(exc)

        threads = [threading.Thread(target=work) for dummy in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        kept = len(idle_connections(link))
        again = [link.send("GET", server.url + "/a", timeout=5).json()["port"] for dummy in range(8)]
    assert errors == [] and len(ports) == 40 and len(server.requests) == 48
    assert len(set(ports)) <= 8 and 1 <= kept <= 8
    assert set(again) <= set(ports)  # the kept connections serve the next requests


def test_the_pool_keeps_as_many_connections_as_it_is_sized_for():
    release = threading.Event()

    def slow(handler, number):
        release.wait(5)
        answer_with_client_port(handler, number)

    with loopback(slow, keep_alive=True) as server:
        link = Transport(pool_size=2)
        threads = [threading.Thread(target=link.send, args=("GET", server.url + "/a"), kwargs=dict(timeout=5))
                   for dummy in range(4)]
        for thread in threads:
            thread.start()
        for dummy in range(250):  # four connections at once: the pool makes more than it keeps
            if len(server.requests) == 4:
                break
            threading.Event().wait(0.02)
        release.set()
        for thread in threads:
            thread.join(10)
        assert len(server.requests) == 4 and len(idle_connections(link)) == 2


def test_a_refused_connection_is_not_sent_and_unreachable():
    with pytest.raises(Unreachable) as excinfo:
        Transport().send("PUT", "http://127.0.0.1:%s/a" % free_port(), body=b"{}", timeout=2)
    assert not isinstance(excinfo.value, (TLSSetupError, RequestError))
    assert str(excinfo.value).startswith("ConnectionRefusedError: ")


def test_an_unknown_host_is_not_sent_and_unreachable():
    with pytest.raises(Unreachable) as excinfo:
        Transport().send("GET", "http://dli.example.invalid/a", timeout=2)
    assert str(excinfo.value).startswith("gaierror: ")


def test_a_connection_that_times_out_is_not_sent():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    filler = []
    try:
        for dummy in range(8):  # fill the listener's queue, never accepted: a further connect gets no answer
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex(listener.getsockname())
            filler.append(sock)
        with pytest.raises(NotSent) as excinfo:
            Transport().send("PUT", "http://127.0.0.1:%s/a" % listener.getsockname()[1], body=b"{}", timeout=1)
    finally:
        for sock in filler + [listener]:
            sock.close()
    assert not isinstance(excinfo.value, Unreachable), excinfo.value


def test_a_connection_closed_unanswered_is_lost():
    with loopback(drop) as server:
        with pytest.raises(Lost) as excinfo:
            Transport().send("PUT", server.url + "/a", body=b"{}", timeout=5)
    assert str(excinfo.value) == "RemoteDisconnected: Remote end closed connection without response"
    assert server.calls() == [("PUT", "/a")]


@pytest.mark.parametrize("url, message", [
    ("ftp://127.0.0.1/a", "ftp://127.0.0.1/a is not an http or https URL"),
    ("http://127.0.0.1:99999/a", "http://127.0.0.1:99999/a is not a valid URL: "),
])
def test_a_url_that_cannot_be_used_is_a_request_error(url, message):
    with pytest.raises(RequestError) as excinfo:
        Transport().send("GET", url + "?secret=no", timeout=2)
    assert str(excinfo.value).startswith(message) and "secret" not in str(excinfo.value)


@pytest.mark.parametrize("host", ["dli..example.com", "a" * 64 + ".example.com"])
def test_a_host_name_that_cannot_be_encoded_is_a_request_error(host):
    with pytest.raises(RequestError):
        Transport().send("GET", "http://%s/a" % host, timeout=2)


def test_a_request_whose_caller_gave_up_before_it_left_is_never_sent():
    guard = ExchangeGuard()
    assert guard.cancel() is True  # the caller stopped waiting while the connection was being made
    with loopback(answer_ok) as server:
        with pytest.raises(NotSent, match="^not sent: no connection was ready within the time given$"):
            Transport().send("PUT", server.url + "/a", body=b"{}", timeout=5, guard=guard)
    assert server.requests == []


def test_a_guard_decides_once():
    sending = ExchangeGuard()
    assert sending.start_sending() is True and sending.cancel() is False and sending.start_sending() is True
    cancelled = ExchangeGuard()
    assert cancelled.cancel() is True and cancelled.start_sending() is False and cancelled.cancel() is True


def test_a_header_requests_refuses_is_a_request_error_and_nothing_is_sent():
    with loopback(answer_ok) as server:
        with pytest.raises(RequestError) as excinfo:
            Transport().send("GET", server.url + "/a", headers={"X-Bad": "a\r\nInjected: 1"}, timeout=5)
    assert str(excinfo.value).startswith("InvalidHeader: Invalid leading whitespace, reserved character(s), or return")
    assert server.requests == []


# -- TLS ----------------------------------------------------------------------------------------------

def test_tls_is_verified_against_the_bundle_given(self_signed):
    with loopback(answer_ok, tls=self_signed) as server:
        assert Transport(verify=self_signed[0]).send("GET", server.url + "/a", timeout=5).status_code == 200
    assert server.calls() == [("GET", "/a")]


def test_tls_with_a_directory_of_cas(self_signed, tmp_path):
    directory = tmp_path / "cas"
    directory.mkdir()
    with open(self_signed[0]) as cert:
        pem = cert.read()
    # A CA directory holds each certificate under its subject hash, as c_rehash names it.
    name = subprocess.run(["openssl", "x509", "-hash", "-noout", "-in", self_signed[0]], check=True,
                          stdout=subprocess.PIPE).stdout.decode().strip()
    (directory / (name + ".0")).write_text(pem)
    with loopback(answer_ok, tls=self_signed) as server:
        assert Transport(verify=str(directory)).send("GET", server.url + "/a", timeout=5).status_code == 200


def test_an_unknown_certificate_is_a_tls_setup_error_and_nothing_is_sent(self_signed):
    with loopback(answer_ok, tls=self_signed) as server:
        with pytest.raises(TLSSetupError) as excinfo:
            Transport().send("PUT", server.url + "/a", body=b"{}", timeout=5)  # the system's CAs
    assert "CERTIFICATE_VERIFY_FAILED" in str(excinfo.value)
    assert server.requests == []


def test_a_bundle_that_is_not_pem_is_a_request_error_and_nothing_is_sent(tmp_path, self_signed):
    bundle = tmp_path / "bundle.pem"
    bundle.write_text("not a certificate\n")
    with loopback(answer_ok, tls=self_signed) as server:
        with pytest.raises(RequestError, match="^the CA bundle %s cannot be used: SSLError: " % bundle):
            Transport(verify=str(bundle)).send("PUT", server.url + "/a", body=b"{}", timeout=5)
    assert server.requests == []


def test_a_handshake_the_server_cuts_off_is_not_sent_and_not_a_setup_problem():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def cut_off():
        connection, dummy = listener.accept()
        connection.recv(1)  # the ClientHello has begun
        connection.close()

    thread = threading.Thread(target=cut_off, daemon=True)
    thread.start()
    try:
        with pytest.raises(NotSent) as excinfo:
            Transport().send("PUT", "https://127.0.0.1:%s/a" % listener.getsockname()[1], body=b"{}", timeout=5)
    finally:
        thread.join(5)
        listener.close()
    assert not isinstance(excinfo.value, (TLSSetupError, RequestError)), excinfo.value


def test_no_verification_when_asked(self_signed):
    with loopback(answer_ok, tls=self_signed) as server:
        assert Transport(verify=False).send("GET", server.url + "/a", timeout=5).status_code == 200


def test_https_to_a_plain_http_port_is_a_tls_setup_error():
    with loopback(answer_ok) as server:
        with pytest.raises(TLSSetupError):
            Transport().send("GET", server.url.replace("http:", "https:") + "/a", timeout=5)
    assert server.requests == []


# -- proxies ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("variables, url, expected", [
    ({}, "https://dli.example.com/a", None),
    ({"HTTPS_PROXY": "http://p:3128"}, "https://dli.example.com/a", "http://p:3128"),
    ({"https_proxy": "http://p:3128"}, "https://dli.example.com/a", "http://p:3128"),
    ({"HTTPS_PROXY": "http://p:3128"}, "http://dli.example.com/a", None),
    ({"HTTP_PROXY": "http://p:3128"}, "http://dli.example.com/a", "http://p:3128"),
    ({"ALL_PROXY": "http://p:3128"}, "https://dli.example.com/a", "http://p:3128"),
    ({"HTTPS_PROXY": "http://p:3128", "NO_PROXY": "example.com"}, "https://dli.example.com/a", None),
    ({"HTTPS_PROXY": "http://p:3128", "no_proxy": "other.org,.example.com"}, "https://dli.example.com/a", None),
    ({"HTTPS_PROXY": "http://p:3128", "NO_PROXY": "other.org"}, "https://dli.example.com/a", "http://p:3128"),
    ({"HTTPS_PROXY": "http://p:3128", "NO_PROXY": "*"}, "https://dli.example.com/a", None),
])
def test_the_proxy_comes_from_the_environment(monkeypatch, variables, url, expected):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert proxy_for(url) == expected


@pytest.mark.parametrize("host, port, no_proxy, bypassed", [
    ("10.1.2.3", 443, "10.0.0.0/8", True),
    ("10.1.2.3", 443, "192.168.0.0/16", False),
    ("10.1.2.3", 443, "10.1.2.3", True),
    ("[::1]", 8443, "::1", True),
    ("dli.example.com", 443, "example.com", True),
    ("dli.example.com", 443, ".example.com", True),
    ("example.com", 443, ".example.com", True),
    ("notexample.com", 443, "example.com", False),
    ("dli.example.com", 8443, "dli.example.com:8443", True),
    ("dli.example.com", 443, "dli.example.com:8443", False),
    ("DLI.Example.com", 443, " other.org , EXAMPLE.COM ", True),
    ("dli.example.com", 443, "other.org other.net", False),
    ("dli.example.com", 443, "*", True),
])
def test_no_proxy_names_hosts_domains_ports_addresses_and_networks_as_requests_reads_it(
        monkeypatch, host, port, no_proxy, bypassed):
    monkeypatch.setenv("HTTPS_PROXY", "http://p:3128")
    monkeypatch.setenv("NO_PROXY", no_proxy)
    assert (proxy_for("https://%s:%s/a" % (host, port)) is None) is bypassed


def test_lower_case_proxy_variables_win_and_an_empty_one_unsets(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://upper:1")
    monkeypatch.setenv("https_proxy", "http://lower:1")
    monkeypatch.setenv("HTTP_PROXY", "http://upper:2")
    monkeypatch.setenv("http_proxy", "")
    assert proxy_for("https://dli.example.com/a") == "http://lower:1"
    assert proxy_for("http://dli.example.com/a") is None


def test_http_proxy_is_ignored_under_cgi(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://from-a-client-header:1")
    monkeypatch.setenv("REQUEST_METHOD", "GET")
    assert proxy_for("http://dli.example.com/a") is None


def test_a_plain_http_request_goes_through_the_proxy_with_its_credentials(monkeypatch):
    with loopback(answer_ok) as proxy:  # as a plain proxy, it gets the whole URL in the request line
        monkeypatch.setenv("HTTP_PROXY", "http://proxy%%20user:p%%40ss@127.0.0.1:%s" % proxy.server.server_address[1])
        answer = Transport().send("GET", "http://dli.example.com:8080/v1.0/p1/a?x=1",
                                  headers={"Host": "dli.example.com:8080"}, timeout=5)
    assert answer.status_code == 200
    assert proxy.calls() == [("GET", "http://dli.example.com:8080/v1.0/p1/a?x=1")]
    sent = proxy.requests[0].headers
    assert sent["Host"] == "dli.example.com:8080"
    assert sent["Proxy-Authorization"] == "Basic " + base64.b64encode(b"proxy user:p@ss").decode()


def test_https_goes_through_a_connect_tunnel_and_a_refusal_is_not_sent(monkeypatch):
    """A proxy that refuses the tunnel (407): nothing reached the endpoint, and the proxy's password is in no message."""
    refusal = b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"
    with tunnel_proxy(refusal) as (proxy, seen):
        monkeypatch.setenv("HTTPS_PROXY", proxy.replace("http://", "http://u:Proxy-Secret@"))
        with pytest.raises(NotSent) as excinfo:
            Transport().send("PUT", "https://dli.example.com/v1.0/p1/a", body=b"{}", timeout=5)
    assert seen[0].startswith("CONNECT dli.example.com:443 HTTP/1.")
    assert "Proxy-Authorization: Basic " + base64.b64encode(b"u:Proxy-Secret").decode() in seen[0]
    assert "407" in str(excinfo.value) and "Proxy-Secret" not in str(excinfo.value)


def test_https_goes_through_an_https_proxy(monkeypatch, self_signed):
    """An https:// proxy: TLS to the proxy, then a CONNECT tunnel, then TLS to the endpoint through it."""
    with loopback(answer_ok, tls=self_signed, keep_alive=True) as server, tunnel_proxy(tls=self_signed) as (proxy, seen):
        monkeypatch.setenv("HTTPS_PROXY", proxy.replace("https://", "https://u:Proxy-Secret@"))
        assert proxy.startswith("https://")
        link = Transport(verify=self_signed[0])
        answers = [link.send("PUT", server.url + "/a", body=b"{}", timeout=5).status_code for dummy in range(2)]
        link.close()
    assert answers == [200, 200]
    assert len(seen) == 1 and seen[0].startswith("CONNECT %s HTTP/1." % server.url.split("//")[1])
    assert "Proxy-Authorization: Basic " + base64.b64encode(b"u:Proxy-Secret").decode() in seen[0]
    assert server.calls() == [("PUT", "/a")] * 2


def test_an_https_proxy_whose_certificate_is_unknown_is_a_tls_setup_error(monkeypatch, self_signed):
    with tunnel_proxy(tls=self_signed) as (proxy, seen):
        monkeypatch.setenv("HTTPS_PROXY", proxy)
        with pytest.raises(TLSSetupError):
            Transport().send("PUT", "https://dli.example.com/a", body=b"{}", timeout=5)  # the default CAs
    assert seen == []


def test_a_socks_proxy_without_its_library_is_a_request_error(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "socks5://127.0.0.1:%s" % free_port())
    try:
        import socks  # noqa: F401  pylint: disable=unused-import
        pytest.skip("PySocks is installed: requests supports the SOCKS proxy")
    except ImportError:
        pass
    with pytest.raises(RequestError, match="SOCKS"):
        Transport().send("GET", "https://dli.example.com/a", timeout=2)


def test_no_proxy_reaches_the_endpoint_directly(monkeypatch):
    with loopback(answer_ok) as server:
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:%s" % free_port())  # nothing listens there
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        assert Transport().send("GET", server.url + "/a", timeout=5).status_code == 200
    assert server.calls() == [("GET", "/a")]


def test_https_through_a_connect_tunnel_verifies_the_endpoint_not_the_proxy(monkeypatch, self_signed):
    with loopback(answer_ok, tls=self_signed, keep_alive=True) as server, tunnel_proxy() as (proxy, seen):
        monkeypatch.setenv("HTTPS_PROXY", proxy)
        link = Transport(verify=self_signed[0])
        answers = [link.send("GET", server.url + "/a", timeout=5).status_code for dummy in range(2)]
        link.close()  # the server's handler then ends, not held by the kept-alive connection
    assert answers == [200, 200]
    assert len(seen) == 1 and seen[0].startswith("CONNECT %s HTTP/1." % server.url.split("//")[1])
    assert server.calls() == [("GET", "/a")] * 2


# -- the answer's size -------------------------------------------------------------------------------

def big_answer(declared):
    def answer(handler, number):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        if declared:
            handler.send_header("Content-Length", str(3 * 1024 * 1024 * 1024))
        handler.end_headers()
        try:
            for dummy in range(4096):  # 256 MiB at the most, unless the client stops reading
                handler.wfile.write(b" " * 65536)
        except OSError:
            pass
    return answer


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "no-content-length"])
def test_an_answer_larger_than_the_bound_is_refused_without_reading_it_whole(monkeypatch, declared):
    monkeypatch.setattr(transport, "MAX_ANSWER_BYTES", 1024 * 1024)
    with loopback(big_answer(declared)) as server:
        with pytest.raises(AnswerTooLarge) as excinfo:
            Transport().send("GET", server.url + "/a", timeout=5)
    assert "more than the 1 MiB read" in str(excinfo.value)
    assert ("3221225472 bytes (Content-Length)" in str(excinfo.value)) is declared


def test_a_caller_that_gave_up_stops_the_reading():
    guard = ExchangeGuard()
    outcome = {}

    def read():
        try:
            Transport().send("GET", server.url + "/a", timeout=5, guard=guard)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            outcome["error"] = exc

    with loopback(trickle) as server:
        worker = threading.Thread(target=read)
        worker.start()
        threading.Event().wait(0.5)
        assert guard.cancel() is False  # it was sent: the caller gives up on the answer
        worker.join(5)
        assert not worker.is_alive()
    assert isinstance(outcome["error"], Lost) and "still being read" in str(outcome["error"])


# -- what the modules import ---------------------------------------------------------------------------

def test_the_modules_import_only_the_standard_library_ansible_core_and_requests():
    """Every task's module process imports what the module imports: nothing beyond the standard library,
    ansible-core and requests (with what requests itself needs); never the Huawei Cloud SDK."""
    allowed = ("ansible", "ansible_collections", "requests", "urllib3", "certifi", "charset_normalizer", "idna",
               "chardet", "brotli", "zstandard", "socks", "simplejson", "cryptography", "OpenSSL", "_cffi_backend",
               "distro", "typing_extensions", "cython_runtime")  # ansible-core's, and compiled extensions' runtime
    code = "\n".join([
        "import sys",
        "before = set(sys.modules)",
        "from ansible_collections.hwcloud.dli.plugins.modules import (",
        "    dli_flink_jar_job, dli_flink_jar_job_info, dli_flink_jar_jobs, dli_token)",
        "names = set(name.split('.')[0] for name in set(sys.modules) - before)",
        "std = set(sys.stdlib_module_names) | set(sys.builtin_module_names)",
        "print(' '.join(sorted(name for name in names if name not in std and name not in %r" % (allowed,),
        "                      and not name.startswith('_cython_'))))",
        "print('requests' in sys.modules)",
    ])
    run = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)), check=False)
    assert run.returncode == 0, run.stderr.decode()
    assert run.stdout.decode().split("\n")[:2] == ["", "True"]


def test_without_requests_the_modules_import_and_ask_for_it():
    code = "\n".join([
        "import sys",
        "sys.modules['requests'] = None  # import fails, as on a host without it",
        "from ansible_collections.hwcloud.dli.plugins.module_utils import api, transport",
        "assert not transport.HAS_REQUESTS and 'requests' in transport.REQUESTS_IMPORT_ERROR",
        "try:",
        "    api.DliClient({'project_id': 'p1', 'region': 'r1', 'auth_token': 't'})",
        "except api.ConfigError as exc:",
        "    print(exc)",
    ])
    run = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)), check=False)
    assert run.returncode == 0, run.stderr.decode()
    assert run.stdout.decode().startswith("Failed to import the required Python library (requests) on ")


def test_a_huge_answer_keeps_the_process_under_100_mib():
    """A server that sends 256 MiB (no Content-Length): the exchange stops at the bound, and the process's peak
    memory (a module process imports the same) stays under 100 MiB."""
    # The server runs in this process; the client in a child, whose peak memory is measured.
    with loopback(big_answer(False)) as server:
        child = "\n".join([
            "import resource",
            "from ansible.module_utils.basic import AnsibleModule  # what a module process holds anyway",
            "from ansible_collections.hwcloud.dli.plugins.module_utils.transport import AnswerTooLarge, Transport",
            "try:",
            "    Transport().send('GET', %r, timeout=30)" % (server.url + "/a"),
            "except AnswerTooLarge as exc:",
            "    print('refused', exc)",
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)",
        ])
        run = subprocess.run([sys.executable, "-c", child], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)), check=False, timeout=120)
    assert run.returncode == 0, run.stderr.decode()
    refused, peak_kib = run.stdout.decode().strip().split("\n")
    assert refused.startswith("refused HTTP 200 with an answer of more than the 16 MiB read")
    assert int(peak_kib) < 100 * 1024
