# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CONTRIBUTING.md says only what is true: each make target it names is one of the Makefile, each variable it
gives make is one the Makefile uses, each path it names exists, and each test it names is defined there."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def read(name):
    with open(os.path.join(ROOT, name)) as handle:
        return handle.read()


def commands():
    """The shell lines of the console blocks, without their prompt and comment."""
    text = read("CONTRIBUTING.md")
    blocks = re.findall(r"```console\n(.*?)```", text, re.S)
    return [line[2:].split("  #")[0].strip() for block in blocks for line in block.splitlines() if line.startswith("$ ")]


def code_spans():
    text = re.sub(r"```.*?```", "", read("CONTRIBUTING.md"), flags=re.S)
    return re.findall(r"`([^`\n]+)`", text)


def makefile_targets():
    return set(re.findall(r"^([A-Za-z][\w.-]*)\s*:(?!=)", read("Makefile"), re.M))


def test_every_make_target_named_is_a_target_of_the_makefile():
    named = set()
    for text in commands() + code_spans():
        named.update(re.findall(r"(?:^|\s)make ([a-z][\w.-]*)", text))
    assert {"venv", "units", "integration", "test", "changelog", "release-notes", "install"} <= named
    assert sorted(named - makefile_targets()) == []


def test_every_variable_given_to_make_is_one_it_uses():
    makefile = read("Makefile")
    given = set()
    for line in commands():
        if line.startswith("make "):
            given.update(re.findall(r"\s([A-Z][A-Z0-9_]*)=", line))
    assert {"UNIT_TESTS", "ANSIBLE_SKIP_TAGS"} <= given
    for name in sorted(given):
        assert re.search(r"\$\(%s\)|^%s \?=|\b%s=" % (name, name, name), makefile, re.M), name


def test_every_path_and_test_named_exists():
    paths = []
    for text in code_spans() + [word for line in commands() for word in line.replace("=", " ").split()]:
        text = text.strip("\"'")
        if re.match(r"^[\w-]+(/[\w.-]+)*(\.(py|yml|yaml|md|rst|txt|json)|/)(::\w+)?$", text) and "/" in text or \
                re.match(r"^[\w-]+\.(md|yml|py)$", text):
            paths.append(text)
    assert "plugins/module_utils/flink_job_fields.py" in paths and "galaxy.yml" in paths
    for path in paths:
        path, dummy, test = path.partition("::")
        assert os.path.exists(os.path.join(ROOT, path)), path
        if test:
            assert re.search(r"^def %s\(" % test, read(path), re.M), "%s::%s" % (path, test)
