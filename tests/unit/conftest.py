# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures shared by the unit tests: a job detail as the API answers it, and a fake clock."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import copy
import importlib.util
import json
import os
import time

import pytest
import http_stub
from loopback import make_self_signed

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

# patch_module_args is for the tests of the modules (ansible-core >= 2.19 has it; older lines get the same here).
try:
    from ansible.module_utils.testing import patch_module_args  # noqa: F401 pylint: disable=unused-import
except ImportError:  # ansible-core < 2.19
    from unittest import mock

    @contextlib.contextmanager
    def patch_module_args(args=None):
        """Run a module's main() with ``args`` as its arguments."""
        payload = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}))
        with mock.patch.object(basic, "_ANSIBLE_ARGS", payload):
            yield


TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")


def load_tool(name):
    """A developer tool of tools/ (not a package), loaded as a module for its tests."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(TOOLS, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


JOB_ID = 104
JOB_UPDATE_TIME = 1578467395713
TOP_LEVEL = ("job_id", "name", "desc", "queue_name", "job_type", "status", "status_desc", "main_class",
             "entrypoint_args", "create_time", "update_time", "start_time")
DETAIL = {
    "job_id": JOB_ID, "name": "jptest", "desc": "", "queue_name": "flinktest",
    "job_type": "flink_jar_job", "status": "job_init", "status_desc": "",
    "main_class": None, "entrypoint_args": None,
    "create_time": 1578466221525, "update_time": JOB_UPDATE_TIME, "start_time": None,
    "job_config": {
        "entrypoint": "FemaleInfoCollection.jar", "dependency_jars": ["myGroup/dep.jar"],
        "dependency_files": ["myGroup/data.csv"], "cu_number": 2, "manager_cu_number": 1,
        "parallel_number": 1, "tm_cus": 1, "tm_slot_num": 1, "log_enabled": False,
        "obs_bucket": None, "smn_topic": None, "restart_when_exception": False,
        "resume_checkpoint": False, "resume_max_num": -1, "checkpoint_path": None,
        "runtime_config": "[{\"key\":\"k\",\"value\":\"v\"}]",
        "feature": "basic", "flink_version": "1.15", "image": None,
        "checkpoint_enabled": False, "checkpoint_mode": "exactly_once", "checkpoint_interval": 30,
    },
}


def build_detail(**fields):
    """The job detail of the API reference's example; ``fields`` replace values at the top level
    or in job_config, wherever the field lives (an unknown name is a test error)."""
    detail = copy.deepcopy(DETAIL)
    for name, value in fields.items():
        if name in TOP_LEVEL:
            detail[name] = value
        elif name in detail["job_config"]:
            detail["job_config"][name] = value
        else:
            raise KeyError("not a field of the job detail answer: %s" % name)
    return detail


class FakeTime(object):
    """A clock that moves only when slept on; records every sleep."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def job_detail():
    return build_detail


@pytest.fixture
def clock():
    return FakeTime()


# -- for the tests of the modules, which run main() as Ansible would --------------------------------
# They take clean_env and fake_time for every test (pytestmark = pytest.mark.usefixtures(...)).

@pytest.fixture
def clean_env(monkeypatch):
    """No HW_* variable of the shell running the tests may leak into a test."""
    for name in list(os.environ):
        if name.startswith("HW_"):
            monkeypatch.delenv(name)


@pytest.fixture
def fake_time(monkeypatch):
    """The module's waits run on a fake clock: time.sleep and time.monotonic are looked up when
    the update is made, so patching them here reaches every wait the module makes."""
    fake = FakeTime()
    monkeypatch.setattr(time, "sleep", fake.sleep)
    monkeypatch.setattr(time, "monotonic", fake.clock)
    return fake


@pytest.fixture
def http():
    with http_stub.StubbedHttp(assert_all_requests_are_fired=True) as rsps:
        yield rsps


@pytest.fixture
def no_http():
    """Nothing is registered: any request the module makes is recorded, and fails."""
    with http_stub.StubbedHttp(assert_all_requests_are_fired=False) as rsps:
        yield rsps


# -- for the tests over real sockets (test_api, test_transport) --------------------------------------

@pytest.fixture
def no_proxy_variables(monkeypatch):
    """The loopback servers are reached directly, whatever proxy variables the shell running the tests sets."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory):
    """(cert, key): a self-signed certificate for 127.0.0.1."""
    return make_self_signed(tmp_path_factory.mktemp("tls"))
