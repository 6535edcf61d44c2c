# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dli_flink_jar_job_info run end to end through main(), as Ansible runs it, against stubbed HTTP.

Every test asserts the exact calls the module made (method, path and query) and the jobs it returned.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

try:
    from urllib.parse import parse_qsl, urlsplit
except ImportError:  # pragma: no cover
    from urlparse import parse_qsl, urlsplit  # type: ignore

import pytest
import http_stub

from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_read import PAGE_SIZE, job_shape
from ansible_collections.hwcloud.dli.plugins.modules import dli_flink_jar_job_info
from conftest import JOB_ID, JOB_UPDATE_TIME, build_detail, patch_module_args  # shared fixtures (tests/unit/conftest.py)

# Every test: no HW_* variable of the shell, and waits on a fake clock (fixtures of tests/unit/conftest.py).
pytestmark = pytest.mark.usefixtures("clean_env", "fake_time")


BASE = "https://dli.test.example.com"
PROJECT = "p1"
LIST_PATH = "/v1.0/p1/streaming/jobs"
AK = "AKVISIBLEID"
SK = "SK-very-secret-0123456789"
CONNECTION = dict(endpoint=BASE, project_id=PROJECT, access_key=AK, secret_key=SK)


def job_path(job_id):
    return "%s/%s" % (LIST_PATH, job_id)


def detail_call(job_id):
    return ("GET", job_path(job_id), {})


def list_call(offset, **filters):
    query = dict((key, str(value)) for key, value in filters.items())
    query.update(limit=str(PAGE_SIZE), offset=str(offset))
    return ("GET", LIST_PATH, query)


# -- the answers of the API ----------------------------------------------------------------------

def detail_answer(job_id=JOB_ID, **fields):
    return {"is_success": "true", "message": "Job detail query succeeds.",
            "job_detail": build_detail(job_id=job_id, **fields)}


def listed(job_id, name="jptest", status="job_init"):
    """A job as the list call (show_detail=false) answers it: no job_config."""
    return {"job_id": job_id, "name": name, "desc": "", "job_type": "flink_jar_job", "status": status,
            "status_desc": "", "queue_name": "flinktest", "create_time": 1578466221525, "start_time": None,
            "main_class": None, "update_time": JOB_UPDATE_TIME, "duration": 0}


def list_answer(jobs, total_count=None):
    return {"is_success": "true", "message": "Querying of the job list succeeds.",
            "job_list": {"total_count": len(jobs) if total_count is None else total_count, "jobs": jobs}}


NOT_FOUND = dict(status=400, json={"error_code": "DLI.16001", "error_msg": "The job does not exist"})


# -- running the module ------------------------------------------------------------------

def run_module(capsys, args, check=False):
    module_args = dict(CONNECTION)
    module_args.update(args)
    if check:
        module_args["_ansible_check_mode"] = True
    with patch_module_args(module_args):
        with pytest.raises(SystemExit) as excinfo:
            dli_flink_jar_job_info.main()
    out = capsys.readouterr().out
    return excinfo.value.code, json.loads(out), out


def succeed(capsys, args, **kwargs):
    code, result, dummy = run_module(capsys, args, **kwargs)
    assert code == 0 and not result.get("failed"), result
    assert result["changed"] is False
    return result


def fail(capsys, args, **kwargs):
    code, result, out = run_module(capsys, args, **kwargs)
    assert code == 1 and result.get("failed") is True, result
    assert result.get("changed", False) is False  # an argument spec failure has no changed
    assert "exception" not in result and "Traceback" not in out
    return result


def calls(rsps):
    """(method, path, query) of every call made, the query as a mapping."""
    return [(call.request.method, urlsplit(call.request.url).path, dict(parse_qsl(urlsplit(call.request.url).query)))
            for call in rsps.calls]


def add_detail(rsps, job_id, **fields):
    rsps.add(http_stub.GET, BASE + job_path(job_id), json=detail_answer(job_id, **fields))


