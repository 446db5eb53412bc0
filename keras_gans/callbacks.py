"""Callbacks that do a GAN's side work while `fit` trains it."""

import csv
import glob
import json
import math
import os
import shutil
import time

import keras
import numpy as np

from keras_gans.files import describe_os_error, fsync, write_atomically, write_json
from keras_gans.plotting import (
    image_grid,
    plot_losses,
    plot_quality,
    read_loss_csv,
    save_image,
    to_uint8,
)

CLOCK_FILE = "clock.json"  # in each checkpoint: the time its epochs took, over how many sessions
# The classic tutorial's plots, named by the epoch counted from 1 (the other monitors' grids: from 0).
SUMMARY_PLOT_PREFIX = "generated_plot_e"


class GANMonitor(keras.callbacks.Callback):
    """Saves images from the same fixed inputs at the end of every epoch.

    As the Keras example, `num_img` images `generated_img_{epoch:03d}_{i}.png`,
    plus one grid of them per epoch. The inputs are drawn once, from `seed`,
    so that the epochs' images are comparable; they are saved beside the
    images, and a resumed run reuses them.

    Args:
        num_img: how many images to generate each epoch.
        latent_dim: size of the generator's latent input (the preset's).
        save_dir: folder to write into.
        seed: seed of the fixed latent vectors.
        inputs: the generator's inputs, instead of latent vectors drawn
            here (for conditional generators: `[z, labels]`).
        value_range: range of the generator's outputs.
        grid_name: file name of the grid, formatted with `epoch`.
        image_name: file name of each image, formatted with `epoch` and `i`;
            None saves the grid only.
        cols: columns of the grid.
        every: save every `every` epochs (and always after the first).
        final_name: file name of a grid saved when training ends, whatever
            `every` is; None saves none.
    """

    def __init__(
        self,
        num_img=3,
        latent_dim=None,
        save_dir=".",
        seed=None,
        inputs=None,
        value_range=(-1.0, 1.0),
        grid_name="grid_{epoch:03d}.png",
        image_name="generated_img_{epoch:03d}_{i}.png",
        cols=None,
        every=1,
        final_name=None,
    ):
        super().__init__()
        if inputs is None:
            if latent_dim is None:
                raise ValueError("GANMonitor needs latent_dim (or the generator's inputs)")
            rng = np.random.default_rng(seed)
            inputs = rng.standard_normal((num_img, latent_dim)).astype("float32")
        self.inputs = inputs
        self.save_dir = save_dir
        self.value_range = value_range
        self.grid_name = grid_name
        self.image_name = image_name
        self.cols = cols
        self.every = every
        self.final_name = final_name
        self.last_grid = None  # the last grid saved, as uint8, for GridToTensorBoard

    def on_train_begin(self, logs=None):
        os.makedirs(self.save_dir, exist_ok=True)
        path = os.path.join(self.save_dir, "monitor_inputs.npz")
        if os.path.exists(path):  # a resumed run: same inputs as before
            self.inputs = load_monitor_inputs(path)
        else:
            arrays = self.inputs if isinstance(self.inputs, (list, tuple)) else [self.inputs]
            np.savez(path, *[np.asarray(a) for a in arrays])

    def generate(self):
        """Images from the fixed inputs, in inference mode, from the GAN's `sampler`."""
        sampler = getattr(self.model, "sampler", self.model.generator)
        return keras.ops.convert_to_numpy(sampler(self.inputs, training=False))

    def on_epoch_end(self, epoch, logs=None):
        if epoch % self.every and epoch != 0:
            return
        images = self.generate()
        self.save_grid(images, self.grid_name.format(epoch=epoch))
        if self.image_name:
            for i, image in enumerate(to_uint8(images, self.value_range)):
                name = self.image_name.format(epoch=epoch, i=i)
                save_image(image, os.path.join(self.save_dir, name))

    def on_train_end(self, logs=None):
        if self.final_name:
            self.save_grid(self.generate(), self.final_name)

    def save_grid(self, images, name):
        self.last_grid = image_grid(to_uint8(images, self.value_range), self.cols)
        save_image(self.last_grid, os.path.join(self.save_dir, name))


def load_monitor_inputs(path):
    """The generator inputs a `GANMonitor` saved (monitor_inputs.npz): z, or [z, labels]."""
    with np.load(path) as saved:
        inputs = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    return inputs[0] if len(inputs) == 1 else inputs


