#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dli_flink_jar_job_info
short_description: Read Flink jobs of Huawei Cloud Data Lake Insight (DLI)
version_added: 0.2.0
description:
  - Reads one Flink job by O(job_id), the jobs of an exact O(name), or every job the list call returns for the
    filters O(status), O(queue_name) and O(job_type).
  - Returns each job whole, in the shape of RV(hwcloud.dli.dli_flink_jar_job#module:job), so that a job read here
    can be given back to M(hwcloud.dli.dli_flink_jar_job) as its arguments. A Flink SQL job (C(job_type)
    V(flink_sql_job) or V(flink_opensource_sql_job)) is returned in the shape of
    RV(hwcloud.dli.dli_flink_sql_job#module:job) instead, with its SQL fields, and can be given back to
    M(hwcloud.dli.dli_flink_sql_job).
  - The list answer lacks most fields of a job, so the detail of each job listed is read too
    (C(GET /v1.0/{project_id}/streaming/jobs/{job_id})), one call per job. A job deleted between the list and
    the read of its detail is left out.
  - The list call is paged through (C(GET /v1.0/{project_id}/streaming/jobs), up to 100 jobs a page).
  - Writes nothing; RV(changed) is always V(false).
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
      - This action does not modify state; it reads the same in check mode.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
  idempotent:
    support: full
options:
  job_id:
    description:
      - ID of the job to read. One C(GET) of its detail.
      - A job that does not exist gives an empty RV(jobs), not a failure.
      - Mutually exclusive with O(name).
    type: int
  name:
    description:
      - Name of the jobs to read, compared exactly.
      - The list call is filtered by this name and paged through; since the service's filter may match parts of
        names, only the jobs whose whole name is O(name) are kept. Then the detail of each is read.
      - No job of that name gives an empty RV(jobs). Names are not unique in DLI, so there may be several.
      - Mutually exclusive with O(job_id).
    type: str
  status:
    description:
      - Only jobs in this status, for example V(job_running), V(job_init) or V(job_cancel_success).
      - Without O(job_id) and O(name), a filter of the list call. With O(job_id) or O(name), the jobs read are
        filtered by it here, on the status their detail holds.
    type: str
  queue_name:
    description:
      - Only jobs on this queue.
      - Without O(job_id) and O(name), a filter of the list call. With O(job_id) or O(name), the jobs read are
        filtered by it here, on the queue their detail holds.
    type: str
  job_type:
    description:
      - Only jobs of this type, for example V(flink_jar_job) or V(flink_sql_job).
      - Without it, jobs of every type are returned, Flink SQL jobs too; M(hwcloud.dli.dli_flink_jar_job) manages
        only V(flink_jar_job) ones, M(hwcloud.dli.dli_flink_sql_job) the Flink SQL ones.
      - Without O(job_id) and O(name), a filter of the list call. With O(job_id) or O(name), the jobs read are
        filtered by it here, on the type their detail holds.
    type: str
notes:
  - The filters O(status), O(queue_name) and O(job_type) go to the list call as they are; compared here (with
    O(job_id) or O(name)), they must equal the job's value exactly.
seealso:
  - module: hwcloud.dli.dli_flink_jar_job
    description: Creates, updates, starts, stops and deletes a Flink Jar job; takes a job returned here as its arguments.
  - module: hwcloud.dli.dli_flink_sql_job
    description: The same for a Flink SQL job; takes a Flink SQL job returned here as its arguments.
"""

EXAMPLES = r"""
- name: Read one job by its name
  hwcloud.dli.dli_flink_jar_job_info:
    name: clickstream-enrichment
  register: found

- name: Show its status and parallelism
  ansible.builtin.debug:
    msg: "{{ found.jobs[0].name }} is {{ found.jobs[0].status }}, parallelism {{ found.jobs[0].parallel_number }}"
  when: found.jobs | length > 0

- name: List the running Flink Jar jobs
  hwcloud.dli.dli_flink_jar_job_info:
    status: job_running
    job_type: flink_jar_job
  register: running

- name: Show their ids and names
  ansible.builtin.debug:
    msg: "{{ running.jobs | items2dict(key_name='job_id', value_name='name') }}"

# A job read here carries every option of hwcloud.dli.dli_flink_jar_job, plus its status and
# update_time, which that module accepts and ignores: given back unchanged, it changes nothing.
# hwcloud.dli.dli_flink_jar_jobs takes such jobs as its jobs option, as they are (no templated
# task arguments); map('combine', {'parallel_number': 2}) changes only that value of each.
- name: Give the jobs read back to hwcloud.dli.dli_flink_jar_jobs, unchanged
  hwcloud.dli.dli_flink_jar_jobs:
    jobs: "{{ found.jobs }}"
  register: same

- name: Nothing changed
  ansible.builtin.assert:
    that:
      - same is not changed
"""

RETURN = r"""
changed:
  description: Always V(false); the module writes nothing.
  returned: always
  type: bool
jobs:
  description:
    - The jobs read. With O(job_id), none or one; with O(name), every job of that exact name; otherwise every job
      of the list call, in the order it returns them.
    - Each has the same keys and values as RV(hwcloud.dli.dli_flink_jar_job#module:job) - the options of
      M(hwcloud.dli.dli_flink_jar_job) (see there), keyed by option name, plus RV(jobs[].job_id),
      RV(jobs[].status) and RV(jobs[].update_time). Unset values are V(null); C(runtime_config) is a mapping.
    - A job can be given back to M(hwcloud.dli.dli_flink_jar_job) as its arguments unchanged; that module ignores
      C(status) and C(update_time).
    - A Flink SQL job has the keys of RV(hwcloud.dli.dli_flink_sql_job#module:job) instead - the options of
      M(hwcloud.dli.dli_flink_sql_job), with C(sql_body), C(run_mode), C(idle_state_retention),
      C(dirty_data_strategy), C(udf_jar_url), C(edge_group_ids), C(operator_config) and
      C(static_estimator_config), and without the Jar job's C(entrypoint), C(main_class) and the like - and can
      be given back to that module.
  returned: success
  type: list
  elements: dict
  sample:
    - job_id: 1001
      status: job_init
      update_time: 1763870400000
      name: clickstream-enrichment
      desc: Enriches click events with user profiles
      queue_name: streaming_queue
      cu_number: 2
      manager_cu_number: 1
      parallel_number: 1
      log_enabled: false
      obs_bucket: null
      smn_topic: null
      main_class: com.example.clickstream.Enrichment
      entrypoint_args: --source kafka --sink dws
      restart_when_exception: false
      entrypoint: clickstream/enrichment-1.4.0.jar
      dependency_jars: [clickstream/profiles-client.jar]
      dependency_files: null
      tm_cus: 1
      tm_slot_num: 1
      feature: basic
      flink_version: "1.15"
      image: null
      resume_checkpoint: false
      resume_max_num: -1
      checkpoint_path: null
      runtime_config:
        state.backend: rocksdb
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
      returned: always
      sample: 1001
    status:
      description: Status of the job, for example V(job_init), V(job_running) or V(job_cancel_success).
      type: str
      returned: always
      sample: job_running
    update_time:
      description: Time of the job's last update, in milliseconds since the epoch.
      type: int
      returned: always
      sample: 1763870400000
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
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_read import JobError, read_jobs

# The list call's filters besides the name; with job_id or name, they are compared to each job's detail here.
FILTERS = ("status", "queue_name", "job_type")


def main():
    argument_spec = dict(CONNECTION_ARGUMENT_SPEC)
    argument_spec.update(
        job_id=dict(type="int"),
        name=dict(type="str"),
        status=dict(type="str"),
        queue_name=dict(type="str"),
        job_type=dict(type="str"),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           mutually_exclusive=[("job_id", "name")])

    # A short secret is masked as a whole word only, here and by Ansible; the module warns about it.
    params, redact = params_and_redactor(module)
    # fail_json is called outside the except blocks: inside them, ansible-core >= 2.19 attaches
    # the traceback of the exception being handled, and these failures are expected, not bugs.
    failure, jobs = None, None
    try:
        client = DliClient(params, retry_budget=params["timeout"] or 0)
        redact = client.redact
    except (ValueError, ConfigError, CredentialsError) as exc:
        failure = dict(msg=str(exc))
    if not failure:
        filters = dict((key, params[key]) for key in FILTERS)
        try:
            jobs = read_jobs(client, params["job_id"], params["name"], filters)
        except JobError as exc:
            failure = dict(exc.extra, msg=exc.msg)
        except DliApiError as exc:
            failure = exc.result()
        except ConfigError as exc:
            failure = dict(msg=str(exc))
    if failure:
        failure["msg"] = redact(failure["msg"])
        module.fail_json(changed=False, **failure)
    module.exit_json(changed=False, jobs=jobs)


if __name__ == "__main__":
    main()
