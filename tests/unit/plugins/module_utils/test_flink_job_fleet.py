# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many jobs in one run: every job checked first, names found with one list, stops and starts batched,
results in the input's order, one failure not stopping the others."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time
from types import SimpleNamespace

import pytest

from ansible_collections.hwcloud.dli.plugins.module_utils.api import AnswerLostError, DliApiError
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_read import JobError
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_fleet import (
    BatchingClient,
    checked_jobs,
    converge_jobs,
)
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_wait import SHARED_FROM
from conftest import build_detail  # shared fixtures (tests/unit/conftest.py)

LIST = "/v1.0/p1/streaming/jobs"
STOP = "/v1.0/p1/streaming/jobs/stop"
RUN = "/v1.0/p1/streaming/jobs/run"
QUEUE = "/v1.0/p1/queues/flinktest"  # the queue of the shared job detail
FIT_QUEUE = {"is_success": True, "queueName": "flinktest", "queueType": "general", "cuCount": 16,
             "support_flink_jar_versions": ["1.15"]}


class FakeClient(object):
    """What the fleet asks of a DliClient besides its calls: project p1, no retries, nothing to redact."""

    project_id = "p1"
    retry = SimpleNamespace(max_retries=0)  # DliClient.retry, the policy's tries

    def project_path(self, *segments):
        return "/v1.0/p1/" + "/".join(str(segment) for segment in segments)

    def redact(self, text):
        return text


class RoutedClient(FakeClient):
    """Answers by route, from any thread; records every call."""

    def __init__(self, routes):
        self.routes = routes
        self.calls = []
        self.not_idempotent = []
        self.lock = threading.Lock()

    def call(self, method, path, body=None, expect=dict, params=None, check_each=True, idempotent=True):
        with self.lock:
            self.calls.append((method, path, body if params is None else params))
            if not idempotent:
                self.not_idempotent.append((method, path))
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


def test_an_unknown_key_is_an_unsupported_parameter_of_that_job():
    """As AnsibleModule says it of the module's own options, with the job's index instead of the module's name."""
    with pytest.raises(ValueError) as excinfo:
        checked_jobs([{"name": "a"}, {"job_id": 2}, {"name": "c", "paralel_number": 2},
                      {"job_id": 4, "foo": 1, "bar": 2}, {"name": "e", "resource_config": {"max_slots": 2}}])
    problems = str(excinfo.value).split("jobs[")
    assert problems[0] == "" and [problem.split("]")[0] for problem in problems[1:]] == ["2", "3", "4"]
    assert problems[1].startswith("2] (c): unsupported parameter: paralel_number. Supported parameters include: ")
    supported = problems[1].split("Supported parameters include: ")[1].rstrip(". ").split(", ")
    assert "parallel_number" in supported and "allow_restart" in supported and "paralel_number" not in supported
    assert problems[2].startswith("3]: unsupported parameters: bar, foo. Supported parameters include: ")
    assert problems[3].startswith("4] (e): unsupported parameter: resource_config.max_slots. Supported parameters "
                                  "include: jobmanager_resource_spec, max_slot, parallel_number, taskmanager_resource_spec.")


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
    assert summary == {"changed": ["new"], "ok": ["a"], "restarted": [], "skipped": [], "failed": ["b", 20]}
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


# -- every failure of one job is that job's result; nothing waits without a bound -------------------

