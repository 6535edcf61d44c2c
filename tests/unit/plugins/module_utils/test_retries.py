# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The retry policy: backoff and Retry-After."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.dli.plugins.module_utils import transport
from ansible_collections.hwcloud.dli.plugins.module_utils.retries import RetryPolicy


def test_backoff_is_jittered_exponential_and_capped():
    policy = RetryPolicy(5, 600, rand=lambda: 1.0)
    assert [policy.backoff(n) for n in range(8)] == [1.0, 1.5, 2.5, 4.5, 8.5, 16.5, 20.5, 20.5]
    assert RetryPolicy(5, 600, rand=lambda: 0.0).backoff(0) == 0.5
    assert set(RetryPolicy.STATUSES) == {429, 500, 502, 503, 504}


@pytest.mark.parametrize("header, seconds", [("3", 3.0), ("0", 0.0), ("-5", 0.0), ("1.5", 1.5), ("soon", None), ("", None)])
def test_retry_after_is_read_as_seconds(header, seconds):
    response = transport.Response(429, {"Retry-After": header})
    assert RetryPolicy.retry_after(response) == seconds


def test_retry_after_as_an_http_date():
    response = transport.Response(429, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})  # in the past: no wait
    assert RetryPolicy.retry_after(response) == 0.0
