#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make ee`: the execution environment for AWX / Automation Platform, without a container engine.

1. `ansible-builder create` on the example definition writes a build context, which must hold a
   Containerfile and the collection in its Galaxy requirements.
2. `ansible-builder introspect` on the installed collection reads its meta/execution-environment.yml
   the way a build does, and must find every requirement of requirements.txt.

    check_ee.py --ee-file docs/execution-environment.yml --context DIR --collections INSTALLED_PATH
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(command):
    print("$ " + " ".join(command), flush=True)
    return subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout


def requirement_names(lines):
    """The distribution names of pip requirement lines, lower-cased."""
    names = set()
    for line in lines:
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line.split("#", 1)[0])
        if match:
            names.add(match.group(1).lower())
    return names


def check_context(ee_file, context):
    shutil.rmtree(context, ignore_errors=True)
    run(["ansible-builder", "create", "-f", ee_file, "--context", context, "--output-filename", "Containerfile"])
    problems = []
    if not os.path.isfile(os.path.join(context, "Containerfile")):
        problems.append("no Containerfile in %s" % context)
    galaxy_file = os.path.join(context, "_build", "requirements.yml")
    if not os.path.isfile(galaxy_file):
        problems.append("no Galaxy requirements in the build context")
    else:
        with open(galaxy_file) as handle:
            galaxy = yaml.safe_load(handle)
        if "hwcloud.dli" not in [c.get("name") for c in galaxy.get("collections", [])]:
            problems.append("hwcloud.dli is not among the build's collections: %s" % galaxy)
    return problems


def check_introspection(collections):
    output = run(["ansible-builder", "introspect", collections])
    with open(os.path.join(ROOT, "requirements.txt")) as handle:
        wanted = requirement_names(handle)
    # introspect prints YAML: python requirements, each followed by "# from collection NAME".
    python = (yaml.safe_load(output) or {}).get("python") or []
    found = requirement_names(line for line in python if line.endswith("from collection hwcloud.dli"))
    return ["the execution environment would lack %s (introspect said: %s)" % (name, output.strip())
            for name in sorted(wanted - found)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--ee-file", required=True)
    parser.add_argument("--context", required=True)
    parser.add_argument("--collections", required=True, help="a collections path holding the installed collection")
    args = parser.parse_args()
    problems = check_context(args.ee_file, args.context) + check_introspection(args.collections)
    for problem in problems:
        print("ee: " + problem)
    if problems:
        return 1
    print("ee: build context written to %s; introspection finds every requirement of requirements.txt" % args.context)
    return 0


if __name__ == "__main__":
    sys.exit(main())
