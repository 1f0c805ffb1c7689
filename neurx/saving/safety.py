"""What a saved file may and may not make neurx do.

What it owns: safe mode (the default since CVE-2024-3660: a config that carries
Python bytecode, such as a `Lambda` layer's lambda or a lambda loss, is refused
before anything is built, naming the layer and `safe_mode=False`), the one
place bytecode is ever turned back into a function (`load_function`, only with
`safe_mode=False`), and the checks on a `.keras` archive's members (no `../`
or absolute names, no oversized members).
"""
from __future__ import annotations

import builtins
import codecs
import contextlib
import marshal
import posixpath
import sys
import threading
import types
import zipfile

import numpy as np

from neurx.config import unsafe_deserialization_enabled

# Largest sizes accepted for the members of a `.keras` archive (uncompressed).
MAX_CONFIG_BYTES = 64 * 2 ** 20
MAX_WEIGHTS_BYTES = 64 * 2 ** 30
MAX_COMPRESSION_RATIO = 1000
_ALLOWED_MEMBERS = ("config.json", "metadata.json", "model.weights.h5", "model.weights.npz")

_state = threading.local()


@contextlib.contextmanager
def safe_mode_scope(safe_mode: bool | None):
    """Sets the safe mode for nested deserialization calls inside the block.

    >>> with safe_mode_scope(False):
    ...     in_safe_mode()
    False
    >>> in_safe_mode()
    True
    """
    previous = getattr(_state, "safe_mode", None)
    if safe_mode is not None:
        _state.safe_mode = bool(safe_mode)
    try:
        yield
    finally:
        _state.safe_mode = previous


def in_safe_mode(safe_mode: bool | None = None) -> bool:
    """False after `keras.config.enable_unsafe_deserialization()`; else `safe_mode` if
    given, else the enclosing scope's, else True.

    >>> in_safe_mode(), in_safe_mode(False)
    (True, False)
    """
    if unsafe_deserialization_enabled():
        return False
    if safe_mode is not None:
        return bool(safe_mode)
    scoped = getattr(_state, "safe_mode", None)
    return True if scoped is None else scoped


def _is_bytecode(value) -> bool:
    if isinstance(value, dict) and value.get("class_name") == "__lambda__":
        return True
    return False


def _keras2_lambda(config: dict) -> bool:
    inner = config.get("config")
    return (config.get("class_name") == "Lambda" and isinstance(inner, dict)
            and (inner.get("function_type") == "lambda"
                 or isinstance(inner.get("function"), (list, tuple))))


def find_bytecode(config, where: str = "the model") -> str | None:
    """Where in a config Python bytecode sits (a description), or None.

    >>> find_bytecode({"class_name": "Lambda", "config": {"name": "double",
    ...     "function": {"class_name": "__lambda__", "config": {"code": "..."}}}})
    "layer 'double'"
    >>> find_bytecode({"class_name": "Dense", "config": {"name": "d", "units": 2}}) is None
    True
    """
    if isinstance(config, dict):
        if _is_bytecode(config):
            return where
        if _keras2_lambda(config):
            return f"layer '{config['config'].get('name', '?')}'"
        inner = config.get("config")
        named = isinstance(inner, dict) and isinstance(inner.get("name"), str)
        if named and _looks_like_layer(config):
            where = f"layer '{inner['name']}'"
        for key, value in config.items():
            here = "the compiled loss/metrics" if key in ("compile_config", "training_config") \
                else where
            found = find_bytecode(value, here)
            if found:
                return found
    elif isinstance(config, (list, tuple)):
        for value in config:
            found = find_bytecode(value, where)
            if found:
                return found
    return None


def _looks_like_layer(config: dict) -> bool:
    module = config.get("module") or ""
    return module.startswith("keras.layers") or "inbound_nodes" in config or \
        config.get("class_name") in ("Lambda", "Sequential", "Functional", "Model")


def check_config(config, path: str, safe_mode: bool = True) -> None:
    """Refuses (before anything is built) a config that holds bytecode, in safe mode.

    >>> check_config({"class_name": "Dense", "config": {"name": "d"}}, "m.keras")
    """
    if not in_safe_mode(safe_mode):
        return
    where = find_bytecode(config)
    if where is not None:
        raise ValueError(
            f"Refusing to load '{path}': {where} holds Python bytecode (a serialized "
            "lambda). Loading it would run code taken from the file, so it is disallowed "
            "in safe mode. If you trust the source of this file, pass `safe_mode=False` "
            "to the loading function. Nothing from the file was executed.")


