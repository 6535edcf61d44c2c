# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The update flow against a scripted fake client and a fake clock: every plan, every restart
path, waits, timeouts, and the judgement after a write whose answer was lost or refused."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.dli.plugins.module_utils.api import AnswerLostError, DliApiError
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_fields import desired_from_params
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_kind import JAR
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_plan import plan_steps as any_plan_steps
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_read import JobError
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_update import FlinkJobUpdate, task_result
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_preflight import QueuePreflight

JOB = "/v1.0/p1/streaming/jobs/104"
PUT_PATH = "/v1.0/p1/streaming/flink-jobs/104"
STOP_PATH = "/v1.0/p1/streaming/jobs/stop"
RUN_PATH = "/v1.0/p1/streaming/jobs/run"
PUT_TIME = 1516952770835


def plan_steps(status, changes, state="present", allow_restart=False, upgrade_mode="savepoint", wait=True,
               savepoint_path=None):
    """The plan of a Jar job (its in-place fields)."""
    return any_plan_steps(status, changes, state, allow_restart, upgrade_mode, wait, savepoint_path, JAR.in_place)


def plan_update(status, changes, allow_restart, savepoint, wait):
    """``plan_steps`` for ``state=present``, with the savepoint choice as a flag."""
    return plan_steps(status, changes, "present", allow_restart, "savepoint" if savepoint else "stateless", wait)


class RetrySettings(object):
    def __init__(self, max_retries):
        self.max_retries = max_retries

    @staticmethod
    def backoff(attempt):
        return 0.5 * 2 ** attempt


class FakeClient(object):
    """Answers each call with the next scripted outcome (an answer, or an exception to raise),
    after checking it is the call the script expects; records every call with its body."""

    project_id = "p1"

    def __init__(self, script, max_retries=2):
        self.script = list(script)
        self.calls = []
        self.retry = RetrySettings(max_retries)

    def project_path(self, *segments):
        return "/v1.0/p1/" + "/".join(str(segment) for segment in segments)

    def call(self, method, path, body=None, expect=dict, idempotent=True):
        self.calls.append((method, path, body))
        assert self.script, "unexpected call %s %s" % (method, path)
        want_method, want_path, outcome = self.script.pop(0)
        assert (method, path) == (want_method, want_path), "expected %s %s" % (want_method, want_path)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def get(detail):
    return ("GET", JOB, {"is_success": "true", "job_detail": detail})


def put(outcome=None):
    return ("PUT", PUT_PATH, outcome if outcome is not None else {"is_success": True, "job": {"update_time": PUT_TIME}})


def stop(outcome=None):
    return ("POST", STOP_PATH, outcome if outcome is not None else [{"is_success": "true", "message": "stopping"}])


def run(outcome=None):
    return ("POST", RUN_PATH, outcome if outcome is not None else [{"is_success": "true", "message": "starting"}])


def lost(method, path):
    return AnswerLostError("%s %s was sent, but the answer was lost (ReadTimeout): it may have taken effect." % (
        method, path), method=method, path=path)


def refused(method, path, message):
    return DliApiError("%s %s failed: HTTP 200 but is_success is false: %s" % (method, path, message),
                       method=method, path=path, status_code=200)


class FitQueues(object):
    """A pre-flight that finds every queue fit, and records what it was asked: the tests of the plans
    that are not about the queue checks (test_flink_job_preflight.py and the tests below test them)."""

    def __init__(self):
        self.asked = []

    def check(self, queue_name, cu_number=None, flink_version=None):
        self.asked.append((queue_name, cu_number, flink_version))


def update(client, clock, check_mode=False, allow_restart=False, wait=True, wait_timeout=600, rollback=False,
           preflight=None, **options):
    """The update of job 104; without a rollback unless asked (its own tests below turn it on)."""
    return FlinkJobUpdate(client, 104, desired_from_params(options), allow_restart=allow_restart, wait=wait,
                          wait_timeout=wait_timeout, check_mode=check_mode, sleep=clock.sleep, clock=clock.clock,
                          rollback=rollback, preflight=preflight or FitQueues())


def methods(client):
    return [(method, path) for method, path, body in client.calls]


def bodies(client):
    return [body for method, path, body in client.calls if body is not None]


RESTART_ACTIONS = ["stop with savepoint", "update parallel_number", "start from savepoint"]


# -- plans -------------------------------------------------------------------------------------

@pytest.mark.parametrize("status, changes, allow, wait, expected", [
    ("job_init", [], False, True, []),
    ("job_init", ["parallel_number"], False, True, ["update parallel_number"]),
    ("job_cancel_success", ["parallel_number", "cu_number"], False, True, ["update parallel_number, cu_number"]),
    ("job_running", ["smn_topic", "resume_max_num"], False, True, ["update smn_topic, resume_max_num"]),
    ("job_running", ["parallel_number"], True, True, RESTART_ACTIONS),
    ("job_submitting", ["parallel_number"], True, False, RESTART_ACTIONS),
    ("job_canceling", ["parallel_number"], True, True, ["wait for the stop someone else started", "update parallel_number"]),
    ("job_canceling", ["parallel_number"], False, True, ["wait for the stop someone else started", "update parallel_number"]),
    ("job_submit_fail", ["queue_name"], False, True, ["update queue_name"]),
])
def test_plan(status, changes, allow, wait, expected):
    assert [step.describe() for step in plan_update(status, changes, allow, True, wait)] == expected


def test_plan_without_savepoint_says_so():
    assert [s.describe() for s in plan_update("job_running", ["cu_number"], True, False, False)] == [
        "stop", "update cu_number", "start"]


def test_plan_refuses_a_restart_that_is_not_allowed():
    with pytest.raises(JobError, match="the job is job_running, and a change of cu_number needs a restart"):
        plan_update("job_running", ["smn_topic", "cu_number"], False, True, True)


# -- normal runs and check mode -----------------------------------------------------------------

def test_unchanged_job_reads_once(job_detail, clock):
    client = FakeClient([get(job_detail(parallel_number=4))])
    result = update(client, clock, parallel_number=4).run()
    assert methods(client) == [("GET", JOB)]
    assert result["changed"] is False and result["actions"] == [] and "diff" not in result


def test_in_place_update_sends_only_what_differs(job_detail, clock):
    client = FakeClient([get(job_detail()), put()])
    result = update(client, clock, parallel_number=4, cu_number=2).run()
    assert bodies(client) == [{"parallel_number": 4}]
    assert result["actions"] == ["update parallel_number"] and result["update_time"] == PUT_TIME


def test_check_mode_returns_the_restart_plan_and_writes_nothing(job_detail, clock):
    client = FakeClient([get(job_detail(status="job_running", resume_checkpoint=True))])
    result = update(client, clock, check_mode=True, allow_restart=True, parallel_number=4).run()
    assert methods(client) == [("GET", JOB)]
    assert result["actions"] == RESTART_ACTIONS and result["restarted"] is True
    assert result["job"]["parallel_number"] == 4 and result["job"]["status"] == "job_running"


