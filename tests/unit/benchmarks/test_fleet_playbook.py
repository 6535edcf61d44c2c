# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""benchmarks/playbooks/fleet.yml runs the role with the concurrency the bench gives (and reports), not the role's
default: ansible-playbook runs it with a stand-in role (fleet_role) that writes down the concurrency it got."""

import json
import os
import subprocess
import sys

import pytest

PLAYBOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "benchmarks", "playbooks",
                        "fleet.yml")
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
STAND_IN_DEFAULT = 3


@pytest.fixture
def stand_in_role(tmp_path):
    role = tmp_path / "stand_in_role"
    (role / "defaults").mkdir(parents=True)
    (role / "tasks").mkdir()
    (role / "defaults" / "main.yml").write_text("flink_jar_jobs_concurrency: %s\n" % STAND_IN_DEFAULT)
    (role / "tasks" / "main.yml").write_text(
        "- name: Write down what the role got\n"
        "  ansible.builtin.set_fact:\n"
        "    flink_jar_jobs_summary:\n"
        "      concurrency: \"{{ flink_jar_jobs_concurrency }}\"\n"
        # A word, not none: ansible-core before 2.19 templates none into "".
        "      max_restarting: \"{{ flink_jar_jobs_max_restarting | default('not given') }}\"\n"
        "      jobs: \"{{ flink_jar_jobs }}\"\n")
    return role


def run_fleet(tmp_path, role, **extra_vars):
    summary_file = tmp_path / "summary.json"
    variables = dict(extra_vars, fleet_jobs=[{"job_id": 1}], fleet_role=str(role), fleet_summary_file=str(summary_file))
    # Every write of ansible-playbook in tmp_path, not in the home of whoever runs the tests.
    env = dict(os.environ, HOME=str(tmp_path), ANSIBLE_HOME=str(tmp_path / ".ansible"),
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"), ANSIBLE_REMOTE_TEMP=str(tmp_path / "remote-tmp"),
               ANSIBLE_LOCALHOST_WARNING="false",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="false", ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               # The module task (skipped here) names hwcloud.dli.dli_flink_jar_jobs: the source tree resolves it.
               ANSIBLE_COLLECTIONS_PATH=os.pathsep.join(
                   path for path in sys.path if os.path.isdir(os.path.join(path, "ansible_collections", "hwcloud"))))
    done = subprocess.run([ANSIBLE_PLAYBOOK, "-i", "localhost,", "-e", json.dumps(variables), PLAYBOOK], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout
    with open(str(summary_file)) as handle:
        return json.load(handle)["summary"]


@pytest.mark.skipif(not os.path.exists(ANSIBLE_PLAYBOOK), reason="ansible-playbook is not beside this Python")
def test_the_role_runs_with_the_concurrency_given_else_its_own_default(tmp_path, stand_in_role):
    assert run_fleet(tmp_path, stand_in_role, fleet_concurrency=200) == {"concurrency": 200, "max_restarting": "not given",
                                                                         "jobs": [{"job_id": 1}]}
    assert run_fleet(tmp_path, stand_in_role)["concurrency"] == STAND_IN_DEFAULT
    ran = run_fleet(tmp_path, stand_in_role, fleet_concurrency=200, fleet_max_restarting=200)
    # ansible-core before 2.19 hands it on as the text "200"; the module's argument spec makes it an int either way.
    assert (ran["concurrency"], str(ran["max_restarting"])) == (200, "200")
