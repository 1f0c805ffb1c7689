"""The TensorBoard callback and `neurx.summary`, read back by TensorBoard's own readers:
its `EventAccumulator` and a real `tensorboard` server's HTTP data API."""
import glob
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import numpy as np
import pytest

import neurx as keras
from neurx.callbacks import CallbackList

pytest.importorskip("tensorboard")
from PIL import Image  # noqa: E402  (installed with tensorboard)
from tensorboard.backend.event_processing import event_accumulator  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402


def _accumulator(folder):
    accumulator = event_accumulator.EventAccumulator(
        folder, size_guidance={event_accumulator.TENSORS: 0, event_accumulator.IMAGES: 0})
    accumulator.Reload()
    return accumulator


def _scalars(accumulator, tag):
    return [(event.step, float(tensor_util.make_ndarray(event.tensor_proto)))
            for event in accumulator.Tensors(tag)]


def _images(accumulator, tag):
    """(width, height, png, ...) per step of a v2 image summary (a string tensor)."""
    rows = []
    for event in accumulator.Tensors(tag):
        strings = tensor_util.make_ndarray(event.tensor_proto)
        rows.append((int(strings[0]), int(strings[1]), *strings[2:]))
    return rows


def _classifier():
    rs = np.random.RandomState(0)
    x = rs.normal(size=(96, 4)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int32")
    model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(4,),
                                                 name="hidden"),
                              keras.layers.Dense(2, activation="softmax", name="output")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model, x, y


class Lookup(keras.layers.Layer):
    """A minimal embedding layer (an `embeddings` matrix) for the projector files."""

    def build(self, input_shape):
        self.embeddings = self.add_weight(shape=(5, 3), initializer="glorot_uniform",
                                          name="embeddings")

    def call(self, inputs):
        return inputs @ self.embeddings


# ---------------------------------------------------------------------- the callback
RUNS = ("run_2019_06_07-15_15_22", "run_2019_06_07-15_15_49")


@pytest.fixture(scope="module")
def logged(tmp_path_factory):
    """One model trained twice (two runs, the notes' run folders), then evaluated alone."""
    root = tmp_path_factory.mktemp("my_logs")
    model, x, y = _classifier()
    histories = {}
    for run in RUNS:
        callback = keras.callbacks.TensorBoard(root / run, histogram_freq=1)
        histories[run] = model.fit(x, y, epochs=2, batch_size=32, verbose=0,
                                   validation_data=(x[:32], y[:32]),
                                   callbacks=[callback]).history
    model.evaluate(x, y, verbose=0, callbacks=[keras.callbacks.TensorBoard(root / "evaluated")])
    _write_embedding_run(root / "run_embeddings")
    return root, model, histories


def _write_embedding_run(log_dir):
    """Drives the callback's hooks by hand on an untrained embedding model (no fit needed)."""
    inputs = keras.Input(shape=(5,))
    model = keras.Model(inputs, keras.layers.Dense(2, name="head")(Lookup(name="words")(inputs)))
    model.compile(optimizer="sgd", loss="mse")
    labels = log_dir.parent / "labels.tsv"
    labels.write_text("a\nb\nc\nd\ne\n")
    callback = keras.callbacks.TensorBoard(log_dir, histogram_freq=1, write_images=True,
                                           embeddings_freq=1,
                                           embeddings_metadata={"words": str(labels)})
    callback.set_model(model)
    callback.on_train_begin()
    callback.on_epoch_begin(0)
    callback.on_epoch_end(0, {"loss": 1.0})
    callback.on_train_end()
    return model


