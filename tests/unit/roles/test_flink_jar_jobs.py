# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""roles/flink_jar_jobs: its argument spec, defaults and tasks agree with the modules' options, so that a job
option or a connection option added to the modules cannot be forgotten by the role."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import yaml

from ansible_collections.hwcloud.dli.plugins.module_utils.api import CONNECTION_ARGUMENT_SPEC
from ansible_collections.hwcloud.dli.plugins.module_utils.auth import SECRET_OPTIONS
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_fleet import DEFAULT_CONCURRENCY
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_kind import SQL
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_options import job_options_spec

ROLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "roles", "flink_jar_jobs")
SPEC_KEYS = ("type", "elements", "choices", "default", "options", "no_log")


def load(*path):
    with open(os.path.join(ROLE, *path)) as handle:
        return yaml.safe_load(handle)


def options():
    return load("meta", "argument_specs.yml")["argument_specs"]["main"]["options"]


def bare(spec):
    """An option spec without its documentation, in the module's spelling (type str when not given)."""
    out = dict((key, spec[key]) for key in SPEC_KEYS if key in spec)
    out.setdefault("type", "str")
    if "options" in out:
        out["options"] = dict((name, bare(sub)) for name, sub in out["options"].items())
    return out


def documented(spec):
    yield spec
    for sub in spec.get("options", {}).values():
        yield from documented(sub)


def test_each_job_takes_exactly_the_options_of_dli_flink_jar_job():
    jobs = options()["flink_jar_jobs"]
    assert (jobs["type"], jobs["elements"], jobs["required"]) == ("list", "dict", True)
    assert jobs["required_one_of"] == [["job_id", "name"]]
    # A Flink SQL job (job_kind: sql) takes the options of dli_flink_sql_job: those of its own follow the Jar job's.
    expected = dict((name, bare(spec)) for name, spec in job_options_spec().items())
    expected.update((name, bare(spec)) for name, spec in job_options_spec(SQL).items() if name not in expected)
    expected["job_kind"] = dict(type="str", choices=["jar", "sql"], default="jar")
    assert dict((name, bare(spec)) for name, spec in jobs["options"].items()) == expected


def test_the_connection_takes_the_connection_options_without_defaults_and_secrets_are_no_log():
    connection = options()["flink_jar_jobs_connection"]
    assert (connection["type"], connection["default"]) == ("dict", {})
    expected = dict((name, dict(type=spec["type"])) for name, spec in CONNECTION_ARGUMENT_SPEC.items())
    for name in SECRET_OPTIONS:
        expected[name]["no_log"] = True
    # No default: an option the user leaves out must stay out, for module_defaults and the HW_* variables.
    assert dict((name, bare(spec)) for name, spec in connection["options"].items()) == expected


def test_the_defaults_are_those_documented_and_the_modules():
    specs, defaults = options(), load("defaults", "main.yml")
    assert defaults == dict((name, specs[name]["default"]) for name in specs if "default" in specs[name])
    assert defaults["flink_jar_jobs_concurrency"] == DEFAULT_CONCURRENCY
    assert "flink_jar_jobs" not in defaults


def test_every_option_is_documented():
    for name, spec in options().items():
        for each in documented(spec):
            assert each.get("description"), name


def test_the_role_is_one_task_of_the_list_module_and_its_summary_is_the_modules():
    block = load("tasks", "main.yml")
    assert len(block) == 1 and sorted(block[0]) == ["always", "block", "module_defaults", "name"]
    [task] = block[0]["block"]
    assert task["hwcloud.dli.dli_flink_jar_jobs"] == {
        "jobs": "{{ flink_jar_jobs }}", "concurrency": "{{ flink_jar_jobs_concurrency }}",
        "max_restarting": "{{ flink_jar_jobs_max_restarting | default(omit) }}",
        "halt_on_failure": "{{ flink_jar_jobs_halt_on_failure }}"}
    assert task["register"] == "flink_jar_jobs_result"
    # Reported also when the task failed (always), and taken as the module returns it, not rebuilt.
    set_summary, show = block[0]["always"]
    assert set_summary["ansible.builtin.set_fact"] == {
        "flink_jar_jobs_summary": "{{ flink_jar_jobs_result.summary | default(none) }}"}
    assert "vars" not in set_summary
    assert show["ansible.builtin.debug"] == {"var": "flink_jar_jobs_summary"}
    assert sorted(os.listdir(os.path.join(ROLE, "tasks"))) == ["main.yml"]


def test_the_per_task_mode_is_gone_from_every_input():
    assert "flink_jar_jobs_per_task" not in options()
    assert "flink_jar_jobs_per_task" not in load("defaults", "main.yml")


def test_the_connection_reaches_the_module_as_its_module_defaults():
    # Module arguments set to omit would drop the play's module_defaults for those keys: the
    # connection is given as the module's own defaults, which ansible-core lays over the group's.
    block = load("tasks", "main.yml")[0]
    assert block["module_defaults"] == {"hwcloud.dli.dli_flink_jar_jobs": "{{ __flink_jar_jobs_connection }}"}
    assert "__flink_jar_jobs_connection" in load("vars", "main.yml")
