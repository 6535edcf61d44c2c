# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tools/check_tarball.py: what the built collection tarball must and must not hold."""

import io
import tarfile

from conftest import load_tool  # tests/unit/conftest.py

check_tarball = load_tool("check_tarball")


def _tarball(tmp_path, names):
    path = str(tmp_path / "c.tar.gz")
    with tarfile.open(path, "w:gz") as tar:
        for name in names:
            info = tarfile.TarInfo(name)
            info.size = 1
            tar.addfile(info, io.BytesIO(b"x"))
    return path


def test_a_complete_clean_tarball_passes(tmp_path):
    found, count = check_tarball.problems(_tarball(tmp_path, check_tarball.REQUIRED + ("tests/unit/test_x.py",)))
    assert found == [] and count == len(check_tarball.REQUIRED) + 1


def test_leftovers_and_missing_files_are_named(tmp_path):
    names = [n for n in check_tarball.REQUIRED if n != "meta/execution-environment.yml"]
    names += [".venv/bin/python", "tests/output/junit.xml", "plugins/__pycache__/x.pyc", ".ansible/collections/x",
              "Makefile", "old.tar.gz"]
    found, _count = check_tarball.problems(_tarball(tmp_path, names))
    assert found == [
        "missing: meta/execution-environment.yml",
        "should not be packed: .venv/bin/python",
        "should not be packed: tests/output/junit.xml",
        "should not be packed: plugins/__pycache__/x.pyc",
        "should not be packed: .ansible/collections/x",
        "should not be packed: Makefile",
        "should not be packed: old.tar.gz",
    ]


def test_developer_tools_and_ci_files_are_not_packed(tmp_path):
    names = list(check_tarball.REQUIRED) + ["tools/run_sanity.py", ".ci/run", ".github/workflows/ci.yml",
                                            "tests/unit/tools/test_check_tarball.py", "tests/unit/plugins/test_x.py",
                                            "benchmarks/soak.py", "tests/unit/benchmarks/test_soak.py", "CONTRIBUTING.md",
                                            "tests/unit/test_contributing.py", "docs/CONTRIBUTING.md"]
    found, _count = check_tarball.problems(_tarball(tmp_path, names))
    assert found == ["should not be packed: tools/run_sanity.py", "should not be packed: .ci/run",
                     "should not be packed: .github/workflows/ci.yml",
                     "should not be packed: tests/unit/tools/test_check_tarball.py",
                     "should not be packed: benchmarks/soak.py",
                     "should not be packed: tests/unit/benchmarks/test_soak.py",
                     "should not be packed: CONTRIBUTING.md", "should not be packed: tests/unit/test_contributing.py"]
