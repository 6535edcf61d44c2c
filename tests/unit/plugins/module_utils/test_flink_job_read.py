# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The job reader against a small fake client: detail reads, the list call's paging, lookups by name,
and the shape a job is returned in."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.dli.plugins.module_utils.api import DliApiError
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_fields import FIELDS
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_read import (
    MAX_PAGES,
    PAGE_SIZE,
    JobError,
    JobNotFound,
    find_by_name,
    get_detail,
    job_id_by_name,
    job_shape,
    list_jobs,
)
from conftest import JOB_ID, JOB_UPDATE_TIME, build_detail  # shared fixtures (tests/unit/conftest.py)

LIST = "/v1.0/p1/streaming/jobs"
DETAIL = "/v1.0/p1/streaming/jobs/104"


class FakeClient(object):
    """Answers each call with the next scripted answer (or raises it), after checking it is the call the
    script expects: (method, path, query). Records every call."""

    project_id = "p1"
    endpoint = "https://dli.test.example.com"

    def __init__(self, script):
        self.script = list(script)
        self.calls = []

    def project_path(self, *segments):
        return "/v1.0/p1/" + "/".join(str(segment) for segment in segments)

    def call(self, method, path, body=None, expect=dict, params=None):
        call = (method, path, dict(params) if params else None)
        self.calls.append(call)
        assert self.script, "unexpected call %s" % (call,)
        want, outcome = self.script.pop(0)
        assert call == want, "expected %s, got %s" % (want, call)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def done(self):
        return not self.script


def page(offset, jobs, total_count, **filters):
    query = dict(filters, limit=PAGE_SIZE, offset=offset)
    return (("GET", LIST, query), {"is_success": "true", "job_list": {"total_count": total_count, "jobs": jobs}})


def jobs(*ids, **kwargs):
    return [{"job_id": job_id, "name": kwargs.get("name", "job-%s" % job_id)} for job_id in ids]


# -- list_jobs -----------------------------------------------------------------------------------

def test_one_page_when_total_count_is_reached():
    client = FakeClient([page(0, jobs(1, 2), 2)])
    assert [job["job_id"] for job in list_jobs(client)] == [1, 2]
    assert client.done()


def test_pages_step_by_what_came_back_when_a_page_is_shorter_than_the_limit():
    # The limit asked for is PAGE_SIZE, the service answers 3 then 2: the next offsets are 3 and 5.
    client = FakeClient([page(0, jobs(1, 2, 3), 6), page(3, jobs(4, 5), 6), page(5, jobs(6), 6)])
    assert [job["job_id"] for job in list_jobs(client)] == [1, 2, 3, 4, 5, 6]
    assert [query["offset"] for dummy, dummy, query in client.calls] == [0, 3, 5]
    assert all(query["limit"] == PAGE_SIZE for dummy, dummy, query in client.calls)
    assert client.done()


def test_full_pages_until_the_total():
    first = jobs(*range(1, PAGE_SIZE + 1))
    client = FakeClient([page(0, first, PAGE_SIZE + 2), page(PAGE_SIZE, jobs(901, 902), PAGE_SIZE + 2)])
    assert len(list_jobs(client)) == PAGE_SIZE + 2
    assert client.done()


def test_an_empty_page_ends_the_paging_even_below_the_total():
    # A total_count that overstates what is there (jobs deleted meanwhile) must not loop forever.
    client = FakeClient([page(0, jobs(1), 5), page(1, [], 5)])
    assert [job["job_id"] for job in list_jobs(client)] == [1]
    assert client.done()


def test_an_answer_without_total_count_is_one_page_when_the_page_is_short():
    client = FakeClient([(("GET", LIST, dict(limit=PAGE_SIZE, offset=0)), {"job_list": {"jobs": jobs(1)}})])
    assert [job["job_id"] for job in list_jobs(client)] == [1]
    assert client.done()


@pytest.mark.parametrize("total_count", [None, "missing", "unknown", True])
def test_without_a_readable_total_count_full_pages_are_followed_to_a_short_one(total_count):
    # The old reader took one page for all: a present task created a duplicate, an absent one said "no change".
    def answer(offset, ids):
        job_list = {"jobs": jobs(*ids)}
        if total_count != "missing":
            job_list["total_count"] = total_count
        return (("GET", LIST, dict(limit=PAGE_SIZE, offset=offset)), {"job_list": job_list})
    client = FakeClient([answer(0, range(1, PAGE_SIZE + 1)), answer(PAGE_SIZE, [901, 902])])
    assert len(list_jobs(client)) == PAGE_SIZE + 2
    assert client.done()


def test_a_total_count_given_as_text_is_read_as_a_number():
    first = jobs(*range(1, PAGE_SIZE + 1))
    client = FakeClient([page(0, first, str(PAGE_SIZE + 2)), page(PAGE_SIZE, jobs(901, 902), str(PAGE_SIZE + 2))])
    assert len(list_jobs(client)) == PAGE_SIZE + 2
    assert client.done()


