# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tools/check_ee.py: reading the requirements an execution environment must get."""


from conftest import load_tool  # tests/unit/conftest.py

check_ee = load_tool("check_ee")


def test_requirement_names():
    lines = ["requests>=2.25.0  # from collection hwcloud.dli", "# a comment", "", "PyYAML[extra]==6; python_version>'3'",
             "urllib3 < 3"]
    assert check_ee.requirement_names(lines) == {"requests", "pyyaml", "urllib3"}
