# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HTTP exchanges over the standard library's ``http.client``: kept-alive connections, TLS, proxies.

Why not ``requests``: every task starts a new module process, which imports what it uses. ``requests``
with ``urllib3`` costs about 60 ms of CPU per task; ``http.client`` and ``ssl`` about 13 (the numbers are
in benchmarks/results). What is kept from it: connections kept alive and shared by threads, TLS verified
against the system's CAs or a bundle given, proxies from HTTP(S)_PROXY/NO_PROXY, no redirect followed.

Each failure says what is known of the request: ``NotSent`` (no connection was made, so nothing reached
the server), ``TLSSetupError`` (the TLS handshake failed: nothing was sent either), ``RequestError`` (the
request cannot be made at all) or ``Lost`` (it may have reached the server, but no whole answer came back).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import os
import select
import ssl
import threading

try:
    import http.client as http_client
    from urllib.parse import unquote, urlsplit
except ImportError:  # pragma: no cover
    import httplib as http_client  # type: ignore
    from urllib import unquote  # type: ignore
    from urlparse import urlsplit  # type: ignore

DEFAULT_PORTS = {"http": 80, "https": 443}


class TransportError(Exception):
    """An exchange that did not give an answer."""


class NotSent(TransportError):
    """No connection could be made: nothing reached the server."""


class TLSSetupError(NotSent):
    """The TLS handshake failed (certificate, host name, protocol): a setup problem; nothing was sent."""


class RequestError(NotSent):
    """The request cannot be made as given (a bad URL, header or proxy setting)."""


class Lost(TransportError):
    """The request may have reached the server, but no whole answer came back."""


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


def proxy_for(url):
    """The proxy URL for ``url`` from HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY (either case), or None.

    ``urllib.request`` is imported only when a proxy variable is set: most runs have none."""
    if not any(name.lower().endswith("_proxy") for name in os.environ):
        return None
    import urllib.request  # pylint: disable=import-outside-toplevel
    parts = urlsplit(url)
    proxies = urllib.request.getproxies_environment()
    if proxies.get("no") and urllib.request.proxy_bypass_environment(parts.netloc, proxies):
        return None
    return proxies.get(parts.scheme) or proxies.get("all") or None


class _Proxy:
    """A proxy setting: where it is, and the Proxy-Authorization its URL's user information gives."""

    def __init__(self, url):
        if "://" not in url:
            url = "http://" + url  # as curl and requests read "proxy:3128"
        try:
            parts = urlsplit(url)
            self.port = parts.port or 80
        except ValueError:
            raise RequestError("the proxy set in the environment (HTTP_PROXY, HTTPS_PROXY or ALL_PROXY) is not a URL")
        if parts.scheme != "http" or not parts.hostname:
            raise RequestError("the proxy set in the environment must be an http:// proxy (an http URL with a host); "
                               "%s proxies are not supported" % (parts.scheme or "this kind of"))
        self.host = parts.hostname
        self.headers = {}
        if parts.username is not None:
            credentials = "%s:%s" % (unquote(parts.username), unquote(parts.password or ""))
            self.headers["Proxy-Authorization"] = "Basic " + base64.b64encode(credentials.encode("utf-8")).decode("ascii")

    def key(self):
        return (self.host, self.port, tuple(sorted(self.headers.items())))


def _dropped(connection):
    """Whether a kept-alive connection was closed by the server while it was idle: readable while no
    request is outstanding means end of file (or noise), and a request sent on it would be lost."""
    sock = connection.sock
    if sock is None:
        return True
    try:
        readable = select.select([sock], [], [], 0)[0]
    except (OSError, ValueError):
        return True
    return bool(readable)


