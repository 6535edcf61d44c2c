# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dli_flink_jar_job run end to end through main(), as Ansible runs it, against stubbed HTTP.

Every test asserts the exact sequence of calls the module made (method and path, and the
JSON body of each write), and the keys of the result the module printed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime, timedelta, timezone
import json

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover
    from urlparse import urlsplit  # type: ignore

import pytest
import http_stub
from http_stub import bodies, sequence

from ansible_collections.hwcloud.dli.plugins.modules import dli_flink_jar_job
from ansible_collections.hwcloud.dli.plugins.module_utils.transport import Lost
from conftest import JOB_ID, JOB_UPDATE_TIME, build_detail, patch_module_args  # shared fixtures (tests/unit/conftest.py)

# Every test: no HW_* variable of the shell, and waits on a fake clock (fixtures of tests/unit/conftest.py).
pytestmark = pytest.mark.usefixtures("clean_env", "fake_time")


BASE = "https://dli.test.example.com"
IAM = "https://iam.test.example.com"
PROJECT = "p1"
JOB_PATH = "/v1.0/p1/streaming/jobs/104"
PUT_PATH = "/v1.0/p1/streaming/flink-jobs/104"
STOP_PATH = "/v1.0/p1/streaming/jobs/stop"
RUN_PATH = "/v1.0/p1/streaming/jobs/run"
TOKEN_PATH = "/v3/auth/tokens"
PUT_UPDATE_TIME = 1516952770835

AK = "AKVISIBLEID"
SK = "SK-very-secret-0123456789"
CONNECTION = dict(endpoint=BASE, project_id=PROJECT, access_key=AK, secret_key=SK)

GET = ("GET", JOB_PATH)
PUT = ("PUT", PUT_PATH)
STOP = ("POST", STOP_PATH)
RUN = ("POST", RUN_PATH)
QUEUE_PATH = "/v1.0/p1/queues/flinktest"  # the queue of the shared job detail
QUEUE = ("GET", QUEUE_PATH)
IMPORT_PATH = "/v1.0/p1/streaming/jobs/104/import-savepoint"
IMPORT = ("POST", IMPORT_PATH)


def queue_answer(**fields):
    """GET /v1.0/{project_id}/queues/{queue_name} as the notes show it (camelCase keys), fit for the job."""
    answer = {"is_success": True, "message": "", "queueName": "flinktest", "queueType": "general", "cuCount": 16,
              "support_flink_jar_versions": ["1.12", "1.15"], "default_flink_jar_version": "1.15"}
    answer.update(fields)
    return answer


# -- the job as GET /v1.0/{project_id}/streaming/jobs/{job_id} answers it ---------------------

def detail_answer(**fields):
    """The whole job detail answer around the shared job detail (see conftest.build_detail)."""
    return {"is_success": "true", "message": "Job detail query succeeds.", "job_detail": build_detail(**fields)}


def put_answer(update_time=PUT_UPDATE_TIME):
    return {"is_success": True, "message": "The Flink job is updated successfully.",
            "job": {"update_time": update_time}}


def batch_answer(message):
    return [{"is_success": "true", "message": message}]


# -- running the module ------------------------------------------------------------------

def run_module(capsys, args, connection=True, check=False, diff=False):
    """Run main() with ``args``; return (exit code, parsed result, raw stdout)."""
    module_args = dict(job_id=JOB_ID)
    if connection:
        module_args.update(CONNECTION)
    module_args.update(args)
    if check:
        module_args["_ansible_check_mode"] = True
    if diff:
        module_args["_ansible_diff"] = True
    with patch_module_args(module_args):
        with pytest.raises(SystemExit) as excinfo:
            dli_flink_jar_job.main()
    out = capsys.readouterr().out
    result = json.loads(out)
    return excinfo.value.code, result, out


def succeed(capsys, args, **kwargs):
    code, result, dummy = run_module(capsys, args, **kwargs)
    assert code == 0 and not result.get("failed"), result
    return result


def fail(capsys, args, **kwargs):
    code, result, dummy = run_module(capsys, args, **kwargs)
    assert code == 1 and result.get("failed") is True, result
    return result


# -- 1. nothing to change ---------------------------------------------------------------------

UNCHANGED_ARGS = dict(
    name="jptest", desc="", queue_name="flinktest", cu_number=2, manager_cu_number=1, parallel_number=1,
    log_enabled=False, obs_bucket="", smn_topic="", main_class="", entrypoint_args="",
    restart_when_exception=False, entrypoint="FemaleInfoCollection.jar", dependency_jars=["myGroup/dep.jar"],
    dependency_files=["myGroup/data.csv"], tm_cus=1, tm_slot_num=1, feature="basic", flink_version="1.15",
    image="", resume_checkpoint=False, resume_max_num=-1, checkpoint_path="",
    runtime_config={"k": "v", "state.ttl": True}, job_type="flink_jar_job",
)


def test_unchanged_job_is_read_once_and_not_written(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(
        desc=None, cu_number="2", parallel_number="1", resume_max_num="-1", tm_slot_num="1",
        runtime_config="[{\"key\":\"k\",\"value\":\"v\"},{\"key\":\"state.ttl\",\"value\":\"true\"}]"))
    result = succeed(capsys, UNCHANGED_ARGS, diff=True)
    assert sequence(http) == [GET]
    assert result["changed"] is False and result["restarted"] is False
    assert result["update_time"] == JOB_UPDATE_TIME
    assert "diff" not in result
    job = result["job"]
    assert job["job_id"] == JOB_ID and job["status"] == "job_init" and job["update_time"] == JOB_UPDATE_TIME
    assert job["cu_number"] == 2 and job["parallel_number"] == 1 and job["resume_max_num"] == -1
    assert job["desc"] is None
    assert job["runtime_config"] == {"k": "v", "state.ttl": "true"}


