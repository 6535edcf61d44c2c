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

import base64
import hashlib
import hmac
import html
import json
import os
import re
from datetime import datetime, timezone

try:
    from urllib.parse import quote, quote_plus, unquote, urlsplit, parse_qsl
except ImportError:  # pragma: no cover - Python 2 is not supported by ansible-core >= 2.17
    from urllib import quote, quote_plus, unquote  # type: ignore
    from urlparse import urlsplit, parse_qsl  # type: ignore

# The environment variable each connection option falls back to: those of the Huawei Cloud Terraform
# provider, so one shell set-up serves both tools (HW_DLI_ENDPOINT is this collection's own).
ENVIRONMENT_VARIABLES = dict(
    region="HW_REGION_NAME",
    project_id="HW_PROJECT_ID",
    endpoint="HW_DLI_ENDPOINT",
    cloud="HW_CLOUD",
    access_key="HW_ACCESS_KEY",
    secret_key="HW_SECRET_KEY",
    security_token="HW_SECURITY_TOKEN",
    auth_token="HW_AUTH_TOKEN",
    user_name="HW_USER_NAME",
    password="HW_USER_PASSWORD",
    domain_name="HW_DOMAIN_NAME",
    iam_endpoint="HW_AUTH_URL",
)
# Options whose values never appear in a message, a result or a diff, in any form.
SECRET_OPTIONS = ("secret_key", "security_token", "auth_token", "password")
# Options sent as HTTP header values (X-Project-Id, Authorization's Access=, X-Security-Token,
# X-Auth-Token): a header value cannot hold control or non-ASCII characters.
HEADER_OPTIONS = ("project_id", "access_key", "security_token", "auth_token")
_HEADER_VALUE = re.compile(r"^[\x21-\x7e]+$")
REDACTED = "********"
# A secret shorter than this is hidden only where it stands as a word of its own: hiding each occurrence of
# secret_key "a" took the letter out of every word of a message. Ansible's own no_log masking is held to the same.
MIN_SECRET_LENGTH = 8

SIGNING_ALGORITHM = "SDK-HMAC-SHA256"
DATE_HEADER = "X-Sdk-Date"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"


class CredentialsError(Exception):
    """No complete set of credentials, or an incomplete one, was given."""


def clean_header_options(params):
    """Strip the options sent as header values of surrounding whitespace (a token pasted with its
    newline), and refuse one that still holds a character no header can carry. The message names
    the option and the kind of character, never the value."""
    for option in HEADER_OPTIONS:
        value = params.get(option)
        if value is None:
            continue
        value = value.strip()
        if value and not _HEADER_VALUE.match(value):
            raise CredentialsError(
                "%s (%s) holds a space, a control character or a non-ASCII character; it is sent as an "
                "HTTP header, which takes printable ASCII only." % (option, ENVIRONMENT_VARIABLES[option]))
        params[option] = value


def _python_repr(text):
    # repr picks its quote from the whole text around a secret: either quote may be the escaped one.
    for show in (repr, ascii):
        yield show(text)[1:-1]
        yield show("'\"" + text)[4:-1]  # both quotes in it: ' is the one escaped


def _json(text):
    for ensure_ascii in (True, False):
        escaped = json.dumps(text, ensure_ascii=ensure_ascii)[1:-1]
        yield escaped
        yield escaped.replace("/", "\\/")  # some servers escape / too


def _unicode_escape(text):
    yield text.encode("unicode_escape").decode("ascii")


_PERCENT_ESCAPE = re.compile(r"%[0-9A-F]{2}")


def _url(text):
    for encoded in (quote(text, safe=""), quote(text), quote_plus(text)):
        yield encoded
        yield _PERCENT_ESCAPE.sub(lambda match: match.group().lower(), encoded)


def _html(text):
    named = html.escape(text)  # &quot; and &#x27;
    for escaped in (named, html.escape(text, quote=False), named.replace("&#x27;", "&apos;"),
                    named.replace("&#x27;", "&#39;").replace("&quot;", "&#34;")):
        yield escaped
        yield escaped.encode("ascii", "xmlcharrefreplace").decode("ascii")  # non-ASCII as &#246;


def _latin1(text):
    # A body without a charset is read as Latin-1 (as requests reads text/*): UTF-8 shows as mojibake.
    yield text.encode("utf-8").decode("latin-1")


# How a secret echoed in a body or a message can be escaped or encoded, each named as SECURITY.md lists it.
SECRET_ENCODINGS = (
    ("Python repr", _python_repr),
    ("JSON", _json),
    ("unicode-escape", _unicode_escape),
    ("URL-encoding", _url),
    ("HTML entities", _html),
    ("UTF-8 read as Latin-1", _latin1),
)


def _encoded(texts):
    return set(form for text in texts for dummy, encode in SECRET_ENCODINGS for form in encode(text))


def secret_forms(secret):
    """Every way a secret can show in text: as it is, stripped, and each of ``SECRET_ENCODINGS`` applied
    once or twice (a JSON login body echoed in an HTML page, a repr of a JSON text)."""
    forms = set([secret, secret.strip()])
    forms |= _encoded(forms)
    forms |= _encoded(forms)
    return set(form for form in forms if form)


