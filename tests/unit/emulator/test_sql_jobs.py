# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's Flink SQL jobs: their create and update calls, the fields of the notes, their rules."""

import importlib.util
import json
import os
import time

import pytest
import requests

pytest.importorskip("huaweicloudsdkcore")
PATH = os.path.join(os.path.dirname(__file__), "..", "..", "emulator", "dli_emulator.py")
spec = importlib.util.spec_from_file_location("dli_emulator", PATH)
emu = importlib.util.module_from_spec(spec)
spec.loader.exec_module(emu)

from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402  pylint: disable=wrong-import-position
from huaweicloudsdkcore.sdk_request import SdkRequest  # noqa: E402  pylint: disable=wrong-import-position
from huaweicloudsdkcore.signer.signer import Signer  # noqa: E402  pylint: disable=wrong-import-position

SQL_JOBS = "/v1.0/%s/streaming/sql-jobs" % emu.PROJECT_ID
FLINK_JOBS = "/v1.0/%s/streaming/flink-jobs" % emu.PROJECT_ID
QUERY = "INSERT INTO sink\nSELECT id FROM orders;"
SHARED = dict(run_mode="exclusive_cluster")  # with the default job_type (flink_opensource_sql_job)


@pytest.fixture(scope="module")
def url():
    server, base = emu.start_emulator(transition_seconds=0.2)
    yield base
    server.shutdown()


@pytest.fixture(autouse=True)
def reset(url):
    requests.post(url + "/_emulator/reset")