# -- 2. a change --------------------------------------------------------------------------------

def test_change_sends_only_the_changed_keys(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer())
    http.add(http_stub.PUT, BASE + PUT_PATH, json=put_answer())
    result = succeed(capsys, dict(name="jptest", cu_number=2, parallel_number=4,
                                  runtime_config={"k": "v2", "taskmanager.memory.process.size": "8g"}))
    assert sequence(http) == [GET, PUT]
    (method, path, body), = bodies(http)
    assert sorted(body) == ["parallel_number", "runtime_config"]
    assert body["parallel_number"] == 4
    assert isinstance(body["runtime_config"], str)
    assert json.loads(body["runtime_config"]) == [
        {"key": "k", "value": "v2"}, {"key": "taskmanager.memory.process.size", "value": "8g"}]
    assert result["changed"] is True and result["restarted"] is False
    assert result["update_time"] == PUT_UPDATE_TIME
    job = result["job"]
    assert job["parallel_number"] == 4
    assert job["runtime_config"] == {"k": "v2", "taskmanager.memory.process.size": "8g"}
    assert job["job_id"] == JOB_ID and job["status"] == "job_init" and job["update_time"] == PUT_UPDATE_TIME
    assert job["name"] == "jptest" and job["cu_number"] == 2 and job["entrypoint"] == "FemaleInfoCollection.jar"
    assert "diff" not in result  # not asked for


def test_runtime_config_as_the_api_json_string_and_clearing_with_empty_values(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(
        obs_bucket="bucket", dependency_jars=["a.jar"], desc="old"))
    http.add(http_stub.PUT, BASE + PUT_PATH, json=put_answer())
    result = succeed(capsys, dict(runtime_config="[{\"key\": \"k\", \"value\": \"v\"}]", desc="",
                                  dependency_jars=[], obs_bucket="bucket"))
    assert sequence(http) == [GET, PUT]
    assert bodies(http) == [("PUT", PUT_PATH, {"desc": "", "dependency_jars": []})]
    assert result["changed"] is True and result["job"]["desc"] == "" and result["job"]["dependency_jars"] == []


# -- 3. check mode ------------------------------------------------------------------------------

def test_check_mode_reads_only_and_predicts_the_job(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer())
    result = succeed(capsys, dict(parallel_number=4, desc="new"), check=True)
    assert sequence(http) == [GET]
    assert result["changed"] is True and result["restarted"] is False
    assert result["update_time"] == JOB_UPDATE_TIME
    assert result["job"]["parallel_number"] == 4 and result["job"]["desc"] == "new"
    assert result["job"]["job_id"] == JOB_ID and result["job"]["status"] == "job_init"


def test_check_mode_predicts_a_restart_without_stopping(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running"))
    http.add(http_stub.GET, BASE + QUEUE_PATH, json=queue_answer())
    result = succeed(capsys, dict(parallel_number=4, allow_restart=True), check=True)
    assert sequence(http) == [GET, QUEUE]  # the pre-flight reads in check mode too: it writes nothing
    assert result["changed"] is True and result["restarted"] is True
    assert result["job"]["status"] == "job_running" and result["job"]["parallel_number"] == 4


# -- 4. diff mode -------------------------------------------------------------------------------

@pytest.mark.parametrize("check", [False, True])
def test_diff_holds_only_the_changed_options(capsys, http, check):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer())
    if not check:
        http.add(http_stub.PUT, BASE + PUT_PATH, json=put_answer())
    result = succeed(capsys, dict(name="jptest", cu_number=2, parallel_number=4, runtime_config={"k": "v2"}),
                     diff=True, check=check)
    assert sequence(http) == ([GET] if check else [GET, PUT])
    assert result["diff"] == {
        "before": {"parallel_number": 1, "runtime_config": {"k": "v"}},
        "after": {"parallel_number": 4, "runtime_config": {"k": "v2"}},
    }


# -- 5. running job, change taken in place ----------------------------------------------------