# The proxy variables, as the transport reads them (either case).
PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY")


def basic_credentials(user, password):
    """The base64 of user:password, as HTTP Basic authentication sends it."""
    return base64.b64encode(("%s:%s" % (user, password)).encode("utf-8")).decode("ascii")


def proxy_secrets(environ=os.environ):  # pylint: disable=dangerous-default-value  # only read, never changed
    """The secrets of the proxy URLs in ``environ``, to redact: the user and the password of each, as written
    and percent-decoded, and the base64 of user:password that its ``Proxy-Authorization: Basic`` carries.
    Split by hand, as urlsplit does it, so that a URL urlsplit refuses still gives its secrets up."""
    secrets = set()
    for name, value in environ.items():
        if name.upper() not in PROXY_VARIABLES or not value:
            continue
        netloc = re.split(r"[/?#]", value.strip().split("://", 1)[-1], maxsplit=1)[0]
        if "@" not in netloc:
            continue
        user, dummy, password = netloc.rpartition("@")[0].partition(":")
        for raw, decoded in ((user, unquote(user)), (password, unquote(password))):
            secrets.update([raw, decoded])
        secrets.update([basic_credentials(unquote(user), unquote(password)), basic_credentials(user, password)])
    return sorted(secret for secret in secrets if secret.strip())


class Redactor:
    """Removes every form of the secrets it knows from a text: wherever it occurs, or for a secret shorter than
    ``MIN_SECRET_LENGTH``, where it stands as a word of its own. A blank secret (which the client refuses) is
    not one: hiding it would hide every space."""

    def __init__(self, secrets=()):
        self.forms = []
        self.short_forms = []
        self._short_pattern = None
        for secret in secrets:
            self.add(secret)

    def add(self, secret):
        if not secret or not secret.strip():
            return
        # Longest first, so that a form inside another is never left half-replaced.
        if is_short_secret(secret):
            self.short_forms = sorted(set(self.short_forms) | secret_forms(secret), key=len, reverse=True)
            self._short_pattern = re.compile("|".join(r"(?<!\w)%s(?!\w)" % re.escape(form) for form in self.short_forms))
        else:
            self.forms = sorted(set(self.forms) | secret_forms(secret), key=len, reverse=True)

    def __call__(self, text):
        if text is None:
            return None
        text = str(text)
        for form in self.forms:
            text = text.replace(form, REDACTED)
        if self._short_pattern is not None:
            text = self._short_pattern.sub(REDACTED, text)
        return text


def is_short_secret(value):
    return bool(value and value.strip()) and len(value.strip()) < MIN_SECRET_LENGTH


def refuse_blank_secrets(params):
    """CredentialsError naming a secret option that is blank (spaces only): no credential is blank, and an empty
    value (an AWX input left blank) counts as unset instead."""
    for option in SECRET_OPTIONS:
        value = params.get(option)
        if isinstance(value, str) and value and not value.strip():
            raise CredentialsError("%s (%s) is blank: give the secret itself, or leave both the option and the "
                                   "variable unset." % (option, ENVIRONMENT_VARIABLES[option]))


def params_and_redactor(module):
    """(params, redact) for a module's main: the options with their values, and the Redactor of its messages.

    A blank or short secret (``MIN_SECRET_LENGTH``) is taken out of Ansible's no_log masking, which would hide
    each of its occurrences (every space, or every "a") in the result, and its option shows ``********`` in the
    result's invocation instead. The module warns about a short one, without its value."""
    params = dict(module.params)
    for option in SECRET_OPTIONS:
        value = params.get(option)
        if not isinstance(value, str) or not value or len(value.strip()) >= MIN_SECRET_LENGTH:
            continue
        module.no_log_values.discard(value)
        module.params[option] = REDACTED
        if value.strip():
            module.warn("%s (%s) is shorter than %s characters, which no real one is: check the value given. It is "
                        "hidden in messages only where it stands as a word of its own." % (
                            option, ENVIRONMENT_VARIABLES[option], MIN_SECRET_LENGTH))
    return params, Redactor(params.get(option) for option in SECRET_OPTIONS)


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


# The options of each credential set, in order of precedence.
CREDENTIAL_SETS = (
    ("an IAM token", ("auth_token",)),
    ("access keys", ("access_key", "secret_key")),
    ("an IAM user", ("user_name", "password", "domain_name")),
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
        " + ".join("%s (%s)" % (option, ENVIRONMENT_VARIABLES[option]) for option in options)
        for dummy, options in CREDENTIAL_SETS)
    given = [option for dummy, options in CREDENTIAL_SETS for option in options if params.get(option)]
    msg = "No complete Huawei Cloud credentials were given. Set %s." % alternatives
    if given:
        msg += " Only %s %s set." % (", ".join(given), "is" if len(given) == 1 else "are")
    raise CredentialsError(msg)
