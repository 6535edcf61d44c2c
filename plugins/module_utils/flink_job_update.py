# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bringing a Flink job (of any kind: see flink_job_kind.py) to what a task declares: its fields, and with ``state`` whether it
exists and runs. Read, compare, plan, and carry the plan out (or, in check mode, return it).

One plan serves both modes: ``FlinkJobUpdate.run`` reads the job, computes the ordered steps
(create, stop, update, start, delete, each with its own wait), and returns them as ``actions``;
only a normal run executes them. A write whose answer was lost is judged by reading the job back.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.hwcloud.dli.plugins.module_utils.errors import ConfigError, DliApiError
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_fields import desired_for_job
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_kind import JAR
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_options import checked_job_options
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_plan import (
    RUNNING_STATUSES,
    START_FAILED_STATUSES,
    STARTED_STATUSES,
    STOP_FAILED_STATUSES,
    STOPPED_STATUSES,
    Step,
    plan_steps,
    predicted_status,
)
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_preflight import QueuePreflight
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_read import (
    READ_ONLY_KEYS,
    JobError,
    JobNotFound,
    find_by_name,
    get_detail,
    job_id_by_name,
    job_shape,
)
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_wait import FIRST_POLLS, POLL_INTERVAL, ListItem, OwnReads

# A create answered with these has been finished with by the service: what it made is listed at once. (A 502 or
# 504 is a gateway's lost answer: the create may still be in progress.)
ANSWERED_FAILURES = (500, 503)

NOT_READ = object()  # FlinkJobUpdate's detail when the job is still to be read


def job_update_from_params(client, params, check_mode=False, detail=NOT_READ, checked=None, interrupted=None,
                           preflight=None, watcher=None, restart_gate=None, kind=JAR):
    """The FlinkJobUpdate of one job's options; ``checked``: what checked_job_options gave for them;
    ``interrupted``, ``preflight``, ``watcher``, ``restart_gate`` and ``kind``: see FlinkJobUpdate."""
    desired, tags = checked if checked is not None else checked_job_options(params, kind)
    return FlinkJobUpdate(
        client, params["job_id"], desired, allow_restart=params["allow_restart"], wait=params["wait"],
        wait_timeout=params["wait_timeout"], check_mode=check_mode, state=params["state"],
        upgrade_mode=params["upgrade_mode"], purge_runtime_config=params["purge_runtime_config"], tags=tags,
        detail=detail, interrupted=interrupted, stable_seconds=params.get("stable_seconds") or 0,
        rollback=params.get("rollback", True), savepoint_path=params.get("savepoint_path"), preflight=preflight,
        watcher=watcher, restart_gate=restart_gate, kind=kind)