class LossPlot(keras.callbacks.Callback):
    """Redraws the loss curves (and quality curves) from the run's CSV files after every epoch.

    Reading the CSVs (not the in-memory history) keeps the curves whole when
    a run is resumed. Place it after the CSVLogger in the callback list.
    `steps_csv` is a `StepLosses` file; `quality_png` gets the `val_*`
    columns, if any.
    """

    def __init__(self, csv_path, png_path, steps_csv=None, quality_png=None):
        super().__init__()
        self.csv_path = csv_path
        self.png_path = png_path
        self.steps_csv = steps_csv
        self.quality_png = quality_png

    def on_epoch_end(self, epoch, logs=None):
        if not os.path.exists(self.csv_path):
            return
        history = read_loss_csv(self.csv_path)
        steps = read_loss_csv(self.steps_csv) if self.steps_csv and os.path.exists(self.steps_csv) else None
        plot_losses(history, self.png_path, steps=steps)
        if self.quality_png:
            plot_quality(history, self.quality_png)


class StepLosses(keras.callbacks.Callback):
    """Appends the mean losses of every `every` steps to a CSV: the loss curve within epochs.

    Keras hands callbacks each loss as its running mean over the epoch so
    far (the GANs' trackers), m_k after k steps. The mean of the steps j+1..k
    is then (k * m_k - j * m_j) / (k - j), exactly, with nothing added to
    `train_step`. An epoch's last steps, after its last multiple of `every`,
    make one more (shorter) window, so every epoch has its points however
    short it is. Rows: "epoch" (fractional: 2.5 is halfway through the
    third), then one column per loss.
    """

    def __init__(self, csv_path, every=50):
        super().__init__()
        self.csv_path = csv_path
        self.every = every
        self.epoch = 0
        self.written = (0, {})  # (steps, running means) at the last row written
        self.seen = (0, {})  # the same at the last step

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
        self.written = self.seen = (0, {})

    def on_train_batch_end(self, batch, logs=None):
        self.seen = (batch + 1, {name: float(np.mean(value)) for name, value in (logs or {}).items()})
        if self.seen[0] % self.every == 0:
            self.write()

    def on_epoch_end(self, epoch, logs=None):
        if self.seen[0] > self.written[0]:
            self.write()

    def write(self):
        (k, means), (j, previous) = self.seen, self.written
        window = {name: (k * m - j * previous.get(name, 0.0)) / (k - j) for name, m in means.items()}
        self.written = self.seen
        steps = (self.params or {}).get("steps") or k
        new_file = not os.path.exists(self.csv_path)
        with open(self.csv_path, "a", newline="") as file:
            writer = csv.writer(file)
            if new_file:
                writer.writerow(["epoch", *window])
            writer.writerow([f"{self.epoch + k / steps:.4f}", *(f"{v:.6g}" for v in window.values())])


class TensorBoard(keras.callbacks.TensorBoard):
    """Keras' `TensorBoard`, whose per-epoch scalars (losses, scores) are written however short the epoch.

    With `update_freq=N`, Keras wraps the whole of `fit` in
    `tf.summary.record_if(step % N == 0)`; its own epoch-end scalars are
    written under that condition too, so an epoch that ends between two
    multiples of N writes nothing: every epoch of fewer than N steps left
    TensorBoard empty. The epoch's summaries are written unconditionally here.
    """

    def on_epoch_end(self, epoch, logs=None):
        with self.summary.record_if(True):
            super().on_epoch_end(epoch, logs)


class GridToTensorBoard(keras.callbacks.Callback):
    """Writes a `GANMonitor`'s latest sample grid into TensorBoard as an image, each epoch it draws one.

    Place it after the monitor in the callback list.
    """

    def __init__(self, monitor, log_dir):
        super().__init__()
        self.monitor = monitor
        self.writer = None
        self.log_dir = log_dir

    def on_epoch_end(self, epoch, logs=None):
        grid = self.monitor.last_grid
        if grid is None:
            return
        import tensorflow as tf

        if self.writer is None:
            self.writer = tf.summary.create_file_writer(os.path.join(self.log_dir, "samples"))
        # Whatever step the epoch ends at (see `TensorBoard`).
        with self.writer.as_default(), tf.summary.record_if(True):
            tf.summary.image("samples", grid[np.newaxis], step=epoch)
        self.writer.flush()
        self.monitor.last_grid = None

    def on_train_end(self, logs=None):
        if self.writer is not None:
            self.writer.close()
            self.writer = None