def add_list(rsps, jobs, total_count=None):
    """One page of the list call (registrations for one URL answer in turn)."""
    rsps.add(http_stub.GET, BASE + LIST_PATH, json=list_answer(jobs, total_count))


# -- by id ---------------------------------------------------------------------------------------

def test_by_id_reads_the_detail_once_and_returns_the_job_shape(capsys, http):
    add_detail(http, JOB_ID)
    result = succeed(capsys, dict(job_id=JOB_ID))
    assert calls(http) == [detail_call(JOB_ID)]
    job, = result["jobs"]
    assert job == job_shape(build_detail())
    assert job["job_id"] == JOB_ID and job["status"] == "job_init" and job["update_time"] == JOB_UPDATE_TIME
    assert job["name"] == "jptest" and job["cu_number"] == 2 and job["runtime_config"] == {"k": "v"}


def test_the_returned_job_has_the_main_module_options_plus_the_read_only_keys(capsys, http):
    from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_fields import FIELDS
    add_detail(http, JOB_ID)
    job, = succeed(capsys, dict(job_id=JOB_ID))["jobs"]
    assert sorted(job) == sorted([field.name for field in FIELDS] + ["job_id", "status", "update_time"])


@pytest.mark.parametrize("status, code", [(400, "DLI.16001"), (404, "DLI.0023"), (400, "DLI.0002")])
def test_by_id_a_missing_job_is_an_empty_list(capsys, http, status, code):
    http.add(http_stub.GET, BASE + job_path(JOB_ID), status=status,
             json={"error_code": code, "error_msg": "The job does not exist"})
    result = succeed(capsys, dict(job_id=JOB_ID))
    assert calls(http) == [detail_call(JOB_ID)]
    assert result["jobs"] == []


GATEWAY_404 = {"error_code": "APIGW.0101", "error_msg": "The API does not exist or has not been published"}


@pytest.mark.parametrize("answer", [dict(body=""), dict(json=GATEWAY_404)])
def test_by_id_a_404_without_a_dli_not_found_code_fails_instead_of_an_empty_list(capsys, http, answer):
    http.add(http_stub.GET, BASE + job_path(JOB_ID), status=404, **answer)
    result = fail(capsys, dict(job_id=JOB_ID))
    assert calls(http) == [detail_call(JOB_ID)]
    assert "jobs" not in result and result["status_code"] == 404
    assert "no such API at %s" % BASE in result["msg"] and "Check endpoint (HW_DLI_ENDPOINT)" in result["msg"]


def test_a_boolean_job_id_is_refused_before_any_request(capsys, no_http):
    # Ansible's int type lets true through: it was sent as GET .../jobs/True.
    result = fail(capsys, dict(job_id=True))
    assert result["msg"] == "job_id must be an integer, not a boolean (true)."
    assert len(no_http.calls) == 0


def test_by_id_the_filters_apply_to_the_detail(capsys, http):
    add_detail(http, JOB_ID, status="job_running")
    add_detail(http, JOB_ID, status="job_running")
    assert succeed(capsys, dict(job_id=JOB_ID, status="job_init"))["jobs"] == []
    job, = succeed(capsys, dict(job_id=JOB_ID, status="job_running", queue_name="flinktest",
                                job_type="flink_jar_job"))["jobs"]
    assert job["status"] == "job_running"
    # The filters never reach the API with an id: one detail read per run.
    assert calls(http) == [detail_call(JOB_ID), detail_call(JOB_ID)]


# -- by name -------------------------------------------------------------------------------------

def test_by_name_keeps_exact_matches_only_and_reads_their_details(capsys, http):
    add_list(http, [listed(201, "jptest"), listed(202, "jptest-copy"), listed(203, "old-jptest"), listed(204, "jptest")])
    add_detail(http, 201, name="jptest")
    add_detail(http, 204, name="jptest", status="job_running")
    result = succeed(capsys, dict(name="jptest"))
    assert calls(http) == [list_call(0, name="jptest"), detail_call(201), detail_call(204)]
    assert [(job["job_id"], job["name"], job["status"]) for job in result["jobs"]] == [
        (201, "jptest", "job_init"), (204, "jptest", "job_running")]


