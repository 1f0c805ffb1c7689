"""`plot_model` / `model_to_dot`: Graphviz when `dot` is installed, the matplotlib layered
layout when it is not; the SVG files are parsed to check the boxes, labels and arrows."""
import importlib
import shutil
import warnings
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import neurx as keras
from neurx.visualization.layered_layout import layered_layout

pytest.importorskip("matplotlib")
pytest.importorskip("pydot")
visualization = importlib.import_module("neurx.visualization.model_visualization")

SVG = "{http://www.w3.org/2000/svg}"
WIDE_DEEP_EDGES = {("deep_input", "hidden1"), ("hidden1", "hidden2"), ("wide_input", "concat"),
                   ("hidden2", "concat"), ("concat", "main_output"), ("hidden2", "aux_output")}


def wide_and_deep():
    """The notes' wide & deep model: two inputs, two outputs."""
    input_a = keras.layers.Input(shape=(5,), name="wide_input")
    input_b = keras.layers.Input(shape=(6,), name="deep_input")
    hidden1 = keras.layers.Dense(30, activation="relu", name="hidden1")(input_b)
    hidden2 = keras.layers.Dense(30, activation="relu", name="hidden2")(hidden1)
    concat = keras.layers.concatenate([input_a, hidden2], name="concat")
    output = keras.layers.Dense(1, name="main_output")(concat)
    aux_output = keras.layers.Dense(1, name="aux_output")(hidden2)
    return keras.Model(inputs=[input_a, input_b], outputs=[output, aux_output])


def nested_model():
    block = keras.Sequential([keras.layers.Dense(4, input_shape=(30,), name="block_dense1"),
                              keras.layers.Dense(2, name="block_dense2")], name="block")
    inputs = keras.Input(shape=(3,), name="features")
    hidden = keras.layers.Dense(30, name="pre")(inputs)
    return keras.Model(inputs, keras.layers.Dense(1, name="post")(block(hidden)), name="outer")


@pytest.fixture
def without_dot(monkeypatch):
    """Makes `dot` look absent (as on a machine without Graphviz); resets the warn-once flag."""
    monkeypatch.setattr(visualization.shutil, "which", lambda name: None)
    monkeypatch.setattr(visualization, "_warned_missing_dot", False)


def _svg_texts(root):
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]


# ---------------------------------------------------------------------- Graphviz
needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's `dot` program is not installed "
                                      "(apt-get install graphviz); the fallback is tested below")


def _graphviz_svg(path, model):
    """(texts, edges by layer name) of an SVG written by Graphviz (boxes titled by id)."""
    names = {str(id(layer)): layer.name for layer in _all_layers(model)}
    root = ET.parse(path).getroot()
    edges = set()
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "edge":
            source, target = group.find(f"{SVG}title").text.split("->")
            edges.add((names[source], names[target]))
    boxes = {names[g.find(f"{SVG}title").text] for g in root.iter(f"{SVG}g")
             if g.get("class") == "node"}
    return _svg_texts(root), edges, boxes


def _all_layers(model):
    layers = []
    for layer in model.layers:
        layers.append(layer)
        if hasattr(layer, "layers"):
            layers.extend(_all_layers(layer))
    return layers


