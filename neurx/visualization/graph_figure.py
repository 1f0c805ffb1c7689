"""Draws a `LayerDag` with matplotlib: `plot_model`'s renderer when Graphviz is missing.

What this module owns: box sizes measured from the label text, the layered
layout (`layered_layout`), and the picture: a box per layer in the style of
Keras's Graphviz boxes (a dark title bar with the name and class, white rows
for activation, shapes and dtype, a green or red "Trainable" row), arrows
along the layout's routes, and a dashed frame with the model's name around
each expanded nested model. The figure is a plain `matplotlib.figure.Figure`
(no pyplot state). In SVG output the text stays text and each box and arrow
is a group with an id (`node-<layer name>`, `edge-<source>-to-<target>`), so
the file can be searched and tested.
"""
from __future__ import annotations

from neurx.visualization.layered_layout import layered_layout

_FONT_SIZE = 10.0
_PAD_X, _PAD_Y = 10.0, 5.0
_LINE = 1.45 * _FONT_SIZE
_TITLE_COLOR, _BORDER = "#1f1f1f", "#1f1f1f"


def _text_width(text: str, bold: bool = False) -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    font = FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal")
    return TextPath((0, 0), text, size=_FONT_SIZE, prop=font).get_extents().width


def box_size(label) -> tuple[float, float]:
    """(width, height) in points of the box drawn for a `LayerLabel`."""
    widths = [_text_width(label.title, bold=True)] + [_text_width(t) for t in label.details()]
    rows = 1 + len(label.details())
    return max(widths) + 2 * _PAD_X, rows * _LINE + 2 * _PAD_Y * (1 if rows == 1 else 1.5)


def _draw_box(axes, centre, size, label, gid: str) -> None:
    from matplotlib.patches import Rectangle

    x, y = centre[0] - size[0] / 2, centre[1] - size[1] / 2  # y is the bottom edge
    details = label.details()
    title_height = _LINE + 2 * _PAD_Y if details else size[1]
    box = Rectangle((x, y), size[0], size[1], facecolor="white", edgecolor=_BORDER,
                    linewidth=1.0, gid=gid)
    header = Rectangle((x, y + size[1] - title_height), size[0], title_height,
                       facecolor=_TITLE_COLOR, edgecolor=_BORDER, linewidth=1.0,
                       gid=f"{gid}-header")
    axes.add_patch(box)
    axes.add_patch(header)
    row_top = y + size[1] - title_height - _PAD_Y / 2
    for index, text in enumerate(details):
        if text in ("Trainable", "Non-trainable"):
            color = "forestgreen" if text == "Trainable" else "firebrick"
            axes.add_patch(Rectangle((x + 1, row_top - (index + 1) * _LINE), size[0] - 2, _LINE,
                                     facecolor=color, edgecolor="none", gid=f"{gid}-badge"))
    axes.text(centre[0], y + size[1] - title_height / 2, label.title, color="white",
              fontsize=_FONT_SIZE, fontweight="bold", ha="center", va="center",
              family="DejaVu Sans", gid=gid + "-title")
    for index, text in enumerate(details):
        white = text in ("Trainable", "Non-trainable")
        axes.text(centre[0], row_top - (index + 0.5) * _LINE, text,
                  color="white" if white else "black", fontsize=_FONT_SIZE,
                  fontweight="bold" if white else "normal", ha="center", va="center",
                  family="DejaVu Sans", gid=f"{gid}-row{index}")


def _clip(point, centre, size, toward):
    """Where the segment from the box centre towards `toward` leaves the box."""
    dx, dy = toward[0] - centre[0], toward[1] - centre[1]
    if dx == 0 and dy == 0:
        return point
    scale = min(size[0] / 2 / abs(dx) if dx else float("inf"),
                size[1] / 2 / abs(dy) if dy else float("inf"))
    return (centre[0] + dx * scale, centre[1] + dy * scale)


