"""What a preset is: one tutorial's name, defaults, and the pieces the runner calls.

A preset is to a tutorial what keras-hub's `<model>_presets.py` is to a
model: the one place its defaults are written. The runner
(`keras_gans.runner.train`) reads a preset and the user's overrides, and
does the rest the same way for every tutorial.
"""

import dataclasses
from collections.abc import Callable

import keras

from keras_gans.options import OptionError, check_options, check_tf_config

# Options every tutorial has, with their defaults; a preset adds its own and
# may change these (every preset sets `epochs` and `batch_size`).
COMMON_DEFAULTS = {
    "epochs": None,
    "batch_size": None,
    "steps_per_epoch": None,  # None: the whole dataset
    "max_images": None,  # None: all of them
    "seed": None,
    "xla": True,  # XLA where Keras' "auto" says so (GPUs), never when False
    "strategy": "default",
    "mixed_precision": None,
    "overwrite": False,
    "verbose": "auto",
    # The image GANs' moving average of the generator's weights (its decay; 0: off).
    "ema_decay": 0.0,
    # Score the generator every N epochs (and at the end), where the tutorial has a score; 0: never.
    "eval_every": 1,
    "log_every": 50,  # steps between the points of the within-epoch loss curve and TensorBoard's
}


@dataclasses.dataclass
class TrainingData:
    """What a preset's `load_data` returns: the `tf.data` pipeline and what else it learnt.

    Attributes:
        dataset: batches as `train_step` takes them.
        class_names: the class of each label index, for conditional GANs.
        images: the training images as an array, where a tutorial's
            callbacks or loop need them (the classic GAN's).
        source: what was read (a folder or file), recorded in run.json.
        extra: what else the tutorial's build and score need from its data
            (DGGAN's node count and link-prediction test sets).
    """

    dataset: object = None
    class_names: list | None = None
    images: object = None
    source: str | None = None
    extra: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Preset:
    """One tutorial, as the runner, the scripts, the benchmark and the tests see it.

    Attributes:
        name: the tutorial's one name: its model module, preset module,
            script (`train_<name>.py`), notebook, run folder, benchmark
            entry and docs page.
        title: one line saying what it is.
        defaults: the tutorial's own options and their defaults, on top of
            `COMMON_DEFAULTS`.
        load_data: `load_data(config) -> TrainingData`.
        build: `build(config, data) -> compiled GAN`, called inside the
            strategy and precision scope.
        monitors: `monitors(config, data, samples_dir) -> [callbacks]`: what
            the tutorial shows while it trains (sample grids...).
        finish: `finish(config, data, generator, paths) -> {name: path}`:
            outputs made after training (a GIF, a figure), or None.
        outputs: the names of the files `finish` writes in the run folder
            (--overwrite deletes them with the rest of a run).
        train: a training loop that replaces `fit`, or None (the classic
            GAN's composite loop): `train(config, data, monitors, paths,
            resuming, start, quality) -> (generator, gan or None, model)`,
            where `start()` prepares the folder once the models are built
            and `quality` are the callbacks of the scores; it returns None
            to let `fit` train.
        quality: `quality(config, data) -> score_fn`, where
            `score_fn(generator) -> {name: number}` (keras_gans.metrics):
            the tutorial's quality scores, computed in `fit` every
            `eval_every` epochs (`quality` may return None: no score for
            this data); or None.
        floor: `floor(config, data, score_fn) -> {name: number}`: the
            scores of real data the score does not compare with, the best a
            generator can hope for (scripts/make_results.py puts them beside
            the run's); or None.
        references: `references(config, data, score_fn) -> {name: {score:
            number}}`: the scores of other reference images, beside the
            floor (the face tutorials' target: real faces blurred 4x,
            "blurred_4x"); scripts/make_results.py records and draws them;
            or None.
        best: the score that picks the best generator and "min" or "max",
            e.g. ("fd", "min"); a third item, {score: minimum}, leaves out
            the epochs below any of those minimums.
        scored_part: the part of the model the score reads and best/ keeps:
            "sampler" (the generator, or its moving average when kept), or
            DGGAN's "discriminator" (its node embeddings).
        kind: what the tutorial generates: "images" (from latent vectors),
            "translation" (CycleGAN: images from images of another domain)
            or "graph" (DGGAN: node embeddings). The command line offers
            --ema-decay to "images" tutorials only.
        check: `check(config)` raises OptionError for values the tutorial
            cannot take, before anything is read or written; or None.
        options: the tutorial's own command-line options, name -> help text
            (the common ones are in `keras_gans.cli`).
        tiny: overrides that make tiny models and runs, for tests and the
            notebooks' tiny mode.
        notebook: overrides that make the notebook's short run, the one its
            committed outputs show (a few minutes on a 2-core CPU; see
            keras_gans.notebook).
        benchmark: overrides for `scripts/benchmark.py` (batch size) and
            the steps it times.
    """

    name: str
    title: str
    defaults: dict
    load_data: Callable
    build: Callable
    monitors: Callable
    finish: Callable | None = None
    outputs: tuple = ()
    train: Callable | None = None
    quality: Callable | None = None
    floor: Callable | None = None
    references: Callable | None = None
    best: tuple = ()
    scored_part: str = "sampler"
    kind: str = "images"
    check: Callable | None = None
    options: dict = dataclasses.field(default_factory=dict)
    tiny: dict = dataclasses.field(default_factory=dict)
    notebook: dict = dataclasses.field(default_factory=dict)
    benchmark: dict = dataclasses.field(default_factory=dict)

    def config(self, **overrides):
        """The resolved options: common defaults, this tutorial's, then `overrides`."""
        defaults = {**COMMON_DEFAULTS, "output_dir": f"runs/{self.name}", **self.defaults}
        unknown = sorted(set(overrides) - set(defaults))
        if unknown:
            raise OptionError(f"{self.name} has no option {', '.join(unknown)}")
        # Each value checked by its type (keras_gans.options), as the command line checks its text.
        config = check_options({**defaults, **overrides}, defaults)
        check_tf_config(config["strategy"])
        if self.check:
            self.check(config)
        return config

    def build_gan(self, data=None, **overrides):
        """This tutorial's GAN, built and compiled from its defaults and `overrides`.

        `data` is what `load_data` returns where the build needs it (class
        names); without it, the defaults stand in.
        """
        return self.build(self.config(**overrides), data or TrainingData())


PRESETS = {}


def register(preset):
    """Adds `preset` to the registry (a new GAN needs this and its model module); returns it."""
    PRESETS[preset.name] = preset
    return preset


def get_preset(name):
    """The registered preset called `name`."""
    if isinstance(name, Preset):
        return name
    try:
        return PRESETS[name]
    except KeyError:
        raise OptionError(f"no tutorial called {name!r}; choose one of {', '.join(PRESETS)}") from None


def jit_compile(config):
    """Keras' `jit_compile` from the `xla` option: Keras' own "auto" rule, or never."""
    return "auto" if config["xla"] else False


def label_options(config):
    """The base GAN's options as the preset sets them: label conventions, generator average, seed."""
    keys = ("real_label", "label_noise", "label_smoothing", "d_loss_reduction", "ema_decay", "seed")
    return {key: config[key] for key in keys if key in config}


def compile_gan(gan, config, loss_fn):
    """Compiles `gan` with one Adam per network, as every tutorial here does; returns it."""
    gan.compile(
        d_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"]),
        g_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"]),
        loss_fn=loss_fn,
        jit_compile=jit_compile(config),
    )
    return gan
