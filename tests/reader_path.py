"""The reader's path: code written for `import neurx as keras` rewritten in the `tensorflow`
spellings a reader's notes use, and run through `python -m neurx.cli run` (the alias).

`tensorflow_spelling(source)` rewrites one file's code; `neurx_run(script, *args)` runs a
script as `neurx run` does, in a subprocess whose working folder is the script's.

Run as a script (under `neurx run`, by tests/test_reader_path.py), it is the driver of one
group: `reader_path.py examples|pages|seeds PATH...` rewrites each file, runs it in a fresh
folder with the docs' small dataset cache (as tests/test_docs.py runs the originals), and
exits non-zero naming every file that failed. Examples get `--epochs 1` when they take it.
"""
from __future__ import annotations

import os
import pathlib
import re
import runpy
import subprocess
import sys
import tempfile
import traceback

import docs_cache
import pytest
from test_docs import python_blocks

import neurx
from neurx import compat, legacy

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (pattern, replacement), applied in order to each line's start. `neurx.summary` becomes
# `tf.summary` (Hands-On ML writes its own logs with it); every other neurx module is its
# `tensorflow.keras` spelling; `neurx.tuners` is KerasTuner.
_IMPORTS = [
    (r"^(\s*)import neurx as keras\s*$",
     r"\1from tensorflow import keras\n\1import tensorflow as tf"),
    (r"^(\s*)import neurx\s*$", r"\1from tensorflow import keras as neurx"),
    (r"^(\s*)from neurx import tuners as (\w+)", r"\1import keras_tuner as \2"),
    (r"^(\s*)from neurx\.tuners import ", r"\1from keras_tuner import "),
    (r"^(\s*)from neurx import summary\b", r"\1from tensorflow import summary"),
    (r"^(\s*)from neurx\.(\w[\w.]*) import ", r"\1from tensorflow.keras.\2 import "),
    (r"^(\s*)from neurx import ", r"\1from tensorflow.keras import "),
]
_SUMMARY = re.compile(r"\b(?:keras|neurx)\.summary\.")


def tensorflow_spelling(source: str) -> str:
    """`source` with neurx's imports in the `tensorflow` spellings and `keras.summary.` as
    `tf.summary.`. Code that never imports neurx is returned unchanged.

    >>> print(tensorflow_spelling("import neurx as keras\\nw = keras.summary.create_file_writer"))
    from tensorflow import keras
    import tensorflow as tf
    w = tf.summary.create_file_writer
    """
    lines = []
    for line in source.splitlines():
        for pattern, replacement in _IMPORTS:
            line, count = re.subn(pattern, replacement, line)
            if count:
                break
        lines.append(line)
    text = "\n".join(lines) + ("\n" if source.endswith("\n") else "")
    if "import tensorflow as tf" not in text and _SUMMARY.search(text):
        text = "import tensorflow as tf\n" + text
    return _SUMMARY.sub("tf.summary.", text)


def neurx_run(script, *args, env: dict | None = None, timeout: float = 600):
    """Runs `python -m neurx.cli run SCRIPT ARGS` in the script's folder; returns the
    `CompletedProcess` (text stdout and stderr)."""
    env = dict(os.environ if env is None else env)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (REPO, env.get("PYTHONPATH")) if p)
    return subprocess.run([sys.executable, "-m", "neurx.cli", "run", str(script), *args],
                          capture_output=True, text=True, env=env, timeout=timeout,
                          cwd=os.path.dirname(os.path.abspath(str(script))))


# ----------------------------------------------------------------------------- the driver
def _fresh_session() -> None:
    """What tests/conftest.py's `fresh_session` does before each test."""
    neurx.backend.clear_session()
    neurx.utils.set_random_seed(42)
    legacy.reset()


def _run_example(path: pathlib.Path, folder: pathlib.Path) -> None:
    source = path.read_text()
    script = folder / f"tf_{path.name}"
    script.write_text(tensorflow_spelling(source))
    sys.argv = [str(script), *(["--epochs", "1"] if '"--epochs"' in source else [])]
    runpy.run_path(str(script), run_name="__main__")


def _run_page(path: pathlib.Path, folder: pathlib.Path) -> None:
    namespace = {"__name__": "__main__"}
    for line, block in python_blocks(path.read_text()):
        compat.install()   # again after a page that shows `compat.uninstall()`
        exec(compile(tensorflow_spelling(block), f"{path.name}:{line} (tensorflow spellings)",
                     "exec"), namespace)


def _run_seeds(paths: list, folder: pathlib.Path) -> int:
    tests_dir = pathlib.Path(__file__).resolve().parent
    for path in [tests_dir / "conftest.py", *paths]:
        (folder / path.name).write_text(tensorflow_spelling(path.read_text()))
    return pytest.main([str(folder / path.name) for path in paths] + [
        "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-c",
        os.path.join(REPO, "pyproject.toml"), "--rootdir", str(folder)])


def main(kind: str, paths: list) -> int:
    paths = [pathlib.Path(p).resolve() for p in paths]
    failed = []
    # A page's files are checked by its own code; removing the folder afterwards can race a
    # writer thread the page left open (seen once, in a TensorBoard run folder), which is not a
    # failure of the page.
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp, \
            pytest.MonkeyPatch.context() as monkeypatch:
        docs_cache.fill(pathlib.Path(tmp) / "neurx_home", monkeypatch)
        monkeypatch.setenv("MPLBACKEND", "Agg")
        if kind == "seeds":
            return _run_seeds(paths, pathlib.Path(tmp))
        for path in paths:
            folder = pathlib.Path(tempfile.mkdtemp(dir=tmp))
            monkeypatch.chdir(folder)
            _fresh_session()
            print(f"--- {path.name} (tensorflow spellings)", flush=True)
            try:
                (_run_example if kind == "examples" else _run_page)(path, folder)
            except Exception:
                traceback.print_exc()
                failed.append(path.name)
    if failed:
        print(f"FAILED under the tensorflow alias: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
