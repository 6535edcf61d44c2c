# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Connection and credential options shared by every module of hwcloud.dli.
    DOCUMENTATION = r"""
options:
  region:
    description:
      - Huawei Cloud or Open Telekom Cloud region, for example V(cn-north-4), V(ap-southeast-1) or V(eu-de).
      - Builds the default O(endpoint) and O(iam_endpoint). Required unless both are set.
      - Surrounding spaces are stripped; a region with any other character than letters, digits and V(-) is refused.
      - If not set, the value of the E(HW_REGION_NAME) environment variable is used.
    type: str
  project_id:
    description:
      - ID of the project the DLI jobs belong to; letters, digits, V(-) and V(_) only, up to 64 characters.
      - Required. If not set, the value of the E(HW_PROJECT_ID) environment variable is used.
    type: str
  endpoint:
    description:
      - Base URL of the DLI API, C(scheme://host[:port]), without a path, query or user information
        (C(user:password@)); anything else is refused before any request.
      - Defaults to C(https://dli.{region}.{cloud}).
      - If not set, the value of the E(HW_DLI_ENDPOINT) environment variable is used.
    type: str
  cloud:
    description:
      - Domain of the cloud, used to build the default endpoints.
      - Defaults to V(myhuaweicloud.com) (V(myhuaweicloud.eu) for region V(eu-west-101)); use V(otc.t-systems.com) for Open Telekom Cloud.
      - If not set, the value of the E(HW_CLOUD) environment variable is used.
    type: str
  access_key:
    description:
      - Access key ID (AK) for request signing with SDK-HMAC-SHA256. Used with O(secret_key).
      - If not set, the value of the E(HW_ACCESS_KEY) environment variable is used.
    type: str
  secret_key:
    description:
      - Secret access key (SK) that goes with O(access_key).
      - If not set, the value of the E(HW_SECRET_KEY) environment variable is used.
    type: str
  security_token:
    description:
      - Security token of temporary access keys, sent with the AK/SK signature.
      - If not set, the value of the E(HW_SECURITY_TOKEN) environment variable is used.
    type: str
  auth_token:
    description:
      - An IAM token, sent as C(X-Auth-Token). Takes precedence over every other credential.
      - For example the token that M(hwcloud.dli.dli_token) returns, which logs in once for the tasks of a whole run.
      - If not set, the value of the E(HW_AUTH_TOKEN) environment variable is used.
    type: str
  user_name:
    description:
      - IAM user name, exchanged with O(password) and O(domain_name) for a token once per task (see
        M(hwcloud.dli.dli_token) for once per run).
      - If not set, the value of the E(HW_USER_NAME) environment variable is used.
    type: str
  password:
    description:
      - Password of the IAM user O(user_name).
      - If not set, the value of the E(HW_USER_PASSWORD) environment variable is used.
    type: str
  domain_name:
    description:
      - Account (domain) name of the IAM user O(user_name).
      - If not set, the value of the E(HW_DOMAIN_NAME) environment variable is used.
    type: str
  iam_endpoint:
    description:
      - Base URL of IAM, for O(user_name)/O(password) login. A trailing C(/v3) is accepted; any other path,
        a query or user information is refused.
      - Defaults to C(https://iam.{region}.{cloud}).
      - If not set, the value of the E(HW_AUTH_URL) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the TLS certificates of the endpoints. Set to V(false) only for a test endpoint you trust.
      - V(false) always holds, whatever E(REQUESTS_CA_BUNDLE) or E(CURL_CA_BUNDLE) say.
    type: bool
    default: true
  ca_path:
    description:
      - A CA bundle (PEM file, or a directory prepared with C(c_rehash)) to verify the endpoints' certificates
        with, instead of the default one. A path that does not exist is an error.
      - When not set, E(REQUESTS_CA_BUNDLE) or E(CURL_CA_BUNDLE) is used if set, else the bundle C(requests) uses by
        default (C(certifi)'s, or the system's where the distribution's C(requests) is patched to use it).
    type: path
  timeout:
    description:
      - Seconds one HTTP request may take as a whole, from connecting to the last byte of the answer. V(1) to V(3600).
      - Also the least time the retries of one call may wait in all (see O(max_retries)).
    type: int
    default: 30
  max_retries:
    description:
      - How often a request is retried after HTTP 429, 500, 502, 503 or 504, or a connection that could not be made, with
        jittered exponential backoff (0.5, 1, 2, 4 ... seconds, at most 20), or after the C(Retry-After) the
        service asks for. V(0) disables retries, V(100) is the most. Every retry is signed afresh.
      - The waits of one call are bounded by the longer of O(timeout) and, in modules that have it, C(wait_timeout).
        A C(Retry-After) longer than that fails at once, with the service's C(Retry-After) in the message.
      - A write (update, stop, start) whose answer was lost after it was sent (a read timeout, a dropped connection,
        a gateway's HTTP 502 or 504) is never sent again blindly; the job is read back, and judged by what it holds.
    type: int
    default: 5
requirements:
  - requests >= 2.25.0 (on the host that runs the module)
notes:
  - "Secrets (O(secret_key), O(security_token), O(auth_token), O(password), a token obtained by login, and the user
    and password of a proxy URL) never appear in a message, result or diff, in any of the forms the collection's
    C(SECURITY.md) lists: as they are, escaped, URL-encoded, as HTML entities, two of these layered. The one exception is
    M(hwcloud.dli.dli_token), whose purpose is to return the token it obtains, in RV(hwcloud.dli.dli_token#module:token)
    only. Ad-hoc commands: when one fails, ansible-core itself prints the start of its C(-a) arguments, secrets included,
    whatever C(no_log) says; give the secrets of an ad-hoc command through the E(HW_*) environment variables. Header values
    (O(project_id), O(access_key), O(security_token), O(auth_token)) are stripped of surrounding whitespace,
    and refused if they still hold a space, a control character or a non-ASCII character."
  - "HTTP goes through the Python library C(requests), one session per task (shared by the threads of
    M(hwcloud.dli.dli_flink_jar_jobs)). Redirects are never followed, and C(~/.netrc) and E(NETRC) are never read,
    so they cannot replace the request signature. Proxies are taken from E(HTTPS_PROXY), E(HTTP_PROXY),
    E(ALL_PROXY) and E(NO_PROXY) as C(requests) reads them (either case; C(http://) and C(https://) proxies;
    E(NO_PROXY) may name hosts, domains, C(host:port), addresses and IPv4 CIDR networks)."
  - "TLS is verified against O(ca_path), E(REQUESTS_CA_BUNDLE) or E(CURL_CA_BUNDLE) when set, else against the
    bundle C(requests) uses by default."
  - "An answer larger than 16 MiB is refused without being read whole (a page of 100 jobs is well under 1 MiB)."
  - "Credentials: the first complete set wins: O(auth_token); O(access_key) + O(secret_key) (+ O(security_token));
    O(user_name) + O(password) + O(domain_name). The environment variables are those of the Huawei Cloud
    Terraform provider, so one shell set-up serves both. A variable set to the empty string counts as not set, as
    AWX injects those of the credential fields left empty."
"""
