# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The connection options every module shares, checked before any request: the argument spec, the project,
the endpoints (given, or built from region and cloud), the bounds of timeout and max_retries, and what TLS is
verified with."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

from ansible.module_utils.basic import env_fallback

from ansible_collections.hwcloud.dli.plugins.module_utils.auth import ENVIRONMENT_VARIABLES, SECRET_OPTIONS
from ansible_collections.hwcloud.dli.plugins.module_utils.errors import ConfigError

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover
    from urlparse import urlsplit  # type: ignore

DEFAULT_CLOUD = "myhuaweicloud.com"
# Regions whose endpoints are not under the default cloud domain.
REGION_CLOUD = {"eu-west-101": "myhuaweicloud.eu"}
# Project ids are 32 hex digits; anything that could change the path (/, .., ?, %) is refused.
PROJECT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# What a region and a cloud domain may hold: they are parts of the endpoints' host names.
HOST_LABEL = re.compile(r"^[A-Za-z0-9-]{1,63}$")
HOST_NAME = re.compile(r"^[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})*$")
# CA bundles taken from the environment, as requests and curl take them (SSL_CERT_FILE works too, through OpenSSL).
CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
# Bounds of the timeout and max_retries options: an hour for one exchange, and more tries than any budget allows.
MAX_TIMEOUT = 3600
MAX_RETRIES = 100


def _option_spec(name, **spec):
    if name in ENVIRONMENT_VARIABLES:
        spec["fallback"] = (env_fallback, [ENVIRONMENT_VARIABLES[name]])
    if name in SECRET_OPTIONS:
        spec["no_log"] = True
    return dict(spec, type=spec.get("type", "str"))


# Shared by every module of the collection (see doc_fragments/connection.py).
CONNECTION_ARGUMENT_SPEC = dict(
    (name, _option_spec(name, **spec)) for name, spec in (
        ("region", {}),
        ("project_id", {}),
        ("endpoint", {}),
        ("cloud", {}),
        ("access_key", dict(no_log=False)),
        ("secret_key", {}),
        ("security_token", {}),
        ("auth_token", {}),
        ("user_name", {}),
        ("password", {}),
        ("domain_name", {}),
        ("iam_endpoint", {}),
        ("validate_certs", dict(type="bool", default=True)),
        ("ca_path", dict(type="path")),
        ("timeout", dict(type="int", default=30)),
        ("max_retries", dict(type="int", default=5)),
    ))


def checked_project_id(params):
    """The project_id option, stripped; ConfigError when it is missing or could change the request's path."""
    project_id = (params.get("project_id") or "").strip()
    if not project_id:
        raise ConfigError("project_id is required (option project_id or environment variable HW_PROJECT_ID).")
    if not PROJECT_ID.match(project_id):
        raise ConfigError("project_id (HW_PROJECT_ID) must be a project ID: letters, digits, - and _ only, "
                          "up to 64 characters.")
    return project_id


def checked_limits(params):
    """(timeout, max_retries) within their bounds; ConfigError naming the option otherwise."""
    timeout, max_retries = params.get("timeout"), params.get("max_retries")
    for option, value in (("timeout", timeout), ("max_retries", max_retries)):
        if isinstance(value, bool):  # Ansible's int type passes true and false through
            raise ConfigError("%s must be an integer, not a boolean (%s)." % (option, str(value).lower()))
    if timeout is None or timeout < 1:
        raise ConfigError("timeout must be at least 1 second, not %s." % timeout)
    if timeout > MAX_TIMEOUT:  # far beyond that, the waits overflow the platform's clock
        raise ConfigError("timeout must be at most %s seconds, not %s." % (MAX_TIMEOUT, timeout))
    if max_retries is None or max_retries < 0:
        raise ConfigError("max_retries must be 0 or more, not %s." % max_retries)
    if max_retries > MAX_RETRIES:
        raise ConfigError("max_retries must be at most %s, not %s." % (MAX_RETRIES, max_retries))
    return timeout, max_retries


def base_url(option, url, allowed_paths=("", "/")):
    """A scheme://host[:port] base URL, or ConfigError naming the option (never a password)."""
    env = ENVIRONMENT_VARIABLES[option]
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ConfigError("%s (%s) is not a valid URL." % (option, env))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError("%s (%s) must be an http or https URL with a host, such as https://dli.eu-de.example.com."
                          % (option, env))
    if "@" in parts.netloc:
        raise ConfigError("%s (%s) must not carry user information (user:password@): give credentials with the "
                          "credential options, never in the URL." % (option, env))
    if parts.path not in allowed_paths or parts.query or parts.fragment:
        raise ConfigError("%s (%s) must be a base URL without a path, query or fragment, such as %s://%s."
                          % (option, env, parts.scheme, parts.netloc))
    try:
        parts.netloc.encode("ascii")
    except UnicodeError:
        raise ConfigError("%s (%s) must have an ASCII host name (write an international name in its xn-- form)."
                          % (option, env))
    host = "[%s]" % parts.hostname if ":" in parts.hostname else parts.hostname  # an IPv6 address
    return "%s://%s" % (parts.scheme, parts.netloc if port is None else "%s:%s" % (host, port))


def resolve_endpoints(params):
    """Return (dli_base_url, iam_base_url) from the connection options; IAM's is None
    when neither iam_endpoint nor region is given (only password login needs it)."""
    # An empty value is unset, as the empty variables an AWX credential injects for inputs left blank. Surrounding
    # whitespace is stripped, as of the other options; what is left must fit in a host name, or no request could
    # reach the endpoint built from it (and the name lookup's failures would be retried for nothing).
    region = (params.get("region") or "").strip() or None
    cloud = (params.get("cloud") or "").strip() or REGION_CLOUD.get(region, DEFAULT_CLOUD)
    for option, value, pattern, example in (("region", region, HOST_LABEL, "cn-north-4"),
                                            ("cloud", cloud, HOST_NAME, "myhuaweicloud.com")):
        if value is not None and not pattern.match(value):
            raise ConfigError("%s (%s) must be letters, digits and -%s only, such as %s: it is part of the endpoints' "
                              "host names." % (option, ENVIRONMENT_VARIABLES[option], "" if option == "region" else " .",
                                               example))
    endpoint = params.get("endpoint") or None
    iam = params.get("iam_endpoint") or None
    if not endpoint:
        if not region:
            raise ConfigError("region is required (option region or environment variable HW_REGION_NAME) "
                              "unless endpoint (HW_DLI_ENDPOINT) is set.")
        endpoint = "https://dli.%s.%s" % (region, cloud)
    if not iam and region:
        iam = "https://iam.%s.%s" % (region, cloud)
    endpoint = base_url("endpoint", endpoint)
    if iam:  # the Terraform provider's HW_AUTH_URL carries /v3
        iam = base_url("iam_endpoint", iam, allowed_paths=("", "/", "/v3", "/v3/"))
    return endpoint, iam


def tls_verify(params):
    """What TLS is verified with: the options always win over the environment."""
    if not params.get("validate_certs", True):
        return False
    ca_path = params.get("ca_path")
    source = "ca_path"
    if not ca_path:
        for name in CA_BUNDLE_VARIABLES:
            if os.environ.get(name):
                ca_path, source = os.environ[name], "the environment variable %s" % name
                break
    if not ca_path:
        return True
    if not os.path.exists(ca_path):
        raise ConfigError("The CA bundle %s given by %s does not exist." % (ca_path, source))
    return ca_path
