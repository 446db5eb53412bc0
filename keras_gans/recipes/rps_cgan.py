"""The hand-gesture CGAN tutorial as functions: training, and latent interpolation."""

import json
import os

import keras
import numpy as np

from keras_gans.callbacks import ClassGridMonitor
from keras_gans.data.class_folders import class_folder_dataset, download_rps
from keras_gans.models.rps_cgan import build_rps_cgan
from keras_gans.plotting import save_image_grid, to_uint8
from keras_gans.runtime import build_gan
from keras_gans.training import fit_gan, prepare_output_dir


def train_cgan_rps(
    data_dir=None,
    output_dir="runs/cgan_rps",
    epochs=100,
    batch_size=128,
    latent_dim=100,
    learning_rate=2e-4,
    steps_per_epoch=None,
    image_size=128,
    embedding_dim=100,
    g_widths=(512, 256, 128, 64),
    d_widths=(64, 128, 256, 512),
    samples_per_class=8,
    sample_every=10,
    max_images=None,
    seed=None,
    xla=True,
    overwrite=False,
    strategy="default",
    mixed_precision=None,
    verbose="auto",
):
    """Trains the tutorial's conditional GAN on class folders; returns the paths written.

    `data_dir=None` downloads rock-paper-scissors into data/ as the tutorial
    does; any folder of class sub-folders works instead. Every
    `sample_every` epochs a grid is saved with one row per class (the same
    noise in every row, so rows differ by label only); weights are
    checkpointed every epoch by `fit_gan`, which also resumes a killed run.
    """
    resuming = prepare_output_dir(output_dir, overwrite)
    if seed is not None:
        keras.utils.set_random_seed(seed)
    data_dir = data_dir or download_rps()
    dataset, report = class_folder_dataset(
        data_dir, image_size=image_size, batch_size=batch_size, seed=seed, max_images=max_images
    )
    print(f"Classes (label order): {report.counts()}")
    gan = build_gan(
        lambda: build_rps_cgan(
            latent_dim=latent_dim,
            class_names=report.class_names,
            embedding_dim=embedding_dim,
            image_size=image_size,
            g_widths=g_widths,
            d_widths=d_widths,
            learning_rate=learning_rate,
            seed=seed,
            jit_compile="auto" if xla else False,
        ),
        strategy,
        mixed_precision,
    )
    if resuming:
        print(f"Resuming the unfinished run in {output_dir}.")
    monitor = ClassGridMonitor(
        num_classes=len(report.class_names),
        per_class=samples_per_class,
        latent_dim=latent_dim,
        save_dir=os.path.join(output_dir, "samples"),
        seed=seed,
        grid_name="grid_{epoch:03d}.png",
        every=sample_every,
        one_hot=False,  # this generator embeds class indices
    )
    settings = {
        "data_dir": data_dir,
        "class_names": report.class_names,
        "batch_size": batch_size,
        "latent_dim": latent_dim,
        "learning_rate": learning_rate,
        "steps_per_epoch": steps_per_epoch,
        "image_size": image_size,
        "seed": seed,
    }
    paths = fit_gan(
        gan,
        dataset,
        output_dir,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        callbacks=[monitor],
        settings=settings,
        verbose=verbose,
    )
    # The last epoch's grid, whatever `sample_every` is.
    paths["final_grid"] = os.path.join(paths["samples"], "final.png")
    save_image_grid(monitor.generate(), paths["final_grid"], cols=samples_per_class)
    return paths


# --- Analysis: one latent path, drawn for every class --------------------


def load_class_names(path):
    """The class order saved with a run: from gan.keras's config or the run's run.json.

    `path` is a saved generator or GAN; returns None when neither is found.
    """
    folder = os.path.dirname(os.path.abspath(path))
    run_file = os.path.join(folder, "run.json")
    if os.path.exists(run_file):
        with open(run_file) as file:
            names = json.load(file).get("class_names")
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
    latent_dim = generator.input_shape[0][-1]
    num_classes = next(
        layer.input_dim for layer in generator.layers if isinstance(layer, keras.layers.Embedding)
    )
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
