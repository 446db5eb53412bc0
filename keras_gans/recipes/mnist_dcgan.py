"""The TensorFlow DCGAN tutorial as one function: MNIST, models, training, grids, GIF."""

import glob
import os

import keras

from keras_gans.callbacks import GANMonitor
from keras_gans.data.mnist import array_dataset, load_mnist
from keras_gans.models.mnist_dcgan import build_mnist_dcgan
from keras_gans.plotting import make_gif
from keras_gans.runtime import build_gan
from keras_gans.training import fit_gan, prepare_output_dir

GRID_NAME = "image_at_epoch_{epoch:04d}.png"


def train_dcgan_mnist(
    mnist_path=None,
    output_dir="runs/dcgan_mnist",
    epochs=50,
    batch_size=256,
    latent_dim=100,
    learning_rate=1e-4,
    steps_per_epoch=None,
    num_examples=16,
    max_images=None,
    g_widths=(256, 128, 64),
    d_widths=(64, 128),
    seed=None,
    xla=True,
    overwrite=False,
    strategy="default",
    mixed_precision=None,
    verbose="auto",
):
    """Trains the tutorial's DCGAN on MNIST; returns the paths written.

    `mnist_path=None` uses KERAS_GANS_MNIST or Keras' download. Defaults are
    the tutorial's (batch 256, shuffle buffer 60000, 50 epochs, noise 100);
    `max_images` and the widths exist for short runs and tests.
    """
    resuming = prepare_output_dir(output_dir, overwrite)
    if seed is not None:
        keras.utils.set_random_seed(seed)
    (train_images, _), _ = load_mnist(mnist_path)
    if max_images:
        train_images = train_images[:max_images]
    # Fix: the dataset is built from the images scaled to [-1, 1] (tanh's
    # range); the tutorial scales one array but builds its dataset from the
    # unscaled one. array_dataset scales and batches in one place.
    dataset = array_dataset(
        train_images, batch_size=batch_size, value_range=(-1.0, 1.0), shuffle_buffer=60000, seed=seed
    )
    gan = build_gan(
        lambda: build_mnist_dcgan(
            latent_dim=latent_dim,
            learning_rate=learning_rate,
            g_widths=g_widths,
            d_widths=d_widths,
            seed=seed,
            jit_compile="auto" if xla else False,
        ),
        strategy,
        mixed_precision,
    )
    if resuming:
        print(f"Resuming the unfinished run in {output_dir}.")
    samples = os.path.join(output_dir, "samples")
    # The tutorial's 16 fixed seeds, as a 4x4 grid each epoch (epochs count
    # from 0, as Keras counts them).
    monitor = GANMonitor(
        num_img=num_examples,
        latent_dim=latent_dim,
        save_dir=samples,
        seed=seed,
        grid_name=GRID_NAME,
        image_name=None,
        cols=4,
    )
    settings = {
        "mnist_path": mnist_path and os.fspath(mnist_path),
        "batch_size": batch_size,
        "latent_dim": latent_dim,
        "learning_rate": learning_rate,
        "steps_per_epoch": steps_per_epoch,
        "max_images": max_images,
        "seed": seed,
    }
    # fit_gan checkpoints every epoch (and resumes from it), which supersedes
    # the tutorial's tf.train.Checkpoint every 15 epochs.
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
    frames = sorted(glob.glob(os.path.join(samples, GRID_NAME.replace("{epoch:04d}", "*"))))
    paths["gif"] = make_gif(frames, os.path.join(output_dir, "dcgan.gif"))
    return paths
