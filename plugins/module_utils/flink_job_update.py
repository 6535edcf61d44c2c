# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bringing a Flink Jar job to what a task declares: its fields, and with ``state`` whether it
exists and runs. Read, compare, plan, and carry the plan out (or, in check mode, return it).

One plan serves both modes: ``FlinkJarJobUpdate.run`` reads the job, computes the ordered steps
(create, stop, update, start, delete, each with its own wait), and returns them as ``actions``;
only a normal run executes them. A write whose answer was lost is judged by reading the job back.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.hwcloud.dli.plugins.module_utils.api import ConfigError, DliApiError
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_fields import (
    FIELDS,
    FIELDS_BY_NAME,
    JAR_JOB_TYPE,
    argument_spec as fields_argument_spec,
    changed_fields,
    desired_for_job,
    desired_from_params,
    integer_problem,
    job_from_detail,
    request_body,
    rules_broken,
    tags_from_params,
)
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_read import (
    READ_ONLY_KEYS,
    JobError,
    JobNotFound,
    find_by_name,
    get_detail,
    job_id_by_name,
    job_shape,
)

# A job in one of these is running: it takes only the in-place fields, and must be stopped to be deleted.
RUNNING_STATUSES = ("job_running", "job_submitting", "job_canceling", "job_savepointing")
STARTED_STATUSES = ("job_submitting", "job_running")
STOPPED_STATUSES = ("job_cancel_success", "job_init")
STOP_FAILED_STATUSES = ("job_cancel_fail",)
START_FAILED_STATUSES = ("job_submit_fail", "job_running_exception", "job_arrearage_stopped")
# A job that never ran has no savepoint to resume from.
NEVER_RAN_STATUSES = ("job_init",)
STATES = ("present", "started", "stopped", "absent")
UPGRADE_MODES = ("savepoint", "stateless")
# Seconds between reads of a job being stopped or started: soon at first (a stop often takes a
# second or two), then every POLL_INTERVAL.
FIRST_POLLS = (0.5, 1)
POLL_INTERVAL = 2
# A create answered with these has been finished with by the service: what it made is listed at once. (A 502 or
# 504 is a gateway's lost answer: the create may still be in progress.)
ANSWERED_FAILURES = (500, 503)
# The longest wait_timeout: a day is longer than any stop or start takes, and far below what overflows a clock.
MAX_WAIT_TIMEOUT = 86400

JobUpdateError = JobError  # the name the update flow's callers and tests know it by
NOT_READ = object()  # FlinkJarJobUpdate's detail when the job is still to be read


