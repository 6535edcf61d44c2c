# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tools/check_home_untouched.py: what counts as a write into the home directory."""

import os
import subprocess
import sys

from conftest import load_tool  # tests/unit/conftest.py

guard = load_tool("check_home_untouched")


def _home(tmp_path):
    home = tmp_path / "home"
    for folder in (".ansible/tmp", ".cache/pip", ".pyenv", ".claude"):
        (home / folder).mkdir(parents=True)
    (home / ".bashrc").write_text("# old\n")
    (home / ".cache" / "pip" / "old").write_text("old\n")
    return str(home)


def _run(tmp_path, home, code):
    return guard.run_checked([sys.executable, "-c", code], [home], str(tmp_path / "state"))


def test_a_command_that_writes_nothing_there_passes(tmp_path):
    home = _home(tmp_path)
    code, found, watched = _run(tmp_path, home, "open(%r, 'w').write('x')" % str(tmp_path / "elsewhere"))
    assert (code, found, watched) == (0, [], [home])


def test_what_the_command_creates_in_the_tools_places_is_listed_a_new_folder_once(tmp_path):
    home = _home(tmp_path)
    code, found, _watched = _run(tmp_path, home, "\n".join([
        "import os",
        "os.makedirs(%r)" % os.path.join(home, ".ansible", "collections", "ansible_collections", "hwcloud"),
        "open(%r, 'w').write('x')" % os.path.join(home, ".ansible", "collections", "ansible_collections", "hwcloud", "x"),
        "open(%r, 'w').write('new')" % os.path.join(home, ".cache", "pip", "new"),
        "open(%r, 'w').write('log')" % os.path.join(home, "antsibull.log"),
        "os.makedirs(%r)" % os.path.join(home, ".huaweicloud"),
        "open(%r, 'w').write('id')" % os.path.join(home, ".huaweicloud", "application_id"),
    ]))
    assert code == 0
    assert found == [
        os.path.join(home, ".ansible", "collections") + os.sep,
        os.path.join(home, ".cache", "pip", "new"),
        os.path.join(home, ".huaweicloud") + os.sep,
        os.path.join(home, "antsibull.log"),
    ]


def test_only_new_entries_count_a_file_that_was_there_and_changed_does_not(tmp_path):
    """Another process refreshing its cache, or a shell writing its history, is not this run's doing."""
    home = _home(tmp_path)
    code, found, _watched = _run(tmp_path, home, "\n".join([
        "open(%r, 'a').write('more')" % os.path.join(home, ".cache", "pip", "old"),
        "open(%r, 'a').write('# new')" % os.path.join(home, ".bashrc"),
    ]))
    assert (code, found) == (0, [])


def test_a_new_empty_folder_is_not_judged_a_new_file_shows_as_its_outermost_new_folder(tmp_path):
    """Another ansible's `mkdir -p ~/.ansible/tmp` is no write of this run; a file in a new folder is."""
    home = str(tmp_path / "home")
    os.makedirs(home)
    code, found, _watched = _run(tmp_path, home, "import os; os.makedirs(%r)" % os.path.join(home, ".ansible", "tmp"))
    assert (code, found) == (0, [])
    code, found, _watched = _run(tmp_path, home, "open(%r, 'w').write('x')" % os.path.join(home, ".ansible", "tmp", "x"))
    assert (code, found) == (0, [os.path.join(home, ".ansible", "tmp", "x")])
    write = "import os; os.makedirs(%r); open(%r, 'w').write('x')" % (
        os.path.join(home, ".huaweicloud", "a"), os.path.join(home, ".huaweicloud", "a", "x"))
    code, found, _watched = _run(tmp_path, home, write)
    assert (code, found) == (0, [os.path.join(home, ".huaweicloud") + os.sep])


def test_places_no_tool_of_make_writes_to_are_not_judged(tmp_path):
    home = _home(tmp_path)
    code, found, _watched = _run(tmp_path, home, "\n".join([
        "import os",
        "open(%r, 'w').write('x')" % os.path.join(home, ".claude", "x"),
        "open(%r, 'w').write('x')" % os.path.join(home, ".bash_history"),
        "os.makedirs(%r)" % os.path.join(home, ".cache", "someone-else"),
        "os.makedirs(%r)" % os.path.join(home, ".npm", "_cacache"),
    ]))
    assert (code, found) == (0, [])


def test_the_command_status_is_kept(tmp_path):
    home = _home(tmp_path)
    code, found, _watched = _run(tmp_path, home, "raise SystemExit(3)")
    assert (code, found) == (3, [])


def test_main_fails_when_the_home_was_written_to(tmp_path, capsys, monkeypatch):
    home = _home(tmp_path)
    monkeypatch.setattr(guard, "homes", lambda given: [given])
    write = "open(%r, 'w').write('x')" % os.path.join(home, ".ansible", "tmp", "x")
    code = guard.main(["--home", home, "--state", str(tmp_path / "state"), "--", sys.executable, "-c", write])
    out = capsys.readouterr().out
    assert code == 1
    assert os.path.join(home, ".ansible", "tmp", "x") in out
    code = guard.main(["--home", home, "--state", str(tmp_path / "state"), "--", sys.executable, "-c", "pass"])
    assert code == 0 and "home untouched" in capsys.readouterr().out


def test_temporary_folders_of_another_running_ansible_are_left_out(tmp_path):
    home = _home(tmp_path)
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], stdout=subprocess.PIPE,
                              check=True, text=True).stdout.strip()
    ours = os.path.join(home, ".ansible", "tmp", "ansible-local-%sabcd1234" % finished, "ansiballz_cache", "m.zip")
    other = os.path.join(home, ".ansible", "tmp", "ansible-local-%sabcd_234" % os.getpid(), "ansiballz_cache", "m.zip")
    remote = os.path.join(home, ".ansible", "tmp", "ansible-tmp-1795473276.119103-%s-8985" % os.getpid(), "AnsiballZ_m.py")
    code, found, _watched = _run(tmp_path, home, "\n".join(
        ["import os"] + ["os.makedirs(os.path.dirname(%r)); open(%r, 'w').write('x')" % (p, p) for p in (ours, other, remote)]))
    assert (code, found) == (0, [os.path.dirname(os.path.dirname(ours)) + os.sep])
