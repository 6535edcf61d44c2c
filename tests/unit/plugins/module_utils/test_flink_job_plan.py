# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan without a job kind: what a running job takes in place is the caller's to say (the Jar plans
from every status are tested in test_flink_job_update.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_plan import plan_steps, predicted_status
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_read import JobError


def test_the_in_place_fields_are_the_callers_to_say():
    assert [s.describe() for s in plan_steps("job_running", ["sql_body"], in_place=("sql_body",))] == [
        "update sql_body"]
    with pytest.raises(JobError, match="a change of sql_body needs a restart"):
        plan_steps("job_running", ["sql_body"], in_place=())


def test_an_import_is_neither_a_start_nor_a_stop_for_the_predicted_status():
    plan = plan_steps("job_cancel_success", [], "started", savepoint_path="obs://b/sp")
    assert [s.describe() for s in plan] == ["import savepoint obs://b/sp", "start from savepoint"]
    assert predicted_status("job_cancel_success", plan) == "job_running"


def test_the_fields_a_create_does_not_take_are_set_by_an_update_right_after_it():
    plan = plan_steps(None, ["name", "sql_body", "operator_config"], "started", update_only=("operator_config",))
    assert [s.describe() for s in plan] == ["create", "update operator_config", "start"]
    assert plan[0].names == ["name", "sql_body"]
    assert [s.describe() for s in plan_steps(None, ["name"], update_only=("operator_config",))] == ["create"]
    assert predicted_status(None, plan) == "job_running"
