"""One measurement in a fresh process; prints one JSON object on stdout.

Run by `run.py` as `python -m bench.worker TASK --framework F ...`, one process per
framework and repeat, so that backends never share a process. Tasks:

- `fit`: builds the workload's model, fits one warm-up epoch (it compiles) plus the
  timed epochs, and reports every epoch's time; with `--eval`, then times `evaluate`
  and `predict` on a test set (a warm-up call, then the timed call).
- `cold`: import + build + compile + one epoch of the housing workload; the caller
  times the whole process from outside, the worker reports its phases.
- `import`: the time of importing the framework.
- `info`: the machine and the library versions.

The frameworks are imported inside the tasks, not at the top of this module: the
Keras backend must be chosen before `keras` is imported, and the import is timed.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.metadata
import io
import json
import os
import platform
import sys
import threading
import time

import numpy as np

from bench.workloads import EVAL_ROWS, QUICK_EVAL_ROWS, WORKLOADS, build_model, make_data, missing_layers

FRAMEWORKS = ("scan", "neurx", "keras-jax", "keras-torch")
_KERAS_BACKENDS = {"keras-jax": "jax", "keras-torch": "torch"}


def import_framework(framework: str):
    """Imports and returns the framework's module (the Keras API, or jax for the scan)."""
    if framework in _KERAS_BACKENDS:
        os.environ["KERAS_BACKEND"] = _KERAS_BACKENDS[framework]
        return importlib.import_module("keras")
    if framework == "neurx":
        return importlib.import_module("neurx")
    if framework == "scan":
        importlib.import_module("optax")
        return importlib.import_module("jax")
    raise ValueError(f"Unknown framework {framework!r}; known: {FRAMEWORKS}.")


# ------------------------------------------------------------------ where verbose output goes
@contextlib.contextmanager
def stdout_to(kind: str):
    """Sends `sys.stdout` to /dev/null, a pipe or a pseudo-terminal while inside.

    The pipe and the terminal are drained by a thread, as a reading process would.
    """
    if kind == "devnull":
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
            yield
        return
    if kind == "tty":
        import pty  # POSIX only; asked for only with `--stdout tty`
        read_fd, write_fd = pty.openpty()
    else:
        read_fd, write_fd = os.pipe()
    drained = []
    drainer = threading.Thread(target=_drain, args=(read_fd, drained), daemon=True)
    drainer.start()
    sink = io.open(write_fd, "w", buffering=1 if kind == "tty" else -1)
    try:
        with contextlib.redirect_stdout(sink):
            yield
    finally:
        sink.close()
        drainer.join(timeout=5)
        os.close(read_fd)


def _drain(fd: int, drained: list) -> None:
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # a pseudo-terminal reports EIO once the writer closes
            return
        if not chunk:
            return
        drained.append(len(chunk))


# ------------------------------------------------------------------ fit in a Keras-API framework
def _epoch_timer(keras, model):
    """A callback timing each epoch; it waits for the weights so the work is finished."""

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.times = []
            self._start = 0.0

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            np.asarray(model.trainable_weights[-1])
            self.times.append(time.perf_counter() - self._start)

    return EpochTimer()


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def fit_keras_api(keras, args) -> dict:
    missing = missing_layers(keras, args.workload)
    if missing:
        return {"status": "n/a", "reason": f"missing layer {', '.join(missing)}"}
    workload = WORKLOADS[args.workload]
    keras.utils.set_random_seed(0)
    model = build_model(keras, args.workload)
    x, y = make_data(args.workload, args.rows)
    timer = _epoch_timer(keras, model)
    with stdout_to(args.stdout):
        fit_wall, history = _timed(lambda: model.fit(
            x, y, batch_size=workload.batch_size, epochs=1 + args.epochs,
            verbose=args.verbose, callbacks=[timer]))
    result = {"status": "ok", "epoch_times": timer.times, "fit_wall": fit_wall,
              "final_loss": float(history.history["loss"][-1])}
    if args.eval:
        xt, yt = make_data(args.workload, args.eval_rows, seed=1)
        evaluate = lambda: model.evaluate(xt, yt, batch_size=workload.batch_size, verbose=0)
        predict = lambda: np.asarray(model.predict(xt, batch_size=workload.batch_size, verbose=0))
        result["evaluate_times"] = [_timed(evaluate)[0] for _ in range(2)]
        result["predict_times"] = [_timed(predict)[0] for _ in range(2)]
    return result


