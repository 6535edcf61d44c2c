# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Makefile keeps every tool's writes inside the checkout, and its output free of broken pipes."""

import configparser
import os
import re
import shutil
import subprocess

import pytest

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
# Where the Makefile points the tools' homes, caches and temporary folders (ansible's module temp folders included).
PLACES = ("HOME", "ANSIBLE_HOME", "ANSIBLE_LOCAL_TEMP", "ANSIBLE_REMOTE_TMP", "TMPDIR", "PIP_CACHE_DIR",
          "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")


def read(path):
    with open(os.path.join(ROOT, path)) as handle:
        return handle.read()


def make_variables():
    """The Makefile's variables as make evaluates them (make -p, nothing run)."""
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith("MAKE") and k not in PLACES)
    printed = subprocess.run(["make", "-pnq", "-f", "Makefile", "clean"], cwd=ROOT, env=env, capture_output=True,
                             text=True, check=False).stdout
    return dict(re.findall(r"^(\w+) :?= (.*)$", printed, re.M))


@pytest.mark.skipif(not shutil.which("make"), reason="needs make")
def test_every_home_cache_and_temp_folder_make_gives_the_tools_is_inside_the_checkout():
    variables = make_variables()
    assert set(PLACES) <= set(variables), sorted(set(PLACES) - set(variables))
    outside = dict((name, variables[name]) for name in PLACES
                   if not os.path.realpath(variables[name]).startswith(os.path.join(ROOT, ".tmp") + os.sep))
    assert outside == {}


def test_ansible_test_integration_puts_the_module_temp_folders_under_the_home_make_gives():
    """ansible-test passes HOME through but not ANSIBLE_REMOTE_TMP: its configuration says where they go."""
    config = configparser.ConfigParser()
    config.read_string(read("tests/integration/integration.cfg"))
    assert config.get("defaults", "remote_tmp") == "$HOME/.ansible/tmp"


def test_no_recipe_pipes_into_a_reader_that_stops_early():
    """`cmd | head -1` closes the pipe while cmd still writes: Python tools then print a BrokenPipeError."""
    assert re.findall(r"\|\s*(?:head|grep -m|grep -q)\b.*", read("Makefile")) == []
