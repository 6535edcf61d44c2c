#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make runner`: the demo playbook under ansible-runner, the engine of AWX / Automation Platform.

Runs docs/examples/scale_job.yml twice against a fresh emulator, the way an AWX job template
would: a private data directory, and the credentials in exactly the environment variables that a
credential of the collection's AWX credential type (extensions/awx/huawei_cloud_credential_type.yml)
injects, its inputs being the emulator's project, endpoint and access keys; every other variable of
the type is injected empty, as AWX does. Each run is judged by the events ansible-runner records:
the first run's task reports changed, the second ok, and no event, nor the recorded output, holds
the secret key.
"""

import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))
sys.path.insert(0, HERE)  # also when loaded by the unit tests

import awx_credential_type  # noqa: E402
import dli_emulator  # noqa: E402

PLAYBOOK = os.path.join(ROOT, "docs", "examples", "scale_job.yml")
TASK = "Scale the enrichment job"


def credential_inputs(url):
    """The inputs of the AWX credential the runs use: the emulator's project, its URL as the DLI endpoint, and its
    permanent access keys. Every other field is left empty."""
    return dict(project_id=dli_emulator.PROJECT_ID, endpoint=url, access_key=dli_emulator.ACCESS_KEY,
                secret_key=dli_emulator.SECRET_KEY)


def runner_environment(url):
    """The environment of the runs: what the credential type injects for ``credential_inputs``, nothing more."""
    return awx_credential_type.injected_environment(awx_credential_type.load(), credential_inputs(url))


def run_demo(private_data_dir, url):
    import ansible_runner  # here: the unit tests load this file where ansible-runner is not installed

    envvars = dict(runner_environment(url),
                   ANSIBLE_PYTHON_INTERPRETER=sys.executable)  # the venv python: no interpreter discovery
    return ansible_runner.run(
        private_data_dir=private_data_dir, playbook=PLAYBOOK, inventory="localhost ansible_connection=local",
        envvars=envvars, quiet=True)


def task_results(runner):
    """(event name, changed) of every result event of the module's task."""
    return [(event["event"], event["event_data"].get("res", {}).get("changed"))
            for event in runner.events
            if event["event"] in ("runner_on_ok", "runner_on_failed", "runner_on_skipped", "runner_on_unreachable")
            and event["event_data"].get("task") == TASK]


def output_with(directory, secret):
    """The recorded events and stdout that hold the secret (the env/ and command files ansible-runner
    writes hold what it was given, like AWX's own credential store, and are not searched)."""
    found = []
    for folder, _dirs, files in os.walk(os.path.join(directory, "artifacts")):
        for name in files:
            if name != "stdout" and os.path.basename(folder) != "job_events":
                continue
            with open(os.path.join(folder, name), "rb") as handle:
                if secret.encode() in handle.read():
                    found.append(os.path.relpath(os.path.join(folder, name), directory))
    return found


def main():
    # Credentials come from the environment variables given to the run, as AWX gives a credential's.
    for name in [k for k in os.environ if k.startswith("HW_")]:
        del os.environ[name]
    process, url = dli_emulator.spawn_process(transition_seconds=0.5)
    injected = runner_environment(url)
    print("credential type %r: sets %s; injects empty: %s" % (
        awx_credential_type.load()["name"], ", ".join(sorted(name for name in injected if injected[name])),
        ", ".join(sorted(name for name in injected if not injected[name]))), flush=True)
    problems = []
    private_data_dir = tempfile.mkdtemp(prefix="hwcloud-dli-runner-")
    try:
        for label, expected in (("first run", ("runner_on_ok", True)), ("second run", ("runner_on_ok", False))):
            runner = run_demo(private_data_dir, url)
            results = task_results(runner)
            print("ansible-runner %s: status=%s rc=%s, task %r: %s, stats changed=%s" % (
                label, runner.status, runner.rc, TASK, results, runner.stats.get("changed")), flush=True)
            if runner.status != "successful" or runner.rc != 0:
                problems.append("%s: status %s, rc %s" % (label, runner.status, runner.rc))
            if results != [expected]:
                problems.append("%s: expected one %s event with changed=%s, got %s" % ((label,) + expected + (results,)))
        leaked = output_with(private_data_dir, dli_emulator.SECRET_KEY)
        if leaked:
            problems.append("the secret key is in the recorded output: %s" % ", ".join(leaked))
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(private_data_dir, ignore_errors=True)
    for problem in problems:
        print("ansible-runner: " + problem)
    print("%d passed, %d failed" % (0 if problems else 1, 1 if problems else 0))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