def test_a_huge_total_count_ends_at_the_first_short_page_and_the_empty_one_after_it():
    client = FakeClient([page(0, jobs(1, 2), 10 ** 12), page(2, [], 10 ** 12)])
    assert [job["job_id"] for job in list_jobs(client)] == [1, 2]
    assert client.done()


def test_a_page_that_repeats_listed_jobs_is_an_error_naming_the_list_call():
    # A service that ignores offset answers the first page again: the old reader found "3 jobs named other7
    # (ids 7, 7, 7)", or looped as long as total_count allowed.
    same = jobs(*range(1, PAGE_SIZE + 1))
    client = FakeClient([page(0, same, 10 ** 12), page(PAGE_SIZE, same, 10 ** 12)])
    with pytest.raises(JobError) as excinfo:
        list_jobs(client)
    assert "GET %s (offset %s)" % (LIST, PAGE_SIZE) in excinfo.value.msg
    assert "listed already (ids 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ...)" in excinfo.value.msg
    assert client.done()


def test_one_page_that_lists_a_job_twice_is_an_error():
    client = FakeClient([page(0, jobs(7, 7, 7, name="other7"), 3, name="other7")])
    with pytest.raises(JobError) as excinfo:
        job_id_by_name(client, "other7")
    assert "listed already (ids 7)" in excinfo.value.msg and "3 jobs are named" not in excinfo.value.msg


def test_a_listing_that_never_ends_stops_at_the_page_bound():
    script = [page(offset * PAGE_SIZE, jobs(*range(offset * PAGE_SIZE, (offset + 1) * PAGE_SIZE)), 10 ** 12)
              for offset in range(MAX_PAGES)]
    client = FakeClient(script)
    with pytest.raises(JobError) as excinfo:
        list_jobs(client)
    assert len(client.calls) == MAX_PAGES and client.done()
    assert "GET %s still answered full pages after %s pages" % (LIST, MAX_PAGES) in excinfo.value.msg


def test_filters_are_sent_and_empty_ones_left_out():
    client = FakeClient([page(0, jobs(1), 1, status="job_running", job_type="flink_jar_job")])
    list_jobs(client, status="job_running", queue_name=None, job_type="flink_jar_job", name="")
    assert client.done()


@pytest.mark.parametrize("answer", [
    {"is_success": "true", "message": "no list"},
    {"job_list": None},
    {"job_list": {"total_count": 1}},
    {"job_list": {"total_count": 1, "jobs": {"job_id": 1}}},
    {"job_list": {"total_count": 1, "jobs": ["job 1"]}},
])
def test_an_answer_without_a_job_list_is_a_job_error(answer):
    client = FakeClient([(("GET", LIST, dict(limit=PAGE_SIZE, offset=0)), answer)])
    with pytest.raises(JobError) as excinfo:
        list_jobs(client)
    assert "job_list" in excinfo.value.msg and LIST in excinfo.value.msg


def test_an_api_error_of_the_list_call_is_raised_as_it_is():
    error = DliApiError("GET %s failed: HTTP 400" % LIST, method="GET", path=LIST, status_code=400,
                        error_code="DLI.0001")
    client = FakeClient([(("GET", LIST, dict(limit=PAGE_SIZE, offset=0)), error)])
    with pytest.raises(DliApiError) as excinfo:
        list_jobs(client)
    assert excinfo.value is error


# -- by name -------------------------------------------------------------------------------------

def test_find_by_name_keeps_exact_names_only():
    listed = [{"job_id": 1, "name": "etl"}, {"job_id": 2, "name": "etl-2"}, {"job_id": 3, "name": "old etl"},
              {"job_id": 4, "name": "ETL"}]
    client = FakeClient([page(0, listed, 4, name="etl")])
    assert [job["job_id"] for job in find_by_name(client, "etl")] == [1]


def test_job_id_by_name_one_job():
    client = FakeClient([page(0, [{"job_id": 7, "name": "etl"}, {"job_id": 8, "name": "etl-copy"}], 2, name="etl")])
    assert job_id_by_name(client, "etl") == 7


def test_job_id_by_name_none():
    client = FakeClient([page(0, [{"job_id": 8, "name": "etl-copy"}], 1, name="etl")])
    assert job_id_by_name(client, "etl") is None


def test_job_id_by_name_two_jobs_of_one_name_is_an_error_listing_their_ids():
    client = FakeClient([page(0, [{"job_id": 7, "name": "etl"}], 2, name="etl"),
                         page(1, [{"job_id": 9, "name": "etl"}], 2, name="etl")])
    with pytest.raises(JobError) as excinfo:
        job_id_by_name(client, "etl")
    assert "2 jobs are named 'etl'" in excinfo.value.msg and "ids 7, 9" in excinfo.value.msg
    assert "job_id" in excinfo.value.msg
    assert client.done()


# -- get_detail ----------------------------------------------------------------------------------

