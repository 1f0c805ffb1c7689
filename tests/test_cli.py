"""neurx.cli (`neurx demo`, `neurx run`, `--version`) and the import hook in neurx.compat."""
import os
import re
import subprocess
import sys
import textwrap

import pytest

import neurx
from neurx import compat
from neurx.cli import main

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _neurx_run(script_path, *args):
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "neurx.cli", "run", str(script_path), *args],
                          capture_output=True, text=True, env=env, timeout=120,
                          cwd=os.path.dirname(str(script_path)))


def test_demo_trains_and_beats_the_baseline(capsys):
    assert main(["demo", "--epochs", "2"]) == 0
    out = capsys.readouterr().out
    assert "Total params" in out and "dense" in out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out and "val_loss" in out
    mse = float(re.search(r"Test MSE: ([0-9.]+)", out).group(1))
    baseline = float(re.search(r"baseline: ([0-9.]+)", out).group(1))
    assert mse < 0.7 * baseline
    assert len(re.findall(r"test row \d: predicted", out)) == 3


def test_version_and_help(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"neurx {neurx.__version__}"
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "demo" in out and "run" in out
    assert main([]) == 0
    assert main(["nosuchcommand"]) == 2


def test_run_resolves_keras_and_tensorflow_to_neurx(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent("""
        import sys
        from tensorflow import keras
        import tensorflow as tf
        tf.random.set_seed(42)
        print(tf.__version__)
        model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[3])])
        print("module:", type(model).__module__)
        print("argv:", sys.argv[1:], __name__)
        import helper  # the script's folder is on sys.path
    """))
    (tmp_path / "helper.py").write_text("print('helper imported')\n")
    result = _neurx_run(script, "--epochs", "3")
    assert result.returncode == 0, result.stderr
    assert "neurx" in result.stdout.splitlines()[0]
    assert "module: neurx." in result.stdout
    assert "argv: ['--epochs', '3'] __main__" in result.stdout
    assert "helper imported" in result.stdout


def test_run_explains_that_neurx_is_not_tensorflow(tmp_path):
    script = tmp_path / "tensors.py"
    script.write_text("import tensorflow as tf\nx = tf.constant([1.0, 2.0])\n")
    result = _neurx_run(script)
    assert result.returncode == 1
    assert "neurx is not TensorFlow" in result.stderr and "tf.constant" in result.stderr
    assert "tf.random.set_seed" in result.stderr
    assert "tensors.py" in result.stderr and "runpy" not in result.stderr


def test_run_passes_exit_codes_and_reports_missing_scripts(tmp_path, capsys):
    script = tmp_path / "exits.py"
    script.write_text("import sys\nsys.exit(3)\n")
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    assert main(["run", str(script)]) == 3
    assert (sys.argv, sys.path) == (saved_argv, saved_path)
    assert not compat.installed()
    assert main(["run", str(tmp_path / "missing.py")]) == 2
    assert "no such script" in capsys.readouterr().err


@pytest.fixture
def hook():
    compat.install()
    yield
    compat.uninstall()


def test_import_hook_spellings(hook):
    import keras
    import tensorflow as tf
    from keras import layers
    from keras.layers import Dense
    from keras.models import Model, Sequential
    from tensorflow import keras as tf_keras
    from tensorflow.keras.layers import Dense as TfDense
    from tensorflow.random import set_seed

    assert keras is neurx and tf_keras is neurx and tf.keras is neurx
    assert layers is neurx.layers and Dense is neurx.layers.Dense is TfDense
    assert tf.keras.layers.Dense is Dense
    assert Sequential is neurx.Sequential and Model is neurx.Model
    assert tf.__version__.endswith("+neurx")
    set_seed(1)
    assert neurx.__spec__.name == "neurx"  # the alias does not clobber neurx's own spec


def test_import_hook_errors_name_what_exists(hook):
    with pytest.raises(ModuleNotFoundError, match=r"keras\.nosuch.*neurx has: .*layers"):
        import keras.nosuch  # noqa: F401
    import tensorflow as tf
    with pytest.raises(AttributeError, match=r"neurx is not TensorFlow: `tf\.Variable`"):
        tf.Variable
    with pytest.raises(AttributeError, match=r"`tf\.random\.normal`"):
        tf.random.normal


def test_uninstall_restores_modules():
    original = sys.modules.get("keras")
    had_tensorflow = "tensorflow" in sys.modules
    sentinel = type(sys)("keras")
    sys.modules["keras"] = sentinel
    try:
        compat.install()
        import keras
        import tensorflow  # noqa: F401
        assert keras is neurx
        compat.uninstall()
        assert sys.modules["keras"] is sentinel and not compat.installed()
        assert had_tensorflow or "tensorflow" not in sys.modules
    finally:
        compat.uninstall()
        if original is None:
            sys.modules.pop("keras", None)
        else:
            sys.modules["keras"] = original


def test_the_books_first_cell_config_calls(hook):
    import tensorflow as tf

    tf.keras.utils.set_random_seed(42)
    tf.config.experimental.enable_op_determinism()   # hg-mldl's notebooks start with this
    cpus = tf.config.list_physical_devices("CPU")
    assert cpus and cpus[0].name == "/physical_device:CPU:0" and cpus[0].device_type == "CPU"
    assert tf.config.list_physical_devices("GPU") == []     # handson-ml2's "No GPU" check
    with pytest.raises(AttributeError, match=r"`tf\.config\.experimental\.set_memory_growth`"):
        tf.config.experimental.set_memory_growth