def test_by_name_pages_through_stepping_by_what_came_back(capsys, http):
    # The service returns fewer than the limit asked for: the next offset is what came back, not the limit.
    add_list(http, [listed(301, "jptest"), listed(302, "jptest-2")], total_count=5)
    add_list(http, [listed(303, "x-jptest"), listed(304, "jptest")], total_count=5)
    add_list(http, [listed(305, "jptest")], total_count=5)
    for job_id in (301, 304, 305):
        add_detail(http, job_id, name="jptest")
    result = succeed(capsys, dict(name="jptest"))
    assert calls(http) == [list_call(0, name="jptest"), list_call(2, name="jptest"), list_call(4, name="jptest"),
                           detail_call(301), detail_call(304), detail_call(305)]
    assert [job["job_id"] for job in result["jobs"]] == [301, 304, 305]


def test_by_name_none_found_is_an_empty_list(capsys, http):
    add_list(http, [listed(202, "jptest-copy")])
    result = succeed(capsys, dict(name="jptest"))
    assert calls(http) == [list_call(0, name="jptest")]
    assert result["jobs"] == []


def test_by_name_the_filters_apply_to_the_details_not_the_list_call(capsys, http):
    add_list(http, [listed(201, "jptest"), listed(204, "jptest")])
    add_detail(http, 201, status="job_init")
    add_detail(http, 204, status="job_running")
    result = succeed(capsys, dict(name="jptest", status="job_running"))
    assert calls(http) == [list_call(0, name="jptest"), detail_call(201), detail_call(204)]
    assert [job["job_id"] for job in result["jobs"]] == [204]


def test_job_id_and_name_are_mutually_exclusive(capsys, no_http):
    result = fail(capsys, dict(job_id=JOB_ID, name="jptest"))
    assert "mutually exclusive" in result["msg"] and "job_id" in result["msg"] and "name" in result["msg"]
    assert len(no_http.calls) == 0


# -- the list ------------------------------------------------------------------------------------

def test_list_without_filters_reads_every_job_in_the_list_order(capsys, http):
    add_list(http, [listed(503), listed(501), listed(502)])
    for job_id in (503, 501, 502):
        add_detail(http, job_id)
    result = succeed(capsys, {})
    assert calls(http) == [list_call(0), detail_call(503), detail_call(501), detail_call(502)]
    assert [job["job_id"] for job in result["jobs"]] == [503, 501, 502]
    assert all(job == job_shape(build_detail(job_id=job["job_id"])) for job in result["jobs"])


def test_list_sends_the_filters_as_query_parameters(capsys, http):
    add_list(http, [listed(601, status="job_running")])
    add_detail(http, 601, status="job_running")
    result = succeed(capsys, dict(status="job_running", queue_name="flinktest", job_type="flink_jar_job"))
    assert calls(http) == [
        list_call(0, status="job_running", queue_name="flinktest", job_type="flink_jar_job"), detail_call(601)]
    assert [job["job_id"] for job in result["jobs"]] == [601]


def test_list_empty_filters_are_not_sent(capsys, http):
    add_list(http, [])
    assert succeed(capsys, dict(status="", queue_name="flinktest"))["jobs"] == []
    assert calls(http) == [list_call(0, queue_name="flinktest")]


def test_list_pages_through_every_page(capsys, http):
    first = [listed(1000 + n) for n in range(PAGE_SIZE)]
    add_list(http, first, total_count=PAGE_SIZE + 1)
    add_list(http, [listed(2000)], total_count=PAGE_SIZE + 1)
    for job in first + [listed(2000)]:
        add_detail(http, job["job_id"])
    result = succeed(capsys, {})
    assert calls(http)[:2] == [list_call(0), list_call(PAGE_SIZE)]
    assert calls(http)[2:] == [detail_call(job["job_id"]) for job in first + [listed(2000)]]
    assert len(result["jobs"]) == PAGE_SIZE + 1


