#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A local stand-in for the DLI Flink job API and IAM, for the demo and the integration tests.

    python tests/emulator/dli_emulator.py [--port 0] [--jobs FILE] [--transition-seconds 1.0]

prints ``DLI emulator listening on http://127.0.0.1:PORT`` and serves until stopped. It follows the
public DLI API reference: answer shapes and types, partial-merge updates, the validation and
running-job rules, status transitions over time, X-Request-Id on every answer. Every DLI call
is authenticated: AK/SK signatures are recomputed with the official SDK's Signer (never with the
collection's own), or a token it issued. Control endpoints under /_emulator/ (no auth) reset
state, read the request log and its counts, read or set a job, inject faults, and set the chaos of a
fleet's soak: a throttle to a fixed rate (429 with Retry-After), random 503s and dropped connections.
"""

import argparse
import copy
import hmac
import html
import json
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
import traceback
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

# The official SDK, imported for its Signer, writes an application id to $HOME/.huaweicloud/ as it loads (for
# its User-Agent). The emulator keeps its state in memory and must leave the user's home alone, so the SDK is
# imported with a home of its own: DLI_EMULATOR_SDK_HOME, else .tmp/emulator-sdk-home in the checkout.
CHECKOUT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SDK_HOME = os.environ.get("DLI_EMULATOR_SDK_HOME") or os.path.join(CHECKOUT, ".tmp", "emulator-sdk-home")
_USER_HOMES = dict((name, os.environ.get(name)) for name in ("HOME", "USERPROFILE"))
os.environ.update(HOME=SDK_HOME, USERPROFILE=SDK_HOME)
try:
    from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402  pylint: disable=wrong-import-position
    from huaweicloudsdkcore.sdk_request import SdkRequest  # noqa: E402  pylint: disable=wrong-import-position
    from huaweicloudsdkcore.signer.signer import Signer  # noqa: E402  pylint: disable=wrong-import-position
finally:
    for _name, _value in _USER_HOMES.items():
        if _value is None:
            os.environ.pop(_name, None)
        else:
            os.environ[_name] = _value

PROJECT_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
ACCESS_KEY = "EMULATORACCESSKEY001"
SECRET_KEY = "emulator-secret-key-do-not-use-in-production"
TEMP_ACCESS_KEY = "EMULATORTEMPKEY00002"
TEMP_SECRET_KEY = "emulator-temporary-secret-key"
SECURITY_TOKEN = "emulator-security-token-value"
USER_NAME = "demo-user"
PASSWORD = "demo-password-123"
DOMAIN_NAME = "demo-domain"
STATIC_TOKEN = "emulator-static-token"
# For the echo faults' secret cases: a password the login body escapes (a quote, non-ASCII characters), long
# enough that a cut at 200 characters splits it, and a proxy's credentials; each part marked Qx7 or Px9.
ECHOED_PASSWORD = u"Qx7-echo\"p\u00e4ss/w\u00f6rd" + "-" * 40 + "Qx7-end"
PROXY_USER = "Px9-proxy-user"
PROXY_PASSWORD = "Px9-proxy-password"
# Every token an IAM login issues is this prefix and 32 hex digits, so a test can search output for any of them.
ISSUED_TOKEN_PREFIX = "emu-"
ISSUED_TOKEN = re.compile(re.escape(ISSUED_TOKEN_PREFIX) + "[0-9a-f]{32}")
KEYS = {ACCESS_KEY: SECRET_KEY, TEMP_ACCESS_KEY: TEMP_SECRET_KEY}

DEFAULT_JOBS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo_jobs.json")
RUNNING = ("job_running", "job_submitting", "job_canceling", "job_savepointing")
IN_PLACE = ("smn_topic", "restart_when_exception", "resume_checkpoint", "resume_max_num", "checkpoint_path", "obs_bucket")
TOP_LEVEL = ("name", "desc", "queue_name", "main_class", "entrypoint_args", "job_type")
STR = ("name", "desc", "queue_name", "main_class", "entrypoint_args", "job_type", "obs_bucket", "smn_topic",
       "entrypoint", "feature", "flink_version", "image", "checkpoint_path", "runtime_config",
       "execution_agency_urn", "flink_log_config", "resource_config_version")
INT = ("cu_number", "manager_cu_number", "parallel_number", "tm_cus", "tm_slot_num", "resume_max_num",
       "checkpoint_mode", "checkpoint_interval")
BOOL = ("log_enabled", "restart_when_exception", "resume_checkpoint", "checkpoint_enabled")
LIST = ("dependency_jars", "dependency_files")
OBJECT = ("resource_config",)
UPDATE_FIELDS = STR + INT + BOOL + LIST + OBJECT  # the update body; create takes these and tags
# Flink SQL jobs (POST .../streaming/sql-jobs, PUT .../streaming/sql-jobs/{id}): the Jar job's fields both
# kinds have, and the SQL job's own, by JSON type; job_type, tags and template_id on create only, and
# operator_config and static_estimator_config (JSON strings) on update only.
SQL_JOB_TYPES = ("flink_sql_job", "flink_opensource_sql_job")
SQL_SHARED = ("name", "desc", "queue_name", "cu_number", "parallel_number", "checkpoint_enabled", "checkpoint_mode",
              "checkpoint_interval", "obs_bucket", "log_enabled", "smn_topic", "restart_when_exception",
              "manager_cu_number", "tm_cus", "tm_slot_num", "resume_checkpoint", "resume_max_num", "runtime_config",
              "flink_log_config", "flink_version", "execution_agency_urn", "resource_config_version", "resource_config")
SQL_STR = ("sql_body", "run_mode", "job_type", "dirty_data_strategy", "udf_jar_url", "operator_config",
           "static_estimator_config")
SQL_INT = ("idle_state_retention",)
SQL_LIST = ("edge_group_ids",)
SQL_TOP_LEVEL = ("name", "desc", "queue_name", "job_type", "sql_body", "run_mode")
SQL_UPDATE_ONLY = ("operator_config", "static_estimator_config")
SQL_UPDATE_FIELDS = SQL_SHARED + tuple(name for name in SQL_STR + SQL_INT + SQL_LIST if name != "job_type")
SQL_CREATE_FIELDS = tuple(name for name in SQL_UPDATE_FIELDS if name not in SQL_UPDATE_ONLY) + ("job_type",)
SQL_IN_PLACE = tuple(name for name in IN_PLACE if name in SQL_SHARED)  # as a Jar job's (the notes)
SQL_LENGTHS = {"sql_body": (0, 1024 * 1024)}
RUN_MODES = ("shared_cluster", "exclusive_cluster", "edge_node")
# Every item of the job list has these; show_detail=false adds main_class, update_time and duration,
# show_detail=true adds entrypoint_args and job_config.
LIST_KEYS = ("job_id", "name", "desc", "job_type", "status", "status_desc", "queue_name", "create_time", "start_time")
LENGTHS = {"name": (0, 57), "desc": (0, 512), "queue_name": (1, 128)}
CHECKPOINT_MODES = {1: "exactly_once", 2: "at_least_once"}  # written as the number, read back as the name
RESOURCE_CONFIG_VERSIONS = ("v1", "v2")
# The failures the control PUT can ask of a job, and the values each takes (null clears it).
FAILURE_CONTROLS = {"savepoint_fails": ("refuse", "later", None), "start_fails": (True, False, None)}
# The queues every reset goes back to: those of the seed jobs, the integration targets, the EXAMPLES and the
# benchmarks' jobs (bench-queue, soak-queue, q), general and large enough for them
# (GET /v1.0/{project}/queues/{name}; PUT /_emulator/queues/{name} changes or, with null, removes one).
DEFAULT_QUEUES = dict((name, {"queueName": name, "queueType": "general", "cuCount": 64,
                              "support_flink_jar_versions": ["1.10", "1.12", "1.15"],
                              "default_flink_jar_version": "1.15", "support_flink_sql_versions": ["1.12", "1.15"]})
                      for name in ("streaming_queue", "batch_queue", "streaming", "streaming_large", "endless",
                                   "bench-queue", "soak-queue", "q"))
QUEUE_TYPES = ("sql", "general", "all")
OBS_PATH = re.compile(r"^obs://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+")
# resource_config: every key optional, no other key taken; the two specs take cpu and memory only.
RESOURCE_CONFIG_KEYS = ("max_slot", "parallel_number", "jobmanager_resource_spec", "taskmanager_resource_spec")
RESOURCE_SPEC_KEYS = ("cpu", "memory")
# The chaos settings (PUT /_emulator/chaos, or the command line's flags) and their defaults: none.
CHAOS_DEFAULTS = {"rate": None, "retry_after": None, "unavailable": 0.0, "drop": 0.0, "drop_methods": "GET",
                  "drop_applied": True, "seed": 0, "iam": False}
DROP_METHODS = ("GET", "any")


# The ids of an endless list's made-up jobs start here, far from the seed jobs' and the created ones'.
ENDLESS_FIRST_ID = 10 ** 9


class ApiError(Exception):
    def __init__(self, status, code, msg):
        super().__init__(msg)
        self.status, self.code, self.msg = status, code, msg


def now_ms():
    return int(time.time() * 1000)


def parse_job_id(value):
    """Job ids are integers: anything else is a parameter error (DLI.0001), not a missing job.

    Digits only: int() alone would also take "1_001", " 7" or "+7" as ids.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]+", value):
        return int(value)
    raise ApiError(400, "DLI.0001", "job_id must be an integer: %s" % (value,))


