# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The DLI HTTP client: connection options, endpoints, retries and errors.

One ``requests`` session per task; the retry policy lives in ``retry_policy`` and
nowhere else; every failure becomes a ``DliApiError`` carrying the HTTP status,
the DLI/APIGW error code, the request id, the method and the path, and no secret.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import traceback

from ansible.module_utils.basic import env_fallback

from ansible_collections.hwcloud.dli.plugins.module_utils.auth import (
    CredentialsError,
    PasswordCredentials,
    TokenAuth,
    credentials_from_params,
)

try:
    from urllib.parse import quote
except ImportError:  # pragma: no cover
    from urllib import quote  # type: ignore

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry
except ImportError:
    requests = None
    Retry = object
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

COLLECTION_VERSION = "0.1.0"
USER_AGENT = "ansible-hwcloud.dli/%s" % COLLECTION_VERSION
DEFAULT_CLOUD = "myhuaweicloud.com"
# Regions whose endpoints are not under the default cloud domain.
REGION_CLOUD = {"eu-west-101": "myhuaweicloud.eu"}

RETRY_STATUSES = (429, 500, 502, 503, 504)
BACKOFF_FACTOR = 0.5
BACKOFF_MAX = 20
BACKOFF_JITTER = 0.5

# Shared by every module of the collection (see doc_fragments/connection.py).
CONNECTION_ARGUMENT_SPEC = dict(
    region=dict(type="str", fallback=(env_fallback, ["HW_REGION_NAME"])),
    project_id=dict(type="str", fallback=(env_fallback, ["HW_PROJECT_ID"])),
    endpoint=dict(type="str", fallback=(env_fallback, ["HW_DLI_ENDPOINT"])),
    cloud=dict(type="str", fallback=(env_fallback, ["HW_CLOUD"])),
    access_key=dict(type="str", fallback=(env_fallback, ["HW_ACCESS_KEY"]), no_log=False),
    secret_key=dict(type="str", fallback=(env_fallback, ["HW_SECRET_KEY"]), no_log=True),
    security_token=dict(type="str", fallback=(env_fallback, ["HW_SECURITY_TOKEN"]), no_log=True),
    auth_token=dict(type="str", fallback=(env_fallback, ["HW_AUTH_TOKEN"]), no_log=True),
    user_name=dict(type="str", fallback=(env_fallback, ["HW_USER_NAME"])),
    password=dict(type="str", fallback=(env_fallback, ["HW_USER_PASSWORD"]), no_log=True),
    domain_name=dict(type="str", fallback=(env_fallback, ["HW_DOMAIN_NAME"])),
    iam_endpoint=dict(type="str", fallback=(env_fallback, ["HW_AUTH_URL"])),
    validate_certs=dict(type="bool", default=True),
    ca_path=dict(type="path"),
    timeout=dict(type="int", default=30),
    max_retries=dict(type="int", default=5),
)


class ConfigError(Exception):
    """The connection options cannot make a working client."""


class DliApiError(Exception):
    """A DLI or IAM call failed; ``result()`` gives the keys for ``fail_json``."""

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


def is_true(value):
    """``is_success`` is "true"/"false" on some answers and a boolean on others."""
    return str(value).lower() == "true"


def _strip_url(url):
    return url.rstrip("/")


def resolve_endpoints(params):
    """Return (dli_base_url, iam_base_url) from the connection options; IAM's is None
    when neither iam_endpoint nor region is given (only password login needs it)."""
    region = params.get("region")
    cloud = params.get("cloud") or REGION_CLOUD.get(region, DEFAULT_CLOUD)
    endpoint = params.get("endpoint")
    iam = params.get("iam_endpoint")
    if not endpoint:
        if not region:
            raise ConfigError("region is required (option region or environment variable HW_REGION_NAME) "
                              "unless endpoint (HW_DLI_ENDPOINT) is set.")
        endpoint = "https://dli.%s.%s" % (region, cloud)
    if not iam and region:
        iam = "https://iam.%s.%s" % (region, cloud)
    if iam:
        iam = _strip_url(iam)
        if iam.endswith("/v3"):
            iam = iam[:-3]
    return _strip_url(endpoint), iam


class DliRetry(Retry):
    """urllib3's Retry, except for a POST whose answer was lost after it was sent (a read error).

    It may have taken effect: a stop or start sent twice is refused by DLI, and a job stopped
    twice could be left stopped. So that error is reported at once, never sent again. Refusals
    (429, 5xx) and connection errors, where nothing was done, are still retried for every method.
    """

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        if error is not None and method == "POST" and self._is_read_error(error):
            raise error
        return super(DliRetry, self).increment(method, url, response, error, _pool, _stacktrace)


def retry_policy(max_retries):
    """429, 5xx and connection errors: jittered exponential backoff, Retry-After honoured."""
    options = dict(
        total=max_retries, connect=max_retries, read=max_retries, status=max_retries,
        other=0, redirect=0,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=None,  # every method: a throttled or 5xx call did not take effect (see DliRetry)
        backoff_factor=BACKOFF_FACTOR,
        respect_retry_after_header=True,
        raise_on_status=False,  # give us the last answer, to report its error code
    )
    try:
        return DliRetry(backoff_max=BACKOFF_MAX, backoff_jitter=BACKOFF_JITTER, **options)
    except TypeError:  # urllib3 < 2: no jitter, no backoff_max argument
        return DliRetry(**options)


