"""TF2 SavedModel folders written by tf.keras 2.21 load without TensorFlow.

Every `tf-keras-zoo/<name>_savedmodel/` reproduces tf.keras's outputs, carries its
optimizer state (the same as its `.h5` twin, written by the same tf.keras model),
trains one step and saves as `.keras`; crafted broken copies fail with clear errors.
"""
import glob
import json
import os
import shutil
import sys

import numpy as np
import pytest
from shared_files import KERAS_FILES

import neurx
from neurx import compat
from neurx.saving.savedmodel import protos
from neurx.saving.savedmodel.bundle import BundleReader, write_bundle
from neurx.saving.savedmodel.crc32c import _serial, crc32c

ZOO = os.path.join(KERAS_FILES, "tf-keras-zoo")
FOLDERS = sorted(glob.glob(os.path.join(ZOO, "*_savedmodel")))
_SUFFIX = "_savedmodel"


def _golden(folder):
    golden = np.load(folder[:-len(_SUFFIX)] + ".golden.npz")
    xs = [golden[k] for k in sorted(k for k in golden if k.startswith("x"))]
    ys = [golden[k] for k in sorted(k for k in golden if k.startswith("y"))]
    return xs, ys


def _predict(model, xs):
    out = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    return out if isinstance(out, list) else [out]


def _writable_copy(folder, tmp_path):
    """The zoo is read-only: copy file by file so the copy can be damaged."""
    target = tmp_path / os.path.basename(folder)
    for root, _, files in os.walk(folder):
        here = target / os.path.relpath(root, folder)
        here.mkdir(parents=True, exist_ok=True)
        for name in files:
            shutil.copyfile(os.path.join(root, name), here / name)
    return target


def test_every_savedmodel_folder_was_found():
    assert len(FOLDERS) == 10, FOLDERS


def _name(folder):
    return os.path.basename(folder)[:-len(_SUFFIX)]


def _params(fast):
    """Every folder; those outside `fast` marked slow (each load compiles its model)."""
    return [pytest.param(f, id=_name(f), marks=() if _name(f) in fast else (pytest.mark.slow,))
            for f in FOLDERS]


@pytest.mark.parametrize("folder", FOLDERS, ids=_name)
def test_savedmodel_reproduces_golden_outputs(folder):
    model = neurx.models.load_model(folder)
    xs, ys = _golden(folder)
    for got, want in zip(_predict(model, xs), ys):
        np.testing.assert_allclose(np.asarray(got), want, atol=1e-5, rtol=0)


@pytest.mark.parametrize("folder", _params({"housing_mlp", "fashion_mlp"}))
def test_savedmodel_restores_the_optimizer_state_of_its_h5_twin(folder):
    """Both files were written by tf.keras from the same model after one SGD-momentum step."""
    model = neurx.models.load_model(folder)
    twin = neurx.models.load_model(folder[:-len(_SUFFIX)] + ".h5")
    assert type(model.optimizer).__name__ == "SGD" and model.loss == twin.loss
    assert int(model.optimizer.iterations) == int(twin.optimizer.iterations) == 1
    mine = [np.asarray(v) for v in model.optimizer.variables]
    assert len(mine) > 2 and any(np.abs(v).max() > 0 for v in mine[2:])
    for value, expected in zip(mine, twin.optimizer.variables, strict=True):
        np.testing.assert_array_equal(value, np.asarray(expected))


@pytest.mark.parametrize("folder", _params({"housing_mlp", "wide_deep_two_outputs"}))
def test_savedmodel_trains_one_step_and_saves_as_keras(folder, tmp_path):
    model = neurx.models.load_model(folder)
    xs, ys = _golden(folder)
    before = [np.asarray(w).copy() for w in model.get_weights()]
    history = model.fit(xs if len(xs) > 1 else xs[0], ys if len(ys) > 1 else ys[0],
                        epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert int(model.optimizer.iterations) == 2
    assert any(not np.array_equal(a, np.asarray(b)) for a, b in zip(before, model.get_weights()))
    path = str(tmp_path / "resaved.keras")
    model.save(path)
    reloaded = neurx.models.load_model(path)
    assert int(reloaded.optimizer.iterations) == 2
    for got, want in zip(_predict(reloaded, xs), _predict(model, xs)):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), atol=1e-6, rtol=0)


