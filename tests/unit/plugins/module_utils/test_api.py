# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP client: paths, errors, authentication headers, retries as the client carries them out, and the hardening
guarantees: no secret in any message, TLS and .netrc independent of the environment, bounded
Retry-After, every try signed afresh, lost write answers never resent, odd answers refused.

HTTP is stubbed (tests/unit/http_stub.py), or served for real on 127.0.0.1 where sockets matter (timeouts,
dropped connections, TLS, .netrc, trickling answers). Waits between tries go to a fake clock.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import contextlib
import html
import json
import select
import socket
import threading
import time
from datetime import datetime, timedelta, timezone

try:
    from urllib.parse import parse_qsl, quote, quote_plus, urlsplit
except ImportError:  # pragma: no cover
    from urllib import quote, quote_plus  # type: ignore
    from urlparse import parse_qsl, urlsplit  # type: ignore

import pytest
import requests
import echoed_secrets
import http_stub
from loopback import answer_ok, drop, free_port, hold, loopback, send_json, trickle

from ansible_collections.hwcloud.dli.plugins.module_utils import api, auth, transport
from ansible_collections.hwcloud.dli.plugins.module_utils.api import (
    AnswerLostError,
    ConfigError,
    CredentialsError,
    DliApiError,
    DliClient,
    LoginError,
)
from ansible_collections.hwcloud.dli.plugins.module_utils.auth import REDACTED, secret_forms
from ansible_collections.hwcloud.dli.plugins.module_utils.connection import resolve_endpoints

BASE = "https://dli.test.example.com"
PATH = "/v1.0/p1/x"
URL = BASE + PATH
PARAMS = dict(project_id="p1", endpoint=BASE, access_key="AK", secret_key="SECRET-SK", timeout=5,
              max_retries=2, validate_certs=True)
IAM = "https://iam.example.com"
IAM_TOKENS = IAM + "/v3/auth/tokens"
PASSWORD_PARAMS = dict(PARAMS, access_key=None, secret_key=None, user_name="u", password="pw-secret",
                       domain_name="d", iam_endpoint=IAM + "/v3")
OK = {"is_success": "true"}

# Every test: the loopback servers are reached directly, whatever proxy the shell running the tests sets.
pytestmark = pytest.mark.usefixtures("no_proxy_variables")


@pytest.fixture
def mocked():
    with http_stub.StubbedHttp(assert_all_requests_are_fired=False) as mock:
        yield mock


def _client(clock, retry_budget=600, **options):
    """A client whose waits go to the fake ``clock``, with backoff without jitter (0.5, 1, 2 ...)."""
    client = DliClient(dict(PARAMS, **options), retry_budget=retry_budget, sleep=clock.sleep, clock=clock.clock)
    client.retry.rand = lambda: 0.0
    return client


def _quick(client, timeout=0.3):
    """The client with a timeout below the option's 1-second minimum: a timeout test then takes a third of a second."""
    client.timeout = timeout
    return client


