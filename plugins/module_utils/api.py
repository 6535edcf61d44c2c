# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The DLI HTTP client: one ``DliClient`` per task sends each call, signed afresh on every try, through one
``Transport`` (transport.py: a ``requests`` session), as ``RetryPolicy`` (retries.py) says, logs in to IAM
when it must, and turns every failure into a ``DliApiError`` (errors.py) carrying the HTTP status, the
DLI/APIGW error code, the request id, the method and the path, and no secret in any form. The connection
options are checked by connection.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading
import time
from datetime import datetime, timezone

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION
from ansible.module_utils.basic import missing_required_lib

from ansible_collections.hwcloud.dli.plugins.module_utils.auth import (
    SECRET_OPTIONS,
    CredentialsError,
    PasswordCredentials,
    Redactor,
    TokenAuth,
    clean_header_options,
    credentials_from_params,
    proxy_secrets,
    refuse_blank_secrets,
)
from ansible_collections.hwcloud.dli.plugins.module_utils.connection import (
    CONNECTION_ARGUMENT_SPEC,
    checked_limits,
    checked_project_id,
    resolve_endpoints,
    tls_verify,
)
from ansible_collections.hwcloud.dli.plugins.module_utils.errors import (
    AnswerLostError,
    ConfigError,
    DliApiError,
    LoginError,
    error_from_body,
    is_true,
    json_kind,
    request_id_of,
    request_id_tail,
    snippet,
)
from ansible_collections.hwcloud.dli.plugins.module_utils.retries import RetryPolicy

try:
    from urllib.parse import quote
except ImportError:  # pragma: no cover
    from urllib import quote  # type: ignore

from ansible_collections.hwcloud.dli.plugins.module_utils.transport import (
    HAS_REQUESTS,
    AnswerTooLarge,
    ExchangeGuard,
    Lost,
    NotSent,
    RequestError,
    TLSSetupError,
    Transport,
    Unreachable,
    describe_error,
)

USER_AGENT = "ansible-hwcloud.dli (ansible-core %s)" % ANSIBLE_VERSION
# What each credential kind (auth's ``method``) is called in messages.
CREDENTIAL_KINDS = {"token": "an IAM token (auth_token, HW_AUTH_TOKEN)",
                    "aksk": "access keys (access_key and secret_key, HW_ACCESS_KEY and HW_SECRET_KEY)",
                    "password": "an IAM user (user_name, password and domain_name)"}
# An IAM token is renewed this long before it expires.
TOKEN_RENEWAL_MARGIN = 300
# How much longer than ``timeout`` one exchange may take as a whole: enough for the connect timeout
# to come first, so a connection that could not be made is known as such (nothing was sent).
EXCHANGE_GRACE = 0.5