def test_savedmodel_loads_under_the_tensorflow_alias():
    folder = os.path.join(ZOO, "housing_mlp_savedmodel")
    compat.install()
    try:
        from tensorflow import keras
        model = keras.models.load_model(folder)
    finally:
        compat.uninstall()
    assert type(model).__module__.startswith("neurx.")
    xs, ys = _golden(folder)
    np.testing.assert_allclose(_predict(model, xs)[0], ys[0], atol=1e-5, rtol=0)


def _rewrite_root_config(folder, change):
    path = folder / "keras_metadata.pb"
    metadata = protos.message("SavedMetadata").FromString(path.read_bytes())
    record = json.loads(metadata.nodes[0].metadata)
    change(record)
    metadata.nodes[0].metadata = json.dumps(record)
    path.write_bytes(metadata.SerializeToString())


def _rename_first_dense(record):
    record["config"]["layers"][1]["class_name"] = "MyDense"


def _unknown_model_class(record):
    record["class_name"] = "HousingRegressor"


def test_custom_layer_needs_custom_objects(tmp_path):
    folder = _writable_copy(os.path.join(ZOO, "housing_mlp_savedmodel"), tmp_path)
    _rewrite_root_config(folder, _rename_first_dense)
    with pytest.raises(ValueError, match=r"Unknown layer: 'MyDense'.*custom_objects"):
        neurx.models.load_model(str(folder))

    class MyDense(neurx.layers.Dense):
        pass

    model = neurx.models.load_model(str(folder), custom_objects={"MyDense": MyDense})
    xs, ys = _golden(os.path.join(ZOO, "housing_mlp_savedmodel"))
    assert isinstance(model.layers[0], MyDense)
    np.testing.assert_allclose(_predict(model, xs)[0], ys[0], atol=1e-5, rtol=0)


def test_unknown_model_class_in_metadata(tmp_path):
    folder = _writable_copy(os.path.join(ZOO, "housing_mlp_savedmodel"), tmp_path)
    _rewrite_root_config(folder, _unknown_model_class)
    with pytest.raises(ValueError, match=r"'HousingRegressor'.*custom_objects"):
        neurx.models.load_model(str(folder))


def test_bare_tf_module_has_no_keras_metadata(tmp_path):
    folder = _writable_copy(os.path.join(ZOO, "housing_mlp_savedmodel"), tmp_path)
    os.remove(folder / "keras_metadata.pb")
    with pytest.raises(ValueError, match=r"SavedModel without Keras metadata \(no keras_metadata"
                                         r"\.pb, and no Keras records in saved_model\.pb\).*"
                                         r"tf\.Module"):
        neurx.models.load_model(str(folder))


def test_directory_without_saved_model_pb(tmp_path):
    with pytest.raises(ValueError, match="without saved_model.pb"):
        neurx.models.load_model(str(tmp_path))


def _truncate_data(folder):
    data = folder / "variables" / "variables.data-00000-of-00001"
    data.write_bytes(data.read_bytes()[:1000])


def _remove_shard(folder):
    os.remove(folder / "variables" / "variables.data-00000-of-00001")


def _flip_index_byte(folder):
    index = folder / "variables" / "variables.index"
    raw = bytearray(index.read_bytes())
    raw[20] ^= 0x40                      # inside the first data block
    index.write_bytes(bytes(raw))


def _flip_tensor_byte(folder):
    data = folder / "variables" / "variables.data-00000-of-00001"
    raw = bytearray(data.read_bytes())
    raw[-3] ^= 0x01                      # the last tensor's bytes
    data.write_bytes(bytes(raw))


