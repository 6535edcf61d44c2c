# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator itself: requests signed with the official SDK, its refusals and its rules."""

import importlib.util
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest
import requests

pytest.importorskip("huaweicloudsdkcore")
# The emulator first: it imports the SDK with a home of its own (the SDK writes $HOME/.huaweicloud as it loads),
# so that the imports below find it loaded and this test leaves the home alone however it is run.
PATH = os.path.join(os.path.dirname(__file__), "..", "..", "emulator", "dli_emulator.py")
spec = importlib.util.spec_from_file_location("dli_emulator", PATH)
emu = importlib.util.module_from_spec(spec)
spec.loader.exec_module(emu)

from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402  pylint: disable=wrong-import-position
from huaweicloudsdkcore.sdk_request import SdkRequest  # noqa: E402  pylint: disable=wrong-import-position
from huaweicloudsdkcore.signer.signer import Signer  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope="module")
def url():
    server, base = emu.start_emulator(transition_seconds=0.2)
    yield base
    server.shutdown()


@pytest.fixture(autouse=True)
def reset(url):
    requests.post(url + "/_emulator/reset")


def call(url, method, path, body=None, ak=emu.ACCESS_KEY, sk=emu.SECRET_KEY, date=None, extra=None, raw=None):
    """Sign with the official SDK, the way its own clients do. ``raw``: body bytes sent as they are."""
    data = raw if raw is not None else json.dumps(body).encode() if body is not None else b""
    host = url.split("//", 1)[1]
    headers = {"X-Project-Id": emu.PROJECT_ID}
    if body is not None or raw is not None:
        headers["Content-Type"] = "application/json"
    if date:
        headers["X-Sdk-Date"] = date
    headers.update(extra or {})
    request = SdkRequest(method=method, schema="http", host=host, resource_path=path, query_params=[],
                         header_params=headers, body=data)
    signed = Signer(BasicCredentials(ak, sk)).sign(request)
    return requests.request(method, url + path, headers=signed.header_params, data=data or None, allow_redirects=False)


def job_path(job_id):
    return "/v1.0/%s/streaming/jobs/%s" % (emu.PROJECT_ID, job_id)


def put_path(job_id):
    return "/v1.0/%s/streaming/flink-jobs/%s" % (emu.PROJECT_ID, job_id)


CREATE_PATH = "/v1.0/%s/streaming/flink-jobs" % emu.PROJECT_ID
LIST_PATH = "/v1.0/%s/streaming/jobs" % emu.PROJECT_ID


def job_config(url, job_id):
    return call(url, "GET", job_path(job_id)).json()["job_detail"]["job_config"]


def test_signed_get_answers_the_job(url):
    answer = call(url, "GET", job_path(1001))
    assert answer.status_code == 200 and answer.headers["X-Request-Id"]
    body = answer.json()
    assert body["is_success"] == "true"
    assert body["job_detail"]["job_id"] == 1001
    assert isinstance(body["job_detail"]["job_config"]["runtime_config"], str)


@pytest.mark.parametrize("kwargs", [
    dict(sk="wrong-secret"),
    dict(ak="UNKNOWNKEY"),
    dict(date=(datetime.now(timezone.utc) - timedelta(minutes=20)).strftime("%Y%m%dT%H%M%SZ")),
    dict(ak=emu.TEMP_ACCESS_KEY, sk=emu.TEMP_SECRET_KEY),  # temporary keys without their token
])
def test_bad_credentials_answer_401_apigw_0301(url, kwargs):
    answer = call(url, "GET", job_path(1001), **kwargs)
    assert answer.status_code == 401 and answer.json()["error_code"] == "APIGW.0301"


def test_temporary_keys_with_their_signed_token(url):
    answer = call(url, "GET", job_path(1001), ak=emu.TEMP_ACCESS_KEY, sk=emu.TEMP_SECRET_KEY,
                  extra={"X-Security-Token": emu.SECURITY_TOKEN})
    assert answer.status_code == 200


def test_partial_merge_and_increasing_update_time(url):
    before = call(url, "GET", job_path(1001)).json()["job_detail"]
    first = call(url, "PUT", put_path(1001), {"parallel_number": 3}).json()
    second = call(url, "PUT", put_path(1001), {"desc": "x"}).json()
    after = call(url, "GET", job_path(1001)).json()["job_detail"]
    assert first["is_success"] is True and second["job"]["update_time"] > first["job"]["update_time"]
    assert after["job_config"]["parallel_number"] == 3 and after["desc"] == "x"
    assert after["name"] == before["name"] and after["job_config"]["entrypoint"] == before["job_config"]["entrypoint"]


def test_running_job_rules(url):
    assert call(url, "PUT", put_path(1002), {"smn_topic": "t"}).status_code == 200
    cold = call(url, "PUT", put_path(1002), {"parallel_number": 9})
    assert cold.status_code == 400 and cold.json()["error_code"] == "DLI.0001"
    same_bucket = call(url, "PUT", put_path(1002), {"obs_bucket": "fraud-job-logs"})
    assert same_bucket.status_code == 400


def test_merged_rules_and_missing_job(url):
    answer = call(url, "PUT", put_path(1001), {"log_enabled": True})
    assert answer.status_code == 400 and "obs_bucket" in answer.json()["error_msg"]
    missing = call(url, "GET", job_path(424242))
    assert missing.status_code == 400 and missing.json()["error_code"] == "DLI.16001"


def test_stop_then_run_transitions(url):
    stop_path = "/v1.0/%s/streaming/jobs/stop" % emu.PROJECT_ID
    run_path = "/v1.0/%s/streaming/jobs/run" % emu.PROJECT_ID
    assert call(url, "POST", stop_path, {"job_ids": [1002], "trigger_savepoint": True}).json()[0]["is_success"]
    assert call(url, "GET", job_path(1002)).json()["job_detail"]["status"] == "job_canceling"
    time.sleep(0.3)
    assert call(url, "GET", job_path(1002)).json()["job_detail"]["status"] == "job_cancel_success"
    assert call(url, "POST", run_path, {"job_ids": [1002], "resume_savepoint": True}).json()[0]["is_success"]
    time.sleep(0.3)
    assert call(url, "GET", job_path(1002)).json()["job_detail"]["status"] == "job_running"
    stored = requests.get(url + "/_emulator/jobs/1002").json()
    assert len(stored["_meta"]["savepoints"]) == 1
    assert stored["_meta"]["last_run"] == {"resume_savepoint": True, "savepoint": stored["_meta"]["savepoints"][0]}


def test_iam_token_then_use(url):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": emu.USER_NAME, "password": emu.PASSWORD, "domain": {"name": emu.DOMAIN_NAME}}}},
        "scope": {"project": {"id": emu.PROJECT_ID}}}}
    issued = requests.post(url + "/v3/auth/tokens", json=body)
    assert issued.status_code == 201
    # The shape run.py searches the -vvv output for.
    assert emu.ISSUED_TOKEN.fullmatch(issued.headers["X-Subject-Token"])
    answer = requests.get(url + job_path(1001), headers={"X-Auth-Token": issued.headers["X-Subject-Token"]})
    assert answer.status_code == 200
    assert requests.get(url + job_path(1001), headers={"X-Auth-Token": "forged"}).status_code == 401


def test_fault_injection_then_normal(url):
    requests.post(url + "/_emulator/faults", json={"times": 1, "status": 429, "retry_after": 2})
    throttled = call(url, "GET", job_path(1001))
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "2"
    assert call(url, "GET", job_path(1001)).status_code == 200
    log = requests.get(url + "/_emulator/requests").json()
    assert [entry["status"] for entry in log] == [429, 200]


