# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The plan: from a job's status, the changes and the task's options to the ordered steps, without I/O.

Free of any one job kind: which fields a running job takes in place is the caller's to say (from its
field table), so that Flink Jar and Flink SQL jobs share the plan, the executor and its waits.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_read import JobError

# A job in one of these is running: it takes only the in-place fields, and must be stopped to be deleted.
RUNNING_STATUSES = ("job_running", "job_submitting", "job_canceling", "job_savepointing")
STARTED_STATUSES = ("job_submitting", "job_running")
STOPPED_STATUSES = ("job_cancel_success", "job_init")
STOP_FAILED_STATUSES = ("job_cancel_fail",)
START_FAILED_STATUSES = ("job_submit_fail", "job_running_exception", "job_arrearage_stopped")
# A job that never ran has no savepoint to resume from.
NEVER_RAN_STATUSES = ("job_init",)


class Step:
    """One step of a plan, and its line in ``actions``.

    ``kind``: create | stop | wait_stopped | update | import_savepoint | start | delete. ``stop`` and
    ``start`` wait for the job to stop (or start) when ``wait`` is true. ``unless_stopped_by_others``: a
    start that is skipped when someone else stopped the job before this task's stop (then it is left
    stopped). ``path``: the savepoint an import_savepoint step imports."""

    def __init__(self, kind, names=(), savepoint=False, wait=True, unless_stopped_by_others=False, path=None):
        self.kind = kind
        self.names = list(names)
        self.savepoint = savepoint
        self.wait = wait
        self.unless_stopped_by_others = unless_stopped_by_others
        self.path = path

    def describe(self):
        if self.kind == "import_savepoint":
            return "import savepoint %s" % self.path
        if self.kind == "update":
            return "update %s" % ", ".join(self.names)
        if self.kind == "stop":
            return "stop with savepoint" if self.savepoint else "stop"
        if self.kind == "start":
            return "start from savepoint" if self.savepoint else "start"
        if self.kind == "wait_stopped":
            return "wait for the stop someone else started"
        return self.kind  # create, delete


def plan_steps(status, changes, state="present", allow_restart=False, upgrade_mode="savepoint", wait=True,
               savepoint_path=None, in_place=(), update_only=()):
    """Like ``plain_steps``; with ``savepoint_path``, every start the plan makes is preceded by the import
    of that savepoint and resumes from it."""
    steps = plain_steps(status, changes, state, allow_restart, upgrade_mode, wait, in_place, update_only)
    if not savepoint_path:
        return steps
    planned = []
    for step in steps:
        if step.kind == "start":
            planned.append(Step("import_savepoint", path=savepoint_path,
                                unless_stopped_by_others=step.unless_stopped_by_others))
            step.savepoint = True
        planned.append(step)
    return planned


def plain_steps(status, changes, state="present", allow_restart=False, upgrade_mode="savepoint", wait=True,
                in_place=(), update_only=()):
    """The ordered steps that bring a job in ``status`` (None: it does not exist) to the declared
    ``changes`` and ``state``.

    ``present`` leaves the run state as it is: a running job takes the in-place fields as they are,
    and any other change stops it (with a savepoint in ``savepoint`` mode), updates it and starts it
    again, if ``allow_restart``. ``started``/``stopped`` also converge the run state; ``absent``
    stops a running job and deletes it. A job someone else is stopping is waited for. Raises
    JobError when a restart is needed but not allowed. ``in_place``: the fields a running job takes as
    they are (the job kind's field table says which); ``update_only``: the fields its create does not
    take, set by an update right after the create.
    """
    savepoint = upgrade_mode == "savepoint"
    if status is None:
        if state == "absent":
            return []
        steps = [Step("create", [name for name in changes if name not in update_only])]
        if any(name in update_only for name in changes):
            steps.append(Step("update", [name for name in changes if name in update_only]))
        if state == "started":
            steps.append(Step("start", wait=wait))  # a new job has no savepoint
        return steps
    if state == "absent":
        if status == "job_canceling":
            return [Step("wait_stopped"), Step("delete")]
        if status in RUNNING_STATUSES:
            return [Step("stop", savepoint=savepoint), Step("delete")]
        return [Step("delete")]

    needs_restart = [name for name in changes if name not in in_place]
    running = status in RUNNING_STATUSES
    steps = []
    if status == "job_canceling" and (state != "present" or needs_restart):
        steps.append(Step("wait_stopped"))
        running = False
    elif running and state == "stopped":
        # The update after it needs the job stopped; a bare stop is waited for only with wait.
        steps.append(Step("stop", savepoint=savepoint, wait=wait or bool(changes)))
        running = False
    elif running and needs_restart:
        if not allow_restart:
            raise JobError(
                "the job is %s, and a change of %s needs a restart (stop, update, start). Nothing was changed. "
                "Set allow_restart=true to let the module restart the job, or stop it first." % (
                    status, ", ".join(needs_restart)))
        return [Step("stop", savepoint=savepoint), Step("update", changes),
                Step("start", savepoint=savepoint, wait=wait, unless_stopped_by_others=state == "present")]
    if changes:
        steps.append(Step("update", changes))
    if state == "started" and not running:
        steps.append(Step("start", savepoint=savepoint and status not in NEVER_RAN_STATUSES, wait=wait))
    return steps


def predicted_status(status, plan):
    """The job's status once ``plan`` is carried out (for check mode)."""
    for step in plan:
        if step.kind == "create":
            status = "job_init"
        elif step.kind in ("stop", "wait_stopped"):
            status = "job_cancel_success"
        elif step.kind == "start":
            status = "job_running" if step.wait else "job_submitting"
        elif step.kind == "import_savepoint":
            continue
        elif step.kind == "delete":
            status = None
    return status


__all__ = ["NEVER_RAN_STATUSES", "RUNNING_STATUSES", "STARTED_STATUSES", "START_FAILED_STATUSES",
           "STOPPED_STATUSES", "STOP_FAILED_STATUSES", "Step", "plain_steps", "plan_steps", "predicted_status"]
