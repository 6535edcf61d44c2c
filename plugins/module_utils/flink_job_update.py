# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Updating a Flink Jar job: read, compare, write only what changed, restart only when allowed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.hwcloud.dli.plugins.module_utils.api import DliApiError
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_fields import (
    FIELDS_BY_NAME,
    JAR_JOB_TYPE,
    changed_fields,
    job_from_detail,
    merged_problems,
    request_body,
)

# A job in one of these is running: it takes only the "hot" fields in place.
RUNNING_STATUSES = ("job_running", "job_submitting", "job_canceling", "job_savepointing")
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


class FlinkJarJobUpdate:
    def __init__(self, client, job_id, desired, allow_restart=False, wait=True, wait_timeout=600,
                 check_mode=False, sleep=time.sleep, clock=time.monotonic):
        self.client = client
        self.job_id = job_id
        self.desired = desired
        self.allow_restart = allow_restart
        self.wait = wait
        self.wait_timeout = wait_timeout
        self.check_mode = check_mode
        self.sleep = sleep
        self.clock = clock
        self.wrote = False  # whether a write (update, stop, start) went through: then the task changed something

    # -- calls ---------------------------------------------------------------
    def get_detail(self):
        path = self.client.project_path("streaming", "jobs", self.job_id)
        try:
            answer = self.client.call("GET", path)
        except DliApiError as exc:
            if exc.status_code == 404 or exc.error_code in NOT_FOUND_CODES:
                raise JobUpdateError(
                    "Flink job %s was not found in project %s (%s)." % (self.job_id, self.client.project_id, exc.msg),
                    status_code=exc.status_code, error_code=exc.error_code, request_id=exc.request_id)
            raise
        detail = (answer or {}).get("job_detail")
        if not isinstance(detail, dict):
            raise JobUpdateError("GET %s answered without a job_detail object." % path)
        return detail

    def put(self, body):
        path = self.client.project_path("streaming", "flink-jobs", self.job_id)
        answer = self.client.call("PUT", path, body)
        self.wrote = True
        return ((answer or {}).get("job") or {}).get("update_time")

    def stop(self, trigger_savepoint):
        self.client.call("POST", self.client.project_path("streaming", "jobs", "stop"),
                         {"job_ids": [self.job_id], "trigger_savepoint": trigger_savepoint})
        self.wrote = True

    def start(self, resume_savepoint):
        self.client.call("POST", self.client.project_path("streaming", "jobs", "run"),
                         {"job_ids": [self.job_id], "resume_savepoint": resume_savepoint})
        self.wrote = True

    def wait_for(self, wanted, failed, deadline, doing):
        """Poll the job until its status is in ``wanted``; fail on ``failed`` or at ``deadline``."""
        while True:
            detail = self.get_detail()
            status = detail.get("status")
            if status in wanted:
                return detail
            if status in failed:
                raise JobUpdateError("Flink job %s %s: it is %s (%s)." % (
                    self.job_id, doing, status, detail.get("status_desc") or "no status description"),
                    status=status)
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise JobUpdateError("Flink job %s %s: still %s after wait_timeout=%s seconds (%s)." % (
                    self.job_id, doing, status, self.wait_timeout, detail.get("status_desc") or "no status description"),
                    status=status)
            self.sleep(min(POLL_INTERVAL, remaining))

    # -- the update ------------------------------------------------------------
    def run(self):
        detail = self.get_detail()
        job_type = detail.get("job_type")
        if job_type != JAR_JOB_TYPE:
            raise JobUpdateError("Flink job %s is a %s, not a %s: this module updates Flink Jar jobs only." % (
                self.job_id, job_type, JAR_JOB_TYPE))
        try:
            current = job_from_detail(detail)
        except (TypeError, ValueError) as exc:
            raise JobUpdateError("Flink job %s: the job detail answer holds a value this module cannot read: %s" % (
                self.job_id, exc))
        status = detail.get("status")
        update_time = detail.get("update_time")
        changes = changed_fields(current, self.desired)
        merged = dict(current)
        merged.update((name, self.desired[name]) for name in changes)
        result = dict(changed=bool(changes), restarted=False)

        if changes:
            problems = merged_problems(merged, changes)
            if problems:
                raise JobUpdateError(" ".join(problems))
            cold = [name for name in changes if not FIELDS_BY_NAME[name].hot]
            restart = status in RUNNING_STATUSES and bool(cold)
            if restart and not self.allow_restart:
                raise JobUpdateError(
                    "Flink job %s is %s, and a change of %s needs a restart (stop, update, start). Nothing was "
                    "changed. Set allow_restart=true to let the module restart the job, or stop it first." % (
                        self.job_id, status, ", ".join(cold)))
            if not self.check_mode:
                body = request_body(self.desired, changes)
                if restart:
                    status, update_time = self.restart_with(body, merged, status)
                else:
                    update_time = self.put(body)
            result["restarted"] = restart
            result["diff"] = dict(before=dict((name, current[name]) for name in changes),
                                  after=dict((name, merged[name]) for name in changes))

        merged.update(job_id=detail.get("job_id", self.job_id), status=status, update_time=update_time)
        result.update(update_time=update_time, job=merged)
        return result

    def restart_with(self, body, merged, status):
        """Stop (with a savepoint if the job resumes from checkpoints), update, start."""
        deadline = self.clock() + self.wait_timeout
        savepoint = bool(merged.get("resume_checkpoint"))
        if status != "job_canceling":  # already stopping: stopping it again would be refused
            self.stop(savepoint)
        self.wait_for(STOPPED_STATUSES, STOP_FAILED_STATUSES, deadline, "did not stop")
        try:
            update_time = self.put(body)
        except DliApiError as exc:
            # Never leave a stream stopped because its update failed: start it as it was.
            try:
                self.start(savepoint)
                exc.msg += " The job had been stopped for the update and was started again unchanged."
            except DliApiError as start_exc:
                exc.msg += " The job had been stopped for the update and could not be started again: %s" % start_exc.msg
            raise exc
        self.start(savepoint)
        if not self.wait:
            return "job_submitting", update_time
        detail = self.wait_for(("job_running",), START_FAILED_STATUSES, deadline, "did not start again")
        return detail.get("status"), update_time
