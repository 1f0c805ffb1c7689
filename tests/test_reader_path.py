"""The reader's path (issue 13): every examples/ script, every guide's code and the notes'
code blocks (tests/seeds) run rewritten in the `tensorflow` spellings
(`from tensorflow import keras`, `import tensorflow as tf`, `tf.summary`, `keras_tuner`) and
run through `python -m neurx.cli run`, several files per subprocess (tests/reader_path.py).
These are the default runs of that code; its runs as `import neurx as keras` (tests/test_docs.py,
tests/seeds) are the same code a second time, marked `slow`."""
import pathlib
import re

import pytest
from reader_path import neurx_run, tensorflow_spelling
from test_docs import EXAMPLES, PAGES, python_blocks

TESTS = pathlib.Path(__file__).resolve().parent
SEEDS = sorted((TESTS / "seeds").glob("test_*.py"))
PAGES_WITH_CODE = [p for p in PAGES if python_blocks(p.read_text())]
# Groups of about equal run time, so two workers share them evenly.
GROUPS = {
    "examples-a": ("examples", EXAMPLES[0::2]),
    "examples-b": ("examples", EXAMPLES[1::2]),
    "pages-a": ("pages", PAGES_WITH_CODE[0::4]),
    "pages-b": ("pages", PAGES_WITH_CODE[1::4]),
    "pages-c": ("pages", PAGES_WITH_CODE[2::4]),
    "pages-d": ("pages", PAGES_WITH_CODE[3::4]),
    "seeds": ("seeds", SEEDS),
}


@pytest.mark.parametrize("group", GROUPS)
def test_group_runs_through_the_tensorflow_alias(group):
    kind, paths = GROUPS[group]
    result = neurx_run(TESTS / "reader_path.py", kind, *map(str, paths), timeout=900)
    assert result.returncode == 0, (result.stdout[-6000:], result.stderr[-6000:])
    if kind == "seeds":
        tests = sum(path.read_text().count("\ndef test_") for path in paths)
        passed = re.search(r"(\d+) passed", result.stdout)
        assert passed and int(passed.group(1)) >= tests, result.stdout[-2000:]
        assert "failed" not in result.stdout and "skipped" not in result.stdout, result.stdout[-2000:]
    else:
        assert result.stdout.count("(tensorflow spellings)") == len(paths)


def test_every_file_speaks_tensorflow_after_the_rewrite():
    for path in [*EXAMPLES, *PAGES_WITH_CODE, *SEEDS, TESTS / "conftest.py"]:
        rewritten = tensorflow_spelling(path.read_text())
        imports = [line.strip() for line in rewritten.splitlines()
                   if line.strip().startswith(("import neurx", "from neurx"))]
        assert imports == [], (path, imports)
    seed = tensorflow_spelling((TESTS / "seeds" / "test_ch10_sklearn_search.py").read_text())
    assert "from tensorflow import keras\nimport tensorflow as tf\n" in seed
    assert "from tensorflow.keras.perceptron import Perceptron" in seed


def test_handson_ml_chapter_10_and_11_script_as_written(tmp_path):
    """TensorBoard, tf.summary, scikit-learn's search, callbacks, saving, MC dropout."""
    event_accumulator = pytest.importorskip(
        "tensorboard.backend.event_processing.event_accumulator")
    script = tmp_path / "handson_ml_ch10_11.py"
    script.write_text((TESTS / "reader_scripts" / script.name).read_text())
    result = neurx_run(script, timeout=900)
    assert result.returncode == 0, result.stderr[-6000:]
    out = result.stdout
    assert out.count("val/train: ") == 3
    assert "regressor fit returned History with ['loss', 'val_loss']" in out
    assert "best params: ['learning_rate', 'n_hidden', 'n_neurons'] True" in out
    assert "steps so far: 32" in out and "MC spread: True True" in out
    assert (tmp_path / "my_keras_model.h5").is_file()
    runs = sorted(p.name for p in (tmp_path / "my_logs").iterdir())
    assert len(runs) == 2 and "my_test_run" in runs
    own = event_accumulator.EventAccumulator(str(tmp_path / "my_logs" / "my_test_run"),
                                             size_guidance={event_accumulator.TENSORS: 0})
    own.Reload()
    assert [e.step for e in own.Tensors("my_scalar")] == list(range(1, 21))
    assert {"my_hist", "my_images", "my_text"} <= set(own.Tags()["tensors"])
    fit_run = [r for r in runs if r != "my_test_run"][0]
    assert {"train", "validation"} <= {p.name for p in (tmp_path / "my_logs" / fit_run).iterdir()}
