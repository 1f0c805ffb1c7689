"""The `neurx` command: `neurx demo`, `neurx run SCRIPT [args...]`, `neurx --version`.

What this module owns: the argument parser (one sub-parser per command, each registered by a
`_add_<command>` function that sets its handler, so new commands are one function away) and the
handlers. `main(argv)` returns the exit code; the `neurx` entry point calls it.

>>> build_parser().prog
'neurx'
"""
from __future__ import annotations

import argparse
import os
import runpy
import sys
import traceback
from typing import Callable, Sequence

import numpy as np

import neurx as keras
from neurx import compat, tensorflow_shim
from neurx.datasets import california_housing


# ----------------------------------------------------------------------------- demo
def _demo(args: argparse.Namespace) -> int:
    """Trains a small MLP on California housing and compares it with the mean predictor."""
    tensorflow_shim.random.set_seed(args.seed)  # = keras.utils.set_random_seed
    (x_train, y_train), (x_test, y_test) = california_housing.load_embedded()
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    print(f"California housing (embedded copy): {len(x_train)} train rows, {len(x_test)} test "
          f"rows, 8 features ({', '.join(california_housing.feature_names)}); "
          "target: median house value in $100,000.\n")

    model = keras.Sequential([
        keras.Input(shape=(8,)),
        keras.layers.Dense(30, activation="relu"),
        keras.layers.Dense(1),
    ])
    model.compile(loss="mse", optimizer="adam")
    model.summary()
    model.fit(x_train, y_train, epochs=args.epochs, validation_split=0.1, verbose=1)

    test_mse = float(np.ravel(model.evaluate(x_test, y_test, verbose=0))[0])
    baseline_mse = float(np.mean((y_test - y_train.mean()) ** 2))
    print(f"\nTest MSE: {test_mse:.4f}   (predict-the-mean baseline: {baseline_mse:.4f})")
    predictions = np.ravel(model.predict(x_test[:3], verbose=0))
    for i, (pred, true) in enumerate(zip(predictions, y_test[:3])):
        print(f"  test row {i}: predicted {pred:.3f}, actual {true:.3f}  (x $100,000)")
    return 0


def _add_demo(commands) -> None:
    p = commands.add_parser("demo", help="train a small MLP on California housing (embedded)",
                            description="Trains Dense(30, relu) -> Dense(1) on the standardized "
                                        "California housing data shipped with neurx.")
    p.add_argument("--epochs", type=int, default=20, help="training epochs (default: 20)")
    p.add_argument("--seed", type=int, default=42, help="random seed (default: 42)")
    p.set_defaults(handler=_demo)


# ----------------------------------------------------------------------------- run
def run_script(script: str, args: Sequence[str] = ()) -> None:
    """Runs a Keras script unchanged with `keras` / `tensorflow` imports resolved to neurx.

    Like `python SCRIPT args...`: `sys.argv` is `[SCRIPT, *args]`, `__name__` is `"__main__"`
    and the script's folder comes first on `sys.path`. Both are restored afterwards, and the
    import hook (`neurx.compat`) is removed unless it was installed before.

    >>> import os, tempfile
    >>> script = os.path.join(tempfile.mkdtemp(), "hello.py")
    >>> with open(script, "w") as f:
    ...     _ = f.write("import keras\\nprint(keras.__name__)\\n")
    >>> run_script(script)
    neurx
    """
    if not os.path.isfile(script):
        raise FileNotFoundError(f"neurx run: no such script: {script!r}")
    was_installed = compat.installed()
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    sys.argv = [script, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    compat.install()
    try:
        runpy.run_path(script, run_name="__main__")
    finally:
        if not was_installed:
            compat.uninstall()
        sys.argv, sys.path[:] = saved_argv, saved_path


def _run(args: argparse.Namespace) -> int:
    if not os.path.isfile(args.script):
        print(f"neurx run: no such script: {args.script!r}", file=sys.stderr)
        return 2
    try:
        run_script(args.script, args.args)
    except SystemExit as exit_:  # the script called sys.exit(code)
        code = exit_.code
        if code is None or isinstance(code, int):
            return code or 0
        print(code, file=sys.stderr)
        return 1
    except Exception as err:  # print it as `python SCRIPT` would: from the script's frame on
        _print_script_traceback(err, args.script)
        return 1
    return 0


def _print_script_traceback(err: BaseException, script: str) -> None:
    tb, target = err.__traceback__, os.path.abspath(script)
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) != target:
        tb = tb.tb_next
    traceback.print_exception(type(err), err, tb or err.__traceback__, file=sys.stderr)


def _add_run(commands) -> None:
    p = commands.add_parser("run", help="run a Keras script unchanged on neurx",
                            description="Runs SCRIPT like `python SCRIPT args...`, with `keras`, "
                                        "`tensorflow.keras` and `tensorflow` imports resolved to "
                                        "neurx.")
    p.add_argument("script", help="path of the Python script")
    p.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the script")
    p.set_defaults(handler=_run)


# ----------------------------------------------------------------------------- main
_COMMANDS: list[Callable] = [_add_demo, _add_run]


def build_parser() -> argparse.ArgumentParser:
    """The `neurx` argument parser.

    >>> build_parser().parse_args(["demo", "--epochs", "3"]).epochs
    3
    """
    parser = argparse.ArgumentParser(
        prog="neurx", description="neurx: the Keras API on JAX. `import neurx as keras`.")
    parser.add_argument("--version", action="version", version=f"neurx {keras.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in _COMMANDS:
        add(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `neurx` command; returns the exit code.

    >>> main(["run", "no_such_script.py"])  # the error goes to stderr
    2
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version, usage errors
        return exit_.code if isinstance(exit_.code, int) else 0
    if args.command is None:
        parser.print_help()
        return 0
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
