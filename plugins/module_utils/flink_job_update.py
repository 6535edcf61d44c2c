# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Updating a Flink Jar job: read, compare, plan, and carry the plan out (or, in check mode, return it).

One plan serves both modes: ``FlinkJarJobUpdate.run`` reads the job, computes the ordered steps
(update in place, or stop / wait / update / start / wait), and returns them as ``actions``; only
a normal run executes them. A write whose answer was lost is judged by reading the job back.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.hwcloud.dli.plugins.module_utils.api import DliApiError
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_fields import (
    FIELDS_BY_NAME,
    JAR_JOB_TYPE,
    changed_fields,
    job_from_detail,
    request_body,
    rules_broken,
)

# A job in one of these is running: it takes only the in-place fields.
RUNNING_STATUSES = ("job_running", "job_submitting", "job_canceling", "job_savepointing")
STARTED_STATUSES = ("job_submitting", "job_running")
STOPPED_STATUSES = ("job_cancel_success", "job_init")
STOP_FAILED_STATUSES = ("job_cancel_fail",)
START_FAILED_STATUSES = ("job_submit_fail", "job_running_exception", "job_arrearage_stopped")
# How a missing job answers: DLI.16001 on HTTP 400 in practice; the others as documented.
NOT_FOUND_CODES = ("DLI.16001", "DLI.0002", "DLI.0023")
POLL_INTERVAL = 2


class JobUpdateError(Exception):
    """The update cannot or must not go on; nothing more is written."""

    def __init__(self, msg, **result):
        super(JobUpdateError, self).__init__(msg)
        self.msg = msg
        self.extra = result

    def __str__(self):
        return self.msg  # the message as it is now, with any context added after it was raised


class Step:
    """One step of a plan. ``kind``: stop | wait_stopped | update | start | wait_running."""

    def __init__(self, kind, names=(), savepoint=False, by_others=False):
        self.kind = kind
        self.names = list(names)
        self.savepoint = savepoint
        self.by_others = by_others  # wait_stopped: the stop was started by someone else

    def describe(self):
        if self.kind == "update":
            return "update %s" % ", ".join(self.names)
        if self.kind == "stop":
            return "stop with savepoint" if self.savepoint else "stop"
        if self.kind == "start":
            return "start from savepoint" if self.savepoint else "start"
        if self.kind == "wait_stopped":
            return "wait for the stop someone else started" if self.by_others else "wait until stopped"
        return "wait until running"


def plan_update(status, changes, allow_restart, savepoint, wait):
    """The ordered steps that bring a job in ``status`` to the options in ``changes``.

    A running job takes the in-place fields as they are; any other change stops it (with a
    savepoint if the job resumes from checkpoints), updates it and starts it again. A job that
    someone else is already stopping is waited for, updated, and left stopped, as they meant.
    Raises JobUpdateError when a restart is needed but not allowed.
    """
    if not changes:
        return []
    needs_restart = [name for name in changes if not FIELDS_BY_NAME[name].in_place]
    if status not in RUNNING_STATUSES or not needs_restart:
        return [Step("update", changes)]
    if status == "job_canceling":
        return [Step("wait_stopped", by_others=True), Step("update", changes)]
    if not allow_restart:
        raise JobUpdateError(
            "the job is %s, and a change of %s needs a restart (stop, update, start). Nothing was changed. "
            "Set allow_restart=true to let the module restart the job, or stop it first." % (
                status, ", ".join(needs_restart)))
    steps = [Step("stop", savepoint=savepoint), Step("wait_stopped"), Step("update", changes),
             Step("start", savepoint=savepoint)]
    if wait:
        steps.append(Step("wait_running"))
    return steps