def test_restart_with_savepoint_stops_waits_updates_starts_and_waits(job_detail, clock):
    client = FakeClient([
        get(job_detail(status="job_running", resume_checkpoint=True)), stop(),
        get(job_detail(status="job_canceling")), get(job_detail(status="job_cancel_success")),
        put(), run(), get(job_detail(status="job_submitting")), get(job_detail(status="job_running"))])
    up = update(client, clock, allow_restart=True, parallel_number=4)
    result = up.run()
    assert methods(client) == [("GET", JOB), ("POST", STOP_PATH), ("GET", JOB), ("GET", JOB), ("PUT", PUT_PATH),
                               ("POST", RUN_PATH), ("GET", JOB), ("GET", JOB)]
    assert bodies(client) == [{"job_ids": [104], "trigger_savepoint": True}, {"parallel_number": 4},
                              {"job_ids": [104], "resume_savepoint": True}]
    assert result["actions"] == RESTART_ACTIONS and up.done == RESTART_ACTIONS
    assert result["job"]["status"] == "job_running" and clock.sleeps == [0.5, 0.5]


def test_restart_times_out_when_the_job_does_not_stop(job_detail, clock):
    script = [get(job_detail(status="job_running")), stop()] + [get(job_detail(status="job_canceling"))] * 5
    client = FakeClient(script)
    up = update(client, clock, allow_restart=True, wait_timeout=5, parallel_number=4)
    with pytest.raises(JobError) as excinfo:
        up.run()
    # The restart was cut short after this task's stop: the message says so, and how to bring the job back.
    assert excinfo.value.msg == ("Flink job 104: the job did not stop: still job_canceling after wait_timeout=5 "
                                 "seconds (no status description). This task stopped the job, and it is (or will be) "
                                 "stopped: it was not started again. Run the task with state: started to bring it "
                                 "back.")
    assert excinfo.value.extra["status"] == "job_canceling" and clock.sleeps == [0.5, 1, 2, 1.5]
    assert up.wrote is True and up.done == ["stop with savepoint"]


# -- lost and refused answers ------------------------------------------------------------------

def test_lost_put_answer_is_judged_by_reading_the_job_back(job_detail, clock):
    client = FakeClient([get(job_detail()), put(lost("PUT", PUT_PATH)),
                         get(job_detail(parallel_number=4, update_time=PUT_TIME))])
    up = update(client, clock, parallel_number=4)
    result = up.run()
    assert methods(client) == [("GET", JOB), ("PUT", PUT_PATH), ("GET", JOB)]
    assert result["changed"] is True and result["update_time"] == PUT_TIME
    assert up.notes == ["PUT %s was sent, but the answer was lost (ReadTimeout): it may have taken effect. The job "
                        "read back holds the update." % PUT_PATH]


def test_lost_put_answer_on_a_running_job_resends_only_what_the_job_does_not_hold(job_detail, clock):
    running = dict(status="job_running", obs_bucket="old")
    client = FakeClient([
        get(job_detail(**running)), put(lost("PUT", PUT_PATH)),
        get(job_detail(status="job_running", obs_bucket="new")), put()])
    result = update(client, clock, obs_bucket="new", smn_topic="alerts").run()
    # obs_bucket is held already: sending it again to a running job would be refused as unchanged.
    assert bodies(client) == [{"obs_bucket": "new", "smn_topic": "alerts"}, {"smn_topic": "alerts"}]
    assert result["changed"] is True and result["update_time"] == PUT_TIME


def test_lost_put_answers_beyond_the_retries_fail_as_changed(job_detail, clock):
    client = FakeClient([get(job_detail()), put(lost("PUT", PUT_PATH)), get(job_detail())], max_retries=0)
    up = update(client, clock, parallel_number=4)
    with pytest.raises(JobError, match="The job read back does not hold parallel_number yet"):
        up.run()
    assert up.wrote is True


def test_lost_put_answer_whose_read_back_fails_too_says_both(job_detail, clock):
    read_failure = DliApiError("GET %s failed: could not reach http://x (ConnectionError)." % JOB, method="GET", path=JOB)
    client = FakeClient([get(job_detail()), put(lost("PUT", PUT_PATH)), ("GET", JOB, read_failure)])
    up = update(client, clock, parallel_number=4)
    with pytest.raises(JobError) as excinfo:
        up.run()
    assert "it may have taken effect. Reading the job back failed too: GET" in excinfo.value.msg
    assert up.wrote is True


def test_lost_stop_answer_with_the_job_stopping_goes_on(job_detail, clock):
    client = FakeClient([
        get(job_detail(status="job_running")), stop(lost("POST", STOP_PATH)), get(job_detail(status="job_canceling")),
        get(job_detail(status="job_cancel_success")), put(), run(), get(job_detail(status="job_running"))])
    up = update(client, clock, allow_restart=True, parallel_number=4)
    result = up.run()
    assert result["changed"] is True and result["job"]["status"] == "job_running"
    assert up.notes[0].endswith("The job read back is job_canceling: the stop took effect.")


def test_lost_stop_answer_with_the_job_still_running_fails_as_possibly_changed(job_detail, clock):
    client = FakeClient([get(job_detail(status="job_running")), stop(lost("POST", STOP_PATH)),
                         get(job_detail(status="job_running"))])
    up = update(client, clock, allow_restart=True, parallel_number=4)
    with pytest.raises(DliApiError) as excinfo:
        up.run()
    assert excinfo.value.msg.endswith("it may have taken effect. The job is job_running.")
    assert up.wrote is True and up.done == ["stop with savepoint"]  # sent, and it may yet take effect


def test_stop_refused_because_someone_else_stopped_the_job_updates_it_and_leaves_it_stopped(job_detail, clock):
    client = FakeClient([
        get(job_detail(status="job_running")), stop(refused("POST", STOP_PATH, "Job 104 is not running")),
        get(job_detail(status="job_cancel_success")), get(job_detail(status="job_cancel_success")), put()])
    up = update(client, clock, allow_restart=True, parallel_number=4)
    result = up.run()
    assert ("POST", RUN_PATH) not in methods(client)
    assert result["actions"] == ["stop with savepoint", "update parallel_number"]
    assert result["restarted"] is False and result["job"]["status"] == "job_cancel_success"
    assert up.notes[0].endswith("The job read back is job_cancel_success: someone else stopped it.")


