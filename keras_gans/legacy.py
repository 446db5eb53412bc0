"""Files of keras_gans 0.1.0, read by this version: every shim for an older version, in one place.

What each reads (the commits name where 0.1.0 changed what it wrote; the tests that keep them
working are in brackets):

- `LEGACY_CONVENTIONS`: a gan.keras saved before the label conventions were `GAN` options
  (before 5f64e2f, presets): its config has no `real_label`, since each class hard-coded its
  tutorial's labels. `GAN.from_config` adds them. (tests/test_legacy_files.py)
- `ClassicGANFile`: a gan.keras of the classic Keras GAN saved as class `ClassicGAN` (before
  5f64e2f): that class is now the base `GAN` with a real label of 1. (tests/test_legacy_files.py)
- `SavedConstantNoise`: a StyleGAN generator.keras saved before `SeededNoise` (d53a98d) names the
  sampler's noise layer `ConstantNoise`; it loads with a noise map per image (the fix), its
  weights unchanged. (tests/test_stylegan.py)
- `recorded_options`: the backup/config.json of an unfinished run started before `--ema-decay`
  (c1f5a49) has no `ema_decay`, or null: "no moving average", today's 0.0; one of 0.1.x, or its
  run.json given as --config, names gan_mnist's `sample_every` `every` and cgan_rps's `per_class`
  `samples_per_class`. (tests/test_training.py, tests/test_scripts.py)
- `backup_checkpoint`: the backup/ of an unfinished run started before the atomic checkpoints
  (b5dd703) holds Keras' `BackupAndRestore` files, latest.weights.h5 and training_metadata.json.
- `clock_since`: a checkpoint written before runs kept a clock (dc519b2) has no clock.json: the
  run's clock starts after that checkpoint's epoch, which it records as `since_epoch`.
  (tests/test_training.py)
"""

import json
import os

import keras

from keras_gans.models.gan import GAN
from keras_gans.models.stylegan import SeededNoise

# The label conventions each class hard-coded (see above).
_REAL_IS_1 = {"real_label": 1.0, "label_noise": 0.0}
LEGACY_CONVENTIONS = {
    "MnistDCGAN": {**_REAL_IS_1, "d_loss_reduction": "sum"},
    "ClassicGAN": _REAL_IS_1,
    "ConditionalGAN": {**_REAL_IS_1, "d_loss_reduction": "sum"},
    "ACGAN": {**_REAL_IS_1, "d_loss_reduction": "sum"},
    "RpsConditionalGAN": _REAL_IS_1,
}


class ClassicGANFile:
    """Reads a `ClassicGAN`: a `GAN` whose real label is 1."""

    @staticmethod
    def from_config(config):
        return GAN.from_config({**config, **LEGACY_CONVENTIONS["ClassicGAN"]})


keras.saving.get_custom_objects()["keras_gans>ClassicGAN"] = ClassicGANFile


@keras.saving.register_keras_serializable(package="keras_gans", name="ConstantNoise")
class SavedConstantNoise(SeededNoise):
    """The sampler's noise layer saved under its old name, `ConstantNoise`: a `SeededNoise`."""


# Values that recorded options had (None: also an option not recorded yet) and the values that
# mean the same today.
LEGACY_VALUES = {"ema_decay": {None: 0.0}}


# Options renamed in 0.2.0 (old name: new), so that the same thing has one name in every tutorial.
RENAMED_OPTIONS = {"every": "sample_every", "samples_per_class": "per_class"}


def recorded_options(options):
    """The options a run recorded (backup/config.json, run.json), in today's names and values."""
    options = {RENAMED_OPTIONS.get(name, name): value for name, value in options.items()}
    meant = {k: values.get(options.get(k), options.get(k)) for k, values in LEGACY_VALUES.items()}
    return {**options, **meant}


def backup_checkpoint(backup_dir):
    """`[(epoch, weights file)]` of Keras' `BackupAndRestore` files in `backup_dir`, or `[]`."""
    weights = os.path.join(backup_dir, "latest.weights.h5")
    metadata = os.path.join(backup_dir, "training_metadata.json")
    if not (os.path.exists(weights) and os.path.exists(metadata)):
        return []
    try:
        with open(metadata) as file:
            return [(int(json.load(file)["epoch"]), weights)]
    except (ValueError, KeyError):
        return []


def clock_since(epoch):
    """The clock of a run resumed from a checkpoint without one: it counts the epochs after `epoch`."""
    return {"seconds": 0.0, "sessions": 1, "since_epoch": epoch}
