"""TF2 SavedModel folders written by tf.keras 2 (`model.save("my_keras_model")`), read
without TensorFlow; `neurx.saving.load_model` hands such a folder to `loader`.

What each part owns:
- `protos`: the protobuf messages (built from descriptors; needs the `savedmodel` extra).
- `crc32c`: the checksum every file below uses, vectorised with numpy.
- `table`: LevelDB-format tables (`variables.index`).
- `bundle`: TensorFlow's tensor bundles: the index's entries and the `variables.data-*` shards.
- `checkpoint`: the checkpoint's object graph -> the model's weights and optimizer slots.
- `metadata`: the Keras records (`keras_metadata.pb`, or `saved_model.pb` before TF 2.5).
- `loader`: the folder as a whole -> a compiled neurx model.
"""