class SummarizePerformance(keras.callbacks.Callback):
    """Every `every` epochs: the discriminator's accuracy, a sample plot, the generator saved.

    The classic Keras GAN tutorial's `summarize_performance`. As a callback
    it serves `fit` (the model's `generator` and `discriminator`); a
    hand-written loop calls `summarize(epoch, generator, discriminator)`.

    Args:
        real_images: training images, in the generator's `value_range`.
        latent_dim: size of the generator's latent input.
        save_dir: folder for `generated_plot_e{epoch:03d}.png` and
            `generator_model_{epoch:03d}.keras`.
        n_samples: real and fake images the accuracy is measured on; the
            first 100 fakes (10x10) are plotted.
        every: evaluate after every `every`-th epoch (counting from 1).
        seed: seed of the real-image choice and the latent points.
        value_range: range of the images.
    """

    def __init__(
        self,
        real_images,
        latent_dim=100,
        save_dir=".",
        n_samples=100,
        every=10,
        seed=None,
        value_range=(0.0, 1.0),
    ):
        super().__init__()
        self.real_images = real_images
        self.latent_dim = latent_dim
        self.save_dir = save_dir
        self.n_samples = n_samples
        self.every = every
        self.rng = np.random.default_rng(seed)
        self.value_range = value_range
        self.last_grid = None  # the last plot, as uint8, for GridToTensorBoard

    def summarize(self, epoch, generator, discriminator):
        """Prints and saves the evaluation after `epoch` (counting from 1); returns the accuracies."""
        real = self.real_images[self.rng.integers(0, len(self.real_images), self.n_samples)]
        z = self.rng.standard_normal((self.n_samples, self.latent_dim)).astype("float32")
        fake = generator.predict(z, verbose=0)
        # Accuracy as the tutorial's `evaluate`: real called real (> 0.5), fake called fake.
        acc_real = float(np.mean(discriminator.predict(real, verbose=0) > 0.5))
        acc_fake = float(np.mean(discriminator.predict(fake, verbose=0) <= 0.5))
        print(f">Accuracy real: {acc_real:.0%}, fake: {acc_fake:.0%}")
        os.makedirs(self.save_dir, exist_ok=True)
        plot = os.path.join(self.save_dir, f"{SUMMARY_PLOT_PREFIX}{epoch:03d}.png")
        self.last_grid = image_grid(to_uint8(fake[:100], self.value_range), cols=10)
        save_image(self.last_grid, plot)
        generator.save(os.path.join(self.save_dir, f"generator_model_{epoch:03d}.keras"))
        return {"acc_real": acc_real, "acc_fake": acc_fake}

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            self.summarize(
                epoch + 1, getattr(self.model, "sampler", self.model.generator), self.model.discriminator
            )


class ClassGridMonitor(GANMonitor):
    """GANMonitor for a conditional generator: one row per class, every epoch.

    Row c holds `per_class` digits of class c, each column one fixed latent
    vector (the same z for every class, so a column shows one "style"
    across the digits). Saves `classes_{epoch:03d}.png`.

    Args:
        num_classes: classes, one grid row each.
        per_class: images per class (the grid's columns).
        latent_dim: size of the generator's latent input.
        save_dir, seed, value_range, grid_name, every, final_name: as `GANMonitor`.
        one_hot: labels as one-hot vectors (True) or class indices (False),
            as the generator takes them.
    """

    def __init__(
        self,
        num_classes=10,
        per_class=10,
        latent_dim=100,
        save_dir=".",
        seed=None,
        value_range=(-1.0, 1.0),
        grid_name="classes_{epoch:03d}.png",
        every=1,
        one_hot=True,
        final_name=None,
    ):
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((per_class, latent_dim)).astype("float32")
        labels = np.repeat(np.arange(num_classes, dtype="int32"), per_class)
        if one_hot:
            labels = np.eye(num_classes, dtype="float32")[labels]
        super().__init__(
            save_dir=save_dir,
            inputs=[np.tile(z, (num_classes, 1)), labels],
            value_range=value_range,
            grid_name=grid_name,
            image_name=None,
            cols=per_class,
            every=every,
            final_name=final_name,
        )


# --- A run's safety: checkpoints, a stop on NaN, the best generator, a new learning rate on resume