def test_start_refused_after_the_update_says_the_job_is_stopped_and_updated(job_detail, clock):
    client = FakeClient([
        get(job_detail(status="job_running")), stop(), get(job_detail(status="job_cancel_success")), put(),
        run(refused("POST", RUN_PATH, "No resources in queue")), get(job_detail(status="job_cancel_success"))])
    up = update(client, clock, allow_restart=True, parallel_number=4)
    with pytest.raises(JobError) as excinfo:
        up.run()
    assert excinfo.value.msg == (
        "Flink job 104: the job is stopped and updated, but it could not be started again: POST %s failed: HTTP 200 "
        "but is_success is false: No resources in queue It is job_cancel_success. This task stopped the job, and it "
        "is (or will be) stopped: it was not started again. Run the task with state: started to bring it back."
        % RUN_PATH)
    assert excinfo.value.extra["status"] == "job_cancel_success"
    assert up.wrote is True and up.done == ["stop with savepoint", "update parallel_number"]


def test_lost_start_answer_with_the_job_starting_goes_on(job_detail, clock):
    client = FakeClient([
        get(job_detail(status="job_running")), stop(), get(job_detail(status="job_cancel_success")), put(),
        run(lost("POST", RUN_PATH)), get(job_detail(status="job_submitting")), get(job_detail(status="job_running"))])
    up = update(client, clock, allow_restart=True, parallel_number=4)
    result = up.run()
    assert result["job"]["status"] == "job_running"
    assert up.notes[0].endswith("The job read back is job_submitting: the start took effect.")


def test_failed_update_after_the_stop_starts_the_job_again_unchanged(job_detail, clock):
    bad = DliApiError("PUT %s failed: HTTP 400 DLI.0001: Parameter check failed" % PUT_PATH, method="PUT",
                      path=PUT_PATH, status_code=400, error_code="DLI.0001")
    client = FakeClient([
        get(job_detail(status="job_running", resume_checkpoint=True)), stop(),
        get(job_detail(status="job_cancel_success")), put(bad), run(), get(job_detail(status="job_submitting"))])
    up = update(client, clock, allow_restart=True, parallel_number=4)
    with pytest.raises(DliApiError) as excinfo:
        up.run()
    assert bodies(client)[-1] == {"job_ids": [104], "resume_savepoint": True}
    # What the job is after the start is read, not assumed; the start is one of the writes listed.
    assert methods(client)[-1] == ("GET", JOB)
    assert excinfo.value.msg.endswith("The job had been stopped for the update; a start was sent to bring it back "
                                      "unchanged, and the job read back after it is job_submitting.")
    assert up.done == ["stop with savepoint", "start from savepoint"]


def test_failed_update_whose_start_again_cannot_be_read_back_says_so_and_lists_the_start(job_detail, clock):
    bad = DliApiError("PUT %s failed: HTTP 400 DLI.0001: Parameter check failed" % PUT_PATH, method="PUT",
                      path=PUT_PATH, status_code=400, error_code="DLI.0001")
    unreadable = DliApiError("GET %s failed: HTTP 503" % JOB, method="GET", path=JOB, status_code=503)
    client = FakeClient([
        get(job_detail(status="job_running")), stop(), get(job_detail(status="job_cancel_success")), put(bad),
        run(), ("GET", JOB, unreadable)])
    up = update(client, clock, allow_restart=True, parallel_number=4)
    with pytest.raises(DliApiError) as excinfo:
        up.run()
    assert excinfo.value.msg.endswith("a start was sent to bring it back unchanged, but reading the job back after it "
                                      "failed: GET %s failed: HTTP 503" % JOB)
    assert "state: started" not in excinfo.value.msg  # the start was sent: the job is not left stopped by this task
    assert up.done == ["stop with savepoint", "start from savepoint"]


def test_a_write_whose_read_back_fails_is_still_listed_in_actions(job_detail, clock):
    unreadable = DliApiError("GET %s failed: HTTP 503" % JOB, method="GET", path=JOB, status_code=503)
    client = FakeClient([get(job_detail()), put(lost("PUT", PUT_PATH)), ("GET", JOB, unreadable)])
    up = update(client, clock, parallel_number=4)
    with pytest.raises(JobError, match="Reading the job back failed too"):
        up.run()
    assert up.wrote is True and up.done == ["update parallel_number"]


def test_a_lost_start_whose_read_back_fails_is_listed_with_the_stop(job_detail, clock):
    unreadable = DliApiError("GET %s failed: HTTP 503" % JOB, method="GET", path=JOB, status_code=503)
    client = FakeClient([
        get(job_detail(status="job_running")), stop(), get(job_detail(status="job_cancel_success")), put(),
        run(lost("POST", RUN_PATH)), ("GET", JOB, unreadable)])
    up = update(client, clock, allow_restart=True, parallel_number=4)
    with pytest.raises(JobError, match="Reading the job back failed too"):
        up.run()
    assert up.done == RESTART_ACTIONS


# -- someone else acting on the same job ---------------------------------------------------------

def test_a_job_someone_else_is_stopping_is_waited_for_and_left_stopped(job_detail, clock):
    client = FakeClient([get(job_detail(status="job_canceling")), get(job_detail(status="job_canceling")),
                         get(job_detail(status="job_cancel_success")), put()])
    result = update(client, clock, allow_restart=True, parallel_number=4).run()
    assert ("POST", STOP_PATH) not in methods(client) and ("POST", RUN_PATH) not in methods(client)
    assert result["actions"] == ["wait for the stop someone else started", "update parallel_number"]
    assert result["restarted"] is False and result["job"]["status"] == "job_cancel_success"


def test_a_job_started_again_by_someone_else_during_the_wait_is_not_waited_for_to_the_end(job_detail, clock):
    client = FakeClient([get(job_detail(status="job_canceling")), get(job_detail(status="job_canceling")),
                         get(job_detail(status="job_running"))])
    up = update(client, clock, allow_restart=True, wait_timeout=600, parallel_number=4)
    with pytest.raises(JobError) as excinfo:
        up.run()
    assert excinfo.value.msg == (
        "Flink job 104: the job was being stopped by someone else, and is job_running again (no status description): "
        "someone else started it again. Nothing else was changed.")
    assert excinfo.value.extra["status"] == "job_running" and clock.sleeps == [0.5]
    assert up.wrote is False


def test_a_running_status_right_after_our_stop_is_waited_on(job_detail, clock):
    # The service may still report the job running just after it took the stop: not someone else's start.
    client = FakeClient([
        get(job_detail(status="job_running")), stop(), get(job_detail(status="job_running")),
        get(job_detail(status="job_cancel_success")), put(), run(), get(job_detail(status="job_running"))])
    result = update(client, clock, allow_restart=True, parallel_number=4).run()
    assert result["job"]["status"] == "job_running"


def test_a_missing_job_is_reported_as_such_only_for_its_own_lookup(clock):
    missing = DliApiError("GET %s failed: HTTP 400 DLI.16001: no such job" % JOB, method="GET", path=JOB,
                          status_code=400, error_code="DLI.16001")
    with pytest.raises(JobError, match=r"^Flink job 104: not found in project p1 \(GET .*A job is created only "
                                       r"from a name, without job_id.$"):
        update(FakeClient([("GET", JOB, missing)]), clock, parallel_number=4).run()
    login = DliApiError("IAM login failed: HTTP 404", method="POST", path="/v3/auth/tokens", status_code=404)
    with pytest.raises(DliApiError, match="^Flink job 104: IAM login failed"):
        update(FakeClient([("GET", JOB, login)]), clock, parallel_number=4).run()


