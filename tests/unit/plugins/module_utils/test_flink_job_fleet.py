# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many jobs in one run: every job checked first, names found with one list, stops and starts batched,
results in the input's order, one failure not stopping the others."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest

from ansible_collections.hwcloud.dli.plugins.module_utils.api import DliApiError
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_read import JobError
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_fleet import (
    BatchingClient,
    checked_jobs,
    converge_jobs,
)
from conftest import build_detail  # shared fixtures (tests/unit/conftest.py)

LIST = "/v1.0/p1/streaming/jobs"
STOP = "/v1.0/p1/streaming/jobs/stop"


class RoutedClient(object):
    """Answers by route, from any thread; records every call."""

    project_id = "p1"

    def __init__(self, routes):
        self.routes = routes
        self.calls = []
        self.lock = threading.Lock()

        class Retry(object):
            max_retries = 0
        self.retry = Retry()

    def project_path(self, *segments):
        return "/v1.0/p1/" + "/".join(str(segment) for segment in segments)

    def redact(self, text):
        return text

    def call(self, method, path, body=None, expect=dict, params=None, check_each=True):
        with self.lock:
            self.calls.append((method, path, body if params is None else params))
        route = (method, path, "detail") if (params or {}).get("show_detail") == "true" else (method, path)
        outcome = self.routes[route]
        outcome = outcome(body) if callable(outcome) else outcome
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def test_every_job_is_checked_first_with_its_index_and_name():
    with pytest.raises(ValueError) as excinfo:
        checked_jobs([{"name": "a"}, {"name": "b", "parallel_number": 0}, {"job_id": "x"}, "not a job", {}])
    message = str(excinfo.value)
    assert "jobs[1] (b): parallel_number must be at least 1, not 0." in message
    assert "jobs[2]: argument 'job_id' is of type" in message
    assert "jobs[3]: must be a mapping of dli_flink_jar_job's options, not str." in message
    assert "jobs[4]: one of the following is required: job_id, name" in message
    assert "jobs[0]" not in message


