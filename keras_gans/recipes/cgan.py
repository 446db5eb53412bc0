"""The two conditional MNIST tutorials as functions: data, model, training, outputs.

The MLP conditional GAN and the ACGAN differ only in their model; the data,
the per-class sample grids and the training run are the same, so both
recipes share `_train_conditional_mnist`.
"""

import os

import keras

from keras_gans.callbacks import ClassGridMonitor
from keras_gans.data.mnist import array_dataset, load_mnist
from keras_gans.models.acgan import build_acgan
from keras_gans.models.cgan import build_cgan
from keras_gans.runtime import build_gan
from keras_gans.training import fit_gan, prepare_output_dir


def train_cgan_mnist(
    mnist_path=None,
    output_dir="runs/cgan_mnist",
    epochs=50,
    batch_size=128,
    latent_dim=100,
    learning_rate=2e-4,
    g_widths=(256, 512, 1024),
    d_widths=(512, 256),
    **kwargs,
):
    """Trains the MLP conditional GAN on MNIST; returns the paths written.

    Keyword arguments after these are `_train_conditional_mnist`'s.
    """
    return _train_conditional_mnist(
        "cgan",
        build_cgan,
        mnist_path,
        output_dir,
        epochs,
        batch_size,
        dict(latent_dim=latent_dim, learning_rate=learning_rate, g_widths=g_widths, d_widths=d_widths),
        **kwargs,
    )


def train_acgan_mnist(
    mnist_path=None,
    output_dir="runs/acgan_mnist",
    epochs=50,
    batch_size=64,
    latent_dim=100,
    learning_rate=2e-4,
    g_widths=(256, 512),
    d_widths=(512, 256),
    **kwargs,
):
    """Trains the ACGAN on MNIST (the tutorial's batch 64, Adam 2e-4, latent 100)."""
    return _train_conditional_mnist(
        "acgan",
        build_acgan,
        mnist_path,
        output_dir,
        epochs,
        batch_size,
        dict(latent_dim=latent_dim, learning_rate=learning_rate, g_widths=g_widths, d_widths=d_widths),
        **kwargs,
    )


def _train_conditional_mnist(
    name,
    build_fn,
    mnist_path,
    output_dir,
    epochs,
    batch_size,
    model_args,
    steps_per_epoch=None,
    max_images=None,
    per_class=10,
    seed=None,
    xla=True,
    overwrite=False,
    strategy="default",
    mixed_precision=None,
    verbose="auto",
):
    resuming = prepare_output_dir(output_dir, overwrite)
    if seed is not None:
        keras.utils.set_random_seed(seed)
    (x_train, y_train), _ = load_mnist(mnist_path)
    if max_images:
        x_train, y_train = x_train[:max_images], y_train[:max_images]
    # [-1, 1], the range of the generator's tanh (the CGAN tutorial scales
    # to [0, 1], half of tanh's range: fixed here).
    dataset = array_dataset(x_train, y_train, batch_size, value_range=(-1.0, 1.0), seed=seed)
    gan = build_gan(
        lambda: build_fn(**model_args, jit_compile="auto" if xla else False, seed=seed),
        strategy,
        mixed_precision,
    )
    if resuming:
        print(f"Resuming the unfinished run in {output_dir}.")
    monitor = ClassGridMonitor(
        num_classes=gan.num_classes,
        per_class=per_class,
        latent_dim=gan.latent_dim,
        save_dir=os.path.join(output_dir, "samples"),
        seed=seed,
    )
    settings = {
        "model": name,
        "latent_dim": model_args["latent_dim"],
        "learning_rate": model_args["learning_rate"],
        "mnist_path": None if mnist_path is None else os.fspath(mnist_path),
        "batch_size": batch_size,
        "steps_per_epoch": steps_per_epoch,
        "max_images": max_images,
        "seed": seed,
    }
    return fit_gan(
        gan,
        dataset,
        output_dir,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        callbacks=[monitor],
        settings=settings,
        verbose=verbose,
    )
