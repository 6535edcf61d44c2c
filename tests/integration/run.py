#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the integration targets with ansible-playbook against a freshly started DLI emulator.

The collection must already be installed where ANSIBLE_COLLECTIONS_PATH points (``make
integration`` builds the tarball and installs it there first). The emulator runs as its own
process on a free loopback port and is stopped at the end, whatever happens.

Usage: run.py [TARGET ...]   (default: every directory under targets/)
"""

import ast
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EMULATOR_DIR = os.path.join(ROOT, "tests", "emulator")
MODULES = os.path.join(ROOT, "plugins", "modules")
MODULE_IMPORTS = os.path.join(HERE, "module_imports")
sys.path.insert(0, EMULATOR_DIR)
IMPORT_LOG = os.path.join(tempfile.mkdtemp(prefix="module-imports-"), "imports.log")

import dli_emulator  # noqa: E402  (for its credentials, which the targets need)

# ansible-core 2.19's warning for `args: "{{ ... }}"`: the docs show no such task, so neither do the tests.
TEMPLATED_ARGS = "Using a template for task args"

SECRETS = {
    "secret key": dli_emulator.SECRET_KEY,
    "temporary secret key": dli_emulator.TEMP_SECRET_KEY,
    "security token": dli_emulator.SECURITY_TOKEN,
    "password": dli_emulator.PASSWORD,
    "static token": dli_emulator.STATIC_TOKEN,
    "echoed password": dli_emulator.ECHOED_PASSWORD,
}
# Parts of secrets that show when a cut splits a secret, or an escaping the redaction misses keeps them: the
# echoed password's markers, and the static token's first 12 characters (the echo cases split it at 13).
FRAGMENTS = {
    "part of the echoed password": "Qx7",
    "the start of the static token": dli_emulator.STATIC_TOKEN[:12],
}


def clean_environment():
    # A developer's own cloud credentials must not leak into, or change, the tests.
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith("HW_"))
    env["ANSIBLE_ROLES_PATH"] = os.path.join(HERE, "targets")
    env.setdefault("ANSIBLE_NOCOLOR", "1")
    env["ANSIBLE_STDOUT_CALLBACK"] = "default"
    env["ANSIBLE_PYTHON_INTERPRETER"] = sys.executable  # the venv python: no interpreter discovery
    # The modules need ansible-core and requests alone: the Huawei Cloud SDK, which this venv has for the
    # emulator, is hidden from every process of the run but the emulator, and each module process logs what
    # it imported (see module_imports/sitecustomize.py).
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [MODULE_IMPORTS, env.get("PYTHONPATH")]))
    env["HWDLI_WITHOUT_SDK"] = "1"
    env["HWDLI_IMPORT_LOG"] = IMPORT_LOG
    return env


def import_problems():
    """What the module processes of the run imported beyond the standard library, ansible-core and requests."""
    if not os.path.exists(IMPORT_LOG):
        return ["no module process logged its imports: the check did not run"]
    with open(IMPORT_LOG) as handle:
        lines = [line.strip() for line in handle if line.strip()]
    return [line for line in lines if not line.endswith(":")] if lines else ["the import log is empty"]


def module_files():
    """The modules of the collection, each a file of plugins/modules/."""
    return sorted(os.path.join(MODULES, name) for name in os.listdir(MODULES)
                  if name.endswith(".py") and not name.startswith("_"))


def module_examples(module):
    """The task list of the module's EXAMPLES, read without importing the module."""
    with open(module) as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets] == ["EXAMPLES"]:
            return yaml.safe_load(node.value.value)
    raise SystemExit("no EXAMPLES in %s" % module)


def example_environment(name, url):
    """The HW_* variables a module's EXAMPLES run with: the emulator's access keys, or for dli_token, whose
    examples log in once, its IAM user."""
    env = dli_emulator.client_environment(url)
    if name == "dli_token":
        del env["HW_ACCESS_KEY"], env["HW_SECRET_KEY"]
        env.update(HW_USER_NAME=dli_emulator.USER_NAME, HW_USER_PASSWORD=dli_emulator.PASSWORD,
                   HW_DOMAIN_NAME=dli_emulator.DOMAIN_NAME, HW_AUTH_URL=url)
    return env


