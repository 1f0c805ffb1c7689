"""Every Python block in README.md and docs/ runs, and every script in examples/ runs.

By default they run through the `tensorflow` alias, as readers run them
(tests/test_reader_path.py); the runs here, as `import neurx as keras`, are the same code a
second time and are `slow` (`python -m pytest -m slow tests/test_docs.py`).

The blocks of one Markdown file run in order in one namespace (as a reader would type them into
one session), in a temporary folder, with the datasets served from a cache of small files in the
published formats (tests/docs_cache.py). Blocks fenced as ```python run; other fences (```bash,
```text, ```console) are shown only.
"""
from __future__ import annotations

import pathlib
import re
import runpy
import sys

import docs_cache
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)


def python_blocks(text: str) -> list[tuple[int, str]]:
    """The ```python blocks of a Markdown text, with the line each starts on."""
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in FENCE.finditer(text)]


@pytest.fixture
def reader_session(tmp_path, monkeypatch):
    docs_cache.fill(tmp_path / "neurx_home", monkeypatch)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return work


def _name(path: pathlib.Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.slow
@pytest.mark.parametrize("page", [p for p in PAGES if python_blocks(p.read_text())], ids=_name)
def test_page_code_runs(page, reader_session):
    namespace = {"__name__": "__main__"}
    for line, block in python_blocks(page.read_text()):
        code = compile(block, f"{_name(page)}:{line}", "exec")
        exec(code, namespace)


@pytest.mark.slow
@pytest.mark.parametrize("script", EXAMPLES, ids=_name)
def test_example_runs(script, reader_session, monkeypatch):
    monkeypatch.setattr(sys, "argv", [str(script)])
    runpy.run_path(str(script), run_name="__main__")


def test_fences_are_found():
    text = "a\n```python\nx = 1\n```\n```bash\nls\n```\n```python\ny = 2\n```\n"
    assert python_blocks(text) == [(3, "x = 1\n"), (9, "y = 2\n")]
