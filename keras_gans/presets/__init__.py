"""One preset per tutorial, the one home of its name and defaults.

    from keras_gans.presets import get_preset
    preset = get_preset("dcgan_celeba")
    preset.defaults["latent_dim"]          # the example's value, written only there
    gan = preset.build_gan(latent_dim=64)  # built and compiled, ready for `fit`

`keras_gans.runner.train(name, **options)` trains one; each script is
`train_<name>.py`. A new GAN needs a model module and a preset module that
calls `register(Preset(...))`, named in TUTORIALS.
"""

import importlib

from keras_gans.presets.base import (  # noqa: F401
    COMMON_OPTIONS,
    PRESETS,
    OptionError,
    Preset,
    TrainingData,
    get_preset,
    register,
)

# The tutorials, in the README's order (the benchmark's too); importing each
# preset module registers it.
TUTORIALS = (
    "dcgan_celeba",
    "dcgan_mnist",
    "gan_mnist",
    "cgan_mnist",
    "acgan_mnist",
    "cgan_rps",
    "dggan",
    "cyclegan",
    "stylegan",
)
for _name in TUTORIALS:
    importlib.import_module(f"keras_gans.presets.{_name}")
