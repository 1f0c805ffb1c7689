"""The benchmark harness: neurx against Keras 3 and a hand-written JAX scan, side by side.

Run from the repository root: `python -m bench` (or `python bench/run.py`).

What it owns: the plan of a run (which workload, framework and measure, in
which order), launching each measurement as a fresh `python -m bench.worker`
process, and writing the raw timings, the medians and the machine to JSON.
Frameworks alternate inside every repeat (the order rotates each repeat), so a
change in the machine's load falls on all of them alike. The measurements
themselves are in `worker.py`, the summary and tables in `report.py`.
"""
from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable from the repo root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import format_report, check_targets, summarize  # noqa: E402
from bench.workloads import EVAL_ROWS, QUICK_EVAL_ROWS, WORKLOADS  # noqa: E402
from bench.worker import FRAMEWORKS  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
MEASURES = ("fit", "verbose", "eval", "cold", "import")


def available(framework: str) -> bool:
    """Whether the framework can run here (Keras and torch are optional)."""
    needs = {"keras-jax": ("keras",), "keras-torch": ("keras", "torch")}.get(framework, ())
    return all(importlib.util.find_spec(module) is not None for module in needs)


def run_worker(task: str, framework: str, extra: list[str], timeout: float) -> tuple[float, dict]:
    """Runs one measurement of `bench.worker` in a fresh process."""
    return run_module(["bench.worker", task, "--framework", framework] + extra, timeout)


def run_module(arguments: list[str], timeout: float,
               compilation_cache: str | None = None) -> tuple[float, dict]:
    """Runs `python -m *arguments` in a fresh process; returns (wall seconds, the JSON result
    it printed last).

    neurx's persistent compilation cache is a fresh empty folder for the process (a cold
    start, as for Keras) unless `compilation_cache` names one to reuse.
    """
    if compilation_cache is None:
        with tempfile.TemporaryDirectory() as fresh:
            return run_module(arguments, timeout, fresh)
    command = [sys.executable, "-m"] + arguments
    # Python writes bytecode, as for an installed package: PYTHONDONTWRITEBYTECODE would have
    # every process compile neurx's sources again (about 0.45 s of each import), while
    # Keras and JAX, installed by pip, import theirs compiled.
    env = {k: v for k, v in os.environ.items()
           if k not in ("KERAS_BACKEND", "PYTHONDONTWRITEBYTECODE")}
    env["NEURX_COMPILATION_CACHE"] = compilation_cache
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, {"status": "error",
                                             "reason": f"timed out after {timeout:.0f} s"}
    wall = time.perf_counter() - start
    lines = done.stdout.strip().splitlines()
    try:
        return wall, json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return wall, {"status": "error", "reason": f"worker exited {done.returncode}: "
                                                   + " / ".join(tail)}


def run_with_warm_cache(step: dict, timeout: float) -> tuple[float, dict]:
    """Runs a measurement twice on one compilation cache folder; the second run is timed."""
    arguments = ["bench.worker", step["task"], "--framework", step["framework"]] + step["extra"]
    with tempfile.TemporaryDirectory() as cache:
        run_module(arguments, timeout, cache)
        return run_module(arguments, timeout, cache)


