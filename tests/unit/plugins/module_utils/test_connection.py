# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options: endpoints from region and cloud, or given; the project; timeout and max_retries."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.dli.plugins.module_utils.connection import (
    checked_limits,
    checked_project_id,
    resolve_endpoints,
)
from ansible_collections.hwcloud.dli.plugins.module_utils.errors import ConfigError

BASE = "https://dli.test.example.com"


@pytest.mark.parametrize("params, expected", [
    (dict(region="cn-north-4"), ("https://dli.cn-north-4.myhuaweicloud.com", "https://iam.cn-north-4.myhuaweicloud.com")),
    (dict(region="eu-west-101"), ("https://dli.eu-west-101.myhuaweicloud.eu", "https://iam.eu-west-101.myhuaweicloud.eu")),
    (dict(region="eu-de", cloud="otc.t-systems.com"), ("https://dli.eu-de.otc.t-systems.com", "https://iam.eu-de.otc.t-systems.com")),
    (dict(endpoint="http://127.0.0.1:8080/", iam_endpoint="http://127.0.0.1:8080/v3"), ("http://127.0.0.1:8080", "http://127.0.0.1:8080")),
    (dict(region="r", iam_endpoint="https://iam.myhuaweicloud.com/v3/"), ("https://dli.r.myhuaweicloud.com", "https://iam.myhuaweicloud.com")),
    (dict(endpoint="http://[::1]:8080", iam_endpoint="https://[2001:db8::1]/v3"), ("http://[::1]:8080", "https://[2001:db8::1]")),
])
def test_endpoints(params, expected):
    assert resolve_endpoints(params) == expected


def test_region_and_cloud_with_surrounding_spaces_are_stripped_as_the_other_options():
    # 'cn-north-4 ' built https://dli.cn-north-4 .myhuaweicloud.com, whose name lookup was retried for 18 s.
    assert resolve_endpoints(dict(region="cn-north-4 ")) == (
        "https://dli.cn-north-4.myhuaweicloud.com", "https://iam.cn-north-4.myhuaweicloud.com")
    assert resolve_endpoints(dict(region="\teu-de\n", cloud=" otc.t-systems.com ")) == (
        "https://dli.eu-de.otc.t-systems.com", "https://iam.eu-de.otc.t-systems.com")
    assert resolve_endpoints(dict(region=" eu-west-101")) == (
        "https://dli.eu-west-101.myhuaweicloud.eu", "https://iam.eu-west-101.myhuaweicloud.eu")


@pytest.mark.parametrize("params, message", [
    (dict(region="cn north-4"), "region (HW_REGION_NAME) must be letters, digits and - only, such as cn-north-4"),
    (dict(region="cn-north-4/x"), "region (HW_REGION_NAME) must be letters, digits and - only"),
    (dict(region="cn-north-4.evil.example"), "region (HW_REGION_NAME) must be letters, digits and - only"),
    (dict(region="eu-de", cloud="otc t-systems.com"), "cloud (HW_CLOUD) must be letters, digits and - . only"),
    (dict(region="eu-de", cloud="example.com:8443"), "cloud (HW_CLOUD) must be letters, digits and - . only"),
])
def test_a_region_or_cloud_that_cannot_be_part_of_a_host_name_is_refused(params, message):
    with pytest.raises(ConfigError) as excinfo:
        resolve_endpoints(params)
    assert str(excinfo.value).startswith(message)


def test_region_is_needed_without_endpoints():
    with pytest.raises(ConfigError, match="HW_REGION_NAME"):
        resolve_endpoints(dict(iam_endpoint=BASE))


def test_project_id_is_stripped_and_may_not_change_the_path():
    assert checked_project_id(dict(project_id=" p1 ")) == "p1"
    for value in (None, "", "  "):
        with pytest.raises(ConfigError, match="project_id is required"):
            checked_project_id(dict(project_id=value))
    for value in ("p1/../x", "p1?x", "p%2f1", "x" * 65):
        with pytest.raises(ConfigError, match="must be a project ID"):
            checked_project_id(dict(project_id=value))


@pytest.mark.parametrize("params, message", [
    (dict(timeout=0, max_retries=1), "timeout must be at least 1 second, not 0."),
    (dict(timeout=3601, max_retries=1), "timeout must be at most 3600 seconds, not 3601."),
    (dict(timeout=True, max_retries=1), "timeout must be an integer, not a boolean (true)."),
    (dict(timeout=5, max_retries=-1), "max_retries must be 0 or more, not -1."),
    (dict(timeout=5, max_retries=101), "max_retries must be at most 100, not 101."),
    (dict(timeout=5, max_retries=False), "max_retries must be an integer, not a boolean (false)."),
])
def test_timeout_and_max_retries_out_of_their_bounds_are_refused(params, message):
    with pytest.raises(ConfigError) as excinfo:
        checked_limits(params)
    assert str(excinfo.value) == message


def test_timeout_and_max_retries_within_their_bounds_are_kept():
    assert checked_limits(dict(timeout=1, max_retries=0)) == (1, 0)
    assert checked_limits(dict(timeout=3600, max_retries=100)) == (3600, 100)
