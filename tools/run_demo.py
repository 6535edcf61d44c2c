#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo`: the example playbooks against the local DLI emulator.

Starts the emulator with its demo jobs, points the Huawei Cloud environment variables at it
(exactly as you would point them at the real cloud), runs docs/examples/, and stops it.
"""

import os
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join("docs", "examples")  # relative to ROOT, where the playbooks run
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

import dli_emulator  # noqa: E402


def step(title, *args):
    """Run ansible-playbook from the checkout, with paths relative to it, as a user would type them."""
    print("\n=== %s\n$ ansible-playbook %s" % (title, " ".join(args)), flush=True)
    code = subprocess.call(["ansible-playbook"] + list(args), cwd=ROOT)
    if code != 0:
        raise SystemExit("the demo step failed: %s" % title)


def export_line(variables):
    """One shell line that sets ``variables``, quoted so that it can be pasted as it is."""
    return "export " + " ".join("%s=%s" % (name, shlex.quote(value)) for name, value in variables.items())


def emulator_variables(url):
    """Everything the collection needs to talk to an emulator at ``url``: the DLI API, IAM (served on the same
    URL, for a password login), the project and the emulator's permanent AK/SK."""
    variables = dli_emulator.client_environment(url)
    return dict([("HW_DLI_ENDPOINT", url), ("HW_AUTH_URL", url + "/v3")] + list(variables.items()))


def collections_path_line(collections_path, cwd):
    """The export of ANSIBLE_COLLECTIONS_PATH that points another shell at what `make install` installed:
    "$PWD/..." when it is under ``cwd`` (the checkout, where make ran), else the path itself."""
    relative = os.path.relpath(collections_path, cwd)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):  # not under cwd
        return export_line({"ANSIBLE_COLLECTIONS_PATH": collections_path})
    return 'export ANSIBLE_COLLECTIONS_PATH="$PWD/%s"' % relative


def main():
    process, url = dli_emulator.spawn_process()
    print("DLI emulator listening on %s" % url, flush=True)
    for name in [k for k in os.environ if k.startswith("HW_")]:
        del os.environ[name]
    os.environ.update(ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
                      ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    os.environ.update(dli_emulator.client_environment(url))
    print(export_line(emulator_variables(url)), flush=True)
    scale = os.path.join(EXAMPLES, "scale_job.yml")
    try:
        step("1. Scale job 1001: changed", scale)
        step("2. The same play again: ok, nothing written", scale)
        step("3. Check mode with diff, parallelism 8: says what would change, writes nothing",
             scale, "--check", "--diff", "-e", "parallelism=8")
        step("4. A running job: in-place change, and a refused restart", os.path.join(EXAMPLES, "running_job.yml"))
    finally:
        process.terminate()
        process.wait(timeout=10)
    print("\nDemo done: the emulator is stopped.")
    collections_path = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    if collections_path:
        print("The collection it used, for your own playbooks (README: After the demo):\n%s" % (
            collections_path_line(collections_path, os.getcwd())))


if __name__ == "__main__":
    main()
