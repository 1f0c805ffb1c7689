"""Drop-in import alias: `import keras` / `import tensorflow as tf` give neurx.

What this module owns: an import hook (a `sys.meta_path` finder that is also the loader) that
maps module names to neurx while installed, and `install()` / `uninstall()` / `installed()`.

Mapped names (and every submodule below them, e.g. `keras.layers` -> `neurx.layers`):

- `keras`, `tf_keras`, `tensorflow.keras` -> `neurx`
- `tensorflow` -> `neurx.tensorflow_shim` (`tf.keras`, `tf.summary`, `tf.random.set_seed`,
  `tf.__version__`)
- `keras_tuner` -> `neurx.tuners` (KerasTuner's interface on optuna)

Third-party packages that probe for TensorFlow by importing `tensorflow` would get the shim;
`tensorboard` is the one neurx's users reach (TensorBoard callback, `tf.summary`), so while the
alias is installed it is told to use its own TensorFlow stand-in.

A submodule that neurx lacks raises `ModuleNotFoundError` naming what neurx has.

>>> from neurx import compat
>>> compat.install()
>>> import keras
>>> from tensorflow.keras.layers import Dense
>>> keras.__name__, Dense.__module__.split(".")[0]
('neurx', 'neurx')
>>> compat.uninstall()
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import pkgutil
import sys

from neurx.tensorboard._deps import use_tensorboard_stub

__all__ = ["install", "uninstall", "installed"]

# Alias prefix -> neurx module it stands for; longest prefix wins.
ALIASES = {
    "keras": "neurx",
    "tf_keras": "neurx",
    "tensorflow": "neurx.tensorflow_shim",
    "tensorflow.keras": "neurx",
    "tensorflow.random": "neurx.tensorflow_shim.random",
    "tensorflow.summary": "neurx.summary",
    "keras_tuner": "neurx.tuners",
}
_ROOTS = ("keras", "tf_keras", "tensorflow", "keras_tuner")
_SHIM = "neurx.tensorflow_shim"
_NOT_KERAS = {"cli", "compat", "jupyter", "notebook_runner", "tensorflow_shim"}  # neurx's own modules, not Keras names


def _is_managed(name: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in _ROOTS)


def _target(name: str) -> str | None:
    """The neurx module name an alias stands for, or None when the name is not ours."""
    for alias in sorted(ALIASES, key=len, reverse=True):
        if name == alias or name.startswith(alias + "."):
            return ALIASES[alias] + name[len(alias):]
    return None


def _neurx_submodules(package: str) -> list[str]:
    """Names of the submodules neurx has under `package` (pkgutil discovery)."""
    module = sys.modules.get(package) or importlib.import_module(package)
    return sorted(info.name for info in pkgutil.iter_modules(getattr(module, "__path__", []))
                  if not info.name.startswith("_") and info.name not in _NOT_KERAS)


def _resolve(target: str):
    """Imports `target`, a module or (for `tensorflow.random`) a module-valued attribute."""
    if target == _SHIM + ".random":
        return importlib.import_module(_SHIM).random
    return importlib.import_module(target)


class _AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds `keras...` / `tensorflow...` names and loads the neurx module they stand for."""

    def __init__(self):
        self._saved_specs: dict = {}

    def find_spec(self, fullname, path=None, target=None):
        neurx_name = _target(fullname)
        if neurx_name is None:
            return None
        if neurx_name.startswith(_SHIM + ".") and neurx_name != _SHIM + ".random":
            shim = importlib.import_module(_SHIM)
            raise ModuleNotFoundError(str(shim._not_tensorflow(fullname[len("tensorflow."):])),
                                      name=fullname)
        if neurx_name != _SHIM + ".random" and not _exists(neurx_name):
            parent = neurx_name.rpartition(".")[0]
            has = ", ".join(_neurx_submodules(parent) if _exists(parent) else []) or "nothing"
            raise ModuleNotFoundError(
                f"No module named {fullname!r}: under neurx it would be {neurx_name!r}, which "
                f"neurx does not provide (yet). {parent} has: {has}.", name=fullname)
        return importlib.machinery.ModuleSpec(fullname, self, origin=neurx_name)

    def create_module(self, spec):
        module = _resolve(spec.origin)
        # importlib overwrites __spec__ on the module it is given; keep neurx's own.
        self._saved_specs[id(module)] = getattr(module, "__spec__", None)
        return module

    def exec_module(self, module):
        module.__spec__ = self._saved_specs.pop(id(module), None)


def _exists(name: str) -> bool:
    if name in sys.modules:
        return True
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # a parent package is missing
        return False


_finder = _AliasFinder()
_shadowed: dict = {}  # real keras / tensorflow modules imported before install()


def installed() -> bool:
    """Whether the alias hook is active.

    >>> from neurx import compat
    >>> compat.installed()
    False
    """
    return _finder in sys.meta_path


def install() -> None:
    """Makes `keras`, `tensorflow`, `tensorflow.keras`, `keras_tuner` and their submodules
    import neurx.

    Modules already imported under those names (a real Keras) are set aside and restored by
    `uninstall()`. Installing twice is harmless. `tensorboard` is set to its TensorFlow
    stand-in for the rest of the process.

    >>> from neurx import compat
    >>> compat.install()
    >>> import tensorflow as tf
    >>> tf.keras.__name__
    'neurx'
    >>> compat.uninstall()
    """
    if installed():
        return
    for name in [n for n in sys.modules if _is_managed(n)]:
        _shadowed[name] = sys.modules.pop(name)
    use_tensorboard_stub()
    sys.meta_path.insert(0, _finder)
    importlib.invalidate_caches()


def uninstall() -> None:
    """Removes the alias hook and restores the modules `install()` set aside (a no-op when
    the hook is not installed, so a real Keras imported meanwhile is left alone).

    >>> from neurx import compat
    >>> compat.install(); compat.uninstall(); compat.installed()
    False
    """
    if not installed():
        return
    sys.meta_path.remove(_finder)
    for name in [n for n in sys.modules if _is_managed(n)]:
        del sys.modules[name]
    sys.modules.update(_shadowed)
    _shadowed.clear()
    importlib.invalidate_caches()