# -- states: the plan from every status ------------------------------------------------------------

ALL_STATUSES = ["job_init", "job_submitting", "job_submit_fail", "job_running", "job_running_exception",
                "job_downloading", "job_idle", "job_canceling", "job_cancel_success", "job_cancel_fail",
                "job_savepointing", "job_finish", "job_arrearage_stopped", "job_arrearage_recovering"]
RUNNING = ("job_running", "job_submitting", "job_savepointing")


def planned(status, state, changes=(), upgrade_mode="savepoint", allow_restart=False, wait=True):
    return [step.describe() for step in plan_steps(status, list(changes), state, allow_restart, upgrade_mode, wait)]


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_started_from_every_status(status):
    if status in RUNNING:
        expected = []
    elif status == "job_canceling":
        expected = ["wait for the stop someone else started", "start from savepoint"]
    elif status == "job_init":
        expected = ["start"]  # never ran: nothing to resume from
    else:
        expected = ["start from savepoint"]
    assert planned(status, "started") == expected
    assert planned(status, "started", upgrade_mode="stateless") == [a.replace(" from savepoint", "") for a in expected]


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_stopped_from_every_status(status):
    expected = {"job_canceling": ["wait for the stop someone else started"]}.get(
        status, ["stop with savepoint"] if status in RUNNING else [])
    assert planned(status, "stopped") == expected
    assert planned(status, "stopped", upgrade_mode="stateless") == [a.replace(" with savepoint", "") for a in expected]


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_absent_from_every_status(status):
    expected = {"job_canceling": ["wait for the stop someone else started", "delete"]}.get(
        status, ["stop with savepoint", "delete"] if status in RUNNING else ["delete"])
    assert planned(status, "absent") == expected
    assert planned(status, "absent", upgrade_mode="stateless") == [a.replace(" with savepoint", "") for a in expected]


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_present_from_every_status_leaves_the_run_state_alone(status):
    assert planned(status, "present") == []
    expected = ["update smn_topic"]
    assert planned(status, "present", ["smn_topic"]) == expected
    if status in RUNNING:
        with pytest.raises(JobError, match="needs a restart"):
            planned(status, "present", ["cu_number"])
        assert planned(status, "present", ["cu_number"], allow_restart=True) == [
            "stop with savepoint", "update cu_number", "start from savepoint"]
    elif status == "job_canceling":
        assert planned(status, "present", ["cu_number"]) == ["wait for the stop someone else started",
                                                             "update cu_number"]
    else:
        assert planned(status, "present", ["cu_number"]) == ["update cu_number"]


@pytest.mark.parametrize("status, expected", [
    ("job_cancel_success", ["update cu_number", "start from savepoint"]),
    ("job_init", ["update cu_number", "start"]),
    ("job_submit_fail", ["update cu_number", "start from savepoint"]),
    ("job_canceling", ["wait for the stop someone else started", "update cu_number", "start from savepoint"]),
    ("job_running", ["stop with savepoint", "update cu_number", "start from savepoint"]),
])
def test_started_with_changes(status, expected):
    assert planned(status, "started", ["cu_number"], allow_restart=True) == expected


def test_started_on_a_running_job_still_needs_allow_restart_for_a_restart():
    with pytest.raises(JobError, match="Set allow_restart=true"):
        planned("job_running", "started", ["cu_number"])


@pytest.mark.parametrize("status, expected", [
    ("job_running", ["stop with savepoint", "update cu_number"]),
    ("job_cancel_success", ["update cu_number"]),
    ("job_canceling", ["wait for the stop someone else started", "update cu_number"]),
])
def test_stopped_with_changes_needs_no_allow_restart(status, expected):
    assert planned(status, "stopped", ["cu_number"]) == expected


@pytest.mark.parametrize("state, expected", [
    ("present", ["create"]), ("stopped", ["create"]), ("started", ["create", "start"]), ("absent", [])])
def test_a_job_that_does_not_exist(state, expected):
    assert planned(None, state, ["name", "queue_name"]) == expected


def test_a_bare_stop_is_waited_for_only_with_wait_but_a_stop_before_an_update_always():
    assert plan_steps("job_running", [], "stopped", wait=False)[0].wait is False
    assert plan_steps("job_running", ["cu_number"], "stopped", wait=False)[0].wait is True
    assert plan_steps("job_running", [], "absent", wait=False)[0].wait is True


# -- states: runs ------------------------------------------------------------------------------------

LIST_PATH = "/v1.0/p1/streaming/jobs"
CREATE_PATH = "/v1.0/p1/streaming/flink-jobs"
NEW = "/v1.0/p1/streaming/jobs/2001"


def listed(*jobs, **answer):
    job_list = dict(total_count=len(jobs), jobs=list(jobs))
    job_list.update(answer)
    return ("GET", LIST_PATH, {"is_success": "true", "job_list": job_list})


def job_update(client, clock, job_id=104, state="present", check_mode=False, upgrade_mode="savepoint",
               allow_restart=False, wait=True, wait_timeout=600, purge_runtime_config=True, tags=None, rollback=False,
               preflight=None, stable_seconds=0, savepoint_path=None, **options):
    return FlinkJobUpdate(client, job_id, desired_from_params(options), allow_restart=allow_restart, wait=wait,
                          wait_timeout=wait_timeout, check_mode=check_mode, sleep=clock.sleep,
                          clock=clock.clock, state=state, upgrade_mode=upgrade_mode,
                          purge_runtime_config=purge_runtime_config, tags=tags, rollback=rollback,
                          preflight=preflight or FitQueues(), stable_seconds=stable_seconds,
                          savepoint_path=savepoint_path)


class PagedClient(FakeClient):
    """FakeClient that also records the query of each call."""

    def call(self, method, path, body=None, expect=dict, idempotent=True, params=None):
        self.calls.append((method, path, body if params is None else params))
        if not idempotent:
            self.not_idempotent = getattr(self, "not_idempotent", []) + [(method, path)]
        assert self.script, "unexpected call %s %s" % (method, path)
        want_method, want_path, outcome = self.script.pop(0)
        assert (method, path) == (want_method, want_path), "expected %s %s, got %s %s" % (
            want_method, want_path, method, path)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def test_started_on_a_stopped_job_starts_it_from_its_savepoint_and_waits(job_detail, clock):
    client = FakeClient([get(job_detail(status="job_cancel_success")), run(),
                         get(job_detail(status="job_submitting")), get(job_detail(status="job_running"))])
    result = job_update(client, clock, state="started").run()
    assert bodies(client) == [{"job_ids": [104], "resume_savepoint": True}]
    assert result["actions"] == ["start from savepoint"] and result["changed"] is True
    assert result["job"]["status"] == "job_running" and result["restarted"] is False
    assert result["diff"] == {"before": {"status": "job_cancel_success"}, "after": {"status": "job_running"}}


