"""The MLP conditional GAN on MNIST: its defaults, data and per-class grids."""

import keras

from keras_gans import options as types
from keras_gans.models.cgan_mnist import ConditionalGAN, build_discriminator, build_generator
from keras_gans.options import Option
from keras_gans.presets.base import GAN_OPTIONS, Preset, compile_gan, label_options, register
from keras_gans.presets.mnist import (
    MNIST_OPTIONS,
    MNIST_SCORING,
    class_grid,
    labelled_mnist_data,
)

# The tutorial's values; those with a help text are on the command line.
OPTIONS = {
    # Not the text's `train_cgan(epochs=10000, batch_size=64)`, whose "epochs" are 937 random
    # batches each (9.4 million steps): 50 shuffled passes at 128 reach the targets on a CPU.
    "epochs": 50,
    "batch_size": 128,
    "num_classes": 10,
    # The text compiles its discriminator with Keras' default Adam (1e-3) and never defines the
    # generator's (its `combined` model): Adam(2e-4, beta_1=0.5) for both, the DCGAN paper's,
    # which most GAN tutorials use (docs/cgan_mnist.md, "Against the text").
    "learning_rate": 2e-4,
    "beta_1": 0.5,
    "g_widths": (256, 512, 1024),
    "d_widths": (512, 256),
    "d_dropout": Option(0.3, type=types.fraction),
    "per_class": Option(10, "digits of each class in each epoch's grid (one row per class)"),
    # The tutorial's labels: real 1, fake 0, no noise; real_loss + fake_loss.
    "real_label": 1.0,
    "d_loss_reduction": "sum",
    # Not the tutorial's: samples, scores and the saved generator come from a moving average of the
    # generator's weights (keras.io's GAN-ADA keeps one). Training is unchanged; on seeds 0 and 1 the
    # average scored 97.4% and FD 2.6 / 2.5 after 50 epochs, the last weights 96.6% / 95.9% and FD
    # 6.1 / 5.5 (docs/cgan_mnist.md#what-the-moving-average-changes). --ema-decay 0 turns it off.
    "ema_decay": 0.999,
}


def build(config, data):
    gan = ConditionalGAN(
        discriminator=build_discriminator(config["num_classes"], config["d_widths"], config["d_dropout"]),
        generator=build_generator(config["latent_dim"], config["num_classes"], config["g_widths"]),
        latent_dim=config["latent_dim"],
        num_classes=config["num_classes"],
        **label_options(config),
    )
    return compile_gan(gan, config, keras.losses.BinaryCrossentropy())


PRESET = register(
    Preset(
        name="cgan_mnist",
        title="MLP conditional GAN on MNIST",
        load_data=labelled_mnist_data,
        build=build,
        **MNIST_SCORING,
        monitors=class_grid,
        options=OPTIONS,
        shared_options=(GAN_OPTIONS, MNIST_OPTIONS),
        # The committed notebook: 5 epochs, about 2 minutes on a 2-core CPU.
        notebook={"epochs": 5},
        tiny={"eval_every": 0, "g_widths": (16,), "d_widths": (16,), "latent_dim": 16},
        benchmark={"steps": 300},
    )
)
