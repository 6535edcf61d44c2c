# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The queue checks before a stop or start: each check's refusal with its values, a missing queue, one
read per queue however many jobs (and threads) ask, and a failed read that is not taken for a missing queue."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest

from ansible_collections.hwcloud.dli.plugins.module_utils.api import DliApiError
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_preflight import QueuePreflight
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_read import JobError

QUEUE = "/v1.0/p1/queues/%s"


def queue(**fields):
    answer = {"is_success": True, "message": "", "queueName": "q1", "queueType": "general", "cuCount": 16,
              "support_flink_jar_versions": ["1.12", "1.15"]}
    answer.update(fields)
    return answer


class QueueClient(object):
    """Answers queue reads from ``queues`` (name -> answer, or an exception to raise); counts them."""

    def __init__(self, queues):
        self.queues = queues
        self.calls = []
        self.lock = threading.Lock()

    def project_path(self, *segments):
        return "/v1.0/p1/" + "/".join(str(segment) for segment in segments)

    def call(self, method, path, body=None, expect=dict, params=None, idempotent=True):
        with self.lock:
            self.calls.append((method, path))
        outcome = self.queues[path.rsplit("/", 1)[1]]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def not_found(name):
    path = QUEUE % name
    return DliApiError("GET %s failed: HTTP 400 DLI.0002: The queue does not exist." % path, method="GET", path=path,
                       status_code=400, error_code="DLI.0002")


@pytest.mark.parametrize("answer, args, expected", [
    (queue(), ("q1", 16, "1.15"), None),
    (queue(queueType="all"), ("q1", 2, "1.12"), None),
    (queue(queueType="sql"), ("q1", 2, "1.15"),
     "queue type: the queue 'q1' is of type 'sql'; this job runs on a queue of type 'general' or 'all'."),
    (queue(cuCount=4), ("q1", 8, "1.15"),
     "CUs: the queue 'q1' has 4 CUs (cuCount), fewer than the job's cu_number 8."),
    (queue(), ("q1", 2, "1.17"),
     "Flink version: the queue 'q1' supports Flink 1.12, 1.15 (support_flink_jar_versions), not the job's "
     "flink_version '1.17'."),
    # An answer without the list of versions, or a job without a version, leaves the version unchecked.
    (queue(support_flink_jar_versions=None), ("q1", 2, "1.17"), None),
    (queue(), ("q1", 2, None), None),
])
def test_each_check_answers_ok_or_names_itself_and_its_values(answer, args, expected):
    assert QueuePreflight(QueueClient({"q1": answer})).problem(*args) == expected


def test_a_missing_queue_is_named_and_a_job_without_a_queue_has_nothing_to_check():
    client = QueueClient({"gone": not_found("gone")})
    preflight = QueuePreflight(client)
    assert preflight.problem("gone", 2, "1.15") == "queue_name: the queue 'gone' does not exist."
    assert preflight.problem(None, 2, "1.15") is None and preflight.problem("", 2) is None
    with pytest.raises(JobError, match=r"^the pre-flight check of its queue failed, on queue_name: the queue 'gone' "
                                       r"does not exist\. Nothing was changed\.$"):
        preflight.check("gone", 2, "1.15")
    assert client.calls == [("GET", QUEUE % "gone")]  # a missing queue is remembered too


def test_a_failed_read_is_not_a_missing_queue_and_fails_as_the_client_does():
    path = QUEUE % "q1"
    busy = DliApiError("GET %s failed: HTTP 503" % path, method="GET", path=path, status_code=503)
    with pytest.raises(DliApiError, match=r"^pre-flight: reading queue 'q1' failed: GET .* HTTP 503$"):
        QueuePreflight(QueueClient({"q1": busy})).problem("q1", 2)


def test_many_jobs_in_many_threads_read_each_queue_once():
    client = QueueClient({"q1": queue(), "q2": queue(queueName="q2", cuCount=1)})
    preflight = QueuePreflight(client)
    answers = []
    threads = [threading.Thread(target=lambda name=name: answers.append(preflight.problem(name, 2)))
               for name in ["q1", "q2"] * 10]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(client.calls) == [("GET", QUEUE % "q1"), ("GET", QUEUE % "q2")]
    assert answers.count(None) == 10 and len(answers) == 20


def test_another_job_kind_says_its_own_queue_types_and_versions():
    preflight = QueuePreflight(QueueClient({"q1": queue(queueType="sql", support_flink_sql_versions=["1.12"])}),
                               queue_types=("sql", "all"), versions_key="support_flink_sql_versions")
    assert preflight.problem("q1", 2, "1.12") is None
    assert "supports Flink 1.12 (support_flink_sql_versions)" in preflight.problem("q1", 2, "1.15")
