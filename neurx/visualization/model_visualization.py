"""`plot_model` and `model_to_dot`: pictures of a model's layer graph.

What this module owns: the Keras API (arguments, defaults, the file format
taken from the file name's extension), the Graphviz drawing through `pydot`
(boxes with Keras's HTML-like tables, nested models as dashed clusters) and
the choice of renderer: when Graphviz's `dot` program is not installed (pip
cannot install it, and its absence is the most common `plot_model` failure),
the same graph is drawn with matplotlib (`graph_figure`) and a warning says
once how to get the Graphviz rendering. Which boxes and arrows a model has is
decided in `layer_graph`.
"""
from __future__ import annotations

import html
import os
import shutil
import warnings

from neurx.support.folders import make_folders
from neurx.visualization.layer_graph import LayerDag, layer_dag, layer_label

_FORMATS = ("png", "svg", "pdf", "jpg", "jpeg")
_warned_missing_dot = False


class GraphvizMissingWarning(UserWarning):
    """Warned (once) when `plot_model` draws with matplotlib because `dot` is missing.

    >>> issubclass(GraphvizMissingWarning, UserWarning)
    True
    """


def _pydot():
    try:
        import pydot
    except ImportError:
        return None
    return pydot


def _check_built(model) -> None:
    if not getattr(model, "built", False):
        raise ValueError("This model has not yet been built. Build the model first by calling "
                         "`build()` or by calling the model on a batch of data (or give the "
                         "first layer an `input_shape`).")


def _html_label(label) -> str:
    """Keras's HTML-like table for a box (title bar, then one row of cells)."""
    cells = [f"{caption}: <b>{html.escape(value)}</b>" for caption, value in label.shape_fields()]
    colspan = max(1, len(cells) + (label.trainable is not None))
    title = (f"<b>{html.escape(label.name)}</b> ({html.escape(label.class_name)})"
             if label.name is not None else f"<b>{html.escape(label.class_name)}</b>")
    table = ('<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">'
             f'<tr><td colspan="{colspan}" bgcolor="black"><font point-size="16" color="white">'
             f"{title}</font></td></tr>")
    if label.activation is not None:
        table += (f'<tr><td bgcolor="white" colspan="{colspan}"><font point-size="14">'
                  f"Activation: <b>{html.escape(label.activation)}</b></font></td></tr>")
    row = "".join(f'<td bgcolor="white"><font point-size="14">{c}</font></td>' for c in cells)
    if label.trainable is not None:
        color, text = ("forestgreen", "Trainable") if label.trainable else \
            ("firebrick", "Non-trainable")
        row += (f'<td bgcolor="{color}"><font point-size="14" color="white"><b>{text}</b>'
                "</font></td>")
    if row:
        table += f"<tr>{row}</tr>"
    return table + "</table>>"


def _dag_and_labels(model, expand_nested, label_flags) -> tuple[LayerDag, dict]:
    dag = layer_dag(model, expand_nested=expand_nested)
    return dag, {node.key: layer_label(node.layer, **label_flags) for node in dag.nodes}


def model_to_dot(model, show_shapes: bool = False, show_dtype: bool = False,
                 show_layer_names: bool = True, rankdir: str = "TB",
                 expand_nested: bool = False, dpi: int = 200, subgraph: bool = False,
                 show_layer_activations: bool = False, show_trainable: bool = False,
                 splines: str = "ortho", **kwargs):
    """Converts a model to a `pydot.Dot` graph (Graphviz's description of the drawing).

    Args:
        model: A built model (Sequential, functional or subclassed; a
            subclassed model is one box).
        show_shapes: Whether to show each layer's input and output shapes.
        show_dtype: Whether to show each layer's output dtype.
        show_layer_names: Whether to show the layer names (else only classes).
        rankdir: "TB" (top to bottom) or "LR" (left to right), as in Graphviz.
        expand_nested: Whether to draw nested models' layers inside a dashed
            cluster instead of one box per nested model.
        dpi: The image resolution in dots per inch.
        subgraph: Whether to return a `pydot.Cluster` (for nesting) instead.
        show_layer_activations: Whether to show the activation of layers that
            have one.
        show_trainable: Whether to show whether each layer with weights is
            trainable.
        splines: How Graphviz draws the arrows ("ortho", "curved", "polyline",
            "spline", "line").

    Returns:
        A `pydot.Dot` (or `pydot.Cluster` with `subgraph=True`). Needs `pydot`,
        not the `dot` program, until the graph is rendered.

    Example:

    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(3, input_shape=(2,), name="hidden"),
    ...                     layers.Dense(1, name="out")])
    >>> dot = model_to_dot(model)
    >>> boxes = [n for n in dot.get_nodes() if n.get_name() != "node"]  # "node": the defaults
    >>> len(boxes), len(dot.get_edges())
    (2, 1)
    """
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
    _check_built(model)
    pydot = _pydot()
    if pydot is None:
        raise ImportError("You must install pydot (`pip install pydot`) for model_to_dot "
                          "to work.")
    flags = dict(show_shapes=show_shapes, show_dtype=show_dtype,
                 show_layer_names=show_layer_names,
                 show_layer_activations=show_layer_activations, show_trainable=show_trainable)
    dag, labels = _dag_and_labels(model, expand_nested, flags)
    if subgraph:
        dot = pydot.Cluster(style="dashed", graph_name=model.name)
        dot.set("label", model.name)
        dot.set("labeljust", "l")
    else:
        dot = pydot.Dot()
        dot.set("rankdir", rankdir)
        dot.set("concentrate", True)
        dot.set("dpi", dpi)
        dot.set("splines", splines)
        dot.set_node_defaults(shape="record")
    clusters = {(): dot}
    for scope, nested in dag.clusters:
        cluster = pydot.Cluster(graph_name=f"{id(nested)}", style="dashed", label=nested.name,
                                labeljust="l")
        clusters[scope[:-1]].add_subgraph(cluster)
        clusters[scope] = cluster
    for node in dag.nodes:
        box = pydot.Node(node.key, label=_html_label(labels[node.key]))
        box.set("fontname", "Helvetica")
        box.set("border", "0")
        box.set("margin", "0")
        clusters[node.scope].add_node(box)
    for edge in dag.edges:
        arrow = pydot.Edge(edge.source, edge.target)
        arrow.set("penwidth", "2")
        dot.add_edge(arrow)
    return dot


