"""Drawing images from a generator for scoring: fixed inputs, inference mode, batches."""

import keras
import numpy as np


def output_range(generator):
    """(-1, 1) for a generator ending in tanh, (0, 1) for one ending in sigmoid.

    Layers without an activation (reshapes, upsampling, StyleGAN's fade-in between two tanh
    images) keep the range of what comes before them; a nested model (StyleGAN's synthesis and
    its `to_rgb`) is looked into. A stand-in generator (see `scores.RealImages`) may say its
    range itself with a `value_range` attribute.
    """
    if getattr(generator, "value_range", None) is not None:
        return tuple(generator.value_range)
    activation = last_activation(generator)
    if activation is keras.activations.tanh:
        return (-1.0, 1.0)
    if activation is keras.activations.sigmoid:
        return (0.0, 1.0)
    name = getattr(generator, "name", type(generator).__name__)
    raise ValueError(f"cannot tell the output range of {name}; pass value_range=(low, high)")


def last_activation(model):
    """The last activation but the identity in `model`'s layers, nested models included (None: none)."""
    for layer in reversed(list(_all_layers(model))):  # a nested model's own layers come after it
        activation = getattr(layer, "activation", None)
        if activation not in (None, keras.activations.linear):
            return activation
    return None


def is_conditional(generator):
    """Whether the generator takes [z, one-hot label] (two inputs) rather than z."""
    return len(generator.inputs) == 2


def latent_vectors(generator, count, latent_dim=None, seed=0):
    """`count` standard normal latent vectors for `generator`, the same for the same seed."""
    latent_dim = latent_dim or generator.inputs[0].shape[-1]
    return np.random.default_rng(seed).standard_normal((count, latent_dim)).astype("float32")


# Images per generator call: as many as keep its largest layer output within ACTIVATION_BUDGET bytes,
# from 1 to MAX_GENERATE_BATCH. Memory, not speed, sets it: the face DCGAN's 64x64x512 layers take
# 8 MiB an image, so it draws 8 at a time (500 needed 10 GB; 32 held 1.1 GB, above training's own
# peak: docs/speed.md, "Memory"); the MNIST generators draw 256, as fast as ever.
ACTIVATION_BUDGET = 64 * 2**20
MAX_GENERATE_BATCH = 256
UNKNOWN_SHAPES_BATCH = 8  # a generator whose layers' output shapes are not known


def generate_batch(generator):
    """Images per call of `generator` (see ACTIVATION_BUDGET)."""
    try:
        largest = max(int(np.prod(layer.output.shape[1:])) * 4 for layer in _all_layers(generator))
    except (AttributeError, ValueError, TypeError):  # a subclassed model's layers have no output
        return UNKNOWN_SHAPES_BATCH
    return int(np.clip(ACTIVATION_BUDGET // max(largest, 1), 1, MAX_GENERATE_BATCH))


def _all_layers(model):
    """The layers of `model` and of the models inside it."""
    for layer in getattr(model, "layers", []):
        yield layer
        if hasattr(layer, "layers"):
            yield from _all_layers(layer)


def generate(
    generator, labels=None, n=None, latent_dim=None, num_classes=10, seed=0, batch_size=None, z=None
):
    """Generated images, in the generator's own range, `batch_size` at a time (None: `generate_batch`).

    A conditional generator (inputs `[z, one-hot]`) draws one image per entry
    of `labels`; an unconditional one draws `n` images. The latent vectors
    are `z` if given, else drawn from `seed`.
    """
    count = len(labels) if labels is not None else n
    if z is None:
        z = latent_vectors(generator, count, latent_dim, seed)
    if labels is not None:
        inputs = [z, np.eye(num_classes, dtype="float32")[np.asarray(labels)]]
    else:
        inputs = z
    batch_size = batch_size or generate_batch(generator)
    batches = []
    for start in range(0, count, batch_size):
        batch = keras.tree.map_structure(lambda a, s=start: a[s : s + batch_size], inputs)
        batches.append(keras.ops.convert_to_numpy(generator(batch, training=False)))
    return np.concatenate(batches)
