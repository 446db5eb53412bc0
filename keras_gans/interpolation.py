"""One latent path drawn for every class: the hand-gesture tutorial's last figure,
for any saved conditional generator."""

import os

import keras
import numpy as np

from keras_gans.data.images import DataError
from keras_gans.plotting import to_uint8
from keras_gans.sampling import generator_inputs, load_generator, num_classes, value_range


def interpolate_classes(generator, steps=10, seed=None):
    """Images along one straight path between two latent points, for every class.

    Returns an array (num_classes, steps, H, W, C) in the generator's range:
    row c is the same path drawn with label c, as the hands tutorial's last
    figure. Any conditional generator of [noise, label] will do.
    """
    classes = num_classes(generator)
    if classes is None:
        raise DataError(
            f"generator {generator.name!r} takes {len(generator.inputs)} input(s) and no class: "
            "interpolating over classes needs a conditional generator of [noise, label]"
        )
    latent_dim = generator.input_shape[0][-1]
    start, end = np.random.default_rng(seed).standard_normal((2, latent_dim)).astype("float32")
    weights = np.linspace(0.0, 1.0, steps, dtype="float32")[:, None]
    path = (1.0 - weights) * start + weights * end
    rows = []
    for label in range(classes):
        inputs = generator_inputs(generator, path, np.full((steps,), label))
        rows.append(keras.ops.convert_to_numpy(generator(inputs, training=False)))
    return np.stack(rows)


def interpolation_figure(images, class_names=None, value_range=(-1.0, 1.0)):
    """A matplotlib figure of `interpolate_classes`' output: one row per class."""
    import matplotlib.pyplot as plt

    rows, cols = images.shape[:2]
    class_names = class_names or [f"class {i}" for i in range(rows)]
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.2, rows * 1.3), squeeze=False)
    for r in range(rows):
        for c in range(cols):
            ax = axes[r, c]
            image = to_uint8(images[r, c], value_range)
            ax.imshow(image[..., 0] if image.shape[-1] == 1 else image, cmap="gray")
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
    generator, class_names = load_generator(generator_path)
    return draw_interpolation(generator, class_names, output, steps, seed)


def draw_interpolation(generator, class_names, output="interpolation.png", steps=10, seed=None):
    """Draws the interpolation figure of `generator` (rows named by `class_names`) to `output`."""
    import matplotlib.pyplot as plt

    images = interpolate_classes(generator, steps, seed)
    fig = interpolation_figure(images, class_names, value_range(generator))
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    fig.savefig(output, dpi=100)
    plt.close(fig)
    return {"interpolation": output}