class DliClient:
    """Calls the DLI API of one project with one authentication method.

    ``retry_budget``: the most seconds one call may spend waiting between its tries (the task's
    ``timeout`` and ``wait_timeout``, whichever is longer)."""

    def __init__(self, params, retry_budget=600, sleep=time.sleep, clock=time.monotonic, pool_size=None):
        if not HAS_REQUESTS:
            raise ConfigError(missing_required_lib("requests"))
        params = dict(params)
        self.redact = Redactor(params.get(option) for option in SECRET_OPTIONS)
        for secret in proxy_secrets():  # a proxy's user and password, and their Proxy-Authorization form
            self.redact.add(secret)
        # Checked before the header options, so that any odd project_id is a ConfigError.
        self.project_id = checked_project_id(params)
        refuse_blank_secrets(params)  # before clean_header_options, which would make a blank token unset
        clean_header_options(params)
        self.credentials = credentials_from_params(params)
        self.endpoint, self.iam_endpoint = resolve_endpoints(params)
        if isinstance(self.credentials, PasswordCredentials) and not self.iam_endpoint:
            raise ConfigError("Password login needs IAM: set iam_endpoint (HW_AUTH_URL) or region (HW_REGION_NAME).")
        self.timeout, max_retries = checked_limits(params)
        self.retry = RetryPolicy(max_retries, max(retry_budget or 0, self.timeout))
        self.verify = tls_verify(params)
        self.sleep = sleep
        self.clock = clock
        self.transport = Transport(verify=self.verify, user_agent=USER_AGENT, pool_size=pool_size)
        self._auth = None if isinstance(self.credentials, PasswordCredentials) else self.credentials
        self._token_renew_at = None
        # One client may serve several threads (dli_flink_jar_jobs): one login for them all, and a 429
        # answered to one pauses them all, so that they back off together.
        self._auth_lock = threading.Lock()
        self._pause_lock = threading.Lock()
        self._paused_until = 0.0
        self._token_expires_at = None

    # -- paths ---------------------------------------------------------------
    def project_path(self, *segments):
        return "/v1.0/%s/%s" % (quote(self.project_id, safe=""), "/".join(quote(str(s), safe="") for s in segments))

    # -- transport -----------------------------------------------------------
    def _exchange_once(self, method, url, data, headers):
        """One HTTP exchange, bounded as a whole by ``timeout``: an answer that trickles in byte by
        byte cannot hold the task, which a socket timeout alone bounds only per read."""
        outcome = {}
        guard = ExchangeGuard()

        def exchange():
            try:
                outcome["response"] = self.transport.send(method, url, body=data, headers=headers, timeout=self.timeout,
                                                          guard=guard)
            except Exception as exc:  # pylint: disable=broad-exception-caught  # handed to the caller
                outcome["error"] = exc

        worker = threading.Thread(target=exchange, name="dli-http")
        worker.daemon = True
        worker.start()
        worker.join(self.timeout + EXCHANGE_GRACE)
        if worker.is_alive():
            # A request still connecting (a slow name lookup, proxy or handshake) is stopped before it leaves:
            # a write given up as "may have taken effect" must not arrive after the caller has read the job back.
            if guard.cancel():
                raise NotSent("no connection within timeout=%s seconds" % self.timeout)
            raise Lost("no whole answer within timeout=%s seconds" % self.timeout)
        if "response" in outcome:
            return outcome["response"]
        exc = outcome["error"]
        if isinstance(exc, TLSSetupError):
            raise ConfigError(self.redact(
                "TLS failed for %s: %s. Check ca_path (or REQUESTS_CA_BUNDLE), or set validate_certs to false for a "
                "test endpoint you trust." % (url.split("/", 3)[2], self._reason(exc))))
        if isinstance(exc, RequestError):
            raise ConfigError(self.redact("The request to %s could not be made: %s" % (url.split("?")[0], self._reason(exc))))
        if isinstance(exc, (NotSent, Lost, AnswerTooLarge)):
            raise exc
        raise Lost(describe_error(exc))  # an error of this code: judged as the worst case

    def _reason(self, exc):
        """What a transport error says, redacted, then cut short: a secret the cut would split is gone first."""
        text = self.redact(str(exc))
        return text if len(text) <= 300 else text[:297] + "..."

    def _send(self, method, base, path, body=None, headers=None, login=False, idempotent=True):
        """Send one call, trying again as ``RetryPolicy`` says; the last answer is returned.
        ``idempotent=False`` (a create): a 5xx answer is judged as a lost one, never sent again."""
        url = base + path
        data = None if body is None else json.dumps(body, separators=(",", ":"), sort_keys=True).encode("utf-8")
        waited, attempt = 0.0, 0
        failure_retries = self.retry.max_retries  # how often a call that got no answer is tried again
        while True:
            request_headers = dict(headers or {})
            if data is not None:
                request_headers["Content-Type"] = "application/json"
            pause = self._pause_left()
            if pause > 0:
                self.sleep(pause)
            if not login:
                self._authenticate(method, url, request_headers, data)  # signed afresh for every try
            try:
                response = self._exchange_once(method, url, data, request_headers)
            except NotSent as exc:
                failure = "could not reach %s (%s)" % (base, self._reason(exc))
                delay = self.retry.backoff(attempt)
                if isinstance(exc, Unreachable):
                    failure_retries = min(failure_retries, RetryPolicy.UNREACHABLE_RETRIES)
            except AnswerTooLarge as exc:
                if method != "GET" and not login:
                    raise AnswerLostError(self.redact("%s %s was sent, but its answer could not be read (%s): it may "
                                                      "have taken effect." % (method, path, self._reason(exc))), method=method, path=path)
                raise DliApiError(self.redact("%s %s failed: the server answered %s." % (method, path, self._reason(exc))),
                                  method=method, path=path)
            except Lost as exc:
                failure = "the answer was lost (%s)" % self._reason(exc)
                if method != "GET" and not login:  # a login changes nothing: it may be sent again
                    raise AnswerLostError(self.redact("%s %s was sent, but %s: it may have taken effect." % (
                        method, path, failure)), method=method, path=path)
                delay = self.retry.backoff(attempt)
            else:
                status = response.status_code
                if status in RetryPolicy.LOST_ANSWER_STATUSES and method != "GET" and not login:
                    request_id = request_id_of(response)
                    raise AnswerLostError(self.redact(
                        "%s %s was sent, but the gateway answered HTTP %s (its answer from DLI was lost): it may "
                        "have taken effect.%s" % (method, path, status, request_id_tail(request_id))),
                        method=method, path=path, status_code=status, request_id=request_id)
                if status >= 500 and not idempotent:
                    request_id = request_id_of(response)
                    raise AnswerLostError(self.redact("%s %s was sent, but answered HTTP %s: it may have taken "
                                                      "effect.%s" % (method, path, status, request_id_tail(request_id))),
                                          method=method, path=path, status_code=status, request_id=request_id)
                if status not in RetryPolicy.STATUSES or attempt >= self.retry.max_retries:
                    return response
                retry_after = RetryPolicy.retry_after(response)
                if retry_after is not None and waited + retry_after > self.retry.budget:
                    self._decode(response, method, path, note=(
                        "; it asks to be retried after %s seconds (Retry-After), longer than this task waits "
                        "(%s seconds, the longer of timeout and wait_timeout), so it was not retried" % (
                            _seconds(retry_after), _seconds(self.retry.budget))))
                failure = None
                delay = self.retry.backoff(attempt) if retry_after is None else retry_after
                if status == 429:
                    self._pause_all(delay)
            if failure and attempt >= failure_retries:
                raise DliApiError(self.redact("%s %s failed: %s%s." % (
                    method, path, failure, " after %s tries" % (attempt + 1) if attempt else "")),
                    method=method, path=path)
            if waited + delay > self.retry.budget:
                delay = self.retry.budget - waited
                if delay <= 0:
                    if failure:
                        raise DliApiError(self.redact("%s %s failed: %s; no time was left to try again." % (
                            method, path, failure)), method=method, path=path)
                    return response
            self.sleep(delay)
            waited += delay
            attempt += 1

    def _decode(self, response, method, path, note=""):
        """The answer's JSON, or DliApiError for anything but a 2xx with a JSON (or empty) body."""
        request_id = request_id_of(response)
        status = response.status_code
        try:
            body = response.json() if response.content else None
            readable, unreadable, shown = True, None, None
        except ValueError:
            body, readable, unreadable, shown = None, False, "a body that is not JSON", 200
        except RecursionError:  # valid or not, Python's decoder gives up on JSON nested this deeply
            # Its first characters are enough to recognise it: most of it is brackets.
            body, readable, unreadable, shown = None, False, "a body nested too deeply to read as JSON", 60
        if not 200 <= status < 300:
            code, message = error_from_body(body)
            if code == str(status):  # IAM's "code" is the HTTP status again
                code = None
            if message is None and 300 <= status < 400:
                message = "a redirect to %s, which is not followed" % (response.headers.get("Location") or "nowhere")
            elif message is None and not readable:
                message = snippet(response, self.redact, shown)
            raise DliApiError(self.redact("%s %s failed: HTTP %s%s%s%s%s" % (
                method, path, status, " %s" % code if code else "", ": %s" % message if message else "", note,
                request_id_tail(request_id))), method=method, path=path, status_code=status, error_code=code,
                error_msg=self.redact(message), request_id=request_id)
        if not readable:
            # A write answered 2xx took effect, whatever its body says: the caller judges it as a lost answer.
            written = method != "GET"
            raise (AnswerLostError if written else DliApiError)(self.redact(
                "%s %s failed: HTTP %s with %s (%s): %s%s%s" % (
                    method, path, status, unreadable, response.headers.get("Content-Type", "no content type"),
                    snippet(response, self.redact, shown), "; it may have taken effect." if written else "",
                    request_id_tail(request_id))),
                method=method, path=path, status_code=status, request_id=request_id)
        return body, request_id

    # -- authentication ------------------------------------------------------
    def _authenticate(self, method, url, headers, data):
        with self._auth_lock:
            if self._auth is None or self._token_renew_at is not None and self.clock() >= self._token_renew_at:
                self._login()
            auth = self._auth
        auth.apply(method, url, headers, data)

    def _pause_all(self, seconds):
        """Hold every thread's next try for ``seconds``: the API throttles the account, not one call."""
        with self._pause_lock:
            self._paused_until = max(self._paused_until, self.clock() + seconds)

    def _pause_left(self):
        with self._pause_lock:
            return self._paused_until - self.clock()

    def _login(self):
        """Exchange the user's password for a token, once per task (again only if it expires)."""
        path = "/v3/auth/tokens"
        try:
            response = self._send("POST", self.iam_endpoint, path, login=True,
                                  body=self.credentials.token_request_body(self.project_id))
            body, request_id = self._decode(response, "POST", path)
        except DliApiError as exc:
            raise LoginError("IAM login of user %s at %s failed: %s" % (
                self.credentials.user_name, self.iam_endpoint, exc.msg), method="POST", path=path,
                status_code=exc.status_code, error_code=exc.error_code, error_msg=exc.error_msg,
                request_id=exc.request_id)
        token = (response.headers.get("X-Subject-Token") or "").strip()
        if not token:
            raise LoginError("IAM login at %s: POST %s answered HTTP %s without an X-Subject-Token header%s." % (
                self.iam_endpoint, path, response.status_code, request_id_tail(request_id)), method="POST",
                path=path, status_code=response.status_code, request_id=request_id)
        self.redact.add(token)
        self._auth = TokenAuth(token)
        self._token_expires_at = _expires_at(body)
        self._token_renew_at = self._renew_at(self._token_expires_at)

    def login_token(self):
        """Log in to IAM with the password credentials, exactly as a task's first call does, and return
        ``(token, expires_at)``: the token IAM issued and its ``expires_at`` (ISO 8601 text as IAM gives it, or
        None). Later tasks pass the token as ``auth_token`` instead of logging in each (module dli_token).

        Only password credentials log in: access keys sign every request and need no token, and a token
        given is one already; for those it raises ConfigError without any request. LoginError if IAM refuses."""
        if not isinstance(self.credentials, PasswordCredentials):
            raise ConfigError("Only an IAM user (user_name, password and domain_name) logs in for a token; the "
                              "credentials given are %s, which need no login." % CREDENTIAL_KINDS[self.credentials.method])
        self._login()
        return self._auth.token, self._token_expires_at

    def _renew_at(self, expires_at):
        """When (on ``clock``) to log in again: shortly before the token's expires_at, if given."""
        try:
            expires = datetime.strptime(expires_at[:19], "%Y-%m-%dT%H:%M:%S")
        except (TypeError, ValueError):
            return None
        left = (expires.replace(tzinfo=timezone.utc) - datetime.now(timezone.utc)).total_seconds()
        if left <= 0:  # just issued, so valid: this host's clock is off; never renew before every call
            return None
        # A token that is short-lived already is used for half its life, not renewed before every call.
        return self.clock() + (left - TOKEN_RENEWAL_MARGIN if left > 2 * TOKEN_RENEWAL_MARGIN else left / 2)

    # -- calls ---------------------------------------------------------------
    def call(self, method, path, body=None, expect=dict, params=None, check_each=True, idempotent=True):
        """Call DLI; return the decoded JSON answer, which must be of type ``expect``, or raise DliApiError.
        ``params``: the query, a mapping (spaces are sent as %20, as the signature encodes them).
        ``check_each=False``: an array's elements are the caller's to check (one per job of a batch).
        ``idempotent=False``: a write that sent twice does twice (a create): never sent again after a 5xx."""
        if params:
            path += "?" + "&".join("%s=%s" % (quote(str(key), safe="~"), quote(str(value), safe="~"))
                                   for key, value in sorted(params.items()))
        response = self._send(method, self.endpoint, path, body=body, headers={"X-Project-Id": self.project_id},
                              idempotent=idempotent)
        result, request_id = self._decode(response, method, path)
        if check_each or not isinstance(result, list):
            self.check_success(result, method, path, response.status_code, request_id)
        if not isinstance(result, expect):
            raise DliApiError("%s %s answered HTTP %s with %s where %s was expected%s." % (
                method, path, response.status_code, json_kind(result), json_kind(expect()),
                request_id_tail(request_id)), method=method, path=path, status_code=response.status_code,
                request_id=request_id)
        return result

    def check_success(self, result, method, path, status_code=None, request_id=None):
        """A 2xx answer whose is_success is false is a failure too; arrays are checked per element."""
        for item in result if isinstance(result, list) else [result]:
            if isinstance(item, dict) and "is_success" in item and not is_true(item["is_success"]):
                code, message = error_from_body(item)
                message = item.get("message") or message
                raise DliApiError(self.redact("%s %s failed: HTTP %s but is_success is false%s: %s%s" % (
                    method, path, status_code, " (%s)" % code if code else "", message or "no message given",
                    request_id_tail(request_id))), method=method, path=path, status_code=status_code,
                    error_code=code, error_msg=self.redact(message), request_id=request_id)


def _expires_at(body):
    """The ``token.expires_at`` of IAM's login answer, or None when it has none (or not as text)."""
    try:
        expires_at = body["token"]["expires_at"]
    except (KeyError, TypeError):
        return None
    return expires_at if isinstance(expires_at, str) and expires_at else None


def _seconds(value):
    return ("%.1f" % value).rstrip("0").rstrip(".")


__all__ = ["CONNECTION_ARGUMENT_SPEC", "CREDENTIAL_KINDS", "AnswerLostError", "ConfigError", "CredentialsError",
           "DliApiError", "DliClient", "LoginError", "RetryPolicy", "is_true",
           "request_id_tail", "resolve_endpoints"]
