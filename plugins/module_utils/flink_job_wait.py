# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Waiting for Flink jobs: how a job waiting for a stop, a start or a stable window reads its status.

A waiting job polls: it reads, judges the status, sleeps, reads again (the executor holds that loop and
its deadline). ``OwnReads`` is one job's watcher: each poll reads the job's detail. ``SharedWatcher`` is
the fleet's: the polls that many waiting jobs make at about the same time are one round, and a round of
many answers them all with one list of the project's jobs (its pages), instead of one read each.
Free of any job kind: it knows job ids and statuses, not fields.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import threading

from ansible_collections.hwcloud.dli.plugins.module_utils.errors import DliApiError
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_read import PAGE_SIZE, JobError, get_detail, list_jobs

# Seconds between reads of a job being stopped or started: soon at first (a stop often takes a
# second or two), then every POLL_INTERVAL.
FIRST_POLLS = (0.5, 1)
POLL_INTERVAL = 2
# A round lists the project's jobs when at least this many jobs poll in it, and the list takes fewer pages
# than there are jobs: below, each reads its own detail. Five: a round of 2 to 4 reads costs about what a list
# of a project of a few hundred jobs does (1 call per 100 jobs), and the own reads need no gathering and give
# the whole detail (restart_times, savepoint_path) that a list item lacks.
SHARED_FROM = 5
# The longest the first poll of a round waits for the other waiting jobs to join it; the round closes as soon as
# every job that is waiting has joined. Jobs whose stops (or starts) went out together, or that one round
# answered, poll again within milliseconds of each other: a longer window only delays the polls of the rounds
# that some waiting job does not join (one on another schedule).
GATHER_WINDOW = 0.03


class ListItem(dict):
    """A job as an item of a list answer gave it: its status, not the whole detail (no restart_times, no
    savepoint_path): a caller that needs more reads the detail."""


class OwnReads:
    """One job's watcher: every poll is a read of the job's detail."""

    def __init__(self, client):
        self.client = client

    def watching(self):
        """Around a wait: nothing to share."""
        return _NoContext()

    def read(self, job_id):
        return get_detail(self.client, job_id)


class _NoContext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class SharedWatcher:
    """The fleet's watcher. ``read(job_id)`` answers the job's status as a poll of this round saw it: the
    job's item of a list of the project's jobs (``job_id``, ``status``, ``status_desc``, ...) when the round
    listed, else the job's own detail. A round lists only when at least ``shared_from`` jobs poll in it and the
    list takes fewer pages than there are jobs in it, so that it never costs more calls than the reads it
    replaces; a list that fails, or that lacks a job, leaves those jobs to their own reads.

    ``wait_bound``: the most seconds a poll waits for its round's list (by default the longest the client's
    tries can take); past it, it reads its own detail."""

    def __init__(self, client, shared_from=SHARED_FROM, window=GATHER_WINDOW, total=None, wait_bound=None):
        self.client = client
        self.shared_from = shared_from
        self.window = window
        self.total = total  # how many jobs the project holds, as the last list said (None: not known yet)
        if wait_bound is None:
            retry = getattr(client, "retry", None)
            tries = getattr(retry, "max_retries", 0) + 1
            wait_bound = (getattr(client, "timeout", 30) + 1) * (tries + 1) + getattr(retry, "budget", 600) + window
        self.wait_bound = wait_bound
        self.lock = threading.Lock()
        self.waiting = 0  # jobs inside a wait (polling or sleeping between polls)
        self.round = None  # the round being gathered: {"ids": [...], "full": Event, "done": Event, "items": ...}
        self.list_rounds = 0  # rounds answered with a list
        self.own_reads = 0  # polls answered with the job's own read

    @contextlib.contextmanager
    def watching(self):
        """Around one job's wait: while it is inside, a round waits for it to poll too (up to the window)."""
        with self.lock:
            self.waiting += 1
        try:
            yield self
        finally:
            with self.lock:
                self.waiting -= 1
                if self.round is not None and len(self.round["ids"]) >= self.waiting:
                    self.round["full"].set()

    def read(self, job_id):
        with self.lock:
            if self.waiting < self.shared_from and self.round is None:
                gathered = None  # a few wait: no round to gather
            else:
                gathered = self.round
                leader = gathered is None
                if leader:
                    gathered = self.round = dict(ids=[], full=threading.Event(), done=threading.Event(), items=None)
                gathered["ids"].append(job_id)
                if len(gathered["ids"]) >= self.waiting:
                    gathered["full"].set()
        if gathered is None:
            return self.own_read(job_id)
        if leader:
            gathered["full"].wait(self.window)
            with self.lock:
                self.round = None  # a poll from now on opens the next round
            try:
                gathered["items"] = self.listed(gathered["ids"])
            finally:
                gathered["done"].set()
        elif not gathered["done"].wait(self.wait_bound):
            return self.own_read(job_id)
        item = (gathered["items"] or {}).get(job_id)
        return item if item is not None else self.own_read(job_id)

    def listed(self, ids):
        """{job_id: list item} for a round of polls by ``ids``; None when the round reads each job instead."""
        most = len(set(ids)) - 1  # a list of more pages costs more than the reads it replaces
        if len(ids) < self.shared_from or most < 1 or self.total is not None and pages(self.total) > most:
            return None
        try:
            jobs = list_jobs(self.client, max_pages=most)
        except JobError:  # longer than the reads it replaces, or malformed: each job reads its own
            self.total = max(self.total or 0, most * PAGE_SIZE + 1)
            return None
        except DliApiError:  # each job's own read meets the failure, or not, as its own
            return None
        except Exception:  # pylint: disable=broad-exception-caught  # an odd answer: the own reads judge it
            return None
        self.total = len(jobs)
        self.list_rounds += 1
        items = {}
        for job in jobs:
            items.setdefault(job.get("job_id"), ListItem(job))
        return items

    def own_read(self, job_id):
        with self.lock:
            self.own_reads += 1
        return get_detail(self.client, job_id)


def pages(total):
    return (total + PAGE_SIZE - 1) // PAGE_SIZE