def test_started_on_a_running_job_is_ok_with_one_read(job_detail, clock):
    client = FakeClient([get(job_detail(status="job_running"))])
    result = job_update(client, clock, state="started").run()
    assert methods(client) == [("GET", JOB)] and result["changed"] is False and result["actions"] == []


def test_started_whose_start_fails_names_the_status_the_job_ended_in(job_detail, clock):
    client = FakeClient([get(job_detail(status="job_running_exception")), run(),
                         get(job_detail(status="job_submitting")),
                         get(job_detail(status="job_submit_fail", status_desc="No resources in queue"))])
    up = job_update(client, clock, state="started")
    with pytest.raises(JobError) as excinfo:
        up.run()
    assert excinfo.value.msg == ("Flink job 104: the job did not start: it is job_submit_fail (No resources in "
                                 "queue).")
    assert excinfo.value.extra["status"] == "job_submit_fail" and up.wrote is True
    assert up.done == ["start from savepoint"]


def test_stopped_on_a_running_job_stops_it_with_a_savepoint(job_detail, clock):
    client = FakeClient([get(job_detail(status="job_running")), stop(),
                         get(job_detail(status="job_cancel_success"))])
    result = job_update(client, clock, state="stopped").run()
    assert bodies(client) == [{"job_ids": [104], "trigger_savepoint": True}]
    assert result["actions"] == ["stop with savepoint"] and result["job"]["status"] == "job_cancel_success"


def test_stopped_stateless_stops_without_a_savepoint(job_detail, clock):
    client = FakeClient([get(job_detail(status="job_running")), stop(), get(job_detail(status="job_cancel_success"))])
    result = job_update(client, clock, state="stopped", upgrade_mode="stateless").run()
    assert bodies(client) == [{"job_ids": [104], "trigger_savepoint": False}] and result["actions"] == ["stop"]


def test_a_refused_savepoint_fails_and_the_job_keeps_running(job_detail, clock):
    client = FakeClient([get(job_detail(status="job_running")),
                         stop(refused("POST", STOP_PATH, "Failed to trigger the savepoint")),
                         get(job_detail(status="job_running"))])
    up = job_update(client, clock, allow_restart=True, parallel_number=4)
    with pytest.raises(JobError) as excinfo:
        up.run()
    assert excinfo.value.msg.startswith("Flink job 104: the stop with savepoint was refused: POST ")
    assert "The job keeps running (job_running); nothing was changed." in excinfo.value.msg
    assert ("PUT", PUT_PATH) not in methods(client) and ("POST", RUN_PATH) not in methods(client)
    assert up.wrote is False and up.done == [] and excinfo.value.extra["status"] == "job_running"


def test_a_savepoint_that_fails_after_the_stop_was_taken_leaves_the_job_running_and_nothing_updated(job_detail, clock):
    client = FakeClient([get(job_detail(status="job_running")), stop(), get(job_detail(status="job_canceling")),
                         get(job_detail(status="job_running", status_desc="Savepoint failed"))])
    up = job_update(client, clock, allow_restart=True, parallel_number=4)
    with pytest.raises(JobError) as excinfo:
        up.run()
    assert excinfo.value.msg == (
        "Flink job 104: the job did not stop, and is job_running again (Savepoint failed): its savepoint failed - a "
        "job is never stopped without its savepoint unless upgrade_mode=stateless - or someone else started it "
        "again. Nothing else was changed.")
    assert ("PUT", PUT_PATH) not in methods(client) and ("POST", RUN_PATH) not in methods(client)


def test_absent_stops_a_running_job_with_a_savepoint_then_deletes_it(job_detail, clock):
    client = FakeClient([get(job_detail(status="job_running")), stop(), get(job_detail(status="job_cancel_success")),
                         ("DELETE", JOB, {"is_success": "true"})])
    result = job_update(client, clock, state="absent").run()
    assert methods(client)[-1] == ("DELETE", JOB) and bodies(client)[0]["trigger_savepoint"] is True
    assert result["actions"] == ["stop with savepoint", "delete"] and result["job"] is None
    assert result["diff"]["after"] == {} and result["diff"]["before"]["name"] == "jptest"


def test_absent_on_a_missing_job_is_ok(clock):
    missing = DliApiError("GET %s failed: HTTP 400 DLI.16001" % JOB, method="GET", path=JOB, status_code=400,
                          error_code="DLI.16001")
    result = job_update(FakeClient([("GET", JOB, missing)]), clock, state="absent").run()
    assert result["changed"] is False and result["actions"] == []


def test_a_lost_delete_answer_is_judged_by_reading_the_job_back(job_detail, clock):
    missing = DliApiError("GET %s failed: HTTP 400 DLI.16001" % JOB, method="GET", path=JOB, status_code=400,
                          error_code="DLI.16001")
    client = FakeClient([get(job_detail()), ("DELETE", JOB, lost("DELETE", JOB)), ("GET", JOB, missing)])
    up = job_update(client, clock, state="absent")
    assert up.run()["changed"] is True and up.notes[0].endswith("The job read back is gone: the delete took effect.")


def test_a_name_without_id_is_found_exactly_through_every_page(job_detail, clock):
    client = PagedClient([
        listed({"job_id": 7, "name": "enrich-old"}, total_count=2),  # a substring match; a page shorter than asked
        listed({"job_id": 104, "name": "enrich"}, total_count=2),
        get(job_detail(status="job_running", name="enrich"))])
    result = job_update(client, clock, job_id=None, name="enrich", state="started").run()
    assert [call[2] for call in client.calls[:2]] == [{"name": "enrich", "limit": 100, "offset": 0},
                                                      {"name": "enrich", "limit": 100, "offset": 1}]
    assert result["job_id"] == 104 and result["changed"] is False


def test_two_jobs_of_one_name_are_an_error_listing_their_ids(clock):
    client = PagedClient([listed({"job_id": 7, "name": "enrich"}, {"job_id": 9, "name": "enrich"})])
    with pytest.raises(JobError, match=r"^Flink job 'enrich': 2 jobs are named 'enrich' \(ids 7, 9\)"):
        job_update(client, clock, job_id=None, name="enrich").run()


def test_a_name_no_job_has_creates_the_job_with_the_fields_set_and_tags(job_detail, clock):
    created = job_detail(job_id=2001, name="enrich", queue_name="q1", cu_number=2, tm_slot_num=1)
    client = PagedClient([listed(), ("POST", CREATE_PATH, {"is_success": "true", "job": {"job_id": 2001}}),
                          ("GET", NEW, {"is_success": "true", "job_detail": created})])
    result = job_update(client, clock, job_id=None, name="enrich", queue_name="q1", tags={"team": "data"}).run()
    assert client.calls[1][2] == {"name": "enrich", "queue_name": "q1", "tags": [{"key": "team", "value": "data"}]}
    assert result["actions"] == ["create"] and result["job_id"] == 2001 and result["job"]["job_id"] == 2001
    assert result["job"]["tm_slot_num"] == 1  # what the service filled in, as read back
    assert result["diff"] == {"before": {}, "after": {"name": "enrich", "queue_name": "q1"}}


