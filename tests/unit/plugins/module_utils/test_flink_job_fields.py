# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The field table: argument spec, normalisation, comparison, request body and rules."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import json
import os
import re

import pytest
import yaml

from ansible_collections.hwcloud.dli.plugins.module_utils import flink_job_fields as f
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_read import READ_ONLY_KEYS, job_shape
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_options import job_options_spec
from conftest import build_detail  # shared fixtures (tests/unit/conftest.py)
from module_docs import documented_spec, module_documentation

SEED_FIELDS = [
    "name", "desc", "queue_name", "cu_number", "manager_cu_number", "parallel_number", "log_enabled",
    "obs_bucket", "smn_topic", "main_class", "entrypoint_args", "restart_when_exception", "entrypoint",
    "dependency_jars", "dependency_files", "tm_cus", "tm_slot_num", "feature", "flink_version", "image",
    "resume_checkpoint", "resume_max_num", "checkpoint_path", "runtime_config", "job_type",
]
EXTRA_FIELDS = ["checkpoint_enabled", "checkpoint_mode", "checkpoint_interval", "execution_agency_urn",
                "flink_log_config", "resource_config_version", "resource_config"]

DETAIL = {
    "job_id": 104, "name": "jptest", "desc": "", "queue_name": "flinktest", "job_type": "flink_jar_job",
    "status": "job_init", "main_class": None, "entrypoint_args": None, "update_time": 1578467395713,
    "job_config": {
        "entrypoint": "FemaleInfoCollection.jar", "dependency_jars": ["a.jar"], "dependency_files": None,
        "cu_number": "2", "manager_cu_number": 1, "parallel_number": 1, "tm_cus": 1, "tm_slot_num": 1,
        "log_enabled": False, "obs_bucket": None, "smn_topic": None, "restart_when_exception": None,
        "resume_checkpoint": False, "resume_max_num": -1, "checkpoint_path": None,
        "runtime_config": "[{\"key\":\"k\",\"value\":\"v\"},{\"key\":\"n\",\"value\":\"4\"}]",
        "feature": "basic", "flink_version": "1.15", "image": None,
    },
}


def test_table_covers_the_seed_exactly_and_drives_the_argument_spec():
    assert [field.name for field in f.FIELDS] == SEED_FIELDS + EXTRA_FIELDS
    spec = f.argument_spec()
    assert list(spec) == SEED_FIELDS + EXTRA_FIELDS
    assert spec["checkpoint_enabled"] == {"type": "bool"}
    assert all("default" not in option for option in spec.values())
    assert spec["feature"] == {"type": "str"}  # its choices are checked by the table, which lets null by
    assert spec["dependency_jars"] == {"type": "list", "elements": "raw"}
    assert spec["runtime_config"] == {"type": "raw"}


IN_PLACE = ["smn_topic", "restart_when_exception", "resume_checkpoint", "resume_max_num", "checkpoint_path",
            "obs_bucket"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))


def test_in_place_fields_are_those_a_running_job_takes():
    assert sorted(field.name for field in f.FIELDS if field.in_place) == sorted(IN_PLACE)


def _read(*path):
    with open(os.path.join(ROOT, *path)) as handle:
        return handle.read()


def _paragraph_after(text, marker, end):
    start = text.index(marker)
    return text[start:text.index(end, start + len(marker))]


def test_every_document_and_the_emulator_name_the_in_place_fields_of_the_table():
    """The field table is the one source: a document or the emulator that disagrees fails here."""
    table = sorted(field.name for field in f.FIELDS if field.in_place)
    module_doc = _paragraph_after(_read("plugins", "modules", "dli_flink_jar_job.py"), "A running job takes only", "in place")
    readme = _paragraph_after(_read("README.md"), "A running job takes", "in place")
    guide = _paragraph_after(_read("docs", "docsite", "rst", "guide.rst"), "A running job takes only these options",
                             "code-block")
    emulator = re.search(r"^IN_PLACE = \(([^)]*)\)", _read("tests", "emulator", "dli_emulator.py"), re.M).group(1)
    assert sorted(re.findall(r"O\((\w+)\)", module_doc)) == table
    assert sorted(re.findall(r"`(\w+)`", readme)) == table
    assert sorted(re.findall(r"#module:(\w+)`", guide)) == table
    assert sorted(re.findall(r'"(\w+)"', emulator)) == table


def test_job_from_detail_reads_top_level_and_job_config():
    job = f.job_from_detail(DETAIL)
    assert job["name"] == "jptest" and job["queue_name"] == "flinktest" and job["job_type"] == "flink_jar_job"
    assert job["cu_number"] == 2  # a number sent as a string is read as an integer
    assert job["runtime_config"] == {"k": "v", "n": "4"}
    assert job["main_class"] is None and job["dependency_files"] is None
    assert set(job) == set(SEED_FIELDS + EXTRA_FIELDS)
    assert job["checkpoint_enabled"] is None  # not in this answer: read as unset, compared as false


