#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dli_flink_sql_job
short_description: Create, update, start, stop and delete a Flink SQL job of Huawei Cloud Data Lake Insight (DLI)
version_added: 0.3.0
description:
  - Manages a DLI Flink SQL streaming job (Flink OpenSource SQL), found by O(job_id) or by its exact O(name) - its SQL
    and other fields, whether it exists (O(state=absent) deletes it; a O(name) that no job has creates one) and whether
    it runs (O(state=started) or O(state=stopped)). The sister of M(hwcloud.dli.dli_flink_jar_job), on the same plan,
    waits, pre-flight and rollback.
  - Creates through C(POST /v1.0/{project_id}/streaming/sql-jobs), updates through
    C(PUT /v1.0/{project_id}/streaming/sql-jobs/{job_id}); reads, starts, stops and deletes as for every Flink job.
  - Reads the job first and compares only the options you set, after normalising types and the API's
    representations (V(null), V("") and V([]) are all empty; O(runtime_config) is compared as a mapping,
    O(operator_config) and O(static_estimator_config) as documents). When nothing differs, nothing is written and
    the task reports V(ok). Sends only the fields that differ; the update is a partial merge.
  - Checks the options before any request - O(sql_body) at most 1024*1024 characters, O(run_mode=shared_cluster)
    only with O(job_type=flink_sql_job), the three forms of O(dirty_data_strategy), the choices and limits of the
    others - and names the option that is wrong.
  - A job of another type (a Flink Jar job) is refused before anything is written, naming its type and
    M(hwcloud.dli.dli_flink_jar_job), the module for it.
  - Which fields a running Flink SQL job takes in place is not documented; the module treats it as a Jar job - a
    running job takes only O(smn_topic), O(restart_when_exception), O(resume_checkpoint), O(resume_max_num) and
    O(obs_bucket) in place. Any other change (O(sql_body) among them) needs a restart, which the module does only
    with O(allow_restart=true).
  - A job that someone else is already stopping (C(job_canceling)) is waited for, updated, and left stopped,
    as they meant; the module never starts a job it did not stop itself.
  - The module first plans the ordered steps (RV(actions)); check mode returns the plan, a normal run carries it out.
  - A stop for a restart, for O(state=stopped) or before a delete takes a savepoint, and the start after it resumes
    from it, unless O(upgrade_mode=stateless). If the savepoint cannot be taken, the task fails and the job keeps
    running.
  - Every option takes V(null) as "not set", so a job returned in RV(job) (or by
    M(hwcloud.dli.dli_flink_jar_job_info), which returns a SQL job's SQL fields) can be given back as it is.
  - When the answer to a write is lost, the job is read back and judged by what it holds; a create is never sent
    again blindly (as M(hwcloud.dli.dli_flink_jar_job) does).
author:
  - hwcloud.dli contributors (@hwcloud)
extends_documentation_fragment:
  - hwcloud.dli.connection
  - hwcloud.dli.flink_job
  - hwcloud.dli.attributes
  - hwcloud.dli.attributes.ACTIONGROUP_DLI
attributes:
  check_mode:
    support: full
    details:
      - Reads the job and reports whether it would change, the planned RV(actions) and the predicted RV(job).
        Writes, stops and starts nothing.
  diff_mode:
    support: full
    details:
      - The diff holds the options that differ, before and after; O(sql_body) follows as text, so that it shows
        which lines of the query change.
  idempotent:
    support: full
options:
  job_id:
    description:
      - ID of the Flink SQL job.
      - Without it, the job is found by its exact O(name) (the list call is paged through, and names are compared
        exactly); two jobs of that name are an error that lists their ids. With it, O(name) renames the job.
      - One of O(job_id) and O(name) is required. A job is created only from a O(name), never for a O(job_id) that
        does not exist.
    type: int
  name:
    description:
      - Name of the job, 0 to 57 characters.
      - Identifies the job when O(job_id) is not given; a job of that name is created when none exists (unless
        O(state=absent)). A new job also needs O(job_type=flink_sql_job), or a O(run_mode) other than
        V(shared_cluster), since the API's two defaults (V(shared_cluster) and V(flink_opensource_sql_job)) do not
        go together; such a create is refused before it is sent.
    type: str
  state:
    description:
      - V(present) - the job exists and has the options set; whether it runs is left as it is.
      - V(started) - as V(present), and the job is running (C(job_running)). A stopped, never started or failed job
        (C(job_submit_fail), C(job_running_exception), C(job_cancel_fail)) is started and waited for; if that start
        fails, the message names the status the job ended in.
      - V(stopped) - as V(present), and the job is not running. A running job is stopped and waited for.
      - V(absent) - the job is deleted; a running job is stopped first. V(changed=false) when it does not exist.
      - A job that someone else is stopping (C(job_canceling)) is waited for first.
      - A job that O(name) creates is left stopped (C(job_init)) unless O(state=started).
    type: str
    choices: [present, started, stopped, absent]
    default: present
  upgrade_mode:
    description:
      - How a running job is stopped, for a restart (O(allow_restart)), for O(state=stopped) and before a delete.
      - V(savepoint) - the stop takes a savepoint, and the start after it resumes from it. If the savepoint cannot
        be taken, the task fails and the job keeps running. O(state=started) starts a stopped or failed job from its
        latest savepoint too; a job that never ran starts without one.
      - V(stateless) - stops without a savepoint and starts without state.
      - Independent of O(resume_checkpoint), which is about restarts after exceptions.
    type: str
    choices: [savepoint, stateless]
    default: savepoint
  sql_body:
    description:
      - The job's SQL statements, at most 1024*1024 characters.
      - In diff mode, the diff shows it as text, line by line, after the other options (see RV(diff)).
    type: str
  run_mode:
    description:
      - Where the job runs, V(shared_cluster), V(exclusive_cluster) or V(edge_node). The API's default is
        V(shared_cluster), which needs O(job_type=flink_sql_job).
    type: str
  checkpoint_mode:
    description:
      - Checkpoint mode, V(exactly_once) or V(at_least_once), sent to the API as V(1) or V(2). A running job needs a
        restart to change it.
    type: str
  checkpoint_interval:
    description:
      - Seconds between checkpoints, at least 1. A running job needs a restart to change it.
    type: int
  idle_state_retention:
    description:
      - Seconds an idle state is kept, at least 1. The API's default is V(3600).
    type: int
  job_type:
    description:
      - Type of the job, V(flink_sql_job) or V(flink_opensource_sql_job) (the API's default). Set when the job is
        created only - the update API does not take it; a value other than an existing job's is refused, and nothing
        is written.
      - O(run_mode=shared_cluster) (the API's default) needs V(flink_sql_job).
      - A job of another type (a Flink Jar job) is refused before anything is written, whether or not this is set.
    type: str
  edge_group_ids:
    description:
      - IDs of the edge computing groups the job runs on, with O(run_mode=edge_node). Compared in order. V([]) clears
        them.
    type: list
    elements: raw
  dirty_data_strategy:
    description:
      - What the job does with dirty data - V("0") ignores it (the API's default), V("1") fails the job, V("2:<OBS
        directory>") saves it to that OBS directory, for example V(2:obs://bucket/dirty/).
    type: str
  udf_jar_url:
    description:
      - Package, uploaded to DLI's package management, that holds the job's user-defined functions.
    type: str
  purge_runtime_config:
    description:
      - Whether O(runtime_config) is the whole set (V(true)), or only the keys to set (V(false)).
      - Same convention as C(purge_tags) in the amazon.aws collections.
    type: bool
    default: true
  flink_log_config:
    description:
      - Custom Flink log configuration (the content of C(log4j.properties)). A running job needs a restart to change it.
    type: str
  flink_version:
    description:
      - Flink version of the job. The pre-flight checks that the queue supports it (its C(support_flink_sql_versions)).
    type: str
  execution_agency_urn:
    description:
      - URN of the IAM agency the job runs under. A running job needs a restart to change it.
    type: str
  resource_config_version:
    description:
      - Version of the resource configuration, V(v1) or V(v2); V(v2) for O(resource_config). A running job needs a restart to change it.
    type: str
  resource_config:
    description:
      - Resources of the job, with O(resource_config_version=v2). Compared key by key - the keys you leave out keep
        the job's values (the whole object is sent). A running job needs a restart to change it.
    type: dict
    suboptions:
      max_slot:
        description: Number of slots of each task manager, at least 1.
        type: int
      parallel_number:
        description: Parallelism, at least 1.
        type: int
      jobmanager_resource_spec:
        description: Resources of the job manager.
        type: dict
        suboptions:
          cpu:
            description: CPU cores, greater than 0.
            type: float
          memory:
            description: Memory, such as V(4G).
            type: str
      taskmanager_resource_spec:
        description: Resources of each task manager.
        type: dict
        suboptions:
          cpu:
            description: CPU cores, greater than 0.
            type: float
          memory:
            description: Memory, such as V(4G).
            type: str
  operator_config:
    description:
      - Configuration of the job's operators (their parallelism, say), as a mapping or list, or its JSON text, as the
        API takes it. Compared as a document, never as text.
      - The create API does not take it - a job created with it is updated with it right after the create (a second
        step in RV(actions)).
    type: raw
  static_estimator_config:
    description:
      - The static estimator's configuration of the job's traffic and hit ratio, as a mapping or list, or its JSON
        text, as the API takes it. Compared as a document, never as text.
      - The create API does not take it - as O(operator_config).
    type: raw
  tags:
    description:
      - Tags of the job, a mapping of keys to values. Sent only when the module creates the job - the API takes tags
        on create only, and does not return them; they are ignored for a job that exists.
    type: dict
  status:
    description:
      - Ignored. A job returned in RV(job) (or by M(hwcloud.dli.dli_flink_jar_job_info)) carries its C(status) and
        C(update_time); they are accepted so that such a job can be given back to this module as it is.
      - To start or stop the job, use O(state).
    type: raw
  update_time:
    description:
      - Ignored, as O(status).
    type: raw
  stable_seconds:
    description:
      - A start this task makes counts as done only when the job has reached V(job_running) and stayed in it for
        this many seconds. A job that leaves V(job_running) in that window (V(job_running_exception),
        V(job_submit_fail), a stop) or restarts itself in it (its C(restart_times) grows) failed to start.
      - The start and this window are waited for within O(wait_timeout), so it must be less than O(wait_timeout),
        and needs O(wait=true).
      - V(0) counts a start as done once the job reaches V(job_running).
    type: int
    default: 0
  rollback:
    description:
      - When a start that follows this task's update fails (the job does not reach V(job_running), or is not
        stable for O(stable_seconds)), put back the fields the update changed, to the values read before it, and
        start the job again from the savepoint taken before the update (without one with
        O(upgrade_mode=stateless); a job still running is stopped first, without a savepoint).
      - The task still fails; it returns RV(rolled_back=true) and says that the job runs its previous
        configuration again or, when the rollback fails too, the status the job is left in. RV(actions) lists
        the rollback's writes, each prefixed with C(rollback:).
      - The rollback has its own O(wait_timeout). Check mode and diff never predict a rollback. A created job is
        never rolled back (it had no previous configuration), nor a start that is not waited for (O(wait=false)).
    type: bool
    default: true
  savepoint_path:
    description:
      - An OBS path, V(obs://bucket/path), of a savepoint. When this task starts the job (a create with
        O(state=started), O(state=started) on a stopped job, a restart), it imports this savepoint first and
        resumes from it, whatever O(upgrade_mode) says.
      - A running job that has nothing else to change is not restarted for it.
      - When a rollback follows, the job resumes from its own savepoint taken before the update, not from this one
        (and without a savepoint when that one is not known).
    type: str
seealso:
  - module: hwcloud.dli.dli_flink_jar_job
  - module: hwcloud.dli.dli_flink_jar_job_info
"""

EXAMPLES = r"""
- name: Create the orders dashboard job if none has its name, and keep it running
  hwcloud.dli.dli_flink_sql_job:
    name: orders-dashboard
    queue_name: streaming
    run_mode: exclusive_cluster
    job_type: flink_opensource_sql_job
    flink_version: "1.15"
    sql_body: |
      CREATE TABLE orders (region STRING, amount INT) WITH ('connector' = 'datagen');
      CREATE TABLE dashboard (region STRING, orders BIGINT) WITH ('connector' = 'print');
      INSERT INTO dashboard
      SELECT region, count(*) FROM orders GROUP BY region;
    parallel_number: 2
    checkpoint_enabled: true
    checkpoint_interval: 60
    dirty_data_strategy: "2:obs://orders-dirty-data/dashboard/"
    tags:
      team: data-platform
    state: started

- name: Change the query of a running job, restarting it from a savepoint (run with --check --diff first)
  hwcloud.dli.dli_flink_sql_job:
    name: orders-sql-dashboard
    sql_body: |
      INSERT INTO dashboard
      SELECT region, count(*) AS orders
      FROM orders
      WHERE amount > 0
      GROUP BY region;
    allow_restart: true
    stable_seconds: 5
    wait_timeout: 900

- name: Change what a running job takes in place, without a restart
  hwcloud.dli.dli_flink_sql_job:
    job_id: 1004
    smn_topic: flink-alerts
    resume_max_num: 10

- name: Stop the job, taking a savepoint
  hwcloud.dli.dli_flink_sql_job:
    name: orders-sql-dashboard
    state: stopped

- name: Delete a test job if it exists; a running job is stopped first, with a savepoint
  hwcloud.dli.dli_flink_sql_job:
    name: orders-dashboard-test
    state: absent
"""

RETURN = r"""
changed:
  description: Whether the job was (or, in check mode, would be) created, updated, started, stopped or deleted.
  returned: always
  type: bool
update_time:
  description:
    - Time of the job's last update, in milliseconds since the epoch.
    - The time the update answered with when the job was updated; the job's stored time when nothing changed,
      in check mode, or when a lost answer was judged by reading the job back.
  returned: success
  type: int
  sample: 1516952770835
restarted:
  description: Whether the job was (or, in check mode, would be) stopped and started again to apply the update.
  returned: success
  type: bool
rolled_back:
  description:
    - Whether a failed start after this task's update was rolled back (see O(rollback)). Always V(false) on
      success; on a failure, V(true) when the rollback was tried, whether or not it worked (see RV(msg) and
      RV(status)).
  returned: always
  type: bool
job_id:
  description: ID of the job (the new one when it was created; V(null) when check mode would create it).
  returned: success
  type: int
  sample: 1001
actions:
  description:
    - The ordered steps the task carried out or, in check mode, would carry out. Empty when nothing changes.
    - Each is one of V(create), V(update <options>), V(stop), V(stop with savepoint),
      V(wait for the stop someone else started), V(import savepoint <path>) (see O(savepoint_path)), V(start),
      V(start from savepoint), V(delete); a rollback's writes are prefixed with C(rollback:) (see O(rollback)).
    - A stop and a start include waiting for them (see O(wait)).
    - On failure, every write that took effect or may have (its answer lost), also when the job could not be
      read back after it; a start sent to bring the job back after a failed update is listed too.
  returned: always
  type: list
  elements: str
  sample: [stop with savepoint, update parallel_number, start from savepoint]
msg:
  description: What the task did, or in check mode would do, in one line.
  returned: always
  type: str
  sample: "Flink job 2001: update sql_body."
job:
  description:
    - The job after the task (predicted in check mode), keyed by the option names, plus RV(job.job_id),
      RV(job.status) and RV(job.update_time). The same shape as each Flink SQL job of
      M(hwcloud.dli.dli_flink_jar_job_info).
    - Unset values are V(null); O(runtime_config) is a mapping, O(operator_config) and O(static_estimator_config)
      the documents they hold.
  returned: success, except with O(state=absent) (then V(null))
  type: dict
  sample:
    job_id: 2001
    status: job_running
    update_time: 1516952770835
    name: orders-dashboard
    desc: ""
    queue_name: streaming
    sql_body: "INSERT INTO dashboard SELECT region, count(*) FROM orders GROUP BY region;"
    run_mode: exclusive_cluster
    cu_number: 4
    parallel_number: 2
    checkpoint_enabled: true
    checkpoint_mode: exactly_once
    checkpoint_interval: 60
    obs_bucket: null
    log_enabled: false
    smn_topic: null
    restart_when_exception: false
    idle_state_retention: 3600
    job_type: flink_opensource_sql_job
    edge_group_ids: null
    dirty_data_strategy: "0"
    udf_jar_url: null
    manager_cu_number: 1
    tm_cus: 1
    tm_slot_num: 1
    resume_checkpoint: false
    resume_max_num: -1
    runtime_config: {}
    flink_log_config: null
    flink_version: "1.15"
    execution_agency_urn: null
    resource_config_version: null
    resource_config: null
    operator_config: null
    static_estimator_config: null
  contains:
    job_id:
      description: ID of the job.
      type: int
    status:
      description: Status of the job, for example V(job_init), V(job_running) or V(job_cancel_success).
      type: str
    update_time:
      description: Time of the job's last update, in milliseconds since the epoch.
      type: int
diff:
  description:
    - A list. First, the before and after values of the options that differ, and of C(status) when the run state
      changes; the whole job after a create, and before a delete. O(sql_body) is not in it.
    - Then, when O(sql_body) differs, its text before and after (headed C(sql_body)), so that C(--diff) shows which
      lines of the query change rather than one long string.
  returned: when changed and in diff mode
  type: list
  elements: dict
  sample:
    - before:
        parallel_number: 2
      after:
        parallel_number: 4
    - before: "SELECT region, count(*)\nFROM orders\nGROUP BY region;\n"
      after: "SELECT region, count(*)\nFROM orders\nWHERE amount > 0\nGROUP BY region;\n"
      before_header: sql_body
      after_header: sql_body
status_code:
  description: HTTP status of the failed API call.
  returned: failure of an API call
  type: int
  sample: 400
error_code:
  description: DLI or API gateway error code of the failed call.
  returned: failure of an API call
  type: str
  sample: DLI.0001
request_id:
  description: The C(X-Request-Id) of the failed call, for Huawei Cloud support.
  returned: failure of an API call
  type: str
status:
  description:
    - The job's status at the end of the task (V(null) once deleted).
    - On a failure, the status the job was last read in, where known, for example V(job_cancel_fail) or
      V(job_submit_fail); after a rollback (RV(rolled_back=true)), the status the job is left in.
  returned: success; failure after the job's status was read during a restart (a wait, or a refused or lost stop or
    start) or a rollback
  type: str
  sample: job_running
"""

from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_kind import SQL
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_task import run_job_task


def main():
    run_job_task(SQL)


if __name__ == "__main__":
    main()
