# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How a DLI or IAM call fails: the error kinds every module reports (HTTP status, DLI/APIGW error code,
request id, method and path), and how they are read from an answer's body and headers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ConfigError(Exception):
    """The connection options cannot make a working client."""


class DliApiError(Exception):
    """A DLI or IAM call failed; ``result()`` gives the keys for ``fail_json``.

    ``maybe_written``: the call was a write whose answer was lost, so it may have taken effect."""

    maybe_written = False

    def __init__(self, msg, method=None, path=None, status_code=None, error_code=None,
                 error_msg=None, request_id=None):
        super(DliApiError, self).__init__(msg)
        self.msg = msg
        self.method = method
        self.path = path
        self.status_code = status_code
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id

    def result(self):
        return dict(msg=self.msg, status_code=self.status_code, error_code=self.error_code,
                    request_id=self.request_id)

    def __str__(self):
        return self.msg  # the message as it is now, with any context added after it was raised


class AnswerLostError(DliApiError):
    """A write was sent, but its answer was lost (a read timeout, a dropped connection, a gateway's
    502 or 504): it may have taken effect. It is never sent again blindly; the caller reads the
    job back and judges by what it holds."""

    maybe_written = True


class LoginError(DliApiError):
    """The IAM password login failed: nothing about the job is known."""


def is_true(value):
    """``is_success`` is "true"/"false" on some answers and a boolean on others."""
    return str(value).lower() == "true"


def request_id_tail(request_id):
    return " (request id %s)" % request_id if request_id else ""


def error_from_body(body):
    """(code, message) from a DLI, APIGW or IAM error body; (None, None) if there is none."""
    if not isinstance(body, dict):
        return None, None
    if body.get("error_code") or body.get("error_msg"):
        return _text(body.get("error_code")), _text(body.get("error_msg") or body.get("message"))
    error = body.get("error")
    if isinstance(error, dict):  # IAM: {"error": {"code": 401, "message": ..., "title": ...}}
        return _text(error.get("code")), _text(error.get("message") or error.get("title"))
    if body.get("code") and body.get("message"):
        return _text(body["code"]), _text(body["message"])
    return None, None


def _text(value):
    return None if value is None or value == "" else str(value)


def request_id_of(response):
    return response.headers.get("X-Request-Id") or response.headers.get("X-Openstack-Request-Id")


def json_kind(value):
    if value is None:
        return "an empty body"
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "a number")


def snippet(response, redact, limit=200):
    """A body that is not JSON, on one line and at most ``limit`` characters: redacted first, since a secret
    the cut splits, or one the repr escapes once more, is no longer one the redactor knows."""
    text = redact(response.text).strip().replace("\n", " ")
    return repr(text if len(text) <= limit else text[:limit - 3] + "...")