@pytest.mark.parametrize("damage,message_pattern", [
    (_truncate_data, r"variables\.data-00000-of-00001' is truncated: it has 1000 bytes"),
    (_remove_shard, r"names the data shard '.*variables\.data-00000-of-00001', which is missing"),
    (_flip_index_byte, r"variables\.index' is corrupted: the checksum \(CRC32C\) of its data"),
    (_flip_tensor_byte, r"is corrupted: its checksum \(CRC32C\) does not match the index"),
], ids=["truncated-data", "missing-shard", "index-block-crc", "tensor-crc"])
def test_damaged_checkpoints_fail_clearly(damage, message_pattern, tmp_path):
    folder = _writable_copy(os.path.join(ZOO, "housing_mlp_savedmodel"), tmp_path)
    damage(folder)
    with pytest.raises((ValueError, FileNotFoundError), match=message_pattern):
        neurx.models.load_model(str(folder))


def test_missing_protobuf_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "google.protobuf", None)
    with pytest.raises(ImportError, match=r"pip install 'neurx\[savedmodel\]'"):
        protos.import_protobuf()


@pytest.mark.parametrize("size", [0, 9, 1023, 1024, 4099, 70001])
def test_vectorised_crc32c_matches_the_bytewise_definition(size):
    data = np.random.default_rng(size).integers(0, 256, size, dtype=np.uint8).tobytes()
    assert crc32c(data) == _serial(0xFFFFFFFF, data) ^ 0xFFFFFFFF


def _checkpoint_parts(folder):
    """The checkpoint's prefix, object graph, and tensors by key."""
    prefix = str(folder / "variables" / "variables")
    reader = BundleReader(prefix)
    graph = protos.message("TrackableObjectGraph").FromString(
        reader.read("_CHECKPOINTABLE_OBJECT_GRAPH")[()])
    return prefix, graph, {key: reader.read(key) for key in reader.keys()}


def _children(graph, node):
    return {ref.local_name: ref.node_id for ref in graph.nodes[node].children}


def _listed(graph, node):
    return [ref.node_id for ref in sorted(graph.nodes[node].children,
                                          key=lambda ref: int(ref.local_name))]


def _rewrite_checkpoint(prefix, graph, tensors):
    write_bundle(prefix, {**tensors, "_CHECKPOINTABLE_OBJECT_GRAPH": graph.SerializeToString()})


def test_legacy_optimizer_slots_come_from_slot_variables(tmp_path):
    """Keras 2's legacy optimizers (TF <= 2.10) list their slots as `slot_variables`
    `(variable, "momentum", slot)` and their step as `iter`: the same checkpoint, with its
    optimizer node rewritten in that form, restores the same state."""
    source = os.path.join(ZOO, "housing_mlp_savedmodel")
    folder = _writable_copy(source, tmp_path)
    prefix, graph, tensors = _checkpoint_parts(folder)
    root = _children(graph, 0)
    optimizer = graph.nodes[root["optimizer"]]
    children = _children(graph, root["optimizer"])
    trainable = _listed(graph, root["trainable_variables"])
    momentums = _listed(graph, children["momentums"])
    del optimizer.children[:]
    optimizer.children.add(node_id=children["_iterations"], local_name="iter")
    optimizer.children.add(node_id=children["_learning_rate"], local_name="learning_rate")
    for variable, slot in zip(trainable, momentums, strict=True):
        optimizer.slot_variables.add(original_variable_node_id=variable, slot_name="momentum",
                                     slot_variable_node_id=slot)
    _rewrite_checkpoint(prefix, graph, tensors)

    legacy = neurx.models.load_model(str(folder))
    current = neurx.models.load_model(source)
    assert int(legacy.optimizer.iterations) == 1
    for mine, expected in zip(legacy.optimizer.variables, current.optimizer.variables,
                              strict=True):
        np.testing.assert_array_equal(np.asarray(mine), np.asarray(expected))


