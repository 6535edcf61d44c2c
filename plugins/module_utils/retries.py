# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The retry policy of every call, in one place: what is tried again, and how long it waits first."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime


class RetryPolicy:
    """When a call is tried again, and how long it waits first: the one place that says so.

    HTTP 429 and 5xx, and a connection that could not be made, are tried again: nothing was done.
    A GET whose answer was lost is tried again; a write whose answer was lost is not (see
    ``AnswerLostError``). Waits grow exponentially with jitter, or follow ``Retry-After``; a wait
    that would take the call's waits past ``budget`` seconds fails at once instead.
    """

    STATUSES = (429, 500, 502, 503, 504)
    # A connection refused, or a host name unknown: said in seconds, not after the whole budget.
    UNREACHABLE_RETRIES = 2
    # A gateway's answer that the backend's was lost: a write may have taken effect.
    LOST_ANSWER_STATUSES = (502, 504)
    BACKOFF_FACTOR = 0.5
    BACKOFF_MAX = 20
    BACKOFF_JITTER = 0.5

    def __init__(self, max_retries, budget, rand=random.random):
        self.max_retries = max_retries
        self.budget = budget
        self.rand = rand

    def backoff(self, attempt):
        """Seconds before try ``attempt + 2``: 0.5, 1, 2, 4 ... up to 20, plus up to 0.5 of jitter."""
        return min(self.BACKOFF_MAX, self.BACKOFF_FACTOR * (2 ** attempt)) + self.BACKOFF_JITTER * self.rand()

    @staticmethod
    def retry_after(response):
        """The answer's Retry-After in seconds (a number or an HTTP date), or None."""
        value = (response.headers.get("Retry-After") or "").strip()
        if not value:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
