"""docs/compatibility.md: which Keras names neurx has, generated from the real Keras 3.

What this module owns: the walk over Keras 3's public modules (`keras_names`), the status of
a name in neurx (`status`), the Markdown page (`render`), and the checks that keep the page and
the hand-written notes (`tools/compatibility_notes.toml`) true (`page_problems`,
`note_problems`).

A name's status is computed, never written by hand:

- "supported": the same dotted name resolves in neurx (`keras.layers.Dense` is
  `neurx.layers.Dense`, submodules imported as needed);
- "differs": it resolves, and the notes' `[differs]` table says how it behaves differently;
- "not yet": it does not resolve.

The notes' `[[extra]]` sections list names outside Keras 3's modules (tf.keras 2 names the books
use, KerasTuner, TensorFlow). An entry with arguments, such as `keras.optimizers.SGD(lr=0.01)`,
is a spelling: it counts as resolving when it runs (with `keras` bound to neurx).

Usage (from the repository root; keras must be installed, it is in the `test` extra):

    python -m tools.compatibility            # rewrite docs/compatibility.md
    python tools/compatibility.py --check    # exit 1 and say why when the page is stale

>>> works("keras.layers.Dense"), works("keras.layers.NoSuchLayer")
(True, False)
>>> notes = {"differs": {"keras.layers.LSTM": "stateful=True is refused"}, "not_yet": {}}
>>> status("keras.layers.LSTM", notes), status("keras.layers.Dense", notes)
(('differs', 'stateful=True is refused'), ('supported', ''))
"""
from __future__ import annotations

import argparse
import difflib
import importlib
import os
import pathlib
import re
import sys
try:
    import tomllib
except ModuleNotFoundError:   # Python 3.10
    import tomli as tomllib
import types
import warnings
from typing import NamedTuple

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "compatibility.md"
NOTES = ROOT / "tools" / "compatibility_notes.toml"
REGENERATE = "python -m tools.compatibility"

# The public modules a textbook reader touches, in the page's order. A submodule of one of
# them is listed as a name of its own unless it has a section here.
MODULES = ("keras", "keras.layers", "keras.models", "keras.losses", "keras.metrics",
           "keras.optimizers", "keras.optimizers.schedules", "keras.callbacks",
           "keras.activations", "keras.initializers", "keras.regularizers", "keras.constraints",
           "keras.datasets", "keras.utils", "keras.saving", "keras.applications",
           "keras.mixed_precision", "keras.distribution", "keras.preprocessing",
           "keras.wrappers", "keras.backend", "keras.config", "keras.random", "keras.ops")
# Sections whose submodules are listed name by name (`keras.datasets.mnist.load_data`).
EXPANDED = ("keras.datasets", "keras.preprocessing")
# Where the first part of a dotted name lives in neurx.
ROOTS = {"keras": "neurx", "keras_tuner": "neurx.tuners", "tf": "neurx.tensorflow_shim"}
STATUSES = ("supported", "differs", "not yet")
ROW = re.compile(r"^\| `(.+?)` \| (supported|differs|not yet) \|", re.M)
VERSION = re.compile(r"^Keras names from Keras ([^ ,]+),", re.M)


class Row(NamedTuple):
    name: str
    status: str
    note: str


class Section(NamedTuple):
    title: str
    intro: str
    rows: list[Row]


def import_keras() -> types.ModuleType:
    """The real Keras 3 on JAX (an optional, test-only dependency, so imported on demand)."""
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return importlib.import_module("keras")


def load_notes(path: pathlib.Path = NOTES) -> dict:
    """The hand-written notes: `differs` and `not_yet` (name -> note), `extra` sections."""
    notes = tomllib.loads(path.read_text(encoding="utf-8"))
    return {"differs": notes.get("differs", {}), "not_yet": notes.get("not_yet", {}),
            "extra": notes.get("extra", [])}


def _public(module) -> list[str]:
    return sorted((n for n in dir(module) if not n.startswith("_") and n != "src"),
                  key=lambda n: (n.lower(), n))


