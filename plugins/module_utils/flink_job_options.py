# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One job's options, whatever its kind: the argument spec (the kind's fields, what identifies the job, and how
it is brought to them) and the checks made on them before any request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_fields import integer_problem, tags_from_params
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_kind import JAR

STATES = ("present", "started", "stopped", "absent")
UPGRADE_MODES = ("savepoint", "stateless")
# The longest wait_timeout: a day is longer than any stop or start takes, and far below what overflows a clock.
MAX_WAIT_TIMEOUT = 86400
# savepoint_path: an OBS path, obs://bucket/path (what the import call takes).
OBS_PATH = re.compile(r"^obs://[^/\s]+/\S+$")


def job_options_spec(kind=JAR):
    """The argument spec of one job's options (everything but the connection): the job kind's fields, what
    identifies it, and how it is brought to them. Shared by the module of the kind and each job of
    dli_flink_jar_jobs."""
    spec = kind.argument_spec()
    spec.update(
        job_id=dict(type="int"),
        state=dict(type="str", default="present", choices=list(STATES)),
        upgrade_mode=dict(type="str", default="savepoint", choices=list(UPGRADE_MODES)),
        purge_runtime_config=dict(type="bool", default=True),
        tags=dict(type="dict"),
        allow_restart=dict(type="bool", default=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
        stable_seconds=dict(type="int", default=0),
        rollback=dict(type="bool", default=True),
        savepoint_path=dict(type="str"),
        # What a returned job holds besides the options; accepted so that it can be given back.
        status=dict(type="raw"),
        update_time=dict(type="raw"),
    )
    return spec


def checked_job_options(params, kind=JAR):
    """(desired fields, tags) from one job's validated options; ValueError naming every problem,
    before any request is made."""
    if params.get("job_id") is None and not params.get("name"):  # also when given as null
        raise ValueError("one of the following is required: job_id, name")
    problems = [problem for problem in (
        integer_problem("job_id", params.get("job_id")),
        integer_problem("wait_timeout", params["wait_timeout"], 0, MAX_WAIT_TIMEOUT, " seconds"),
        integer_problem("stable_seconds", params.get("stable_seconds"), 0, MAX_WAIT_TIMEOUT, " seconds"),
    ) if problem]
    savepoint_path = params.get("savepoint_path")
    if savepoint_path is not None and not OBS_PATH.match(savepoint_path):
        problems.append("savepoint_path must be an OBS path of the form obs://bucket/path, not %r." % savepoint_path)
    stable_seconds = params.get("stable_seconds") or 0
    if not problems and stable_seconds and not params["wait"]:
        problems.append("stable_seconds=%s needs wait=true: the stable window is waited for." % stable_seconds)
    if not problems and stable_seconds and stable_seconds >= params["wait_timeout"]:
        problems.append("stable_seconds=%s must be less than wait_timeout=%s: the start and its stable window are "
                        "waited for within wait_timeout." % (stable_seconds, params["wait_timeout"]))
    if problems:
        raise ValueError(" ".join(problems))
    desired = kind.desired_from_params(params)
    tags = tags_from_params(params.get("tags"))
    if (params["allow_restart"] or params["state"] in ("started", "stopped", "absent")) and params["wait_timeout"] < 1:
        raise ValueError("%s needs a wait_timeout of at least 1 second: the job's stops and starts are waited "
                         "for." % ("allow_restart=true" if params["allow_restart"] else "state=%s" % params["state"]))
    return desired, tags
