# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HTTP exchanges over the standard library's ``http.client``: kept-alive connections, TLS, proxies.

Why not ``requests``: every task starts a new module process, which imports what it uses. ``requests``
with ``urllib3`` costs about 60 ms of CPU per task; ``http.client`` and ``ssl`` about 13 (the numbers are
in the README's bench section). What is kept from it: connections kept alive and shared by threads, TLS verified
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
import sys
import threading

import http.client as http_client
from urllib.parse import unquote, urlsplit

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


def environment_proxies():
    """The proxy variables, as curl and requests read them: ``{"https": url, "no": "a.example,10.0.0.0/8"}``.
    A lower-case name wins over its upper-case one; an empty value is unset; under CGI (REQUEST_METHOD set)
    HTTP_PROXY is ignored, since a client can set it through the Proxy header (httpoxy)."""
    proxies = {}
    for lower_case in (False, True):
        for name, value in os.environ.items():
            if name.lower().endswith("_proxy") and name.islower() == lower_case:
                key = name[:-6].lower()
                if value.strip():
                    proxies[key] = value.strip()
                else:
                    proxies.pop(key, None)
    if "REQUEST_METHOD" in os.environ:
        proxies.pop("http", None)
    return proxies


def bypasses_proxy(host, port, no_proxy):
    """Whether NO_PROXY names ``host``: ``*``; a domain (``example.com`` or ``.example.com``: it and its
    subdomains); ``host:port``; an IP address, or a network in CIDR form (``10.0.0.0/8``, ``fd00::/8``)."""
    import ipaddress  # pylint: disable=import-outside-toplevel  # only when a proxy is set
    host = host.lower().strip("[]")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    for entry in no_proxy.replace(" ", ",").split(","):
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return True
        if address is not None:
            try:
                if address in ipaddress.ip_network(entry.strip("[]"), strict=False):
                    return True
            except ValueError:
                if entry in ("%s:%s" % (host, port), "[%s]:%s" % (host, port)):
                    return True
            continue
        name, separator, entry_port = entry.rpartition(":")
        if separator and entry_port.isdigit():
            if entry_port != str(port):
                continue
            entry = name
        entry = entry.lstrip("*").lstrip(".")
        if entry and (host == entry or host.endswith("." + entry)):
            return True
    return False


def proxy_for(url):
    """The proxy URL for ``url`` from HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY (either case), or None."""
    if not any(name.lower().endswith("_proxy") for name in os.environ):
        return None
    proxies = environment_proxies()
    parts = urlsplit(url)
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy:
        return None
    if proxies.get("no") and bypasses_proxy(parts.hostname or "", parts.port or DEFAULT_PORTS.get(parts.scheme),
                                            proxies["no"]):
        return None
    return proxy


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

    def tls_context(self):
        """The TLS context, made once, when the first https URL is used (loading CAs costs milliseconds).
        RequestError if the CA bundle given cannot be read."""
        with self._lock:
            if self._tls_context is None:
                try:
                    self._tls_context = self._new_context()
                except (ssl.SSLError, OSError, ValueError) as exc:
                    raise RequestError("the CA bundle %s cannot be used: %s" % (self.verify, describe_error(exc)))
            return self._tls_context

    def _new_context(self):
        if self.verify is False:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return context
        if not isinstance(self.verify, str):
            return ssl.create_default_context()
        directory = os.path.isdir(self.verify)
        context = ssl.create_default_context(cafile=None if directory else self.verify,
                                             capath=self.verify if directory else None)
        # Python 3.13 verifies strictly (RFC 5280) by default; a private CA given here is taken as
        # requests took it, which did not.
        context.verify_flags &= ~getattr(ssl, "VERIFY_X509_STRICT", 0)
        return context

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
                                                         context=self.tls_context())
                connection.set_tunnel(host, port, headers=proxy.headers)
                return connection
            return http_client.HTTPSConnection(host, port, timeout=timeout, context=self.tls_context())
        if proxy:
            return http_client.HTTPConnection(proxy.host, proxy.port, timeout=timeout)
        return http_client.HTTPConnection(host, port, timeout=timeout)

    def close(self):
        with self._lock:
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                connection.close()

    def request_headers(self, headers):
        """The headers as sent: those given, and the User-Agent unless given."""
        headers = dict(headers or {})
        if self.user_agent and not any(name.lower() == "user-agent" for name in headers):
            headers["User-Agent"] = self.user_agent
        return headers

    def send(self, method, url, body=None, headers=None, timeout=30, guard=None):
        """Send one request and read its whole answer; ``timeout`` bounds the connect and each read.
        Returns a Response (of any status: redirects are not followed) or raises a TransportError.

        ``guard``: an ``ExchangeGuard`` the caller may cancel when it stops waiting; the request is then
        not sent, if it was not yet."""
        try:
            parts = urlsplit(url)
            port = parts.port or DEFAULT_PORTS.get(parts.scheme)
        except ValueError as exc:
            raise RequestError("%s is not a valid URL: %s" % (url.split("?")[0], exc))
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise RequestError("%s is not an http or https URL" % url.split("?")[0])
        proxy_url = proxy_for(url)
        proxy = _Proxy(proxy_url) if proxy_url else None
        if proxy and parts.scheme == "https" and ":" in parts.hostname and sys.version_info < (3, 13):
            # http.client before 3.13 writes CONNECT ::1:443, without the brackets.
            raise RequestError("an IPv6 address endpoint cannot be reached through a proxy with this Python (3.13 "
                               "or later can); set NO_PROXY for it")
        headers = self.request_headers(headers)
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
                if isinstance(exc, (ssl.SSLEOFError, ssl.SSLZeroReturnError, ssl.SSLSyscallError)):
                    raise NotSent(describe_error(exc))  # the handshake was cut off: a network fault, tried again
                raise TLSSetupError(describe_error(exc))  # the certificate, the host name, the protocol
            except (OSError, http_client.HTTPException) as exc:  # refused, unresolved, timed out, the proxy's refusal
                connection.close()
                raise NotSent(describe_error(exc))
            except (ValueError, UnicodeError) as exc:  # a host name that cannot be encoded (an empty label ...)
                connection.close()
                raise RequestError(describe_error(exc))
        connection.timeout = timeout
        connection.sock.settimeout(timeout)
        if guard is not None and not guard.start_sending():
            self._checkin(key, connection)  # unused: the caller stopped waiting before anything was sent
            raise NotSent("not sent: no connection was ready within the time given")
        try:
            connection.request(method, target, body=body, headers=headers)
        except (ValueError, UnicodeError, http_client.InvalidURL) as exc:  # refused by http.client before sending
            connection.close()
            raise RequestError(describe_error(exc))
        except Exception as exc:  # pylint: disable=broad-exception-caught  # anything else may have sent part of it
            connection.close()
            raise Lost(describe_error(exc))
        try:
            answer = connection.getresponse()
            content = answer.read()
        except Exception as exc:  # pylint: disable=broad-exception-caught  # sent, but no whole answer
            connection.close()
            raise Lost(describe_error(exc))
        if answer.will_close:
            connection.close()
        else:
            self._checkin(key, connection)
        return Response(answer.status, Headers(answer.getheaders()), content)


class ExchangeGuard:
    """Who decides first: the exchange, that it sends its request, or its caller, that it stopped waiting.
    A caller that gave up before the request left knows it was never sent (and may send it again)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._state = None

    def start_sending(self):
        """True if the request may go out now; False if the caller gave up already."""
        with self._lock:
            if self._state is None:
                self._state = "sending"
            return self._state == "sending"

    def cancel(self):
        """True if the request was not sent and now never will be; False if it may have been sent."""
        with self._lock:
            if self._state is None:
                self._state = "cancelled"
            return self._state == "cancelled"


def describe_error(exc):
    """An exception as ``Type: text``, short."""
    text = str(exc) or repr(exc)
    text = text if len(text) <= 300 else text[:297] + "..."
    return "%s: %s" % (type(exc).__name__, text)


__all__ = ["ExchangeGuard", "Headers", "Lost", "NotSent", "RequestError", "Response", "TLSSetupError", "Transport",
           "TransportError", "bypasses_proxy", "describe_error", "environment_proxies", "proxy_for"]
