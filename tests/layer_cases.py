"""How the conformance harness builds each public layer class (`test_layer_conformance.py`).

Each entry builds the layer from a layers module (`neurx.layers` or the real
`keras.layers`, so one line makes both sides of a parity check) and names the inputs of
one call. Classes that build with defaults still need an entry (their input): a public
layer without one fails `test_every_public_layer_class_has_a_case`.

An entry's `differs` says, with the reason, which checks expect a difference from Keras
instead of equality; nothing is skipped silently.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

BATCH = 3


@dataclasses.dataclass(frozen=True)
class Inputs:
    """One input: its shape without the batch axis and how its values are drawn."""
    shape: tuple
    dtype: str = "float32"
    values: tuple | None = None   # draw from these (indices, words) instead of normals

    def sample(self, rs: np.random.RandomState) -> np.ndarray:
        if self.values is None:
            return rs.normal(size=(BATCH,) + self.shape).astype(self.dtype)
        return np.asarray(self.values, self.dtype)[rs.randint(0, len(self.values),
                                                               (BATCH,) + self.shape)]


@dataclasses.dataclass(frozen=True)
class Case:
    build: Callable            # layers module -> layer
    inputs: tuple              # of Inputs, one per positional input (a list when several)
    random: bool = False       # draws noise when training=True (identity otherwise)
    differs: tuple = ()        # (check, reason) pairs: the check expects this difference
    config_keys_differ: tuple = ()   # with ("config", reason): keys only one side writes

    def differs_in(self, check: str) -> str | None:
        return dict(self.differs).get(check)


def case(build, *shapes, dtype="float32", values=None, **options) -> Case:
    return Case(build, tuple(Inputs(tuple(s), dtype, values) for s in shapes), **options)


SEQUENCE, IMAGE, VOLUME = (6, 4), (6, 6, 3), (4, 4, 4, 2)
WORDS = ("the", "cat", "sat", "on", "mat", "zzz")   # "zzz" is out of every vocabulary
STRINGS_OFF_DEVICE = ("strings cannot enter a JAX program: string layers run on the host "
                      "(in tf.data-like preprocessing), not inside a model (Keras 3 on JAX "
                      "neither)")

CASES: dict[str, Case] = {
    # core
    "Activation": case(lambda L: L.Activation("tanh"), (5,)),
    "Dense": case(lambda L: L.Dense(3), (5,)),
    "Dropout": case(lambda L: L.Dropout(0.3), (5,), random=True),
    "Flatten": case(lambda L: L.Flatten(), (3, 4)),
    "Reshape": case(lambda L: L.Reshape((2, 6)), (3, 4)),
    "Permute": case(lambda L: L.Permute((2, 1)), (3, 4)),
    "RepeatVector": case(lambda L: L.RepeatVector(3), (4,)),
    "Lambda": case(lambda L: L.Lambda(lambda x: x * 2), (5,)),
    "Layer": case(lambda L: L.Layer(), (5,), config_keys_differ=("activity_regularizer",), differs=(
        ("keras", "Keras's base Layer has no call (neurx's is the identity)"),
        ("config", "Keras records a bare Layer's constructor arguments, "
                   "activity_regularizer=None included; neurx writes a set one only"))),
    "Masking": case(lambda L: L.Masking(0.0), SEQUENCE),
    "Embedding": case(lambda L: L.Embedding(10, 3, mask_zero=True), (6,), dtype="int32",
                      values=tuple(range(10))),
    # the graph's own layers
    "InputLayer": case(lambda L: L.InputLayer(shape=(5,)), (5,), differs=(
        ("model", "an InputLayer is a model's input, never called on tensors"),)),
    "OpLayer": case(lambda L: L.OpLayer("multiply"), (5,), (5,), differs=(
        ("keras", "neurx's layer for arithmetic on symbolic tensors; Keras has no such class"),
        ("activity_regularizer", "files hold it as a Keras operation (keras.src.ops.numpy), "
                                 "whose config is its name only"))),
    # activations
    "ELU": case(lambda L: L.ELU(), (5,)),
    "LeakyReLU": case(lambda L: L.LeakyReLU(), (5,)),
    "PReLU": case(lambda L: L.PReLU(), (5,)),
    "ReLU": case(lambda L: L.ReLU(max_value=1.0), (5,)),
    "Softmax": case(lambda L: L.Softmax(), (5,)),
    "ThresholdedReLU": case(lambda L: L.ThresholdedReLU(theta=0.5), (5,), differs=(
        ("keras", "a tf.keras 2 layer that Keras 3 removed"),)),
    # merging (two inputs)
    **{name: case(lambda L, name=name: getattr(L, name)(), (4,), (4,))
       for name in ("Add", "Average", "Maximum", "Minimum", "Multiply", "Subtract",
                    "Concatenate")},
    "Dot": case(lambda L: L.Dot(axes=1), (4,), (4,)),
    # convolutions
    "Conv1D": case(lambda L: L.Conv1D(4, 3), SEQUENCE),
    "Conv2D": case(lambda L: L.Conv2D(4, 3), IMAGE),
    "Conv3D": case(lambda L: L.Conv3D(2, 2), VOLUME),
    "Conv1DTranspose": case(lambda L: L.Conv1DTranspose(4, 3, strides=2), SEQUENCE),
    "Conv2DTranspose": case(lambda L: L.Conv2DTranspose(4, 3), IMAGE),
    "Conv3DTranspose": case(lambda L: L.Conv3DTranspose(2, 2), VOLUME),
    "DepthwiseConv1D": case(lambda L: L.DepthwiseConv1D(3), SEQUENCE),
    "DepthwiseConv2D": case(lambda L: L.DepthwiseConv2D(3), IMAGE),
    "SeparableConv1D": case(lambda L: L.SeparableConv1D(4, 3), SEQUENCE),
    "SeparableConv2D": case(lambda L: L.SeparableConv2D(4, 3), IMAGE),
    # pooling
    **{f"{kind}Pooling{rank}D": case(lambda L, n=f"{kind}Pooling{rank}D": getattr(L, n)(2), shape)
       for kind in ("Max", "Average") for rank, shape in ((1, SEQUENCE), (2, IMAGE),
                                                          (3, VOLUME))},
    **{f"Global{kind}Pooling{rank}D": case(
        lambda L, n=f"Global{kind}Pooling{rank}D": getattr(L, n)(), shape)
       for kind in ("Max", "Average") for rank, shape in ((1, SEQUENCE), (2, IMAGE),
                                                          (3, VOLUME))},
    # reshaping
    "Cropping1D": case(lambda L: L.Cropping1D(1), SEQUENCE),
    "Cropping2D": case(lambda L: L.Cropping2D(1), IMAGE),
    "Cropping3D": case(lambda L: L.Cropping3D(1), VOLUME),
    "UpSampling1D": case(lambda L: L.UpSampling1D(2), SEQUENCE),
    "UpSampling2D": case(lambda L: L.UpSampling2D(2), IMAGE),
    "UpSampling3D": case(lambda L: L.UpSampling3D(2), VOLUME),
    "ZeroPadding1D": case(lambda L: L.ZeroPadding1D(1), SEQUENCE),
    "ZeroPadding2D": case(lambda L: L.ZeroPadding2D(1), IMAGE),
    "ZeroPadding3D": case(lambda L: L.ZeroPadding3D(1), VOLUME),
    # normalization
    "BatchNormalization": case(lambda L: L.BatchNormalization(), (5,)),
    "GroupNormalization": case(lambda L: L.GroupNormalization(groups=2), SEQUENCE),
    "LayerNormalization": case(lambda L: L.LayerNormalization(), (5,)),
    "UnitNormalization": case(lambda L: L.UnitNormalization(), (5,)),
    # regularization
    "ActivityRegularization": case(lambda L: L.ActivityRegularization(l1=0.01), (5,)),
    "AlphaDropout": case(lambda L: L.AlphaDropout(0.3), (5,), random=True),
    "GaussianDropout": case(lambda L: L.GaussianDropout(0.3), (5,), random=True),
    "GaussianNoise": case(lambda L: L.GaussianNoise(0.3), (5,), random=True),
    "SpatialDropout1D": case(lambda L: L.SpatialDropout1D(0.3), SEQUENCE, random=True),
    "SpatialDropout2D": case(lambda L: L.SpatialDropout2D(0.3), IMAGE, random=True),
    "SpatialDropout3D": case(lambda L: L.SpatialDropout3D(0.3), VOLUME, random=True),
    # recurrent: cells are checked inside the RNN that runs them
    "SimpleRNN": case(lambda L: L.SimpleRNN(3), SEQUENCE, config_keys_differ=("seed",), differs=(
        ("config", "neurx keeps the cell's dropout `seed` (Keras 3 leaves it out of "
                   "SimpleRNN's config, though its constructor takes it)"),)),
    "LSTM": case(lambda L: L.LSTM(3), SEQUENCE),
    "GRU": case(lambda L: L.GRU(3), SEQUENCE),
    "RNN": case(lambda L: L.RNN(L.SimpleRNNCell(3), return_sequences=True), SEQUENCE),
    "SimpleRNNCell": case(lambda L: L.RNN(L.SimpleRNNCell(3)), SEQUENCE),
    "LSTMCell": case(lambda L: L.RNN(L.LSTMCell(3)), SEQUENCE),
    "GRUCell": case(lambda L: L.RNN(L.GRUCell(3)), SEQUENCE),
    "StackedRNNCells": case(lambda L: L.RNN(L.StackedRNNCells([L.SimpleRNNCell(3),
                                                              L.GRUCell(2)])), SEQUENCE),
    "Bidirectional": case(lambda L: L.Bidirectional(L.LSTM(3)), SEQUENCE),
    "TimeDistributed": case(lambda L: L.TimeDistributed(L.Dense(3)), SEQUENCE),
    # preprocessing
    "CategoryEncoding": case(lambda L: L.CategoryEncoding(num_tokens=6, output_mode="multi_hot"),
                             (4,), dtype="int32", values=tuple(range(6))),
    "Discretization": case(lambda L: L.Discretization(bin_boundaries=[-0.5, 0.0, 0.5]), (5,)),
    "IntegerLookup": case(lambda L: L.IntegerLookup(vocabulary=[3, 5, 7]), (4,),
                          dtype="int64", values=(3, 5, 7, 9)),
    "StringLookup": case(lambda L: L.StringLookup(vocabulary=list(WORDS[:5])), (4,),
                         dtype="str", values=WORDS, differs=(("model", STRINGS_OFF_DEVICE),)),
    "TextVectorization": case(lambda L: L.TextVectorization(vocabulary=list(WORDS[:5]),
                                                            output_sequence_length=4),
                              (), dtype="str", values=("the cat sat", "on the mat zzz"),
                              differs=(("model", STRINGS_OFF_DEVICE),)),
    "Normalization": case(lambda L: L.Normalization(mean=0.5, variance=2.0), (5,)),
    "Rescaling": case(lambda L: L.Rescaling(0.5, offset=1.0), (5,)),
}

