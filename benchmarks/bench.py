#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make bench`: how long a fleet of jobs takes, three ways, on one emulator, interleaved over rounds.

    bench.py [--sizes 50,200] [--rounds 3] [--restart-jobs 20] [--rolling-jobs 200] [--forks 10] [--concurrency N]
             [--auth password] [--transition-seconds 1.0] [--output benchmarks/results/latest]

(also from BENCH_SIZES, BENCH_ROUNDS, BENCH_RESTART_JOBS, BENCH_ROLLING_JOBS, BENCH_FORKS, BENCH_CONCURRENCY,
BENCH_AUTH, BENCH_TRANSITION, BENCH_OUTPUT). For each size N, each round runs, in an order that rotates from round to round:

- list: one task of hwcloud.dli.dli_flink_jar_jobs over the N jobs (benchmarks/playbooks/fleet.yml);
- per_job: a dli_flink_jar_job task per job, one inventory host per job (connection local), --forks;
- uri: an ansible.builtin.uri PUT per job, the same way (what a user writes without this collection: it always
  writes); with --auth password it logs in once per run with a uri POST to IAM, as per_job does with dli_token,
  and otherwise it is given the emulator's static token;

each for a change (parallel_number set to a value the jobs do not hold) and an unchanged re-run (the same
value again). Then a restart of the running jobs (a change of parallel_number with allow_restart): list against
per_job. Then a rolling restart of --rolling-jobs running jobs: dli_flink_jar_jobs called directly (fleet.yml
with fleet_via module) with concurrency and max_restarting both that many, against the restart of one job by the
same playbook (its own job, with concurrency 1). And a baseline: ansible-playbook with no module process. Every
way authenticates with --auth (password: one IAM login per run, by dli_token for per_job, by uri for uri, by the
list module itself). Every run's effect is checked on the emulator.

Measured per run: wall time, CPU (user + system) of the ansible-playbook process tree (RUSAGE_CHILDREN
deltas), the emulator's CPU, and the DLI and IAM calls (the emulator's counts). Reported: medians over the
rounds, each variant's wall time as a ratio to uri's of the same round (the median of those), calls per
job, IAM logins per run, CPU per job, and the targets met or missed. Written to OUTPUT.json and OUTPUT.md.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402  pylint: disable=wrong-import-position

VARIANTS = ("list", "per_job", "uri")
RESTART_VARIANTS = ("list", "per_job")
# Targets, as ratios of wall time to uri's in the same round: (variant, scenario) -> (most, strictly less, the
# size it is set for: None for any).
TARGETS = {("list", "change"): (0.10, False, 200), ("list", "unchanged"): (0.05, False, 200),
           ("per_job", "change"): (1.10, False, None), ("per_job", "unchanged"): (1.10, False, None)}
# The fewest DLI calls per job each variant can make: (variant, scenario) -> calls.
# The rolling restart of --rolling-jobs jobs: at most this many times the wall time of one job's restart, and at
# most this many DLI calls per job; set for 200 jobs (a few jobs share less: their figures are for reference).
ROLLING_TARGETS = {"ratio": 1.5, "calls_per_job": 4.0}
ROLLING_TARGET_SIZE = 200
CALL_FLOORS = {("per_job", "change"): 2, ("per_job", "unchanged"): 1, ("list", "change"): 2, ("list", "unchanged"): 1,
               ("uri", "change"): 1, ("uri", "unchanged"): 1}


