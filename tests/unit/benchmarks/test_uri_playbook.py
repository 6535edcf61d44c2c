# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""benchmarks/playbooks/uri.yml, the yardstick of `make bench`, run by ansible-playbook against the emulator: with
an IAM user it logs in once for the run (as per_job.yml does with dli_token) and PUTs each job with that token;
given a token it makes no login."""

import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("huaweicloudsdkcore")  # benchmarks/common.py loads the emulator

BENCHMARKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "benchmarks")
sys.path.insert(0, BENCHMARKS)
import common  # noqa: E402  pylint: disable=wrong-import-position

ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")


@pytest.fixture(scope="module")
def emulator():
    with common.Emulator(transition_seconds=0.2) as running:
        yield running


def run_uri_playbook(tmp_path, emulator, job_ids, **auth):
    inventory = common.write_inventory(str(tmp_path / "inventory.ini"), job_ids)
    variables = dict(auth, dli_endpoint=emulator.url, project_id=common.dli_emulator.PROJECT_ID, parallel_number=7)
    env = dict(os.environ, HOME=str(tmp_path), ANSIBLE_HOME=str(tmp_path / ".ansible"),
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"), ANSIBLE_REMOTE_TEMP=str(tmp_path / "remote-tmp"),
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    before = emulator.stats()
    done = subprocess.run([ANSIBLE_PLAYBOOK, "-i", inventory, "-e", json.dumps(variables),
                           os.path.join(common.PLAYBOOKS, "uri.yml")], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout
    return common.stats_delta(before, emulator.stats())


def create_jobs(emulator, count):
    return [emulator.api("POST", "streaming/flink-jobs", {
        "name": "uri-yardstick-%s-%s" % (len(emulator.control("GET", "jobs")), index), "queue_name": "bench-queue",
        "entrypoint": "jobs/bench.jar", "parallel_number": 1, "cu_number": 2})["job"]["job_id"] for index in range(count)]


@pytest.mark.skipif(not os.path.exists(ANSIBLE_PLAYBOOK), reason="ansible-playbook is not beside this Python")
def test_with_an_iam_user_the_uri_way_logs_in_once_and_puts_each_job(tmp_path, emulator):
    job_ids = create_jobs(emulator, 3)
    calls = run_uri_playbook(tmp_path, emulator, job_ids, iam_endpoint=emulator.url,
                             iam_user_name=common.dli_emulator.USER_NAME, iam_password=common.dli_emulator.PASSWORD,
                             iam_domain_name=common.dli_emulator.DOMAIN_NAME)
    assert (calls["iam"], calls["dli"]) == (1, 3)
    assert [emulator.stored(job_id)["job_config"]["parallel_number"] for job_id in job_ids] == [7, 7, 7]


@pytest.mark.skipif(not os.path.exists(ANSIBLE_PLAYBOOK), reason="ansible-playbook is not beside this Python")
def test_given_a_token_the_uri_way_makes_no_login(tmp_path, emulator):
    job_ids = create_jobs(emulator, 2)
    calls = run_uri_playbook(tmp_path, emulator, job_ids, auth_token=common.dli_emulator.STATIC_TOKEN)
    assert (calls["iam"], calls["dli"]) == (0, 2)
    assert [emulator.stored(job_id)["job_config"]["parallel_number"] for job_id in job_ids] == [7, 7]