def request_kind(method, route):
    """What a DLI or IAM call is, for the counts: list, detail, create, update, delete, start, stop, iam
    (the login), or other (a call the API does not have)."""
    if method == "POST" and route == "/v3/auth/tokens":
        return "iam"
    if method == "GET" and re.match(r"^/v1\.0/[^/]+/queues/[^/]+/?$", route):
        return "queue"
    savepoint = re.match(r"^/v1\.0/[^/]+/streaming/jobs/[^/]+/(savepoint|import-savepoint)/?$", route)
    if method == "POST" and savepoint:
        return savepoint.group(1)
    match = re.match(r"^/v1\.0/[^/]+/streaming/(jobs|flink-jobs|sql-jobs)(?:/([^/]+))?/?$", route)
    if not match:
        return "other"
    kind, tail = match.groups()
    if kind == "jobs" and tail in ("run", "stop") and method == "POST":
        return "start" if tail == "run" else "stop"
    return {("jobs", False, "GET"): "list", ("jobs", True, "GET"): "detail", ("jobs", True, "DELETE"): "delete",
            ("flink-jobs", True, "PUT"): "update", ("flink-jobs", False, "POST"): "create",
            ("sql-jobs", True, "PUT"): "update", ("sql-jobs", False, "POST"): "create"}.get(
                (kind, tail is not None, method), "other")


def checked_chaos(settings):
    """The chaos settings with defaults filled in; ValueError naming a bad or unknown key."""
    if not isinstance(settings, dict):
        raise ValueError("the chaos settings must be a JSON object")
    unknown = sorted(set(settings) - set(CHAOS_DEFAULTS))
    if unknown:
        raise ValueError("unknown chaos setting: %s (known: %s)" % (", ".join(unknown), ", ".join(CHAOS_DEFAULTS)))
    chaos = dict(CHAOS_DEFAULTS)
    chaos.update(settings)

    def number(value):
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    for key in ("unavailable", "drop"):
        if not number(chaos[key]) or not 0 <= chaos[key] <= 1:
            raise ValueError("%s must be a fraction from 0 to 1" % key)
    if chaos["rate"] is not None and (not number(chaos["rate"]) or chaos["rate"] < 1):
        raise ValueError("rate must be null (no throttle) or at least 1 request per second")
    if chaos["retry_after"] is not None and (not number(chaos["retry_after"]) or chaos["retry_after"] < 0):
        raise ValueError("retry_after must be null (1 second) or a number of seconds >= 0")
    if chaos["drop_methods"] not in DROP_METHODS:
        raise ValueError("drop_methods must be GET or any")
    for key in ("drop_applied", "iam"):
        if not isinstance(chaos[key], bool):
            raise ValueError("%s must be true or false" % key)
    if not isinstance(chaos["seed"], int) or isinstance(chaos["seed"], bool):
        raise ValueError("seed must be an integer")
    return chaos


class Chaos:
    """Throttling and random faults over the DLI API calls (IAM's only with ``iam``; never the control
    calls), as a soak of many jobs meets them: decided per request, in arrival order, with a generator
    seeded by ``seed``, so that the same sequence of requests meets the same decisions.

    - ``rate``: at most that many calls are let through in each second of the clock; the others answer
      429 APIGW.0308 with ``Retry-After: retry_after`` (default 1 second), and do not count.
    - ``unavailable``: that fraction of the calls let through answer 503 DLI.0999; nothing takes effect.
    - ``drop``: that fraction of the calls let through (of GETs only, or of any method with
      ``drop_methods: any``) get their connection closed without an answer. A dropped write is applied
      first when ``drop_applied`` (a lost answer: it took effect), else nothing takes effect.
    """

    def __init__(self, settings=None, clock=time.monotonic):
        self.settings = checked_chaos(settings or {})
        self.random = random.Random(self.settings["seed"])
        self.clock = clock
        self.window, self.let_through = None, 0

    @property
    def active(self):
        chaos = self.settings
        return bool(chaos["rate"] or chaos["unavailable"] or chaos["drop"])

    def decide(self, method, route):
        """None (answer normally), or "throttled", "unavailable", "dropped" (closed before it is handled)
        or "lost_answer" (handled, then closed)."""
        chaos = self.settings
        if not self.active or not (route.startswith("/v1.0/") or chaos["iam"] and route == "/v3/auth/tokens"):
            return None
        if chaos["rate"]:
            window = int(self.clock())
            if window != self.window:
                self.window, self.let_through = window, 0
            if self.let_through >= chaos["rate"]:
                return "throttled"
            self.let_through += 1
        # Both draws for every call let through: each call's fate depends on its place in the sequence only.
        unavailable, drop = self.random.random(), self.random.random()
        if unavailable < chaos["unavailable"]:
            return "unavailable"
        if drop < chaos["drop"] and (method == "GET" or chaos["drop_methods"] == "any"):
            return "lost_answer" if method != "GET" and chaos["drop_applied"] else "dropped"
        return None

    def retry_after(self):
        """The Retry-After header's value: the setting in seconds (0.5 as 0.5), 1 when it is null."""
        value = self.settings["retry_after"]
        return format(1 if value is None else value, "g")


def new_stats():
    """The counts GET /_emulator/stats answers: DLI and IAM calls (never the control calls)."""
    return {"requests": 0, "kinds": {}, "methods": {}, "statuses": {}, "iam": 0, "throttled": 0, "unavailable": 0,
            "dropped": 0, "lost_answers": 0, "faults": 0}


