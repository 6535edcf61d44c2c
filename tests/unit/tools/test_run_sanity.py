# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tools/run_sanity.py: the pip bootstrap ansible-test needs, with and without the shared folder."""

import re

from conftest import load_tool  # tests/unit/conftest.py

run_sanity = load_tool("run_sanity")


def _cached(home):
    return home / ".ansible" / "test" / "cache" / "get_pip_24_2.py"


def test_the_offline_stand_in_is_put_in_ansible_tests_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "shared" / "tools").mkdir(parents=True)
    (tmp_path / "shared" / "tools" / "ansible-test-get-pip.py").write_text("# stand-in\n")
    said = run_sanity.provide_pip_bootstrap(str(tmp_path / "shared"), "24.2")
    assert said.startswith("pip 24.2 bootstrap: copied the offline stand-in")
    assert _cached(tmp_path / "home").read_text() == "# stand-in\n"


def test_without_a_shared_folder_ansible_test_downloads_its_own(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for shared in (str(tmp_path / "no-such-folder"), None):
        said = run_sanity.provide_pip_bootstrap(shared, "24.2")
        assert said.endswith("ansible-test will download it")
    assert not (tmp_path / "home").exists()


def test_a_cached_script_is_used_as_it_is(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    _cached(tmp_path / "home").parent.mkdir(parents=True)
    _cached(tmp_path / "home").write_text("# downloaded\n")
    (tmp_path / "shared" / "tools").mkdir(parents=True)
    (tmp_path / "shared" / "tools" / "ansible-test-get-pip.py").write_text("# stand-in\n")
    assert run_sanity.provide_pip_bootstrap(str(tmp_path / "shared"), "24.2").startswith("pip 24.2 bootstrap: using")
    assert _cached(tmp_path / "home").read_text() == "# downloaded\n"


def test_the_pip_version_is_read_from_the_installed_ansible_test():
    assert re.fullmatch(r"[0-9]+(\.[0-9]+)+", run_sanity.wanted_pip_version())
