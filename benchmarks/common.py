# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What soak.py and bench.py share: an emulator of their own, the HW_* environment of each way of
authenticating, the emulator's counts, and ansible-playbook runs timed with the CPU of their process tree.

The collection must be installed where ANSIBLE_COLLECTIONS_PATH points (``make soak`` and ``make bench``
install it from its tarball first, as ``make integration`` does).
"""

import json
import os
import resource
import subprocess
import sys
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAYBOOKS = os.path.join(ROOT, "benchmarks", "playbooks")
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

import dli_emulator  # noqa: E402  pylint: disable=wrong-import-position

# How the fleet playbook converges the jobs: "role" (hwcloud.dli.flink_jar_jobs) or "module" (dli_flink_jar_jobs);
# the playbook's own fleet_via line is the default, FLEET_VIA overrides it.
FLEET_VIA = os.environ.get("FLEET_VIA") or None
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def auth_environment(url, auth):
    """The HW_* variables that point the collection at the emulator at ``url``, authenticating with
    ``auth``: password (an IAM login, at the emulator's IAM), token (its static token) or aksk."""
    env = {"HW_DLI_ENDPOINT": url, "HW_PROJECT_ID": dli_emulator.PROJECT_ID}
    if auth == "password":
        env.update(HW_USER_NAME=dli_emulator.USER_NAME, HW_USER_PASSWORD=dli_emulator.PASSWORD,
                   HW_DOMAIN_NAME=dli_emulator.DOMAIN_NAME, HW_AUTH_URL=url)
    elif auth == "token":
        env.update(HW_AUTH_TOKEN=dli_emulator.STATIC_TOKEN)
    elif auth == "aksk":
        env.update(dli_emulator.client_environment(url))
    else:
        raise SystemExit("unknown authentication %r: password, token or aksk" % auth)
    return env


def ansible_environment(extra=None):
    """The environment of an ansible-playbook run: none of the developer's HW_* variables, the interpreter
    that has requests, no colour, the default output."""
    env = dict((key, value) for key, value in os.environ.items() if not key.startswith("HW_"))
    env.update(ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING="false",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="false", ANSIBLE_NOCOLOR="1", ANSIBLE_STDOUT_CALLBACK="default",
               ANSIBLE_RETRY_FILES_ENABLED="false", ANSIBLE_HOST_KEY_CHECKING="false")
    env.update(extra or {})
    return env


class Emulator:
    """The emulator as a process of its own, with its control calls; a context manager that stops it."""

    def __init__(self, transition_seconds=1.0, chaos=None, jobs_file=None):
        self.process, self.url = dli_emulator.spawn_process(transition_seconds, jobs_file=jobs_file, chaos=chaos)
        self.session = requests.Session()
        self.token = {"X-Auth-Token": dli_emulator.STATIC_TOKEN}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def control(self, method, path, body=None):
        answer = self.session.request(method, self.url + "/_emulator/" + path, json=body, timeout=30)
        answer.raise_for_status()
        return answer.json()

    def stats(self):
        return self.control("GET", "stats")

    def stored(self, job_id):
        """The job as stored (the control GET): its fields, status and _meta."""
        return self.control("GET", "jobs/%s" % job_id)

    def api(self, method, path, body=None):
        """A DLI call with the static token, for set-ups (it meets the chaos, if any)."""
        answer = self.session.request(method, "%s/v1.0/%s/%s" % (self.url, dli_emulator.PROJECT_ID, path),
                                      json=body, headers=self.token, timeout=30)
        answer.raise_for_status()
        return answer.json()

    def cpu_seconds(self):
        """User + system CPU the emulator's process has used so far (Linux /proc)."""
        try:
            with open("/proc/%s/stat" % self.process.pid) as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / float(CLOCK_TICKS)  # utime, stime


def stats_delta(before, after):
    """The calls made between two reads of GET /_emulator/stats."""
    delta = {}
    for key, value in after.items():
        if isinstance(value, int):
            delta[key] = value - before.get(key, 0)
        elif key in ("kinds", "methods", "statuses"):
            delta[key] = dict((name, count - before[key].get(name, 0)) for name, count in value.items()
                              if count - before[key].get(name, 0))
    delta["dli"] = delta["requests"] - delta["iam"]
    return delta


class Run:
    """One ansible-playbook run: exit code, output, wall time and CPU (user + system) of its process tree."""

    def __init__(self, code, output, wall, cpu, log):
        self.code, self.output, self.wall, self.cpu, self.log = code, output, wall, cpu, log


def run_playbook(playbook, extra_vars, env, workdir, label, inventory=None, forks=None, args=()):
    """Run benchmarks/playbooks/``playbook`` with ``extra_vars`` (written to a JSON file); its output goes to
    ``workdir``/``label``.log. CPU: the RUSAGE_CHILDREN delta, which holds the ansible-playbook process and
    every process under it (forks, modules), once they are waited for; the emulator, also a child of this
    process, counts only when it ends."""
    os.makedirs(workdir, exist_ok=True)
    variables = dict(extra_vars)
    if FLEET_VIA and playbook == "fleet.yml":
        variables["fleet_via"] = FLEET_VIA
    vars_file = os.path.join(workdir, label + ".vars.json")
    with open(vars_file, "w") as handle:
        json.dump(variables, handle)
    command = ["ansible-playbook", "-i", inventory or "localhost,", "-e", "@" + vars_file,
               os.path.join(PLAYBOOKS, playbook)] + list(args)
    if forks:
        command += ["--forks", str(forks)]
    log = os.path.join(workdir, label + ".log")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    with open(log, "w") as handle:
        code = subprocess.call(command, env=env, stdout=handle, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    with open(log) as handle:
        output = handle.read()
    return Run(code, output, wall, cpu, log)


def recap(output):
    """{host: {ok, changed, unreachable, failed, skipped, rescued, ignored}} from the PLAY RECAP."""
    hosts = {}
    for line in output.split("PLAY RECAP", 1)[-1].splitlines():
        if ":" not in line or "=" not in line:
            continue
        host, counts = line.split(":", 1)
        hosts[host.strip()] = dict((key, int(value)) for key, value in
                                   (item.split("=") for item in counts.split() if "=" in item))
    return hosts


def write_inventory(path, job_ids, group="jobs"):
    """An INI inventory of one host per job (connection local, the job's id as job_id)."""
    with open(path, "w") as handle:
        handle.write("[%s]\n" % group)
        for job_id in job_ids:
            handle.write("job-%s job_id=%s\n" % (job_id, job_id))
        handle.write("\n[%s:vars]\nansible_connection=local\nansible_python_interpreter=%s\n" % (group, sys.executable))
    return path


def tail(text, lines=40):
    return "\n".join(text.rstrip().splitlines()[-lines:])
