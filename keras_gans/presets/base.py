"""What a preset is: one tutorial's name, defaults, and the pieces the runner calls.

A preset is to a tutorial what keras-hub's `<model>_presets.py` is to a
model: the one place its defaults are written. The runner
(`keras_gans.runner.train`) reads a preset and the user's overrides, and
does the rest the same way for every tutorial.
"""

import dataclasses
import functools
from collections.abc import Callable

import keras

from keras_gans import options as types
from keras_gans.augment import POLICIES
from keras_gans.models.gan import GAN
from keras_gans.options import Option, OptionError, check_options, check_tf_config

# The options every tutorial has: each declared once, here. A preset adds its own and may give these
# defaults of its own (every preset sets `epochs` and `batch_size`), keeping the help and type.
COMMON_OPTIONS = {
    "output_dir": Option(
        None,  # runs/<tutorial> (`Preset.declared`)
        "folder for samples, losses, checkpoints and the saved generator; re-running with an unfinished "
        "run's folder resumes it",
        types.text,
        resume=True,
    ),
    "epochs": Option(None, "epochs to train", types.positive_int, resume=True),
    "batch_size": Option(None, "images per batch", types.positive_int),
    "steps_per_epoch": Option(
        None, "batches per epoch, for short runs (default: the whole dataset)", types.optional_positive_int
    ),
    "max_images": Option(
        None, "train on the first N images only (default: all)", types.optional_positive_int
    ),
    "seed": Option(None, "seed for weights, data order, latent vectors and samples", types.seed),
    "eval_every": Option(
        1,
        "score the generator every N epochs and at the last (0: never); the best one is kept in best/",
        types.non_negative_int,
        resume=True,
    ),
    "ema_decay": Option(
        0.0,
        "keep a moving average of the generator's weights with this decay (e.g. 0.999) and draw, score and "
        "save from it; 0: off",
        types.fraction,
    ),
    "log_every": Option(
        50, "steps between the points of the within-epoch loss curve and TensorBoard's", resume=True
    ),
    "xla": Option(
        True,  # where Keras' "auto" says so (GPUs); never when False
        "never XLA-compile the train step (by default it is compiled when a GPU is present)",
        flag={"option": "--no-xla", "action": "store_false"},
    ),
    "run_eagerly": Option(
        False,
        "run the train step op by op as plain Python (no tf.function, no XLA): slower, for stepping "
        "through it in a debugger",
        resume=True,
        flag={"action": "store_true"},
    ),
    "overwrite": Option(
        False,
        "replace the run in --output-dir: once all else is checked, what a run wrote there is deleted "
        "(a folder holding other files is refused)",
        resume=True,
        flag={"action": "store_true"},
    ),
    "strategy": Option(
        "default",
        "tf.distribute strategy: default (one device), mirrored (all local GPUs), multiworker (machines in "
        "TF_CONFIG)",
        types.strategy,
    ),
    "mixed_precision": Option(
        None,
        "compute in float16 with loss scaling (mixed_float16; for GPUs; the default when given alone) or in "
        "bfloat16 (mixed_bfloat16; for CPUs with AVX512_BF16 or AMX, TPUs)",
        types.choice("float16", "bfloat16", optional=True),
        flag={"nargs": "?", "const": "float16"},
    ),
    "verbose": Option("auto", type=types.anything, resume=True),  # Keras' own: "auto", 0, 1 or 2
}
# What the base GAN's train step is told by its tutorial (its labels and loss), declared once here
# and given a default by each preset that builds on it.
GAN_OPTIONS = {
    "learning_rate": Option(None, "Adam learning rate of both networks", types.positive_float, resume=True),
    "beta_1": Option(None, "Adam's beta_1 (decay of its mean gradient) of both networks", types.fraction),
    "real_label": Option(None, type=types.number_type(float, lambda v: 0 <= v <= 1, "from 0 to 1")),
    "label_noise": Option(0.0),  # U(0, label_noise) added to every label
    "label_smoothing": Option(
        0.0, "one-sided label smoothing of the discriminator's real labels", types.fraction
    ),
    "d_loss_reduction": Option(
        None, type=types.choice("sum", "mean")
    ),  # the real and fake losses' sum or mean
    # Beyond the tutorials (issue #29, docs/runs.md "Improved training"): each off by default.
    "augment": Option(
        "",
        "DiffAugment every image the discriminator sees, real and fake, in both networks' steps: "
        "comma-separated from " + ", ".join(POLICIES) + ' (e.g. "color,translation,cutout"); "": off',
        types.names_from(*POLICIES),
    ),
    "r1_gamma": Option(
        0.0,
        "weight of the R1 penalty on real images (gamma/2 times the squared gradient of the "
        "discriminator's logit); 0: off",
        types.non_negative_float,
    ),
    "d_learning_rate": Option(
        None,
        "the discriminator's own Adam learning rate (two time-scale updates); default: --learning-rate",
        types.optional_positive_float,
        resume=True,
    ),
    # Its help names the tutorial's set (`Preset.declared`).
    "improved": Option(
        False,
        "turn on the improved training recommended for this tutorial; options given beside it win",
        flag={"action": "store_true"},
    ),
}
# The improved training recommended for a tutorial unless its preset gives its own set (`improved`):
# an average of the generator and DiffAugment, the two that keras.io's GAN-ADA example uses. The
# hands take PyTorch's BatchNorm epsilon and an average of 0.99, the two DCGANs (faces, MNIST) the
# DCGAN paper's Adam and the average (their presets say why).
IMPROVED = {"ema_decay": 0.999, "augment": "color,translation,cutout"}
# The two DCGANs' set: the DCGAN paper's Adam (2e-4, beta_1 0.5; keras.io's and the TensorFlow
# tutorial's is 1e-4 with Keras' 0.9) and the average, without DiffAugment.
DCGAN_IMPROVED = {"learning_rate": 2e-4, "beta_1": 0.5, "ema_decay": 0.999}


