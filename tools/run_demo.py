#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo`: the example playbooks against the local DLI emulator.

Starts the emulator with its demo jobs, points the Huawei Cloud environment variables at it
(exactly as you would point them at the real cloud), runs docs/examples/, and stops it.
"""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "docs", "examples")
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

import dli_emulator  # noqa: E402


def step(title, *args):
    print("\n=== %s\n$ ansible-playbook %s" % (title, " ".join(args)), flush=True)
    code = subprocess.call(["ansible-playbook"] + list(args))
    if code != 0:
        raise SystemExit("the demo step failed: %s" % title)


def main():
    process, url = dli_emulator.spawn_process()
    print("DLI emulator listening on %s" % url, flush=True)
    for name in [k for k in os.environ if k.startswith("HW_")]:
        del os.environ[name]
    os.environ.update(ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
                      ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    os.environ.update(dli_emulator.client_environment(url))
    print("export HW_DLI_ENDPOINT=%s HW_PROJECT_ID=%s HW_ACCESS_KEY=%s HW_SECRET_KEY=<emulator secret>" % (
        url, dli_emulator.PROJECT_ID, dli_emulator.ACCESS_KEY), flush=True)
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


if __name__ == "__main__":
    main()