def call(url, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else b""
    headers = {"X-Project-Id": emu.PROJECT_ID}
    if body is not None:
        headers["Content-Type"] = "application/json"
    request = SdkRequest(method=method, schema="http", host=url.split("//", 1)[1], resource_path=path, query_params=[],
                         header_params=headers, body=data)
    signed = Signer(BasicCredentials(emu.ACCESS_KEY, emu.SECRET_KEY)).sign(request)
    return requests.request(method, url + path, headers=signed.header_params, data=data or None)


def detail(url, job_id):
    return call(url, "GET", "/v1.0/%s/streaming/jobs/%s" % (emu.PROJECT_ID, job_id)).json()["job_detail"]


def create(url, **body):
    answer = call(url, "POST", SQL_JOBS, body)
    assert answer.status_code == 200, answer.text
    return answer.json()["job"]["job_id"]


def refused(answer, code="DLI.0001"):
    return answer.status_code == 400 and answer.json()["error_code"] == code


def test_a_create_answers_as_a_jar_create_and_the_detail_has_the_sql_fields_where_the_notes_say(url):
    answer = call(url, "POST", SQL_JOBS, dict(name="sql-a", sql_body=QUERY, queue_name="streaming", tags=[
        {"key": "team", "value": "data"}], template_id=3, edge_group_ids=["g1"], dirty_data_strategy="2:obs://b/d",
        **SHARED)).json()
    assert answer["is_success"] == "true" and answer["job"]["status_name"] == "job_init"
    job = detail(url, answer["job"]["job_id"])
    assert (job["job_type"], job["run_mode"], job["sql_body"], job["status"]) == (
        "flink_opensource_sql_job", "exclusive_cluster", QUERY, "job_init")
    config = job["job_config"]
    assert config["idle_state_retention"] == 3600 and config["dirty_data_strategy"] == "2:obs://b/d"
    assert config["edge_group_ids"] == ["g1"] and config["operator_config"] is None and config["udf_jar_url"] is None
    assert config["cu_number"] == 2 and config["tm_slot_num"] == 1  # the shared fields, filled as for a Jar job
    assert "entrypoint" not in config and "sql_body" not in config


def test_an_update_merges_and_takes_the_update_only_fields_as_json_text(url):
    job_id = create(url, name="sql-b", sql_body=QUERY, **SHARED)
    body = dict(sql_body="SELECT 1;", operator_config='{"a": 1}', idle_state_retention=60)
    answer = call(url, "PUT", "%s/%s" % (SQL_JOBS, job_id), body).json()
    assert answer["is_success"] == "true" and answer["job"]["update_time"]
    job = detail(url, job_id)
    assert job["sql_body"] == "SELECT 1;" and job["run_mode"] == "exclusive_cluster"
    assert job["job_config"]["operator_config"] == '{"a": 1}' and job["job_config"]["idle_state_retention"] == 60


@pytest.mark.parametrize("body", [
    dict(sql_body="x" * (1024 * 1024 + 1)), dict(run_mode="cluster"), dict(job_type="flink_jar_job"),
    dict(dirty_data_strategy="2:"), dict(dirty_data_strategy="3"), dict(idle_state_retention=0),
    dict(edge_group_ids=[1]), dict(operator_config='{"a": 1}'), dict(entrypoint="a.jar"), dict(template_id="t"),
    dict(run_mode="shared_cluster", job_type="flink_opensource_sql_job"), dict(log_enabled=True),
])
def test_a_bad_create_is_refused_and_stores_nothing(url, body):
    before = sorted(requests.get(url + "/_emulator/jobs").json())
    assert refused(call(url, "POST", SQL_JOBS, dict(dict(name="bad", **SHARED), **body)))
    assert sorted(requests.get(url + "/_emulator/jobs").json()) == before


def test_job_type_is_taken_on_create_only_and_the_json_fields_on_update_only():
    assert "job_type" in emu.SQL_CREATE_FIELDS and "job_type" not in emu.SQL_UPDATE_FIELDS
    assert "operator_config" in emu.SQL_UPDATE_FIELDS and "operator_config" not in emu.SQL_CREATE_FIELDS


def test_a_create_naming_neither_run_mode_nor_job_type_is_refused(url):
    assert refused(call(url, "POST", SQL_JOBS, dict(name="defaults")))
    assert create(url, name="shared", job_type="flink_sql_job")


@pytest.mark.parametrize("body", [dict(job_type="flink_sql_job"), dict(tags=[]), dict(template_id=1),
                                  dict(sql_body=5), dict(run_mode="shared_cluster")])
def test_a_bad_update_is_refused_and_changes_nothing(url, body):
    job_id = create(url, name="sql-c", sql_body=QUERY, **SHARED)
    before = detail(url, job_id)
    assert refused(call(url, "PUT", "%s/%s" % (SQL_JOBS, job_id), body))
    assert detail(url, job_id) == before


def test_each_kinds_endpoint_refuses_a_job_of_the_other_kind(url):
    assert refused(call(url, "PUT", "%s/%s" % (SQL_JOBS, 1001), dict(desc="x")), "DLI.0007")
    assert refused(call(url, "PUT", "%s/%s" % (FLINK_JOBS, 1004), dict(desc="x")), "DLI.0007")


def test_a_running_sql_job_takes_only_what_a_running_jar_job_takes(url):
    assert call(url, "PUT", "%s/%s" % (SQL_JOBS, 1004), dict(smn_topic="alerts")).status_code == 200
    assert refused(call(url, "PUT", "%s/%s" % (SQL_JOBS, 1004), dict(sql_body="SELECT 2;")))
    assert detail(url, 1004)["sql_body"].startswith("INSERT INTO dashboard")


def test_a_sql_job_starts_stops_and_is_deleted_with_the_calls_of_every_job(url):
    job_id = create(url, name="sql-d", sql_body=QUERY, **SHARED)
    jobs = "/v1.0/%s/streaming/jobs" % emu.PROJECT_ID
    assert call(url, "POST", jobs + "/run", {"job_ids": [job_id], "resume_savepoint": False}).json()[0]["is_success"]
    time.sleep(0.3)
    assert detail(url, job_id)["status"] == "job_running"
    assert call(url, "POST", jobs + "/stop", {"job_ids": [job_id], "trigger_savepoint": True}).status_code == 200
    time.sleep(0.3)
    assert detail(url, job_id)["status"] == "job_cancel_success"
    assert call(url, "DELETE", "%s/%s" % (jobs, job_id)).status_code == 200


def test_a_crash_can_be_asked_for_one_query_only(url):
    job_id = create(url, name="sql-e", sql_body=QUERY, **SHARED)
    requests.put(url + "/_emulator/jobs/%s" % job_id, json=dict(crash_after=0.1, crash_sql_body="SELECT broken;"))
    jobs = "/v1.0/%s/streaming/jobs" % emu.PROJECT_ID
    call(url, "POST", jobs + "/run", {"job_ids": [job_id], "resume_savepoint": False})
    time.sleep(0.5)
    assert detail(url, job_id)["status"] == "job_running"  # not the broken query
    call(url, "POST", jobs + "/stop", {"job_ids": [job_id], "trigger_savepoint": False})
    time.sleep(0.3)
    call(url, "PUT", "%s/%s" % (SQL_JOBS, job_id), dict(sql_body="SELECT broken;"))
    call(url, "POST", jobs + "/run", {"job_ids": [job_id], "resume_savepoint": False})
    time.sleep(0.5)
    assert detail(url, job_id)["status"] == "job_running_exception"


def test_the_counts_and_faults_know_the_sql_calls():
    assert emu.request_kind("POST", SQL_JOBS) == "create"
    assert emu.request_kind("PUT", SQL_JOBS + "/7") == "update"
    assert emu.request_kind("GET", SQL_JOBS + "/7") == "other"


def test_the_queues_name_the_flink_sql_versions(url):
    queue = call(url, "GET", "/v1.0/%s/queues/streaming" % emu.PROJECT_ID).json()
    assert queue["support_flink_sql_versions"] == ["1.12", "1.15"]