def test_stops_sent_together_go_out_as_one_call_and_each_caller_gets_its_element():
    answers = []
    client = RoutedClient({("POST", STOP): lambda body: [
        {"is_success": "true" if job_id != 7 else "false", "message": "no %s" % job_id} for job_id in body["job_ids"]]})
    batching = BatchingClient(client, window=0.2)

    def stop(job_id):
        try:
            answers.append((job_id, batching.call("POST", STOP, {"job_ids": [job_id], "trigger_savepoint": True},
                                                  expect=list)))
        except DliApiError as exc:
            answers.append((job_id, exc.msg))

    threads = [threading.Thread(target=stop, args=(job_id,)) for job_id in (5, 6, 7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(client.calls) == 1 and sorted(client.calls[0][2]["job_ids"]) == [5, 6, 7]
    assert client.calls[0][2]["trigger_savepoint"] is True
    by_job = dict(answers)
    assert by_job[5] == [{"is_success": "true", "message": "no 5"}]
    assert by_job[7] == "POST %s failed for job 7: is_success is false: no 7" % STOP


def test_a_failed_batch_call_fails_each_of_its_callers():
    lost = DliApiError("POST %s failed: HTTP 503" % STOP, method="POST", path=STOP, status_code=503)
    client = RoutedClient({("POST", STOP): lost})
    with pytest.raises(DliApiError, match="HTTP 503"):
        BatchingClient(client, window=0).call("POST", STOP, {"job_ids": [5], "trigger_savepoint": False})


def test_names_are_found_with_one_list_and_results_keep_the_input_order():
    listed = {"is_success": "true", "job_list": {"total_count": 3, "jobs": [
        {"job_id": 11, "name": "a"}, {"job_id": 12, "name": "b"}, {"job_id": 13, "name": "b"}]}}
    routes = {("GET", LIST): listed, ("GET", LIST, "detail"): {"job_list": {"total_count": 0, "jobs": []}},
              ("GET", LIST + "/11"): {"job_detail": build_detail(job_id=11, name="a", parallel_number=2)},
              ("GET", LIST + "/20"): {"job_detail": build_detail(job_id=20, name="c", job_type="flink_sql_job")}}
    client = RoutedClient(routes)
    results, notes, summary = converge_jobs(
        client, checked_jobs([{"name": "a", "parallel_number": 2}, {"name": "b"}, {"job_id": 20}, {"name": "new"}]),
        check_mode=True, concurrency=2)
    # One list for the names, one with details (here it lists none, so job 11 is read on its own).
    assert [call[1] for call in client.calls].count(LIST) == 2
    assert results[0]["changed"] is False and results[0]["job_id"] == 11
    assert results[1]["failed"] and "2 jobs are named 'b' (ids 12, 13)" in results[1]["msg"]
    assert results[2]["failed"] and "it is a flink_sql_job" in results[2]["msg"]
    assert results[3]["actions"] == ["create"] and results[3]["job"]["job_id"] is None
    assert summary == {"changed": ["new"], "ok": ["a"], "restarted": [], "failed": ["b", 20]}
    assert all(method == "GET" for method, path, body in client.calls)


def test_when_the_project_fits_in_fewer_pages_than_there_are_jobs_the_list_gives_the_details():
    plain = [dict(job_id=job_id, name="j%s" % job_id, desc="", job_type="flink_jar_job", status="job_running",
                  queue_name="q", main_class=None, update_time=7, duration=1) for job_id in (1, 2, 3)]
    detailed = [dict(job_id=job_id, name="j%s" % job_id, desc="", job_type="flink_jar_job", status="job_running",
                     queue_name="q", entrypoint_args=None,
                     job_config=dict(build_detail()["job_config"], parallel_number=job_id)) for job_id in (1, 2, 3)]
    client = RoutedClient({
        ("GET", LIST): {"job_list": {"total_count": 3, "jobs": plain}},
        ("GET", LIST, "detail"): {"job_list": {"total_count": 3, "jobs": detailed}}})
    results, notes, summary = converge_jobs(
        client, checked_jobs([{"job_id": 1, "parallel_number": 1}, {"job_id": 2, "parallel_number": 2}, {"name": "j3"}]),
        concurrency=3)
    assert [call[2]["show_detail"] if "show_detail" in call[2] else "limit=%s" % call[2]["limit"]
            for call in client.calls] == ["limit=100", "true"]
    assert [result["changed"] for result in results] == [False, False, False]
    assert results[2]["job"]["update_time"] == 7 and results[2]["job"]["parallel_number"] == 3


def test_a_listing_that_lacks_fields_is_not_used_the_job_is_read_by_id():
    plain = [dict(job_id=job_id, name="j%s" % job_id, status="job_running", job_type="flink_jar_job")
             for job_id in (1, 2, 3)]  # no main_class, no update_time
    client = RoutedClient({
        ("GET", LIST): {"job_list": {"total_count": 3, "jobs": plain}},
        ("GET", LIST, "detail"): {"job_list": {"total_count": 3, "jobs": plain}},  # no job_config either
        ("GET", LIST + "/1"): {"job_detail": build_detail(job_id=1, name="j1", parallel_number=1)},
        ("GET", LIST + "/2"): {"job_detail": build_detail(job_id=2, name="j2", parallel_number=2)},
        ("GET", LIST + "/3"): {"job_detail": build_detail(job_id=3, name="j3", parallel_number=3)}})
    results, notes, summary = converge_jobs(client, checked_jobs(
        [{"name": "j1", "parallel_number": 1}, {"name": "j2", "parallel_number": 2}, {"name": "j3"}]), concurrency=3)
    assert sorted(path for method, path, body in client.calls if path != LIST) == [LIST + "/1", LIST + "/2", LIST + "/3"]
    assert [result["changed"] for result in results] == [False, False, False]


# -- the same job twice --------------------------------------------------------------------------

SAME_JOB_LIST = {"job_list": {"total_count": 3, "jobs": [
    {"job_id": 11, "name": "a"}, {"job_id": 12, "name": "b"}, {"job_id": 13, "name": "c"}]}}


@pytest.mark.parametrize("jobs, message", [
    ([{"job_id": 12, "parallel_number": 2}, {"name": "a"}, {"name": "c"}, {"job_id": 12, "parallel_number": 3}],
     "jobs[0] and jobs[3] are the same job (id 12)"),
    ([{"job_id": 12, "parallel_number": 2}, {"name": "a"}, {"name": "b", "parallel_number": 3}],
     "jobs[0] and jobs[2] are the same job (id 12)"),
    ([{"name": "new", "parallel_number": 2}, {"name": "a"}, {"name": "new", "parallel_number": 3}],
     "jobs[0] and jobs[2] are the same job (named 'new', which no job has yet: it would be created twice)"),
    ([{"name": "b", "state": "stopped"}, {"job_id": 12, "state": "started"}, {"name": "b"}, {"job_id": 11},
      {"name": "a"}],
     "jobs[0], jobs[1] and jobs[2] are the same job (id 12); jobs[3] and jobs[4] are the same job (id 11)"),
])
def test_the_same_job_twice_is_refused_after_the_reads_before_any_write(jobs, message):
    # Before, the two entries fought: the job flipped between them on every run, or a new name was created twice.
    detail = dict((("GET", LIST + "/%s" % job_id), {"job_detail": build_detail(job_id=job_id, name=name)})
                  for job_id, name in ((11, "a"), (12, "b"), (13, "c")))
    detail.update({("GET", LIST): SAME_JOB_LIST, ("GET", LIST, "detail"): SAME_JOB_LIST})
    client = RoutedClient(detail)
    with pytest.raises(JobError) as excinfo:
        converge_jobs(client, checked_jobs(jobs), concurrency=2)
    assert excinfo.value.msg == "%s. Give each job once. Nothing was written." % message
    assert client.calls and all(method == "GET" for method, path, body in client.calls)


def test_ids_given_twice_are_refused_without_a_list():
    client = RoutedClient({})
    with pytest.raises(JobError) as excinfo:
        converge_jobs(client, checked_jobs([{"job_id": 7}, {"job_id": 7, "state": "absent"}]), concurrency=2)
    assert excinfo.value.msg.startswith("jobs[0] and jobs[1] are the same job (id 7).")
    assert client.calls == []


def test_a_name_that_several_jobs_have_fails_on_its_own_not_as_the_same_job():
    listed = {"job_list": {"total_count": 2, "jobs": [{"job_id": 12, "name": "b"}, {"job_id": 13, "name": "b"}]}}
    client = RoutedClient({("GET", LIST): listed, ("GET", LIST, "detail"): listed})
    results, notes, summary = converge_jobs(client, checked_jobs([{"name": "b"}, {"name": "b"}]), check_mode=True)
    assert all("2 jobs are named 'b'" in result["msg"] for result in results)
