# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dli_flink_sql_job run end to end through main(), as Ansible runs it, against stubbed HTTP: the plan, the
executor and the waits of the Jar module with a Flink SQL job, its endpoints and its checks.

Every test asserts the exact sequence of calls the module made, and the JSON body of each write.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

import pytest
import http_stub
from http_stub import bodies, sequence

from ansible_collections.hwcloud.dli.plugins.modules import dli_flink_sql_job
from conftest import build_detail, patch_module_args  # shared fixtures (tests/unit/conftest.py)

pytestmark = pytest.mark.usefixtures("clean_env", "fake_time")

BASE = "https://dli.test.example.com"
CONNECTION = dict(endpoint=BASE, project_id="p1", access_key="AKVISIBLEID", secret_key="SK-very-secret-0123456789")
JOB_ID = 205
JOB_PATH = "/v1.0/p1/streaming/jobs/205"
LIST_PATH = "/v1.0/p1/streaming/jobs"
SQL_JOBS = "/v1.0/p1/streaming/sql-jobs"
UPDATE_PATH = SQL_JOBS + "/205"
QUEUE_PATH = "/v1.0/p1/queues/flinktest"
GET = ("GET", JOB_PATH)
PUT = ("PUT", UPDATE_PATH)
CREATE = ("POST", SQL_JOBS)
LIST = ("GET", LIST_PATH)
QUEUE = ("GET", QUEUE_PATH)
STOP = ("POST", "/v1.0/p1/streaming/jobs/stop")
RUN = ("POST", "/v1.0/p1/streaming/jobs/run")
UPDATE_TIME = 1578467395713
PUT_TIME = 1516952770835
QUERY = "CREATE TABLE orders (id INT) WITH ('connector' = 'kafka');\nINSERT INTO sink\nSELECT id FROM orders;"

SQL_DETAIL = {
    "job_id": JOB_ID, "name": "orders-sql", "desc": "", "queue_name": "flinktest", "job_type": "flink_sql_job",
    "status": "job_cancel_success", "status_desc": "", "update_time": UPDATE_TIME, "sql_body": QUERY,
    "run_mode": "shared_cluster", "main_class": None, "entrypoint_args": None,
    "job_config": {
        "cu_number": 2, "manager_cu_number": 1, "parallel_number": 1, "tm_cus": 1, "tm_slot_num": 1,
        "log_enabled": False, "obs_bucket": None, "smn_topic": None, "restart_when_exception": False,
        "resume_checkpoint": False, "resume_max_num": -1, "runtime_config": None, "flink_version": "1.15",
        "checkpoint_enabled": False, "checkpoint_mode": "exactly_once", "checkpoint_interval": 30,
        "idle_state_retention": 3600, "udf_jar_url": None, "dirty_data_strategy": "0", "edge_group_ids": None,
        "operator_config": None, "static_estimator_config": None,
    },
}


def sql_detail(**fields):
    detail = copy.deepcopy(SQL_DETAIL)
    for name, value in fields.items():
        (detail if name in detail else detail["job_config"])[name] = value
    return detail


def detail_answer(**fields):
    return {"is_success": "true", "message": "Job detail query succeeds.", "job_detail": sql_detail(**fields)}


def put_answer():
    return {"is_success": "true", "message": "The SQL job is updated.", "job": {"update_time": PUT_TIME}}


def queue_answer(**fields):
    answer = {"is_success": True, "queueName": "flinktest", "queueType": "general", "cuCount": 16,
              "support_flink_jar_versions": ["1.10"], "support_flink_sql_versions": ["1.12", "1.15"]}
    answer.update(fields)
    return answer


def list_answer(*jobs):
    return {"is_success": "true", "job_list": {"total_count": len(jobs), "jobs": list(jobs)}}


def batch_answer(message):
    return [{"is_success": "true", "message": message}]


def run_module(capsys, args, check=False, diff=False):
    module_args = dict(CONNECTION, **args)
    if check:
        module_args["_ansible_check_mode"] = True
    if diff:
        module_args["_ansible_diff"] = True
    with patch_module_args(module_args):
        with pytest.raises(SystemExit) as excinfo:
            dli_flink_sql_job.main()
    return excinfo.value.code, json.loads(capsys.readouterr().out)


def succeed(capsys, args, **kwargs):
    code, result = run_module(capsys, args, **kwargs)
    assert code == 0 and not result.get("failed"), result
    return result