def _error_from_body(body):
    """(code, message) from a DLI, APIGW or IAM error body; (None, None) if there is none."""
    if not isinstance(body, dict):
        return None, None
    if body.get("error_code") or body.get("error_msg"):
        return body.get("error_code"), body.get("error_msg") or body.get("message")
    error = body.get("error")
    if isinstance(error, dict):  # IAM: {"error": {"code": 401, "message": ..., "title": ...}}
        return error.get("code") and str(error.get("code")), error.get("message") or error.get("title")
    if body.get("code") and body.get("message"):
        return str(body["code"]), body["message"]
    return None, None


class DliClient:
    """Calls the DLI API of one project with one authentication method."""

    def __init__(self, params):
        self.project_id = params.get("project_id")
        if not self.project_id:
            raise ConfigError("project_id is required (option project_id or environment variable HW_PROJECT_ID).")
        self.credentials = credentials_from_params(params)
        self.endpoint, self.iam_endpoint = resolve_endpoints(params)
        if isinstance(self.credentials, PasswordCredentials) and not self.iam_endpoint:
            raise ConfigError("Password login needs IAM: set iam_endpoint (HW_AUTH_URL) or region (HW_REGION_NAME).")
        self.timeout = params.get("timeout") or 30
        max_retries = params.get("max_retries")
        if max_retries is None or max_retries < 0:
            raise ConfigError("max_retries must be 0 or more, not %s." % max_retries)
        if self.timeout <= 0:
            raise ConfigError("timeout must be a positive number of seconds, not %s." % self.timeout)
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=retry_policy(max_retries))
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.verify = (params.get("ca_path") or True) if params.get("validate_certs", True) else False
        self._auth = None if isinstance(self.credentials, PasswordCredentials) else self.credentials

    # -- paths ---------------------------------------------------------------
    def project_path(self, *segments):
        return "/v1.0/%s/%s" % (quote(self.project_id, safe=""), "/".join(quote(str(s), safe="") for s in segments))

    # -- transport -----------------------------------------------------------
    def _send(self, method, base, path, body=None, auth=None, headers=None):
        url = base + path
        headers = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body, separators=(",", ":"), sort_keys=True).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if auth is not None:
            auth.apply(method, url, headers, data)
        try:
            return self.session.request(method, url, data=data, headers=headers, timeout=self.timeout,
                                        allow_redirects=False)
        except requests.exceptions.RequestException as exc:
            # requests' messages name the URL and the reason; headers (and so secrets) never appear.
            raise DliApiError("%s %s failed: could not reach %s (%s: %s)" % (
                method, path, base, type(exc).__name__, _short(exc)), method=method, path=path)

    def _decode(self, response, method, path):
        request_id = response.headers.get("X-Request-Id") or response.headers.get("X-Openstack-Request-Id")
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = ValueError
        if response.status_code >= 400:
            code, message = _error_from_body(body)
            raise DliApiError(
                "%s %s failed: HTTP %s%s%s%s" % (
                    method, path, response.status_code,
                    " %s" % code if code else "",
                    ": %s" % message if message else (" %s" % _snippet(response) if body is ValueError else ""),
                    " (request id %s)" % request_id if request_id else ""),
                method=method, path=path, status_code=response.status_code, error_code=code,
                error_msg=message, request_id=request_id)
        if body is ValueError:
            raise DliApiError(
                "%s %s failed: HTTP %s with a body that is not JSON (%s): %s%s" % (
                    method, path, response.status_code, response.headers.get("Content-Type", "no content type"),
                    _snippet(response), " (request id %s)" % request_id if request_id else ""),
                method=method, path=path, status_code=response.status_code, request_id=request_id)
        return body, request_id

    def _login(self):
        """Exchange the user's password for a token, once per task."""
        path = "/v3/auth/tokens"
        response = self._send("POST", self.iam_endpoint, path,
                              body=self.credentials.token_request_body(self.project_id))
        self._decode(response, "POST", path)
        token = response.headers.get("X-Subject-Token")
        if not token:
            raise DliApiError("POST %s at %s answered HTTP %s without an X-Subject-Token header." % (
                path, self.iam_endpoint, response.status_code), method="POST", path=path,
                status_code=response.status_code)
        self._auth = TokenAuth(token)

    def call(self, method, path, body=None):
        """Call DLI; return the decoded JSON answer, or raise DliApiError."""
        if self._auth is None:
            self._login()
        response = self._send(method, self.endpoint, path, body=body, auth=self._auth,
                              headers={"X-Project-Id": self.project_id})
        result, request_id = self._decode(response, method, path)
        self.check_success(result, method, path, response.status_code, request_id)
        return result

    @staticmethod
    def check_success(result, method, path, status_code=None, request_id=None):
        """A 200 answer whose is_success is false is a failure too; arrays are checked per element."""
        for item in result if isinstance(result, list) else [result]:
            if isinstance(item, dict) and "is_success" in item and not is_true(item["is_success"]):
                code, message = _error_from_body(item)
                raise DliApiError(
                    "%s %s failed: HTTP %s but is_success is false%s: %s%s" % (
                        method, path, status_code, " (%s)" % code if code else "",
                        item.get("message") or message or "no message given",
                        " (request id %s)" % request_id if request_id else ""),
                    method=method, path=path, status_code=status_code, error_code=code,
                    error_msg=item.get("message") or message, request_id=request_id)


def _short(exc):
    text = str(exc)
    return text if len(text) <= 300 else text[:297] + "..."


def _snippet(response):
    text = response.text.strip().replace("\n", " ")
    return repr(text if len(text) <= 200 else text[:197] + "...")


__all__ = ["CONNECTION_ARGUMENT_SPEC", "ConfigError", "CredentialsError", "DliApiError", "DliClient",
           "REQUESTS_IMPORT_ERROR", "is_true", "resolve_endpoints", "retry_policy"]
