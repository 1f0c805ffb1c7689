"""`neurx run NOTEBOOK.ipynb`: a notebook's code cells run in order, like a script.

What this module owns: reading the notebook (`nbformat`), turning each code cell's IPython
syntax into Python (IPython's own input transformer), running the cells in one `__main__`
namespace with the `keras` / `tensorflow` alias installed, and reporting the first failing cell.

How a notebook runs here, cell by cell, as "Run All" would in a fresh Jupyter kernel:

- The working folder is the notebook's folder (Jupyter starts kernels there) and that folder
  comes first on `sys.path`; `sys.argv` is `[NOTEBOOK, *args]`; both are restored afterwards.
- IPython magics (`%matplotlib inline`, `%load_ext tensorboard`, `%tensorboard ...`, `%%bash`)
  and shell lines (`!pip install ...`) do not run: each prints one line saying it was skipped.
  Two cell magics keep their meaning because later cells depend on them: `%%time` runs its
  body, `%%writefile NAME` writes its body to NAME.
- What a cell prints is shown as it runs. A bare expression on a cell's last line is shown as
  Jupyter shows it, `Out[N]: repr(value)`, unless it is None or the line ends with `;`.
  `display(...)` is IPython's: outside a kernel it prints its arguments.
- The first cell that raises stops the run: its traceback, then which code cell (numbered as
  `In [N]` would be after "Run All") and its first line.
"""
from __future__ import annotations

import ast
import contextlib
import importlib
import linecache
import os
import sys
import time
import types
from collections.abc import Sequence

from neurx import compat

_EXTRA_HINT = "pip install 'neurx[notebook]'"


class CellError(Exception):
    """A notebook cell raised: `number` counts code cells from 1, as `In [N]` after Run All.
    The message has the first line of the cell's error (the traceback has all of it).

    >>> err = CellError(3, "model.fit(X, y)", ValueError("bad shape\\nmore details"))
    >>> str(err), err.filename
    ('code cell 3 (model.fit(X, y)) failed: ValueError: bad shape', '<cell In[3]>')
    """

    def __init__(self, number: int, first_line: str, error: BaseException) -> None:
        summary = next(iter(str(error).splitlines()), "")
        super().__init__(f"code cell {number} ({first_line}) failed: "
                         f"{type(error).__name__}: {summary}")
        self.number, self.first_line, self.error = number, first_line, error
        self.filename = cell_filename(number)


def cell_filename(number: int) -> str:
    """The file name a cell's code runs under (in tracebacks), as IPython names it.

    >>> cell_filename(2)
    '<cell In[2]>'
    """
    return f"<cell In[{number}]>"


class MissingExtraError(ImportError):
    """A package of the `notebook` extra (nbformat, IPython) is not installed.

    >>> issubclass(MissingExtraError, ImportError)
    True
    """


def _require(module_name: str):
    try:
        return importlib.import_module(module_name)
    except ImportError as err:
        raise MissingExtraError(f"Running a notebook needs the `{module_name.split('.')[0]}` "
                                f"package: {_EXTRA_HINT} (the `notebook` extra).") from err


def read_code_cells(path: str) -> list[str]:
    """The sources of the notebook's code cells, in order (markdown and raw cells left out).

    >>> import nbformat, os, tempfile
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title"),
    ...                                      nbformat.v4.new_code_cell("x = 1")])
    >>> path = os.path.join(tempfile.mkdtemp(), "nb.ipynb")
    >>> nbformat.write(nb, path)
    >>> read_code_cells(path)
    ['x = 1']
    """
    nbformat = _require("nbformat")
    notebook = nbformat.read(path, as_version=4)
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def _first_line(source: str) -> str:
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    return lines[0] if lines else "(empty)"


class ScriptShell:
    """What `get_ipython()` returns while a notebook runs as a script: magics and shell
    commands are reported as skipped; `%%time` and `%%writefile` do their work.

    >>> shell = ScriptShell({})
    >>> shell.run_line_magic("matplotlib", "inline")
    neurx run: skipped %matplotlib inline (IPython magic)
    >>> shell.system("pip install neurx")
    neurx run: skipped !pip install neurx (shell command)
    """

    def __init__(self, namespace: dict) -> None:
        self.user_ns = namespace

    def run_line_magic(self, name: str, line: str, _stack_depth: int = 1) -> None:
        print(f"neurx run: skipped %{name} {line}".rstrip() + " (IPython magic)")

    def run_cell_magic(self, name: str, line: str, body: str) -> None:
        if name == "time":
            start = time.perf_counter()
            exec(compile(_python_source(body), "<%%time cell>", "exec"), self.user_ns)
            print(f"Wall time: {time.perf_counter() - start:.2f} s")
        elif name == "writefile":
            *options, path = line.split()
            appending = "-a" in options or "--append" in options
            print(("Appending to" if appending else "Overwriting" if os.path.exists(path)
                   else "Writing") + f" {path}")
            with open(path, "a" if appending else "w") as file:
                file.write(body)
        else:
            print(f"neurx run: skipped the %%{name} cell (IPython cell magic; its body did "
                  "not run)")

    def system(self, command: str) -> None:
        print(f"neurx run: skipped !{command} (shell command)")

    def getoutput(self, command: str) -> list:
        self.system(command)
        return []


