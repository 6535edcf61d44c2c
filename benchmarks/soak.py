#!/usr/bin/env python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make soak`: a fleet of Flink Jar jobs through the role hwcloud.dli.flink_jar_jobs, against an emulator that
throttles, fails and drops calls at random.

    soak.py [--jobs 30] [--seed 1] [--rate 20] [--unavailable 0.05] [--drop 0.03] [--drop-methods any]
            [--drop-not-applied] [--concurrency N] [--transition-seconds 0.2]

(each also from SOAK_JOBS, SOAK_SEED, SOAK_RATE, SOAK_UNAVAILABLE, SOAK_DROP, SOAK_DROP_METHODS,
SOAK_DROP_APPLIED=0, SOAK_CONCURRENCY, SOAK_TRANSITION). Password authentication, so that the IAM logins
are counted. Three runs of benchmarks/playbooks/fleet.yml:

1. create: N jobs by name, a third of them started, a third stopped, a third left as created;
2. change: a restart of some running jobs (a change that needs one, allow_restart), in-place changes of
   other running jobs (allow_restart too, which must not restart them), edits of stopped jobs, starts and
   stops, some jobs given by job_id;
3. the same declaration again: nothing may change.

After each run, every job is read back with the emulator's control GET and compared with a snapshot taken
before it: each job ends exactly as declared (fields, status), every field not named is unchanged, a job
is written only if a declared field differed, restarted only if a change needs it (from its savepoint), the
jobs that are not the fleet's are untouched, there is exactly one IAM login per run, and the third run
writes nothing and changes nothing. Prints the calls, the faults met (429, 503, drops) and the wall time;
exits 1 naming every violation.
"""

import argparse
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402  pylint: disable=wrong-import-position

IN_PLACE = common.dli_emulator.IN_PLACE
TOP_LEVEL = common.dli_emulator.TOP_LEVEL
# What a task says about a job beyond its fields.
CONTROL_OPTIONS = ("name", "job_id", "state", "allow_restart", "upgrade_mode", "wait", "wait_timeout", "tags")
# What changes with a job's run state, or with any write, rather than with what a task names.
VOLATILE = ("status", "status_desc", "update_time", "start_time")
RUNNING = ("job_running", "job_submitting")
STOPPED = ("job_init", "job_cancel_success")
GROUPS = ("restart", "edit", "stopped", "in_place", "start", "stop")
FIRST_STATE = {"restart": "started", "edit": "present", "stopped": "stopped", "in_place": "started",
               "start": "present", "stop": "started"}
TAGS = {"team": "soak"}


def group(index):
    return GROUPS[index % len(GROUPS)]


def declare(index, run, ids=None):
    """Job ``index`` as run 1 (create) or run 2 and 3 (change) declares it; ``ids``: name -> job_id, for the
    jobs given by id from run 2 on (every fourth)."""
    name = "soak-%04d" % index
    job = dict(name=name, queue_name="soak-queue", entrypoint="jobs/soak-%d.jar" % index,
               main_class="org.example.Soak", entrypoint_args="--index %d" % index, desc="soak job %d" % index,
               parallel_number=1, cu_number=2, manager_cu_number=1, checkpoint_enabled=True, checkpoint_interval=60,
               resume_max_num=-1, restart_when_exception=False,
               runtime_config={"state.backend": "rocksdb", "soak.index": str(index)}, tags=TAGS,
               state=FIRST_STATE[group(index)])
    if run == 1:
        return job
    kind = group(index)
    if kind == "restart":  # a running job, a change that needs a restart: stop with savepoint, update, start from it
        job.update(parallel_number=2, allow_restart=True)
    elif kind == "edit":
        job.update(desc="soak job %d, edited" % index)
    elif kind == "stopped":
        job.update(checkpoint_interval=120)
    elif kind == "in_place":  # taken by the running job as it runs: allowed to restart, it must not
        job.update(resume_max_num=5, restart_when_exception=True, allow_restart=True)
    elif kind == "start":
        job.update(desc="soak job %d, started" % index, state="started")
    elif kind == "stop":
        job.update(state="stopped")
    if ids and index % 4 == 0:
        job["job_id"] = ids[name]
    return job


def stored_value(job, name):
    """A declared option's value in a stored job, as the option gives it."""
    if name in TOP_LEVEL:
        return job.get(name)
    value = job["job_config"].get(name)
    if name == "runtime_config":
        return dict((entry["key"], entry["value"]) for entry in json.loads(value)) if value else {}
    return value


def fields_of(declared):
    return [key for key in declared if key not in CONTROL_OPTIONS]


