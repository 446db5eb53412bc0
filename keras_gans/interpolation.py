"""One latent path drawn for every class: the hand-gesture tutorial's last figure,
for any saved conditional generator that embeds class indices."""

import json
import os

import keras
import numpy as np

import keras_gans.models  # noqa: F401  (registers the GAN classes for load_model)
from keras_gans.data.images import DataError
from keras_gans.plotting import to_uint8


def load_class_names(path):
    """The class order saved with a run: from gan.keras's config or the run's run.json.

    `path` is a saved generator or GAN; returns None when neither is found.
    """
    folder = os.path.dirname(os.path.abspath(path))
    run_file = os.path.join(folder, "run.json")
    if os.path.exists(run_file):
        with open(run_file) as file:
            record = json.load(file)
        # Under "data" since keras_gans 0.2; at the top before.
        names = (record.get("data") or {}).get("class_names") or record.get("class_names")
        if names:
            return names
    gan_file = os.path.join(folder, "gan.keras")
    if os.path.exists(gan_file):
        return keras.models.load_model(gan_file).get_config().get("class_names")
    return None


def load_generator(path):
    """`(generator, class_names)` from a saved generator.keras or gan.keras."""
    model = keras.models.load_model(path)
    if hasattr(model, "generator"):  # a whole GAN: its class order is in its config
        return model.generator, model.get_config()["class_names"]
    return model, load_class_names(path)


def interpolate_classes(generator, steps=10, seed=None):
    """Images along one straight path between two latent points, for every class.

    Returns an array (num_classes, steps, H, W, 3) in [-1, 1]: row c is the
    same path drawn with label c, as the tutorial's last figure.
    """
    embeddings = [layer for layer in generator.layers if isinstance(layer, keras.layers.Embedding)]
    if len(generator.inputs) != 2 or not embeddings:
        raise DataError(
            f"generator {generator.name!r} takes {len(generator.inputs)} input(s) and no class index: "
            "interpolating over classes needs a conditional generator of [noise, label] (e.g. cgan_rps's)"
        )
    latent_dim = generator.input_shape[0][-1]
    num_classes = embeddings[0].input_dim
    start, end = np.random.default_rng(seed).standard_normal((2, latent_dim)).astype("float32")
    weights = np.linspace(0.0, 1.0, steps, dtype="float32")[:, None]
    path = (1.0 - weights) * start + weights * end
    rows = []
    for label in range(num_classes):
        labels = np.full((steps,), label, dtype="int32")
        rows.append(keras.ops.convert_to_numpy(generator([path, labels], training=False)))
    return np.stack(rows)


def interpolation_figure(images, class_names=None):
    """A matplotlib figure of `interpolate_classes`' output: one row per class."""
    import matplotlib.pyplot as plt

    rows, cols = images.shape[:2]
    class_names = class_names or [f"class {i}" for i in range(rows)]
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.2, rows * 1.3), squeeze=False)
    for r in range(rows):
        for c in range(cols):
            ax = axes[r, c]
            ax.imshow(to_uint8(images[r, c]))
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(class_names[r])
            if r == 0:
                ax.set_title(f"t={c / max(cols - 1, 1):.2f}", fontsize=8)
    fig.suptitle("One latent path, every class")
    fig.tight_layout()
    return fig


def save_interpolation(generator_path, output="interpolation.png", steps=10, seed=None):
    """Loads a saved generator (or GAN), draws the interpolation figure to `output`."""
    import matplotlib.pyplot as plt

    generator, class_names = load_generator(generator_path)
    fig = interpolation_figure(interpolate_classes(generator, steps, seed), class_names)
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    fig.savefig(output, dpi=100)
    plt.close(fig)
    return {"interpolation": output}
