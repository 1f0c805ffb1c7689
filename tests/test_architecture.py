"""The house rules that tools check, configured in pyproject.toml: the import contract of
docs/architecture.md (import-linter: imports run one way, from the tools down to the core)
and the linter (ruff)."""
import subprocess
import sys
from pathlib import Path

import keras as real_keras
import pytest

import neurx

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    path = Path(sys.executable).parent / name
    if not path.exists():
        pytest.fail(f"`{name}` is not installed in this environment: it is a test dependency "
                    "(pip install -e '.[test]').")
    return str(path)


def test_import_contract_is_kept():
    result = subprocess.run([_tool("lint-imports"), "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_ruff_finds_nothing():
    result = subprocess.run([_tool("ruff"), "check", "--no-cache", "neurx", "tests"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_namespaces_keep_their_re_exports():
    """A linter's unused-import fix must not drop a name a namespace re-exports."""
    names = ["epsilon", "floatx", "image_data_format", "set_epsilon", "set_floatx",
             "set_image_data_format"]
    assert [name for name in names if not callable(getattr(neurx.backend, name, None))] == []
    assert [name for name in names if not hasattr(real_keras.backend, name)] == []
    assert neurx.backend.floatx() == real_keras.backend.floatx() == "float32"