def test_running_job_takes_hot_fields_in_place(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running"))
    http.add(http_stub.PUT, BASE + PUT_PATH, json=put_answer())
    result = succeed(capsys, dict(smn_topic="flink-alerts", resume_max_num=10, allow_restart=True))
    assert sequence(http) == [GET, PUT]
    assert bodies(http) == [("PUT", PUT_PATH, {"smn_topic": "flink-alerts", "resume_max_num": 10})]
    assert result["changed"] is True and result["restarted"] is False
    assert result["job"]["status"] == "job_running" and result["job"]["smn_topic"] == "flink-alerts"


# -- 6. running job, change needing a restart, not allowed -------------------------------------

def test_running_job_cold_change_without_allow_restart_fails(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running"))
    result = fail(capsys, dict(parallel_number=4, queue_name="bigger", smn_topic="flink-alerts"))
    assert sequence(http) == [GET]
    assert result["changed"] is False
    msg = result["msg"]
    assert "parallel_number" in msg and "queue_name" in msg and "allow_restart" in msg
    assert "smn_topic" not in msg  # taken in place, not a reason to restart
    assert "job_running" in msg


# -- 8. and 9. retries ---------------------------------------------------------------------------

def test_throttled_get_is_retried(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, status=429, headers={"Retry-After": "0"},
             json={"error_code": "APIGW.0308", "error_msg": "The throttling threshold has been reached"})
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer())
    result = succeed(capsys, dict(parallel_number=1))
    assert sequence(http) == [GET, GET]
    assert result["changed"] is False and result["update_time"] == JOB_UPDATE_TIME


def test_persistent_503_reports_the_last_answer(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, status=503, headers={"X-Request-Id": "req-503"},
             json={"error_code": "DLI.0999", "error_msg": "Server error"})
    result = fail(capsys, dict(parallel_number=4, max_retries=2))
    assert sequence(http) == [GET, GET, GET]
    assert result["status_code"] == 503 and result["error_code"] == "DLI.0999" and result["request_id"] == "req-503"
    assert "503" in result["msg"] and "GET" in result["msg"] and JOB_PATH in result["msg"]
    assert "Server error" in result["msg"]
    assert result["changed"] is False


# -- 10. answers that are not what they seem ----------------------------------------------------

def test_put_answering_200_with_is_success_false_fails(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer())
    http.add(http_stub.PUT, BASE + PUT_PATH, json={"is_success": False, "message": "The queue bigger does not exist."})
    result = fail(capsys, dict(queue_name="bigger"))
    assert sequence(http) == [GET, PUT]
    assert bodies(http) == [("PUT", PUT_PATH, {"queue_name": "bigger"})]
    assert "The queue bigger does not exist." in result["msg"] and "is_success" in result["msg"]
    assert result["status_code"] == 200 and result["changed"] is False


def test_non_json_get_is_a_clear_failure(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, body="<html><body>Bad gateway page</body></html>",
             content_type="text/html")
    code, result, out = run_module(capsys, dict(parallel_number=4))
    assert code == 1 and result["failed"] is True
    assert sequence(http) == [GET]
    assert "not JSON" in result["msg"] and "text/html" in result["msg"] and JOB_PATH in result["msg"]
    assert "exception" not in result and "Traceback" not in out
    assert result["status_code"] == 200 and result["changed"] is False


def test_get_without_job_detail_is_a_clear_failure(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json={"is_success": "true", "message": "ok"})
    result = fail(capsys, dict(parallel_number=4))
    assert sequence(http) == [GET]
    assert "job_detail" in result["msg"] and "exception" not in result


# -- 11. and 12. the wrong job ----------------------------------------------------------------------

@pytest.mark.parametrize("status, code", [(400, "DLI.16001"), (404, "DLI.0023"), (400, "DLI.0002")])
def test_missing_job_names_the_job_and_the_project(capsys, http, status, code):
    http.add(http_stub.GET, BASE + JOB_PATH, status=status, headers={"X-Request-Id": "req-nf"},
             json={"error_code": code, "error_msg": "The job does not exist"})
    result = fail(capsys, dict(parallel_number=4))
    assert sequence(http) == [GET]
    assert result["msg"].startswith("Flink job 104: not found in project p1 (GET /v1.0/p1/streaming/jobs/104 failed: ")
    assert result["error_code"] == code and result["status_code"] == status and result["request_id"] == "req-nf"
    assert result["changed"] is False


@pytest.mark.parametrize("state", ["present", "absent"])
@pytest.mark.parametrize("answer", [
    dict(body=""),  # a bare 404: a wrong endpoint's
    dict(json={"error_code": "APIGW.0101", "error_msg": "The API does not exist or has not been published in the "
                                                        "environment"}),
])
def test_a_404_without_a_dli_not_found_code_fails_and_names_the_endpoint(capsys, http, state, answer):
    # Taken for "no such job" before: state=absent reported ok, and nothing said the endpoint was wrong.
    http.add(http_stub.GET, BASE + JOB_PATH, status=404, **answer)
    result = fail(capsys, dict(state=state))
    assert sequence(http) == [GET]
    assert "not found in project" not in result["msg"] and result["status_code"] == 404
    assert "no such API at %s" % BASE in result["msg"] and "Check endpoint (HW_DLI_ENDPOINT)" in result["msg"]
    assert result["changed"] is False


def test_other_400_is_not_taken_for_a_missing_job(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, status=400,
             json={"error_code": "DLI.0001", "error_msg": "Parameter check failed"})
    result = fail(capsys, dict(parallel_number=4))
    assert sequence(http) == [GET]
    assert "not found" not in result["msg"] and "DLI.0001" in result["msg"]


def test_a_job_of_another_type_is_refused(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(job_type="flink_sql_job"))
    result = fail(capsys, dict(parallel_number=4))
    assert sequence(http) == [GET]
    assert "flink_sql_job" in result["msg"] and "flink_jar_job" in result["msg"]
    assert result["changed"] is False


def test_an_unreadable_value_in_the_answer_is_a_clear_failure(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(cu_number="abc"))
    result = fail(capsys, dict(parallel_number=4))
    assert sequence(http) == [GET]
    assert "cannot read" in result["msg"] and "exception" not in result


def test_a_rule_broken_by_the_stored_job_does_not_block_an_unrelated_edit(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(feature="custom", image="org/img:1"))
    http.add(http_stub.PUT, BASE + PUT_PATH, json=put_answer())
    succeed(capsys, dict(desc="only the description"))
    assert bodies(http) == [("PUT", PUT_PATH, {"desc": "only the description"})]


# -- 13. validation before any request ----------------------------------------------------------

@pytest.mark.parametrize("args, expected", [
    (dict(name="n" * 58), "name must be 0 to 57 characters long, not 58"),
    (dict(desc="d" * 513), "desc must be 0 to 512 characters long, not 513"),
    (dict(queue_name=""), "queue_name must be 1 to 128 characters long, not 0"),
    (dict(resume_max_num=0), "resume_max_num must be -1 (unlimited) or greater than 0, not 0"),
    (dict(resume_max_num=-2), "resume_max_num must be -1 (unlimited) or greater than 0, not -2"),
    (dict(cu_number=0), "cu_number must be at least 1, not 0"),
    (dict(manager_cu_number=0), "manager_cu_number must be at least 1, not 0"),
    (dict(parallel_number=0), "parallel_number must be at least 1, not 0"),
    (dict(tm_cus=0), "tm_cus must be at least 1, not 0"),
    (dict(tm_slot_num=0), "tm_slot_num must be at least 1, not 0"),
    (dict(feature="other"), "feature"),
    (dict(job_id="abc"), "job_id"),
    (dict(job_type="flink_sql_job"), "job_type"),
    (dict(runtime_config="not json"), "runtime_config"),
    (dict(runtime_config=["k=v"]), "runtime_config"),
    (dict(wait_timeout=-1), "wait_timeout"),
    (dict(max_retries=-1), "max_retries"),
    # Booleans are not integers, though Ansible's int type lets them through; huge values crashed the task.
    (dict(job_id=True), "job_id must be an integer, not a boolean (true)."),
    (dict(parallel_number=True), "parallel_number must be an integer, not a boolean (true)."),
    (dict(resume_max_num=False), "resume_max_num must be an integer, not a boolean (false)."),
    (dict(wait_timeout=True), "wait_timeout must be an integer, not a boolean (true)."),
    (dict(timeout=True), "timeout must be an integer, not a boolean (true)."),
    (dict(max_retries=True), "max_retries must be an integer, not a boolean (true)."),
    (dict(timeout=10 ** 10), "timeout must be at most 3600 seconds, not 10000000000."),
    (dict(wait_timeout=10 ** 10), "wait_timeout must be 0 to 86400 seconds, not 10000000000."),
    (dict(max_retries=10 ** 6), "max_retries must be at most 100, not 1000000."),
    (dict(region="cn north-4", endpoint=None), "region (HW_REGION_NAME) must be letters, digits and - only"),
    (dict(cloud="myhuaweicloud.com/x", endpoint=None, region="eu-de"), "cloud (HW_CLOUD) must be letters, digits"),
])
def test_invalid_options_fail_before_any_request(capsys, no_http, args, expected):
    result = fail(capsys, dict(dict(job_id=JOB_ID, parallel_number=2), **args))
    assert expected in result["msg"]
    assert len(no_http.calls) == 0
    assert result.get("changed", False) is False


def test_argument_spec_errors_name_the_choices_and_the_type(capsys, no_http):
    result = fail(capsys, dict(job_id=JOB_ID, feature="other"))
    assert result["msg"] == "feature must be one of basic, custom, not other."
    result = fail(capsys, dict(job_id="abc"))
    assert "int" in result["msg"]
    assert len(no_http.calls) == 0


def test_several_problems_are_reported_together(capsys, no_http):
    result = fail(capsys, dict(job_id=JOB_ID, cu_number=0, name="n" * 58, runtime_config="not json"))
    assert "cu_number must be at least 1" in result["msg"] and "name must be" in result["msg"]
    assert "not JSON" in result["msg"]
    assert len(no_http.calls) == 0


def test_no_credentials_at_all(capsys, no_http):
    result = fail(capsys, dict(job_id=JOB_ID, endpoint=BASE, project_id=PROJECT, parallel_number=2),
                  connection=False)
    for name in ("HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_AUTH_TOKEN", "HW_USER_NAME", "HW_USER_PASSWORD",
                 "HW_DOMAIN_NAME"):
        assert name in result["msg"]
    assert len(no_http.calls) == 0


def test_incomplete_credentials_say_what_is_set(capsys, no_http):
    result = fail(capsys, dict(job_id=JOB_ID, endpoint=BASE, project_id=PROJECT, access_key=AK),
                  connection=False)
    assert "HW_SECRET_KEY" in result["msg"] and "Only access_key is set" in result["msg"]
    assert len(no_http.calls) == 0


def test_no_project_id(capsys, no_http):
    result = fail(capsys, dict(job_id=JOB_ID, endpoint=BASE, access_key=AK, secret_key=SK), connection=False)
    assert "project_id" in result["msg"] and "HW_PROJECT_ID" in result["msg"]
    assert len(no_http.calls) == 0


def test_no_endpoint_nor_region(capsys, no_http):
    result = fail(capsys, dict(job_id=JOB_ID, project_id=PROJECT, access_key=AK, secret_key=SK), connection=False)
    assert "HW_REGION_NAME" in result["msg"]
    assert len(no_http.calls) == 0


# -- 14. rules on the job as it would be ----------------------------------------------------------

@pytest.mark.parametrize("job, args, expected", [
    (dict(), dict(log_enabled=True), "log_enabled=true needs obs_bucket"),
    (dict(), dict(image="org/flink:1.15-custom"), "image is only allowed with feature=custom"),
    (dict(), dict(feature="custom", image="org/flink:1.15-custom"), "flink_version is not allowed with feature=custom"),
    (dict(), dict(cu_number=1, manager_cu_number=1), "cu_number (1) must be greater than manager_cu_number (1)"),
    (dict(cu_number=4, manager_cu_number=2), dict(cu_number=2), "cu_number (2) must be greater than manager_cu_number (2)"),
])
def test_merged_state_is_checked_after_the_read(capsys, http, job, args, expected):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(**job))
    result = fail(capsys, args)
    assert sequence(http) == [GET]
    assert expected in result["msg"]
    assert result["changed"] is False


