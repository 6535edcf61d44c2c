# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dli_flink_jar_job as a process of its own against the emulator, sent a real SIGTERM: a restart in
flight is carried through (update, then start) and reported; a task signalled before its first write
changes nothing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time

import pytest

pytest.importorskip("huaweicloudsdkcore")  # the emulator checks signatures with the official SDK

from ansible_collections.hwcloud.dli.plugins.modules import dli_flink_jar_job  # noqa: E402

EMULATOR = os.path.join(os.path.dirname(__file__), "..", "..", "..", "emulator", "dli_emulator.py")
spec = importlib.util.spec_from_file_location("dli_emulator", EMULATOR)
emu = importlib.util.module_from_spec(spec)
spec.loader.exec_module(emu)
# The directory that holds ansible_collections/ (the module's path is .../ansible_collections/hwcloud/dli/plugins/modules/).
COLLECTIONS_ROOT = os.path.abspath(os.path.join(os.path.dirname(dli_flink_jar_job.__file__), *[".."] * 5))


@pytest.fixture
def emulator():
    server, url = emu.start_emulator(transition_seconds=1.0)
    yield server.RequestHandlerClass.state, url
    server.shutdown()


def start_module(url, tmp_path, **options):
    args = dict(endpoint=url, project_id=emu.PROJECT_ID, access_key=emu.ACCESS_KEY, secret_key=emu.SECRET_KEY,
                **options)
    args_file = tmp_path / "args.json"
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    environment = dict((key, value) for key, value in os.environ.items() if not key.startswith("HW_"))
    environment["PYTHONPATH"] = COLLECTIONS_ROOT
    return subprocess.Popen([sys.executable, "-m", "ansible_collections.hwcloud.dli.plugins.modules.dli_flink_jar_job",
                             str(args_file)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment,
                            text=True)


def wait_until(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def finish(process):
    out, err = process.communicate(timeout=60)
    return process.returncode, json.loads(out), err


def writes(state):
    with state.lock:
        return [(entry["method"], entry["path"].rsplit("/", 1)[1]) for entry in state.log if entry["method"] != "GET"]


def test_sigterm_after_the_stop_carries_the_restart_through_and_reports_it(emulator, tmp_path):
    state, url = emulator
    process = start_module(url, tmp_path, job_id=1002, parallel_number=7, allow_restart=True, wait_timeout=60)
    wait_until(lambda: ("POST", "stop") in writes(state) or process.poll() is not None)
    process.send_signal(signal.SIGTERM)
    code, result, err = finish(process)
    assert code == 0, (result, err)
    assert result["changed"] is True and result["restarted"] is True
    assert result["actions"] == ["stop with savepoint", "update parallel_number", "start from savepoint"]
    assert result["msg"].endswith("The module process received SIGTERM while the task was running: it carried the "
                                  "task through before exiting.")
    assert any("received SIGTERM" in str(warning) for warning in result["warnings"]), result["warnings"]
    assert writes(state) == [("POST", "stop"), ("PUT", "1002"), ("POST", "run")]
    job = state.job(1002)
    assert job["status"] == "job_running" and job["job_config"]["parallel_number"] == 7


def test_sigterm_before_any_write_changes_nothing(emulator, tmp_path):
    state, url = emulator
    read_begun = state.last_request
    state.faults.append(dict(method="GET", delay=1.0, times=1))  # the first read is slow: the signal comes during it
    process = start_module(url, tmp_path, job_id=1002, parallel_number=7, allow_restart=True, wait_timeout=60)
    wait_until(lambda: state.last_request != read_begun or process.poll() is not None)
    process.send_signal(signal.SIGTERM)
    code, result, err = finish(process)
    assert code == 1 and result["failed"] is True and result["changed"] is False, (result, err)
    assert result["msg"] == ("Flink job 1002: the module process received SIGTERM before any change: nothing was "
                             "changed.")
    assert writes(state) == []
    assert state.job(1002)["status"] == "job_running"
