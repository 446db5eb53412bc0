"""One training run of any GAN: an output folder, checkpoints, resume, logs.

A run writes everything into its output folder:

    samples/        GANMonitor's images and grids, one set per epoch
    losses.csv      per-epoch mean losses (Keras' CSVLogger)
    losses.png      the loss curves, redrawn every epoch
    backup/         the state of an unfinished run (Keras' BackupAndRestore)
    generator.keras the trained generator, for `keras.models.load_model`
    gan.keras       the whole GAN with its optimizers, to train on later
    run.json        the run's settings; written last, it marks the run finished

Re-running with the same folder continues an unfinished run from its last
completed epoch, so a killed run loses at most one epoch.
"""

import csv
import json
import os
import shutil

import keras

from keras_gans.callbacks import LossPlot
from keras_gans.runtime import describe_run

RUN_FILE = "run.json"
BACKUP_DIR = "backup"


class OutputDirError(ValueError):
    """The output folder cannot be used as asked."""


def prepare_output_dir(output_dir, overwrite=False):
    """Creates `output_dir` or checks that it may be used.

    Returns True when it holds an unfinished run to resume. A finished run,
    or a folder of other files, is refused unless `overwrite` is set, in
    which case its contents are deleted.
    """
    if os.path.exists(output_dir) and not os.path.isdir(output_dir):
        raise OutputDirError(f"--output-dir {output_dir} is a file, not a folder.")
    contents = os.listdir(output_dir) if os.path.isdir(output_dir) else []
    if contents and overwrite:
        shutil.rmtree(output_dir)
        contents = []
    os.makedirs(output_dir, exist_ok=True)
    if not contents:
        return False
    if RUN_FILE in contents:
        raise OutputDirError(
            f"{output_dir} holds a finished run. Pass --overwrite to replace it, "
            "or choose another --output-dir."
        )
    if BACKUP_DIR in contents:
        return True
    raise OutputDirError(
        f"{output_dir} already holds other files. Pass --overwrite to delete "
        "them, or choose another --output-dir."
    )


def run_paths(output_dir):
    """The files a run writes in `output_dir` (the table above), by name."""
    join = lambda name: os.path.join(output_dir, name)  # noqa: E731
    return {
        "output_dir": output_dir,
        "samples": join("samples"),
        "losses_csv": join("losses.csv"),
        "losses_png": join("losses.png"),
        "generator": join("generator.keras"),
        "gan": join("gan.keras"),
        "run": join(RUN_FILE),
    }


def fit_gan(gan, dataset, output_dir, epochs, steps_per_epoch=None, callbacks=(), verbose="auto"):
    """Trains `gan` on `dataset` with `fit`, checkpointing and logging into `output_dir`.

    `prepare_output_dir` must have accepted the folder. `callbacks` (such as
    a GANMonitor) run after the checkpointing and logging ones. Returns
    Keras' `History`.
    """
    paths = run_paths(output_dir)
    if steps_per_epoch:
        # An epoch of `steps_per_epoch` batches, however small the dataset.
        dataset = dataset.repeat()
    all_callbacks = [
        # First, so that the state it restores is the one the others see.
        keras.callbacks.BackupAndRestore(os.path.join(output_dir, BACKUP_DIR), delete_checkpoint=False),
        keras.callbacks.CSVLogger(paths["losses_csv"], append=True),
        LossPlot(paths["losses_csv"], paths["losses_png"]),
        *callbacks,
    ]
    if verbose:
        print(f"Training: {describe_run(gan)}")
    return gan.fit(
        dataset,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        callbacks=all_callbacks,
        shuffle=False,  # the tf.data pipeline shuffles
        verbose=verbose,
    )


def write_loss_csv(history, path):
    """Writes `history` ({"epoch": [...], "d_loss": [...], ...}) as CSVLogger would."""
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(history)
        writer.writerows(zip(*history.values(), strict=True))


def save_run(output_dir, generator, gan, record):
    """Saves the trained models, then run.json (`record`), which marks the run finished.

    `gan` may be None (a loop with no single model, such as the classic
    GAN's composite). Returns the paths written.
    """
    paths = run_paths(output_dir)
    generator.save(paths["generator"])
    if gan is not None:
        gan.save(paths["gan"])
    else:
        del paths["gan"]
    with open(paths["run"], "w") as file:
        json.dump(record, file, indent=2)
    # The run is finished and saved: its backup is no longer needed.
    shutil.rmtree(os.path.join(output_dir, BACKUP_DIR), ignore_errors=True)
    return paths
