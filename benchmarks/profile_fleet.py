#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a fleet run's time goes: `make bench`'s list module, taken apart.

    profile_fleet.py [--jobs 200] [--auth password] [--concurrency 10] [--top 25]

1. Phases of an ansible-playbook run of benchmarks/playbooks/fleet.yml: ansible-playbook alone (no module
   process), the list module with no jobs (its process, imports, argument checks, login), and with the jobs
   (a change, then the same again).
2. The module's work in this process, under cProfile: the collection imported from where
   ANSIBLE_COLLECTIONS_PATH points, its client built as the module builds it, converge_jobs for a change and
   for an unchanged re-run; the wall time of each, and the functions that took the most time.
3. One module process of each per-job task, dli_flink_jar_job (unchanged job) against uri (a PUT): each
   task's AnsiballZ file, kept (ANSIBLE_KEEP_REMOTE_FILES) and run again by itself, 7 times; what is left of
   a per-job task's CPU in `make bench` is the controller's (fork, templating, results), the same for both.
4. The imports of a module process: dli_flink_jar_job's (requests and the collection's module_utils)
   against uri's (ansible.module_utils.urls), each in a fresh interpreter.
"""

import argparse
import cProfile
import glob
import io
import os
import pstats
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402  pylint: disable=wrong-import-position


def options():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--auth", choices=("password", "token", "aksk"), default="password")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--workdir", default=os.path.join(common.ROOT, ".tmp", "profile"))
    return parser.parse_args()


def connection_params(url, auth):
    """The module's connection options, as the HW_* variables of ``auth`` would fill them in."""
    from ansible_collections.hwcloud.dli.plugins.module_utils.api import CONNECTION_ARGUMENT_SPEC
    from ansible_collections.hwcloud.dli.plugins.module_utils.auth import ENVIRONMENT_VARIABLES
    env = common.auth_environment(url, auth)
    params = dict((name, spec.get("default")) for name, spec in CONNECTION_ARGUMENT_SPEC.items())
    params.update((name, env[variable]) for name, variable in ENVIRONMENT_VARIABLES.items() if variable in env)
    return params


def phases(emulator, args, job_ids):
    env = common.ansible_environment(common.auth_environment(emulator.url, args.auth))
    print("== 1. an ansible-playbook run, by phase (wall s, CPU s of the process tree; 3 runs each, median)")
    rows = [("ansible-playbook, no module process", "baseline.yml", {}),
            ("fleet.yml, the list module with 0 jobs", "fleet.yml", {"fleet_jobs": []})]
    fleet = {"fleet_jobs": [{"job_id": job_id, "parallel_number": 7} for job_id in job_ids],
             "fleet_concurrency": args.concurrency}
    rows += [("fleet.yml, %s jobs, a change" % len(job_ids), "fleet.yml", fleet),
             ("fleet.yml, %s jobs, the same again" % len(job_ids), "fleet.yml", fleet)]
    for label, playbook, variables in rows:
        runs = []
        for attempt in range(1 if variables.get("fleet_jobs") else 3):  # a change happens once
            stats = emulator.stats()
            run = common.run_playbook(playbook, variables, env, args.workdir, "phase-%s-%s" % (
                rows.index((label, playbook, variables)), attempt))
            delta = common.stats_delta(stats, emulator.stats())
            if run.code != 0:
                raise SystemExit("%s failed:\n%s" % (label, common.tail(run.output)))
            runs.append((run.wall, run.cpu, delta["dli"], delta["iam"]))
        runs.sort()
        wall, cpu, dli, iam = runs[len(runs) // 2]
        print("%-45s %6.2f s wall %6.2f s CPU  %4s DLI calls %s IAM" % (label, wall, cpu, dli, iam), flush=True)


def in_process(emulator, args, job_ids):
    from ansible_collections.hwcloud.dli.plugins.module_utils.api import DliClient
    from ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_fleet import checked_jobs, converge_jobs
    print("\n== 2. converge_jobs in this process, %s jobs, concurrency %s, %s auth" % (
        len(job_ids), args.concurrency, args.auth))
    params = connection_params(emulator.url, args.auth)
    for label, value in (("change", 11), ("unchanged", 11)):
        jobs = [{"job_id": job_id, "parallel_number": value} for job_id in job_ids]
        stats = emulator.stats()
        cpu = emulator.cpu_seconds()
        profile = cProfile.Profile()
        began, process_cpu = time.perf_counter(), time.process_time()
        profile.enable()
        client = DliClient(params, retry_budget=600)
        built = time.perf_counter()
        results, dummy, summary = converge_jobs(client, checked_jobs(jobs), concurrency=args.concurrency)
        profile.disable()
        wall, used = time.perf_counter() - began, time.process_time() - process_cpu
        delta = common.stats_delta(stats, emulator.stats())
        print("%s: %.2f s wall (client %.3f s), %.2f s CPU here, %.2f s CPU in the emulator; %s DLI calls, %s IAM; "
              "%s changed" % (label, wall, built - began, used, emulator.cpu_seconds() - cpu, delta["dli"],
                              delta["iam"], len(summary["changed"])))
        out = io.StringIO()
        stats_view = pstats.Stats(profile, stream=out)
        stats_view.sort_stats("tottime").print_stats(args.top)
        print("\n".join(line for line in out.getvalue().splitlines()[:args.top + 12] if line.strip()))
        if any(result.get("failed") for result in results):
            raise SystemExit("converge_jobs failed: %s" % [r["msg"] for r in results if r.get("failed")][:3])


def imports():
    print("\n== 4. a module process's imports (fresh interpreter; wall and CPU s of the import, 5 runs, medians)")
    for label, statement in (
            ("python alone", "pass"),
            ("uri: ansible.module_utils.urls + basic", "import ansible.module_utils.basic, ansible.module_utils.urls"),
            ("dli_flink_jar_job's transport: basic + requests",
             "import ansible.module_utils.basic, requests"),
            ("dli_flink_jar_job: basic + the collection's module_utils",
             "import ansible.module_utils.basic; "
             "import ansible_collections.hwcloud.dli.plugins.module_utils.flink_job_update, "
             "ansible_collections.hwcloud.dli.plugins.module_utils.api")):
        walls, cpus = [], []
        for dummy in range(5):
            code = ("import time; t, c = time.perf_counter(), time.process_time(); %s; "
                    "print(time.perf_counter() - t, time.process_time() - c)" % statement)
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                 env=dict(os.environ, PYTHONPATH=os.environ.get("ANSIBLE_COLLECTIONS_PATH", "")))
            wall, cpu = out.stdout.split()
            walls.append(float(wall))
            cpus.append(float(cpu))
        print("%-60s %.3f s wall %.3f s CPU" % (label, sorted(walls)[2], sorted(cpus)[2]))


