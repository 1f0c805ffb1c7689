"""Smoke tests of the benchmark harness (`bench/`): it runs and writes the JSON it promises."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_harness(tmp_path, *options, workloads="housing"):
    out = tmp_path / "results.json"
    env = {k: v for k, v in os.environ.items() if k not in ("KERAS_BACKEND", "XLA_FLAGS")}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--repeats", "1",
         "--workloads", workloads, "--frameworks", "neurx,scan",
         "--json", str(out), *options],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(out.read_text()), done.stdout


def test_quick_run_writes_timings_medians_and_machine(tmp_path):
    results, printed = run_harness(tmp_path, "--measures", "fit,eval,import",
                                   workloads="fashion_mlp")
    assert {"date", "machine", "settings", "medians", "targets", "runs"} <= set(results)
    assert {"cpu", "cores", "versions", "jax_backend", "jax_devices"} <= set(results["machine"])
    assert results["settings"]["repeats"] == 1 and results["settings"]["quick"]
    for framework in ("neurx", "scan"):
        assert results["medians"]["fit"]["fashion_mlp"][framework] > 0
    assert results["medians"]["evaluate"]["fashion_mlp"]["neurx"] > 0
    assert results["medians"]["predict"]["fashion_mlp"]["scan"] > 0
    assert results["medians"]["import"]["-"]["neurx"] > 0
    fits = [r for r in results["runs"] if r["measure"] == "fit"]
    assert len(fits) == 2 and all(r["result"]["status"] == "ok" for r in fits)
    epochs = results["settings"]["epochs"]["fashion_mlp"]   # and one warm-up epoch
    assert all(len(r["result"]["epoch_times"]) == 1 + epochs for r in fits)
    assert any(t["target"].startswith("fashion_mlp: neurx <=") for t in results["targets"])
    assert "| workload | scan | neurx | keras-jax | keras-torch | neurx/scan |" in printed


@pytest.mark.slow
def test_quick_run_with_verbose_and_cold_start(tmp_path):
    results, _ = run_harness(tmp_path, "--measures", "fit,verbose,cold")
    medians = results["medians"]
    assert medians["verbose_pipe"]["housing"]["neurx"] > 0
    assert medians["verbose_tty"]["housing"]["neurx"] > 0
    assert medians["cold_start"]["-"]["neurx"] > medians["fit"]["housing"]["neurx"]
    assert medians["cold_start_warm_cache"]["-"]["neurx"] > 0


def test_search_benchmark_times_the_notes_search_in_a_fresh_process(tmp_path):
    out = tmp_path / "search.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.search", "--quick", "--repeats", "1",
         "--searches", "hyperband", "--frameworks", "neurx", "--again", "--json", str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(out.read_text())
    (run,) = results["runs"]
    assert run["result"]["status"] == "ok", run["result"]
    assert run["result"]["trials"] > 0
    assert set(run["result"]["best_params"]) == {"n_hidden", "n_neurons", "learning_rate"}
    assert results["medians"]["hyperband"]["neurx"] == run["result"]["search_time"]
    assert results["medians"]["hyperband again"]["neurx"] == run["result"]["again_time"] > 0
    assert "| hyperband |" in done.stdout and "| hyperband again |" in done.stdout
    assert "Load average" in done.stdout


def test_unknown_workload_is_refused_with_the_choices(tmp_path):
    done = subprocess.run([sys.executable, "-m", "bench", "--workloads", "mnist"],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "unknown workloads ['mnist']" in done.stderr and "fashion_mlp" in done.stderr


def test_the_hand_written_search_tries_the_candidates_sklearn_draws():
    from sklearn.model_selection import ParameterSampler

    from bench import scan_search, search

    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 8)).astype("float32")
    y = (x @ rng.normal(size=8)).astype("float32")
    result = scan_search.search((x[:90], y[:90], x[90:], y[90:]), epochs=2, n_iter=2)
    drawn = [{k: float(v) for k, v in c.items()}
             for c in ParameterSampler(search.search_space(), 2, random_state=42)]
    assert result["best_params"] in drawn
    assert np.isfinite(result["best_score"]) and result["best_score"] < 0
    assert result["search_time"] > 0
