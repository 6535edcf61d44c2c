# -*- coding: utf-8 -*-
# Copyright (c) 2026, hwcloud.dli contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reading Flink jobs: one job by id, jobs by exact name, filtered lists, all pages; and the
shape a job is returned in (the ``job`` of dli_flink_jar_job, each of dli_flink_jar_job_info's ``jobs``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.dli.plugins.module_utils.errors import DliApiError
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_fields import integer_problem
from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_kind import JAR, kind_of_job_type

# How a missing job answers: DLI.16001 on HTTP 400 in practice; the others as documented.
NOT_FOUND_CODES = ("DLI.16001", "DLI.0002", "DLI.0023")
# The most jobs the list call returns at once.
PAGE_SIZE = 100
# The most pages one listing reads (100 jobs each): far more jobs than a project holds, so that a list call
# that never ends (a total_count of 10**12 and full pages) fails the task instead of holding it.
MAX_PAGES = 200
# Keys of a returned job besides the option fields: what identifies it and what only the service sets.
READ_ONLY_KEYS = ("job_id", "status", "update_time")


class JobError(Exception):
    """The task cannot or must not go on; nothing more is written. ``extra`` joins the task's result."""

    def __init__(self, msg, **extra):
        super(JobError, self).__init__(msg)
        self.msg = msg
        self.extra = extra

    def __str__(self):
        return self.msg  # the message as it is now, with any context added after it was raised


class JobNotFound(JobError):
    """The job does not exist: its own lookup answered with a not-found code."""


def get_detail(client, job_id):
    """The job's ``job_detail``; JobNotFound when the job does not exist."""
    path = client.project_path("streaming", "jobs", job_id)
    try:
        answer = client.call("GET", path)
    except DliApiError as exc:
        # Only this lookup's own answer says the job is missing (not a failed login, say), and only by DLI's
        # code: a 404 without one is the gateway's, for a URL that is wrong.
        if exc.path == path and exc.error_code in NOT_FOUND_CODES:
            raise JobNotFound("not found in project %s (%s)." % (client.project_id, exc.msg),
                              status_code=exc.status_code, error_code=exc.error_code, request_id=exc.request_id)
        note_wrong_endpoint(client, exc, path)
        raise
    detail = answer.get("job_detail")
    if not isinstance(detail, dict):
        raise JobError("GET %s answered without a job_detail object." % path)
    if not isinstance(detail.get("job_config"), (dict, type(None))):
        raise JobError("GET %s answered a job_detail whose job_config is not an object: the answer is malformed."
                       % path)
    return detail


def note_wrong_endpoint(client, exc, path):
    """Say what a 404 of the call to ``path`` without a DLI not-found code means, on the error itself: the API
    gateway found no such API (an ``APIGW.*`` code, or no code at all), so the endpoint, region or project is
    wrong; nothing says whether the job exists. Another call's 404 (IAM's login) is left as it is."""
    if exc.status_code != 404 or exc.error_code in NOT_FOUND_CODES or (exc.path or "").split("?")[0] != path:
        return
    exc.msg += (" An HTTP 404 without DLI's not-found code (%s) comes from the API gateway: there is no such API "
                "at %s, which says nothing about the job. Check endpoint (HW_DLI_ENDPOINT), region (HW_REGION_NAME) "
                "and project_id (HW_PROJECT_ID)." % (", ".join(NOT_FOUND_CODES), client.endpoint))


def list_jobs(client, max_pages=MAX_PAGES, **filters):
    """Every job the list call returns for ``filters`` (name, status, queue_name, job_type), all pages.

    ``total_count`` is a hint only: the listing ends at an empty page, or at a short one unless ``total_count``
    says more jobs remain; a page that repeats a job already listed (an ``offset`` ignored) is an error, and
    so is a listing longer than ``max_pages`` (a caller that lists to save reads asks for fewer)."""
    path = client.project_path("streaming", "jobs")
    query = dict((key, value) for key, value in filters.items() if value not in (None, ""))
    jobs, offset, seen = [], 0, set()
    for dummy in range(max_pages):
        try:
            answer = client.call("GET", path, params=dict(query, limit=PAGE_SIZE, offset=offset))
        except DliApiError as exc:
            note_wrong_endpoint(client, exc, path)
            raise
        job_list = answer.get("job_list")
        page = job_list.get("jobs") if isinstance(job_list, dict) else None
        if not isinstance(page, list) or not all(isinstance(job, dict) for job in page):
            raise JobError("GET %s answered without a job_list.jobs list." % path)
        ids = [job.get("job_id") for job in page]
        repeated = []
        for index, job_id in enumerate(ids):
            if (job_id in seen or job_id in ids[:index]) and job_id not in repeated:
                repeated.append(job_id)
        if repeated:
            raise JobError("GET %s (offset %s) answered jobs it had listed already (ids %s%s): the list call does not "
                           "page as this module expects (it may ignore offset), so what it lists cannot be trusted. "
                           "Nothing was written." % (path, offset, ", ".join(str(job_id) for job_id in repeated[:10]),
                                                     ", ..." if len(repeated) > 10 else ""))
        seen.update(ids)
        jobs.extend(page)
        # Step by what came back, not by the limit asked for: the service may return fewer.
        offset += len(page)
        total = count_value(job_list.get("total_count"))
        if not page or len(page) < PAGE_SIZE and (total is None or offset >= total):
            return jobs
    raise JobError("GET %s still answered full pages after %s pages (%s jobs, total_count %r): stopped there, as "
                   "no project holds that many jobs. Nothing was written." % (
                       path, max_pages, len(jobs), job_list.get("total_count")))


def count_value(value):
    """A count as the list call gives it (``total_count``): a number, or the text of one; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def find_by_name(client, name):
    """The jobs named exactly ``name`` (the list call's filter may match parts of names)."""
    return [job for job in list_jobs(client, name=name) if job.get("name") == name]


def job_id_by_name(client, name):
    """The id of the one job named ``name``, or None; two jobs of that name are an error."""
    found = find_by_name(client, name)
    if len(found) > 1:
        raise JobError("%s jobs are named %r (ids %s): give job_id to say which one." % (
            len(found), name, ", ".join(str(job.get("job_id")) for job in found)))
    return found[0].get("job_id") if found else None


def job_shape(detail):
    """A job as the modules return it: every option field of its kind (by its ``job_type``; a type no module
    manages reads as a Jar job), as the option's type, plus ``READ_ONLY_KEYS``."""
    job = (kind_of_job_type(detail.get("job_type")) or JAR).job_from_detail(detail)
    job.update((key, detail.get(key)) for key in READ_ONLY_KEYS)
    return job


def read_jobs(client, job_id, name, filters):
    """The jobs, each as ``job_shape`` makes it: by id, by exact name, or the list call's with ``filters``.

    With an id or a name, ``filters`` are compared to each job's detail here; otherwise the list call applies them."""
    problem = integer_problem("job_id", job_id)
    if problem:
        raise JobError(problem)
    wanted = dict((key, value) for key, value in filters.items() if value not in (None, ""))
    if job_id is not None:
        ids = [job_id]
    else:
        listed = find_by_name(client, name) if name is not None else list_jobs(client, **wanted)
        ids = [listed_id(client, job) for job in listed]
        if name is None:
            wanted = {}  # the list call filtered already
    jobs = []
    for each in ids:
        try:
            detail = get_detail(client, each)
        except JobNotFound:  # it does not exist (any more: deleted since it was listed)
            continue
        if any(detail.get(key) != value for key, value in wanted.items()):
            continue
        try:
            jobs.append(job_shape(detail))
        except (TypeError, ValueError) as exc:
            raise JobError("Flink job %s: the job detail answer holds a value this module cannot read: %s" % (each, exc))
    return jobs


def listed_id(client, job):
    """The id of a job of the list answer (an int, or the text of one)."""
    value = job.get("job_id")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise JobError("GET %s answered a job without a job_id: %r." % (
        client.project_path("streaming", "jobs"), dict((key, job.get(key)) for key in ("job_id", "name"))))
