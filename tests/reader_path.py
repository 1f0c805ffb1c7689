"""The reader's path: code written for `import neurx as keras` rewritten in the `tensorflow`
spellings a reader's notes use, and run through `python -m neurx.cli run` (the alias).

`tensorflow_spelling(source)` rewrites one file's code; `neurx_run(script, *args)` runs a
script as `neurx run` does, in a subprocess whose working folder is the script's.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (pattern, replacement), applied in order to each line's start. `neurx.summary` becomes
# `tf.summary` (Hands-On ML writes its own logs with it); every other neurx module is its
# `tensorflow.keras` spelling; `neurx.tuners` is KerasTuner.
_IMPORTS = [
    (r"^(\s*)import neurx as keras\s*$", r"\1from tensorflow import keras\n\1import tensorflow as tf"),
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
