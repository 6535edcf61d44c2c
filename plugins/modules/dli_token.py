#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dli_token
short_description: Log in to Huawei Cloud IAM once, for the DLI tasks of a whole run
version_added: 0.2.0
description:
  - Logs in to IAM with an IAM user (O(user_name), O(password) and O(domain_name)) and returns the token IAM issues,
    scoped to O(project_id) (C(POST /v3/auth/tokens)), with when it expires.
  - Give the token to later tasks as O(hwcloud.dli.dli_flink_jar_job#module:auth_token). Each task of
    M(hwcloud.dli.dli_flink_jar_job) or M(hwcloud.dli.dli_flink_jar_job_info) given an IAM user logs in to IAM on
    its own; given the token, it does not. A run over a fleet of 200 jobs then logs in once, not 200 times.
  - The login is the one those modules make (the same request, endpoints, retries and error messages).
  - "The result holds the token, a secret. B(The task must use) C(no_log: true), so that Ansible shows and logs
    nothing of its result (see the examples). The module itself puts the token nowhere else: not in a message, not
    in a file."
  - "Only an IAM user logs in. Access keys (O(access_key) and O(secret_key)) sign every request and need no token, and
    a token given in O(auth_token) is one already. With either (they come first in the order of credentials), the
    module makes no request and returns RV(token=null), with a RV(msg) that says so. Later tasks that take their
    C(auth_token) from RV(token) through the C(default) filter with C(omit), as in the examples, then leave it unset
    and use those credentials. So one playbook serves every kind of credentials, with at most one login."
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
      - Logs in in check mode too, since the tasks after it read jobs in check mode with the token. A login changes
        nothing in the cloud.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
  idempotent:
    support: full
    details:
      - Every run obtains a new token, and reports V(ok).
options: {}
notes:
  - "Use C(no_log: true) on the task: without it, the token is shown at C(-v) and written to the log file
    (C(log_path)), to callback plugins and to the job events of AWX or Automation Platform. C(no_log) hides the
    result of a failure too; its RV(msg) never holds the password or a token, so it may be shown."
  - "An ad-hoc command cannot set C(no_log) on its task: run it with C(ANSIBLE_NO_LOG=true), which hides the result,
    and give the password through E(HW_USER_PASSWORD), since a failing ad-hoc command shows the start of its C(-a)
    arguments."
  - "Keep the token in the registered variable only. Do not copy it into a fact that is cached (C(cacheable: true)
    with a fact cache), a file or an extra variable."
  - "Log in once per run, not once per host: on a play over many hosts, use C(run_once: true) with
    C(delegate_to: localhost), or log in in a play of its own on C(localhost) and read the token from
    C(hostvars['localhost']) in later plays. With C(serial), C(run_once) runs once per batch."
  - "IAM tokens are valid for 24 hours (RV(expires_at)). Tasks given a token never renew it: a run that lasts longer
    must log in again. Tasks given the IAM user instead log in on their own and renew their token."
