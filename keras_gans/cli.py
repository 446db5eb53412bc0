"""Command-line plumbing shared by the scripts: one parser per preset, checked options, clean errors.

Each `scripts/train_<name>.py` is `main("<name>")`: its options and their
defaults come from the tutorial's preset (`keras_gans.presets`), so no
default is written twice.
"""

import argparse
import json
import sys

from keras_gans.options import (  # noqa: F401  (the scripts' argparse types, from here)
    STRATEGIES,
    OptionError,
    argparse_type,
    check_options,
    fraction,
    non_negative_int,
    positive_float,
    positive_int,
)


def command_line(script, argv=None):
    """The command a script ran as, to record beside its results: `python scripts/<script>` and
    `argv` (this process's arguments when None, as `main(argv=None)` reads them)."""
    return " ".join([f"python scripts/{script}", *(sys.argv[1:] if argv is None else argv)])


MNIST_PATH_HELP = (
    "a Keras-format mnist.npz or a folder of the four IDX files (default: $KERAS_GANS_MNIST, "
    "else Keras' download)"
)


def build_parser(preset, description=None):
    """The script's parser: the preset's own options, then the common ones, with the preset's defaults."""
    config = preset.config()
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )

    def add(name, help, **kwargs):
        default = config[name]
        shown = "" if default is None or "default:" in help else " (default: %(default)s)"
        kwargs.setdefault("type", argparse_type(name, default))  # keras_gans.options: the same as --config's
        parser.add_argument(f"--{name.replace('_', '-')}", default=default, help=help + shown, **kwargs)

    for name, spec in preset.options.items():
        add(name, **({"help": spec} if isinstance(spec, str) else spec))
    add(
        "output_dir",
        "folder for samples, losses, checkpoints and the saved generator; "
        "re-running with an unfinished run's folder resumes it",
    )
    add("epochs", "epochs to train")
    add("batch_size", "images per batch")
    add("steps_per_epoch", "batches per epoch, for short runs (default: the whole dataset)")
    add("seed", "seed for weights, data order, latent vectors and samples")
    if preset.quality is not None:
        add(
            "eval_every",
            "score the generator every N epochs and at the last (0: never); the best one is kept in best/",
        )
    if preset.kind == "images":
        add(
            "ema_decay",
            "keep a moving average of the generator's weights with this decay (e.g. 0.999) and draw, "
            "score and save from it; 0: off",
        )
    add("log_every", "steps between the points of the within-epoch loss curve and TensorBoard's")
    parser.add_argument(
        "--no-xla",
        dest="xla",
        action="store_false",
        help="never XLA-compile the train step (by default it is compiled when a GPU is present)",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the run in --output-dir: once all else is checked, what a run wrote there is deleted "
        "(a folder holding other files is refused)",
    )
    add(
        "strategy",
        "tf.distribute strategy: default (one device), mirrored (all local GPUs), "
        "multiworker (machines in TF_CONFIG)",
        choices=STRATEGIES,
    )
    parser.add_argument(
        "--mixed-precision",
        nargs="?",
        const="float16",
        default=config["mixed_precision"],
        choices=("float16", "bfloat16"),
        help="compute in float16 with loss scaling (mixed_float16; for GPUs; the default when "
        "given alone) or in bfloat16 (mixed_bfloat16; for CPUs with AVX512_BF16 or AMX, TPUs)",
    )
    parser.add_argument(
        "--config",
        default=None,
        help="a finished run's run.json: run again with every option it recorded "
        "(options given here still win; choose a new --output-dir)",
    )
    return parser


def recorded_config(path, preset):
    """The options a run.json recorded, as `train` takes them (lists back to tuples)."""
    try:
        with open(path) as file:
            record = json.load(file)
        config = record["config"]
        if not isinstance(config, dict):
            raise TypeError('expected {"tutorial": ..., "config": {...}}, as a run.json holds')
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise argparse.ArgumentTypeError(f"cannot read a run's config from {path}: {error}") from None
    if record.get("tutorial") != preset.name:
        raise argparse.ArgumentTypeError(
            f"{path} is a run of {record.get('tutorial')!r}, not of {preset.name!r}"
        )
    return config_options(config, preset, path)


def config_options(config, preset, source):
    """A recorded config (run.json's, or an unfinished run's backup/config.json) as `train` takes it."""
    defaults = preset.config()
    unknown = sorted(set(config) - set(defaults))
    if unknown:
        raise argparse.ArgumentTypeError(
            f"{source} has options {preset.name} does not know: {', '.join(unknown)}"
        )
    # Whether to overwrite, and how much to print, are this command's choices.
    config = {key: value for key, value in config.items() if key not in ("overwrite", "verbose")}
    try:  # each value as the command line would take it (lists back to tuples), or one line
        return check_options(config, defaults)
    except OptionError as error:
        raise argparse.ArgumentTypeError(f"{source}: {error}") from None


def parse_options(preset, argv=None, description=None):
    """The options `train` gets from this command line (and a --config file, if given)."""
    parser = build_parser(preset, description)
    args = parser.parse_args(argv)
    recorded = {}
    if args.config:
        try:
            recorded = recorded_config(args.config, preset)
        except argparse.ArgumentTypeError as error:
            parser.error(f"--config: {error}")
        # The file's values become the defaults, so options given on this command line win.
        parser.set_defaults(**recorded)
        args = parser.parse_args(argv)
    options = {**recorded, **vars(args)}
    del options["config"]
    try:
        preset.config(**options)  # the tutorial's own checks, before anything is read or written
    except OptionError as error:
        parser.error(str(error))
    return options


def main(name, argv=None, description=None):
    """A training script: parses the options of tutorial `name`, trains it; returns the exit status."""
    from keras_gans.presets import get_preset

    preset = get_preset(name)
    return run(preset, **parse_options(preset, argv, description))


def run(preset, **options):
    """Trains `preset`; known user errors become one message and exit code 2."""
    from keras_gans.data.images import DataError
    from keras_gans.runner import train
    from keras_gans.training import OutputDirError, TrainingStopped

    if isinstance(options.get("strategy"), str):
        from keras_gans.runtime import make_strategy

        # Before any other TensorFlow work: a multi-worker strategy must be
        # created at program start-up.
        options["strategy"] = make_strategy(options["strategy"])
    try:
        paths = train(preset, **options)
    except (DataError, OutputDirError, OptionError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except TrainingStopped as error:
        print(f"error: training stopped: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "\nInterrupted. Re-run the same command to resume from the last finished epoch.",
            file=sys.stderr,
        )
        return 130
    print("\nWritten:")
    for name, path in paths.items():
        print(f"  {name:<12} {path}")
    return 0