def keras_names(keras: types.ModuleType) -> dict[str, list[str]]:
    """Each module of `MODULES` -> the dotted public names it lists, sorted."""
    names = {}
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        found = []
        for attr in _public(module):
            full, value = f"{module_name}.{attr}", getattr(module, attr)
            if full in MODULES:
                continue
            if module_name in EXPANDED and isinstance(value, types.ModuleType):
                found += [f"{full}.{inner}" for inner in _public(value)]
            else:
                found.append(full)
        names[module_name] = found
    return names


def resolve(name: str):
    """The neurx object that a dotted Keras name stands for; `LookupError` when there is none.

    >>> resolve("keras.datasets.mnist.load_data").__module__
    'neurx.datasets.mnist'
    """
    first, *rest = name.split(".")
    path = ROOTS[first]
    obj = importlib.import_module(path)
    for part in rest:
        path = f"{path}.{part}"
        try:
            obj = getattr(obj, part)
        except AttributeError:
            if not isinstance(obj, types.ModuleType):
                raise LookupError(name) from None
            try:
                obj = importlib.import_module(path)
            except ImportError:
                raise LookupError(name) from None
    return obj


class _Namespace:
    """`keras`, `keras_tuner` or `tf` in a spelling's check: attributes resolve as neurx."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str):
        found = resolve(f"{self._name}.{attr}")
        return _Namespace(f"{self._name}.{attr}") if isinstance(found, types.ModuleType) \
            else found


def works(name: str) -> bool:
    """Whether a dotted name resolves in neurx, or a spelling with arguments runs."""
    with warnings.catch_warnings():  # Keras 2 spellings warn once; that is their contract
        warnings.simplefilter("ignore")
        try:
            if "(" in name:
                eval(name, {root: _Namespace(root) for root in ROOTS})  # noqa: S307 (our notes)
            else:
                resolve(name)
        except Exception:
            return False
    return True


def status(name: str, notes: dict) -> tuple[str, str]:
    """`(status, note)` of a name: computed from neurx, with the notes' text."""
    if not works(name):
        return "not yet", notes["not_yet"].get(name, "")
    if name in notes["differs"]:
        return "differs", notes["differs"][name]
    return "supported", ""


def sections(keras: types.ModuleType, notes: dict) -> list[Section]:
    """The page's sections: one per Keras module, then the notes' extra sections."""
    found = [Section(f"`{module}`", "", [Row(n, *status(n, notes)) for n in names])
             for module, names in keras_names(keras).items()]
    return found + [Section(extra["title"], extra.get("intro", ""),
                            [Row(n, *status(n, notes)) for n in extra["names"]])
                    for extra in notes["extra"]]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _counts(rows: list[Row]) -> list[int]:
    return [sum(row.status == s for row in rows) for s in STATUSES]


def render(keras_version: str, page_sections: list[Section]) -> str:
    """The Markdown page for the given sections.

    >>> page = render("3.0.0", [Section("`keras.x`", "", [Row("keras.x.A", "supported", "")])])
    >>> "| `keras.x.A` | supported |  |" in page, listed_statuses(page), recorded_version(page)
    (True, {'keras.x.A': 'supported'}, '3.0.0')
    """
    lines = [
        "# Keras API compatibility", "",
        f"Generated by `{REGENERATE}`: do not edit by hand. Notes live in "
        "`tools/compatibility_notes.toml`; edit them there and regenerate. "
        "`tests/test_compatibility.py` fails when this page no longer matches the code.", "",
        f"Keras names from Keras {keras_version}, the public modules a textbook reader "
        "touches; tf.keras 2, KerasTuner and TensorFlow names at the end are hand-listed. A "
        "status is computed: **supported** (the same dotted name resolves in neurx, or the "
        "spelling runs), **differs** (it resolves and behaves differently, as the note says) "
        "or **not yet** (neurx does not have it).", "",
        "## Summary", "",
        "| module | supported | differs | not yet |", "|---|---:|---:|---:|"]
    for section in page_sections:
        lines.append(f"| {section.title} | " + " | ".join(map(str, _counts(section.rows))) + " |")
    every_row = [row for section in page_sections for row in section.rows]
    lines.append("| **all** | " + " | ".join(f"**{n}**" for n in _counts(every_row)) + " |")
    for section in page_sections:
        supported, differs, not_yet = _counts(section.rows)
        lines += ["", f"## {section.title}", ""]
        if section.intro:
            lines += [section.intro, ""]
        lines += [f"{supported + differs} of {len(section.rows)} supported ({differs} "
                  f"differ{'s' if differs == 1 else ''}), {not_yet} not yet.", "",
                  "| Keras name | neurx | note |", "|---|---|---|"]
        lines += [f"| `{row.name}` | {row.status} | {_cell(row.note)} |" for row in section.rows]
    return "\n".join(lines) + "\n"


