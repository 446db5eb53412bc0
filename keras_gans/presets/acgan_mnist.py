"""The ACGAN on MNIST: its defaults, which are the conditional GAN's but for two; its data and
grids are the conditional GAN's too."""

import keras

from keras_gans.models.acgan_mnist import ACGAN, build_discriminator, build_generator
from keras_gans.presets import cgan_mnist
from keras_gans.presets.base import Preset, compile_gan, label_options, register
from keras_gans.presets.mnist import MNIST_SCORING, class_grid, labelled_mnist_data

# The conditional GAN's options and labels, with the ACGAN tutorial's own batch and generator
# (its discriminator has no Dropout, so no d_dropout).
OPTIONS = {key: value for key, value in cgan_mnist.OPTIONS.items() if key != "d_dropout"} | {
    "batch_size": 64,
    "g_widths": (256, 512),
}


def build(config, data):
    gan = ACGAN(
        discriminator=build_discriminator(config["num_classes"], config["d_widths"]),
        generator=build_generator(config["latent_dim"], config["num_classes"], config["g_widths"]),
        latent_dim=config["latent_dim"],
        num_classes=config["num_classes"],
        **label_options(config),
    )
    return compile_gan(gan, config, keras.losses.BinaryCrossentropy())


PRESET = register(
    Preset(
        name="acgan_mnist",
        title="ACGAN on MNIST",
        load_data=labelled_mnist_data,
        build=build,
        **MNIST_SCORING,
        monitors=class_grid,
        options=OPTIONS,
        shared_options=cgan_mnist.PRESET.shared_options,
        # The committed notebook: 5 epochs, about 2 minutes on a 2-core CPU.
        notebook={"epochs": 5},
        tiny={"eval_every": 0, "g_widths": (16,), "d_widths": (16,), "latent_dim": 16},
        benchmark={"steps": 300},
    )
)