@pytest.mark.parametrize("method, path", [
    ("GET", job_path("abc")),
    ("GET", job_path("1_001")),  # int() would read 1001: the id must be digits only
    ("DELETE", job_path("1x")),
    ("PUT", put_path("abc")),
])
def test_a_non_integer_job_id_is_a_parameter_error(url, method, path):
    answer = call(url, method, path, {"desc": "x"} if method == "PUT" else None)
    assert answer.status_code == 400 and answer.json()["error_code"] == "DLI.0001"


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"desc"', b"{not json", b""])
def test_a_body_that_is_not_a_json_object_is_refused(url, raw):
    before = call(url, "GET", job_path(1001)).json()["job_detail"]
    for method, path in (("PUT", put_path(1001)), ("POST", CREATE_PATH)):
        answer = call(url, method, path, raw=raw)
        assert answer.status_code == 400 and answer.json()["error_code"] == "DLI.0001", (method, answer.text)
    assert call(url, "GET", job_path(1001)).json()["job_detail"] == before
    assert call(url, "GET", LIST_PATH).json()["job_list"]["total_count"] == 4


def test_run_and_stop_want_a_list_of_job_ids(url):
    answer = call(url, "POST", LIST_PATH + "/stop", {"job_ids": 1002})
    assert answer.status_code == 400 and answer.json()["error_code"] == "DLI.0001"
    assert call(url, "GET", job_path(1002)).json()["job_detail"]["status"] == "job_running"


def test_a_refused_create_leaves_no_job_behind(url):
    answer = call(url, "POST", CREATE_PATH, {"name": "new-job", "queue_name": "q", "parallel_number": "many"})
    assert answer.status_code == 400 and answer.json()["error_code"] == "DLI.0001"
    assert call(url, "GET", LIST_PATH).json()["job_list"]["total_count"] == 4
    created = call(url, "POST", CREATE_PATH, {"name": "new-job", "queue_name": "q"}).json()
    assert created["job"]["job_id"] == 1005


def test_an_unexpected_error_answers_500_dli_0999(url, monkeypatch):
    def broken(self):
        raise RuntimeError("emulator bug")
    monkeypatch.setattr(emu.Handler, "_list", broken)
    answer = call(url, "GET", LIST_PATH)
    assert answer.status_code == 500 and answer.headers["X-Request-Id"]
    assert answer.json()["error_code"] == "DLI.0999" and "emulator bug" in answer.json()["error_msg"]
    assert requests.get(url + "/_emulator/requests").json()[-1]["status"] == 500


def test_an_update_neither_fills_nor_recomputes_tm_slot_num(url):
    requests.put(url + "/_emulator/jobs/1001", json={"job_config": {"tm_slot_num": None}})
    assert call(url, "PUT", put_path(1001), {"parallel_number": 4}).status_code == 200
    assert job_config(url, 1001)["tm_slot_num"] is None
    # Left out of the body, a stored value stays (partial merge), whatever the other values.
    assert call(url, "PUT", put_path(1003), {"parallel_number": 6}).status_code == 200
    assert job_config(url, 1003)["tm_slot_num"] == 2


def test_create_fills_tm_slot_num_only_when_none_is_given(url):
    body = {"name": "new-job", "queue_name": "q", "cu_number": 3, "parallel_number": 4}
    filled = call(url, "POST", CREATE_PATH, body).json()["job"]["job_id"]
    assert job_config(url, filled)["tm_slot_num"] == 2  # parallel_number * tm_cus // (cu_number - manager_cu_number)
    given = call(url, "POST", CREATE_PATH, dict(body, tm_slot_num=5)).json()["job"]["job_id"]
    assert job_config(url, given)["tm_slot_num"] == 5


def test_checkpoint_fields_are_written_as_numbers_and_read_back_as_the_notes_show(url):
    body = {"checkpoint_enabled": True, "checkpoint_mode": 2, "checkpoint_interval": 120}
    assert call(url, "PUT", put_path(1001), body).status_code == 200
    config = job_config(url, 1001)
    assert (config["checkpoint_enabled"], config["checkpoint_mode"], config["checkpoint_interval"]) == \
        (True, "at_least_once", 120)
    created = call(url, "POST", CREATE_PATH, dict(body, name="new-job", queue_name="q", checkpoint_mode=1))
    assert created.status_code == 200
    assert job_config(url, created.json()["job"]["job_id"])["checkpoint_mode"] == "exactly_once"


@pytest.mark.parametrize("body", [
    {"checkpoint_enabled": "true"},
    {"checkpoint_mode": 3},
    {"checkpoint_mode": "exactly_once"},  # read back as a name, but written as 1 or 2
    {"checkpoint_mode": True},
    {"checkpoint_interval": 0},
    {"checkpoint_interval": "30"},
])
def test_bad_checkpoint_values_are_refused(url, body):
    for method, path, sent in (("PUT", put_path(1001), body),
                               ("POST", CREATE_PATH, dict(body, name="new-job", queue_name="q"))):
        answer = call(url, method, path, sent)
        assert answer.status_code == 400 and answer.json()["error_code"] == "DLI.0001", (method, answer.text)


def fault(url, **spec):
    requests.post(url + "/_emulator/faults", json=spec).raise_for_status()