def run_in_threads(function, args, bound=10):
    """Run function(arg) for each arg in a thread of its own; the outcomes by arg; fails if any thread hangs."""
    outcomes = {}

    def each(arg):
        try:
            outcomes[arg] = function(arg)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            outcomes[arg] = exc

    threads = [threading.Thread(target=each, args=(arg,), daemon=True) for arg in args]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + bound
    for thread in threads:
        thread.join(max(0, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "a caller of the batch is still waiting"
    return outcomes


def test_a_batched_call_that_fails_with_any_exception_fails_each_caller_as_possibly_written():
    def nested_too_deeply(body):
        raise RecursionError("maximum recursion depth exceeded while decoding a JSON array")

    batching = BatchingClient(RoutedClient({("POST", STOP): nested_too_deeply}), window=0.2)
    outcomes = run_in_threads(lambda job_id: batching.call("POST", STOP, {"job_ids": [job_id], "trigger_savepoint": True},
                                                           expect=list), (5, 6, 7))
    for job_id in (5, 6, 7):
        assert isinstance(outcomes[job_id], AnswerLostError) and outcomes[job_id].maybe_written
        assert outcomes[job_id].msg.startswith("POST %s for jobs " % STOP)
        assert outcomes[job_id].msg.endswith(" failed: RecursionError: maximum recursion depth exceeded while decoding "
                                             "a JSON array: it may have taken effect.")


def test_a_caller_waits_for_its_batch_no_longer_than_the_bound():
    answered = threading.Event()

    def never_answered(body):
        answered.wait(5)  # a call that outlives every bound of the callers
        return [{"is_success": "true"} for dummy in body["job_ids"]]

    batching = BatchingClient(RoutedClient({("POST", STOP): never_answered}), window=0.1, wait_bound=0.3)
    leader = threading.Thread(target=batching.call, args=("POST", STOP, {"job_ids": [1], "trigger_savepoint": True}),
                              daemon=True)
    leader.start()
    time.sleep(0.02)
    with pytest.raises(AnswerLostError, match="was not answered within 0.3 seconds: it may have taken effect"):
        batching.call("POST", STOP, {"job_ids": [2], "trigger_savepoint": True})
    answered.set()
    leader.join(5)


def test_the_default_bound_covers_every_try_of_the_shared_client():
    client = RoutedClient({})
    client.timeout = 30
    client.retry.budget = 600
    assert BatchingClient(client, window=0.2).wait_bound == 31 * 2 + 600 + 0.2


def detail_answer(**fields):
    return {"is_success": "true", "job_detail": build_detail(**fields)}


def test_a_malformed_detail_fails_its_own_job_in_one_line_and_the_written_one_stands():
    malformed = dict(build_detail(job_id=1, name="a"), job_config="not an object")
    client = RoutedClient({
        ("GET", LIST + "/1"): {"is_success": "true", "job_detail": malformed},
        ("GET", LIST + "/2"): detail_answer(job_id=2, name="b", smn_topic="old"),
        ("PUT", "/v1.0/p1/streaming/flink-jobs/2"): {"is_success": "true", "job": {"update_time": 9}}})
    results, notes, groups = converge_jobs(client, checked_jobs([{"job_id": 1, "smn_topic": "new"},
                                                                 {"job_id": 2, "smn_topic": "new"}]), concurrency=2)
    assert results[0]["failed"] and results[0]["changed"] is False
    assert results[0]["msg"] == ("Flink job 1: GET /v1.0/p1/streaming/jobs/1 answered a job_detail whose job_config "
                                 "is not an object: the answer is malformed.")
    assert results[1]["changed"] is True and results[1]["actions"] == ["update smn_topic"]
    assert groups == {"changed": [2], "ok": [], "restarted": [], "skipped": [], "failed": [1]}


def test_any_exception_of_one_job_is_its_result_with_the_writes_it_made():
    reads = []

    def detail_then_broken(body):
        reads.append(1)
        if len(reads) > 1:
            raise RuntimeError("broken answer\nsecond line")
        return detail_answer(job_id=3, name="c", status="job_running")

    client = RoutedClient({
        ("GET", LIST + "/3"): detail_then_broken,
        ("POST", STOP): lambda body: [{"is_success": "true"} for dummy in body["job_ids"]],
        ("GET", QUEUE): FIT_QUEUE,
        ("GET", LIST + "/4"): detail_answer(job_id=4, name="d")})
    checked = checked_jobs([{"job_id": 3, "parallel_number": 9, "allow_restart": True}, {"job_id": 4}])
    outcome = run_in_threads(lambda dummy: converge_jobs(client, checked, concurrency=2, window=0), ["task"], bound=20)
    assert not isinstance(outcome["task"], Exception), outcome["task"]
    results, notes, groups = outcome["task"]
    assert results[0] == {"failed": True, "changed": True, "actions": ["stop with savepoint"], "rolled_back": False,
                          "msg": "Flink job 3: RuntimeError: broken answer"}
    assert results[1]["changed"] is False and not results[1].get("failed")
    assert groups["failed"] == [3] and groups["ok"] == [4]


def test_a_batched_stop_that_raises_anything_ends_the_task_with_each_jobs_result():
    def nested_too_deeply(body):
        raise RecursionError("maximum recursion depth exceeded")

    client = RoutedClient({
        ("GET", LIST + "/1"): detail_answer(job_id=1, name="a", status="job_running"),
        ("GET", LIST + "/2"): detail_answer(job_id=2, name="b", status="job_running"),
        ("POST", STOP): nested_too_deeply})
    checked = checked_jobs([{"job_id": 1, "state": "stopped"}, {"job_id": 2, "state": "stopped"}])
    outcome = run_in_threads(lambda dummy: converge_jobs(client, checked, concurrency=2, window=0.2), ["task"], bound=20)
    assert not isinstance(outcome["task"], Exception), outcome["task"]
    results, notes, groups = outcome["task"]
    for result in results:
        # The stop may have been sent: it is listed, changed is true, and the job read back says it did not stop.
        assert result["failed"] and result["changed"] is True and result["actions"] == ["stop with savepoint"]
        assert "RecursionError: maximum recursion depth exceeded: it may have taken effect. The job is job_running." \
            in result["msg"]
    assert groups["failed"] == [1, 2]


def test_a_fleet_create_goes_through_as_a_call_that_is_never_sent_twice():
    listed = {"is_success": "true", "job_list": {"total_count": 0, "jobs": []}}
    client = RoutedClient({
        ("GET", LIST): listed,
        ("POST", "/v1.0/p1/streaming/flink-jobs"): {"is_success": "true", "job": {"job_id": 30}},
        ("GET", LIST + "/30"): detail_answer(job_id=30, name="new", status="job_init")})
    results, notes, groups = converge_jobs(client, checked_jobs([{"name": "new"}]), concurrency=1)
    assert results[0]["changed"] is True and results[0]["job_id"] == 30 and results[0]["actions"] == ["create"]
    assert client.not_idempotent == [("POST", "/v1.0/p1/streaming/flink-jobs")]


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


def test_each_job_of_a_fleet_goes_through_the_pre_flight_and_a_queue_is_read_once():
    client = RoutedClient({
        ("GET", LIST + "/1"): detail_answer(job_id=1, name="a", status="job_cancel_success"),
        ("GET", LIST + "/2"): detail_answer(job_id=2, name="b", status="job_cancel_success"),
        ("GET", LIST + "/3"): detail_answer(job_id=3, name="c", status="job_cancel_success", cu_number=32),
        ("GET", QUEUE): FIT_QUEUE,
        ("POST", RUN): lambda body: [{"is_success": "true"} for dummy in body["job_ids"]]})
    checked = checked_jobs([{"job_id": job_id, "state": "started", "wait": False} for job_id in (1, 2, 3)])
    results, notes, groups = converge_jobs(client, checked, concurrency=3, window=0)
    assert [call[:2] for call in client.calls].count(("GET", QUEUE)) == 1
    assert results[0]["actions"] == results[1]["actions"] == ["start from savepoint"]
    assert results[2]["failed"] and results[2]["actions"] == [] and results[2]["changed"] is False
    assert "CUs: the queue 'flinktest' has 16 CUs (cuCount), fewer than the job's cu_number 32." in results[2]["msg"]
    assert groups["failed"] == [3] and sorted(groups["changed"]) == [1, 2]


# -- rolling restarts: max_restarting and halt_on_failure ----------------------------------------

class FleetDli(FakeClient):
    """A project of running jobs whose stops and starts take ``transition`` seconds, from any thread. It counts
    the jobs that are down after a stop (stopped, starting, or failed to start) at once: ``peak``. A start of a job
    whose entrypoint is ``broken`` fails (job_submit_fail)."""

    def __init__(self, ids, transition=0.05, broken=None):
        self.transition, self.broken = transition, broken
        self.fields = dict((job_id, dict(job_id=job_id, name="j%s" % job_id, status="job_running")) for job_id in ids)
        self.pending = {}  # job_id -> (status, at)
        self.down, self.peak, self.stopped = set(), 0, []
        self.calls = []
        self.lock = threading.RLock()

    def status(self, job_id):
        pending = self.pending.get(job_id)
        if pending and time.monotonic() >= pending[1]:
            self.fields[job_id]["status"] = pending[0]
            del self.pending[job_id]
            if pending[0] == "job_running":
                self.down.discard(job_id)
        return self.fields[job_id]["status"]

    def call(self, method, path, body=None, expect=dict, params=None, check_each=True, idempotent=True):
        with self.lock:
            self.calls.append((method, path, params or body))
            if method == "GET" and path == LIST:
                jobs = [dict(job_id=job_id, name=self.fields[job_id]["name"], status=self.status(job_id),
                             status_desc="") for job_id in sorted(self.fields)]
                page = jobs[params["offset"]:params["offset"] + params["limit"]]
                return {"is_success": "true", "job_list": {"total_count": len(jobs), "jobs": page}}
            if method == "GET" and path == QUEUE:
                return FIT_QUEUE
            if method == "GET" and path.startswith(LIST + "/"):
                job_id = int(path.rsplit("/", 1)[1])
                self.status(job_id)
                return {"is_success": "true", "job_detail": build_detail(**self.fields[job_id])}
            if method == "PUT":
                self.fields[int(path.rsplit("/", 1)[1])].update(body)
                return {"is_success": "true", "job": {"update_time": 2}}
            if method == "POST" and path == STOP:
                for job_id in body["job_ids"]:
                    self.fields[job_id]["status"] = "job_canceling"
                    self.pending[job_id] = ("job_cancel_success", time.monotonic() + self.transition)
                    self.down.add(job_id)
                    self.stopped.append(job_id)
                self.peak = max(self.peak, len(self.down))
                return [{"is_success": "true"} for dummy in body["job_ids"]]
            if method == "POST" and path == RUN:
                for job_id in body["job_ids"]:
                    self.fields[job_id]["status"] = "job_submitting"
                    fails = self.broken is not None and self.fields[job_id].get("entrypoint") == self.broken
                    self.pending[job_id] = ("job_submit_fail" if fails else "job_running",
                                            time.monotonic() + self.transition)
                return [{"is_success": "true"} for dummy in body["job_ids"]]
        raise AssertionError("unexpected call %s %s" % (method, path))


@pytest.fixture
def quick_polls(monkeypatch):
    """The waits poll every 20 ms, not every 0.5 to 2 s: the fake jobs stop and start in 50 ms."""
    from ansible_collections.hwcloud.dli.plugins.module_utils import flink_job_update
    monkeypatch.setattr(flink_job_update, "FIRST_POLLS", (0.02,))
    monkeypatch.setattr(flink_job_update, "POLL_INTERVAL", 0.02)


def restarts(ids, **options):
    return checked_jobs([dict(job_id=job_id, parallel_number=5, allow_restart=True, upgrade_mode="stateless",
                              **options) for job_id in ids])


@pytest.mark.parametrize("max_restarting", [1, 2])
def test_no_more_than_max_restarting_jobs_are_ever_stopped_at_once(quick_polls, max_restarting):
    dli = FleetDli(range(1, 9))
    outcome = run_in_threads(lambda dummy: converge_jobs(dli, restarts(range(1, 9)), concurrency=8, window=0.01,
                                                         max_restarting=max_restarting), ["task"], bound=30)
    results, notes, groups = outcome["task"]
    assert all(result["restarted"] and not result.get("failed") for result in results), results
    assert sorted(dli.stopped) == list(range(1, 9))  # every job was restarted, each once
    assert dli.peak == max_restarting  # never more at once: 8 threads would stop all 8 without the gate
    assert sorted(groups["restarted"]) == list(range(1, 9)) and groups["skipped"] == []


def test_max_restarting_defaults_to_the_concurrency(quick_polls):
    dli = FleetDli(range(1, 7))
    outcome = run_in_threads(lambda dummy: converge_jobs(dli, restarts(range(1, 7)), concurrency=3, window=0.01),
                             ["task"], bound=30)
    assert not isinstance(outcome["task"], Exception), outcome["task"]
    assert 1 <= dli.peak <= 3 and sorted(dli.stopped) == list(range(1, 7))


def test_halt_on_failure_skips_the_jobs_not_yet_touched_after_a_failed_restart(quick_polls):
    """A broken jar: every start of it fails. With max_restarting 2, the first two jobs' restarts fail and roll
    back; no other job is stopped; they are skipped, named in the summary, and the task's jobs all run again."""
    dli = FleetDli(range(1, 9), broken="broken.jar")
    checked = checked_jobs([dict(job_id=job_id, entrypoint="broken.jar", allow_restart=True, upgrade_mode="stateless")
                            for job_id in range(1, 9)])
    outcome = run_in_threads(lambda dummy: converge_jobs(dli, checked, concurrency=8, window=0.01, max_restarting=2,
                                                         halt_on_failure=True), ["task"], bound=30)
    results, notes, groups = outcome["task"]
    failed = [result for result in results if result.get("failed")]
    skipped = [result for result in results if result.get("skipped")]
    assert len(failed) == 2 and len(skipped) == 6 and dli.peak == 2
    failed_ids = [index + 1 for index, result in enumerate(results) if result.get("failed")]
    assert sorted(dli.stopped) == failed_ids  # only the two were ever stopped
    for result in failed:
        assert result["rolled_back"] is True and result["status"] == "job_running"
    for result in skipped:
        assert result["changed"] is False and result["actions"] == [] and "failed" not in result
        assert "skipped: halt_on_failure is set and Flink job " in result["msg"]
        assert result["msg"].endswith("failed, so this job was not touched.")
    assert groups["failed"] == failed_ids
    assert sorted(groups["skipped"]) == sorted(set(range(1, 9)) - set(groups["failed"]))
    assert groups["changed"] == [] and groups["ok"] == []
    assert all(dli.status(job_id) == "job_running" for job_id in range(1, 9))
    assert all(dli.fields[job_id].get("entrypoint") != "broken.jar" for job_id in range(1, 9))


def test_without_halt_on_failure_every_job_is_tried(quick_polls):
    dli = FleetDli(range(1, 5), broken="broken.jar")
    checked = checked_jobs([dict(job_id=job_id, entrypoint="broken.jar", allow_restart=True, upgrade_mode="stateless")
                            for job_id in range(1, 5)])
    outcome = run_in_threads(lambda dummy: converge_jobs(dli, checked, concurrency=4, window=0.01, max_restarting=2),
                             ["task"], bound=30)
    results, notes, groups = outcome["task"]
    assert sorted(groups["failed"]) == [1, 2, 3, 4] and groups["skipped"] == [] and dli.peak == 2
    assert all(result["rolled_back"] for result in results)


def test_a_refusal_before_any_write_does_not_halt_the_others(quick_polls):
    dli = FleetDli(range(1, 4))
    checked = checked_jobs([dict(job_id=1, parallel_number=5)] +  # needs a restart, not allowed: refused, no write
                           [dict(job_id=job_id, parallel_number=5, allow_restart=True, upgrade_mode="stateless")
                            for job_id in (2, 3)])
    outcome = run_in_threads(lambda dummy: converge_jobs(dli, checked, concurrency=1, window=0.01,
                                                         halt_on_failure=True), ["task"], bound=30)
    results, notes, groups = outcome["task"]
    assert groups["failed"] == [1] and groups["restarted"] == [2, 3] and groups["skipped"] == []


def test_a_job_waiting_for_its_restart_slot_gives_up_untouched_on_a_signal(quick_polls):
    from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_fleet import RestartGate

    class Update(object):
        wrote, label = False, 7

        @staticmethod
        def interrupted():
            return "SIGTERM"

    gate = RestartGate(1, poll=0.01)
    gate.enter(Update())  # the one slot is taken
    with pytest.raises(JobError, match="received SIGTERM before any change: nothing was changed"):
        gate.enter(Update())


# -- the waits of a fleet share one watcher ----------------------------------------------------------

def test_a_fleet_restart_waits_with_list_calls_not_a_read_per_job_and_poll(quick_polls):
    dli = FleetDli(range(1, 21))
    outcome = run_in_threads(lambda dummy: converge_jobs(dli, restarts(range(1, 21)), concurrency=20, window=0.05),
                             ["task"], bound=30)
    results, notes, groups = outcome["task"]
    assert sorted(groups["restarted"]) == list(range(1, 21))
    reads = [path for method, path, query in dli.calls if method == "GET" and path.startswith(LIST + "/")]
    rounds = [query for method, path, query in dli.calls if path == LIST and query.get("limit") == 100]
    # Each job's read before its plan; its waits' polls were the rounds' lists, but for the first and last few
    # jobs of each wait (the stop's, the start's), while fewer than SHARED_FROM were waiting.
    assert 20 <= len(reads) <= 20 + 2 * 2 * (SHARED_FROM - 1)
    # Each job polls every 20 ms, twice or more in each of its two waits: 80 reads or more, were they its own.
    assert 2 <= len(rounds) <= 40


def test_a_fleets_shared_wait_is_bounded_by_wait_timeout(quick_polls):
    dli = FleetDli(range(1, 7), transition=3600)  # a stop that never ends
    checked = checked_jobs([dict(job_id=job_id, state="stopped", wait_timeout=1) for job_id in range(1, 7)])
    began = time.monotonic()
    outcome = run_in_threads(lambda dummy: converge_jobs(dli, checked, concurrency=6, window=0.01), ["task"],
                             bound=20)
    results, notes, groups = outcome["task"]
    assert 1 <= time.monotonic() - began < 10
    assert sorted(groups["failed"]) == list(range(1, 7))
    assert all("still job_canceling after wait_timeout=1 seconds" in result["msg"] for result in results)
    reads = [path for method, path, query in dli.calls if method == "GET" and path.startswith(LIST + "/")]
    rounds = [query for method, path, query in dli.calls if path == LIST and query.get("limit") == 100]
    # Polls every 20 ms for a second: lists, but for the first and the last few while fewer than SHARED_FROM wait.
    assert len(rounds) >= 10 and len(reads) <= 6 + 2 * (SHARED_FROM - 1)


def test_the_polls_of_stable_windows_are_shared_too_and_the_window_ends_with_the_jobs_own_detail(quick_polls):
    dli = FleetDli(range(1, 11))
    checked = checked_jobs([dict(job_id=job_id, parallel_number=5, allow_restart=True, upgrade_mode="stateless",
                                 stable_seconds=1, wait_timeout=30) for job_id in range(1, 11)])
    outcome = run_in_threads(lambda dummy: converge_jobs(dli, checked, concurrency=10, window=0.05), ["task"],
                             bound=30)
    results, notes, groups = outcome["task"]
    assert sorted(groups["restarted"]) == list(range(1, 11)), results
    reads = [path for method, path, query in dli.calls if method == "GET" and path.startswith(LIST + "/")]
    rounds = [query for method, path, query in dli.calls if path == LIST and query.get("limit") == 100]
    # A second of polls every 20 ms in the window: 50 reads per job, were they its own. Its own: the read before
    # its plan, the detail at job_running and at the window's end (restart_times), and a few while few waited.
    assert len(rounds) >= 20 and len(reads) <= 10 * 3 + 4 * (SHARED_FROM - 1)
