"""One training run of any GAN: an output folder, checkpoints, resume, logs.

A run writes everything into its output folder:

    samples/        the tutorial's sample images and grids
    losses.csv      per-epoch mean losses and quality scores (Keras' CSVLogger)
    losses_steps.csv  the mean losses of every few steps, within epochs
    losses.png      the loss curves, redrawn every epoch
    quality.png     the quality scores' curves (val_*), where the tutorial has a score
    logs/           TensorBoard: losses per step, scores per evaluation, the sample grid
    best/           the generator of the epoch with the best score (best.json: which, and the score)
    backup/         an unfinished run: its options (config.json) and the
                    state after its last finished epoch (epoch_NNNN/)
    generator.keras the trained generator, for `keras.models.load_model`
    gan.keras       the whole GAN with its optimizers, to train on later
    run.json        the run's record; written last, it marks the run finished
    train.log       a long run's output, where its command sends it
                    (`... > runs/NAME/train.log`: made before the run starts)
    .lock           held by the process training in the folder

Re-running with the same folder continues an unfinished run from its last
finished epoch. Each checkpoint is written beside the last good one and
renamed into place only when complete, so a kill or a full disk at any
moment leaves a state that loads.
"""

import dataclasses
import os
import shutil
import sys
from collections.abc import Callable

import keras

from keras_gans import legacy
from keras_gans.callbacks import (
    Checkpoint,
    GridToTensorBoard,
    LossPlot,
    SetLearningRate,
    StepLosses,
    StopOnNonFinite,
    TensorBoard,
    TrainingStopped,
    read_clock,
)
from keras_gans.files import describe_os_error, write_atomically, write_json
from keras_gans.runtime import build_gan, describe_run

RUN_FILE = "run.json"
BACKUP_DIR = "backup"
CONFIG_FILE = "config.json"  # in backup/: the options an unfinished run started with
LOG_FILE = "train.log"  # where a long run's output goes: `... > runs/NAME/train.log`, made before the run
LOCK_FILE = ".lock"  # held by the process that trains in the folder (`RunLock`)
# What a run of the project writes at the top of its folder; --overwrite deletes these and nothing else.
RUN_NAMES = {
    "samples",
    "losses.csv",
    "losses_steps.csv",
    "losses.png",
    "quality.png",
    "logs",
    "best",
    BACKUP_DIR,
    "generator.keras",
    "gan.keras",
    RUN_FILE,
    LOG_FILE,
    LOCK_FILE,
}
# What may stand in a folder a new run starts in: the log its own command opened, the lock it holds.
STARTING_NAMES = {LOG_FILE, LOCK_FILE}


class OutputDirError(ValueError):
    """The output folder cannot be used as asked."""


def check_output_dir(output_dir, overwrite=False, extra_names=()):
    """What `output_dir` holds, without changing anything: "new", "unfinished" or "replace".

    A finished run, or a folder of other files, is refused unless
    `overwrite` is set; even then, files that a run of the project did not
    write (`RUN_NAMES`, `extra_names`) are refused, never deleted.
    """
    if not str(output_dir).strip():
        raise OutputDirError("--output-dir is empty; name a folder for the run (e.g. runs/my_run).")
    if os.path.exists(output_dir) and not os.path.isdir(output_dir):
        raise OutputDirError(f"--output-dir {output_dir} is a file, not a folder.")
    contents = set(os.listdir(output_dir)) if os.path.isdir(output_dir) else set()
    if not contents - STARTING_NAMES:  # empty, or only the log and lock of the run's own command
        return "new"
    if overwrite:
        foreign = sorted(name for name in contents - RUN_NAMES - set(extra_names) if not _temporary(name))
        if foreign:
            raise OutputDirError(
                f"{output_dir} holds files that keras_gans did not write ({', '.join(foreign[:3])}"
                f"{', ...' if len(foreign) > 3 else ''}); --overwrite deletes runs only. "
                "Choose another --output-dir."
            )
        return "replace"
    if RUN_FILE in contents:
        raise OutputDirError(
            f"{output_dir} holds a finished run. Pass --overwrite to replace it, "
            "or choose another --output-dir."
        )
    if BACKUP_DIR in contents:
        return "unfinished"
    raise OutputDirError(
        f"{output_dir} already holds other files. Choose another --output-dir "
        "(--overwrite deletes only what a run of keras_gans wrote)."
    )