def by_name(jobs):
    found = {}
    for job in jobs.values():
        found.setdefault(job.get("name"), []).append(job)
    return found


def violations(declared_jobs, before, after, no_change=False):
    """Every way ``after`` (the stored jobs, by id) is not what ``declared_jobs`` and ``before`` make it."""
    problems = []
    before_by_name, after_by_name = by_name(before), by_name(after)
    fleet_ids = set()
    for declared in declared_jobs:
        name = declared["name"]
        found = after_by_name.get(name, [])
        if len(found) != 1:
            problems.append("%s: %s jobs of that name, not 1" % (name, len(found)))
            continue
        job = found[0]
        fleet_ids.add(str(job["job_id"]))
        old = (before_by_name.get(name) or [None])[0]
        problems += ["%s: %s" % (name, problem) for problem in job_violations(declared, old, job, no_change)]
    for job_id, job in sorted(after.items()):
        if job_id in fleet_ids:
            continue
        if job_id not in before:
            problems.append("job %s (%s): not declared, and was created" % (job_id, job.get("name")))
        elif job != before[job_id]:
            problems.append("job %s (%s): not declared, and was changed: %s" % (
                job_id, job.get("name"), ", ".join(differences(before[job_id], job))))
    return problems


def differences(old, new):
    found = ["%s %r -> %r" % (key, old.get(key), new.get(key)) for key in sorted(set(old) | set(new))
             if key not in ("job_config", "_meta") and old.get(key) != new.get(key)]
    for part in ("job_config", "_meta"):
        inner_old, inner_new = old.get(part) or {}, new.get(part) or {}
        found += ["%s.%s %r -> %r" % (part, key, inner_old.get(key), inner_new.get(key))
                  for key in sorted(set(inner_old) | set(inner_new)) if inner_old.get(key) != inner_new.get(key)]
    return found


def job_violations(declared, old, job, no_change=False):
    problems = []
    names = fields_of(declared)
    for name in names:
        if stored_value(job, name) != declared[name]:
            problems.append("%s is %r, declared %r" % (name, stored_value(job, name), declared[name]))
    status, state = job["status"], declared.get("state", "present")
    if state == "started" and status != "job_running":
        problems.append("is %s, declared started" % status)
    if state == "stopped" and status not in STOPPED:
        problems.append("is %s, declared stopped" % status)
    if job["_meta"].get("pending"):
        problems.append("is still changing: %s" % job["_meta"]["pending"])
    if old is None:  # created by this run
        if job["_meta"]["tags"] != [{"key": key, "value": value} for key, value in sorted(TAGS.items())]:
            problems.append("was created with tags %r" % job["_meta"]["tags"])
        return problems
    if no_change:
        if job != old:
            problems.append("changed in a run that declares nothing new: %s" % ", ".join(differences(old, job)))
        return problems
    if state == "present" and status != old["status"]:
        problems.append("is %s, was %s, and its state is present" % (status, old["status"]))
    for key in sorted(set(old) | set(job)):
        if key in ("job_config", "_meta") or key in VOLATILE or key in names:
            continue
        if job.get(key) != old.get(key):
            problems.append("%s, not named, changed: %r -> %r" % (key, old.get(key), job.get(key)))
    for key in sorted(set(old["job_config"]) | set(job["job_config"])):
        if key not in names and job["job_config"].get(key) != old["job_config"].get(key):
            problems.append("%s, not named, changed: %r -> %r" % (
                key, old["job_config"].get(key), job["job_config"].get(key)))
    if job["_meta"]["tags"] != old["_meta"]["tags"]:
        problems.append("tags changed: %r -> %r" % (old["_meta"]["tags"], job["_meta"]["tags"]))
    changed = [name for name in names if stored_value(old, name) != declared[name]]
    if bool(changed) != (job["update_time"] != old["update_time"]):
        problems.append("update_time %s -> %s, and the declared fields that differed were: %s" % (
            old["update_time"], job["update_time"], ", ".join(changed) or "none"))
    problems += restart_violations(declared, old, job, changed)
    return problems


