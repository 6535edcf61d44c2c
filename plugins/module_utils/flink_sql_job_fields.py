# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The fields of a DLI Flink SQL job: its table, as ``flink_job_fields.FIELDS`` is the Jar job's.

``FIELDS`` holds each field of ``POST /v1.0/{project_id}/streaming/sql-jobs`` and of ``PUT
/v1.0/{project_id}/streaming/sql-jobs/{job_id}``: the fields both kinds have are the Jar table's own
``Field`` objects, so that they are read, checked and sent alike; the others are the SQL job's.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_fields import (
    FIELDS_BY_NAME as JAR_FIELDS_BY_NAME,
    Field,
    cu_number_problems,
    log_bucket_problems,
    rule_applies,
)

SQL_JOB_TYPES = ("flink_sql_job", "flink_opensource_sql_job")
RUN_MODES = ("shared_cluster", "exclusive_cluster", "edge_node")
# What the API takes when the create names none.
DEFAULT_RUN_MODE = "shared_cluster"
DEFAULT_JOB_TYPE = "flink_opensource_sql_job"
# The job type a shared_cluster job must have.
SHARED_CLUSTER_JOB_TYPE = "flink_sql_job"
MAX_SQL_BODY = 1024 * 1024


def _dirty_data_strategy(value):
    # "0" ignore, "1" raise, "2:obs-dir" save the dirty data to that OBS directory.
    return value in ("0", "1") or value.startswith("2:") and bool(value[2:].strip())


def _shared(*names):
    return tuple(JAR_FIELDS_BY_NAME[name] for name in names)


# The create's parameters in the order of the API's reference (less template_id, which this module does not
# take: the job's SQL is sql_body), then those only the update takes.
FIELDS = _shared("name", "desc", "queue_name") + (
    Field("sql_body", "str", top_level=True, max_len=MAX_SQL_BODY, lines=True),
    Field("run_mode", "str", top_level=True, choices=RUN_MODES),
) + _shared("cu_number", "parallel_number", "checkpoint_enabled", "checkpoint_mode", "checkpoint_interval",
            "obs_bucket", "log_enabled", "smn_topic", "restart_when_exception") + (
    Field("idle_state_retention", "int", minimum=1),
    Field("job_type", "str", top_level=True, choices=SQL_JOB_TYPES, create_only=True),
    Field("edge_group_ids", "list"),
    Field("dirty_data_strategy", "str", rule=(_dirty_data_strategy, '"0" (ignore), "1" (raise) or "2:<OBS directory>" '
                                                                    '(save it there)')),
    Field("udf_jar_url", "str"),
) + _shared("manager_cu_number", "tm_cus", "tm_slot_num", "resume_checkpoint", "resume_max_num", "runtime_config",
            "flink_log_config", "flink_version", "execution_agency_urn", "resource_config_version",
            "resource_config") + (
    Field("operator_config", "json", update_only=True),
    Field("static_estimator_config", "json", update_only=True),
)
FIELDS_BY_NAME = dict((field.name, field) for field in FIELDS)


def run_mode_problems(run_mode, job_type):
    if run_mode == "shared_cluster" and job_type != SHARED_CLUSTER_JOB_TYPE:
        return ["run_mode=shared_cluster needs job_type=flink_sql_job (the job's job_type would be %s): set job_type "
                "to flink_sql_job on create, or run_mode to exclusive_cluster or edge_node." % job_type]
    return []


def params_problems(params):
    """The rules between options that need no job read: what is wrong with them as given."""
    if params.get("run_mode") is not None and params.get("job_type") is not None:
        return run_mode_problems(params["run_mode"], params["job_type"])
    return []


def rules_broken(merged, changes=None):
    """As ``flink_job_fields.rules_broken``, for a SQL job; the defaults of the create stand for what is unset."""
    applies = rule_applies(changes)
    problems = log_bucket_problems(merged, applies)
    if applies("run_mode", "job_type"):
        problems += run_mode_problems(merged.get("run_mode") or DEFAULT_RUN_MODE,
                                      merged.get("job_type") or DEFAULT_JOB_TYPE)
    return problems + cu_number_problems(merged, applies)