# ------------------------------------------------------------------ fit in the hand-written scan
def fit_scan(jax, args) -> dict:
    from bench import scan_baselines as sb  # imports jax: only once the task is known

    workload = WORKLOADS[args.workload]
    baseline = sb.BASELINES[args.workload]()
    start = time.perf_counter()
    x, y = make_data(args.workload, args.rows)
    x, y = jax.device_put(x), jax.device_put(y)
    params = baseline.init(jax.random.key(0))
    opt_state = baseline.optimizer.init(params)
    epoch = sb.make_fit_epoch(baseline, args.rows, workload.batch_size)
    key, times, logs = jax.random.key(0), [], {}
    for _ in range(1 + args.epochs):
        key, epoch_key = jax.random.split(key)
        t0 = time.perf_counter()
        params, opt_state, logs = epoch(params, opt_state, x, y, epoch_key)
        logs = {k: float(v) for k, v in logs.items()}
        times.append(time.perf_counter() - t0)
    result = {"status": "ok", "epoch_times": times, "fit_wall": time.perf_counter() - start,
              "final_loss": logs["loss"]}
    if args.eval:
        xt, yt = make_data(args.workload, args.eval_rows, seed=1)
        xt, yt = jax.device_put(xt), jax.device_put(yt)
        evaluate = sb.make_evaluate(baseline, args.eval_rows, workload.batch_size)
        predict = sb.make_predict(baseline, args.eval_rows, workload.batch_size)
        result["evaluate_times"] = [_timed(lambda: float(evaluate(params, xt, yt)["loss"]))[0]
                                    for _ in range(2)]
        result["predict_times"] = [_timed(lambda: np.asarray(predict(params, xt)))[0]
                                   for _ in range(2)]
    return result


# ------------------------------------------------------------------ tasks
def task_fit(args) -> dict:
    module = import_framework(args.framework)
    if args.framework == "scan":
        return fit_scan(module, args)
    return fit_keras_api(module, args)


def task_cold(args) -> dict:
    """Import + build + compile + one epoch of the housing workload (verbose=0)."""
    import_time, module = _timed(lambda: import_framework(args.framework))
    args.workload, args.epochs, args.eval = "housing", 0, False
    args.verbose, args.stdout = 0, "devnull"
    result = fit_scan(module, args) if args.framework == "scan" else fit_keras_api(module, args)
    result["import_time"] = import_time
    return result


def task_import(args) -> dict:
    import_time, _ = _timed(lambda: import_framework(args.framework))
    return {"status": "ok", "import_time": import_time}


def task_info(args) -> dict:
    import jax  # the devices JAX sees on this machine (imported here, not at the top)

    versions = {}
    for package in ("jax", "jaxlib", "optax", "numpy", "keras", "torch"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return {"status": "ok", "cpu": _cpu_model(), "cores": os.cpu_count(),
            "platform": platform.platform(), "python": platform.python_version(),
            "versions": versions, "jax_backend": jax.default_backend(),
            "jax_devices": [str(d) for d in jax.devices()]}


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


TASKS = {"fit": task_fit, "cold": task_cold, "import": task_import, "info": task_info}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.worker", description=__doc__.split("\n")[0])
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--framework", choices=FRAMEWORKS, default="neurx")
    parser.add_argument("--workload", choices=sorted(WORKLOADS), default="housing")
    parser.add_argument("--rows", type=int, default=None, help="training rows (workload's default)")
    parser.add_argument("--epochs", type=int, default=None, help="timed epochs after the warm-up one")
    parser.add_argument("--quick", action="store_true", help="small row counts and epochs")
    parser.add_argument("--eval", action="store_true", help="also time evaluate and predict")
    parser.add_argument("--verbose", type=int, default=0, choices=(0, 1, 2))
    parser.add_argument("--stdout", choices=("devnull", "pipe", "tty"), default="devnull",
                        help="where fit's output goes")
    args = parser.parse_args(argv)
    workload = WORKLOADS[args.workload]
    if args.rows is None:
        args.rows = workload.quick_rows if args.quick else workload.rows
    if args.epochs is None:
        args.epochs = workload.quick_epochs if args.quick else workload.epochs
    args.eval_rows = QUICK_EVAL_ROWS if args.quick else EVAL_ROWS
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    try:
        result = TASKS[args.task](args)
    except Exception as error:  # reported to the harness, which shows it in the table
        result = {"status": "error", "reason": f"{type(error).__name__}: {error}"}
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