def test_a_job_deleted_between_the_list_and_its_detail_is_left_out(capsys, http):
    add_list(http, [listed(701), listed(702), listed(703)])
    add_detail(http, 701)
    http.add(http_stub.GET, BASE + job_path(702), **NOT_FOUND)
    add_detail(http, 703)
    result = succeed(capsys, {})
    assert calls(http) == [list_call(0), detail_call(701), detail_call(702), detail_call(703)]
    assert [job["job_id"] for job in result["jobs"]] == [701, 703]


def test_a_listed_job_without_an_id_is_a_clear_failure(capsys, http):
    add_list(http, [{"name": "nameless"}])
    result = fail(capsys, {})
    assert calls(http) == [list_call(0)]
    assert "without a job_id" in result["msg"] and "nameless" in result["msg"]


def test_a_list_answer_without_job_list_is_a_clear_failure(capsys, http):
    http.add(http_stub.GET, BASE + LIST_PATH, json={"is_success": "true", "message": "odd"})
    result = fail(capsys, {})
    assert calls(http) == [list_call(0)]
    assert "job_list" in result["msg"] and LIST_PATH in result["msg"]


def test_an_unreadable_value_in_a_detail_is_a_clear_failure(capsys, http):
    add_detail(http, JOB_ID, cu_number="abc")
    result = fail(capsys, dict(job_id=JOB_ID))
    assert "cannot read" in result["msg"] and str(JOB_ID) in result["msg"]


# -- errors --------------------------------------------------------------------------------------

def test_an_api_error_reports_status_code_error_code_and_request_id(capsys, http):
    http.add(http_stub.GET, BASE + LIST_PATH, status=400, headers={"X-Request-Id": "req-400"},
             json={"error_code": "DLI.0001", "error_msg": "Parameter check failed"})
    result = fail(capsys, dict(status="job_running"))
    assert calls(http) == [list_call(0, status="job_running")]
    assert result["status_code"] == 400 and result["error_code"] == "DLI.0001" and result["request_id"] == "req-400"
    assert "Parameter check failed" in result["msg"] and LIST_PATH in result["msg"]
    assert result["changed"] is False and "jobs" not in result


def test_a_failed_detail_read_is_a_failure_not_a_missing_job(capsys, http):
    add_list(http, [listed(801)])
    http.add(http_stub.GET, BASE + job_path(801), status=403, headers={"X-Request-Id": "req-403"},
             json={"error_code": "DLI.0013", "error_msg": "Forbidden"})
    result = fail(capsys, {})
    assert calls(http) == [list_call(0), detail_call(801)]
    assert result["status_code"] == 403 and result["error_code"] == "DLI.0013" and result["request_id"] == "req-403"


def test_the_secret_never_appears_in_a_failure(capsys, http):
    http.add(http_stub.GET, BASE + job_path(JOB_ID), status=401, headers={"X-Request-Id": "req-401"},
             json={"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information " + SK})
    code, result, out = run_module(capsys, dict(job_id=JOB_ID))
    assert code == 1 and result["status_code"] == 401 and result["error_code"] == "APIGW.0301"
    assert SK not in out


def test_no_project_id_fails_before_any_request(capsys, no_http):
    result = fail(capsys, dict(project_id=None, job_id=JOB_ID))
    assert "project_id" in result["msg"]
    assert len(no_http.calls) == 0


# -- check mode ----------------------------------------------------------------------------------

def test_check_mode_reads_the_same(capsys, http):
    add_list(http, [listed(901, status="job_running")])
    add_detail(http, 901, status="job_running")
    result = succeed(capsys, dict(status="job_running"), check=True)
    assert calls(http) == [list_call(0, status="job_running"), detail_call(901)]
    assert [job["job_id"] for job in result["jobs"]] == [901]
