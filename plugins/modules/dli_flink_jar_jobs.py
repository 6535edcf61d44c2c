#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dli_flink_jar_jobs
short_description: Converge many Flink Jar jobs of Huawei Cloud Data Lake Insight (DLI) in one task
version_added: 0.2.0
description:
  - Brings every job of O(jobs) to what it declares, as M(hwcloud.dli.dli_flink_jar_job) would one by one, in one
    module run - one HTTP session, one IAM login, and the writes in a bounded pool of O(concurrency) threads.
  - Every job is checked before the first request; a bad job fails the task with its index and name, and nothing
    is written.
  - The jobs of O(jobs) given by their C(name) only (no C(job_id)) are found with one paged list of the project's jobs,
    not one list each.
  - One job given twice (the same C(job_id) twice, a C(job_id) and that job's C(name), or a new C(name) twice) fails
    the task, naming both entries, after the reads and before any write.
  - Stops and starts that the threads send at about the same time go out as one call each (the API's stop and run
    calls take a list of job ids); each job is judged by its own element of the answer.
  - An HTTP 429 answered to one thread pauses them all for its C(Retry-After) (or the backoff), so the fleet backs
    off together.
  - Restarts roll through the fleet - at most O(max_restarting) jobs are stopped for a restart at any moment - and
    with O(halt_on_failure) the first failed restart halts the rollout; the jobs it did not reach are V(skipped).
  - Jobs waiting for a stop, a start or a stable window are watched together - while many wait, one list of the
    project's jobs per poll round answers them all (only when it takes fewer list pages than there are jobs in the
    round); while fewer than 5 wait, each reads its own job.
  - One job failing does not stop the others (unless O(halt_on_failure)). The task fails at the end if any job failed,
    naming them.
  - Whatever goes wrong with one job - a refused or lost call, a malformed answer, anything unexpected - is that
    job's result, with a one-line C(msg) in RV(results); the others' results stand, and RV(changed) is V(true) when any
    write may have taken effect. A batched stop or start that fails in any way fails each of its jobs, and no job
    waits for a batch longer than its calls' tries can take, so the task always ends.
  - SIGTERM, SIGINT and SIGHUP are held while the jobs are worked on, as M(hwcloud.dli.dli_flink_jar_job) holds them.
author:
  - hwcloud.dli contributors (@hwcloud)
extends_documentation_fragment:
  - hwcloud.dli.connection
  - hwcloud.dli.attributes
  - hwcloud.dli.attributes.ACTIONGROUP_DLI
attributes:
  check_mode:
    support: full
    details:
      - Reads the jobs and returns, for each, in RV(results), the plan (its C(actions)) and the predicted job. Writes
        nothing.
  diff_mode:
    support: full
    details:
      - One diff per job that differs, headed by its name; for a Flink SQL job whose query differs, its query's text
        follows, headed by its name and C(sql_body).
  idempotent:
    support: full
