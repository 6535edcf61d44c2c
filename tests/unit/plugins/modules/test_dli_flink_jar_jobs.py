# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dli_flink_jar_jobs run end to end through main(), as Ansible runs it, against stubbed HTTP: what it refuses
before any write. (The fleet's converging is tested in module_utils/test_flink_job_fleet.py.)"""

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
from conftest import build_detail, patch_module_args  # shared fixtures (tests/unit/conftest.py)

# Every test: no HW_* variable of the shell, and waits on a fake clock (fixtures of tests/unit/conftest.py).
pytestmark = pytest.mark.usefixtures("clean_env", "fake_time")

BASE = "https://dli.test.example.com"
LIST_PATH = "/v1.0/p1/streaming/jobs"
CONNECTION = dict(endpoint=BASE, project_id="p1", access_key="AKVISIBLEID", secret_key="SK-very-secret-0123456789")


def run_module(capsys, args):
    with patch_module_args(dict(CONNECTION, **args)):
        with pytest.raises(SystemExit) as excinfo:
            dli_flink_jar_jobs.main()
    out = capsys.readouterr().out
    return excinfo.value.code, json.loads(out), out


def fail(capsys, args):
    code, result, out = run_module(capsys, args)
    assert code == 1 and result.get("failed") is True, result
    assert result.get("changed") is False
    assert "exception" not in result and "Traceback" not in out
    return result


def listed(job_id, name):
    return {"job_id": job_id, "name": name, "desc": "", "job_type": "flink_jar_job", "status": "job_running",
            "status_desc": "", "queue_name": "flinktest", "create_time": 1, "start_time": None}


@pytest.mark.parametrize("concurrency, message", [
    (True, "concurrency must be an integer, not a boolean (true)."),
    (0, "concurrency must be at least 1, not 0."),
])
def test_a_bad_concurrency_is_refused_before_any_request(capsys, no_http, concurrency, message):
    result = fail(capsys, dict(jobs=[{"job_id": 7}], concurrency=concurrency))
    assert result["msg"] == message
    assert len(no_http.calls) == 0


def test_a_boolean_integer_option_of_a_job_is_refused_with_its_index(capsys, no_http):
    result = fail(capsys, dict(jobs=[{"job_id": 7}, {"name": "b", "parallel_number": True}]))
    assert result["msg"] == "jobs[1] (b): parallel_number must be an integer, not a boolean (true)."
    assert len(no_http.calls) == 0


def test_an_id_and_the_same_jobs_name_are_refused_after_the_list_before_any_write(capsys, http):
    # Before, the two entries fought over the job: it flipped between 2 and 3 on every run.
    http.add(http_stub.GET, BASE + LIST_PATH, json={"is_success": "true", "job_list": {
        "total_count": 2, "jobs": [listed(11, "a"), listed(12, "b")]}})
    result = fail(capsys, dict(jobs=[{"job_id": 12, "parallel_number": 2}, {"name": "a"},
                                     {"name": "b", "parallel_number": 3}]))
    assert result["msg"] == "jobs[0] and jobs[2] are the same job (id 12). Give each job once. Nothing was written."
    # The list, and the list with details (the project fits in one page): reads only.
    assert set((call.request.method, urlsplit(call.request.url).path) for call in http.calls) == {("GET", LIST_PATH)}


def test_a_new_name_twice_is_refused_instead_of_creating_two_jobs(capsys, http):
    http.add(http_stub.GET, BASE + LIST_PATH, json={"is_success": "true", "job_list": {"total_count": 0, "jobs": []}})
    result = fail(capsys, dict(jobs=[{"name": "fresh"}, {"name": "fresh", "parallel_number": 2}]))
    assert result["msg"].startswith("jobs[0] and jobs[1] are the same job (named 'fresh', which no job has yet")
    assert all(call.request.method == "GET" for call in http.calls)


def test_each_job_given_once_is_not_refused(capsys, http):
    http.add(http_stub.GET, BASE + LIST_PATH, json={"is_success": "true", "job_list": {
        "total_count": 1, "jobs": [listed(11, "a")]}})
    http.add(http_stub.GET, BASE + LIST_PATH + "/11", json={"is_success": "true",
                                                            "job_detail": build_detail(job_id=11, name="a")})
    http.add(http_stub.GET, BASE + LIST_PATH + "/12", json={"is_success": "true",
                                                            "job_detail": build_detail(job_id=12, name="b")})
    code, result, dummy = run_module(capsys, dict(jobs=[{"name": "a"}, {"job_id": 12}], _ansible_check_mode=True))
    assert code == 0 and result["changed"] is False, result