@pytest.mark.parametrize("value, expected", [
    ({"a.b": 1, "c": True, "d": "x"}, {"a.b": "1", "c": "true", "d": "x"}),
    ('[{"key": "a", "value": "1"}]', {"a": "1"}),
    ('{"a": 1}', {"a": "1"}),
    ([{"key": "a", "value": 2}], {"a": "2"}),
    ("", {}),
    ("  ", {}),
    (None, {}),
])
def test_runtime_config_forms(value, expected):
    assert f.runtime_config_to_mapping(value) == expected


@pytest.mark.parametrize("value", ["not json", "[1, 2]", 42, '"a string"'])
def test_runtime_config_refuses_other_forms(value):
    with pytest.raises(ValueError, match="runtime_config"):
        f.runtime_config_to_mapping(value)


def test_runtime_config_goes_to_the_api_as_a_json_string_in_order():
    body = f.request_body({"runtime_config": {"b": "2", "a": "1"}}, ["runtime_config"])
    assert json.loads(body["runtime_config"]) == [{"key": "b", "value": "2"}, {"key": "a", "value": "1"}]


@pytest.mark.parametrize("name, left, right, equal", [
    ("desc", None, "", True),
    ("desc", "", None, True),
    ("desc", "x", None, False),
    ("dependency_jars", None, [], True),
    ("dependency_jars", ["a", "b"], ["b", "a"], False),
    ("runtime_config", {}, {}, True),
    ("runtime_config", {"a": "1"}, {}, False),
    ("restart_when_exception", None, False, True),
    ("restart_when_exception", None, True, False),
    ("cu_number", 2, 2, True),
    ("cu_number", None, 2, False),
])
def test_same_treats_empty_values_alike(name, left, right, equal):
    assert f.values_equal(f.FIELDS_BY_NAME[name], left, right) is equal


def test_only_set_options_are_compared():
    current = f.job_from_detail(DETAIL)
    desired = f.desired_from_params({"desc": None, "name": "jptest", "cu_number": 2,
                                     "runtime_config": {"n": 4, "k": "v"}, "tm_slot_num": None})
    assert desired == {"name": "jptest", "cu_number": 2, "runtime_config": {"n": "4", "k": "v"}}
    assert f.changed_fields(current, desired) == []
    desired = f.desired_from_params({"desc": "new", "parallel_number": 3, "main_class": ""})
    assert f.changed_fields(current, desired) == ["desc", "parallel_number"]
    assert f.request_body(desired, ["desc", "parallel_number"]) == {"desc": "new", "parallel_number": 3}


@pytest.mark.parametrize("params, message", [
    ({"name": "n" * 58}, "name must be 0 to 57 characters long, not 58."),
    ({"desc": "d" * 513}, "desc must be 0 to 512 characters long, not 513."),
    ({"queue_name": ""}, "queue_name must be 1 to 128 characters long, not 0."),
    ({"queue_name": "q" * 129}, "queue_name must be 1 to 128 characters long, not 129."),
    ({"cu_number": 0}, "cu_number must be at least 1, not 0."),
    ({"manager_cu_number": 0}, "manager_cu_number must be at least 1, not 0."),
    ({"parallel_number": -1}, "parallel_number must be at least 1, not -1."),
    ({"tm_cus": 0}, "tm_cus must be at least 1, not 0."),
    ({"tm_slot_num": 0}, "tm_slot_num must be at least 1, not 0."),
    ({"resume_max_num": 0}, "resume_max_num must be -1 (unlimited) or greater than 0, not 0."),
    ({"resume_max_num": -2}, "resume_max_num must be -1 (unlimited) or greater than 0, not -2."),
    ({"runtime_config": "{bad"}, "runtime_config must be a mapping"),
])
def test_limits_are_checked_before_any_request(params, message):
    with pytest.raises(ValueError) as excinfo:
        f.desired_from_params(params)
    assert message in str(excinfo.value)


@pytest.mark.parametrize("params", [
    {"name": "n" * 57, "desc": "", "queue_name": "q", "resume_max_num": -1},
    {"resume_max_num": 1, "cu_number": 1, "tm_slot_num": 1},
])
def test_limits_accept_their_bounds(params):
    assert f.desired_from_params(params)


def test_all_problems_are_reported_at_once():
    with pytest.raises(ValueError) as excinfo:
        f.desired_from_params({"name": "n" * 58, "cu_number": 0})
    assert "name must" in str(excinfo.value) and "cu_number must" in str(excinfo.value)


