# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Credentials and request authentication for Huawei Cloud APIs.

The signer implements SDK-HMAC-SHA256 as Huawei's API gateway checks it. It is
ours (stdlib only) because the official SDK is too heavy to ship with a module;
the unit tests hold it to the SDK's own Signer.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import hmac
from datetime import datetime, timezone

try:
    from urllib.parse import quote, unquote, urlsplit, parse_qsl
except ImportError:  # pragma: no cover - Python 2 is not supported by ansible-core >= 2.17
    from urllib import quote, unquote  # type: ignore
    from urlparse import urlsplit, parse_qsl  # type: ignore

SIGNING_ALGORITHM = "SDK-HMAC-SHA256"
DATE_HEADER = "X-Sdk-Date"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"


class CredentialsError(Exception):
    """No complete set of credentials, or an incomplete one, was given."""


def _encode(value):
    # Only A-Za-z0-9-_.~ stay as they are (quote always keeps -_. and alphanumerics).
    return quote(value, safe="~")


def canonical_uri(path):
    uri = "/".join(_encode(segment) for segment in unquote(path).split("/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(query):
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    return "&".join("%s=%s" % (_encode(key), _encode(value)) for key, value in pairs)


def sign_request(method, url, headers, body, access_key, secret_key, now=None):
    """Add X-Sdk-Date, Host and Authorization to ``headers`` (a dict, changed in place).

    ``body`` is the exact bytes that will be sent (or None). Every header already
    in ``headers`` is signed, except names with ``_``, which the SDK skips too.
    """
    parts = urlsplit(url)
    lower = dict((name.lower(), name) for name in headers)
    if DATE_HEADER.lower() not in lower:
        now = now or datetime.now(timezone.utc)
        headers[DATE_HEADER] = now.strftime(DATE_FORMAT)
    if "host" not in lower:
        headers["Host"] = parts.netloc
    values = dict((name.lower(), str(value).strip()) for name, value in headers.items() if "_" not in name)
    signed_headers = sorted(values)
    sdk_date = values[DATE_HEADER.lower()]

    canonical_request = "\n".join([
        method.upper(),
        canonical_uri(parts.path or "/"),
        canonical_query(parts.query),
        "".join("%s:%s\n" % (name, values[name]) for name in signed_headers),
        ";".join(signed_headers),
        hashlib.sha256(body or b"").hexdigest(),
    ])
    string_to_sign = "\n".join([
        SIGNING_ALGORITHM,
        sdk_date,
        hashlib.sha256(canonical_request.encode("utf-8")).hexdigest(),
    ])
    signature = hmac.new(secret_key.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    headers["Authorization"] = "%s Access=%s, SignedHeaders=%s, Signature=%s" % (
        SIGNING_ALGORITHM, access_key, ";".join(signed_headers), signature)
    return canonical_request


class TokenAuth:
    """An IAM token, given by the user or obtained with a password."""

    method = "token"

    def __init__(self, token):
        self.token = token

    def apply(self, method, url, headers, body):
        headers["X-Auth-Token"] = self.token


class AkSkAuth:
    """Permanent (AK/SK) or temporary (AK/SK + security token) access keys."""

    method = "aksk"

    def __init__(self, access_key, secret_key, security_token=None):
        self.access_key = access_key
        self.secret_key = secret_key
        self.security_token = security_token

    def apply(self, method, url, headers, body):
        if self.security_token:
            # Set before signing, so the gateway sees it signed.
            headers["X-Security-Token"] = self.security_token
        sign_request(method, url, headers, body, self.access_key, self.secret_key)


class PasswordCredentials:
    """IAM user name and password, exchanged once per task for a token."""

    method = "password"

    def __init__(self, user_name, password, domain_name):
        self.user_name = user_name
        self.password = password
        self.domain_name = domain_name

    def token_request_body(self, project_id):
        return {"auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {
                    "name": self.user_name,
                    "password": self.password,
                    "domain": {"name": self.domain_name},
                }},
            },
            "scope": {"project": {"id": project_id}},
        }}


# (option, environment variable) of each credential set, in order of precedence.
CREDENTIAL_SETS = (
    ("an IAM token", (("auth_token", "HW_AUTH_TOKEN"),)),
    ("access keys", (("access_key", "HW_ACCESS_KEY"), ("secret_key", "HW_SECRET_KEY"))),
    ("an IAM user", (("user_name", "HW_USER_NAME"), ("password", "HW_USER_PASSWORD"),
                     ("domain_name", "HW_DOMAIN_NAME"))),
)


def credentials_from_params(params):
    """Pick the first complete credential set: token, then AK/SK, then user/password."""
    if params.get("auth_token"):
        return TokenAuth(params["auth_token"])
    if params.get("access_key") and params.get("secret_key"):
        return AkSkAuth(params["access_key"], params["secret_key"], params.get("security_token"))
    if params.get("user_name") and params.get("password") and params.get("domain_name"):
        return PasswordCredentials(params["user_name"], params["password"], params["domain_name"])
    alternatives = "; or ".join(
        " + ".join("%s (%s)" % (option, env) for option, env in options)
        for dummy, options in CREDENTIAL_SETS)
    given = [option for dummy, options in CREDENTIAL_SETS for option, env in options if params.get(option)]
    msg = "No complete Huawei Cloud credentials were given. Set %s." % alternatives
    if given:
        msg += " Only %s %s set." % (", ".join(given), "is" if len(given) == 1 else "are")
    raise CredentialsError(msg)
