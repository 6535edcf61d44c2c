# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""No committed file names a folder of the machine it was written on: a transcript, a benchmark's results or a
doc that says /work/..., /root/..., /home/<user>/... or /tmp/... is wrong on every other machine."""

import os
import re
import subprocess

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
# An absolute path that starts at the root: not part of a URL, a relative path (.tmp/, docs/examples/), a
# variable ($HOME/, $(TMP)/, ${x}/) or a home-relative path (~/).
MACHINE_PATH = re.compile(r"(?<![\w.~$)}/-])(?:/(?:work|root|tmp|Users)/|/home/(?!<)[\w.-]+/)")
# Where such a path is an example, and legitimately so: (file, text of the line that holds it; "": any line).
ALLOWED = {
    ("tests/unit/tools/test_machine_paths.py", ""),  # this test's own examples of what it finds
}
# Folders that are never committed, when the files are found without git.
NOT_TRACKED = (".git", ".tmp", ".venv", "tests/output", "__pycache__", ".pytest_cache", ".ansible")


def tracked_files():
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        return [name for name in listed.decode().split("\0") if name]
    except (OSError, subprocess.CalledProcessError):  # a copy of the tree without git
        found = []
        for folder, dirs, files in os.walk(ROOT):
            relative = os.path.relpath(folder, ROOT)
            dirs[:] = [d for d in dirs if os.path.normpath(os.path.join(relative, d)) not in NOT_TRACKED
                       and d not in NOT_TRACKED]
            found += [os.path.normpath(os.path.join(relative, name)) for name in files]
        return found


def machine_paths(name, text):
    """(file, line number, line) for each line of text that holds a machine path and is not allowed."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if MACHINE_PATH.search(line) and not any(name == allowed and marker in line for allowed, marker in ALLOWED):
            found.append((name, number, line.strip()[:160]))
    return found


def test_no_tracked_text_file_names_a_folder_of_this_machine():
    found = []
    for name in tracked_files():
        try:
            with open(os.path.join(ROOT, name), "rb") as handle:
                data = handle.read()
        except OSError:  # listed by git, gone from the work tree
            continue
        if b"\0" not in data:
            found += machine_paths(name, data.decode("utf-8", "replace"))
    assert found == []


def test_the_search_finds_machine_paths_and_leaves_the_others():
    hits = ["$ ansible-playbook /work/wt-docs/docs/examples/scale_job.yml", '"workdir": "/work/main/.tmp/bench"',
            "Origin: /root/project/running_job.yml:28:11", "see /home/alice/dli/README.md", "cp x /tmp/demo/",
            "open /Users/bob/dli"]
    misses = ["$ ansible-playbook docs/examples/scale_job.yml", "TMP := $(abspath .tmp)", "$(TMP)/tmp/x",
              "https://example.com/work/x", "~/.ansible/tmp", "$HOME/.ansible/tmp/", ".tmp/home/.ansible/tmp",
              "/home/<user>/", "${TMPDIR}/tmp/x", "remote_tmp: /var/tmp", "docs/tmp/x"]
    assert [line for line in hits if not machine_paths("x", line)] == []
    assert [line for line in misses if machine_paths("x", line)] == []