def run_examples(workdir, url):
    """Each module's EXAMPLES as written, on fresh demo jobs, twice: they must pass, and change nothing the second time.

    Connection and credentials come from the HW_* environment variables, as in docs/examples/."""
    reset = {"name": "Reset the emulator", "ansible.builtin.uri": {"url": url + "/_emulator/reset", "method": "POST"}}
    problems = []
    for module in module_files():
        name = os.path.basename(module)[:-3]
        examples = module_examples(module)
        env = example_environment(name, url)
        for attempt, pre_tasks in (("first", [reset]), ("second", [])):
            play = {"name": "%s EXAMPLES, %s run" % (name, attempt), "hosts": "localhost", "connection": "local",
                    "gather_facts": False, "pre_tasks": pre_tasks, "tasks": examples}
            code, output = run_playbook(workdir, "examples", play, {}, env=env)
            print(output)
            recap = re.search(r"localhost\s*:\s*ok=\d+\s+changed=(\d+)", output)
            if code != 0:
                problems.append("the %s run of %s failed" % (attempt, name))
            elif attempt == "second" and (not recap or recap.group(1) != "0"):
                problems.append("the second run of %s changed something: %s" % (
                    name, recap.group(0) if recap else "no recap"))
            if dli_emulator.ISSUED_TOKEN.search(output):
                problems.append("a token issued by a login shows in the %s run of %s" % (attempt, name))
            if TEMPLATED_ARGS in output:
                problems.append("the %s run of %s templates task arguments" % (attempt, name))
    return problems


def run_playbook(workdir, name, play, variables, extra_args=(), env=None):
    playbook = os.path.join(workdir, name + ".yml")
    with open(playbook, "w") as handle:
        json.dump([play], handle)  # JSON is YAML
    vars_file = os.path.join(workdir, "vars.json")
    with open(vars_file, "w") as handle:
        json.dump(variables, handle)
    command = ["ansible-playbook", "-i", "localhost,", "-e", "@" + vars_file, playbook] + list(extra_args)
    result = subprocess.run(command, env=dict(clean_environment(), **(env or {})), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, check=False)
    return result.returncode, result.stdout


def main(argv):
    # setup_* targets are dependencies of the others (setup_dli_emulator starts the emulator), never run alone.
    targets = argv or sorted(t for t in os.listdir(os.path.join(HERE, "targets")) if not t.startswith("setup_"))
    passed, failed = [], []
    # The control: in the run's environment, the modules' interpreter cannot import the SDK.
    probe = subprocess.run([sys.executable, "-c", "import huaweicloudsdkcore"], env=clean_environment(),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    if probe.returncode == 0:
        print("huaweicloudsdkcore can be imported in the run's environment: it would not show that the modules "
              "need ansible-core and requests alone")
        return 1
    print("the modules run without the Huawei Cloud SDK, and log what they import (tests/integration/module_imports)")
    with tempfile.TemporaryDirectory() as workdir:
        for target in targets:
            play = {"name": "Integration target " + target, "hosts": "localhost", "connection": "local",
                    "gather_facts": False, "roles": [target]}
            code, output = run_playbook(workdir, target, play, {})
            print(output)
            if TEMPLATED_ARGS in output:
                print("target %s templates task arguments (%r)" % (target, TEMPLATED_ARGS))
                code = code or 1
            (passed if code == 0 else failed).append(target)

        # At the highest verbosity, no secret may show: run the auth cases at -vvv and search.
        play = {"name": "No secret at -vvv", "hosts": "localhost", "connection": "local", "gather_facts": False,
                "tasks": [  # the role's dependency, setup_dli_emulator, starts the emulator
                    {"ansible.builtin.include_role": {"name": "dli_flink_jar_job", "tasks_from": "no_secret_cases"}},
                    {"ansible.builtin.uri": {"url": "{{ dli_url }}/_emulator/shutdown", "method": "POST"}}]}
        code, output = run_playbook(workdir, "secrets", play, {}, ["-vvv"])
        leaked = [what for what, secret in list(SECRETS.items()) + list(FRAGMENTS.items()) if secret in output]
        if dli_emulator.ISSUED_TOKEN.search(output):  # the tokens its logins issued, dli_token's included
            leaked.append("a token issued by an IAM login")
        if code != 0 or leaked:
            print(output)
            print("secret search: exit code %s, leaked: %s" % (code, ", ".join(leaked) or "nothing"))
            failed.append("no secret at -vvv")
        else:
            print("secret search: %d lines of -vvv output, no secret in them" % output.count("\n"))
            passed.append("no secret at -vvv")

        process, url = dli_emulator.spawn_process(transition_seconds=0.5)
        try:
            problems = run_examples(workdir, url)
        finally:
            process.terminate()
            process.wait(timeout=10)
        print("module EXAMPLES: %s" % ("; ".join(problems) or "ran as written, the second run changed nothing"))
        (failed if problems else passed).append("module EXAMPLES")
    problems = import_problems()
    print("module imports: %s" % ("; ".join(sorted(set(problems))) or "nothing beyond the standard library, "
                                  "ansible-core and requests"))
    (failed if problems else passed).append("module imports")
    print("integration: %s" % ", ".join("%s %s" % (t, "ok") for t in passed) + "".join(", %s FAILED" % t for t in failed))
    print("%d passed, %d failed" % (len(passed), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
