"""The whole face-DCGAN tutorial as one function: data, models, training, outputs."""

import os

import keras

from keras_gans.callbacks import GANMonitor
from keras_gans.data.celeba import download_celeba
from keras_gans.data.images import image_folder_dataset
from keras_gans.models.face_dcgan import build_face_gan
from keras_gans.runtime import build_gan
from keras_gans.training import fit_gan, prepare_output_dir


def train_dcgan_celeba(
    data_dir=None,
    output_dir="runs/dcgan_celeba",
    epochs=1,
    batch_size=32,
    latent_dim=128,
    learning_rate=1e-4,
    steps_per_epoch=None,
    num_images=10,
    seed=None,
    xla=True,
    overwrite=False,
    max_images=None,
    image_size=64,
    d_widths=(64, 128, 128),
    g_widths=(128, 256, 512),
    seed_channels=128,
    strategy="default",
    mixed_precision=None,
    verbose="auto",
):
    """Trains the face DCGAN of the Keras example; returns the paths written.

    `data_dir=None` downloads CelebA into data/celeba_gan/ as the example
    does; any folder of images works instead. The defaults are the
    example's; the size arguments exist for small test runs.
    """
    resuming = prepare_output_dir(output_dir, overwrite)
    if seed is not None:
        keras.utils.set_random_seed(seed)
    dataset, _ = image_folder_dataset(
        data_dir or download_celeba(),
        image_size=image_size,
        batch_size=batch_size,
        seed=seed,
        max_images=max_images,
    )
    gan = build_gan(
        lambda: build_face_gan(
            latent_dim=latent_dim,
            learning_rate=learning_rate,
            image_size=image_size,
            d_widths=d_widths,
            g_widths=g_widths,
            seed_channels=seed_channels,
            seed=seed,
            jit_compile="auto" if xla else False,
        ),
        strategy,
        mixed_precision,
    )
    if resuming:
        print(f"Resuming the unfinished run in {output_dir}.")
    monitor = GANMonitor(
        num_img=num_images,
        latent_dim=latent_dim,
        save_dir=os.path.join(output_dir, "samples"),
        seed=seed,
    )
    settings = {
        "data_dir": data_dir,
        "batch_size": batch_size,
        "latent_dim": latent_dim,
        "learning_rate": learning_rate,
        "steps_per_epoch": steps_per_epoch,
        "seed": seed,
        "image_size": image_size,
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
