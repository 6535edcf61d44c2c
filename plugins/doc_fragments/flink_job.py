# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The options every kind of Flink job shares, word for word: its fields common to Jar and SQL jobs, and how
    # a running job is restarted and waited for (dli_flink_jar_job, dli_flink_sql_job).
    DOCUMENTATION = r"""
options:
  desc:
    description:
      - Description of the job, 0 to 512 characters. V("") clears it.
    type: str
  queue_name:
    description:
      - Name of the queue the job runs on, 1 to 128 characters.
    type: str
  cu_number:
    description:
      - Number of CUs of the job, at least 1 and more than O(manager_cu_number). The API's default is V(2).
    type: int
  manager_cu_number:
    description:
      - Number of CUs of the management node (the Flink job managers), at least 1. The API's default is V(1).
    type: int
  parallel_number:
    description:
      - Parallelism of the job, at least 1. The API's default is V(1).
    type: int
  log_enabled:
    description:
      - Whether to save the job's logs to OBS. V(true) needs an O(obs_bucket) (set here or already on the job).
    type: bool
  obs_bucket:
    description:
      - OBS bucket the job's logs are saved to when O(log_enabled=true).
      - A running job takes a change of it in place.
    type: str
  smn_topic:
    description:
      - SMN topic that is notified when the job fails. A running job takes a change of it in place.
    type: str
  restart_when_exception:
    description:
      - Whether the job restarts on an exception. A running job takes a change of it in place.
    type: bool
  tm_cus:
    description:
      - Number of CUs of each task manager, at least 1. The API's default is V(1).
    type: int
  tm_slot_num:
    description:
      - Number of slots of each task manager, at least 1.
      - The API's default is O(parallel_number) * O(tm_cus) / (O(cu_number) - O(manager_cu_number)).
      - Not compared unless set, so the value the service fills in never counts as a change.
    type: int
  resume_checkpoint:
    description:
      - Whether the job recovers from its checkpoint when it restarts after an exception.
      - Whether a stop takes a savepoint is O(upgrade_mode)'s choice, not this option's.
      - A running job takes a change of it in place.
    type: bool
  resume_max_num:
    description:
      - Maximum number of restarts after exceptions per hour, V(-1) for no limit or greater than 0.
      - A running job takes a change of it in place.
    type: int
  runtime_config:
    description:
      - >-
        Flink configuration for the job, as a mapping of Flink keys to values (recommended), or as the API's JSON
        string C([{"key": "k", "value": "v"}]).
      - Compared as a mapping, values as strings (V(true) and V("true") are the same). V({}) clears it.
      - Values are single values, written as the API stores them, as strings; booleans as V(true)/V(false),
        numbers as their decimal text, V(null) as an empty string. A nested mapping or list is refused.
      - With O(purge_runtime_config=true) (the default), the mapping is the whole set - keys you leave out are
        removed from the job. With V(false), only the keys given are compared and set, and the job's others are kept.
    type: raw
  checkpoint_enabled:
    description:
      - Whether the job takes checkpoints. A running job needs a restart to change it.
    type: bool
  allow_restart:
    description:
      - Whether the module may stop and start a running job to apply options a running job does not take in place.
      - It stops the job (with a savepoint unless O(upgrade_mode=stateless)), waits for the stop, updates, and starts
        the job again, resuming from that savepoint.
      - When V(false), such a change to a running job fails, naming the options, and nothing is written.
      - Needs a O(wait_timeout) of at least V(1).
      - If the stop or the start is refused or its answer is lost, the job is read back; a job that someone else
        stopped or started meanwhile is reported as such, with its RV(status).
    type: bool
    default: false
  wait:
    description:
      - Whether to wait for the last start (until the job runs) or the last stop (until it is stopped).
      - A stop that an update or a delete follows is always waited for.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the job's stops and starts, for the whole task, at most V(86400); at least V(1) with
        O(allow_restart=true) and with O(state=started), O(state=stopped) or O(state=absent).
      - Also bounds how long the retries of one call may wait (see O(max_retries)).
    type: int
    default: 600
"""
