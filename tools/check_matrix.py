#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make ci-matrix`: the ansible-core release lines of the Makefile, CI and meta/runtime.yml agree.

- The Makefile's ANSIBLE_CORE_VERSIONS is what `make test` (and .ci/run) tests on.
- .github/workflows/ci.yml must run `make test TEST_TARGETS=matrix-${{ matrix.ansible-core }}` on a
  matrix of exactly those lines (as quoted strings: YAML reads 2.20 unquoted as the number 2.2), and
  run the rest of the Makefile's TEST_TARGETS in another job, so that CI runs what `make test` runs.
- meta/runtime.yml's requires_ansible must start at the oldest line (">=2.17.0" for 2.17).

    check_matrix.py [ROOT]   (default: the repository this file is in)
"""

import os
import re
import shlex
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MATRIX_KEY = "ansible-core"
MATRIX_TARGET = "matrix-${{ matrix.%s }}" % MATRIX_KEY


def makefile_variable(text, name):
    """The words of a `NAME := ...` line of the Makefile."""
    match = re.search(r"^%s\s*:?=(.*)$" % re.escape(name), text, re.MULTILINE)
    if not match:
        raise ValueError("the Makefile sets no %s" % name)
    return match.group(1).split()


def workflow_jobs(workflow):
    """(the job's matrix of release lines or None, the words of its `make` commands) per job."""
    found = []
    for name, job in sorted(((workflow or {}).get("jobs") or {}).items()):
        matrix = ((job.get("strategy") or {}).get("matrix") or {}).get(MATRIX_KEY)
        words = []
        for step in job.get("steps") or []:
            for line in str(step.get("run") or "").splitlines():
                if re.match(r"\s*make\b", line):
                    words += shlex.split(line)[1:]
        found.append((name, matrix, words))
    return found


def problems(makefile_text, workflow, runtime):
    versions = makefile_variable(makefile_text, "ANSIBLE_CORE_VERSIONS")
    test_targets = makefile_variable(makefile_text, "TEST_TARGETS")
    found = []
    jobs = workflow_jobs(workflow)
    matrix_jobs = [(name, matrix, words) for name, matrix, words in jobs if matrix is not None]
    if not matrix_jobs:
        found.append("ci.yml: no job has a strategy.matrix.%s" % MATRIX_KEY)
    for name, matrix, words in matrix_jobs:
        not_strings = [value for value in matrix if not isinstance(value, str)]
        if not_strings:
            found.append("ci.yml job %s: quote the %s versions, YAML read %s as numbers" % (
                name, MATRIX_KEY, ", ".join(repr(value) for value in not_strings)))
        elif matrix != versions:
            found.append("ci.yml job %s runs on ansible-core %s, the Makefile's ANSIBLE_CORE_VERSIONS is %s" % (
                name, " ".join(matrix), " ".join(versions)))
        if "TEST_TARGETS=%s" % MATRIX_TARGET not in words:
            found.append("ci.yml job %s does not run make test TEST_TARGETS=%s" % (name, MATRIX_TARGET))
    others = [word for _name, matrix, words in jobs if matrix is None for word in words]
    ran = set(target for word in others if word.startswith("TEST_TARGETS=") for target in word.split("=", 1)[1].split())
    for target in test_targets:
        if target != "matrix" and target not in ran:
            found.append("make test runs %s, no ci.yml job runs make test TEST_TARGETS=%s" % (target, target))
    if "matrix" not in test_targets:
        found.append("the Makefile's TEST_TARGETS has no matrix: ci.yml's matrix job would test more than make test")
    requires = str((runtime or {}).get("requires_ansible") or "")
    oldest = versions[0] if versions else None
    if not re.fullmatch(r">=\s*%s(\.0)?" % re.escape(oldest or "-"), requires.strip()):
        found.append("meta/runtime.yml requires_ansible is %r, the oldest line tested is %s (want '>=%s.0')" % (
            requires, oldest, oldest))
    return versions, found


def main(argv):
    root = argv[0] if argv else ROOT
    with open(os.path.join(root, "Makefile")) as handle:
        makefile_text = handle.read()
    with open(os.path.join(root, ".github", "workflows", "ci.yml")) as handle:
        workflow = yaml.safe_load(handle)
    with open(os.path.join(root, "meta", "runtime.yml")) as handle:
        runtime = yaml.safe_load(handle)
    versions, found = problems(makefile_text, workflow, runtime)
    for problem in found:
        print("ci-matrix: " + problem)
    if found:
        return 1
    print("ci-matrix: the Makefile, .github/workflows/ci.yml and meta/runtime.yml agree on ansible-core %s" % (
        ", ".join(versions)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
