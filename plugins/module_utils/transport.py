# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HTTP exchanges through ``requests``: one session per task, shared by threads, its pool sized to them.

requests and urllib3 do the HTTP: kept-alive connections (one the server closed while idle is replaced
before it is used), TLS, proxies as requests reads them from the environment. What is added here is
what the callers need to know about a request that gave no answer, and two bounds:

- each failure says what is known of the request: ``NotSent`` (no connection was made, so nothing
  reached the server; ``Unreachable`` when it was refused or the host is unknown), ``TLSSetupError``
  (the TLS handshake failed: nothing was sent either), ``RequestError`` (the request cannot be made at
  all) or ``Lost`` (it may have reached the server, but no whole answer came back);
- an ``ExchangeGuard`` lets a caller that stopped waiting keep a request from leaving later, and stops a
  try's reading before the next try begins;
- an answer larger than ``MAX_ANSWER_BYTES`` is refused without being read whole (``AnswerTooLarge``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import socket
import ssl
import threading
import traceback
import warnings
from urllib.parse import urlsplit

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    import requests.adapters
    import requests.structures
    import requests.utils
    import urllib3
    import urllib3.connection
    import urllib3.exceptions
except ImportError:  # the modules then fail with missing_required_lib("requests")
    requests = None
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

HAS_REQUESTS = requests is not None
# A page of 100 detailed jobs is well under 1 MiB; an answer larger than this is a server's fault.
MAX_ANSWER_BYTES = 16 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
DEFAULT_POOL_SIZE = 10


class TransportError(Exception):
    """An exchange that did not give an answer."""


class NotSent(TransportError):
    """No connection could be made: nothing reached the server."""


class Unreachable(NotSent):
    """The connection was refused, or the host name is unknown: trying again soon rarely helps."""


class TLSSetupError(NotSent):
    """The TLS handshake failed (certificate, host name, protocol): a setup problem; nothing was sent."""


class RequestError(NotSent):
    """The request cannot be made as given (a bad URL, header, proxy setting or CA bundle)."""


class Lost(TransportError):
    """The request may have reached the server, but no whole answer came back."""


class AnswerTooLarge(TransportError):
    """The server answered, with more than ``MAX_ANSWER_BYTES``: the answer was not read whole."""


class Headers(dict):
    """An answer's headers, looked up by any case of their name."""

    def __init__(self, items=()):
        super(Headers, self).__init__()
        for name, value in items:
            key = name.lower()
            # Repeated headers are joined, as HTTP allows for list-valued ones.
            self[key] = "%s, %s" % (self[key], value) if key in self else value

    def get(self, name, default=None):
        return super(Headers, self).get(name.lower(), default)

    def __getitem__(self, name):
        return super(Headers, self).__getitem__(name.lower())

    def __contains__(self, name):
        return super(Headers, self).__contains__(name.lower())


class Response:
    """One whole answer: ``status_code``, ``headers`` and the body's bytes (``content``)."""

    def __init__(self, status_code, headers=None, content=b""):
        self.status_code = status_code
        self.headers = headers if isinstance(headers, Headers) else Headers((headers or {}).items())
        self.content = content

    def json(self):
        """The body as JSON; ValueError if it is not."""
        return json.loads(self.content.decode("utf-8"))

    @property
    def text(self):
        return self.content.decode("utf-8", "replace")


class ExchangeGuard:
    """Who decides first: the exchange, that it sends its request, or its caller, that it stopped waiting.
    A caller that gave up before the request left knows it was never sent (and may send it again); a
    caller that gave up later stops the exchange's reading."""

    def __init__(self):
        self._lock = threading.Lock()
        self._state = None
        self.given_up = False

    def start_sending(self):
        """True if the request may go out now; False if the caller gave up already."""
        with self._lock:
            if self._state is None:
                self._state = "sending"
            return self._state == "sending"

    def cancel(self):
        """True if the request was not sent and now never will be; False if it may have been sent."""
        with self._lock:
            self.given_up = True
            if self._state is None:
                self._state = "cancelled"
            return self._state == "cancelled"


class _GaveUp(Exception):
    """Raised inside urllib3 when the caller gave up before the request left: nothing was sent."""


# The guard of the exchange running in this thread (each exchange runs in a thread of its own).
_current = threading.local()

if HAS_REQUESTS:
    class _GuardedRequest:
        """A mixin for urllib3's connections: the connection is made before the request is written, and the
        request leaves only if its caller still waits. What this thread's exchange reached is noted in ``_current``."""

        def request(self, *args, **kwargs):
            if self.sock is None:
                self.connect()  # what http.client would do on the first write; the guard decides after it
            guard = getattr(_current, "guard", None)
            if guard is not None and not guard.start_sending():
                raise _GaveUp()
            _current.sending = True
            return super(_GuardedRequest, self).request(*args, **kwargs)

    def _guarded(pool_classes):
        """urllib3's pool classes by scheme, each with its connection class guarded."""
        return dict((scheme, type("Guarded" + pool.__name__, (pool,), dict(
            ConnectionCls=type("Guarded" + pool.ConnectionCls.__name__, (_GuardedRequest, pool.ConnectionCls), {}))))
            for scheme, pool in pool_classes.items())

    class _GuardedAdapter(requests.adapters.HTTPAdapter):
        """requests' adapter, with no retry of its own (api.py's RetryPolicy decides) and guarded connections,
        direct or through any proxy."""

        def init_poolmanager(self, *args, **kwargs):
            super(_GuardedAdapter, self).init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = _guarded(self.poolmanager.pool_classes_by_scheme)

        def proxy_manager_for(self, proxy, **proxy_kwargs):
            known = proxy in self.proxy_manager
            manager = super(_GuardedAdapter, self).proxy_manager_for(proxy, **proxy_kwargs)
            if not known:
                manager.pool_classes_by_scheme = _guarded(manager.pool_classes_by_scheme)
            return manager


def proxies_for(url):
    """The proxies requests takes from the environment for ``url`` (HTTP(S)_PROXY, ALL_PROXY, NO_PROXY)."""
    return requests.utils.get_environ_proxies(url)


class Transport:
    """Sends requests through one ``requests.Session``, safely from several threads.

    ``verify``: True (requests' default CA bundle), False (no check), or the path of a CA bundle file or
    directory. ``pool_size``: the connections kept alive per host, as many as the threads that share them."""

    def __init__(self, verify=True, user_agent=None, pool_size=DEFAULT_POOL_SIZE):
        self.verify = verify
        self.user_agent = user_agent
        self.pool_size = max(1, pool_size or DEFAULT_POOL_SIZE)
        self._lock = threading.Lock()
        self._session = None
        self._bundle_checked = False
        if verify is False:  # asked for (validate_certs: false), so not warned about again on every request
            warnings.filterwarnings("ignore", category=urllib3.exceptions.InsecureRequestWarning)

    def session(self):
        """The session, made on the first request."""
        with self._lock:
            if self._session is None:
                session = requests.Session()
                session.trust_env = False  # never ~/.netrc; proxies and CA bundles are chosen here and in api.py
                session.headers["Accept-Encoding"] = "identity"  # what is counted against the bound is what is read
                if self.user_agent:
                    session.headers["User-Agent"] = self.user_agent
                adapter = _GuardedAdapter(pool_connections=4, pool_maxsize=self.pool_size, max_retries=0)
                session.mount("http://", adapter)
                session.mount("https://", adapter)
                self._session = session
            return self._session

    def request_headers(self, headers):
        """The headers as sent: those given, over the session's own (User-Agent, Accept-Encoding ...)."""
        merged = requests.structures.CaseInsensitiveDict(self.session().headers)
        merged.update(headers or {})
        return dict(merged.items())

    def close(self):
        with self._lock:
            session, self._session = self._session, None
        if session is not None:
            session.close()

    def check_bundle(self):
        """RequestError if the CA bundle given cannot be read, before anything is sent (requests would say it
        only as a TLS error of the first connection)."""
        if self._bundle_checked or not isinstance(self.verify, str):
            return
        directory = os.path.isdir(self.verify)
        try:
            ssl.create_default_context(cafile=None if directory else self.verify,
                                       capath=self.verify if directory else None)
        except (ssl.SSLError, OSError, ValueError) as exc:
            raise RequestError("the CA bundle %s cannot be used: %s" % (self.verify, describe_error(exc)))
        self._bundle_checked = True

    def send(self, method, url, body=None, headers=None, timeout=30, guard=None):
        """Send one request and read its whole answer; ``timeout`` bounds the connect and each read.
        Returns a Response (of any status: redirects are not followed) or raises a TransportError.

        ``guard``: an ``ExchangeGuard`` the caller may cancel when it stops waiting; the request is then
        not sent, if it was not yet, and its answer is no longer read."""
        where = url.split("?")[0]
        try:
            parts = urlsplit(url)
            parts.port  # pylint: disable=pointless-statement  # ValueError for a port out of range
        except ValueError as exc:
            raise RequestError("%s is not a valid URL: %s" % (where, exc))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RequestError("%s is not an http or https URL" % where)
        if parts.scheme == "https":
            self.check_bundle()
        try:
            proxies = proxies_for(url)
        except ValueError as exc:
            raise RequestError("the proxy settings (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY) cannot be read: %s"
                               % describe_error(exc))
        _current.guard, _current.sending = guard, False
        try:
            answer = self.session().request(method, url, data=body, headers=headers, timeout=timeout, verify=self.verify,
                                            proxies=proxies, allow_redirects=False, stream=True)
        except _GaveUp:
            raise NotSent("not sent: no connection was ready within the time given")
        except Exception as exc:  # pylint: disable=broad-exception-caught  # each kind is judged below
            raise failure_of(exc, _current.sending)
        finally:
            _current.guard = None
        try:
            return Response(answer.status_code, Headers(answer.headers.items()), read_bounded(answer, guard))
        finally:
            answer.close()  # returns a connection read to the end to the pool, and closes any other


def read_bounded(answer, guard=None):
    """The answer's body, read in chunks: AnswerTooLarge past MAX_ANSWER_BYTES (at once if Content-Length says
    so), Lost if the connection breaks or the caller stops waiting."""
    declared = answer.headers.get("Content-Length") or ""
    if declared.strip().isdigit() and int(declared) > MAX_ANSWER_BYTES:
        raise AnswerTooLarge("HTTP %s with an answer of %s bytes (Content-Length), more than the %s MiB read"
                             % (answer.status_code, int(declared), MAX_ANSWER_BYTES // (1024 * 1024)))
    # read1 (urllib3 2) gives what has arrived, so that a caller's giving up is seen between the bytes of an
    # answer that trickles in; urllib3 1.26 has read only, which waits for a whole chunk.
    read = getattr(answer.raw, "read1", None) or answer.raw.read
    chunks, size = [], 0
    try:
        for chunk in iter(lambda: read(CHUNK_BYTES), b""):
            if guard is not None and guard.given_up:
                raise Lost("the answer was still being read when the time given ran out")
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                raise AnswerTooLarge("HTTP %s with an answer of more than the %s MiB read"
                                     % (answer.status_code, MAX_ANSWER_BYTES // (1024 * 1024)))
            chunks.append(chunk)
    except TransportError:
        raise
    except Exception as exc:  # pylint: disable=broad-exception-caught  # sent, but no whole answer
        raise Lost(describe_error(root_cause(exc)))
    return b"".join(chunks)


def failure_of(exc, sending):
    """What a requests exception says of its request, as a TransportError. ``sending``: whether the request had
    begun to leave (a connection was made, and the guard let it go); before that, nothing reached the server."""
    cause = root_cause(exc)
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.InvalidHeader,
                        requests.exceptions.InvalidSchema, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidProxyURL, ValueError)) or (
            isinstance(cause, ValueError) and not isinstance(cause, ssl.SSLError)):
        return RequestError(describe_error(cause))  # refused before a byte left (UnicodeError included)
    if sending:
        return Lost(describe_error(cause))  # a read timeout, a connection closed unanswered, anything else
    cut_off = isinstance(cause, (ssl.SSLEOFError, ssl.SSLZeroReturnError, ssl.SSLSyscallError, ConnectionError))
    if (isinstance(exc, requests.exceptions.SSLError) or isinstance(cause, ssl.SSLError)) and not cut_off:
        return TLSSetupError(describe_error(cause))  # the certificate, the host name, the protocol (the proxy's too)
    if isinstance(cause, (ConnectionRefusedError, socket.gaierror)):
        return Unreachable(describe_error(cause))
    return NotSent(describe_error(cause))  # a connect timeout, a proxy's refusal, a handshake cut off


def _wrapped(exc):
    """What ``exc`` wraps: urllib3's ``reason``, an exception among its args, or its cause; None."""
    inner = [getattr(exc, "reason", None)] + [arg for arg in exc.args if isinstance(arg, BaseException)] + [exc.__cause__]
    return next((item for item in inner if isinstance(item, BaseException)), None)


def root_cause(exc):
    """The innermost exception: ``ConnectionRefusedError`` rather than requests' and urllib3's wrappers of it."""
    seen = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        inner = _wrapped(exc)
        if inner is None:
            break
        exc = inner
    return exc


def describe_error(exc):
    """An exception as ``Type: text``, whole: api.py redacts it before it cuts it short."""
    return "%s: %s" % (type(exc).__name__, str(exc) or repr(exc))


__all__ = ["AnswerTooLarge", "ExchangeGuard", "HAS_REQUESTS", "Headers", "Lost", "MAX_ANSWER_BYTES", "NotSent",
           "REQUESTS_IMPORT_ERROR", "RequestError", "Response", "TLSSetupError", "Transport", "TransportError",
           "Unreachable", "describe_error", "proxies_for", "root_cause"]
