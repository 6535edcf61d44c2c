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