def job_options_spec():
    """The argument spec of one job's options (everything but the connection): the job's fields, what
    identifies it, and how it is brought to them. Shared by dli_flink_jar_job and each job of
    dli_flink_jar_jobs."""
    spec = fields_argument_spec()
    spec.update(
        job_id=dict(type="int"),
        state=dict(type="str", default="present", choices=list(STATES)),
        upgrade_mode=dict(type="str", default="savepoint", choices=list(UPGRADE_MODES)),
        purge_runtime_config=dict(type="bool", default=True),
        tags=dict(type="dict"),
        allow_restart=dict(type="bool", default=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
        # What a returned job holds besides the options; accepted so that it can be given back.
        status=dict(type="raw"),
        update_time=dict(type="raw"),
    )
    return spec


def checked_job_options(params):
    """(desired fields, tags) from one job's validated options; ValueError naming every problem,
    before any request is made."""
    if params.get("job_id") is None and not params.get("name"):  # also when given as null
        raise ValueError("one of the following is required: job_id, name")
    problems = [problem for problem in (
        integer_problem("job_id", params.get("job_id")),
        integer_problem("wait_timeout", params["wait_timeout"], 0, MAX_WAIT_TIMEOUT, " seconds"),
    ) if problem]
    if problems:
        raise ValueError(" ".join(problems))
    desired = desired_from_params(params)
    tags = tags_from_params(params.get("tags"))
    if (params["allow_restart"] or params["state"] in ("started", "stopped", "absent")) and params["wait_timeout"] < 1:
        raise ValueError("%s needs a wait_timeout of at least 1 second: the job's stops and starts are waited "
                         "for." % ("allow_restart=true" if params["allow_restart"] else "state=%s" % params["state"]))
    return desired, tags


def job_update_from_params(client, params, check_mode=False, detail=NOT_READ, checked=None, interrupted=None):
    """The FlinkJarJobUpdate of one job's options; ``checked``: what checked_job_options gave for them;
    ``interrupted``: see FlinkJarJobUpdate."""
    desired, tags = checked if checked is not None else checked_job_options(params)
    return FlinkJarJobUpdate(
        client, params["job_id"], desired, allow_restart=params["allow_restart"], wait=params["wait"],
        wait_timeout=params["wait_timeout"], check_mode=check_mode, state=params["state"],
        upgrade_mode=params["upgrade_mode"], purge_runtime_config=params["purge_runtime_config"], tags=tags,
        detail=detail, interrupted=interrupted)


class Step:
    """One step of a plan, and its line in ``actions``.

    ``kind``: create | stop | wait_stopped | update | start | delete. ``stop`` and ``start`` wait
    for the job to stop (or start) when ``wait`` is true. ``unless_stopped_by_others``: a start that
    is skipped when someone else stopped the job before this task's stop (then it is left stopped)."""

    def __init__(self, kind, names=(), savepoint=False, wait=True, unless_stopped_by_others=False):
        self.kind = kind
        self.names = list(names)
        self.savepoint = savepoint
        self.wait = wait
        self.unless_stopped_by_others = unless_stopped_by_others

    def describe(self):
        if self.kind == "update":
            return "update %s" % ", ".join(self.names)
        if self.kind == "stop":
            return "stop with savepoint" if self.savepoint else "stop"
        if self.kind == "start":
            return "start from savepoint" if self.savepoint else "start"
        if self.kind == "wait_stopped":
            return "wait for the stop someone else started"
        return self.kind  # create, delete


def plan_steps(status, changes, state="present", allow_restart=False, upgrade_mode="savepoint", wait=True):
    """The ordered steps that bring a job in ``status`` (None: it does not exist) to the declared
    ``changes`` and ``state``.

    ``present`` leaves the run state as it is: a running job takes the in-place fields as they are,
    and any other change stops it (with a savepoint in ``savepoint`` mode), updates it and starts it
    again, if ``allow_restart``. ``started``/``stopped`` also converge the run state; ``absent``
    stops a running job and deletes it. A job someone else is stopping is waited for. Raises
    JobError when a restart is needed but not allowed.
    """
    savepoint = upgrade_mode == "savepoint"
    if status is None:
        if state == "absent":
            return []
        steps = [Step("create", changes)]
        if state == "started":
            steps.append(Step("start", wait=wait))  # a new job has no savepoint
        return steps
    if state == "absent":
        if status == "job_canceling":
            return [Step("wait_stopped"), Step("delete")]
        if status in RUNNING_STATUSES:
            return [Step("stop", savepoint=savepoint), Step("delete")]
        return [Step("delete")]

    needs_restart = [name for name in changes if not FIELDS_BY_NAME[name].in_place]
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


def plan_update(status, changes, allow_restart, savepoint, wait):
    """``plan_steps`` for ``state=present``, with the savepoint choice as a flag."""
    return plan_steps(status, changes, "present", allow_restart, "savepoint" if savepoint else "stateless", wait)


def predicted_status(status, plan):
    """The job's status once ``plan`` is carried out (for check mode)."""
    for step in plan:
        if step.kind == "create":
            status = "job_init"
        elif step.kind in ("stop", "wait_stopped"):
            status = "job_cancel_success"
        elif step.kind == "start":
            status = "job_running" if step.wait else "job_submitting"
        elif step.kind == "delete":
            status = None
    return status


class FlinkJarJobUpdate:
    """One task's work on one job: ``run`` returns the task's result, or raises JobError/DliApiError.

    ``interrupted``: a callable that names the signal the process received (None if none); a plan is
    not begun after one, and one begun is carried through (see deferred_signals.py)."""

    def __init__(self, client, job_id, desired, allow_restart=False, wait=True, wait_timeout=600,
                 check_mode=False, sleep=None, clock=None, state="present", upgrade_mode="savepoint",
                 purge_runtime_config=True, tags=None, detail=NOT_READ, interrupted=None):
        self.client = client
        self.job_id = job_id
        self.desired = desired
        self.allow_restart = allow_restart
        self.wait = wait
        self.wait_timeout = wait_timeout
        self.check_mode = check_mode
        self.state = state
        self.upgrade_mode = upgrade_mode
        self.purge_runtime_config = purge_runtime_config
        self.tags = tags
        # Looked up when the update is made, so that a test's fake clock reaches them.
        self.sleep = sleep or time.sleep
        self.clock = clock or time.monotonic
        self.wrote = False  # whether a write went through or may have: the task changed something
        self.done = []  # the writes that took effect or may have (and the waits), in order: ``actions``
        self.notes = []  # what the user should know although the task succeeded (warnings)
        self.stopped_by_us = False
        self.start_pending = False  # the plan starts the job again after this task's stop, not sent yet
        self.interrupted = interrupted or (lambda: None)
        self.deadline = None
        self.created = None  # the detail of the job this task created: what the service filled in
        self.detail = detail  # the job as read already (None: it does not exist), or NOT_READ

    @property
    def label(self):
        return self.job_id if self.job_id is not None else repr(self.desired.get("name"))

    # -- calls ---------------------------------------------------------------
    def get_detail(self):
        return get_detail(self.client, self.job_id)

    def sent(self, action):
        """Record a write that took effect or may have: ``actions`` lists it, whatever fails after it."""
        self.wrote = True
        if action not in self.done:
            self.done.append(action)

    def read_back(self, after):
        """The job read again after a write whose answer was lost or refused; the read's own
        failure is reported together with what came before."""
        try:
            return self.get_detail()
        except (DliApiError, JobError) as exc:
            raise JobError("%s Reading the job back failed too: %s" % (after, exc.msg),
                           status_code=getattr(exc, "status_code", None))

    def put(self, names):
        """Send the update of ``names``; after a lost answer, read the job back and send only
        what it does not hold yet. Returns the job's update_time."""
        path = self.client.project_path("streaming", "flink-jobs", self.job_id)
        action = Step("update", names).describe()
        for attempt in range(self.client.retry.max_retries + 1):
            try:
                answer = self.client.call("PUT", path, request_body(self.desired, names))
            except DliApiError as exc:
                if not exc.maybe_written:
                    raise
                self.sent(action)
                detail = self.read_back(exc.msg)
                left = changed_fields(read_job(detail), dict((n, self.desired[n]) for n in names))
                if not left:
                    self.notes.append("%s The job read back holds the update." % exc.msg)
                    return detail.get("update_time")
                if attempt == self.client.retry.max_retries:
                    raise JobError("%s The job read back does not hold %s yet." % (exc.msg, ", ".join(left)),
                                   status=detail.get("status"))
                names = left
                continue
            self.sent(action)
            job = answer.get("job")
            if job is not None and not isinstance(job, dict):
                raise JobError("PUT %s answered with a job that is not an object." % path)
            return (job or {}).get("update_time")
        return None  # not reached: the loop returns or raises

    def create(self, names):
        """Create the job with the fields set; returns its id. It is never sent again blindly: after an answer
        that was lost (it may still be in progress), the job is looked for by name until it is listed or
        wait_timeout runs out; after an HTTP 500 or 503 (the service has finished with it), the jobs of that name
        are read at once, and only when none is there is the create sent again, as the retry policy allows."""
        path = self.client.project_path("streaming", "flink-jobs")
        body = request_body(self.desired, names)
        if self.tags:
            body["tags"] = [{"key": key, "value": value} for key, value in sorted(self.tags.items())]
        name = self.desired["name"]
        retry = getattr(self.client, "retry", None)
        tries_left = getattr(retry, "max_retries", 0)
        while True:
            try:
                answer = self.client.call("POST", path, body, idempotent=False)
            except DliApiError as exc:
                if not exc.maybe_written:
                    raise
                self.sent("create")
                if exc.status_code not in ANSWERED_FAILURES:
                    return self.created_job_id(name, exc.msg)
                found = self.jobs_named(name, exc.msg)
                if found is not None:
                    return found
                if tries_left <= 0:
                    raise JobError("%s No job named %r is listed: the create did not take effect; running the task "
                                   "again creates it." % (exc.msg, name))
                self.notes.append("%s No job named %r is listed: the create was sent again." % (exc.msg, name))
                self.sleep(retry.backoff(getattr(retry, "max_retries", 0) - tries_left))
                tries_left -= 1
                continue
            self.sent("create")
            job_id = (answer.get("job") or {}).get("job_id") if isinstance(answer.get("job"), dict) else None
            if job_id is None:
                return self.created_job_id(name, "POST %s answered without job.job_id: the job may have been "
                                                 "created." % path)
            return job_id

    def jobs_named(self, name, after):
        """The id of the one job of that name after a create that may have made it; None when there is none."""
        try:
            found = find_by_name(self.client, name)
        except (DliApiError, JobError) as read_exc:
            raise JobError("%s Looking the job up by name failed too: %s A job named %r may exist: look for it "
                           "before running the task again." % (after, read_exc.msg, name))
        if len(found) > 1:
            raise JobError("%s %s jobs named %r exist now (ids %s): delete the extra ones, or give job_id to say "
                           "which one this task manages." % (after, len(found), name, ", ".join(
                               str(job.get("job_id")) for job in found)))
        if found:
            self.notes.append("%s A job named %r exists now (id %s): the create took effect." % (
                after, name, found[0].get("job_id")))
            return found[0].get("job_id")
        return None

    def created_job_id(self, name, after):
        """The id of the job a create whose answer was lost made: the job of that name, looked for until it
        appears or wait_timeout runs out (a slow create is listed late), so that a run again never makes a
        second one."""
        deadline = self.clock() + self.wait_timeout
        polls = 0
        while True:
            found = self.jobs_named(name, after)
            if found is not None:
                return found
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise JobError("%s No job named %r was listed within wait_timeout=%s seconds: the create did not take "
                               "effect; running the task again creates it." % (after, name, self.wait_timeout))
            self.sleep(min(FIRST_POLLS[polls] if polls < len(FIRST_POLLS) else POLL_INTERVAL, remaining))
            polls += 1

    def delete(self):
        path = self.client.project_path("streaming", "jobs", self.job_id)
        try:
            self.client.call("DELETE", path)
        except DliApiError as exc:
            if not exc.maybe_written:
                raise
            self.sent("delete")
            try:
                detail = get_detail(self.client, self.job_id)
            except JobNotFound:
                detail = None
            if detail is not None:
                exc.msg += " The job read back still exists (%s)." % detail.get("status")
                raise
            self.notes.append("%s The job read back is gone: the delete took effect." % exc.msg)
        self.sent("delete")

    def stop(self, savepoint):
        """Send the stop. Returns False when someone else had stopped the job already."""
        path = self.client.project_path("streaming", "jobs", "stop")
        action = Step("stop", savepoint=savepoint).describe()
        try:
            self.client.call("POST", path, {"job_ids": [self.job_id], "trigger_savepoint": savepoint}, expect=list)
        except DliApiError as exc:
            # Lost, or refused because the job is no longer running: judge by what the job holds.
            if exc.maybe_written:
                self.sent(action)
            status = self.read_back(exc.msg).get("status")
            if status not in ("job_canceling",) + STOPPED_STATUSES:
                if savepoint and not exc.maybe_written:
                    raise JobError(
                        "the stop with savepoint was refused: %s The job keeps running (%s); nothing was changed. "
                        "A job is never stopped without its savepoint unless upgrade_mode=stateless." % (
                            exc.msg, status), status=status, status_code=exc.status_code,
                        error_code=exc.error_code, request_id=exc.request_id)
                exc.msg += " The job is %s." % status
                raise
            self.sent(action)
            if not exc.maybe_written:
                self.notes.append("%s The job read back is %s: someone else stopped it." % (exc.msg, status))
                return False
            self.notes.append("%s The job read back is %s: the stop took effect." % (exc.msg, status))
        self.sent(action)
        self.stopped_by_us = True
        return True

    def start(self, savepoint, before=None):
        path = self.client.project_path("streaming", "jobs", "run")
        action = Step("start", savepoint=savepoint).describe()
        try:
            self.client.call("POST", path, {"job_ids": [self.job_id], "resume_savepoint": savepoint}, expect=list)
        except DliApiError as exc:
            if exc.maybe_written:
                self.sent(action)
                self.start_pending = False
            status = self.read_back("%s%s" % ("%s. " % before if before else "", exc.msg)).get("status")
            if status not in STARTED_STATUSES:
                raise JobError(
                    "%s: %s It is %s." % ("%s, but it could not be started again" % before if before
                                          else "the job could not be started", exc.msg, status),
                    status=status, status_code=exc.status_code, error_code=exc.error_code, request_id=exc.request_id)
            self.notes.append("%s The job read back is %s: the start took effect." % (exc.msg, status))
        self.sent(action)
        self.start_pending = False

    def wait_for(self, wanted, failed, doing, stop_savepoint=None, seen_stopping=False):
        """Poll the job until its status is in ``wanted``; fail on ``failed`` or at the deadline.

        A job seen stopping and then running again did not stop: its savepoint failed (a stop with
        savepoint that fails leaves the job running), or someone else started it again."""
        polls = 0
        while True:
            detail = self.get_detail()
            status = detail.get("status")
            if status in wanted:
                return detail
            seen_stopping = seen_stopping or status == "job_canceling"
            desc = detail.get("status_desc") or "no status description"
            if status in failed:
                raise JobError("the job %s: it is %s (%s)." % (doing, status, desc), status=status)
            # A job may still read as running just after it took the stop: only canceling, then running, is a
            # failed savepoint (a stop with savepoint that fails leaves the job running) or a start by someone else.
            if wanted == STOPPED_STATUSES and seen_stopping and status in STARTED_STATUSES:
                self.stopped_by_us = False  # the stop did not take: the job runs
                raise JobError("the job %s, and is %s again (%s)%s. Nothing else was changed." % (
                    doing, status, desc, ": its savepoint failed - a job is never stopped without its savepoint "
                    "unless upgrade_mode=stateless - or someone else started it again"
                    if stop_savepoint else ": someone else started it again"), status=status)
            remaining = self.deadline - self.clock()
            if remaining <= 0:
                raise JobError("the job %s: still %s after wait_timeout=%s seconds (%s)." % (
                    doing, status, self.wait_timeout, desc), status=status)
            self.sleep(min(FIRST_POLLS[polls] if polls < len(FIRST_POLLS) else POLL_INTERVAL, remaining))
            polls += 1

    # -- the run ---------------------------------------------------------------
    def run(self):
        try:
            return self._run()
        except (JobError, DliApiError) as exc:
            if self.stopped_by_us and self.start_pending:
                # A restart cut short (a wait_timeout run out, a failed read): the stream must not stay down unseen.
                exc.msg += (" This task stopped the job, and it is (or will be) stopped: it was not started again. "
                            "Run the task with state: started to bring it back.")
            exc.msg = "Flink job %s: %s" % (self.label, exc.msg)
            raise

    def find(self):
        """The job's detail, or None when it does not exist (and may be created)."""
        if self.detail is not NOT_READ:
            return self.detail
        if self.job_id is None:
            self.job_id = job_id_by_name(self.client, self.desired["name"])
            if self.job_id is None:
                return None
        try:
            return get_detail(self.client, self.job_id)
        except JobNotFound as exc:
            if self.state == "absent":
                return None
            exc.msg += " A job is created only from a name, without job_id."
            raise

    def _run(self):
        detail = self.find()
        if detail is None:
            current, status, update_time = {}, None, None
        else:
            job_type = detail.get("job_type")
            if job_type != JAR_JOB_TYPE:
                raise JobError("it is a %s, not a %s: this module manages Flink Jar jobs only." % (
                    job_type, JAR_JOB_TYPE))
            current = read_job(detail)
            status, update_time = detail.get("status"), detail.get("update_time")
        if self.state == "absent":
            changes = []
        else:
            self.desired = desired_for_job(current, self.desired, self.purge_runtime_config)
            changes = changed_fields(current, self.desired)
        merged = dict(current)
        merged.update((name, self.desired[name]) for name in changes)
        if detail is None and self.state != "absent":
            merged = dict((field.name, self.desired.get(field.name)) for field in FIELDS)
        problems = rules_broken(merged, None if detail is None else changes) if changes else []
        if problems:
            raise JobError(" ".join(problems))
        plan = plan_steps(status, changes, self.state, self.allow_restart, self.upgrade_mode, self.wait)
        before_status = status
        if plan and not self.check_mode:
            status, update_time = self.execute(plan, status, update_time)
            plan = [step for step in plan if step.describe() in self.done]
        elif plan:
            status = predicted_status(status, plan)
        result = dict(changed=bool(plan), restarted=any(s.kind == "start" for s in plan) and any(
            s.kind == "stop" for s in plan), actions=[step.describe() for step in plan])
        if plan:
            result["diff"] = self.diff(current if detail is not None else None, merged, changes,
                                       before_status, status)
        result["job_id"] = self.job_id
        if self.state == "absent":
            result.update(job=None, update_time=None)
            return result
        if self.created is not None:
            merged = read_job(self.created)
        merged.update(job_id=self.job_id, status=status, update_time=update_time)
        result.update(update_time=update_time, job=merged)
        return result

    def diff(self, current, merged, changes, before_status, after_status):
        """Only what differs: the changed fields, the run state if it changes; the whole job on create and delete."""
        if current is None:
            return dict(before={}, after=dict((k, v) for k, v in merged.items() if v is not None and v != {}))
        if self.state == "absent":
            return dict(before=dict((k, v) for k, v in current.items() if v is not None and v != {}), after={})
        before = dict((name, current[name]) for name in changes)
        after = dict((name, merged[name]) for name in changes)
        if before_status != after_status:
            before["status"], after["status"] = before_status, after_status
        return dict(before=before, after=after)

    def execute(self, plan, status, update_time):
        """Carry the plan out, step by step; returns the job's (status, update_time) after it."""
        self.deadline = self.clock() + self.wait_timeout
        self.start_pending = any(step.kind == "start" for step in plan)
        stopped_by_others = False
        for step in plan:
            signal_name = self.interrupted()
            if signal_name and not self.wrote:
                raise JobError("the module process received %s before any change: nothing was changed." % signal_name)
            if step.kind == "create":
                self.job_id = self.create(step.names)
                self.created = self.get_detail()
                status, update_time = self.created.get("status"), self.created.get("update_time")
            elif step.kind == "delete":
                self.delete()
                status = None
            elif step.kind == "stop":
                stopped_by_others = not self.stop(step.savepoint)
                if step.wait:
                    status = self.wait_for(STOPPED_STATUSES, STOP_FAILED_STATUSES, "did not stop",
                                           stop_savepoint=step.savepoint).get("status")
                else:
                    status = "job_canceling"
            elif step.kind == "wait_stopped":
                status = self.wait_for(STOPPED_STATUSES, STOP_FAILED_STATUSES, "was being stopped by someone else",
                                       seen_stopping=True).get("status")
                self.done.append(step.describe())
            elif step.kind == "update":
                update_time = self.update(step.names)
            elif step.kind == "start":
                if step.unless_stopped_by_others and stopped_by_others:
                    self.start_pending = False
                    continue  # someone else stopped the job: it is not this task's to start
                self.start(step.savepoint, before="the job is stopped and updated" if self.stopped_by_us else None)
                status = "job_submitting"
                if step.wait:
                    status = self.wait_for(("job_running",), START_FAILED_STATUSES, "did not start").get("status")
        return status, update_time

    def update(self, names):
        """The update step; a failure after this task stopped the job for a restart starts it again
        unchanged, so that a stream is never left stopped because its update failed."""
        try:
            return self.put(names)
        except (DliApiError, JobError) as exc:
            if not self.stopped_by_us or self.state == "stopped":
                raise
            try:
                self.start(self.upgrade_mode == "savepoint",
                           before="the job had been stopped for the update, which failed")
            except (DliApiError, JobError) as start_exc:
                exc.msg += " The job had been stopped for the update and could not be started again: %s" % (
                    getattr(start_exc, "msg", start_exc))
                raise exc
            # What the job is after the start is read, not assumed: a start taken is not a job running.
            try:
                status = self.get_detail().get("status")
            except (DliApiError, JobError) as read_exc:
                exc.msg += (" The job had been stopped for the update; a start was sent to bring it back unchanged, but "
                            "reading the job back after it failed: %s" % read_exc.msg)
            else:
                exc.msg += (" The job had been stopped for the update; a start was sent to bring it back unchanged, and "
                            "the job read back after it is %s." % status)
            raise exc


def read_job(detail):
    """``job_from_detail``, or JobError naming the value of the answer that cannot be read."""
    try:
        return job_from_detail(detail)
    except (TypeError, ValueError) as exc:
        raise JobError("the job detail answer holds a value this module cannot read: %s." % exc)


def task_result(update, check_mode=False, diff_mode=False, redact=str):
    """Run ``update``; the result as dli_flink_jar_job returns it: ``failed`` set on failure (with msg,
    changed, the actions done, and the failed call's status_code, error_code, request_id), else changed,
    actions, msg, job, job_id, update_time, restarted, and in diff mode the diff."""
    failure = None
    try:
        result = update.run()
    except JobError as exc:
        failure = dict(exc.extra, msg=exc.msg)
    except DliApiError as exc:
        failure = exc.result()
    except ConfigError as exc:
        failure = dict(msg="Flink job %s: %s" % (update.label, exc))
    if failure:
        failure.update(failed=True, msg=redact(failure["msg"]), changed=update.wrote, actions=list(update.done))
        return failure
    diff = result.pop("diff", None)
    if diff_mode and diff:
        result["diff"] = diff
    result["msg"] = "Flink job %s: %s%s." % (
        update.label, "would " if check_mode and result["actions"] else "",
        ", then ".join(result["actions"]) or "no change")
    return result


__all__ = ["FlinkJarJobUpdate", "JobError", "JobUpdateError", "READ_ONLY_KEYS", "STATES", "Step", "UPGRADE_MODES",
           "checked_job_options", "job_options_spec", "job_shape", "job_update_from_params", "plan_steps",
           "plan_update", "predicted_status", "task_result"]