seealso:
  - module: hwcloud.dli.dli_flink_jar_job
    description: Takes the token as O(hwcloud.dli.dli_flink_jar_job#module:auth_token).
  - module: hwcloud.dli.dli_flink_jar_job_info
    description: Takes the token as O(hwcloud.dli.dli_flink_jar_job_info#module:auth_token).
"""

EXAMPLES = r"""
# The connection and the IAM user come from the environment: HW_PROJECT_ID, HW_REGION_NAME,
# HW_USER_NAME, HW_USER_PASSWORD and HW_DOMAIN_NAME.
- name: Log in to IAM once for the whole run
  hwcloud.dli.dli_token:
  register: dli_login
  no_log: true  # the result holds the token: nothing of it may be shown or logged
  run_once: true  # once, not once per host of the play
  delegate_to: localhost

# Each task is given the token and logs in no more. With access keys instead of an IAM user,
# the token is null and default(omit, true) leaves auth_token unset: the tasks use the keys.
- name: Describe the jobs of the fleet with the token
  hwcloud.dli.dli_flink_jar_job:
    job_id: "{{ item }}"
    desc: Managed by Ansible
    auth_token: "{{ dli_login.token | default(omit, true) }}"
  loop: [1001, 1003]
  delegate_to: localhost

- name: Read the running Flink Jar jobs with the same token
  hwcloud.dli.dli_flink_jar_job_info:
    status: job_running
    job_type: flink_jar_job
    auth_token: "{{ dli_login.token | default(omit, true) }}"
  register: running
  delegate_to: localhost

- name: Say when the token expires (expires_at is no secret)
  ansible.builtin.debug:
    msg: "{{ dli_login.msg }}"
"""

RETURN = r"""
changed:
  description: Always V(false); a login changes nothing.
  returned: always
  type: bool
token:
  description:
    - The IAM token, to pass to later tasks as O(hwcloud.dli.dli_flink_jar_job#module:auth_token) (header
      C(X-Auth-Token)). A secret - see the notes.
    - V(null) when the credentials are access keys or a token (no login is made).
  returned: success
  type: str
  sample: MIIZbQYJKoZIhvcNAQcCoIIZXjCCGVoCAQExDTALBglghkgBZQMEAgEwgh...
expires_at:
  description:
    - When the token expires, as IAM gives it (ISO 8601, UTC), usually 24 hours after the login.
    - V(null) when no login was made, or IAM gave no expiry.
  returned: success
  type: str
  sample: "2026-01-02T09:30:00.000000Z"
project_id:
  description: The project the token is scoped to (O(project_id)), which the later tasks must use too.
  returned: success
  type: str
  sample: 0f1e2d3c4b5a69788796a5b4c3d2e1f0
msg:
  description: What was done - the login, its user and the expiry; or why no login was made. Never the token.
  returned: always
  type: str
  sample: Logged in to IAM at https://iam.cn-north-4.myhuaweicloud.com as user ops-automation; the token expires at
    2026-01-02T09:30:00.000000Z.
status_code:
  description: HTTP status of the failed login.
  returned: failure of the login
  type: int
  sample: 401
error_code:
  description: IAM or API gateway error code of the failed login, if it gave one.
  returned: failure of the login
  type: str
request_id:
  description: The request id of the failed login, for Huawei Cloud support.
  returned: failure of the login
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

# Why no login is made, by the kind of the credentials that come first.
NO_LOGIN = {
    "aksk": "Access keys (access_key and secret_key) sign every request and need no token: no login was made, and "
            "token is null. Give the later tasks no auth_token, and they use the keys.",
    "token": "An IAM token was given (auth_token, or HW_AUTH_TOKEN): no login was made, and token is null. Give the "
             "later tasks no auth_token, and they use the token given.",
}


def main():
    module = AnsibleModule(argument_spec=dict(CONNECTION_ARGUMENT_SPEC), supports_check_mode=True)

    # A short secret is masked as a whole word only, here and by Ansible; the module warns about it.
    params, redact = params_and_redactor(module)
    # fail_json is called outside the except blocks: inside them, ansible-core >= 2.19 attaches
    # the traceback of the exception being handled, and these failures are expected, not bugs.
    failure, result = None, None
    try:
        client = DliClient(params, retry_budget=params["timeout"] or 0)
        redact = client.redact
    except (ValueError, ConfigError, CredentialsError) as exc:
        failure = dict(msg=str(exc))
    if not failure:
        result = dict(token=None, expires_at=None, project_id=client.project_id)
        if client.credentials.method in NO_LOGIN:
            result["msg"] = NO_LOGIN[client.credentials.method]
        else:
            try:
                result["token"], result["expires_at"] = client.login_token()
            except DliApiError as exc:
                failure = exc.result()
            except ConfigError as exc:
                failure = dict(msg=str(exc))
            else:
                result["msg"] = "Logged in to IAM at %s as user %s; the token expires at %s." % (
                    client.iam_endpoint, client.credentials.user_name, result["expires_at"] or "a time IAM did not give")
    if failure:
        failure["msg"] = redact(failure["msg"])
        module.fail_json(changed=False, **failure)
    # The token is in the result, where it belongs, and only there: the message was written without it.
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