def declare(options, base=None):
    """`options` (name -> Option, or a plain default) as Options, on top of `base`'s.

    A plain value is a default: for an option of `base`, it keeps `base`'s help and type; for a new
    one, it is an option off the command line whose type its default tells.
    """
    declared = dict(base or {})
    for name, spec in options.items():
        if isinstance(spec, Option):
            declared[name] = spec
        elif name in declared:
            declared[name] = declared[name].replace(default=spec)
        else:
            declared[name] = Option(spec)
    return declared


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
        options: the tutorial's own options, name -> `Option` (default,
            help, type, resume), or a plain default (an option off the
            command line, or a new default for a common option), on top of
            `COMMON_OPTIONS` (`declared` holds them all).
        shared_options: the sets of options it shares with other tutorials
            (`GAN_OPTIONS`, `MNIST_OPTIONS`), on top of `COMMON_OPTIONS`.
        data_option: the option its data is read from, and the kind of data
            (`keras_gans.notebook.data_path`): ("data_dir", "celeba").
        load_data: `load_data(config) -> TrainingData`.
        build: `build(config, data) -> compiled GAN`, called inside the
            strategy and precision scope.
        monitors: `monitors(config, data, samples_dir) -> [callbacks]`: what
            the tutorial shows while it trains (sample grids...).
        finish: `finish(config, data, generator, paths) -> {name: path}`:
            outputs made after training (a GIF, a figure), or None.
        outputs: the names of the files `finish` writes in the run folder
            (--overwrite deletes them with the rest of a run).
        train: `train(run) -> (generator, gan or None, model)`, the
            tutorial's own way to train a `keras_gans.training.Run` (the
            classic GAN's composite loop), or None: `fit_run`, as every
            other tutorial.
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
        tiny: overrides that make tiny models and runs, for tests and the
            notebooks' tiny mode.
        notebook: overrides that make the notebook's short run, the one its
            committed outputs show (a few minutes on a 2-core CPU; see
            keras_gans.notebook).
        benchmark: overrides for `scripts/benchmark.py` (batch size) and
            the steps it times.
        improved: the options that `--improved` sets (those given beside it
            win), for the tutorials with the base GAN's options.
    """

    name: str
    title: str
    options: dict
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
    shared_options: tuple = ()
    data_option: tuple = ("mnist_path", "mnist")
    tiny: dict = dataclasses.field(default_factory=dict)
    notebook: dict = dataclasses.field(default_factory=dict)
    benchmark: dict = dataclasses.field(default_factory=dict)
    improved: dict = dataclasses.field(default_factory=lambda: dict(IMPROVED))

    @functools.cached_property
    def declared(self):
        """Every option of this tutorial, name -> Option: the common ones, the shared ones, then its own."""
        common = {
            **COMMON_OPTIONS,
            "output_dir": COMMON_OPTIONS["output_dir"].replace(default=f"runs/{self.name}"),
        }
        for shared in self.shared_options:
            common.update(shared)
        declared = declare(self.options, common)
        if self.quality is None:  # nothing to score: no --eval-every to offer
            declared["eval_every"] = declared["eval_every"].replace(help=None)
        if self.kind != "images":  # the moving average is the image GANs' (keras_gans.models.gan)
            declared["ema_decay"] = declared["ema_decay"].replace(help=None)
        if "improved" in declared:
            improved = declared["improved"]
            flags = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in self.improved.items())
            declared["improved"] = improved.replace(help=f"{improved.help} ({flags})")
        return declared

    @property
    def defaults(self):
        """Every option's default: name -> value."""
        return {name: option.default for name, option in self.declared.items()}

    @property
    def may_change_on_resume(self):
        """The options an unfinished run may be resumed with other values of."""
        return {name for name, option in self.declared.items() if option.resume}

    def config(self, **overrides):
        """The resolved options: common defaults, this tutorial's, then `overrides`."""
        unknown = sorted(set(overrides) - set(self.declared))
        if unknown:
            raise OptionError(f"{self.name} has no option {', '.join(unknown)}")
        if overrides.get("improved"):  # its set, under the options given beside it
            overrides = {**self.improved, **overrides}
        # Each value checked by its type (keras_gans.options), as the command line checks its text.
        config = check_options({**self.defaults, **overrides}, self.declared)
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
    """The base GAN's options as the preset sets them (every constructor argument its config holds
    but the latent size, which each preset passes itself): label conventions, generator average,
    augmentation and R1, seed."""
    return {key: config[key] for key in GAN.CONFIG_KEYS if key != "latent_dim" and key in config}


def compile_gan(gan, config, loss_fn):
    """Compiles `gan` with one Adam per network, as every tutorial here does (the discriminator's at
    `d_learning_rate` when given); returns it."""
    d_learning_rate = config.get("d_learning_rate") or config["learning_rate"]
    gan.compile(
        d_optimizer=keras.optimizers.Adam(d_learning_rate, beta_1=config["beta_1"]),
        g_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"]),
        loss_fn=loss_fn,
        jit_compile=jit_compile(config),
    )
    return gan
