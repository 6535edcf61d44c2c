# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tools/run_demo.py: the lines it prints for another shell can be pasted as they are."""

import os
import re
import shutil
import subprocess

import pytest

from conftest import load_tool  # tests/unit/conftest.py

pytest.importorskip("huaweicloudsdkcore")  # run_demo loads the emulator
run_demo = load_tool("run_demo")
ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))


def pasted(line, cwd):
    """The environment a shell has after running ``line`` in ``cwd``."""
    output = subprocess.run(["bash", "-c", line + ' && env -0'], cwd=cwd, capture_output=True, check=True,
                            env={"PATH": os.environ["PATH"]}).stdout.decode()
    return dict(entry.split("=", 1) for entry in output.split("\0") if "=" in entry)


@pytest.mark.skipif(not shutil.which("bash"), reason="needs bash")
def test_the_emulator_export_line_sets_every_variable_as_printed():
    url = "http://127.0.0.1:40705"
    line = run_demo.export_line(run_demo.emulator_variables(url))
    assert "<" not in line and ">" not in line  # no placeholder the shell would read as a redirection
    env = pasted(line, ROOT)
    expected = dict(run_demo.dli_emulator.client_environment(url), HW_AUTH_URL=url + "/v3")
    assert dict((name, env.get(name)) for name in expected) == expected
    assert expected["HW_SECRET_KEY"] == run_demo.dli_emulator.SECRET_KEY


@pytest.mark.skipif(not shutil.which("bash"), reason="needs bash")
def test_the_collections_path_line_points_at_the_install_from_the_checkout_and_from_elsewhere(tmp_path):
    installed = os.path.join(ROOT, ".tmp", "ansible-core-2.19", "installed")
    line = run_demo.collections_path_line(installed, ROOT)
    assert line == 'export ANSIBLE_COLLECTIONS_PATH="$PWD/.tmp/ansible-core-2.19/installed"'
    assert pasted(line, ROOT)["ANSIBLE_COLLECTIONS_PATH"] == installed
    odd = str(tmp_path / "a folder" / "installed")
    assert pasted(run_demo.collections_path_line(odd, ROOT), ROOT)["ANSIBLE_COLLECTIONS_PATH"] == odd


def test_the_readme_transcript_shows_what_the_demo_prints():
    with open(os.path.join(ROOT, "README.md")) as handle:
        readme = handle.read()
    url = re.search(r"^DLI emulator listening on (\S+)$", readme, re.M).group(1)
    assert run_demo.export_line(run_demo.emulator_variables(url)) + "\n" in readme
    assert re.findall(r"^\$ ansible-playbook (\S+)", readme, re.M) == [os.path.join("docs", "examples", name) for name in (
        "scale_job.yml", "scale_job.yml", "scale_job.yml", "running_job.yml")]
