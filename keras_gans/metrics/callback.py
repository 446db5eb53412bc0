"""`QualityMonitor`: a generator's quality scores in the training logs, every few epochs.

A GAN's losses say little about its images. This callback computes real
quality scores (Fréchet distance, conditional accuracy, SWD, FID/KID: see
`scores`) while `fit` runs and writes them into the epoch's `logs`, so the
callbacks after it (CSVLogger, TensorBoard, ModelCheckpoint, EarlyStopping)
and `fit`'s History see them as they see the losses.
"""

import time

import keras


class QualityMonitor(keras.callbacks.Callback):
    """Writes `score_fn(generator)` into the logs every `every` epochs.

    Epochs count from 0: scored are the epochs 0, `every`, 2 * `every`, ...,
    the first epoch of each `fit` call (a resumed run) and its last one
    (`self.params["epochs"] - 1`). Each score `name` becomes the log key
    `prefix + name` (e.g. "val_fd").

    Epochs not scored leave the keys absent rather than NaN: EarlyStopping
    and ModelCheckpoint then skip those epochs (with a warning) instead of
    counting a NaN as "no improvement", and TensorBoard draws no NaN
    points. A CSVLogger after this callback writes "NA" there (the first
    epoch is always scored, so its columns exist). `fit`'s History lists
    these keys for scored epochs only; `self.scores` maps each scored epoch
    to its scores.

    Place it BEFORE the callbacks that should see the scores.

    Args:
        score_fn: maps the generator to `{name: float}`, e.g. from
            `mnist_score_fn`, `fashion_score_fn` or `image_score_fn`.
        every: score every `every` epochs.
        prefix: put before each score's name in the logs.
        generator: what to score; None takes the model's `part`.
        part: the attribute of the model to score ("sampler": a GAN's
            generator, or its moving average; DGGAN's scores read its
            "discriminator"), or the model itself if it has none.
        verbose: print the scores when they are computed.
    """

    def __init__(self, score_fn, every=1, prefix="val_", generator=None, verbose=0, part="sampler"):
        super().__init__()
        if every < 1:
            raise ValueError(f"every must be at least 1, got {every}")
        self.score_fn = score_fn
        self.every = every
        self.prefix = prefix
        self.generator = generator
        self.part = part
        self.verbose = verbose
        self.scores = {}
        self.seconds = None  # how long the last evaluation took
        self._first_epoch = None

    def on_train_begin(self, logs=None):
        self._first_epoch = None

    def on_epoch_begin(self, epoch, logs=None):
        if self._first_epoch is None:
            self._first_epoch = epoch

    def should_score(self, epoch):
        """Whether `epoch` (from 0) is scored: every `every`-th, the first and the last of fit."""
        last = (self.params or {}).get("epochs")
        is_last = last is not None and epoch == last - 1
        return epoch % self.every == 0 or epoch == self._first_epoch or is_last

    def on_epoch_end(self, epoch, logs=None):
        if not self.should_score(epoch):
            return
        generator = self.generator
        if generator is None:  # the GAN's generator (or other part), or the model itself
            generator = getattr(self.model, self.part, self.model)
        began = time.perf_counter()
        scores = {self.prefix + name: float(value) for name, value in self.score_fn(generator).items()}
        self.seconds = time.perf_counter() - began
        self.scores[epoch] = scores
        if logs is not None:
            logs.update(scores)
        if self.verbose:
            shown = ", ".join(f"{k} {v:.4g}" for k, v in scores.items())
            print(f"epoch {epoch + 1}: {shown} (scored in {self.seconds:.1f} s)")