def restart_violations(declared, old, job, changed):
    """A running job is restarted (stop with savepoint, start from it) only for a change it cannot take as it
    runs; it is stopped with a savepoint when declared stopped; and otherwise left running as it was."""
    was_running = old["status"] in RUNNING
    if not was_running:
        return []
    state = declared.get("state", "present")
    savepoints, old_savepoints = job["_meta"]["savepoints"], old["_meta"]["savepoints"]
    needs_restart = [name for name in changed if name not in IN_PLACE]
    if state == "stopped":
        if len(savepoints) != len(old_savepoints) + 1:
            return ["was stopped with %s savepoints, not 1" % (len(savepoints) - len(old_savepoints))]
        return []
    if needs_restart:
        problems = []
        if len(savepoints) != len(old_savepoints) + 1:
            problems.append("restarted for %s with %s savepoints, not 1" % (
                ", ".join(needs_restart), len(savepoints) - len(old_savepoints)))
        if job["_meta"]["last_run"] != {"resume_savepoint": True, "savepoint": (savepoints or [None])[-1]}:
            problems.append("restarted, but not from its new savepoint: last run %r" % job["_meta"]["last_run"])
        if job["start_time"] == old["start_time"]:
            problems.append("was not restarted for %s: start_time unchanged" % ", ".join(needs_restart))
        return problems
    if job["start_time"] != old["start_time"] or savepoints != old_savepoints:
        return ["was restarted (start_time %s -> %s), though %s" % (
            old["start_time"], job["start_time"], "only in-place fields changed" if changed else "nothing changed")]
    return []


def expected_summary(declared_jobs, before):
    """(names that must change, names that must be restarted) for a run of ``declared_jobs``."""
    changed, restarted = [], []
    old_by_name = by_name(before)
    for declared in declared_jobs:
        old = (old_by_name.get(declared["name"]) or [None])[0]
        if old is None:
            changed.append(declared["name"])
            continue
        fields = [name for name in fields_of(declared) if stored_value(old, name) != declared[name]]
        state, running = declared.get("state", "present"), old["status"] in RUNNING
        if fields or state == "started" and not running or state == "stopped" and running:
            changed.append(declared["name"])
        if running and state != "stopped" and any(name not in IN_PLACE for name in fields):
            restarted.append(declared["name"])
    return changed, restarted


def summary_violations(summary, declared_jobs, before):
    if summary is None:
        return []  # the role, or a run that failed: judged by the jobs alone
    problems = []
    changed, restarted = expected_summary(declared_jobs, before)
    summary_changed = [str(name) for name in summary["changed"]]
    if sorted(summary_changed) != sorted(changed):
        problems.append("the module says changed: %s; expected: %s" % (
            ", ".join(sorted(summary_changed)) or "none", ", ".join(sorted(changed)) or "none"))
    if sorted(str(name) for name in summary["restarted"]) != sorted(restarted):
        problems.append("the module says restarted: %s; expected: %s" % (
            ", ".join(sorted(str(n) for n in summary["restarted"])) or "none", ", ".join(sorted(restarted)) or "none"))
    if summary["failed"]:
        problems.append("the module says failed: %s" % ", ".join(str(name) for name in summary["failed"]))
    return problems


def run_violations(run, delta, no_change):
    """What the run's exit code, recap and calls show."""
    problems = []
    if run.code != 0:
        problems.append("ansible-playbook exited %s:\n%s" % (run.code, common.tail(run.output)))
    if delta["iam"] != 1:
        problems.append("%s IAM logins, not 1 (password authentication logs in once per run)" % delta["iam"])
    if no_change:
        writes = dict((kind, count) for kind, count in delta["kinds"].items() if kind not in ("list", "detail", "iam"))
        if writes:
            problems.append("a run that declares nothing new wrote: %s" % writes)
        changed = sum(host.get("changed", 0) for host in common.recap(run.output).values())
        if changed:
            problems.append("a run that declares nothing new reports %s changed" % changed)
    return problems


def describe(delta):
    kinds = ", ".join("%s %s" % (kind, count) for kind, count in sorted(delta["kinds"].items()) if kind != "iam")
    return ("%s DLI calls (%s), %s IAM login; met %s throttled (429), %s unavailable (503), %s dropped, "
            "%s lost answers" % (delta["dli"], kinds, delta["iam"], delta["throttled"], delta["unavailable"],
                                 delta["dropped"], delta["lost_answers"]))