def options():
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--sizes", default=env("BENCH_SIZES") or "50,200")
    parser.add_argument("--rounds", type=int, default=int(env("BENCH_ROUNDS") or 3))
    parser.add_argument("--restart-jobs", type=int, default=int(env("BENCH_RESTART_JOBS") or 20))
    parser.add_argument("--rolling-jobs", type=int, default=int(env("BENCH_ROLLING_JOBS") or 200),
                        help="the rolling restart's jobs (0: none), restarted all at once (max_restarting as many)")
    parser.add_argument("--forks", type=int, default=int(env("BENCH_FORKS") or 10))
    parser.add_argument("--concurrency", type=int, default=int(env("BENCH_CONCURRENCY") or 0) or None,
                        help="the list module's concurrency (default: --forks, so both run as many jobs at once)")
    parser.add_argument("--auth", choices=("password", "token", "aksk"), default=env("BENCH_AUTH") or "password")
    parser.add_argument("--transition-seconds", type=float, default=float(env("BENCH_TRANSITION") or 1.0))
    latest = os.path.join(common.ROOT, "benchmarks", "results", "latest")
    parser.add_argument("--output", default=env("BENCH_OUTPUT") or latest,
                        help="where the report goes: OUTPUT.json and OUTPUT.md")
    parser.add_argument("--workdir", default=os.path.join(common.ROOT, ".tmp", "bench"))
    parser.add_argument("--render", metavar="OUTPUT.json", help="write OUTPUT.md again from a run's JSON, and stop")
    args = parser.parse_args()
    # 0 (BENCH_SIZES=0): none of the list/per_job/uri runs, for a bench of the restarts alone.
    args.sizes = sorted(set(int(size) for size in str(args.sizes).replace(" ", ",").split(",") if size and int(size)))
    args.concurrency = args.concurrency or args.forks
    return args


