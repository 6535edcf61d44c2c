# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Many Flink Jar jobs in one run: every job is checked first, the jobs named without an id are found
with one paged list, and each job is then brought to its declaration by the same ``FlinkJobUpdate``
as dli_flink_jar_job uses, in a bounded pool of threads that share one client (one session, one
login, one backoff). Stops and starts that the threads send at about the same time go out as one
call each, since the API's stop and run calls take a list of job ids; the jobs' waits share one
watcher (flink_job_wait.py); restarts roll through a gate of ``max_restarting`` slots."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.hwcloud.dli.plugins.module_utils.errors import AnswerLostError, DliApiError, is_true
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_kind import JAR, KINDS
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_read import PAGE_SIZE, JobError, count_value, list_jobs
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_preflight import QueuePreflight
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_wait import SharedWatcher
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_options import checked_job_options, job_options_spec
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_update import NOT_READ, job_update_from_params, task_result

# How long the first stop (or start) of a batch waits for the others of its round to join it.
BATCH_WINDOW = 0.2
DEFAULT_CONCURRENCY = 8


def job_label(index, params):
    name = params.get("name") if isinstance(params, dict) else None
    return "jobs[%s]%s" % (index, " (%s)" % name if name else "")


def checked_jobs(jobs):
    """Each job's options with defaults applied, and what checked_job_options gave for them; or
    ValueError naming every bad job by index and name, before any request is made. A job's ``job_kind``
    (jar, the default, or sql) says whose options it takes; it is kept in its options."""
    validators = dict((name, ArgumentSpecValidator(job_options_spec(kind))) for name, kind in KINDS.items())
    checked, problems = [], []
    for index, job in enumerate(jobs):
        if not isinstance(job, dict):
            problems.append("%s: must be a mapping of dli_flink_jar_job's options, not %s." % (
                job_label(index, job), type(job).__name__))
            continue
        job = dict(job)
        kind_name = job.pop("job_kind", None) or JAR.name
        if kind_name not in KINDS:
            problems.append("%s: job_kind must be one of %s, not %r." % (
                job_label(index, job), ", ".join(sorted(KINDS)), kind_name))
            continue
        result = validators[kind_name].validate(job)
        messages, options = [validation_message(error, result) for error in result.errors], None
        if not messages:
            try:
                options = checked_job_options(result.validated_parameters, KINDS[kind_name])
            except ValueError as exc:
                messages.append(str(exc))
        if messages:
            problems.append("%s: %s" % (job_label(index, job), " ".join(messages)))
        checked.append((dict(result.validated_parameters, job_kind=kind_name), options))
    if problems:
        raise ValueError(" ".join(problems))
    return checked


def validation_message(error, result):
    """The argument spec's message for one job; an unknown key says so, as AnsibleModule's own message does
    (the validator alone gives only "foo. Supported parameters include: ...")."""
    if isinstance(error, UnsupportedError):
        return "unsupported parameter%s: %s" % ("s" if len(result.unsupported_parameters) > 1 else "", error.msg)
    return error.msg


