#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a command, then fail if it created anything in the real home directory.

The Makefile points HOME, ANSIBLE_HOME, ANSIBLE_LOCAL_TEMP, ANSIBLE_REMOTE_TMP, the XDG directories,
PIP_CACHE_DIR and TMPDIR into the checkout's .tmp/, so that ansible, ansible-test, ansible-lint, antsibull,
pip and the Huawei Cloud SDK keep their caches, copies, temporary folders and logs there. This checks that
it worked, and judges only what the command's own run can have written:

- only the places those tools write to when they miss the home they are given (PLACES: ~/.ansible,
  ~/.huaweicloud, ~/.cache/pip, ~/antsibull.log, ...); a shell's history, an editor's files or another
  program's caches are not looked at;
- only files (and links) that are there after the command and were not there before it: a file that
  already existed and changed since is not judged, since another process refreshing its cache
  (ansible-galaxy's, pip's) looks exactly the same, nor is a new empty folder;
- of ansible's temporary folders, which carry the id of the process that made them (ansible-local-PID...,
  ansible-tmp-TIME-PID-...), not those of a process still running once the command is over: that is
  another ansible, such as a playbook run in a second terminal.

    check_home_untouched.py --home DIR --state DIR -- COMMAND [ARG ...]

Exits with the command's status if it failed, else 1 if the home was written to, else 0.

Why not more: the home is shared with everything else the account runs, and neither a file's times nor its
owner say which process wrote it. Tying each write to its process (strace, fanotify, an overlay mount of
the home) would be exact, but needs privileges that CI and a developer's machine may not give, and Linux.
What is left out (a foreign process creating a file in one of the PLACES while the command ran) can still
fail the check, but only there, only for new entries, and rarely; what is missed (a file of the PLACES that
the command rewrote) is the cost of not blaming the command for other processes' cache updates.
"""

import argparse
import os
import pwd
import re
import subprocess
import sys

# Where the tools make runs write when they miss HOME, ANSIBLE_HOME and the rest: ansible (module and local
# temporary folders, galaxy cache, collections), ansible-test and ansible-lint (under ~/.ansible and
# ~/.cache), pip (its cache, --user installs, its old configuration folder), the Huawei Cloud SDK, antsibull.
PLACES = (".ansible", ".huaweicloud", ".cache/pip", ".cache/ansible-compat", ".cache/ansible-lint",
          ".local/bin", ".local/lib", ".local/share/ansible", ".pip", "antsibull.log")
SHOWN = 20
# tempfile.mkdtemp(prefix="ansible-local-%s" % pid) adds 8 characters; remote temp: ansible-tmp-TIME-PID-RANDOM.
ANSIBLE_TEMP = re.compile(r"^ansible-(?:local-([0-9]+)[a-z0-9_]{8}|tmp-[0-9.]+-([0-9]+)-[0-9]+)$")


def homes(given):
    """The home given (the one the caller started with) and the account's own, when they differ."""
    found = [os.path.realpath(given)]
    try:
        own = os.path.realpath(pwd.getpwuid(os.getuid()).pw_dir)
    except KeyError:
        own = None
    if own and own not in found and os.path.isdir(own):
        found.append(own)
    return found


def running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def another_ansibles(name):
    """Whether name is a temporary folder of an ansible process that is still running."""
    match = ANSIBLE_TEMP.match(name)
    return bool(match) and running(int(match.group(1) or match.group(2)))


def entries(home):
    """Every entry of the PLACES under home, as paths relative to it (a linked folder is not entered)."""
    found = set()
    for place in PLACES:
        top = os.path.join(home, place)
        if not os.path.lexists(top):
            continue
        found.add(os.path.normpath(place))
        if os.path.isdir(top) and not os.path.islink(top):
            for folder, dirs, files in os.walk(top):
                relative = os.path.relpath(folder, home)
                found.update(os.path.join(relative, name) for name in dirs + files)
    return found


def created(home, before):
    """The entries of home's PLACES that are not in ``before``: each new file (or link), shown as the outermost
    new folder that holds it, if any. Other running ansibles' temporary folders are left out, and so are new
    empty folders (another program's ``mkdir -p ~/.ansible/tmp`` writes nothing)."""
    new = entries(home) - before
    found = []
    for relative in sorted(new):
        path = os.path.join(home, relative)
        parts = relative.split(os.sep)
        if (os.path.isdir(path) and not os.path.islink(path)) or any(another_ansibles(part) for part in parts):
            continue
        outermost = next((os.sep.join(parts[:end]) for end in range(1, len(parts))
                          if os.sep.join(parts[:end]) in new), None)
        shown = outermost + os.sep if outermost else relative
        if shown not in found:
            found.append(shown)
    return [os.path.join(home, relative) for relative in found]


def run_checked(command, home_dirs, state):
    """Run command; (its exit status, the paths it created under home_dirs, the homes watched)."""
    before = dict((home, entries(home)) for home in home_dirs)
    os.makedirs(state, exist_ok=True)
    with open(os.path.join(state, "before.txt"), "w") as handle:  # what was there, to look at after a failure
        handle.write("$ %s\n" % " ".join(command))
        for home, found in before.items():
            handle.writelines("%s\n" % os.path.join(home, relative) for relative in sorted(found))
    code = subprocess.call(command)
    return code, [path for home, found in before.items() for path in created(home, found)], list(before)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--home", required=True, help="the real home directory (the HOME the caller started with)")
    parser.add_argument("--state", required=True, help="a folder of the checkout for the list of what was there")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARG ...]")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    code, found, watched = run_checked(command, homes(args.home), args.state)
    for home in watched:
        if not [path for path in found if path.startswith(home + os.sep)]:
            print("home untouched: nothing created in %s (%s) while it ran" % (home, ", ".join(PLACES)))
    if found:
        print("created in the home while `%s` ran (or by another process there meanwhile):" % " ".join(command))
        for path in found[:SHOWN]:
            print("  " + path)
        if len(found) > SHOWN:
            print("  ... and %d more" % (len(found) - SHOWN))
    return code or (1 if found else 0)


if __name__ == "__main__":
    sys.exit(main())
