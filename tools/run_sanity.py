#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make sanity`: ansible-test sanity, every default test, on Python 3.11.

ansible-test only runs from a checkout at ``ansible_collections/<namespace>/<name>/``, so the
tracked files (plus new, unignored ones) are copied to such a tree first. Its test
environments are bootstrapped with a pip script it downloads from a host this network does not
reach: the offline stand-in in the shared tools folder (``--shared``, the Makefile's ../shared)
is put in its cache, under the name that follows the pip version ansible-test asks for, unless a
script is already cached there. Without that folder, ansible-test downloads the script itself.

ansible-test keeps that cache, and its virtual environments, under ~/.ansible/test/: the
Makefile runs this with HOME pointed at the checkout's .tmp/home, so they stay there.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

import ansible_test

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def wanted_pip_version():
    path = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
    with open(path) as handle:
        match = re.search(r"\bpip='([0-9.]+)'", handle.read())
    if not match:
        raise SystemExit("cannot tell which pip version ansible-test bootstraps (read %s)" % path)
    return match.group(1)


def provide_pip_bootstrap(shared, version):
    """Put the offline stand-in where ansible-test looks for a downloaded bootstrap; what was done."""
    cached = os.path.expanduser("~/.ansible/test/cache/get_pip_%s.py" % version.replace(".", "_"))
    offline = os.path.join(shared, "tools", "ansible-test-get-pip.py") if shared else None
    if os.path.exists(cached):
        return "pip %s bootstrap: using %s" % (version, cached)
    if offline and os.path.exists(offline):
        os.makedirs(os.path.dirname(cached), exist_ok=True)
        shutil.copyfile(offline, cached)
        return "pip %s bootstrap: copied the offline stand-in to %s" % (version, cached)
    return "pip %s bootstrap: none cached and no %s; ansible-test will download it" % (
        version, offline or "shared folder given")


def copy_tree(tree):
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            stdout=subprocess.PIPE, check=True).stdout.decode().split("\0")
    shutil.rmtree(tree, ignore_errors=True)
    for name in filter(None, listed):
        source = os.path.join(ROOT, name)
        if not os.path.lexists(source):
            continue  # deleted in the work tree, not yet in the index
        target = os.path.join(tree, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    # Its own repository: inside ours (under the ignored .tmp/) ansible-test would see no files at all.
    subprocess.run(["git", "init", "--quiet", tree], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--tree", required=True, help="where to copy the collection, ending in ansible_collections/NS/NAME")
    parser.add_argument("--shared", help="the shared folder whose tools/ holds the offline pip bootstrap, if any")
    parser.add_argument("tests", nargs="*", help="only these sanity tests (default: all)")
    args = parser.parse_args()
    print(provide_pip_bootstrap(args.shared, wanted_pip_version()), flush=True)
    copy_tree(args.tree)
    command = ["ansible-test", "sanity", "--python", "3.11", "--color", "no"]
    for name in args.tests:
        command += ["--test", name]
    print("$ " + " ".join(command), flush=True)
    return subprocess.call(command, cwd=args.tree)


if __name__ == "__main__":
    sys.exit(main())
