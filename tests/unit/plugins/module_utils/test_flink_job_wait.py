# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The waits' watchers: one job's own reads; the fleet's shared watcher, whose rounds of many polls are one
list of the project's jobs, and whose rounds of a few are the jobs' own reads."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_wait import (
    SHARED_FROM,
    ListItem,
    OwnReads,
    SharedWatcher,
)
from conftest import build_detail  # shared fixtures (tests/unit/conftest.py)

LIST = "/v1.0/p1/streaming/jobs"


class Project(object):
    """``count`` jobs, all job_canceling; answers the list (paged) and each job's detail; records the calls."""

    project_id = "p1"

    def __init__(self, count, list_fails=False):
        self.count, self.list_fails = count, list_fails
        self.calls = []
        self.lock = threading.Lock()

    def project_path(self, *segments):
        return "/v1.0/p1/" + "/".join(str(segment) for segment in segments)

    def call(self, method, path, body=None, expect=dict, params=None, **options):
        with self.lock:
            self.calls.append((method, path, params))
        if path == LIST:
            if self.list_fails:
                raise RuntimeError("an odd answer")
            ids = list(range(1, self.count + 1))[params["offset"]:params["offset"] + params["limit"]]
            return {"job_list": {"total_count": self.count, "jobs": [
                {"job_id": job_id, "name": "j%s" % job_id, "status": "job_canceling", "status_desc": ""}
                for job_id in ids]}}
        return {"job_detail": build_detail(job_id=int(path.rsplit("/", 1)[1]), status="job_canceling")}

    def lists(self):
        return [call for call in self.calls if call[1] == LIST]

    def reads(self):
        return sorted(int(call[1].rsplit("/", 1)[1]) for call in self.calls if call[1] != LIST)


def poll_together(watcher, ids):
    """Each job of ``ids`` in a wait of its own thread, polling once at about the same time: what each read."""
    seen, ready = {}, threading.Barrier(len(ids))

    def wait(job_id):
        with watcher.watching():
            ready.wait(5)
            seen[job_id] = watcher.read(job_id)
            ready.wait(5)  # all stay in the wait until every poll is answered, as jobs still waiting do

    threads = [threading.Thread(target=wait, args=(job_id,), daemon=True) for job_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not any(thread.is_alive() for thread in threads)
    return seen


def test_many_jobs_polling_together_are_answered_by_one_list_call():
    project = Project(150)  # two pages
    watcher = SharedWatcher(project, window=1)
    seen = poll_together(watcher, range(1, 21))
    assert [call[2]["offset"] for call in project.lists()] == [0, 100]  # one listing, its two pages
    assert project.reads() == []
    assert all(isinstance(seen[job_id], ListItem) and seen[job_id]["job_id"] == job_id for job_id in range(1, 21))
    assert seen[7]["status"] == "job_canceling"
    seen = poll_together(watcher, range(1, 21))  # the next round: one listing again
    assert len(project.lists()) == 4 and project.reads() == []
    assert watcher.list_rounds == 2


def test_a_few_waiting_jobs_read_their_own_detail():
    project = Project(150)
    watcher = SharedWatcher(project, window=1)
    seen = poll_together(watcher, range(1, SHARED_FROM))
    assert project.lists() == [] and project.reads() == list(range(1, SHARED_FROM))
    assert not any(isinstance(detail, ListItem) for detail in seen.values())
    assert seen[2]["job_config"]["cu_number"] == 2  # the whole detail


def test_a_list_longer_than_the_reads_it_replaces_is_cut_short_and_not_tried_again():
    project = Project(5000)  # 50 pages, for 6 waiting jobs
    watcher = SharedWatcher(project, window=1)
    poll_together(watcher, range(1, 7))
    assert len(project.lists()) == 5  # never more list calls than the 6 reads minus one: then each reads its own
    assert project.reads() == list(range(1, 7))
    poll_together(watcher, range(1, 7))
    assert len(project.lists()) == 5 and project.reads() == sorted(list(range(1, 7)) * 2)  # known long: reads only


def test_a_list_that_fails_leaves_each_job_to_its_own_read():
    project = Project(10, list_fails=True)
    seen = poll_together(SharedWatcher(project, window=1), range(1, 8))
    assert len(project.lists()) == 1 and project.reads() == list(range(1, 8))
    assert seen[3]["job_id"] == 3


def test_a_job_missing_from_the_list_reads_its_own_detail():
    project = Project(6)
    seen = poll_together(SharedWatcher(project, window=1), [1, 2, 3, 4, 5, 6, 99])
    assert len(project.lists()) == 1 and project.reads() == [99]
    assert seen[99]["job_id"] == 99 and isinstance(seen[1], ListItem)


def test_one_jobs_watcher_reads_its_detail():
    project = Project(3)
    with OwnReads(project).watching():
        assert OwnReads(project).read(2)["job_id"] == 2
    assert project.reads() == [2] and project.lists() == []
