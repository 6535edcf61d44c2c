# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fleet of two job kinds in one run: each job checked with its kind's options, read, planned and written with
its kind's endpoints and queue checks (the fleet itself is tested in test_flink_job_fleet.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_fleet import checked_jobs, converge_jobs
from conftest import build_detail  # shared fixtures (tests/unit/conftest.py)
from test_flink_job_fleet import LIST, QUEUE, RoutedClient

SQL_DETAIL = dict(build_detail(job_id=30, name="sql-a", job_type="flink_sql_job"), sql_body="SELECT 1;",
                  run_mode="shared_cluster")
LISTED = {"is_success": "true", "job_list": {"total_count": 2, "jobs": [
    {"job_id": 30, "name": "sql-a"}, {"job_id": 31, "name": "jar-b"}]}}


def test_each_job_is_checked_with_the_options_of_its_kind():
    checked = checked_jobs([{"name": "a", "entrypoint": "a.jar"}, {"job_kind": "sql", "name": "b", "sql_body": "S;"}])
    assert [params["job_kind"] for params, options in checked] == ["jar", "sql"]
    assert checked[1][1][0] == {"name": "b", "sql_body": "S;"}
    with pytest.raises(ValueError) as excinfo:
        checked_jobs([{"name": "a", "sql_body": "S;"}, {"job_kind": "sql", "name": "b", "entrypoint": "a.jar"},
                      {"job_kind": "spark", "name": "c"}, {"job_kind": "sql", "name": "d", "dirty_data_strategy": "4"}])
    message = str(excinfo.value)
    assert "jobs[0] (a): unsupported parameter: sql_body." in message
    assert "jobs[1] (b): unsupported parameter: entrypoint." in message
    assert "jobs[2] (c): job_kind must be one of jar, sql, not 'spark'." in message
    assert "jobs[3] (d): dirty_data_strategy must be" in message


def test_a_mixed_fleet_writes_each_job_on_its_kinds_endpoint_and_reads_sql_jobs_by_id():
    routes = {("GET", LIST): LISTED,
              ("GET", LIST, "detail"): {"job_list": {"total_count": 2, "jobs": [
                  {"job_id": 30, "job_config": {}, "entrypoint_args": None},
                  {"job_id": 31, "job_config": {}, "entrypoint_args": None}]}},
              ("GET", LIST + "/30"): {"job_detail": copy.deepcopy(SQL_DETAIL)},
              ("GET", LIST + "/31"): {"job_detail": build_detail(job_id=31, name="jar-b")},
              ("PUT", "/v1.0/p1/streaming/sql-jobs/30"): {"is_success": "true", "job": {"update_time": 5}},
              ("PUT", "/v1.0/p1/streaming/flink-jobs/31"): {"is_success": "true", "job": {"update_time": 6}}}
    client = RoutedClient(routes)
    results, notes, summary = converge_jobs(client, checked_jobs([
        {"job_kind": "sql", "name": "sql-a", "sql_body": "SELECT 2;"}, {"name": "jar-b", "parallel_number": 3}]),
        diff_mode=True)
    writes = sorted((method, path, body) for method, path, body in client.calls if method == "PUT")
    assert writes == [("PUT", "/v1.0/p1/streaming/flink-jobs/31", {"parallel_number": 3}),
                      ("PUT", "/v1.0/p1/streaming/sql-jobs/30", {"sql_body": "SELECT 2;"})]
    assert [result["actions"] for result in results] == [["update sql_body"], ["update parallel_number"]]
    assert results[0]["diff"][1]["after"] == "SELECT 2;\n" and "sql_body" in results[0]["job"]
    assert summary["changed"] == ["sql-a", "jar-b"]


def test_the_kind_declared_must_be_the_jobs():
    routes = {("GET", LIST + "/30"): {"job_detail": copy.deepcopy(SQL_DETAIL)},
              ("GET", LIST + "/31"): {"job_detail": build_detail(job_id=31, name="jar-b")}}
    results, notes, summary = converge_jobs(RoutedClient(routes), checked_jobs([
        {"job_id": 30, "desc": "x"}, {"job_kind": "sql", "job_id": 31, "desc": "x"}]), check_mode=True)
    assert "use hwcloud.dli.dli_flink_sql_job for it" in results[0]["msg"]
    assert "use hwcloud.dli.dli_flink_jar_job for it" in results[1]["msg"]
    assert summary["failed"] == [30, 31]


def test_the_queue_is_read_once_and_checked_for_each_kinds_flink_versions():
    queue = {"is_success": True, "queueName": "flinktest", "queueType": "general", "cuCount": 16,
             "support_flink_jar_versions": ["1.15"], "support_flink_sql_versions": ["1.12"]}
    routes = {("GET", LIST + "/30"): {"job_detail": dict(SQL_DETAIL, status="job_cancel_success")},
              ("GET", LIST + "/31"): {"job_detail": build_detail(job_id=31, name="jar-b", status="job_cancel_success")},
              ("GET", QUEUE): queue}
    client = RoutedClient(routes)
    results, notes, summary = converge_jobs(client, checked_jobs([
        {"job_kind": "sql", "job_id": 30, "state": "started"}, {"job_id": 31, "state": "started"}]), check_mode=True)
    assert "support_flink_sql_versions" in results[0]["msg"] and results[1]["actions"] == ["start from savepoint"]
    assert [call[1] for call in client.calls].count(QUEUE) == 1
