#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make ansible-test-integration`: the integration targets as ansible-test runs them.

ansible-test only runs from a checkout at ``ansible_collections/<namespace>/<name>/``, so the
tree is copied there first (as for sanity). ``--local`` runs the targets with this virtual
environment's Python, which has what the emulator needs; the ``setup_dli_emulator`` target each
target depends on starts the emulator, and the target stops it.
"""

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from run_sanity import copy_tree  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--tree", required=True, help="where to copy the collection, ending in ansible_collections/NS/NAME")
    parser.add_argument("targets", nargs="*", help="only these targets (default: all)")
    args = parser.parse_args()
    copy_tree(args.tree)
    command = ["ansible-test", "integration", "--local", "--color", "no"] + args.targets
    print("$ " + " ".join(command), flush=True)
    return subprocess.call(command, cwd=args.tree)


if __name__ == "__main__":
    sys.exit(main())
