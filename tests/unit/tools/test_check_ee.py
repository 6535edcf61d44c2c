# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tools/check_ee.py: reading the requirements an execution environment must get."""

import importlib.util
import os

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tools")


def _load(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(TOOLS, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_ee = _load("check_ee")


def test_requirement_names():
    lines = ["requests>=2.25.0  # from collection hwcloud.dli", "# a comment", "", "PyYAML[extra]==6; python_version>'3'",
             "urllib3 < 3"]
    assert check_ee.requirement_names(lines) == {"requests", "pyyaml", "urllib3"}