def fail(capsys, args, **kwargs):
    code, result = run_module(capsys, args, **kwargs)
    assert code == 1 and result.get("failed") is True, result
    return result


def test_an_unchanged_sql_job_is_read_once_and_returned_with_its_sql_fields(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer())
    result = succeed(capsys, dict(job_id=JOB_ID, sql_body=QUERY, run_mode="shared_cluster", job_type="flink_sql_job",
                                  dirty_data_strategy="0", idle_state_retention=3600, operator_config=""), diff=True)
    assert sequence(http) == [GET]
    assert result["changed"] is False and result["actions"] == [] and "diff" not in result
    job = result["job"]
    assert job["sql_body"] == QUERY and job["run_mode"] == "shared_cluster" and job["idle_state_retention"] == 3600
    assert "entrypoint" not in job and job["job_id"] == JOB_ID and job["status"] == "job_cancel_success"


def test_a_change_of_the_query_is_put_to_the_sql_jobs_endpoint_and_diffed_by_lines(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer())
    http.add(http_stub.PUT, BASE + UPDATE_PATH, json=put_answer())
    new_query = QUERY.replace("SELECT id", "SELECT id + 1")
    result = succeed(capsys, dict(job_id=JOB_ID, sql_body=new_query, parallel_number=2,
                                  operator_config={"op": {"parallelism": 2}}), diff=True)
    assert sequence(http) == [GET, PUT]
    assert bodies(http) == [("PUT", UPDATE_PATH, {"sql_body": new_query, "parallel_number": 2,
                                                  "operator_config": '{"op":{"parallelism":2}}'})]
    assert result["actions"] == ["update sql_body, parallel_number, operator_config"]
    assert result["update_time"] == PUT_TIME and result["job"]["sql_body"] == new_query
    fields, text = result["diff"]
    assert fields == {"before": {"parallel_number": 1, "operator_config": None},
                      "after": {"parallel_number": 2, "operator_config": {"op": {"parallelism": 2}}}}
    assert text == {"before": QUERY + "\n", "after": new_query + "\n", "before_header": "sql_body",
                    "after_header": "sql_body"}