def test_a_lost_answer_takes_effect_but_never_arrives(url):
    fault(url, method="PUT", path_contains="flink-jobs", lose_answer=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        call(url, "PUT", put_path(1001), {"parallel_number": 7})
    stored = requests.get(url + "/_emulator/jobs/1001").json()
    assert stored["job_config"]["parallel_number"] == 7
    assert [entry["status"] for entry in requests.get(url + "/_emulator/requests").json()] == [200]


def test_a_redirect_fault_answers_3xx_with_its_location(url):
    fault(url, method="PUT", status=302, location="http://elsewhere.example/")
    answer = call(url, "PUT", put_path(1001), {"parallel_number": 7})
    assert answer.status_code == 302 and answer.headers["Location"] == "http://elsewhere.example/"
    assert requests.get(url + "/_emulator/jobs/1001").json()["job_config"]["parallel_number"] != 7


def test_a_malformed_body_fault_answers_200_with_that_body_and_type(url):
    fault(url, method="GET", body="[1]", content_type="application/json")
    answer = call(url, "GET", job_path(1001))
    assert answer.status_code == 200 and answer.json() == [1]
    assert answer.headers["Content-Type"] == "application/json"


def test_an_echo_fault_answers_with_the_request_body_as_text(url):
    fault(url, method="PUT", echo="text", pad=3)
    answer = call(url, "PUT", put_path(1001), {"desc": u'a "quote" and \u00f6'})
    assert answer.status_code == 400 and answer.headers["Content-Type"].startswith("text/plain")
    assert answer.text == "..." + json.dumps({"desc": u'a "quote" and \u00f6'})
    assert requests.get(url + "/_emulator/jobs/1001").json().get("desc") != u'a "quote" and \u00f6'


def test_an_echo_fault_answers_with_a_header_in_html(url):
    fault(url, method="GET", echo="html", echo_header="X-Echo", status=502)
    answer = requests.get(url + job_path(1001), headers={"X-Echo": 'v"al<ue'})
    assert answer.status_code == 502 and answer.headers["Content-Type"] == "text/html"
    assert "<pre>X-Echo: v&quot;al&lt;ue</pre>" in answer.text


def test_a_trickle_fault_sends_the_body_one_byte_at_a_time(url):
    fault(url, method="GET", trickle=0.002)
    started = time.monotonic()
    answer = call(url, "GET", job_path(1001))
    assert answer.json()["job_detail"]["job_id"] == 1001
    assert time.monotonic() - started >= 0.002 * len(answer.content) * 0.9


def test_an_oversize_fault_pads_the_answer_to_that_many_mib(url):
    fault(url, method="GET", oversize=2)
    answer = call(url, "GET", job_path(1001))
    assert answer.status_code == 200 and int(answer.headers["Content-Length"]) == len(answer.content) == 2 * 1024 * 1024
    assert json.loads(answer.content)["job_detail"]["job_id"] == 1001  # the answer, then spaces


def test_a_nested_fault_answers_200_with_that_many_nested_arrays(url):
    fault(url, method="GET", nested=5)
    answer = call(url, "GET", job_path(1001))
    assert answer.status_code == 200 and answer.text == "[[[[[]]]]]"


def test_an_answer_status_fault_lets_the_create_take_effect_and_answers_5xx(url):
    fault(url, method="POST", path_contains="/streaming/flink-jobs", answer_status=500)
    answer = call(url, "POST", "/v1.0/%s/streaming/flink-jobs" % emu.PROJECT_ID, {"name": "made-anyway"})
    assert answer.status_code == 500 and answer.json()["error_code"] == "DLI.0999"
    jobs = requests.get(url + "/_emulator/jobs").json()
    assert [job["name"] for job in jobs.values()].count("made-anyway") == 1


def test_a_detail_patch_fault_spoils_fields_of_the_detail_answer_only(url):
    fault(url, method="GET", path_contains="/streaming/jobs/1001", detail_patch={"job_config": "not an object"})
    assert call(url, "GET", job_path(1001)).json()["job_detail"]["job_config"] == "not an object"
    assert isinstance(call(url, "GET", job_path(1001)).json()["job_detail"]["job_config"], dict)
    assert isinstance(requests.get(url + "/_emulator/jobs/1001").json()["job_config"], dict)


def test_a_control_put_can_start_someone_elses_stop(url):
    requests.put(url + "/_emulator/jobs/1002", json={"status": "job_canceling", "then": ["job_cancel_success", 0.2]})
    assert call(url, "GET", job_path(1002)).json()["job_detail"]["status"] == "job_canceling"
    time.sleep(0.3)
    assert call(url, "GET", job_path(1002)).json()["job_detail"]["status"] == "job_cancel_success"


def stored(url, job_id):
    """The job as the emulator stores it, its _meta included (the control GET)."""
    return requests.get(url + "/_emulator/jobs/%s" % job_id).json()


def test_create_needs_only_a_name_and_answers_as_the_notes_show(url):
    answer = call(url, "POST", CREATE_PATH, {"name": "only-a-name"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["is_success"] == "true"
    assert body["job"] == {"job_id": 1005, "status_name": "job_init", "status_desc": ""}
    detail = call(url, "GET", job_path(1005)).json()["job_detail"]
    assert (detail["name"], detail["status"], detail["queue_name"]) == ("only-a-name", "job_init", None)
    for refused in ({}, {"name": ""}, {"queue_name": "q"}):
        answer = call(url, "POST", CREATE_PATH, refused)
        assert answer.status_code == 400 and answer.json()["error_code"] == "DLI.0001", refused
    assert call(url, "GET", LIST_PATH).json()["job_list"]["total_count"] == 5


EXTRA_FIELDS = {
    "checkpoint_mode": 2, "checkpoint_interval": 45, "execution_agency_urn": "iam::agency:dli_flink",
    "flink_log_config": "rootLogger.level = INFO", "resource_config_version": "v2",
    "resource_config": {"max_slot": 4, "parallel_number": 2,
                        "jobmanager_resource_spec": {"cpu": 1, "memory": "4G"},
                        "taskmanager_resource_spec": {"cpu": 0.5, "memory": "2G"}},
}
EXTRA_READ_BACK = dict(EXTRA_FIELDS, checkpoint_mode="at_least_once")


def test_create_takes_the_extra_fields_and_tags_which_only_the_control_get_shows(url):
    tags = [{"key": "team", "value": "fraud"}, {"key": "env", "value": "prod"}]
    answer = call(url, "POST", CREATE_PATH, dict(EXTRA_FIELDS, name="full-job", tags=tags))
    assert answer.status_code == 200, answer.text
    job_id = answer.json()["job"]["job_id"]
    detail = call(url, "GET", job_path(job_id)).json()["job_detail"]
    assert dict((name, detail["job_config"][name]) for name in EXTRA_READ_BACK) == EXTRA_READ_BACK
    assert "tags" not in detail and "tags" not in detail["job_config"] and "_meta" not in detail
    assert stored(url, job_id)["_meta"]["tags"] == tags
    # A job created without them has every extra field unset (null), and no tags.
    bare = call(url, "POST", CREATE_PATH, {"name": "bare-job"}).json()["job"]["job_id"]
    config = job_config(url, bare)
    assert all(config[name] is None for name in ("execution_agency_urn", "flink_log_config",
                                                 "resource_config_version", "resource_config"))
    assert stored(url, bare)["_meta"]["tags"] == []


BAD_EXTRA_VALUES = [
    {"checkpoint_interval": -5},
    {"execution_agency_urn": 5},
    {"flink_log_config": ["rootLogger.level = INFO"]},
    {"resource_config_version": "v3"},
    {"resource_config_version": 2},
    {"resource_config": [{"max_slot": 1}]},
    {"resource_config": "{\"max_slot\": 1}"},
    {"resource_config": {"max_slots": 1}},  # not a documented key
    {"resource_config": {"max_slot": 0}},
    {"resource_config": {"max_slot": "2"}},
    {"resource_config": {"parallel_number": 1.5}},
    {"resource_config": {"parallel_number": True}},
    {"resource_config": {"jobmanager_resource_spec": "1 cpu 4G"}},
    {"resource_config": {"jobmanager_resource_spec": {"cpu": 0, "memory": "4G"}}},
    {"resource_config": {"jobmanager_resource_spec": {"cpu": "1", "memory": "4G"}}},
    {"resource_config": {"taskmanager_resource_spec": {"cpu": True}}},
    {"resource_config": {"taskmanager_resource_spec": {"memory": 4}}},
    {"resource_config": {"taskmanager_resource_spec": {"cpu": 1, "memory": "4G", "gpu": 1}}},
]


@pytest.mark.parametrize("body", BAD_EXTRA_VALUES)
def test_bad_extra_values_are_refused_by_create_and_update_and_change_nothing(url, body):
    before = call(url, "GET", job_path(1001)).json()["job_detail"]
    for method, path, sent in (("PUT", put_path(1001), body), ("POST", CREATE_PATH, dict(body, name="new-job"))):
        answer = call(url, method, path, sent)
        assert answer.status_code == 400 and answer.json()["error_code"] == "DLI.0001", (method, answer.text)
    assert call(url, "GET", job_path(1001)).json()["job_detail"] == before
    assert call(url, "GET", LIST_PATH).json()["job_list"]["total_count"] == 4


@pytest.mark.parametrize("tags", [
    {"team": "fraud"},
    "team=fraud",
    ["team=fraud"],
    [{"key": "team"}],
    [{"value": "fraud"}],
    [{"key": "team", "value": 1}],
    [{"key": 1, "value": "fraud"}],
    [{"key": "team", "value": None}],
])
def test_bad_tags_are_refused_and_nothing_is_created(url, tags):
    answer = call(url, "POST", CREATE_PATH, {"name": "new-job", "tags": tags})
    assert answer.status_code == 400 and answer.json()["error_code"] == "DLI.0001", answer.text
    assert call(url, "GET", LIST_PATH).json()["job_list"]["total_count"] == 4


def test_tags_are_create_only_an_update_refuses_them(url):
    answer = call(url, "PUT", put_path(1001), {"tags": [{"key": "team", "value": "fraud"}]})
    assert answer.status_code == 400 and answer.json()["error_code"] == "DLI.0001"
    assert "tags" in answer.json()["error_msg"]
    assert stored(url, 1001)["_meta"]["tags"] == []


def test_an_update_takes_the_extra_fields_and_resource_config_replaces_the_stored_one(url):
    assert call(url, "PUT", put_path(1003), EXTRA_FIELDS).status_code == 200
    config = job_config(url, 1003)
    assert dict((name, config[name]) for name in EXTRA_READ_BACK) == EXTRA_READ_BACK
    assert call(url, "PUT", put_path(1003), {"resource_config": {"parallel_number": 3}}).status_code == 200
    config = job_config(url, 1003)
    assert config["resource_config"] == {"parallel_number": 3}  # the whole object, not merged into the old one
    assert config["flink_log_config"] == EXTRA_FIELDS["flink_log_config"]  # left out: kept (partial merge)
    assert call(url, "PUT", put_path(1003), {"resource_config": None}).status_code == 200
    assert job_config(url, 1003)["resource_config"] is None


@pytest.mark.parametrize("name", sorted(EXTRA_FIELDS))
def test_a_running_job_refuses_the_extra_fields(url, name):
    answer = call(url, "PUT", put_path(1002), {name: EXTRA_FIELDS[name]})
    assert answer.status_code == 400 and answer.json()["error_code"] == "DLI.0001", answer.text
    assert "running job cannot change: %s" % name in answer.json()["error_msg"]  # known, but not in place
    assert job_config(url, 1002).get(name) != EXTRA_READ_BACK[name]


RUN_PATH = LIST_PATH + "/run"
STOP_PATH = LIST_PATH + "/stop"


def status_of(url, job_id):
    detail = call(url, "GET", job_path(job_id)).json()["job_detail"]
    return detail["status"], detail["status_desc"]


def control(url, job_id, **changes):
    answer = requests.put(url + "/_emulator/jobs/%s" % job_id, json=changes)
    answer.raise_for_status()
    return answer.json()


def test_a_start_records_the_latest_savepoint_it_resumes_from_or_none(url):
    # 1003 is stopped and has no savepoint: a resume asks for one, there is none.
    assert call(url, "POST", RUN_PATH, {"job_ids": [1003], "resume_savepoint": True}).json()[0]["is_success"]
    assert stored(url, 1003)["_meta"]["last_run"] == {"resume_savepoint": True, "savepoint": None}
    # 1002 stopped twice with a savepoint: the start resumes from the second.
    for round_trip in range(2):
        assert call(url, "POST", STOP_PATH, {"job_ids": [1002], "trigger_savepoint": True}).json()[0]["is_success"]
        assert len(stored(url, 1002)["_meta"]["savepoints"]) == round_trip + 1
        time.sleep(0.3)
        assert call(url, "POST", RUN_PATH, {"job_ids": [1002], "resume_savepoint": False}).json()[0]["is_success"]
        assert stored(url, 1002)["_meta"]["last_run"] == {"resume_savepoint": False}
        time.sleep(0.3)
    savepoints = stored(url, 1002)["_meta"]["savepoints"]
    assert len(savepoints) == 2
    assert call(url, "POST", STOP_PATH, {"job_ids": [1002], "trigger_savepoint": False}).json()[0]["is_success"]
    time.sleep(0.3)
    assert call(url, "POST", RUN_PATH, {"job_ids": [1002], "resume_savepoint": True}).json()[0]["is_success"]
    meta = stored(url, 1002)["_meta"]
    assert meta["savepoints"] == savepoints  # a stop without a savepoint takes none
    assert meta["last_run"] == {"resume_savepoint": True, "savepoint": savepoints[-1]}


@pytest.mark.parametrize("path, flag", [(RUN_PATH, "resume_savepoint"), (STOP_PATH, "trigger_savepoint")])
def test_the_savepoint_flags_are_booleans(url, path, flag):
    job_id = 1003 if path == RUN_PATH else 1002
    answer = call(url, "POST", path, {"job_ids": [job_id], flag: "true"})
    assert answer.status_code == 400 and answer.json()["error_code"] == "DLI.0001"
    assert status_of(url, job_id)[0] == ("job_cancel_success" if path == RUN_PATH else "job_running")


def test_a_savepoint_that_fails_at_once_refuses_the_stop_and_the_job_keeps_running(url):
    control(url, 1002, savepoint_fails="refuse")
    answer = call(url, "POST", STOP_PATH, {"job_ids": [1002], "trigger_savepoint": True})
    assert answer.status_code == 200
    [element] = answer.json()
    assert element["is_success"] is False and "savepoint failed" in element["message"]
    assert status_of(url, 1002)[0] == "job_running"
    assert stored(url, 1002)["_meta"]["savepoints"] == []
    # Kept until cleared, and only for a stop with a savepoint; never in the public detail.
    assert call(url, "POST", STOP_PATH, {"job_ids": [1002], "trigger_savepoint": True}).json()[0]["is_success"] is False
    assert "savepoint_fails" not in call(url, "GET", job_path(1002)).text
    assert call(url, "POST", STOP_PATH, {"job_ids": [1002], "trigger_savepoint": False}).json()[0]["is_success"]
    time.sleep(0.3)
    assert status_of(url, 1002)[0] == "job_cancel_success"


def test_a_savepoint_that_fails_later_leaves_the_job_running_with_a_status_desc(url):
    control(url, 1002, savepoint_fails="later")
    start_time = call(url, "GET", job_path(1002)).json()["job_detail"]["start_time"]
    [element] = call(url, "POST", STOP_PATH, {"job_ids": [1002], "trigger_savepoint": True}).json()
    assert element["is_success"] is True
    assert status_of(url, 1002)[0] == "job_canceling"
    time.sleep(0.3)
    status, status_desc = status_of(url, 1002)
    assert status == "job_running" and "savepoint failed" in status_desc
    assert call(url, "GET", job_path(1002)).json()["job_detail"]["start_time"] == start_time  # never stopped
    assert stored(url, 1002)["_meta"]["savepoints"] == []


def test_null_clears_the_savepoint_failure(url):
    control(url, 1002, savepoint_fails="refuse")
    assert control(url, 1002, savepoint_fails=None)["_meta"]["savepoint_fails"] is None
    assert call(url, "POST", STOP_PATH, {"job_ids": [1002], "trigger_savepoint": True}).json()[0]["is_success"]
    time.sleep(0.3)
    assert status_of(url, 1002) == ("job_cancel_success", "")
    assert len(stored(url, 1002)["_meta"]["savepoints"]) == 1


def test_a_start_that_fails_ends_in_job_submit_fail_and_the_job_can_be_started_again(url):
    control(url, 1003, start_fails=True)
    assert call(url, "POST", RUN_PATH, {"job_ids": [1003]}).json()[0]["is_success"] is True
    assert status_of(url, 1003)[0] == "job_submitting"
    time.sleep(0.3)
    status, status_desc = status_of(url, 1003)
    assert status == "job_submit_fail" and "failed" in status_desc
    assert "start_fails" not in call(url, "GET", job_path(1003)).text
    control(url, 1003, start_fails=None)
    assert call(url, "POST", RUN_PATH, {"job_ids": [1003]}).json()[0]["is_success"] is True
    assert status_of(url, 1003) == ("job_submitting", "")  # the old failure's description goes
    time.sleep(0.3)
    assert status_of(url, 1003)[0] == "job_running"


@pytest.mark.parametrize("status", ["job_submit_fail", "job_running_exception", "job_cancel_fail"])
def test_a_job_in_a_failed_status_can_be_started(url, status):
    control(url, 1002, status=status, status_desc="it broke")
    assert call(url, "POST", RUN_PATH, {"job_ids": [1002]}).json()[0]["is_success"] is True
    time.sleep(0.3)
    assert status_of(url, 1002) == ("job_running", "")


@pytest.mark.parametrize("status", ["job_running", "job_submitting", "job_canceling", "job_savepointing"])
def test_a_running_or_stopping_job_cannot_be_started(url, status):
    control(url, 1002, status=status)
    [element] = call(url, "POST", RUN_PATH, {"job_ids": [1002]}).json()
    assert element["is_success"] is False and element["message"]
    assert status_of(url, 1002)[0] == status


def test_start_and_stop_answer_each_job_in_order(url):
    answer = call(url, "POST", RUN_PATH, {"job_ids": [1003, 1002, 424242]}).json()
    assert [element["is_success"] for element in answer] == [True, False, False]


@pytest.mark.parametrize("changes", [
    {"savepoint_fails": "sometimes"},
    {"savepoint_fails": True},
    {"start_fails": "yes"},
    {"start_fails": 1},
])
def test_the_control_put_refuses_an_unknown_failure(url, changes):
    answer = requests.put(url + "/_emulator/jobs/1002", json=dict(changes, status="job_init"))
    assert answer.status_code == 400
    assert stored(url, 1002)["status"] == "job_running"  # nothing of the call applied


def list_jobs(url, **query):
    path = LIST_PATH + ("?" + "&".join("%s=%s" % item for item in sorted(query.items())) if query else "")
    request = SdkRequest(method="GET", schema="http", host=url.split("//", 1)[1], resource_path=LIST_PATH,
                         query_params=sorted(query.items()), header_params={"X-Project-Id": emu.PROJECT_ID}, body=b"")
    signed = Signer(BasicCredentials(emu.ACCESS_KEY, emu.SECRET_KEY)).sign(request)
    return requests.get(url + path, headers=signed.header_params)


def listed(url, **query):
    answer = list_jobs(url, **query)
    assert answer.status_code == 200, answer.text
    return answer.json()["job_list"]


COMMON_ITEM_KEYS = {"job_id", "name", "desc", "job_type", "status", "status_desc", "queue_name", "create_time",
                    "start_time"}


def test_list_items_have_the_keys_of_their_form_and_no_other(url):
    brief = listed(url)
    assert brief["total_count"] == 4 and [job["job_id"] for job in brief["jobs"]] == [1004, 1003, 1002, 1001]
    for job in brief["jobs"]:
        assert set(job) == COMMON_ITEM_KEYS | {"main_class", "update_time", "duration"}, job
    running = dict((job["job_id"], job) for job in brief["jobs"])
    assert running[1002]["duration"] > 0 and running[1003]["duration"] is None
    assert running[1001]["main_class"] == "com.example.clickstream.Enrichment"
    detailed = listed(url, show_detail="true")
    for job in detailed["jobs"]:
        assert set(job) == COMMON_ITEM_KEYS | {"entrypoint_args", "job_config"}, job
    item = dict((job["job_id"], job) for job in detailed["jobs"])[1001]
    detail = call(url, "GET", job_path(1001)).json()["job_detail"]
    assert item["job_config"] == detail["job_config"] and item["entrypoint_args"] == detail["entrypoint_args"]
    assert all(set(job) == COMMON_ITEM_KEYS | {"main_class", "update_time", "duration"}
               for job in listed(url, show_detail="false")["jobs"])


def test_list_filters_and_pages(url):
    assert [j["job_id"] for j in listed(url, status="job_running")["jobs"]] == [1004, 1002]
    assert [j["job_id"] for j in listed(url, queue_name="batch_queue")["jobs"]] == [1003]
    assert [j["job_id"] for j in listed(url, job_type="flink_sql_job")["jobs"]] == [1004]
    assert [j["job_id"] for j in listed(url, job_type="flink_jar_job", status="job_running")["jobs"]] == [1002]
    # The name filter matches substrings (the real one may): clients compare names exactly themselves.
    assert [j["job_id"] for j in listed(url, name="ment")["jobs"]] == [1002, 1001]
    assert listed(url, name="no-such-job") == {"total_count": 0, "jobs": []}
    # total_count counts every match; a page holds limit of them from offset.
    page = listed(url, limit=3, offset=0, order="asc")
    assert page["total_count"] == 4 and [j["job_id"] for j in page["jobs"]] == [1001, 1002, 1003]
    page = listed(url, limit=3, offset=3, order="asc")
    assert page["total_count"] == 4 and [j["job_id"] for j in page["jobs"]] == [1004]
    assert listed(url, limit=3, offset=4)["jobs"] == []


@pytest.mark.parametrize("query", [dict(limit=0), dict(limit="ten"), dict(offset=-1), dict(offset="x")])
def test_list_refuses_bad_paging(url, query):
    answer = list_jobs(url, **query)
    assert answer.status_code == 400 and answer.json()["error_code"] == "DLI.0001"


def test_delete_removes_the_job_and_the_log_shows_it(url):
    answer = call(url, "DELETE", job_path(1003))
    assert answer.status_code == 200 and answer.json()["is_success"] == "true"
    missing = call(url, "GET", job_path(1003))
    assert missing.status_code == 400 and missing.json()["error_code"] == "DLI.16001"
    assert listed(url)["total_count"] == 3
    again = call(url, "DELETE", job_path(1003))
    assert again.status_code == 400 and again.json()["error_code"] == "DLI.16001"
    deletes = [(e["method"], e["path"], e["status"]) for e in requests.get(url + "/_emulator/requests").json()
               if e["method"] == "DELETE"]
    assert deletes == [("DELETE", job_path(1003), 200), ("DELETE", job_path(1003), 400)]


@pytest.mark.parametrize("status", ["job_running", "job_submitting", "job_canceling", "job_savepointing"])
def test_a_running_or_stopping_job_cannot_be_deleted(url, status):
    control(url, 1002, status=status)
    answer = call(url, "DELETE", job_path(1002))
    assert answer.status_code == 400 and answer.json()["error_code"] == "DLI.0007"
    assert stored(url, 1002)["status"] == status


def test_a_job_in_a_failed_status_can_be_deleted(url):
    control(url, 1002, status="job_submit_fail")
    assert call(url, "DELETE", job_path(1002)).status_code == 200
    assert requests.get(url + "/_emulator/jobs/1002").status_code == 404


def log_statuses(url):
    return [(entry["method"], entry["status"]) for entry in requests.get(url + "/_emulator/requests").json()]


def test_a_lost_create_answer_still_creates_the_job(url):
    fault(url, method="POST", path_contains="/streaming/flink-jobs", lose_answer=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        call(url, "POST", CREATE_PATH, {"name": "lost-answer", "tags": [{"key": "k", "value": "v"}]})
    job = stored(url, 1005)
    assert job["name"] == "lost-answer" and job["status"] == "job_init" and job["_meta"]["tags"] == [
        {"key": "k", "value": "v"}]
    assert [j["name"] for j in listed(url, name="lost-answer")["jobs"]] == ["lost-answer"]
    assert log_statuses(url)[0] == ("POST", 200)


def test_a_lost_delete_answer_still_deletes_the_job(url):
    fault(url, method="DELETE", path_contains="/streaming/jobs/", lose_answer=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        call(url, "DELETE", job_path(1003))
    assert call(url, "GET", job_path(1003)).json()["error_code"] == "DLI.16001"
    assert log_statuses(url) == [("DELETE", 200), ("GET", 400)]


@pytest.mark.parametrize("path, job_id, body, status", [
    (RUN_PATH, 1003, {"resume_savepoint": True}, "job_submitting"),
    (STOP_PATH, 1002, {"trigger_savepoint": True}, "job_canceling"),
])
def test_a_lost_start_or_stop_answer_still_takes_effect(url, path, job_id, body, status):
    fault(url, method="POST", path_contains=path.rsplit("/", 1)[1], lose_answer=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        call(url, "POST", path, dict(body, job_ids=[job_id]))
    assert status_of(url, job_id)[0] == status
    meta = stored(url, job_id)["_meta"]
    if path == STOP_PATH:
        assert len(meta["savepoints"]) == 1
    else:
        assert meta["last_run"] == {"resume_savepoint": True, "savepoint": None}


@pytest.mark.parametrize("status, code", [(500, "DLI.0999"), (503, "DLI.0999"), (429, "APIGW.0308")])
def test_a_status_fault_on_the_list(url, status, code):
    fault(url, method="GET", path_contains="/streaming/jobs", status=status, retry_after=1)
    answer = list_jobs(url, limit=2)
    assert answer.status_code == status and answer.json()["error_code"] == code
    assert answer.headers["Retry-After"] == "1"
    assert listed(url, limit=2)["total_count"] == 4  # one call only: the next list is answered
    assert log_statuses(url) == [("GET", status), ("GET", 200)]


def test_a_fault_on_create_leaves_the_list_and_other_calls_alone(url):
    fault(url, method="POST", path_contains="/streaming/flink-jobs", status=500)
    assert listed(url)["total_count"] == 4  # a GET is not a POST
    assert call(url, "POST", RUN_PATH, {"job_ids": [1003]}).status_code == 200  # not that path
    answer = call(url, "POST", CREATE_PATH, {"name": "refused"})
    assert answer.status_code == 500
    assert listed(url)["total_count"] == 4  # nothing created


def test_a_jobs_own_transition_seconds_make_its_stop_take_that_long(url):
    control(url, 1002, transition_seconds=0.8)
    assert call(url, "POST", STOP_PATH, {"job_ids": [1002], "trigger_savepoint": False}).json()[0]["is_success"]
    time.sleep(0.4)  # the emulator's own transition (0.2 s here) is over, this job's is not
    assert status_of(url, 1002)[0] == "job_canceling"
    time.sleep(0.6)
    assert status_of(url, 1002)[0] == "job_cancel_success"
    control(url, 1002, transition_seconds=None)
    assert stored(url, 1002)["_meta"]["transition_seconds"] is None
    assert requests.put(url + "/_emulator/jobs/1002", json={"transition_seconds": -1}).status_code == 400


# -- chaos: throttling, random 503s, dropped connections; the counts -------------------------------------------


def chaos(url, **settings):
    answer = requests.put(url + "/_emulator/chaos", json=settings)
    answer.raise_for_status()
    return answer.json()


def stats(url):
    return requests.get(url + "/_emulator/stats").json()


class Ticks:
    """A clock for Chaos that moves only when told."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_the_throttle_lets_rate_calls_through_each_second_and_answers_the_others_429():
    clock = Ticks()
    throttle = emu.Chaos({"rate": 3}, clock=clock)
    assert [throttle.decide("GET", job_path(1001)) for dummy in range(5)] == [None] * 3 + ["throttled"] * 2
    clock.now += 0.5  # the same second
    assert throttle.decide("PUT", put_path(1001)) == "throttled"
    clock.now += 0.5  # the next one: the count starts again, the 429s did not count
    assert [throttle.decide("GET", job_path(1001)) for dummy in range(4)] == [None] * 3 + ["throttled"]
    assert throttle.retry_after() == "1" and emu.Chaos({"retry_after": 0.25}).retry_after() == "0.25"


def test_the_same_seed_makes_the_same_decisions_and_the_fractions_hold():
    settings = {"unavailable": 0.05, "drop": 0.1, "drop_methods": "any", "seed": 7}
    calls = [("GET", job_path(1001)), ("PUT", put_path(1001)), ("POST", RUN_PATH)] * 1000
    one, two = emu.Chaos(settings), emu.Chaos(settings)
    decisions = [one.decide(*c) for c in calls]
    assert decisions == [two.decide(*c) for c in calls]
    assert decisions != [emu.Chaos(dict(settings, seed=8)).decide(*c) for c in calls]
    share = dict((kind, decisions.count(kind) / float(len(calls))) for kind in ("unavailable", "dropped", "lost_answer"))
    assert 0.035 < share["unavailable"] < 0.065
    assert 0.06 < share["dropped"] + share["lost_answer"] < 0.12  # 10% of the 95% let through
    # drop_methods GET (the default): writes are never dropped; drop_applied false: a dropped write never happens
    assert {emu.Chaos({"drop": 1}).decide(m, p) for m, p in calls} == {"dropped", None}
    assert {emu.Chaos({"drop": 1}).decide(m, p) for m, p in calls if m != "GET"} == {None}
    assert {emu.Chaos({"drop": 1, "drop_methods": "any", "drop_applied": False}).decide(m, p) for m, p in calls} == {
        "dropped"}


def test_chaos_leaves_iam_alone_unless_asked_and_never_touches_the_control_calls():
    iam = "/v3/auth/tokens"
    assert emu.Chaos({"unavailable": 1}).decide("POST", iam) is None
    assert emu.Chaos({"unavailable": 1, "iam": True}).decide("POST", iam) == "unavailable"
    assert emu.Chaos({"unavailable": 1, "iam": True}).decide("GET", "/_emulator/jobs/1001") is None


def test_a_throttled_call_answers_429_apigw_0308_with_retry_after_and_is_counted(url):
    chaos(url, rate=1, retry_after=3)
    answers = [call(url, "GET", job_path(1001)) for dummy in range(3)]
    throttled = [a for a in answers if a.status_code == 429]
    assert throttled and all(a.status_code in (200, 429) for a in answers)  # (a second may pass between calls)
    assert throttled[0].json()["error_code"] == "APIGW.0308" and throttled[0].headers["Retry-After"] == "3"
    counts = stats(url)
    assert counts["throttled"] == len(throttled) and counts["statuses"]["429"] == len(throttled)
    assert [entry["chaos"] for entry in requests.get(url + "/_emulator/requests").json()].count("throttled") == len(
        throttled)


def test_an_unavailable_write_answers_503_and_changes_nothing(url):
    chaos(url, unavailable=1)
    answer = call(url, "PUT", put_path(1001), {"parallel_number": 7})
    assert answer.status_code == 503 and answer.json()["error_code"] == "DLI.0999"
    assert stored(url, 1001)["job_config"]["parallel_number"] != 7
    assert stats(url)["unavailable"] == 1


def test_a_dropped_get_gets_no_answer_and_writes_are_not_dropped_by_default(url):
    chaos(url, drop=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        call(url, "GET", job_path(1001))
    assert call(url, "PUT", put_path(1001), {"parallel_number": 7}).status_code == 200
    assert stats(url)["dropped"] == 1
    assert requests.get(url + "/_emulator/jobs/1001").status_code == 200  # the control calls are never dropped


@pytest.mark.parametrize("applied", [True, False])
def test_a_dropped_write_is_a_lost_answer_when_applied_else_it_never_happened(url, applied):
    chaos(url, drop=1, drop_methods="any", drop_applied=applied)
    with pytest.raises(requests.exceptions.ConnectionError):
        call(url, "PUT", put_path(1001), {"parallel_number": 7})
    assert (stored(url, 1001)["job_config"]["parallel_number"] == 7) is applied
    counts = stats(url)
    assert (counts["lost_answers"], counts["dropped"]) == ((1, 0) if applied else (0, 1))
    assert requests.get(url + "/_emulator/requests").json()[0]["chaos"] == ("lost_answer" if applied else "dropped")


def test_stats_count_calls_by_kind_method_and_status_and_iam_logins(url):
    call(url, "GET", job_path(1001))
    call(url, "GET", LIST_PATH)
    call(url, "PUT", put_path(1001), {"parallel_number": 3})
    call(url, "POST", STOP_PATH, {"job_ids": [1002]})
    requests.post(url + "/v3/auth/tokens", json={"auth": {}})  # a malformed login is still an IAM call
    requests.get(url + "/_emulator/jobs/1001")  # control calls are not counted
    counts = stats(url)
    assert counts["requests"] == 5 and counts["iam"] == 1
    assert counts["kinds"] == {"detail": 1, "list": 1, "update": 1, "stop": 1, "iam": 1}
    assert counts["methods"] == {"GET": 2, "PUT": 1, "POST": 2}
    assert counts["statuses"] == {"200": 4, "400": 1}
    assert [entry["kind"] for entry in requests.get(url + "/_emulator/requests").json()] == [
        "detail", "list", "update", "stop", "iam"]
    requests.delete(url + "/_emulator/stats")
    assert stats(url)["requests"] == 0 and len(requests.get(url + "/_emulator/requests").json()) == 5


def test_the_control_get_of_every_job_gives_them_as_stored_by_id(url):
    jobs = requests.get(url + "/_emulator/jobs").json()
    assert sorted(jobs) == ["1001", "1002", "1003", "1004"] and jobs["1002"] == stored(url, 1002)
    assert "_meta" in jobs["1001"] and stats(url)["requests"] == 0


def test_chaos_settings_are_checked_and_a_reset_goes_back_to_none(url):
    for bad in ({"unavailable": 2}, {"rate": 0}, {"drop_methods": "PUT"}, {"seed": "x"}, {"retry_after": -1},
                {"drop_applied": 1}, {"surprise": 1}):
        answer = requests.put(url + "/_emulator/chaos", json=bad)
        assert answer.status_code == 400 and answer.json()["error_code"] == "DLI.0001", bad
    assert requests.get(url + "/_emulator/chaos").json() == emu.CHAOS_DEFAULTS
    assert chaos(url, rate=5)["rate"] == 5 and requests.get(url + "/_emulator/chaos").json()["rate"] == 5
    requests.post(url + "/_emulator/reset")
    assert requests.get(url + "/_emulator/chaos").json() == emu.CHAOS_DEFAULTS
    chaos(url, unavailable=1)
    assert requests.delete(url + "/_emulator/chaos").json() == emu.CHAOS_DEFAULTS


def test_a_process_starts_with_the_chaos_it_is_given_and_a_reset_keeps_it():
    process, base = emu.spawn_process(transition_seconds=0.2, chaos={"unavailable": 1, "seed": 3})
    try:
        assert call(base, "GET", job_path(1001)).status_code == 503
        requests.post(base + "/_emulator/reset")
        assert requests.get(base + "/_emulator/chaos").json() == dict(emu.CHAOS_DEFAULTS, unavailable=1, seed=3)
    finally:
        process.terminate()
        process.wait(timeout=10)
    with pytest.raises(SystemExit):
        emu.main(["--chaos", '{"drop": 5}'])


def test_answers_on_a_kept_alive_connection_are_not_held_back_by_nagle(url):
    """TCP_NODELAY: without it, each answer's body waits for the client's delayed ACK (some 40 ms)."""
    session = requests.Session()
    headers = {"X-Auth-Token": emu.STATIC_TOKEN}
    session.get(url + job_path(1001), headers=headers)
    began = time.perf_counter()
    for index in range(20):
        assert session.put(url + put_path(1001), headers=headers, json={"parallel_number": 2 + index % 3}).ok
    assert (time.perf_counter() - began) / 20 < 0.02  # some 1 ms each with TCP_NODELAY, some 45 ms without


def test_a_call_is_in_the_request_log_before_its_answer_goes_out(url, monkeypatch):
    """A client that reads the log as soon as its answer arrives must find its call there: the entry is made
    before the status line is written (checked at that moment, so no race decides the outcome)."""
    logged_first = []
    send_response = emu.Handler.send_response

    def checked_send_response(handler, code, message=None):
        if not handler.route.startswith("/_emulator/"):
            ids = [entry["request_id"] for entry in handler.state.log]
            logged_first.append((handler.command, code, handler.request_id in ids))
        send_response(handler, code, message)

    monkeypatch.setattr(emu.Handler, "send_response", checked_send_response)
    fault(url, method="GET", path_contains="/streaming/jobs", status=429, retry_after=1)
    assert call(url, "GET", job_path(1001)).status_code == 429
    assert call(url, "GET", job_path(1001)).status_code == 200
    assert call(url, "PUT", put_path(1001), {"parallel_number": 3}).status_code == 200
    assert call(url, "GET", job_path(999)).status_code == 400
    assert call(url, "GET", job_path(1001), sk="wrong").status_code == 401
    assert logged_first == [("GET", 429, True), ("GET", 200, True), ("PUT", 200, True), ("GET", 400, True),
                            ("GET", 401, True)]
    assert [entry["status"] for entry in requests.get(url + "/_emulator/requests").json()] == [429, 200, 200, 400, 401]


def test_a_call_hung_up_on_is_in_the_request_log_before_the_connection_closes(url, monkeypatch):
    closed = []
    hang_up, take_fault = emu.Handler._hang_up, emu.Handler._fault

    def note(handler):
        closed.append((handler.command, handler.answered,
                       handler.request_id in [entry["request_id"] for entry in handler.state.log]))

    def checked_hang_up(handler):
        hang_up(handler)
        note(handler)

    def checked_fault(handler):
        answered = take_fault(handler)
        if answered and handler.close_connection:  # a fault's drop closes the connection itself
            note(handler)
        return answered

    monkeypatch.setattr(emu.Handler, "_hang_up", checked_hang_up)
    monkeypatch.setattr(emu.Handler, "_fault", checked_fault)
    fault(url, method="PUT", path_contains="flink-jobs", lose_answer=True)
    fault(url, method="GET", path_contains="/streaming/jobs", drop=True)
    for method, path, body in (("PUT", put_path(1001), {"parallel_number": 5}), ("GET", job_path(1001), None)):
        with pytest.raises(requests.exceptions.ConnectionError):
            call(url, method, path, body)
    requests.put(url + "/_emulator/chaos", json={"drop": 1}).raise_for_status()
    with pytest.raises(requests.exceptions.ConnectionError):
        call(url, "GET", job_path(1001))
    deadline = time.time() + 5  # each note is taken on the server's thread once the connection is closed
    while len(closed) < 3 and time.time() < deadline:
        time.sleep(0.01)
    assert closed == [("PUT", 200, True), ("GET", 0, True), ("GET", 0, True)]
    assert [(entry["method"], entry["status"]) for entry in requests.get(url + "/_emulator/requests").json()] == [
        ("PUT", 200), ("GET", 0), ("GET", 0)]


def test_the_emulator_keeps_the_sdk_out_of_the_home(tmp_path):
    """Started by hand, as its README says, it leaves $HOME alone: the official SDK writes its application id
    to the home it is given (DLI_EMULATOR_SDK_HOME here), never to ~/.huaweicloud."""
    home, sdk_home = tmp_path / "home", tmp_path / "sdk-home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home), DLI_EMULATOR_SDK_HOME=str(sdk_home))
    process = subprocess.Popen([sys.executable, PATH, "--port", "0"], stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline()
        assert line.startswith("DLI emulator listening on "), line
        base = line.split()[-1]
        assert call(base, "GET", job_path(1001)).status_code == 200  # a signature checked with the SDK's Signer
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert list(home.iterdir()) == []
    assert (sdk_home / ".huaweicloud" / "application_id").is_file()


def test_the_sdk_home_defaults_to_the_checkouts_tmp(monkeypatch):
    monkeypatch.delenv("DLI_EMULATOR_SDK_HOME", raising=False)
    fresh_spec = importlib.util.spec_from_file_location("dli_emulator_default_home", PATH)
    fresh = importlib.util.module_from_spec(fresh_spec)
    fresh_spec.loader.exec_module(fresh)
    checkout = os.path.realpath(os.path.join(os.path.dirname(PATH), "..", ".."))
    assert os.path.realpath(fresh.SDK_HOME) == os.path.join(checkout, ".tmp", "emulator-sdk-home")
    assert os.environ.get("HOME") != fresh.SDK_HOME  # the caller's HOME is given back after the import


# -- faults for the hardening cases: odd paging, a gateway's 404 ------------------------------------

def test_an_unknown_url_answers_404_apigw_0101(url):
    answer = call(url, "GET", "/v1.0/%s/streaming/no-such-api" % emu.PROJECT_ID)
    assert answer.status_code == 404 and answer.json()["error_code"] == "APIGW.0101"


def test_a_status_fault_with_an_error_code_or_an_empty_body(url):
    fault(url, kind="detail", status=404, error_code="")
    fault(url, kind="detail", status=404, error_code="APIGW.0101", error_msg="The API does not exist")
    bare = call(url, "GET", job_path(1001))
    assert bare.status_code == 404 and bare.content == b""
    gateway = call(url, "GET", job_path(1001))
    assert gateway.status_code == 404
    assert gateway.json() == {"error_code": "APIGW.0101", "error_msg": "The API does not exist"}
    assert call(url, "GET", job_path(1001)).status_code == 200


def test_a_fault_of_a_kind_leaves_the_other_kinds_alone(url):
    fault(url, method="GET", kind="list", status=503)
    assert call(url, "GET", job_path(1001)).status_code == 200  # a detail: the fault waits for a list
    assert list_jobs(url).status_code == 503


@pytest.mark.parametrize("total_count", ["105", None, "omit"])
def test_a_list_fault_replaces_or_drops_total_count(url, total_count):
    fault(url, kind="list", total_count=total_count)
    job_list = listed(url)
    assert [job["job_id"] for job in job_list["jobs"]] == [1004, 1003, 1002, 1001]
    if total_count == "omit":
        assert "total_count" not in job_list
    else:
        assert job_list["total_count"] == total_count


def test_a_list_fault_that_ignores_offset_answers_the_first_page_again(url):
    fault(url, kind="list", ignore_offset=True)
    assert [job["job_id"] for job in listed(url, limit=2, offset=2)["jobs"]] == [1004, 1003]


def test_an_endless_list_answers_full_pages_of_new_jobs(url):
    fault(url, kind="list", endless=True, times=2)
    first, second = listed(url, limit=3, offset=0), listed(url, limit=3, offset=3)
    assert first["total_count"] == 10 ** 12
    assert [job["job_id"] for job in first["jobs"] + second["jobs"]] == [emu.ENDLESS_FIRST_ID + n for n in range(6)]
    assert listed(url)["total_count"] == 4  # the fault's two lists are over


# -- queues, savepoints and crashes (pre-flight checks, savepoint_path, stable_seconds) ----------

QUEUE_PATH = "/v1.0/%s/queues/%%s" % emu.PROJECT_ID
RUN_PATH = "/v1.0/%s/streaming/jobs/run" % emu.PROJECT_ID


def test_a_queue_answers_with_the_camel_case_keys_and_a_missing_one_with_dli_0002(url):
    queue = call(url, "GET", QUEUE_PATH % "streaming_queue").json()
    assert (queue["queueName"], queue["queueType"], queue["is_success"]) == ("streaming_queue", "general", True)
    assert "1.15" in queue["support_flink_jar_versions"] and queue["cuCount"] >= 4
    requests.put(url + "/_emulator/queues/small", json={"queueType": "sql", "cuCount": 1})
    assert call(url, "GET", QUEUE_PATH % "small").json()["queueType"] == "sql"
    requests.put(url + "/_emulator/queues/small", data="null", headers={"Content-Type": "application/json"})
    missing = call(url, "GET", QUEUE_PATH % "small")
    assert (missing.status_code, missing.json()["error_code"]) == (400, "DLI.0002")


def test_a_control_put_refuses_an_unknown_queue_type(url):
    assert requests.put(url + "/_emulator/queues/q", json={"queueType": "spark"}).status_code == 400


def test_an_imported_savepoint_is_what_the_next_start_resumes_from(url):
    path = "/v1.0/%s/streaming/jobs/1001/import-savepoint" % emu.PROJECT_ID
    assert call(url, "POST", path, {"job_id": 1001, "savepoint_path": "bucket/sp"}).status_code == 400
    assert call(url, "POST", path, {"job_id": 1002, "savepoint_path": "obs://bucket/sp"}).status_code == 400
    answer = call(url, "POST", path, {"job_id": 1001, "savepoint_path": "obs://bucket/sp-1"})
    assert answer.json() == {"is_success": "true", "message": "The savepoint is imported."}
    call(url, "POST", RUN_PATH, {"job_ids": [1001], "resume_savepoint": True})
    assert stored(url, 1001)["_meta"]["last_run"] == {"resume_savepoint": True, "savepoint": "obs://bucket/sp-1"}
    running = "/v1.0/%s/streaming/jobs/1002/import-savepoint" % emu.PROJECT_ID
    assert call(url, "POST", running, {"job_id": 1002, "savepoint_path": "obs://bucket/x"}).json()["error_code"] == "DLI.0007"


def test_a_savepoint_is_triggered_on_a_running_job_only(url):
    path = "/v1.0/%s/streaming/jobs/%%s/savepoint" % emu.PROJECT_ID
    assert call(url, "POST", path % 1002, {"action": "trigger", "savepoint_path": "bucket/p/"}).status_code == 200
    assert stored(url, 1002)["_meta"]["savepoints"] == ["obs://bucket/p/"]
    assert call(url, "POST", path % 1001, {"action": "trigger", "savepoint_path": "bucket/p/"}).status_code == 400
    assert call(url, "POST", path % 1002, {"action": "dispose", "savepoint_path": "bucket/p/"}).status_code == 400


def test_a_broken_jar_crashes_that_many_seconds_after_it_runs_and_another_jar_does_not(url):
    requests.put(url + "/_emulator/jobs/1001", json={"crash_after": 0.3, "crash_entrypoint": "broken.jar"})
    call(url, "POST", RUN_PATH, {"job_ids": [1001], "resume_savepoint": False})
    time.sleep(0.6)
    assert call(url, "GET", job_path(1001)).json()["job_detail"]["status"] == "job_running"
    requests.put(url + "/_emulator/jobs/1001", json={"status": "job_cancel_success", "job_config": {
        "entrypoint": "broken.jar"}})
    call(url, "POST", RUN_PATH, {"job_ids": [1001], "resume_savepoint": False})
    time.sleep(0.3)
    assert call(url, "GET", job_path(1001)).json()["job_detail"]["status"] == "job_running"
    time.sleep(0.35)
    detail = call(url, "GET", job_path(1001)).json()["job_detail"]
    assert detail["status"] == "job_running_exception" and "crashed" in detail["status_desc"]
    assert requests.put(url + "/_emulator/jobs/1001", json={"crash_after": -1}).status_code == 400


def test_restart_peak_counts_the_jobs_down_after_a_stop_at_once(url):
    """restart_peak: the most jobs at once that a stop call stopped (or that crashed since) and that do not run
    again yet, timed by when their transitions took effect, whenever the jobs are read."""
    stop_path = "/v1.0/%s/streaming/jobs/stop" % emu.PROJECT_ID
    run_path = "/v1.0/%s/streaming/jobs/run" % emu.PROJECT_ID
    assert stats(url)["restart_peak"] == 0
    call(url, "POST", run_path, {"job_ids": [1001, 1003]})  # starts of jobs never stopped do not count
    time.sleep(0.3)
    call(url, "POST", stop_path, {"job_ids": [1002]})
    time.sleep(0.3)
    call(url, "POST", run_path, {"job_ids": [1002]})
    time.sleep(0.3)
    call(url, "GET", LIST_PATH)  # 1002 runs again (read only now: its transition's own time counts)
    call(url, "POST", stop_path, {"job_ids": [1001]})
    assert stats(url)["restart_peak"] == 1  # one after the other, never two at once
    call(url, "POST", stop_path, {"job_ids": [1002, 1003]})
    assert stats(url)["restart_peak"] == 3
    requests.delete(url + "/_emulator/stats")
    assert stats(url)["restart_peak"] == 3  # still down: they count from the clearing on
    time.sleep(0.3)
    call(url, "POST", run_path, {"job_ids": [1001, 1002, 1003]})
    time.sleep(0.3)
    call(url, "GET", LIST_PATH)
    requests.delete(url + "/_emulator/stats")
    assert stats(url)["restart_peak"] == 0


def test_a_crash_of_a_job_stopped_before_counts_it_down_again(url):
    stop_path = "/v1.0/%s/streaming/jobs/stop" % emu.PROJECT_ID
    run_path = "/v1.0/%s/streaming/jobs/run" % emu.PROJECT_ID
    control(url, 1002, crash_after=0.2)
    call(url, "POST", stop_path, {"job_ids": [1002]})
    time.sleep(0.3)
    call(url, "POST", run_path, {"job_ids": [1002]})
    time.sleep(0.3)
    assert call(url, "GET", job_path(1002)).json()["job_detail"]["status"] == "job_running"
    call(url, "POST", run_path, {"job_ids": [1001]})
    time.sleep(0.3)
    call(url, "POST", stop_path, {"job_ids": [1001]})  # 1002 crashed 0.1 s ago: two down at once
    assert call(url, "GET", job_path(1002)).json()["job_detail"]["status"] == "job_running_exception"
    assert stats(url)["restart_peak"] == 2
