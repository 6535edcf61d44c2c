# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Flink SQL job's field table: its fields, where they are read, their checks, rules and request bodies."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import re

import pytest
import yaml

from ansible_collections.hwcloud.dli.plugins.module_utils import flink_job_fields as jar
from ansible_collections.hwcloud.dli.plugins.module_utils import flink_sql_job_fields as sql
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_kind import SQL
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_read import READ_ONLY_KEYS, job_shape
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_options import job_options_spec
from ansible_collections.hwcloud.dli.plugins.modules import dli_flink_sql_job
from module_docs import documented_spec, module_documentation

# The create's body of the API's reference (less template_id), then what only the update takes.
CREATE_FIELDS = [
    "name", "desc", "queue_name", "sql_body", "run_mode", "cu_number", "parallel_number", "checkpoint_enabled",
    "checkpoint_mode", "checkpoint_interval", "obs_bucket", "log_enabled", "smn_topic", "restart_when_exception",
    "idle_state_retention", "job_type", "edge_group_ids", "dirty_data_strategy", "udf_jar_url", "manager_cu_number",
    "tm_cus", "tm_slot_num", "resume_checkpoint", "resume_max_num", "runtime_config", "flink_log_config",
    "flink_version", "execution_agency_urn", "resource_config_version", "resource_config",
]
UPDATE_ONLY = ["operator_config", "static_estimator_config"]
SQL_DETAIL = {
    "job_id": 205, "name": "orders-sql", "desc": "", "queue_name": "flinktest", "job_type": "flink_sql_job",
    "status": "job_init", "update_time": 1578467395713, "sql_body": "SELECT 1;\nSELECT 2;", "run_mode": "shared_cluster",
    "job_config": {
        "cu_number": 2, "manager_cu_number": 1, "parallel_number": 1, "tm_cus": 1, "tm_slot_num": 1,
        "log_enabled": False, "obs_bucket": None, "smn_topic": None, "restart_when_exception": False,
        "resume_checkpoint": False, "resume_max_num": -1, "runtime_config": None, "flink_version": "1.15",
        "checkpoint_enabled": False, "checkpoint_mode": "exactly_once", "checkpoint_interval": 30,
        "idle_state_retention": 3600, "udf_jar_url": None, "dirty_data_strategy": "0", "edge_group_ids": None,
        "operator_config": "{\"a\": {\"parallelism\": 2}}", "static_estimator_config": None,
        # A Jar job's fields, which a SQL job's detail holds as null: not this table's.
        "entrypoint": None, "dependency_jars": None, "feature": None,
    },
}


def test_the_table_is_the_create_and_update_bodies_and_drives_the_argument_spec():
    assert [field.name for field in sql.FIELDS] == CREATE_FIELDS + UPDATE_ONLY
    spec = SQL.argument_spec()
    assert list(spec) == CREATE_FIELDS + UPDATE_ONLY
    assert spec["sql_body"] == {"type": "str"} and spec["operator_config"] == {"type": "raw"}
    assert spec["edge_group_ids"] == {"type": "list", "elements": "raw"}
    assert all("default" not in option for option in spec.values())


def test_the_fields_both_kinds_have_are_the_jar_tables_own():
    shared = [field for field in sql.FIELDS if field.name in jar.FIELDS_BY_NAME and field.name != "job_type"]
    assert len(shared) == 23
    assert all(jar.FIELDS_BY_NAME[field.name] is field for field in shared)
    assert jar.FIELDS_BY_NAME["job_type"] is not sql.FIELDS_BY_NAME["job_type"]


def test_the_places_the_in_place_and_the_create_or_update_only_fields():
    assert sorted(f.name for f in sql.FIELDS if f.top_level) == ["desc", "job_type", "name", "queue_name", "run_mode",
                                                                 "sql_body"]
    # Not documented for SQL jobs: the Jar job's list (the notes), less checkpoint_path, which a SQL job has not.
    assert SQL.in_place == ("obs_bucket", "smn_topic", "restart_when_exception", "resume_checkpoint", "resume_max_num")
    assert SQL.create_only == ("job_type",) and SQL.update_only == tuple(UPDATE_ONLY) and SQL.lines == ("sql_body",)


def test_a_sql_detail_is_read_at_the_top_level_and_in_job_config():
    job = SQL.job_from_detail(SQL_DETAIL)
    assert sorted(job) == sorted(CREATE_FIELDS + UPDATE_ONLY)
    assert job["sql_body"] == "SELECT 1;\nSELECT 2;" and job["run_mode"] == "shared_cluster"
    assert job["job_type"] == "flink_sql_job" and job["idle_state_retention"] == 3600
    assert job["dirty_data_strategy"] == "0" and job["edge_group_ids"] is None
    assert job["operator_config"] == {"a": {"parallelism": 2}}  # parsed: compared as a document, never as text
    assert job["static_estimator_config"] is None


@pytest.mark.parametrize("value", ["0", "1", "2:obs://bucket/dirty/", "2:bucket/dir"])
def test_dirty_data_strategy_takes_its_three_forms(value):
    assert SQL.desired_from_params(dict(dirty_data_strategy=value)) == {"dirty_data_strategy": value}


@pytest.mark.parametrize("value", ["3", "2", "2:", "2: ", "ignore", ""])
def test_dirty_data_strategy_refuses_other_forms_naming_the_option(value):
    with pytest.raises(ValueError, match=r'dirty_data_strategy must be "0" \(ignore\), "1" \(raise\) or "2:<OBS '
                                         r'directory>" \(save it there\), not '):
        SQL.desired_from_params(dict(dirty_data_strategy=value))