def test_check_mode_predicts_the_created_and_started_job_without_writing(clock):
    client = PagedClient([listed()])
    result = job_update(client, clock, job_id=None, name="enrich", state="started", check_mode=True,
                        parallel_number=2).run()
    assert methods(client) == [("GET", LIST_PATH)]
    assert result["actions"] == ["create", "start"] and result["job"]["status"] == "job_running"
    assert result["job"]["job_id"] is None and result["job"]["parallel_number"] == 2


def test_create_then_start_for_started(job_detail, clock):
    client = PagedClient([listed(), ("POST", CREATE_PATH, {"is_success": "true", "job": {"job_id": 2001}}),
                          ("GET", NEW, {"is_success": "true", "job_detail": job_detail(job_id=2001, name="enrich")}),
                          run(), ("GET", NEW, {"is_success": "true", "job_detail": job_detail(
                              job_id=2001, name="enrich", status="job_running")})])
    result = job_update(client, clock, job_id=None, name="enrich", state="started").run()
    assert client.calls[3][2] == {"job_ids": [2001], "resume_savepoint": False}
    assert result["actions"] == ["create", "start"] and result["job"]["status"] == "job_running"


def test_a_lost_create_answer_is_judged_by_the_jobs_of_that_name(job_detail, clock):
    client = PagedClient([listed(), ("POST", CREATE_PATH, lost("POST", CREATE_PATH)),
                          listed({"job_id": 2001, "name": "enrich"}),
                          ("GET", NEW, {"is_success": "true", "job_detail": job_detail(job_id=2001, name="enrich")})])
    up = job_update(client, clock, job_id=None, name="enrich")
    result = up.run()
    assert result["job_id"] == 2001 and result["changed"] is True
    assert up.notes[0].endswith("A job named 'enrich' exists now (id 2001): the create took effect.")


def test_a_lost_create_answer_with_no_job_of_that_name_looks_until_wait_timeout_then_fails_as_possibly_changed(clock):
    client = PagedClient([listed(), ("POST", CREATE_PATH, lost("POST", CREATE_PATH))] + [listed()] * 4)
    up = job_update(client, clock, job_id=None, name="enrich", wait_timeout=3)
    with pytest.raises(JobError) as excinfo:
        up.run()
    assert excinfo.value.msg.endswith("No job named 'enrich' was listed within wait_timeout=3 seconds: the create did "
                                      "not take effect; running the task again creates it.")
    assert clock.sleeps == [0.5, 1, 1.5] and not client.script
    assert up.wrote is True and up.done == ["create"]


def test_a_slow_create_is_found_when_it_is_listed_late_and_is_sent_once(job_detail, clock):
    client = PagedClient([listed(), ("POST", CREATE_PATH, lost("POST", CREATE_PATH)), listed(), listed(),
                          listed({"job_id": 2001, "name": "enrich"}),
                          ("GET", NEW, {"is_success": "true", "job_detail": job_detail(job_id=2001, name="enrich")})])
    up = job_update(client, clock, job_id=None, name="enrich", wait_timeout=60)
    result = up.run()
    assert result["job_id"] == 2001 and result["changed"] is True and result["actions"] == ["create"]
    assert [call[:2] for call in client.calls].count(("POST", CREATE_PATH)) == 1
    assert client.not_idempotent == [("POST", CREATE_PATH)]  # never sent again by the client after a 5xx
    assert clock.sleeps == [0.5, 1]


def test_a_lost_create_that_made_two_jobs_names_them_and_advises_no_run_again(clock):
    client = PagedClient([listed(), ("POST", CREATE_PATH, lost("POST", CREATE_PATH)),
                          listed({"job_id": 2001, "name": "enrich"}, {"job_id": 2002, "name": "enrich"})])
    with pytest.raises(JobError) as excinfo:
        job_update(client, clock, job_id=None, name="enrich").run()
    assert "2 jobs named 'enrich' exist now (ids 2001, 2002)" in excinfo.value.msg
    assert "run the task again" not in excinfo.value.msg


def test_a_lost_create_whose_lookup_fails_does_not_advise_running_again(clock):
    unreadable = DliApiError("GET %s failed: HTTP 503" % LIST_PATH, method="GET", path=LIST_PATH, status_code=503)
    client = PagedClient([listed(), ("POST", CREATE_PATH, lost("POST", CREATE_PATH)), ("GET", LIST_PATH, unreadable)])
    with pytest.raises(JobError) as excinfo:
        job_update(client, clock, job_id=None, name="enrich").run()
    assert "A job named 'enrich' may exist: look for it before running the task again." in excinfo.value.msg


def answered(status):
    """A create the service answered with an HTTP 500 or 503, as DliClient.call(idempotent=False) raises it."""
    return AnswerLostError("POST %s was sent, but answered HTTP %s: it may have taken effect." % (CREATE_PATH, status),
                           method="POST", path=CREATE_PATH, status_code=status)


def test_a_create_answered_500_that_made_the_job_is_found_at_once_and_not_sent_again(job_detail, clock):
    client = PagedClient([listed(), ("POST", CREATE_PATH, answered(500)), listed({"job_id": 2001, "name": "enrich"}),
                          ("GET", NEW, {"is_success": "true", "job_detail": job_detail(job_id=2001, name="enrich")})])
    up = job_update(client, clock, job_id=None, name="enrich")
    result = up.run()
    assert result["job_id"] == 2001 and result["actions"] == ["create"]
    assert [call[:2] for call in client.calls].count(("POST", CREATE_PATH)) == 1 and clock.sleeps == []


def test_a_create_answered_503_with_no_job_of_that_name_is_sent_again_after_looking(job_detail, clock):
    client = PagedClient([listed(), ("POST", CREATE_PATH, answered(503)), listed(),
                          ("POST", CREATE_PATH, {"is_success": "true", "job": {"job_id": 2001}}),
                          ("GET", NEW, {"is_success": "true", "job_detail": job_detail(job_id=2001, name="enrich")})])
    up = job_update(client, clock, job_id=None, name="enrich")
    result = up.run()
    assert [call[:2] for call in client.calls] == [("GET", LIST_PATH), ("POST", CREATE_PATH), ("GET", LIST_PATH),
                                                   ("POST", CREATE_PATH), ("GET", NEW)]
    assert result["job_id"] == 2001 and result["actions"] == ["create"] and clock.sleeps == [0.5]
    assert up.notes[0].endswith("No job named 'enrich' is listed: the create was sent again.")


