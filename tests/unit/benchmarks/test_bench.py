# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""benchmarks/bench.py's report records its paths relative to the checkout: the results are committed."""

import argparse
import importlib.util
import os
import sys

import pytest

pytest.importorskip("huaweicloudsdkcore")  # benchmarks/common.py loads the emulator

BENCHMARKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "benchmarks")
sys.path.insert(0, BENCHMARKS)
spec = importlib.util.spec_from_file_location("bench", os.path.join(BENCHMARKS, "bench.py"))
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def test_the_recorded_options_name_paths_relative_to_the_checkout(monkeypatch, tmp_path):
    root = bench.common.ROOT
    args = argparse.Namespace(sizes=[50], rounds=3, render=None, output=os.path.join(root, "benchmarks", "results", "x"),
                              workdir=os.path.join(root, ".tmp", "bench"))
    assert bench.recorded_options(args) == {"sizes": [50], "rounds": 3, "output": "benchmarks/results/x",
                                            "workdir": ".tmp/bench"}
    monkeypatch.chdir(root)  # BENCH_OUTPUT as the README gives it: relative to where make runs
    args.output, args.workdir = "benchmarks/results/n200-1round", str(tmp_path / "bench")
    recorded = bench.recorded_options(args)
    assert recorded["output"] == "benchmarks/results/n200-1round"
    assert not os.path.isabs(recorded["workdir"])
    assert os.path.normpath(os.path.join(root, recorded["workdir"])) == os.path.normpath(str(tmp_path / "bench"))


def rolling_row(round_number, variant, size, wall, calls):
    return dict(round=round_number, size=size, variant=variant, scenario="rolling", wall=wall, cpu=1.0,
                emulator_cpu=0.1, dli_calls=calls, iam=1, kinds={"list": 3}, load=1.0, code=0, via="module",
                concurrency=size, max_restarting=size, project_jobs=205, changed=1)


def test_the_rolling_restart_is_judged_by_each_rounds_ratio_to_one_jobs_restart_and_its_calls_per_job():
    rows = [rolling_row(1, "fleet", 200, 7.0, 300), rolling_row(1, "one", 1, 5.0, 11),
            rolling_row(2, "fleet", 200, 9.0, 260), rolling_row(2, "one", 1, 5.0, 11),
            rolling_row(3, "fleet", 200, 6.0, 1000), rolling_row(3, "one", 1, 4.0, 11)]
    rolling = bench.rolling_summary(rows)
    assert rolling["ratio"] == 1.5 and rolling["wall"] == 7.0 and rolling["calls_per_job"] == 1.5
    assert (rolling["via"], rolling["concurrency"], rolling["max_restarting"]) == ("module", 200, 200)
    assert [met for text, met in bench.rolling_verdicts(rolling)] == [True, True]
    rows[0]["wall"], rows[2]["wall"] = 8.0, 9.2  # 1.6, 1.84 and 1.5 x: the median, 1.6, is past 1.5
    rows[0]["dli_calls"] = rows[2]["dli_calls"] = 1000
    assert [met for text, met in bench.rolling_verdicts(bench.rolling_summary(rows))] == [False, False]
    assert bench.rolling_summary([row for row in rows if row["variant"] == "fleet"]) is None
    for row in rows:  # the targets are set for 200 jobs: 20 are shown for reference
        row["size"] = 20 if row["variant"] == "fleet" else 1
    assert [met for text, met in bench.rolling_verdicts(bench.rolling_summary(rows))] == [None, None]
