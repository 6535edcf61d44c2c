# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP client: endpoints, retry policy, errors and authentication headers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import socket
import threading
import time

import pytest
import requests
import responses

from ansible_collections.hwcloud.dli.plugins.module_utils import api
from ansible_collections.hwcloud.dli.plugins.module_utils.api import (
    AnswerLostError,
    ConfigError,
    DliApiError,
    DliClient,
    LoginError,
    RetryPolicy,
    resolve_endpoints,
)

BASE = "https://dli.test.example.com"
PARAMS = dict(project_id="p1", endpoint=BASE, access_key="AK", secret_key="SECRET-SK", timeout=5,
              max_retries=2, validate_certs=True)


@pytest.mark.parametrize("params, expected", [
    (dict(region="cn-north-4"), ("https://dli.cn-north-4.myhuaweicloud.com", "https://iam.cn-north-4.myhuaweicloud.com")),
    (dict(region="eu-west-101"), ("https://dli.eu-west-101.myhuaweicloud.eu", "https://iam.eu-west-101.myhuaweicloud.eu")),
    (dict(region="eu-de", cloud="otc.t-systems.com"), ("https://dli.eu-de.otc.t-systems.com", "https://iam.eu-de.otc.t-systems.com")),
    (dict(endpoint="http://127.0.0.1:8080/", iam_endpoint="http://127.0.0.1:8080/v3"), ("http://127.0.0.1:8080", "http://127.0.0.1:8080")),
    (dict(region="r", iam_endpoint="https://iam.myhuaweicloud.com/v3/"), ("https://dli.r.myhuaweicloud.com", "https://iam.myhuaweicloud.com")),
])
def test_endpoints(params, expected):
    assert resolve_endpoints(params) == expected


def test_region_is_needed_without_endpoints():
    with pytest.raises(ConfigError, match="HW_REGION_NAME"):
        resolve_endpoints(dict(iam_endpoint=BASE))


def test_project_id_is_required():
    with pytest.raises(ConfigError, match="HW_PROJECT_ID"):
        DliClient(dict(PARAMS, project_id=None))


def test_retry_policy_backoff_is_jittered_exponential_and_capped():
    policy = RetryPolicy(5, 600, rand=lambda: 1.0)
    assert [policy.backoff(n) for n in range(8)] == [1.0, 1.5, 2.5, 4.5, 8.5, 16.5, 20.5, 20.5]
    assert RetryPolicy(5, 600, rand=lambda: 0.0).backoff(0) == 0.5
    assert set(RetryPolicy.STATUSES) == {429, 500, 502, 503, 504}


@pytest.mark.parametrize("header, seconds", [("3", 3.0), ("0", 0.0), ("-5", 0.0), ("1.5", 1.5), ("soon", None), ("", None)])
def test_retry_after_is_read_as_seconds(header, seconds):
    response = requests.Response()
    response.headers["Retry-After"] = header
    assert RetryPolicy.retry_after(response) == seconds


def test_retry_after_as_an_http_date():
    response = requests.Response()
    response.headers["Retry-After"] = "Wed, 21 Oct 2015 07:28:00 GMT"  # in the past: no wait
    assert RetryPolicy.retry_after(response) == 0.0


def test_path_segments_are_quoted():
    client = DliClient(PARAMS)
    assert client.project_path("streaming", "jobs", "a b/c") == "/v1.0/p1/streaming/jobs/a%20b%2Fc"


@responses.activate
def test_signed_call_headers():
    responses.add(responses.GET, BASE + "/v1.0/p1/streaming/jobs/1", json={"is_success": "true"})
    DliClient(PARAMS).call("GET", "/v1.0/p1/streaming/jobs/1")
    headers = responses.calls[0].request.headers
    assert headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-project-id;x-sdk-date,")
    assert headers["X-Project-Id"] == "p1" and headers["Host"] == "dli.test.example.com"
    assert "Content-Type" not in headers