class RunLock:
    """Holds `output_dir` for this process alone while it trains there: a second process is refused.

    An exclusive `flock` on `output_dir/.lock`, which holds the holder's process id and command.
    The system releases the lock when its process ends, however it ends (a kill included), so a
    killed run never leaves the folder stuck: the next run takes the lock over, and says so.
    Where `fcntl` does not exist (Windows) the folder is not locked.
    """

    def __init__(self, output_dir):
        self.output_dir = output_dir
        self.path = os.path.join(output_dir, LOCK_FILE)
        self.fd = None

    def __enter__(self):
        try:
            import fcntl
        except ImportError:
            return self
        if not str(self.output_dir).strip() or os.path.isfile(self.output_dir):
            return self  # nothing to lock: `check_output_dir` says what is wrong
        try:
            os.makedirs(self.output_dir, exist_ok=True)
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            message = f"cannot write in --output-dir {self.output_dir}: {describe_os_error(error)}"
            raise OutputDirError(message) from None
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = self._holder()
            os.close(self.fd)
            self.fd = None
            raise OutputDirError(
                f"{self.output_dir} is in use by {holder or 'another process'}. Wait for it to end, "
                "or choose another --output-dir."
            ) from None
        previous = self._holder()
        if previous:
            print(f"Taking over {self.output_dir}: {previous} left it and is no longer running.")
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"process {os.getpid()} ({' '.join(sys.argv)})".encode(), 0)
        return self

    def _holder(self):
        return os.pread(self.fd, 4096, 0).decode(errors="replace").strip()

    def __exit__(self, *exc):
        if self.fd is not None:
            os.ftruncate(self.fd, 0)  # a clean end leaves nothing to take over
            os.close(self.fd)  # and releases the lock
            self.fd = None


def _temporary(name):
    """A file an atomic write left half-done when its run was killed (".gan.tmp.keras", ".run.tmp.json";
    "run.json.tmp" from 0.1.x)."""
    return name.endswith(".tmp") or (name.startswith(".") and ".tmp." in name)


def unfinished_config(output_dir):
    """The options an unfinished run in `output_dir` started with (None before they were recorded)."""
    path = os.path.join(output_dir, BACKUP_DIR, CONFIG_FILE)
    if not os.path.exists(path):
        return None
    from keras_gans.files import read_json_object

    try:
        return read_json_object(path)
    except (OSError, ValueError) as error:
        raise OutputDirError(
            f"{output_dir} is an unfinished run whose options cannot be read ({path}: {error}). "
            "Pass --overwrite to start again, or choose another --output-dir."
        ) from None


def start_run_dir(output_dir, state, config, extra_names=()):
    """Makes `output_dir` ready for a run that `check_output_dir` accepted as `state`.

    "replace" deletes what the old run wrote, only now (after the caller has
    read the data and built the model). Every run records its options in
    backup/config.json first, so that a run killed in its first epoch can
    be resumed, and a resume checked against them.
    """
    if state == "replace":
        for name in os.listdir(output_dir):
            # The log and the lock stay: they are this very command's.
            if (name in RUN_NAMES or name in extra_names or _temporary(name)) and name not in STARTING_NAMES:
                path = os.path.join(output_dir, name)
                shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
    try:
        os.makedirs(os.path.join(output_dir, BACKUP_DIR), exist_ok=True)
        write_json(os.path.join(output_dir, BACKUP_DIR, CONFIG_FILE), config)
    except OSError as error:
        message = f"cannot write in --output-dir {output_dir}: {describe_os_error(error)}"
        raise OutputDirError(message) from None


