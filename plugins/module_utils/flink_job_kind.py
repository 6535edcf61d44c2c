# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The kinds of Flink job: what the one engine (plan, executor, waits, pre-flight, rollback, fleet) needs
to know of each. A kind is its field table, its create and update endpoints, the ``job_type`` values
that say a job is of it, its rules, and the module that manages it; reading, starting, stopping,
deleting and savepoints are the same calls for every Flink job.

Adding a kind is a field table (as flink_sql_job_fields.py) and one ``JobKind`` here (CONTRIBUTING.md).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.dli.plugins.module_utils import flink_job_fields as jar
from ansible_collections.hwcloud.dli.plugins.module_utils import flink_sql_job_fields as sql


class JobKind:
    """One kind of Flink job. ``segment``: the path segment of its create (``POST .../streaming/<segment>``)
    and update (``PUT .../streaming/<segment>/{job_id}``); ``queue_types`` and ``versions_key``: what
    the pre-flight asks of its queue; ``params_problems``: the rules between options that need no read;
    ``complete_in_list``: the list call's two forms together hold every field of the kind (a fleet may then
    read its jobs from the list instead of one by one)."""

    def __init__(self, name, label, module, job_types, fields, segment, rules, params_problems=None,
                 queue_types=("general", "all"), versions_key="support_flink_jar_versions",
                 default_cu_number=jar.DEFAULT_CU_NUMBER, complete_in_list=True):
        self.name = name
        self.complete_in_list = complete_in_list
        self.label = label
        self.module = module
        self.job_types = job_types
        self.fields = fields
        self.fields_by_name = dict((field.name, field) for field in fields)
        self.segment = segment
        self.rules = rules
        self.params_problems = params_problems or (lambda params: [])
        self.queue_types = queue_types
        self.versions_key = versions_key
        self.default_cu_number = default_cu_number
        self.in_place = tuple(field.name for field in fields if field.in_place)
        self.create_only = tuple(field.name for field in fields if field.create_only)
        self.update_only = tuple(field.name for field in fields if field.update_only)
        self.lines = tuple(field.name for field in fields if field.lines)

    def argument_spec(self):
        return dict((field.name, field.argument_spec()) for field in self.fields)

    def desired_from_params(self, params):
        """The fields set, checked (``flink_job_fields.desired_from_params``), and the kind's rules between
        options; ValueError naming every problem, before any request."""
        desired = jar.desired_from_params(params, self.fields)
        problems = self.params_problems(params)
        if problems:
            raise ValueError(" ".join(problems))
        return desired

    def job_from_detail(self, detail):
        return jar.job_from_detail(detail, self.fields)

    def changed_fields(self, current, desired):
        return jar.changed_fields(current, desired, self.fields)

    def request_body(self, desired, names):
        return jar.request_body(desired, names, self.fields_by_name)

    def path(self, client, job_id=None):
        """The create's path, or with ``job_id`` the update's."""
        segments = ("streaming", self.segment) + (() if job_id is None else (job_id,))
        return client.project_path(*segments)

    def refusal(self, job_type):
        """Why a job of ``job_type`` is not this kind's, naming the module to use for it."""
        other = kind_of_job_type(job_type)
        return "it is a %s, not a %s: this module manages %ss only%s." % (
            job_type, " or a ".join(self.job_types), self.label,
            "; use %s for it" % other.module if other is not None else "")


JAR = JobKind("jar", "Flink Jar job", "hwcloud.dli.dli_flink_jar_job", (jar.JAR_JOB_TYPE,), jar.FIELDS, "flink-jobs",
              jar.rules_broken)
# Flink SQL jobs run on the same general-purpose queues as Jar jobs (a "sql" queue runs Spark SQL); their
# Flink versions are the queue's support_flink_sql_versions.
SQL = JobKind("sql", "Flink SQL job", "hwcloud.dli.dli_flink_sql_job", sql.SQL_JOB_TYPES, sql.FIELDS, "sql-jobs",
              sql.rules_broken, sql.params_problems, versions_key="support_flink_sql_versions",
              complete_in_list=False)  # sql_body and run_mode are in the detail only
KINDS = dict((kind.name, kind) for kind in (JAR, SQL))


def kind_of_job_type(job_type):
    """The kind a job of ``job_type`` (the detail's) is of, or None for a type no module manages."""
    for kind in KINDS.values():
        if job_type in kind.job_types:
            return kind
    return None


__all__ = ["JAR", "KINDS", "SQL", "JobKind", "kind_of_job_type"]