def module_processes(emulator, args, job_id):
    print("\n== 3. one module process, run again from its kept AnsiballZ file (7 runs, medians)")
    remote = os.path.join(os.path.abspath(args.workdir), "remote")
    inventory = common.write_inventory(os.path.join(args.workdir, "inventory-1.ini"), [job_id])
    collection_env = common.ansible_environment(dict(common.auth_environment(emulator.url, args.auth),
                                                     ANSIBLE_KEEP_REMOTE_FILES="1", ANSIBLE_REMOTE_TMP=remote))
    plain_env = common.ansible_environment(dict(ANSIBLE_KEEP_REMOTE_FILES="1", ANSIBLE_REMOTE_TMP=remote))
    value = emulator.stored(job_id)["job_config"]["parallel_number"]
    for playbook, module, variables, env in (
            ("per_job.yml", "dli_flink_jar_job", {"parallel_number": value}, collection_env),
            ("uri.yml", "uri", {"dli_endpoint": emulator.url, "project_id": common.dli_emulator.PROJECT_ID,
                                "auth_token": common.dli_emulator.STATIC_TOKEN, "parallel_number": value},
             plain_env)):
        run = common.run_playbook(playbook, variables, env, args.workdir, "keep-" + module, inventory=inventory)
        if run.code != 0:
            raise SystemExit("%s failed:\n%s" % (playbook, common.tail(run.output)))
        path = max(glob.glob(os.path.join(remote, "*", "AnsiballZ_%s.py" % module)), key=os.path.getmtime)
        samples = []
        for dummy in range(7):
            usage, began = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
            done = subprocess.run([sys.executable, path], capture_output=True, text=True, env=env, check=False)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if '"failed": true' in done.stdout:
                raise SystemExit("%s failed when run again: %s" % (path, done.stdout[:500]))
            samples.append((after.ru_utime - usage.ru_utime + after.ru_stime - usage.ru_stime,
                            time.perf_counter() - began))
        cpu, wall = sorted(s[0] for s in samples)[3], sorted(s[1] for s in samples)[3]
        print("%-20s %4.0f ms CPU, %4.0f ms wall; AnsiballZ file %s KB" % (
            module, cpu * 1000, wall * 1000, os.path.getsize(path) // 1024))


def main():
    args = options()
    for path in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep):
        if path:
            sys.path.insert(0, path)
    with common.Emulator(transition_seconds=0.5) as emulator:
        job_ids = []
        for index in range(args.jobs):
            job_ids.append(emulator.api("POST", "streaming/flink-jobs", {
                "name": "profile-%04d" % index, "queue_name": "q", "parallel_number": 1})["job"]["job_id"])
        phases(emulator, args, job_ids)
        in_process(emulator, args, job_ids)
        module_processes(emulator, args, job_ids[0])
    imports()
    return 0


if __name__ == "__main__":
    sys.exit(main())