def test_fit_writes_keras_layout_tags_histograms_and_graph(logged):
    root, model, histories = logged
    log_dir, history = root / RUNS[1], histories[RUNS[1]]
    assert sorted(os.listdir(log_dir)) == ["train", "validation"]
    for run in ("train", "validation"):
        files = os.listdir(log_dir / run)
        assert len(files) == 1 and files[0].startswith("events.out.tfevents.")
        assert files[0].endswith(".v2")

    train = _accumulator(str(log_dir / "train"))
    loss_points = _scalars(train, "epoch_loss")
    assert [step for step, _ in loss_points] == list(range(len(history["loss"])))
    assert [value for _, value in loss_points] == pytest.approx(history["loss"], rel=1e-6)
    assert [v for _, v in _scalars(train, "epoch_accuracy")] == pytest.approx(
        history["accuracy"], rel=1e-6)
    assert [v for _, v in _scalars(train, "epoch_learning_rate")] == pytest.approx([0.05] * 2)
    assert not any(tag.startswith("batch_") for tag in train.Tags()["tensors"])

    validation = _accumulator(str(log_dir / "validation"))
    assert [v for _, v in _scalars(validation, "epoch_loss")] == pytest.approx(
        history["val_loss"], rel=1e-6)
    assert [v for _, v in _scalars(validation, "epoch_accuracy")] == pytest.approx(
        history["val_accuracy"], rel=1e-6)
    # Evaluation curves are indexed by optimizer iterations (3 batches per epoch; this is
    # the second fit, so they continue from 6).
    steps = [s for s, _ in _scalars(validation, "evaluation_loss_vs_iterations")]
    assert steps == [9, 12]
    assert "evaluation_accuracy_vs_iterations" in validation.Tags()["tensors"]
    evaluated = _accumulator(str(root / "evaluated" / "validation"))
    assert [s for s, _ in _scalars(evaluated, "evaluation_loss_vs_iterations")] == [12]

    # One histogram per weight and epoch, of the weight's values (the last = final weights).
    tags = train.Tags()["tensors"]
    for weight in model.weights:
        assert f"{weight.path}/histogram" in tags
    events = train.Tensors("hidden/kernel/histogram")
    assert [e.step for e in events] == [0, 1]
    buckets = tensor_util.make_ndarray(events[-1].tensor_proto)
    kernel = model.get_layer("hidden").get_weights()[0]
    assert buckets[:, 2].sum() == kernel.size
    assert buckets[0, 0] == pytest.approx(kernel.min()) and \
        buckets[-1, 1] == pytest.approx(kernel.max())

    graph = train.Graph()
    nodes = {node.name: node for node in graph.node}
    assert [(n.op, list(n.input)) for n in graph.node] == [
        ("InputLayer", []), ("Dense", [graph.node[0].name]), ("Dense", ["hidden"])]
    shape = nodes["hidden"].attr["_output_shapes"].list.shape[0]
    assert [d.size for d in shape.dim] == [-1, 8]
    assert nodes["output"].attr["activation"].s == b"softmax"


def test_multi_output_and_nested_graph_names(tmp_path):
    inner = keras.Sequential([keras.layers.Dense(4, input_shape=(6,), name="inner_dense")],
                             name="block")
    wide = keras.Input(shape=(5,), name="wide_input")
    deep = keras.Input(shape=(6,), name="deep_input")
    hidden = inner(deep)
    concat = keras.layers.concatenate([wide, hidden], name="concat")
    model = keras.Model([wide, deep], [keras.layers.Dense(1, name="main_output")(concat),
                                       keras.layers.Dense(1, name="aux_output")(hidden)])
    callback = keras.callbacks.TensorBoard(tmp_path)
    callback.set_model(model)  # the graph is written as soon as the model is known
    callback.on_train_end()
    graph = _accumulator(str(tmp_path / "train")).Graph()
    inputs = {node.name: list(node.input) for node in graph.node}
    # The nested model's layers are scoped under its name: a box that opens in the Graphs tab.
    assert inputs["block/inner_dense"] == ["deep_input"]
    assert inputs["concat"] == ["wide_input", "block/inner_dense"]
    assert inputs["aux_output"] == ["block/inner_dense"]


def test_batch_level_logging_and_profile(tmp_path):
    assert not CallbackList([keras.callbacks.TensorBoard(tmp_path / "a")]).needs_batch_hooks(
        "train")  # the default keeps fit's whole-epoch path
    each_batch = keras.callbacks.TensorBoard(tmp_path / "a", update_freq="batch")
    assert each_batch.update_freq == 1 and CallbackList([each_batch]).needs_batch_hooks("train")
    model, x, y = _classifier()
    callback = keras.callbacks.TensorBoard(tmp_path / "b", update_freq=2, profile_batch=(2, 3),
                                           write_steps_per_second=True)
    assert CallbackList([callback]).needs_batch_hooks("train")
    model.fit(x, y, epochs=2, batch_size=32, verbose=0, callbacks=[callback])
    train = _accumulator(str(tmp_path / "b" / "train"))
    # 3 batches per epoch, 6 in all: written at global batches 2, 4, 6.
    assert [s for s, _ in _scalars(train, "batch_loss")] == [2, 4, 6]
    assert "batch_accuracy" in train.Tags()["tensors"]
    assert all(v > 0 for _, v in _scalars(train, "batch_steps_per_second"))
    assert all(v > 0 for _, v in _scalars(train, "epoch_steps_per_second"))
    profiles = tmp_path / "b" / "train" / "plugins" / "profile" / "*" / "*.xplane.pb"
    assert glob.glob(str(profiles))


