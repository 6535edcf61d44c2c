# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The update flow against a scripted fake client and a fake clock: every plan, every restart
path, waits, timeouts, and the judgement after a write whose answer was lost or refused."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.dli.plugins.module_utils.api import AnswerLostError, DliApiError
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_fields import desired_from_params
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_update import (
    FlinkJarJobUpdate,
    JobUpdateError,
    plan_update,
)

JOB = "/v1.0/p1/streaming/jobs/104"
PUT_PATH = "/v1.0/p1/streaming/flink-jobs/104"
STOP_PATH = "/v1.0/p1/streaming/jobs/stop"
RUN_PATH = "/v1.0/p1/streaming/jobs/run"
PUT_TIME = 1516952770835


class RetrySettings(object):
    def __init__(self, max_retries):
        self.max_retries = max_retries


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

    def call(self, method, path, body=None, expect=dict):
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


def update(client, clock, check_mode=False, allow_restart=False, wait=True, wait_timeout=600, **options):
    return FlinkJarJobUpdate(client, 104, desired_from_params(options), allow_restart=allow_restart, wait=wait,
                             wait_timeout=wait_timeout, check_mode=check_mode, sleep=clock.sleep, clock=clock.clock)


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
    with pytest.raises(JobUpdateError, match="the job is job_running, and a change of cu_number needs a restart"):
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
    assert result["job"]["status"] == "job_running" and clock.sleeps == [2, 2]


def test_restart_times_out_when_the_job_does_not_stop(job_detail, clock):
    script = [get(job_detail(status="job_running")), stop()] + [get(job_detail(status="job_canceling"))] * 4
    client = FakeClient(script)
    up = update(client, clock, allow_restart=True, wait_timeout=5, parallel_number=4)
    with pytest.raises(JobUpdateError) as excinfo:
        up.run()
    assert excinfo.value.msg == ("Flink job 104: the job did not stop: still job_canceling after wait_timeout=5 "
                                 "seconds (no status description).")
    assert excinfo.value.extra["status"] == "job_canceling" and clock.sleeps == [2, 2, 1]
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
    with pytest.raises(JobUpdateError, match="The job read back does not hold parallel_number yet"):
        up.run()
    assert up.wrote is True


def test_lost_put_answer_whose_read_back_fails_too_says_both(job_detail, clock):
    read_failure = DliApiError("GET %s failed: could not reach http://x (ConnectionError)." % JOB, method="GET", path=JOB)
    client = FakeClient([get(job_detail()), put(lost("PUT", PUT_PATH)), ("GET", JOB, read_failure)])
    up = update(client, clock, parallel_number=4)
    with pytest.raises(JobUpdateError) as excinfo:
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
    assert up.wrote is True and up.done == []


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
    with pytest.raises(JobUpdateError) as excinfo:
        up.run()
    assert excinfo.value.msg == (
        "Flink job 104: the job is stopped and updated, but it could not be started again: POST %s failed: HTTP 200 "
        "but is_success is false: No resources in queue It is job_cancel_success." % RUN_PATH)
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
        get(job_detail(status="job_cancel_success")), put(bad), run()])
    up = update(client, clock, allow_restart=True, parallel_number=4)
    with pytest.raises(DliApiError) as excinfo:
        up.run()
    assert bodies(client)[-1] == {"job_ids": [104], "resume_savepoint": True}
    assert excinfo.value.msg.endswith("The job had been stopped for the update and was started again unchanged.")


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
    with pytest.raises(JobUpdateError) as excinfo:
        up.run()
    assert excinfo.value.msg == (
        "Flink job 104: the job was being stopped by someone else, and is job_running again (no status description): "
        "someone else started it again. Nothing else was changed.")
    assert excinfo.value.extra["status"] == "job_running" and clock.sleeps == [2]
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
    with pytest.raises(JobUpdateError, match=r"^Flink job 104: not found in project p1 \(GET .*A job is created only "
                                             r"from a name, without job_id.$"):
        update(FakeClient([("GET", JOB, missing)]), clock, parallel_number=4).run()
    login = DliApiError("IAM login failed: HTTP 404", method="POST", path="/v3/auth/tokens", status_code=404)
    with pytest.raises(DliApiError, match="^Flink job 104: IAM login failed"):
        update(FakeClient([("GET", JOB, login)]), clock, parallel_number=4).run()