class Bench:
    def __init__(self, args, emulator):
        self.args, self.emulator = args, emulator
        self.rows, self.problems = [], []
        self.value = 1  # the last parallel_number written: each change writes a new one
        self.collection_env = common.ansible_environment(common.auth_environment(emulator.url, args.auth))
        self.plain_env = common.ansible_environment()
        # The uri way authenticates as the collection's modules do: with an IAM user it logs in once per run
        # (uri.yml), as per_job.yml does with dli_token; otherwise it is given the emulator's static token.
        emulator_module = common.dli_emulator
        self.uri_auth = (dict(iam_endpoint=emulator.url, iam_user_name=emulator_module.USER_NAME,
                              iam_password=emulator_module.PASSWORD, iam_domain_name=emulator_module.DOMAIN_NAME)
                         if args.auth == "password" else dict(auth_token=emulator_module.STATIC_TOKEN))
        os.makedirs(args.workdir, exist_ok=True)

    # -- set-up ---------------------------------------------------------------------------------------
    def create_jobs(self, prefix, count):
        ids = []
        for index in range(count):
            answer = self.emulator.api("POST", "streaming/flink-jobs", {
                "name": "%s-%04d" % (prefix, index), "queue_name": "bench-queue", "entrypoint": "jobs/bench.jar",
                "parallel_number": 1, "cu_number": 2, "manager_cu_number": 1})
            ids.append(answer["job"]["job_id"])
        return ids

    def start_jobs(self, ids):
        self.emulator.api("POST", "streaming/jobs/run", {"job_ids": ids, "resume_savepoint": False})
        self.wait_running(ids)

    def wait_running(self, ids, timeout=60):
        deadline = time.time() + timeout
        while True:
            jobs = self.emulator.control("GET", "jobs")
            if all(jobs[str(job_id)]["status"] == "job_running" for job_id in ids):
                return
            if time.time() > deadline:
                raise SystemExit("bench: the restart jobs did not start")
            time.sleep(0.2)

    # -- the rolling restart ------------------------------------------------------------------------------
    def measure_rolling(self, variant, job_ids, value, round_number):
        """One restart of ``job_ids`` by dli_flink_jar_jobs called directly, with concurrency and max_restarting
        both len(job_ids): variant "fleet" (the rolling jobs) or "one" (a job of its own)."""
        count = len(job_ids)
        jobs = [dict(job_id=job_id, parallel_number=value, allow_restart=True) for job_id in job_ids]
        variables = {"fleet_jobs": jobs, "fleet_concurrency": count, "fleet_max_restarting": count,
                     "fleet_via": "module"}
        via = common.FLEET_VIA or "module"  # what fleet.yml runs (FLEET_VIA overrides the playbook's variable)
        project_jobs = len(self.emulator.control("GET", "jobs"))  # what a list of the project pages through
        stats, emulator_cpu = self.emulator.stats(), self.emulator.cpu_seconds()
        load = os.getloadavg()[0]
        run = common.run_playbook("fleet.yml", variables, self.collection_env, self.args.workdir,
                                  "r%s-rolling-%s-%s" % (round_number, variant, count))
        delta = common.stats_delta(stats, self.emulator.stats())
        row = dict(round=round_number, size=count, variant=variant, scenario="rolling", wall=run.wall, cpu=run.cpu,
                   emulator_cpu=self.emulator.cpu_seconds() - emulator_cpu, dli_calls=delta["dli"], iam=delta["iam"],
                   kinds=delta["kinds"], load=load, code=run.code, via=via, concurrency=count, max_restarting=count,
                   project_jobs=project_jobs,
                   changed=sum(host.get("changed", 0) for host in common.recap(run.output).values()))
        self.rows.append(row)
        self.check(row, run, job_ids, value, True)
        print("round %s, %4s jobs, rolling %-4s %7.2f s wall, %6.2f s CPU, %5.2f calls/job (%s, concurrency and "
              "max_restarting %s)%s" % (round_number, count, variant, run.wall, run.cpu, delta["dli"] / float(count),
                                        via, count, "" if run.code == 0 else ", FAILED: see %s" % run.log), flush=True)
        return row

    # -- one measured run ---------------------------------------------------------------------------------
    def measure(self, variant, scenario, job_ids, inventory, value, round_number, restart=False):
        label = "r%s-%s-%s-%s" % (round_number, len(job_ids), variant, scenario)
        args = self.args
        if variant == "list":
            jobs = [dict(job_id=job_id, parallel_number=value, **({"allow_restart": True} if restart else {}))
                    for job_id in job_ids]
            call = ("fleet.yml", {"fleet_jobs": jobs, "fleet_concurrency": args.concurrency}, self.collection_env,
                    None, None)
        elif variant == "per_job":
            call = ("per_job.yml", {"parallel_number": value, "allow_restart": restart}, self.collection_env,
                    inventory, args.forks)
        elif variant == "uri":
            call = ("uri.yml", dict(self.uri_auth, dli_endpoint=self.emulator.url, parallel_number=value,
                                    project_id=common.dli_emulator.PROJECT_ID), self.plain_env, inventory, args.forks)
        else:  # the baseline
            call = ("baseline.yml", {}, self.plain_env, None, None)
        playbook, variables, env, hosts, forks = call
        stats, emulator_cpu, load = self.emulator.stats(), self.emulator.cpu_seconds(), os.getloadavg()[0]
        run = common.run_playbook(playbook, variables, env, args.workdir, label, inventory=hosts, forks=forks)
        delta = common.stats_delta(stats, self.emulator.stats())
        row = dict(round=round_number, size=len(job_ids), variant=variant, scenario=scenario, wall=run.wall,
                   cpu=run.cpu, emulator_cpu=self.emulator.cpu_seconds() - emulator_cpu, dli_calls=delta["dli"],
                   iam=delta["iam"], kinds=delta["kinds"], load=load, code=run.code,
                   changed=sum(host.get("changed", 0) for host in common.recap(run.output).values()))
        self.rows.append(row)
        self.check(row, run, job_ids, value, restart)
        print("round %s, %4s jobs, %-7s %-9s %7.2f s wall, %6.2f s CPU, %5.2f calls/job, %3s IAM%s" % (
            round_number, len(job_ids), variant, scenario, run.wall, run.cpu,
            delta["dli"] / float(len(job_ids) or 1), delta["iam"], "" if run.code == 0 else ", FAILED: see %s" % run.log),
            flush=True)
        return row

    def check(self, row, run, job_ids, value, restart):
        """The run did what it says: exit 0, every job holds the value (and runs, after a restart)."""
        if row["variant"] == "baseline":
            return
        label = "round %s, %s jobs, %s %s" % (row["round"], row["size"], row["variant"], row["scenario"])
        if run.code != 0:
            self.problems.append("%s: ansible-playbook exited %s (%s):\n%s" % (label, run.code, run.log,
                                                                               common.tail(run.output, 15)))
        jobs = self.emulator.control("GET", "jobs")
        wrong = [job_id for job_id in job_ids if jobs[str(job_id)]["job_config"]["parallel_number"] != value
                 or restart and jobs[str(job_id)]["status"] != "job_running"]
        if wrong:
            self.problems.append("%s: %s jobs do not hold parallel_number %s%s (ids %s)" % (
                label, len(wrong), value, " or are not running" if restart else "", wrong[:10]))

    # -- the rounds ----------------------------------------------------------------------------------------
    def run(self):
        args = self.args
        print("bench: sizes %s, %s rounds, forks %s, list concurrency %s, %s auth for the collection's modules, "
              "transition %s s, rolling restart of %s jobs" % (
                  args.sizes, args.rounds, args.forks, args.concurrency, args.auth, args.transition_seconds,
                  args.rolling_jobs), flush=True)
        job_ids = self.create_jobs("bench", max(args.sizes)) if args.sizes else []
        restart_ids = self.create_jobs("bench-restart", args.restart_jobs) if args.restart_jobs else []
        rolling_ids = self.create_jobs("bench-rolling", args.rolling_jobs) if args.rolling_jobs else []
        one_ids = self.create_jobs("bench-one", 1) if args.rolling_jobs else []
        if restart_ids or rolling_ids:
            self.start_jobs(restart_ids + rolling_ids + one_ids)
        inventories = dict((size, common.write_inventory(os.path.join(args.workdir, "inventory-%s.ini" % size),
                                                         job_ids[:size])) for size in args.sizes)
        restart_inventory = common.write_inventory(os.path.join(args.workdir, "inventory-restart.ini"), restart_ids)
        restart_value = 1
        for round_number in range(1, args.rounds + 1):
            self.measure("baseline", "noop", [], None, None, round_number)
            for size in args.sizes:
                for variant in rotated(VARIANTS, round_number):
                    self.value = self.value % 50 + 2  # 2 .. 51, never the value the jobs hold
                    for scenario in ("change", "unchanged"):
                        self.measure(variant, scenario, job_ids[:size], inventories[size], self.value, round_number)
            if restart_ids:
                for variant in rotated(RESTART_VARIANTS, round_number):
                    restart_value = restart_value % 50 + 2
                    self.measure(variant, "restart", restart_ids, restart_inventory, restart_value, round_number,
                                 restart=True)
            if rolling_ids:
                rolling_value = round_number % 50 + 2  # each round a value the jobs do not hold
                for variant in rotated(("fleet", "one"), round_number):
                    self.measure_rolling(variant, rolling_ids if variant == "fleet" else one_ids, rolling_value,
                                         round_number)


