# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tools/check_matrix.py: the Makefile, the GitHub workflow and meta/runtime.yml name the same ansible-core lines."""


import yaml

from conftest import load_tool  # tests/unit/conftest.py

check_matrix = load_tool("check_matrix")

MAKEFILE = "ANSIBLE_CORE_VERSIONS := 2.17 2.18 2.19\nNEWEST := x\nTEST_TARGETS := matrix gates\n"
WORKFLOW = """
jobs:
  matrix:
    strategy:
      matrix:
        ansible-core: [%s]
    steps:
      - uses: actions/checkout@v4
      - run: make test TEST_TARGETS="matrix-${{ matrix.ansible-core }}"
  gates:
    steps:
      - run: |
          make test TEST_TARGETS=gates
"""
RUNTIME = {"requires_ansible": ">=2.17.0"}


def _problems(versions='"2.17", "2.18", "2.19"', makefile=MAKEFILE, workflow=WORKFLOW, runtime=None):
    return check_matrix.problems(makefile, yaml.safe_load(workflow % versions), runtime or RUNTIME)[1]


def test_the_repository_agrees_with_itself():
    assert check_matrix.main([]) == 0


def test_agreeing_files_pass():
    assert _problems() == []


def test_a_line_missing_from_ci_is_named():
    assert _problems('"2.17", "2.19"') == [
        "ci.yml job matrix runs on ansible-core 2.17 2.19, the Makefile's ANSIBLE_CORE_VERSIONS is 2.17 2.18 2.19"]


def test_unquoted_versions_are_refused():
    assert _problems('2.17, 2.18, "2.19"') == ["ci.yml job matrix: quote the ansible-core versions, YAML read 2.17, 2.18 as numbers"]


def test_ci_must_run_what_make_test_runs():
    workflow = WORKFLOW.replace("TEST_TARGETS=gates", "TEST_TARGETS=sanity").replace("matrix-${{", "units-${{")
    assert _problems(workflow=workflow) == [
        "ci.yml job matrix does not run make test TEST_TARGETS=matrix-${{ matrix.ansible-core }}",
        "make test runs gates, no ci.yml job runs make test TEST_TARGETS=gates",
    ]


def test_requires_ansible_starts_at_the_oldest_line():
    assert _problems(runtime={"requires_ansible": ">=2.16.0"}) == [
        "meta/runtime.yml requires_ansible is '>=2.16.0', the oldest line tested is 2.17 (want '>=2.17.0')"]
    assert _problems(runtime={"requires_ansible": ">=2.17"}) == []
