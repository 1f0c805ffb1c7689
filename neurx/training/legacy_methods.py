"""Keras 2 model methods the books call; each warns once with the modern spelling."""
from __future__ import annotations

from neurx.legacy import warn_once


class LegacyMethods:
    """`predict_classes`, `predict_proba`, `fit_generator`, ... (mixed into `Trainer`)."""

    def predict_classes(self, x, batch_size=32, verbose=0):
        """Keras 2: class indices (argmax, or a 0.5 threshold for one sigmoid unit)."""
        warn_once("predict_classes", "`model.predict_classes()` is deprecated: use "
                  "`np.argmax(model.predict(x), axis=-1)` (or `(model.predict(x) > 0.5)` "
                  "for a binary output).")
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype("int32")

    def predict_proba(self, x, batch_size=32, verbose=0):
        """Keras 2: the same as `predict`."""
        warn_once("predict_proba", "`model.predict_proba()` is deprecated: use `model.predict()`.")
        return self.predict(x, batch_size=batch_size, verbose=verbose)

    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1, callbacks=None,
                      validation_data=None, validation_steps=None, validation_freq=1,
                      class_weight=None, max_queue_size=10, workers=1, use_multiprocessing=False,
                      shuffle=True, initial_epoch=0):
        """Keras 2: `fit` on a generator."""
        warn_once("fit_generator", "`model.fit_generator()` is deprecated: `model.fit()` "
                  "accepts generators.")
        return self.fit(generator, steps_per_epoch=steps_per_epoch, epochs=epochs,
                        verbose=verbose, callbacks=callbacks, validation_data=validation_data,
                        validation_steps=validation_steps, validation_freq=validation_freq,
                        class_weight=class_weight, initial_epoch=initial_epoch)

    def evaluate_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                           workers=1, use_multiprocessing=False, verbose=0):
        """Keras 2: `evaluate` on a generator."""
        warn_once("evaluate_generator", "`model.evaluate_generator()` is deprecated: "
                  "`model.evaluate()` accepts generators.")
        return self.evaluate(generator, steps=steps, callbacks=callbacks, verbose=verbose)

    def predict_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                          workers=1, use_multiprocessing=False, verbose=0):
        """Keras 2: `predict` on a generator."""
        warn_once("predict_generator", "`model.predict_generator()` is deprecated: "
                  "`model.predict()` accepts generators.")
        return self.predict(generator, steps=steps, callbacks=callbacks, verbose=verbose)