options:
  jobs:
    description:
      - The jobs, each a mapping of the options of M(hwcloud.dli.dli_flink_jar_job) except the connection options
        (V(job_id) or V(name), V(state), V(upgrade_mode), V(allow_restart), V(wait), V(wait_timeout),
        V(stable_seconds), V(rollback), V(savepoint_path), the job's fields, ...), with the same defaults and
        meaning.
      - A job's V(wait_timeout) bounds that job's waits, its pre-flight check, stable window and rollback are its
        own; each queue is read once for all the jobs that run on it.
      - "A job's V(job_kind) says what kind of Flink job it is: V(jar) (the default), a Flink Jar job with the options
        of M(hwcloud.dli.dli_flink_jar_job), or V(sql), a Flink SQL job with the options of
        M(hwcloud.dli.dli_flink_sql_job) (V(sql_body), V(run_mode), ...), so that one task converges a fleet of both
        kinds. A job of the other kind than declared fails, as those modules refuse it."
    type: list
    elements: dict
    required: true
  concurrency:
    description:
      - How many jobs are worked on at once, at least V(1). Their stops and starts are sent in batches of up to
        this many jobs.
    type: int
    default: 8
  max_restarting:
    description:
      - At most this many jobs are stopped for a restart at any moment, at least V(1). A job takes its place
        before the stop of its restart and gives it back once it runs again (its start, and
        O(hwcloud.dli.dli_flink_jar_job#module:stable_seconds), done) or its rollback is done; the other restarts
        wait for a place. Stops that are not restarts (V(state=stopped), V(state=absent)) do not count.
      - Defaults to O(concurrency). More than O(concurrency) has no effect, as no more jobs are worked on at once.
      - A job waiting for its place does not spend its O(hwcloud.dli.dli_flink_jar_job#module:wait_timeout) on
        it.
    type: int
    version_added: 0.3.0
  halt_on_failure:
    description:
      - Whether the first failure of a job that this task began changing halts the rollout - a restart that failed
        (after its rollback, see O(hwcloud.dli.dli_flink_jar_job#module:rollback)), or a stop, update, start,
        create or delete that failed.
      - Once halted, no job is stopped and no job's change is begun. The jobs not yet touched are returned with
        C(skipped=true) and a C(msg) saying why, and are listed under C(skipped) in RV(summary); the jobs under way
        (already stopped for their restart) finish, rollback included. The task fails.
      - With it and O(max_restarting), a broken jar rolled out to many jobs takes down at most O(max_restarting) of
        them, and only until their rollback.
      - A job refused before any write (its pre-flight check, a read, a change that needs
        O(hwcloud.dli.dli_flink_jar_job#module:allow_restart)) fails alone and does not halt the others.
    type: bool
    default: false
    version_added: 0.3.0
seealso:
  - module: hwcloud.dli.dli_flink_jar_job
  - module: hwcloud.dli.dli_flink_sql_job
"""

EXAMPLES = r"""
- name: Keep the streaming jobs of the data platform as declared
  hwcloud.dli.dli_flink_jar_jobs:
    jobs:
      - name: clickstream-enrichment
        parallel_number: 4
      - name: payments-fraud-scoring
        resume_max_num: 10
        state: started
      - name: nightly-sessionization
        state: stopped
      - job_kind: sql
        name: orders-sql-dashboard
        smn_topic: flink-alerts
  register: fleet

- name: Show what changed
  ansible.builtin.debug:
    var: fleet.summary

- name: Roll a new jar out, one job at a time; the first that does not stay up is rolled back and halts the rollout
  hwcloud.dli.dli_flink_jar_jobs:
    max_restarting: 1
    halt_on_failure: true
    jobs:
      - name: payments-fraud-scoring
        entrypoint: fraud/fraud-scoring-2.4.0.jar
        allow_restart: true
        stable_seconds: 5  # in production, as long as a bad version takes to show: minutes
      - name: clickstream-enrichment
        entrypoint: clickstream/enrichment-2.4.0.jar
        allow_restart: true
        stable_seconds: 5
  register: rollout
"""

RETURN = r"""
changed:
  description: Whether any job was (or, in check mode, would be) changed.
  returned: always
  type: bool
results:
  description:
    - One result per job of O(jobs), in the same order, each in exactly the shape M(hwcloud.dli.dli_flink_jar_job)
      returns - V(changed), V(actions), V(msg), V(job), V(job_id), V(update_time), V(restarted), V(rolled_back),
      V(status), and V(diff) in diff mode; for a job that failed, V(failed), V(msg), V(changed), V(actions) done,
      V(rolled_back), V(status) where known, and V(status_code), V(error_code), V(request_id) of the failed call
      where there is one.
      - For a job not touched because the rollout halted (O(halt_on_failure)), V(skipped=true), V(changed=false),
        V(actions=[]) and a V(msg) naming the job whose failure halted it.
  returned: when the jobs were checked
  type: list
  elements: dict
summary:
  description:
    - The names (or ids) of the jobs by outcome. A restarted job is also in V(changed).
    - When the task is refused before any job is tried (a bad job, a connection that cannot be made, a list of the
      jobs that fails), every job is in V(failed), by its name, else its id, else V(null).
  returned: always
  type: dict
  contains:
    changed:
      description: Jobs that changed.
      type: list
      elements: raw
    ok:
      description: Jobs that did not change.
      type: list
      elements: raw
    restarted:
      description: Jobs that were stopped and started again.
      type: list
      elements: raw
    failed:
      description: Jobs that failed.
      type: list
      elements: raw
    skipped:
      description: Jobs not touched because the rollout halted (O(halt_on_failure)).
      type: list
      elements: raw
  sample:
    changed: [clickstream-enrichment]
    ok: [payments-fraud-scoring, nightly-sessionization]
    restarted: []
    failed: []
    skipped: []
msg:
  description: How many jobs changed, stayed ok, failed and were skipped; on failure, the failed jobs' messages.
  returned: always
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.hwcloud.dli.plugins.module_utils.auth import params_and_redactor
from ansible_collections.hwcloud.dli.plugins.module_utils.api import (
    CONNECTION_ARGUMENT_SPEC,
    ConfigError,
    CredentialsError,
    DliApiError,
    DliClient,
)
from ansible_collections.hwcloud.dli.plugins.module_utils.deferred_signals import DeferredSignals
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_fleet import (
    DEFAULT_CONCURRENCY,
    checked_jobs,
    converge_jobs,
    refused_summary,
    unconverged_results,
)
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_fields import integer_problem
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_read import JobError


def labelled_diff(label, diff):
    """A job's diff headed by its label; a diff of several parts (a SQL job's, its query's text after its fields) gives
    each part that label, after it the part's own header."""
    parts = diff if isinstance(diff, list) else [diff]
    return [dict(part, before_header=" ".join(filter(None, [label, part.get("before_header")])),
                 after_header=" ".join(filter(None, [label, part.get("after_header")]))) for part in parts]


def main():
    argument_spec = dict(CONNECTION_ARGUMENT_SPEC)
    argument_spec.update(
        jobs=dict(type="list", elements="dict", required=True),
        concurrency=dict(type="int", default=DEFAULT_CONCURRENCY),
        max_restarting=dict(type="int"),
        halt_on_failure=dict(type="bool", default=False),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)

    # A short secret is masked as a whole word only, here and by Ansible; the module warns about it.
    params, redact = params_and_redactor(module)
    # fail_json is called outside the except blocks: inside them, ansible-core >= 2.19 attaches
    # the traceback of the exception being handled, and these failures are expected, not bugs.
    failure, checked, signals = None, None, DeferredSignals()
    try:
        problems = [problem for problem in (integer_problem("concurrency", params["concurrency"], minimum=1),
                                            integer_problem("max_restarting", params["max_restarting"], minimum=1))
                    if problem]
        if problems:
            raise ValueError(" ".join(problems))
        checked = checked_jobs(params["jobs"])
        budget = max([job["wait_timeout"] for job, dummy in checked] + [params["timeout"] or 0])
        client = DliClient(params, retry_budget=budget, pool_size=params["concurrency"])
        redact = client.redact
        with signals:
            results, notes, summary = converge_jobs(client, checked, module.check_mode, module._diff,
                                                    params["concurrency"], interrupted=signals,
                                                    max_restarting=params["max_restarting"],
                                                    halt_on_failure=params["halt_on_failure"])
    except (ValueError, ConfigError, CredentialsError) as exc:
        failure = dict(msg=str(exc))
    except JobError as exc:  # the jobs could not be found: nothing was written
        failure = dict(exc.extra, msg=exc.msg)
    except DliApiError as exc:  # the list that finds jobs by name failed: nothing was written
        failure = exc.result()
    if failure:
        failure["msg"] = redact(failure["msg"])
        failure["summary"] = refused_summary(params["jobs"])  # every job failed, none was touched
        if checked is not None:  # and, once the jobs are checked, each one's result
            failure["results"] = unconverged_results(checked, failure["msg"])
        module.fail_json(changed=False, **failure)

    for job_notes in notes:
        for note in job_notes:
            module.warn(note)
    changed = any(result.get("changed") for result in results)
    if changed and signals.report():
        module.warn(signals.report().strip())
    output = dict(changed=changed, results=results, summary=summary)
    if module._diff:
        output["diff"] = [part for label, result in zip(job_labels(params["jobs"], results), results)
                          if result.get("diff") for part in labelled_diff(label, result["diff"])]
    counts = "%s changed, %s ok, %s failed" % (len(summary["changed"]), len(summary["ok"]), len(summary["failed"]))
    if summary["skipped"]:
        counts += ", %s skipped (halt_on_failure)" % len(summary["skipped"])
    if summary["failed"]:
        module.fail_json(msg="%s of %s jobs failed (%s): %s" % (
            len(summary["failed"]), len(results), counts,
            " | ".join(result["msg"] for result in results if result.get("failed"))) + (
                signals.report() if changed else ""), **output)
    output["msg"] = "%s jobs: %s%s.%s" % (len(results), "would be " if module.check_mode else "", counts,
                                          signals.report() if changed else "")
    module.exit_json(**output)


def job_labels(jobs, results):
    return ["Flink job %s" % (job.get("name") or result.get("job_id") or job.get("job_id"))
            for job, result in zip(jobs, results)]


if __name__ == "__main__":
    main()
