"""The import contract of docs/architecture.md holds (import-linter, configured in
pyproject.toml): imports run one way, from the tools down to the core."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def test_import_contract_is_kept():
    result = subprocess.run([_tool("lint-imports"), "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
