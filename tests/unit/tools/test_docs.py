# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a newcomer reads first says what is true of this checkout: the release notes cover its version, the
guide covers every module and role, the version examples ask for has what they use, the Python version is the
one tested, and no example templates task arguments."""

import glob
import os
import re

import pytest
import yaml

from conftest import load_tool  # tests/unit/conftest.py

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
GUIDE = "docs/docsite/rst/guide.rst"


def read(path):
    with open(os.path.join(ROOT, path)) as handle:
        return handle.read()


def version(text):
    return tuple(int(part) for part in text.split("."))


GALAXY = yaml.safe_load(read("galaxy.yml"))
MODULES = sorted(os.path.basename(path)[:-3] for path in glob.glob(os.path.join(ROOT, "plugins", "modules", "*.py"))
                 if not os.path.basename(path).startswith("_"))
ROLES = sorted(os.path.basename(path) for path in glob.glob(os.path.join(ROOT, "roles", "*")) if os.path.isdir(path))


def test_the_release_notes_cover_the_version_of_galaxy_yml():
    current = GALAXY["version"]
    assert current in yaml.safe_load(read("changelogs/changelog.yaml"))["releases"]
    assert "\n## v%s\n" % current.replace(".", "\\.") in read("CHANGELOG.md")


@pytest.mark.parametrize("name", ["hwcloud.dli.%s#module" % module for module in MODULES]
                         + ["hwcloud.dli.%s#role" % role for role in ROLES])
def test_the_guide_covers_every_module_and_role(name):
    assert ":ansplugin:`%s`" % name in read(GUIDE)


def test_requirement_examples_ask_for_a_version_that_has_everything_the_docs_describe():
    added = []
    for path in glob.glob(os.path.join(ROOT, "plugins", "**", "*.py"), recursive=True) + glob.glob(
            os.path.join(ROOT, "roles", "*", "meta", "argument_specs.yml")):
        with open(path) as handle:
            added += re.findall(r"version_added:\s*['\"]?(\d+\.\d+\.\d+)", handle.read())
    newest = max(added, key=version)
    asked = {}
    for path in ("README.md", GUIDE, "docs/execution-environment.yml"):
        for found in re.findall(r"name: hwcloud\.dli\s*\n\s*version:\s*['\"]?>=\s*(\d+\.\d+\.\d+)", read(path)):
            asked.setdefault(path, []).append(found)
    assert asked, "no requirement example found"
    assert dict((path, [v for v in found if version(v) < version(newest)]) for path, found in asked.items()) == \
        dict((path, []) for path in asked), "the docs describe what %s added" % newest


def test_the_tarball_named_in_the_install_commands_is_the_one_make_builds():
    for path in ("README.md", GUIDE):
        assert set(re.findall(r"hwcloud-dli-(\S+?)\.tar\.gz", read(path))) == {GALAXY["version"]}, path


def test_the_python_version_the_readme_asks_for_is_the_one_ci_runs():
    workflow = read(".github/workflows/ci.yml")
    tested = set(re.findall(r"python-version:\s*['\"]?([\d.]+)", workflow))
    quick_start = read("README.md").split("## Quick start", 1)[1].split("```", 1)[0]
    stated = set(re.findall(r"Python (\d+\.\d+\+?)", quick_start))
    assert stated == tested, "README says Python %s, CI runs %s" % (sorted(stated), sorted(tested))


@pytest.mark.parametrize("path", ["README.md", GUIDE] + sorted(
    os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "docs", "examples", "*.yml"))
    + glob.glob(os.path.join(ROOT, "plugins", "modules", "*.py"))))
def test_no_example_templates_task_arguments(path):
    """ansible-core 2.19 warns "Using a template for task args is unsafe": the docs show another way."""
    assert re.findall(r"^\s*args:\s*['\"]?\{\{.*", read(path), re.M) == []


def test_after_the_demo_the_readme_points_at_what_make_installed_and_at_an_emulator_started_by_hand():
    readme = read("README.md")
    section = readme.split("### After the demo", 1)[1].split("\n## ", 1)[0]
    newest = re.search(r"^ANSIBLE_CORE_VERSIONS := .*?([\d.]+)\s*$", read("Makefile"), re.M).group(1)
    assert 'export ANSIBLE_COLLECTIONS_PATH="$PWD/.tmp/ansible-core-%s/installed"' % newest in section
    pytest.importorskip("huaweicloudsdkcore")  # run_demo loads the emulator
    run_demo = load_tool("run_demo")
    url = re.search(r"dli_emulator\.py --port (\d+)", section)
    assert url, "the section shows how to start the emulator"
    line = run_demo.export_line(run_demo.emulator_variables("http://127.0.0.1:%s" % url.group(1)))
    assert line in section
    assert "HW_AUTH_URL" in line and "/_emulator/shutdown" in section
    emulator = run_demo.dli_emulator
    for credential in (emulator.USER_NAME, emulator.PASSWORD, emulator.DOMAIN_NAME, emulator.STATIC_TOKEN,
                       emulator.TEMP_ACCESS_KEY, emulator.TEMP_SECRET_KEY, emulator.SECURITY_TOKEN):
        assert credential in section


def test_every_test_the_guide_names_exists():
    """The guide's guarantees name the tests that hold them: each must exist under that name."""
    missing = []
    for path, name in re.findall(r"``(tests/[\w/]+\.py)::(\w+)", read(GUIDE)):
        source = read(path) if os.path.exists(os.path.join(ROOT, path)) else ""
        if "def %s(" % name not in source:
            missing.append("%s::%s" % (path, name))
    assert missing == []