def test_sql_body_may_be_a_mebibyte_long_and_no_more():
    assert SQL.desired_from_params(dict(sql_body="x" * 1024 * 1024))["sql_body"] == "x" * 1024 * 1024
    with pytest.raises(ValueError) as excinfo:
        SQL.desired_from_params(dict(sql_body="x" * (1024 * 1024 + 1)))
    assert str(excinfo.value) == "sql_body must be 0 to 1048576 characters long, not 1048577."


@pytest.mark.parametrize("params, message", [
    (dict(run_mode="cluster"), "run_mode must be one of shared_cluster, exclusive_cluster, edge_node, not cluster."),
    (dict(job_type="flink_jar_job"), "job_type must be one of flink_sql_job, flink_opensource_sql_job, not "
                                     "flink_jar_job."),
    (dict(idle_state_retention=0), "idle_state_retention must be at least 1, not 0."),
    (dict(run_mode="shared_cluster", job_type="flink_opensource_sql_job"),
     "run_mode=shared_cluster needs job_type=flink_sql_job (the job's job_type would be flink_opensource_sql_job)"),
    (dict(operator_config="{not json"), "operator_config must be a mapping or list, or its JSON text; the string "
                                        "given is not JSON."),
    (dict(static_estimator_config=5), "static_estimator_config must be a mapping or list, or its JSON text, not a int."),
    (dict(edge_group_ids=[["g1"]]), "edge_group_ids must be a list of strings; item ['g1'] is a list."),
    (dict(edge_group_ids=5), "edge_group_ids must be a list of strings, not a int."),
])
def test_bad_values_are_refused_before_any_request_naming_the_option(params, message):
    with pytest.raises(ValueError) as excinfo:
        SQL.desired_from_params(params)
    assert message in str(excinfo.value)


@pytest.mark.parametrize("params", [dict(run_mode="shared_cluster", job_type="flink_sql_job"),
                                    dict(run_mode="exclusive_cluster", job_type="flink_opensource_sql_job"),
                                    dict(run_mode="edge_node", job_type="flink_sql_job")])
def test_run_mode_and_job_type_that_go_together_pass(params):
    assert SQL.desired_from_params(params) == params


def test_the_rules_take_the_creates_defaults_for_what_is_unset():
    # A create that names neither: run_mode shared_cluster and job_type flink_opensource_sql_job, which the API refuses.
    assert "run_mode=shared_cluster needs job_type=flink_sql_job" in sql.rules_broken({"name": "j"})[0]
    assert sql.rules_broken({"name": "j", "job_type": "flink_sql_job"}) == []
    assert sql.rules_broken({"name": "j", "run_mode": "exclusive_cluster"}) == []
    # An existing job: only when run_mode (or job_type) changes.
    opensource = {"run_mode": "exclusive_cluster", "job_type": "flink_opensource_sql_job"}
    assert sql.rules_broken(dict(opensource, parallel_number=2), ["parallel_number"]) == []
    assert sql.rules_broken(dict(opensource, run_mode="shared_cluster"), ["run_mode"])
    # The rules every kind has.
    assert sql.rules_broken({"job_type": "flink_sql_job", "log_enabled": True}, None)[0].startswith(
        "log_enabled=true needs obs_bucket")
    assert sql.rules_broken({"job_type": "flink_sql_job", "cu_number": 1}, None)[0].startswith("cu_number (1) must be")


def test_the_json_fields_are_compared_parsed_and_sent_as_json_text():
    current = SQL.job_from_detail(SQL_DETAIL)
    same = SQL.desired_from_params(dict(operator_config={"a": {"parallelism": 2}}))
    assert SQL.changed_fields(current, same) == []
    desired = SQL.desired_from_params(dict(operator_config='{"a": {"parallelism": 4}}', sql_body="SELECT 3;"))
    assert SQL.changed_fields(current, desired) == ["sql_body", "operator_config"]
    body = SQL.request_body(desired, ["sql_body", "operator_config"])
    assert body == {"sql_body": "SELECT 3;", "operator_config": '{"a":{"parallelism":4}}'}
    assert json.loads(body["operator_config"]) == desired["operator_config"]


# -- the module's docs agree with the table (as test_flink_job_fields.py holds the Jar module's) -----------------

def test_dli_flink_sql_job_documents_each_field_and_job_option_as_its_argument_spec_has_it():
    documented = documented_spec(module_documentation("dli_flink_sql_job")["options"])
    assert documented == job_options_spec(SQL)
    for field in sql.FIELDS:
        assert documented[field.name] == field.argument_spec(), field.name


def test_the_returned_sql_job_sample_holds_every_field_and_nothing_else():
    sample = yaml.safe_load(dli_flink_sql_job.RETURN)["job"]["sample"]
    assert sorted(sample) == sorted([field.name for field in sql.FIELDS] + list(READ_ONLY_KEYS))
    assert sorted(sample) == sorted(job_shape(SQL_DETAIL))


def test_the_docs_name_the_in_place_fields_of_the_table():
    description = " ".join(yaml.safe_load(dli_flink_sql_job.DOCUMENTATION)["description"])
    in_place = re.search(r"a running job takes only (.*) in place", description).group(1)
    assert sorted(re.findall(r"O\((\w+)\)", in_place)) == sorted(SQL.in_place)


def test_a_json_field_cleared_is_sent_as_empty_text_and_the_text_null_reads_as_empty():
    assert SQL.request_body({"operator_config": None}, ["operator_config"]) == {"operator_config": ""}
    for stored in ("null", "", None):
        detail = copy.deepcopy(SQL_DETAIL)
        detail["job_config"]["operator_config"] = stored
        assert SQL.job_from_detail(detail)["operator_config"] is None