def test_log_enabled_with_the_job_bucket_is_fine(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(obs_bucket="logs-bucket"))
    http.add(http_stub.PUT, BASE + PUT_PATH, json=put_answer())
    result = succeed(capsys, dict(log_enabled=True))
    assert sequence(http) == [GET, PUT]
    assert bodies(http) == [("PUT", PUT_PATH, {"log_enabled": True})]
    assert result["changed"] is True


def test_custom_feature_with_flink_version_cleared_is_fine(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer())
    http.add(http_stub.PUT, BASE + PUT_PATH, json=put_answer())
    result = succeed(capsys, dict(feature="custom", image="org/flink:1.15-custom", flink_version=""))
    assert sequence(http) == [GET, PUT]
    assert bodies(http) == [("PUT", PUT_PATH, {"feature": "custom", "image": "org/flink:1.15-custom",
                                               "flink_version": ""})]
    assert result["changed"] is True and result["job"]["feature"] == "custom"


# -- 15. authentication ------------------------------------------------------------------------

def _sdk_authorization(request, access_key, secret_key, security_token=None):
    """The Authorization the official SDK computes for the request as it was sent."""
    sdk_signer = pytest.importorskip("huaweicloudsdkcore.signer.signer")
    sdk_request = pytest.importorskip("huaweicloudsdkcore.sdk_request")
    sdk_credentials = pytest.importorskip("huaweicloudsdkcore.auth.credentials")
    authorization = request.headers["Authorization"]
    signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    parts = urlsplit(request.url)
    headers = dict((name, request.headers[name]) for name in signed if name != "host")
    sdk = sdk_request.SdkRequest(method=request.method, schema="https", host=parts.netloc,
                                 resource_path=parts.path, query_params=[], header_params=headers,
                                 body=request.body or b"")
    credentials = sdk_credentials.BasicCredentials(access_key, secret_key)
    return sdk_signer.Signer(credentials).sign(sdk).header_params["Authorization"]


