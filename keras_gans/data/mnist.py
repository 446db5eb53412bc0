"""MNIST digits: Keras' own download, or a local copy for machines offline.

A local copy is either a Keras-format `.npz` (keys x_train, y_train, x_test,
y_test, as `np.load` reads it in the TensorFlow tutorial) or a folder of the
four original IDX files (`.gz` or not). Pass it as `path`, or set the
environment variable KERAS_GANS_MNIST.
"""

import gzip
import os

import numpy as np
import tensorflow as tf

from keras_gans.data.images import DataError

MNIST_ENV = "KERAS_GANS_MNIST"
IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
_WAY_OUT = (
    "Pass --mnist-path (or set KERAS_GANS_MNIST) to a Keras-format mnist.npz "
    "or to a folder holding the four IDX files (train-images-idx3-ubyte.gz, ...)."
)


def load_mnist(path=None):
    """`(x_train, y_train), (x_test, y_test)` as `keras.datasets.mnist.load_data()`.

    uint8 images (N, 28, 28) and uint8 labels (N,). With no `path` and no
    KERAS_GANS_MNIST, Keras downloads (or reuses its cached) mnist.npz.
    """
    path = path or os.environ.get(MNIST_ENV)
    if path:
        arrays = _load_local(os.fspath(path))
        return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
    import keras

    try:
        return keras.datasets.mnist.load_data()
    except Exception as error:  # Keras raises a bare Exception when offline
        raise DataError(f"Could not download MNIST ({error}). {_WAY_OUT}") from None


def _load_local(path):
    if os.path.isdir(path):
        arrays = {key: _read_idx(path, name) for key, name in IDX_FILES.items()}
    elif os.path.isfile(path):
        try:
            with np.load(path) as data:
                arrays = {key: data[key] for key in IDX_FILES}
        except (OSError, ValueError, KeyError) as error:
            raise DataError(f"{path} is not a Keras-format MNIST .npz ({error}). {_WAY_OUT}") from None
    else:
        raise DataError(f"MNIST path not found: {path}. {_WAY_OUT}")
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.ndim != 3 or x.shape[1:] != (28, 28) or len(x) != len(y):
            raise DataError(f"{path}: {split} images {x.shape} and labels {y.shape} are not MNIST's.")
        arrays[f"x_{split}"] = _as_uint8_pixels(x, f"{path}: {split} images")
        arrays[f"y_{split}"] = _as_class_indices(y, f"{path}: {split} labels")
    return arrays


def _as_uint8_pixels(x, what):
    """MNIST's uint8 pixels in [0, 255]; floats in [0, 1] or [0, 255] are converted, with a line saying so."""
    if x.dtype == np.uint8:
        return x
    if not np.issubdtype(x.dtype, np.number) or not np.isfinite(x).all():
        raise DataError(f"{what} are {x.dtype} with non-finite values: expected uint8 pixels in [0, 255].")
    low, high = float(x.min()), float(x.max())
    if low < 0 or high > 255:
        raise DataError(f"{what} range from {low:g} to {high:g}: expected pixels in [0, 255] (or [0, 1]).")
    scale = 255.0 if high <= 1.0 else 1.0
    print(f"{what} are {x.dtype} in [{low:g}, {high:g}]: converted to uint8 pixels in [0, 255].")
    return np.round(x.astype("float64") * scale).astype(np.uint8)


def _as_class_indices(y, what):
    """Labels as integer classes 0-9; anything else is refused."""
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.number) or not np.all(np.mod(y, 1) == 0):
        raise DataError(f"{what} must be whole class numbers 0-9, one per image (got {y.dtype} {y.shape}).")
    if y.size and (y.min() < 0 or y.max() > 9):
        raise DataError(f"{what} range from {y.min():g} to {y.max():g}: MNIST's classes are 0-9.")
    return y.astype(np.uint8)


def _read_idx(folder, name):
    """Reads one IDX file (the format MNIST was published in)."""
    for candidate in (name + ".gz", name, name.replace("-idx", ".idx")):
        file = os.path.join(folder, candidate)
        if os.path.exists(file):
            opener = gzip.open if file.endswith(".gz") else open
            try:
                with opener(file, "rb") as f:
                    data = f.read()
            except (OSError, EOFError) as error:  # gzip raises BadGzipFile (an OSError) or EOFError
                raise DataError(f"{file} cannot be read ({error}): download it again. {_WAY_OUT}") from None
            break
    else:
        raise DataError(f"{folder} has no {name}.gz. {_WAY_OUT}")
    # The IDX header: two zero bytes, 0x08 (unsigned bytes), the number of
    # dimensions, then each dimension as a big-endian 32-bit integer.
    ndim = data[3] if len(data) > 3 else 0
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if data[:3] != b"\0\0\x08" or ndim not in (1, 3) or len(data) != 4 + 4 * ndim + int(np.prod(shape)):
        raise DataError(f"{file} is not an IDX file of unsigned bytes (bad header or size). {_WAY_OUT}")
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def array_dataset(
    images,
    labels=None,
    batch_size=256,
    value_range=(-1.0, 1.0),
    shuffle_buffer=60000,
    seed=None,
    drop_remainder=False,
):
    """uint8 images (N, H, W) or (N, H, W, C) -> shuffled, batched `tf.data` pipeline.

    Pixels are scaled to `value_range`: (-1, 1) for a tanh generator, (0, 1)
    for a sigmoid one. With `labels`, elements are `(images, labels)`.
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., np.newaxis]
    low, high = value_range
    images = images.astype("float32") * ((high - low) / 255.0) + low
    elements = images if labels is None else (images, np.asarray(labels))
    dataset = tf.data.Dataset.from_tensor_slices(elements)
    if shuffle_buffer:
        dataset = dataset.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
