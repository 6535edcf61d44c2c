# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dli_token run end to end through main(), as Ansible runs it, against stubbed HTTP.

Every test asserts the exact calls made: one IAM login for an IAM user, none for access keys or a token
given, none for options refused; the token is in the result and nowhere else of the output.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

try:
    from urllib.parse import quote
except ImportError:  # pragma: no cover
    from urllib import quote  # type: ignore

import pytest
import http_stub

from ansible_collections.hwcloud.dli.plugins.module_utils.auth import ENVIRONMENT_VARIABLES, secret_forms
from ansible_collections.hwcloud.dli.plugins.modules import dli_flink_jar_job_info, dli_token
from conftest import JOB_ID, build_detail, patch_module_args  # shared fixtures (tests/unit/conftest.py)

# Every test: no HW_* variable of the shell, and waits on a fake clock (fixtures of tests/unit/conftest.py).
pytestmark = pytest.mark.usefixtures("clean_env", "fake_time")


BASE = "https://dli.test.example.com"
IAM = "https://iam.test.example.com"
TOKENS_PATH = "/v3/auth/tokens"
PROJECT = "p1"
USER = "ops-automation"
PASSWORD = "pw/with %special& chars"
DOMAIN = "example-domain"
TOKEN = "MIIissued-token-0123456789abcdef"
EXPIRES_AT = "2026-01-02T09:30:00.000000Z"
CONNECTION = dict(endpoint=BASE, project_id=PROJECT, iam_endpoint=IAM + "/v3", user_name=USER, password=PASSWORD,
                  domain_name=DOMAIN)
AK = "AKVISIBLEID"
SK = "SK-very-secret-0123456789"


def run_module(capsys, args, module=dli_token, check=False, connection=None):
    module_args = dict(CONNECTION if connection is None else connection)
    module_args.update(args)
    if check:
        module_args["_ansible_check_mode"] = True
    with patch_module_args(module_args):
        with pytest.raises(SystemExit) as excinfo:
            module.main()
    out = capsys.readouterr().out
    return excinfo.value.code, json.loads(out), out


def calls(rsps):
    return [(call.request.method, call.request.url.split("?")[0]) for call in rsps.calls]


def add_login(rsps, status=201, token=TOKEN, expires_at=EXPIRES_AT, **kwargs):
    headers = {"X-Subject-Token": token} if token else {}
    headers.update(kwargs.pop("headers", {}))
    body = {"token": {"methods": ["password"], "project": {"id": PROJECT}, "expires_at": expires_at}}
    rsps.add(http_stub.POST, IAM + TOKENS_PATH, status=status, headers=headers, json=kwargs.pop("json", body))


def login_body():
    return {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": USER, "password": PASSWORD, "domain": {"name": DOMAIN}}}},
        "scope": {"project": {"id": PROJECT}}}}


# -- an IAM user: one login ----------------------------------------------------------------------

def test_an_iam_user_logs_in_once_and_the_token_is_in_the_result_only(capsys, http):
    add_login(http)
    code, result, out = run_module(capsys, {})
    assert code == 0 and not result.get("failed"), result
    assert calls(http) == [("POST", IAM + TOKENS_PATH)]
    request = http.calls[0].request
    assert json.loads(request.body) == login_body()
    assert "X-Auth-Token" not in request.headers and "Authorization" not in request.headers
    assert result["changed"] is False
    assert result["token"] == TOKEN and result["expires_at"] == EXPIRES_AT and result["project_id"] == PROJECT
    assert result["msg"] == ("Logged in to IAM at %s as user %s; the token expires at %s." % (IAM, USER, EXPIRES_AT))
    # The token is the value of "token", and shows nowhere else of the output.
    assert out.count(TOKEN) == 1
    assert all(form not in out for form in secret_forms(PASSWORD))


def test_the_token_serves_a_later_task_without_a_login(capsys, http):
    add_login(http)
    dummy, login, dummy = run_module(capsys, {})
    http.add(http_stub.GET, BASE + "/v1.0/p1/streaming/jobs/%s" % JOB_ID,
             json={"is_success": "true", "message": "ok", "job_detail": build_detail()})
    # The later task still has the IAM user (module_defaults, the environment): the token comes first.
    code, result, out = run_module(capsys, dict(job_id=JOB_ID, auth_token=login["token"]), module=dli_flink_jar_job_info)
    assert code == 0 and [job["job_id"] for job in result["jobs"]] == [JOB_ID]
    assert calls(http) == [("POST", IAM + TOKENS_PATH), ("GET", BASE + "/v1.0/p1/streaming/jobs/%s" % JOB_ID)]
    assert http.calls[1].request.headers["X-Auth-Token"] == TOKEN
    assert TOKEN not in out


def test_check_mode_logs_in_too(capsys, http):
    add_login(http)
    code, result, dummy = run_module(capsys, {}, check=True)
    assert code == 0 and result["token"] == TOKEN and result["changed"] is False
    assert calls(http) == [("POST", IAM + TOKENS_PATH)]


def test_an_iam_answer_without_expiry_gives_a_null_expires_at(capsys, http):
    add_login(http, json={"token": {"methods": ["password"]}})
    code, result, dummy = run_module(capsys, {})
    assert code == 0 and result["token"] == TOKEN and result["expires_at"] is None
    assert result["msg"] == "Logged in to IAM at %s as user %s; the token expires at a time IAM did not give." % (
        IAM, USER)