def test_aksk_signs_every_call(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer())
    http.add(http_stub.PUT, BASE + PUT_PATH, json=put_answer())
    succeed(capsys, dict(parallel_number=4))
    assert sequence(http) == [GET, PUT]
    for call in http.calls:
        headers = call.request.headers
        assert headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=%s, SignedHeaders=" % AK)
        assert "X-Sdk-Date" in headers and headers["X-Project-Id"] == PROJECT
        assert "x-sdk-date" in headers["Authorization"] and "x-project-id" in headers["Authorization"]
        assert "X-Auth-Token" not in headers and "X-Security-Token" not in headers
        assert headers["Authorization"] == _sdk_authorization(call.request, AK, SK)
        assert headers["User-Agent"].startswith("ansible-hwcloud.dli (ansible-core ")  # sent, not signed
    assert "content-type" in http.calls[1].request.headers["Authorization"]


def test_temporary_keys_sign_the_security_token(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer())
    http.add(http_stub.PUT, BASE + PUT_PATH, json=put_answer())
    succeed(capsys, dict(parallel_number=4, security_token="STS-token-value"))
    assert sequence(http) == [GET, PUT]
    for call in http.calls:
        headers = call.request.headers
        assert headers["X-Security-Token"] == "STS-token-value"
        signed = headers["Authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
        assert "x-security-token" in signed
        assert headers["Authorization"] == _sdk_authorization(call.request, AK, SK)


def test_auth_token_is_sent_as_is(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer())
    http.add(http_stub.PUT, BASE + PUT_PATH, json=put_answer())
    succeed(capsys, dict(job_id=JOB_ID, endpoint=BASE, project_id=PROJECT, auth_token="iam-token-value",
                         parallel_number=4), connection=False)
    assert sequence(http) == [GET, PUT]
    for call in http.calls:
        assert call.request.headers["X-Auth-Token"] == "iam-token-value"
        assert "Authorization" not in call.request.headers and "X-Sdk-Date" not in call.request.headers


def test_password_login_then_token(capsys, http):
    http.add(http_stub.POST, IAM + TOKEN_PATH, status=201, headers={"X-Subject-Token": "issued-token-value"},
             json={"token": {"expires_at": (datetime.now(timezone.utc) + timedelta(days=1)).strftime(
                 "%Y-%m-%dT%H:%M:%S.000000Z")}})
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer())
    http.add(http_stub.PUT, BASE + PUT_PATH, json=put_answer())
    succeed(capsys, dict(job_id=JOB_ID, endpoint=BASE, project_id=PROJECT, user_name="alice",
                         password="alice-password", domain_name="acme", iam_endpoint=IAM + "/v3",
                         parallel_number=4), connection=False)
    assert [(c.request.method, c.request.url.split("?")[0]) for c in http.calls] == [
        ("POST", IAM + TOKEN_PATH), ("GET", BASE + JOB_PATH), ("PUT", BASE + PUT_PATH)]
    assert json.loads(http.calls[0].request.body) == {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "alice", "password": "alice-password", "domain": {"name": "acme"}}}},
        "scope": {"project": {"id": PROJECT}}}}
    assert "X-Auth-Token" not in http.calls[0].request.headers
    for call in http.calls[1:]:
        assert call.request.headers["X-Auth-Token"] == "issued-token-value"
        assert "Authorization" not in call.request.headers


