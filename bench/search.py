"""The search benchmark: the notes' hyperparameter searches in neurx, SciKeras and KerasTuner.

Run from the repository root: `python -m bench.search` (`--quick` for a smoke run).

What it owns: the notes' search workloads (Hands-On ML ch. 10, notes 002) on the real
California housing features, written once against the Keras API so the same code runs in
neurx and in Keras 3 (jax backend), and the driver that times each search in a fresh
process, alternating the frameworks inside every repeat, and prints medians and ratios.

- `sklearn`: `RandomizedSearchCV` over a `KerasRegressor(build_model)` (n_hidden 0-3,
  n_neurons 1-99, learning rate reciprocal(3e-4, 3e-2); n_iter=10, cv=3, 10 epochs each,
  validation data and EarlyStopping(patience=10) as the notes write it, then the refit).
  neurx's own wrapper against SciKeras's.
- `random` / `hyperband`: `RandomSearch(max_trials=10)` and `Hyperband(max_epochs=10)` over
  the same space, objective `val_loss`: `neurx.tuners` against KerasTuner.

The `scan` framework runs the `sklearn` search written by hand in JAX (`bench.scan_search`):
what compiling and running its structures costs with no library in the way. `--again` runs
each search a second time in its process, as a notebook cell run again, and times that too.
"""
from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make `bench` importable from the repo root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import run_module  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
HOUSING = REPO_ROOT / "neurx" / "datasets" / "data" / "california_housing.npz"
SEARCHES = ("sklearn", "random", "hyperband")
# Which library runs each search on the Keras side, and what the run needs installed.
KERAS_SIDE = {"sklearn": ("scikeras", "scikeras"), "random": ("kerastuner", "keras_tuner"),
              "hyperband": ("kerastuner", "keras_tuner")}
FRAMEWORKS = ("neurx", "keras", "scan")


def housing_split(quick: bool):
    """Standardised train / valid features and targets: Hands-On ML's split of the real data."""
    with np.load(HOUSING) as f:
        x, y = f["x"], f["y"]
    order = np.random.RandomState(42).permutation(len(x))
    x, y = x[order], y[order]
    rows = 2_000 if quick else 11_610
    x_train, y_train = x[:rows], y[:rows]
    x_valid, y_valid = x[rows:rows + (500 if quick else 3_870)], y[rows:rows + (500 if quick else 3_870)]
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    return (x_train - mean) / std, y_train, (x_valid - mean) / std, y_valid


def regressor_builder(keras):
    """The notes' `build_model(n_hidden, n_neurons, learning_rate)` in the given Keras module."""

    def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3, input_shape=(8,)):
        model = keras.models.Sequential()
        model.add(keras.Input(shape=input_shape))
        for _ in range(n_hidden):
            model.add(keras.layers.Dense(n_neurons, activation="relu"))
        model.add(keras.layers.Dense(1))
        model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=learning_rate))
        return model

    return build_model


def tuner_builder(keras):
    """The same space as `build_model(hp)` for a tuner."""
    build_model = regressor_builder(keras)

    def build_with_hp(hp):
        return build_model(n_hidden=hp.Int("n_hidden", 0, 3),
                           n_neurons=hp.Int("n_neurons", 1, 99),
                           learning_rate=hp.Float("learning_rate", 3e-4, 3e-2, sampling="log"))

    return build_with_hp


def search_space() -> dict:
    """The notes' `param_distribs` for `RandomizedSearchCV`."""
    from scipy.stats import reciprocal

    return {"n_hidden": [0, 1, 2, 3], "n_neurons": np.arange(1, 100),
            "learning_rate": reciprocal(3e-4, 3e-2)}


def search_sklearn(framework: str, data, epochs: int, n_iter: int) -> dict:
    from sklearn.model_selection import RandomizedSearchCV

    x_train, y_train, x_valid, y_valid = data
    distributions = search_space()
    if framework == "neurx":
        import neurx as keras
        regressor = keras.wrappers.scikit_learn.KerasRegressor(regressor_builder(keras), verbose=0)
    else:
        import keras
        from scikeras.wrappers import KerasRegressor
        regressor = KerasRegressor(model=regressor_builder(keras), verbose=0,
                                   n_hidden=1, n_neurons=30, learning_rate=3e-3)
    search = RandomizedSearchCV(regressor, distributions, n_iter=n_iter, cv=3, random_state=42)
    start = time.perf_counter()
    search.fit(x_train, y_train, epochs=epochs, validation_data=(x_valid, y_valid),
               callbacks=[keras.callbacks.EarlyStopping(patience=10)])
    return {"search_time": time.perf_counter() - start, "best_score": float(search.best_score_),
            "best_params": {k: float(v) for k, v in search.best_params_.items()}}


def search_tuner(framework: str, kind: str, data, epochs: int, trials: int) -> dict:
    x_train, y_train, x_valid, y_valid = data
    if framework == "neurx":
        import neurx as keras
        tuners = keras.tuners
    else:
        import keras
        import keras_tuner as tuners
    with tempfile.TemporaryDirectory() as directory:
        options = dict(objective="val_loss", directory=directory, project_name="housing",
                       seed=42, overwrite=True)
        if kind == "random":
            tuner = tuners.RandomSearch(tuner_builder(keras), max_trials=trials, **options)
        else:
            tuner = tuners.Hyperband(tuner_builder(keras), max_epochs=epochs, factor=3, **options)
        start = time.perf_counter()
        tuner.search(x_train, y_train, epochs=epochs, validation_data=(x_valid, y_valid),
                     verbose=0)
        elapsed = time.perf_counter() - start
        best = tuner.get_best_hyperparameters(1)[0].values
    return {"search_time": elapsed, "trials": len(tuner.oracle.trials),
            "best_params": {k: float(v) for k, v in best.items()}}