def _merged(**changes):
    job = f.job_from_detail(DETAIL)
    job.update(changes)
    return job


@pytest.mark.parametrize("changes, fragment", [
    (dict(log_enabled=True), "log_enabled=true needs obs_bucket"),
    (dict(log_enabled=True, obs_bucket=""), "log_enabled=true needs obs_bucket"),
    (dict(image="org/img:1"), "image is only allowed with feature=custom"),
    (dict(feature="custom", image="org/img:1"), "flink_version is not allowed with feature=custom"),
    (dict(cu_number=1, manager_cu_number=1), "cu_number (1) must be greater than manager_cu_number (1)"),
    (dict(cu_number=2, manager_cu_number=3), "cu_number (2) must be greater than manager_cu_number (3)"),
    (dict(manager_cu_number=2), "cu_number (2) must be greater than manager_cu_number (2)"),
])
def test_rules_on_the_merged_job(changes, fragment):
    problems = f.rules_broken(_merged(**changes))
    assert any(fragment in problem for problem in problems), problems


@pytest.mark.parametrize("changes", [
    dict(log_enabled=True, obs_bucket="logs-bucket"),
    dict(feature="custom", image="org/img:1", flink_version=""),
    dict(feature="custom", image="org/img:1", flink_version=None),
    dict(cu_number=3, manager_cu_number=2),
    dict(),
])
def test_valid_merged_jobs_pass(changes):
    assert f.rules_broken(_merged(**changes)) == []


def test_rules_apply_only_when_a_changed_option_is_involved():
    stored = _merged(feature="custom", image="org/img:1", flink_version="1.15")
    assert f.rules_broken(stored, ["desc"]) == []
    assert f.rules_broken(stored, ["flink_version"]) != []
    assert f.rules_broken(_merged(log_enabled=True), ["parallel_number"]) == []
    assert f.rules_broken(_merged(log_enabled=True), ["log_enabled"]) != []
    assert f.rules_broken(_merged(cu_number=1), ["cu_number"]) != []


def test_checkpoint_enabled_is_read_from_job_config_compared_and_sent():
    detail = dict(DETAIL, job_config=dict(DETAIL["job_config"], checkpoint_enabled=False))
    current = f.job_from_detail(detail)
    assert current["checkpoint_enabled"] is False
    desired = f.desired_from_params({"checkpoint_enabled": "yes"})
    assert f.changed_fields(current, desired) == ["checkpoint_enabled"]
    assert f.request_body(desired, ["checkpoint_enabled"]) == {"checkpoint_enabled": True}
    assert f.changed_fields(current, f.desired_from_params({"checkpoint_enabled": False})) == []


# -- the fields beyond the reference page's table ------------------------------------------------

def test_checkpoint_mode_is_sent_as_its_number_and_read_back_by_name_or_number():
    field = f.FIELDS_BY_NAME["checkpoint_mode"]
    desired = f.desired_from_params({"checkpoint_mode": "at_least_once"})
    assert f.request_body(desired, ["checkpoint_mode"]) == {"checkpoint_mode": 2}
    assert field.read({"job_config": {"checkpoint_mode": "exactly_once"}}) == "exactly_once"
    assert field.read({"job_config": {"checkpoint_mode": 2}}) == "at_least_once"
    assert "choices" not in field.argument_spec()
    with pytest.raises(ValueError, match="checkpoint_mode must be one of exactly_once, at_least_once, not 1"):
        f.desired_from_params({"checkpoint_mode": "1"})


def test_checkpoint_interval_must_be_positive():
    with pytest.raises(ValueError, match="checkpoint_interval must be at least 1, not 0"):
        f.desired_from_params({"checkpoint_interval": 0})


RESOURCE_CONFIG = {"max_slot": 2, "parallel_number": 4,
                   "jobmanager_resource_spec": {"cpu": 1, "memory": "4G"},
                   "taskmanager_resource_spec": {"cpu": 2.0, "memory": "8G"}}


def test_resource_config_argument_spec_names_its_documented_keys():
    spec = f.FIELDS_BY_NAME["resource_config"].argument_spec()
    assert spec["type"] == "dict"
    assert sorted(spec["options"]) == ["jobmanager_resource_spec", "max_slot", "parallel_number",
                                       "taskmanager_resource_spec"]
    spec_options = spec["options"]["taskmanager_resource_spec"]["options"]
    assert spec_options == {"cpu": {"type": "float"}, "memory": {"type": "str"}}


