"""`neurx run NOTEBOOK.ipynb` (neurx.notebook_runner) and `neurx kernel install|uninstall`."""
import json
import os
import sys
import types

import nbformat
import numpy as np

from neurx import compat, load_ipython_extension, unload_ipython_extension
from neurx.cli import main


def _write_notebook(path, *cells):
    """Code cells from strings; a ("markdown", text) pair is a markdown cell."""
    made = [nbformat.v4.new_markdown_cell(cell[1]) if isinstance(cell, tuple)
            else nbformat.v4.new_code_cell(cell) for cell in cells]
    nbformat.write(nbformat.v4.new_notebook(cells=made), str(path))
    return str(path)


def test_notebook_runs_like_run_all_with_magics_skipped(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "book"
    folder.mkdir()
    notebook = _write_notebook(
        folder / "ch10.ipynb",
        ("markdown", "# Chapter 10\n`%matplotlib` here is prose."),
        "%matplotlib inline\n!pip install -q neurx\nimport sys\nfrom tensorflow import keras",
        "%load_ext tensorboard\n%tensorboard --logdir=./my_logs --port=6006",
        "print(keras.__name__, sys.argv[1:], __name__)\nopen('written.txt', 'w').close()",
        "%%writefile helper.py\nANSWER = 42\n",
        "import helper\nfiles = !ls\n{'answer': helper.ANSWER, 'files': files}",
        "display('shown by display')\n7 * 6;",
        "%%time\ntotal = sum(range(10))",
        "%%bash\nexit 1",
        "total",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["run", notebook, "--epochs", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:4] == ["neurx run: skipped %matplotlib inline (IPython magic)",
                       "neurx run: skipped !pip install -q neurx (shell command)",
                       "neurx run: skipped %load_ext tensorboard (IPython magic)",
                       "neurx run: skipped %tensorboard --logdir=./my_logs --port=6006 "
                       "(IPython magic)"]
    assert out[4] == "neurx ['--epochs', '3'] __main__"
    assert out[5:8] == ["Writing helper.py", "neurx run: skipped !ls (shell command)",
                        "Out[5]: {'answer': 42, 'files': []}"]
    assert out[8] == "shown by display"        # the `;` kept 7 * 6 from showing
    assert out[9].startswith("Wall time: ")
    assert out[10:] == ["neurx run: skipped the %%bash cell (IPython cell magic; its body "
                        "did not run)", "Out[9]: 45"]
    assert (folder / "written.txt").exists()   # the notebook's folder was the working folder
    assert os.getcwd() == str(tmp_path) and not compat.installed()
    assert sys.argv[1:2] != ["--epochs"]


def test_magic_inside_a_block_and_version_checks_of_the_books(tmp_path, capsys):
    notebook = _write_notebook(tmp_path / "setup.ipynb",
                               "try:\n    %tensorflow_version 2.x\n"
                               "except Exception:\n    pass\nimport tensorflow as tf\n"
                               "tf.__version__ >= '2.0'")
    assert main(["run", notebook]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "neurx run: skipped %tensorflow_version 2.x (IPython magic)",
        "Out[1]: True"]


def test_first_failing_cell_stops_the_run_and_is_named(tmp_path, capsys):
    notebook = _write_notebook(
        tmp_path / "broken.ipynb",
        "from tensorflow import keras\nprint('cell 1 ran')",
        "\n# fit the model\nmodel = keras.Sequential([keras.layers.Dense(1)])\n"
        "model.fit([[1.0]], [1.0])",
        "print('cell 3 ran')",
    )
    assert main(["run", notebook]) == 1
    captured = capsys.readouterr()
    assert "cell 1 ran" in captured.out and "cell 3 ran" not in captured.out
    assert 'File "<cell In[2]>", line 4, in <module>' in captured.err
    assert "model.fit([[1.0]], [1.0])" in captured.err          # the failing line's source
    last = captured.err.strip().splitlines()[-1]
    assert last.startswith(f"neurx run: {notebook}: code cell 2 (# fit the model) failed: "
                           "RuntimeError: ")


def test_syntax_error_and_sys_exit_in_cells(tmp_path, capsys):
    assert main(["run", _write_notebook(tmp_path / "typo.ipynb", "x = (1,")]) == 1
    assert "code cell 1 (x = (1,) failed: SyntaxError" in capsys.readouterr().err
    assert main(["run", _write_notebook(tmp_path / "exits.ipynb", "import sys\nsys.exit(3)",
                                        "print('not reached')")]) == 3
    assert "not reached" not in capsys.readouterr().out


def test_missing_nbformat_names_the_notebook_extra(tmp_path, capsys, monkeypatch):
    notebook = _write_notebook(tmp_path / "nb.ipynb", "print(1)")
    monkeypatch.setitem(sys.modules, "nbformat", None)   # as if it were not installed
    assert main(["run", notebook]) == 1
    err = capsys.readouterr().err
    assert "needs the `nbformat` package: pip install 'neurx[notebook]'" in err


def test_kernel_install_and_uninstall_in_a_prefix(tmp_path, capsys):
    prefix = str(tmp_path / "env")
    assert main(["kernel", "install", "--prefix", prefix]) == 0
    folder = os.path.join(prefix, "share", "jupyter", "kernels", "neurx")
    assert folder in capsys.readouterr().out
    with open(os.path.join(folder, "kernel.json")) as file:
        spec = json.load(file)
    assert spec["display_name"] == "Python 3 (neurx)" and spec["language"] == "python"
    assert spec["argv"] == [sys.executable, "-m", "ipykernel_launcher", "-f",
                            "{connection_file}", "--ext", "neurx"]
    assert os.path.exists(os.path.join(folder, "logo-64x64.png"))   # ipykernel's resources
    assert main(["kernel", "uninstall", "--prefix", prefix]) == 0
    assert not os.path.exists(folder)
    assert main(["kernel", "uninstall", "--prefix", prefix]) == 1
    assert "No kernel spec named 'neurx' in" in capsys.readouterr().err


def test_kernel_install_for_the_user(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "user-data"))
    assert main(["kernel", "install", "--user"]) == 0
    folder = tmp_path / "user-data" / "kernels" / "neurx"
    assert (folder / "kernel.json").exists()
    assert main(["kernel", "uninstall", "--user"]) == 0 and not folder.exists()
    assert main(["kernel", "install", "--user", "--prefix", "x"]) == 2   # one place only


def test_kernel_install_without_ipykernel_names_the_extra(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ipykernel.kernelspec", None)   # as if not installed
    assert main(["kernel", "install", "--prefix", str(tmp_path)]) == 1
    assert "pip install 'neurx[notebook]'" in capsys.readouterr().err
    assert not (tmp_path / "share" / "jupyter" / "kernels" / "neurx").exists()


def test_load_ext_reports_names_bound_to_the_real_packages(capsys):
    class Shell:   # what IPython hands the extension: the notebook's namespace
        user_ns = {"tf": types.ModuleType("tensorflow"), "np": np,
                   "layers": types.ModuleType("keras.layers")}

    try:
        load_ipython_extension(Shell())
        assert compat.installed()
    finally:
        unload_ipython_extension(Shell())
    assert capsys.readouterr().out.splitlines()[1] == (
        "Imported before `%load_ext neurx`, so still the real Keras or TensorFlow: layers, tf. "
        "Run those imports again.")
    assert not compat.installed()