def rotated(items, round_number):
    shift = (round_number - 1) % len(items)
    return items[shift:] + items[:shift]


# -- the report -------------------------------------------------------------------------------------------------
def median(values):
    return statistics.median(values) if values else None


def summarize(rows, sizes, restart_jobs):
    """Per (size, scenario, variant): medians over the rounds, the ratio to uri (median of the per-round
    ratios), calls per job, IAM per run, CPU per job."""
    cells = {}
    by_key = {}
    for row in rows:
        if row["scenario"] == "rolling":  # rolling_summary's
            continue
        by_key.setdefault((row["size"], row["scenario"], row["variant"]), []).append(row)
    for (size, scenario, variant), group in by_key.items():
        per_round_uri = dict((r["round"], r["wall"]) for r in by_key.get((size, scenario, "uri"), []))
        per_round_job = dict((r["round"], r["wall"]) for r in by_key.get((size, scenario, "per_job"), []))
        reference = per_round_uri if scenario != "restart" else per_round_job
        ratios = [r["wall"] / reference[r["round"]] for r in group if reference.get(r["round"])]
        count = float(size or 1)
        cells[(size, scenario, variant)] = dict(
            size=size, scenario=scenario, variant=variant, rounds=len(group),
            wall=median([r["wall"] for r in group]), wall_min=min(r["wall"] for r in group),
            wall_max=max(r["wall"] for r in group), ratio=median(ratios),
            calls_per_job=median([r["dli_calls"] / count for r in group]),
            iam_per_run=median([r["iam"] for r in group]),
            cpu_ms_per_job=median([1000 * r["cpu"] / count for r in group]),
            emulator_cpu_ms_per_job=median([1000 * r["emulator_cpu"] / count for r in group]),
            kinds=group[-1]["kinds"], failed=sum(1 for r in group if r["code"] != 0))
    return cells


