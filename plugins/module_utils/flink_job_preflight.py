# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pre-flight: before a task stops or starts a job, is the queue it will run on fit to run it?

``QueuePreflight`` reads each queue once per run (the fleet shares one across its threads) and answers
None (fit) or the failed check, naming the values. Which queue types a job kind runs on is the caller's
to say, so that a Flink SQL module can ask the same questions.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

from ansible_collections.hwcloud.dli.plugins.module_utils.errors import DliApiError
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_read import NOT_FOUND_CODES, JobError

MISSING = object()  # a queue the service says does not exist, as cached


class QueuePreflight:
    """The queue checks of one run; ``queue_types``: the ``queueType`` values the job kind runs on;
    ``versions_key``: the queue answer's list of the Flink versions it supports for that kind."""

    def __init__(self, client, queue_types=("general", "all"), versions_key="support_flink_jar_versions"):
        self.client = client
        self.queue_types = queue_types
        self.versions_key = versions_key
        self.queues = {}  # name -> the queue answer, or MISSING
        self.locks = {}  # name -> the lock its first read holds, so that threads asking at once read it once
        self.lock = threading.Lock()

    def sharing(self, queue_types, versions_key):
        """The checks of another job kind, on the queues this one has read (a fleet of two kinds reads each
        queue once)."""
        other = QueuePreflight(self.client, queue_types, versions_key)
        other.queues, other.locks, other.lock = self.queues, self.locks, self.lock
        return other

    def queue(self, name):
        """The queue's answer (a dict), or MISSING; a failed read raises as the client does."""
        with self.lock:
            lock = self.locks.setdefault(name, threading.Lock())
        with lock:
            if name not in self.queues:
                path = self.client.project_path("queues", name)
                try:
                    self.queues[name] = self.client.call("GET", path)
                except DliApiError as exc:
                    if exc.path != path or exc.error_code not in NOT_FOUND_CODES:
                        exc.msg = "pre-flight: reading queue %r failed: %s" % (name, exc.msg)
                        raise
                    self.queues[name] = MISSING
            return self.queues[name]

    def problem(self, queue_name, cu_number=None, flink_version=None):
        """None when the queue can run the job, else the failed check with its values. A job with no queue
        named has nothing to check (the service chooses); an unset cu_number or flink_version is not checked."""
        if not queue_name:
            return None
        queue = self.queue(queue_name)
        if queue is MISSING:
            return "queue_name: the queue %r does not exist." % queue_name
        queue_type = queue.get("queueType")
        if queue_type not in self.queue_types:
            return "queue type: the queue %r is of type %r; this job runs on a queue of type %s." % (
                queue_name, queue_type, " or ".join(repr(kind) for kind in self.queue_types))
        cu_count = queue.get("cuCount")
        if cu_number is not None and isinstance(cu_count, int) and cu_count < cu_number:
            return "CUs: the queue %r has %s CUs (cuCount), fewer than the job's cu_number %s." % (
                queue_name, cu_count, cu_number)
        versions = queue.get(self.versions_key)
        if flink_version and isinstance(versions, list) and versions and flink_version not in versions:
            return "Flink version: the queue %r supports Flink %s (%s), not the job's flink_version %r." % (
                queue_name, ", ".join(str(v) for v in versions), self.versions_key, flink_version)
        return None

    def check(self, queue_name, cu_number=None, flink_version=None):
        """JobError naming the failed check; nothing has been written when it is asked."""
        problem = self.problem(queue_name, cu_number, flink_version)
        if problem:
            raise JobError("the pre-flight check of its queue failed, on %s Nothing was changed." % problem)


__all__ = ["QueuePreflight"]
