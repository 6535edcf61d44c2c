# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stubbed HTTP for the unit tests: answers registered by method and URL, every request recorded.

It replaces ``Transport.send`` (module_utils/transport.py), the one place the collection's requests leave
the process, so everything above it (signing, retries, decoding, the modules) runs as it does for real.
Its interface is a small part of the ``responses`` library's, which these tests used while the collection
was built on ``requests``:

    stub.add(GET, url, json=..., body=..., status=..., headers=..., content_type=...)
    stub.calls[n].request.method / .url / .headers / .body, stub.calls[n].response

A URL registered without a query matches any query; with one, the same query (in any order). When several
answers match, the first is used, and once it was used the next one replaces it (the last one stays): the
answers to one URL come in the order they were added. A ``body`` that is an exception (transport.Lost,
transport.NotSent ...) is raised instead of an answer. A request nothing matches is recorded and lost
(transport.Lost), as a connection that closed unanswered.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import json as json_module
import threading

try:
    from urllib.parse import parse_qsl, urlsplit
except ImportError:  # pragma: no cover
    from urlparse import parse_qsl, urlsplit  # type: ignore

from ansible_collections.hwcloud.dli.plugins.module_utils import transport

GET, POST, PUT, DELETE = "GET", "POST", "PUT", "DELETE"

Call = collections.namedtuple("Call", "request response")


class Request(object):
    """A request as it would have been sent: method, the whole URL, the headers (any case) and the body's bytes."""

    def __init__(self, method, url, headers, body):
        self.method = method
        self.url = url
        self.headers = transport.Headers(headers.items())
        self.body = body


class _Answer(object):
    def __init__(self, method, url, status, headers, content, error):
        self.method = method
        self.url = url
        self.status = status
        self.headers = headers
        self.content = content
        self.error = error
        self.call_count = 0
        parts = urlsplit(url)
        self.base = "%s://%s%s" % (parts.scheme, parts.netloc, parts.path)
        self.query = sorted(parse_qsl(parts.query, keep_blank_values=True)) if parts.query else None

    def matches(self, method, url):
        parts = urlsplit(url)
        if method != self.method or "%s://%s%s" % (parts.scheme, parts.netloc, parts.path) != self.base:
            return False
        return self.query is None or sorted(parse_qsl(parts.query, keep_blank_values=True)) == self.query


class StubbedHttp(object):
    """A context manager that stubs ``Transport.send``; ``assert_all_requests_are_fired``: every answer
    added must have been used by the end of the block (unless the block raised)."""

    def __init__(self, assert_all_requests_are_fired=True):
        self.assert_all_requests_are_fired = assert_all_requests_are_fired
        self.calls = []
        self._answers = []
        self._original = None
        self._lock = threading.Lock()  # the fleet module's threads send at once

    def add(self, method, url, json=None, body=None, status=200, headers=None, content_type=None):
        error = body if isinstance(body, BaseException) else None
        if json is not None:
            content = json_module.dumps(json).encode("utf-8")
            content_type = content_type or "application/json"
        elif error is None and body is not None:
            content = body.encode("utf-8") if isinstance(body, str) else body
            content_type = content_type or "text/plain"
        else:
            content = b""
        answer_headers = dict(headers or {})
        if content_type and not any(name.lower() == "content-type" for name in answer_headers):
            answer_headers["Content-Type"] = content_type
        self._answers.append(_Answer(method, url, status, answer_headers, content, error))

    def _find(self, method, url):
        found = None
        for answer in self._answers:
            if not answer.matches(method, url):
                continue
            if found is None:
                found = answer
                if found.call_count == 0:
                    break
            else:  # the first match was used already: the next one takes its place
                self._answers.remove(found)
                found = answer
                break
        return found

    def send(self, link, method, url, body=None, headers=None):
        request = Request(method, url, link.request_headers(headers), body)
        with self._lock:
            answer = self._find(method, url)
            if answer is None:
                error = transport.Lost("the stub has no answer for %s %s" % (method, url))
                self.calls.append(Call(request, error))
                raise error
            answer.call_count += 1
            if answer.error is not None:
                self.calls.append(Call(request, answer.error))
                raise answer.error
            response = transport.Response(answer.status, answer.headers, answer.content)
            self.calls.append(Call(request, response))
            return response

    def __enter__(self):
        stub = self
        self._original = transport.Transport.send

        def send(self, method, url, body=None, headers=None, timeout=30, guard=None):  # pylint: disable=unused-argument
            return stub.send(self, method, url, body=body, headers=headers)

        transport.Transport.send = send
        return self

    def __exit__(self, kind, value, trace):
        transport.Transport.send = self._original
        if kind is None and self.assert_all_requests_are_fired:
            unused = ["%s %s" % (answer.method, answer.url) for answer in self._answers if not answer.call_count]
            assert not unused, "answers added but never asked for: %s" % ", ".join(unused)
        return False


def sequence(stub):
    """(method, path) of every call made, in order."""
    return [(call.request.method, urlsplit(call.request.url).path) for call in stub.calls]


def bodies(stub):
    """(method, path, JSON body) of every call that sent a body."""
    return [(call.request.method, urlsplit(call.request.url).path, json_module.loads(call.request.body))
            for call in stub.calls if call.request.body]