class FlinkJarJobUpdate:
    def __init__(self, client, job_id, desired, allow_restart=False, wait=True, wait_timeout=600,
                 check_mode=False, sleep=None, clock=None):
        self.client = client
        self.job_id = job_id
        self.desired = desired
        self.allow_restart = allow_restart
        self.wait = wait
        self.wait_timeout = wait_timeout
        self.check_mode = check_mode
        # Looked up when the update is made, so that a test's fake clock reaches them.
        self.sleep = sleep or time.sleep
        self.clock = clock or time.monotonic
        self.wrote = False  # whether a write (update, stop, start) went through or may have: the task changed something
        self.done = []  # descriptions of the steps carried out, for a failure's result
        self.notes = []  # what the user should know although the task succeeded (warnings)
        self.stopped_by_us = False
        self.stop_savepoint = False

    # -- calls ---------------------------------------------------------------
    def get_detail(self):
        path = self.client.project_path("streaming", "jobs", self.job_id)
        try:
            answer = self.client.call("GET", path)
        except DliApiError as exc:
            # Only this lookup's own answer says the job is missing (not a failed login, say).
            if exc.path == path and (exc.status_code == 404 or exc.error_code in NOT_FOUND_CODES):
                raise JobUpdateError(
                    "not found in project %s (%s)." % (self.client.project_id, exc.msg),
                    status_code=exc.status_code, error_code=exc.error_code, request_id=exc.request_id)
            raise
        detail = answer.get("job_detail")
        if not isinstance(detail, dict):
            raise JobUpdateError("GET %s answered without a job_detail object." % path)
        return detail

    def read_back(self, after):
        """The job read again after a write whose answer was lost or refused; the read's own
        failure is reported together with what came before."""
        try:
            return self.get_detail()
        except (DliApiError, JobUpdateError) as exc:
            raise JobUpdateError("%s Reading the job back failed too: %s" % (after, exc.msg),
                                 status_code=getattr(exc, "status_code", None))

    def put(self, names):
        """Send the update of ``names``; after a lost answer, read the job back and send only
        what it does not hold yet. Returns the job's update_time."""
        path = self.client.project_path("streaming", "flink-jobs", self.job_id)
        for attempt in range(self.client.retry.max_retries + 1):
            try:
                answer = self.client.call("PUT", path, request_body(self.desired, names))
            except DliApiError as exc:
                if not exc.maybe_written:
                    raise
                self.wrote = True
                detail = self.read_back(exc.msg)
                left = changed_fields(job_from_detail(detail), dict((n, self.desired[n]) for n in names))
                if not left:
                    self.notes.append("%s The job read back holds the update." % exc.msg)
                    return detail.get("update_time")
                if attempt == self.client.retry.max_retries:
                    raise JobUpdateError("%s The job read back does not hold %s yet." % (exc.msg, ", ".join(left)),
                                         status=detail.get("status"))
                names = left
                continue
            self.wrote = True
            job = answer.get("job")
            if job is not None and not isinstance(job, dict):
                raise JobUpdateError("PUT %s answered with a job that is not an object." % path)
            return (job or {}).get("update_time")
        return None  # not reached: the loop returns or raises

    def stop(self, savepoint):
        path = self.client.project_path("streaming", "jobs", "stop")
        try:
            self.client.call("POST", path, {"job_ids": [self.job_id], "trigger_savepoint": savepoint}, expect=list)
        except DliApiError as exc:
            # Lost, or refused because the job is no longer running: judge by what the job holds.
            self.wrote = self.wrote or exc.maybe_written
            status = self.read_back(exc.msg).get("status")
            if status not in ("job_canceling",) + STOPPED_STATUSES:
                exc.msg += " The job is %s." % status
                raise
            self.wrote = True
            if not exc.maybe_written:  # refused: someone else stopped it, so it is left stopped as they meant
                self.notes.append("%s The job read back is %s: someone else stopped it, so it is updated and left "
                                  "stopped." % (exc.msg, status))
                self.stop_savepoint = savepoint
                return
            self.notes.append("%s The job read back is %s: the stop took effect." % (exc.msg, status))
        self.wrote = True
        self.stopped_by_us = True
        self.stop_savepoint = savepoint

    def start(self, savepoint, before="the job is stopped and updated"):
        path = self.client.project_path("streaming", "jobs", "run")
        try:
            self.client.call("POST", path, {"job_ids": [self.job_id], "resume_savepoint": savepoint}, expect=list)
        except DliApiError as exc:
            self.wrote = True  # the stop and the update before it went through
            status = self.read_back("%s. %s" % (before, exc.msg)).get("status")
            if status not in STARTED_STATUSES:
                raise JobUpdateError(
                    "%s, but it could not be started again: %s It is %s." % (before, exc.msg, status),
                    status=status, status_code=exc.status_code, error_code=exc.error_code, request_id=exc.request_id)
            self.notes.append("%s The job read back is %s: the start took effect." % (exc.msg, status))
        self.wrote = True

    def wait_for(self, wanted, failed, deadline, doing, by_others=False):
        """Poll the job until its status is in ``wanted``; fail on ``failed`` or at ``deadline``.

        A job seen stopping and then started again was started by someone else: waiting longer for
        its stop would only run into the deadline."""
        seen_stopping = by_others
        while True:
            detail = self.get_detail()
            status = detail.get("status")
            if status in wanted:
                return detail
            seen_stopping = seen_stopping or status == "job_canceling"
            if status in failed:
                raise JobUpdateError("the job %s: it is %s (%s)." % (
                    doing, status, detail.get("status_desc") or "no status description"), status=status)
            if wanted == STOPPED_STATUSES and seen_stopping and status in STARTED_STATUSES:
                raise JobUpdateError(
                    "the job was %s, and someone else started it again while this task waited for the stop: it is "
                    "%s. Nothing was updated; run the task again." % (
                        "being stopped by someone else" if by_others else "stopped by this task", status),
                    status=status)
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise JobUpdateError("the job %s: still %s after wait_timeout=%s seconds (%s)." % (
                    doing, status, self.wait_timeout, detail.get("status_desc") or "no status description"),
                    status=status)
            self.sleep(min(POLL_INTERVAL, remaining))

    # -- the update ------------------------------------------------------------
    def run(self):
        try:
            return self._run()
        except (JobUpdateError, DliApiError) as exc:
            exc.msg = "Flink job %s: %s" % (self.job_id, exc.msg)
            raise

    def _run(self):
        detail = self.get_detail()
        job_type = detail.get("job_type")
        if job_type != JAR_JOB_TYPE:
            raise JobUpdateError("it is a %s, not a %s: this module updates Flink Jar jobs only." % (
                job_type, JAR_JOB_TYPE))
        try:
            current = job_from_detail(detail)
        except (TypeError, ValueError) as exc:
            raise JobUpdateError("the job detail answer holds a value this module cannot read: %s" % exc)
        status = detail.get("status")
        update_time = detail.get("update_time")
        changes = changed_fields(current, self.desired)
        merged = dict(current)
        merged.update((name, self.desired[name]) for name in changes)
        problems = rules_broken(merged, changes) if changes else []
        if problems:
            raise JobUpdateError(" ".join(problems))
        plan = plan_update(status, changes, self.allow_restart, bool(merged.get("resume_checkpoint")), self.wait)
        if plan and not self.check_mode:
            status, update_time = self.execute(plan, status, update_time)
            plan = [step for step in plan if step.describe() in self.done]
        result = dict(changed=bool(plan), restarted=any(step.kind == "start" for step in plan),
                      actions=[step.describe() for step in plan])
        if changes:
            result["diff"] = dict(before=dict((name, current[name]) for name in changes),
                                  after=dict((name, merged[name]) for name in changes))
        merged.update(job_id=detail.get("job_id", self.job_id), status=status, update_time=update_time)
        result.update(update_time=update_time, job=merged)
        return result

    def execute(self, plan, status, update_time):
        """Carry the plan out, step by step; returns the job's (status, update_time) after it."""
        deadline = self.clock() + self.wait_timeout
        for step in plan:
            if step.kind in ("start", "wait_running") and not self.stopped_by_us:
                continue  # someone else stopped the job: it is not this task's to start
            if step.kind == "stop":
                self.stop(step.savepoint)
            elif step.kind == "wait_stopped":
                status = self.wait_for(STOPPED_STATUSES, STOP_FAILED_STATUSES, deadline, "did not stop",
                                       by_others=step.by_others).get("status")
            elif step.kind == "update":
                update_time = self.update(step.names)
            elif step.kind == "start":
                self.start(step.savepoint)
                status = "job_submitting"
            elif step.kind == "wait_running":
                detail = self.wait_for(("job_running",), START_FAILED_STATUSES, deadline,
                                       "was stopped and updated, but did not start again")
                status = detail.get("status")
            self.done.append(step.describe())
        return status, update_time

    def update(self, names):
        """The update step; a failure after this task stopped the job starts it again unchanged,
        so that a stream is never left stopped because its update failed."""
        try:
            return self.put(names)
        except (DliApiError, JobUpdateError) as exc:
            if not self.stopped_by_us:
                raise
            try:
                self.start(self.stop_savepoint, before="the job had been stopped for the update, which failed")
                exc.msg += " The job had been stopped for the update and was started again unchanged."
            except (DliApiError, JobUpdateError) as start_exc:
                exc.msg += " The job had been stopped for the update and could not be started again: %s" % (
                    getattr(start_exc, "msg", start_exc))
            raise exc