def rolling_summary(rows):
    """The rolling restart: medians of the fleet's and the one job's runs, the fleet's wall time over the one
    job's (the median of each round's ratio), calls per job; None when the bench ran none."""
    fleet = [r for r in rows if r["scenario"] == "rolling" and r["variant"] == "fleet"]
    one = dict((r["round"], r) for r in rows if r["scenario"] == "rolling" and r["variant"] == "one")
    if not fleet or not one:
        return None
    ratios = [r["wall"] / one[r["round"]]["wall"] for r in fleet if one.get(r["round"])]
    return dict(size=fleet[0]["size"], rounds=len(fleet), via=fleet[0].get("via"),
                concurrency=fleet[0].get("concurrency"), max_restarting=fleet[0].get("max_restarting"),
                project_jobs=fleet[0].get("project_jobs"),
                wall=median([r["wall"] for r in fleet]), wall_min=min(r["wall"] for r in fleet),
                wall_max=max(r["wall"] for r in fleet), one_wall=median([r["wall"] for r in one.values()]),
                ratio=median(ratios), calls_per_job=median([r["dli_calls"] / float(r["size"]) for r in fleet]),
                one_calls=median([r["dli_calls"] for r in one.values()]),
                kinds=fleet[-1]["kinds"], failed=sum(1 for r in fleet + list(one.values()) if r["code"] != 0))


def rolling_verdicts(rolling):
    if not rolling:
        return []
    judged = rolling["size"] == ROLLING_TARGET_SIZE
    aside = "" if judged else ", set for %s jobs" % ROLLING_TARGET_SIZE
    return [("rolling restart of %s jobs: %.3f x one job's restart (target <= %s%s)" % (
        rolling["size"], rolling["ratio"], ROLLING_TARGETS["ratio"], aside),
        rolling["ratio"] <= ROLLING_TARGETS["ratio"] if judged else None),
        ("rolling restart of %s jobs: %.2f DLI calls per job (target <= %s%s)" % (
            rolling["size"], rolling["calls_per_job"], ROLLING_TARGETS["calls_per_job"], aside),
         rolling["calls_per_job"] <= ROLLING_TARGETS["calls_per_job"] if judged else None)]