def run_one(search: str, framework: str, quick: bool, again: bool = False) -> dict:
    """One search in this process (the worker side): its time and what it found; with
    `again`, the search runs a second time in the same process (a notebook cell run again)
    and `again_time` is its time."""
    if framework == "keras":
        os.environ["KERAS_BACKEND"] = "jax"
    data = housing_split(quick)
    epochs, count = (2, 2) if quick else (10, 10)

    def run() -> dict:
        if search == "sklearn" and framework == "scan":
            from bench.scan_search import search as search_by_hand
            return search_by_hand(data, epochs, count)
        if search == "sklearn":
            return search_sklearn(framework, data, epochs, count)
        return search_tuner(framework, search, data, epochs, count)

    result = run()
    if again:
        result["again_time"] = run()["search_time"]
    return result


def available(search: str, framework: str) -> bool:
    """Whether a framework runs a search here: neurx always, the hand-written scan the
    sklearn search, the Keras side when its library is installed."""
    if framework == "neurx":
        return True
    if framework == "scan":
        return search == "sklearn"
    return all(importlib.util.find_spec(m) for m in ("keras", KERAS_SIDE[search][1]))


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--searches", default=",".join(SEARCHES))
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS))
    parser.add_argument("--quick", action="store_true", help="2 candidates, 2 epochs, 2,000 rows")
    parser.add_argument("--again", action="store_true",
                        help="run each search a second time in its process (a notebook cell run again)")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--json", default=str(REPO_ROOT / "bench" / "results_search.json"))
    parser.add_argument("--worker", nargs=2, metavar=("SEARCH", "FRAMEWORK"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        search, framework = args.worker
        try:
            result = {"status": "ok", **run_one(search, framework, args.quick, args.again)}
        except Exception as error:  # reported to the driver, which shows it in the table
            result = {"status": "error", "reason": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(result) + "\n")
        return result
    searches = [s for s in args.searches.split(",") if s]
    frameworks = [f for f in args.frameworks.split(",") if f]
    unknown = sorted(set(searches) - set(SEARCHES)) + sorted(set(frameworks) - set(FRAMEWORKS))
    if unknown:
        parser.error(f"unknown {unknown}; searches: {list(SEARCHES)}, frameworks: {list(FRAMEWORKS)}")
    started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    load_at_start = os.getloadavg()
    runs = []
    for repeat in range(args.repeats):
        order = frameworks[repeat % len(frameworks):] + frameworks[:repeat % len(frameworks)]
        for search in searches:
            for framework in order:
                if not available(search, framework):
                    continue
                extra = ["--worker", search, framework] + (["--quick"] if args.quick else []) + \
                    (["--again"] if args.again else [])
                wall, result = run_module(["bench.search"] + extra, args.timeout)
                runs.append({"search": search, "framework": framework, "repeat": repeat,
                             "wall": wall, "result": result})
                shown = (f"{result['search_time']:.1f} s" if result.get("status") == "ok"
                         else result.get("reason"))
                print(f"[{repeat + 1}/{args.repeats}] {search} {framework}: {shown}",
                      file=sys.stderr, flush=True)
    medians = summarize(runs)
    results = {"date": started, "load_average": {"start": load_at_start, "end": os.getloadavg()},
               "cores": os.cpu_count(), "quick": args.quick, "again": args.again,
               "repeats": args.repeats,
               "medians": medians, "runs": runs}
    Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    print(format_table(medians, results["load_average"]))
    return results


def summarize(runs: list[dict]) -> dict:
    """`{search: {framework: median search seconds}}` over the successful runs; a search run
    again in its process adds `"<search> again"`."""
    times: dict = {}
    for run in runs:
        result = run["result"]
        if result.get("status") == "ok":
            times.setdefault(run["search"], {}).setdefault(run["framework"], []).append(
                result["search_time"])
            if "again_time" in result:
                times.setdefault(f"{run['search']} again", {}).setdefault(
                    run["framework"], []).append(result["again_time"])
    return {search: {fw: statistics.median(values) for fw, values in by_fw.items()}
            for search, by_fw in times.items()}


def format_table(medians: dict, load: dict) -> str:
    """A Markdown table of median search times and the Keras-side / neurx ratio, with the
    hand-written scan where it ran."""
    lines = ["| search | neurx (s) | Keras 3 side (s) | Keras side / neurx | scan (s) | neurx / scan |",
             "|---|---|---|---|---|---|"]
    for search, by_fw in medians.items():
        neurx, keras, scan = by_fw.get("neurx"), by_fw.get("keras"), by_fw.get("scan")
        cells = [f"{neurx:.1f}" if neurx else "n/a",
                 f"{keras:.1f} ({KERAS_SIDE[search.split()[0]][0]})" if keras else "n/a",
                 f"{keras / neurx:.2f}x" if neurx and keras else "n/a",
                 f"{scan:.1f}" if scan else "n/a",
                 f"{neurx / scan:.2f}x" if neurx and scan else "n/a"]
        lines.append(f"| {search} | " + " | ".join(cells) + " |")
    lines.append(f"\nLoad average at start {load['start'][0]:.1f}, at end {load['end'][0]:.1f}.")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