class State:
    """Jobs, issued tokens, faults, chaos, the request log and its counts, behind one lock."""

    def __init__(self, jobs_file, transition_seconds, chaos=None):
        self.jobs_file, self.transition_seconds = jobs_file, transition_seconds
        self.start_chaos = checked_chaos(chaos or {})  # what a reset goes back to
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        with self.lock:
            with open(self.jobs_file) as handle:
                self.jobs = dict((job["job_id"], self._with_meta(job)) for job in json.load(handle))
            self.tokens, self.faults, self.log = set(), [], []
            self.queues = copy.deepcopy(DEFAULT_QUEUES)
            self.chaos = Chaos(self.start_chaos)
            self.stats = new_stats()
            self.down, self.stopped_once = set(), set()
            self.down_events = []
            self.last_request = time.time()
            self.last_update = max([j["update_time"] or 0 for j in self.jobs.values()] + [0])

    def count(self, method, kind, status, chaos, fault):
        """One DLI or IAM call in the counts."""
        with self.lock:
            stats = self.stats
            stats["requests"] += 1
            for key, value in (("kinds", kind), ("methods", method), ("statuses", str(status))):
                stats[key][value] = stats[key].get(value, 0) + 1
            stats["iam"] += 1 if kind == "iam" else 0
            stats["faults"] += 1 if fault else 0
            if chaos:
                stats["lost_answers" if chaos == "lost_answer" else chaos] += 1

    # -- the jobs down after a stop: how many were stopped for a restart at once (stats' restart_peak) ----------
    def went_down(self, job_id, at):
        """A stop call stopped the job, or a job stopped since the reset crashed: it is down until it runs again."""
        self.stopped_once.add(job_id)
        if job_id not in self.down:
            self.down.add(job_id)
            self.down_events.append((at, 1))

    def came_up(self, job_id, at):
        if job_id in self.down:
            self.down.discard(job_id)
            self.down_events.append((at, -1))

    def clear_down_events(self):
        self.down_events = [(time.time(), len(self.down))]  # the jobs down now count from here

    def restart_peak(self):
        """The most jobs down at once after a stop, at the times the transitions took effect (applied when read)."""
        with self.lock:
            events = sorted(self.down_events, key=lambda event: (event[0], event[1]))
        count = peak = 0
        for dummy, delta in events:
            count += delta
            peak = max(peak, count)
        return peak

    @staticmethod
    def _with_meta(job):
        job = copy.deepcopy(job)
        job.setdefault("job_config", {})
        # pending: the status change under way, {"status", "at" (epoch seconds), "status_desc" (None: unchanged),
        # "started" (start_time set then)}; savepoint_fails ("refuse" | "later"), start_fails (true) and
        # crash_after (seconds in job_running, then job_running_exception; for entrypoint: only while the job
        # runs that jar, "a broken jar"): failures the control PUT asks for, kept until cleared with null.
        job["_meta"] = {"savepoints": [], "last_run": None, "pending": None, "tags": [],
                        "savepoint_fails": None, "start_fails": None, "transition_seconds": None,
                        "crash_after": None, "crash_entrypoint": None, "crash_sql_body": None}
        return job

    def next_update_time(self):
        self.last_update = max(now_ms(), self.last_update + 1)
        return self.last_update

    def job(self, job_id):
        """The job, with any transition that is due applied; ApiError when missing."""
        job = self.jobs.get(parse_job_id(job_id))
        if job is None:
            raise ApiError(400, "DLI.16001", "The job does not exist: %s" % job_id)
        pending = job["_meta"]["pending"]
        if pending and time.time() >= pending["at"]:
            job["status"], job["_meta"]["pending"] = pending["status"], None
            if job["status"] == "job_running":
                self.came_up(job["job_id"], pending["at"])
            elif job["status"] == "job_running_exception" and job["job_id"] in self.stopped_once:
                self.went_down(job["job_id"], pending["at"])
            if pending.get("status_desc") is not None:
                job["status_desc"] = pending["status_desc"]
            if pending.get("started"):
                job["start_time"] = now_ms()
            crash = job["_meta"].get("crash_after")
            broken = job["_meta"].get("crash_entrypoint")
            broken_sql = job["_meta"].get("crash_sql_body")
            if job["status"] == "job_running" and crash is not None and pending.get("run") and (
                    broken is None or job["job_config"].get("entrypoint") == broken) and (
                    broken_sql is None or job.get("sql_body") == broken_sql):
                job["_meta"]["pending"] = {"status": "job_running_exception", "at": pending["at"] + crash,
                                           "status_desc": "The job crashed %s seconds after it started "
                                                          "(failure asked of the emulator)" % crash}
                return self.job(job_id)
        return job

    def take_fault(self, method, path):
        with self.lock:
            for fault in self.faults:
                if fault.get("method") not in (None, method) or (fault.get("path_contains") or "") not in path \
                        or fault.get("kind") not in (None, request_kind(method, path)):
                    continue
                fault["times"] -= 1
                if fault["times"] <= 0:
                    self.faults.remove(fault)
                return fault
        return None


def public(job):
    return dict((k, v) for k, v in copy.deepcopy(job).items() if k != "_meta")


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def check_resource_config(value):
    """{max_slot, parallel_number, jobmanager_resource_spec: {cpu, memory}, taskmanager_resource_spec: {cpu, memory}}."""
    unknown = sorted(set(value) - set(RESOURCE_CONFIG_KEYS))
    if unknown:
        raise ApiError(400, "DLI.0001", "Unknown parameter in resource_config: %s" % ", ".join(unknown))
    for key in ("max_slot", "parallel_number"):
        if value.get(key) is not None and (not is_int(value[key]) or value[key] < 1):
            raise ApiError(400, "DLI.0001", "resource_config.%s must be an integer of at least 1" % key)
    for key in ("jobmanager_resource_spec", "taskmanager_resource_spec"):
        spec = value.get(key)
        if spec is None:
            continue
        if not isinstance(spec, dict):
            raise ApiError(400, "DLI.0001", "resource_config.%s must be an object" % key)
        unknown = sorted(set(spec) - set(RESOURCE_SPEC_KEYS))
        if unknown:
            raise ApiError(400, "DLI.0001", "Unknown parameter in resource_config.%s: %s" % (key, ", ".join(unknown)))
        cpu, memory = spec.get("cpu"), spec.get("memory")
        if cpu is not None and (isinstance(cpu, bool) or not isinstance(cpu, (int, float)) or not cpu > 0):
            raise ApiError(400, "DLI.0001", "resource_config.%s.cpu must be a number greater than 0" % key)
        if memory is not None and not isinstance(memory, str):
            raise ApiError(400, "DLI.0001", "resource_config.%s.memory must be a string such as 4G" % key)


def check_tags(value):
    """Create only: a list of {key, value} objects with string keys and values."""
    if value is None:
        return
    if not isinstance(value, list) or not all(
            isinstance(tag, dict) and isinstance(tag.get("key"), str) and isinstance(tag.get("value"), str)
            for tag in value):
        raise ApiError(400, "DLI.0001", "tags must be an array of {key, value} objects with string keys and values")


def check_value(name, value):
    if value is None:
        return
    kind = (str if name in STR else bool if name in BOOL else list if name in LIST else dict if name in OBJECT
            else int)
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)) or \
            kind is not int and not isinstance(value, kind):
        raise ApiError(400, "DLI.0001", "%s must be of type %s" % (name, kind.__name__))
    if name in LENGTHS and not LENGTHS[name][0] <= len(value) <= LENGTHS[name][1]:
        raise ApiError(400, "DLI.0001", "The length of %s must be %s to %s" % ((name,) + LENGTHS[name]))
    if name == "checkpoint_mode" and value not in CHECKPOINT_MODES:
        raise ApiError(400, "DLI.0001", "checkpoint_mode must be 1 (exactly_once) or 2 (at_least_once)")
    if name in INT and name != "resume_max_num" and value < 1:
        raise ApiError(400, "DLI.0001", "%s must be at least 1" % name)
    if name == "resume_max_num" and not (value == -1 or value > 0):
        raise ApiError(400, "DLI.0001", "resume_max_num must be -1 or greater than 0")
    if name == "resource_config_version" and value not in RESOURCE_CONFIG_VERSIONS:
        raise ApiError(400, "DLI.0001", "resource_config_version must be v1 or v2")
    if name == "resource_config":
        check_resource_config(value)
    if name == "feature" and value not in ("basic", "custom"):
        raise ApiError(400, "DLI.0001", "feature must be basic or custom")
    if name == "job_type" and value != "flink_jar_job":
        raise ApiError(400, "DLI.0001", "job_type must be flink_jar_job")
    if name in LIST and not all(isinstance(item, str) for item in value):
        raise ApiError(400, "DLI.0001", "%s must be an array of strings" % name)
    if name == "runtime_config" and value:
        try:
            entries = json.loads(value)
            assert isinstance(entries, list) and all(isinstance(e, dict) and "key" in e for e in entries)
        except (ValueError, AssertionError):
            raise ApiError(400, "DLI.0001", "runtime_config must be a JSON array of {key, value}")