def _draw_edge(axes, route, source_size, target_size, gid: str) -> None:
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.path import Path

    points = list(route)
    points[0] = _clip(points[0], route[0], source_size, route[1])
    points[-1] = _clip(points[-1], route[-1], target_size, route[-2])
    path = Path(points, [Path.MOVETO] + [Path.LINETO] * (len(points) - 1))
    arrow = FancyArrowPatch(path=path, arrowstyle="-|>", mutation_scale=12, linewidth=1.6,
                            color="#404040", shrinkA=0, shrinkB=0)
    arrow.set_gid(gid)
    axes.add_patch(arrow)


def dag_figure(dag, labels: dict, rankdir: str = "TB"):
    """A matplotlib `Figure` of `dag` (a `LayerDag`) with `labels[key]` (`LayerLabel`s).

    Example:

    >>> from neurx import Sequential, layers
    >>> from neurx.visualization.layer_graph import layer_dag, layer_label
    >>> model = Sequential([layers.Dense(2, input_shape=(3,)), layers.Dense(1)])
    >>> dag = layer_dag(model)
    >>> figure = dag_figure(dag, {n.key: layer_label(n.layer) for n in dag.nodes})
    >>> type(figure).__name__
    'Figure'
    """
    from matplotlib.figure import Figure

    keys = [node.key for node in dag.nodes]
    sizes = {key: box_size(labels[key]) for key in keys}
    depth_of = {n.key: len(n.scope) for n in dag.nodes}
    max_depth = max(depth_of.values(), default=0)
    cluster_pad = 12.0
    margin = 12.0 + cluster_pad * max_depth
    # Nested-model frames need room between the boxes: widen the gaps per nesting level.
    layout = layered_layout(keys, [(e.source, e.target) for e in dag.edges], sizes,
                            rankdir=rankdir, node_gap=24.0 + 2 * cluster_pad * max_depth,
                            rank_gap=40.0 + (2 * cluster_pad + _LINE) * max_depth)
    width, height = layout.width + 2 * margin, layout.height + 2 * margin

    def to_figure(point):  # layout y grows downwards, matplotlib's upwards
        return point[0] + margin, height - margin - point[1]

    figure = Figure(figsize=(max(width, 20) / 72, max(height, 20) / 72))
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, max(width, 20))
    axes.set_ylim(0, max(height, 20))
    axes.axis("off")
    names = {node.key: node.layer.name for node in dag.nodes}
    centres = {key: to_figure(layout.positions[key]) for key in keys}
    _draw_clusters(axes, dag, centres, sizes, cluster_pad)
    for edge in dag.edges:
        route = [to_figure(p) for p in layout.routes[(edge.source, edge.target)]]
        _draw_edge(axes, route, sizes[edge.source], sizes[edge.target],
                   f"edge-{names[edge.source]}-to-{names[edge.target]}")
    for key in keys:
        _draw_box(axes, centres[key], sizes[key], labels[key], f"node-{names[key]}")
    return figure


def _draw_clusters(axes, dag, centres, sizes, pad) -> None:
    from matplotlib.patches import Rectangle

    for scope, model in dag.clusters:
        members = [n.key for n in dag.nodes if n.scope[:len(scope)] == scope]
        if not members:
            continue
        inner = max(len(n.scope) for n in dag.nodes if n.key in members) - len(scope)
        grow = pad * (inner + 1)
        left = min(centres[k][0] - sizes[k][0] / 2 for k in members) - grow
        right = max(centres[k][0] + sizes[k][0] / 2 for k in members) + grow
        bottom = min(centres[k][1] - sizes[k][1] / 2 for k in members) - grow
        top = max(centres[k][1] + sizes[k][1] / 2 for k in members) + grow + _LINE
        frame = Rectangle((left, bottom), right - left, top - bottom, fill=False,
                          linestyle="--", edgecolor="#606060", linewidth=1.0)
        frame.set_gid(f"cluster-{model.name}")
        axes.add_patch(frame)
        axes.text(left + 4, top - _LINE / 2 - 2, model.name, fontsize=_FONT_SIZE, ha="left",
                  va="center", color="#404040", family="DejaVu Sans",
                  gid=f"cluster-{model.name}-label")