@responses.activate
def test_body_is_signed_json():
    responses.add(responses.PUT, BASE + "/v1.0/p1/x", json={"is_success": True})
    DliClient(PARAMS).call("PUT", "/v1.0/p1/x", {"b": 1, "a": "x"})
    request = responses.calls[0].request
    assert json.loads(request.body) == {"a": "x", "b": 1}
    assert request.headers["Content-Type"] == "application/json"
    assert "content-type;host;x-project-id;x-sdk-date" in request.headers["Authorization"]


@responses.activate
def test_error_carries_status_code_request_id_and_no_secret():
    responses.add(responses.PUT, BASE + "/v1.0/p1/x", status=400, headers={"X-Request-Id": "req-42"},
                  json={"error_code": "DLI.0001", "error_msg": "Parameter check failed"})
    with pytest.raises(DliApiError) as excinfo:
        DliClient(PARAMS).call("PUT", "/v1.0/p1/x", {"a": 1})
    error = excinfo.value
    assert error.msg == "PUT /v1.0/p1/x failed: HTTP 400 DLI.0001: Parameter check failed (request id req-42)"
    assert error.result() == dict(msg=error.msg, status_code=400, error_code="DLI.0001", request_id="req-42")
    assert "SECRET-SK" not in repr(error.__dict__)


@responses.activate
def test_non_json_answer_is_a_clear_failure():
    responses.add(responses.GET, BASE + "/v1.0/p1/x", body="<html>gateway</html>", content_type="text/html")
    with pytest.raises(DliApiError, match=r"GET /v1.0/p1/x failed: HTTP 200 with a body that is not JSON \(text/html\)"):
        DliClient(PARAMS).call("GET", "/v1.0/p1/x")


@responses.activate
def test_is_success_false_on_200_is_a_failure():
    responses.add(responses.POST, BASE + "/v1.0/p1/streaming/jobs/run",
                  json=[{"is_success": "false", "message": "Job 7 is running"}])
    with pytest.raises(DliApiError, match="is_success is false: Job 7 is running"):
        DliClient(PARAMS).call("POST", "/v1.0/p1/streaming/jobs/run", {"job_ids": [7]})


@responses.activate
def test_apigw_401():
    responses.add(responses.GET, BASE + "/v1.0/p1/x", status=401,
                  json={"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information"})
    with pytest.raises(DliApiError) as excinfo:
        DliClient(PARAMS).call("GET", "/v1.0/p1/x")
    assert excinfo.value.error_code == "APIGW.0301" and excinfo.value.status_code == 401


@responses.activate
def test_password_login_once_then_token():
    responses.add(responses.POST, "https://iam.example.com/v3/auth/tokens", status=201,
                  headers={"X-Subject-Token": "issued-token"}, json={"token": {}})
    responses.add(responses.GET, BASE + "/v1.0/p1/a", json={"is_success": "true"})
    responses.add(responses.GET, BASE + "/v1.0/p1/b", json={"is_success": "true"})
    client = DliClient(dict(PARAMS, access_key=None, secret_key=None, user_name="u", password="pw",
                            domain_name="d", iam_endpoint="https://iam.example.com/v3"))
    client.call("GET", "/v1.0/p1/a")
    client.call("GET", "/v1.0/p1/b")
    assert [c.request.url for c in responses.calls] == [
        "https://iam.example.com/v3/auth/tokens", BASE + "/v1.0/p1/a", BASE + "/v1.0/p1/b"]
    assert responses.calls[1].request.headers["X-Auth-Token"] == "issued-token"
    assert "Authorization" not in responses.calls[1].request.headers