def test_tf_2_4_folders_keep_the_keras_records_in_saved_model_pb(tmp_path):
    """Before TensorFlow 2.5 there was no keras_metadata.pb: each Keras object's record was
    the `user_object.metadata` of its node in saved_model.pb's object graph."""
    source = os.path.join(ZOO, "nested_model_savedmodel")
    folder = _writable_copy(source, tmp_path)
    records = protos.message("SavedMetadata").FromString(
        (folder / "keras_metadata.pb").read_bytes()).nodes
    saved = protos.message("SavedModel").FromString((folder / "saved_model.pb").read_bytes())
    nodes = saved.meta_graphs[0].object_graph_def.nodes
    for record in records:
        assert nodes[record.node_id].user_object.identifier == record.identifier
        nodes[record.node_id].user_object.metadata = record.metadata
    (folder / "saved_model.pb").write_bytes(saved.SerializeToString())
    os.remove(folder / "keras_metadata.pb")
    model = neurx.models.load_model(str(folder))
    xs, ys = _golden(source)
    np.testing.assert_allclose(_predict(model, xs)[0], ys[0], atol=1e-5, rtol=0)
    assert int(model.optimizer.iterations) == 1


def _to_adam(record):
    record["training_config"]["optimizer_config"] = {
        "class_name": "Custom>Adam", "config": {"name": "Adam", "learning_rate": 0.001,
                                                "beta_1": 0.9, "beta_2": 0.999,
                                                "epsilon": 1e-07, "amsgrad": False}}


def test_slots_that_do_not_fit_the_optimizer_are_skipped_with_a_warning(tmp_path):
    folder = _writable_copy(os.path.join(ZOO, "housing_mlp_savedmodel"), tmp_path)
    _rewrite_root_config(folder, _to_adam)          # the checkpoint holds SGD's momentums
    with pytest.warns(UserWarning, match=r"no 'velocity' slot for variable 'dense_14/kernel'"
                                         r" of optimizer 'Adam' \(Adam\); it holds slots "
                                         r"\['momentum'\]"):
        model = neurx.models.load_model(str(folder))
    assert int(model.optimizer.iterations) == 0


def test_adam_moments_come_from_their_per_variable_lists(tmp_path):
    """tf-keras 2.11+'s Adam tracks `_momentums` and `_velocities`, one entry per trainable
    variable in the model's order: the housing folder, recompiled as Adam in its metadata
    with distinct moments written into its checkpoint, restores each moment to its weight."""
    folder = _writable_copy(os.path.join(ZOO, "housing_mlp_savedmodel"), tmp_path)
    _rewrite_root_config(folder, _to_adam)
    prefix, graph, tensors = _checkpoint_parts(folder)
    root = _children(graph, 0)
    optimizer = graph.nodes[root["optimizer"]]
    for ref in optimizer.children:
        if ref.local_name == "momentums":
            ref.local_name = "_momentums"
            momentums = [graph.nodes[n].attributes[0].checkpoint_key
                         for n in _listed(graph, ref.node_id)]
    velocities = graph.nodes.add()
    optimizer.children.add(node_id=len(graph.nodes) - 1, local_name="_velocities")
    for i, momentum in enumerate(momentums):
        graph.nodes.add().attributes.add(name="VARIABLE_VALUE", checkpoint_key=f"velocity_{i}")
        velocities.children.add(node_id=len(graph.nodes) - 1, local_name=str(i))
        tensors[f"velocity_{i}"] = np.full_like(tensors[momentum], i + 1)
    _rewrite_checkpoint(prefix, graph, tensors)

    model = neurx.models.load_model(str(folder))
    assert type(model.optimizer).__name__ == "Adam"
    state = [np.asarray(v) for v in model.optimizer.variables]     # iteration, rate, m0, v0 ...
    assert int(state[0]) == 1
    for i, momentum in enumerate(momentums):
        np.testing.assert_array_equal(state[2 + 2 * i], tensors[momentum])
        np.testing.assert_array_equal(state[3 + 2 * i], tensors[f"velocity_{i}"])
    assert len(state) == 2 + 2 * len(momentums)