def dump_function(fn) -> dict:
    """Keras's Lambda form of a Python function: base64 marshal bytecode.

    >>> sorted(dump_function(lambda x: x + 1)["config"])
    ['closure', 'code', 'defaults']
    """
    code = codecs.encode(marshal.dumps(fn.__code__), "base64").decode("ascii")
    closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
    return {"class_name": "__lambda__",
            "config": {"code": code, "defaults": fn.__defaults__, "closure": closure}}


def _function_globals() -> dict:
    env = {"__builtins__": builtins, "np": np, "numpy": np}
    neurx = sys.modules.get("neurx")
    if neurx is not None:
        env.update(keras=neurx, neurx=neurx, K=neurx.backend, ops=neurx.ops)
        env.update(tf=getattr(neurx, "tensorflow_shim", None) or neurx)
    jnp = sys.modules.get("jax.numpy")
    if jnp is not None:
        env["jnp"] = jnp
    return env


def load_function(config, where: str, safe_mode: bool | None = None):
    """Rebuilds a function from `dump_function`'s config (or Keras 2's tuple form).

    Refused in safe mode with a message naming `where` and `safe_mode=False`.

    >>> config = dump_function(lambda x: x + 1)["config"]
    >>> load_function(config, "a doc example", safe_mode=False)(1)
    2
    >>> try:
    ...     load_function(config, "a doc example")
    ... except ValueError as error:
    ...     print(str(error)[:58])
    Refusing to deserialize the Python lambda of a doc example
    """
    if in_safe_mode(safe_mode):
        raise ValueError(
            f"Refusing to deserialize the Python lambda of {where}: running bytecode "
            "from a file can execute arbitrary code. If you trust the source, pass "
            "`safe_mode=False` to the loading function.")
    if isinstance(config, dict) and "code" in config:
        code, defaults, closure = config["code"], config.get("defaults"), config.get("closure")
    elif isinstance(config, dict) and "value" in config:
        code, defaults, closure = config["value"]
    else:
        code, defaults, closure = config
    raw = codecs.decode(code.encode("ascii"), "base64")
    function_code = marshal.loads(raw)
    cells = None
    if closure is not None:
        cells = tuple(types.CellType(value) for value in closure)
    defaults = tuple(defaults) if isinstance(defaults, list) else defaults
    return types.FunctionType(function_code, _function_globals(), function_code.co_name,
                              defaults, cells)


def check_archive(archive: zipfile.ZipFile, path: str) -> None:
    """Refuses members outside the archive root, unexpected names and oversized members.

    >>> import io
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as archive:
    ...     archive.writestr("../evil.py", "")
    >>> check_archive(zipfile.ZipFile(buffer), "evil.keras")
    Traceback (most recent call last):
    ...
    ValueError: Refusing to load 'evil.keras': archive member '../evil.py' points outside the archive (absolute path or '..').
    """
    for info in archive.infolist():
        name = info.filename
        normalized = posixpath.normpath(name.replace("\\", "/"))
        if name.startswith(("/", "\\")) or normalized.startswith("..") or ":" in name \
                or "/../" in f"/{name.replace(chr(92), '/')}/":
            raise ValueError(f"Refusing to load '{path}': archive member '{name}' points "
                             "outside the archive (absolute path or '..').")
        if name not in _ALLOWED_MEMBERS and not normalized.startswith("assets/"):
            raise ValueError(f"Refusing to load '{path}': unexpected archive member "
                             f"'{name}'. A .keras file holds {list(_ALLOWED_MEMBERS[:3])} "
                             "and an optional assets/ folder.")
        limit = MAX_CONFIG_BYTES if name.endswith(".json") else MAX_WEIGHTS_BYTES
        if info.file_size > limit:
            raise ValueError(f"Refusing to load '{path}': archive member '{name}' is "
                             f"{info.file_size} bytes uncompressed; the limit is {limit}.")
        if info.compress_size and info.file_size > MAX_COMPRESSION_RATIO * info.compress_size \
                and info.file_size > 2 ** 20:
            raise ValueError(f"Refusing to load '{path}': archive member '{name}' expands "
                             f"{info.file_size // info.compress_size}x (a zip bomb?).")