def _leading_blank_lines(text: str) -> int:
    lines = text.splitlines()
    return next((i for i, line in enumerate(lines) if line.strip()), len(lines))


def _python_source(cell: str) -> str:
    """The cell as plain Python: IPython's transformer turns `%magic` into
    `get_ipython().run_line_magic(...)`, `!cmd` into `get_ipython().system(...)`. The blank
    lines it drops at the top are put back, so tracebacks give the cell's line numbers."""
    python = _require("IPython.core.inputtransformer2").TransformerManager().transform_cell(cell)
    return "\n" * (_leading_blank_lines(cell) - _leading_blank_lines(python)) + python


def _show_result(number: int, value) -> None:
    if value is None:
        return
    text = repr(value)
    print(f"Out[{number}]:" + ("\n" if "\n" in text else " ") + text)


def run_cell(source: str, number: int, namespace: dict) -> None:
    """Runs one code cell in `namespace`; a bare last expression is shown as `Out[N]:`.

    >>> ns = {"get_ipython": lambda: ScriptShell(ns)}
    >>> run_cell("x = 20\\nx + 1", 1, ns)
    Out[1]: 21
    >>> run_cell("%matplotlib inline\\nx;", 2, ns)
    neurx run: skipped %matplotlib inline (IPython magic)
    """
    python = _python_source(source)
    filename = cell_filename(number)
    linecache.cache[filename] = (len(python), None, python.splitlines(True), filename)
    tree = ast.parse(python, filename)
    last = tree.body[-1] if tree.body else None
    show_last = isinstance(last, ast.Expr) and not python.rstrip().endswith(";")
    if show_last:
        tree.body.pop()
    exec(compile(tree, filename, "exec"), namespace)
    if show_last:
        expression = ast.Expression(last.value)
        _show_result(number, eval(compile(expression, filename, "eval"), namespace))


@contextlib.contextmanager
def _notebook_process_state(path: str, args: Sequence[str]):
    """Jupyter's view of the process while the notebook runs: the notebook's folder as the
    working folder and first on `sys.path`, the alias installed, a fresh `__main__`."""
    folder = os.path.dirname(os.path.abspath(path))
    was_installed = compat.installed()
    saved_argv, saved_path, saved_cwd = sys.argv[:], sys.path[:], os.getcwd()
    saved_main = sys.modules.get("__main__")
    main = types.ModuleType("__main__")
    sys.argv = [path, *args]
    sys.path.insert(0, folder)
    sys.modules["__main__"] = main
    compat.install()
    os.chdir(folder)
    try:
        yield main.__dict__
    finally:
        os.chdir(saved_cwd)
        if not was_installed:
            compat.uninstall()
        sys.argv, sys.path[:] = saved_argv, saved_path
        if saved_main is not None:
            sys.modules["__main__"] = saved_main


def run_notebook(path: str, args: Sequence[str] = ()) -> None:
    """Runs a notebook's code cells in order like a script (see the module docstring).

    Raises `CellError` (its `__cause__` is the cell's exception) for the first cell that fails.

    >>> import nbformat, os, tempfile
    >>> cells = ["import keras\\nprint(keras.__name__)", "!pip install neurx", "6 * 7"]
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    >>> path = os.path.join(tempfile.mkdtemp(), "nb.ipynb")
    >>> nbformat.write(nb, path)
    >>> run_notebook(path)
    neurx
    neurx run: skipped !pip install neurx (shell command)
    Out[3]: 42
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"neurx run: no such notebook: {path!r}")
    cells = read_code_cells(path)
    display = _require("IPython.display").display
    with _notebook_process_state(path, args) as namespace:
        shell = ScriptShell(namespace)
        namespace.update(get_ipython=lambda: shell, display=display)
        for number, source in enumerate(cells, start=1):
            try:
                run_cell(source, number, namespace)
            except Exception as err:
                raise CellError(number, _first_line(source), err) from err
