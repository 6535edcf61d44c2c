# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One job's options, checked before any request: the same for each kind of job."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_kind import JAR, SQL
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_options import checked_job_options, job_options_spec


def validated(kind, **options):
    result = ArgumentSpecValidator(job_options_spec(kind)).validate(options)
    assert not list(result.errors), result.error_messages
    return result.validated_parameters


@pytest.mark.parametrize("kind", [JAR, SQL], ids=["jar", "sql"])
@pytest.mark.parametrize("options, message", [
    (dict(), "one of the following is required: job_id, name"),
    (dict(job_id=1, savepoint_path="bucket/sp"), "savepoint_path must be an OBS path of the form obs://bucket/path"),
    (dict(job_id=1, stable_seconds=600), "stable_seconds=600 must be less than wait_timeout=600"),
    (dict(job_id=1, stable_seconds=5, wait=False), "stable_seconds=5 needs wait=true"),
    (dict(job_id=1, wait_timeout=86401), "wait_timeout must be 0 to 86400 seconds, not 86401."),
    (dict(job_id=1, allow_restart=True, wait_timeout=0), "allow_restart=true needs a wait_timeout of at least 1"),
    (dict(job_id=1, state="stopped", wait_timeout=0), "state=stopped needs a wait_timeout of at least 1"),
])
def test_options_that_cannot_work_are_refused_naming_the_option(kind, options, message):
    with pytest.raises(ValueError) as excinfo:
        checked_job_options(validated(kind, **options), kind)
    assert message in str(excinfo.value)


def test_a_job_s_options_give_its_desired_fields_and_tags():
    desired, tags = checked_job_options(validated(JAR, name="j", parallel_number=2, tags={"team": "data"}), JAR)
    assert desired["parallel_number"] == 2 and desired["name"] == "j"
    assert tags == {"team": "data"}


def test_each_kind_has_the_task_options_and_its_own_fields():
    jar, sql = job_options_spec(JAR), job_options_spec(SQL)
    for name in ("job_id", "state", "upgrade_mode", "allow_restart", "wait", "wait_timeout", "stable_seconds",
                 "rollback", "savepoint_path"):
        assert jar[name] == sql[name]
    assert "entrypoint" in jar and "entrypoint" not in sql
    assert "sql_body" in sql and "sql_body" not in jar