def test_check_mode_plans_a_restart_of_a_running_job_and_writes_nothing(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running"))
    http.add(http_stub.GET, BASE + QUEUE_PATH, json=queue_answer())
    result = succeed(capsys, dict(job_id=JOB_ID, sql_body="SELECT 2;", allow_restart=True), check=True, diff=True)
    assert sequence(http) == [GET, QUEUE]
    assert result["actions"] == ["stop with savepoint", "update sql_body", "start from savepoint"]
    assert result["restarted"] is True and result["job"]["sql_body"] == "SELECT 2;"
    assert result["diff"][0] == {"before": {}, "after": {}}  # the status ends as it began: running
    assert result["diff"][1]["after"] == "SELECT 2;\n"


def test_a_running_job_is_restarted_for_its_query_with_the_sql_queue_checks(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running"))
    http.add(http_stub.GET, BASE + QUEUE_PATH, json=queue_answer())
    http.add(http_stub.POST, BASE + STOP[1], json=batch_answer("stopping"))
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_cancel_success"))
    http.add(http_stub.PUT, BASE + UPDATE_PATH, json=put_answer())
    http.add(http_stub.POST, BASE + RUN[1], json=batch_answer("starting"))
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running", sql_body="SELECT 2;"))
    result = succeed(capsys, dict(job_id=JOB_ID, sql_body="SELECT 2;", allow_restart=True))
    assert sequence(http) == [GET, QUEUE, STOP, GET, PUT, RUN, GET]
    assert bodies(http) == [("POST", STOP[1], {"job_ids": [JOB_ID], "trigger_savepoint": True}),
                            ("PUT", UPDATE_PATH, {"sql_body": "SELECT 2;"}),
                            ("POST", RUN[1], {"job_ids": [JOB_ID], "resume_savepoint": True})]
    assert result["restarted"] is True and result["status"] == "job_running"


def test_the_pre_flight_asks_the_queue_for_its_flink_sql_versions(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer())
    http.add(http_stub.GET, BASE + QUEUE_PATH, json=queue_answer(support_flink_sql_versions=["1.12"]))
    result = fail(capsys, dict(job_id=JOB_ID, state="started"))
    assert sequence(http) == [GET, QUEUE]
    assert "supports Flink 1.12 (support_flink_sql_versions), not the job's flink_version '1.15'" in result["msg"]
    assert result["changed"] is False


def test_a_running_job_is_not_restarted_for_its_query_without_allow_restart(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running"))
    result = fail(capsys, dict(job_id=JOB_ID, sql_body="SELECT 2;", smn_topic="alerts"))
    assert sequence(http) == [GET]
    assert "a change of sql_body needs a restart" in result["msg"] and "smn_topic" not in result["msg"]


def test_a_job_is_created_by_name_then_given_what_the_create_does_not_take(capsys, http):
    created = dict(job_id=206, name="orders-new", status="job_init", job_type="flink_opensource_sql_job",
                   run_mode="exclusive_cluster", sql_body="SELECT 1;")
    http.add(http_stub.GET, BASE + LIST_PATH, json=list_answer(dict(job_id=1, name="orders-new-2")))
    http.add(http_stub.POST, BASE + SQL_JOBS, json={"is_success": "true", "job": {"job_id": 206, "status_name": "job_init"}})
    http.add(http_stub.GET, BASE + "/v1.0/p1/streaming/jobs/206", json={"is_success": "true", "job_detail": sql_detail(
        **created)})
    http.add(http_stub.PUT, BASE + SQL_JOBS + "/206", json=put_answer())
    result = succeed(capsys, dict(name="orders-new", sql_body="SELECT 1;", run_mode="exclusive_cluster",
                                  job_type="flink_opensource_sql_job", static_estimator_config='{"traffic": 10}',
                                  tags={"team": "data"}), diff=True)
    assert sequence(http) == [LIST, CREATE, ("GET", "/v1.0/p1/streaming/jobs/206"), ("PUT", SQL_JOBS + "/206")]
    assert bodies(http) == [
        ("POST", SQL_JOBS, {"name": "orders-new", "sql_body": "SELECT 1;", "run_mode": "exclusive_cluster",
                            "job_type": "flink_opensource_sql_job", "tags": [{"key": "team", "value": "data"}]}),
        ("PUT", SQL_JOBS + "/206", {"static_estimator_config": '{"traffic":10}'})]
    assert result["actions"] == ["create", "update static_estimator_config"]
    assert result["job"]["static_estimator_config"] == {"traffic": 10} and result["job_id"] == 206
    assert result["diff"][1] == {"before": "", "after": "SELECT 1;\n", "before_header": "sql_body",
                                 "after_header": "sql_body"}
    assert "sql_body" not in result["diff"][0]["after"] and result["diff"][0]["after"]["name"] == "orders-new"


def test_a_create_with_the_apis_defaults_run_mode_and_job_type_is_refused_before_it_is_sent(capsys, http):
    http.add(http_stub.GET, BASE + LIST_PATH, json=list_answer())
    result = fail(capsys, dict(name="orders-new", sql_body="SELECT 1;"))
    assert sequence(http) == [LIST]
    assert "run_mode=shared_cluster needs job_type=flink_sql_job (the job's job_type would be " \
           "flink_opensource_sql_job)" in result["msg"]


def test_a_jar_job_is_refused_naming_its_type_and_the_module_for_it(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json={"is_success": "true", "job_detail": build_detail(job_id=JOB_ID)})
    result = fail(capsys, dict(job_id=JOB_ID, sql_body="SELECT 1;"))
    assert sequence(http) == [GET]
    assert result["msg"] == ("Flink job 205: it is a flink_jar_job, not a flink_sql_job or a flink_opensource_sql_job: "
                             "this module manages Flink SQL jobs only; use hwcloud.dli.dli_flink_jar_job for it.")


def test_the_job_type_of_an_existing_job_is_not_changed(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer())
    result = fail(capsys, dict(job_id=JOB_ID, job_type="flink_opensource_sql_job", run_mode="exclusive_cluster"))
    assert sequence(http) == [GET]
    assert result["msg"].startswith("Flink job 205: job_type is set when the job is created, and cannot change (the "
                                    "job's is flink_sql_job, the task's flink_opensource_sql_job).")


@pytest.mark.parametrize("args, message", [
    (dict(sql_body="x" * (1024 * 1024 + 1)), "sql_body must be 0 to 1048576 characters long, not 1048577."),
    (dict(run_mode="shared_cluster", job_type="flink_opensource_sql_job"),
     "run_mode=shared_cluster needs job_type=flink_sql_job"),
    (dict(dirty_data_strategy="2:"), 'dirty_data_strategy must be "0" (ignore), "1" (raise) or "2:<OBS directory>"'),
    (dict(job_type="flink_jar_job"), "job_type must be one of flink_sql_job, flink_opensource_sql_job"),
    (dict(operator_config="{"), "operator_config must be a mapping or list, or its JSON text"),
    (dict(entrypoint="a.jar"), "Unsupported parameters"),
])
def test_bad_options_fail_naming_the_option_before_any_request(capsys, no_http, args, message):
    result = fail(capsys, dict(job_id=JOB_ID, **args))
    assert message in result["msg"] and no_http.calls == []


def test_delete_and_stop_use_the_calls_of_every_flink_job(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running"))
    http.add(http_stub.POST, BASE + STOP[1], json=batch_answer("stopping"))
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_cancel_success"))
    http.add(http_stub.DELETE, BASE + JOB_PATH, json={"is_success": "true", "message": "deleted"})
    result = succeed(capsys, dict(job_id=JOB_ID, state="absent"), diff=True)
    assert sequence(http) == [GET, STOP, GET, ("DELETE", JOB_PATH)]
    assert result["actions"] == ["stop with savepoint", "delete"] and result["job"] is None
    assert result["diff"][1] == {"before": QUERY + "\n", "after": "", "before_header": "sql_body",
                                 "after_header": "sql_body"}


def test_a_failed_start_after_a_new_query_is_rolled_back_to_the_old_query_on_the_sql_jobs_endpoint(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running"))
    http.add(http_stub.GET, BASE + QUEUE_PATH, json=queue_answer())
    http.add(http_stub.POST, BASE + STOP[1], json=batch_answer("stopping"))
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_cancel_success"))
    http.add(http_stub.PUT, BASE + UPDATE_PATH, json=put_answer())
    http.add(http_stub.POST, BASE + RUN[1], json=batch_answer("starting"))
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_submit_fail", sql_body="SELECT broken;"))
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_submit_fail", sql_body="SELECT broken;"))
    http.add(http_stub.PUT, BASE + UPDATE_PATH, json=put_answer())
    http.add(http_stub.POST, BASE + RUN[1], json=batch_answer("starting"))
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running"))
    result = fail(capsys, dict(job_id=JOB_ID, sql_body="SELECT broken;", allow_restart=True))
    assert sequence(http) == [GET, QUEUE, STOP, GET, PUT, RUN, GET, GET, PUT, RUN, GET]
    puts = [body for method, path, body in bodies(http) if method == "PUT"]
    assert puts == [{"sql_body": "SELECT broken;"}, {"sql_body": QUERY}]
    assert result["rolled_back"] is True and result["status"] == "job_running"
    assert "Rolled back: sql_body put back to the values read before the update" in result["msg"]
    assert result["actions"] == ["stop with savepoint", "update sql_body", "start from savepoint",
                                 "rollback: update sql_body", "rollback: start from savepoint"]


@pytest.mark.parametrize("cleared", ["", None], ids=["empty text", "null"])
def test_an_operator_config_cleared_is_sent_as_empty_text_never_as_null(capsys, http, cleared):
    # json.dumps(None) sent the text "null", which the next read refused as a config that is not a mapping.
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(operator_config='{"a": {"parallelism": 2}}'))
    http.add(http_stub.PUT, BASE + UPDATE_PATH, json=put_answer())
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(operator_config=cleared))  # the second run's read
    result = succeed(capsys, dict(job_id=JOB_ID, operator_config=""))
    assert sequence(http) == [GET, PUT] and result["changed"] is True
    assert bodies(http) == [("PUT", UPDATE_PATH, {"operator_config": ""})]
    again = succeed(capsys, dict(job_id=JOB_ID, operator_config=""))
    assert sequence(http) == [GET, PUT, GET] and again["changed"] is False


def test_an_operator_config_stored_as_the_text_null_reads_as_empty(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(operator_config="null"))
    result = succeed(capsys, dict(job_id=JOB_ID, operator_config=""))
    assert sequence(http) == [GET] and result["changed"] is False and result["job"]["operator_config"] is None