class Transport:
    """Sends requests, keeping connections alive per host (and proxy), safely from several threads.

    ``verify``: True (the system's CAs), False (no check), or the path of a CA bundle file or directory."""

    def __init__(self, verify=True, user_agent=None):
        self.verify = verify
        self.user_agent = user_agent
        self._idle = {}
        self._lock = threading.Lock()
        self._tls_context = None

    def _context(self):
        """The TLS context, made once, when the first https URL is used (loading CAs costs milliseconds)."""
        with self._lock:
            if self._tls_context is None:
                if self.verify is False:
                    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                    context.check_hostname = False
                    context.verify_mode = ssl.CERT_NONE
                elif isinstance(self.verify, str):
                    directory = os.path.isdir(self.verify)
                    context = ssl.create_default_context(cafile=None if directory else self.verify,
                                                         capath=self.verify if directory else None)
                else:
                    context = ssl.create_default_context()
                self._tls_context = context
            return self._tls_context

    def _checkout(self, key):
        with self._lock:
            idle = self._idle.get(key) or []
            while idle:
                connection = idle.pop()
                if not _dropped(connection):
                    return connection
                connection.close()
        return None

    def _checkin(self, key, connection):
        with self._lock:
            self._idle.setdefault(key, []).append(connection)

    def _connection(self, scheme, host, port, proxy, timeout):
        if scheme == "https":
            if proxy:
                connection = http_client.HTTPSConnection(proxy.host, proxy.port, timeout=timeout,
                                                         context=self._context())
                connection.set_tunnel(host, port, headers=proxy.headers)
                return connection
            return http_client.HTTPSConnection(host, port, timeout=timeout, context=self._context())
        if proxy:
            return http_client.HTTPConnection(proxy.host, proxy.port, timeout=timeout)
        return http_client.HTTPConnection(host, port, timeout=timeout)

    def close(self):
        with self._lock:
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                connection.close()

    def send(self, method, url, body=None, headers=None, timeout=30):
        """Send one request and read its whole answer; ``timeout`` bounds the connect and each read.
        Returns a Response (of any status: redirects are not followed) or raises a TransportError."""
        try:
            parts = urlsplit(url)
            port = parts.port or DEFAULT_PORTS.get(parts.scheme)
        except ValueError as exc:
            raise RequestError("%s is not a valid URL: %s" % (url.split("?")[0], exc))
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise RequestError("%s is not an http or https URL" % url.split("?")[0])
        proxy_url = proxy_for(url)
        proxy = _Proxy(proxy_url) if proxy_url else None
        headers = dict(headers or {})
        if self.user_agent and not any(name.lower() == "user-agent" for name in headers):
            headers["User-Agent"] = self.user_agent
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        if proxy and parts.scheme == "http":
            target = "%s://%s%s" % (parts.scheme, parts.netloc, target)  # a plain proxy takes the whole URL
            headers.update(proxy.headers)
        key = (parts.scheme, parts.hostname, port, proxy.key() if proxy else None)

        connection = self._checkout(key)
        if connection is None:
            connection = self._connection(parts.scheme, parts.hostname, port, proxy, timeout)
            try:
                connection.connect()
            except ssl.SSLError as exc:
                connection.close()
                raise TLSSetupError(_describe(exc))
            except (OSError, http_client.HTTPException) as exc:  # refused, unresolved, timed out, the proxy's refusal
                connection.close()
                raise NotSent(_describe(exc))
        connection.timeout = timeout
        connection.sock.settimeout(timeout)
        try:
            connection.request(method, target, body=body, headers=headers)
        except (ValueError, UnicodeError) as exc:  # http.client refuses a header or URL before sending it
            connection.close()
            raise RequestError(_describe(exc))
        except Exception as exc:  # pylint: disable=broad-exception-caught  # anything else may have sent part of it
            connection.close()
            raise Lost(_describe(exc))
        try:
            answer = connection.getresponse()
            content = answer.read()
        except Exception as exc:  # pylint: disable=broad-exception-caught  # sent, but no whole answer
            connection.close()
            raise Lost(_describe(exc))
        if answer.will_close:
            connection.close()
        else:
            self._checkin(key, connection)
        return Response(answer.status, Headers(answer.getheaders()), content)


def _describe(exc):
    """An exception as ``Type: text``, short."""
    text = str(exc) or repr(exc)
    text = text if len(text) <= 300 else text[:297] + "..."
    return "%s: %s" % (type(exc).__name__, text)


__all__ = ["Headers", "Lost", "NotSent", "RequestError", "Response", "TLSSetupError", "Transport", "TransportError",
           "proxy_for"]