def check_sql_value(name, value):
    """check_value for a field of a Flink SQL job."""
    if name not in SQL_STR + SQL_INT + SQL_LIST:
        return check_value(name, value)
    if value is None:
        return
    kind = str if name in SQL_STR else int if name in SQL_INT else list
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)) or \
            kind is not int and not isinstance(value, kind):
        raise ApiError(400, "DLI.0001", "%s must be of type %s" % (name, kind.__name__))
    if name in SQL_LENGTHS and not SQL_LENGTHS[name][0] <= len(value) <= SQL_LENGTHS[name][1]:
        raise ApiError(400, "DLI.0001", "The length of %s must be %s to %s" % ((name,) + SQL_LENGTHS[name]))
    if name == "run_mode" and value not in RUN_MODES:
        raise ApiError(400, "DLI.0001", "run_mode must be one of %s" % ", ".join(RUN_MODES))
    if name == "job_type" and value not in SQL_JOB_TYPES:
        raise ApiError(400, "DLI.0001", "job_type must be flink_sql_job or flink_opensource_sql_job")
    if name == "idle_state_retention" and value < 1:
        raise ApiError(400, "DLI.0001", "idle_state_retention must be at least 1")
    if name == "dirty_data_strategy" and not (value in ("0", "1") or value.startswith("2:") and value[2:].strip()):
        raise ApiError(400, "DLI.0001", "dirty_data_strategy must be 0, 1 or 2:obs-dir")
    if name in LIST + SQL_LIST and not all(isinstance(item, str) for item in value):
        raise ApiError(400, "DLI.0001", "%s must be an array of strings" % name)
    if name in SQL_UPDATE_ONLY and value:
        try:
            json.loads(value)
        except ValueError:
            raise ApiError(400, "DLI.0001", "%s must be a JSON string" % name)


def check_merged(flat):
    if flat.get("log_enabled") and not flat.get("obs_bucket"):
        raise ApiError(400, "DLI.0001", "obs_bucket is required when log_enabled is true")
    if flat.get("image") and flat.get("feature") != "custom":
        raise ApiError(400, "DLI.0001", "image can only be set when feature is custom")
    if flat.get("flink_version") and flat.get("feature") == "custom":
        raise ApiError(400, "DLI.0001", "flink_version cannot be set when feature is custom")
    if (flat.get("cu_number") or 2) <= (flat.get("manager_cu_number") or 1):
        raise ApiError(400, "DLI.0001", "cu_number must be greater than manager_cu_number")