def test_a_create_answered_503_every_time_is_sent_as_often_as_the_retry_policy_allows_then_fails(clock):
    client = PagedClient([listed()] + [("POST", CREATE_PATH, answered(503)), listed()] * 3)
    up = job_update(client, clock, job_id=None, name="enrich")  # max_retries=2: three creates in all
    with pytest.raises(JobError) as excinfo:
        up.run()
    assert excinfo.value.msg.endswith("No job named 'enrich' is listed: the create did not take effect; running the "
                                      "task again creates it.")
    assert not client.script and clock.sleeps == [0.5, 1.0] and up.done == ["create"]


def test_a_create_answered_without_a_job_id_looks_the_job_up_by_name(job_detail, clock):
    client = PagedClient([listed(), ("POST", CREATE_PATH, {"is_success": "true", "message": "created"}),
                          listed({"job_id": 2001, "name": "enrich"}),
                          ("GET", NEW, {"is_success": "true", "job_detail": job_detail(job_id=2001, name="enrich")})])
    up = job_update(client, clock, job_id=None, name="enrich")
    assert up.run()["job_id"] == 2001
    assert up.notes[0].startswith("POST %s answered without job.job_id" % CREATE_PATH)


def test_a_job_id_that_does_not_exist_is_not_created(clock):
    missing = DliApiError("GET %s failed: HTTP 400 DLI.16001" % JOB, method="GET", path=JOB, status_code=400,
                          error_code="DLI.16001")
    with pytest.raises(JobError, match="A job is created only from a name, without job_id."):
        job_update(FakeClient([("GET", JOB, missing)]), clock, name="enrich", state="started").run()


def test_a_killed_restart_is_finished_by_running_the_task_again_with_state_started(job_detail, clock):
    # The first run stopped the job with a savepoint and died; the job is stopped, not yet updated.
    client = FakeClient([get(job_detail(status="job_cancel_success", parallel_number=1)), put(), run(),
                         get(job_detail(status="job_running", parallel_number=4))])
    result = job_update(client, clock, state="started", allow_restart=True, parallel_number=4).run()
    assert bodies(client) == [{"parallel_number": 4}, {"job_ids": [104], "resume_savepoint": True}]
    assert result["actions"] == ["update parallel_number", "start from savepoint"]
    assert result["job"]["status"] == "job_running"


def test_purge_runtime_config_false_keeps_the_jobs_other_keys(job_detail, clock):
    client = FakeClient([get(job_detail(runtime_config='[{"key":"a","value":"1"}]')), put()])
    job_update(client, clock, purge_runtime_config=False, runtime_config={"b": "2"}).run()
    assert bodies(client) == [{"runtime_config": '[{"key":"a","value":"1"},{"key":"b","value":"2"}]'}]


# -- pre-flight, savepoint_path, stable_seconds, rollback -------------------------------------------

QUEUE_PATH = "/v1.0/p1/queues/flinktest"  # the queue of the shared job detail
IMPORT_PATH = "/v1.0/p1/streaming/jobs/104/import-savepoint"


def queue(**fields):
    answer = {"is_success": True, "queueName": "flinktest", "queueType": "general", "cuCount": 16,
              "support_flink_jar_versions": ["1.15"]}
    answer.update(fields)
    return ("GET", QUEUE_PATH, answer)


def imported(outcome=None):
    return ("POST", IMPORT_PATH, outcome if outcome is not None else {"is_success": "true", "message": "imported"})


def test_the_pre_flight_is_asked_once_before_any_write_with_the_values_the_job_will_run_with(job_detail, clock):
    fit = FitQueues()
    client = FakeClient([get(job_detail(status="job_running")), stop(), get(job_detail(status="job_cancel_success")),
                         put(), run(), get(job_detail(status="job_running"))])
    job_update(client, clock, allow_restart=True, preflight=fit, queue_name="bigger", cu_number=8).run()
    assert fit.asked == [("bigger", 8, "1.15")]


@pytest.mark.parametrize("state, status, changes", [
    ("present", "job_running", dict(smn_topic="in-place")),  # no start: nothing to check
    ("stopped", "job_running", {}),
    ("started", "job_running", {}),
])
def test_a_plan_without_a_start_does_not_ask_the_pre_flight(job_detail, clock, state, status, changes):
    fit = FitQueues()
    script = [get(job_detail(status=status))]
    if state == "stopped":
        script += [stop(), get(job_detail(status="job_cancel_success"))]
    if changes:
        script += [put()]
    job_update(FakeClient(script), clock, state=state, preflight=fit, **changes).run()
    assert fit.asked == []


def test_a_queue_too_small_refuses_the_restart_before_the_stop_and_in_check_mode_too(job_detail, clock):
    for check_mode in (False, True):
        client = FakeClient([get(job_detail(status="job_running")), queue(cuCount=4)])
        up = update(client, clock, check_mode=check_mode, allow_restart=True, preflight=None, cu_number=8)
        up.preflight = QueuePreflight(client)
        with pytest.raises(JobError, match="CUs: the queue 'flinktest' has 4 CUs .*cu_number 8. Nothing was "
                                           "changed.$"):
            up.run()
        assert methods(client) == [("GET", JOB), ("GET", QUEUE_PATH)] and up.done == [] and not up.wrote


@pytest.mark.parametrize("upgrade_mode, stop_action", [("savepoint", "stop with savepoint"), ("stateless", "stop")])
def test_a_savepoint_path_is_imported_before_every_start_and_resumed_from(upgrade_mode, stop_action):
    plan = plan_steps("job_running", ["parallel_number"], "present", True, upgrade_mode,
                      savepoint_path="obs://b/sp")
    assert [step.describe() for step in plan] == [stop_action, "update parallel_number", "import savepoint obs://b/sp",
                                                  "start from savepoint"]
    assert [s.describe() for s in plan_steps(None, ["name"], "started", savepoint_path="obs://b/sp")] == [
        "create", "import savepoint obs://b/sp", "start from savepoint"]
    # A running job with nothing else to change is not restarted for it.
    assert plan_steps("job_running", [], "started", True, upgrade_mode, savepoint_path="obs://b/sp") == []


def test_a_savepoint_path_import_then_start(job_detail, clock):
    client = FakeClient([get(job_detail(status="job_cancel_success")), imported(), run(),
                         get(job_detail(status="job_running"))])
    result = job_update(client, clock, state="started", upgrade_mode="stateless", savepoint_path="obs://b/sp").run()
    assert bodies(client) == [{"job_id": 104, "savepoint_path": "obs://b/sp"}, {"job_ids": [104], "resume_savepoint": True}]
    assert result["actions"] == ["import savepoint obs://b/sp", "start from savepoint"] and result["status"] == "job_running"