@responses.activate
def test_password_login_failure_reports_iam_error():
    responses.add(responses.POST, "https://iam.example.com/v3/auth/tokens", status=401,
                  json={"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}})
    client = DliClient(dict(PARAMS, access_key=None, secret_key=None, user_name="u", password="pw-secret",
                            domain_name="d", iam_endpoint="https://iam.example.com"))
    with pytest.raises(LoginError) as excinfo:
        client.call("GET", "/v1.0/p1/a")
    assert excinfo.value.msg == (
        "IAM login of user u at https://iam.example.com failed: POST /v3/auth/tokens failed: HTTP 401: "
        "The username or password is wrong.")
    assert "pw-secret" not in excinfo.value.msg


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_endpoint_is_a_clear_failure():
    port = _free_port()
    client = DliClient(dict(PARAMS, endpoint="http://127.0.0.1:%s" % port, max_retries=0))
    with pytest.raises(DliApiError) as excinfo:
        client.call("GET", "/v1.0/p1/x")
    assert excinfo.value.msg.startswith("GET /v1.0/p1/x failed: could not reach http://127.0.0.1:%s (ConnectionError" % port)
    assert not excinfo.value.maybe_written


class _Throttler(object):
    """A real HTTP server on loopback: answers 429 with Retry-After N times, then 200."""

    def __init__(self, throttled, status=429):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        state = self
        self.throttled, self.calls = throttled, 0

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                state.calls += 1
                if state.calls <= state.throttled:
                    body = json.dumps({"error_code": "APIGW.0308", "error_msg": "throttled"}).encode()
                    self.send_response(status)
                    self.send_header("Retry-After", "0")
                else:
                    body = json.dumps({"is_success": "true"}).encode()
                    self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("X-Request-Id", "r%d" % state.calls)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%s" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_real_http_throttling_is_retried_then_succeeds():
    throttler = _Throttler(2)
    try:
        result = DliClient(dict(PARAMS, endpoint=throttler.url, max_retries=3)).call("GET", "/v1.0/p1/x")
    finally:
        throttler.server.shutdown()
    assert result == {"is_success": "true"} and throttler.calls == 3


def test_real_http_persistent_503_reports_the_last_answer(monkeypatch):
    monkeypatch.setattr(RetryPolicy, "BACKOFF_FACTOR", 0)
    throttler = _Throttler(100, status=503)
    try:
        with pytest.raises(DliApiError) as excinfo:
            DliClient(dict(PARAMS, endpoint=throttler.url, max_retries=2)).call("GET", "/v1.0/p1/x")
    finally:
        throttler.server.shutdown()
    assert throttler.calls == 3
    assert excinfo.value.status_code == 503 and excinfo.value.request_id == "r3"


def test_iam_is_only_needed_for_password_login():
    assert resolve_endpoints(dict(endpoint=BASE)) == (BASE, None)
    with pytest.raises(ConfigError, match="HW_AUTH_URL"):
        DliClient(dict(PARAMS, access_key=None, secret_key=None, user_name="u", password="p", domain_name="d"))


class _SlowFirstAnswer(object):
    """A real HTTP server on loopback: the first request of each method is answered too late."""

    def __init__(self, delay):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        state = self
        self.calls = {"GET": 0, "POST": 0}

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                state.calls[self.command] += 1
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if state.calls[self.command] == 1:
                    time.sleep(delay)
                body = json.dumps({"is_success": "true"}).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the late answer: the client has given up on it

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%s" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_a_lost_answer_is_retried_for_get_but_never_for_a_write(monkeypatch):
    monkeypatch.setattr(RetryPolicy, "BACKOFF_FACTOR", 0)
    slow = _SlowFirstAnswer(delay=2.5)
    try:
        client = DliClient(dict(PARAMS, endpoint=slow.url, timeout=1, max_retries=3))
        assert client.call("GET", "/v1.0/p1/streaming/jobs/1") == {"is_success": "true"}
        with pytest.raises(AnswerLostError) as excinfo:
            client.call("POST", "/v1.0/p1/streaming/jobs/stop", body={"job_ids": [1], "trigger_savepoint": False})
    finally:
        slow.server.shutdown()
    # The GET was sent again after its answer timed out; the stop was sent once: it may have stopped the job.
    assert slow.calls == {"GET": 2, "POST": 1}
    assert excinfo.value.maybe_written
    assert excinfo.value.msg.startswith("POST /v1.0/p1/streaming/jobs/stop was sent, but the answer was lost (")
    assert excinfo.value.msg.endswith("it may have taken effect.")
