"""From raw runs to medians, ratios, the targets of the speed issue and the printed tables.

What it owns: the summary of a run (`summarize`), the check of each target
(`check_targets`) and the Markdown tables (`format_report`), so the terminal
output can be pasted into docs/performance.md as it is.
"""
from __future__ import annotations

import statistics

from bench.workloads import WORKLOADS

COLUMNS = ("scan", "neurx", "keras-jax", "keras-torch")
CONV_AND_LSTM = ("imdb_conv1d", "qa_lstm", "fashion_cnn")
SCAN_LIMIT = 1.15            # every fit workload: neurx <= 1.15x the hand-written scan
KERAS_SPEEDUPS = {"housing": 10.0, "fashion_mlp": 1.3}   # Keras-jax time / neurx time, at least
IMPORT_LIMIT_S = 1.5
COLD_LIMIT, WARM_COLD_LIMIT = 0.5, 0.3   # neurx's cold start / Keras-jax's, at most


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _value(run: dict, measure: str):
    """The number a run contributes to the measure's median (None if it failed)."""
    result = run["result"]
    if result.get("status") != "ok":
        return None
    if measure in ("fit", "verbose_pipe", "verbose_tty"):
        return sum(result["epoch_times"][1:])
    if measure == "first_epoch":
        return result["epoch_times"][0]
    if measure in ("evaluate", "predict"):
        return result[f"{measure}_times"][1]
    if measure in ("cold_start", "cold_start_warm_cache"):
        return run["wall"]
    if measure == "import":
        return result["import_time"]
    raise ValueError(f"Unknown measure {measure!r}.")


def _cell_status(runs: list[dict]) -> str | None:
    """'n/a (missing layer X)' or 'error: ...' when no run of a cell succeeded."""
    for run in runs:
        result = run["result"]
        if result.get("status") == "ok":
            return None
    if not runs:
        return None
    result = runs[0]["result"]
    if result.get("status") == "n/a":
        return f"n/a ({result['reason']})"
    return f"error: {result.get('reason', 'unknown')}"


def summarize(runs: list[dict]) -> dict:
    """`{measure: {key: {framework: median seconds or a status string}}}` over the runs."""
    groups: dict = {}
    for run in runs:
        measures = [run["measure"]] + (["first_epoch"] if run["measure"] == "fit" else []) + \
            (["evaluate", "predict"] if run["result"].get("evaluate_times") else [])
        for measure in measures:
            key = run.get("workload", "-")
            groups.setdefault(measure, {}).setdefault(key, {}).setdefault(
                run["framework"], []).append(run)
    medians: dict = {}
    for measure, by_key in groups.items():
        for key, by_framework in by_key.items():
            for framework, framework_runs in by_framework.items():
                status = _cell_status(framework_runs)
                value = status if status else _median(_value(r, measure) for r in framework_runs)
                medians.setdefault(measure, {}).setdefault(key, {})[framework] = value
    return medians


def _number(value):
    return value if isinstance(value, (int, float)) else None


def _ratio(numerator, denominator):
    a, b = _number(numerator), _number(denominator)
    return a / b if a is not None and b else None


