"""A toy GAN on points of a ring: the smallest new GAN, a preset and its "model module".

The tests register it to train it through the runner and the command line
as a tutorial would be (tests/test_presets.py, tests/test_reliability.py).
"""

from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from keras_gans import options
from keras_gans.data.images import DataError
from keras_gans.models.gan import GAN
from keras_gans.options import Option
from keras_gans.presets import Preset, TrainingData
from keras_gans.presets.base import GAN_OPTIONS, compile_gan, label_options


def build_point_generator(latent_dim, width):
    """Latent vector -> a 2-D point: the toy GAN's "model module"."""
    return keras.Sequential(
        [keras.Input((latent_dim,)), keras.layers.Dense(width, activation="relu"), keras.layers.Dense(2)],
        name="generator",
    )


def build_point_discriminator(width):
    return keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(width, activation="relu"), keras.layers.Dense(1, "sigmoid")],
        name="discriminator",
    )


def ring_points(config):
    """Points on a unit circle, as `train_step` takes them; a `data_dir` must exist if given."""
    if config["data_dir"] is not None and not Path(config["data_dir"]).is_dir():
        raise DataError(f"Image folder not found: {config['data_dir']}")
    rng = np.random.default_rng(config["seed"])
    angles = rng.uniform(0, 2 * np.pi, config["max_images"] or 256)
    points = np.stack([np.cos(angles), np.sin(angles)], axis=1).astype("float32")
    return TrainingData(tf.data.Dataset.from_tensor_slices(points).batch(config["batch_size"]), source="ring")


def build_points_gan(config, data):
    gan = GAN(
        build_point_discriminator(config["width"]),
        build_point_generator(config["latent_dim"], config["width"]),
        config["latent_dim"],
        **label_options(config),
    )
    return compile_gan(gan, config, keras.losses.BinaryCrossentropy())


class SavePoints(keras.callbacks.Callback):
    """The toy's monitor: points from fixed latent vectors, saved each epoch."""

    def __init__(self, latent_dim, save_dir):
        super().__init__()
        self.z = np.random.default_rng(0).standard_normal((8, latent_dim)).astype("float32")
        self.save_dir = Path(save_dir)

    def on_epoch_end(self, epoch, logs=None):
        self.save_dir.mkdir(parents=True, exist_ok=True)
        np.save(self.save_dir / f"points_{epoch:03d}.npy", self.model.generator(self.z, training=False))


def point_plot(config, data, samples_dir):
    return [SavePoints(config["latent_dim"], samples_dir)]


POINTS = Preset(
    name="points_ring",
    title="a toy GAN on points of a ring",
    options={
        "data_dir": Option(None, "a folder that must exist", options.optional_text),
        "epochs": 2,
        "batch_size": 32,
        "latent_dim": Option(4, "size of z"),
        "width": 16,
        "learning_rate": Option(1e-3, "Adam's", options.positive_float, resume=True),
        "beta_1": 0.5,
        "real_label": 1.0,
        "label_smoothing": 0.1,
        "d_loss_reduction": "mean",
    },
    shared_options=(GAN_OPTIONS,),
    load_data=ring_points,
    build=build_points_gan,
    monitors=point_plot,
)


def ring_quality(config, data):
    """The toy's score: how far its points are from the unit circle, on fixed latent vectors."""
    z = np.random.default_rng(0).standard_normal((256, config["latent_dim"])).astype("float32")

    def score_fn(generator):
        points = keras.ops.convert_to_numpy(generator(z, training=False))
        return {"radius_error": float(np.mean(np.abs(np.linalg.norm(points, axis=1) - 1.0)))}

    return score_fn
