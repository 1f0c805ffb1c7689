"""The `neurx` command: `neurx demo`, `neurx run SCRIPT|NOTEBOOK [args...]`, `neurx info`,
`neurx datasets list|download NAME|path [NAME]`, `neurx kernel install|uninstall`,
`neurx playground [--port N] [--no-browser]`, `neurx --version`.

What this module owns: the argument parser (one sub-parser per command, each registered by a
`_add_<command>` function that sets its handler, so new commands are one function away) and the
handlers. `main(argv)` returns the exit code; the `neurx` entry point calls it.

>>> build_parser().prog
'neurx'
"""
from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import runpy
import sys
import traceback
from collections.abc import Callable, Sequence

import jax
import numpy as np

import neurx as keras
from neurx import compat, jupyter, notebook_runner, playground, tensorflow_shim
from neurx.datasets import california_housing, sources
from neurx.support import file_utils


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
        if args.script.endswith(".ipynb"):
            notebook_runner.run_notebook(args.script, args.args)
        else:
            run_script(args.script, args.args)
    except notebook_runner.MissingExtraError as err:
        print(f"neurx run: {err}", file=sys.stderr)
        return 1
    except notebook_runner.CellError as err:
        _print_script_traceback(err.error, err.filename)
        print(f"neurx run: {args.script}: {err}", file=sys.stderr)
        return 1
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
    """The traceback from the first frame running `script` (a file, or a notebook cell's
    `cell_filename`) on."""
    tb, target = err.__traceback__, os.path.abspath(script)
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) != target:
        tb = tb.tb_next
    traceback.print_exception(type(err), err, tb or err.__traceback__, file=sys.stderr)


def _add_run(commands) -> None:
    p = commands.add_parser("run", help="run a Keras script or notebook unchanged on neurx",
                            description="Runs SCRIPT like `python SCRIPT args...`, with `keras`, "
                                        "`tensorflow.keras` and `tensorflow` imports resolved to "
                                        "neurx. A Jupyter notebook (.ipynb) runs its code cells "
                                        "in order in its own folder; IPython magics and shell "
                                        "lines are skipped, each with a line saying so.")
    p.add_argument("script", help="path of the Python script or Jupyter notebook (.ipynb)")
    p.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the script")
    p.set_defaults(handler=_run)