def options():
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--jobs", type=int, default=int(env("SOAK_JOBS") or 30))
    parser.add_argument("--seed", type=int, default=int(env("SOAK_SEED") or 1))
    parser.add_argument("--rate", type=float, default=float(env("SOAK_RATE") or 20),
                        help="calls per second the emulator lets through; the others answer 429 (0: no throttle)")
    parser.add_argument("--retry-after", type=float, default=float(env("SOAK_RETRY_AFTER") or 1))
    parser.add_argument("--unavailable", type=float, default=float(env("SOAK_UNAVAILABLE") or 0.05))
    parser.add_argument("--drop", type=float, default=float(env("SOAK_DROP") or 0.03))
    parser.add_argument("--drop-methods", choices=("GET", "any"), default=env("SOAK_DROP_METHODS") or "any")
    parser.add_argument("--drop-not-applied", action="store_true", default=env("SOAK_DROP_APPLIED") == "0",
                        help="a dropped write takes no effect (by default it does, and only its answer is lost)")
    parser.add_argument("--concurrency", type=int, default=int(env("SOAK_CONCURRENCY") or 0) or None)
    parser.add_argument("--transition-seconds", type=float, default=float(env("SOAK_TRANSITION") or 0.2))
    parser.add_argument("--workdir", default=os.path.join(common.ROOT, ".tmp", "soak"))
    return parser.parse_args()


def main():
    args = options()
    chaos = {"rate": args.rate or None, "retry_after": args.retry_after, "unavailable": args.unavailable,
             "drop": args.drop, "drop_methods": args.drop_methods, "drop_applied": not args.drop_not_applied,
             "seed": args.seed}
    print("soak: %s jobs through %s (password auth%s); emulator chaos %s" % (
        args.jobs, "hwcloud.dli.dli_flink_jar_jobs" if common.FLEET_VIA == "module" else "the role hwcloud.dli.flink_jar_jobs",
        ", concurrency %s" % args.concurrency if args.concurrency else "", json.dumps(chaos)), flush=True)
    os.makedirs(args.workdir, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="run-", dir=args.workdir)
    problems, totals, began = [], {}, time.perf_counter()
    with common.Emulator(transition_seconds=args.transition_seconds, chaos=chaos) as emulator:
        env = common.ansible_environment(common.auth_environment(emulator.url, "password"))
        ids = None
        for run_number, title in ((1, "create"), (2, "change"), (3, "the same again")):
            declared = [declare(index, run_number, ids) for index in range(args.jobs)]
            before, stats = emulator.control("GET", "jobs"), emulator.stats()
            summary_file = os.path.join(workdir, "summary-%s.json" % run_number)
            variables = {"fleet_jobs": declared, "fleet_summary_file": summary_file}
            if args.concurrency:
                variables["fleet_concurrency"] = args.concurrency
            run = common.run_playbook("fleet.yml", variables, env, workdir, "run-%s" % run_number)
            delta = common.stats_delta(stats, emulator.stats())
            after = emulator.control("GET", "jobs")
            summary = None
            if os.path.exists(summary_file):
                with open(summary_file) as handle:
                    summary = json.load(handle)["summary"]
            no_change = run_number == 3
            found = run_violations(run, delta, no_change)
            found += violations(declared, before, after, no_change=no_change)
            found += summary_violations(summary, declared, before)
            outcome = "; module: %s changed, %s restarted, %s ok, %s failed" % tuple(
                len(summary[key]) for key in ("changed", "restarted", "ok", "failed")) if summary else ""
            print("run %s (%s): %.1f s wall, %.1f s CPU; %s%s" % (
                run_number, title, run.wall, run.cpu, describe(delta), outcome), flush=True)
            for problem in found:
                print("  VIOLATION: %s" % problem, flush=True)
            problems += ["run %s: %s" % (run_number, problem) for problem in found]
            for key in ("dli", "iam", "throttled", "unavailable", "dropped", "lost_answers"):
                totals[key] = totals.get(key, 0) + delta[key]
            ids = dict((job["name"], job["job_id"]) for job in after.values())
            if run.code != 0:
                break  # what comes after builds on this run
    print("soak: %s jobs, 3 runs, %.1f s wall; %s DLI calls, %s IAM logins; retried after %s 429s, %s 503s, "
          "%s dropped connections, %s lost answers; output in %s" % (
              args.jobs, time.perf_counter() - began, totals.get("dli"), totals.get("iam"), totals.get("throttled"),
              totals.get("unavailable"), totals.get("dropped"), totals.get("lost_answers"), workdir))
    if not all(totals.get(key) for key in ("throttled", "unavailable")) or not (
            totals.get("dropped") or totals.get("lost_answers")):
        print("soak: note: some kind of fault was never met at this size; more jobs (SOAK_JOBS) meet more of them")
    if problems:
        print("soak FAILED: %s violation(s) (the playbook output above, and in %s):\n- %s" % (
            len(problems), workdir, "\n- ".join(problem.splitlines()[0] for problem in problems)), file=sys.stderr)
        return 1
    print("soak passed: every job converged as declared, nothing else changed, one IAM login per run, and the "
          "third run changed nothing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
