"""TF2 SavedModel folders written by tf.keras 2 (`model.save("my_keras_model")`)."""