class FlinkJobUpdate:
    """One task's work on one job: ``run`` returns the task's result, or raises JobError/DliApiError.

    ``interrupted``: a callable that names the signal the process received (None if none); a plan is
    not begun after one, and one begun is carried through (see deferred_signals.py). ``kind``: the job's
    kind (flink_job_kind.py): its fields, endpoints and rules; a job of another kind is refused.

    ``watcher``: how the job's waits read its status (flink_job_wait.py; by default its own reads); the
    fleet shares one. ``restart_gate``: the fleet's rolling restarts (flink_job_fleet.RestartGate): entered
    before the stop of a restart, left once the start (or its rollback) is done; None for one job."""

    def __init__(self, client, job_id, desired, allow_restart=False, wait=True, wait_timeout=600,
                 check_mode=False, sleep=None, clock=None, state="present", upgrade_mode="savepoint",
                 purge_runtime_config=True, tags=None, detail=NOT_READ, interrupted=None, stable_seconds=0,
                 rollback=True, savepoint_path=None, preflight=None, watcher=None, restart_gate=None, kind=JAR):
        self.kind = kind
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
        self.stable_seconds = stable_seconds
        self.rollback = rollback
        self.savepoint_path = savepoint_path
        # Asked before the first stop or start of a plan that starts the job; the fleet shares one.
        self.preflight = preflight if preflight is not None else QueuePreflight(client, kind.queue_types,
                                                                                kind.versions_key)
        self.rolled_back = False  # a failed start after this task's update was rolled back
        self.final_status = None  # the job's status as last read when the task fails
        self.action_prefix = ""  # "rollback: " while a rollback's writes are made
        self.savepoint_before = None  # the job's latest savepoint before this task's import, when known
        self.previous = {}  # the job's fields as read before the update: what a rollback puts back
        self.watcher = watcher if watcher is not None else OwnReads(client)
        self.restart_gate = restart_gate

    @property
    def label(self):
        return self.job_id if self.job_id is not None else repr(self.desired.get("name"))

    # -- calls ---------------------------------------------------------------
    def get_detail(self):
        return get_detail(self.client, self.job_id)

    def sent(self, action):
        """Record a write that took effect or may have: ``actions`` lists it, whatever fails after it."""
        self.wrote = True
        action = self.action_prefix + action
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

    def put(self, names, values=None):
        """Send the update of ``names`` to ``values`` (by default the desired ones); after a lost answer,
        read the job back and send only what it does not hold yet. Returns the job's update_time."""
        values = self.desired if values is None else values
        path = self.kind.path(self.client, self.job_id)
        action = Step("update", names).describe()
        for attempt in range(self.client.retry.max_retries + 1):
            try:
                answer = self.client.call("PUT", path, self.kind.request_body(values, names))
            except DliApiError as exc:
                if not exc.maybe_written:
                    raise
                self.sent(action)
                detail = self.read_back(exc.msg)
                left = self.kind.changed_fields(read_job(detail, self.kind), dict((n, values[n]) for n in names))
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
        path = self.kind.path(self.client)
        body = self.kind.request_body(self.desired, names)
        if self.tags:
            body["tags"] = [{"key": key, "value": value} for key, value in sorted(self.tags.items())]
        name = self.desired["name"]
        retry = getattr(self.client, "retry", None)
        resent, most = 0, getattr(retry, "max_retries", 0)
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
                if resent >= most:
                    raise JobError("%s No job named %r is listed: the create did not take effect; running the task "
                                   "again creates it." % (exc.msg, name))
                self.notes.append("%s No job named %r is listed: the create was sent again." % (exc.msg, name))
                self.sleep(retry.backoff(resent))
                resent += 1
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

    def import_savepoint(self, savepoint_path):
        """Import the savepoint the next start resumes from. Sent again after a lost answer: an import
        made twice leaves the same latest savepoint."""
        path = self.client.project_path("streaming", "jobs", self.job_id, "import-savepoint")
        try:
            self.client.call("POST", path, {"job_id": self.job_id, "savepoint_path": savepoint_path})
        except DliApiError as exc:
            if exc.maybe_written:
                self.sent(Step("import_savepoint", path=savepoint_path).describe())
            raise
        self.sent(Step("import_savepoint", path=savepoint_path).describe())

    def wait_started(self):
        """Wait for job_running, then for it to stay so for stable_seconds (within wait_timeout): a job
        that leaves job_running in that window, or restarts itself in it (restart_times grows), did not
        start. Returns the job's detail."""
        detail = self.wait_for(("job_running",), START_FAILED_STATUSES, "did not start")
        if not self.stable_seconds:
            return detail
        until = self.clock() + self.stable_seconds
        if isinstance(detail, ListItem):  # a shared watcher's: restart_times is in the job's own detail
            detail = self.get_detail()
        with self.watcher.watching():  # the whole window: a fleet's round waits for this job's polls too
            return self.stable_window(detail, until, detail.get("restart_times"))

    def stable_window(self, detail, until, restarts):
        while True:
            now = self.clock()
            if now >= until and isinstance(detail, ListItem):  # the last poll was a list item: judge the detail
                detail = self.get_detail()
                self.check_stable(detail, restarts)
            if now >= until:
                return detail
            if now >= self.deadline:
                raise JobError("the job reached job_running, but wait_timeout=%s seconds ran out before it had "
                               "stayed so for stable_seconds=%s." % (self.wait_timeout, self.stable_seconds),
                               status=detail.get("status"))
            self.sleep(min(POLL_INTERVAL, until - now, self.deadline - now))
            detail = self.watcher.read(self.job_id)
            self.check_stable(detail, restarts)

    def check_stable(self, detail, restarts):
        """JobError when the job, as read in its stable window, left job_running or restarted itself."""
        status, desc = detail.get("status"), detail.get("status_desc") or "no status description"
        if status != "job_running":
            raise JobError("the job did not stay running for stable_seconds=%s: it reached job_running and is "
                           "%s now (%s)." % (self.stable_seconds, status, desc), status=status)
        if isinstance(restarts, int) and isinstance(detail.get("restart_times"), int) and \
                detail["restart_times"] > restarts:
            raise JobError("the job did not stay running for stable_seconds=%s: it restarted itself %s time(s) "
                           "(restart_times %s, then %s)." % (self.stable_seconds, detail["restart_times"] - restarts,
                                                             restarts, detail["restart_times"]), status=status)

    def wait_for(self, wanted, failed, doing, stop_savepoint=None, seen_stopping=False):
        """Poll the job until its status is in ``wanted``; fail on ``failed`` or at the deadline.

        A job seen stopping and then running again did not stop: its savepoint failed (a stop with
        savepoint that fails leaves the job running), or someone else started it again."""
        with self.watcher.watching():
            return self._wait_for(wanted, failed, doing, stop_savepoint, seen_stopping)

    def _wait_for(self, wanted, failed, doing, stop_savepoint, seen_stopping):
        polls = 0
        while True:
            detail = self.watcher.read(self.job_id)
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
            if self.stopped_by_us and self.start_pending and not self.rolled_back:
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
            if detail.get("job_type") not in self.kind.job_types:
                raise JobError(self.kind.refusal(detail.get("job_type")))
            current = read_job(detail, self.kind)
            status, update_time = detail.get("status"), detail.get("update_time")
        if self.state == "absent":
            changes = []
        else:
            self.desired = desired_for_job(current, self.desired, self.purge_runtime_config)
            changes = self.kind.changed_fields(current, self.desired)
        frozen = [name for name in changes if name in self.kind.create_only] if detail is not None else []
        if frozen:
            raise JobError("%s is set when the job is created, and cannot change (the job's is %s, the task's %s). "
                           "Nothing was changed: leave it out, or create a new job." % (
                               frozen[0], current.get(frozen[0]), self.desired[frozen[0]]))
        merged = dict(current)
        merged.update((name, self.desired[name]) for name in changes)
        if detail is None and self.state != "absent":
            merged = dict((field.name, self.desired.get(field.name)) for field in self.kind.fields)
        problems = self.kind.rules(merged, None if detail is None else changes) if changes else []
        if problems:
            raise JobError(" ".join(problems))
        plan = plan_steps(status, changes, self.state, self.allow_restart, self.upgrade_mode, self.wait,
                          self.savepoint_path, self.kind.in_place, self.kind.update_only)
        if any(step.kind == "start" for step in plan):
            # Before the first stop or start (and any write): can the queue run the job as it will be?
            self.preflight.check(merged.get("queue_name"), merged.get("cu_number") or self.kind.default_cu_number,
                                 merged.get("flink_version"))
        if detail is not None:
            self.savepoint_before = detail.get("savepoint_path")
        self.previous = current  # what a rollback puts back
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
        result.update(rolled_back=False, status=status)
        if self.state == "absent":
            result.update(job=None, update_time=None)
            return result
        if self.created is not None:
            # What the service filled in; the fields the create does not take were set by the update after it.
            merged = dict(read_job(self.created, self.kind), **dict(
                (name, self.desired[name]) for name in changes if name in self.kind.update_only))
        merged.update(job_id=self.job_id, status=status, update_time=update_time)
        result.update(update_time=update_time, job=merged)
        return result

    def diff(self, current, merged, changes, before_status, after_status):
        """Only what differs: the changed fields, the run state if it changes; the whole job on create and delete.
        A kind with text fields shown by lines (a SQL job's query) gets a list: the fields, then each such text
        that differs, as text, so that ``--diff`` shows which of its lines change."""
        if current is None:
            diff = dict(before={}, after=dict((k, v) for k, v in merged.items() if v is not None and v != {}))
        elif self.state == "absent":
            diff = dict(before=dict((k, v) for k, v in current.items() if v is not None and v != {}), after={})
        else:
            before = dict((name, current[name]) for name in changes)
            after = dict((name, merged[name]) for name in changes)
            if before_status != after_status:
                before["status"], after["status"] = before_status, after_status
            diff = dict(before=before, after=after)
        if not self.kind.lines:
            return diff
        texts = []
        for name in self.kind.lines:
            before, after = diff["before"].pop(name, None), diff["after"].pop(name, None)
            if before != after:
                texts.append(dict(before=text_lines(before), after=text_lines(after),
                                  before_header=name, after_header=name))
        return [diff] + texts

    def execute(self, plan, status, update_time):
        """``carry_out``, within the fleet's restart gate when there is one: a plan is not begun once the fleet
        halted, a failure of a plan begun is the gate's to know (it may halt the fleet), and the gate's slot
        this job took for its restart is given back once its start, or its rollback, is done."""
        gate = self.restart_gate
        if gate is None:
            return self.carry_out(plan, status, update_time)
        gate.check(self)
        try:
            return self.carry_out(plan, status, update_time)
        except Exception as exc:
            if not getattr(exc, "extra", {}).get("skipped"):
                gate.failed(self)  # before the slot is given back: no other job stops after a failed restart
            raise
        finally:
            gate.leave(self)

    def carry_out(self, plan, status, update_time):
        """Carry the plan out, step by step; returns the job's (status, update_time) after it."""
        self.deadline = self.clock() + self.wait_timeout
        self.start_pending = any(step.kind == "start" for step in plan)
        stopped_by_others = False
        updated = []  # the fields this task's update changed: what a rollback puts back
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
                if self.restart_gate is not None and self.start_pending:  # a restart: at most max_restarting at once
                    self.restart_gate.enter(self)
                    self.deadline = self.clock() + self.wait_timeout  # the wait for a slot is not this job's own
                stopped_by_others = not self.stop(step.savepoint)
                if step.wait:
                    stopped = self.wait_for(STOPPED_STATUSES, STOP_FAILED_STATUSES, "did not stop",
                                            stop_savepoint=step.savepoint)
                    status = stopped.get("status")
                    if step.savepoint and self.savepoint_path and isinstance(stopped, ListItem):
                        stopped = self.get_detail()  # a list item: the savepoint the stop took is in the detail
                    if step.savepoint and stopped.get("savepoint_path"):
                        self.savepoint_before = stopped.get("savepoint_path")
                else:
                    status = "job_canceling"
            elif step.kind == "wait_stopped":
                status = self.wait_for(STOPPED_STATUSES, STOP_FAILED_STATUSES, "was being stopped by someone else",
                                       seen_stopping=True).get("status")
                self.done.append(step.describe())
            elif step.kind == "update":
                update_time = self.update(step.names)
                updated = step.names
            elif step.kind == "import_savepoint":
                if step.unless_stopped_by_others and stopped_by_others:
                    continue
                self.import_savepoint(step.path)
            elif step.kind == "start":
                if step.unless_stopped_by_others and stopped_by_others:
                    self.start_pending = False
                    continue  # someone else stopped the job: it is not this task's to start
                try:
                    self.start(step.savepoint, before="the job is stopped and updated" if self.stopped_by_us else None)
                    status = "job_submitting"
                    if step.wait:
                        status = self.wait_started().get("status")
                except (DliApiError, JobError) as exc:
                    if updated and self.rollback and step.wait:
                        self.roll_back(exc, updated, step.savepoint, any(s.kind == "import_savepoint" for s in plan))
                    raise
        return status, update_time

    def roll_back(self, failure, names, savepoint, imported):
        """After a failed start that followed this task's update: stop the job if it still runs, put
        ``names`` back to the values read before the update, and start it again from the savepoint taken
        before (without one in stateless mode), waiting for job_running. Adds to ``failure`` what came of
        it; the task fails either way. Its writes are listed in ``actions`` as "rollback: ..."."""
        self.rolled_back = True
        self.action_prefix = "rollback: "
        self.deadline = self.clock() + self.wait_timeout  # a rollback has its own wait_timeout
        if imported:  # the imported savepoint is the new version's: the old one resumes from the one before, if known
            savepoint = self.upgrade_mode == "savepoint" and bool(self.savepoint_before)
        try:
            if self.get_detail().get("status") in RUNNING_STATUSES:
                self.stop(False)  # the failed version's state is not kept: the savepoint before the update is
                self.wait_for(STOPPED_STATUSES, STOP_FAILED_STATUSES, "did not stop for the rollback")
            self.put(names, self.previous)
            if imported and savepoint:
                self.import_savepoint(self.savepoint_before)
            self.start(savepoint)
            status = self.wait_for(("job_running",), START_FAILED_STATUSES, "did not start again").get("status")
        except (DliApiError, JobError) as exc:
            try:
                self.final_status = self.get_detail().get("status")
            except (DliApiError, JobError):
                self.final_status = getattr(exc, "extra", {}).get("status")
            failure.msg += (" The rollback to the job's previous configuration failed too: %s The job is left %s." % (
                getattr(exc, "msg", exc), self.final_status or "in an unknown status"))
            return
        finally:
            self.action_prefix = ""
        self.final_status = status
        failure.msg += (" Rolled back: %s put back to the values read before the update, and the job runs its previous "
                        "configuration again (%s%s)." % (", ".join(names), status, ", from the savepoint taken before "
                                                         "the update" if savepoint else ", without a savepoint"))

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


def text_lines(value):
    """A text as a diff shows it: ending with a newline, so that its last line compares as the others do."""
    if not value:
        return ""
    return value if value.endswith("\n") else value + "\n"


def read_job(detail, kind=JAR):
    """The kind's ``job_from_detail``, or JobError naming the value of the answer that cannot be read."""
    try:
        return kind.job_from_detail(detail)
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
        # skipped: the fleet halted before this job's plan began (halt_on_failure): nothing was done, nothing failed
        skipped = failure.pop("skipped", False)
        failure.update(msg=redact(failure["msg"]), changed=update.wrote, actions=list(update.done),
                       rolled_back=update.rolled_back)
        failure["skipped" if skipped else "failed"] = True
        if update.final_status is not None:
            failure["status"] = update.final_status
        return failure
    diff = result.pop("diff", None)
    if diff_mode and diff:
        result["diff"] = diff
    result["msg"] = "Flink job %s: %s%s." % (
        update.label, "would " if check_mode and result["actions"] else "",
        ", then ".join(result["actions"]) or "no change")
    return result


__all__ = ["FlinkJobUpdate", "JobError", "READ_ONLY_KEYS", "Step", "job_shape", "job_update_from_params",
           "predicted_status", "task_result"]