def test_get_detail_returns_the_job_detail():
    client = FakeClient([(("GET", DETAIL, None), {"is_success": "true", "job_detail": build_detail()})])
    assert get_detail(client, JOB_ID) == build_detail()


@pytest.mark.parametrize("status, code", [(400, "DLI.16001"), (400, "DLI.0002"), (404, "DLI.0023")])
def test_get_detail_of_a_missing_job_raises_job_not_found_with_the_answers_codes(status, code):
    error = DliApiError("missing", method="GET", path=DETAIL, status_code=status, error_code=code, request_id="r1")
    client = FakeClient([(("GET", DETAIL, None), error)])
    with pytest.raises(JobNotFound) as excinfo:
        get_detail(client, JOB_ID)
    assert excinfo.value.msg == "not found in project %s (missing)." % client.project_id
    assert excinfo.value.extra == dict(status_code=status, error_code=code, request_id="r1")


@pytest.mark.parametrize("code", [None, "APIGW.0101"])
def test_get_detail_a_404_without_a_dli_not_found_code_is_an_error_naming_the_endpoint(code):
    error = DliApiError("GET %s failed: HTTP 404" % DETAIL, method="GET", path=DETAIL, status_code=404,
                        error_code=code)
    client = FakeClient([(("GET", DETAIL, None), error)])
    with pytest.raises(DliApiError) as excinfo:
        get_detail(client, JOB_ID)
    assert not isinstance(excinfo.value, JobNotFound) and excinfo.value.status_code == 404
    assert "no such API at https://dli.test.example.com" in excinfo.value.msg
    assert "Check endpoint (HW_DLI_ENDPOINT)" in excinfo.value.msg


def test_a_404_of_the_list_call_names_the_endpoint():
    error = DliApiError("GET %s failed: HTTP 404 APIGW.0101" % LIST, method="GET", path=LIST, status_code=404,
                        error_code="APIGW.0101")
    client = FakeClient([(("GET", LIST, dict(limit=PAGE_SIZE, offset=0)), error)])
    with pytest.raises(DliApiError) as excinfo:
        list_jobs(client)
    assert excinfo.value.msg.count("Check endpoint (HW_DLI_ENDPOINT)") == 1


def test_get_detail_not_found_of_another_call_is_raised():
    # A not-found answer of another path (a login, say) does not mean the job is missing.
    error = DliApiError("login failed", method="POST", path="/v3/auth/tokens", status_code=404)
    client = FakeClient([(("GET", DETAIL, None), error)])
    with pytest.raises(DliApiError):
        get_detail(client, JOB_ID)


def test_get_detail_without_job_detail_is_a_job_error():
    client = FakeClient([(("GET", DETAIL, None), {"is_success": "true"})])
    with pytest.raises(JobError) as excinfo:
        get_detail(client, JOB_ID)
    assert "job_detail" in excinfo.value.msg


@pytest.mark.parametrize("job_config, kind", [("oops", "str"), ([1, 2], "list"), (7, "int")])
def test_get_detail_whose_job_config_is_not_an_object_is_a_one_line_job_error_naming_the_field(job_config, kind):
    detail = dict(build_detail(), job_config=job_config)
    client = FakeClient([(("GET", DETAIL, None), {"is_success": "true", "job_detail": detail})])
    with pytest.raises(JobError) as excinfo:
        get_detail(client, JOB_ID)
    assert excinfo.value.msg == ("GET %s answered a job_detail whose job_config is not an object: the answer is "
                                 "malformed." % DETAIL)


def test_get_detail_without_job_config_is_read_as_unset():
    detail = dict(build_detail(), job_config=None)
    client = FakeClient([(("GET", DETAIL, None), {"is_success": "true", "job_detail": detail})])
    assert job_shape(get_detail(client, JOB_ID))["parallel_number"] is None


# -- job_shape -----------------------------------------------------------------------------------

@pytest.mark.parametrize("fields, message", [
    (dict(job_config="oops"), "job_config is a string, not an object"),
    (dict(parallel_number="many"), "job_config.parallel_number is a string that cannot be read as a int"),
    (dict(log_enabled="maybe"), "job_config.log_enabled is a string that cannot be read as a bool"),
])
def test_a_malformed_field_of_a_detail_names_the_field(fields, message):
    detail = dict(build_detail(), **fields) if "job_config" in fields else build_detail(**fields)
    with pytest.raises(ValueError) as excinfo:
        job_shape(detail)
    assert str(excinfo.value).startswith(message)


def test_job_shape_has_every_option_and_the_read_only_keys():
    job = job_shape(build_detail(status="job_running"))
    assert sorted(job) == sorted([field.name for field in FIELDS] + ["job_id", "status", "update_time"])
    assert job["job_id"] == JOB_ID and job["status"] == "job_running" and job["update_time"] == JOB_UPDATE_TIME
    assert job["runtime_config"] == {"k": "v"} and job["checkpoint_mode"] == "exactly_once"
    assert job["main_class"] is None and job["dependency_jars"] == ["myGroup/dep.jar"]