def verdicts(cells, sizes, auth):
    """Each target, per size: (text, met); met is None where the target is set for another size (shown for
    reference)."""
    lines = []
    for size in sizes:
        for (variant, scenario), (limit, strict, for_size) in sorted(TARGETS.items()):
            cell = cells.get((size, scenario, variant))
            if not cell or cell["ratio"] is None:
                continue
            met = cell["ratio"] < limit if strict else cell["ratio"] <= limit
            lines.append(("%s jobs, %s %s: %.3f x uri (target %s %s%s)" % (
                size, variant, scenario, cell["ratio"], "<" if strict else "<=", limit,
                ", set for %s jobs" % for_size if for_size else ""),
                met if for_size in (None, size) else None))
        for (variant, scenario), floor in sorted(CALL_FLOORS.items()):
            cell = cells.get((size, scenario, variant))
            if cell and variant != "uri":
                lines.append(("%s jobs, %s %s: %.2f DLI calls per job (floor %s%s)" % (
                    size, variant, scenario, cell["calls_per_job"], floor,
                    "; the target asks the list module for fewer" if variant == "list" else ""),
                    cell["calls_per_job"] <= floor + 1e-9 and (variant != "list" or cell["calls_per_job"] < floor)))
        for variant in ("list", "per_job"):
            cell = cells.get((size, "change", variant))
            if cell:
                lines.append(("%s jobs, %s: %g IAM logins per run with %s auth (target 1)" % (
                    size, variant, cell["iam_per_run"], auth), cell["iam_per_run"] == 1 or auth != "password"))
    return lines