@needs_dot
def test_graphviz_wide_and_deep_png_and_svg(tmp_path):
    model = wide_and_deep()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Graphviz present: no fallback warning
        keras.utils.plot_model(model, tmp_path / "model.png", show_shapes=True)
        keras.utils.plot_model(model, str(tmp_path / "model.svg"), show_shapes=True,
                               show_layer_activations=True, show_trainable=True)
    assert (tmp_path / "model.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    texts, edges, boxes = _graphviz_svg(tmp_path / "model.svg", model)
    assert boxes == {layer.name for layer in model.layers}
    assert edges == WIDE_DEEP_EDGES
    assert "(Concatenate)" in texts and "concat" in texts and "relu" in texts
    assert "[(None, 5), (None, 30)]" in texts  # the concat's input shapes
    assert texts.count("Trainable") == 4


@needs_dot
def test_graphviz_sequential_and_nested_clusters(tmp_path):
    sequential = keras.Sequential([keras.layers.Dense(3, input_shape=(2,), name="first"),
                                   keras.layers.Dense(1, name="second")])
    keras.utils.plot_model(sequential, tmp_path / "seq.svg")
    _, edges, boxes = _graphviz_svg(tmp_path / "seq.svg", sequential)
    assert boxes == {"first", "second"} and edges == {("first", "second")}  # no input box

    model = nested_model()
    keras.utils.plot_model(model, tmp_path / "nested.svg", expand_nested=True)
    texts, edges, boxes = _graphviz_svg(tmp_path / "nested.svg", model)
    assert edges == {("features", "pre"), ("pre", "block_dense1"),
                     ("block_dense1", "block_dense2"), ("block_dense2", "post")}
    assert "block" in texts  # the cluster's label
    keras.utils.plot_model(model, tmp_path / "collapsed.pdf")
    assert (tmp_path / "collapsed.pdf").read_bytes()[:4] == b"%PDF"


def test_model_to_dot_structure_without_rendering():
    dot = keras.utils.model_to_dot(wide_and_deep(), show_shapes=True, rankdir="LR")
    assert dot.get("rankdir") == "LR"
    assert len([n for n in dot.get_nodes() if n.get_name() != "node"]) == 7
    assert len(dot.get_edges()) == 6
    cluster = keras.utils.model_to_dot(nested_model(), expand_nested=True).get_subgraphs()
    assert [c.get_label() for c in cluster] == ["block"]


# ---------------------------------------------------------------------- matplotlib fallback
def _fallback_svg(path):
    root = ET.parse(path).getroot()
    ids = {g.get("id") for g in root.iter(f"{SVG}g") if g.get("id")}
    boxes = {i[len("node-"):] for i in ids
             if i.startswith("node-") and not i.rsplit("-", 1)[-1].startswith(
                 ("title", "row", "header", "badge"))}
    edges = {tuple(i[len("edge-"):].split("-to-")) for i in ids if i.startswith("edge-")}
    return _svg_texts(root), edges, boxes, ids


def test_fallback_draws_wide_and_deep_and_warns_once(tmp_path, without_dot):
    model = wide_and_deep()
    with pytest.warns(visualization.GraphvizMissingWarning,
                      match="apt-get install graphviz.*brew install graphviz"):
        keras.utils.plot_model(model, tmp_path / "model.png", show_shapes=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said once only
        keras.utils.plot_model(model, tmp_path / "model.svg", show_shapes=True,
                               show_layer_activations=True, show_trainable=True, dpi=72)
    from PIL import Image
    with Image.open(tmp_path / "model.png") as image:
        assert image.format == "PNG" and image.size[0] > 200 and image.size[1] > 400
    texts, edges, boxes, _ = _fallback_svg(tmp_path / "model.svg")
    assert boxes == {layer.name for layer in model.layers}
    assert edges == WIDE_DEEP_EDGES
    assert "concat (Concatenate)" in texts and "Activation: relu" in texts
    assert "Input shape: [(None, 5), (None, 30)]" in texts
    assert "Output shape: (None, 1)" in texts and texts.count("Trainable") == 4


def test_fallback_layout_places_boxes_in_layers(tmp_path, without_dot):
    """Arrows point downwards and the boxes of a rank do not overlap (parsed from the SVG)."""
    with pytest.warns(visualization.GraphvizMissingWarning):
        keras.utils.plot_model(wide_and_deep(), tmp_path / "model.svg", dpi=72)
    root = ET.parse(tmp_path / "model.svg").getroot()
    boxes = {}
    for group in root.iter(f"{SVG}g"):
        name = (group.get("id") or "")[len("node-"):]
        if group.get("id", "").startswith("node-") and "-" not in name:
            path = group.find(f"{SVG}path").get("d").replace("M", " ").replace("L", " ")
            numbers = [float(v) for v in path.replace("z", " ").split()]
            xs, ys = numbers[0::2], numbers[1::2]
            boxes[name] = (min(xs), max(xs), min(ys), max(ys))  # SVG y grows downwards
    for source, target in WIDE_DEEP_EDGES:
        assert boxes[source][3] < boxes[target][2]
    for a in boxes:
        for b in boxes:
            if a < b:
                apart = (boxes[a][1] <= boxes[b][0] or boxes[b][1] <= boxes[a][0]
                         or boxes[a][3] <= boxes[b][2] or boxes[b][3] <= boxes[a][2])
                assert apart, (a, b)


def test_fallback_nested_sequential_and_formats(tmp_path, without_dot):
    with pytest.warns(visualization.GraphvizMissingWarning):
        keras.utils.plot_model(nested_model(), tmp_path / "nested.svg", expand_nested=True,
                               rankdir="LR")
    texts, edges, boxes, ids = _fallback_svg(tmp_path / "nested.svg")
    assert ("pre", "block_dense1") in edges and ("block_dense2", "post") in edges
    assert "cluster-block" in ids and "block" in texts
    keras.utils.plot_model(nested_model(), tmp_path / "collapsed.svg")
    _, edges, boxes, _ = _fallback_svg(tmp_path / "collapsed.svg")
    assert boxes == {"features", "pre", "block", "post"}
    keras.utils.plot_model(nested_model(), tmp_path / "model.pdf")
    assert (tmp_path / "model.pdf").read_bytes()[:4] == b"%PDF"
    sequential = keras.Sequential([keras.layers.Dense(3, input_shape=(2,), name="first"),
                                   keras.layers.Dense(1, name="second")])
    keras.utils.plot_model(sequential, tmp_path / "plots" / "seq.svg", show_layer_names=False)
    texts, edges, boxes, _ = _fallback_svg(tmp_path / "plots" / "seq.svg")  # folder created
    assert edges == {("first", "second")} and texts == ["Dense", "Dense"]


def test_clear_errors(tmp_path):
    model = wide_and_deep()
    with pytest.raises(ValueError, match=r"cannot write '\.gif' files.*\.png, \.svg, \.pdf"):
        keras.utils.plot_model(model, tmp_path / "model.gif")
    with pytest.raises(ValueError, match="not yet been built"):
        keras.utils.plot_model(keras.Sequential([keras.layers.Dense(1)]), tmp_path / "m.png")
    with pytest.raises(ValueError, match="rankdir"):
        keras.utils.plot_model(model, tmp_path / "m.png", rankdir="diagonal")
    with pytest.raises(ValueError, match="layer_range"):
        keras.utils.plot_model(model, tmp_path / "m.png", layer_range=["a", "b"])


# ---------------------------------------------------------------------- the layout itself
def test_layered_layout_reduces_crossings_and_keeps_gaps():
    # Two chains given in an order that would cross: a1->b2, a2->b1.
    nodes = ["a1", "a2", "b2", "b1"]
    edges = [("a1", "b1"), ("a2", "b2")]
    sizes = {n: (50.0, 20.0) for n in nodes}
    layout = layered_layout(nodes, edges, sizes, node_gap=10)
    x = {n: p[0] for n, p in layout.positions.items()}
    assert (x["a1"] < x["a2"]) == (x["b1"] < x["b2"])  # no crossing
    assert abs(x["a1"] - x["a2"]) >= 60 and abs(x["b1"] - x["b2"]) >= 60
    # A long edge bends through a dummy point per skipped rank.
    layout = layered_layout(["s", "m", "t"], [("s", "m"), ("m", "t"), ("s", "t")],
                            {n: (40.0, 20.0) for n in "smt"})
    assert len(layout.routes[("s", "t")]) == 3
    horizontal = layered_layout(["s", "t"], [("s", "t")], {"s": (40, 20), "t": (40, 20)},
                                rankdir="LR")
    assert horizontal.positions["s"][0] < horizontal.positions["t"][0]
    with pytest.raises(ValueError, match="cycle"):
        layered_layout(["a", "b"], [("a", "b"), ("b", "a")], {"a": (1, 1), "b": (1, 1)})
    assert np.isclose(layout.height, 20 * 3 + 40 * 2)