def _sdk_authorization(request, access_key="AK", secret_key="SECRET-SK"):
    """The Authorization the official SDK's Signer computes for the headers the request signed."""
    signer = pytest.importorskip("huaweicloudsdkcore.signer.signer")
    sdk_request = pytest.importorskip("huaweicloudsdkcore.sdk_request")
    credentials = pytest.importorskip("huaweicloudsdkcore.auth.credentials")
    signed = request.headers["Authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    parts = urlsplit(request.url)
    sdk = sdk_request.SdkRequest(
        method=request.method, schema=parts.scheme, host=parts.netloc, resource_path=parts.path,
        query_params=parse_qsl(parts.query), body=request.body or b"",
        header_params=dict((name, value) for name, value in request.headers.items() if name.lower() in signed))
    return signer.Signer(credentials.BasicCredentials(access_key, secret_key)).sign(sdk).header_params["Authorization"]


# -- servers and certificates: tests/unit/loopback.py, self_signed in tests/unit/conftest.py ----------

@pytest.fixture
def unrelated_bundle():
    return pytest.importorskip("certifi").where()


# -- endpoints, paths (connection.py and retries.py have their own tests) ------------------------------------------------------------

def test_a_region_with_spaces_makes_no_request(mocked):
    with pytest.raises(ConfigError):
        DliClient(dict(PARAMS, endpoint=None, region="cn north-4")).call("GET", PATH)
    assert len(mocked.calls) == 0


def test_project_id_is_required():
    with pytest.raises(ConfigError, match="HW_PROJECT_ID"):
        DliClient(dict(PARAMS, project_id=None))


def test_path_segments_are_quoted():
    client = DliClient(PARAMS)
    assert client.project_path("streaming", "jobs", "a b/c") == "/v1.0/p1/streaming/jobs/a%20b%2Fc"


# -- headers, bodies, errors -------------------------------------------------------------------

def test_signed_call_headers(mocked):
    mocked.add(http_stub.GET, BASE + "/v1.0/p1/streaming/jobs/1", json=OK)
    DliClient(PARAMS).call("GET", "/v1.0/p1/streaming/jobs/1")
    headers = mocked.calls[0].request.headers
    assert headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-project-id;x-sdk-date,")
    assert headers["X-Project-Id"] == "p1" and headers["Host"] == "dli.test.example.com"
    assert "Content-Type" not in headers
    assert headers["Authorization"] == _sdk_authorization(mocked.calls[0].request)


def test_body_is_signed_json(mocked):
    mocked.add(http_stub.PUT, URL, json={"is_success": True})
    DliClient(PARAMS).call("PUT", PATH, {"b": 1, "a": "x"})
    request = mocked.calls[0].request
    assert request.body == b'{"a":"x","b":1}'
    assert request.headers["Content-Type"] == "application/json"
    assert "content-type;host;x-project-id;x-sdk-date" in request.headers["Authorization"]
    assert request.headers["Authorization"] == _sdk_authorization(request)


def test_error_carries_status_code_request_id_and_no_secret(mocked):
    mocked.add(http_stub.PUT, URL, status=400, headers={"X-Request-Id": "req-42"},
               json={"error_code": "DLI.0001", "error_msg": "Parameter check failed"})
    with pytest.raises(DliApiError) as excinfo:
        DliClient(PARAMS).call("PUT", PATH, {"a": 1})
    error = excinfo.value
    assert error.msg == "PUT /v1.0/p1/x failed: HTTP 400 DLI.0001: Parameter check failed (request id req-42)"
    assert error.result() == dict(msg=error.msg, status_code=400, error_code="DLI.0001", request_id="req-42")
    assert "SECRET-SK" not in repr(error.__dict__)
    assert len(mocked.calls) == 1


def test_non_json_answer_is_a_clear_one_line_failure(mocked):
    mocked.add(http_stub.GET, URL, body="<html>\n<p>gateway</p>\n</html>", content_type="text/html")
    with pytest.raises(DliApiError) as excinfo:
        DliClient(PARAMS).call("GET", PATH)
    assert excinfo.value.msg == ("GET /v1.0/p1/x failed: HTTP 200 with a body that is not JSON (text/html): "
                                 "'<html> <p>gateway</p> </html>'")


def test_is_success_false_on_200_is_a_failure(mocked):
    mocked.add(http_stub.POST, BASE + "/v1.0/p1/streaming/jobs/run",
               json=[{"is_success": "false", "message": "Job 7 is running"}])
    with pytest.raises(DliApiError, match="is_success is false: Job 7 is running"):
        DliClient(PARAMS).call("POST", "/v1.0/p1/streaming/jobs/run", {"job_ids": [7]}, expect=list)


def test_apigw_401(mocked):
    mocked.add(http_stub.GET, URL, status=401,
               json={"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information"})
    with pytest.raises(DliApiError) as excinfo:
        DliClient(PARAMS).call("GET", PATH)
    assert excinfo.value.error_code == "APIGW.0301" and excinfo.value.status_code == 401
    assert len(mocked.calls) == 1  # a 401 is not tried again


def test_password_login_once_then_token(mocked):
    mocked.add(http_stub.POST, IAM_TOKENS, status=201, headers={"X-Subject-Token": "issued-token"}, json={"token": {}})
    mocked.add(http_stub.GET, BASE + "/v1.0/p1/a", json=OK)
    mocked.add(http_stub.GET, BASE + "/v1.0/p1/b", json=OK)
    client = DliClient(PASSWORD_PARAMS)
    client.call("GET", "/v1.0/p1/a")
    client.call("GET", "/v1.0/p1/b")
    assert [c.request.url for c in mocked.calls] == [IAM_TOKENS, BASE + "/v1.0/p1/a", BASE + "/v1.0/p1/b"]
    assert json.loads(mocked.calls[0].request.body)["auth"]["scope"] == {"project": {"id": "p1"}}
    assert "X-Auth-Token" not in mocked.calls[0].request.headers
    assert mocked.calls[1].request.headers["X-Auth-Token"] == "issued-token"
    assert "Authorization" not in mocked.calls[1].request.headers


def test_login_token_is_the_task_s_own_login_and_returns_the_token_and_its_expiry(mocked):
    mocked.add(http_stub.POST, IAM_TOKENS, status=201, headers={"X-Subject-Token": "issued-token"},
               json={"token": {"expires_at": "2099-01-02T03:04:05.000000Z"}})
    mocked.add(http_stub.GET, BASE + "/v1.0/p1/a", json=OK)
    client = DliClient(PASSWORD_PARAMS)
    assert client.login_token() == ("issued-token", "2099-01-02T03:04:05.000000Z")
    client.call("GET", "/v1.0/p1/a")  # the token is the client's own now: no second login
    assert [c.request.url for c in mocked.calls] == [IAM_TOKENS, BASE + "/v1.0/p1/a"]
    assert mocked.calls[1].request.headers["X-Auth-Token"] == "issued-token"
    assert client.redact("issued-token") == auth.REDACTED  # and out of every message


@pytest.mark.parametrize("options, kind", [
    (dict(), "access keys (access_key and secret_key, HW_ACCESS_KEY and HW_SECRET_KEY)"),
    (dict(auth_token="given"), "an IAM token (auth_token, HW_AUTH_TOKEN)"),
])
def test_login_token_is_for_an_iam_user_only(mocked, options, kind):
    with pytest.raises(ConfigError) as excinfo:
        DliClient(dict(PARAMS, **options)).login_token()
    assert str(excinfo.value) == ("Only an IAM user (user_name, password and domain_name) logs in for a token; the "
                                  "credentials given are %s, which need no login." % kind)
    assert len(mocked.calls) == 0


def test_empty_endpoint_region_and_iam_values_count_as_unset():
    # As an AWX credential injects the variables of inputs left empty.
    assert resolve_endpoints(dict(region="", cloud="", endpoint=BASE, iam_endpoint="")) == (BASE, None)
    assert resolve_endpoints(dict(region="eu-de", cloud="", endpoint="", iam_endpoint="")) == (
        "https://dli.eu-de.myhuaweicloud.com", "https://iam.eu-de.myhuaweicloud.com")
    with pytest.raises(ConfigError, match="^region is required"):
        resolve_endpoints(dict(region="", endpoint=""))


def test_password_login_failure_reports_iam_error(mocked):
    mocked.add(http_stub.POST, IAM_TOKENS, status=401,
               json={"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}})
    client = DliClient(dict(PASSWORD_PARAMS, iam_endpoint=IAM))
    with pytest.raises(LoginError) as excinfo:
        client.call("GET", "/v1.0/p1/a")
    assert excinfo.value.msg == (
        "IAM login of user u at https://iam.example.com failed: POST /v3/auth/tokens failed: HTTP 401: "
        "The username or password is wrong.")
    assert "pw-secret" not in excinfo.value.msg
    assert len(mocked.calls) == 1


def test_unreachable_endpoint_is_a_clear_failure():
    port = free_port()
    client = DliClient(dict(PARAMS, endpoint="http://127.0.0.1:%s" % port, max_retries=0))
    with pytest.raises(DliApiError) as excinfo:
        client.call("GET", PATH)
    assert excinfo.value.msg == ("GET /v1.0/p1/x failed: could not reach http://127.0.0.1:%s (ConnectionRefusedError: "
                                 "[Errno 111] Connection refused)." % port)
    assert not excinfo.value.maybe_written


def _throttled(throttled, status=429):
    """Answers ``status`` with Retry-After: 0 to the first ``throttled`` requests, then 200."""
    def answer(handler, number):
        if number <= throttled:
            send_json(handler, status, {"error_code": "APIGW.0308", "error_msg": "throttled"},
                      headers=[("Retry-After", "0"), ("X-Request-Id", "r%d" % number)])
        else:
            send_json(handler, headers=[("X-Request-Id", "r%d" % number)])
    return answer


def test_real_http_throttling_is_retried_then_succeeds(clock):
    with loopback(_throttled(2)) as server:
        result = _client(clock, endpoint=server.url, max_retries=3).call("GET", PATH)
    assert result == OK and server.calls() == [("GET", PATH)] * 3
    assert clock.sleeps == [0.0, 0.0]


def test_real_http_persistent_503_reports_the_last_answer(clock):
    with loopback(_throttled(100, status=503)) as server:
        with pytest.raises(DliApiError) as excinfo:
            _client(clock, endpoint=server.url, max_retries=2).call("GET", PATH)
    assert server.calls() == [("GET", PATH)] * 3
    assert excinfo.value.status_code == 503 and excinfo.value.request_id == "r3"
    assert excinfo.value.msg == "GET /v1.0/p1/x failed: HTTP 503 APIGW.0308: throttled (request id r3)"


def test_iam_is_only_needed_for_password_login():
    assert resolve_endpoints(dict(endpoint=BASE)) == (BASE, None)
    with pytest.raises(ConfigError, match="HW_AUTH_URL"):
        DliClient(dict(PARAMS, access_key=None, secret_key=None, user_name="u", password="p", domain_name="d"))


def test_a_lost_answer_is_retried_for_get_but_never_for_a_write(clock):
    def first_of_each_method_held(handler, number):
        if [request.method for request in handler.server.loopback.requests].count(handler.command) == 1:
            hold(handler, number)
        else:
            send_json(handler)

    with loopback(first_of_each_method_held) as server:
        client = _quick(_client(clock, endpoint=server.url, max_retries=3))
        assert client.call("GET", "/v1.0/p1/streaming/jobs/1") == OK
        with pytest.raises(AnswerLostError) as excinfo:
            client.call("POST", "/v1.0/p1/streaming/jobs/stop", body={"job_ids": [1], "trigger_savepoint": False})
    # The GET was sent again after its answer timed out; the stop was sent once: it may have stopped the job.
    assert server.calls() == [("GET", "/v1.0/p1/streaming/jobs/1"), ("GET", "/v1.0/p1/streaming/jobs/1"),
                              ("POST", "/v1.0/p1/streaming/jobs/stop")]
    assert clock.sleeps == [0.5]
    assert excinfo.value.maybe_written
    assert excinfo.value.msg.startswith("POST /v1.0/p1/streaming/jobs/stop was sent, but the answer was lost (")
    assert excinfo.value.msg.endswith("it may have taken effect.")


# -- 1. a secret never leaks ---------------------------------------------------------------------

def test_an_auth_token_pasted_with_its_newline_is_sent_without_it(mocked):
    mocked.add(http_stub.GET, URL, json=OK)
    DliClient(dict(PARAMS, access_key=None, secret_key=None, auth_token="tok-123\n")).call("GET", PATH)
    assert len(mocked.calls) == 1
    headers = mocked.calls[0].request.headers
    assert headers["X-Auth-Token"] == "tok-123"
    assert headers["X-Project-Id"] == "p1"
    assert "Authorization" not in headers


def test_a_security_token_pasted_with_its_newline_is_signed_and_sent_without_it(mocked):
    mocked.add(http_stub.GET, URL, json=OK)
    DliClient(dict(PARAMS, security_token="sts-token\r\n", project_id="p1\n")).call("GET", PATH)
    assert len(mocked.calls) == 1
    request = mocked.calls[0].request
    assert request.url == URL
    assert request.headers["X-Security-Token"] == "sts-token"
    assert request.headers["X-Project-Id"] == "p1"
    assert request.headers["Authorization"].startswith(
        "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-project-id;x-sdk-date;x-security-token, Signature=")
    assert request.headers["Authorization"] == _sdk_authorization(request)


@pytest.mark.parametrize("option, error", [
    ("auth_token", CredentialsError), ("security_token", CredentialsError), ("access_key", CredentialsError),
    ("project_id", ConfigError)])
@pytest.mark.parametrize("value", ["Zq7-inner\nline", "Zq7-esc\x1bchar", "Zq7-nul\x00char", u"Zq7-\u00fcmlaut",
                                   u"Zq7-\u2028line"])
def test_a_header_option_no_header_can_carry_fails_before_any_request_without_its_value(mocked, option, error, value):
    with pytest.raises(error) as excinfo:
        DliClient(dict(dict(PARAMS, security_token="sts"), **{option: value})).call("GET", PATH)
    msg = str(excinfo.value)
    assert msg.startswith("%s (HW_%s)" % (option, option.upper()))
    for form in secret_forms(value) | {"Zq7"}:
        assert form not in msg
    assert len(mocked.calls) == 0


def test_an_error_answer_echoing_the_secret_key_is_redacted(mocked):
    secret = "Sk/+=\n1"
    mocked.add(http_stub.PUT, URL, status=403, headers={"X-Request-Id": "r1"}, json={
        "error_code": "APIGW.0301", "error_msg": "signature with %s (%s, %s) is wrong" % (
            secret, quote_plus(secret), json.dumps(secret))})
    with pytest.raises(DliApiError) as excinfo:
        DliClient(dict(PARAMS, secret_key=secret)).call("PUT", PATH, {"a": 1})
    error = excinfo.value
    assert error.msg == ("PUT /v1.0/p1/x failed: HTTP 403 APIGW.0301: signature with %s (%s, \"%s\") is wrong "
                         "(request id r1)" % (REDACTED, REDACTED, REDACTED))
    assert error.error_msg == "signature with %s (%s, \"%s\") is wrong" % (REDACTED, REDACTED, REDACTED)
    for form in secret_forms(secret):
        assert form not in repr(error.__dict__) and form not in str(error)
    assert len(mocked.calls) == 1


def test_a_non_json_error_body_echoing_the_token_is_redacted(mocked):
    mocked.add(http_stub.GET, URL, status=500, body="<p>bad token tok/en+1\n</p>", content_type="text/html")
    with pytest.raises(DliApiError) as excinfo:
        DliClient(dict(PARAMS, auth_token="tok/en+1", max_retries=0)).call("GET", PATH)
    assert excinfo.value.msg == "GET /v1.0/p1/x failed: HTTP 500: '<p>bad token %s </p>'" % REDACTED


def test_a_redirect_location_carrying_the_token_is_redacted(mocked):
    token = "tok/en+1="
    location = "https://login.example.com/?next=x&token=%s&again=%s" % (quote_plus(token), quote(token, safe=""))
    mocked.add(http_stub.GET, URL, status=302, headers={"Location": location})
    with pytest.raises(DliApiError) as excinfo:
        DliClient(dict(PARAMS, auth_token=token)).call("GET", PATH)
    assert excinfo.value.msg == (
        "GET /v1.0/p1/x failed: HTTP 302: a redirect to https://login.example.com/?next=x&token=%s&again=%s, "
        "which is not followed" % (REDACTED, REDACTED))
    assert excinfo.value.error_msg == (
        "a redirect to https://login.example.com/?next=x&token=%s&again=%s, which is not followed" % (REDACTED, REDACTED))


def test_an_is_success_false_message_echoing_the_security_token_is_redacted(mocked):
    mocked.add(http_stub.POST, URL, json=[{"is_success": False, "error_code": "DLI.0005",
                                           "message": "token 'sts/tok+1' (sts%2Ftok%2B1) is not allowed"}])
    with pytest.raises(DliApiError) as excinfo:
        DliClient(dict(PARAMS, security_token="sts/tok+1\n")).call("POST", PATH, {"a": 1}, expect=list)
    assert excinfo.value.msg == "POST /v1.0/p1/x failed: HTTP 200 but is_success is false (DLI.0005): token '%s' (%s) " \
        "is not allowed" % (REDACTED, REDACTED)
    assert excinfo.value.error_msg == "token '%s' (%s) is not allowed" % (REDACTED, REDACTED)


def test_the_token_iam_issues_is_redacted_once_logged_in(mocked):
    token = "MIIissued+tok/en=="
    mocked.add(http_stub.POST, IAM_TOKENS, status=201, headers={"X-Subject-Token": token}, json={"token": {}})
    mocked.add(http_stub.GET, URL, status=401, json={
        "error_code": "APIGW.0307", "error_msg": "token %s expired (%s)" % (token, quote(token, safe=""))})
    client = DliClient(PASSWORD_PARAMS)
    assert client.redact(token) == token  # not known before the login
    with pytest.raises(DliApiError) as excinfo:
        client.call("GET", PATH)
    assert excinfo.value.msg == "GET /v1.0/p1/x failed: HTTP 401 APIGW.0307: token %s expired (%s)" % (
        REDACTED, REDACTED)
    assert client.redact("a %s b" % token) == "a %s b" % REDACTED
    assert [call.request.url for call in mocked.calls] == [IAM_TOKENS, URL]
    assert mocked.calls[1].request.headers["X-Auth-Token"] == token


def test_an_iam_answer_echoing_the_password_is_redacted(mocked):
    mocked.add(http_stub.POST, IAM_TOKENS, status=400, json={
        "error": {"code": 400, "message": "password 'pw-secret' (pw-secret) is malformed"}})
    with pytest.raises(LoginError) as excinfo:
        DliClient(PASSWORD_PARAMS).call("GET", PATH)
    assert excinfo.value.msg == (
        "IAM login of user u at https://iam.example.com failed: POST /v3/auth/tokens failed: HTTP 400: "
        "password '%s' (%s) is malformed" % (REDACTED, REDACTED))
    assert "pw-secret" not in repr(excinfo.value.__dict__)
    assert [call.request.url for call in mocked.calls] == [IAM_TOKENS]


# -- a secret echoed in an answer that is not JSON: redacted before the cut, in every form ------------------

@pytest.mark.parametrize("form", echoed_secrets.listed_forms())
def test_every_form_security_md_lists_is_redacted_from_an_error_answer_the_cut_splits(monkeypatch, form):
    """The echo starts at character 190, so the cut at 200 splits the secret: once the first part was shown."""
    for secrets, environment, text, markers in echoed_secrets.cases(form):
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        with http_stub.StubbedHttp(assert_all_requests_are_fired=False) as stub:
            stub.add(http_stub.GET, URL, status=400, body="." * 190 + text, content_type="text/html")
            with pytest.raises(DliApiError) as excinfo:
                DliClient(dict(PARAMS, secret_key=secrets[0]) if secrets else PARAMS).call("GET", PATH)
        for name in environment:
            monkeypatch.delenv(name)
        error = excinfo.value
        assert error.msg.startswith("GET /v1.0/p1/x failed: HTTP 400: ") and "....." in error.msg
        assert echoed_secrets.leaks(error.msg + repr(error.__dict__), markers) == [], (form, text, error.msg)


def test_a_token_the_cut_splits_is_not_shown_in_part(mocked):
    token = "MIIT" + "x" * 76 + "Zq8e"  # 84 characters, the first 80 of them before the cut
    mocked.add(http_stub.GET, URL, status=401, body="%s<p>token %s is invalid</p>" % ("." * 107, token),
               content_type="text/html")
    with pytest.raises(DliApiError) as excinfo:
        DliClient(dict(PARAMS, auth_token=token, max_retries=0)).call("GET", PATH)
    assert excinfo.value.msg == "GET /v1.0/p1/x failed: HTTP 401: '%s<p>token %s is invalid</p>'" % (
        "." * 107, REDACTED)
    assert "MIIT" not in excinfo.value.msg


def test_a_long_body_that_is_not_json_in_a_2xx_is_redacted_before_it_is_cut(mocked):
    token = "tok-" + "y" * 60
    mocked.add(http_stub.GET, URL, status=200, body="." * 180 + token, content_type="text/plain")
    with pytest.raises(DliApiError) as excinfo:
        DliClient(dict(PARAMS, auth_token=token)).call("GET", PATH)
    assert excinfo.value.msg == "GET /v1.0/p1/x failed: HTTP 200 with a body that is not JSON (text/plain): '%s%s'" % (
        "." * 180, REDACTED)


def _echo_the_request(page):
    """A gateway's error page that echoes the request body as text, or the password it holds in HTML."""
    def answer(handler, number):
        body = handler.server.loopback.requests[number - 1].body.decode("utf-8")
        password = json.loads(body)["auth"]["identity"]["password"]["user"]["password"]
        text = "400 Bad Request: %s" % body if page == "text" else (
            "<html><body><p>Bad password &quot;%s&quot;</p></body></html>" % html.escape(password).encode(
                "ascii", "xmlcharrefreplace").decode("ascii"))
        data = text.encode("utf-8")
        handler.send_response(400)
        handler.send_header("Content-Type", "text/%s" % ("plain" if page == "text" else "html"))
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
    return answer


@pytest.mark.parametrize("page", ["text", "html"])
def test_a_gateway_echoing_the_login_body_never_shows_the_password(page):
    """The login body escapes a quote and a non-ASCII character (\\" and \\u00f6), and the repr of the message
    once escaped them again (\\\\" and \\\\u00f6); HTML writes them &quot; and &#246;. The cut showed a
    password's first part."""
    password = u'Zq8"p\u00e4ss/w\u00f6rd' + "-" * 150 + "Kw7m"
    with loopback(_echo_the_request(page)) as gateway:
        params = dict(PASSWORD_PARAMS, password=password, iam_endpoint=gateway.url, max_retries=0)
        with pytest.raises(LoginError) as excinfo:
            DliClient(params).call("GET", PATH)
    sent = gateway.requests[0].body.decode("utf-8")
    assert json.dumps(password) in sent  # escaped in the body, as the gateway echoed it
    error = excinfo.value
    assert error.msg.startswith("IAM login of user u at %s failed: POST /v3/auth/tokens failed: HTTP 400: '" % gateway.url)
    assert REDACTED in error.msg
    assert echoed_secrets.leaks(error.msg + repr(error.__dict__), ("Zq8", "Kw7m")) == []


PROXY_URL = "http://pr%40xy-user:Pw9%22x%2F%C3%B6@127.0.0.1:9"


@pytest.mark.parametrize("failure, error", [(transport.NotSent, DliApiError), (transport.Lost, DliApiError),
                                            (transport.RequestError, ConfigError)])
def test_a_proxy_error_message_with_the_proxy_url_shows_none_of_its_credentials(monkeypatch, mocked, failure, error):
    """As requests and urllib3 word a proxy's failure: with the proxy URL, user information included."""
    monkeypatch.setenv("https_proxy", PROXY_URL)
    basic = base64.b64encode(u"pr@xy-user:Pw9\"x/\u00f6".encode("utf-8")).decode("ascii")
    mocked.add(http_stub.GET, URL, body=failure(
        "ProxyError: Unable to connect to proxy %s (user pr@xy-user, password %s, Proxy-Authorization: Basic %s)" % (
            PROXY_URL, u'Pw9"x/\u00f6', basic)))
    with pytest.raises(error) as excinfo:
        DliClient(dict(PARAMS, max_retries=0)).call("GET", PATH)
    msg = str(excinfo.value)
    assert "Unable to connect to proxy http://%s:%s@127.0.0.1:9" % (REDACTED, REDACTED) in msg
    for part in ("pr%40xy", "pr@xy", "Pw9", basic[:8]):
        assert part not in msg + repr(excinfo.value.__dict__)


def test_a_plain_proxy_echoing_its_proxy_authorization_shows_none_of_it(monkeypatch):
    """A real proxy on 127.0.0.1 answers a plain http request with an error page echoing the request's headers."""
    def answer(handler, number):
        echo = "Proxy-Authorization: %s\nrefused for %s\n" % (handler.headers["Proxy-Authorization"], handler.path)
        echo = echo.encode("utf-8")
        handler.send_response(407)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", str(len(echo)))
        handler.end_headers()
        handler.wfile.write(echo)

    with loopback(answer) as proxy:
        monkeypatch.setenv("HTTP_PROXY", "http://proxy-user:Pw9-proxy-pass@127.0.0.1:%s" % proxy.server.server_address[1])
        with pytest.raises(DliApiError) as excinfo:
            DliClient(dict(PARAMS, endpoint="http://dli.example.com", max_retries=0)).call("GET", PATH)
    basic = base64.b64encode(b"proxy-user:Pw9-proxy-pass").decode("ascii")
    assert proxy.requests[0].headers["Proxy-Authorization"] == "Basic " + basic
    msg = excinfo.value.msg
    assert msg.startswith("GET /v1.0/p1/x failed: HTTP 407: ") and "Proxy-Authorization: Basic %s" % REDACTED in msg
    assert basic not in msg and "Pw9" not in msg and "proxy-user" not in msg


# -- 2. the TLS options always hold, whatever CA bundle the environment names ----------------------

CA_VARIABLES = ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"]


@pytest.fixture
def ca_environment(monkeypatch):
    """Sets one CA bundle variable, the other unset (REQUESTS_CA_BUNDLE would be read first)."""
    for name in CA_VARIABLES:
        monkeypatch.delenv(name, raising=False)

    def set_bundle(variable, bundle):
        monkeypatch.setenv(variable, bundle)
    return set_bundle


@pytest.mark.parametrize("variable", CA_VARIABLES)
def test_validate_certs_false_skips_verification_whatever_the_environment(
        self_signed, unrelated_bundle, ca_environment, clock, variable):
    ca_environment(variable, unrelated_bundle)
    with loopback(answer_ok, tls=self_signed) as server:
        assert _client(clock, endpoint=server.url, validate_certs=False).call("GET", PATH) == OK
    assert server.calls() == [("GET", PATH)]
    assert server.requests[0].headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=AK, ")


@pytest.mark.parametrize("variable", CA_VARIABLES)
def test_ca_path_is_used_whatever_the_environment(self_signed, unrelated_bundle, ca_environment, clock, variable):
    ca_environment(variable, unrelated_bundle)
    with loopback(answer_ok, tls=self_signed) as server:
        assert _client(clock, endpoint=server.url, ca_path=self_signed[0]).call("GET", PATH) == OK
    assert server.calls() == [("GET", PATH)]


@pytest.mark.parametrize("variable", CA_VARIABLES)
def test_ca_path_wins_over_an_environment_bundle_that_would_work(self_signed, unrelated_bundle, ca_environment, clock,
                                                                 variable):
    ca_environment(variable, self_signed[0])
    with loopback(answer_ok, tls=self_signed) as server:
        with pytest.raises(ConfigError) as excinfo:
            _client(clock, endpoint=server.url, ca_path=unrelated_bundle).call("GET", PATH)
        # With no TLS option, the environment's bundle is used.
        assert _client(clock, endpoint=server.url).call("GET", PATH) == OK
    assert str(excinfo.value).startswith("TLS failed for 127.0.0.1:")
    assert server.calls() == [("GET", PATH)]


@pytest.mark.parametrize("variable", CA_VARIABLES)
def test_without_tls_options_an_unknown_certificate_fails_as_a_tls_config_error(
        self_signed, unrelated_bundle, ca_environment, clock, variable):
    ca_environment(variable, unrelated_bundle)
    with loopback(answer_ok, tls=self_signed) as server:
        with pytest.raises(ConfigError) as excinfo:
            _client(clock, endpoint=server.url).call("PUT", PATH, {"a": 1})
    msg = str(excinfo.value)
    assert msg.startswith("TLS failed for %s: " % server.url[len("https://"):])
    assert "CERTIFICATE_VERIFY_FAILED" in msg
    assert msg.endswith("Check ca_path (or REQUESTS_CA_BUNDLE), or set validate_certs to false for a test endpoint "
                        "you trust.")
    assert server.requests == [] and clock.sleeps == []  # refused in the handshake, never tried again


def test_a_ca_path_that_does_not_exist_fails_before_any_request(mocked, tmp_path, unrelated_bundle, ca_environment):
    ca_environment("REQUESTS_CA_BUNDLE", unrelated_bundle)
    missing = str(tmp_path / "no-such-bundle.pem")
    mocked.add(http_stub.GET, URL, json=OK)
    with pytest.raises(ConfigError) as excinfo:
        DliClient(dict(PARAMS, ca_path=missing)).call("GET", PATH)
    assert str(excinfo.value) == "The CA bundle %s given by ca_path does not exist." % missing
    assert len(mocked.calls) == 0


@pytest.mark.parametrize("variable", CA_VARIABLES)
def test_an_environment_bundle_that_does_not_exist_is_named(mocked, tmp_path, ca_environment, variable):
    missing = str(tmp_path / "gone.pem")
    ca_environment(variable, missing)
    with pytest.raises(ConfigError) as excinfo:
        DliClient(PARAMS)
    assert str(excinfo.value) == "The CA bundle %s given by the environment variable %s does not exist." % (
        missing, variable)
    # The options still win: with a ca_path or validate_certs=false, the variable is not read.
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    assert DliClient(dict(PARAMS, ca_path=str(bundle))).verify == str(bundle)
    assert DliClient(dict(PARAMS, validate_certs=False)).verify is False
    assert len(mocked.calls) == 0


# -- 3. .netrc is never used; endpoints are plain base URLs ----------------------------------------

@pytest.fixture
def netrc_for_loopback(tmp_path, monkeypatch):
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login netrc-user password netrc-pass\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(netrc))
    return "Basic " + base64.b64encode(b"netrc-user:netrc-pass").decode()


@pytest.mark.parametrize("credentials", [dict(), dict(access_key=None, secret_key=None, auth_token="tok-1")])
def test_netrc_never_replaces_the_credentials(netrc_for_loopback, clock, credentials):
    with loopback(answer_ok) as server:
        # The control: requests itself, trusting the environment, sends the .netrc's Basic credentials.
        requests.get(server.url + "/control", timeout=5)
        _client(clock, endpoint=server.url, **credentials).call("GET", PATH)
    assert server.calls() == [("GET", "/control"), ("GET", PATH)]
    assert server.requests[0].headers["Authorization"] == netrc_for_loopback
    ours = server.requests[1].headers
    if credentials:
        assert "Authorization" not in ours and ours["X-Auth-Token"] == "tok-1"
    else:
        assert ours["Authorization"].startswith(
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-project-id;x-sdk-date, Signature=")


@pytest.mark.parametrize("option, variable", [("endpoint", "HW_DLI_ENDPOINT"), ("iam_endpoint", "HW_AUTH_URL")])
@pytest.mark.parametrize("url", ["https://user:Pw-s3cret@h.example.com", "https://user:Pw-s3cret@h.example.com:8443/",
                                 "https://:Pw-s3cret@h.example.com/v3", "https://Pw-s3cret@h.example.com"])
def test_user_info_in_an_endpoint_is_refused_without_the_password(mocked, option, variable, url):
    with pytest.raises(ConfigError) as excinfo:
        DliClient(dict(PARAMS, **{option: url})).call("GET", PATH)
    assert str(excinfo.value) == (
        "%s (%s) must not carry user information (user:password@): give credentials with the credential "
        "options, never in the URL." % (option, variable))
    assert len(mocked.calls) == 0


@pytest.mark.parametrize("option", ["endpoint", "iam_endpoint"])
@pytest.mark.parametrize("url", ["https://user:Pw-s3cret@h.example.com:port", "ftp://user:Pw-s3cret@h.example.com",
                                 "https://user:Pw-s3cret@h.example.com/x?y#z"])
def test_an_odd_endpoint_with_a_password_never_shows_it(option, url):
    with pytest.raises(ConfigError) as excinfo:
        resolve_endpoints(dict(dict(endpoint=BASE, iam_endpoint=IAM), **{option: url}))
    assert str(excinfo.value).startswith(option + " (")
    assert "Pw-s3cret" not in str(excinfo.value)


@pytest.mark.parametrize("url, problem", [
    ("https://h.example.com/x", "must be a base URL without a path, query or fragment, such as https://h.example.com."),
    ("https://h.example.com/v1.0/", "must be a base URL without a path, query or fragment, such as https://h.example.com."),
    ("https://h.example.com/v3", "must be a base URL without a path, query or fragment, such as https://h.example.com."),
    ("https://h.example.com?a=1", "must be a base URL without a path, query or fragment, such as https://h.example.com."),
    ("https://h.example.com#f", "must be a base URL without a path, query or fragment, such as https://h.example.com."),
    ("ftp://h.example.com", "must be an http or https URL with a host, such as https://dli.eu-de.example.com."),
    ("file:///etc/passwd", "must be an http or https URL with a host, such as https://dli.eu-de.example.com."),
    ("h.example.com", "must be an http or https URL with a host, such as https://dli.eu-de.example.com."),
    ("https://", "must be an http or https URL with a host, such as https://dli.eu-de.example.com."),
    ("https://h.example.com:99999", "is not a valid URL."),
    (u"https://d\u00e9j\u00e0.example.com", "must have an ASCII host name (write an international name in its xn-- form)."),
])
def test_an_endpoint_that_is_not_a_plain_base_url_is_refused_before_any_request(mocked, url, problem):
    with pytest.raises(ConfigError) as excinfo:
        DliClient(dict(PARAMS, endpoint=url)).call("GET", PATH)
    assert str(excinfo.value) == "endpoint (HW_DLI_ENDPOINT) %s" % problem
    assert len(mocked.calls) == 0


@pytest.mark.parametrize("url", ["https://iam.example.com/x", "https://iam.example.com/v3/auth",
                                 "https://iam.example.com/v3?a=1", "http:///v3"])
def test_iam_endpoint_takes_v3_and_nothing_else(url):
    with pytest.raises(ConfigError, match=r"^iam_endpoint \(HW_AUTH_URL\) must be"):
        resolve_endpoints(dict(endpoint=BASE, iam_endpoint=url))


def test_iam_endpoint_with_v3_logs_in_at_v3_auth_tokens(mocked):
    mocked.add(http_stub.POST, IAM_TOKENS, status=201, headers={"X-Subject-Token": "t"}, json={"token": {}})
    mocked.add(http_stub.GET, URL, json=OK)
    for iam in ("https://iam.example.com/v3", "https://iam.example.com/v3/", "https://iam.example.com/"):
        DliClient(dict(PASSWORD_PARAMS, iam_endpoint=iam)).call("GET", PATH)
    assert [(call.request.method, call.request.url) for call in mocked.calls] == [
        ("POST", IAM_TOKENS), ("GET", URL)] * 3


# -- 4. Retry-After is bounded; every try is signed afresh; a password token is renewed -----------

def _throttled_answer(mocked, method, retry_after, status=429):
    mocked.add(method, URL, status=status, headers={"Retry-After": retry_after, "X-Request-Id": "r1"},
               json={"error_code": "APIGW.0308", "error_msg": "throttled"})


@pytest.mark.parametrize("method, body", [("GET", None), ("PUT", {"a": 1})])
def test_a_retry_after_longer_than_the_task_waits_fails_at_once(mocked, clock, method, body):
    _throttled_answer(mocked, method, "86400")
    mocked.add(method, URL, json=OK)
    with pytest.raises(DliApiError) as excinfo:
        _client(clock, retry_budget=600, max_retries=5).call(method, PATH, body)
    assert excinfo.value.msg == (
        "%s /v1.0/p1/x failed: HTTP 429 APIGW.0308: throttled; it asks to be retried after 86400 seconds "
        "(Retry-After), longer than this task waits (600 seconds, the longer of timeout and wait_timeout), so it "
        "was not retried (request id r1)" % method)
    assert excinfo.value.status_code == 429 and not excinfo.value.maybe_written
    assert len(mocked.calls) == 1 and clock.sleeps == []


def test_retry_afters_count_against_one_budget(mocked, clock):
    _throttled_answer(mocked, http_stub.GET, "6")
    _throttled_answer(mocked, http_stub.GET, "6")
    mocked.add(http_stub.GET, URL, json=OK)
    with pytest.raises(DliApiError) as excinfo:
        _client(clock, retry_budget=10, max_retries=5).call("GET", PATH)  # timeout=5: the budget is 10
    assert "after 6 seconds (Retry-After), longer than this task waits (10 seconds," in excinfo.value.msg
    assert len(mocked.calls) == 2 and clock.sleeps == [6.0]


def test_the_budget_is_at_least_the_timeout(mocked, clock):
    _throttled_answer(mocked, http_stub.GET, "40")
    with pytest.raises(DliApiError, match=r"longer than this task waits \(30 seconds,"):
        _client(clock, retry_budget=0, timeout=30).call("GET", PATH)
    assert len(mocked.calls) == 1 and clock.sleeps == []


def test_a_short_retry_after_is_waited_then_the_call_succeeds(mocked, clock):
    _throttled_answer(mocked, http_stub.GET, "2")
    mocked.add(http_stub.GET, URL, json={"is_success": "true", "n": 2})
    assert _client(clock).call("GET", PATH) == {"is_success": "true", "n": 2}
    assert clock.sleeps == [2.0]
    assert [(call.request.method, call.request.url) for call in mocked.calls] == [("GET", URL)] * 2


def test_every_try_is_signed_afresh(mocked, clock, monkeypatch):
    dates = iter([datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc), datetime(2026, 1, 2, 3, 4, 7, tzinfo=timezone.utc)])

    class SignerClock(datetime):
        @classmethod
        def now(cls, tz=None):
            return next(dates)  # a third signature would raise StopIteration

    monkeypatch.setattr(auth, "datetime", SignerClock)
    _throttled_answer(mocked, http_stub.PUT, "2")
    mocked.add(http_stub.PUT, URL, json={"is_success": True})
    assert _client(clock).call("PUT", PATH, {"a": 1}) == {"is_success": True}
    first, second = [call.request for call in mocked.calls]
    assert (first.headers["X-Sdk-Date"], second.headers["X-Sdk-Date"]) == ("20260102T030405Z", "20260102T030407Z")
    assert first.headers["Authorization"] != second.headers["Authorization"]
    assert first.body == second.body == b'{"a":1}'
    for request in (first, second):
        assert request.headers["Authorization"].startswith(
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=")
        assert request.headers["Authorization"] == _sdk_authorization(request)
    assert clock.sleeps == [2.0]


def _iam_token(mocked, token, minutes):
    expires = (datetime.now(timezone.utc) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    mocked.add(http_stub.POST, IAM_TOKENS, status=201, headers={"X-Subject-Token": token},
               json={"token": {"expires_at": expires, "methods": ["password"]}})


def test_a_password_token_is_renewed_shortly_before_it_expires_and_not_before(mocked, clock):
    _iam_token(mocked, "token-1", 10)  # renewed 5 minutes before it expires: after 300 s on the clock
    _iam_token(mocked, "token-2", 10)
    mocked.add(http_stub.GET, URL, json=OK)
    client = DliClient(PASSWORD_PARAMS, sleep=clock.sleep, clock=clock.clock)
    start = clock.now
    for offset in (0, 120, 298, 301, 302, 598):
        clock.now = start + offset
        client.call("GET", PATH)
    assert [call.request.url for call in mocked.calls] == [IAM_TOKENS, URL, URL, URL, IAM_TOKENS, URL, URL, URL]
    assert [call.request.headers.get("X-Auth-Token") for call in mocked.calls if call.request.url == URL] == [
        "token-1", "token-1", "token-1", "token-2", "token-2", "token-2"]
    assert client.redact("token-1 token-2") == "%s %s" % (REDACTED, REDACTED)


def test_a_password_token_without_expiry_is_kept(mocked, clock):
    mocked.add(http_stub.POST, IAM_TOKENS, status=201, headers={"X-Subject-Token": "t"}, json={"token": {}})
    mocked.add(http_stub.GET, URL, json=OK)
    client = DliClient(PASSWORD_PARAMS, sleep=clock.sleep, clock=clock.clock)
    client.call("GET", PATH)
    clock.now += 86400
    client.call("GET", PATH)
    assert [call.request.url for call in mocked.calls] == [IAM_TOKENS, URL, URL]


# -- 5. lost answers: a write is never sent twice; what was never sent is tried again --------------

@pytest.mark.parametrize("method, body", [("PUT", {"a": 1}), ("POST", {"job_ids": [1]}), ("DELETE", None)])
def test_a_write_whose_connection_is_dropped_unanswered_is_an_answer_lost_sent_once(clock, method, body):
    with loopback(drop) as server:
        with pytest.raises(AnswerLostError) as excinfo:
            _client(clock, endpoint=server.url, max_retries=3).call(method, PATH, body)
    assert server.calls() == [(method, PATH)]
    assert server.requests[0].body == (b"" if body is None else json.dumps(body, separators=(",", ":")).encode())
    assert excinfo.value.maybe_written
    assert excinfo.value.msg.startswith("%s /v1.0/p1/x was sent, but the answer was lost (RemoteDisconnected: " % method)
    assert excinfo.value.msg.endswith("): it may have taken effect.")
    assert clock.sleeps == []


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_a_write_whose_answer_times_out_is_an_answer_lost_sent_once(clock, method):
    with loopback(hold) as server:
        with pytest.raises(AnswerLostError) as excinfo:
            _quick(_client(clock, endpoint=server.url, max_retries=3)).call(method, PATH, {"a": 1})
    assert server.calls() == [(method, PATH)]
    assert excinfo.value.maybe_written and excinfo.value.status_code is None
    assert excinfo.value.msg.startswith("%s /v1.0/p1/x was sent, but the answer was lost (" % method)
    assert clock.sleeps == []


def test_a_get_whose_connection_is_dropped_is_tried_again(clock):
    with loopback(lambda handler, number: drop(handler, number) if number == 1 else send_json(handler)) as server:
        assert _client(clock, endpoint=server.url, max_retries=3).call("GET", PATH) == OK
    assert server.calls() == [("GET", PATH)] * 2
    assert clock.sleeps == [0.5]


def test_a_get_dropped_every_time_fails_after_its_tries_as_not_written(clock):
    with loopback(drop) as server:
        with pytest.raises(DliApiError) as excinfo:
            _client(clock, endpoint=server.url, max_retries=2).call("GET", PATH)
    assert excinfo.type is DliApiError and not excinfo.value.maybe_written
    assert excinfo.value.msg.startswith("GET /v1.0/p1/x failed: the answer was lost (RemoteDisconnected: ")
    assert excinfo.value.msg.endswith(" after 3 tries.")
    assert server.calls() == [("GET", PATH)] * 3 and clock.sleeps == [0.5, 1.0]


def test_a_refused_connection_is_tried_again_even_for_a_write(clock):
    port = free_port()
    with pytest.raises(DliApiError) as excinfo:
        _client(clock, endpoint="http://127.0.0.1:%s" % port, max_retries=2).call("PUT", PATH, {"a": 1})
    assert excinfo.type is DliApiError and not excinfo.value.maybe_written
    assert excinfo.value.msg.startswith(
        "PUT /v1.0/p1/x failed: could not reach http://127.0.0.1:%s (ConnectionRefusedError: " % port)
    assert excinfo.value.msg.endswith(" after 3 tries.")
    assert clock.sleeps == [0.5, 1.0]  # three tries


class _SlowConnect(object):
    """A transport whose connection takes longer than the exchange's bound (a slow name lookup, proxy or
    handshake); once connected, it asks the guard whether it may still send, and records the answer."""

    def __init__(self):
        self.allowed = []
        self.done = threading.Event()

    def send(self, method, url, body=None, headers=None, timeout=30, guard=None):
        time.sleep(timeout + api.EXCHANGE_GRACE + 0.3)
        self.allowed.append(guard.start_sending())
        self.done.set()
        raise transport.NotSent("not sent")


def test_a_write_still_connecting_when_its_time_is_up_is_never_sent_later(clock):
    client = _quick(_client(clock, max_retries=0))
    client.transport = _SlowConnect()
    with pytest.raises(DliApiError) as excinfo:
        client.call("PUT", PATH, {"a": 1})
    assert excinfo.type is DliApiError and not excinfo.value.maybe_written  # not AnswerLostError: nothing left
    assert excinfo.value.msg == ("PUT /v1.0/p1/x failed: could not reach https://dli.test.example.com (no connection "
                                 "within timeout=0.3 seconds).")
    assert client.transport.done.wait(5) and client.transport.allowed == [False]


def test_a_ca_bundle_that_is_not_pem_fails_the_task_without_a_request(self_signed, tmp_path, clock):
    bundle = tmp_path / "bundle.pem"
    bundle.write_text("not a certificate\n")
    with loopback(answer_ok, tls=self_signed) as server:
        with pytest.raises(ConfigError) as excinfo:
            _client(clock, endpoint=server.url, ca_path=str(bundle)).call("PUT", PATH, {"a": 1})
    assert excinfo.value.args[0].startswith("The request to %s%s could not be made: the CA bundle %s cannot be used: "
                                            % (server.url, PATH, bundle))
    assert server.requests == [] and clock.sleeps == []


@contextlib.contextmanager
def _full_listener():
    """A port whose accept queue is full: a connection to it is never made (the SYN goes unanswered)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    pending = []
    try:
        for dummy in range(16):
            sock = socket.socket()
            sock.setblocking(False)
            pending.append(sock)
            sock.connect_ex(("127.0.0.1", port))
            if not select.select([], [sock], [], 0.2)[1]:
                break  # this one hangs: the queue is full
        else:
            pytest.skip("could not fill the accept queue of a loopback listener")
        yield port
    finally:
        for sock in pending:
            sock.close()
        listener.close()


def test_tries_end_when_the_wait_budget_is_spent_and_the_message_says_so(clock):
    # The budget is the longer of timeout and wait_timeout (1 s here): waits of 0.5 s, then the 0.5 s left
    # of the next 1 s backoff, then none is left, though max_retries would allow more tries.
    with _full_listener() as port:
        client = _quick(_client(clock, retry_budget=0, endpoint="http://127.0.0.1:%s" % port, max_retries=5, timeout=1))
        with pytest.raises(DliApiError) as excinfo:
            client.call("PUT", PATH, {"a": 1})
    assert excinfo.type is DliApiError and not excinfo.value.maybe_written
    assert excinfo.value.msg.startswith(
        "PUT /v1.0/p1/x failed: could not reach http://127.0.0.1:%s (TimeoutError: " % port)
    assert excinfo.value.msg.endswith("; no time was left to try again.")
    assert clock.sleeps == [0.5, 0.5]


@pytest.mark.parametrize("endpoint, reason", [
    ("http://127.0.0.1:%s" % free_port(), "ConnectionRefusedError: "),
    ("http://dli.example.invalid", "gaierror: "),
], ids=["refused", "unknown-host"])
def test_a_refused_connection_or_an_unknown_host_is_tried_at_most_twice_quickly(clock, endpoint, reason):
    with pytest.raises(DliApiError) as excinfo:
        _client(clock, endpoint=endpoint, max_retries=5).call("GET", PATH)
    assert excinfo.value.msg.startswith("GET /v1.0/p1/x failed: could not reach %s (%s" % (endpoint, reason))
    assert excinfo.value.msg.endswith(" after 3 tries.")
    assert clock.sleeps == [0.5, 1.0]


def test_a_connection_not_made_within_timeout_is_tried_again_even_for_a_write(clock):
    with _full_listener() as port:
        with pytest.raises(DliApiError) as excinfo:
            _quick(_client(clock, endpoint="http://127.0.0.1:%s" % port, max_retries=1)).call("PUT", PATH, {"a": 1})
    assert excinfo.type is DliApiError and not excinfo.value.maybe_written
    assert excinfo.value.msg.startswith(
        "PUT /v1.0/p1/x failed: could not reach http://127.0.0.1:%s (TimeoutError: " % port)
    assert excinfo.value.msg.endswith(" after 2 tries.")
    assert clock.sleeps == [0.5]


@pytest.mark.parametrize("method, body", [("PUT", {"a": 1}), ("POST", {"job_ids": [1]}), ("DELETE", None)])
@pytest.mark.parametrize("status", [502, 504])
def test_a_gateway_502_or_504_to_a_write_is_an_answer_lost_at_once(mocked, clock, method, body, status):
    mocked.add(method, URL, status=status, headers={"X-Request-Id": "gw-1"}, body="<html>Bad Gateway</html>",
               content_type="text/html")
    mocked.add(method, URL, json=OK)
    with pytest.raises(AnswerLostError) as excinfo:
        _client(clock, max_retries=5).call(method, PATH, body)
    assert excinfo.value.msg == (
        "%s /v1.0/p1/x was sent, but the gateway answered HTTP %s (its answer from DLI was lost): it may have "
        "taken effect. (request id gw-1)" % (method, status))
    assert excinfo.value.maybe_written
    assert (excinfo.value.status_code, excinfo.value.request_id) == (status, "gw-1")
    assert len(mocked.calls) == 1 and clock.sleeps == []


@pytest.mark.parametrize("method, status", [("GET", 502), ("GET", 504), ("PUT", 500), ("PUT", 503), ("PUT", 429)])
def test_a_get_after_502_or_504_and_a_write_after_500_503_or_429_are_tried_again(mocked, clock, method, status):
    mocked.add(method, URL, status=status, body="")
    mocked.add(method, URL, json=OK)
    assert _client(clock).call(method, PATH, None if method == "GET" else {"a": 1}) == OK
    assert [(call.request.method, call.request.url) for call in mocked.calls] == [(method, URL)] * 2
    assert clock.sleeps == [0.5]


# -- 6. odd answers ------------------------------------------------------------------------------

@pytest.mark.parametrize("method, body", [("GET", None), ("PUT", {"a": 1})])
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_failure_and_never_followed(mocked, clock, method, body, status):
    elsewhere = "https://elsewhere.example.com/v1.0/p1/x"
    mocked.add(method, URL, status=status, headers={"Location": elsewhere}, body="<a href=x>Moved</a>",
               content_type="text/html")
    for any_method in ("GET", "PUT"):
        mocked.add(any_method, elsewhere, json=OK)
    with pytest.raises(DliApiError) as excinfo:
        _client(clock).call(method, PATH, body)
    assert excinfo.type is DliApiError
    assert excinfo.value.msg == "%s /v1.0/p1/x failed: HTTP %s: a redirect to %s, which is not followed" % (
        method, status, elsewhere)
    assert excinfo.value.status_code == status
    assert [(call.request.method, call.request.url) for call in mocked.calls] == [(method, URL)]
    assert clock.sleeps == []


def test_a_real_redirect_is_never_followed(clock):
    def redirect(handler, number):
        handler.send_response(302)
        handler.send_header("Location", "/followed")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    with loopback(redirect) as server:
        with pytest.raises(DliApiError) as excinfo:
            _client(clock, endpoint=server.url).call("PUT", PATH, {"a": 1})
    assert server.calls() == [("PUT", PATH)]
    assert excinfo.value.msg == "PUT /v1.0/p1/x failed: HTTP 302: a redirect to /followed, which is not followed"


@pytest.mark.parametrize("method", ["GET", "PUT"])
@pytest.mark.parametrize("body, kind", [("[1]", "an array"), ('"x"', "a string"), ("1", "a number"),
                                        ("1.5", "a number"), ("true", "a boolean"), ("", "an empty body"),
                                        ("null", "an empty body")])
def test_a_200_that_is_not_a_json_object_is_a_one_line_failure(mocked, method, body, kind):
    mocked.add(method, URL, body=body, content_type="application/json", headers={"X-Request-Id": "r9"})
    with pytest.raises(DliApiError) as excinfo:
        DliClient(PARAMS).call(method, PATH, None if method == "GET" else {"a": 1}, expect=dict)
    assert excinfo.value.msg == "%s /v1.0/p1/x answered HTTP 200 with %s where an object was expected (request id r9)." % (
        method, kind)
    assert "\n" not in excinfo.value.msg
    assert (excinfo.value.status_code, excinfo.value.request_id) == (200, "r9")
    assert len(mocked.calls) == 1


def test_expect_list_takes_an_array_and_refuses_an_object(mocked):
    mocked.add(http_stub.POST, URL, json=[{"is_success": True, "message": "ok"}])
    mocked.add(http_stub.POST, URL, json={"is_success": True})
    client = DliClient(PARAMS)
    assert client.call("POST", PATH, {"job_ids": [1]}, expect=list) == [{"is_success": True, "message": "ok"}]
    with pytest.raises(DliApiError) as excinfo:
        client.call("POST", PATH, {"job_ids": [1]}, expect=list)
    assert excinfo.value.msg == "POST /v1.0/p1/x answered HTTP 200 with an object where an array was expected."
    assert len(mocked.calls) == 2


# -- 7. misleading not-found -----------------------------------------------------------------------

@pytest.mark.parametrize("answer, tail", [
    (dict(json={"error": {"code": 404, "message": "Could not find project: p1.", "title": "Not Found"}}),
     "HTTP 404: Could not find project: p1."),
    (dict(body=""), "HTTP 404"),
    (dict(body="<html>Not Found</html>", content_type="text/html"), "HTTP 404: '<html>Not Found</html>'"),
])
def test_a_404_from_iam_is_a_login_error(mocked, clock, answer, tail):
    mocked.add(http_stub.POST, IAM_TOKENS, status=404, **answer)
    mocked.add(http_stub.GET, URL, json=OK)
    with pytest.raises(LoginError) as excinfo:
        DliClient(PASSWORD_PARAMS, sleep=clock.sleep, clock=clock.clock).call("GET", PATH)
    assert excinfo.value.msg == (
        "IAM login of user u at https://iam.example.com failed: POST /v3/auth/tokens failed: " + tail)
    assert excinfo.value.status_code == 404 and (excinfo.value.method, excinfo.value.path) == ("POST", "/v3/auth/tokens")
    assert [call.request.url for call in mocked.calls] == [IAM_TOKENS]  # DLI was never called


@pytest.mark.parametrize("project_id", ["..", ".", "a/b", "a?b", "a#b", "p%2F", "a b", u"\u00f1", "p1\nx", "a" * 65])
def test_a_project_id_that_could_change_the_path_is_refused_before_any_request(mocked, project_id):
    mocked.add(http_stub.GET, URL, json=OK)
    with pytest.raises(ConfigError) as excinfo:
        DliClient(dict(PARAMS, project_id=project_id)).call("GET", PATH)
    assert str(excinfo.value) == ("project_id (HW_PROJECT_ID) must be a project ID: letters, digits, - and _ only, "
                                  "up to 64 characters.")
    assert len(mocked.calls) == 0


def test_a_64_character_project_id_is_accepted():
    project_id = "0123456789abcdef" * 4
    client = DliClient(dict(PARAMS, project_id=project_id + "\n"))
    assert client.project_path("streaming", "jobs") == "/v1.0/%s/streaming/jobs" % project_id


@pytest.mark.parametrize("code, shown", [(401, "HTTP 401: "), ("401", "HTTP 401: "), ("IAM.0101", "HTTP 401 IAM.0101: "),
                                         (403, "HTTP 401 403: ")])
def test_an_iam_code_equal_to_the_status_is_not_repeated(mocked, code, shown):
    mocked.add(http_stub.POST, IAM_TOKENS, status=401, json={"error": {"code": code, "message": "Wrong password."}})
    with pytest.raises(LoginError) as excinfo:
        DliClient(PASSWORD_PARAMS).call("GET", PATH)
    assert excinfo.value.msg == (
        "IAM login of user u at https://iam.example.com failed: POST /v3/auth/tokens failed: %sWrong password." % shown)
    assert excinfo.value.error_code == (None if str(code) == "401" else str(code))


# -- 8. timeouts -----------------------------------------------------------------------------------

@pytest.mark.parametrize("timeout", [0, -1, None])
def test_a_timeout_below_one_second_is_refused_before_any_request(mocked, timeout):
    with pytest.raises(ConfigError) as excinfo:
        DliClient(dict(PARAMS, timeout=timeout)).call("GET", PATH)
    assert str(excinfo.value) == "timeout must be at least 1 second, not %s." % timeout
    assert len(mocked.calls) == 0


@pytest.mark.parametrize("option, value, message", [
    ("timeout", 10 ** 10, "timeout must be at most 3600 seconds, not 10000000000."),
    ("timeout", True, "timeout must be an integer, not a boolean (true)."),
    ("max_retries", 10 ** 6, "max_retries must be at most 100, not 1000000."),
    ("max_retries", False, "max_retries must be an integer, not a boolean (false)."),
])
def test_a_boolean_or_huge_timeout_or_max_retries_is_refused_before_any_request(mocked, option, value, message):
    # timeout=10**10 crashed with "timestamp out of range for platform time_t"; true was taken for 1.
    with pytest.raises(ConfigError) as excinfo:
        DliClient(dict(PARAMS, **{option: value})).call("GET", PATH)
    assert str(excinfo.value) == message
    assert len(mocked.calls) == 0


def test_the_largest_timeout_and_max_retries_are_taken():
    client = DliClient(dict(PARAMS, timeout=3600, max_retries=100))
    assert client.timeout == 3600 and client.retry.max_retries == 100


def test_max_retries_below_zero_is_refused(mocked):
    with pytest.raises(ConfigError, match=r"^max_retries must be 0 or more, not -1\.$"):
        DliClient(dict(PARAMS, max_retries=-1))


def test_a_trickling_answer_to_a_get_is_cut_at_timeout(clock):
    with loopback(trickle) as server:
        client = _client(clock, endpoint=server.url, timeout=1, max_retries=0)
        start = time.monotonic()
        with pytest.raises(DliApiError) as excinfo:
            client.call("GET", PATH)
        elapsed = time.monotonic() - start
    assert elapsed < 4
    assert excinfo.type is DliApiError
    assert excinfo.value.msg == "GET /v1.0/p1/x failed: the answer was lost (no whole answer within timeout=1 seconds)."
    assert server.calls() == [("GET", PATH)]


def test_a_trickling_answer_to_a_put_is_an_answer_lost(clock):
    with loopback(trickle) as server:
        client = _client(clock, endpoint=server.url, timeout=1, max_retries=3)
        start = time.monotonic()
        with pytest.raises(AnswerLostError) as excinfo:
            client.call("PUT", PATH, {"a": 1})
        elapsed = time.monotonic() - start
    assert elapsed < 4
    assert excinfo.value.msg == ("PUT /v1.0/p1/x was sent, but the answer was lost (no whole answer within "
                                 "timeout=1 seconds): it may have taken effect.")
    assert server.calls() == [("PUT", PATH)] and clock.sleeps == []


def test_a_tls_connection_closed_after_the_handshake_is_a_lost_answer_not_a_setup_problem(self_signed, clock):
    # The handshake succeeded, so the PUT went out: a TLS error reading its answer may follow a write.
    with loopback(lambda handler, number: None, tls=self_signed) as server:
        with pytest.raises(AnswerLostError) as excinfo:
            _client(clock, endpoint=server.url, ca_path=self_signed[0]).call("PUT", PATH, {"a": 1})
    assert excinfo.value.msg.startswith("PUT /v1.0/p1/x was sent, but the answer was lost (")
    assert server.calls() == [("PUT", PATH)]


def test_a_token_that_looks_expired_on_this_host_is_not_renewed_before_every_call(mocked):
    # IAM just issued it, so it is valid; a host clock ahead of IAM's must not cause a login per call.
    mocked.add(http_stub.POST, "https://iam.example.com/v3/auth/tokens", status=201,
               headers={"X-Subject-Token": "issued"}, json={"token": {"expires_at": "2000-01-01T00:00:00.000000Z"}})
    mocked.add(http_stub.GET, BASE + "/v1.0/p1/a", json={"is_success": "true"})
    client = DliClient(dict(PARAMS, access_key=None, secret_key=None, user_name="u", password="pw", domain_name="d",
                            iam_endpoint="https://iam.example.com"))
    for dummy in range(3):
        client.call("GET", "/v1.0/p1/a")
    assert [call.request.method for call in mocked.calls] == ["POST", "GET", "GET", "GET"]


def test_an_answer_too_large_to_a_read_fails_at_once(mocked, clock):
    mocked.add("GET", URL, body=transport.AnswerTooLarge("HTTP 200 with an answer of more than the 16 MiB read"))
    with pytest.raises(DliApiError) as excinfo:
        _client(clock, max_retries=5).call("GET", PATH)
    assert excinfo.type is DliApiError
    assert excinfo.value.msg == ("GET /v1.0/p1/x failed: the server answered HTTP 200 with an answer of more than "
                                 "the 16 MiB read.")
    assert len(mocked.calls) == 1 and clock.sleeps == []


def test_an_answer_too_large_to_a_write_may_have_taken_effect(mocked, clock):
    mocked.add("PUT", URL, body=transport.AnswerTooLarge("HTTP 200 with an answer of more than the 16 MiB read"))
    with pytest.raises(AnswerLostError) as excinfo:
        _client(clock, max_retries=5).call("PUT", PATH, {"a": 1})
    assert excinfo.value.maybe_written
    assert excinfo.value.msg == ("PUT /v1.0/p1/x was sent, but its answer could not be read (HTTP 200 with an answer of "
                                 "more than the 16 MiB read): it may have taken effect.")
    assert len(mocked.calls) == 1


def test_the_pool_is_sized_for_the_threads_that_share_it(clock):
    assert DliClient(PARAMS, pool_size=40).transport.pool_size == 40
    assert DliClient(PARAMS).transport.pool_size == transport.DEFAULT_POOL_SIZE


def test_a_long_transport_error_is_redacted_before_it_is_cut(mocked, clock):
    secret = PARAMS["secret_key"] if "secret_key" in PARAMS else None
    client = _client(clock, max_retries=0)
    secret = secret or "Transport-Secret-0123456789"
    client.redact.add(secret)
    reason = "ProxyError: " + "x" * 280 + secret  # the secret straddles the 300-character cut
    mocked.add("GET", URL, body=transport.NotSent(reason))
    with pytest.raises(DliApiError) as excinfo:
        client.call("GET", PATH)
    assert secret[:6] not in excinfo.value.msg and "********" in excinfo.value.msg


# -- 7. answers nested too deeply, and writes that must not be sent twice -----------------------------

@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_answer_nested_too_deeply_to_decode_is_a_one_line_failure(mocked, method):
    mocked.add(method, URL, body="[" * 100000 + "]" * 100000, content_type="application/json",
               headers={"X-Request-Id": "deep"})
    with pytest.raises(DliApiError) as excinfo:
        DliClient(PARAMS).call(method, PATH, None if method == "GET" else {"job_ids": [1]}, expect=list)
    assert excinfo.value.msg.startswith("%s /v1.0/p1/x failed: HTTP 200 with a body nested too deeply to "
                                        "read as JSON (application/json): '[[[[" % method)
    # A write answered 200 took effect, whatever its body: the caller judges it by reading the job back.
    assert excinfo.value.msg.endswith("...'%s (request id deep)" % ("; it may have taken effect." if method == "POST" else ""))
    assert excinfo.value.maybe_written is (method == "POST")
    assert "\n" not in excinfo.value.msg and len(excinfo.value.msg) < 400


@pytest.mark.parametrize("status", [500, 503])
def test_a_write_that_is_not_idempotent_is_never_sent_again_after_a_5xx(mocked, clock, status):
    mocked.add(http_stub.POST, URL, status=status, json={"error_code": "DLI.0999", "error_msg": "busy"},
               headers={"X-Request-Id": "c1"})
    mocked.add(http_stub.POST, URL, json=OK)
    with pytest.raises(AnswerLostError) as excinfo:
        _client(clock, max_retries=5).call("POST", PATH, {"name": "a"}, idempotent=False)
    assert excinfo.value.msg == ("POST /v1.0/p1/x was sent, but answered HTTP %s: it may have taken effect. "
                                 "(request id c1)" % status)
    assert excinfo.value.maybe_written and excinfo.value.status_code == status
    assert len(mocked.calls) == 1 and clock.sleeps == []


def test_a_write_that_is_not_idempotent_is_still_tried_again_after_429(mocked, clock):
    mocked.add(http_stub.POST, URL, status=429, body="")
    mocked.add(http_stub.POST, URL, json=OK)
    assert _client(clock).call("POST", PATH, {"name": "a"}, idempotent=False) == OK
    assert len(mocked.calls) == 2