def plan(args, frameworks: list[str]) -> list[dict]:
    """Every measurement of the run, in the order it is taken."""
    quick = ["--quick"] if args.quick else []
    steps = []
    for repeat in range(args.repeats):
        order = frameworks[repeat % len(frameworks):] + frameworks[:repeat % len(frameworks)]
        for workload in args.workloads:
            for framework in order:
                extra = ["--workload", workload] + quick
                if workload == "fashion_mlp" and "eval" in args.measures:
                    extra.append("--eval")
                steps.append(dict(measure="fit", task="fit", framework=framework,
                                  workload=workload, repeat=repeat, extra=extra))
        if "verbose" in args.measures and "housing" in args.workloads:
            for framework in [f for f in order if f != "scan"]:
                for sink in ("pipe", "tty"):
                    steps.append(dict(measure=f"verbose_{sink}", task="fit", framework=framework,
                                      workload="housing", repeat=repeat,
                                      extra=["--workload", "housing", "--verbose", "1",
                                             "--stdout", sink] + quick))
        if "cold" in args.measures:
            for framework in order:
                steps.append(dict(measure="cold_start", task="cold", framework=framework,
                                  repeat=repeat, extra=quick))
            if "neurx" in order:  # the same script again, its programs in the compilation cache
                steps.append(dict(measure="cold_start_warm_cache", task="cold", framework="neurx",
                                  repeat=repeat, extra=quick))
    if "import" in args.measures:
        for repeat in range(args.import_repeats):
            for framework in frameworks:
                steps.append(dict(measure="import", task="import", framework=framework,
                                  repeat=repeat, extra=[]))
    return steps


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="neurx vs Keras 3 (jax, torch) vs a hand-written JAX scan on the notes' workloads.")
    parser.add_argument("--repeats", type=int, default=3, help="runs per cell (default 3)")
    parser.add_argument("--workloads", default=",".join(WORKLOADS),
                        help=f"comma-separated, from {','.join(WORKLOADS)}")
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS),
                        help=f"comma-separated, from {','.join(FRAMEWORKS)}")
    parser.add_argument("--measures", default=",".join(MEASURES),
                        help=f"comma-separated, from {','.join(MEASURES)}")
    parser.add_argument("--import-repeats", type=int, default=None,
                        help="fresh processes per framework for the import time (default 5)")
    parser.add_argument("--quick", action="store_true", help="small row counts: a smoke test")
    parser.add_argument("--timeout", type=float, default=1200,
                        help="seconds before one measurement's process is stopped (default 1200)")
    parser.add_argument("--slow-run", type=float, default=300,
                        help="a run longer than this (s) is not repeated (default 300)")
    parser.add_argument("--json", default=str(REPO_ROOT / "bench" / "results.json"),
                        help="where to write every timing (default bench/results.json)")
    args = parser.parse_args(argv)
    for option, known in (("workloads", WORKLOADS), ("frameworks", FRAMEWORKS),
                          ("measures", MEASURES)):
        chosen = [v.strip() for v in getattr(args, option).split(",") if v.strip()]
        unknown = [v for v in chosen if v not in known]
        if unknown:
            parser.error(f"unknown {option} {unknown}; choose from {list(known)}")
        setattr(args, option, chosen)
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1. Received: --repeats {args.repeats}")
    if args.import_repeats is None:
        args.import_repeats = args.repeats if args.quick else 5
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    frameworks = [f for f in args.frameworks if available(f)]
    missing = [f for f in args.frameworks if f not in frameworks]
    if missing:
        print(f"not installed here, shown as n/a: {', '.join(missing)}", file=sys.stderr)
    _, machine = run_worker("info", "scan", [], args.timeout)
    machine["load_average_at_start"] = os.getloadavg()
    steps = plan(args, frameworks)
    runs, slow_cells, skipped = [], set(), []
    for number, step in enumerate(steps, 1):
        cell = (step["measure"], step.get("workload"), step["framework"])
        if cell in slow_cells:
            skipped.append(dict(step, reason=f"an earlier run took over {args.slow_run:.0f} s"))
            continue
        if step["measure"] == "cold_start_warm_cache":
            wall, result = run_with_warm_cache(step, args.timeout)
        else:
            wall, result = run_worker(step["task"], step["framework"], step["extra"], args.timeout)
        runs.append({k: v for k, v in step.items() if k not in ("task", "extra")})
        runs[-1].update(wall=wall, result=result)
        if wall > args.slow_run:
            slow_cells.add(cell)
        print(f"[{number}/{len(steps)}] {step['measure']} {step.get('workload', '')} "
              f"{step['framework']}: {_describe(result, wall)}", file=sys.stderr, flush=True)
    machine["load_average_at_end"] = os.getloadavg()
    settings = {"repeats": args.repeats, "quick": args.quick, "workloads": args.workloads,
                "frameworks": args.frameworks, "not_installed": missing,
                "measures": args.measures, "import_repeats": args.import_repeats,
                "timeout_s": args.timeout, "slow_run_s": args.slow_run,
                "skipped": [{k: v for k, v in step.items() if k not in ("task", "extra")}
                            for step in skipped],
                "rows": {w: WORKLOADS[w].quick_rows if args.quick else WORKLOADS[w].rows
                         for w in args.workloads},
                "epochs": {w: WORKLOADS[w].quick_epochs if args.quick else WORKLOADS[w].epochs
                           for w in args.workloads},
                "batch_size": {w: WORKLOADS[w].batch_size for w in args.workloads},
                "eval_rows": QUICK_EVAL_ROWS if args.quick else EVAL_ROWS}
    medians = summarize(runs)
    targets = check_targets(medians)
    results = {"date": started, "machine": machine, "settings": settings, "medians": medians,
               "targets": targets, "runs": runs}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    print(f"Machine: {machine.get('cpu')}, {machine.get('cores')} cores, "
          f"JAX {machine.get('versions', {}).get('jax')} on {machine.get('jax_devices')}, "
          f"Keras {machine.get('versions', {}).get('keras')}\n")
    print(format_report(medians, targets, settings))
    print(f"\nEvery timing: {args.json}")
    return results


def _describe(result: dict, wall: float) -> str:
    if result.get("status") != "ok":
        return result.get("reason", "error")
    if "epoch_times" in result:
        return f"{sum(result['epoch_times'][1:]):.3f} s timed, first epoch {result['epoch_times'][0]:.2f} s"
    if "import_time" in result and len(result) == 2:
        return f"import {result['import_time']:.2f} s"
    return f"{wall:.2f} s"


if __name__ == "__main__":
    main()