def test_password_login_refused(capsys, http):
    http.add(http_stub.POST, IAM + TOKEN_PATH, status=401, headers={"X-Request-Id": "iam-req"},
             json={"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}})
    result = fail(capsys, dict(job_id=JOB_ID, endpoint=BASE, project_id=PROJECT, user_name="alice",
                               password="alice-password", domain_name="acme", iam_endpoint=IAM),
                  connection=False)
    assert sequence(http) == [("POST", TOKEN_PATH)]
    assert "The username or password is wrong." in result["msg"] and result["status_code"] == 401
    assert result["request_id"] == "iam-req"


def test_environment_variables_serve_as_options(capsys, http, monkeypatch):
    monkeypatch.setenv("HW_ACCESS_KEY", "ENVAK")
    monkeypatch.setenv("HW_SECRET_KEY", "env-secret-key")
    monkeypatch.setenv("HW_PROJECT_ID", "envproject")
    monkeypatch.setenv("HW_DLI_ENDPOINT", "https://dli.env.example.com")
    http.add(http_stub.GET, "https://dli.env.example.com/v1.0/envproject/streaming/jobs/104", json=detail_answer())
    result = succeed(capsys, dict(job_id=JOB_ID, parallel_number=1), connection=False)
    assert sequence(http) == [("GET", "/v1.0/envproject/streaming/jobs/104")]
    headers = http.calls[0].request.headers
    assert headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=ENVAK, ")
    assert headers["X-Project-Id"] == "envproject"
    assert headers["Authorization"] == _sdk_authorization(http.calls[0].request, "ENVAK", "env-secret-key")
    assert result["changed"] is False
    assert "env-secret-key" not in json.dumps(result)


# -- 16. secrets never appear in the output ------------------------------------------------------

SECRETS = dict(
    secret_key="SK-do-not-print-1111", security_token="STS-do-not-print-2222",
    auth_token="TOKEN-do-not-print-3333", password="PW-do-not-print-4444",
)
ISSUED_TOKEN = "ISSUED-do-not-print-5555"
CREDENTIALS = {
    "aksk": dict(access_key=AK, secret_key=SECRETS["secret_key"], security_token=SECRETS["security_token"]),
    "token": dict(auth_token=SECRETS["auth_token"]),
    "password": dict(user_name="alice", password=SECRETS["password"], domain_name="acme", iam_endpoint=IAM),
}


@pytest.mark.parametrize("kind", sorted(CREDENTIALS))
@pytest.mark.parametrize("outcome", ["success", "api_401", "put_400"])
def test_secrets_never_appear_in_the_output(capsys, http, kind, outcome):
    if kind == "password":
        http.add(http_stub.POST, IAM + TOKEN_PATH, status=201, headers={"X-Subject-Token": ISSUED_TOKEN},
                 json={"token": {}})
    if outcome == "api_401":
        http.add(http_stub.GET, BASE + JOB_PATH, status=401, headers={"X-Request-Id": "req-401"},
                 json={"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information"})
    else:
        http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer())
        if outcome == "success":
            http.add(http_stub.PUT, BASE + PUT_PATH, json=put_answer())
        else:
            http.add(http_stub.PUT, BASE + PUT_PATH, status=400,
                     json={"error_code": "DLI.0001", "error_msg": "Parameter check failed"})
    args = dict(job_id=JOB_ID, endpoint=BASE, project_id=PROJECT, parallel_number=4, desc="new description")
    args.update(CREDENTIALS[kind])
    code, result, out = run_module(capsys, args, connection=False, diff=True)
    expected = [GET] if outcome == "api_401" else [GET, PUT]
    if kind == "password":
        expected = [("POST", TOKEN_PATH)] + expected
    assert sequence(http) == expected
    assert code == (0 if outcome == "success" else 1)
    if outcome == "api_401":
        assert result["status_code"] == 401 and result["error_code"] == "APIGW.0301"
    serialized = json.dumps(result)
    for secret in list(SECRETS.values()) + [ISSUED_TOKEN]:
        assert secret not in out and secret not in serialized
    # The credentials were really used, so the check above is not vacuous.
    sent = [call.request.headers.get("X-Auth-Token") or call.request.headers.get("X-Security-Token")
            for call in http.calls if urlsplit(call.request.url).path != TOKEN_PATH]
    assert sent and all(value in list(SECRETS.values()) + [ISSUED_TOKEN] for value in sent)


# -- what main() adds: actions, msg, warnings, and refusals before any request ------------------------

def test_result_says_what_was_done_in_actions_and_one_line(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer())
    http.add(http_stub.PUT, BASE + PUT_PATH, json=put_answer())
    result = succeed(capsys, dict(parallel_number=4, cu_number=4))
    assert result["actions"] == ["update cu_number, parallel_number"]
    assert result["msg"] == "Flink job 104: update cu_number, parallel_number."


def test_check_mode_says_what_would_be_done(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running"))
    http.add(http_stub.GET, BASE + QUEUE_PATH, json=queue_answer())
    result = succeed(capsys, dict(parallel_number=4, allow_restart=True), check=True)
    assert sequence(http) == [GET, QUEUE]
    assert result["msg"] == ("Flink job 104: would stop with savepoint, then update parallel_number, "
                             "then start from savepoint.")


def test_nothing_to_do_says_so(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer())
    result = succeed(capsys, dict(parallel_number=1))
    assert result["actions"] == [] and result["msg"] == "Flink job 104: no change."


def test_allow_restart_needs_a_positive_wait_timeout(capsys, no_http):
    result = fail(capsys, dict(parallel_number=4, allow_restart=True, wait_timeout=0))
    assert result["msg"].startswith("allow_restart=true needs a wait_timeout of at least 1 second")
    assert len(no_http.calls) == 0


def test_a_lost_put_answer_read_back_is_a_warning_and_a_change(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer())
    http.add(http_stub.PUT, BASE + PUT_PATH, body=Lost("timed out (TimeoutError)"))
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(parallel_number=4, update_time=PUT_UPDATE_TIME))
    result = succeed(capsys, dict(parallel_number=4))
    assert sequence(http) == [GET, PUT, GET]
    assert result["changed"] is True and result["update_time"] == PUT_UPDATE_TIME
    assert any("The job read back holds the update." in str(warning) for warning in result["warnings"]), result["warnings"]


def test_a_failure_after_a_write_returns_the_steps_done_and_changed(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running"))
    http.add(http_stub.GET, BASE + QUEUE_PATH, json=queue_answer())
    http.add(http_stub.POST, BASE + STOP_PATH, json=batch_answer("stopping"))
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_cancel_success"))
    http.add(http_stub.PUT, BASE + PUT_PATH, json=put_answer())
    http.add(http_stub.POST, BASE + RUN_PATH, json=[{"is_success": "false", "message": "queue busy"}])
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_cancel_success"))
    result = fail(capsys, dict(parallel_number=4, allow_restart=True, rollback=False))
    assert result["changed"] is True and result["status"] == "job_cancel_success"
    assert result["actions"] == ["stop with savepoint", "update parallel_number"] and result["rolled_back"] is False
    assert "the job is stopped and updated, but it could not be started again" in result["msg"]


# -- states and lookup: the wiring -----------------------------------------------------------------

def test_neither_job_id_nor_name_is_refused_before_any_request(capsys, no_http):
    result = fail(capsys, dict(job_id=None, parallel_number=4))
    assert "one of the following is required: job_id, name" in result["msg"] and len(no_http.calls) == 0


@pytest.mark.parametrize("state", ["started", "stopped", "absent"])
def test_a_state_that_waits_needs_a_wait_timeout(capsys, no_http, state):
    result = fail(capsys, dict(state=state, wait_timeout=0))
    assert result["msg"] == ("state=%s needs a wait_timeout of at least 1 second: the job's stops and starts are "
                             "waited for." % state)
    assert len(no_http.calls) == 0


def test_a_job_given_back_with_its_status_update_time_and_nulls_is_ok(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running"))
    result = succeed(capsys, dict(status="job_cancel_success", update_time=1, parallel_number=1, feature=None,
                                  checkpoint_mode=None, resource_config_version=None, job_type=None))
    assert result["changed"] is False and sequence(http) == [GET]


def test_state_stopped_wires_the_stop_and_its_message(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running"))
    http.add(http_stub.POST, BASE + STOP_PATH, json=batch_answer("stopping"))
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_cancel_success"))
    result = succeed(capsys, dict(state="stopped", upgrade_mode="stateless"))
    assert result["msg"] == "Flink job 104: stop." and result["actions"] == ["stop"]
    assert json.loads(http.calls[1].request.body) == {"job_ids": [JOB_ID], "trigger_savepoint": False}


def test_tags_with_a_nested_value_are_refused_before_any_request(capsys, no_http):
    result = fail(capsys, dict(job_id=None, name="new", tags={"team": {"a": 1}}))
    assert result["msg"].startswith("tags must map keys to single values") and len(no_http.calls) == 0


# -- malformed answers: one line naming the job and the field, never a traceback ---------------------

def test_a_detail_whose_job_config_is_a_string_is_a_one_line_failure(capsys, http):
    answer = detail_answer()
    answer["job_detail"]["job_config"] = "not an object"
    http.add(http_stub.GET, BASE + JOB_PATH, json=answer)
    result = fail(capsys, dict(parallel_number=4))
    assert result["msg"] == ("Flink job 104: GET %s answered a job_detail whose job_config is not an object: the "
                             "answer is malformed." % JOB_PATH)
    assert "exception" not in result and result["changed"] is False and sequence(http) == [GET]


def test_a_detail_with_a_field_of_the_wrong_type_names_the_field(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(parallel_number="many"))
    result = fail(capsys, dict(parallel_number=4))
    assert result["msg"].startswith("Flink job 104: the job detail answer holds a value this module cannot read: "
                                    "job_config.parallel_number is a string that cannot be read as a int")
    assert "\n" not in result["msg"] and "exception" not in result


def test_an_answer_of_100000_nested_brackets_is_a_one_line_failure(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, body="[" * 100000, content_type="application/json")
    result = fail(capsys, dict(parallel_number=4))
    assert result["msg"].startswith("Flink job 104: GET %s failed: HTTP 200 with a body nested too deeply to read as JSON" % JOB_PATH)
    assert "\n" not in result["msg"] and "exception" not in result and len(result["msg"]) < 400


# -- blank and short secrets ------------------------------------------------------------------------

def test_a_blank_secret_key_is_refused_naming_it_and_the_message_keeps_its_spaces(capsys, no_http):
    # HW_SECRET_KEY=' ' made every space of the message ******** (Ansible's no_log masking and the module's own).
    result = fail(capsys, dict(secret_key=" ", parallel_number=4))
    assert result["msg"] == "secret_key (HW_SECRET_KEY) is blank: give the secret itself, or leave both the option " \
        "and the variable unset."
    assert result["invocation"]["module_args"]["secret_key"] == "********"
    assert len(no_http.calls) == 0


def test_a_short_secret_key_warns_and_is_masked_as_a_word_only(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, status=401, json={
        "error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information: signature mismatch for a"})
    code, result, out = run_module(capsys, dict(secret_key="a", parallel_number=4))
    assert code == 1 and result["failed"] is True
    assert "Incorrect IAM authentication information: signature mismatch for ********" in result["msg"]
    assert "secret_key (HW_SECRET_KEY) is shorter than 8 characters, which no real one is: check the value given. It " \
        "is hidden in messages only where it stands as a word of its own." in warning_texts(result)
    assert result["invocation"]["module_args"]["secret_key"] == "********"
    assert '"secret_key": "a"' not in out


def test_a_secret_key_of_eight_characters_or_more_gives_no_warning(capsys, http, monkeypatch):
    from ansible.module_utils.common import warnings
    monkeypatch.setattr(warnings, "_global_warnings", {})  # a process's warnings pile up: none of earlier tests
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(parallel_number=4))
    result = succeed(capsys, dict(secret_key="abcdefgh", parallel_number=4))
    assert not any("shorter than" in text for text in warning_texts(result)) and result["changed"] is False


def warning_texts(result):
    """The texts of the result's warnings (ansible-core 2.19 gives each as a summary object)."""
    return [warning["event"]["msg"] if isinstance(warning, dict) else warning for warning in result.get("warnings", [])]


# -- pre-flight, savepoint_path, stable_seconds, rollback: the wiring ------------------------------

@pytest.mark.parametrize("queue, check", [
    (dict(queueType="sql"), "queue type: the queue 'flinktest' is of type 'sql'"),
    (dict(cuCount=1), "CUs: the queue 'flinktest' has 1 CUs (cuCount), fewer than the job's cu_number 2"),
    (dict(support_flink_jar_versions=["1.12"]), "Flink version: the queue 'flinktest' supports Flink 1.12"),
])
def test_a_failed_pre_flight_check_fails_before_the_stop(capsys, http, queue, check):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running"))
    http.add(http_stub.GET, BASE + QUEUE_PATH, json=queue_answer(**queue))
    result = fail(capsys, dict(parallel_number=4, allow_restart=True))
    assert sequence(http) == [GET, QUEUE] and result["changed"] is False and result["actions"] == []
    assert check in result["msg"] and "Nothing was changed." in result["msg"]


def test_a_missing_queue_fails_the_pre_flight(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_cancel_success"))
    http.add(http_stub.GET, BASE + QUEUE_PATH, status=400,
             json={"error_code": "DLI.0002", "error_msg": "The queue does not exist."})
    result = fail(capsys, dict(state="started"))
    assert sequence(http) == [GET, QUEUE]
    assert "queue_name: the queue 'flinktest' does not exist." in result["msg"]


def test_savepoint_path_is_imported_then_resumed_from(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_cancel_success"))
    http.add(http_stub.GET, BASE + QUEUE_PATH, json=queue_answer())
    http.add(http_stub.POST, BASE + IMPORT_PATH, json={"is_success": "true", "message": "imported"})
    http.add(http_stub.POST, BASE + RUN_PATH, json=batch_answer("starting"))
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running"))
    result = succeed(capsys, dict(state="started", savepoint_path="obs://bucket/sp-1", upgrade_mode="stateless"))
    assert sequence(http) == [GET, QUEUE, IMPORT, RUN, GET]
    assert bodies(http) == [("POST", IMPORT_PATH, {"job_id": 104, "savepoint_path": "obs://bucket/sp-1"}),
                            ("POST", RUN_PATH, {"job_ids": [104], "resume_savepoint": True})]
    assert result["actions"] == ["import savepoint obs://bucket/sp-1", "start from savepoint"]
    assert result["status"] == "job_running" and result["rolled_back"] is False


@pytest.mark.parametrize("path", ["bucket/sp", "obs://bucket", "obs:///sp", "s3://bucket/sp"])
def test_a_savepoint_path_that_is_not_an_obs_path_is_refused_before_any_request(capsys, no_http, path):
    result = fail(capsys, dict(state="started", savepoint_path=path))
    assert result["msg"].startswith("savepoint_path must be an OBS path of the form obs://bucket/path")
    assert len(no_http.calls) == 0


@pytest.mark.parametrize("args, expected", [
    (dict(stable_seconds=600), "stable_seconds=600 must be less than wait_timeout=600"),
    (dict(stable_seconds=10, wait=False), "stable_seconds=10 needs wait=true"),
    (dict(stable_seconds=-1), "stable_seconds must be 0 to 86400 seconds, not -1."),
    (dict(stable_seconds=True), "stable_seconds must be an integer, not a boolean (true)."),
])
def test_bad_stable_seconds_are_refused_before_any_request(capsys, no_http, args, expected):
    result = fail(capsys, dict(state="started", **args))
    assert expected in result["msg"] and len(no_http.calls) == 0


def test_a_crash_in_the_stable_window_is_rolled_back_and_says_so(capsys, http):
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running"))
    http.add(http_stub.GET, BASE + QUEUE_PATH, json=queue_answer())
    http.add(http_stub.POST, BASE + STOP_PATH, json=batch_answer("stopping"))
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_cancel_success"))
    http.add(http_stub.PUT, BASE + PUT_PATH, json=put_answer())
    http.add(http_stub.POST, BASE + RUN_PATH, json=batch_answer("starting"))
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running"))
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running_exception"))
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running_exception"))
    http.add(http_stub.PUT, BASE + PUT_PATH, json=put_answer())
    http.add(http_stub.POST, BASE + RUN_PATH, json=batch_answer("starting"))
    http.add(http_stub.GET, BASE + JOB_PATH, json=detail_answer(status="job_running"))
    result = fail(capsys, dict(parallel_number=4, allow_restart=True, stable_seconds=30))
    assert sequence(http) == [GET, QUEUE, STOP, GET, PUT, RUN, GET, GET, GET, PUT, RUN, GET]
    assert [body for method, path, body in bodies(http) if method == "PUT"] == [
        {"parallel_number": 4}, {"parallel_number": 1}]
    assert result["rolled_back"] is True and result["status"] == "job_running" and result["changed"] is True
    assert result["actions"] == ["stop with savepoint", "update parallel_number", "start from savepoint",
                                 "rollback: update parallel_number", "rollback: start from savepoint"]
    assert "did not stay running for stable_seconds=30" in result["msg"]
    assert "Rolled back: parallel_number put back" in result["msg"] and "runs its previous configuration" in \
        result["msg"]