def markdown(args, cells, lines, rows, environment, problems, rolling=None):
    out = ["# make bench: %s" % environment["date"], ""]
    out.append("%s; ansible-core %s, Python %s; %s cores, load average %.2f to %.2f during the runs. "
               "Sizes %s, %s rounds interleaved (the order of the variants rotates each round), forks %s, the list "
               "module's concurrency %s, %s auth (%s), the "
               "emulator's transitions %s s. Wall times are medians over the rounds; x uri is the median of each "
               "round's ratio to uri's wall time (x per_job for the restart)." % (
                   environment["commit"], environment["ansible"], environment["python"], environment["cores"],
                   min(r["load"] for r in rows), max(r["load"] for r in rows),
                   ", ".join(map(str, args.sizes)) or "none (the restarts alone)",
                   args.rounds, args.forks, args.concurrency, args.auth,
                   "one IAM login per run for each way" if args.auth == "password" else "no login", args.transition_seconds))
    out += ["", "Reproduce: `make bench BENCH_SIZES=%s` (BENCH_ROUNDS=%s, BENCH_AUTH=%s, BENCH_RESTART_JOBS=%s, "
            "BENCH_ROLLING_JOBS=%s)." % (",".join(map(str, args.sizes)) or "0", args.rounds, args.auth,
                                         getattr(args, "restart_jobs", 20), getattr(args, "rolling_jobs", 0)), ""]
    baseline = [r["wall"] for r in rows if r["variant"] == "baseline"]
    if baseline:
        out += ["ansible-playbook with no module process (the fixed cost of any run): %.2f s median." % median(
            baseline), ""]
    header = "| %s jobs | wall s (min-max) | x %s | DLI calls/job | IAM/run | CPU ms/job | emulator CPU ms/job |"
    for size in sorted(set(key[0] for key in cells if key[0])):
        for scenario in ("change", "unchanged", "restart"):
            variants = RESTART_VARIANTS if scenario == "restart" else VARIANTS
            present = [cells[(size, scenario, v)] for v in variants if (size, scenario, v) in cells]
            if not present:
                continue
            out += [header % (size, "per_job" if scenario == "restart" else "uri"), "|---|---|---|---|---|---|---|"]
            for cell in present:
                out.append("| %s %s | %.2f (%.2f-%.2f) | %s | %.2f | %g | %.0f | %.0f |" % (
                    cell["variant"], scenario, cell["wall"], cell["wall_min"], cell["wall_max"],
                    "%.3f" % cell["ratio"] if cell["ratio"] is not None else "-", cell["calls_per_job"],
                    cell["iam_per_run"], cell["cpu_ms_per_job"], cell["emulator_cpu_ms_per_job"]))
            out.append("")
    if rolling:
        out += ["Rolling restart: %s running jobs restarted (a change of parallel_number, allow_restart) by one task of "
                "dli_flink_jar_jobs, run through fleet.yml via %s, with concurrency %s and max_restarting %s; against "
                "one job's restart by the same playbook (concurrency 1). The project holds %s jobs: a list of them is "
                "%s calls of 100. DLI calls per kind (last round): %s." % (
                    rolling["size"], rolling["via"], rolling["concurrency"], rolling["max_restarting"],
                    rolling["project_jobs"], -(-(rolling["project_jobs"] or 0) // 100),
                    ", ".join("%s %s" % item for item in sorted(rolling["kinds"].items()))), "",
                "| rolling restart | wall s (min-max) | x one job | DLI calls/job |", "|---|---|---|---|",
                "| %s jobs | %.2f (%.2f-%.2f) | %.3f | %.2f |" % (
                    rolling["size"], rolling["wall"], rolling["wall_min"], rolling["wall_max"], rolling["ratio"],
                    rolling["calls_per_job"]),
                "| one job | %.2f | 1.000 | %.2f |" % (rolling["one_wall"], rolling["one_calls"]), ""]
    out += ["## Targets", ""]
    out += ["- %s %s" % ({True: "met:", False: "MISSED:", None: "for reference:"}[met], text) for text, met in lines]
    if problems:
        out += ["", "## Problems", ""] + ["- %s" % problem.replace("\n", " ") for problem in problems]
    return "\n".join(out) + "\n"


def environment_info():
    def text(command):
        try:
            return subprocess.run(command, cwd=common.ROOT, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return ""
    version = text(["ansible-playbook", "--version"]).splitlines()
    dirty = text(["git", "status", "--porcelain", "--untracked-files=no"])  # the report says what ran
    return {"date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "commit": "commit %s%s" % (
        text(["git", "rev-parse", "--short", "HEAD"]) or "unknown", " with uncommitted changes" if dirty else ""),
        "ansible": version[0].split("core ", 1)[-1].rstrip("]") if version else "unknown",
        "python": platform.python_version(), "cores": os.cpu_count()}


def recorded_options(args):
    """The options as the report records them: the paths relative to the checkout, so that a committed report
    names no folder of the machine it ran on."""
    options = dict((k, v) for k, v in vars(args).items() if k != "render")
    for name in ("output", "workdir"):
        if options.get(name):
            options[name] = os.path.relpath(os.path.abspath(options[name]), common.ROOT)
    return options


def write_report(args, rows, environment, problems):
    """OUTPUT.json (every run, the summary, the targets) and OUTPUT.md; returns the markdown."""
    cells = summarize(rows, args.sizes, args.restart_jobs)
    rolling = rolling_summary(rows)
    lines = verdicts(cells, args.sizes, args.auth) + rolling_verdicts(rolling)
    report = markdown(args, cells, lines, rows, environment, problems, rolling)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output + ".json", "w") as handle:
        json.dump({"environment": environment, "options": recorded_options(args),
                   "rows": rows, "cells": list(cells.values()), "rolling": rolling,
                   "targets": [{"target": t, "met": m} for t, m in lines], "problems": problems},
                  handle, indent=1, sort_keys=True)
    with open(args.output + ".md", "w") as handle:
        handle.write(report)
    return report


def main():
    args = options()
    if args.render:  # the report again, from a run's JSON
        with open(args.render) as handle:
            saved = json.load(handle)
        args = argparse.Namespace(**dict(saved["options"], output=args.render[:-len(".json")]))
        print(write_report(args, saved["rows"], saved["environment"], saved["problems"]))
        return 0
    began = time.perf_counter()
    with common.Emulator(transition_seconds=args.transition_seconds) as emulator:
        bench = Bench(args, emulator)
        bench.run()
    report = write_report(args, bench.rows, environment_info(), bench.problems)
    print("\n" + report)
    print("bench: %.0f s; written to %s.md and .json" % (time.perf_counter() - began, args.output))
    if bench.problems:
        print("bench: %s run(s) did not do what they should: see Problems above" % len(bench.problems),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