def default_tm_slot_num(config):
    """The slots per TaskManager a new job gets when it names none (a server-filled value).

    Nulls count as the create defaults, as in check_merged, which has made the divisor positive.
    """
    task_manager_cus = (config.get("cu_number") or 2) - (config.get("manager_cu_number") or 1)
    return max(1, (config.get("parallel_number") or 1) * (config.get("tm_cus") or 1) // task_manager_cus)


def list_item(job, show_detail):
    """A job as the list shows it: the common keys, and those of the show_detail form asked for."""
    item = dict((key, copy.deepcopy(job.get(key))) for key in LIST_KEYS)
    if show_detail:
        item.update(entrypoint_args=job.get("entrypoint_args"), job_config=copy.deepcopy(job["job_config"]))
    else:
        running = job["status"] == "job_running" and job.get("start_time")
        item.update(main_class=job.get("main_class"), update_time=job.get("update_time"),
                    duration=now_ms() - job["start_time"] if running else None)  # ms since the start, while running
    return item


def endless_item(job_id):
    """A made-up job of an endless list (a fault): one that no detail read finds."""
    return dict(job_id=job_id, name="endless-%s" % job_id, desc="", job_type="flink_jar_job", status="job_init",
                status_desc="", queue_name="endless", create_time=0, start_time=None, main_class=None,
                update_time=0, duration=None)


def flatten(job):
    flat = dict((k, job.get(k)) for k in TOP_LEVEL)
    flat.update(job["job_config"])
    return flat


def apply_sql_update(state, job, body, fields=SQL_UPDATE_FIELDS):
    """PUT .../streaming/sql-jobs/{id} (and the create's checks, with the create's ``fields``)."""
    if job["job_type"] not in SQL_JOB_TYPES:
        raise ApiError(400, "DLI.0007", "Only Flink SQL jobs can be updated here")
    for name, value in body.items():
        if name not in fields:  # job_type and tags: create only; operator_config: update only
            raise ApiError(400, "DLI.0001", "Unknown parameter: %s" % name)
        check_sql_value(name, value)
    if job["status"] in RUNNING:
        needs_restart = [name for name in body if name not in SQL_IN_PLACE]
        if needs_restart:
            raise ApiError(400, "DLI.0001", "A running job cannot change: %s" % ", ".join(sorted(needs_restart)))
        if "obs_bucket" in body and body["obs_bucket"] == job["job_config"].get("obs_bucket"):
            raise ApiError(400, "DLI.0001", "obs_bucket is unchanged; do not send it to a running job")
    flat = dict((k, job.get(k)) for k in SQL_TOP_LEVEL)
    flat.update(job["job_config"])
    flat.update(body)
    check_merged(flat)
    if (flat.get("run_mode") or "shared_cluster") == "shared_cluster" and flat.get("job_type") != "flink_sql_job":
        raise ApiError(400, "DLI.0001", "run_mode shared_cluster needs job_type flink_sql_job")
    for name, value in body.items():
        if name == "checkpoint_mode" and value is not None:
            value = CHECKPOINT_MODES[value]
        (job if name in SQL_TOP_LEVEL else job["job_config"])[name] = copy.deepcopy(value)
    job["update_time"] = state.next_update_time()
    return job["update_time"]


def apply_update(state, job, body):
    if job["job_type"] != "flink_jar_job":
        raise ApiError(400, "DLI.0007", "Only Flink Jar jobs can be updated here")
    for name, value in body.items():
        if name not in UPDATE_FIELDS:  # tags is not one: create only
            raise ApiError(400, "DLI.0001", "Unknown parameter: %s" % name)
        check_value(name, value)
    if job["status"] in RUNNING:
        needs_restart = [name for name in body if name not in IN_PLACE]
        if needs_restart:
            raise ApiError(400, "DLI.0001", "A running job cannot change: %s" % ", ".join(sorted(needs_restart)))
        if "obs_bucket" in body and body["obs_bucket"] == job["job_config"].get("obs_bucket"):
            raise ApiError(400, "DLI.0001", "obs_bucket is unchanged; do not send it to a running job")
    flat = flatten(job)
    flat.update(body)
    check_merged(flat)
    for name, value in body.items():
        if name == "checkpoint_mode" and value is not None:
            value = CHECKPOINT_MODES[value]
        value = copy.deepcopy(value)  # resource_config, like a list, replaces the stored value as a whole
        (job if name in TOP_LEVEL else job["job_config"])[name] = value
    job["update_time"] = state.next_update_time()
    return job["update_time"]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY on every connection: the headers and the body go out as two writes, and on a kept-alive
    # connection Nagle's algorithm would hold the body until the client's delayed ACK (some 40 ms a call).
    disable_nagle_algorithm = True
    state = None  # set by make_server

    def log_message(self, *args):
        pass

    # -- plumbing ---------------------------------------------------------------------------
    def _answer(self, status, payload, content_type="application/json", extra_headers=None):
        if self.detail_patch and isinstance(payload, dict) and isinstance(payload.get("job_detail"), dict):
            payload = dict(payload, job_detail=dict(payload["job_detail"], **self.detail_patch))  # malformed fields
        if self.answer_status and status < 400:  # it took effect, but the answer says it failed
            status, payload = self.answer_status, {"error_code": "DLI.0999", "error_msg": "Internal error"}
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.answered = status  # before writing: once a status line is out, no second answer may follow
        if self.lose_answer:  # the request took effect, but its answer never reaches the client
            self._hang_up()
            return
        self._log()  # before the answer: a client that reads the log right after its call finds the call there
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if not self.oversize:
            self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Request-Id", self.request_id)
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        if self.oversize:  # the answer, then padding up to oversize MiB: more than any client should read
            self.send_header("Content-Length", str(self.oversize * 1024 * 1024))
            self.end_headers()
            try:
                self.wfile.write(data)
                for dummy in range((self.oversize * 1024 * 1024 - len(data)) // 65536):
                    self.wfile.write(b" " * 65536)
                self.wfile.write(b" " * ((self.oversize * 1024 * 1024 - len(data)) % 65536))
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client refused the rest, as it should
            return
        self.end_headers()
        if self.trickle:  # a slow answer: the body one byte at a time
            try:
                self.wfile.flush()
                for index in range(len(data)):
                    self.wfile.write(data[index:index + 1])
                    self.wfile.flush()
                    time.sleep(self.trickle)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up on the slow answer, as it should
            return
        self.wfile.write(data)

    def _handle(self):
        self.request_id, self.answered, self.auth = uuid.uuid4().hex, 0, None
        self.state.last_request = time.time()
        self.lose_answer, self.trickle, self.chaos, self.fault = False, 0, None, None
        self.oversize = 0
        self.logged = self.route_is_control = False
        self.answer_status, self.detail_patch = None, None
        parts = urlsplit(self.path)
        self.route, self.query = parts.path, parts.query
        length = int(self.headers.get("Content-Length") or 0)
        self.raw_body = self.rfile.read(length) if length else b""
        try:
            self.body = json.loads(self.raw_body) if self.raw_body else None
        except ValueError:
            self.body = self.raw_body.decode("utf-8", "replace")
        control = self.route_is_control = self.route.startswith("/_emulator/")
        try:
            if control:
                self._control()
            elif not self._fault() and not self._chaos():
                self._api()
        except ApiError as exc:
            self._answer(exc.status, {"error_code": exc.code, "error_msg": exc.msg})
        except Exception as exc:  # an emulator bug: answer as DLI's server error does, not by dropping the connection
            traceback.print_exc()
            if self.answered:
                raise  # the answer is already partly sent: all that is left is to close the connection
            self._answer(500, {"error_code": "DLI.0999", "error_msg": "Internal error: %s: %s" % (
                type(exc).__name__, exc)})
        finally:
            self._log()  # a call that got no answer (a fault's drop), once handled

    def _log(self):
        """Record this call in the request log and the counts, once, before it is answered or hung up on.
        The log records DLI and IAM calls, not its own control calls."""
        if self.logged or self.route_is_control:
            return
        self.logged = True
        kind = request_kind(self.command, self.route)
        with self.state.lock:
            self.state.log.append({
                "method": self.command, "path": self.route, "query": self.query, "kind": kind,
                "headers": dict((k.lower(), v) for k, v in self.headers.items()),
                "body": self.body, "status": self.answered, "auth": self.auth, "request_id": self.request_id,
                "chaos": self.chaos})
            self.state.count(self.command, kind, self.answered, self.chaos, self.fault)

    def _hang_up(self):
        """Close the connection without an answer (the client sees it closed, or reset)."""
        self._log()
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _chaos(self):
        """The chaos's decision for this call: True when it answered (429, 503) or dropped the call."""
        with self.state.lock:
            self.chaos = self.state.chaos.decide(self.command, self.route)
            retry_after = self.state.chaos.retry_after()
        if self.chaos == "throttled":
            self._answer(429, {"error_code": "APIGW.0308", "error_msg": "The request is throttled (the emulator's "
                               "rate limit)."}, extra_headers={"Retry-After": retry_after})
            return True
        if self.chaos == "unavailable":
            self._answer(503, {"error_code": "DLI.0999", "error_msg": "Service unavailable (the emulator's random "
                               "failure)."})
            return True
        if self.chaos == "dropped":
            self._hang_up()
            return True
        self.lose_answer = self.lose_answer or self.chaos == "lost_answer"  # handled, then hung up on
        return False

    do_GET = do_PUT = do_POST = do_DELETE = _handle

    def _fault(self):
        fault = self.fault = self.state.take_fault(self.command, self.route)
        if not fault:
            return False
        if fault.get("delay"):
            time.sleep(fault["delay"])
        if fault.get("drop"):
            self._log()
            self.close_connection = True
            self.connection.close()
            return True
        if fault.get("echo"):
            self._echo(fault)
            return True
        if fault.get("status"):
            code = ("APIGW.0308", "The request is throttled.") if fault["status"] == 429 else \
                ("DLI.0999", "Internal error")
            if "error_code" in fault:  # "": an empty body, as a gateway's bare 404
                code = (fault["error_code"], fault.get("error_msg") or "Injected error")
            headers = {"Retry-After": str(fault["retry_after"])} if fault.get("retry_after") is not None else {}
            if fault.get("location"):
                headers["Location"] = fault["location"]
            payload = {"error_code": code[0], "error_msg": code[1]} if fault["status"] >= 400 and code[0] else b""
            self._answer(fault["status"], payload, extra_headers=headers)
            return True
        if fault.get("body") is not None:
            body = fault["body"]
            if not isinstance(body, str):  # a playbook's templating may have made JSON text into data
                body = json.dumps(body)
            self._answer(200, body.encode(), content_type=fault.get("content_type") or "text/html")
            return True
        if fault.get("is_success_false"):
            self._answer(200, {"is_success": False, "message": "Injected failure"})
            return True
        if fault.get("nested"):  # valid JSON nested deeper than a decoder's recursion goes
            depth = int(fault["nested"])
            self._answer(200, ("[" * depth + "]" * depth).encode())
            return True
        # Faults that let the request take effect, and then spoil its answer.
        self.lose_answer = bool(fault.get("lose_answer"))
        self.trickle = float(fault.get("trickle") or 0)
        self.oversize = int(fault.get("oversize") or 0)
        self.answer_status = int(fault.get("answer_status") or 0)
        self.detail_patch = fault.get("detail_patch") if isinstance(fault.get("detail_patch"), dict) else None
        return False  # go on normally

    def _echo(self, fault):
        """A gateway's error page echoing the request: its body, or the header ``echo_header``, after ``pad``
        filler characters, as text or in HTML (entities, non-ASCII characters as numeric references)."""
        if fault.get("echo_header"):
            echoed = "%s: %s" % (fault["echo_header"], self.headers.get(fault["echo_header"], ""))
        else:
            echoed = self.raw_body.decode("utf-8", "replace")
        echoed = "." * int(fault.get("pad") or 0) + echoed
        if fault["echo"] == "html":
            page = "<html><body><h1>Bad request</h1><pre>%s</pre></body></html>" % html.escape(echoed)
            data, content_type = page.encode("ascii", "xmlcharrefreplace"), "text/html"
        else:
            data, content_type = echoed.encode("utf-8"), "text/plain; charset=utf-8"
        self._answer(int(fault.get("status") or 400), data, content_type=content_type)

    # -- authentication -------------------------------------------------------------------------
    def _authenticate(self):
        token = self.headers.get("X-Auth-Token")
        if token:
            if token == STATIC_TOKEN or token in self.state.tokens:
                self.auth = "token"
                return
            raise ApiError(401, "APIGW.0301", "Incorrect IAM authentication information: unknown token")
        match = re.match(r"SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]+)$",
                         self.headers.get("Authorization") or "")
        if not match:
            raise ApiError(401, "APIGW.0301", "Incorrect IAM authentication information: no valid Authorization")
        access_key, signed, signature = match.groups()
        names = signed.split(";")
        if access_key not in KEYS:
            raise ApiError(401, "APIGW.0301", "Incorrect IAM authentication information: unknown access key")
        if "host" not in names or "x-sdk-date" not in names:
            raise ApiError(401, "APIGW.0301", "Incorrect IAM authentication information: host and x-sdk-date must be signed")
        try:
            sdk_date = datetime.strptime(self.headers["X-Sdk-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
        except (TypeError, ValueError):
            raise ApiError(401, "APIGW.0301", "Incorrect IAM authentication information: bad X-Sdk-Date")
        if abs((datetime.now(timezone.utc) - sdk_date).total_seconds()) > 15 * 60:
            raise ApiError(401, "APIGW.0301", "Incorrect IAM authentication information: X-Sdk-Date expired")
        if access_key == TEMP_ACCESS_KEY and (self.headers.get("X-Security-Token") != SECURITY_TOKEN
                                              or "x-security-token" not in names):
            raise ApiError(401, "APIGW.0301", "Incorrect IAM authentication information: bad security token")
        headers = dict((name, self.headers.get(name, "")) for name in names)
        request = SdkRequest(method=self.command, schema="http", host=self.headers.get("Host"),
                             resource_path=self.route, query_params=parse_qsl(self.query, keep_blank_values=True),
                             header_params=headers, body=self.raw_body)
        expected = Signer(BasicCredentials(access_key, KEYS[access_key])).sign(request).header_params["Authorization"]
        expected_signature = expected.rsplit("Signature=", 1)[1]
        if not hmac.compare_digest(expected_signature, signature) or "SignedHeaders=%s," % signed not in expected:
            raise ApiError(401, "APIGW.0301", "Incorrect IAM authentication information: signature mismatch")
        self.auth = "aksk"

    # -- the API -----------------------------------------------------------------------------
    def _api(self):
        if self.command == "POST" and self.route == "/v3/auth/tokens":
            return self._iam()
        extra = re.match(r"^/v1\.0/([^/]+)/(?:queues/([^/]+)|streaming/jobs/([^/]+)/(savepoint|import-savepoint))/?$",
                         self.route)
        if extra:
            return self._queue_or_savepoint(*extra.groups())
        match = re.match(r"^/v1\.0/([^/]+)/streaming/(jobs|flink-jobs|sql-jobs)(?:/([^/]+))?/?$", self.route)
        if not match:  # the gateway's answer for a URL no API has, before any DLI code runs
            raise ApiError(404, "APIGW.0101", "The API does not exist or has not been published in the environment")
        self._authenticate()
        project, kind, tail = match.groups()
        if project != PROJECT_ID:
            raise ApiError(403, "DLI.0013", "project mismatch")
        # Every DLI write takes a JSON object: a list, a string, bad JSON or no body at all is refused,
        # never read as an empty update.
        body = self.body
        if self.command in ("PUT", "POST") and not isinstance(body, dict):
            raise ApiError(400, "DLI.0001", "The request body must be a JSON object")
        with self.state.lock:
            if kind == "jobs" and tail in ("run", "stop") and self.command == "POST":
                if not isinstance(body.get("job_ids"), list):
                    raise ApiError(400, "DLI.0001", "job_ids must be an array of job ids")
                flag = "resume_savepoint" if tail == "run" else "trigger_savepoint"
                if body.get(flag) is not None and not isinstance(body[flag], bool):
                    raise ApiError(400, "DLI.0001", "%s must be a boolean" % flag)
                return self._answer(200, [self._run_or_stop(tail, job_id, body) for job_id in body["job_ids"]])
            if kind == "jobs" and tail is None and self.command == "GET":
                return self._list()
            if kind == "jobs" and tail and self.command == "GET":
                job = self.state.job(tail)
                savepoints = job["_meta"]["savepoints"]  # the SDK's FlinkJob: whether it has one, the latest's path
                return self._answer(200, {"is_success": "true", "message": "Job detail query succeeds.",
                                          "job_detail": dict(public(job), has_savepoint=bool(savepoints),
                                                             savepoint_path=savepoints[-1] if savepoints else None)})
            if kind == "jobs" and tail and self.command == "DELETE":
                job = self.state.job(tail)
                if job["status"] in RUNNING:
                    raise ApiError(400, "DLI.0007", "A running job cannot be deleted")
                del self.state.jobs[job["job_id"]]
                return self._answer(200, {"is_success": "true", "message": "Job deleted."})
            if kind == "flink-jobs" and tail and self.command == "PUT":
                update_time = apply_update(self.state, self.state.job(tail), body)
                return self._answer(200, {"is_success": True, "message": "The Flink job is updated successfully.",
                                          "job": {"update_time": update_time}})
            if kind == "flink-jobs" and tail is None and self.command == "POST":
                return self._create(body)
            if kind == "sql-jobs" and tail and self.command == "PUT":
                update_time = apply_sql_update(self.state, self.state.job(tail), body)
                return self._answer(200, {"is_success": "true", "message": "The Flink SQL job is updated.",
                                          "job": {"update_time": update_time}})
            if kind == "sql-jobs" and tail is None and self.command == "POST":
                return self._create_sql(body)
        raise ApiError(404, "APIGW.0101", "The API does not exist or has not been published in the environment")

    def _queue_or_savepoint(self, project, queue_name, job_id, action):
        """GET a queue; POST a job's savepoint trigger or import, with the bodies the API reference documents."""
        if (self.command, bool(queue_name)) not in (("GET", True), ("POST", False)):
            raise ApiError(404, "APIGW.0101", "The API does not exist or has not been published in the environment")
        self._authenticate()
        if project != PROJECT_ID:
            raise ApiError(403, "DLI.0013", "project mismatch")
        with self.state.lock:
            if queue_name:
                queue = self.state.queues.get(queue_name)
                if queue is None:
                    raise ApiError(400, "DLI.0002", "The queue %s does not exist." % queue_name)
                return self._answer(200, dict(copy.deepcopy(queue), is_success=True, message=""))
            body = self.body
            if not isinstance(body, dict):
                raise ApiError(400, "DLI.0001", "The request body must be a JSON object")
            job = self.state.job(job_id)
            path = body.get("savepoint_path")
            if not isinstance(path, str) or not path:
                raise ApiError(400, "DLI.0001", "savepoint_path is required")
            if action == "import-savepoint":
                if body.get("job_id") != job["job_id"]:
                    raise ApiError(400, "DLI.0001", "job_id in the body must be the job's id %s" % job["job_id"])
                if not OBS_PATH.match(path):
                    raise ApiError(400, "DLI.0001", "savepoint_path must be an OBS path obs://bucket/path")
                if job["status"] in RUNNING:
                    raise ApiError(400, "DLI.0007", "A savepoint cannot be imported into a running job")
                job["_meta"]["savepoints"].append(path)
                return self._answer(200, {"is_success": "true", "message": "The savepoint is imported."})
            if body.get("action") != "trigger":  # the SDK's example path has no obs:// prefix
                raise ApiError(400, "DLI.0001", "action must be trigger")
            if job["status"] != "job_running":
                raise ApiError(400, "DLI.0007", "A savepoint is taken of a running job only")
            job["_meta"]["savepoints"].append(path if path.startswith("obs://") else "obs://" + path)
            return self._answer(200, {"is_success": "true", "message": "The savepoint is triggered."})

    def _iam(self):
        try:
            auth = self.body["auth"]
            user = auth["identity"]["password"]["user"]
            name, password, domain = user["name"], user["password"], user["domain"]["name"]
            project = auth["scope"]["project"]["id"]
        except (KeyError, TypeError):
            return self._answer(400, {"error": {"code": 400, "message": "The request body is malformed.",
                                                "title": "Bad Request"}})
        self.auth = "iam"
        if (name, password, domain, project) != (USER_NAME, PASSWORD, DOMAIN_NAME, PROJECT_ID):
            return self._answer(401, {"error": {"code": 401, "message": "The username or password is wrong.",
                                                "title": "Unauthorized"}})
        token = ISSUED_TOKEN_PREFIX + uuid.uuid4().hex
        self.state.tokens.add(token)
        self._answer(201, {"token": {"methods": ["password"], "project": {"id": PROJECT_ID},
                                     "expires_at": datetime.fromtimestamp(time.time() + 86400, timezone.utc).isoformat()}},
                     extra_headers={"X-Subject-Token": token})

    def _run_or_stop(self, action, job_id, body):
        try:
            job = self.state.job(job_id)
        except ApiError as exc:
            return {"is_success": False, "message": exc.msg}
        meta = job["_meta"]
        seconds = meta.get("transition_seconds")
        later = time.time() + (self.state.transition_seconds if seconds is None else seconds)
        if action == "run":
            if job["status"] in RUNNING:  # running, submitting, canceling or savepointing
                return {"is_success": False, "message": "Job %s is already running" % job_id}
            job["status"], job["status_desc"] = "job_submitting", ""
            if meta.get("start_fails"):
                meta["pending"] = {"status": "job_submit_fail", "at": later,
                                   "status_desc": "Submitting job %s failed (failure asked of the emulator)" % job_id}
            else:
                meta["pending"] = {"status": "job_running", "at": later, "started": True, "run": True}
            meta["last_run"] = {"resume_savepoint": bool(body.get("resume_savepoint"))}
            if meta["last_run"]["resume_savepoint"]:  # resumes from the latest savepoint only, if there is one
                meta["last_run"]["savepoint"] = meta["savepoints"][-1] if meta["savepoints"] else None
            return {"is_success": True, "message": "Job %s is being started" % job_id}
        if job["status"] not in ("job_running", "job_submitting"):
            return {"is_success": False, "message": "Job %s is not running" % job_id}
        savepoint = bool(body.get("trigger_savepoint"))
        fails = meta.get("savepoint_fails") if savepoint else None
        if fails == "refuse":
            return {"is_success": False, "message": "Job %s: the savepoint failed, so the job was not stopped "
                                                    "(failure asked of the emulator)" % job_id}
        job["status"], job["status_desc"] = "job_canceling", ""
        self.state.went_down(job["job_id"], time.time())
        if fails == "later":  # Flink's stop-with-savepoint: a failed savepoint leaves the job running
            meta["pending"] = {"status": "job_running", "at": later, "started": job.get("start_time") is None,
                               "status_desc": "Stopping job %s with a savepoint failed: the savepoint failed, the "
                                              "job keeps running (failure asked of the emulator)" % job_id}
            return {"is_success": True, "message": "Job %s is being stopped" % job_id}
        meta["pending"] = {"status": "job_cancel_success", "at": later}
        if savepoint:
            meta["savepoints"].append("obs://savepoints/%s/%s" % (job_id, now_ms()))
        return {"is_success": True, "message": "Job %s is being stopped" % job_id}

    def _list(self):
        query = dict(parse_qsl(self.query))
        try:
            limit, offset = int(query.get("limit", 10)), int(query.get("offset", 0))
        except ValueError:
            raise ApiError(400, "DLI.0001", "limit and offset must be integers")
        if not 1 <= limit <= 100:
            raise ApiError(400, "DLI.0001", "limit must be 1 to 100")
        if offset < 0:
            raise ApiError(400, "DLI.0001", "offset must be 0 or more")
        jobs = [self.state.job(job_id) for job_id in sorted(self.state.jobs, reverse=query.get("order") != "asc")]
        for key in ("name", "status", "queue_name", "job_type"):
            if query.get(key):  # name: a substring, as the real one may match (the notes leave it open)
                jobs = [job for job in jobs if (query[key] in (job[key] or "") if key == "name"
                                                else job[key] == query[key])]
        show_detail = (query.get("show_detail") or "").lower() == "true"
        spoil = self.fault or {}  # a list fault's ways of paging wrong (see the README's Faults)
        if spoil.get("ignore_offset"):
            offset = 0
        page = [list_item(job, show_detail) for job in jobs[offset:offset + limit]]
        job_list = {"total_count": len(jobs), "jobs": page}
        if spoil.get("endless"):  # a full page of jobs never seen, at every offset
            job_list = {"total_count": 10 ** 12, "jobs": [endless_item(ENDLESS_FIRST_ID + offset + index)
                                                          for index in range(limit)]}
        if "total_count" in spoil:
            job_list["total_count"] = spoil["total_count"]
            if spoil["total_count"] == "omit":
                del job_list["total_count"]
        self._answer(200, {"is_success": "true", "message": "Querying of the job list succeeds.", "job_list": job_list})

    def _create(self, body):
        if not body.get("name"):  # the only field the API requires
            raise ApiError(400, "DLI.0001", "name is required")
        body = dict(body)
        tags = body.pop("tags", None)  # create only: an update refuses it as an unknown parameter
        check_tags(tags)
        job_id = max(list(self.state.jobs) + [1000]) + 1
        created = now_ms()
        job = State._with_meta({"job_id": job_id, "name": "", "desc": "", "queue_name": None,
                                "job_type": "flink_jar_job", "status": "job_init", "status_desc": "",
                                "main_class": None, "entrypoint_args": None, "create_time": created,
                                "update_time": created, "start_time": None,
                                "job_config": dict((k, None) for k in UPDATE_FIELDS if k not in TOP_LEVEL)})
        job["job_config"].update(cu_number=2, manager_cu_number=1, parallel_number=1, tm_cus=1, log_enabled=False,
                                 restart_when_exception=False, resume_checkpoint=False, resume_max_num=-1,
                                 feature="basic", checkpoint_enabled=False, checkpoint_mode="exactly_once",
                                 checkpoint_interval=30)  # the checkpoint defaults of the API reference's job detail example
        # Validate and fill in the new job before storing it: a refused create leaves nothing behind.
        apply_update(self.state, job, body)
        # Filled on create only, when the body names none: an update keeps what is stored (partial merge),
        # so a server-filled value never turns into a change the user did not ask for.
        if job["job_config"]["tm_slot_num"] is None:
            job["job_config"]["tm_slot_num"] = default_tm_slot_num(job["job_config"])
        job["_meta"]["tags"] = copy.deepcopy(tags or [])  # not in the detail answer: the control GET shows them
        self.state.jobs[job_id] = job
        self._answer(200, {"is_success": "true", "message": "A Flink job is created.",
                           "job": {"job_id": job_id, "status_name": "job_init", "status_desc": ""}})

    def _create_sql(self, body):
        if not body.get("name"):  # the only field the API requires
            raise ApiError(400, "DLI.0001", "name is required")
        body = dict(body)
        tags = body.pop("tags", None)
        check_tags(tags)
        check_sql_value("job_type", body.get("job_type"))  # before the job is made of that type
        template_id = body.pop("template_id", None)  # a template's SQL: taken, and the job's sql_body rules
        if template_id is not None and not is_int(template_id):
            raise ApiError(400, "DLI.0001", "template_id must be of type int")
        job_id = max(list(self.state.jobs) + [1000]) + 1
        created = now_ms()
        job = State._with_meta({"job_id": job_id, "name": "", "desc": "", "queue_name": None,
                                "job_type": body.get("job_type") or "flink_opensource_sql_job", "status": "job_init",
                                "status_desc": "", "sql_body": None, "run_mode": "shared_cluster",
                                "main_class": None, "entrypoint_args": None, "create_time": created,
                                "update_time": created, "start_time": None,
                                "job_config": dict((k, None) for k in SQL_UPDATE_FIELDS if k not in SQL_TOP_LEVEL)})
        job["job_config"].update(cu_number=2, manager_cu_number=1, parallel_number=1, tm_cus=1, log_enabled=False,
                                 restart_when_exception=False, resume_checkpoint=False, resume_max_num=-1,
                                 checkpoint_enabled=False, checkpoint_mode="exactly_once", checkpoint_interval=30,
                                 idle_state_retention=3600, dirty_data_strategy="0")
        apply_sql_update(self.state, job, body, SQL_CREATE_FIELDS)  # a refused create leaves nothing behind
        if job["job_config"]["tm_slot_num"] is None:
            job["job_config"]["tm_slot_num"] = default_tm_slot_num(job["job_config"])
        job["_meta"]["tags"] = copy.deepcopy(tags or [])
        self.state.jobs[job_id] = job
        self._answer(200, {"is_success": "true", "message": "A Flink SQL job is created.",
                           "job": {"job_id": job_id, "status_name": "job_init", "status_desc": ""}})

    # -- control ---------------------------------------------------------------------------
    def _control(self):
        state, route, method = self.state, self.route, self.command
        with state.lock:
            if route == "/_emulator/credentials" and method == "GET":  # its own fake credentials, for test set-ups
                return self._answer(200, dict(
                    project_id=PROJECT_ID, access_key=ACCESS_KEY, secret_key=SECRET_KEY, temp_access_key=TEMP_ACCESS_KEY,
                    temp_secret_key=TEMP_SECRET_KEY, security_token=SECURITY_TOKEN, static_token=STATIC_TOKEN,
                    user_name=USER_NAME, password=PASSWORD, domain_name=DOMAIN_NAME, echoed_password=ECHOED_PASSWORD,
                    proxy_user=PROXY_USER, proxy_password=PROXY_PASSWORD))
            if route == "/_emulator/shutdown" and method == "POST":
                self.close_connection = True
                threading.Timer(0.3, self.server.shutdown).start()  # after this answer is out
                return self._answer(200, {"shutdown": True})
            if route == "/_emulator/reset" and method == "POST":
                state.reset()
                return self._answer(200, {"reset": True})
            if route == "/_emulator/requests":
                if method == "DELETE":
                    state.log = []
                    return self._answer(200, {"cleared": True})
                return self._answer(200, state.log)
            if route == "/_emulator/stats":
                if method == "DELETE":
                    state.stats = new_stats()
                    state.clear_down_events()
                    return self._answer(200, {"cleared": True})
                return self._answer(200, dict(state.stats, chaos=state.chaos.settings, restart_peak=state.restart_peak()))
            if route == "/_emulator/chaos":
                if method == "GET":
                    return self._answer(200, state.chaos.settings)
                try:  # PUT: these settings (the others at their defaults); DELETE: none
                    state.chaos = Chaos(self.body if method == "PUT" else {})
                except ValueError as exc:
                    return self._answer(400, {"error_code": "DLI.0001", "error_msg": str(exc)})
                return self._answer(200, state.chaos.settings)
            if route == "/_emulator/faults":
                if method == "DELETE":
                    state.faults = []
                    return self._answer(200, {"cleared": True})
                fault = dict(self.body or {})
                fault["times"] = int(fault.get("times") or 1)
                state.faults.append(fault)
                return self._answer(200, fault)
            queue = re.match(r"^/_emulator/queues/([^/]+)$", route)
            if queue and method == "PUT":  # the queue's settings as given; a body of null removes it
                if self.body is None:
                    state.queues.pop(queue.group(1), None)
                    return self._answer(200, {"removed": queue.group(1)})
                if not isinstance(self.body, dict) or self.body.get("queueType", "general") not in QUEUE_TYPES:
                    return self._answer(400, {"error_code": "DLI.0001", "error_msg": "queueType must be one of %s" % (
                        ", ".join(QUEUE_TYPES))})
                settings = dict(DEFAULT_QUEUES["streaming"], queueName=queue.group(1))
                settings.update(self.body)
                state.queues[queue.group(1)] = settings
                return self._answer(200, settings)
            if route == "/_emulator/jobs" and method == "GET":  # every job as stored, by id: a soak's snapshot
                return self._answer(200, dict((str(job_id), copy.deepcopy(state.job(job_id)))
                                              for job_id in sorted(state.jobs)))
            match = re.match(r"^/_emulator/jobs/(\d+)$", route)
            if match and method == "GET":
                try:
                    return self._answer(200, copy.deepcopy(state.job(match.group(1))))
                except ApiError as exc:
                    return self._answer(404, {"error_code": exc.code, "error_msg": exc.msg})
            if match and method == "PUT":
                job_id = int(match.group(1))
                changes = dict(self.body or {})
                failures = dict((key, changes.pop(key)) for key in FAILURE_CONTROLS if key in changes)
                for key, value in failures.items():
                    if not any(value is choice or value == choice and isinstance(value, str)
                               for choice in FAILURE_CONTROLS[key]):  # 1 is not true, nor 0 false, here
                        return self._answer(400, {"error_code": "DLI.0001", "error_msg": "%s must be one of %s" % (
                            key, ", ".join(json.dumps(choice) for choice in FAILURE_CONTROLS[key]))})
                job = state.jobs.get(job_id) or State._with_meta({"job_id": job_id, "job_config": {}})
                for key, value in failures.items():
                    job["_meta"][key] = value or None  # start_fails false clears it, as null does
                if "crash_after" in changes:  # seconds a started job runs before it crashes; null: never
                    seconds = changes.pop("crash_after")
                    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float))
                                                or seconds < 0):
                        return self._answer(400, {"error_code": "DLI.0001",
                                                  "error_msg": "crash_after must be a number >= 0 or null"})
                    job["_meta"]["crash_after"] = seconds
                if "crash_entrypoint" in changes:  # only while the job runs this jar; null: whatever it runs
                    job["_meta"]["crash_entrypoint"] = changes.pop("crash_entrypoint")
                if "crash_sql_body" in changes:  # only while a SQL job runs this query; null: whatever it runs
                    job["_meta"]["crash_sql_body"] = changes.pop("crash_sql_body")
                if "transition_seconds" in changes:  # how long this job's starts and stops take; null: the default
                    seconds = changes.pop("transition_seconds")
                    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float))
                                                or seconds < 0):
                        return self._answer(400, {"error_code": "DLI.0001",
                                                  "error_msg": "transition_seconds must be a number >= 0 or null"})
                    job["_meta"]["transition_seconds"] = seconds
                then = changes.pop("then", None)  # [status, seconds]: someone else's stop or start under way
                if then:
                    job["_meta"]["pending"] = {"status": then[0], "at": time.time() + float(then[1]),
                                               "started": then[0] == "job_running"}
                job["job_config"].update(changes.pop("job_config", {}) or {})
                job.update(changes)
                state.jobs[job_id] = job
                return self._answer(200, copy.deepcopy(job))
        self._answer(404, {"error_code": "DLI.0023", "error_msg": "No such control endpoint"})