def test_images_and_embedding_projector_files(logged):
    root = logged[0]
    train = _accumulator(str(root / "run_embeddings" / "train"))
    width, height, png = _images(train, "head/kernel/image")[0]
    assert (width, height) == (3, 2)  # a (3, 2) kernel is drawn wider than tall
    pixels = np.asarray(Image.open(io.BytesIO(png)))
    assert pixels.shape == (2, 3) and pixels.min() == 0 and pixels.max() == 255

    folder = root / "run_embeddings" / "train"
    config = (folder / "projector_config.pbtxt").read_text()
    assert 'tensor_name: "words/embeddings"' in config
    assert 'metadata_path: "keras_embedding_words_metadata.tsv"' in config
    assert (folder / "keras_embedding_words_metadata.tsv").read_text() == "a\nb\nc\nd\ne\n"
    table = np.loadtxt(folder / "keras_embedding_words.tsv", delimiter="\t")
    assert table.shape == (5, 3)


def test_clear_errors(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    model, x, y = _classifier()
    with pytest.raises(NotADirectoryError, match="Cannot write '.*a_file.logs.*': '.*a_file' "
                                                 "is a file, not a folder"):
        model.fit(x, y, epochs=1, verbose=0,
                  callbacks=[keras.callbacks.TensorBoard(blocker / "logs")])
    with pytest.raises(ValueError, match="update_freq"):
        keras.callbacks.TensorBoard(tmp_path, update_freq="sometimes")
    with pytest.raises(ValueError, match="histogram_freq"):
        keras.callbacks.TensorBoard(tmp_path, histogram_freq=-1)
    with pytest.raises(ValueError, match="profile_batch"):
        keras.callbacks.TensorBoard(tmp_path, profile_batch=(5, 2))
    with pytest.raises(ValueError, match="Unrecognized `Embedding` layer names.*'nope'"):
        keras.callbacks.TensorBoard(tmp_path, embeddings_freq=1,
                                    embeddings_metadata={"nope": "x.tsv"}).set_model(
            _embedding_model())


def _embedding_model():
    inputs = keras.Input(shape=(5,))
    return keras.Model(inputs, Lookup(name="words")(inputs))


# ---------------------------------------------------------------------- neurx.summary
def test_summary_writer_like_tf_summary(tmp_path):
    writer = keras.summary.create_file_writer(str(tmp_path / "custom"))
    rs = np.random.RandomState(0)
    with writer.as_default():
        for step in range(1, 4):
            assert keras.summary.scalar("my_scalar", np.sin(step / 10), step=step)
            assert keras.summary.histogram("my_hist", rs.normal(size=100) * step, buckets=10,
                                           step=step)
            assert keras.summary.image("my_images", rs.rand(2, 6, 4, 3), max_outputs=2,
                                       step=step)
            assert keras.summary.text("my_text", f"step **{step}**", step=step)
        keras.summary.flush()
    assert keras.summary.scalar("outside", 1.0, step=0) is False
    with writer.as_default(step=7):
        keras.summary.scalar("default_step", 2.0)
    writer.close()
    with pytest.raises(RuntimeError, match="closed"):
        writer.scalar("late", 1.0, step=1)
    with pytest.raises(ValueError, match="step"):
        with keras.summary.create_file_writer(tmp_path / "other").as_default():
            keras.summary.scalar("no_step", 1.0)

    events = _accumulator(str(tmp_path / "custom"))
    scalars = _scalars(events, "my_scalar")
    assert [step for step, _ in scalars] == [1, 2, 3]
    assert [value for _, value in scalars] == pytest.approx(np.sin(np.arange(1, 4) / 10),
                                                            rel=1e-6)
    assert _scalars(events, "default_step") == [(7, 2.0)]
    histogram = tensor_util.make_ndarray(events.Tensors("my_hist")[0].tensor_proto)
    assert histogram.shape == (10, 3) and histogram[:, 2].sum() == 100
    images = _images(events, "my_images")
    assert len(images) == 3 and all(len(pngs) == 2 for _, _, *pngs in images)
    assert images[0][:2] == (4, 6)
    assert np.asarray(Image.open(io.BytesIO(images[0][2]))).shape == (6, 4, 3)
    text = tensor_util.make_ndarray(events.Tensors("my_text")[-1].tensor_proto)
    assert text.item() == b"step **3**"
    with pytest.raises(ValueError, match=r"\[k, height, width, channels\]"):
        writer2 = keras.summary.create_file_writer(tmp_path / "bad")
        writer2.image("bad", np.zeros((6, 4)), step=0)


# ---------------------------------------------------------------------- the real server
def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port, route, **query):
    url = f"http://127.0.0.1:{port}{route}"
    if query:
        url += "?" + urllib.parse.urlencode(query)
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