# ----------------------------------------------------------------------------- info
def _version_of(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _cache_status(name: str) -> str:
    """'cached', 'partly cached (2/4 files)' or 'not cached' (files present; hashes are checked
    when loading)."""
    found = sources.cached(name)
    have = sum(path is not None for path in found)
    if have == len(found):
        where = {"neurx" if path.startswith(file_utils.neurx_home()) else "keras"
                 for path in found}
        return "cached" + ("" if where == {"neurx"} else " (in Keras's cache)")
    return f"partly cached ({have}/{len(found)} files)" if have else "not cached"


def _info(args: argparse.Namespace) -> int:
    """Versions, devices and the dataset cache: what to paste into a bug report."""
    print(f"neurx {keras.__version__}")
    print(f"Python {platform.python_version()} ({platform.python_implementation()}) on "
          f"{platform.platform()}")
    print("packages: " + ", ".join(f"{name} {_version_of(name)}"
                                   for name in ("jax", "jaxlib", "optax", "numpy", "h5py")))
    devices = jax.devices()
    print(f"JAX devices ({jax.default_backend()}, {len(devices)}): "
          + ", ".join(str(device) for device in devices))
    print(f"dataset cache: {os.path.join(file_utils.neurx_home(), 'datasets')} "
          f"(NEURX_HOME={os.environ.get('NEURX_HOME', 'unset')}; copies in "
          f"{os.path.join(file_utils.keras_home(), 'datasets')} are reused)")
    cached = [name for name in sources.DATASETS if _cache_status(name).startswith("cached")]
    print("cached datasets: " + (", ".join(cached) if cached else "none")
          + " (california_housing also has an embedded copy)")
    return 0


def _add_info(commands) -> None:
    p = commands.add_parser("info", help="versions, JAX devices and the dataset cache",
                            description="Prints the versions of neurx, Python, JAX, optax and "
                                        "NumPy, the JAX devices, the dataset cache folder and "
                                        "which datasets are cached.")
    p.set_defaults(handler=_info)


# ----------------------------------------------------------------------------- datasets
def _datasets_list(args: argparse.Namespace) -> int:
    width = max(len(name) for name in sources.DATASETS)
    for name, files in sources.DATASETS.items():
        names = ", ".join(entry.fname for entry in files)
        print(f"{name:<{width}}  {_cache_status(name):<30}  {names}")
    return 0


def _datasets_download(args: argparse.Namespace) -> int:
    names = list(sources.DATASETS) if args.name == "all" else [args.name]
    for name in names:
        for entry in sources.DATASETS[name]:
            try:
                path = sources.fetch(name, entry.fname)
            except (OSError, ValueError) as err:
                print(f"neurx datasets download: {err}", file=sys.stderr)
                return 1
            print(f"{name}: {path}")
    return 0


def _datasets_path(args: argparse.Namespace) -> int:
    if args.name is None:
        print(os.path.join(file_utils.neurx_home(), "datasets"))
        return 0
    for entry, found in zip(sources.DATASETS[args.name], sources.cached(args.name)):
        print(found or entry.paths()[0] + "  (not downloaded yet)")
    return 0


def _add_datasets(commands) -> None:
    p = commands.add_parser("datasets", help="list, download or locate the datasets",
                            description="The datasets of `neurx.datasets`: their files come "
                                        "from Keras's published URLs, verified by their hashes, "
                                        "and are cached in $NEURX_HOME/datasets (default "
                                        "~/.neurx/datasets); copies in ~/.keras/datasets are "
                                        "reused.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every dataset and whether it is cached",
                                 description="Lists every dataset, whether its files are "
                                             "cached, and their names.")
    listing.set_defaults(handler=_datasets_list)
    download = actions.add_parser("download", help="download a dataset's files into the cache",
                                  description="Downloads NAME's files (as `load_data` does), "
                                              "verifies their hashes and prints their paths.")
    download.add_argument("name", choices=[*sources.DATASETS, "all"], metavar="NAME",
                          help="a dataset (" + ", ".join(sources.DATASETS) + ") or all")
    download.set_defaults(handler=_datasets_download)
    path = actions.add_parser("path", help="the cache folder, or a dataset's file paths",
                              description="Without NAME, prints the cache folder; with NAME, "
                                          "the path of each of its files (where it will be "
                                          "downloaded when it is not cached yet).")
    path.add_argument("name", nargs="?", choices=list(sources.DATASETS), metavar="NAME",
                      help="a dataset: " + ", ".join(sources.DATASETS))
    path.set_defaults(handler=_datasets_path)


# ----------------------------------------------------------------------------- playground
def _playground(args: argparse.Namespace) -> int:
    try:
        playground.serve(args.port, open_browser=not args.no_browser,
                         max_sessions=args.max_sessions)
    except (OSError, ValueError) as err:   # port taken, out of range
        print(f"neurx playground: {err}", file=sys.stderr)
        return 1
    return 0


def _add_playground(commands) -> None:
    p = commands.add_parser("playground", help="train small networks in the browser",
                            description="Serves a page on 127.0.0.1 like TensorFlow Playground: "
                                        "2-D datasets, features, layers, activation, learning "
                                        "rate and regularization, trained live by neurx.")
    p.add_argument("--port", type=int, default=8765, help="port to serve on (default: 8765; "
                                                          "0: any free port)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser tab")
    p.add_argument("--max-sessions", type=int, default=8,
                   help="browser tabs served at once (default: 8)")
    p.set_defaults(handler=_playground)


# ----------------------------------------------------------------------------- kernel
def _kernel_prefix(args: argparse.Namespace) -> str | None:
    return sys.prefix if args.sys_prefix else args.prefix


def _kernel(args: argparse.Namespace) -> int:
    installing = args.action == "install"
    change = jupyter.install_kernel_spec if installing else jupyter.uninstall_kernel_spec
    try:
        folder = change(user=args.user, prefix=_kernel_prefix(args))
    except (ImportError, OSError) as err:
        print(f"neurx kernel {args.action}: {err}", file=sys.stderr)
        return 1
    done = f"Installed the kernel spec {jupyter.KERNEL_NAME!r} ({jupyter.DISPLAY_NAME}) in" \
        if installing else f"Removed the kernel spec {jupyter.KERNEL_NAME!r} from"
    print(f"{done} {folder}")
    return 0


def _add_kernel(commands) -> None:
    p = commands.add_parser("kernel", help="install the Jupyter kernel \"Python 3 (neurx)\"",
                            description="Jupyter kernels started from this kernel spec are "
                                        "ipykernel's with `%load_ext neurx` done, so notebooks "
                                        "run `from tensorflow import keras` on neurx unchanged.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, verb, default in (("install", "install", "system-wide"),
                                ("uninstall", "remove", "the first one Jupyter finds")):
        action = actions.add_parser(name, help=f"{verb} the kernel spec `neurx`",
                                    description=f"{verb.capitalize()}s the kernel spec `neurx` "
                                                f"({default} unless an option says where).")
        where = action.add_mutually_exclusive_group()
        where.add_argument("--user", action="store_true",
                           help="for the current user (Jupyter's data folder)")
        where.add_argument("--sys-prefix", action="store_true",
                           help=f"in this Python's prefix ({sys.prefix}), e.g. a virtualenv")
        where.add_argument("--prefix", metavar="PREFIX",
                           help="under PREFIX/share/jupyter/kernels")
        action.set_defaults(handler=_kernel)


# ----------------------------------------------------------------------------- main
_COMMANDS: list[Callable] = [_add_demo, _add_run, _add_info, _add_datasets,
                            _add_playground, _add_kernel]


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
