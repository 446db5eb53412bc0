"""The classic Keras GAN tutorial as one function, trained either of two ways.

- method="composite": the tutorial's own loop of `train_on_batch` calls on
  the discriminator and on the composite model (generator + frozen
  discriminator), as GANs were trained before `train_step` existed;
- method="fit": the same two networks as a `ClassicGAN` driven by `fit`.

Both evaluate every `every` epochs with one `SummarizePerformance`.
"""

import csv
import json
import os
import time

import keras
import numpy as np

from keras_gans.callbacks import SummarizePerformance
from keras_gans.data.mnist import array_dataset, load_mnist
from keras_gans.models.classic_gan import (
    build_classic_discriminator,
    build_classic_gan,
    build_classic_generator,
    composite_train_step,
    define_discriminator,
    define_gan,
)
from keras_gans.plotting import plot_losses
from keras_gans.runtime import build_gan
from keras_gans.training import RUN_FILE, OutputDirError, fit_gan, prepare_output_dir

METHODS = ("composite", "fit")


def train_gan_mnist(
    method="composite",
    mnist_path=None,
    output_dir="runs/gan_mnist",
    epochs=100,
    batch_size=256,
    latent_dim=100,
    steps_per_epoch=None,
    max_images=None,
    every=10,
    d_widths=(64, 64),
    g_widths=(128, 128),
    seed_channels=128,
    seed=None,
    xla=True,
    overwrite=False,
    strategy="default",
    mixed_precision=None,
    verbose="auto",
):
    """Trains the tutorial's GAN on MNIST by `method`; returns the paths written.

    As the tutorial, a step trains the discriminator on `batch_size / 2`
    real and as many fake images, and an epoch is
    `len(images) // batch_size` steps (234 on MNIST) unless
    `steps_per_epoch` says otherwise.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if batch_size < 2:
        raise ValueError("batch_size must be at least 2 (half real, half fake)")
    resuming = prepare_output_dir(output_dir, overwrite)
    if seed is not None:
        keras.utils.set_random_seed(seed)
    (train_images, _), _ = load_mnist(mnist_path)
    if max_images:
        train_images = train_images[:max_images]
    steps_per_epoch = steps_per_epoch or max(1, len(train_images) // batch_size)
    samples = os.path.join(output_dir, "samples")
    # Pixels in [0, 1], the range of the generator's sigmoid.
    images = train_images[..., np.newaxis].astype("float32") / 255.0
    summary = SummarizePerformance(images, latent_dim, samples, every=every, seed=seed)
    settings = {
        "method": method,
        "mnist_path": mnist_path and os.fspath(mnist_path),
        "batch_size": batch_size,
        "latent_dim": latent_dim,
        "steps_per_epoch": steps_per_epoch,
        "max_images": max_images,
        "every": every,
        "seed": seed,
    }
    jit_compile = "auto" if xla else False

    if method == "fit":
        gan = build_gan(
            lambda: build_classic_gan(
                latent_dim, d_widths, g_widths, seed_channels, seed=seed, jit_compile=jit_compile
            ),
            strategy,
            mixed_precision,
        )
        if resuming:
            print(f"Resuming the unfinished run in {output_dir}.")
        # Batches of half real images: the base train_step adds as many fakes.
        dataset = array_dataset(train_images, batch_size=batch_size // 2, value_range=(0.0, 1.0), seed=seed)
        return fit_gan(
            gan,
            dataset,
            output_dir,
            epochs=epochs,
            steps_per_epoch=steps_per_epoch,
            callbacks=[summary],
            settings=settings,
            verbose=verbose,
        )

    if resuming:
        raise OutputDirError(
            f"{output_dir} holds an unfinished fit run; the composite loop does not resume. "
            "Pass --overwrite or choose another --output-dir."
        )

    def build():
        discriminator = define_discriminator(build_classic_discriminator(widths=d_widths), jit_compile)
        generator = build_classic_generator(latent_dim, seed_channels, g_widths)
        return generator, discriminator, define_gan(generator, discriminator, jit_compile)

    generator, discriminator, composite = build_gan(build, strategy, mixed_precision)
    rng = np.random.default_rng(seed)
    history = {"epoch": [], "d_loss": [], "g_loss": []}
    for epoch in range(epochs):
        start = time.perf_counter()
        losses = [
            composite_train_step(generator, discriminator, composite, images, latent_dim, batch_size, rng)
            for _ in range(steps_per_epoch)
        ]
        d_loss, g_loss = np.mean(losses, axis=0)
        history["epoch"].append(epoch)
        history["d_loss"].append(float(d_loss))
        history["g_loss"].append(float(g_loss))
        if verbose:
            seconds = time.perf_counter() - start
            print(f"Epoch {epoch + 1}/{epochs}: d={d_loss:.3f}, g={g_loss:.3f} ({seconds:.1f} s)")
        if (epoch + 1) % every == 0:
            summary.summarize(epoch + 1, generator, discriminator)
    return _save_composite_run(output_dir, samples, generator, history, {"epochs": epochs, **settings})


def _save_composite_run(output_dir, samples, generator, history, settings):
    """The same files as `fit_gan` writes, but the whole GAN (the composite has no single model)."""
    paths = {
        "output_dir": output_dir,
        "samples": samples,
        "losses_csv": os.path.join(output_dir, "losses.csv"),
        "losses_png": os.path.join(output_dir, "losses.png"),
        "generator": os.path.join(output_dir, "generator.keras"),
        "run": os.path.join(output_dir, RUN_FILE),
    }
    with open(paths["losses_csv"], "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(history)
        writer.writerows(zip(*history.values(), strict=True))
    plot_losses(history, paths["losses_png"])
    generator.save(paths["generator"])
    with open(paths["run"], "w") as file:
        json.dump(settings, file, indent=2)
    return paths
