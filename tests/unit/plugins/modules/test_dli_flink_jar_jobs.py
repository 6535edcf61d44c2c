# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dli_flink_jar_jobs run end to end through main(), as Ansible runs it, against stubbed HTTP: the refusals
before any job is tried (the converging itself is tested in test_flink_job_fleet)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover
    from urlparse import urlsplit  # type: ignore

import pytest
import http_stub

from ansible_collections.hwcloud.dli.plugins.modules import dli_flink_jar_jobs
from conftest import patch_module_args  # shared fixtures (tests/unit/conftest.py)

pytestmark = pytest.mark.usefixtures("clean_env", "fake_time")

BASE = "https://dli.test.example.com"
SK = "SK-very-secret-0123456789"
CONNECTION = dict(endpoint=BASE, project_id="p1", access_key="AKVISIBLEID", secret_key=SK, max_retries=0)
LIST_PATH = "/v1.0/p1/streaming/jobs"


def run_module(capsys, jobs, **args):
    with patch_module_args(dict(CONNECTION, jobs=jobs, **args)):
        with pytest.raises(SystemExit) as excinfo:
            dli_flink_jar_jobs.main()
    return excinfo.value.code, json.loads(capsys.readouterr().out)


def test_an_unknown_key_names_the_job_and_every_job_is_in_the_summary_as_failed(capsys, no_http):
    code, result = run_module(capsys, [{"name": "a"}, {"name": "b", "paralel_number": 2}, {"job_id": 7}, {}])
    assert code == 1 and result["failed"] is True and result["changed"] is False
    assert result["msg"].startswith("jobs[1] (b): unsupported parameter: paralel_number. Supported parameters "
                                    "include: allow_restart, ")
    assert "jobs[3]: one of the following is required: job_id, name" in result["msg"]
    assert result["summary"] == {"changed": [], "ok": [], "restarted": [], "failed": ["a", "b", 7, None]}
    assert "results" not in result
    assert no_http.calls == []


def test_a_bad_concurrency_is_refused_with_the_summary_before_any_request(capsys, no_http):
    code, result = run_module(capsys, [{"job_id": 7, "name": "renamed"}], concurrency=0)
    assert code == 1 and result["msg"] == "concurrency must be at least 1, not 0."
    assert result["summary"] == {"changed": [], "ok": [], "restarted": [], "failed": ["renamed"]}
    assert no_http.calls == []


def test_a_failed_list_of_the_jobs_named_fails_every_job_and_writes_nothing(capsys, http):
    http.add(http_stub.GET, BASE + LIST_PATH, status=400, headers={"X-Request-Id": "req-400"},
             json={"error_code": "DLI.0001", "error_msg": "bad request"})
    code, result = run_module(capsys, [{"name": "a", "parallel_number": 2}, {"job_id": 7, "parallel_number": 2}])
    assert code == 1 and result["status_code"] == 400 and result["request_id"] == "req-400"
    assert result["summary"] == {"changed": [], "ok": [], "restarted": [], "failed": ["a", 7]}
    assert [(call.request.method, urlsplit(call.request.url).path) for call in http.calls] == [("GET", LIST_PATH)]
    assert SK not in json.dumps(result)
