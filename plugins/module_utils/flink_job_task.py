# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One Flink job's task, whatever its kind: the module's argument spec, the options checked before any request,
the plan carried out (or returned, in check mode) while signals are held, and the task's result. The job modules
(dli_flink_jar_job, dli_flink_sql_job) are this with their kind and their docs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.hwcloud.dli.plugins.module_utils.api import CONNECTION_ARGUMENT_SPEC, ConfigError, DliClient
from ansible_collections.hwcloud.dli.plugins.module_utils.auth import CredentialsError, params_and_redactor
from ansible_collections.hwcloud.dli.plugins.module_utils.deferred_signals import DeferredSignals
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_options import checked_job_options, job_options_spec
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_update import job_update_from_params, task_result


def run_job_task(kind):
    """The whole task of a module that manages one job of ``kind``: it ends in exit_json or fail_json."""
    argument_spec = dict(CONNECTION_ARGUMENT_SPEC)
    argument_spec.update(job_options_spec(kind))
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_one_of=[("job_id", "name")])

    # A short secret is masked as a whole word only, here and by Ansible; the module warns about it.
    params, redact = params_and_redactor(module)
    # fail_json is called outside the except blocks: inside them, ansible-core >= 2.19 attaches
    # the traceback of the exception being handled, and these failures are expected, not bugs.
    failure = None
    try:
        checked = checked_job_options(params, kind)
        client = DliClient(params, retry_budget=max(params["wait_timeout"], params["timeout"] or 0))
        redact = client.redact
        signals = DeferredSignals()
        update = job_update_from_params(client, params, check_mode=module.check_mode, checked=checked,
                                        interrupted=signals, kind=kind)
    except (ValueError, ConfigError, CredentialsError) as exc:
        failure = dict(msg=redact(str(exc)))
    if failure:
        module.fail_json(changed=False, **failure)

    with signals:
        result = task_result(update, module.check_mode, module._diff, redact)
    if update.wrote and signals.report():
        result["msg"] += signals.report()
        update.notes.append(signals.report().strip())
    for note in update.notes:
        module.warn(redact(note))
    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)