def compare_resumed_config(previous, config, output_dir, may_change):
    """Refuses a resume whose options would change the run; returns the harmless changes.

    `may_change`: the options that may differ (the preset's `may_change_on_resume`).
    """
    # An unfinished run of an older version resumes as it was.
    previous = legacy.recorded_options(previous)
    changed = sorted(k for k in set(previous) | set(config) if previous.get(k) != config.get(k))
    refused = [k for k in changed if k not in may_change]
    if refused:
        key = refused[0]
        flag = "--" + key.replace("_", "-")
        raise OutputDirError(
            f"{output_dir} is an unfinished run with {flag} {previous.get(key)}; this command asks for "
            f"{config.get(key)}. Re-run it with the same options to resume, pass --overwrite to start "
            "again, or choose another --output-dir."
        )
    return {k: (previous.get(k), config.get(k)) for k in changed if k != "output_dir"}


def run_clock(output_dir):
    """The clock of an unfinished run's newest checkpoint (read before the backup goes), or None."""
    newest = Checkpoint(os.path.join(output_dir, BACKUP_DIR)).checkpoints()
    return read_clock(os.path.dirname(newest[0][1])) if newest else None


def run_paths(output_dir):
    """The files a run writes in `output_dir` (the table above), by name."""
    join = lambda name: os.path.join(output_dir, name)  # noqa: E731
    return {
        "output_dir": output_dir,
        "samples": join("samples"),
        "losses_csv": join("losses.csv"),
        "losses_steps": join("losses_steps.csv"),
        "losses_png": join("losses.png"),
        "quality_png": join("quality.png"),
        "best": join("best"),
        "generator": join("generator.keras"),
        "gan": join("gan.keras"),
        "run": join(RUN_FILE),
    }


@dataclasses.dataclass
class Run:
    """One run as `keras_gans.runner.train` prepared it, for `fit_run` or a tutorial's own loop.

    Attributes:
        config: every option in force.
        data: the tutorial's `TrainingData`.
        paths: the files of the run folder (`run_paths`).
        monitors: the tutorial's callbacks (sample grids...).
        quality: the scores' callbacks (`QualityMonitor`, `KeepBest`), or [].
        resuming: whether an unfinished run goes on.
        changes: the options a resume changed, {name: (old, new)}.
        build: builds and compiles the tutorial's GAN.
        start: prepares the folder, once the models are built.
    """

    config: dict
    data: object
    paths: dict
    monitors: list
    quality: list
    resuming: bool
    changes: dict
    build: Callable
    start: Callable


def fit_run(run):
    """How every tutorial trains: its GAN built under the strategy and precision asked for, then
    `fit_gan`. Returns `(generator, gan, model)`: what draws samples, what is saved, what was trained."""
    config = run.config
    gan = build_gan(run.build, config["strategy"], config["mixed_precision"])
    set_run_eagerly(config, gan)
    run.start()
    monitors = run.monitors
    if "learning_rate" in run.changes:  # set after the checkpoint restores the optimizers' old rate
        monitors = [SetLearningRate(config["learning_rate"]), *monitors]
    try:
        fit_gan(
            gan,
            run.data.dataset,
            run.paths["output_dir"],
            epochs=config["epochs"],
            steps_per_epoch=config["steps_per_epoch"],
            callbacks=monitors,
            verbose=config["verbose"],
            resuming=run.resuming,
            quality=run.quality,
            log_every=config["log_every"],
        )
    except OSError as error:  # a log or a sample grid could not be written
        raise TrainingStopped(
            f"could not write in {run.paths['output_dir']} ({describe_os_error(error)}); the checkpoint of "
            "the last finished epoch is kept. Re-run the same command to resume."
        ) from None
    return (gan.sampler if hasattr(gan, "sampler") else gan.generator), gan, gan