def check_targets(medians: dict) -> list[dict]:
    """Each target of the speed issue with the measured value and whether it is met."""
    targets = []

    def add(name, measured, met, note=""):
        targets.append({"target": name, "measured": measured, "met": met, "note": note})

    for workload, cells in medians.get("fit", {}).items():
        ratio = _ratio(cells.get("neurx"), cells.get("scan"))
        add(f"{workload}: neurx <= {SCAN_LIMIT}x scan",
            None if ratio is None else f"{ratio:.2f}x", None if ratio is None else ratio <= SCAN_LIMIT)
        for backend in ("keras-jax", "keras-torch"):
            speedup = _ratio(cells.get(backend), cells.get("neurx"))
            if workload in KERAS_SPEEDUPS and backend == "keras-jax":
                need = KERAS_SPEEDUPS[workload]
                add(f"{workload}: neurx >= {need}x faster than {backend}",
                    None if speedup is None else f"{speedup:.2f}x",
                    None if speedup is None else speedup >= need)
            elif workload in CONV_AND_LSTM and _number(cells.get(backend)) is not None:
                add(f"{workload}: neurx no slower than {backend}",
                    None if speedup is None else f"{speedup:.2f}x",
                    None if speedup is None else speedup >= 1.0)
    for measure, where in (("verbose_pipe", "a pipe"), ("verbose_tty", "a terminal")):
        quiet = _number(medians.get("fit", {}).get("housing", {}).get("neurx"))
        loud = _number(medians.get(measure, {}).get("housing", {}).get("neurx"))
        if quiet and loud:
            add(f"housing: neurx verbose=1 to {where} <= {SCAN_LIMIT}x verbose=0",
                f"{loud / quiet:.2f}x", loud / quiet <= SCAN_LIMIT)
    imports = medians.get("import", {}).get("-", {})
    if "neurx" in imports:
        value = _number(imports["neurx"])
        add(f"import neurx <= {IMPORT_LIMIT_S} s", None if value is None else f"{value:.2f} s",
            None if value is None else value <= IMPORT_LIMIT_S)
    cold = medians.get("cold_start", {}).get("-", {})
    warm = _number(medians.get("cold_start_warm_cache", {}).get("-", {}).get("neurx"))
    keras = _number(cold.get("keras-jax"))
    for label, neurx, limit in (("cold start", _number(cold.get("neurx")), COLD_LIMIT),
                                ("cold start, warm compilation cache", warm, WARM_COLD_LIMIT)):
        if neurx is not None and keras:
            add(f"{label}: neurx <= {limit}x keras-jax",
                f"{neurx / keras:.2f}x ({neurx:.2f} s vs {keras:.2f} s)", neurx / keras <= limit)
    return targets


# ------------------------------------------------------------------ text
def _seconds(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return value
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def _times(value) -> str:
    return "—" if value is None else f"{value:.2f}x"


def _row(label: str, cells: dict, ratio_with_scan=True) -> str:
    values = [_seconds(cells.get(c)) for c in COLUMNS]
    scan_ratio = _ratio(cells.get("neurx"), cells.get("scan")) if ratio_with_scan else None
    keras_ratio = _ratio(cells.get("keras-jax"), cells.get("neurx"))
    return "| " + " | ".join([label] + values + [_times(scan_ratio), _times(keras_ratio)]) + " |"


def _fit_label(workload: str, settings: dict) -> str:
    w = WORKLOADS[workload]
    rows = settings.get("rows", {}).get(workload, w.rows)
    epochs = settings.get("epochs", {}).get(workload, w.epochs)
    return f"{workload} ({rows:,} rows, {epochs} epoch{'s' if epochs != 1 else ''})"


def format_report(medians: dict, targets: list[dict], settings: dict) -> str:
    header = ("| workload | scan | neurx | keras-jax | keras-torch | neurx/scan | keras-jax/neurx |\n"
              "|---|---|---|---|---|---|---|")
    lines = ["Fit: the timed epochs after a first (compiling) epoch, median of "
             f"{settings.get('repeats', '?')} runs", "", header]
    for workload, cells in medians.get("fit", {}).items():
        lines.append(_row(_fit_label(workload, settings), cells))
    lines += ["", "Other measurements (median)", "", header]
    for workload, cells in medians.get("first_epoch", {}).items():
        lines.append(_row(f"{workload}: first epoch (compiles)", cells))
    for measure, label in (("verbose_pipe", "verbose=1, stdout a pipe"),
                           ("verbose_tty", "verbose=1, stdout a terminal")):
        for workload, cells in medians.get(measure, {}).items():
            lines.append(_row(f"{workload} {label}", cells, ratio_with_scan=False))
    for measure in ("evaluate", "predict"):
        for workload, cells in medians.get(measure, {}).items():
            rows = settings.get("eval_rows", "?")
            lines.append(_row(f"{workload} {measure} ({rows:,} rows)", cells))
    if "cold_start" in medians:
        lines.append(_row("cold start (import + build + compile + 1 housing epoch)",
                          medians["cold_start"]["-"]))
    if "cold_start_warm_cache" in medians:
        cells = dict(medians["cold_start_warm_cache"]["-"],
                     **{k: v for k, v in medians.get("cold_start", {}).get("-", {}).items()
                        if k != "neurx"})
        lines.append(_row("cold start, neurx's compilation cache warm", cells))
    if "import" in medians:
        lines.append(_row("import (scan: jax + optax)", medians["import"]["-"]))
    lines += ["", "Targets of the speed issue", "", "| target | measured | met |", "|---|---|---|"]
    for t in targets:
        met = "n/a" if t["met"] is None else ("met" if t["met"] else "**not met**")
        lines.append(f"| {t['target']} | {t['measured'] or 'n/a'} | {met} |")
    return "\n".join(lines)