class BatchingClient:
    """The shared client, but the stops and starts sent at about the same time go out together:
    the first of a round waits ``window`` seconds for the others, then sends one call for all of
    them and hands each caller its own element of the answer (or the call's failure, whatever it is).

    ``wait_bound``: the most seconds a caller waits for the round's call (by default the longest the
    client's tries and waits between them can take); past it, the call counts as sent, its answer lost."""

    def __init__(self, client, window=BATCH_WINDOW, sleep=time.sleep, wait_bound=None):
        self.client = client
        self.window = window
        self.sleep = sleep
        if wait_bound is None:
            retry = getattr(client, "retry", None)
            tries = getattr(retry, "max_retries", 0) + 1
            wait_bound = (getattr(client, "timeout", 30) + 1) * (tries + 1) + getattr(retry, "budget", 600) + window
        self.wait_bound = wait_bound
        self.lock = threading.Lock()
        self.open = {}  # (path, flag, value) -> the round being gathered
        self.batch_calls = 0

    def __getattr__(self, name):
        return getattr(self.client, name)

    def call(self, method, path, body=None, expect=dict, params=None, **options):
        """``options``: the client's other arguments (``idempotent``), for the calls that are not batched."""
        if method != "POST" or not path.endswith(("/jobs/stop", "/jobs/run")) or not isinstance(body, dict) \
                or len(body.get("job_ids") or ()) != 1:
            return self.client.call(method, path, body, expect=expect, params=params, **options)
        flags = tuple(sorted((key, value) for key, value in body.items() if key != "job_ids"))
        key = (path, flags)
        with self.lock:
            batch = self.open.get(key)
            leader = batch is None
            if leader:
                batch = self.open[key] = dict(job_ids=[], done=threading.Event(), answer=None, error=None)
            position = len(batch["job_ids"])
            batch["job_ids"].append(body["job_ids"][0])
        if leader:
            self.sleep(self.window)
            with self.lock:
                del self.open[key]
            try:
                batch["answer"] = self.client.call(method, path, dict(flags, job_ids=batch["job_ids"]), expect=list,
                                                   check_each=False)
                self.batch_calls += 1
            except DliApiError as exc:
                batch["error"] = exc
            except Exception as exc:  # pylint: disable=broad-exception-caught  # every caller is told, none hangs
                batch["error"] = AnswerLostError("%s %s for jobs %s failed: %s: it may have taken effect." % (
                    method, path, ", ".join(str(job_id) for job_id in batch["job_ids"]), one_line(exc)),
                    method=method, path=path)
            finally:
                batch["done"].set()
        elif not batch["done"].wait(self.wait_bound):
            raise AnswerLostError("%s %s (batched with other jobs) was not answered within %s seconds: it may have "
                                  "taken effect." % (method, path, "%g" % self.wait_bound), method=method, path=path)
        if batch["error"] is not None:
            raise copy.copy(batch["error"])
        answer = batch["answer"]
        if len(answer) != len(batch["job_ids"]):
            raise DliApiError("%s %s answered %s elements for %s jobs." % (
                method, path, len(answer), len(batch["job_ids"])), method=method, path=path)
        element = answer[position]
        if isinstance(element, dict) and "is_success" in element and not is_true(element["is_success"]):
            raise DliApiError(self.client.redact("%s %s failed for job %s: is_success is false: %s" % (
                method, path, batch["job_ids"][position], element.get("message") or "no message given")),
                method=method, path=path, status_code=200)
        return [element]


class RestartGate:
    """Rolling restarts. At most ``max_restarting`` jobs are stopped for a restart at once: a job takes a slot
    before the stop of its restart and gives it back once its start, or its rollback, is done (``enter``,
    ``leave``). With ``halt_on_failure``, once a job whose plan had begun fails (``failed``: a restart that
    failed, after its rollback, or any failed write), no plan begins and no stop is sent after it: those jobs
    are skipped, untouched. ``poll``: how often a job waiting for a slot looks for a halt or a signal."""

    def __init__(self, max_restarting, halt_on_failure=False, poll=0.5):
        self.slots = threading.BoundedSemaphore(max_restarting)
        self.halt_on_failure = halt_on_failure
        self.poll = poll
        self.lock = threading.Lock()
        self.holders = set()  # id() of the updates that hold a slot
        self.halted_by = None  # the label of the job whose failure halted the fleet

    def check(self, update):
        """JobError marked skipped when the fleet has halted: ``update``'s plan is not begun."""
        if self.halted_by is not None:
            if update.wrote:  # not reached by a restart (its stop is its first write), but said plainly if it is
                raise JobError("halted: halt_on_failure is set and Flink job %s failed, so this job's restart was not "
                               "begun." % self.halted_by)
            raise JobError("skipped: halt_on_failure is set and Flink job %s failed, so this job was not touched." % (
                self.halted_by), skipped=True)

    def enter(self, update):
        """Wait for a slot (bounded by the other jobs' restarts, each bounded by its wait_timeout); skipped
        when the fleet halts meanwhile, and nothing changed when the module process received a signal."""
        while not self.slots.acquire(timeout=self.poll):
            self.check(update)
            signal_name = update.interrupted()
            if signal_name and not update.wrote:
                raise JobError("the module process received %s before any change: nothing was changed." % signal_name)
        with self.lock:
            self.holders.add(id(update))
        self.check(update)  # halted while this job waited: it gives the slot back (leave) untouched

    def leave(self, update):
        with self.lock:
            held = id(update) in self.holders
            self.holders.discard(id(update))
        if held:
            self.slots.release()

    def failed(self, update):
        if self.halt_on_failure:
            with self.lock:
                if self.halted_by is None:
                    self.halted_by = update.label