@pytest.fixture
def tensorboard_server(tmp_path):
    """Starts `python -m tensorboard.main` on a free port over a root of runs; yields a getter."""
    processes = []

    def start(logdir):
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "tensorboard.main", "--logdir", str(logdir),
             "--host", "127.0.0.1", "--port", str(port), "--reload_interval", "1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        processes.append(process)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"tensorboard exited: {process.stderr.read().decode()[-2000:]}")
            try:
                _get(port, "/data/runs")
                return lambda route, **query: _get(port, route, **query)
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.25)
        pytest.fail("tensorboard did not answer within 60 s")

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def test_real_tensorboard_server_reads_runs(logged, tensorboard_server):
    root, model, histories = logged
    get = tensorboard_server(root)

    def until(check, route, **query):  # the server loads event files in the background
        deadline = time.monotonic() + 30
        while True:
            try:
                value = json.loads(get(route, **query))
                if check(value):
                    return value
            except urllib.error.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"{route} {query} did not show the data in time")
            time.sleep(0.25)

    expected = sorted([f"{run}/{kind}" for run in RUNS for kind in ("train", "validation")]
                      + ["evaluated/train", "evaluated/validation", "run_embeddings/train"])
    assert sorted(until(lambda r: len(r) == len(expected), "/data/runs")) == expected
    for run, history in histories.items():
        scalars = until(lambda s: len(s) == 2, "/data/plugin/scalars/scalars",
                        run=f"{run}/train", tag="epoch_loss")
        assert [step for _, step, _ in scalars] == list(range(len(history["loss"])))
        assert [value for _, _, value in scalars] == pytest.approx(history["loss"], rel=1e-6)
        val = until(lambda s: len(s) == 2, "/data/plugin/scalars/scalars",
                    run=f"{run}/validation", tag="epoch_accuracy")
        assert [value for _, _, value in val] == pytest.approx(history["val_accuracy"])
    run = RUNS[0]
    histograms = until(lambda h: len(h) == 2, "/data/plugin/histograms/histograms",
                       run=f"{run}/train", tag="output/kernel/histogram")
    assert [step for _, step, _ in histograms] == [0, 1]
    assert sum(count for _, _, count in histograms[-1][2]) == 8 * 2
    tags = until(lambda t: f"{run}/train" in t, "/data/plugin/scalars/tags")
    assert {"epoch_loss", "epoch_accuracy", "epoch_learning_rate"} <= set(tags[f"{run}/train"])
    graph = get("/data/plugin/graphs/graph", run=f"{run}/train").decode()
    assert 'name: "hidden"' in graph and 'op: "Dense"' in graph and 'input: "hidden"' in graph
    info = until(lambda i: f"{run}/train" in i, "/data/plugin/graphs/info")
    assert info[f"{run}/train"]["run_graph"] is True
    images = until(lambda t: "run_embeddings/train" in t, "/data/plugin/images/tags")
    assert "head/kernel/image" in images["run_embeddings/train"]

    # The projector reads the embeddings without TensorFlow (TSV named by the config).
    deadline = time.monotonic() + 30
    while True:
        try:
            raw = get("/data/plugin/projector/tensor", run="run_embeddings/train",
                      name="words/embeddings")
            break
        except urllib.error.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)
    table = np.loadtxt(root / "run_embeddings" / "train" / "keras_embedding_words.tsv",
                       delimiter="\t")
    np.testing.assert_allclose(np.frombuffer(raw, dtype="float32").reshape(5, 3), table,
                               rtol=1e-6)
    metadata = get("/data/plugin/projector/metadata", run="run_embeddings/train",
                   name="words/embeddings").decode()
    assert metadata.split() == ["a", "b", "c", "d", "e"]
