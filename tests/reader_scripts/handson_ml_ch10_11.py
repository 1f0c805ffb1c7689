"""Hands-On ML (2nd ed.) ch. 10 and 11 as the notebooks write them, on tf.keras spellings.

Datasets aside (a small regression set of California housing's shape instead of
`fetch_california_housing`, Fashion-MNIST-shaped noise images) and smaller counts (epochs,
search iterations, summary steps), the code is the book's. Run: `neurx run` this file.
"""
# ruff: noqa: B006, B007  (the book's `input_shape=[8]` default and unused loop variables)
import os
import time

import numpy as np
import tensorflow as tf
from scipy.stats import reciprocal
from sklearn.model_selection import RandomizedSearchCV, train_test_split
from sklearn.preprocessing import StandardScaler
from tensorflow import keras

np.random.seed(42)
tf.random.set_seed(42)

# --- data (datasets aside)
rs = np.random.RandomState(0)
X_all = rs.normal(size=(900, 8))
y_all = X_all @ rs.normal(size=8) + 0.1 * rs.normal(size=900)
X_train_full, X_test, y_train_full, y_test = train_test_split(X_all, y_all, random_state=42)
X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full,
                                                      random_state=42)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_valid = scaler.transform(X_valid)
X_test = scaler.transform(X_test)

# --- ch. 10: regression MLP with the Sequential API
model = keras.models.Sequential([
    keras.layers.Dense(30, activation="relu", input_shape=X_train.shape[1:]),
    keras.layers.Dense(1)
])
model.compile(loss="mean_squared_error", optimizer=keras.optimizers.SGD(lr=1e-3))
history = model.fit(X_train, y_train, epochs=5, validation_data=(X_valid, y_valid))
mse_test = model.evaluate(X_test, y_test)
X_new = X_test[:3]
y_pred = model.predict(X_new)

# --- wide & deep with two inputs
input_A = keras.layers.Input(shape=[5], name="wide_input")
input_B = keras.layers.Input(shape=[6], name="deep_input")
hidden1 = keras.layers.Dense(30, activation="relu")(input_B)
hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
concat = keras.layers.concatenate([input_A, hidden2])
output = keras.layers.Dense(1, name="output")(concat)
model = keras.models.Model(inputs=[input_A, input_B], outputs=[output])
model.compile(loss="mse", optimizer=keras.optimizers.SGD(lr=1e-3))
X_train_A, X_train_B = X_train[:, :5], X_train[:, 2:]
X_valid_A, X_valid_B = X_valid[:, :5], X_valid[:, 2:]
X_test_A, X_test_B = X_test[:, :5], X_test[:, 2:]
history = model.fit((X_train_A, X_train_B), y_train, epochs=5,
                    validation_data=((X_valid_A, X_valid_B), y_valid))
mse_test = model.evaluate((X_test_A, X_test_B), y_test)

# --- saving and restoring, callbacks
keras.backend.clear_session()
model = keras.models.Sequential([
    keras.layers.Dense(30, activation="relu", input_shape=[8]),
    keras.layers.Dense(30, activation="relu"),
    keras.layers.Dense(1)
])
model.compile(loss="mse", optimizer=keras.optimizers.SGD(lr=1e-3))
history = model.fit(X_train, y_train, epochs=3, validation_data=(X_valid, y_valid))
model.save("my_keras_model.h5")
model = keras.models.load_model("my_keras_model.h5")
model.save_weights("my_keras_weights.ckpt")
model.load_weights("my_keras_weights.ckpt")

checkpoint_cb = keras.callbacks.ModelCheckpoint("my_keras_model.h5", save_best_only=True)
early_stopping_cb = keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)


class PrintValTrainRatioCallback(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs):
        print("\nval/train: {:.2f}".format(logs["val_loss"] / logs["loss"]))


val_train_ratio_cb = PrintValTrainRatioCallback()
history = model.fit(X_train, y_train, epochs=3, validation_data=(X_valid, y_valid),
                    callbacks=[checkpoint_cb, early_stopping_cb, val_train_ratio_cb])
model = keras.models.load_model("my_keras_model.h5")  # rollback to best model
mse_test = model.evaluate(X_test, y_test)

# --- TensorBoard
root_logdir = os.path.join(os.curdir, "my_logs")


def get_run_logdir():
    run_id = time.strftime("run_%Y_%m_%d-%H_%M_%S")
    return os.path.join(root_logdir, run_id)


run_logdir = get_run_logdir()
tensorboard_cb = keras.callbacks.TensorBoard(run_logdir)
history = model.fit(X_train, y_train, epochs=3, validation_data=(X_valid, y_valid),
                    callbacks=[checkpoint_cb, tensorboard_cb])

