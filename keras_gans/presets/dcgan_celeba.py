"""The face DCGAN of keras.io ("DCGAN to generate face images"): its defaults, data and samples."""

import functools

import keras

from keras_gans import options as types
from keras_gans.callbacks import GANMonitor
from keras_gans.data.celeba import download_celeba
from keras_gans.data.images import image_folder_dataset
from keras_gans.models.dcgan_celeba import build_discriminator, build_generator
from keras_gans.models.gan import GAN
from keras_gans.options import Option
from keras_gans.presets.base import (
    DCGAN_IMPROVED,
    GAN_OPTIONS,
    Preset,
    TrainingData,
    compile_gan,
    label_options,
    register,
)

# keras.io's values; those with a help text are on the command line.
OPTIONS = {
    "data_dir": Option(
        None,  # download CelebA into data/celeba_gan/, as the example does
        "folder of training images, searched recursively (default: download CelebA into data/celeba_gan/)",
        types.optional_text,
    ),
    "epochs": 1,
    "batch_size": 32,
    "latent_dim": Option(128, "size of z"),
    "learning_rate": 1e-4,
    # keras.io's Adam(1e-4); the tutorial text's is Adam(2e-4, beta_1=0.5) (docs/dcgan_celeba.md).
    "beta_1": 0.9,
    "num_images": Option(10, "sample images saved each epoch", resume=True),
    "eval_samples": Option(1000, "faces generated for each evaluation"),
    "eval_real_images": 2000,  # training faces they are compared with
    "image_size": 64,
    "d_widths": (64, 128, 128),
    "g_widths": (128, 256, 512),
    "seed_channels": 128,
    "dropout": Option(0.2, type=types.fraction),
    # The example's labels: fakes 1, reals 0, U(0, 0.05) noise added to every label; the mean of
    # the real and fake losses (one BCE over both halves of the batch).
    "real_label": 0.0,
    "label_noise": 0.05,
    "d_loss_reduction": "mean",
}


def load_data(config):
    data_dir = config["data_dir"] or download_celeba()
    dataset, _ = image_folder_dataset(
        data_dir,
        image_size=config["image_size"],
        batch_size=config["batch_size"],
        seed=config["seed"],
        max_images=config["max_images"],
        resize_method=config.get("resize_method", "bilinear"),  # stylegan's --real-resize
    )
    return TrainingData(dataset, source=str(data_dir))


def build(config, data):
    gan = GAN(
        discriminator=build_discriminator(config["image_size"], config["d_widths"], config["dropout"]),
        generator=build_generator(
            config["latent_dim"], config["image_size"], config["seed_channels"], config["g_widths"]
        ),
        latent_dim=config["latent_dim"],
        **label_options(config),
    )
    return compile_gan(gan, config, keras.losses.BinaryCrossentropy())


def quality(config, data, seed=0):
    """Faces are scored by the sliced Wasserstein distance between Laplacian-pyramid patches of
    generated and real faces (Karras et al. 2018), and by FID and KID on InceptionV3 features
    where Keras can load its ImageNet weights (offline, one line says so).

    `seed` draws the latent vectors and the patches; training scores with 0, and another seed
    scores a kept generator again on new draws (`scripts/score_faces.py`).
    """
    from keras_gans.metrics import image_score_fn, load_image_folder

    real = load_image_folder(data.source, config["image_size"], count=config["eval_real_images"])
    return image_score_fn(real, n=config["eval_samples"], seed=seed)


def held_out_faces(config, data):
    """The real faces the score does not compare with (the ones after its reference set); read once
    for the floor and the target."""
    return _held_out_faces(
        data.source, config["image_size"], config["eval_samples"], config["eval_real_images"]
    )


@functools.lru_cache(maxsize=2)
def _held_out_faces(source, image_size, count, start):
    from keras_gans.data.images import DataError
    from keras_gans.metrics.scores import TooFewImages, load_image_folder

    try:
        return load_image_folder(source, image_size, count=count, start=start)
    except TooFewImages as error:
        raise DataError(
            f"{source} holds {error.found} faces: real faces' score (the floor) and the blurred target "
            f"are scored on held-out faces, those after the first {start} that the score compares "
            f"with (eval_real_images), and there are none; it needs more than {start} faces "
            f"({start + count} for all {count} of eval_samples)"
        ) from None


def floor(config, data, score_fn):
    """The score of the held-out real faces: the best a generator can hope for."""
    from keras_gans.metrics import real_floor

    return real_floor(score_fn, held_out_faces(config, data), value_range=(-1.0, 1.0))


def references(config, data, score_fn):
    """The target: the score of the held-out faces blurred 4x (downsampled by 4 and back up).

    A generator below it draws faces with more of their detail than a 4x blur leaves.
    """
    from keras_gans.metrics import blurred, real_floor

    return {
        "blurred_4x": real_floor(score_fn, blurred(held_out_faces(config, data)), value_range=(-1.0, 1.0))
    }


def monitors(config, data, samples_dir):
    # `num_images` images every epoch, as the example, but from fixed latent vectors (keras.io draws
    # new ones each epoch), so that epochs can be compared; and one grid of them.
    return [
        GANMonitor(
            num_img=config["num_images"],
            latent_dim=config["latent_dim"],
            save_dir=samples_dir,
            seed=config["seed"],
        )
    ]


PRESET = register(
    Preset(
        name="dcgan_celeba",
        title="DCGAN on CelebA faces, 64x64 (keras.io, 'overriding train_step')",
        options=OPTIONS,
        shared_options=(GAN_OPTIONS,),
        data_option=("data_dir", "celeba"),
        load_data=load_data,
        build=build,
        monitors=monitors,
        quality=quality,
        floor=floor,
        references=references,
        best=("swd", "min"),
        # The committed notebook: 2 epochs of 40 steps on the 3,000 faces, a few minutes on a 2-core CPU.
        notebook={"epochs": 2, "steps_per_epoch": 40, "eval_samples": 200},
        tiny={
            "eval_every": 0,
            "image_size": 16,
            "d_widths": (4, 8, 8),
            "g_widths": (8, 8, 4),
            "seed_channels": 8,
        },
        benchmark={"steps": 10},
        # The DCGAN paper's Adam (the tutorial text's: 2e-4, beta_1 0.5) and an average of the
        # generator's weights. On the 3,000 faces, 24 epochs, two seeds a side: the tint shared by
        # one epoch's faces falls below real faces' level and the SWD to about a quarter
        # (docs/results/dcgan_celeba/improved.md); alone at 12 epochs, the Adam is the one option
        # measured to lower the SWD, and DiffAugment, the default set's other half, raised it
        # (docs/results/dcgan_celeba/ablation_12_epochs/improved.md).
        improved=dict(DCGAN_IMPROVED),
    )
)
