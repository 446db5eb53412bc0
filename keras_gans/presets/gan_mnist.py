"""The classic Keras GAN (J. Brownlee, "How to Develop a GAN for MNIST"), trained either of two ways.

- method="composite": the tutorial's own loop of `train_on_batch` calls on
  the discriminator and on the composite model (generator + frozen
  discriminator), as GANs were trained before `train_step` existed;
- method="fit": the same two networks as the base `GAN` driven by `fit`.

Both evaluate every `sample_every` epochs with one `SummarizePerformance`, and both
write the run folder through the same code.
"""

import time

import keras
import numpy as np

from keras_gans import options as types
from keras_gans.callbacks import SummarizePerformance, TrainingStopped
from keras_gans.data.mnist import array_dataset
from keras_gans.models.gan import GAN
from keras_gans.models.gan_mnist import (
    adam,
    build_discriminator,
    build_generator,
    composite_train_step,
    define_discriminator,
    define_gan,
)
from keras_gans.options import Option
from keras_gans.presets.base import (
    GAN_OPTIONS,
    OptionError,
    Preset,
    TrainingData,
    compile_gan,
    jit_compile,
    label_options,
    register,
)
from keras_gans.presets.mnist import MNIST_OPTIONS, MNIST_SCORING, mnist_source, mnist_train
from keras_gans.runtime import build_gan
from keras_gans.training import fit_run, run_callbacks, set_run_eagerly

METHODS = ("composite", "fit")

# The tutorial's values; those with a help text are on the command line.
OPTIONS = {
    "method": Option(
        "composite",
        "composite: the tutorial's train_on_batch loop with a frozen discriminator; fit: the base GAN's "
        "train_step driven by model.fit",
        types.choice(*METHODS),
    ),
    "epochs": 100,
    "batch_size": 256,  # half real, half fake for the discriminator
    "learning_rate": 2e-4,
    "beta_1": 0.5,
    "sample_every": Option(
        10, "print the discriminator's accuracy and save a sample plot every N epochs", resume=True
    ),
    "d_widths": (64, 64),
    "g_widths": (128, 128),
    "seed_channels": 128,
    "dropout": Option(0.4, type=types.fraction),
    # The tutorial's labels: real 1, fake 0, no noise, one BCE over the batch.
    "real_label": 1.0,
    "d_loss_reduction": "mean",
}


def check(config):
    if config["method"] not in METHODS:
        raise OptionError(f"unknown method {config['method']!r}; choose one of {', '.join(METHODS)}")
    if config["batch_size"] < 2:
        raise OptionError("--batch-size must be at least 2 (half real, half fake)")
    improved = [name for name in ("augment", "r1_gamma", "d_learning_rate") if config[name]]
    if config["method"] == "composite" and improved:
        flags = ", ".join("--" + name.replace("_", "-") for name in improved)
        raise OptionError(f"the composite loop is the tutorial's own: {flags} need --method fit")


