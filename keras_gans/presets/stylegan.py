"""StyleGAN on faces (keras.io, "Face image generation with StyleGAN"): its defaults, data and figures.

One `fit` trains the whole progressive schedule: keras.io's phases (4x4 stable, then per
resolution a transition and a stable phase) are runs of epochs of `steps_per_epoch` steps (keras.io
trains each phase in a `fit` call of its own), and the `ProgressiveGrowth` callback sets each
epoch's resolution, batch, learning rate and fade-in from the epoch number, so that a killed run
resumes from its last epoch's checkpoint at the right stage (keras_gans/models/stylegan.py). The
score is the face DCGAN's (SWD, FID/KID when Inception loads) against the target-size faces.
"""

import os

import numpy as np

from keras_gans import options as types
from keras_gans.callbacks import GANMonitor
from keras_gans.models.stylegan import (
    ProgressiveGrowth,
    build_stylegan,
    keras_io_schedule,
    log2,
    save_grid_figure,
    style_mixing_grid,
    truncation_grid,
)
from keras_gans.options import Option
from keras_gans.presets import dcgan_celeba
from keras_gans.presets.base import OptionError, Preset, jit_compile, register
from keras_gans.runtime import strategy_name

# keras.io's values (its `train(start_res=4, target_res=64, steps_per_epoch=100)` call).
OPTIONS = {
    "data_dir": dcgan_celeba.OPTIONS["data_dir"],  # the same faces, or any folder of images
    "target_size": Option(
        64,
        "the last resolution of the progressive growth, a power of two (keras.io: 64); the schedule takes "
        "11 epochs to 16, 19 to 32, 29 to 64",
    ),
    "epochs": 29,  # keras.io's schedule to 64x64; to 32x32 it is 19 (more: a longer last phase)
    "steps_per_epoch": 100,  # keras.io's closing call (its train() default: 5,000); phases are multiples
    "batch_size": 128,  # at 4x4 to 16x16; halved at each doubling from 32x32, as keras.io's table
    "latent_dim": Option(512, "size of z"),
    "w_dim": Option(512, "size of the styles w (the mapping network's width)"),
    "mapping_layers": Option(8, "dense layers of the mapping network"),
    "max_filters": Option(512, "cap on keras.io's filters per resolution (512: keras.io's)"),
    "learning_rate": Option(
        1e-3,  # at least 2e-5
        "Adam rate of both networks at 4x4 and 8x8, halved at each doubling beyond",
        types.positive_float,
        resume=True,
    ),
    "gp_weight": Option(10.0, "weight of the gradient penalty", types.positive_float),
    "drift_weight": 0.001,
    "d_steps": Option(1, "discriminator updates per generator update"),
    "real_resize": Option(
        "nearest",
        "how the real faces reach each resolution: 'nearest' (keras.io: each file resized "
        "nearest-neighbour to it, which aliases) or 'average' (bilinear to the target size, then 2x2 means)",
        types.choice("average", "nearest"),
    ),
    "num_images": Option(16, "sample images saved each epoch", resume=True),  # keras.io's val_batch_size
    "eval_samples": Option(1000, "faces generated for each evaluation"),
    "eval_real_images": 2000,  # training faces they are compared with
}
START_SIZE = 4  # keras.io's START_RES
OUTPUTS = ("style_mixing.png", "truncation.png")


def schedule(config):
    """keras.io's phases for this run's target size, batch and learning rate."""
    return keras_io_schedule(START_SIZE, config["target_size"], config["batch_size"], config["learning_rate"])


def check(config):
    try:
        size = log2(config["target_size"])
    except ValueError:
        size = None
    if size is None or not 3 <= size <= 10:
        raise OptionError(f"--target-size must be a power of two from 8 to 1024, got {config['target_size']}")
    if config["ema_decay"]:
        raise OptionError(
            "stylegan keeps no moving average of its generator (keras.io has none): drop --ema-decay"
        )
    if config["mixed_precision"]:
        raise OptionError("stylegan trains in float32 (its gradient penalty differentiates twice)")
    if strategy_name(config["strategy"]) != "default":
        raise OptionError("stylegan trains on one device: --strategy default")
    for phase in schedule(config):
        batch = phase.batch_size
        if batch % min(4, batch):  # the minibatch standard deviation's groups of 4
            raise OptionError(
                f"--batch-size {config['batch_size']} gives batches of {batch} at {phase.resolution}x"
                f"{phase.resolution}, which the discriminator's groups of 4 do not divide; "
                "use a power of two (keras.io: 128)"
            )