def test_a_refused_import_fails_before_the_start_and_lists_nothing(job_detail, clock):
    refusal = refused("POST", IMPORT_PATH, "savepoint not found")
    client = FakeClient([get(job_detail(status="job_cancel_success")), imported(refusal)])
    up = job_update(client, clock, state="started", savepoint_path="obs://b/sp")
    with pytest.raises(DliApiError, match="savepoint not found"):
        up.run()
    assert up.done == [] and methods(client)[-1] == ("POST", IMPORT_PATH)


def test_a_start_counts_once_the_job_stayed_running_for_stable_seconds(job_detail, clock):
    client = FakeClient([get(job_detail(status="job_cancel_success")), run(), get(job_detail(status="job_running"))]
                        + [get(job_detail(status="job_running"))] * 5)
    result = job_update(client, clock, state="started", stable_seconds=10).run()
    assert result["status"] == "job_running" and clock.sleeps == [2] * 5 and not client.script


@pytest.mark.parametrize("later, message", [
    (dict(status="job_running_exception", status_desc="NullPointerException"),
     "did not stay running for stable_seconds=10: it reached job_running and is job_running_exception now "
     "(NullPointerException)."),
    (dict(status="job_running", restart_times=3), "restarted itself 2 time(s) (restart_times 1, then 3)"),
])
def test_a_job_that_leaves_running_or_restarts_in_the_window_did_not_start(job_detail, clock, later, message):
    def detail(**fields):
        restart_times = fields.pop("restart_times", 1)
        return dict(job_detail(**fields), restart_times=restart_times)
    client = FakeClient([get(job_detail(status="job_cancel_success")), run(), get(detail(status="job_running")),
                         get(detail(status="job_running")), get(detail(**later))])
    with pytest.raises(JobError) as excinfo:
        job_update(client, clock, state="started", stable_seconds=10).run()
    assert message in excinfo.value.msg and not client.script


def test_the_stable_window_is_bounded_by_wait_timeout(job_detail, clock):
    client = FakeClient([get(job_detail(status="job_cancel_success")), run(), get(job_detail(status="job_submitting")),
                         get(job_detail(status="job_submitting")), get(job_detail(status="job_running"))]
                        + [get(job_detail(status="job_running"))] * 10)
    with pytest.raises(JobError, match="wait_timeout=11 seconds ran out before it had stayed so for "
                                       "stable_seconds=10"):
        job_update(client, clock, state="started", stable_seconds=10, wait_timeout=11).run()
    assert clock.now - 1000.0 == 11  # 1.5 seconds to job_running, then the window's polls up to the deadline


def restart_then_failed_start(job_detail, failed="job_submit_fail", **stopped):
    return [get(job_detail(status="job_running")), stop(), get(dict(job_detail(status="job_cancel_success"), **stopped)),
            put(), run(), get(job_detail(status=failed, status_desc="ClassNotFoundException"))]


def test_a_failed_start_after_the_update_is_rolled_back_from_the_savepoint_before(job_detail, clock):
    client = FakeClient(restart_then_failed_start(job_detail) + [
        get(job_detail(status="job_submit_fail")), put(), run(), get(job_detail(status="job_running"))])
    up = job_update(client, clock, allow_restart=True, rollback=True, parallel_number=4)
    with pytest.raises(JobError) as excinfo:
        up.run()
    puts = [body for method, path, body in client.calls if method == "PUT"]
    assert puts == [{"parallel_number": 4}, {"parallel_number": 1}]
    assert bodies(client)[-1] == {"job_ids": [104], "resume_savepoint": True}
    assert up.done == RESTART_ACTIONS + ["rollback: update parallel_number", "rollback: start from savepoint"]
    assert up.rolled_back is True and up.final_status == "job_running"
    assert excinfo.value.msg == (
        "Flink job 104: the job did not start: it is job_submit_fail (ClassNotFoundException). Rolled back: "
        "parallel_number put back to the values read before the update, and the job runs its previous "
        "configuration again (job_running, from the savepoint taken before the update).")


def test_a_stateless_rollback_starts_without_a_savepoint_and_stops_a_job_still_running(job_detail, clock):
    client = FakeClient(restart_then_failed_start(job_detail, failed="job_running_exception") + [
        get(job_detail(status="job_running")), stop(), get(job_detail(status="job_cancel_success")),
        put(), run(), get(job_detail(status="job_running"))])
    up = job_update(client, clock, allow_restart=True, rollback=True, upgrade_mode="stateless", parallel_number=4)
    with pytest.raises(JobError, match="without a savepoint"):
        up.run()
    assert [b for b in bodies(client) if "job_ids" in b] == [
        {"job_ids": [104], "trigger_savepoint": False}, {"job_ids": [104], "resume_savepoint": False},
        {"job_ids": [104], "trigger_savepoint": False}, {"job_ids": [104], "resume_savepoint": False}]
    assert up.done == ["stop", "update parallel_number", "start", "rollback: stop", "rollback: update parallel_number",
                       "rollback: start"]


def test_a_rollback_that_fails_says_where_the_job_is_left(job_detail, clock):
    refusal = refused("PUT", PUT_PATH, "queue busy")
    client = FakeClient(restart_then_failed_start(job_detail) + [
        get(job_detail(status="job_submit_fail")), put(refusal), get(job_detail(status="job_submit_fail"))])
    up = job_update(client, clock, allow_restart=True, rollback=True, parallel_number=4)
    result = task_result(up)
    assert result["failed"] and result["rolled_back"] is True and result["status"] == "job_submit_fail"
    assert result["msg"].endswith("The rollback to the job's previous configuration failed too: PUT %s failed: HTTP "
                                  "200 but is_success is false: queue busy The job is left job_submit_fail." % PUT_PATH)
    assert result["actions"] == RESTART_ACTIONS


def test_a_rollback_after_an_imported_savepoint_imports_the_one_the_stop_took(job_detail, clock):
    client = FakeClient([get(job_detail(status="job_running")), stop(),
                         get(dict(job_detail(status="job_cancel_success"), savepoint_path="obs://sp/taken")),
                         put(), imported(), run(), get(job_detail(status="job_submit_fail")),
                         get(job_detail(status="job_submit_fail")), put(), imported(), run(),
                         get(job_detail(status="job_running"))])
    up = job_update(client, clock, allow_restart=True, rollback=True, savepoint_path="obs://new/sp", parallel_number=4)
    with pytest.raises(JobError, match="Rolled back"):
        up.run()
    assert [b["savepoint_path"] for b in bodies(client) if "savepoint_path" in b] == ["obs://new/sp", "obs://sp/taken"]
    assert up.done[-3:] == ["rollback: update parallel_number", "rollback: import savepoint obs://sp/taken",
                            "rollback: start from savepoint"]


def test_no_rollback_without_this_tasks_update(job_detail, clock):
    client = FakeClient([get(job_detail(status="job_cancel_success")), run(), get(job_detail(status="job_submit_fail"))])
    up = job_update(client, clock, state="started", rollback=True)
    result = task_result(up)
    assert result["failed"] and result["rolled_back"] is False and result["actions"] == ["start from savepoint"]
