#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make ee`: the execution environment for AWX / Automation Platform, without a container engine.

1. `ansible-builder create` on the example definition writes a build context, which must hold a
   Containerfile and the collection in its Galaxy requirements.
2. `ansible-builder introspect` on the installed collection reads its meta/execution-environment.yml
   the way a build does, and must find exactly the collection's requirements.txt (requests) as the Python
   requirements of hwcloud.dli, and no system requirement.

    check_ee.py --ee-file docs/execution-environment.yml --context DIR --collections INSTALLED_PATH
"""

import argparse
import os
import shutil
import subprocess
import sys

import yaml


def run(command):
    print("$ " + " ".join(command), flush=True)
    return subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout


def collection_requirements(introspected, collection="hwcloud.dli"):
    """The Python and system requirement lines that ansible-builder's introspection (its YAML output, each
    line followed by "# from collection NAME") gives for ``collection``."""
    data = yaml.safe_load(introspected) or {}
    suffix = "from collection %s" % collection
    return [line for kind in ("python", "system") for line in (data.get(kind) or [])
            if str(line).endswith(suffix)]


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


def expected_requirements(root):
    """The requirement lines of the collection's requirements.txt, as ansible-builder lists them."""
    with open(os.path.join(root, "requirements.txt")) as handle:
        lines = [line.split("#")[0].strip() for line in handle]
    return ["%s  # from collection hwcloud.dli" % line for line in lines if line]


def check_introspection(collections):
    installed = os.path.join(collections, "ansible_collections", "hwcloud", "dli")
    # introspect skips a folder that is not an installed collection, and would find nothing in it.
    problems = ["%s is not in the installed collection" % name
                for name in ("MANIFEST.json", "meta/execution-environment.yml")
                if not os.path.isfile(os.path.join(installed, name))]
    output = run(["ansible-builder", "introspect", collections])
    found = [" ".join(str(line).split()) for line in collection_requirements(output)]
    expected = [" ".join(line.split()) for line in expected_requirements(installed)]
    if not any("requests" in line for line in expected):
        problems.append("the installed collection's requirements.txt does not name requests")
    if found != expected:
        problems.append("the execution environment would get %s, not the collection's requirements.txt %s "
                        "(introspect said: %s)" % (found, expected, output.strip()))
    return problems


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
    print("ee: build context written to %s; introspection finds hwcloud.dli's requirements.txt (requests) and no "
          "system requirement" % args.context)
    return 0


if __name__ == "__main__":
    sys.exit(main())