def make_server(host="127.0.0.1", port=0, jobs_file=None, transition_seconds=1.0, tls_cert=None, tls_key=None,
                chaos=None):
    """The server and its URL; with ``tls_cert`` and ``tls_key`` (PEM files) it speaks HTTPS. ``chaos``: the
    chaos settings it starts with, and a reset goes back to (see ``Chaos``)."""
    state = State(jobs_file or DEFAULT_JOBS, transition_seconds, chaos)
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    scheme = "http"
    if tls_cert:
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls_cert, tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    return server, "%s://%s:%s" % (scheme, host, server.server_address[1])


def start_emulator(jobs_file=None, transition_seconds=1.0, chaos=None):
    """Start in a daemon thread (for tests); ``server.shutdown()`` stops it."""
    server, url = make_server(jobs_file=jobs_file, transition_seconds=transition_seconds, chaos=chaos)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, url


def spawn_process(transition_seconds=1.0, jobs_file=None, chaos=None):
    """Start as a process of its own (for the demo and the playbooks): (process, url). ``jobs_file``: the
    seed jobs (the demo jobs by default); ``chaos``: the chaos settings it starts with (see ``Chaos``).

    The caller stops it with ``process.terminate()`` and ``process.wait()``."""
    args = ["--port", "0", "--transition-seconds", str(transition_seconds)]
    if jobs_file:
        args += ["--jobs", jobs_file]
    if chaos:
        args += ["--chaos", json.dumps(checked_chaos(chaos))]
    process = subprocess.Popen([sys.executable, os.path.abspath(__file__)] + args, stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline().strip()
    if not line.startswith("DLI emulator listening on "):
        process.kill()
        raise SystemExit("the emulator did not start: %r" % line)
    return process, line.rsplit(" ", 1)[1]


def client_environment(url):
    """The HW_* variables that point the collection at an emulator at ``url``, with its permanent AK/SK."""
    return {"HW_DLI_ENDPOINT": url, "HW_PROJECT_ID": PROJECT_ID, "HW_ACCESS_KEY": ACCESS_KEY, "HW_SECRET_KEY": SECRET_KEY}


def stop_when_idle(server, seconds):
    """A background emulator whose test run died stops by itself: bounded, never left behind."""
    state = server.RequestHandlerClass.state
    while time.time() - state.last_request < seconds:
        time.sleep(min(1.0, seconds))
    server.shutdown()


def detach(args):
    """Start the emulator as a process of its own session, for a playbook's setup target."""
    process = subprocess.Popen([sys.executable, os.path.abspath(__file__)] + args, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    line = process.stdout.readline().strip()
    if not line.startswith("DLI emulator listening on "):
        process.kill()
        print("the emulator did not start: %r" % line, file=sys.stderr)
        return 1
    print(json.dumps({"url": line.rsplit(" ", 1)[1], "pid": process.pid}))
    return 0


def chaos_argument(text):
    try:
        return checked_chaos(json.loads(text))
    except ValueError as exc:  # bad JSON too
        raise argparse.ArgumentTypeError("--chaos: %s" % exc)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--jobs", default=DEFAULT_JOBS, help="JSON file of job_detail objects to start with")
    parser.add_argument("--transition-seconds", type=float, default=1.0,
                        help="how long submitting and canceling last before running and cancel_success")
    parser.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--tls-key", help="the private key of --tls-cert (PEM)")
    parser.add_argument("--exit-when-idle", type=float, default=0,
                        help="stop after that many seconds without a request (0: never)")
    parser.add_argument("--detach", action="store_true",
                        help="run in the background: print the URL line and the process id, and return")
    parser.add_argument("--chaos", type=chaos_argument, default=None,
                        help="chaos settings as JSON, as PUT /_emulator/chaos takes them: "
                             '\'{"rate": 20, "unavailable": 0.05, "drop": 0.02, "drop_methods": "any", "seed": 7}\'')
    args = parser.parse_args(argv)
    if args.detach:
        return detach([arg for arg in (argv if argv is not None else sys.argv[1:]) if arg != "--detach"])
    server, url = make_server(args.host, args.port, args.jobs, args.transition_seconds, args.tls_cert, args.tls_key,
                              args.chaos)
    print("DLI emulator listening on %s" % url, flush=True)
    import signal
    signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=server.shutdown).start())
    if args.exit_when_idle:
        threading.Thread(target=stop_when_idle, args=(server, args.exit_when_idle), daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
