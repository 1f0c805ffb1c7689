"""The playground's network as neurx code: the model built from the settings, and the same model
written out as a script the user can copy ("show the Keras code").

What this module owns: the mapping from `Params` to `neurx.Sequential` + `layers.Dense` (+
`regularizers.l1`/`l2`), compiled with SGD and binary crossentropy on a sigmoid output, and
`keras_code`, which prints that mapping as a runnable program. Both read the same settings, so
the page never shows code that differs from what trains.

>>> from neurx.playground.params import Params
>>> model = build_model(Params(hidden=(3,)))
>>> [layer.units for layer in model.layers]
[3, 1]
"""
from __future__ import annotations

import neurx
from neurx.playground.params import Params


def _regularizer(params: Params):
    if params.regularization == "none" or params.regularization_rate == 0:
        return None
    make = neurx.regularizers.l1 if params.regularization == "l1" else neurx.regularizers.l2
    return make(params.regularization_rate)


def build_model(params: Params) -> neurx.Sequential:
    """The compiled model for `params`: one input per feature, the hidden `Dense` layers, and a
    one-unit sigmoid output; SGD with the settings' learning rate, binary crossentropy loss.

    >>> from neurx.playground.params import Params
    >>> model = build_model(Params(features=("x1", "x2", "x1*x2"), hidden=(), learning_rate=0.1))
    >>> model.input_shape, round(float(model.optimizer.learning_rate), 6)
    ((None, 3), 0.1)
    """
    regularizer = _regularizer(params)
    model = neurx.Sequential(name="playground")
    model.add(neurx.Input(shape=(len(params.features),), name="features"))
    for i, units in enumerate(params.hidden):
        model.add(neurx.layers.Dense(units, activation=params.activation,
                                     kernel_regularizer=regularizer, name=f"hidden_{i + 1}"))
    model.add(neurx.layers.Dense(1, activation="sigmoid", kernel_regularizer=regularizer,
                                 name="output"))
    model.compile(optimizer=neurx.optimizers.SGD(learning_rate=params.learning_rate),
                  loss="binary_crossentropy")
    return model


_FEATURE_CODE = {
    "x1": "x1", "x2": "x2", "x1^2": "x1 ** 2", "x2^2": "x2 ** 2", "x1*x2": "x1 * x2",
    "sin(x1)": "np.sin(x1)", "sin(x2)": "np.sin(x2)",
}


def keras_code(params: Params, epochs: int = 100) -> str:
    """A standalone script that trains the playground's current model on the same data.

    The data comes from `neurx.playground.data.make_points` (the page's points, same seed);
    the model lines are what `build_model` runs.

    >>> from neurx.playground.params import Params
    >>> code = keras_code(Params(hidden=(4,), regularization="l2", regularization_rate=0.01))
    >>> "keras.layers.Dense(4, activation='tanh', kernel_regularizer=keras.regularizers.l2(0.01))" in code
    True
    """
    reg = ""
    if params.regularization != "none" and params.regularization_rate > 0:
        reg = (f", kernel_regularizer=keras.regularizers.{params.regularization}"
               f"({params.regularization_rate:g})")
    layers = [f"    keras.layers.Dense({units}, activation={params.activation!r}{reg}),"
              for units in params.hidden]
    layers.append(f"    keras.layers.Dense(1, activation='sigmoid'{reg}),")
    columns = ", ".join(_FEATURE_CODE[name] for name in params.features)
    lines = [
        "import numpy as np",
        "import neurx as keras",
        "from neurx.playground.data import make_points",
        "",
        f"points = make_points({params.dataset!r}, noise={params.noise:g}, "
        f"train_percent={params.train_percent:g}, seed={params.seed})",
        "",
        "def features(xy):",
        "    x1, x2 = xy[:, 0], xy[:, 1]",
        f"    return np.stack([{columns}], axis=1)",
        "",
        "model = keras.Sequential([",
        f"    keras.Input(shape=({len(params.features)},)),",
        *layers,
        "])",
        f"model.compile(optimizer=keras.optimizers.SGD(learning_rate={params.learning_rate:g}),",
        "              loss='binary_crossentropy')",
        "model.fit(features(points.x_train), points.y_train,",
        f"          batch_size={params.batch_size}, epochs={epochs}, verbose=0,",
        "          validation_data=(features(points.x_test), points.y_test))",
        "print('test loss:', model.evaluate(features(points.x_test), points.y_test, verbose=0))",
    ]
    return "\n".join(lines) + "\n"
