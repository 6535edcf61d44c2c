#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dli_flink_jar_job
short_description: Create, update, start, stop and delete a Flink Jar job of Huawei Cloud Data Lake Insight (DLI)
version_added: 0.1.0
description:
  - Manages a DLI Flink Jar streaming job, found by O(job_id) or by its exact O(name) - its fields, whether it exists
    (O(state=absent) deletes it; a O(name) that no job has creates one) and whether it runs (O(state=started) or
    O(state=stopped)).
  - Updates go through C(PUT /v1.0/{project_id}/streaming/flink-jobs/{job_id}).
  - Reads the job first and compares only the options you set, after normalising types and the API's
    representations (V(null), V("") and V([]) are all empty; O(runtime_config) is compared as a mapping).
    When nothing differs, nothing is written and the task reports V(ok).
  - Sends only the fields that differ. The update is a partial merge, so fields you do not set keep their values.
  - So two tasks that change different fields of one job at the same time both keep their change. Two that change
    the same field race, and the last write wins - the API has no conditional update.
  - A running job takes only O(smn_topic), O(restart_when_exception), O(resume_checkpoint), O(resume_max_num),
    O(checkpoint_path) and O(obs_bucket) in place. Any other change needs a restart, which the module
    does only with O(allow_restart=true).
  - A job that someone else is already stopping (C(job_canceling)) is waited for, updated, and left stopped,
    as they meant; the module never starts a job it did not stop itself.
  - The module first plans the ordered steps (RV(actions)); check mode returns the plan, a normal run carries it out.
  - A stop for a restart, for O(state=stopped) or before a delete takes a savepoint, and the start after it resumes
    from it, unless O(upgrade_mode=stateless). If the savepoint cannot be taken, the task fails and the job keeps
    running; it never falls back to a stop without state.
  - Every option takes V(null) as "not set", so a job returned in RV(job) (or by M(hwcloud.dli.dli_flink_jar_job_info))
    can be given back as it is; the allowed values of O(feature), O(job_type), O(checkpoint_mode) and
    O(resource_config_version) are checked by the module before any request.
  - When the answer to a write is lost (a timeout, a dropped connection, a gateway's HTTP 502 or 504), the job is
    read back and judged by what it holds; RV(changed) is V(true) whenever a write may have taken effect.
  - A create is never sent again blindly. When its answer is lost, the job is looked for by its O(name) until it is
    listed or O(wait_timeout) runs out (a slow create is listed late); only then does the task say that nothing was
    created. When it is answered with HTTP 500 or 503, the jobs of that name are read at once, and the create is sent
    again (within O(max_retries)) only when none is listed.
  - A module process sent SIGTERM, SIGINT or SIGHUP while it carries out its steps (a restart, say) carries them
    through - each wait bounded by O(wait_timeout) - before it exits, and says so in RV(msg) and a warning. Signalled
    before its first write, it writes nothing and fails. A restart that ends after its stop for any other reason
    (O(wait_timeout) running out, say) says that the job is left stopped; O(state=started) brings it back.
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
      - The diff holds the options that differ, before and after.
  idempotent:
    support: full
options:
  job_id:
    description:
      - ID of the Flink Jar job.
      - Without it, the job is found by its exact O(name) (the list call is paged through, and names are compared
        exactly); two jobs of that name are an error that lists their ids. With it, O(name) renames the job.
      - One of O(job_id) and O(name) is required. A job is created only from a O(name), never for a O(job_id) that
        does not exist.
    type: int
  name:
    description:
      - Name of the job, 0 to 57 characters.
      - Identifies the job when O(job_id) is not given; a job of that name is created when none exists (unless
        O(state=absent)). The API requires no other field to create a job.
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
    version_added: 0.2.0
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
    version_added: 0.2.0
    choices: [savepoint, stateless]
    default: savepoint
  main_class:
    description:
      - Entry class of the job.
    type: str
  entrypoint_args:
    description:
      - Arguments of the entry class, separated by spaces.
    type: str
  entrypoint:
    description:
      - Package, uploaded to DLI's package management, that holds the job's main class.
    type: str
  dependency_jars:
    description:
      - Other packages the job depends on, uploaded to DLI's package management, for example V(myGroup/test.jar).
      - Each item is a package name, a string; a nested list or a mapping is refused.
      - Compared in order. V([]) clears them.
    type: list
    elements: raw
  dependency_files:
    description:
      - Resource files the job depends on, uploaded to DLI's package management, for example V(myGroup/test.csv).
      - Each item is a file name, a string; a nested list or a mapping is refused.
      - Compared in order. V([]) clears them.
    type: list
    elements: raw
  feature:
    description:
      - Flink image type of the job, V(basic) or V(custom). V(basic) uses the DLI base image, V(custom) your own
        O(image).
    type: str
  flink_version:
    description:
      - Flink version of the DLI base image. Only with O(feature=basic); not allowed with O(feature=custom).
    type: str
  image:
    description:
      - Custom image, as C(organisation/image:tag). Only with O(feature=custom).
    type: str
  checkpoint_path:
    description:
      - Where the job's checkpoints are stored. Must be unique to the job. A running job takes a change of it in place.
    type: str
  purge_runtime_config:
    description:
      - Whether O(runtime_config) is the whole set (V(true)), or only the keys to set (V(false)).
      - Same convention as C(purge_tags) in the amazon.aws collections.
    type: bool
    version_added: 0.2.0
    default: true
  job_type:
    description:
      - Type of the job, a parameter of the update API. Only V(flink_jar_job) is allowed.
      - It exists because the API takes it; setting it changes nothing, since the module reads the job first and
        refuses a job of another type (such as a Flink SQL job) before anything is written, whether or not this is set.
    type: str
  checkpoint_mode:
    description:
      - Checkpoint mode, V(exactly_once) or V(at_least_once), sent to the API as V(1) or V(2). A running job needs a
        restart to change it.
    type: str
    version_added: 0.2.0
  checkpoint_interval:
    description:
      - Seconds between checkpoints, at least 1. A running job needs a restart to change it.
    type: int
    version_added: 0.2.0
  execution_agency_urn:
    description:
      - URN of the IAM agency the job runs under. A running job needs a restart to change it.
    type: str
    version_added: 0.2.0
  flink_log_config:
    description:
      - Custom Flink log configuration (the content of C(log4j.properties)). A running job needs a restart to change it.
    type: str
    version_added: 0.2.0
  resource_config_version:
    description:
      - Version of the resource configuration, V(v1) or V(v2); V(v2) for O(resource_config). A running job needs a restart to change it.
    type: str
    version_added: 0.2.0
  resource_config:
    description:
      - Resources of the job, with O(resource_config_version=v2). Compared key by key - the keys you leave out keep
        the job's values (the whole object is sent). A running job needs a restart to change it.
    type: dict
    version_added: 0.2.0
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
  tags:
    description:
      - Tags of the job, a mapping of keys to values. Sent only when the module creates the job - the API takes tags
        on create only, and does not return them; they are ignored for a job that exists.
    type: dict
    version_added: 0.2.0
  status:
    description:
      - Ignored. A job returned in RV(job) (or by M(hwcloud.dli.dli_flink_jar_job_info)) carries its C(status) and
        C(update_time); they are accepted so that such a job can be given back to this module as it is.
      - To start or stop the job, use O(state).
    type: raw
    version_added: 0.2.0
  update_time:
    description:
      - Ignored, as O(status).
    type: raw
    version_added: 0.2.0
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
    version_added: 0.3.0
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
    version_added: 0.3.0
  savepoint_path:
    description:
      - An OBS path, V(obs://bucket/path), of a savepoint. When this task starts the job (a create with
        O(state=started), O(state=started) on a stopped job, a restart), it imports this savepoint first and
        resumes from it, whatever O(upgrade_mode) says.
      - A running job that has nothing else to change is not restarted for it.
      - When a rollback follows, the job resumes from its own savepoint taken before the update, not from this one
        (and without a savepoint when that one is not known).
    type: str
    version_added: 0.3.0
seealso:
  - name: Updating a Flink Jar job (DLI API reference)
    description: The API this module calls.
    link: https://support.huaweicloud.com/intl/en-us/api-dli/dli_02_0231.html
"""

EXAMPLES = r"""
- name: Scale the enrichment job (run with --check --diff first to see what would change)
  hwcloud.dli.dli_flink_jar_job:
    job_id: 1001
    parallel_number: 4
  register: result

- name: Set one Flink setting and keep the job's others
  hwcloud.dli.dli_flink_jar_job:
    job_id: 1001
    runtime_config:
      taskmanager.memory.process.size: 8g
    purge_runtime_config: false

- name: Create a job by name if none has it, and keep it running
  hwcloud.dli.dli_flink_jar_job:
    name: sessionization-v2
    queue_name: streaming
    entrypoint: jobs/sessionization.jar
    main_class: com.example.Sessionization
    parallel_number: 2
    checkpoint_enabled: true
    checkpoint_mode: exactly_once
    checkpoint_interval: 60
    tags:
      team: data-platform
    state: started


- name: Change what a running job takes in place, without a restart
  hwcloud.dli.dli_flink_jar_job:
    job_id: 1002
    smn_topic: flink-alerts
    resume_max_num: 10

- name: Move a running job to a bigger queue, restarting it from a savepoint
  hwcloud.dli.dli_flink_jar_job:
    job_id: 1002
    queue_name: streaming_large
    cu_number: 8
    allow_restart: true
    wait_timeout: 900

- name: A safe production upgrade - pre-flight, a stable window, and a rollback if the new jar fails
  hwcloud.dli.dli_flink_jar_job:
    job_id: 1002
    entrypoint: fraud/scoring-2.2.0.jar
    allow_restart: true
    # The queue is checked first (it exists, runs Jar jobs, has the CUs and the Flink version): a bad
    # queue fails the task before the job is stopped. The new version must then stay running for 30
    # seconds (longer for a job that fails later); if it does not, the task puts the jar it ran before
    # back and resumes it from the savepoint of the stop.
    stable_seconds: 30
    rollback: true
    wait_timeout: 900
  register: upgrade

- name: Start a stopped job from a savepoint kept in OBS
  hwcloud.dli.dli_flink_jar_job:
    job_id: 1001
    state: started
    savepoint_path: obs://fraud-savepoints/scoring/savepoint-2a1b3c

- name: Start the stopped nightly job again, without restoring state
  hwcloud.dli.dli_flink_jar_job:
    job_id: 1003
    state: started
    upgrade_mode: stateless

- name: Stop the fraud scoring job, found by its name, taking a savepoint
  hwcloud.dli.dli_flink_jar_job:
    name: payments-fraud-scoring
    state: stopped

- name: Delete a test job if it exists; a running job is stopped first, with a savepoint
  hwcloud.dli.dli_flink_jar_job:
    name: clickstream-enrichment-test
    state: absent

- name: Connection options for every module of the collection, on Open Telekom Cloud
  module_defaults:
    group/hwcloud.dli.dli:
      region: eu-de
      cloud: otc.t-systems.com
      project_id: "{{ lookup('ansible.builtin.env', 'HW_PROJECT_ID') }}"
      access_key: "{{ lookup('ansible.builtin.env', 'HW_ACCESS_KEY') }}"
      secret_key: "{{ lookup('ansible.builtin.env', 'HW_SECRET_KEY') }}"
  block:
    - name: Describe the job
      hwcloud.dli.dli_flink_jar_job:
        job_id: 1001
        desc: Enriches click events with user profiles
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
  sample: "Flink job 1001: update parallel_number."
job:
  description:
    - The job after the task (predicted in check mode), keyed by the option names, plus RV(job.job_id),
      RV(job.status) and RV(job.update_time). The same shape as each job of M(hwcloud.dli.dli_flink_jar_job_info).
    - Unset values are V(null); O(runtime_config) is a mapping.
  returned: success, except with O(state=absent) (then V(null))
  type: dict
  sample:
    job_id: 1001
    status: job_running
    update_time: 1516952770835
    name: enrichment
    desc: ""
    queue_name: streaming
    cu_number: 4
    manager_cu_number: 1
    parallel_number: 4
    log_enabled: false
    obs_bucket: null
    smn_topic: null
    main_class: com.example.Enrichment
    entrypoint_args: null
    restart_when_exception: true
    entrypoint: jobs/enrichment.jar
    dependency_jars: []
    dependency_files: []
    tm_cus: 1
    tm_slot_num: 2
    feature: basic
    flink_version: "1.15"
    image: null
    resume_checkpoint: true
    resume_max_num: -1
    checkpoint_path: obs://bucket/checkpoints/enrichment
    runtime_config:
      taskmanager.memory.process.size: 8g
    job_type: flink_jar_job
    checkpoint_enabled: false
    checkpoint_mode: exactly_once
    checkpoint_interval: 30
    execution_agency_urn: null
    flink_log_config: null
    resource_config_version: null
    resource_config: null
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
    - Before and after values of the options that differ, and of C(status) when the run state changes.
    - The whole job after a create, and before a delete.
  returned: when changed and in diff mode
  type: dict
  sample:
    before:
      parallel_number: 2
    after:
      parallel_number: 4
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

from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_kind import JAR
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_task import run_job_task


def main():
    run_job_task(JAR)


if __name__ == "__main__":
    main()