def test_resource_config_drops_unset_keys_and_checks_the_others():
    given = {"max_slot": None, "parallel_number": 4, "jobmanager_resource_spec": {"cpu": None, "memory": "4G"},
             "taskmanager_resource_spec": None}
    assert f.desired_from_params({"resource_config": given})["resource_config"] == {
        "parallel_number": 4, "jobmanager_resource_spec": {"memory": "4G"}}
    with pytest.raises(ValueError, match=r"resource_config.jobmanager_resource_spec.cpu must be a number greater "
                                         r"than 0, not 0"):
        f.desired_from_params({"resource_config": {"jobmanager_resource_spec": {"cpu": 0}}})
    with pytest.raises(ValueError, match="resource_config takes the keys .*, not slots"):
        f.desired_from_params({"resource_config": {"slots": 3}})


def test_resource_config_is_compared_key_by_key_and_sent_whole():
    current = f.job_from_detail({"job_config": {"resource_config": dict(RESOURCE_CONFIG, extra_key=1)}})
    assert current["resource_config"] == {"max_slot": 2, "parallel_number": 4,
                                          "jobmanager_resource_spec": {"cpu": 1.0, "memory": "4G"},
                                          "taskmanager_resource_spec": {"cpu": 2.0, "memory": "8G"}}
    unchanged = f.desired_for_job(current, f.desired_from_params(
        {"resource_config": {"taskmanager_resource_spec": {"cpu": 2}}}))
    assert f.changed_fields(current, unchanged) == []
    more = f.desired_for_job(current, f.desired_from_params(
        {"resource_config": {"taskmanager_resource_spec": {"memory": "16G"}}}))
    assert f.changed_fields(current, more) == ["resource_config"]
    assert f.request_body(more, ["resource_config"])["resource_config"] == {
        "max_slot": 2, "parallel_number": 4, "jobmanager_resource_spec": {"cpu": 1.0, "memory": "4G"},
        "taskmanager_resource_spec": {"cpu": 2.0, "memory": "16G"}}


def test_purge_runtime_config_false_compares_and_sends_only_the_keys_given_kept_with_the_others():
    current = {"runtime_config": {"a": "1", "b": "2"}}
    kept = f.desired_for_job(current, {"runtime_config": {"b": "2"}}, purge_runtime_config=False)
    assert f.changed_fields(current, kept) == []
    added = f.desired_for_job(current, {"runtime_config": {"c": "3"}}, purge_runtime_config=False)
    assert f.changed_fields(current, added) == ["runtime_config"]
    assert added["runtime_config"] == {"a": "1", "b": "2", "c": "3"}
    purged = f.desired_for_job(current, {"runtime_config": {"b": "2"}})
    assert f.changed_fields(current, purged) == ["runtime_config"] and purged["runtime_config"] == {"b": "2"}


@pytest.mark.parametrize("name, value", [
    ("execution_agency_urn", "iam::agency:dli_admin"),
    ("flink_log_config", "rootLogger.level = INFO"),
    ("resource_config_version", "v2"),
])
def test_string_fields_beyond_the_table_are_read_and_sent_as_they_are(name, value):
    assert f.FIELDS_BY_NAME[name].read({"job_config": {name: value}}) == value
    assert f.request_body({name: value}, [name]) == {name: value}
    assert not f.FIELDS_BY_NAME[name].in_place


def test_tags_are_strings_and_a_nested_value_is_refused():
    assert f.tags_from_params({"team": "data", "tier": 1}) == {"team": "data", "tier": "1"}
    assert f.tags_from_params(None) is None
    with pytest.raises(ValueError, match="tags must map keys to single values; 'team' holds list"):
        f.tags_from_params({"team": ["a"]})


# -- the other places an API field is written down agree with the table (see CONTRIBUTING.md) ------------------

def _module_docs(module_name, section):
    if section == "DOCUMENTATION":
        return module_documentation(module_name)  # with the options of the job doc fragment
    module = importlib.import_module("ansible_collections.hwcloud.dli.plugins.modules." + module_name)
    return yaml.safe_load(getattr(module, section))


def test_dli_flink_jar_job_documents_each_field_and_job_option_as_its_argument_spec_has_it():
    documented = documented_spec(_module_docs("dli_flink_jar_job", "DOCUMENTATION")["options"])
    assert documented == job_options_spec()  # the connection options are the doc fragment's
    for field in f.FIELDS:
        assert documented[field.name] == field.argument_spec(), field.name


@pytest.mark.parametrize("module_name, path", [("dli_flink_jar_job", ("job", "sample")),
                                               ("dli_flink_jar_job_info", ("jobs", "sample", 0))])
def test_the_returned_job_samples_hold_every_field_and_nothing_else(module_name, path):
    sample = _module_docs(module_name, "RETURN")
    for key in path:
        sample = sample[key]
    shape = job_shape(build_detail())
    assert sorted(sample) == sorted(shape) == sorted([field.name for field in f.FIELDS] + list(READ_ONLY_KEYS))