def set_run_eagerly(config, *models):
    """`--run-eagerly`: each model's train step runs op by op (Keras' `run_eagerly`), never XLA."""
    for model in models:
        if config["run_eagerly"]:
            model.jit_compile = False
        model.run_eagerly = config["run_eagerly"]


def fit_gan(
    gan,
    dataset,
    output_dir,
    epochs,
    steps_per_epoch=None,
    callbacks=(),
    verbose="auto",
    resuming=False,
    quality=(),
    log_every=50,
):
    """Trains `gan` on `dataset` with `fit`, checkpointing and logging into `output_dir`.

    `quality` (a `QualityMonitor` and a `KeepBest`) comes first, so that
    the checkpoint, the logs and TensorBoard see the epoch's scores;
    `callbacks` (such as a GANMonitor) run after the checkpointing and
    logging ones. `log_every` steps: the within-epoch loss curve and
    TensorBoard's step scalars. Returns Keras' `History`.
    """
    os.makedirs(os.path.join(output_dir, BACKUP_DIR), exist_ok=True)
    if steps_per_epoch:
        # An epoch of `steps_per_epoch` batches, however small the dataset.
        dataset = dataset.repeat()
    checkpoint = Checkpoint(os.path.join(output_dir, BACKUP_DIR), resuming)
    saving = [checkpoint, StopOnNonFinite(checkpoint)]
    all_callbacks = run_callbacks(output_dir, callbacks, quality, saving, log_every)
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


def run_callbacks(output_dir, callbacks=(), quality=(), saving=(), log_every=50):
    """Every run's callbacks around the tutorial's own `callbacks`, in the order they must run.

    `quality` (a `QualityMonitor` and a `KeepBest`) comes first, so that
    the checkpoint, the logs and TensorBoard see the epoch's scores; then
    `saving` (`fit_gan`'s `Checkpoint`, whose on_train_begin restores the
    state before any other callback's, and `StopOnNonFinite`); the loss
    files; the tutorial's `callbacks` (its sample grids); TensorBoard last,
    with the first grid any of those callbacks drew (a `last_grid`).
    """
    paths = run_paths(output_dir)
    logs_dir = os.path.join(output_dir, "logs")
    grids = [c for c in callbacks if hasattr(c, "last_grid")]
    return [
        *quality,
        *saving,
        keras.callbacks.CSVLogger(paths["losses_csv"], append=True),
        StepLosses(paths["losses_steps"], every=log_every),
        LossPlot(paths["losses_csv"], paths["losses_png"], paths["losses_steps"], paths["quality_png"]),
        *callbacks,
        *[GridToTensorBoard(monitor, logs_dir) for monitor in grids[:1]],
        TensorBoard(logs_dir, update_freq=log_every, write_graph=False, profile_batch=0),
    ]


def save_run(output_dir, generator, gan, record):
    """Saves the trained models, then run.json (`record`), which marks the run finished.

    Each file is written beside its final name and renamed into place, so a
    kill or a full disk leaves either the old file or the new one; the
    backup is removed only after run.json is in place. `gan` may be None (a
    loop with no single model, such as the classic GAN's composite).
    Returns the paths written.
    """
    paths = run_paths(output_dir)
    models = {"generator": generator, "gan": gan}
    try:
        for name, model in models.items():
            if model is None:
                del paths[name]
                continue
            write_atomically(paths[name], model.save)
        write_json(paths["run"], record)
    except OSError as error:
        raise TrainingStopped(
            f"could not save the trained models in {output_dir} ({describe_os_error(error)}); the "
            "checkpoint of the last epoch is kept. Re-run the same command to save them."
        ) from None
    # The run is finished and saved: its backup is no longer needed.
    shutil.rmtree(os.path.join(output_dir, BACKUP_DIR), ignore_errors=True)
    return {name: path for name, path in paths.items() if os.path.exists(path)}