def recorded_version(page: str) -> str | None:
    """The Keras version a page was generated with (None when it has none)."""
    match = VERSION.search(page)
    return match.group(1) if match else None


def listed_statuses(page: str) -> dict[str, str]:
    """Every name the page lists -> the status it shows."""
    return dict(ROW.findall(page))


def page_problems(committed: str, generated: str, keras_version: str, notes: dict) -> list[str]:
    """Why the committed page is stale ([] when it is not).

    Generated with the installed Keras: the page must be exactly what `render` gives. With
    another Keras (its names may differ): each listed name must still get the status shown, so
    a Keras release cannot fail the check by itself.
    """
    fix = f"run `{REGENERATE}` and commit docs/compatibility.md"
    if recorded_version(committed) == keras_version:
        if committed == generated:
            return []
        diff = difflib.unified_diff(committed.splitlines(), generated.splitlines(), n=0,
                                    lineterm="")
        changed = [line for line in diff if line[:1] in "+-" and line[:3] not in ("---", "+++")]
        return [f"docs/compatibility.md is out of date: {fix}. First changes:\n"
                + "\n".join(changed[:12])]
    listed = listed_statuses(committed)
    found = [f"{name}: the page says {shown!r}, neurx now gives {status(name, notes)[0]!r}"
             for name, shown in listed.items() if status(name, notes)[0] != shown]
    found += [f"{name}: in the notes' extra sections but not on the page"
              for extra in notes["extra"] for name in extra["names"] if name not in listed]
    return [f"{problem} ({fix})" for problem in found]


def note_problems(notes: dict, known: set[str]) -> list[str]:
    """Notes that no longer tell the truth, given the names the page lists."""
    found = []
    for table in ("differs", "not_yet"):
        found += [f"[{table}] {name}: not a name the page lists (renamed or removed in Keras?)"
                  for name in notes[table] if name not in known]
    found += [f"[not_yet] {name}: neurx has it now; remove the note (or move it to [differs])"
              for name in notes["not_yet"] if works(name)]
    found += [f"[differs] {name}: does not resolve in neurx; move the note to [not_yet]"
              for name in notes["differs"] if not works(name)]
    found += [f"{name}: in both [differs] and [not_yet]"
              for name in notes["differs"] if name in notes["not_yet"]]
    return found


def main(argv: list[str] | None = None) -> int:
    """Writes docs/compatibility.md, or with `--check` reports what is stale (exit status 1)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 when the page or the notes are stale")
    args = parser.parse_args(argv)
    keras, notes = import_keras(), load_notes()
    page_sections = sections(keras, notes)
    generated = render(keras.__version__, page_sections)
    committed = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
    same_keras = recorded_version(committed) == keras.__version__
    listed = listed_statuses(generated if same_keras or not args.check else committed)
    problems = note_problems(notes, set(listed))
    if args.check:
        problems = page_problems(committed, generated, keras.__version__, notes) + problems
    else:
        PAGE.write_text(generated, encoding="utf-8")
        print(f"Wrote {PAGE.relative_to(ROOT)} ({len(listed)} names).")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    if str(ROOT) not in sys.path:  # `python tools/compatibility.py`: this checkout's neurx
        sys.path.insert(0, str(ROOT))
    sys.exit(main())
