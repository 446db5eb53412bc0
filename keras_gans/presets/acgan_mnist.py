"""The ACGAN on MNIST: its defaults (the tutorial's batch 64, Adam 2e-4, latent 100); data and grids
as the conditional GAN's."""

import keras

from keras_gans.models.acgan_mnist import ACGAN, build_acgan_discriminator, build_acgan_generator
from keras_gans.presets.base import Preset, compile_gan, label_options, register
from keras_gans.presets.cgan_mnist import CONDITIONAL_MNIST_OPTIONS
from keras_gans.presets.mnist import class_grid, labelled_mnist_data

DEFAULTS = {
    "mnist_path": None,
    "epochs": 50,
    "batch_size": 64,
    "latent_dim": 100,
    "num_classes": 10,
    "learning_rate": 2e-4,
    "beta_1": 0.5,
    "g_widths": (256, 512),
    "d_widths": (512, 256),
    "per_class": 10,
    # Real 1, fake 0, no noise; the source losses summed, as its formulas write them.
    "real_label": 1.0,
    "label_noise": 0.0,
    "label_smoothing": 0.0,
    "d_loss_reduction": "sum",
}


def build(config, data):
    gan = ACGAN(
        discriminator=build_acgan_discriminator(config["num_classes"], config["d_widths"]),
        generator=build_acgan_generator(config["latent_dim"], config["num_classes"], config["g_widths"]),
        latent_dim=config["latent_dim"],
        num_classes=config["num_classes"],
        **label_options(config),
    )
    return compile_gan(gan, config, keras.losses.BinaryCrossentropy())


PRESET = register(
    Preset(
        name="acgan_mnist",
        title="ACGAN on MNIST",
        defaults=DEFAULTS,
        load_data=labelled_mnist_data,
        build=build,
        monitors=class_grid,
        options=CONDITIONAL_MNIST_OPTIONS,
        tiny={"g_widths": (16,), "d_widths": (16,), "latent_dim": 16},
        benchmark={"steps": 300},
    )
)
