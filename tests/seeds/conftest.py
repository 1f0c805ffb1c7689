"""The notes' tests run by default through the `tensorflow` alias (tests/test_reader_path.py,
group `seeds`); run here, as `import neurx as keras`, they are the same code a second time, so
they are `slow` (`python -m pytest -m slow tests/seeds` runs them)."""
import pathlib

import pytest

SEEDS = pathlib.Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.parent == SEEDS:
            item.add_marker(pytest.mark.slow)
