# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dli_flink_jar_jobs run end to end through main(), as Ansible runs it, against stubbed HTTP: the refusals
before any job is tried (a bad concurrency, a job given twice ...), results and summary returned whatever fails, a malformed answer failing its own job
in one line, and changed telling of writes (the converging itself is tested in test_flink_job_fleet)."""

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

pytestmark = pytest.mark.usefixtures("clean_env", "fake_time")

BASE = "https://dli.test.example.com"
SK = "SK-very-secret-0123456789"
CONNECTION = dict(endpoint=BASE, project_id="p1", access_key="AKVISIBLEID", secret_key=SK, max_retries=0)
LIST_PATH = "/v1.0/p1/streaming/jobs"
JOBS = BASE + LIST_PATH


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
    assert result["summary"] == {"changed": [], "ok": [], "restarted": [], "skipped": [], "failed": ["a", "b", 7, None]}
    assert "results" not in result
    assert no_http.calls == []


def test_a_bad_concurrency_is_refused_with_the_summary_before_any_request(capsys, no_http):
    code, result = run_module(capsys, [{"job_id": 7, "name": "renamed"}], concurrency=0)
    assert code == 1 and result["msg"] == "concurrency must be at least 1, not 0."
    assert result["summary"] == {"changed": [], "ok": [], "restarted": [], "skipped": [], "failed": ["renamed"]}
    assert no_http.calls == []


def test_a_failed_list_of_the_jobs_named_fails_every_job_and_writes_nothing(capsys, http):
    http.add(http_stub.GET, BASE + LIST_PATH, status=400, headers={"X-Request-Id": "req-400"},
             json={"error_code": "DLI.0001", "error_msg": "bad request"})
    code, result = run_module(capsys, [{"name": "a", "parallel_number": 2}, {"job_id": 7, "parallel_number": 2}])
    assert code == 1 and result["status_code"] == 400 and result["request_id"] == "req-400"
    assert result["summary"] == {"changed": [], "ok": [], "restarted": [], "skipped": [], "failed": ["a", 7]}
    assert [(call.request.method, urlsplit(call.request.url).path) for call in http.calls] == [("GET", LIST_PATH)]
    assert SK not in json.dumps(result)


def test_jobs_that_cannot_be_found_each_fail_and_results_and_summary_are_returned(capsys, http):
    http.add(http_stub.GET, JOBS, status=400, json={"error_code": "DLI.0001", "error_msg": "bad query"})
    code, result = run_module(capsys, [{"name": "a"}, {"name": "b"}])
    assert code == 1 and result["failed"] is True and result["changed"] is False
    assert result["msg"].startswith("GET /v1.0/p1/streaming/jobs?limit=100&offset=0 failed: HTTP 400 DLI.0001: bad query")
    assert [job["msg"] for job in result["results"]] == [result["msg"]] * 2
    assert result["summary"] == {"changed": [], "ok": [], "restarted": [], "skipped": [], "failed": ["a", "b"]}


def test_a_malformed_detail_fails_its_job_in_one_line_and_the_write_to_another_makes_the_task_changed(capsys, http):
    malformed = {"is_success": "true", "job_detail": dict(build_detail(job_id=1, name="a"), job_config="x")}
    http.add(http_stub.GET, JOBS + "/1", json=malformed)
    http.add(http_stub.GET, JOBS + "/2", json={"is_success": "true", "job_detail": build_detail(job_id=2, name="b")})
    http.add(http_stub.PUT, BASE + "/v1.0/p1/streaming/flink-jobs/2", json={"is_success": True, "job": {"update_time": 5}})
    code, result = run_module(capsys, [{"job_id": 1, "desc": "new"}, {"job_id": 2, "desc": "new"}])
    assert code == 1 and result["changed"] is True
    assert result["results"][0]["msg"] == ("Flink job 1: GET /v1.0/p1/streaming/jobs/1 answered a job_detail whose "
                                           "job_config is not an object: the answer is malformed.")
    assert result["results"][1]["changed"] is True and result["results"][1]["actions"] == ["update desc"]
    assert result["summary"]["failed"] == [1] and result["summary"]["changed"] == [2]
    assert "exception" not in result


def run_args(capsys, args):
    with patch_module_args(dict(CONNECTION, **args)):
        with pytest.raises(SystemExit) as excinfo:
            dli_flink_jar_jobs.main()
    out = capsys.readouterr().out
    return excinfo.value.code, json.loads(out), out


def fail(capsys, args):
    code, result, out = run_args(capsys, args)
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
    code, result, dummy = run_args(capsys, dict(jobs=[{"name": "a"}, {"job_id": 12}], _ansible_check_mode=True))
    assert code == 0 and result["changed"] is False, result


@pytest.mark.parametrize("args, message", [
    (dict(max_restarting=0), "max_restarting must be at least 1, not 0."),
    (dict(max_restarting=False), "max_restarting must be an integer, not a boolean (false)."),
    (dict(concurrency=0, max_restarting=-1), "concurrency must be at least 1, not 0. max_restarting must be at least "
                                             "1, not -1."),
])
def test_a_bad_max_restarting_is_refused_before_any_request(capsys, no_http, args, message):
    result = fail(capsys, dict(jobs=[{"job_id": 7}], **args))
    assert result["msg"] == message
    assert len(no_http.calls) == 0
