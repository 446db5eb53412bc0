"""Command-line plumbing shared by the scripts: one parser per preset, checked options, clean errors.

Each `scripts/train_<name>.py` is `main("<name>")`: its options and their
defaults come from the tutorial's preset (`keras_gans.presets`), so no
default is written twice.
"""

import argparse
import json
import sys

from keras_gans.options import (  # noqa: F401  (the scripts' argparse types, from here)
    Option,
    OptionError,
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


def build_parser(preset, description=None):
    """The script's parser: each option the preset declares with a help text, its default shown."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    declared = preset.declared.items()
    # The tutorial's own options first, then the common ones.
    for name, option in sorted(
        declared, key=lambda item: not isinstance(preset.options.get(item[0]), Option)
    ):
        if option.help is None:
            continue
        flag = dict(option.flag)
        spelling = flag.pop("option", f"--{name.replace('_', '-')}")
        shown = " (default: %(default)s)"
        if option.default in (None, "") or "default:" in option.help:  # nothing to show, or said already
            shown = ""
        if "action" in flag:  # a switch: its help says what it does
            shown = ""
        else:  # a value to parse, checked as --config's values are
            flag.setdefault("type", option.argparse_type())
            flag.setdefault("choices", getattr(option.value_type(), "choices", None))
        parser.add_argument(spelling, dest=name, default=option.default, help=option.help + shown, **flag)
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
    from keras_gans import legacy

    config = legacy.recorded_options(config)  # an older version's names and values
    unknown = sorted(set(config) - set(preset.declared))
    if unknown:
        raise argparse.ArgumentTypeError(
            f"{source} has options {preset.name} does not know: {', '.join(unknown)}"
        )
    # Whether to overwrite, and how much to print, are this command's choices.
    config = {key: value for key, value in config.items() if key not in ("overwrite", "verbose")}
    try:  # each value as the command line would take it (lists back to tuples), or one line
        return check_options(config, preset.declared)
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
    if getattr(args, "improved", False):
        # The tutorial's improved set becomes the defaults, so options given on this command line win,
        # and so do a --config file's: a run recorded with an earlier set runs again as it ran.
        parser.set_defaults(**{key: value for key, value in preset.improved.items() if key not in recorded})
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
    from keras_gans.callbacks import TrainingStopped
    from keras_gans.data.images import DataError
    from keras_gans.runner import train
    from keras_gans.training import OutputDirError

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