def load_data(config):
    images, _ = mnist_train(config)
    # As the tutorial, an epoch is len(images) // batch_size steps (234 on MNIST).
    config["steps_per_epoch"] = config["steps_per_epoch"] or max(1, len(images) // config["batch_size"])
    # Batches of half real images: the base train_step adds as many fakes.
    # Pixels in [0, 1], the range of the generator's sigmoid.
    dataset = array_dataset(
        images, batch_size=config["batch_size"] // 2, value_range=(0.0, 1.0), seed=config["seed"]
    )
    array = images[..., np.newaxis].astype("float32") / 255.0
    return TrainingData(dataset, images=array, source=mnist_source(config))


def build(config, data):
    """The `fit` way: the tutorial's networks in the base GAN, with its labels."""
    gan = GAN(
        discriminator=build_discriminator(config["d_widths"], config["dropout"]),
        generator=build_generator(config["latent_dim"], config["seed_channels"], config["g_widths"]),
        latent_dim=config["latent_dim"],
        **label_options(config),
    )
    return compile_gan(gan, config, keras.losses.BinaryCrossentropy())


def monitors(config, data, samples_dir):
    return [
        SummarizePerformance(
            data.images, config["latent_dim"], samples_dir, every=config["sample_every"], seed=config["seed"]
        )
    ]


def train(run):
    """method "fit": the base GAN's `train_step` by `fit`, as every tutorial; "composite": its own loop."""
    return fit_run(run) if run.config["method"] == "fit" else train_composite(run)


def train_composite(run):
    """The tutorial's loop of `train_on_batch` calls, driving the same callbacks as `fit` would.

    Returns `(generator, None, composite)`: the composite loop has no single GAN model to save.
    """
    config, data, paths = run.config, run.data, run.paths
    if run.resuming:
        raise OptionError(
            f"{paths['output_dir']} holds an unfinished run; the composite loop keeps no checkpoints "
            "and cannot resume it. Pass --overwrite to start again (--method fit runs resume), "
            "or choose another --output-dir."
        )
    if config["real_label"] != 1.0 or config["label_noise"] or config["ema_decay"]:
        raise OptionError(
            "the composite loop labels real 1, fake 0, without noise, and keeps no average; use --method fit"
        )

    def build():
        jit = jit_compile(config)
        optimizer = lambda: adam(config["learning_rate"], config["beta_1"])  # noqa: E731
        discriminator = define_discriminator(
            build_discriminator(config["d_widths"], config["dropout"]), optimizer(), jit
        )
        generator = build_generator(config["latent_dim"], config["seed_channels"], config["g_widths"])
        return generator, discriminator, define_gan(generator, discriminator, optimizer(), jit)

    generator, discriminator, composite = build_gan(build, config["strategy"], config["mixed_precision"])
    set_run_eagerly(config, discriminator, composite)
    run.start()
    # What the run's callbacks read of a GAN (scores, best/, plots): the composite holds both networks.
    composite.generator = composite.sampler = generator
    composite.discriminator = discriminator
    # The same callbacks as every run trained by `fit`, called as `fit` calls them (no checkpoint).
    callbacks = keras.callbacks.CallbackList(
        run_callbacks(paths["output_dir"], run.monitors, run.quality, log_every=config["log_every"]),
        model=composite,
        epochs=config["epochs"],
        steps=config["steps_per_epoch"],
    )
    rng = np.random.default_rng(config["seed"])
    callbacks.on_train_begin()
    for epoch in range(config["epochs"]):
        began = time.perf_counter()
        callbacks.on_epoch_begin(epoch)
        losses = []
        for step in range(config["steps_per_epoch"]):
            callbacks.on_train_batch_begin(step)
            losses.append(
                composite_train_step(
                    generator,
                    discriminator,
                    composite,
                    data.images,
                    config["latent_dim"],
                    config["batch_size"],
                    rng,
                    config["label_smoothing"],
                )
            )
            # As `fit` reports them: the mean of the epoch's steps so far.
            d_loss, g_loss = np.mean(losses, axis=0)
            callbacks.on_train_batch_end(step, {"d_loss": float(d_loss), "g_loss": float(g_loss)})
        if not np.isfinite([d_loss, g_loss]).all():
            raise TrainingStopped(
                f"non-finite loss in epoch {epoch + 1} (d_loss={d_loss:.4g}, g_loss={g_loss:.4g}); "
                "the composite loop keeps no checkpoint: start again with a lower --learning-rate"
            )
        if config["verbose"]:
            seconds = time.perf_counter() - began
            print(f"Epoch {epoch + 1}/{config['epochs']}: d={d_loss:.3f}, g={g_loss:.3f} ({seconds:.1f} s)")
        callbacks.on_epoch_end(epoch, {"d_loss": float(d_loss), "g_loss": float(g_loss)})
    callbacks.on_train_end()
    return generator, None, composite


PRESET = register(
    Preset(
        name="gan_mnist",
        title="basic conv GAN on MNIST, composite model with a frozen discriminator",
        options=OPTIONS,
        shared_options=(GAN_OPTIONS, MNIST_OPTIONS),
        load_data=load_data,
        build=build,
        **MNIST_SCORING,
        monitors=monitors,
        train=train,
        check=check,
        # The committed notebook: 3 epochs of 12,000 digits, a few minutes on a 2-core CPU.
        notebook={"epochs": 3, "max_images": 12000, "sample_every": 1},
        # Its notebook's figures need a sample plot at each of the tiny run's epochs.
        tiny={
            "eval_every": 0,
            "d_widths": (4, 4),
            "g_widths": (8, 8),
            "seed_channels": 8,
            "latent_dim": 8,
            "sample_every": 1,
        },
        # fit's batches are the real half of the tutorial's 256.
        benchmark={"steps": 20, "method": "fit", "batch_size": 128},
    )
)