def test_the_region_builds_the_iam_endpoint(capsys, http):
    iam = "https://iam.cn-north-4.myhuaweicloud.com"
    http.add(http_stub.POST, iam + TOKENS_PATH, status=201, headers={"X-Subject-Token": TOKEN},
             json={"token": {"expires_at": EXPIRES_AT}})
    code, result, dummy = run_module(capsys, dict(endpoint=None, iam_endpoint=None, region="cn-north-4"))
    assert code == 0 and result["token"] == TOKEN
    assert calls(http) == [("POST", iam + TOKENS_PATH)]


# -- failures: no password, no token -------------------------------------------------------------

def test_a_401_fails_with_iam_s_message_and_without_the_password(capsys, http):
    # IAM's message echoes the password, as it is and URL-encoded: neither may come back.
    add_login(http, status=401, token=None, headers={"X-Request-Id": "req-401"},
              json={"error": {"code": 401, "title": "Unauthorized",
                              "message": "The username or password is wrong: %s (%s)" % (PASSWORD, quote(PASSWORD))}})
    code, result, out = run_module(capsys, {})
    assert code == 1 and result["failed"] is True and result["changed"] is False
    assert calls(http) == [("POST", IAM + TOKENS_PATH)]  # a 401 is not tried again
    assert result["msg"] == (
        "IAM login of user %s at %s failed: POST /v3/auth/tokens failed: HTTP 401: The username or password is "
        "wrong: ******** (********) (request id req-401)" % (USER, IAM))
    assert result["status_code"] == 401 and result["request_id"] == "req-401"
    assert "token" not in result and "exception" not in result and "Traceback" not in out
    assert all(form not in out for form in secret_forms(PASSWORD))


def test_a_201_without_x_subject_token_is_a_login_failure(capsys, http):
    add_login(http, token=None)
    code, result, dummy = run_module(capsys, {})
    assert code == 1 and result["status_code"] == 201
    assert result["msg"] == ("IAM login at %s: POST /v3/auth/tokens answered HTTP 201 without an X-Subject-Token "
                             "header." % IAM)
    assert "token" not in result


def test_a_password_without_iam_fails_before_any_request(capsys, no_http):
    code, result, dummy = run_module(capsys, dict(iam_endpoint=None))
    assert code == 1
    assert result["msg"] == "Password login needs IAM: set iam_endpoint (HW_AUTH_URL) or region (HW_REGION_NAME)."
    assert len(no_http.calls) == 0


def test_an_incomplete_iam_user_names_what_is_missing_before_any_request(capsys, no_http):
    code, result, dummy = run_module(capsys, dict(password=None))
    assert code == 1
    assert result["msg"].startswith("No complete Huawei Cloud credentials were given.")
    assert result["msg"].endswith("Only user_name, domain_name are set.")
    assert len(no_http.calls) == 0


# -- access keys and tokens need no login --------------------------------------------------------

def test_access_keys_need_no_token_and_no_request_is_made(capsys, no_http):
    # Access keys come before the IAM user: no login, and a message that says why.
    code, result, out = run_module(capsys, dict(access_key=AK, secret_key=SK))
    assert code == 0 and not result.get("failed"), result
    assert len(no_http.calls) == 0
    assert result["token"] is None and result["expires_at"] is None and result["project_id"] == PROJECT
    assert result["changed"] is False
    assert result["msg"] == ("Access keys (access_key and secret_key) sign every request and need no token: no login "
                             "was made, and token is null. Give the later tasks no auth_token, and they use the keys.")
    assert SK not in out


def test_a_token_given_needs_no_login_and_is_not_returned(capsys, no_http):
    code, result, out = run_module(capsys, dict(auth_token="given-token-value"))
    assert code == 0 and len(no_http.calls) == 0
    assert result["token"] is None and result["expires_at"] is None
    assert result["msg"].startswith("An IAM token was given (auth_token, or HW_AUTH_TOKEN): no login was made")
    assert "given-token-value" not in out


# -- the environment, as an AWX credential injects it ---------------------------------------------

def test_empty_environment_variables_count_as_unset(capsys, http, monkeypatch):
    # AWX injects every variable of a credential type, those of inputs left empty as "": HW_AUTH_TOKEN,
    # HW_ACCESS_KEY and HW_SECRET_KEY empty must not count as credentials, nor an empty HW_REGION_NAME as a region.
    for variable in ENVIRONMENT_VARIABLES.values():
        monkeypatch.setenv(variable, "")
    for option, value in CONNECTION.items():
        monkeypatch.setenv(ENVIRONMENT_VARIABLES[option], value)
    add_login(http)
    code, result, out = run_module(capsys, {}, connection={})
    assert code == 0 and result["token"] == TOKEN, result
    assert calls(http) == [("POST", IAM + TOKENS_PATH)]
    assert json.loads(http.calls[0].request.body) == login_body()
    assert result["msg"] == ("Logged in to IAM at %s as user %s; the token expires at %s." % (IAM, USER, EXPIRES_AT))


def test_the_module_is_in_the_action_group():
    import yaml
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..")
    with open(os.path.join(root, "meta", "runtime.yml")) as handle:
        runtime = yaml.safe_load(handle)
    assert "dli_token" in runtime["action_groups"]["dli"]