def one_line(exc):
    """An unexpected exception as one short line: its type and the first line of its message."""
    text = str(exc).strip().splitlines()
    text = text[0] if text else ""
    return "%s%s" % (type(exc).__name__, ": %s" % (text if len(text) <= 200 else text[:197] + "...") if text else "")


def find_jobs(client, checked):
    """(job_id, detail, error) of each job: detail None when it does not exist, NOT_READ when its own
    update reads it. The jobs named without an id are found with one paged list; when the project's
    jobs fit in fewer list pages than there are jobs to read, the details come from the list too
    (its two forms together hold every field of a job) instead of one read each."""
    named = [params for params in checked if params["job_id"] is None]
    given_ids = len(checked) - len(named)
    plain = list_jobs(client) if named else None
    if plain is not None:
        names = set(params["name"] for params in named)
        to_read = given_ids + len([job for job in plain if job.get("name") in names])
        use_list = pages(len(plain)) < to_read  # one more list, with details, against one read per job
    else:
        total = project_job_count(client) if given_ids > 3 else None
        use_list = total is not None and 1 + 2 * pages(total) < given_ids
    listed = {}
    if use_list:
        plain = plain if plain is not None else list_jobs(client)
        detailed = dict((job.get("job_id"), job) for job in list_jobs(client, show_detail="true"))
        for job in plain:
            extra = detailed.get(job.get("job_id"))
            # Only a listing that holds every field is used: anything less is read by id, so that a missing
            # field never looks like a change.
            if extra is not None and isinstance(extra.get("job_config"), dict) and "entrypoint_args" in extra \
                    and all(key in job for key in ("main_class", "update_time")):
                listed[job.get("job_id")] = dict(job, **extra)
    ids_by_name = {}
    for job in plain or ():
        ids_by_name.setdefault(job.get("name"), []).append(job.get("job_id"))
    found = []
    for params in checked:
        if not KINDS[params.get("job_kind") or JAR.name].complete_in_list:
            listed_here = {}  # the list forms lack fields of this kind (a SQL job's query): read it by id
        else:
            listed_here = listed
        if params["job_id"] is not None:
            found.append((params["job_id"], listed_here.get(params["job_id"], NOT_READ), None))
            continue
        ids = ids_by_name.get(params["name"], [])
        if len(ids) > 1:
            found.append((None, NOT_READ, JobError("%s jobs are named %r (ids %s): give job_id to say which one." % (
                len(ids), params["name"], ", ".join(str(job_id) for job_id in ids)))))
        elif ids:
            found.append((ids[0], listed_here.get(ids[0], NOT_READ), None))
        else:
            found.append((None, None, None))
    return found


def same_job_entries(checked, found):
    """JobError naming the entries of ``jobs`` that are one job (the same id twice, an id and that job's name, or
    a new name twice), which would flip the job on every run or create it twice; None when each is given once.
    Judged by ``find_jobs``' ids, so after the reads and before any write."""
    entries = {}
    for index, (params, (job_id, dummy, error)) in enumerate(zip(checked, found)):
        if error is not None:  # a name that several jobs have fails on its own
            continue
        key = "id %s" % job_id if job_id is not None else "named %r, which no job has yet: it would be created twice" % (
            params["name"])
        entries.setdefault(key, []).append(index)
    problems = ["%s are the same job (%s)" % (_and_list(["jobs[%s]" % index for index in indexes]), key)
                for key, indexes in sorted(entries.items(), key=lambda item: item[1]) if len(indexes) > 1]
    if not problems:
        return None
    return JobError("%s. Give each job once. Nothing was written." % "; ".join(problems))


def _and_list(items):
    return items[0] if len(items) == 1 else "%s and %s" % (", ".join(items[:-1]), items[-1])


def pages(total):
    return (total + PAGE_SIZE - 1) // PAGE_SIZE


