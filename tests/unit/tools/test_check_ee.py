# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tools/check_ee.py: reading what ansible-builder's introspection says a collection needs."""


from conftest import load_tool  # tests/unit/conftest.py

check_ee = load_tool("check_ee")


def test_nothing_introspected_is_no_requirement():
    assert check_ee.collection_requirements("# Dependency data for /somewhere\n---\npython: []\nsystem: []\n") == []
    assert check_ee.collection_requirements("---\n{}\n") == []
    assert check_ee.collection_requirements("") == []


def test_only_the_collections_own_requirements_count():
    # As ansible-builder 3 prints it: the YAML quotes each line, its "# from collection" note included.
    introspected = """# Dependency data for /somewhere
---
python:
- 'requests>=2.25.0  # from collection hwcloud.dli'
- 'boto3  # from collection amazon.aws'
system:
- 'gcc [compile]  # from collection hwcloud.dli'
- 'libxml2  # from collection hwcloud.dlix'
"""
    assert check_ee.collection_requirements(introspected) == [
        "requests>=2.25.0  # from collection hwcloud.dli", "gcc [compile]  # from collection hwcloud.dli"]


def test_the_expected_requirements_are_the_collections_requirements_txt(tmp_path):
    (tmp_path / "requirements.txt").write_text("# a comment\nrequests>=2.25.0  # why\n\n")
    assert check_ee.expected_requirements(str(tmp_path)) == ["requests>=2.25.0  # from collection hwcloud.dli"]
