"""JAX's persistent compilation cache, on by default in a user cache folder.

A program compiled once (a model's training step, its evaluate and predict programs, the
epoch plan) is written to disk, so that rerunning a script or a notebook cell, or the next
search over models of the same shapes, loads it instead of compiling it again.

Where it lives: `$NEURX_COMPILATION_CACHE` when set to a folder, otherwise
`$XDG_CACHE_HOME/neurx/jax` (`~/.cache/neurx/jax`). `NEURX_COMPILATION_CACHE=0` (or `off`)
turns it off, as the test suite does; a cache folder the user gave JAX itself
(`JAX_COMPILATION_CACHE_DIR` or `jax.config`) is left alone.
"""
from __future__ import annotations

import os

import jax
from jax.experimental.compilation_cache import compilation_cache

ENVIRONMENT_VARIABLE = "NEURX_COMPILATION_CACHE"
MAX_SIZE_BYTES = 2 * 1024 ** 3
# neurx's programs compile in tenths of a second, below JAX's default threshold of 1 s;
# below this one a program is cheaper to compile than to look up.
MIN_COMPILE_TIME_S = 0.05
_OFF = ("0", "off", "false", "no", "")


def default_cache_dir() -> str:
    """The user cache folder the compilation cache uses unless told otherwise.

    >>> default_cache_dir().endswith(os.path.join("neurx", "jax"))
    True
    """
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "neurx", "jax")


def compilation_cache_dir() -> str | None:
    """The folder compiled programs are cached in, or None when the cache is off.

    >>> enable_compilation_cache("/tmp/neurx-doc-cache")
    >>> compilation_cache_dir()
    '/tmp/neurx-doc-cache'
    >>> disable_compilation_cache()
    >>> compilation_cache_dir() is None
    True
    """
    if not jax.config.jax_enable_compilation_cache:
        return None
    return jax.config.jax_compilation_cache_dir


def enable_compilation_cache(path: str | os.PathLike | None = None) -> None:
    """Caches compiled programs in `path` (default: `default_cache_dir()`) from now on.

    Args:
        path: the cache folder; created on the first write.

    >>> enable_compilation_cache("/tmp/neurx-doc-cache")
    >>> compilation_cache_dir()
    '/tmp/neurx-doc-cache'
    >>> disable_compilation_cache()
    """
    folder = os.fspath(path) if path is not None else default_cache_dir()
    if folder != jax.config.jax_compilation_cache_dir or not jax.config.jax_enable_compilation_cache:
        compilation_cache.reset_cache()
    jax.config.update("jax_enable_compilation_cache", True)
    jax.config.update("jax_compilation_cache_dir", folder)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", MIN_COMPILE_TIME_S)
    jax.config.update("jax_compilation_cache_max_size", MAX_SIZE_BYTES)


def disable_compilation_cache() -> None:
    """Stops reading and writing the persistent compilation cache.

    >>> disable_compilation_cache()
    >>> compilation_cache_dir() is None
    True
    """
    jax.config.update("jax_enable_compilation_cache", False)
    compilation_cache.reset_cache()


def configure_from_environment() -> None:
    """Applies `NEURX_COMPILATION_CACHE` (run once by `import neurx`).

    >>> os.environ["NEURX_COMPILATION_CACHE"] = "off"
    >>> configure_from_environment()
    >>> compilation_cache_dir() is None
    True
    """
    setting = os.environ.get(ENVIRONMENT_VARIABLE)
    if setting is not None and setting.strip().lower() in _OFF:
        disable_compilation_cache()
    elif setting:
        enable_compilation_cache(setting)
    elif not jax.config.jax_compilation_cache_dir:
        enable_compilation_cache()