test_logdir = os.path.join(root_logdir, "my_test_run")
writer = tf.summary.create_file_writer(test_logdir)
with writer.as_default():
    for step in range(1, 20 + 1):
        tf.summary.scalar("my_scalar", np.sin(step / 10), step=step)
        data = (np.random.randn(100) + 2) * step / 100  # some random data
        tf.summary.histogram("my_hist", data, buckets=50, step=step)
        images = np.random.rand(2, 32, 32, 3)  # random 32x32 RGB images
        tf.summary.image("my_images", images * step / 1000, step=step)
        texts = ["The step is " + str(step), "Its square is " + str(step**2)]
        tf.summary.text("my_text", texts, step=step)

# --- fine-tuning hyperparameters with scikit-learn
keras.backend.clear_session()


def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3, input_shape=[8]):
    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(input_shape=input_shape))
    for layer in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(1))
    optimizer = keras.optimizers.SGD(lr=learning_rate)
    model.compile(loss="mse", optimizer=optimizer)
    return model


keras_reg = keras.wrappers.scikit_learn.KerasRegressor(build_model)
history = keras_reg.fit(X_train, y_train, epochs=3, validation_data=(X_valid, y_valid),
                        callbacks=[keras.callbacks.EarlyStopping(patience=10)])
mse_test = keras_reg.score(X_test, y_test)
y_pred = keras_reg.predict(X_new)
print("regressor fit returned", type(history).__name__, "with", sorted(history.history))

param_distribs = {
    "n_hidden": [0, 1, 2, 3],
    "n_neurons": np.arange(1, 100),
    "learning_rate": reciprocal(3e-4, 3e-2),
}
rnd_search_cv = RandomizedSearchCV(keras_reg, param_distribs, n_iter=2, cv=2, verbose=2)
rnd_search_cv.fit(X_train, y_train, epochs=3, validation_data=(X_valid, y_valid),
                  callbacks=[keras.callbacks.EarlyStopping(patience=10)])
print("best params:", sorted(rnd_search_cv.best_params_), rnd_search_cv.best_score_ < 0)
model = rnd_search_cv.best_estimator_.model
model.evaluate(X_test, y_test)

# --- ch. 11: a custom schedule callback, MC dropout, ThresholdedReLU
K = keras.backend
(X_train_full, y_train_full) = (rs.rand(600, 28, 28), rs.randint(0, 10, 600))
X_train_img, y_train_img = X_train_full[:500], y_train_full[:500]
X_test_img = X_train_full[500:]


class ExponentialDecay(keras.callbacks.Callback):
    def __init__(self, s=40000):
        super().__init__()
        self.s = s

    def on_batch_begin(self, batch, logs=None):
        # Note: the `batch` argument is reset at each epoch
        lr = K.get_value(self.model.optimizer.lr)
        K.set_value(self.model.optimizer.lr, lr * 0.1**(1 / self.s))

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        logs['lr'] = K.get_value(self.model.optimizer.lr)


model = keras.models.Sequential([
    keras.layers.Flatten(input_shape=[28, 28]),
    keras.layers.Dense(300, activation="selu", kernel_initializer="lecun_normal"),
    keras.layers.AlphaDropout(rate=0.2),
    keras.layers.Dense(100, activation="selu", kernel_initializer="lecun_normal"),
    keras.layers.Dense(100, kernel_initializer="he_normal"),
    keras.layers.ThresholdedReLU(theta=0.1),
    keras.layers.Dropout(rate=0.2),
    keras.layers.Dense(10, activation="softmax")
])
s = 20 * len(X_train_img) // 32  # number of steps in 20 epochs (batch size = 32)
model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Nadam(lr=1e-3),
              metrics=["accuracy"])
exp_decay = ExponentialDecay(s)
history = model.fit(X_train_img, y_train_img, epochs=2, callbacks=[exp_decay])
print("steps so far:", K.get_value(model.optimizer.iterations))

y_probas = np.stack([model(X_test_img, training=True) for sample in range(20)])
y_proba = y_probas.mean(axis=0)
y_std = y_probas.std(axis=0)


class MCDropout(keras.layers.Dropout):
    def call(self, inputs):
        return super().call(inputs, training=True)


class MCAlphaDropout(keras.layers.AlphaDropout):
    def call(self, inputs):
        return super().call(inputs, training=True)


mc_model = keras.models.Sequential([
    MCAlphaDropout(layer.rate) if isinstance(layer, keras.layers.AlphaDropout)
    else MCDropout(layer.rate) if isinstance(layer, keras.layers.Dropout)
    else layer
    for layer in model.layers
])
optimizer = keras.optimizers.SGD(lr=0.01, momentum=0.9, nesterov=True)
mc_model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer,
                 metrics=["accuracy"])
mc_model.set_weights(model.get_weights())
mc_probas = np.stack([mc_model.predict(X_test_img[:10]) for sample in range(20)])
print("MC spread:", float(y_std.mean()) > 0, float(mc_probas.std(axis=0).mean()) > 0)