class TrainingStopped(RuntimeError):
    """Training stopped before the end (non-finite losses, a full disk); the last good state is kept."""


class Checkpoint(keras.callbacks.Callback):
    """Keras' `BackupAndRestore`, written so that no moment of a kill loses a finished epoch.

    After each epoch the whole training state (both networks, both
    optimizers, the random state) goes into `backup/epoch_NNNN.tmp/`, is
    flushed to disk, and only then renamed to `backup/epoch_NNNN/`; older
    checkpoints are removed after that. A state whose weights are not all
    finite is never saved. On `fit`'s start the newest complete checkpoint
    is restored and training goes on from the epoch after it.

    Each checkpoint also holds the run's clock (clock.json): the seconds
    its finished epochs took, summed over every session that trained them
    (scores and checkpoints included; an epoch a kill cut short is not
    counted), the number of those sessions, and the epoch the clock started
    after (0, or the epoch of a checkpoint written before the clock was).
    """

    def __init__(self, backup_dir, resuming=False):
        super().__init__()
        self.backup_dir = backup_dir
        self.resuming = resuming
        self.restored_epoch = 0
        self.clock = None
        self.mark = None

    def checkpoints(self):
        """Complete checkpoints, newest first: (epoch, weights file)."""
        found = []
        for folder in glob.glob(os.path.join(self.backup_dir, "epoch_*")):
            weights = os.path.join(folder, "state.weights.h5")
            if not folder.endswith(".tmp") and os.path.exists(weights):
                found.append((int(os.path.basename(folder).split("_")[1]), weights))
        from keras_gans import legacy  # here: legacy imports the models, which import these callbacks

        found += legacy.backup_checkpoint(self.backup_dir)  # an older version's layout
        return sorted(found, reverse=True)

    def on_train_begin(self, logs=None):
        for epoch, weights in self.checkpoints():
            try:
                self.model.load_weights(weights)
            except Exception as error:  # noqa: BLE001 - any unreadable file: fall back to an older one
                print(f"Skipping the unreadable checkpoint {weights} ({type(error).__name__}).")
                continue
            self.model._initial_epoch = epoch
            self.restored_epoch = epoch
            clock = read_clock(os.path.dirname(weights))
            if clock:
                self.start_clock({**clock, "sessions": clock["sessions"] + 1})
            else:  # a checkpoint of an older version
                from keras_gans import legacy

                self.start_clock(legacy.clock_since(epoch))
            print(f"Resuming after epoch {epoch}, from {os.path.dirname(weights)}.")
            return
        self.start_clock(new_clock())
        if self.resuming:
            print(
                f"No epoch of the unfinished run in {self.backup_dir} was finished: starting from the first."
            )

    def start_clock(self, clock):
        self.clock = clock
        self.mark = time.monotonic()

    def on_epoch_end(self, epoch, logs=None):
        floats = (v for v in self.model.weights if "float" in str(v.dtype))
        if not all(np.isfinite(keras.ops.convert_to_numpy(v)).all() for v in floats):
            raise TrainingStopped(
                f"the weights are not finite after epoch {epoch + 1}: not saved; the checkpoint of "
                f"epoch {self.restored_epoch} is kept. Re-run with a lower --learning-rate to resume from it."
            )
        final = os.path.join(self.backup_dir, f"epoch_{epoch + 1:04d}")
        temporary = final + ".tmp"
        shutil.rmtree(temporary, ignore_errors=True)
        now = time.monotonic()
        clock = {**self.clock, "seconds": round(self.clock["seconds"] + now - self.mark, 1)}
        try:
            os.makedirs(temporary)
            path = os.path.join(temporary, "state.weights.h5")
            self.model.save_weights(path)
            fsync(path)
            write_json(os.path.join(temporary, CLOCK_FILE), clock)
            if os.path.exists(final):  # a checkpoint of this epoch that could not be read: skipped at start
                shutil.rmtree(final)
            os.replace(temporary, final)
            fsync(self.backup_dir)
        except OSError as error:
            shutil.rmtree(temporary, ignore_errors=True)
            raise TrainingStopped(
                f"could not write the checkpoint of epoch {epoch + 1} ({describe_os_error(error, final)}); "
                f"the checkpoint of epoch {self.restored_epoch} is kept. Re-run the same command to resume."
            ) from None
        for _, older in self.checkpoints()[1:]:
            if os.path.dirname(older) != self.backup_dir:  # a legacy file stays until the run ends
                shutil.rmtree(os.path.dirname(older), ignore_errors=True)
        self.restored_epoch = epoch + 1
        self.clock, self.mark = clock, now