def load_data(config):
    """The faces (or any image folder), as the face DCGAN reads them. `real_resize` nearest: each
    file resized nearest-neighbour to every resolution, as keras.io's loader (the step takes its
    own); average: bilinear to the target size (the step takes 2x2 means)."""
    if config["real_resize"] == "average":
        return dcgan_celeba.load_data({**_face_config(config), "resize_method": "bilinear"})
    sizes = tuple(sorted({phase.resolution for phase in schedule(config)}))
    return dcgan_celeba.load_data({**_face_config(config), "image_size": sizes, "resize_method": "nearest"})


def build(config, data):
    return build_stylegan(
        learning_rate=config["learning_rate"],
        jit_compile=jit_compile(config),
        latent_dim=config["latent_dim"],
        w_dim=config["w_dim"],
        mapping_layers=config["mapping_layers"],
        start_size=START_SIZE,
        target_size=config["target_size"],
        max_filters=config["max_filters"],
        resolution=START_SIZE,
        gp_weight=config["gp_weight"],
        drift_weight=config["drift_weight"],
        d_steps=config["d_steps"],
        real_resize=config["real_resize"],
        seed=config["seed"],
    )


def _face_config(config):
    """The face DCGAN's data and scoring options, at this run's target size."""
    return {**config, "image_size": config["target_size"]}


def quality(config, data):
    """The face DCGAN's score (SWD, and FID/KID where Inception loads) against real faces at the target size.

    Images of lower resolutions are scored upsampled to it: the curve shows the growth.
    """
    return dcgan_celeba.quality(_face_config(config), data)


def floor(config, data, score_fn):
    """The face DCGAN's floor: the score of real faces the score does not compare with."""
    return dcgan_celeba.floor(_face_config(config), data, score_fn)


def references(config, data, score_fn):
    """The face DCGAN's target: those faces blurred 4x, at the target size."""
    return dcgan_celeba.references(_face_config(config), data, score_fn)


def monitors(config, data, samples_dir):
    return [
        ProgressiveGrowth(schedule(config), verbose=bool(config["verbose"])),
        # keras.io's 16 images from fixed latent vectors after every phase; here every epoch.
        GANMonitor(
            num_img=config["num_images"],
            latent_dim=config["latent_dim"],
            save_dir=samples_dir,
            seed=config["seed"],
            image_name=None,
            cols=8,
        ),
    ]


def finish(config, data, generator, paths):
    """What StyleGAN is for, drawn from the trained generator: style mixing and the truncation trick."""
    rng = np.random.default_rng(0 if config["seed"] is None else config["seed"])
    latent = config["latent_dim"]
    z_rows, z_cols = (rng.standard_normal((n, latent)).astype("float32") for n in (4, 6))
    mixing = os.path.join(paths["output_dir"], OUTPUTS[0])
    save_grid_figure(style_mixing_grid(generator, z_rows, z_cols), mixing)
    truncation = os.path.join(paths["output_dir"], OUTPUTS[1])
    save_grid_figure(
        truncation_grid(generator, rng.standard_normal((4, latent)).astype("float32")), truncation
    )
    return {"style_mixing": mixing, "truncation": truncation}


PRESET = register(
    Preset(
        name="stylegan",
        title="StyleGAN on CelebA faces, progressive growth to 64x64 (keras.io, WGAN-GP)",
        options=OPTIONS,
        data_option=("data_dir", "celeba"),
        load_data=load_data,
        build=build,
        monitors=monitors,
        finish=finish,
        outputs=OUTPUTS,
        quality=quality,
        floor=floor,
        references=references,
        best=("swd", "min"),
        check=check,
        tiny={
            "eval_every": 0,
            "target_size": 8,
            "latent_dim": 8,
            "w_dim": 8,
            "mapping_layers": 2,
            "max_filters": 8,
            "num_images": 4,
        },
        # The notebook's short run (about 3 minutes on a 2-core CPU): the schedule to 32x32, small.
        notebook={
            "target_size": 32,
            "epochs": 19,
            "steps_per_epoch": 10,
            "batch_size": 32,
            "max_filters": 64,
            "eval_every": 6,
            "eval_samples": 500,
        },
        benchmark={"steps": 5},
    )
)
