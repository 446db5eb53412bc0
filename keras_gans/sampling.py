"""Images from a saved generator: the model, its class names, and its inputs for any class.

Every tool that draws from a trained generator (scripts/generate.py, the
interpolation figure) goes through here, so each reads a generator.keras or
a gan.keras the same way and speaks to conditional generators in the form
they take: class indices (an Embedding, as the hands' generator) or one-hot
vectors (as the MNIST conditional GANs').
"""

import os

import keras
import numpy as np

import keras_gans.models  # noqa: F401  (registers the GAN classes for load_model)
from keras_gans.data.images import DataError
from keras_gans.files import FileProblem, load_model_file, one_line, read_json_object


def load_class_names(path):
    """The class order saved with a run: from its run.json or its gan.keras's config.

    `path` is a saved generator or GAN, in a run folder or in its best/
    folder; returns None when neither is found.
    """
    folder = os.path.dirname(os.path.abspath(path))
    folders = [folder, os.path.dirname(folder)] if os.path.basename(folder) == "best" else [folder]
    for folder in folders:
        run_file = os.path.join(folder, "run.json")
        if os.path.exists(run_file):
            try:
                record = read_json_object(run_file)
            except (OSError, ValueError) as error:
                raise DataError(f"cannot read the class names in {run_file}: {one_line(error)}") from None
            # Under "data" since keras_gans 0.2; at the top before.
            names = (record.get("data") or {}).get("class_names") or record.get("class_names")
            if names:
                return names
        gan_file = os.path.join(folder, "gan.keras")
        if os.path.exists(gan_file):
            return _load(gan_file).get_config().get("class_names")
    return None


def _load(path):
    """The model saved at `path`, or DataError saying in one line why it cannot be read."""
    try:
        return load_model_file(path)
    except FileProblem as error:
        raise DataError(str(error)) from None


def load_generator(path):
    """`(generator, class_names)` from a saved generator.keras or gan.keras (names None if not saved).

    A file that cannot be read (missing, empty, truncated, not a model) is DataError, in one line.
    """
    model = _load(path)
    if hasattr(model, "generator"):  # a whole GAN: its class order may be in its config
        return model.generator, model.get_config().get("class_names") or load_class_names(path)
    return model, load_class_names(path)


def check_draws_from_noise(generator, path):
    """DataError unless `generator` makes images from latent vectors (and labels): a discriminator,
    a classifier or an image-to-image generator (CycleGAN's) saved at `path` is named as such."""
    inputs, output = generator.inputs, generator.outputs[0]
    if len(inputs) in (1, 2) and len(inputs[0].shape) == 2 and len(output.shape) == 4:
        return generator
    shapes = ", ".join(str(tuple(i.shape)) for i in inputs)
    raise DataError(
        f"{path} does not draw images from latent vectors: it takes {shapes} and gives "
        f"{tuple(output.shape)} (pass a saved generator of a tutorial that draws from noise)"
    )


def num_classes(generator):
    """How many classes a conditional generator ([noise, label]) draws; None for an unconditional one."""
    if len(generator.inputs) != 2:
        return None
    label = generator.inputs[1]
    if "int" in str(label.dtype):  # class indices, embedded
        embedding = next(layer for layer in generator.layers if isinstance(layer, keras.layers.Embedding))
        return embedding.input_dim
    return int(label.shape[-1])  # one-hot vectors


def generator_inputs(generator, z, labels=None):
    """`z`, or `[z, labels]` in the form the generator takes (indices or one-hot)."""
    classes = num_classes(generator)
    if classes is None:
        if labels is not None:
            raise DataError(f"generator {generator.name!r} draws no classes: it takes noise only")
        return z
    if labels is None:
        raise DataError(f"generator {generator.name!r} is conditional: it needs a class for each image")
    labels = np.asarray(labels, dtype="int32")
    if "int" in str(generator.inputs[1].dtype):
        return [z, labels]
    return [z, np.eye(classes, dtype="float32")[labels]]


def value_range(generator):
    """The range of the generator's images: (-1, 1) after tanh, (0, 1) after sigmoid."""
    from keras_gans.metrics import output_range

    return output_range(generator)


def sample(generator, num, seed=None, labels=None):
    """`num` images from latent vectors drawn with `seed` (and `labels`, for a conditional generator)."""
    z = np.random.default_rng(seed).standard_normal((num, generator.inputs[0].shape[-1])).astype("float32")
    inputs = generator_inputs(generator, z, labels)
    return keras.ops.convert_to_numpy(generator(inputs, training=False))


def sample_batches(generator, num, seed=None, labels=None, batch_size=256):
    """`sample`'s `num` images, the same ones, `batch_size` at a time: memory stays bounded however
    many are asked for (the latent vectors are drawn in turn from the one stream of `seed`)."""
    rng = np.random.default_rng(seed)
    for start in range(0, num, batch_size):
        count = min(batch_size, num - start)
        z = rng.standard_normal((count, generator.inputs[0].shape[-1])).astype("float32")
        batch_labels = None if labels is None else labels[start : start + count]
        inputs = generator_inputs(generator, z, batch_labels)
        yield keras.ops.convert_to_numpy(generator(inputs, training=False))


def class_index(class_names, name):
    """The label of class `name`, by the names saved with the model."""
    if not class_names:
        raise DataError("this generator was saved without class names (no run.json or gan.keras beside it)")
    if name not in class_names:
        raise DataError(f"no class {name!r}: the generator's classes are {', '.join(map(str, class_names))}")
    return class_names.index(name)