def new_clock():
    """A run's clock at its first session (see `Checkpoint`)."""
    return {"seconds": 0.0, "sessions": 1, "since_epoch": 0}


def read_clock(folder):
    """The clock.json in a checkpoint folder, or None (a checkpoint older than the clock)."""
    try:
        with open(os.path.join(folder, CLOCK_FILE)) as file:
            return json.load(file)
    except (OSError, ValueError):
        return None


class StopOnNonFinite(keras.callbacks.Callback):
    """Stops training at the first step whose losses are NaN or infinite, with one message.

    It raises `TrainingStopped` before the epoch's checkpoint, so the last
    good one stays the newest and no broken generator is saved. Keras'
    `TerminateOnNaN` (which raises too with `raise_error=True`, since Keras
    3.13) reads only the `loss` log, which these models do not write: this
    checks every loss they log (`d_loss`, `g_loss`, ...).
    """

    def __init__(self, checkpoint):
        super().__init__()
        self.checkpoint = checkpoint
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        values = {k: float(v) for k, v in (logs or {}).items() if np.ndim(v) == 0 or np.size(v) == 1}
        if all(math.isfinite(v) for v in values.values()):
            return
        shown = ", ".join(f"{k}={v:.4g}" for k, v in values.items())
        raise TrainingStopped(
            f"non-finite loss at epoch {self.epoch + 1}, step {batch + 1} ({shown}). Nothing of this "
            f"epoch was saved; the checkpoint of epoch {self.checkpoint.restored_epoch} is kept. Re-run "
            "the same command with a lower --learning-rate to resume from it."
        )


class KeepBest(keras.callbacks.Callback):
    """Keeps the generator of the epoch with the best score: best/generator.keras and best/best.json.

    (Or another `part` of the model: DGGAN keeps its discriminator, which
    holds the node embeddings.)

    GANs often get worse late in training, so the last generator is not
    always the one to keep. Reads the score `key` from the epoch's logs
    (put there by a `QualityMonitor` before it); epochs without it are
    skipped. `mode` is "min" (a distance) or "max" (an accuracy). `require`
    ({log key: minimum}) keeps out the epochs that do not reach every one of
    those scores (CycleGAN's translations must read as the other domain
    before their cycle error counts). A resumed run starts from the
    best.json it left.
    """

    @staticmethod
    def file_name(part):
        """The file in best/ that keeps a model's `part`: generator.keras for the sampler."""
        return f"{'generator' if part == 'sampler' else part}.keras"

    def __init__(self, best_dir, key, mode="min", part="sampler", require=None):
        super().__init__()
        self.best_dir = best_dir
        self.part = part
        self.key = key
        self.require = dict(require or {})
        self.better = (lambda a, b: a < b) if mode == "min" else (lambda a, b: a > b)
        self.best = None

    def on_train_begin(self, logs=None):
        path = os.path.join(self.best_dir, "best.json")
        if os.path.exists(path):
            with open(path) as file:
                self.best = json.load(file)

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.key)
        if value is None or not math.isfinite(value):
            return
        if any(not (logs.get(name, -math.inf) >= minimum) for name, minimum in self.require.items()):
            return
        if self.best is not None and not self.better(value, self.best[self.key]):
            return
        os.makedirs(self.best_dir, exist_ok=True)
        # The sampler is saved as what it is, a generator.
        write_atomically(
            os.path.join(self.best_dir, self.file_name(self.part)), getattr(self.model, self.part).save
        )
        self.best = {"epoch": epoch + 1, self.key: value}
        write_json(os.path.join(self.best_dir, "best.json"), self.best)


class SetLearningRate(keras.callbacks.Callback):
    """Sets both optimizers' learning rate when training starts (a resume with a new --learning-rate)."""

    def __init__(self, learning_rate):
        super().__init__()
        self.learning_rate = learning_rate

    def on_train_begin(self, logs=None):
        # A GAN's two optimizers, or all of a model that lists its own (CycleGAN's four).
        model = self.model
        for optimizer in getattr(model, "optimizers", None) or (model.d_optimizer, model.g_optimizer):
            optimizer.learning_rate = self.learning_rate
