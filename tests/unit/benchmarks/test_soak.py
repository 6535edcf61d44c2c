# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""benchmarks/soak.py's judge: a soak that cannot fail proves nothing, so each violation it must see is shown to it."""

import copy
import importlib.util
import os
import sys

import pytest

pytest.importorskip("huaweicloudsdkcore")  # benchmarks/common.py loads the emulator

BENCHMARKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "benchmarks")
sys.path.insert(0, BENCHMARKS)
spec = importlib.util.spec_from_file_location("soak", os.path.join(BENCHMARKS, "soak.py"))
soak = importlib.util.module_from_spec(spec)
spec.loader.exec_module(soak)
bench_spec = importlib.util.spec_from_file_location("bench", os.path.join(BENCHMARKS, "bench.py"))
bench = importlib.util.module_from_spec(bench_spec)
bench_spec.loader.exec_module(bench)


def stored(declared, job_id, status="job_init", update_time=100, start_time=None, savepoints=(), last_run=None):
    """A job as the emulator's control GET gives it, holding what ``declared`` says."""
    job = {"job_id": job_id, "name": declared["name"], "job_type": "flink_jar_job", "status": status,
           "status_desc": "", "create_time": 1, "update_time": update_time, "start_time": start_time,
           "job_config": {"tm_slot_num": 1, "log_enabled": False},
           "_meta": {"savepoints": list(savepoints), "last_run": last_run, "pending": None,
                     "tags": [{"key": "team", "value": "soak"}]}}
    for name in soak.fields_of(declared):
        value = declared[name]
        if name == "runtime_config":
            value = '[%s]' % ",".join('{"key":"%s","value":"%s"}' % item for item in sorted(value.items()))
        (job if name in soak.TOP_LEVEL else job["job_config"])[name] = value
    return job


def fleet(run, index, **states):
    declared = soak.declare(index, run)
    return declared, stored(declared, 2000 + index, **states)


def test_a_job_as_declared_and_a_bystander_left_alone_pass():
    declared, job = fleet(1, 1)  # an "edit" job: present
    bystander = {"job_id": 1001, "name": "other", "status": "job_init", "job_config": {}, "_meta": {}}
    before = {"1001": bystander}
    assert soak.violations([declared], before, {"1001": bystander, "2001": job}) == []


def test_a_field_that_is_not_as_declared_and_a_missing_or_doubled_job_are_named():
    declared, job = fleet(1, 1)
    job["job_config"]["parallel_number"] = 3
    assert soak.violations([declared], {}, {"2001": job}) == ["soak-0001: parallel_number is 3, declared 1"]
    assert soak.violations([declared], {}, {}) == ["soak-0001: 0 jobs of that name, not 1"]
    twin = dict(copy.deepcopy(job), job_id=2002)
    assert soak.violations([declared], {}, {"2001": job, "2002": twin})[0] == "soak-0001: 2 jobs of that name, not 1"


def test_a_changed_field_that_is_not_named_and_a_write_without_a_difference_are_violations():
    declared, old = fleet(2, 1)
    declared["desc"] = old["desc"]  # nothing differs
    new = copy.deepcopy(old)
    new["job_config"]["tm_slot_num"] = 4
    new["update_time"] = 200
    found = soak.violations([declared], {"2001": old}, {"2001": new})
    assert found == ["soak-0001: tm_slot_num, not named, changed: 1 -> 4",
                     "soak-0001: update_time 100 -> 200, and the declared fields that differed were: none"]


def test_an_in_place_change_must_not_restart_and_a_restart_must_resume_from_its_new_savepoint():
    declared = soak.declare(3, 2)  # in_place: resume_max_num 5, restart_when_exception, allow_restart
    old = stored(soak.declare(3, 1), 2003, status="job_running", start_time=50)
    new = stored(declared, 2003, status="job_running", start_time=60, update_time=200)
    assert soak.violations([declared], {"2003": old}, {"2003": new}) == [
        "soak-0003: was restarted (start_time 50 -> 60), though only in-place fields changed"]
    declared = soak.declare(0, 2)  # restart: parallel_number 2, allow_restart
    old = stored(soak.declare(0, 1), 2000, status="job_running", start_time=50)
    new = stored(declared, 2000, status="job_running", start_time=60, update_time=200, savepoints=["sp1"],
                 last_run={"resume_savepoint": False})
    assert soak.violations([declared], {"2000": old}, {"2000": new}) == [
        "soak-0000: restarted, but not from its new savepoint: last run {'resume_savepoint': False}"]
    new["_meta"]["last_run"] = {"resume_savepoint": True, "savepoint": "sp1"}
    assert soak.violations([declared], {"2000": old}, {"2000": new}) == []


def test_a_run_that_declares_nothing_new_may_change_nothing_at_all():
    declared, old = fleet(2, 2)
    new = copy.deepcopy(old)
    new["status_desc"] = "touched"
    assert soak.violations([declared], {"2002": old}, {"2002": new}, no_change=True) == [
        "soak-0002: changed in a run that declares nothing new: status_desc '' -> 'touched'"]


def test_the_expected_summary_and_the_runs_calls():
    declared = [soak.declare(index, 2) for index in range(6)]
    before = dict((str(2000 + i), stored(soak.declare(i, 1), 2000 + i, status="job_running" if soak.FIRST_STATE[
        soak.group(i)] == "started" else "job_init")) for i in range(6))
    changed, restarted = soak.expected_summary(declared, before)
    assert changed == ["soak-%04d" % i for i in range(6)] and restarted == ["soak-0000"]

    class Run:
        code, output = 0, "PLAY RECAP ***\nlocalhost : ok=1 changed=1 unreachable=0 failed=0\n"
    delta = {"iam": 2, "kinds": {"detail": 6, "update": 1}}
    assert soak.run_violations(Run, delta, no_change=True) == [
        "2 IAM logins, not 1 (password authentication logs in once per run)",
        "a run that declares nothing new wrote: {'update': 1}",
        "a run that declares nothing new reports 1 changed"]


def test_bench_ratios_are_per_round_and_targets_are_judged():
    rows = []
    for round_number, (uri, listed, per_job) in enumerate([(10.0, 1.0, 11.0), (20.0, 1.0, 20.0)], 1):
        for variant, wall in (("uri", uri), ("list", listed), ("per_job", per_job)):
            rows.append(dict(round=round_number, size=10, variant=variant, scenario="change", wall=wall, cpu=1.0,
                             emulator_cpu=0.1, dli_calls=20 if variant != "uri" else 10, iam=1, kinds={}, code=0))
    cells = bench.summarize(rows, [10], 0)
    assert cells[(10, "change", "list")]["ratio"] == pytest.approx((0.1 + 0.05) / 2)
    assert cells[(10, "change", "per_job")]["ratio"] == pytest.approx((1.1 + 1.0) / 2)
    lines = dict(bench.verdicts(cells, [10], "password"))
    assert lines["10 jobs, list change: 0.075 x uri (target <= 0.1, set for 200 jobs)"] is None  # for reference
    assert lines["10 jobs, per_job change: 1.050 x uri (target <= 1.1)"] is True
    assert lines["10 jobs, per_job: 1 IAM logins per run with password auth (target 1)"] is True
    cells = bench.summarize([dict(row, size=200) for row in rows], [200], 0)
    assert dict(bench.verdicts(cells, [200], "password"))[
        "200 jobs, list change: 0.075 x uri (target <= 0.1, set for 200 jobs)"] is True
    assert bench.rotated(("a", "b", "c"), 2) == ("b", "c", "a")