def _file_format(to_file: str) -> str:
    extension = os.path.splitext(to_file)[1][1:].lower()
    if not extension:
        return "png"
    if extension not in _FORMATS:
        raise ValueError(f"plot_model cannot write '.{extension}' files: to_file={to_file!r}. "
                         "Use a file name ending in .png, .svg, .pdf or .jpg "
                         "(no extension writes a PNG).")
    return extension


def _warn_missing_dot(reason: str) -> None:
    global _warned_missing_dot
    if _warned_missing_dot:
        return
    _warned_missing_dot = True
    warnings.warn(
        f"plot_model: {reason}, so the model is drawn with matplotlib instead. For the "
        "Graphviz rendering install Graphviz (`apt-get install graphviz`, `brew install "
        "graphviz`, or see https://graphviz.org/download/) and `pip install pydot`.",
        GraphvizMissingWarning, stacklevel=3)


def graphviz_available() -> bool:
    """Whether `plot_model` can use Graphviz (`pydot` importable and `dot` on the PATH).

    >>> isinstance(graphviz_available(), bool)
    True
    """
    return _pydot() is not None and shutil.which("dot") is not None


def plot_model(model, to_file: str = "model.png", show_shapes: bool = False,
               show_dtype: bool = False, show_layer_names: bool = True, rankdir: str = "TB",
               expand_nested: bool = False, dpi: int = 200,
               show_layer_activations: bool = False, show_trainable: bool = False,
               splines: str = "ortho", **kwargs):
    """Draws the model's layer graph into `to_file` (.png, .svg, .pdf or .jpg).

    Uses Graphviz (`pydot` and the `dot` program) as Keras does. Without
    `dot` it draws the same boxes and arrows with matplotlib (a layered layout)
    and warns once how to install Graphviz. Arguments as in `model_to_dot`.

    Returns:
        An `IPython.display.Image` (or `SVG`) of the file when IPython is
        installed, so a notebook shows the plot; else None.

    Example:

    >>> import os, tempfile
    >>> import neurx as keras
    >>> inputs = keras.Input(shape=(8,), name="features")
    >>> hidden = keras.layers.Dense(30, activation="relu")(inputs)
    >>> model = keras.Model(inputs, keras.layers.Dense(1)(hidden))
    >>> path = os.path.join(tempfile.mkdtemp(), "model.svg")
    >>> _ = plot_model(model, path, show_shapes=True)
    >>> os.path.getsize(path) > 0
    True
    """
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
    _check_built(model)
    to_file = os.fspath(to_file)
    file_format = _file_format(to_file)
    make_folders(os.path.dirname(to_file), to_file)
    if rankdir not in ("TB", "LR", "BT", "RL"):
        raise ValueError(f"`rankdir` must be 'TB' or 'LR' (or 'BT', 'RL'). "
                         f"Received: rankdir={rankdir!r}")
    flags = dict(show_shapes=show_shapes, show_dtype=show_dtype,
                 show_layer_names=show_layer_names,
                 show_layer_activations=show_layer_activations, show_trainable=show_trainable)
    if graphviz_available():
        dot = model_to_dot(model, rankdir=rankdir, expand_nested=expand_nested, dpi=dpi,
                           splines=splines, **flags)
        dot.write(to_file, format="jpg" if file_format == "jpeg" else file_format)
    else:
        _warn_missing_dot("pydot is not installed" if _pydot() is None
                          else "Graphviz's `dot` program was not found on the PATH")
        draw_with_matplotlib(model, to_file, rankdir=rankdir, expand_nested=expand_nested,
                             dpi=dpi, **flags)
    return _notebook_image(to_file, file_format)


def draw_with_matplotlib(model, to_file: str, rankdir: str = "TB", expand_nested: bool = False,
                         dpi: int = 200, **label_flags) -> None:
    """`plot_model`'s matplotlib renderer (a layered layout; no Graphviz needed).

    Text stays text in SVG files, and each box and arrow is an SVG group with
    id `node-<layer name>` or `edge-<source>-to-<target>`.
    """
    try:
        import matplotlib
    except ImportError as error:
        raise ImportError("plot_model needs Graphviz (`pip install pydot` and the `dot` "
                          "program) or matplotlib (`pip install matplotlib`) to draw.") from error
    from neurx.visualization.graph_figure import dag_figure

    file_format = _file_format(os.fspath(to_file))
    dag, labels = _dag_and_labels(model, expand_nested, label_flags)
    figure = dag_figure(dag, labels, rankdir=rankdir)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "neurx"}):
        figure.savefig(to_file, dpi=dpi,
                       format="jpg" if file_format == "jpeg" else file_format)


def _notebook_image(to_file: str, file_format: str):
    if file_format == "pdf":
        return None
    try:
        from IPython import display
    except ImportError:
        return None
    if file_format == "svg":
        return display.SVG(filename=to_file)
    return display.Image(filename=to_file)