def project_job_count(client):
    """How many jobs the project has (one list call of one job)."""
    answer = client.call("GET", client.project_path("streaming", "jobs"), params=dict(limit=1, offset=0))
    job_list = answer.get("job_list")
    return count_value(job_list.get("total_count")) if isinstance(job_list, dict) else None


def converge_jobs(client, checked, check_mode=False, diff_mode=False, concurrency=DEFAULT_CONCURRENCY,
                  window=BATCH_WINDOW, interrupted=None, max_restarting=None, halt_on_failure=False, watcher=None):
    """(results in the input's order, each as dli_flink_jar_job returns it; notes per job; summary) for
    the jobs as checked_jobs gives them. Whatever goes wrong with one job is that job's result: the others'
    stand. ``interrupted``: see FlinkJobUpdate. ``max_restarting`` (default ``concurrency``) and
    ``halt_on_failure``: see RestartGate; ``watcher``: the jobs' shared watcher (a SharedWatcher by default).
    DliApiError or JobError when the jobs cannot be found (nothing was written)."""
    try:
        found = find_jobs(client, [params for params, dummy in checked])
    except (DliApiError, JobError):
        raise
    except Exception as exc:  # pylint: disable=broad-exception-caught  # a malformed list answer: one line
        raise JobError("Finding the jobs failed: %s" % one_line(exc))
    duplicates = same_job_entries([params for params, dummy in checked], found)
    if duplicates is not None:
        raise duplicates
    batching = BatchingClient(client, window=window)
    preflight = QueuePreflight(batching)  # shared: each queue is read once per run, whatever jobs run on it
    watcher = watcher if watcher is not None else SharedWatcher(batching)
    gate = RestartGate(max_restarting or concurrency, halt_on_failure)
    results, notes = [None] * len(checked), [[] for dummy in checked]

    def converge(index):
        params, options = dict(checked[index][0]), checked[index][1]
        job_id, detail, error = found[index]
        label = "Flink job %s" % (params["name"] if params["job_id"] is None else params["job_id"])
        if error is not None:
            results[index] = dict(failed=True, changed=False, actions=[], msg="%s: %s" % (label, error.msg))
            return
        params["job_id"] = job_id if job_id is not None else params["job_id"]
        kind = KINDS[params.pop("job_kind", None) or JAR.name]
        update = job_update_from_params(batching, params, check_mode=check_mode, detail=detail, checked=options,
                                        interrupted=interrupted, watcher=watcher, restart_gate=gate, kind=kind,
                                        preflight=preflight if kind is JAR
                                        else preflight.sharing(kind.queue_types, kind.versions_key))
        try:
            results[index] = task_result(update, check_mode, diff_mode, client.redact)
        except Exception as exc:  # pylint: disable=broad-exception-caught  # this job's failure, not the task's
            results[index] = dict(failed=True, changed=update.wrote, actions=list(update.done),
                                  rolled_back=update.rolled_back, msg=client.redact(
                "Flink job %s: %s" % (update.label, one_line(exc))))
        notes[index] = [client.redact(note) for note in update.notes]

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        list(pool.map(converge, range(len(checked))))
    return results, notes, summary([params for params, dummy in checked], results)


def unconverged_results(checked, msg):
    """Each job's result when the jobs could not be found: failed, nothing written."""
    return [dict(failed=True, changed=False, actions=[], msg=msg) for dummy in checked]


def summary(checked, results):
    """Names (or ids) of the jobs that changed, stayed ok, were restarted, failed or were skipped."""
    groups = dict(changed=[], ok=[], restarted=[], failed=[], skipped=[])
    for params, result in zip(checked, results):
        label = params.get("name") or result.get("job_id") or params.get("job_id")
        if result.get("failed"):
            groups["failed"].append(label)
        elif result.get("skipped"):
            groups["skipped"].append(label)
        elif result.get("changed"):
            groups["changed"].append(label)
        else:
            groups["ok"].append(label)
        if result.get("restarted"):
            groups["restarted"].append(label)
    return groups


def refused_summary(jobs):
    """The summary of a run refused before any job was tried (a bad job, a connection that cannot be made):
    every job failed, none was touched."""
    return dict(changed=[], ok=[], restarted=[], skipped=[],
                failed=[(job.get("name") or job.get("job_id")) if isinstance(job, dict) else None for job in jobs])
