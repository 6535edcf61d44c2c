#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a command, then fail if it wrote anything into the real home directory.

The Makefile points HOME, ANSIBLE_HOME, the XDG directories, PIP_CACHE_DIR and TMPDIR into the
checkout's .tmp/, so that ansible, ansible-test, ansible-lint, antsibull, pip and the Huawei Cloud
SDK keep their caches, copies and logs there. This checks that it worked: it notes the time, runs
the command, and then lists the files created or changed since in the real home, under the folders
those tools write to (.ansible, .cache, .config, .local, .pip, .huaweicloud), and at its top level
(any file, and any folder that was not there before). Deletions and empty folders are not seen.

    check_home_untouched.py --home DIR --state DIR -- COMMAND [ARG ...]

Exits with the command's status if it failed, else 1 if the home was written to, else 0.

Another process writing to the same home meanwhile shows up too, with one exception: ansible's
temporary folders (ansible-local-PID..., ansible-tmp-TIME-PID-...) name the process that made
them, and those of a process still running once the command is over are another ansible's, such
as a playbook run in a second terminal, and are left out.
"""

import argparse
import os
import pwd
import re
import subprocess
import sys

WATCHED = (".ansible", ".cache", ".config", ".local", ".pip", ".huaweicloud")
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


def newer(path, since_ns):
    try:
        info = os.lstat(path)
    except OSError:
        return False  # gone again
    return max(info.st_mtime_ns, info.st_ctime_ns) > since_ns


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


def snapshot(home):
    try:
        return set(os.listdir(home))
    except OSError:
        return set()


def changes(home, before, since_ns):
    """Paths under home created or changed after since_ns (see the module's docstring for where)."""
    found = []
    for name in sorted(snapshot(home)):
        path = os.path.join(home, name)
        if name in WATCHED and os.path.isdir(path) and not os.path.islink(path):
            if name not in before:
                found.append(path + os.sep)
                continue
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not another_ansibles(d))
                links = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
                found += [os.path.join(folder, f) for f in sorted(files + links) if newer(os.path.join(folder, f), since_ns)]
        elif name not in before:
            found.append(path + (os.sep if os.path.isdir(path) else ""))
        elif not os.path.isdir(path) and newer(path, since_ns):
            found.append(path)
    return found


def run_checked(command, home_dirs, state):
    """Run command; (its exit status, the paths written under home_dirs meanwhile, the homes watched)."""
    os.makedirs(state, exist_ok=True)
    marker = os.path.join(state, "marker")
    with open(marker, "w") as handle:
        handle.write("%s\n" % " ".join(command))
    since_ns = os.stat(marker).st_mtime_ns
    watched = dict((home, snapshot(home)) for home in home_dirs)
    code = subprocess.call(command)
    return code, [path for home, before in watched.items() for path in changes(home, before, since_ns)], list(watched)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--home", required=True, help="the real home directory (the HOME the caller started with)")
    parser.add_argument("--state", required=True, help="a folder of the checkout for the time marker")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARG ...]")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    code, found, watched = run_checked(command, homes(args.home), args.state)
    for home in watched:
        if not [path for path in found if path.startswith(home + os.sep)]:
            print("home untouched: nothing created or changed in %s (%s, top level) while it ran" % (
                home, ", ".join(WATCHED)))
    if found:
        print("home written to while `%s` ran (or by another process meanwhile):" % " ".join(command))
        for path in found[:SHOWN]:
            print("  " + path)
        if len(found) > SHOWN:
            print("  ... and %d more" % (len(found) - SHOWN))
    return code or (1 if found else 0)


if __name__ == "__main__":
    sys.exit(main())
